/* SPDX-License-Identifier: MIT */
/*
 * Launching and supervising the hypervisor (VMM) process.
 *
 * The VMM is started with posix_spawnp of an argv vector (never a shell),
 * stdin from /dev/null, stdout (the guest's serial console) and stderr on
 * two separate non-blocking pipes. It runs in its own process group, so
 * signals reach exactly what we started (the VMM and anything it forked)
 * and a Ctrl-C on the terminal does not reach it behind the runner's back.
 * Signals are only ever sent to that process group, and only while its
 * leader has not been reaped: the unreaped leader pins the group id, so a
 * recycled id can never be hit.
 *
 * Ownership: pf_vmm_spawn() returns a handle owned by the caller;
 * pf_vmm_free() kills (SIGKILL) and reaps a still-running VMM, so freeing
 * never leaves a zombie or a stray process. Output buffers passed to the
 * callbacks belong to the vmm and are only valid during the call.
 *
 * Not thread-safe: one thread drives one vmm.
 */
#ifndef PF_VMM_H
#define PF_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "launch/target.h" /* struct pf_error */

struct pf_vmm;

/* Receives a chunk of output; not NUL-terminated, no line framing. */
typedef void (*pf_vmm_out_fn)(void *ctx, const char *buf, size_t len);

/*
 * Start argv[0] (looked up in PATH unless it contains '/') with argv.
 * Failure to execute (not found, not executable, bad format) is an error
 * here, reported in err with sys_errno set, never a child that "exited
 * 127". Also sets the runner's SIGPIPE to ignored (if it was default), so a
 * closed pipe shows up as EPIPE instead of killing the runner; the child
 * gets default signal dispositions and an empty signal mask.
 */
struct pf_vmm *pf_vmm_spawn(char *const argv[], struct pf_error *err);

pid_t pf_vmm_pid(const struct pf_vmm *v);

/* Milliseconds since spawn (monotonic clock). */
long pf_vmm_elapsed_ms(const struct pf_vmm *v);

/* pf_vmm_poll() result bits. OUT/ERR are events of this call; EOF and
 * EXITED are states that stay set once reached. */
#define PF_VMM_POLL_OUT 0x1    /* stdout bytes were delivered */
#define PF_VMM_POLL_ERR 0x2    /* stderr bytes were delivered */
#define PF_VMM_POLL_EOF 0x4    /* both pipes are at end of file */
#define PF_VMM_POLL_EXITED 0x8 /* the VMM has exited (pf_vmm_wait reaps it) */

/*
 * Wait up to timeout_ms (0: just look; negative is taken as 0) for output
 * or exit, deliver what is readable to the callbacks (NULL: discard), and
 * return the bits above, 0 on timeout, or -1 on error (errno set). Returns
 * early on the first event, so call it in a loop; a large burst is
 * delivered over several calls so timers are still checked.
 */
int pf_vmm_poll(struct pf_vmm *v, int timeout_ms, pf_vmm_out_fn on_stdout, pf_vmm_out_fn on_stderr,
		void *ctx);

/* Send SIG to the VMM's process group (while it is not yet reaped).
 * Returns 0, or -1 with errno. */
int pf_vmm_kill(struct pf_vmm *v, int sig);

/*
 * SIGTERM to the process group, wait up to grace_ms for exit (still
 * delivering output to the callbacks, which may be NULL to discard), then
 * SIGKILL and wait a bounded time more. Does not reap: call pf_vmm_wait.
 * Returns 0 once the VMM has exited, -1 (errno ETIMEDOUT) if even SIGKILL
 * did not end it in time (a process stuck in the kernel).
 */
int pf_vmm_terminate_drain(struct pf_vmm *v, int grace_ms, pf_vmm_out_fn on_stdout,
			   pf_vmm_out_fn on_stderr, void *ctx);

/* pf_vmm_terminate_drain() discarding output. */
int pf_vmm_terminate(struct pf_vmm *v, int grace_ms);

enum pf_vmm_how {
	PF_VMM_RUNNING = 0, /* not reaped yet */
	PF_VMM_EXITED,	    /* exited on its own: code */
	PF_VMM_SIGNALLED,   /* died from a signal we did not send: signal */
	PF_VMM_KILLED,	    /* we signalled it and it ended (code or signal) */
};

struct pf_vmm_exit {
	enum pf_vmm_how how;
	int code;   /* exit code, -1 if it did not exit normally */
	int signal; /* terminating signal, 0 if none */
	bool core_dumped;
	int sent_signal; /* last signal we sent (SIGTERM, SIGKILL), 0 if none */
};

/*
 * Wait up to timeout_ms (negative: no limit; use it only after SIGKILL) for
 * the VMM to exit, then reap it. Any process left in its group (something
 * the VMM forked and left behind) is killed with SIGKILL before the reap.
 * Returns 0 when reaped (out filled; repeated calls give the same answer), 1
 * if still running at the timeout, -1 on error.
 * Output is not read here: poll until PF_VMM_POLL_EXITED first, or terminate.
 */
int pf_vmm_wait(struct pf_vmm *v, int timeout_ms, struct pf_vmm_exit *out);

/* Kill (SIGKILL) and reap if still running, close everything. NULL ok. */
void pf_vmm_free(struct pf_vmm *v);

/* "exited 3", "killed by SIGSEGV (core dumped)", "terminated by us (SIGKILL)"... */
const char *pf_vmm_exit_describe(const struct pf_vmm_exit *e, char *buf, size_t len);

/* ---- supervision ---------------------------------------------------------- */

struct pf_supervise_opts {
	long overall_ms;    /* spawn to end, whatever happens; 0 = no limit */
	long boot_ms;	    /* spawn to first record; 0 = no limit */
	long inactivity_ms; /* no progress once the first record came (see
                         * pf_supervise_cbs.progress); 0 = none */
	long exit_grace_ms; /* after finished(): time for the VMM to exit itself */
	long term_grace_ms; /* SIGTERM to SIGKILL */
	long drain_ms;	    /* after exit: time to wait for the pipes' EOF */
};

/* Defaults: no timeouts, exit grace 2000 ms, term grace 2000 ms, drain 500 ms. */
void pf_supervise_opts_init(struct pf_supervise_opts *o);

struct pf_supervise_cbs {
	pf_vmm_out_fn on_serial; /* VMM stdout: the guest's serial console */
	pf_vmm_out_fn on_stderr; /* VMM diagnostics, for the log */
	/* Polled after output arrives until it returns true once. NULL: the
     * boot timeout is off and inactivity counts from spawn. */
	bool (*saw_first_record)(void *ctx);
	/* Polled likewise; true once the probe's `end` record came: the VMM
     * then gets exit_grace_ms to exit on its own, and inactivity / boot
     * timeouts no longer apply. NULL: never. */
	bool (*finished)(void *ctx);
	void *ctx;
	/* Polled likewise: a count that grows with every valid record. When
     * set, inactivity is time without it growing, so a VMM that keeps
     * printing without a valid record is wedged, not alive. NULL: any
     * serial byte counts as activity. */
	unsigned long long (*progress)(void *ctx);
};

enum pf_supervise_outcome {
	PF_SUP_EXITED = 0,	   /* exited on its own with code 0 */
	PF_SUP_EXIT_CODE,	   /* exited on its own with a non-zero code */
	PF_SUP_CRASHED,		   /* died from a signal we did not send */
	PF_SUP_STOPPED,		   /* finished, did not exit in time: we stopped it */
	PF_SUP_TIMEOUT_OVERALL,	   /* overall_ms elapsed: we stopped it */
	PF_SUP_TIMEOUT_INACTIVITY, /* no progress for inactivity_ms: wedged */
	PF_SUP_TIMEOUT_BOOT,	   /* no first record within boot_ms */
	PF_SUP_ERROR,		   /* supervision itself failed; VMM stopped */
};

struct pf_supervise_result {
	enum pf_supervise_outcome outcome;
	struct pf_vmm_exit exit; /* how == PF_VMM_RUNNING if it could not be reaped */
	bool first_record;	 /* saw_first_record() returned true */
	bool finished;		 /* finished() returned true */
	bool escalated;		 /* SIGTERM was not enough: SIGKILL sent */
	/* Milliseconds since spawn; -1 when it did not happen. */
	long first_record_ms;
	long finished_ms;
	long last_serial_ms;
	long last_progress_ms; /* progress() last grew (or first record) */
	long exit_ms;	       /* exit observed */
	long elapsed_ms;       /* supervision ended (VMM reaped) */
	unsigned long long serial_bytes;
	unsigned long long stderr_bytes;
	int sys_errno; /* for PF_SUP_ERROR */
};

/*
 * Drive V until it ends, enforcing the timeouts of OPTS and delivering
 * output to CBS. Every wait is bounded: on a timeout the VMM's group gets
 * SIGTERM, then SIGKILL after term_grace_ms. On return the VMM is reaped
 * (unless even SIGKILL failed, see res->exit.how). Returns 0, or -1 for
 * invalid arguments.
 */
int pf_vmm_supervise(struct pf_vmm *v, const struct pf_supervise_opts *opts,
		     const struct pf_supervise_cbs *cbs, struct pf_supervise_result *res);

/* Stable short names: "exited", "exit-code", "crash", "stopped", "timeout",
 * "wedged", "boot-timeout", "error". */
const char *pf_supervise_outcome_name(enum pf_supervise_outcome o);
/* The kind of finding a run records for a VMM that ended with o before the
 * probe's end: crash, wedged, timeout, no-start or error. */
const char *pf_supervise_finding_kind(enum pf_supervise_outcome o);

/* ---- hypervisor version --------------------------------------------------- */

/*
 * Run BINARY VERSION_ARGS... (NULL-terminated, may be NULL) with the same
 * machinery, bounded by timeout_ms (<= 0: 10 s), and copy the first non-blank line of its
 * stdout (stderr if stdout is blank) into buf, trailing blanks removed.
 * Returns 0, or -1 with err filled (not found, non-zero exit, timeout, no
 * output).
 */
int pf_hypervisor_version(const char *binary, const char *const *version_args, int timeout_ms,
			  char *buf, size_t len, struct pf_error *err);

/* The version number in a version line: the first word that starts with a
 * digit (or 'v' and a digit) and contains a '.', e.g. "7.2.22" from "QEMU
 * emulator version 7.2.22 (Debian ...)". Returns 0, or -1 if none. */
int pf_version_number(const char *line, char *buf, size_t len);

#endif /* PF_VMM_H */

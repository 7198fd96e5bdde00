/* SPDX-License-Identifier: MIT */
/*
 * VMM process handling: spawn, non-blocking output pumping, termination,
 * reaping, supervision with timeouts, and the hypervisor version query.
 * See vmm.h for the contract; the comments here say why things are done
 * the way they are.
 */
#define _GNU_SOURCE /* pipe2, syscall numbers */

#include "launch/vmm.h"

#include "util/spawn.h"
#include "util/clock.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One read; 64 KiB is a pipe's default capacity. */
#define VMM_CHUNK 65536
/* Reads per fd per pf_vmm_poll call: bounds the time spent on a flood so
 * the caller's timers keep running. */
#define VMM_READS_PER_POLL 16
/* Without a pidfd, exit is noticed by polling waitid at this period. */
#define VMM_EXIT_POLL_MS 20
/* After SIGKILL, exit should be immediate; more means stuck in the kernel. */
#define VMM_KILL_WAIT_MS 5000

struct pf_vmm {
	pid_t pid;  /* also the process group id */
	int out_fd; /* -1 once at EOF */
	int err_fd;
	int pidfd;   /* -1 when unsupported or after exit */
	bool exited; /* exit observed (zombie), maybe not reaped */
	bool reaped;
	int status; /* waitpid status, valid when reaped */
	int sent_signal;
	long start_ms;
	char *buf; /* VMM_CHUNK bytes */
};

/* ---- time ----------------------------------------------------------------- */

static int clamp_ms(long ms)
{
	if (ms < 0)
		return 0;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/* ---- spawn ---------------------------------------------------------------- */

static void ignore_sigpipe(void)
{
	struct sigaction old;
	if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_IGN;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGPIPE, &sa, NULL);
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	long fd = syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0)
		return (int)fd;
#else
	(void)pid;
#endif
	return -1; /* old kernel: exit is found by polling waitid */
}

struct pf_vmm *pf_vmm_spawn(char *const argv[], struct pf_error *err)
{
	pf_error_clear(err);
	if (!argv || !argv[0] || !argv[0][0]) {
		pf_error_fill(err, NULL, 0, 0, NULL, "no program to run");
		return NULL;
	}
	ignore_sigpipe();

	struct pf_vmm *v = calloc(1, sizeof(*v));
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	if (!v || !(v->buf = malloc(VMM_CHUNK))) {
		pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
		goto fail;
	}
	v->out_fd = v->err_fd = v->pidfd = -1;
	if (pipe2(outp, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
		pf_error_errno(err, NULL, "cannot set up '%s'", argv[0]);
		goto fail;
	}
	v->start_ms = pf_now_ms();
	struct pf_spawn_io io = { -1, outp[1], errp[1] };
	if (pf_spawn(argv, &io, &v->pid, err))
		goto fail;
	close_fd(&outp[1]);
	close_fd(&errp[1]);
	v->out_fd = outp[0];
	v->err_fd = errp[0];
	fcntl(v->out_fd, F_SETFL, fcntl(v->out_fd, F_GETFL) | O_NONBLOCK);
	fcntl(v->err_fd, F_SETFL, fcntl(v->err_fd, F_GETFL) | O_NONBLOCK);
	v->pidfd = open_pidfd(v->pid);
	return v;

fail:
	close_fd(&outp[0]);
	close_fd(&outp[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	if (v)
		free(v->buf);
	free(v);
	return NULL;
}

pid_t pf_vmm_pid(const struct pf_vmm *v)
{
	return v ? v->pid : 0;
}

long pf_vmm_elapsed_ms(const struct pf_vmm *v)
{
	return v ? pf_now_ms() - v->start_ms : 0;
}

/* ---- polling -------------------------------------------------------------- */

/* Notice exit without reaping: the zombie keeps the pid and group id
 * reserved, which is what makes later group signals safe. */
static void check_exit(struct pf_vmm *v)
{
	if (v->exited || v->reaped)
		return;
	if (pf_spawn_exited(v->pid)) {
		v->exited = true;
		close_fd(&v->pidfd);
	}
}

/* Read what is available on *fd (bounded); closes it at EOF. Returns bytes
 * delivered, or -1 on a read error (the fd is then closed too). */
static long pump(struct pf_vmm *v, int *fd, pf_vmm_out_fn fn, void *ctx)
{
	long total = 0;
	for (int i = 0; i < VMM_READS_PER_POLL && *fd >= 0; i++) {
		ssize_t n = read(*fd, v->buf, VMM_CHUNK);
		if (n > 0) {
			if (fn)
				fn(ctx, v->buf, (size_t)n);
			total += n;
			continue;
		}
		if (n == 0) {
			close_fd(fd);
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		close_fd(fd);
		return -1;
	}
	return total;
}

static int state_bits(const struct pf_vmm *v)
{
	int r = 0;
	if (v->out_fd < 0 && v->err_fd < 0)
		r |= PF_VMM_POLL_EOF;
	if (v->exited || v->reaped)
		r |= PF_VMM_POLL_EXITED;
	return r;
}

int pf_vmm_poll(struct pf_vmm *v, int timeout_ms, pf_vmm_out_fn on_stdout, pf_vmm_out_fn on_stderr,
		void *ctx)
{
	if (!v) {
		errno = EINVAL;
		return -1;
	}
	long deadline = pf_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	for (;;) {
		int before = state_bits(v);
		struct pollfd pfd[3];
		int nfds = 0, i_out = -1, i_err = -1;
		if (v->out_fd >= 0) {
			i_out = nfds;
			pfd[nfds++] = (struct pollfd){ v->out_fd, POLLIN, 0 };
		}
		if (v->err_fd >= 0) {
			i_err = nfds;
			pfd[nfds++] = (struct pollfd){ v->err_fd, POLLIN, 0 };
		}
		if (v->pidfd >= 0 && !v->exited)
			pfd[nfds++] = (struct pollfd){ v->pidfd, POLLIN, 0 };
		if (before == (PF_VMM_POLL_EOF | PF_VMM_POLL_EXITED))
			return before; /* nothing left to wait for */

		long wait = deadline - pf_now_ms();
		if (wait < 0)
			wait = 0;
		if (v->pidfd < 0 && !v->exited && wait > VMM_EXIT_POLL_MS)
			wait = VMM_EXIT_POLL_MS;
		int pr = poll(pfd, (nfds_t)nfds, clamp_ms(wait));
		if (pr < 0 && errno != EINTR)
			return -1;

		int r = 0;
		if (pr > 0) {
			if (i_out >= 0 && pfd[i_out].revents) {
				long n = pump(v, &v->out_fd, on_stdout, ctx);
				if (n < 0)
					return -1;
				if (n > 0)
					r |= PF_VMM_POLL_OUT;
			}
			if (i_err >= 0 && pfd[i_err].revents) {
				long n = pump(v, &v->err_fd, on_stderr, ctx);
				if (n < 0)
					return -1;
				if (n > 0)
					r |= PF_VMM_POLL_ERR;
			}
		}
		check_exit(v);
		int after = state_bits(v);
		if (r || after != before || pf_now_ms() >= deadline)
			return r | after;
	}
}

/* ---- termination and reaping ---------------------------------------------- */

int pf_vmm_kill(struct pf_vmm *v, int sig)
{
	if (!v || v->pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (v->reaped) {
		errno = ESRCH; /* the group id may already be recycled: never touch it */
		return -1;
	}
	check_exit(v);
	/* A VMM that already exited on its own was not "killed by us"; the
     * signal still goes out, for anything it left in its group. */
	if (!v->exited)
		v->sent_signal = sig;
	return pf_spawn_kill(v->pid, sig);
}

/* Poll (delivering output) until exit or timeout; true if exited. */
static bool wait_exit_draining(struct pf_vmm *v, long timeout_ms, pf_vmm_out_fn on_stdout,
			       pf_vmm_out_fn on_stderr, void *ctx)
{
	long deadline = pf_now_ms() + timeout_ms;
	for (;;) {
		check_exit(v);
		if (v->exited || v->reaped)
			return true;
		long left = deadline - pf_now_ms();
		if (left <= 0)
			return false;
		if (pf_vmm_poll(v, clamp_ms(left), on_stdout, on_stderr, ctx) < 0)
			pf_sleep_ms(left < VMM_EXIT_POLL_MS ? left : VMM_EXIT_POLL_MS);
	}
}

int pf_vmm_terminate_drain(struct pf_vmm *v, int grace_ms, pf_vmm_out_fn on_stdout,
			   pf_vmm_out_fn on_stderr, void *ctx)
{
	if (!v) {
		errno = EINVAL;
		return -1;
	}
	check_exit(v);
	if (v->exited || v->reaped)
		return 0;
	pf_vmm_kill(v, SIGTERM);
	if (wait_exit_draining(v, grace_ms > 0 ? grace_ms : 0, on_stdout, on_stderr, ctx))
		return 0;
	pf_vmm_kill(v, SIGKILL);
	if (wait_exit_draining(v, VMM_KILL_WAIT_MS, on_stdout, on_stderr, ctx))
		return 0;
	errno = ETIMEDOUT;
	return -1;
}

int pf_vmm_terminate(struct pf_vmm *v, int grace_ms)
{
	return pf_vmm_terminate_drain(v, grace_ms, NULL, NULL, NULL);
}

static void fill_exit(const struct pf_vmm *v, struct pf_vmm_exit *out)
{
	if (!out)
		return;
	memset(out, 0, sizeof(*out));
	out->code = -1;
	out->sent_signal = v->sent_signal;
	if (!v->reaped) {
		out->how = PF_VMM_RUNNING;
		return;
	}
	if (WIFEXITED(v->status)) {
		out->code = WEXITSTATUS(v->status);
		out->how = PF_VMM_EXITED;
	} else if (WIFSIGNALED(v->status)) {
		out->signal = WTERMSIG(v->status);
#ifdef WCOREDUMP
		out->core_dumped = WCOREDUMP(v->status) != 0;
#endif
		out->how = PF_VMM_SIGNALLED;
	}
	if (v->sent_signal)
		out->how = PF_VMM_KILLED;
}

int pf_vmm_wait(struct pf_vmm *v, int timeout_ms, struct pf_vmm_exit *out)
{
	if (!v) {
		errno = EINVAL;
		return -1;
	}
	if (!v->reaped) {
		long deadline = timeout_ms < 0 ? -1 : pf_now_ms() + timeout_ms;
		for (;;) {
			check_exit(v);
			if (v->exited)
				break;
			long left = deadline < 0 ? 1000 : deadline - pf_now_ms();
			if (left <= 0) {
				fill_exit(v, out);
				return 1;
			}
			if (v->pidfd >= 0) {
				struct pollfd p = { v->pidfd, POLLIN, 0 };
				poll(&p, 1, clamp_ms(left));
			} else {
				pf_sleep_ms(left < VMM_EXIT_POLL_MS ? left : VMM_EXIT_POLL_MS);
			}
		}
		/* exited: this reaps at once, killing leftovers in the group */
		int st = 0;
		if (pf_spawn_wait(v->pid, -1, &st) != 0)
			return -1;
		v->status = st;
		v->reaped = true;
		close_fd(&v->pidfd);
	}
	fill_exit(v, out);
	return 0;
}

void pf_vmm_free(struct pf_vmm *v)
{
	if (!v)
		return;
	if (v->pid > 0 && !v->reaped) {
		check_exit(v);
		if (!v->exited)
			pf_vmm_kill(v, SIGKILL);
		pf_vmm_wait(v, -1, NULL);
	}
	close_fd(&v->out_fd);
	close_fd(&v->err_fd);
	close_fd(&v->pidfd);
	free(v->buf);
	free(v);
}

const char *pf_vmm_exit_describe(const struct pf_vmm_exit *e, char *buf, size_t len)
{
	if (!buf || len == 0)
		return buf;
	if (!e || e->how == PF_VMM_RUNNING) {
		snprintf(buf, len, "still running");
		return buf;
	}
	char what[96];
	if (e->signal)
		snprintf(what, sizeof(what), "killed by SIG%s%s",
			 sigabbrev_np(e->signal) ? sigabbrev_np(e->signal) : "?",
			 e->core_dumped ? " (core dumped)" : "");
	else
		snprintf(what, sizeof(what), "exited %d", e->code);
	if (e->how == PF_VMM_KILLED)
		snprintf(buf, len, "%s after we sent SIG%s", what,
			 sigabbrev_np(e->sent_signal) ? sigabbrev_np(e->sent_signal) : "?");
	else
		snprintf(buf, len, "%s", what);
	return buf;
}

/* ---- supervision ---------------------------------------------------------- */

void pf_supervise_opts_init(struct pf_supervise_opts *o)
{
	if (!o)
		return;
	memset(o, 0, sizeof(*o));
	o->exit_grace_ms = 2000;
	o->term_grace_ms = 2000;
	o->drain_ms = 500;
}

const char *pf_supervise_outcome_name(enum pf_supervise_outcome o)
{
	switch (o) {
	case PF_SUP_EXITED:
		return "exited";
	case PF_SUP_EXIT_CODE:
		return "exit-code";
	case PF_SUP_CRASHED:
		return "crash";
	case PF_SUP_STOPPED:
		return "stopped";
	case PF_SUP_TIMEOUT_OVERALL:
		return "timeout";
	case PF_SUP_TIMEOUT_INACTIVITY:
		return "wedged";
	case PF_SUP_TIMEOUT_BOOT:
		return "boot-timeout";
	case PF_SUP_ERROR:
		return "error";
	}
	return "unknown";
}

/* Wraps the caller's callbacks to count bytes and time serial activity. */
struct sup {
	struct pf_vmm *v;
	const struct pf_supervise_cbs *cbs;
	struct pf_supervise_result *res;
	unsigned long long progress; /* last value of cbs->progress() */
};

static void sup_serial(void *ctx, const char *buf, size_t len)
{
	struct sup *s = ctx;
	s->res->serial_bytes += len;
	s->res->last_serial_ms = pf_vmm_elapsed_ms(s->v);
	if (s->cbs->on_serial)
		s->cbs->on_serial(s->cbs->ctx, buf, len);
}

static void sup_stderr(void *ctx, const char *buf, size_t len)
{
	struct sup *s = ctx;
	s->res->stderr_bytes += len;
	if (s->cbs->on_stderr)
		s->cbs->on_stderr(s->cbs->ctx, buf, len);
}

/* Ask the caller's parser whether the milestones were reached. */
static void sup_milestones(struct sup *s)
{
	const struct pf_supervise_cbs *c = s->cbs;
	struct pf_supervise_result *r = s->res;
	if (!r->first_record && c->saw_first_record && c->saw_first_record(c->ctx)) {
		r->first_record = true;
		r->first_record_ms = pf_vmm_elapsed_ms(s->v);
	}
	if (!r->finished && c->finished && c->finished(c->ctx)) {
		r->finished = true;
		r->finished_ms = pf_vmm_elapsed_ms(s->v);
	}
	if (c->progress) {
		unsigned long long p = c->progress(c->ctx);
		if (p != s->progress) {
			s->progress = p;
			r->last_progress_ms = pf_vmm_elapsed_ms(s->v);
		}
	}
}

static void sup_term(struct sup *s, const struct pf_supervise_opts *o)
{
	pf_vmm_terminate_drain(s->v, clamp_ms(o->term_grace_ms), sup_serial, sup_stderr, s);
	sup_milestones(s);
}

/* The earliest armed deadline, and which outcome it stands for. */
static long next_deadline(const struct sup *s, const struct pf_supervise_opts *o,
			  enum pf_supervise_outcome *why)
{
	const struct pf_supervise_result *r = s->res;
	long best = LONG_MAX;
#define ARM(at, outcome)                  \
	do {                              \
		if ((at) < best) {        \
			best = (at);      \
			*why = (outcome); \
		}                         \
	} while (0)
	if (r->finished) {
		/* The probe is done: only the exit grace matters now. */
		ARM(r->finished_ms + o->exit_grace_ms, PF_SUP_STOPPED);
		return best;
	}
	if (o->overall_ms > 0)
		ARM(o->overall_ms, PF_SUP_TIMEOUT_OVERALL);
	bool tracking = s->cbs->saw_first_record != NULL;
	if (tracking && !r->first_record && o->boot_ms > 0)
		ARM(o->boot_ms, PF_SUP_TIMEOUT_BOOT);
	if (o->inactivity_ms > 0 && (r->first_record || !tracking)) {
		/* Progress is a valid record, not a byte: a flood of noise does
         * not keep a wedged guest alive. */
		long since = s->cbs->progress ? r->last_progress_ms : r->last_serial_ms;
		if (r->first_record && r->first_record_ms > since)
			since = r->first_record_ms;
		if (since < 0)
			since = 0;
		ARM(since + o->inactivity_ms, PF_SUP_TIMEOUT_INACTIVITY);
	}
#undef ARM
	return best;
}

int pf_vmm_supervise(struct pf_vmm *v, const struct pf_supervise_opts *opts,
		     const struct pf_supervise_cbs *cbs, struct pf_supervise_result *res)
{
	if (!v || !opts || !res || v->reaped) {
		errno = EINVAL;
		return -1;
	}
	static const struct pf_supervise_cbs no_cbs;
	memset(res, 0, sizeof(res[0]));
	res->first_record_ms = res->finished_ms = res->last_serial_ms = -1;
	res->last_progress_ms = -1;
	res->exit_ms = -1;
	res->exit.code = -1;
	struct sup s = { v, cbs ? cbs : &no_cbs, res, 0 };
	if (s.cbs->progress)
		s.progress = s.cbs->progress(s.cbs->ctx);
	bool stopped_by_us = false;
	enum pf_supervise_outcome why = PF_SUP_EXITED;

	for (;;) {
		enum pf_supervise_outcome cand = PF_SUP_EXITED;
		long at = next_deadline(&s, opts, &cand);
		long now = pf_vmm_elapsed_ms(v);
		if (at != LONG_MAX && now >= at) {
			why = cand;
			stopped_by_us = true;
			break;
		}
		/* Wake at least once a second: a guard against clock surprises,
         * and cheap. */
		long wait = at == LONG_MAX ? 1000 : at - now;
		if (wait > 1000)
			wait = 1000;
		int r = pf_vmm_poll(v, clamp_ms(wait), sup_serial, sup_stderr, &s);
		if (r < 0) {
			res->sys_errno = errno;
			why = PF_SUP_ERROR;
			stopped_by_us = true;
			break;
		}
		sup_milestones(&s);
		if (r & PF_VMM_POLL_EXITED)
			break;
	}

	if (stopped_by_us) {
		sup_term(&s, opts);
		res->escalated = v->sent_signal == SIGKILL;
	}
	if (v->exited)
		res->exit_ms = pf_vmm_elapsed_ms(v);

	/* The last records may still sit in the pipe: read to EOF, bounded,
     * since something the VMM forked may hold the pipe open. */
	long drain_end = pf_now_ms() + (opts->drain_ms > 0 ? opts->drain_ms : 0);
	for (;;) {
		int r = pf_vmm_poll(v, clamp_ms(drain_end - pf_now_ms()), sup_serial, sup_stderr,
				    &s);
		if (r < 0 || (r & PF_VMM_POLL_EOF) || pf_now_ms() >= drain_end)
			break;
	}
	sup_milestones(&s);

	/* Reap: immediate if it exited; bounded if SIGKILL did not work. */
	pf_vmm_wait(v, v->exited ? -1 : VMM_KILL_WAIT_MS, &res->exit);
	res->elapsed_ms = pf_vmm_elapsed_ms(v);

	if (stopped_by_us) {
		res->outcome = why;
	} else if (res->exit.how == PF_VMM_SIGNALLED) {
		res->outcome = PF_SUP_CRASHED;
	} else if (res->exit.how == PF_VMM_EXITED && res->exit.code == 0) {
		res->outcome = PF_SUP_EXITED;
	} else {
		res->outcome = PF_SUP_EXIT_CODE;
	}
	return 0;
}

/* ---- hypervisor version --------------------------------------------------- */

#define VERSION_CAPTURE 65536

struct capture {
	char buf[VERSION_CAPTURE];
	size_t len;
};

static void capture_fn(void *ctx, const char *buf, size_t len)
{
	struct capture *c = ctx;
	size_t room = sizeof(c->buf) - 1 - c->len;
	if (len > room)
		len = room; /* the first line is all we want; drop the rest */
	memcpy(c->buf + c->len, buf, len);
	c->len += len;
	c->buf[c->len] = '\0';
}

struct version_io {
	struct capture out, err;
};

static void version_out(void *ctx, const char *b, size_t n)
{
	capture_fn(&((struct version_io *)ctx)->out, b, n);
}

static void version_err(void *ctx, const char *b, size_t n)
{
	capture_fn(&((struct version_io *)ctx)->err, b, n);
}

/* First non-blank line of S, trailing blanks removed, into buf. */
static bool first_line(const char *s, char *buf, size_t len)
{
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		size_t n = strcspn(s, "\n");
		while (n > 0 && isspace((unsigned char)s[n - 1]))
			n--;
		if (n > 0) {
			if (n >= len)
				n = len - 1;
			memcpy(buf, s, n);
			buf[n] = '\0';
			return true;
		}
		s += strcspn(s, "\n");
		if (*s)
			s++;
	}
	return false;
}

int pf_hypervisor_version(const char *binary, const char *const *version_args, int timeout_ms,
			  char *buf, size_t len, struct pf_error *err)
{
	pf_error_clear(err);
	if (!binary || !*binary || !buf || len == 0)
		return pf_error_fill(err, NULL, 0, 0, NULL, "missing argument");
	buf[0] = '\0';
	if (timeout_ms <= 0)
		timeout_ms = 10000; /* never unbounded */
	size_t nargs = 0;
	while (version_args && version_args[nargs])
		nargs++;
	char **argv = calloc(nargs + 2, sizeof(*argv));
	struct version_io *io = calloc(1, sizeof(*io));
	if (!argv || !io) {
		free(argv);
		free(io);
		return pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
	}
	/* execve takes char *const[]; nothing writes through these. */
	argv[0] = (char *)binary;
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = (char *)version_args[i];

	int rc = -1;
	struct pf_vmm *v = pf_vmm_spawn(argv, err);
	if (!v)
		goto out;
	long deadline = pf_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	long exited_at = -1;
	bool timed_out = false;
	for (;;) {
		long now = pf_now_ms();
		if (now >= deadline) {
			timed_out = exited_at < 0;
			break;
		}
		int r = pf_vmm_poll(v, clamp_ms(deadline - now), version_out, version_err, io);
		if (r < 0 || (r & (PF_VMM_POLL_EXITED | PF_VMM_POLL_EOF)) ==
				     (PF_VMM_POLL_EXITED | PF_VMM_POLL_EOF))
			break;
		/* Exited, but something it forked holds the pipe open: what was
         * written before the exit is in by now. */
		if ((r & PF_VMM_POLL_EXITED) && exited_at < 0)
			exited_at = pf_now_ms();
		if (exited_at >= 0 && pf_now_ms() - exited_at >= 200)
			break;
	}
	if (timed_out)
		pf_vmm_terminate(v, 200);
	struct pf_vmm_exit ex;
	pf_vmm_wait(v, VMM_KILL_WAIT_MS, &ex);
	char what[128];
	if (timed_out) {
		pf_error_fill(err, NULL, 0, 0, NULL, "'%s' did not answer within %d ms", binary,
			      timeout_ms);
	} else if (ex.how != PF_VMM_EXITED || ex.code != 0) {
		char line[200] = "";
		first_line(io->err.buf, line, sizeof(line));
		pf_error_fill(err, NULL, 0, 0, NULL, "'%s' failed (%s)%s%s", binary,
			      pf_vmm_exit_describe(&ex, what, sizeof(what)), line[0] ? ": " : "",
			      line);
	} else if (!first_line(io->out.buf, buf, len) && !first_line(io->err.buf, buf, len)) {
		pf_error_fill(err, NULL, 0, 0, NULL, "'%s' printed no version", binary);
	} else {
		rc = 0;
	}
out:
	pf_vmm_free(v);
	free(argv);
	free(io);
	return rc;
}

int pf_version_number(const char *line, char *buf, size_t len)
{
	if (!line || !buf || len == 0)
		return -1;
	buf[0] = '\0';
	for (const char *p = line; *p;) {
		p += strspn(p, " \t(),;:");
		size_t n = strcspn(p, " \t(),;:");
		const char *w = p;
		size_t wn = n;
		if (wn > 1 && (w[0] == 'v' || w[0] == 'V') && isdigit((unsigned char)w[1])) {
			w++;
			wn--;
		}
		if (wn > 0 && isdigit((unsigned char)w[0]) && memchr(w, '.', wn)) {
			if (wn >= len)
				wn = len - 1;
			memcpy(buf, w, wn);
			buf[wn] = '\0';
			return 0;
		}
		p += n;
	}
	return -1;
}

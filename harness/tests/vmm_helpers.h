/* SPDX-License-Identifier: MIT */
/*
 * What the VMM launcher's tests share: capturing a child's output through
 * the callbacks, /bin/sh scripts standing in for a hypervisor (the runner
 * itself never uses a shell), and supervision options. Timing assertions
 * use SLACK_MS so a loaded CI machine passes while a hang still fails.
 */
#ifndef PF_TEST_VMM_HELPERS_H
#define PF_TEST_VMM_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "launch/target.h"
#include "launch/vmm.h"
#include "util/clock.h"
#include "util/strbuf.h"

#include "proc_helpers.h"

#ifndef PF_TEST_DATA_DIR
#define PF_TEST_DATA_DIR "harness/tests/data"
#endif

/* Allowance for scheduling, fork/exec and ASan on a busy machine: 1.5 s was
 * exceeded once with two test suites sharing 2 cores. Every bound that uses
 * it stays below the limit a hang would run into (overall, inactivity). */
#define SLACK_MS 3000

/* ---- capture helpers -------------------------------------------------------- */

static inline void buf_add(struct pf_strbuf *b, const char *s, size_t n)
{
	assert_int_equal(pf_strbuf_add(b, s, n), 0);
}

struct cap {
	struct pf_strbuf out, err;
	const char *first_marker;    /* saw_first_record: this text appeared */
	const char *finish_marker;   /* finished: this text appeared */
	const char *progress_marker; /* progress: occurrences of this text */
	bool first, done;
	int serial_calls;
	size_t scanned; /* progress: output searched so far */
	unsigned long long progress;
};

static inline void cap_out(void *ctx, const char *s, size_t n)
{
	struct cap *c = ctx;
	c->serial_calls++;
	buf_add(&c->out, s, n);
}

static inline void cap_err(void *ctx, const char *s, size_t n)
{
	buf_add(&((struct cap *)ctx)->err, s, n);
}

static inline bool cap_first(void *ctx)
{
	struct cap *c = ctx;
	if (!c->first && c->first_marker && c->out.p)
		c->first = strstr(c->out.p, c->first_marker) != NULL;
	return c->first;
}

static inline bool cap_finished(void *ctx)
{
	struct cap *c = ctx;
	if (!c->done && c->finish_marker && c->out.p)
		c->done = strstr(c->out.p, c->finish_marker) != NULL;
	return c->done;
}

static inline unsigned long long cap_progress(void *ctx)
{
	struct cap *c = ctx;
	size_t ml = strlen(c->progress_marker);
	while (c->out.p && c->scanned < c->out.len) {
		const char *hit = strstr(c->out.p + c->scanned, c->progress_marker);
		if (!hit) {
			/* a marker may be cut at the end: look at its start again */
			c->scanned = c->out.len >= ml ? c->out.len - ml + 1 : 0;
			break;
		}
		c->progress++;
		c->scanned = (size_t)(hit - c->out.p) + ml;
	}
	return c->progress;
}

static inline void cap_free(struct cap *c)
{
	free(c->out.p);
	free(c->err.p);
	memset(c, 0, sizeof(*c));
}

static inline const char *out_str(const struct cap *c)
{
	return c->out.p ? c->out.p : "";
}
static inline const char *err_str(const struct cap *c)
{
	return c->err.p ? c->err.p : "";
}

static inline struct pf_vmm *spawn_sh(const char *script)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
	struct pf_error err;
	struct pf_vmm *v = pf_vmm_spawn(argv, &err);
	if (!v) {
		char b[1024];
		fail_msg("spawn failed: %s", pf_error_format(&err, b, sizeof(b)));
	}
	return v;
}

/* Run SCRIPT under supervision with the given limits. */
static inline void supervise_sh(const char *script, const struct pf_supervise_opts *o,
				struct cap *c, struct pf_supervise_result *res, long *took_ms)
{
	struct pf_supervise_cbs cbs = {
		cap_out,
		cap_err,
		c->first_marker ? cap_first : NULL,
		c->finish_marker ? cap_finished : NULL,
		c,
		c->progress_marker ? cap_progress : NULL,
	};
	long t0 = pf_now_ms();
	struct pf_vmm *v = spawn_sh(script);
	pid_t pid = pf_vmm_pid(v);
	assert_int_equal(pf_vmm_supervise(v, o, &cbs, res), 0);
	if (took_ms)
		*took_ms = pf_now_ms() - t0;
	/* Supervision reaps: nothing is left to wait for. */
	assert_int_not_equal(res->exit.how, PF_VMM_RUNNING);
	int st;
	assert_int_equal(waitpid(pid, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	pf_vmm_free(v);
}

static inline struct pf_supervise_opts opts(long overall, long boot, long inactivity)
{
	struct pf_supervise_opts o;
	pf_supervise_opts_init(&o);
	o.overall_ms = overall;
	o.boot_ms = boot;
	o.inactivity_ms = inactivity;
	o.term_grace_ms = 1000;
	return o;
}

/* One supervised run of a script: the markers and what it printed, the
 * limits, how it ended and how long it took (ms). */
struct sup {
	struct cap c;
	struct pf_supervise_opts o;
	struct pf_supervise_result res;
	long took;
};

/* Supervises script, which must end with the outcome want. */
static inline void supervise(struct sup *s, const char *script, enum pf_supervise_outcome want)
{
	supervise_sh(script, &s->o, &s->c, &s->res, &s->took);
	if (s->res.outcome != want)
		fail_msg("outcome %s, want %s", pf_supervise_outcome_name(s->res.outcome),
			 pf_supervise_outcome_name(want));
}

/* The run's serial output (stdout) was exactly out, counted as such. */
static inline void assert_serial(const struct sup *s, const char *out)
{
	assert_string_equal(out_str(&s->c), out);
	assert_int_equal(s->res.serial_bytes, strlen(out));
}

/* The run's stderr was exactly err, counted apart from the serial output. */
static inline void assert_stderr(const struct sup *s, const char *err)
{
	assert_string_equal(err_str(&s->c), err);
	assert_int_equal(s->res.stderr_bytes, strlen(err));
}

/* How the run's VMM ended, in words. */
static inline const char *exit_text(const struct sup *s)
{
	static char d[128];

	return pf_vmm_exit_describe(&s->res.exit, d, sizeof(d));
}

/* The run took at least min ms and less than max. */
static inline void assert_took(const struct sup *s, long min, long max)
{
	if (s->took < min || s->took >= max)
		fail_msg("took %ld ms, want at least %ld and less than %ld", s->took, min, max);
}

/* The VMM ended as how, by signal (0: none), the runner having sent sent. */
static inline void assert_exit(const struct pf_vmm_exit *e, enum pf_vmm_how how, int signal,
			       int sent)
{
	assert_int_equal(e->how, how);
	assert_int_equal(e->signal, signal);
	assert_int_equal(e->sent_signal, sent);
}

#endif

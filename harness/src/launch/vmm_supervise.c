/* SPDX-License-Identifier: MIT */
/*
 * Supervising a running VMM until it ends: boot, inactivity and overall
 * timeouts, the grace given after the probe's end record, escalation from
 * SIGTERM to SIGKILL, and draining the pipes. See vmm.h for the contract.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "launch/vmm.h"
#include "launch/vmm_internal.h"
#include "util/clock.h"
#include "util/names.h"

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

/* Each outcome's name, and the kind of finding (docs/results-schema.md) a
 * run records when the VMM ended so before the probe's end: exiting early is
 * a crash, a failed supervision an error. */
static const struct {
	const char *name, *finding;
} outcomes[] = {
	[PF_SUP_EXITED] = { "exited", "crash" },
	[PF_SUP_EXIT_CODE] = { "exit-code", "crash" },
	[PF_SUP_CRASHED] = { "crash", "crash" },
	[PF_SUP_STOPPED] = { "stopped", "error" },
	[PF_SUP_TIMEOUT_OVERALL] = { "timeout", "timeout" },
	[PF_SUP_TIMEOUT_INACTIVITY] = { "wedged", "wedged" },
	[PF_SUP_TIMEOUT_BOOT] = { "boot-timeout", "no-start" },
	[PF_SUP_ERROR] = { "error", "error" },
};

const char *pf_supervise_outcome_name(enum pf_supervise_outcome o)
{
	return (unsigned)o < PF_NAMES_LEN(outcomes) ? outcomes[o].name : "unknown";
}

const char *pf_supervise_finding_kind(enum pf_supervise_outcome o)
{
	return (unsigned)o < PF_NAMES_LEN(outcomes) ? outcomes[o].finding : "error";
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

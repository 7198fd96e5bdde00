/* SPDX-License-Identifier: MIT */
/* `plugfest run`: one boot of the hypervisor, its signals and its stream. */
#define _GNU_SOURCE
#include "cli/run_internal.h"

/* ---- interruption ---------------------------------------------------------
 * The VMM runs in its own process group, so a Ctrl-C on the terminal does not
 * reach it: the runner forwards SIGINT/SIGTERM to that group (and only to
 * it), stops restarting, and still writes what it has. */

static volatile sig_atomic_t vmm_pgid;
volatile sig_atomic_t run_interrupted;

static void on_signal(int sig)
{
	run_interrupted = sig;
	if (vmm_pgid > 0)
		kill(-(pid_t)vmm_pgid, SIGTERM);
}

void run_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* ---- stream plumbing ------------------------------------------------------ */

void run_on_record(void *vctx, uint32_t seq, json_t *rec, const char *raw, size_t len)
{
	struct run_ctx *ctx = vctx;
	uint64_t line, off;

	pf_stream_position(ctx->stream, &line, &off);
	if (pf_journal_record(ctx->journal, seq, raw, len, line, off) && errno == ENOSPC) {
		/* journal.jsonl is full: a record that is not journaled is not
		 * scored either, so results.json stays what the journal proves;
		 * the run stops (see run_finished()). */
		ctx->journal_full = true;
		return;
	}
	pf_results_add_record(ctx->results, seq, rec);
	pf_progress_record(ctx->progress, rec);
}

void run_on_diag(void *vctx, const struct pf_diag *d)
{
	struct run_ctx *ctx = vctx;

	ctx->diags++;
	pf_journal_diag(ctx->journal, d);
	pf_results_add_diag(ctx->results, d);
	pf_progress_diag(ctx->progress, d);
}

void run_on_serial(void *vctx, const char *buf, size_t len)
{
	struct run_ctx *ctx = vctx;

	pf_journal_console(ctx->journal, buf, len);
	pf_stream_feed(ctx->stream, buf, len);
}

static void on_stderr(void *vctx, const char *buf, size_t len)
{
	struct run_ctx *ctx = vctx;

	struct capped_log *l = &ctx->hvlog;
	size_t n = len;

	if (!l->f)
		return;
	if (l->cap) {
		unsigned long long room = l->written < l->cap ? l->cap - l->written : 0;

		if (n > room)
			n = (size_t)room;
		if (n < len) {
			if (!l->dropped)
				fputs("\n[plugfest: hypervisor.log reached its size cap here; "
				      "the rest was not written]\n",
				      l->f);
			l->dropped += len - n;
		}
	}
	if (n) {
		fwrite(buf, 1, n, l->f);
		l->written += n;
	}
	fflush(l->f);
}

static unsigned long long progress_count(void *vctx)
{
	struct run_ctx *ctx = vctx;

	return pf_stream_counters(ctx->stream)->records;
}

static bool saw_first_record(void *vctx)
{
	struct run_ctx *ctx = vctx;

	return pf_stream_counters(ctx->stream)->records > 0;
}

bool run_finished(void *vctx)
{
	struct run_ctx *ctx = vctx;
	struct pf_results_state st;

	if (ctx->journal_full)
		return true;
	pf_results_state(ctx->results, &st);
	return st.ended;
}

/* One log-cut diagnostic per boot and file that lost bytes in it. */
static void report_cut(struct run_ctx *ctx, const char *file, unsigned long long cap,
		       unsigned long long total, unsigned long long *reported, const char *what)
{
	char msg[256];
	struct pf_diag d = { .kind = PF_DIAG_LOG_CUT, .seq = -1, .field = file, .message = msg };

	if (total <= *reported)
		return;
	d.count = total - *reported;
	*reported = total;
	snprintf(msg, sizeof(msg),
		 "%s reached its cap of %llu bytes: %llu %s not written "
		 "(--max-log-bytes)",
		 file, cap, (unsigned long long)d.count, what);
	run_on_diag(ctx, &d);
}

/* A stream that is not this run's (nonce) or not of this protocol version
 * is rejected as a whole: nothing it says can be trusted to be fresh. */
bool run_stream_rejected(struct run_ctx *ctx, char *msg, size_t len)
{
	const struct pf_stream_counters *c = pf_stream_counters(ctx->stream);

	if (c->by_kind[PF_DIAG_NONCE])
		snprintf(msg, len,
			 "stream rejected: %llu line(s) not bound to this run's nonce "
			 "(a recorded or replayed stream, or a probe without pf.nonce); see "
			 "the 'nonce' diagnostics",
			 (unsigned long long)c->by_kind[PF_DIAG_NONCE]);
	else if (c->by_kind[PF_DIAG_VERSION])
		snprintf(msg, len,
			 "stream rejected: %llu record(s) of another protocol version "
			 "(this runner reads version %d); see the 'version' diagnostics",
			 (unsigned long long)c->by_kind[PF_DIAG_VERSION], PF_PROTO_VERSION);
	else
		return false;
	return true;
}

/* ---- helpers ----------------------------------------------------------- */

/* A finding the runner (not the stream) establishes: into the run model and,
 * so that nothing exists only in memory, into the journal as a note. */
void run_add_finding(struct run_ctx *ctx, const char *kind, const char *msg, bool open_step)
{
	json_t *note = json_pack("{s:s, s:s, s:s, s:b}", "note", "finding", "kind", kind, "message",
				 msg, "open_step", open_step);

	if (note) {
		pf_journal_note(ctx->journal, note);
		json_decref(note);
	}
	if (open_step)
		pf_results_fail_open_step(ctx->results, kind, msg);
	else
		pf_results_add_finding(ctx->results, kind, msg, NULL, NULL, -1);
	pf_progress_finding(ctx->progress, kind, msg);
}

void run_iso_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double run_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- one boot ---------------------------------------------------------- */

void run_boot_once(struct run_ctx *ctx, const struct pf_target *t, char **argv, long overall_ms,
		   struct boot_outcome *bo)
{
	struct pf_error err;
	struct pf_vmm *vmm;
	struct pf_supervise_opts so;
	struct pf_supervise_cbs cbs = {
		.on_serial = run_on_serial,
		.on_stderr = on_stderr,
		.saw_first_record = saw_first_record,
		.finished = run_finished,
		.ctx = ctx,
		.progress = progress_count,
	};

	memset(bo, 0, sizeof(*bo));
	pf_error_clear(&err);
	vmm = pf_vmm_spawn(argv, &err);
	if (!vmm) {
		pf_error_format(&err, bo->argv0_error, sizeof(bo->argv0_error));
		return;
	}
	bo->spawned = true;
	pf_supervise_opts_init(&so);
	so.overall_ms = overall_ms;
	so.boot_ms = t->boot_ms;
	so.inactivity_ms = t->inactivity_ms;
	pf_progress_boot(ctx->progress, pf_vmm_pid(vmm));
	vmm_pgid = pf_vmm_pid(vmm);
	if (run_interrupted) /* a signal that came before the group existed */
		pf_vmm_kill(vmm, SIGTERM);
	pf_vmm_supervise(vmm, &so, &cbs, &bo->sup);
	vmm_pgid = 0;
	pf_vmm_free(vmm);
	/* EOF of this connection: a partial record is truncated, a boot
	 * without `end` is diagnosed. */
	pf_stream_finish(ctx->stream);
	report_cut(ctx, PF_JOURNAL_CONSOLE, ctx->hvlog.cap,
		   pf_journal_console_dropped(ctx->journal), &ctx->console_reported,
		   "bytes of the serial stream (parsed all the same)");
	report_cut(ctx, "hypervisor.log", ctx->hvlog.cap, ctx->hvlog.dropped, &ctx->hvlog.reported,
		   "bytes of hypervisor output");
	report_cut(ctx, PF_JOURNAL_FILE, ctx->hvlog.cap, pf_journal_records_dropped(ctx->journal),
		   &ctx->records_reported,
		   "record(s): neither journaled nor scored, the run was stopped");
}

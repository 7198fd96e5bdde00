/* SPDX-License-Identifier: MIT */
/*
 * `plugfest run`: launch the hypervisor from a target definition, read the
 * probe's serial stream incrementally, journal every record as it arrives,
 * turn a crash, hang or early exit into a finding, restart the guest after
 * the culprit check, and write results and reports.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "pf/proto.h"
#include "ingest/journal.h"
#include "cli/paths.h"
#include "cli/progress.h"
#include "reports/reports.h"
#include "ingest/results.h"
#include "policy/score.h"
#include "launch/services.h"
#include "package/sha256.h"
#include "policy/spec.h"
#include "ingest/stream.h"
#include "launch/target.h"
#include "launch/vmm.h"
#include "policy/waiver.h"
#include "util/fs.h"

#define DEFAULT_TARGET "qemu-aarch64-virt"
/* Cap of console.log, hypervisor.log and journal.jsonl each (--max-log-bytes). */
#define DEFAULT_MAX_LOG_BYTES (64ull << 20)

struct run_opts {
	const char *target;
	const char *outdir;
	const char *probe; /* override of the target's image */
	const char *filter;
	unsigned long long seed;
	int verbose;
	int max_restarts;
	long overall_s; /* 0: target's */
	const char *sets[16];
	int nsets;
	const char *extra_bootargs;
	int dry_run;
	const char *formats;
	const char *gate;		  /* profile id whose verdict sets the exit code */
	unsigned long long max_log_bytes; /* 0: no cap */
	struct pf_score_inputs score;
};

/* hypervisor.log, capped like console.log. */
struct capped_log {
	FILE *f;
	unsigned long long cap, written, dropped, reported;
};

struct run_ctx {
	struct pf_stream *stream;
	struct pf_journal *journal;
	struct pf_results *results;
	struct pf_progress *progress;
	struct capped_log hvlog;
	unsigned long diags;
	char nonce[PF_PROTO_NONCE_HEX + 1]; /* this run's, for every boot */
	unsigned long long console_reported, records_reported;
	bool journal_full; /* records refused: the run stops */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: plugfest run [-t TARGET] [-o DIR] [options]\n"
		"  -t, --target NAME|FILE   target definition (default " DEFAULT_TARGET ")\n"
		"  -o, --output DIR         output directory (default out/<target>-<time>)\n"
		"  -f, --filter GLOB[,GLOB] run only matching checks\n"
		"      --seed N             seed for randomised checks (default: time)\n"
		"      --probe FILE         probe image instead of the target's\n"
		"      --set NAME=VALUE     override a target variable\n"
		"      --bootargs TEXT      extra guest command line words\n"
		"      --max-restarts N     guest restarts after a crash or hang (default 3)\n"
		"      --timeout SECONDS    overall timeout per boot (default: target's)\n"
		"      --max-log-bytes N    cap of console.log, hypervisor.log and journal.jsonl\n"
		"                           each (suffix K, M, G; default 64M; 0: no cap)\n"
		"      --profile FILE       score against this profile too (repeatable)\n"
		"      --known-failures FILE  apply this known-failure/waiver file too "
		"(repeatable)\n"
		"      --gate PROFILE       exit code from this profile's verdict (id of a "
		"shipped\n"
		"                           profile or of one given with --profile): 0 passes,\n"
		"                           1 does not, 3 incomplete\n"
		"      --formats LIST       reports to write (default json,junit,md,html,pdf;\n"
		"                           results.json is always written)\n"
		"      --dry-run            print the hypervisor command line, one argument\n"
		"                           per line, and exit\n"
		"  -v, --verbose            more detail (repeat for debug records)\n");
}

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "target", required_argument, 0, 't' },
		{ "output", required_argument, 0, 'o' },
		{ "filter", required_argument, 0, 'f' },
		{ "seed", required_argument, 0, 'S' },
		{ "probe", required_argument, 0, 'P' },
		{ "set", required_argument, 0, 's' },
		{ "bootargs", required_argument, 0, 'b' },
		{ "max-restarts", required_argument, 0, 'r' },
		{ "timeout", required_argument, 0, 'T' },
		{ "verbose", no_argument, 0, 'v' },
		{ "dry-run", no_argument, 0, 'n' },
		{ "formats", required_argument, 0, 'F' },
		{ "profile", required_argument, 0, 'p' },
		{ "known-failures", required_argument, 0, 'k' },
		{ "gate", required_argument, 0, 'g' },
		{ "max-log-bytes", required_argument, 0, 'L' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	int c;
	char *end;

	memset(o, 0, sizeof(*o));
	o->target = DEFAULT_TARGET;
	o->max_restarts = 3;
	o->max_log_bytes = DEFAULT_MAX_LOG_BYTES;
	o->seed = (unsigned long long)time(NULL);
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:o:f:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			o->target = optarg;
			break;
		case 'o':
			o->outdir = optarg;
			break;
		case 'f':
			o->filter = optarg;
			break;
		case 'P':
			o->probe = optarg;
			break;
		case 'b':
			o->extra_bootargs = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'n':
			o->dry_run = 1;
			break;
		case 'g':
			o->gate = optarg;
			break;
		case 'p':
			if (o->score.nprofiles ==
			    sizeof(o->score.profiles) / sizeof(o->score.profiles[0])) {
				fprintf(stderr, "plugfest run: too many --profile options\n");
				return -1;
			}
			o->score.profiles[o->score.nprofiles++] = optarg;
			break;
		case 'k':
			if (o->score.nknown == sizeof(o->score.known) / sizeof(o->score.known[0])) {
				fprintf(stderr,
					"plugfest run: too many --known-failures options\n");
				return -1;
			}
			o->score.known[o->score.nknown++] = optarg;
			break;
		case 'F':
			if (pf_reports_check_formats(optarg, stderr))
				return -1;
			o->formats = optarg;
			break;
		case 's':
			if (o->nsets == (int)(sizeof(o->sets) / sizeof(o->sets[0]))) {
				fprintf(stderr, "plugfest run: too many --set options\n");
				return -1;
			}
			o->sets[o->nsets++] = optarg;
			break;
		case 'S':
			errno = 0;
			o->seed = strtoull(optarg, &end, 0);
			if (errno || *end) {
				fprintf(stderr, "plugfest run: --seed: not a number: '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'r':
			o->max_restarts = (int)strtol(optarg, &end, 10);
			if (*end || o->max_restarts < 0) {
				fprintf(stderr, "plugfest run: --max-restarts: not a count: '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'L': {
			unsigned long long v;
			unsigned shift = 0;

			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (*end == 'K' || *end == 'k')
				shift = 10, end++;
			else if (*end == 'M' || *end == 'm')
				shift = 20, end++;
			else if (*end == 'G' || *end == 'g')
				shift = 30, end++;
			if (errno || end == optarg || *end || optarg[0] == '-' ||
			    v > (~0ull >> shift)) {
				fprintf(stderr, "plugfest run: --max-log-bytes: not a size: '%s'\n",
					optarg);
				return -1;
			}
			o->max_log_bytes = v << shift;
			break;
		}
		case 'T':
			o->overall_s = strtol(optarg, &end, 10);
			if (*end || o->overall_s <= 0) {
				fprintf(stderr,
					"plugfest run: --timeout: not a positive number of "
					"seconds: '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "plugfest run: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	/* A bad profile or known-failure file is refused before booting. */
	if (pf_reports_check_inputs(&o->score, stderr))
		return -1;
	if (o->gate && pf_reports_check_gate(o->gate, &o->score, stderr))
		return -1;
	/* The filter travels on the guest command line: no spaces allowed. */
	if (o->filter && strpbrk(o->filter, " \t\n")) {
		fprintf(stderr, "plugfest run: --filter must not contain spaces\n");
		return -1;
	}
	return 0;
}

/* ---- interruption ---------------------------------------------------------
 * The VMM runs in its own process group, so a Ctrl-C on the terminal does not
 * reach it: the runner forwards SIGINT/SIGTERM to that group (and only to
 * it), stops restarting, and still writes what it has. */

static volatile sig_atomic_t vmm_pgid;
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
	if (vmm_pgid > 0)
		kill(-(pid_t)vmm_pgid, SIGTERM);
}

static void install_signals(void)
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

static void on_record(void *vctx, uint32_t seq, json_t *rec, const char *raw, size_t len)
{
	struct run_ctx *ctx = vctx;
	uint64_t line, off;

	pf_stream_position(ctx->stream, &line, &off);
	if (pf_journal_record(ctx->journal, seq, raw, len, line, off) && errno == ENOSPC) {
		/* journal.jsonl is full: a record that is not journaled is not
		 * scored either, so results.json stays what the journal proves;
		 * the run stops (see finished()). */
		ctx->journal_full = true;
		return;
	}
	pf_results_add_record(ctx->results, seq, rec);
	pf_progress_record(ctx->progress, rec);
}

static void on_diag(void *vctx, const struct pf_diag *d)
{
	struct run_ctx *ctx = vctx;

	ctx->diags++;
	pf_journal_diag(ctx->journal, d);
	pf_results_add_diag(ctx->results, d);
	pf_progress_diag(ctx->progress, d);
}

static void on_serial(void *vctx, const char *buf, size_t len)
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

static bool finished(void *vctx)
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
	on_diag(ctx, &d);
}

/* A stream that is not this run's (nonce) or not of this protocol version
 * is rejected as a whole: nothing it says can be trusted to be fresh. */
static bool stream_rejected(struct run_ctx *ctx, char *msg, size_t len)
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
static void add_finding(struct run_ctx *ctx, const char *kind, const char *msg, bool open_step)
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

static void iso_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *finding_kind(enum pf_supervise_outcome o)
{
	switch (o) {
	case PF_SUP_CRASHED:
		return "crash";
	case PF_SUP_TIMEOUT_INACTIVITY:
		return "wedged";
	case PF_SUP_TIMEOUT_OVERALL:
		return "timeout";
	case PF_SUP_TIMEOUT_BOOT:
		return "no-start";
	case PF_SUP_EXIT_CODE:
	case PF_SUP_EXITED:
		return "crash"; /* exited before the probe's end */
	default:
		return "error";
	}
}

/* ---- one boot ---------------------------------------------------------- */

struct boot_outcome {
	struct pf_supervise_result sup;
	bool spawned;
	char argv0_error[PF_ERROR_MESSAGE_MAX + PF_ERROR_FILE_MAX + 64];
};

static void boot_once(struct run_ctx *ctx, const struct pf_target *t, char **argv, long overall_ms,
		      struct boot_outcome *bo)
{
	struct pf_error err;
	struct pf_vmm *vmm;
	struct pf_supervise_opts so;
	struct pf_supervise_cbs cbs = {
		.on_serial = on_serial,
		.on_stderr = on_stderr,
		.saw_first_record = saw_first_record,
		.finished = finished,
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
	if (interrupted) /* a signal that came before the group existed */
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

/* ---- the run ----------------------------------------------------------- */

/* A fresh nonce per run (docs/protocol.md): 128 bits from the kernel. */
static int make_nonce(char out[PF_PROTO_NONCE_HEX + 1])
{
	unsigned char b[PF_PROTO_NONCE_HEX / 2];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

static void build_bootargs(char *buf, size_t len, const struct run_opts *o, const char *nonce,
			   int64_t from)
{
	int n = snprintf(buf, len, "pf.nonce=%s pf.seed=%llu pf.verbose=%d", nonce, o->seed,
			 o->verbose);

	if (from > 0)
		n += snprintf(buf + n, len - (size_t)n, " pf.from=%lld", (long long)from);
	if (o->filter && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " pf.filter=%s", o->filter);
	if (o->extra_bootargs && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " %s", o->extra_bootargs);
}

static json_t *argv_json(char **argv)
{
	json_t *a = json_array();

	for (; argv && *argv; argv++)
		json_array_append_new(a, json_string(*argv));
	return a;
}

/* The target's expect section as results.json records it (run.expect):
 * the sequence form of expect.devices becomes types of at least one. */
static json_t *expect_json(const struct pf_target *t)
{
	json_t *e = json_object(), *tr = json_object(), *ty = json_object();

	if (!e || !tr || !ty) {
		json_decref(e);
		json_decref(tr);
		json_decref(ty);
		return NULL;
	}
	if (t->expect_min_given)
		json_object_set_new(e, "devices", json_integer(t->expect_min_devices));
	for (size_t i = 0; i < t->n_expect_transports; i++)
		json_object_set_new(tr, t->expect_transports[i].name,
				    json_integer(t->expect_transports[i].min));
	for (size_t i = 0; t->expect_devices && t->expect_devices[i]; i++)
		json_object_set_new(ty, t->expect_devices[i], json_integer(1));
	for (size_t i = 0; i < t->n_expect_types; i++) {
		json_int_t had = json_integer_value(json_object_get(ty, t->expect_types[i].name));

		json_object_set_new(
			ty, t->expect_types[i].name,
			json_integer(had > t->expect_types[i].min ? had : t->expect_types[i].min));
	}
	json_object_set_new(e, "transports", tr);
	json_object_set_new(e, "types", ty);
	return e;
}

static json_t *build_run_json(const struct pf_target *t, const char *hv_version,
			      const char *probe_path, char **argv, const char *started,
			      double duration, const struct boot_outcome *last, unsigned boots)
{
	char finished_at[32], ver[64] = "";
	char sha[65] = "";
	json_t *run;
	const char *how;

	iso_now(finished_at, sizeof(finished_at));
	pf_version_number(hv_version, ver, sizeof(ver));
	pf_sha256_file_hex(probe_path, sha);
	switch (last->sup.exit.how) {
	case PF_VMM_EXITED:
		how = "exited";
		break;
	case PF_VMM_SIGNALLED:
		how = "signalled";
		break;
	case PF_VMM_KILLED:
		how = last->sup.outcome == PF_SUP_STOPPED ? "killed" : "timeout";
		break;
	default:
		how = "not-started";
		break;
	}
	run = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:s, s:f, s:o, s:{s:s, s:i, s:i, s:s}, "
			"s:{s:s, s:s}, s:i,"
			" s:o*}",
			"target", t->name, "target_file", t->path, "hypervisor", "name",
			t->hypervisor.name, "version", ver[0] ? ver : hv_version, "version_line",
			hv_version, "started", started, "finished", finished_at, "duration_s",
			duration, "argv", argv_json(argv), "exit", "how", how, "code",
			last->sup.exit.code, "signal", last->sup.exit.signal, "outcome",
			last->spawned ? pf_supervise_outcome_name(last->sup.outcome)
				      : "not-started",
			"probe", "image_path", probe_path, "image_sha256", sha, "launches",
			(int)boots, "expect", expect_json(t));
	return run;
}

int pf_cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct pf_error err;
	struct pf_target *t;
	struct run_ctx ctx = { 0 };
	const char *dirs[3];
	char targets_dir[4096], probe_path[4096], outdir_buf[4096], path[4096];
	char hv_version[256] = "unknown", bootargs[1024], started[32], ebuf[2048];
	struct boot_outcome bo = { 0 };
	struct pf_spec *spec = NULL;
	struct pf_waivers *known = NULL;
	struct pf_services *svcs = NULL;
	bool svc_infra = false;
	char **vargv = NULL;
	int64_t from = 0;
	unsigned boots = 0;
	int rc = PF_EXIT_INFRA;
	double t0;
	json_t *doc;

	if (parse_opts(argc, argv, &o))
		return PF_EXIT_USAGE;

	pf_path_join(targets_dir, sizeof(targets_dir), pf_data_dir(), "targets");
	dirs[0] = targets_dir;
	dirs[1] = NULL;
	pf_error_clear(&err);
	t = pf_target_load(o.target, dirs, &err);
	if (!t) {
		fprintf(stderr, "plugfest run: %s\n", pf_error_format(&err, ebuf, sizeof(ebuf)));
		return PF_EXIT_USAGE;
	}
	for (int i = 0; i < o.nsets; i++) {
		char name[128];
		const char *eq = strchr(o.sets[i], '=');

		if (!eq || eq == o.sets[i] || (size_t)(eq - o.sets[i]) >= sizeof(name)) {
			fprintf(stderr, "plugfest run: --set wants NAME=VALUE, got '%s'\n",
				o.sets[i]);
			pf_target_free(t);
			return PF_EXIT_USAGE;
		}
		memcpy(name, o.sets[i], (size_t)(eq - o.sets[i]));
		name[eq - o.sets[i]] = 0;
		if (pf_target_set_variable(t, name, eq + 1, &err)) {
			fprintf(stderr, "plugfest run: --set: %s\n",
				pf_error_format(&err, ebuf, sizeof(ebuf)));
			pf_target_free(t);
			return PF_EXIT_USAGE;
		}
	}

	if (o.probe) {
		snprintf(probe_path, sizeof(probe_path), "%s", o.probe);
		if (access(probe_path, R_OK)) {
			fprintf(stderr, "plugfest run: probe image '%s': %s\n", probe_path,
				strerror(errno));
			pf_target_free(t);
			return PF_EXIT_INFRA;
		}
	} else if (pf_target_probe_path(t, pf_image_dir(), probe_path, sizeof(probe_path), &err)) {
		fprintf(stderr, "plugfest run: %s\n", pf_error_format(&err, ebuf, sizeof(ebuf)));
		pf_target_free(t);
		return PF_EXIT_INFRA;
	}

	if (o.dry_run) {
		char **a;

		if (make_nonce(ctx.nonce)) {
			fprintf(stderr, "plugfest run: getrandom: %s\n", strerror(errno));
			pf_target_free(t);
			return PF_EXIT_INFRA;
		}
		build_bootargs(bootargs, sizeof(bootargs), &o, ctx.nonce, 0);
		if (pf_target_set_sockdir(t, "/tmp/pf-XXXXXX", &err)) {
			pf_target_free(t);
			return PF_EXIT_INFRA;
		}
		a = pf_target_argv(t, probe_path, bootargs, o.outdir ? o.outdir : ".", NULL, &err);
		if (!a) {
			fprintf(stderr, "plugfest run: %s\n",
				pf_error_format(&err, ebuf, sizeof(ebuf)));
			pf_target_free(t);
			return PF_EXIT_USAGE;
		}
		for (char **p = a; *p; p++)
			printf("%s\n", *p);
		pf_argv_free(a);
		pf_target_free(t);
		return 0;
	}
	if (!o.outdir) {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		snprintf(outdir_buf, sizeof(outdir_buf), "out/%s-%s", t->name, stamp);
		o.outdir = outdir_buf;
	}
	if (pf_mkdir_p(o.outdir, 0777, &err)) {
		fprintf(stderr, "plugfest run: cannot create output directory '%s': %s\n", o.outdir,
			strerror(err.sys_errno));
		pf_target_free(t);
		return PF_EXIT_INFRA;
	}

	if (pf_hypervisor_version(t->hypervisor.binary,
				  (const char *const *)t->hypervisor.version_args, 10000,
				  hv_version, sizeof(hv_version), &err)) {
		fprintf(stderr, "plugfest run: hypervisor '%s': %s\n", t->hypervisor.binary,
			pf_error_format(&err, ebuf, sizeof(ebuf)));
		if (t->hypervisor.packages && t->hypervisor.packages[0])
			fprintf(stderr, "plugfest run: hint: install the Debian package %s\n",
				t->hypervisor.packages[0]);
		pf_target_free(t);
		return PF_EXIT_INFRA;
	}

	pf_path_join(path, sizeof(path), pf_data_dir(), "spec/virtio-1.4-normative.yaml");
	spec = pf_spec_load(path, ebuf, sizeof(ebuf));
	if (!spec)
		fprintf(stderr,
			"plugfest run: warning: spec fact base not loaded, results carry no "
			"labels: %s\n",
			ebuf);

	known = pf_reports_load_waivers(&o.score, stderr);
	if (make_nonce(ctx.nonce)) {
		fprintf(stderr, "plugfest run: getrandom: %s\n", strerror(errno));
		goto out;
	}
	ctx.journal = pf_journal_open_run(o.outdir, 0, ctx.nonce);
	pf_journal_set_caps(ctx.journal, o.max_log_bytes, o.max_log_bytes);
	ctx.results = pf_results_new();
	ctx.progress = pf_progress_new(stdout, o.verbose);
	{
		struct pf_stream_callbacks cb = { on_record, on_diag, NULL };

		ctx.stream = pf_stream_new(&cb, &ctx);
		if (ctx.stream)
			pf_stream_set_nonce(ctx.stream, ctx.nonce);
	}
	pf_path_join(path, sizeof(path), o.outdir, "hypervisor.log");
	ctx.hvlog.f = fopen(path, "w");
	ctx.hvlog.cap = o.max_log_bytes;
	if (!ctx.journal || !ctx.results || !ctx.stream || !ctx.progress || !ctx.hvlog.f) {
		fprintf(stderr, "plugfest run: cannot set up the run in '%s': %s\n", o.outdir,
			strerror(errno));
		goto out;
	}
	pf_path_join(path, sizeof(path), o.outdir, "target.yaml");
	pf_copy_file(t->path, path, NULL);
	if (known) {
		char ver[64] = "";

		pf_version_number(hv_version, ver, sizeof(ver));
		pf_progress_known_failures(ctx.progress, known, t->hypervisor.name,
					   ver[0] ? ver : hv_version);
	}
	/* Companion processes (services.h): restarted with every boot. */
	svcs = pf_services_new(t, o.outdir, &err);
	if (!svcs) {
		fprintf(stderr, "plugfest run: %s\n", pf_error_format(&err, ebuf, sizeof(ebuf)));
		goto out;
	}

	install_signals();
	iso_now(started, sizeof(started));
	t0 = now_s();
	pf_progress_start(ctx.progress, t->name, hv_version, o.outdir);
	for (;;) {
		struct pf_results_state st;
		struct pf_open_step open;
		long overall_ms = o.overall_s ? o.overall_s * 1000 : t->overall_ms;
		char msg[512];

		/* Every boot of the run, restarts included, carries the same
		 * nonce: the run is one stream. */
		build_bootargs(bootargs, sizeof(bootargs), &o, ctx.nonce, from);
		pf_argv_free(vargv);
		vargv = pf_target_argv(t, probe_path, bootargs, o.outdir, NULL, &err);
		if (!vargv) {
			fprintf(stderr, "plugfest run: %s\n",
				pf_error_format(&err, ebuf, sizeof(ebuf)));
			rc = PF_EXIT_USAGE;
			goto out;
		}
		boots++;
		if (pf_services_start(svcs, probe_path, bootargs, &err)) {
			pf_error_format(&err, ebuf, sizeof(ebuf));
			fprintf(stderr, "plugfest run: %s\n", ebuf);
			add_finding(&ctx, "no-start", ebuf, false);
			svc_infra = true;
			break;
		}
		boot_once(&ctx, t, vargv, overall_ms, &bo);
		if (pf_services_stop(svcs, msg, sizeof(msg))) {
			/* The boot's results are not the device's alone. */
			fprintf(stderr, "plugfest run: %s: %s\n", t->path, msg);
			add_finding(&ctx, "crash", msg, false);
			svc_infra = true;
		}
		if (!bo.spawned) {
			fprintf(stderr, "plugfest run: cannot start the hypervisor: %s\n",
				bo.argv0_error);
			add_finding(&ctx, "no-start", bo.argv0_error, false);
			break;
		}
		pf_results_state(ctx.results, &st);
		if (ctx.journal_full) {
			add_finding(&ctx, "protocol",
				    "journal.jsonl reached its size cap (--max-log-bytes): "
				    "the guest sent more records than a run can hold; run stopped",
				    false);
			break;
		}
		if (st.ended)
			break;
		if (stream_rejected(&ctx, msg, sizeof(msg))) {
			/* Restarting would only replay the same stream. */
			add_finding(&ctx, "protocol", msg, false);
			break;
		}
		if (interrupted) {
			snprintf(msg, sizeof(msg), "run interrupted by signal %d",
				 (int)interrupted);
			add_finding(&ctx, "interrupted", msg, false);
			break;
		}
		/* The guest did not finish: a finding against whatever ran. */
		snprintf(msg, sizeof(msg), "hypervisor %s after %.1f s (%s)",
			 pf_supervise_outcome_name(bo.sup.outcome),
			 (double)bo.sup.elapsed_ms / 1000.0,
			 pf_vmm_exit_describe(&bo.sup.exit, ebuf, sizeof(ebuf)));
		if (pf_results_open_step(ctx.results, &open)) {
			/* pinned on the check in flight; resume after it */
			from = open.step + 1;
			add_finding(&ctx, finding_kind(bo.sup.outcome), msg, true);
		} else if (st.boots && st.last_step >= 0) {
			/* Between checks (after a result, before the next begin):
			 * no check is blamed, the finding is the run's, and the
			 * guest resumes at the step after the last result, so
			 * every (device, check) pair still gets exactly one. */
			size_t n = strlen(msg);

			from = st.last_step + 1;
			snprintf(msg + n, sizeof(msg) - n,
				 ", between checks: after step %lld, no check in flight",
				 (long long)st.last_step);
			add_finding(&ctx, finding_kind(bo.sup.outcome), msg, false);
		} else {
			add_finding(&ctx, st.boots ? finding_kind(bo.sup.outcome) : "no-start", msg,
				    false);
			break;
		}
		if ((int)boots > o.max_restarts)
			break;
	}
	pf_journal_sync(ctx.journal);

	{
		json_t *run = build_run_json(t, hv_version, probe_path, vargv, started,
					     now_s() - t0, &bo, boots);

		if (run)
			json_object_set_new(run, "nonce", json_string(ctx.nonce));
		pf_results_set_run(ctx.results, run);
	}
	doc = pf_results_to_json(ctx.results, spec);
	if (!doc) {
		fprintf(stderr, "plugfest run: out of memory building results\n");
		goto out;
	}
	rc = pf_reports_write_all(doc, &o.score, o.outdir, o.formats, stderr);
	pf_progress_summary(ctx.progress, doc);
	{
		struct pf_results_state st;

		pf_results_state(ctx.results, &st);
		if (!st.boots || interrupted || svc_infra) {
			rc = PF_EXIT_INFRA; /* no verdict reached */
		} else if (rc == 0 && o.gate) {
			rc = pf_gate_exit_code(doc, o.gate);
			if (rc < 0) {
				fprintf(stderr, "plugfest run: --gate: profile %s was not scored\n",
					o.gate);
				rc = PF_EXIT_INFRA;
			}
		} else if (rc == 0) {
			rc = pf_results_exit_code(doc);
		}
	}
	if (pf_journal_errors(ctx.journal)) {
		/* results.json would claim what journal.jsonl and console.log
		 * cannot show: no verdict on evidence that was not kept. */
		fprintf(stderr,
			"plugfest run: %lu write(s) to %s or %s in '%s' failed (disk full?): "
			"the run's record is incomplete\n",
			pf_journal_errors(ctx.journal), PF_JOURNAL_FILE, PF_JOURNAL_CONSOLE,
			o.outdir);
		rc = PF_EXIT_INFRA;
	}
	{
		char why[512];

		if (stream_rejected(&ctx, why, sizeof(why))) {
			fprintf(stderr, "plugfest run: %s\n", why);
			rc = PF_EXIT_INFRA;
		}
	}
	json_decref(doc);
out:
	pf_services_free(svcs);
	pf_argv_free(vargv);
	if (ctx.hvlog.f)
		fclose(ctx.hvlog.f);
	pf_stream_free(ctx.stream);
	pf_results_free(ctx.results);
	pf_journal_close(ctx.journal);
	pf_progress_free(ctx.progress);
	pf_waivers_free(known);
	pf_spec_free(spec);
	pf_target_free(t);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * `plugfest attach`: a run on a guest the kit did not start (a board at a
 * plug fest, a hypervisor started by someone else, a recorded stream). The
 * stream comes from a socket, a serial line or a file instead of a VMM the
 * runner spawned; journaling, the nonce check, timeouts, scoring and reports
 * are those of `plugfest run`. There is no restart: a guest that stops
 * early is a finding against the check in flight, and the run ends there.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>

#include "cli/attach_source.h"
#include "cli/run_internal.h"

struct attach_opts {
	struct run_opts run; /* outdir, formats, gate, score, caps, verbose */
	const char *source;
	const char *nonce;
	const char *hypervisor, *hv_version;
	long baud;
	long overall_s, inactivity_s, connect_s;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: plugfest attach SOURCE [-o DIR] [options]\n"
		"  SOURCE: where the guest's serial stream comes from\n"
		"    unix:PATH              a unix stream socket (QEMU: -serial "
		"unix:PATH,server=on)\n"
		"    tcp:HOST:PORT          a TCP socket (a serial server; QEMU -serial tcp:...)\n"
		"    tty:DEVICE             a serial line (see --baud)\n"
		"    file:PATH, or PATH     a recorded stream (a run's console.log), read to its "
		"end\n"
		"  -o, --output DIR         output directory (default out/attach-<time>)\n"
		"      --nonce HEX          the nonce on the guest's command line (pf.nonce=HEX);\n"
		"                           default: a fresh one, printed for the operator to pass "
		"on\n"
		"      --baud N             serial line speed for tty: (default 115200)\n"
		"  -t, --target NAME|FILE   target whose expect section judges completeness and\n"
		"                           whose hypervisor names the known failures (optional)\n"
		"      --hypervisor NAME    hypervisor, for known failures (default: the "
		"target's)\n"
		"      --hypervisor-version V  its version, for known failures (default unknown)\n"
		"      --timeout SECONDS    overall bound (default 3600)\n"
		"      --inactivity SECONDS silence that makes the guest wedged (default 60)\n"
		"      --connect-timeout SECONDS  retry a socket not yet listening (default 30)\n"
		"      --max-log-bytes N    cap of console.log and journal.jsonl each (default "
		"64M)\n"
		"      --profile FILE       score against this profile too (repeatable)\n"
		"      --known-failures FILE  apply this known-failure/waiver file too\n"
		"      --gate PROFILE       exit code from this profile's verdict\n"
		"      --formats LIST       reports to write (default json,junit,md,html,pdf)\n"
		"  -v, --verbose            more detail\n");
}

static int parse_seconds(const char *opt, const char *arg, long *out, bool zero_ok)
{
	char *end;

	errno = 0;
	*out = strtol(arg, &end, 10);
	if (errno || end == arg || *end || *out < 0 || (!zero_ok && *out == 0)) {
		fprintf(stderr, "plugfest attach: --%s: not a %snumber of seconds: '%s'\n", opt,
			zero_ok ? "" : "positive ", arg);
		return -1;
	}
	return 0;
}

static bool nonce_ok(const char *n)
{
	if (strlen(n) != PF_PROTO_NONCE_HEX)
		return false;
	for (; *n; n++)
		if (!((*n >= '0' && *n <= '9') || (*n >= 'a' && *n <= 'f')))
			return false;
	return true;
}

static int parse_opts(int argc, char **argv, struct attach_opts *a)
{
	static const struct option longopts[] = {
		{ "output", required_argument, 0, 'o' },
		{ "target", required_argument, 0, 't' },
		{ "nonce", required_argument, 0, 'N' },
		{ "baud", required_argument, 0, 'B' },
		{ "hypervisor", required_argument, 0, 'H' },
		{ "hypervisor-version", required_argument, 0, 'V' },
		{ "timeout", required_argument, 0, 'T' },
		{ "inactivity", required_argument, 0, 'I' },
		{ "connect-timeout", required_argument, 0, 'C' },
		RUN_OUTPUT_LONGOPTS,
		{ "verbose", no_argument, 0, 'v' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const struct pf_cli_value values[] = {
		{ 'o', &a->run.outdir, NULL },	{ 't', &a->run.target, NULL },
		{ 'N', &a->nonce, NULL },	{ 'H', &a->hypervisor, NULL },
		{ 'V', &a->hv_version, NULL },	{ 'g', &a->run.gate, NULL },
		{ 'v', NULL, &a->run.verbose }, { 0, NULL, NULL },
	};
	int c;
	char *end;

	memset(a, 0, sizeof(*a));
	a->run.max_log_bytes = DEFAULT_MAX_LOG_BYTES;
	a->baud = 115200;
	a->overall_s = 3600;
	a->inactivity_s = 60;
	a->connect_s = 30;
	optind = 1;
	while ((c = pf_cli_next_option(argc, argv, "o:t:vh", longopts, values)) != -1) {
		int shared = run_output_option(&a->run, c, optarg, "plugfest attach");

		if (shared < 0)
			return -1;
		if (shared)
			continue;
		switch (c) {
		case 'B':
			errno = 0;
			a->baud = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || a->baud <= 0) {
				fprintf(stderr, "plugfest attach: --baud: not a line speed: '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'T':
			if (parse_seconds("timeout", optarg, &a->overall_s, false))
				return -1;
			break;
		case 'I':
			if (parse_seconds("inactivity", optarg, &a->inactivity_s, true))
				return -1;
			break;
		case 'C':
			if (parse_seconds("connect-timeout", optarg, &a->connect_s, true))
				return -1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "plugfest attach: %s\n",
			optind >= argc ? "no SOURCE given" : "more than one SOURCE given");
		usage(stderr);
		return -1;
	}
	a->source = argv[optind];
	if (a->nonce && !nonce_ok(a->nonce)) {
		fprintf(stderr,
			"plugfest attach: --nonce: '%s' is not %d lower-case hex digits (the "
			"pf.nonce= of the guest's command line)\n",
			a->nonce, PF_PROTO_NONCE_HEX);
		return -1;
	}
	return run_check_score_inputs(&a->run);
}

/* Why reading stopped before the probe's end record, if it did. */
enum read_end {
	READ_ENDED,
	READ_EOF,
	READ_WEDGED,
	READ_TIMEOUT,
	READ_ERROR,
	READ_INTERRUPTED
};

static long remaining_ms(double deadline)
{
	double left = deadline - run_now_s();

	return left <= 0 ? 0 : (long)(left * 1000.0) + 1;
}

/* Feeds the source into the run until the probe's end record, EOF, a bound
 * or a signal. */
static enum read_end read_stream(struct run_ctx *ctx, int fd, const struct attach_opts *a,
				 char *why, size_t whylen)
{
	double overall = run_now_s() + (double)a->overall_s;
	double quiet = a->inactivity_s ? run_now_s() + (double)a->inactivity_s : 0;
	char buf[65536];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long wait = remaining_ms(overall);
		ssize_t n;
		int pr;

		if (quiet && remaining_ms(quiet) < wait)
			wait = remaining_ms(quiet);
		if (run_interrupted)
			return READ_INTERRUPTED;
		pr = poll(&p, 1, wait > 1000000 ? 1000000 : (int)wait);
		if (pr < 0) {
			if (errno == EINTR)
				continue;
			snprintf(why, whylen, "poll on %s: %s", a->source, strerror(errno));
			return READ_ERROR;
		}
		if (pr == 0) {
			if (!remaining_ms(overall))
				return READ_TIMEOUT;
			if (quiet && !remaining_ms(quiet))
				return READ_WEDGED;
			continue;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			snprintf(why, whylen, "read from %s: %s", a->source, strerror(errno));
			return READ_ERROR;
		}
		if (n == 0)
			return READ_EOF;
		if (quiet)
			quiet = run_now_s() + (double)a->inactivity_s;
		run_on_serial(ctx, buf, (size_t)n);
		if (run_finished(ctx))
			return READ_ENDED;
	}
}

/* The guest did not reach its end record: a finding against the check in
 * flight (or the run's, between checks), as `plugfest run` records one. */
static void stopped_early(struct run_ctx *ctx, enum read_end how, const struct attach_opts *a,
			  const char *why)
{
	static const char *const kinds[] = {
		[READ_EOF] = "crash",
		[READ_WEDGED] = "wedged",
		[READ_TIMEOUT] = "timeout",
		[READ_ERROR] = "error",
		[READ_INTERRUPTED] = "interrupted",
	};
	struct pf_open_step open;
	char msg[640];

	switch (how) {
	case READ_EOF:
		snprintf(msg, sizeof(msg), "the stream from %s ended before the probe's end record",
			 a->source);
		break;
	case READ_WEDGED:
		snprintf(msg, sizeof(msg), "no byte from %s for %ld s (--inactivity)", a->source,
			 a->inactivity_s);
		break;
	case READ_TIMEOUT:
		snprintf(msg, sizeof(msg), "no end record from %s within %ld s (--timeout)",
			 a->source, a->overall_s);
		break;
	case READ_INTERRUPTED:
		snprintf(msg, sizeof(msg), "attach interrupted by signal %d", (int)run_interrupted);
		break;
	default:
		snprintf(msg, sizeof(msg), "%s", why);
		break;
	}
	run_add_finding(ctx, kinds[how], msg,
			how != READ_INTERRUPTED && pf_results_open_step(ctx->results, &open));
}

static json_t *attach_run_json(const struct attach_opts *a, const struct pf_target *t,
			       const char *nonce, const char *started, double duration)
{
	const char *hv = a->hypervisor ? a->hypervisor : t ? t->hypervisor.name : "unknown";
	const char *ver = a->hv_version ? a->hv_version : "unknown";
	char finished[32];

	run_iso_now(finished, sizeof(finished));
	return json_pack("{s:s, s:s?, s:{s:s, s:s, s:s}, s:s, s:s, s:f, s:{s:s}, s:s, s:o*}",
			 "target", t ? t->name : "attach", "target_file", t ? t->path : NULL,
			 "hypervisor", "name", hv, "version", ver, "version_line", ver, "started",
			 started, "finished", finished, "duration_s", duration, "attach", "source",
			 a->source, "nonce", nonce, "expect", t ? run_expect_json(t) : NULL);
}

int pf_cmd_attach(int argc, char **argv)
{
	struct attach_opts a;
	struct run_ctx ctx = { 0 };
	struct pf_target *t = NULL;
	struct pf_spec *spec = NULL;
	struct pf_error err;
	char outdir_buf[4096], path[4096], started[32], why[512] = "", ebuf[2048];
	enum read_end how;
	double t0;
	int fd = -1, rc = PF_EXIT_INFRA;

	if (parse_opts(argc, argv, &a))
		return PF_EXIT_USAGE;
	pf_error_clear(&err);
	if (a.run.target) {
		const char *dirs[2] = { path, NULL };

		pf_path_join(path, sizeof(path), pf_data_dir(), "targets");
		t = pf_target_load(a.run.target, dirs, &err);
		if (!t) {
			fprintf(stderr, "plugfest attach: %s\n",
				pf_error_format(&err, ebuf, sizeof(ebuf)));
			return PF_EXIT_USAGE;
		}
	}
	if (pf_attach_source_check(a.source, &err)) {
		fprintf(stderr, "plugfest attach: %s\n", pf_error_format(&err, ebuf, sizeof(ebuf)));
		pf_target_free(t);
		return PF_EXIT_USAGE;
	}
	if (a.nonce) {
		snprintf(ctx.nonce, sizeof(ctx.nonce), "%s", a.nonce);
	} else if (run_make_nonce(ctx.nonce)) {
		fprintf(stderr, "plugfest attach: getrandom: %s\n", strerror(errno));
		pf_target_free(t);
		return PF_EXIT_INFRA;
	}
	if (!a.run.outdir) {
		run_default_outdir(outdir_buf, sizeof(outdir_buf), "attach");
		a.run.outdir = outdir_buf;
	}
	if (pf_mkdir_p(a.run.outdir, 0777, &err)) {
		fprintf(stderr, "plugfest attach: cannot create output directory '%s': %s\n",
			a.run.outdir, strerror(err.sys_errno));
		pf_target_free(t);
		return PF_EXIT_INFRA;
	}
	if (run_ctx_open(&ctx, &a.run)) {
		fprintf(stderr, "plugfest attach: cannot set up the run in '%s': %s\n",
			a.run.outdir, strerror(errno));
		goto out;
	}
	pf_path_join(path, sizeof(path), pf_data_dir(), "spec/virtio-1.4-normative.yaml");
	spec = pf_spec_load(path, &err);
	if (!spec)
		fprintf(stderr, "plugfest attach: warning: spec fact base not loaded: %s\n",
			pf_error_format(&err, ebuf, sizeof(ebuf)));
	if (!a.nonce) {
		/* The operator puts this on the guest's command line before
		 * booting it: the stream that comes back must carry it. */
		printf("plugfest attach: nonce %s\n"
		       "plugfest attach: start the guest with: pf.nonce=%s\n",
		       ctx.nonce, ctx.nonce);
		fflush(stdout);
	}
	run_install_signals();
	run_iso_now(started, sizeof(started));
	t0 = run_now_s();
	fd = pf_attach_source_open(a.source, a.baud, a.connect_s * 1000, &err);
	if (fd < 0) {
		pf_error_format(&err, ebuf, sizeof(ebuf));
		fprintf(stderr, "plugfest attach: %s\n", ebuf);
		run_add_finding(&ctx, "no-start", ebuf, false);
		how = READ_ERROR;
	} else {
		pf_progress_start(ctx.progress, t ? t->name : a.source,
				  a.hypervisor ? a.hypervisor : "attached", a.run.outdir);
		how = read_stream(&ctx, fd, &a, why, sizeof(why));
		pf_stream_finish(ctx.stream);
		if (run_stream_rejected(&ctx, why, sizeof(why)))
			run_add_finding(&ctx, "protocol", why, false);
		else if (how != READ_ENDED)
			stopped_early(&ctx, how, &a, why);
	}
	pf_journal_sync(ctx.journal);
	pf_results_set_run(ctx.results,
			   attach_run_json(&a, t, ctx.nonce, started, run_now_s() - t0));
	rc = run_conclude(&ctx, &a.run, spec, "plugfest attach", fd < 0);
out:
	if (fd >= 0)
		close(fd);
	run_ctx_close(&ctx);
	pf_spec_free(spec);
	pf_target_free(t);
	return rc;
}

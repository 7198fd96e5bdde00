/* SPDX-License-Identifier: MIT */
/* `plugfest run`: its command line. */
#define _GNU_SOURCE
#include "cli/run_internal.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: plugfest run [-t TARGET] [-o DIR] [options]\n"
		"       plugfest run -j N [-t TARGET]... [--variant NAME=V[,NAME=V]]... -o DIR "
		"[options]\n"
		"  -t, --target NAME|FILE   target definition (default " DEFAULT_TARGET ");\n"
		"                           several: one run each, and a matrix report\n"
		"  -j, --jobs N             runs at a time over several targets / variants\n"
		"      --variant SET        one run per SET of target variables (repeatable)\n"
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

int run_parse_size(const char *cmd, const char *arg, unsigned long long *out)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10, end++;
	else if (*end == 'M' || *end == 'm')
		shift = 20, end++;
	else if (*end == 'G' || *end == 'g')
		shift = 30, end++;
	if (errno || end == arg || *end || arg[0] == '-' || v > (~0ull >> shift)) {
		fprintf(stderr, "%s: --max-log-bytes: not a size: '%s'\n", cmd, arg);
		return -1;
	}
	*out = v << shift;
	return 0;
}

int run_output_option(struct run_opts *o, int c, const char *arg, const char *cmd)
{
	switch (c) {
	case 'p':
	case 'k':
		if (pf_cli_score_option(&o->score, c, arg)) {
			fprintf(stderr, "%s: too many --%s options\n", cmd,
				c == 'p' ? "profile" : "known-failures");
			return -1;
		}
		return 1;
	case 'F':
		if (pf_reports_check_formats(arg, stderr))
			return -1;
		o->formats = arg;
		return 1;
	case 'g':
		o->gate = arg;
		return 1;
	case 'L':
		return run_parse_size(cmd, arg, &o->max_log_bytes) ? -1 : 1;
	default:
		return 0;
	}
}

int run_check_score_inputs(const struct run_opts *o)
{
	if (pf_reports_check_inputs(&o->score, stderr))
		return -1;
	if (o->gate && pf_reports_check_gate(o->gate, &o->score, stderr))
		return -1;
	return 0;
}

void run_default_outdir(char *buf, size_t len, const char *name)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(buf, len, "out/%s-%s", name, stamp);
}

int run_parse_opts(int argc, char **argv, struct run_opts *o)
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
		RUN_OUTPUT_LONGOPTS,
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const struct pf_cli_value values[] = {
		{ 't', &o->target, NULL },	   { 'o', &o->outdir, NULL },
		{ 'f', &o->filter, NULL },	   { 'P', &o->probe, NULL },
		{ 'b', &o->extra_bootargs, NULL }, { 'v', NULL, &o->verbose },
		{ 'n', NULL, &o->dry_run },	   { 0, NULL, NULL },
	};
	int c;
	char *end;

	memset(o, 0, sizeof(*o));
	o->target = DEFAULT_TARGET;
	o->max_restarts = 3;
	o->max_log_bytes = DEFAULT_MAX_LOG_BYTES;
	o->seed = (unsigned long long)time(NULL);
	optind = 1;
	while ((c = pf_cli_next_option(argc, argv, "t:o:f:vh", longopts, values)) != -1) {
		int shared = run_output_option(o, c, optarg, "plugfest run");

		if (shared < 0)
			return -1;
		if (shared)
			continue;
		switch (c) {
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
	if (run_check_score_inputs(o))
		return -1;
	/* The filter travels on the guest command line: no spaces allowed. */
	if (o->filter && strpbrk(o->filter, " \t\n")) {
		fprintf(stderr, "plugfest run: --filter must not contain spaces\n");
		return -1;
	}
	return 0;
}

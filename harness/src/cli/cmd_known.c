/* SPDX-License-Identifier: MIT */
/* `plugfest known-failures suggest RESULTS.json`: draft entries for review. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "reports/report_util.h"
#include "cli/suggest.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: plugfest known-failures suggest RESULTS.json [--date YYYY-MM-DD]\n"
		"  prints draft known-failure entries (YAML) for every failure of the run that\n"
		"  no entry excuses: one per check x device type x transport, naming the\n"
		"  failure fingerprints seen; review them before committing (docs/profiles.md).\n"
		"  --date  the day the entries' 180-day expiry counts from (default: today, "
		"UTC)\n");
}

int pf_cmd_known_failures(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "date", required_argument, 0, 'd' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *date = NULL;
	const struct pf_cli_value values[] = { { 'd', &date, NULL }, { 0, NULL, NULL } };
	struct pf_buf out;
	json_error_t jerr;
	char err[PF_ERROR_MESSAGE_MAX + PF_ERROR_FILE_MAX];
	struct pf_error e;
	json_t *doc;
	int c, n;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "suggest")) {
		usage(stderr);
		return PF_EXIT_USAGE;
	}
	argc--;
	argv++;
	optind = 1;
	while ((c = pf_cli_next_option(argc, argv, "h", longopts, values)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return PF_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return PF_EXIT_USAGE;
	}
	doc = json_load_file(argv[optind], 0, &jerr);
	if (!doc) {
		fprintf(stderr, "plugfest known-failures: %s:%d:%d: %s\n", argv[optind], jerr.line,
			jerr.column, jerr.text);
		return PF_EXIT_USAGE;
	}
	pf_buf_init(&out);
	n = pf_known_failures_suggest(doc, date, &out, &e);
	json_decref(doc);
	if (n < 0) {
		fprintf(stderr, "plugfest known-failures: %s: %s\n", argv[optind],
			pf_error_format(&e, err, sizeof(err)));
		pf_buf_free(&out);
		return PF_EXIT_USAGE;
	}
	fwrite(out.p, 1, out.len, stdout);
	pf_buf_free(&out);
	fprintf(stderr, "plugfest known-failures: %d draft entr%s\n", n, n == 1 ? "y" : "ies");
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* `report`, `matrix`, `package`, `verify`: everything that works from the
 * files a run left behind, without booting anything. */
#define _GNU_SOURCE
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli/cli.h"
#include "policy/matrix.h"
#include "package/package.h"
#include "cli/paths.h"
#include "reports/report_write.h"
#include "reports/reports.h"
#include "ingest/results.h"
#include "util/fs.h"
#include "util/json.h"

static json_t *load_results(const char *cmd, const char *path)
{
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr);

	if (!doc) {
		fprintf(stderr, "plugfest %s: %s:%d:%d: %s\n", cmd, path, jerr.line, jerr.column,
			jerr.text);
		return NULL;
	}
	if (!json_is_object(doc) || !json_is_string(json_object_get(doc, "schema")) ||
	    strncmp(pf_json_string_get(doc, "schema", NULL), "plugfest-results/", 17)) {
		fprintf(stderr, "plugfest %s: %s: field 'schema': not a plugfest results file\n",
			cmd, path);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

int pf_cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, 0, 'f' }, { "output", required_argument, 0, 'o' },
		{ "rescore", no_argument, 0, 'r' },	 PF_CLI_SCORE_LONGOPTS,
		{ "help", no_argument, 0, 'h' },	 { 0, 0, 0, 0 },
	};
	const char *formats = PF_REPORT_FORMATS_ALL, *outdir = NULL;
	struct pf_score_inputs in = { 0 };
	char dirbuf[4096], fbuf[1024];
	struct pf_error ferr;
	int c, rescore = 0, rc, scored;
	json_t *doc;

	const struct pf_cli_value values[] = {
		{ 'f', &formats, NULL },
		{ 'o', &outdir, NULL },
		{ 'r', NULL, &rescore },
		{ 0, NULL, NULL },
	};

	optind = 1;
	while ((c = pf_cli_next_option(argc, argv, "f:o:h", longopts, values)) != -1) {
		switch (c) {
		case 'p':
		case 'k':
			if (pf_cli_score_option(&in, c, optarg))
				return PF_EXIT_USAGE;
			rescore = 1;
			break;
		case 'h':
			printf("usage: plugfest report RESULTS.json [--format "
			       "json,junit,md,html,pdf] [-o DIR] [--rescore]\n"
			       "                       [--profile FILE]... [--known-failures "
			       "FILE]...\n"
			       "  writes each format under its standard name into DIR (default: "
			       "beside RESULTS);\n"
			       "  --rescore applies the current known-failure files and profiles "
			       "again;\n"
			       "  --profile / --known-failures add files to the shipped ones "
			       "(implies --rescore)\n");
			return 0;
		default:
			return PF_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: plugfest report RESULTS.json [--format LIST] [-o DIR]\n");
		return PF_EXIT_USAGE;
	}
	if (pf_reports_check_formats(formats, stderr) || pf_reports_check_inputs(&in, stderr))
		return PF_EXIT_USAGE;
	doc = load_results("report", argv[optind]);
	if (!doc)
		return PF_EXIT_USAGE;
	if (!outdir) {
		snprintf(dirbuf, sizeof(dirbuf), "%s", argv[optind]);
		outdir = dirname(dirbuf);
	}
	if (pf_mkdir_p(outdir, 0777, &ferr)) {
		fprintf(stderr, "plugfest report: %s\n",
			pf_error_format(&ferr, fbuf, sizeof(fbuf)));
		json_decref(doc);
		return PF_EXIT_INFRA;
	}
	/* a re-scoring that failed still writes what it has, but the command
	 * fails: a report whose known failures were not applied must not pass
	 * for one that was */
	scored = 0;
	if (rescore) {
		scored = pf_reports_score(doc, &in, stderr);
	} else {
		/* the headline as this version defines it, in results.json too */
		json_t *sum = pf_results_summarize(doc);

		if (sum)
			json_object_set_new(doc, "summary", sum);
	}
	rc = pf_reports_write(doc, outdir, formats, stdout, stderr);
	if (!rc && scored)
		rc = PF_EXIT_INFRA;
	json_decref(doc);
	return rc;
}

int pf_cmd_matrix(int argc, char **argv)
{
	const char *outdir = NULL;
	json_t *runs[64];
	char names[64][256];
	const char *name_ptrs[64];
	size_t n = 0;
	char fbuf[1024];
	struct pf_error ferr;
	int c, rc = 0;

	optind = 1;
	while ((c = getopt(argc, argv, "o:h")) != -1) {
		if (c == 'o') {
			outdir = optarg;
		} else {
			printf("usage: plugfest matrix -o DIR RESULTS.json...\n");
			return c == 'h' ? 0 : PF_EXIT_USAGE;
		}
	}
	if (!outdir || optind >= argc) {
		fprintf(stderr, "usage: plugfest matrix -o DIR RESULTS.json...\n");
		return PF_EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		char tmp[4096];

		if (n == sizeof(runs) / sizeof(runs[0])) {
			fprintf(stderr, "plugfest matrix: at most %zu runs\n", n);
			rc = PF_EXIT_USAGE;
			goto out;
		}
		runs[n] = load_results("matrix", argv[i]);
		if (!runs[n]) {
			rc = PF_EXIT_USAGE;
			goto out;
		}
		/* a run is named after the directory holding its results */
		snprintf(tmp, sizeof(tmp), "%s", argv[i]);
		snprintf(names[n], sizeof(names[n]), "%s", basename(dirname(tmp)));
		name_ptrs[n] = names[n];
		n++;
	}
	if (pf_mkdir_p(outdir, 0777, &ferr)) {
		fprintf(stderr, "plugfest matrix: %s\n",
			pf_error_format(&ferr, fbuf, sizeof(fbuf)));
		rc = PF_EXIT_INFRA;
		goto out;
	}
	if (pf_matrix_write(runs, name_ptrs, n, outdir, &ferr)) {
		fprintf(stderr, "plugfest matrix: %s\n",
			pf_error_format(&ferr, fbuf, sizeof(fbuf)));
		rc = PF_EXIT_INFRA;
	} else {
		printf("%s/matrix.html\n%s/matrix.md\n%s/matrix.json\n", outdir, outdir, outdir);
	}
out:
	for (size_t i = 0; i < n; i++)
		json_decref(runs[i]);
	return rc;
}

int pf_cmd_package(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sign", required_argument, 0, 's' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct pf_package_opts po = { 0 };
	const char *out = NULL;
	char digest[65], msg[PF_ERROR_FILE_MAX + PF_ERROR_MESSAGE_MAX + 64];
	struct pf_error err;
	const struct pf_cli_value values[] = {
		{ 'o', &out, NULL },
		{ 's', &po.sign_key, NULL },
		{ 0, NULL, NULL },
	};
	int c;

	optind = 1;
	/* every option but -o and --sign ends the command */
	c = pf_cli_next_option(argc, argv, "o:h", longopts, values);
	if (c != -1) {
		printf("usage: plugfest package -o FILE [--sign KEY.pem] RUN_DIR\n");
		return c == 'h' ? 0 : PF_EXIT_USAGE;
	}
	if (!out || optind + 1 != argc) {
		fprintf(stderr, "usage: plugfest package -o FILE [--sign KEY.pem] RUN_DIR\n");
		return PF_EXIT_USAGE;
	}
	if (pf_package_create(argv[optind], out, &po, digest, &err)) {
		fprintf(stderr, "plugfest package: %s\n", pf_error_format(&err, msg, sizeof(msg)));
		return PF_EXIT_INFRA;
	}
	printf("%s\nmanifest sha256 %s\n", out, digest);
	return 0;
}

int pf_cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "digest", required_argument, 0, 'd' },
		{ "key", required_argument, 0, 'k' },
		{ "json", no_argument, 0, 'j' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct pf_verify_opts vo = { 0 };
	json_t *report = NULL;
	char msg[PF_ERROR_FILE_MAX + PF_ERROR_MESSAGE_MAX + 64];
	struct pf_error err;
	int c, json = 0, rc;
	const struct pf_cli_value values[] = {
		{ 'd', &vo.expect_digest, NULL },
		{ 'k', &vo.public_key, NULL },
		{ 'j', NULL, &json },
		{ 0, NULL, NULL },
	};

	optind = 1;
	/* every other option ends the command */
	c = pf_cli_next_option(argc, argv, "h", longopts, values);
	if (c == 'h') {
		printf("usage: plugfest verify FILE [--digest SHA256] [--key PUB.pem] [--json]\n");
		return 0;
	}
	if (c != -1)
		return PF_EXIT_USAGE;
	if (optind + 1 != argc) {
		fprintf(stderr,
			"usage: plugfest verify FILE [--digest SHA256] [--key PUB.pem] [--json]\n");
		return PF_EXIT_USAGE;
	}
	rc = pf_package_verify(argv[optind], &vo, &report, &err);
	if (rc < 0) {
		fprintf(stderr, "plugfest verify: %s\n", pf_error_format(&err, msg, sizeof(msg)));
		json_decref(report);
		return PF_EXIT_INFRA;
	}
	if (report && json) {
		json_dumpf(report, stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (report) {
		size_t i;
		json_t *p;

		printf("%s: %s (manifest sha256 %s, %lld files, signature %s)\n", argv[optind],
		       rc == 0 ? "intact" : "NOT intact",
		       pf_json_string_get(report, "manifest_sha256", NULL),
		       (long long)json_integer_value(json_object_get(report, "files")),
		       pf_json_string_get(report, "signature", NULL));
		json_array_foreach (json_object_get(report, "profiles"), i, p)
			printf("  profile %s %s: re-scored %s (recorded %s)\n",
			       pf_json_string_get(p, "id", NULL),
			       pf_json_string_get(p, "version", NULL),
			       pf_json_string_get(p, "rescored", NULL),
			       pf_json_string_get(p, "recorded", NULL));
		json_array_foreach (json_object_get(report, "problems"), i, p) {
			const char *path = pf_json_string_get(p, "path", NULL);

			printf("  problem: %s%s%s: %s\n", pf_json_string_get(p, "kind", NULL),
			       path ? " " : "", path ? path : "",
			       pf_json_string_get(p, "detail", NULL));
		}
	}
	json_decref(report);
	return rc == 0 ? 0 : PF_EXIT_NONCONFORMANT;
}

/* SPDX-License-Identifier: MIT */
/*
 * `plugfest report`, `matrix`, `package` and `verify` on a run directory
 * that pf_cmd_run wrote (the hypervisor is this binary, see fake_vmm.h):
 * exit codes, the files written, re-scoring with known failures, and the
 * usage errors.
 */
#include "cmd_helpers.h"
#include "fake_vmm.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "util/json.h"

static char self_exe[4096];

struct fx {
	char *dir;
	char run[1024], results[1200], known[1024];
};

/* One run whose last check fails with a fingerprint a known-failure file
 * names. */
static int group_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	char target[1024];
	int rc;

	if (!fx)
		return -1;
	fx->dir = th_scratch();
	if (!fx->dir)
		return -1;
	snprintf(target, sizeof(target), "%s/fake.yaml", fx->dir);
	snprintf(fx->run, sizeof(fx->run), "%s/run1", fx->dir);
	snprintf(fx->results, sizeof(fx->results), "%s/results.json", fx->run);
	snprintf(fx->known, sizeof(fx->known), "%s/known.yaml", fx->dir);
	if (fake_target_write(target, self_exe))
		return -1;
	if (th_write(fx->known, fake_known_failures_yaml))
		return -1;
	setenv("FAKE_FAIL_SUB", "unoffered-accepted", 1);
	/* every format but pdf: Chromium takes seconds and is tested in
	 * tests/browser */
	rc = CALL(pf_cmd_run, "run", "-t", target, "-o", fx->run, "--probe", target, "--formats",
		  "json,junit,md,html");
	unsetenv("FAKE_FAIL_SUB");
	if (rc != PF_EXIT_NONCONFORMANT)
		return -1;
	*state = fx;
	return 0;
}

static int group_teardown(void **state)
{
	struct fx *fx = *state;

	return th_fixture_free(fx->dir, fx);
}

static int exists(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 && st.st_size > 0;
}

static void run_wrote_every_format(void **state)
{
	struct fx *fx = *state;
	static const char *const names[] = { "results.json", "junit.xml",     "report.md",
					     "report.html",  "journal.jsonl", "console.log",
					     "target.yaml" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!exists(fx->run, names[i]))
			fail_msg("run directory lacks %s", names[i]);
}

static void report_renders(void **state)
{
	struct fx *fx = *state;
	char out[2048];
	json_t *doc;

	snprintf(out, sizeof(out), "%s/rep", fx->dir);
	assert_int_equal(CALL(pf_cmd_report, "report", fx->results, "-o", out, "--format",
			      "json,junit,md,html"),
			 0);
	assert_true(exists(out, "report.md"));
	assert_true(exists(out, "report.html"));
	assert_true(exists(out, "junit.xml"));
	doc = th_json(out, "results.json");
	assert_non_null(doc);
	assert_string_equal(pf_json_string_get(json_object_get(doc, "summary"), "verdict", NULL),
			    "non-conformant");
	json_decref(doc);

	/* one format, beside the results */
	assert_int_equal(CALL(pf_cmd_report, "report", fx->results, "--format", "md"), 0);
	assert_true(exists(fx->run, "report.md"));
}

/* --known-failures re-scores: the named fingerprint becomes xfail. */
static void report_rescores(void **state)
{
	struct fx *fx = *state;
	char out[2048];
	json_t *doc, *r;
	size_t i;
	int xfail = 0;

	snprintf(out, sizeof(out), "%s/rescored", fx->dir);
	assert_int_equal(CALL(pf_cmd_report, "report", fx->results, "-o", out, "--format", "json",
			      "--known-failures", fx->known),
			 0);
	doc = th_json(out, "results.json");
	assert_non_null(doc);
	json_array_foreach (json_object_get(doc, "results"), i, r)
		xfail += !strcmp(pf_json_string_get(r, "verdict", NULL), "xfail");
	assert_int_equal(xfail, 1);
	json_decref(doc);
	assert_int_equal(CALL(pf_cmd_report, "report", fx->results, "-o", out, "--format", "json",
			      "--rescore"),
			 0);
	assert_int_equal(CALL(pf_cmd_report, "report", fx->results, "-o", out, "--format", "json",
			      "--profile", "harness/tests/data/profiles/minimal.yaml"),
			 0);
}

static void report_usage_errors(void **state)
{
	struct fx *fx = *state;
	char notres[2048];

	assert_int_equal(CALL(pf_cmd_report, "report"), PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_report, "report", fx->results, fx->results), PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_report, "report", fx->results, "--format", "docx"),
			 PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_report, "report", fx->results, "--nosuch"), PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_report, "report", "/nonexistent/results.json"), PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_report, "report", fx->results, "--known-failures",
			      "/nonexistent/known.yaml"),
			 PF_EXIT_USAGE);
	/* JSON, but not a results file */
	snprintf(notres, sizeof(notres), "%s/journal-head.json", fx->dir);
	assert_int_equal(th_write(notres, "{\"schema\":\"something-else/1\"}"), 0);
	assert_int_equal(CALL(pf_cmd_report, "report", notres), PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_report, "report", "-h"), 0);
}

static void matrix_merges(void **state)
{
	struct fx *fx = *state;
	char out[2048];
	json_t *m;

	snprintf(out, sizeof(out), "%s/matrix", fx->dir);
	assert_int_equal(CALL(pf_cmd_matrix, "matrix", "-o", out, fx->results,
			      "harness/tests/data/results/qemu-7.2-modern.json"),
			 0);
	m = th_json(out, "matrix.json");
	assert_non_null(m);
	json_decref(m);
	assert_true(exists(out, "matrix.html"));
	assert_true(exists(out, "matrix.md"));

	assert_int_equal(CALL(pf_cmd_matrix, "matrix", fx->results), PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_matrix, "matrix", "-o", out), PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_matrix, "matrix", "-o", out, "/nonexistent/results.json"),
			 PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_matrix, "matrix", "-x"), PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_matrix, "matrix", "-h"), 0);
}

/* A package of the run verifies; a changed byte does not. */
static void package_and_verify(void **state)
{
	struct fx *fx = *state;
	char pkg[2048], bad[2048], out[2048], *text;
	json_t *rep;
	FILE *f;

	snprintf(pkg, sizeof(pkg), "%s/run1.tar", fx->dir);
	snprintf(out, sizeof(out), "%s/verify.json", fx->dir);
	assert_int_equal(CALL(pf_cmd_package, "package", "-o", pkg, fx->run), 0);
	assert_int_equal(CALL(pf_cmd_verify, "verify", pkg), 0);
	assert_int_equal(th_capture(pf_cmd_verify, 3, ARGV("verify", pkg, "--json"), out), 0);
	text = th_read(out);
	assert_non_null(text);
	rep = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(rep);
	assert_int_equal(json_array_size(json_object_get(rep, "problems")), 0);
	json_decref(rep);
	assert_int_equal(CALL(pf_cmd_verify, "verify", pkg, "--digest",
			      "0000000000000000000000000000000000000000000000000000000000000000"),
			 PF_EXIT_NONCONFORMANT);

	/* one byte of the middle of the archive flipped */
	snprintf(bad, sizeof(bad), "%s/bad.tar", fx->dir);
	{
		char *buf;
		size_t size;

		assert_int_equal(pf_read_file(pkg, 256u << 20, &buf, &size, NULL), 0);
		buf[size / 2] ^= 0x20;
		f = fopen(bad, "wb");
		assert_int_equal(fwrite(buf, 1, size, f), size);
		fclose(f);
		free(buf);
	}
	assert_int_not_equal(CALL(pf_cmd_verify, "verify", bad), 0);

	assert_int_equal(CALL(pf_cmd_package, "package", fx->run), PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_package, "package", "-o", pkg), PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_package, "package", "-x"), PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_package, "package", "-o", bad, "/nonexistent/run"),
			 PF_EXIT_INFRA);
	assert_int_equal(CALL(pf_cmd_verify, "verify"), PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_verify, "verify", "--nosuch", pkg), PF_EXIT_USAGE);
	assert_int_equal(CALL(pf_cmd_verify, "verify", "/nonexistent/pkg.tar"), PF_EXIT_INFRA);
	assert_int_equal(CALL(pf_cmd_verify, "verify", "-h"), 0);
	assert_int_equal(CALL(pf_cmd_package, "package", "-h"), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(run_wrote_every_format), cmocka_unit_test(report_renders),
		cmocka_unit_test(report_rescores),	  cmocka_unit_test(report_usage_errors),
		cmocka_unit_test(matrix_merges),	  cmocka_unit_test(package_and_verify),
	};
	if (argc >= 2 && !strcmp(argv[1], "fake-vmm"))
		return fake_vmm(argc, argv);
	if (fake_self_setup(self_exe, sizeof(self_exe)))
		return 1;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/* SPDX-License-Identifier: MIT */
/*
 * The run's headline verdict (score.h): nothing tested is never a pass
 * (no device, fewer devices than the target expects, an aborted probe,
 * only skipped or not-applicable checks), the precedence of the verdicts,
 * the exit code, --gate on a profile, the same headline in the console
 * summary and every report, and known failures applied to the live
 * progress lines.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "policy/matrix.h"
#include "policy/profile.h"
#include "cli/progress.h"
#include "reports/report_write.h"
#include "reports/reports.h"
#include "ingest/results.h"
#include "policy/score.h"
#include "policy/waiver.h"

#include "fixture.h"
#include "json_helpers.h"
#include "util/json.h"

/* ---- a fake run --------------------------------------------------------- */

static json_t *device(const char *id, const char *type, const char *transport)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:[i]}", "id", id, "type", type, "transport",
			 transport, "mode", "modern", "feature_bits", 32);
}

static json_t *result(const char *test, const char *dev, const char *verdict, const char *level)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:[]}", "test", test, "device", dev, "verdict",
			 verdict, "level", level, "class", "conformance", "reqs");
}

/* A run of ndev blk devices on mmio, one result per device with verdict v,
 * the probe's end status (NULL: no end) and run.expect (borrowed, may be
 * NULL). The summary is computed as the runner does. */
static json_t *run_doc(int ndev, const char *v, const char *end_status, const json_t *expect)
{
	json_t *doc =
		json_pack("{s:s, s:{s:{s:s, s:s}, s:s, s:i}, s:[], s:[], s:[]}", "schema",
			  "plugfest-results/1", "run", "hypervisor", "name", "qemu", "version",
			  "7.2.11", "target", "fake", "boots", 1, "devices", "results", "findings");
	char id[32];

	assert_non_null(doc);
	for (int i = 0; i < ndev; i++) {
		snprintf(id, sizeof(id), "mmio@%d", i);
		json_array_append_new(json_object_get(doc, "devices"), device(id, "blk", "mmio"));
		if (v)
			json_array_append_new(json_object_get(doc, "results"),
					      result("blk.a", id, v, "must"));
	}
	if (end_status)
		json_object_set_new(json_object_get(doc, "run"), "end",
				    json_pack("{s:s}", "status", end_status));
	if (expect)
		json_object_set(json_object_get(doc, "run"), "expect", (json_t *)expect);
	json_object_set_new(doc, "summary", pf_results_summarize(doc));
	return doc;
}

/* True when some summary reason contains s. */
static bool has_reason(const json_t *doc, const char *s)
{
	const json_t *w;
	size_t i;

	json_array_foreach (json_object_get(json_object_get(doc, "summary"), "reasons"), i, w)
		if (strstr(json_string_value(w), s))
			return true;
	return false;
}

static void assert_incomplete(const json_t *doc, const char *why)
{
	if (strcmp(sum_verdict(doc), "incomplete"))
		fail_msg("verdict %s, want incomplete (%s)", sum_verdict(doc), why);
	assert_int_equal(pf_headline(doc), PF_HL_INCOMPLETE);
	assert_int_equal(pf_results_exit_code(doc), PF_EXIT_INFRA);
	if (!has_reason(doc, why))
		fail_msg("no reason containing '%s'", why);
}

/* ---- incomplete ------------------------------------------------------- */

static void zero_devices_is_incomplete(void **state)
{
	json_t *doc = run_doc(0, NULL, "ok", NULL);

	(void)state;
	assert_incomplete(doc, "no virtio device found");
	assert_true(has_reason(doc, "nothing was tested"));
	json_decref(doc);
	/* a device-less result that passed does not make up for it */
	doc = run_doc(0, NULL, "ok", NULL);
	json_array_append_new(json_object_get(doc, "results"),
			      json_pack("{s:s, s:s, s:s}", "test", "basic.boot", "verdict", "pass",
					"level", "must"));
	json_object_set_new(doc, "summary", pf_results_summarize(doc));
	assert_incomplete(doc, "no virtio device found");
	json_decref(doc);
}

static void fewer_devices_than_expected(void **state)
{
	json_t *exp = json_pack("{s:i}", "devices", 3), *doc;

	(void)state;
	doc = run_doc(2, "pass", "ok", exp);
	assert_incomplete(doc, "2 virtio device(s) found, the target expects at least 3");
	json_decref(doc);
	doc = run_doc(3, "pass", "ok", exp);
	assert_string_equal(sum_verdict(doc), "conformant");
	assert_int_equal(pf_results_exit_code(doc), PF_EXIT_CONFORMANT);
	json_decref(doc);
	json_decref(exp);

	/* per transport and per type */
	exp = json_pack("{s:i, s:{s:i, s:i}, s:{s:i}}", "devices", 2, "transports", "mmio", 2,
			"pci", 1, "types", "blk", 2);
	doc = run_doc(2, "pass", "ok", exp);
	assert_incomplete(doc, "0 pci device(s) found, the target expects at least 1");
	json_decref(doc);
	json_decref(exp);
	exp = json_pack("{s:{s:i}}", "types", "net", 1);
	doc = run_doc(2, "pass", "ok", exp);
	assert_incomplete(doc, "0 net device(s) found");
	json_decref(doc);
	json_decref(exp);
	/* an explicit devices: 0 allows a run without devices, not one without tests */
	exp = json_pack("{s:i}", "devices", 0);
	doc = run_doc(0, NULL, "ok", exp);
	assert_false(has_reason(doc, "virtio device"));
	assert_incomplete(doc, "nothing was tested");
	json_decref(doc);
	json_decref(exp);
}

static void aborted_probe_is_incomplete(void **state)
{
	json_t *doc;

	(void)state;
	doc = run_doc(2, "pass", "aborted", NULL);
	assert_incomplete(doc, "the probe ended with status aborted");
	json_decref(doc);
	doc = run_doc(2, "pass", NULL, NULL);
	assert_incomplete(doc, "the last boot sent no end record");
	json_decref(doc);
	/* a MUST failure does not hide that the run was not complete */
	doc = run_doc(2, "fail", NULL, NULL);
	assert_incomplete(doc, "the last boot sent no end record");
	assert_true(has_reason(doc, "MUST-level failure"));
	json_decref(doc);
}

static void nothing_tested_is_incomplete(void **state)
{
	static const char *const untested[] = { "skip", "na", "error" };
	json_t *doc;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		doc = run_doc(2, untested[i], "ok", NULL);
		assert_incomplete(doc, "nothing was tested");
		assert_int_equal(sum_int(doc, "tested"), 0);
		json_decref(doc);
	}
	/* skip and na are counted apart */
	doc = run_doc(2, "na", "ok", NULL);
	json_array_append_new(json_object_get(doc, "results"),
			      result("blk.b", "mmio@0", "skip", "must"));
	json_object_set_new(doc, "summary", pf_results_summarize(doc));
	assert_int_equal(sum_count(doc, "na"), 2);
	assert_int_equal(sum_count(doc, "skip"), 1);
	assert_incomplete(doc, "1 skipped, 2 not applicable");
	/* one real verdict is enough */
	json_array_append_new(json_object_get(doc, "results"),
			      result("blk.c", "mmio@1", "pass", "must"));
	json_object_set_new(doc, "summary", pf_results_summarize(doc));
	assert_string_equal(sum_verdict(doc), "conformant");
	json_decref(doc);
	assert_int_equal(pf_rv_parse("na"), PF_RV_NA);
	assert_false(pf_rv_is_tested(PF_RV_NA));
	assert_false(pf_rv_is_tested(PF_RV_SKIP));
	assert_true(pf_rv_is_tested(PF_RV_XFAIL));
}

/* ---- precedence and exit codes ---------------------------------------- */

static void precedence(void **state)
{
	static const struct {
		const char *verdicts[3]; /* of devices 0..2 */
		const char *finding;
		const char *want;
		int exit;
	} cases[] = {
		{ { "pass", "pass", "pass" }, NULL, "conformant", 0 },
		{ { "pass", "warn", "pass" }, NULL, "conformant-with-warnings", 0 },
		{ { "pass", "waived", "pass" }, NULL, "conformant-with-warnings", 0 },
		{ { "xfail", "warn", "pass" }, NULL, "conformant-with-known-failures", 0 },
		{ { "xfail", "fail", "pass" }, NULL, "non-conformant", 1 },
		{ { "pass", "pass", "pass" }, "crash", "non-conformant", 1 },
		{ { "xfail", "skip", "na" }, NULL, "conformant-with-known-failures", 0 },
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		json_t *doc = run_doc(3, NULL, "ok", NULL);

		for (int i = 0; i < 3; i++) {
			char id[32];

			snprintf(id, sizeof(id), "mmio@%d", i);
			json_array_append_new(json_object_get(doc, "results"),
					      result("blk.a", id, cases[c].verdicts[i], "must"));
		}
		if (cases[c].finding)
			json_array_append_new(json_object_get(doc, "findings"),
					      json_pack("{s:s, s:s}", "kind", cases[c].finding,
							"message", "boom"));
		json_object_set_new(doc, "summary", pf_results_summarize(doc));
		if (strcmp(sum_verdict(doc), cases[c].want))
			fail_msg("case %zu: %s, want %s", c, sum_verdict(doc), cases[c].want);
		assert_string_equal(pf_headline_name(pf_headline(doc)), cases[c].want);
		assert_int_equal(pf_results_exit_code(doc), cases[c].exit);
		assert_int_equal(pf_headline_parse(cases[c].want), pf_headline(doc));
		json_decref(doc);
	}
	assert_int_equal(pf_headline_exit_code(PF_HL_INCOMPLETE), PF_EXIT_INFRA);
	assert_int_equal(pf_headline_parse("bogus"), -1);
}

/* ---- --gate ------------------------------------------------------------- */

#define GATE_PROFILE                                                                          \
	"schema: plugfest-profile/1\nid: gate-me\ntitle: Gate\nversion: \"1.0\"\n"            \
	"spec: {name: VIRTIO, version: \"1.4\"}\nrequirements:\n"                             \
	"  - id: BLK\n    title: blk\n    level: must\n    status: mandatory\n    evidence: " \
	"spec\n"                                                                              \
	"    applies_to: {device: [blk]}\n    satisfied_by: {checks: [\"blk.*\"]}\n"

static int gate(json_t *doc)
{
	struct pf_error e;
	struct pf_error perr;
	struct pf_profile *p =
		pf_profile_load_buffer(GATE_PROFILE, strlen(GATE_PROFILE), "gate.yaml", &e);

	assert_non_null(p);
	assert_int_equal(pf_score_attach(doc, &p, 1, &perr), 0);
	pf_profile_free(p);
	return pf_gate_exit_code(doc, "gate-me");
}

static void gate_on_profile(void **state)
{
	json_t *doc;

	(void)state;
	doc = run_doc(2, "pass", "ok", NULL);
	assert_int_equal(gate(doc), 0);
	assert_int_equal(pf_gate_exit_code(doc, "no-such-profile"), -1);
	json_decref(doc);
	/* a known failure keeps the run green but fails the profile */
	doc = run_doc(2, "xfail", "ok", NULL);
	assert_int_equal(pf_results_exit_code(doc), 0);
	assert_int_equal(gate(doc), 1);
	json_decref(doc);
	/* the profile has nothing to go on: incomplete */
	doc = run_doc(2, "skip", "ok", NULL);
	assert_int_equal(gate(doc), 3);
	json_decref(doc);
	/* an incomplete run passes no profile, even one whose checks passed */
	doc = run_doc(2, "pass", "aborted", NULL);
	assert_int_equal(gate(doc), 3);
	json_decref(doc);
}

/* ---- one headline everywhere ---------------------------------------- */

static void contains(const char *text, const char *what, const char *where)
{
	if (!strstr(text, what))
		fail_msg("%s: '%s' not found", where, what);
}

/* Writes doc as format to dir/name and checks it names the verdict line and
 * the reason why; returns the text (free it). */
static char *written(const json_t *doc, const char *dir, const char *format, const char *name,
		     const char *line, const char *why)
{
	char path[600];
	struct pf_error err;
	char *text;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(pf_report_write(doc, format, path, &err), 0);
	text = fx_slurp(path);
	contains(text, line, name);
	contains(text, why, name);
	return text;
}

static void headline_everywhere(void **state)
{
	char dir[] = "/tmp/pf-verdict-XXXXXX", path[256], line[128];
	struct pf_error rerr;
	const json_t *exp_json = NULL;
	struct {
		json_t *doc;
		const char *want;
		const char *why;
	} cases[3];

	(void)state;
	assert_non_null(mkdtemp(dir));
	cases[0].doc = run_doc(0, NULL, "ok", NULL);
	cases[0].want = "incomplete";
	cases[0].why = "no virtio device found";
	cases[1].doc = run_doc(2, "xfail", "ok", exp_json);
	cases[1].want = "conformant-with-known-failures";
	cases[1].why = "known failure(s) of this hypervisor version";
	cases[2].doc = run_doc(2, "fail", "ok", NULL);
	cases[2].want = "non-conformant";
	cases[2].why = "MUST-level failure";
	for (size_t c = 0; c < 3; c++) {
		json_t *doc = cases[c].doc;
		char *text, *con = NULL;
		size_t conlen = 0;
		FILE *mem;
		struct pf_progress *pr;

		/* a profile verdict that differs from the headline must not leak into it */
		gate(doc);
		assert_string_equal(pf_headline_name(pf_headline(doc)), cases[c].want);
		assert_string_equal(pf_overall_verdict(doc), cases[c].want);

		mem = open_memstream(&con, &conlen);
		assert_non_null(mem);
		pr = pf_progress_new(mem, 0);
		assert_non_null(pr);
		pf_progress_summary(pr, doc);
		pf_progress_free(pr);
		fclose(mem);
		snprintf(line, sizeof(line), "run verdict: %s (", cases[c].want);
		contains(con, line, "console");
		contains(con, cases[c].why, "console");
		free(con);

		snprintf(line, sizeof(line), "**Overall: %s**", cases[c].want);
		free(written(doc, dir, "md", "report.md", line, cases[c].why));
		snprintf(line, sizeof(line), "verdict-banner v-%s\">Overall: %s<", cases[c].want,
			 cases[c].want);
		free(written(doc, dir, "html", "report.html", line, cases[c].why));
		snprintf(line, sizeof(line), "<property name=\"verdict\" value=\"%s\"/>",
			 cases[c].want);
		text = written(doc, dir, "junit", "junit.xml", line, cases[c].why);
		contains(text, "<testsuite name=\"run verdict\"", "junit.xml");
		if (!strcmp(cases[c].want, "incomplete"))
			contains(text, "<error type=\"incomplete\"", "junit.xml");
		else if (!strcmp(cases[c].want, "non-conformant"))
			contains(text, "<failure type=\"non-conformant\"", "junit.xml");
		free(text);

		snprintf(path, sizeof(path), "%s/results.json", dir);
		assert_int_equal(pf_report_write(doc, "json", path, &rerr), 0);
		{
			json_t *back = json_load_file(path, 0, NULL);

			assert_non_null(back);
			assert_string_equal(sum_verdict(back), cases[c].want);
			assert_true(has_reason(back, cases[c].why));
			json_decref(back);
		}

		{
			struct pf_error e;
			json_t *m = pf_matrix_build(&doc, (const char *const[]){ "r" }, 1, &e);

			assert_non_null(m);
			assert_string_equal(
				pf_json_string_get(json_array_get(json_object_get(m, "runs"), 0),
						   "verdict", NULL),
				cases[c].want);
			json_decref(m);
		}
		json_decref(doc);
	}
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

/* ---- live progress ------------------------------------------------------ */

#define KNOWN                                                                                     \
	"schema: plugfest-known-failures/1\nentries:\n"                                           \
	"  - id: KF-1\n    kind: known-failure\n    hypervisor: qemu\n    version: \"7.2\"\n"     \
	"    test: blk.known\n    subcases: [measured-case/*]\n    reason: measured\n    issue: " \
	"https://issues.example.invalid/1\n    expires: 2999-12-31\n"

static void progress_applies_known_failures(void **state)
{
	struct pf_waivers *w = pf_waivers_new();
	struct pf_error e;
	struct pf_progress *pr;
	char *out = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&out, &len);
	json_t *rec;

	(void)state;
	assert_non_null(w);
	assert_non_null(mem);
	assert_int_equal(pf_waivers_load_buffer(w, KNOWN, strlen(KNOWN), "kf.yaml", &e), 0);
	pr = pf_progress_new(mem, 0);
	assert_non_null(pr);
	assert_int_equal(pf_progress_known_failures(pr, w, "qemu", "7.2.11"), 0);
	rec = json_pack("{s:s, s:s, s:s, s:s}", "t", "device", "dev", "mmio@0", "type", "blk",
			"transport", "mmio");
	pf_progress_record(pr, rec);
	json_decref(rec);
	rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[s]}", "t", "result", "test", "blk.known",
			"dev", "mmio@0", "verdict", "fail", "msg", "as measured", "sub",
			"measured-case/used-len", "subs", "measured-case/used-len");
	pf_progress_record(pr, rec);
	json_decref(rec);
	/* the same check failing another way is not the known failure */
	rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[s]}", "t", "result", "test", "blk.known",
			"dev", "pci@0", "verdict", "fail", "msg", "new way", "sub",
			"other-case/used-len", "subs", "other-case/used-len");
	pf_progress_record(pr, rec);
	json_decref(rec);
	rec = json_pack("{s:s, s:s, s:s, s:s, s:s}", "t", "result", "test", "blk.other", "dev",
			"mmio@0", "verdict", "fail", "msg", "new");
	pf_progress_record(pr, rec);
	json_decref(rec);
	pf_progress_free(pr);
	fclose(mem);
	contains(out, "  xfail blk.known", "progress");
	contains(out, "  fail  blk.other", "progress");
	contains(out, "  fail  blk.known", "progress");
	/* one xfail line only: the other way of failing stays a fail */
	assert_null(strstr(strstr(out, "xfail blk.known") + 1, "xfail blk.known"));
	free(out);
	pf_waivers_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zero_devices_is_incomplete),
		cmocka_unit_test(fewer_devices_than_expected),
		cmocka_unit_test(aborted_probe_is_incomplete),
		cmocka_unit_test(nothing_tested_is_incomplete),
		cmocka_unit_test(precedence),
		cmocka_unit_test(gate_on_profile),
		cmocka_unit_test(headline_everywhere),
		cmocka_unit_test(progress_applies_known_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Known failures excuse exactly the failures they describe: a result is
 * xfail only when every failure fingerprint it carries matches one of the
 * entry's subcases, checked against the shipped QEMU 7.2 list; and
 * `known-failures suggest` drafts entries that load and excuse exactly the
 * failures they were drafted from. Version matching, and loading errors
 * that name file, line and field.
 */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy/profile.h"
#include "reports/report_write.h"
#include "reports/reports.h"
#include "ingest/results.h"
#include "policy/score.h"
#include "ingest/stream.h"
#include "cli/suggest.h"
#include "policy/waiver.h"

#include "fixture.h"
#include "util/json.h"

#define TODAY "2026-12-07"

/* ---- a run fed record by record, as the stream delivers it ------------ */

static void feed_rec(struct pf_results *r, uint32_t seq, json_t *rec)
{
	const char *field;
	char msg[256];

	assert_non_null(rec);
	/* what the stream lets through */
	if (pf_record_validate(rec, &field, msg, sizeof(msg)) != PF_DIAG_KIND_COUNT)
		fail_msg("record refused: %s", msg);
	assert_int_equal(pf_results_add_record(r, seq, rec), 0);
	json_decref(rec);
}

static void feed(struct pf_results *r, uint32_t seq, const char *text)
{
	json_error_t jerr;
	json_t *rec = json_loads(text, 0, &jerr);

	if (!rec)
		fail_msg("test JSON: %s: %s", text, jerr.text);
	feed_rec(r, seq, rec);
}

/*
 * A QEMU 7.2 run with one blk device on virtio-mmio and one result of
 * `test` with `verdict`, carrying the fingerprints of subs_json (a JSON
 * array; NULL: none) and the members of extra_json (an object or NULL).
 */
static json_t *run_doc(const char *test, const char *verdict, const char *subs_json,
		       const char *extra_json)
{
	struct pf_results *r = pf_results_new();
	json_t *res, *doc;

	assert_non_null(r);
	feed(r, 0,
	     "{\"t\":\"hello\",\"proto\":2,\"probe\":\"0.1\",\"arch\":\"aarch64\",\"image\":"
	     "\"x\"}");
	feed(r, 1,
	     "{\"t\":\"device\",\"dev\":\"mmio@0a003e00\",\"type\":\"blk\",\"device_id\":2,"
	     "\"transport\":\"mmio\",\"mode\":\"modern\"}");
	feed_rec(r, 2,
		 json_pack("{s:s, s:i, s:s, s:s}", "t", "begin", "step", 40, "test", test, "dev",
			   "mmio@0a003e00"));
	res = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:i}", "t", "result", "step", 40,
			"test", test, "dev", "mmio@0a003e00", "verdict", verdict, "level", "must",
			"msg", "m", "us", 5);
	assert_non_null(res);
	if (subs_json) {
		json_t *subs = json_loads(subs_json, 0, NULL);

		assert_non_null(subs);
		json_object_set(res, "sub", json_array_get(subs, 0));
		json_object_set_new(res, "subs", subs);
	}
	if (extra_json) {
		json_t *extra = json_loads(extra_json, 0, NULL);

		assert_non_null(extra);
		assert_int_equal(json_object_update(res, extra), 0);
		json_decref(extra);
	}
	feed_rec(r, 3, res);
	feed(r, 4, "{\"t\":\"end\",\"counts\":{},\"records\":4,\"status\":\"ok\"}");
	pf_results_set_run(r, json_pack("{s:{s:s, s:s}}", "hypervisor", "name", "qemu", "version",
					"7.2.0 (Debian 1:7.2+dfsg-7+deb12u7)"));
	doc = pf_results_to_json(r, NULL);
	assert_non_null(doc);
	pf_results_free(r);
	return doc;
}

static struct pf_waivers *load_text(const char *yaml)
{
	struct pf_waivers *w = pf_waivers_new();
	struct pf_error e;
	char text[600];

	assert_non_null(w);
	if (pf_waivers_load_buffer(w, yaml, strlen(yaml), "kf.yaml", &e))
		fail_msg("%s\n%s", pf_error_format(&e, text, sizeof(text)), yaml);
	return w;
}

static struct pf_waivers *load_shipped(void)
{
	struct pf_waivers *w = pf_waivers_new();
	struct pf_error e;
	char text[600];

	assert_non_null(w);
	if (pf_waivers_load(w, "profiles/known-failures/qemu-7.2.yaml", &e))
		fail_msg("%s", pf_error_format(&e, text, sizeof(text)));
	return w;
}

/* Applies w as a run does and returns the one result. */
static const json_t *apply(json_t *doc, const struct pf_waivers *w)
{
	struct pf_error perr;

	assert_int_equal(pf_waivers_apply(doc, w, TODAY, &perr), 0);
	json_object_set_new(doc, "summary", pf_results_summarize(doc));
	assert_int_equal(json_array_size(json_object_get(doc, "results")), 1);
	return json_array_get(json_object_get(doc, "results"), 0);
}

static const char *verdict(const json_t *res)
{
	return pf_json_string_get(res, "verdict", NULL);
}

static const char *run_verdict(const json_t *doc)
{
	return pf_json_string_get(json_object_get(doc, "summary"), "verdict", NULL);
}

/* not_covered of the result's near-miss entry, joined by ',' */
static const char *not_covered(const json_t *res, char *buf, size_t cap)
{
	const json_t *nc = json_object_get(json_object_get(res, "waiver_not_covered"),
					   "not_covered"),
		     *v;
	size_t i;

	buf[0] = 0;
	json_array_foreach (nc, i, v)
		snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", i ? "," : "",
			 json_string_value(v));
	return buf;
}

/* Renders doc in format and fails unless the file holds want. */
static void report_contains(const json_t *doc, const char *format, const char *want)
{
	char path[] = "/tmp/pf-test-waiver.XXXXXX", *text;
	struct pf_error rerr;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pf_report_write(doc, format, path, &rerr), 0);
	text = fx_slurp(path);
	unlink(path);
	if (!strstr(text, want))
		fail_msg("%s report lacks \"%s\":\n%s", format, want, text);
	free(text);
}

/* ---- against the shipped QEMU 7.2 list -------------------------------- */

/* The device overwrote an indirect table: a different failure from the
 * QEMU 7.2 "direct then indirect" deviation, so it stays a failure. */
static void test_other_subcase_stays_fail(void **state)
{
	struct pf_waivers *w = load_shipped();
	json_t *doc = run_doc("split.indirect", "fail", "[\"whole-indirect/blk-status\"]", NULL);
	const json_t *res = apply(doc, w);
	char buf[256];

	(void)state;
	assert_string_equal(verdict(res), "fail");
	assert_null(json_object_get(res, "waiver"));
	assert_string_equal(
		pf_json_string_get(json_object_get(res, "waiver_not_covered"), "id", NULL),
		"QEMU72-MIXED-INDIRECT-CHAIN");
	assert_string_equal(not_covered(res, buf, sizeof(buf)), "whole-indirect/blk-status");
	assert_string_equal(run_verdict(doc), "non-conformant");
	assert_int_equal(pf_results_exit_code(doc), 1);
	/* the reports say which failure it is and what was not excused */
	assert_string_equal(
		pf_result_failure_text(res, buf, sizeof(buf)),
		"m [whole-indirect/blk-status]; not excused by QEMU72-MIXED-INDIRECT-CHAIN: "
		"whole-indirect/blk-status");
	report_contains(
		doc, "md",
		"m \\[whole-indirect/blk-status\\]; not excused by QEMU72-MIXED-INDIRECT-CHAIN");
	report_contains(
		doc, "html",
		"m [whole-indirect/blk-status]; not excused by QEMU72-MIXED-INDIRECT-CHAIN");
	report_contains(doc, "junit",
			"<failure type=\"fail\" message=\"fail: m [whole-indirect/blk-status]; not "
			"excused by QEMU72-MIXED-INDIRECT-CHAIN: whole-indirect/blk-status\"");
	json_decref(doc);
	pf_waivers_free(w);
}

static void test_described_subcase_is_xfail(void **state)
{
	struct pf_waivers *w = load_shipped();
	json_t *doc = run_doc("split.indirect", "fail", "[\"direct-then-indirect/no-used\"]", NULL);
	const json_t *res = apply(doc, w);

	(void)state;
	assert_string_equal(verdict(res), "xfail");
	assert_string_equal(pf_json_string_get(res, "probe_verdict", NULL), "fail");
	assert_string_equal(pf_json_string_get(json_object_get(res, "waiver"), "id", NULL),
			    "QEMU72-MIXED-INDIRECT-CHAIN");
	assert_null(json_object_get(res, "waiver_not_covered"));
	assert_string_equal(run_verdict(doc), "conformant-with-known-failures");
	assert_int_equal(pf_results_exit_code(doc), 0);
	json_decref(doc);
	pf_waivers_free(w);
}

/* Every fingerprint must be covered: the known one does not carry an
 * unknown one along. */
static void test_every_fingerprint_must_match(void **state)
{
	struct pf_waivers *w = load_shipped();
	json_t *doc =
		run_doc("split.indirect", "fail",
			"[\"direct-then-indirect/no-used\",\"whole-indirect/blk-status\"]", NULL);
	const json_t *res = apply(doc, w);
	char buf[256];

	(void)state;
	assert_string_equal(verdict(res), "fail");
	assert_string_equal(not_covered(res, buf, sizeof(buf)), "whole-indirect/blk-status");
	assert_int_equal(pf_results_exit_code(doc), 1);
	/* applying again (package verification) gives the same */
	res = apply(doc, w);
	assert_string_equal(verdict(res), "fail");
	assert_string_equal(not_covered(res, buf, sizeof(buf)), "whole-indirect/blk-status");
	json_decref(doc);
	pf_waivers_free(w);
}

#define ENTRY(kind, subcases)                                                                  \
	"schema: plugfest-known-failures/1\nentries:\n  - id: E1\n    kind: " kind "\n"        \
	"    hypervisor: qemu\n    test: split.*\n    subcases: " subcases "\n    reason: r\n" \
	"    issue: https://example.org/1\n    expires: 2027-06-30\n"

/* Without fingerprints (error, crash...) or with a cut list, only the
 * whole check ("*") excuses. */
static void test_unnamed_and_cut_need_whole_check(void **state)
{
	static const struct {
		const char *verdict, *subs, *extra, *subcases, *want, *nc;
	} t[] = {
		{ "error", NULL, NULL, "[\"direct-then-indirect/*\"]", "error", PF_FP_UNNAMED },
		{ "error", NULL, NULL, "[\"*\"]", "xfail", "" },
		{ "fail", "[\"a/b\"]", "{\"subs_more\":true}", "[\"a/*\"]", "fail", PF_FP_MORE },
		{ "fail", "[\"a/b\"]", "{\"subs_more\":true}", "[\"*\"]", "xfail", "" },
		{ "fail", "[\"a/b\",\"c\"]", NULL, "[\"a/*\", c]", "xfail", "" },
		{ "fail", "[\"a/b\",\"c\"]", NULL, "[\"*/b\"]", "fail", "c" },
		{ "warn", "[\"c-d\"]", NULL, "[c]", "warn", "c-d" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char yaml[600], buf[256];
		struct pf_waivers *w;
		json_t *doc = run_doc("split.indirect", t[i].verdict, t[i].subs, t[i].extra);
		const json_t *res;

		snprintf(yaml, sizeof(yaml), ENTRY("known-failure", "%s"), t[i].subcases);
		w = load_text(yaml);
		res = apply(doc, w);
		if (strcmp(verdict(res), t[i].want) ||
		    strcmp(not_covered(res, buf, sizeof(buf)), t[i].nc))
			fail_msg("case %zu: %s %s against %s gave %s (not covered: %s), expected "
				 "%s (%s)",
				 i, t[i].verdict, t[i].subs ? t[i].subs : "(no subs)",
				 t[i].subcases, verdict(res), buf, t[i].want, t[i].nc);
		json_decref(doc);
		pf_waivers_free(w);
	}
}

/* A waiver follows the same rule; a pass with a known failure is xpass
 * whatever the subcases. */
static void test_waiver_and_xpass(void **state)
{
	struct pf_waivers *w = load_text(ENTRY("waiver", "[whole-indirect/blk-status]"));
	json_t *doc = run_doc("split.indirect", "fail", "[\"whole-indirect/blk-status\"]", NULL);

	(void)state;
	assert_string_equal(verdict(apply(doc, w)), "waived");
	json_decref(doc);
	doc = run_doc("split.indirect", "fail", "[\"whole-indirect/used-len\"]", NULL);
	assert_string_equal(verdict(apply(doc, w)), "fail");
	json_decref(doc);
	pf_waivers_free(w);

	w = load_shipped();
	doc = run_doc("split.indirect", "pass", NULL, NULL);
	assert_string_equal(verdict(apply(doc, w)), "xpass");
	json_decref(doc);
	pf_waivers_free(w);
}

/* ---- known-failures suggest ------------------------------------------- */

static void test_suggest(void **state)
{
	json_t *doc =
		run_doc("split.indirect", "fail",
			"[\"whole-indirect/blk-status\",\"direct-then-indirect/no-used\"]", NULL);
	struct pf_waivers *shipped = load_shipped(), *w;
	struct pf_buf out;
	struct pf_error perr;
	const json_t *res;

	(void)state;
	/* the shipped entry does not cover the whole-indirect failure */
	assert_string_equal(verdict(apply(doc, shipped)), "fail");
	pf_buf_init(&out);
	assert_int_equal(pf_known_failures_suggest(doc, TODAY, &out, &perr), 1);
	pf_buf_add(&out, "", 1);
	if (!strstr(out.p,
		    "    test: split.indirect\n    device: [blk]\n    transport: [mmio]\n"
		    "    subcases: [whole-indirect/blk-status, direct-then-indirect/no-used]\n") ||
	    !strstr(out.p, "    hypervisor: \"qemu\"\n    version: \"7.2\"\n") ||
	    !strstr(out.p, "    expires: 2027-06-05\n") ||
	    !strstr(out.p, "  - id: QEMU72-SPLIT-INDIRECT-BLK-MMIO\n"))
		fail_msg("unexpected suggestion:\n%s", out.p);
	/* the draft loads and, on its own, excuses exactly these failures */
	w = load_text(out.p);
	res = apply(doc, w);
	assert_string_equal(verdict(res), "xfail");
	json_decref(doc);
	doc = run_doc("split.indirect", "fail", "[\"whole-indirect/used-len\"]", NULL);
	assert_string_equal(verdict(apply(doc, w)), "fail");
	pf_waivers_free(w);
	pf_buf_free(&out);

	/* nothing unexcused: an empty list; already excused: not suggested */
	json_decref(doc);
	doc = run_doc("split.indirect", "fail", "[\"direct-then-indirect/no-used\"]", NULL);
	apply(doc, shipped);
	pf_buf_init(&out);
	assert_int_equal(pf_known_failures_suggest(doc, TODAY, &out, &perr), 0);
	pf_buf_add(&out, "", 1);
	assert_non_null(strstr(out.p, "entries: []\n"));
	pf_buf_free(&out);

	/* a crash names no fingerprint: the whole check */
	json_decref(doc);
	doc = run_doc("split.indirect", "error", NULL, NULL);
	pf_buf_init(&out);
	assert_int_equal(pf_known_failures_suggest(doc, TODAY, &out, &perr), 1);
	pf_buf_add(&out, "", 1);
	assert_non_null(strstr(out.p, "    subcases: [\"*\"]\n"));
	pf_buf_free(&out);
	assert_int_equal(pf_known_failures_suggest(doc, "2026-13-01", &out, &perr), -1);
	json_decref(doc);
	pf_waivers_free(shipped);
}

/* ---- versions and loading ------------------------------------------- */

static void test_version_match(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *ver;
		int want;
	} t[] = {
		{ NULL, "7.2", 1 },
		{ "", "1", 1 },
		{ "7.2", "7.2", 1 },
		{ "7.2", "7.2.11", 1 },
		{ "7.2", "7.20", 0 },
		{ "7.2", "7", 0 },
		{ "7.2", "7.2.0 (Debian 1:7.2+dfsg-7)", 1 },
		{ "7.2.*", "7.2.11", 1 },
		{ "7.2.*", "7.3.0", 0 },
		{ ">=7.2 <8.0", "7.2.11", 1 },
		{ ">=7.2 <8.0", "8.0", 0 },
		{ ">=7.2 <8", "8.2.0", 0 },
		{ ">7.2", "7.2.0", 0 },
		{ ">7.2", "7.2.1", 1 },
		{ "<=1.9", "1.9.0", 1 },
		{ "==3.2", "3.2", 1 },
		{ ">=", "1", -1 },
		{ ">=a", "1", -1 },
		{ "x.y", "1", -1 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (pf_version_match(t[i].spec, t[i].ver) != t[i].want)
			fail_msg("version_match(%s, %s) != %d", t[i].spec ? t[i].spec : "NULL",
				 t[i].ver, t[i].want);
}

#define W_HEAD "schema: plugfest-known-failures/1\nentries:\n"
#define W_ENTRY                                                                               \
	"  - id: E1\n    kind: waiver\n    hypervisor: qemu\n    test: blk.*\n    subcases: " \
	"[\"*\"]\n"                                                                           \
	"    reason: r\n"                                                                     \
	"    issue: https://example.org/1\n"

static void expect_waiver_error(const char *yaml, int line, const char *field, const char *msg)
{
	struct pf_waivers *w = pf_waivers_new();
	struct pf_error e;
	char text[FX_ERR_TEXT], loc[64];
	assert_int_equal(pf_waivers_load_buffer(w, yaml, strlen(yaml), "kf.yaml", &e), -1);
	assert_int_equal(pf_waivers_count(w), 0);
	fx_err(&e, text);
	snprintf(loc, sizeof(loc), "kf.yaml:%d:", line);
	if (strncmp(text, loc, strlen(loc)) || !strstr(text, field) || !strstr(text, msg) ||
	    e.column <= 0)
		fail_msg("expected %s ... %s ... %s, got: %s", loc, field, msg, text);
	pf_waivers_free(w);
}

static void test_waiver_load_errors(void **state)
{
	(void)state;
	expect_waiver_error(W_HEAD W_ENTRY "    expires: 2026-02-30\n", 10, "entries[0].expires",
			    "not a date");
	expect_waiver_error(W_HEAD W_ENTRY "    expires: 2026-02-28\n    colour: red\n", 11,
			    "entries[0].colour", "unknown key");
	expect_waiver_error(W_HEAD "  - id: E1\n    kind: pardon\n    hypervisor: qemu\n    test: "
				   "blk.*\n    subcases: [x]\n    reason: r\n"
				   "    issue: https://example.org/1\n    expires: 2026-02-28\n",
			    4, "entries[0].kind", "not one of");
	expect_waiver_error(W_HEAD "  - id: E1\n    kind: waiver\n    hypervisor: qemu\n    test: "
				   "blk.*\n    subcases: [x]\n"
				   "    reason: r\n    expires: 2026-02-28\n",
			    3, "entries[0].issue", "required key missing");
	/* subcases: required, a non-empty list of fingerprint globs */
	expect_waiver_error(
		W_HEAD
		"  - id: E1\n    kind: known-failure\n    hypervisor: qemu\n    test: blk.*\n"
		"    reason: r\n    issue: https://example.org/1\n    expires: 2026-02-28\n",
		3, "entries[0].subcases", "required key missing");
	expect_waiver_error(
		W_HEAD
		"  - id: E1\n    kind: known-failure\n    hypervisor: qemu\n    test: blk.*\n"
		"    subcases: []\n    reason: r\n    issue: https://example.org/1\n    expires: "
		"2026-02-28\n",
		7, "entries[0].subcases", "list is empty");
	expect_waiver_error(W_HEAD
			    "  - id: E1\n    kind: waiver\n    hypervisor: qemu\n    test: blk.*\n"
			    "    subcases: [whole-indirect/blk-status, \"Direct Then Indirect\"]\n "
			    "   reason: r\n"
			    "    issue: https://example.org/1\n    expires: 2026-02-28\n",
			    7, "entries[0].subcases[1]", "not a fingerprint glob");
	expect_waiver_error(W_HEAD
			    "  - id: E1\n    kind: waiver\n    hypervisor: qemu\n    test: blk.*\n"
			    "    subcases: whole-indirect/*\n    reason: r\n"
			    "    issue: https://example.org/1\n    expires: 2026-02-28\n",
			    7, "entries[0].subcases", "");
	expect_waiver_error(W_HEAD W_ENTRY "    expires: 2026-02-28\n    version: \">=x\"\n", 11,
			    "entries[0].version", "not a version");
	expect_waiver_error(W_HEAD W_ENTRY "    expires: 2026-02-28\n    device: [gpu2d]\n", 11,
			    "entries[0].device[0]", "not a known device type");
	expect_waiver_error(W_HEAD W_ENTRY "    expires: 2026-02-28\n" W_ENTRY
					   "    expires: 2026-02-28\n",
			    11, "entries[1].id", "duplicate entry id 'E1' (first at line 3)");
	expect_waiver_error(W_HEAD
			    "  - id: E1\n    kind: waiver\n    hypervisor: qemu\n    test: blk.*\n "
			    "   subcases: [x]\n"
			    "    reason: r\n    issue: see the wiki\n    expires: 2026-02-28\n",
			    9, "entries[0].issue", "http(s) link");
	expect_waiver_error("schema: plugfest-known-failures/2\nentries: []\n", 1, "schema",
			    "not supported");
	/* a valid file appends; a second file may not reuse an id */
	struct pf_waivers *w = pf_waivers_new();
	struct pf_error e;
	const char *ok = W_HEAD W_ENTRY "    expires: 2026-02-28\n";
	assert_int_equal(pf_waivers_load_buffer(w, ok, strlen(ok), "a.yaml", &e), 0);
	assert_int_equal(pf_waivers_load_buffer(w, ok, strlen(ok), "b.yaml", &e), -1);
	assert_non_null(strstr(e.message, "already in a.yaml:3"));
	assert_int_equal(pf_waivers_count(w), 1);
	pf_waivers_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_match),
		cmocka_unit_test(test_waiver_load_errors),
		cmocka_unit_test(test_other_subcase_stays_fail),
		cmocka_unit_test(test_described_subcase_is_xfail),
		cmocka_unit_test(test_every_fingerprint_must_match),
		cmocka_unit_test(test_unnamed_and_cut_need_whole_check),
		cmocka_unit_test(test_waiver_and_xpass),
		cmocka_unit_test(test_suggest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

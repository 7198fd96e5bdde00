/* SPDX-License-Identifier: MIT */
/*
 * Run model and results.json: document shape, dedup, duplicate results
 * and summary verdicts.
 */
#define _POSIX_C_SOURCE 200809L

#include "results_helpers.h"

/* ---- document shape ------------------------------------------------- */

static void json_shape(void **state)
{
	static const char *const result_keys[] = { "test",	  "device", "step",	"verdict",
						   "level",	  "class",  "area",	"title",
						   "reqs",	  "labels", "sections", "message",
						   "duration_us", NULL };
	static const char *const top_keys[] = { "schema",  "tool",     "run",	      "devices",
						"results", "findings", "diagnostics", "metrics",
						"logs",	   "summary",  NULL };
	struct pf_results *r = pf_results_new();
	struct pf_error perr;
	struct pf_spec *spec = pf_spec_load(spec_path, &perr);
	int ci = pf_catalogue_find("basic.init.sequence");
	const struct pf_check_info *cat = ci >= 0 ? &pf_catalogue[ci] : NULL;
	json_t *doc, *run, *res, *dev, *v;

	(void)state;
	assert_non_null(spec);
	assert_non_null(cat);
	add(r, 0, HELLO);
	add(r, 1, DEVICE_A);
	add(r, 2,
	    "{\"t\":\"begin\",\"step\":1,\"test\":\"basic.init.sequence\","
	    "\"dev\":\"mmio@0a000000\"}");
	/* No level, no reqs: both come from the catalogue. */
	add(r, 3,
	    "{\"t\":\"result\",\"step\":1,\"test\":\"basic.init.sequence\","
	    "\"dev\":\"mmio@0a000000\",\"verdict\":\"pass\",\"msg\":\"ok\",\"us\":120}");
	add(r, 4,
	    "{\"t\":\"result\",\"step\":2,\"test\":\"t.explicit\",\"dev\":\"d0\","
	    "\"verdict\":\"pass\",\"level\":\"should\","
	    "\"reqs\":[\"nope.unknown\",\"basic.reset.status-zero\"]}");
	add(r, 5,
	    "{\"t\":\"metric\",\"name\":\"boot_us\",\"value\":12.5,\"unit\":\"us\","
	    "\"dev\":\"mmio@0a000000\"}");
	add(r, 6, "{\"t\":\"log\",\"level\":\"warn\",\"msg\":\"slow\",\"test\":\"x\"}");
	add(r, 7, END_OK);
	pf_results_set_run(r, json_pack("{s:s, s:{s:s, s:s}, s:{s:s, s:s}}", "target", "qemu-virt",
					"hypervisor", "name", "qemu", "version", "7.2", "probe",
					"image_path", "probe.bin", "version", "stale"));
	doc = doc_of(r, spec);

	for (int i = 0; top_keys[i]; i++)
		if (!json_object_get(doc, top_keys[i]))
			fail_msg("results.json lacks \"%s\"", top_keys[i]);
	assert_string_equal(pf_json_string_get(doc, "schema", NULL), "plugfest-results/1");
	assert_string_equal(pf_json_string_get(json_object_get(doc, "tool"), "name", NULL),
			    "plugfest");
	assert_non_null(pf_json_string_get(json_object_get(doc, "tool"), "version", NULL));

	run = json_object_get(doc, "run");
	assert_string_equal(pf_json_string_get(run, "target", NULL), "qemu-virt");
	assert_string_equal(pf_json_string_get(json_object_get(run, "hypervisor"), "version", NULL),
			    "7.2");
	/* The probe's own word (hello) wins over the runner's; the runner's
	 * extra facts stay. */
	v = json_object_get(run, "probe");
	assert_string_equal(pf_json_string_get(v, "version", NULL), "0.1");
	assert_string_equal(pf_json_string_get(v, "arch", NULL), "aarch64");
	assert_string_equal(pf_json_string_get(v, "image", NULL), "abc123");
	assert_string_equal(pf_json_string_get(v, "image_path", NULL), "probe.bin");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "options"), "seed")),
			 1);
	assert_int_equal(json_integer_value(json_object_get(run, "boots")), 1);
	assert_string_equal(pf_json_string_get(json_object_get(run, "end"), "status", NULL), "ok");
	assert_null(json_object_get(run, "in_flight"));

	dev = at(doc, "devices", 0);
	assert_members(dev, "id", "mmio@0a000000", "type", "blk", "transport", "mmio", "features",
		       "0x130000064", NULL);
	assert_int_equal(json_array_size(json_object_get(dev, "feature_bits")), 4);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(json_object_get(dev, "queues"), 0), "max_size")),
			 256);
	assert_null(json_object_get(dev, "t"));
	assert_null(json_object_get(dev, "dev"));

	res = at(doc, "results", 0);
	for (int i = 0; result_keys[i]; i++)
		if (!json_object_get(res, result_keys[i]))
			fail_msg("result lacks \"%s\"", result_keys[i]);
	assert_string_equal(pf_json_string_get(res, "test", NULL), "basic.init.sequence");
	assert_string_equal(pf_json_string_get(res, "device", NULL), "mmio@0a000000");
	assert_int_equal(json_integer_value(json_object_get(res, "step")), 1);
	assert_string_equal(pf_json_string_get(res, "verdict", NULL), "pass");
	assert_string_equal(pf_json_string_get(res, "level", NULL), "must");
	assert_string_equal(pf_json_string_get(res, "class", NULL), "conformance");
	assert_string_equal(pf_json_string_get(res, "area", NULL), "basic");
	assert_string_equal(pf_json_string_get(res, "title", NULL), cat->title);
	/* reqs from the catalogue, one label/section per req; the tiny fact
	 * base knows only basic.reset.status-zero, the rest resolve to null. */
	v = json_object_get(res, "reqs");
	assert_int_equal(json_array_size(v), count_words(cat->reqs));
	assert_int_equal(json_array_size(json_object_get(res, "labels")), json_array_size(v));
	assert_int_equal(json_array_size(json_object_get(res, "sections")), json_array_size(v));
	for (size_t i = 0; i < json_array_size(v); i++) {
		const char *id = json_string_value(json_array_get(v, i));
		const json_t *label = json_array_get(json_object_get(res, "labels"), i);
		const json_t *sect = json_array_get(json_object_get(res, "sections"), i);

		assert_non_null(strstr(cat->reqs, id));
		if (!strcmp(id, "basic.reset.status-zero")) {
			assert_string_equal(json_string_value(label), RESET_LABEL);
			assert_string_equal(json_string_value(sect), "2.4.1");
		} else {
			assert_true(json_is_null(label) && json_is_null(sect));
		}
	}
	assert_string_equal(pf_json_string_get(res, "message", NULL), "ok");
	/* reqs from the record win over the catalogue; parallel arrays. */
	res = at(doc, "results", 1);
	assert_string_equal(pf_json_string_get(res, "test", NULL), "t.explicit");
	assert_string_equal(pf_json_string_get(res, "level", NULL), "should");
	assert_true(json_is_null(json_object_get(res, "class")));
	assert_int_equal(json_array_size(json_object_get(res, "reqs")), 2);
	v = json_object_get(res, "labels");
	assert_int_equal(json_array_size(v), 2);
	assert_true(json_is_null(json_array_get(v, 0)));
	assert_string_equal(json_string_value(json_array_get(v, 1)), RESET_LABEL);
	v = json_object_get(res, "sections");
	assert_true(json_is_null(json_array_get(v, 0)));
	assert_string_equal(json_string_value(json_array_get(v, 1)), "2.4.1");
	assert_true(json_is_null(json_object_get(res, "message")));
	assert_true(json_is_null(json_object_get(res, "duration_us")));
	res = at(doc, "results", 0);
	assert_int_equal(json_integer_value(json_object_get(res, "duration_us")), 120);

	v = at(doc, "metrics", 0);
	assert_string_equal(pf_json_string_get(v, "name", NULL), "boot_us");
	assert_true(json_real_value(json_object_get(v, "value")) == 12.5);
	assert_string_equal(pf_json_string_get(v, "device", NULL), "mmio@0a000000");
	assert_null(json_object_get(v, "t"));
	v = at(doc, "logs", 0);
	assert_string_equal(pf_json_string_get(v, "level", NULL), "warn");
	assert_string_equal(pf_json_string_get(v, "message", NULL), "slow");
	assert_string_equal(pf_json_string_get(v, "test", NULL), "x");

	assert_string_equal(sum_verdict(doc), "conformant");
	assert_int_equal(sum_count(doc, "pass"), 2);
	assert_int_equal(sum_count(doc, "crash"), 0);
	assert_int_equal(sum_int(doc, "devices"), 1);
	assert_int_equal(sum_int(doc, "checks"), 2);
	assert_int_equal(sum_int(doc, "must_failed"), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "diagnostics")), 0);

	/* Without a fact base the labels are null, not missing. */
	json_decref(doc);
	doc = doc_of(r, NULL);
	res = at(doc, "results", 0);
	assert_int_equal(json_array_size(json_object_get(res, "labels")), count_words(cat->reqs));
	assert_true(json_is_null(json_array_get(json_object_get(res, "labels"), 0)));

	pf_spec_free(spec);
	results_done(r, doc);
}

/* ---- dedup ---------------------------------------------------------- */

static void device_dedup(void **state)
{
	/* The guest restarted: its devices are announced again. */
	struct pf_results *r =
		results_of(HELLO, DEVICE_A, DEVICE_B, HELLO, DEVICE_A, DEVICE_B, NULL);
	struct pf_results_state st;
	json_t *doc;

	(void)state;
	pf_results_state(r, &st);
	assert_int_equal(st.devices, 2);
	assert_int_equal(st.boots, 2);
	assert_int_equal(st.diagnostics, 0);
	/* ... but a changed device is worth a diagnostic; the first is kept. */
	add(r, 3,
	    "{\"t\":\"device\",\"dev\":\"mmio@0a000000\",\"type\":\"blk\","
	    "\"device_id\":2,\"transport\":\"mmio\",\"features\":\"0x1\"}");
	doc = doc_of(r, NULL);
	assert_int_equal(json_array_size(json_object_get(doc, "devices")), 2);
	assert_string_equal(at_str(doc, "devices", 0, "features"), "0x130000064");
	assert_string_equal(at_str(doc, "devices", 1, "id"), "pci@0000:00:02.0");
	assert_one_diagnostic(doc, "inconsistent", 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "run"), "boots")),
			 2);
	results_done(r, doc);
}

static void duplicate_result_keeps_first(void **state)
{
	/* The same check twice on d0; on d1, another device, it is kept. */
	struct pf_results *r = results_of(HELLO, result_json("t.one", "d0", "pass", "must"),
					  result_json("t.one", "d0", "fail", "must"),
					  result_json("t.one", "d1", "fail", "must"), END_OK, NULL);
	json_t *doc = doc_of(r, NULL);

	(void)state;
	assert_int_equal(json_array_size(json_object_get(doc, "results")), 2);
	assert_string_equal(at_str(doc, "results", 0, "verdict"), "pass");
	assert_string_equal(at_str(doc, "results", 1, "device"), "d1");
	assert_one_diagnostic(doc, "duplicate-result", 2);
	assert_non_null(strstr(at_str(doc, "diagnostics", 0, "message"), "kept the first"));
	/* The dropped fail does not count, the d1 fail does. */
	assert_int_equal(sum_int(doc, "must_failed"), 1);
	results_done(r, doc);
}

/* ---- summary verdicts ----------------------------------------------- */

/* Summary verdicts, as results.json spells them. */
#define CONFORMANT "conformant"
#define WARNINGS "conformant-with-warnings"
#define KNOWN_FAILURES "conformant-with-known-failures"
#define NON_CONFORMANT "non-conformant"
#define INCOMPLETE "incomplete"

struct vcase {
	const char *name;
	/* The records, in order: H hello, D device d0, E end ok, A end aborted,
	 * VERDICT/LEVEL a result of check t.N (N its place; level - for none). */
	const char *recs;
	const char *finding; /* kind, or "" */
	const char *verdict;
	json_int_t must_failed;
};

/* Feeds the records a vcase names. */
static void feed_case(struct pf_results *r, const char *recs)
{
	static const struct {
		const char *tok, *rec;
	} fixed[] = { { "H", HELLO }, { "D", DEVICE_D0 }, { "E", END_OK }, { "A", END_ABORTED } };
	char buf[256], *save = NULL;
	uint32_t i = 0;

	assert_true(strlen(recs) < sizeof(buf));
	strcpy(buf, recs);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save), i++) {
		const char *s = NULL;
		char verdict[16], level[16];

		for (size_t k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++)
			if (!strcmp(t, fixed[k].tok))
				s = fixed[k].rec;
		if (!s) {
			assert_int_equal(sscanf(t, "%15[^/]/%15s", verdict, level), 2);
			s = result_json(fmt("t.%u", i), "d0", verdict,
					strcmp(level, "-") ? level : NULL);
		}
		add(r, i, s);
	}
}

static void summary_verdicts(void **state)
{
	const struct vcase cases[] = {
		{ "all pass", "H D pass/must E", "", CONFORMANT, 0 },
		{ "warn", "H D pass/must warn/should E", "", WARNINGS, 0 },
		{ "error", "H D pass/must error/must E", "", WARNINGS, 0 },
		{ "fail at should", "H D fail/should E", "", WARNINGS, 0 },
		{ "waived", "H D waived/must E", "", WARNINGS, 0 },
		{ "known failure", "H D pass/must xfail/must E", "", KNOWN_FAILURES, 0 },
		{ "known failure and warning", "H D xfail/must warn/should E", "", KNOWN_FAILURES,
		  0 },
		{ "must fail", "H D fail/must E", "", NON_CONFORMANT, 1 },
		{ "fail, level unknown", "H D fail/- E", "", NON_CONFORMANT, 1 },
		{ "must fail beats known failure", "H D xfail/must fail/must E", "", NON_CONFORMANT,
		  1 },
		/* nothing tested is never a pass */
		{ "no device", "H pass/must E", "", INCOMPLETE, 0 },
		{ "no device, no result", "H E", "", INCOMPLETE, 0 },
		{ "skip only", "H D skip/must E", "", INCOMPLETE, 0 },
		{ "not applicable only", "H D na/must skip/must E", "", INCOMPLETE, 0 },
		{ "error only", "H D error/must E", "", INCOMPLETE, 0 },
		{ "no result", "H D E", "", INCOMPLETE, 0 },
		{ "na does not hide a pass", "H D na/must pass/must E", "", CONFORMANT, 0 },
		{ "no end", "H D pass/must", "", INCOMPLETE, 0 },
		{ "aborted", "H D pass/must A", "", INCOMPLETE, 0 },
		{ "no hello", "pass/must E", "", INCOMPLETE, 0 },
		{ "nothing", "", "no-start", INCOMPLETE, 0 },
		{ "incomplete beats must fail", "H D fail/must", "", INCOMPLETE, 1 },
		{ "incomplete beats crash", "H D pass/must", "crash", INCOMPLETE, 0 },
		{ "crash finding", "H D pass/must E", "crash", NON_CONFORMANT, 0 },
		{ "timeout finding", "H D pass/must E", "timeout", NON_CONFORMANT, 0 },
		{ "fault finding", "H D pass/must E", "fault", NON_CONFORMANT, 0 },
		{ "protocol finding only", "H D pass/must E", "protocol", CONFORMANT, 0 },
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct pf_results *r = pf_results_new();
		json_t *doc;

		feed_case(r, cases[c].recs);
		if (*cases[c].finding)
			assert_int_equal(
				pf_results_add_finding(r, cases[c].finding, "boom", NULL, NULL, -1),
				0);
		doc = doc_of(r, NULL);
		if (strcmp(sum_verdict(doc), cases[c].verdict))
			fail_msg("case \"%s\": verdict %s, want %s", cases[c].name,
				 sum_verdict(doc), cases[c].verdict);
		if (sum_int(doc, "must_failed") != cases[c].must_failed)
			fail_msg("case \"%s\": must_failed %lld, want %lld", cases[c].name,
				 (long long)sum_int(doc, "must_failed"),
				 (long long)cases[c].must_failed);
		/* Every verdict but plain conformant says why. */
		assert_int_equal(json_array_size(json_object_get(json_object_get(doc, "summary"),
								 "reasons")) > 0,
				 strcmp(cases[c].verdict, CONFORMANT) != 0);
		results_done(r, doc);
	}
}

/* A later stage rewrites verdicts (known failures, waivers) and asks again. */
static void summarize_after_rewrite(void **state)
{
	struct pf_results *r = results_of(HELLO, DEVICE_D0,
					  result_json("t.a", "d0", "fail", "must"), END_OK, NULL);
	json_t *doc, *sum;

	(void)state;
	assert_int_equal(pf_results_add_finding(r, "wedged", "stuck", "t.a", "d0", 1), 0);
	doc = doc_of(r, NULL);
	assert_string_equal(sum_verdict(doc), "non-conformant");
	json_object_set_new(at(doc, "results", 0), "verdict", json_string("xfail"));
	json_object_set_new(at(doc, "findings", 0), "waived", json_true());
	sum = pf_results_summarize(doc);
	assert_string_equal(pf_json_string_get(sum, "verdict", NULL),
			    "conformant-with-known-failures");
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(sum, "counts"), "xfail")), 1);
	json_decref(sum);
	json_object_set_new(at(doc, "results", 0), "verdict", json_string("xpass"));
	sum = pf_results_summarize(doc);
	assert_string_equal(pf_json_string_get(sum, "verdict", NULL), "conformant-with-warnings");
	json_decref(sum);
	assert_null(pf_results_summarize(NULL));
	results_done(r, doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(json_shape, setup_dir, teardown_dir),
		cmocka_unit_test(device_dedup),
		cmocka_unit_test(duplicate_result_keeps_first),
		cmocka_unit_test(summary_verdicts),
		cmocka_unit_test(summarize_after_rewrite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Run model: the check in flight, restarts, faults, pairing diagnostics,
 * argument checks, and the same document from a live stream and from its
 * journal.
 */
#define _POSIX_C_SOURCE 200809L

#include "results_helpers.h"

/* ---- the check in flight ------------------------------------------- */

static void open_step_and_wedge(void **state)
{
	struct pf_results *r = results_of(HELLO, DEVICE_A, NULL);
	struct pf_open_step o;
	struct pf_results_state st;
	json_t *doc, *f, *res;

	(void)state;
	assert_false(pf_results_open_step(r, &o));
	add(r, 2,
	    "{\"t\":\"begin\",\"step\":7,\"test\":\"vq.split.desc-chain\","
	    "\"dev\":\"mmio@0a000000\"}");
	assert_true(pf_results_open_step(r, &o));
	assert_string_equal(o.test, "vq.split.desc-chain");
	assert_string_equal(o.dev, "mmio@0a000000");
	assert_int_equal(o.step, 7);
	assert_int_equal(o.seq, 2);
	doc = doc_of(r, NULL);
	f = json_object_get(json_object_get(doc, "run"), "in_flight");
	assert_string_equal(pf_json_string_get(f, "test", NULL), "vq.split.desc-chain");
	assert_int_equal(json_integer_value(json_object_get(f, "step")), 7);
	json_decref(doc);

	assert_int_equal(pf_results_fail_open_step(r, "fail", "x"), -1);
	assert_int_equal(pf_results_fail_open_step(r, "wedged", "no output for 30 s"), 1);
	assert_false(pf_results_open_step(r, &o));
	assert_int_equal(pf_results_fail_open_step(r, "wedged", "again"), 0);
	pf_results_state(r, &st);
	assert_int_equal(st.last_step, 7);
	assert_false(st.ended);
	assert_int_equal(st.findings, 1);

	doc = doc_of(r, NULL);
	f = at(doc, "findings", 0);
	assert_members(f, "kind", "wedged", "message", "no output for 30 s", "test",
		       "vq.split.desc-chain", "device", "mmio@0a000000", NULL);
	assert_int_equal(json_integer_value(json_object_get(f, "step")), 7);
	res = at(doc, "results", 0);
	assert_members(res, "verdict", "wedged", "test", "vq.split.desc-chain", "message",
		       "no output for 30 s", NULL);
	/* Not in the catalogue: no class, area or title, but still listed. */
	assert_true(json_is_null(json_object_get(res, "area")));
	assert_null(json_object_get(json_object_get(doc, "run"), "in_flight"));
	/* not recovered (no end): incomplete, and the wedge is among the reasons */
	assert_string_equal(sum_verdict(doc), "incomplete");
	{
		json_t *why = json_object_get(json_object_get(doc, "summary"), "reasons"), *w;
		size_t k;
		bool seen = false;

		json_array_foreach (why, k, w)
			seen = seen || !strncmp(json_string_value(w), "wedged: ", 8);
		assert_true(seen);
	}
	json_decref(doc);

	/* The resumed guest must not replace the wedged verdict. */
	feed(r, 0, HELLO, result_json("vq.split.desc-chain", "mmio@0a000000", "pass", "must"),
	     NULL);
	doc = doc_of(r, NULL);
	assert_string_equal(at_str(doc, "results", 0, "verdict"), "wedged");
	assert_string_equal(at_str(doc, "diagnostics", 0, "kind"), "duplicate-result");
	results_done(r, doc);
}

static void hello_during_step_is_crash(void **state)
{
	struct pf_results *r = results_of(
		HELLO, DEVICE_D0, "{\"t\":\"begin\",\"step\":3,\"test\":\"t.x\",\"dev\":\"d0\"}",
		HELLO, END_OK, NULL);
	json_t *doc = doc_of(r, NULL);

	(void)state;
	assert_string_equal(at_str(doc, "findings", 0, "kind"), "crash");
	assert_string_equal(at_str(doc, "findings", 0, "test"), "t.x");
	assert_int_equal(json_integer_value(json_object_get(at(doc, "findings", 0), "boot")), 1);
	assert_string_equal(at_str(doc, "results", 0, "verdict"), "crash");
	assert_string_equal(sum_verdict(doc), "non-conformant");
	assert_int_equal(sum_count(doc, "crash"), 1);
	results_done(r, doc);
}

static void restart_between_checks(void **state)
{
	/* Boot 1 dies between checks on its own: a crash, no check to blame;
	 * boot 2 hangs, the runner pins it and restarts: no second finding. */
	struct pf_results *r =
		results_of(HELLO, DEVICE_D0, result_json("t.a", "d0", "pass", "must"), HELLO,
			   "{\"t\":\"begin\",\"step\":2,\"test\":\"t.b\",\"dev\":\"d0\"}", NULL);
	json_t *doc;

	(void)state;
	assert_int_equal(pf_results_fail_open_step(r, "timeout", "run timed out"), 1);
	/* After an end, a new boot is no crash either. */
	feed(r, 0, HELLO, END_OK, HELLO, END_OK, NULL);
	doc = doc_of(r, NULL);
	assert_int_equal(json_array_size(json_object_get(doc, "findings")), 2);
	assert_string_equal(at_str(doc, "findings", 0, "kind"), "crash");
	assert_non_null(strstr(at_str(doc, "findings", 0, "message"), "between checks"));
	assert_true(json_is_null(json_object_get(at(doc, "findings", 0), "test")));
	assert_string_equal(at_str(doc, "findings", 1, "kind"), "timeout");
	assert_string_equal(at_str(doc, "results", 1, "verdict"), "timeout");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "run"), "boots")),
			 4);
	assert_string_equal(sum_verdict(doc), "non-conformant");
	results_done(r, doc);
}

static void fault_record(void **state)
{
	/* A fault within check t.f, then one between checks. */
	struct pf_results *r =
		results_of(HELLO, "{\"t\":\"begin\",\"step\":2,\"test\":\"t.f\",\"dev\":\"d0\"}",
			   "{\"t\":\"fault\",\"kind\":\"exception\",\"msg\":\"data abort\","
			   "\"esr\":\"0x96000004\"}",
			   "{\"t\":\"fault\",\"kind\":\"assert\"}", DEVICE_D0, END_OK, NULL);
	json_t *doc = doc_of(r, NULL);

	(void)state;
	assert_int_equal(json_array_size(json_object_get(doc, "findings")), 2);
	assert_string_equal(at_str(doc, "findings", 0, "kind"), "fault");
	assert_string_equal(at_str(doc, "findings", 0, "test"), "t.f");
	assert_non_null(strstr(at_str(doc, "findings", 0, "message"), "data abort"));
	assert_true(json_is_null(json_object_get(at(doc, "findings", 1), "test")));
	assert_string_equal(at_str(doc, "results", 0, "verdict"), "crash");
	assert_string_equal(sum_verdict(doc), "non-conformant");
	results_done(r, doc);
}

static void pairing_diagnostics(void **state)
{
	struct pf_results *r = results_of(
		HELLO, "{\"t\":\"begin\",\"step\":1,\"test\":\"t.a\",\"dev\":\"d0\"}",
		"{\"t\":\"begin\",\"step\":2,\"test\":\"t.b\",\"dev\":\"d0\"}",
		result_json("t.c", "d0", "pass", "must"),
		"{\"t\":\"begin\",\"step\":4,\"test\":\"t.d\",\"dev\":\"d0\"}", END_OK, NULL);
	struct pf_results_state st;
	json_t *doc = doc_of(r, NULL);

	(void)state;
	assert_int_equal(json_array_size(json_object_get(doc, "diagnostics")), 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(at_str(doc, "diagnostics", i, "kind"), "inconsistent");
	assert_non_null(strstr(at_str(doc, "diagnostics", 2, "message"), "end while t.d"));
	pf_results_state(r, &st);
	assert_true(st.ended);
	assert_true(st.end_ok);
	assert_int_equal(st.last_step, 4);
	assert_false(pf_results_open_step(r, NULL));
	results_done(r, doc);
}

static void argument_checks(void **state)
{
	struct pf_results *r = pf_results_new();
	json_t *bad = json_pack("{s:s}", "t", "nope");

	(void)state;
	assert_int_equal(pf_results_add_finding(r, "explosion", "x", NULL, NULL, -1), -1);
	assert_int_equal(pf_results_add_finding(r, "crash", NULL, NULL, NULL, -1), -1);
	assert_int_equal(pf_results_add_record(r, 0, bad), -1);
	assert_int_equal(pf_results_add_record(r, 0, NULL), -1);
	json_decref(bad);
	/* Not from the stream: a device without an id is refused, diagnosed. */
	bad = json_pack("{s:s}", "t", "device");
	assert_int_equal(pf_results_add_record(r, 0, bad), -1);
	{
		struct pf_results_state st;

		pf_results_state(r, &st);
		assert_int_equal(st.devices, 0);
		assert_int_equal(st.diagnostics, 3);
	}
	pf_results_set_run(r, json_string("not an object")); /* stolen, ignored */
	pf_results_set_run(r, NULL);
	json_decref(bad);
	pf_results_free(r);
	pf_results_free(NULL);
}

/* ---- live stream and journal replay give the same document ---------- */

struct pipe {
	struct pf_stream *s;
	struct pf_results *r;
	struct pf_journal *j;
};

static void p_record(void *ctx, uint32_t seq, json_t *rec, const char *raw, size_t len)
{
	struct pipe *p = ctx;
	uint64_t line = 0, off = 0;

	if (p->s)
		pf_stream_position(p->s, &line, &off);
	if (p->j)
		assert_int_equal(pf_journal_record(p->j, seq, raw, len, line, off), 0);
	assert_int_equal(pf_results_add_record(p->r, seq, rec), 0);
}

static void p_diag(void *ctx, const struct pf_diag *d)
{
	struct pipe *p = ctx;

	if (p->j)
		assert_int_equal(pf_journal_diag(p->j, d), 0);
	pf_results_add_diag(p->r, d);
}

static void p_note(void *ctx, json_t *note)
{
	struct pipe *p = ctx;

	/* The runner journals its findings as notes to re-render them. */
	assert_int_equal(pf_results_fail_open_step(p->r, pf_json_string_get(note, "kind", NULL),
						   pf_json_string_get(note, "message", NULL)),
			 1);
}

static char *mkline(uint32_t seq, const char *json)
{
	char head[16];
	int hn = snprintf(head, sizeof(head), "%u ", seq);
	uint32_t crc = pf_crc32_update(pf_crc32_update(0, head, (size_t)hn), json, strlen(json));
	size_t n = PF_PROTO_MARKER_LEN + (size_t)hn + strlen(json) + 12;
	char *l = malloc(n);

	snprintf(l, n, "%s%s%s *%08x\n", PF_PROTO_MARKER, head, json, crc);
	return l;
}

static void live_equals_replay(void **state)
{
	static const struct pf_stream_callbacks cb = { p_record, p_diag, NULL };
	const char *const boot1[] = {
		HELLO,
		DEVICE_A,
		"{\"t\":\"begin\",\"step\":1,\"test\":\"basic.init.sequence\","
		"\"dev\":\"mmio@0a000000\"}",
		"{\"t\":\"result\",\"step\":1,\"test\":\"basic.init.sequence\","
		"\"dev\":\"mmio@0a000000\",\"verdict\":\"pass\"}",
		"{\"t\":\"begin\",\"step\":2,\"test\":\"basic.reset.after-driver-ok\","
		"\"dev\":\"mmio@0a000000\"}",
	};
	const char *const boot2[] = { HELLO, DEVICE_A,
				      "{\"t\":\"log\",\"level\":\"info\","
				      "\"msg\":\"resumed\"}",
				      END_OK };
	struct pipe live = { 0 }, back = { 0 };
	struct pf_replay_stats st;
	json_t *note, *a, *b;
	char path[512];

	(void)state;
	live.r = pf_results_new();
	live.j = pf_journal_open(tmpdir, 0);
	live.s = pf_stream_new(&cb, &live);
	for (uint32_t i = 0; i < 5; i++) {
		char *l = mkline(i == 4 ? 5 : i, boot1[i]); /* record 4 lost: a gap */

		pf_stream_feed(live.s, l, strlen(l));
		free(l);
	}
	pf_stream_finish(live.s); /* hung: no end */
	note = json_pack("{s:s, s:s}", "kind", "wedged", "message", "silent for 10 s");
	assert_int_equal(pf_journal_note(live.j, note), 0);
	assert_int_equal(pf_results_fail_open_step(live.r, "wedged", "silent for 10 s"), 1);
	json_decref(note);
	for (uint32_t i = 0; i < 4; i++) {
		char *l = mkline(i, boot2[i]);

		pf_stream_feed(live.s, l, strlen(l));
		free(l);
	}
	pf_stream_finish(live.s);
	pf_journal_close(live.j);

	back.r = pf_results_new();
	snprintf(path, sizeof(path), "%s/" PF_JOURNAL_FILE, tmpdir);
	assert_int_equal(pf_journal_replay(path, &cb, p_note, &back, &st), 0);
	assert_int_equal(st.records, 9);
	assert_int_equal(st.diags, 2); /* gap, no-end */
	assert_int_equal(st.notes, 1);

	a = doc_of(live.r, NULL);
	b = doc_of(back.r, NULL);
	assert_true(json_equal(a, b));
	assert_string_equal(sum_verdict(a), "non-conformant");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(a, "run"), "boots")),
			 2);
	assert_string_equal(pf_json_string_get(at(a, "diagnostics", 0), "kind", NULL), "gap");
	assert_string_equal(pf_json_string_get(at(a, "diagnostics", 1), "kind", NULL), "no-end");
	assert_string_equal(pf_json_string_get(at(a, "results", 1), "verdict", NULL), "wedged");
	assert_string_equal(pf_json_string_get(at(a, "results", 1), "test", NULL),
			    "basic.reset.after-driver-ok");
	json_decref(a);
	json_decref(b);
	pf_stream_free(live.s);
	pf_results_free(live.r);
	pf_results_free(back.r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_step_and_wedge),
		cmocka_unit_test(hello_during_step_is_crash),
		cmocka_unit_test(restart_between_checks),
		cmocka_unit_test(fault_record),
		cmocka_unit_test(pairing_diagnostics),
		cmocka_unit_test(argument_checks),
		cmocka_unit_test_setup_teardown(live_equals_replay, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

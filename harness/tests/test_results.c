/* SPDX-License-Identifier: MIT */
/*
 * Run model and results.json: dedup, duplicate results, the check in
 * flight, findings, summary verdicts, document shape, and the same document
 * from a live stream and from its journal.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ingest/journal.h"
#include "pf/catalogue.h"
#include "pf/proto.h"
#include "ingest/results.h"
#include "policy/spec.h"
#include "ingest/stream.h"
#include "util/json.h"

/* ---- helpers -------------------------------------------------------- */

static void add(struct pf_results *r, uint32_t seq, const char *json)
{
	json_error_t err;
	json_t *rec = json_loads(json, 0, &err);

	if (!rec)
		fail_msg("test JSON: %s: %s", json, err.text);
	assert_int_equal(pf_results_add_record(r, seq, rec), 0);
	json_decref(rec);
}

#define HELLO                                                                  \
	"{\"t\":\"hello\",\"proto\":2,\"probe\":\"0.1\",\"arch\":\"aarch64\"," \
	"\"image\":\"abc123\",\"options\":{\"seed\":1}}"
#define DEVICE_A                                                             \
	"{\"t\":\"device\",\"dev\":\"mmio@0a000000\",\"type\":\"blk\","      \
	"\"device_id\":2,\"transport\":\"mmio\",\"address\":\"0x0a000000\"," \
	"\"vendor_id\":1363365455,\"version\":2,\"mode\":\"modern\","        \
	"\"features\":\"0x130000064\",\"feature_bits\":[2,5,6,32],"          \
	"\"queues\":[{\"index\":0,\"max_size\":256}]}"
#define DEVICE_B                                                           \
	"{\"t\":\"device\",\"dev\":\"pci@0000:00:02.0\",\"type\":\"net\"," \
	"\"device_id\":1,\"transport\":\"pci\",\"address\":\"0x10000000\"}"
#define DEVICE_D0                                            \
	"{\"t\":\"device\",\"dev\":\"d0\",\"type\":\"blk\"," \
	"\"device_id\":2,\"transport\":\"mmio\",\"address\":\"0x0a000000\"}"
#define END_OK "{\"t\":\"end\",\"counts\":{},\"records\":5,\"status\":\"ok\"}"
#define END_ABORTED "{\"t\":\"end\",\"status\":\"aborted\"}"

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *fmt(const char *f, ...)
{
	static char buf[4][1024];
	static int k;
	va_list ap;

	k = (k + 1) % 4;
	va_start(ap, f);
	vsnprintf(buf[k], sizeof(buf[k]), f, ap);
	va_end(ap);
	return buf[k];
}

static const char *result_json(const char *test, const char *dev, const char *verdict,
			       const char *level)
{
	if (level)
		return fmt("{\"t\":\"result\",\"step\":1,\"test\":\"%s\",\"dev\":\"%s\","
			   "\"verdict\":\"%s\",\"level\":\"%s\"}",
			   test, dev, verdict, level);
	return fmt("{\"t\":\"result\",\"step\":1,\"test\":\"%s\",\"dev\":\"%s\","
		   "\"verdict\":\"%s\"}",
		   test, dev, verdict);
}

static json_t *doc_of(const struct pf_results *r, const struct pf_spec *spec)
{
	json_t *doc = pf_results_to_json(r, spec);

	assert_non_null(doc);
	return doc;
}

static const char *sum_verdict(const json_t *doc)
{
	return json_string_value(json_object_get(json_object_get(doc, "summary"), "verdict"));
}

static json_int_t sum_int(const json_t *doc, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(doc, "summary"), key));
}

static json_t *at(const json_t *doc, const char *list, size_t i)
{
	return json_array_get(json_object_get(doc, list), i);
}

static size_t count_words(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s != ' ' && (s[1] == ' ' || s[1] == '\0');
	return n;
}

#define RESET_LABEL "devicenormative:Basic Facilities of a Virtio Device / Device Reset"

/* ---- a tiny fact base ---------------------------------------------- */

static char tmpdir[256];
static char spec_path[300];

static int setup_dir(void **state)
{
	const char *t = getenv("TMPDIR");
	FILE *f;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/pf-results-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(spec_path, sizeof(spec_path), "%s/spec.yaml", tmpdir);
	f = fopen(spec_path, "w");
	if (!f)
		return -1;
	fputs("- id: basic.reset.status-zero\n"
	      "  section: 2.4.1\n"
	      "  level: must\n"
	      "  label: '" RESET_LABEL "'\n"
	      "  features: []\n",
	      f);
	fclose(f);
	return 0;
}

static int teardown_dir(void **state)
{
	char p[512];

	(void)state;
	unlink(spec_path);
	snprintf(p, sizeof(p), "%s/" PF_JOURNAL_FILE, tmpdir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/" PF_JOURNAL_CONSOLE, tmpdir);
	unlink(p);
	rmdir(tmpdir);
	return 0;
}

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
	char err[512];
	struct pf_spec *spec = pf_spec_load(spec_path, err, sizeof(err));
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
	assert_string_equal(pf_json_string_get(dev, "id", NULL), "mmio@0a000000");
	assert_string_equal(pf_json_string_get(dev, "type", NULL), "blk");
	assert_string_equal(pf_json_string_get(dev, "transport", NULL), "mmio");
	assert_string_equal(pf_json_string_get(dev, "features", NULL), "0x130000064");
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
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(json_object_get(doc, "summary"), "counts"), "pass")),
		2);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(json_object_get(doc, "summary"), "counts"), "crash")),
		0);
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

	json_decref(doc);
	pf_spec_free(spec);
	pf_results_free(r);
}

/* ---- dedup ---------------------------------------------------------- */

static void device_dedup(void **state)
{
	struct pf_results *r = pf_results_new();
	struct pf_results_state st;
	json_t *doc;

	(void)state;
	add(r, 0, HELLO);
	add(r, 1, DEVICE_A);
	add(r, 2, DEVICE_B);
	add(r, 0, HELLO); /* guest restarted: devices announced again */
	add(r, 1, DEVICE_A);
	add(r, 2, DEVICE_B);
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
	assert_string_equal(pf_json_string_get(at(doc, "devices", 0), "features", NULL),
			    "0x130000064");
	assert_string_equal(pf_json_string_get(at(doc, "devices", 1), "id", NULL),
			    "pci@0000:00:02.0");
	assert_int_equal(json_array_size(json_object_get(doc, "diagnostics")), 1);
	assert_string_equal(pf_json_string_get(at(doc, "diagnostics", 0), "kind", NULL),
			    "inconsistent");
	assert_int_equal(json_integer_value(json_object_get(at(doc, "diagnostics", 0), "seq")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "run"), "boots")),
			 2);
	json_decref(doc);
	pf_results_free(r);
}

static void duplicate_result_keeps_first(void **state)
{
	struct pf_results *r = pf_results_new();
	json_t *doc;

	(void)state;
	add(r, 0, HELLO);
	add(r, 1, result_json("t.one", "d0", "pass", "must"));
	add(r, 2, result_json("t.one", "d0", "fail", "must"));
	add(r, 3, result_json("t.one", "d1", "fail", "must")); /* other device: kept */
	add(r, 4, END_OK);
	doc = doc_of(r, NULL);
	assert_int_equal(json_array_size(json_object_get(doc, "results")), 2);
	assert_string_equal(pf_json_string_get(at(doc, "results", 0), "verdict", NULL), "pass");
	assert_string_equal(pf_json_string_get(at(doc, "results", 1), "device", NULL), "d1");
	assert_int_equal(json_array_size(json_object_get(doc, "diagnostics")), 1);
	assert_string_equal(pf_json_string_get(at(doc, "diagnostics", 0), "kind", NULL),
			    "duplicate-result");
	assert_int_equal(json_integer_value(json_object_get(at(doc, "diagnostics", 0), "seq")), 2);
	assert_non_null(strstr(pf_json_string_get(at(doc, "diagnostics", 0), "message", NULL),
			       "kept the first"));
	/* The dropped fail does not count, the d1 fail does. */
	assert_int_equal(sum_int(doc, "must_failed"), 1);
	json_decref(doc);
	pf_results_free(r);
}

/* ---- summary verdicts ----------------------------------------------- */

struct vcase {
	const char *name;
	const char *const recs[6]; /* NULL-terminated */
	const char *finding;	   /* kind, or NULL */
	const char *verdict;
	json_int_t must_failed;
};

static void summary_verdicts(void **state)
{
	const struct vcase cases[] = {
		{ "all pass", { HELLO, DEVICE_D0, "R pass must", END_OK }, NULL, "conformant", 0 },
		{ "warn",
		  { HELLO, DEVICE_D0, "R pass must", "R warn should", END_OK },
		  NULL,
		  "conformant-with-warnings",
		  0 },
		{ "error",
		  { HELLO, DEVICE_D0, "R pass must", "R error must", END_OK },
		  NULL,
		  "conformant-with-warnings",
		  0 },
		{ "fail at should",
		  { HELLO, DEVICE_D0, "R fail should", END_OK },
		  NULL,
		  "conformant-with-warnings",
		  0 },
		{ "waived",
		  { HELLO, DEVICE_D0, "R waived must", END_OK },
		  NULL,
		  "conformant-with-warnings",
		  0 },
		{ "known failure",
		  { HELLO, DEVICE_D0, "R pass must", "R xfail must", END_OK },
		  NULL,
		  "conformant-with-known-failures",
		  0 },
		{ "known failure and warning",
		  { HELLO, DEVICE_D0, "R xfail must", "R warn should", END_OK },
		  NULL,
		  "conformant-with-known-failures",
		  0 },
		{ "must fail",
		  { HELLO, DEVICE_D0, "R fail must", END_OK },
		  NULL,
		  "non-conformant",
		  1 },
		{ "fail, level unknown",
		  { HELLO, DEVICE_D0, "R fail -", END_OK },
		  NULL,
		  "non-conformant",
		  1 },
		{ "must fail beats known failure",
		  { HELLO, DEVICE_D0, "R xfail must", "R fail must", END_OK },
		  NULL,
		  "non-conformant",
		  1 },
		/* nothing tested is never a pass */
		{ "no device", { HELLO, "R pass must", END_OK }, NULL, "incomplete", 0 },
		{ "no device, no result", { HELLO, END_OK }, NULL, "incomplete", 0 },
		{ "skip only", { HELLO, DEVICE_D0, "R skip must", END_OK }, NULL, "incomplete", 0 },
		{ "not applicable only",
		  { HELLO, DEVICE_D0, "R na must", "R skip must", END_OK },
		  NULL,
		  "incomplete",
		  0 },
		{ "error only",
		  { HELLO, DEVICE_D0, "R error must", END_OK },
		  NULL,
		  "incomplete",
		  0 },
		{ "no result", { HELLO, DEVICE_D0, END_OK }, NULL, "incomplete", 0 },
		{ "na does not hide a pass",
		  { HELLO, DEVICE_D0, "R na must", "R pass must", END_OK },
		  NULL,
		  "conformant",
		  0 },
		{ "no end", { HELLO, DEVICE_D0, "R pass must" }, NULL, "incomplete", 0 },
		{ "aborted",
		  { HELLO, DEVICE_D0, "R pass must", END_ABORTED },
		  NULL,
		  "incomplete",
		  0 },
		{ "no hello", { "R pass must", END_OK }, NULL, "incomplete", 0 },
		{ "nothing", { NULL }, "no-start", "incomplete", 0 },
		{ "incomplete beats must fail",
		  { HELLO, DEVICE_D0, "R fail must" },
		  NULL,
		  "incomplete",
		  1 },
		{ "incomplete beats crash",
		  { HELLO, DEVICE_D0, "R pass must" },
		  "crash",
		  "incomplete",
		  0 },
		{ "crash finding",
		  { HELLO, DEVICE_D0, "R pass must", END_OK },
		  "crash",
		  "non-conformant",
		  0 },
		{ "timeout finding",
		  { HELLO, DEVICE_D0, "R pass must", END_OK },
		  "timeout",
		  "non-conformant",
		  0 },
		{ "fault finding",
		  { HELLO, DEVICE_D0, "R pass must", END_OK },
		  "fault",
		  "non-conformant",
		  0 },
		{ "protocol finding only",
		  { HELLO, DEVICE_D0, "R pass must", END_OK },
		  "protocol",
		  "conformant",
		  0 },
	};

	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct pf_results *r = pf_results_new();
		json_t *doc;

		for (uint32_t i = 0; cases[c].recs[i]; i++) {
			const char *s = cases[c].recs[i];

			if (s[0] == 'R') {
				char verdict[16], level[16];

				assert_int_equal(sscanf(s, "R %15s %15s", verdict, level), 2);
				s = result_json(fmt("t.%u", i), "d0", verdict,
						strcmp(level, "-") ? level : NULL);
			}
			add(r, i, s);
		}
		if (cases[c].finding)
			assert_int_equal(
				pf_results_add_finding(r, cases[c].finding, "boom", NULL, NULL, -1),
				0);
		doc = doc_of(r, NULL);
		if (strcmp(sum_verdict(doc), cases[c].verdict))
			fail_msg("case \"%s\": verdict %s, want %s", cases[c].name,
				 sum_verdict(doc), cases[c].verdict);
		assert_int_equal(sum_int(doc, "must_failed"), cases[c].must_failed);
		/* Every verdict but plain conformant says why. */
		assert_int_equal(json_array_size(json_object_get(json_object_get(doc, "summary"),
								 "reasons")) > 0,
				 strcmp(cases[c].verdict, "conformant") != 0);
		json_decref(doc);
		pf_results_free(r);
	}
}

/* A later stage rewrites verdicts (known failures, waivers) and asks again. */
static void summarize_after_rewrite(void **state)
{
	struct pf_results *r = pf_results_new();
	json_t *doc, *sum;

	(void)state;
	add(r, 0, HELLO);
	add(r, 1, DEVICE_D0);
	add(r, 2, result_json("t.a", "d0", "fail", "must"));
	add(r, 3, END_OK);
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
	json_decref(doc);
	pf_results_free(r);
}

/* ---- the check in flight ------------------------------------------- */

static void open_step_and_wedge(void **state)
{
	struct pf_results *r = pf_results_new();
	struct pf_open_step o;
	struct pf_results_state st;
	json_t *doc, *f, *res;

	(void)state;
	add(r, 0, HELLO);
	add(r, 1, DEVICE_A);
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
	assert_string_equal(pf_json_string_get(f, "kind", NULL), "wedged");
	assert_string_equal(pf_json_string_get(f, "message", NULL), "no output for 30 s");
	assert_string_equal(pf_json_string_get(f, "test", NULL), "vq.split.desc-chain");
	assert_string_equal(pf_json_string_get(f, "device", NULL), "mmio@0a000000");
	assert_int_equal(json_integer_value(json_object_get(f, "step")), 7);
	res = at(doc, "results", 0);
	assert_string_equal(pf_json_string_get(res, "verdict", NULL), "wedged");
	assert_string_equal(pf_json_string_get(res, "test", NULL), "vq.split.desc-chain");
	assert_string_equal(pf_json_string_get(res, "message", NULL), "no output for 30 s");
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
	add(r, 0, HELLO);
	add(r, 1, result_json("vq.split.desc-chain", "mmio@0a000000", "pass", "must"));
	doc = doc_of(r, NULL);
	assert_string_equal(pf_json_string_get(at(doc, "results", 0), "verdict", NULL), "wedged");
	assert_string_equal(pf_json_string_get(at(doc, "diagnostics", 0), "kind", NULL),
			    "duplicate-result");
	json_decref(doc);
	pf_results_free(r);
}

static void hello_during_step_is_crash(void **state)
{
	struct pf_results *r = pf_results_new();
	json_t *doc;

	(void)state;
	add(r, 0, HELLO);
	add(r, 1, DEVICE_D0);
	add(r, 2, "{\"t\":\"begin\",\"step\":3,\"test\":\"t.x\",\"dev\":\"d0\"}");
	add(r, 0, HELLO);
	add(r, 1, END_OK);
	doc = doc_of(r, NULL);
	assert_string_equal(pf_json_string_get(at(doc, "findings", 0), "kind", NULL), "crash");
	assert_string_equal(pf_json_string_get(at(doc, "findings", 0), "test", NULL), "t.x");
	assert_int_equal(json_integer_value(json_object_get(at(doc, "findings", 0), "boot")), 1);
	assert_string_equal(pf_json_string_get(at(doc, "results", 0), "verdict", NULL), "crash");
	assert_string_equal(sum_verdict(doc), "non-conformant");
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(json_object_get(doc, "summary"), "counts"), "crash")),
		1);
	json_decref(doc);
	pf_results_free(r);
}

static void restart_between_checks(void **state)
{
	struct pf_results *r = pf_results_new();
	json_t *doc;

	(void)state;
	/* Boot 1 dies between checks on its own: a crash, no check to blame. */
	add(r, 0, HELLO);
	add(r, 1, DEVICE_D0);
	add(r, 2, result_json("t.a", "d0", "pass", "must"));
	add(r, 0, HELLO);
	/* Boot 2 hangs; the runner pins it and restarts: no second finding. */
	add(r, 1, "{\"t\":\"begin\",\"step\":2,\"test\":\"t.b\",\"dev\":\"d0\"}");
	assert_int_equal(pf_results_fail_open_step(r, "timeout", "run timed out"), 1);
	add(r, 0, HELLO);
	add(r, 1, END_OK);
	/* After an end, a new boot is no crash either. */
	add(r, 0, HELLO);
	add(r, 1, END_OK);
	doc = doc_of(r, NULL);
	assert_int_equal(json_array_size(json_object_get(doc, "findings")), 2);
	assert_string_equal(pf_json_string_get(at(doc, "findings", 0), "kind", NULL), "crash");
	assert_non_null(strstr(pf_json_string_get(at(doc, "findings", 0), "message", NULL),
			       "between checks"));
	assert_true(json_is_null(json_object_get(at(doc, "findings", 0), "test")));
	assert_string_equal(pf_json_string_get(at(doc, "findings", 1), "kind", NULL), "timeout");
	assert_string_equal(pf_json_string_get(at(doc, "results", 1), "verdict", NULL), "timeout");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "run"), "boots")),
			 4);
	assert_string_equal(sum_verdict(doc), "non-conformant");
	json_decref(doc);
	pf_results_free(r);
}

static void fault_record(void **state)
{
	struct pf_results *r = pf_results_new();
	json_t *doc;

	(void)state;
	add(r, 0, HELLO);
	add(r, 1, "{\"t\":\"begin\",\"step\":2,\"test\":\"t.f\",\"dev\":\"d0\"}");
	add(r, 2,
	    "{\"t\":\"fault\",\"kind\":\"exception\",\"msg\":\"data abort\","
	    "\"esr\":\"0x96000004\"}");
	add(r, 3, "{\"t\":\"fault\",\"kind\":\"assert\"}"); /* between checks */
	add(r, 4, DEVICE_D0);
	add(r, 5, END_OK);
	doc = doc_of(r, NULL);
	assert_int_equal(json_array_size(json_object_get(doc, "findings")), 2);
	assert_string_equal(pf_json_string_get(at(doc, "findings", 0), "kind", NULL), "fault");
	assert_string_equal(pf_json_string_get(at(doc, "findings", 0), "test", NULL), "t.f");
	assert_non_null(
		strstr(pf_json_string_get(at(doc, "findings", 0), "message", NULL), "data abort"));
	assert_true(json_is_null(json_object_get(at(doc, "findings", 1), "test")));
	assert_string_equal(pf_json_string_get(at(doc, "results", 0), "verdict", NULL), "crash");
	assert_string_equal(sum_verdict(doc), "non-conformant");
	json_decref(doc);
	pf_results_free(r);
}

static void pairing_diagnostics(void **state)
{
	struct pf_results *r = pf_results_new();
	struct pf_results_state st;
	json_t *doc;

	(void)state;
	add(r, 0, HELLO);
	add(r, 1, "{\"t\":\"begin\",\"step\":1,\"test\":\"t.a\",\"dev\":\"d0\"}");
	add(r, 2, "{\"t\":\"begin\",\"step\":2,\"test\":\"t.b\",\"dev\":\"d0\"}");
	add(r, 3, result_json("t.c", "d0", "pass", "must"));
	add(r, 4, "{\"t\":\"begin\",\"step\":4,\"test\":\"t.d\",\"dev\":\"d0\"}");
	add(r, 5, END_OK);
	doc = doc_of(r, NULL);
	assert_int_equal(json_array_size(json_object_get(doc, "diagnostics")), 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(pf_json_string_get(at(doc, "diagnostics", i), "kind", NULL),
				    "inconsistent");
	assert_non_null(strstr(pf_json_string_get(at(doc, "diagnostics", 2), "message", NULL),
			       "end while t.d"));
	pf_results_state(r, &st);
	assert_true(st.ended);
	assert_true(st.end_ok);
	assert_int_equal(st.last_step, 4);
	assert_false(pf_results_open_step(r, NULL));
	json_decref(doc);
	pf_results_free(r);
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
		cmocka_unit_test_setup_teardown(json_shape, setup_dir, teardown_dir),
		cmocka_unit_test(device_dedup),
		cmocka_unit_test(duplicate_result_keeps_first),
		cmocka_unit_test(summary_verdicts),
		cmocka_unit_test(summarize_after_rewrite),
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

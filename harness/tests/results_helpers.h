/* SPDX-License-Identifier: MIT */
/*
 * What the run model's tests share: feeding records, record texts, reading
 * the document back, and a tiny spec fact base in a temporary directory.
 */
#ifndef PF_TEST_RESULTS_HELPERS_H
#define PF_TEST_RESULTS_HELPERS_H

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

#include "journal_dir.h"
#include "json_helpers.h"

/* ---- helpers -------------------------------------------------------- */

static inline void add(struct pf_results *r, uint32_t seq, const char *json)
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

/* Adds the NULL-terminated records in order, numbered from seq; a hello
 * numbers again from 0, as a rebooted guest does. Returns r. */
static inline struct pf_results *feed(struct pf_results *r, uint32_t seq, ...)
	__attribute__((sentinel));

static inline struct pf_results *feed(struct pf_results *r, uint32_t seq, ...)
{
	const char *rec;
	va_list ap;

	va_start(ap, seq);
	while ((rec = va_arg(ap, const char *))) {
		if (!strcmp(rec, HELLO))
			seq = 0;
		add(r, seq++, rec);
	}
	va_end(ap);
	return r;
}

/* A new run model fed the NULL-terminated records. */
#define results_of(...) feed(pf_results_new(), 0, __VA_ARGS__)

/* Frees what a test built from a run model. */
static inline void results_done(struct pf_results *r, json_t *doc)
{
	json_decref(doc);
	pf_results_free(r);
}

static inline char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static inline char *fmt(const char *f, ...)
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

static inline const char *result_json(const char *test, const char *dev, const char *verdict,
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

static inline json_t *doc_of(const struct pf_results *r, const struct pf_spec *spec)
{
	json_t *doc = pf_results_to_json(r, spec);

	assert_non_null(doc);
	return doc;
}

static inline json_t *at(const json_t *doc, const char *list, size_t i)
{
	return json_array_get(json_object_get(doc, list), i);
}

/* The string member key of the i-th element of doc's list. */
static inline const char *at_str(const json_t *doc, const char *list, size_t i, const char *key)
{
	return pf_json_string_get(at(doc, list, i), key, NULL);
}

/* doc has exactly one diagnostic, of that kind, at that seq. */
static inline void assert_one_diagnostic(const json_t *doc, const char *kind, json_int_t seq)
{
	assert_int_equal(json_array_size(json_object_get(doc, "diagnostics")), 1);
	assert_string_equal(at_str(doc, "diagnostics", 0, "kind"), kind);
	assert_int_equal(json_integer_value(json_object_get(at(doc, "diagnostics", 0), "seq")),
			 seq);
}

static inline size_t count_words(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s != ' ' && (s[1] == ' ' || s[1] == '\0');
	return n;
}

#define RESET_LABEL "devicenormative:Basic Facilities of a Virtio Device / Device Reset"

/* ---- a tiny fact base ---------------------------------------------- */

static char tmpdir[256] __attribute__((unused));
static char spec_path[300] __attribute__((unused));

static inline int setup_dir(void **state)
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

static inline int teardown_dir(void **state)
{
	(void)state;
	unlink(spec_path);
	journal_dir_remove(tmpdir);
	return 0;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Reading results documents in tests: string members checked a list at a
 * time, and the summary's verdict, figures and per-verdict counts. Include
 * after <cmocka.h>.
 */
#ifndef PF_TEST_JSON_HELPERS_H
#define PF_TEST_JSON_HELPERS_H

#include <stdarg.h>
#include <string.h>

#include <jansson.h>

#include "util/json.h"

/* Asserts obj's string members: NULL-terminated pairs of key and value. */
static inline void assert_members(const json_t *obj, const char *key, ...)
	__attribute__((sentinel));

static inline void assert_members(const json_t *obj, const char *key, ...)
{
	va_list ap;

	va_start(ap, key);
	for (; key; key = va_arg(ap, const char *)) {
		const char *want = va_arg(ap, const char *);
		const char *got = pf_json_string_get(obj, key, NULL);

		if (!got || strcmp(got, want))
			fail_msg("member \"%s\": got \"%s\", want \"%s\"", key,
				 got ? got : "(none)", want);
	}
	va_end(ap);
}

static inline const char *sum_verdict(const json_t *doc)
{
	return pf_json_string_get(json_object_get(doc, "summary"), "verdict", NULL);
}

static inline json_int_t sum_int(const json_t *doc, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(doc, "summary"), key));
}

/* summary.counts.VERDICT: how many results have that verdict. */
static inline json_int_t sum_count(const json_t *doc, const char *verdict)
{
	return json_integer_value(json_object_get(
		json_object_get(json_object_get(doc, "summary"), "counts"), verdict));
}

#endif

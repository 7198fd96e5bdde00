/* SPDX-License-Identifier: MIT */
/* Small accessors over jansson values that many readers of results,
 * records and profiles share. */
#ifndef PF_UTIL_JSON_H
#define PF_UTIL_JSON_H

#include <jansson.h>

/* The string member KEY of OBJ, or FALLBACK (may be NULL) when OBJ is not an
 * object, KEY is missing or its value is not a string. The result is
 * borrowed: it lives as long as OBJ (or is FALLBACK). */
const char *pf_json_string_get(const json_t *obj, const char *key, const char *fallback);

#endif

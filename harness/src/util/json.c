/* SPDX-License-Identifier: MIT */
#include "util/json.h"

const char *pf_json_string_get(const json_t *obj, const char *key, const char *fallback)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : fallback;
}

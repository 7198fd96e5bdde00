/* SPDX-License-Identifier: MIT */
/* util/json: the string getter and its fallback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "util/json.h"

static void test_string_get(void **state)
{
	(void)state;
	json_t *o = json_pack("{s:s, s:i, s:n}", "id", "virtio-blk", "n", 3, "z");
	assert_string_equal(pf_json_string_get(o, "id", "dflt"), "virtio-blk");
	/* wrong type, null, missing: the fallback */
	assert_string_equal(pf_json_string_get(o, "n", "dflt"), "dflt");
	assert_string_equal(pf_json_string_get(o, "z", "dflt"), "dflt");
	assert_string_equal(pf_json_string_get(o, "missing", ""), "");
	assert_null(pf_json_string_get(o, "missing", NULL));
	/* not an object, or no object at all */
	json_t *s = json_string("x");
	assert_string_equal(pf_json_string_get(s, "id", "f"), "f");
	assert_string_equal(pf_json_string_get(NULL, "id", "f"), "f");
	json_decref(s);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_string_get),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

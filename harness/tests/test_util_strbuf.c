/* SPDX-License-Identifier: MIT */
/* util/strbuf: appending, formatting, taking ownership. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/strbuf.h"

static void test_append_and_grow(void **state)
{
	(void)state;
	struct pf_strbuf b;
	pf_strbuf_init(&b);
	assert_string_equal(pf_strbuf_str(&b), "");
	assert_int_equal(pf_strbuf_puts(&b, "ab"), 0);
	assert_int_equal(pf_strbuf_puts(&b, NULL), 0);
	assert_int_equal(pf_strbuf_add(&b, "cdef", 2), 0);
	assert_int_equal(pf_strbuf_printf(&b, "-%d-%s", 42, "x"), 0);
	assert_string_equal(pf_strbuf_str(&b), "abcd-42-x");
	assert_int_equal(b.len, 9);
	/* grows well past the first allocation, keeping every byte */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(pf_strbuf_printf(&b, "%03d", i), 0);
	assert_int_equal(b.len, 9 + 3000);
	assert_memory_equal(b.p + 9 + 3 * 999, "999", 4);
	pf_strbuf_free(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
}

static void test_take(void **state)
{
	(void)state;
	struct pf_strbuf b;
	pf_strbuf_init(&b);
	char *empty = pf_strbuf_take(&b);
	assert_non_null(empty);
	assert_string_equal(empty, "");
	free(empty);
	pf_strbuf_puts(&b, "owned");
	char *s = pf_strbuf_take(&b);
	assert_string_equal(s, "owned");
	assert_null(b.p); /* b no longer owns it */
	assert_string_equal(pf_strbuf_str(&b), "");
	free(s);
}

static void test_out_of_memory_is_sticky(void **state)
{
	(void)state;
	struct pf_strbuf b;
	pf_strbuf_init(&b);
	pf_strbuf_puts(&b, "x");
	/* a length that cannot be allocated */
	assert_int_equal(pf_strbuf_add(&b, "y", SIZE_MAX - 1), -1);
	assert_true(b.oom);
	assert_int_equal(pf_strbuf_puts(&b, "z"), -1);
	assert_int_equal(pf_strbuf_printf(&b, "%d", 1), -1);
	assert_string_equal(pf_strbuf_str(&b), "");
	assert_null(pf_strbuf_take(&b));
	assert_false(b.oom); /* take resets it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_grow),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_out_of_memory_is_sticky),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

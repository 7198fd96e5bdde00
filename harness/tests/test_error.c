/* SPDX-License-Identifier: MIT */
/* The runner's one error model (util/error.h): filling, errno, formatting. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/error.h"

static void test_fill_and_format(void **state)
{
	(void)state;
	struct pf_error e;
	char buf[256];
	assert_int_equal(pf_error_fill(&e, "t.yaml", 3, 7, "gic", "must be %d or %d", 2, 3), -1);
	assert_string_equal(pf_error_format(&e, buf, sizeof(buf)),
			    "t.yaml:3:7: field 'gic': must be 2 or 3");
	pf_error_fill(&e, NULL, 0, 0, NULL, "plain");
	assert_string_equal(pf_error_format(&e, buf, sizeof(buf)), "plain");
	pf_error_clear(&e);
	assert_string_equal(pf_error_format(&e, buf, sizeof(buf)), "unknown error");
}

static void test_errno_kept(void **state)
{
	(void)state;
	struct pf_error e;
	char buf[256];
	errno = ENOENT;
	assert_int_equal(pf_error_errno(&e, "out/x.json", "cannot open for %s", "writing"), -1);
	assert_int_equal(e.sys_errno, ENOENT);
	char want[256];
	snprintf(want, sizeof(want), "out/x.json: cannot open for writing: %s", strerror(ENOENT));
	assert_string_equal(pf_error_format(&e, buf, sizeof(buf)), want);
	/* a NULL error is allowed and still says "failed" */
	assert_int_equal(pf_error_errno(NULL, NULL, "x"), -1);
}

static void test_truncation(void **state)
{
	(void)state;
	struct pf_error e;
	char longname[2 * PF_ERROR_FILE_MAX];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	pf_error_fill(&e, longname, 1, 0, NULL, "m");
	assert_int_equal(strlen(e.file), PF_ERROR_FILE_MAX - 1);
	char small[8];
	pf_error_format(&e, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill_and_format),
		cmocka_unit_test(test_errno_kept),
		cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

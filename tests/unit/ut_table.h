/* SPDX-License-Identifier: MIT */
/*
 * Table-driven check tests: one cmocka test per case (named by the case,
 * the case as its state), followed by a few fixed tests such as the
 * "every check can fail" meta-test. Include after <cmocka.h>.
 */
#ifndef PF_UT_TABLE_H
#define PF_UT_TABLE_H

#include <stddef.h>

/*
 * cases: n structs of `stride` bytes whose first member is `const char *name`.
 * extra: nextra tests run after them. Returns cmocka's result.
 */
static inline int ut_run_case_table(const char *group, const void *cases, size_t n, size_t stride,
				    CMUnitTestFunction fn, CMFixtureFunction setup,
				    CMFixtureFunction teardown, const struct CMUnitTest *extra,
				    size_t nextra)
{
	struct CMUnitTest tests[n + nextra];

	for (size_t i = 0; i < n; i++) {
		const void *c = (const char *)cases + i * stride;

		tests[i] = (struct CMUnitTest){
			.name = *(const char *const *)c,
			.test_func = fn,
			.setup_func = setup,
			.teardown_func = teardown,
			.initial_state = (void *)c,
		};
	}
	for (size_t i = 0; i < nextra; i++)
		tests[n + i] = extra[i];
	return _cmocka_run_group_tests(group, tests, n + nextra, NULL, NULL);
}

#define UT_RUN_CASE_TABLE(group, cases, fn, setup, teardown, extra)                              \
	ut_run_case_table(group, cases, sizeof(cases) / sizeof(cases[0]), sizeof(cases[0]), fn,   \
			  setup, teardown, extra, sizeof(extra) / sizeof(extra[0]))

#endif

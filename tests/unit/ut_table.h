/* SPDX-License-Identifier: MIT */
/*
 * Table-driven check tests: one cmocka test per case (named by the case,
 * the case as its state), followed by a few fixed tests such as the
 * "every check can fail" meta-test. Include after <cmocka.h>.
 */
#ifndef PF_UT_TABLE_H
#define PF_UT_TABLE_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

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

/*
 * For a case expected to fail or warn: the result's failure fingerprint
 * (docs/protocol.md) matches the case's `sub` glob, so the case fails for
 * the reason it is about. Every such case names one; UT_FP_TRACE=1 in the
 * environment prints each case's fingerprint (to fill in new rows).
 */
#define UT_CHECK_SUB(c)                                                                            \
	do {                                                                                       \
		if ((c)->expect == PF_VERDICT_FAIL || (c)->expect == PF_VERDICT_WARN) {           \
			if (getenv("UT_FP_TRACE"))                                                 \
				fprintf(stderr, "FPROW\t%s\t%s\n", (c)->name, ut_result_sub());    \
			if (!(c)->sub)                                                             \
				fail_msg("%s: the case names no failure fingerprint (sub)",       \
					 (c)->name);                                               \
			assert_true(ut_result_sub_is((c)->name, (c)->sub));                       \
		}                                                                                  \
	} while (0)

#define UT_RUN_CASE_TABLE(group, cases, fn, setup, teardown, extra)                              \
	ut_run_case_table(group, cases, sizeof(cases) / sizeof(cases[0]), sizeof(cases[0]), fn,   \
			  setup, teardown, extra, sizeof(extra) / sizeof(extra[0]))

#endif

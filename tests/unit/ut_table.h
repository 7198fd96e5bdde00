/* SPDX-License-Identifier: MIT */
/*
 * Table-driven check tests. Each test_checks_*.c holds a table of cases
 * (one per row: the check, the device and its fault, the verdict expected
 * and the failure fingerprint) and exports it as a struct ut_check_table;
 * test_checks_catalogue.c runs every table, one cmocka test per row, then
 * the catalogue meta-test (ut_meta.h) over what the rows really gave.
 * Include after <cmocka.h>.
 */
#ifndef PF_UT_TABLE_H
#define PF_UT_TABLE_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "ut_meta.h"

struct ut_check_table {
	struct ut_rows rows;
	CMUnitTestFunction test; /* runs one row: its state is the row */
	CMFixtureFunction setup, teardown;
	const struct CMUnitTest *extra; /* run after the rows */
	size_t nextra;
};

/*
 * Defines `const struct ut_check_table sym` over cases_[] (of struct type
 * `type_`, whose members name, check, expect and sub the meta-test reads),
 * with nextra_ extra tests at extra_.
 */
#define UT_CHECK_TABLE_N(sym, group_, cases_, type_, fn_, setup_, teardown_, extra_, nextra_)    \
	static struct ut_obs sym##_obs[sizeof(cases_) / sizeof(cases_[0])];                      \
	const struct ut_check_table sym = {                                                      \
		.rows = { group_, cases_, sizeof(cases_) / sizeof(cases_[0]), sizeof(type_),     \
			  offsetof(type_, check), offsetof(type_, expect), offsetof(type_, sub), \
			  sym##_obs },                                                           \
		.test = fn_,                                                                     \
		.setup = setup_,                                                                 \
		.teardown = teardown_,                                                           \
		.extra = extra_,                                                                 \
		.nextra = nextra_,                                                               \
	}
#define UT_CHECK_TABLE(sym, group_, cases_, type_, fn_, setup_, teardown_, extra_)   \
	UT_CHECK_TABLE_N(sym, group_, cases_, type_, fn_, setup_, teardown_, extra_, \
			 sizeof(extra_) / sizeof(extra_[0]))

/* The tables (test_checks_*.c); a new table file adds itself here and to
 * test_checks_catalogue.c's list. */
extern const struct ut_check_table ut_checks_core;
extern const struct ut_check_table ut_checks_pci;
extern const struct ut_check_table ut_checks_ring;
extern const struct ut_check_table ut_checks_irq;
extern const struct ut_check_table ut_checks_rng;
extern const struct ut_check_table ut_checks_console;
extern const struct ut_check_table ut_checks_input;
extern const struct ut_check_table ut_checks_balloon;
extern const struct ut_check_table ut_checks_scsi;
extern const struct ut_check_table ut_checks_gpu;
extern const struct ut_check_table ut_checks_blk;
extern const struct ut_check_table ut_checks_iommu;
extern const struct ut_check_table ut_checks_i2c;
extern const struct ut_check_table ut_checks_gpio;
extern const struct ut_check_table ut_checks_crypto;
extern const struct ut_check_table ut_checks_mem;
extern const struct ut_check_table ut_checks_net;
extern const struct ut_check_table ut_checks_can;
extern const struct ut_check_table ut_checks_spi;
extern const struct ut_check_table ut_checks_rpmb;
extern const struct ut_check_table ut_checks_scmi;
extern const struct ut_check_table ut_checks_media;
extern const struct ut_check_table ut_checks_rtc;
extern const struct ut_check_table ut_checks_sound;
extern const struct ut_check_table ut_checks_blk_zoned;
extern const struct ut_check_table ut_checks_vsock;
extern const struct ut_check_table ut_checks_fs;
extern const struct ut_check_table ut_checks_9p;

/* Runs a table's rows then its extra tests as one cmocka group. */
static inline int ut_run_check_table(const struct ut_check_table *t)
{
	size_t n = t->rows.n, nextra = t->nextra;
	struct CMUnitTest *tests = calloc(n + nextra, sizeof(*tests));
	int rc;

	if (!tests)
		return 1;
	for (size_t i = 0; i < n; i++) {
		const void *c = (const char *)t->rows.rows + i * t->rows.stride;

		tests[i] = (struct CMUnitTest){
			.name = *(const char *const *)c,
			.test_func = t->test,
			.setup_func = t->setup,
			.teardown_func = t->teardown,
			.initial_state = (void *)c,
		};
	}
	for (size_t i = 0; i < nextra; i++)
		tests[n + i] = t->extra[i];
	rc = _cmocka_run_group_tests(t->rows.group, tests, n + nextra, NULL, NULL);
	free(tests);
	return rc;
}

/*
 * After running row c of table t, which gave verdict v: records what it
 * gave (for the meta-test), then asserts it is what the row expects and,
 * for a failure or warning, that the result's failure fingerprint
 * (docs/protocol.md) matches the row's `sub` glob, so the row fails for
 * the reason it is about. UT_FP_TRACE=1 in the environment prints each
 * row's fingerprint (to fill in new rows).
 */
#define UT_CHECK_ROW(t, c, v)                                                                   \
	do {                                                                                    \
		ut_observe(&(t)->rows, (c), (v), ut_result_sub());                              \
		if ((v) != (c)->expect)                                                         \
			print_error("%s: %s gave %s, expected %s\n%s\n", (c)->name,             \
				    pf_catalogue[(c)->check].id, pf_verdict_name(v),            \
				    pf_verdict_name((c)->expect), host_console());              \
		assert_int_equal((v), (c)->expect);                                             \
		if ((c)->expect == PF_VERDICT_FAIL || (c)->expect == PF_VERDICT_WARN) {         \
			if (getenv("UT_FP_TRACE"))                                              \
				fprintf(stderr, "FPROW\t%s\t%s\n", (c)->name, ut_result_sub()); \
			if (!(c)->sub)                                                          \
				fail_msg("%s: the case names no failure fingerprint (sub)",     \
					 (c)->name);                                            \
			assert_true(ut_result_sub_is((c)->name, (c)->sub));                     \
		}                                                                               \
	} while (0)

#endif

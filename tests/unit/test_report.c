/* SPDX-License-Identifier: MIT */
/*
 * The report API: failure fingerprints (case-id/sub-id), their list in the
 * result, verdict na apart from skip, and taking reports back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "host_platform.h"
#include "pf/catalogue.h"
#include "report.h"
#include "suite.h"
#include "unit_helpers.h"

static struct pf_options opt;

/* A test of a MUST-level check, as pf_run_check() sets one up. */
static void new_test(struct pf_test *t, enum pf_check_id id)
{
	memset(t, 0, sizeof(*t));
	memset(&opt, 0, sizeof(opt));
	t->check = id;
	t->info = &pf_catalogue[id];
	t->opt = &opt;
}

static void test_fingerprints(void **state)
{
	struct pf_test t;

	(void)state;
	new_test(&t, PF_CHK_SPLIT_INDIRECT);
	assert_int_equal(t.info->level, PF_LEVEL_MUST);
	assert_true(report(&t, true, "blk-status", "not shown"));
	assert_int_equal(t.nsubs, 0);
	report_case(&t, "whole-indirect", "whole chain in an indirect table");
	assert_false(report_should(&t, false, "used-len", "used len %u", 9u));
	assert_false(report(&t, false, "blk-status", "blk status byte reads %u", 165u));
	assert_false(report(&t, false, "blk-status", "again"));
	report_case(&t, NULL, NULL);
	assert_false(report(&t, false, "reset", "reset did not complete"));
	assert_int_equal(pf_test_verdict(&t), PF_VERDICT_FAIL);
	/* the failure's message (not the earlier warning's) and its fingerprint */
	assert_string_equal(t.msg, "whole chain in an indirect table: blk status byte reads 165");
	assert_string_equal(t.sub, "whole-indirect/blk-status");
	/* every distinct fingerprint, in order, warnings included */
	assert_int_equal(t.nsubs, 3);
	assert_string_equal(t.subs[0], "whole-indirect/used-len");
	assert_string_equal(t.subs[1], "whole-indirect/blk-status");
	assert_string_equal(t.subs[2], "reset");
	assert_false(t.subs_more);
}

/* Every fingerprint the checks can produce fits and is well-formed: a
 * long one is cut, never to a trailing '/'. */
static void test_fingerprint_cut(void **state)
{
	static const char case_id[] = "a-case-id-of-exactly-forty-six-characters-long";
	struct pf_test t;

	(void)state;
	assert_int_equal(sizeof(case_id) - 1, PF_FP_LEN - 2);
	new_test(&t, PF_CHK_SPLIT_INDIRECT);
	report_case(&t, case_id, "long");
	report(&t, false, "sub", "x");
	assert_string_equal(t.sub, case_id);
	assert_true(strlen(t.sub) < PF_FP_LEN);
	/* outside the alphabet: lowercased or '-' */
	report_case(&t, NULL, NULL);
	report(&t, false, "Used Len_2", "x");
	assert_string_equal(t.subs[1], "used-len-2");
}

static void test_subs_capped(void **state)
{
	struct pf_test t;
	char id[16];

	(void)state;
	new_test(&t, PF_CHK_SPLIT_INDIRECT);
	for (int i = 0; i < PF_SUBS_MAX + 3; i++) {
		snprintf(id, sizeof(id), "a%d", i);
		report(&t, false, id, "failure %d", i);
	}
	assert_int_equal(t.nsubs, PF_SUBS_MAX);
	assert_true(t.subs_more);
	assert_string_equal(t.sub, "a0");
}

static void test_na_and_skip(void **state)
{
	struct pf_test t;

	(void)state;
	new_test(&t, PF_CHK_SPLIT_INDIRECT);
	report_na(&t, "VIRTIO_F_INDIRECT_DESC not offered");
	assert_int_equal(pf_test_verdict(&t), PF_VERDICT_NA);
	assert_string_equal(pf_verdict_name(PF_VERDICT_NA), "na");
	new_test(&t, PF_CHK_SPLIT_INDIRECT);
	report_skip(&t, "no workload");
	assert_int_equal(pf_test_verdict(&t), PF_VERDICT_SKIP);
	/* a failure outweighs both */
	report_na(&t, "x");
	report(&t, false, "blk-status", "y");
	assert_int_equal(pf_test_verdict(&t), PF_VERDICT_FAIL);
	assert_string_equal(t.msg, "y");
	/* a warning's message replaces a skip's */
	new_test(&t, PF_CHK_SPLIT_INDIRECT);
	report_skip(&t, "not tested: x");
	report_should(&t, false, "used-len", "used len 9");
	assert_int_equal(pf_test_verdict(&t), PF_VERDICT_WARN);
	assert_string_equal(t.msg, "used len 9");
	assert_string_equal(t.sub, "used-len");
}

static void test_rollback(void **state)
{
	struct pf_report_mark m;
	struct pf_test t;

	(void)state;
	new_test(&t, PF_CHK_SPLIT_INDIRECT);
	report_should(&t, false, "kept", "kept warning");
	report_mark(&t, &m);
	report(&t, false, "dropped", "dropped failure");
	report_error(&t, "dropped error");
	report_rollback(&t, &m);
	assert_int_equal(pf_test_verdict(&t), PF_VERDICT_WARN);
	assert_string_equal(t.msg, "kept warning");
	assert_string_equal(t.sub, "kept");
	assert_int_equal(t.nsubs, 1);
}

/* The result record carries sub and subs; the end record counts na. */
static void test_records(void **state)
{
	struct ut_dev *u = test_malloc(sizeof(*u));
	struct pf_suite_counts counts = { { 0 } };
	struct virtio_dev *devs[1];

	(void)state;
	assert_int_equal(ut_mmio_open(u, SIM_MMIO_V2, 4, VIRTIO_BIT(VIRTIO_F_VERSION_1), 2, 256),
			 0);
	/* rng without INDIRECT_DESC: split.indirect does not apply */
	assert_int_equal(ut_run_check(PF_CHK_SPLIT_INDIRECT, &u->dev), PF_VERDICT_NA);
	assert_non_null(strstr(host_console(), "\"verdict\":\"na\""));
	assert_null(strstr(host_console(), "\"subs\""));
	/* a device that keeps its status over a reset fails with a fingerprint */
	host_console_clear();
	u->sim.faults = SIM_F_RESET_KEEPS_STATUS;
	ut_auto_progress(u);
	assert_int_equal(ut_run_check(PF_CHK_RESET_AFTER_INIT, &u->dev), PF_VERDICT_FAIL);
	assert_non_null(strstr(host_console(),
			       "\"sub\":\"status-not-zero\",\"subs\":[\"status-not-zero\""));
	/* the end record's counts have na */
	host_console_clear();
	u->sim.faults = 0;
	devs[0] = &u->dev;
	memset(&opt, 0, sizeof(opt));
	snprintf(opt.filter, sizeof(opt.filter), "split.indirect");
	pf_suite_run(devs, 1, &opt, &counts);
	assert_int_equal(counts.verdicts[PF_VERDICT_NA], 1);
	test_free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprints), cmocka_unit_test(test_fingerprint_cut),
		cmocka_unit_test(test_subs_capped),  cmocka_unit_test(test_na_and_skip),
		cmocka_unit_test(test_rollback),     cmocka_unit_test_setup(test_records, ut_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

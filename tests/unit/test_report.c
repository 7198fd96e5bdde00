/* SPDX-License-Identifier: MIT */
/*
 * The report API: failure fingerprints (case-id/sub-id), their list in the
 * result, verdict na apart from skip, taking reports back, and the checks
 * touching the verdict state only through the API.
 */
#include <dirent.h>
#include <regex.h>
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

/* What the checks read back: failed, errored, stopped, the message. */
static void test_readers(void **state)
{
	struct pf_test t;

	(void)state;
	new_test(&t, PF_CHK_SPLIT_INDIRECT);
	assert_false(report_failed(&t));
	assert_false(report_stopped(&t));
	assert_string_equal(report_message(&t), "");
	report_should(&t, false, "soft", "only a warning");
	assert_false(report_failed(&t));
	assert_false(report_stopped(&t));
	assert_string_equal(report_message(&t), "only a warning");
	report(&t, false, "hard", "a failure");
	assert_true(report_failed(&t));
	assert_true(report_stopped(&t));
	assert_false(report_errored(&t));
	assert_string_equal(report_message(&t), "a failure");
	new_test(&t, PF_CHK_SPLIT_INDIRECT);
	report_skip(&t, "not tested");
	assert_true(report_stopped(&t));
	assert_false(report_failed(&t));
	report_error(&t, "no memory");
	assert_true(report_errored(&t));
	assert_string_equal(report_message(&t), "no memory");
}

/* A direct access to struct pf_test's verdict state (report.h). */
#define RECORD_FIELD_ACCESS                                                                   \
	"(->|\\.)[[:space:]]*(failed|warned|skipped|na|errored|msg|sub|subs|nsubs|subs_more|" \
	"case_id|stage)([^A-Za-z0-9_]|$)"

/* Lines of path that touch the verdict state directly (printed). */
static int direct_accesses(const regex_t *re, const char *path)
{
	char line[512];
	int n = 0, no = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		no++;
		if (regexec(re, line, 0, NULL, 0) == 0) {
			print_error("%s:%d: writes or reads the test record directly: %s", path, no,
				    line);
			n++;
		}
	}
	fclose(f);
	return n;
}

/* Checks report only through report*() and read back only through its
 * readers: no file in probes/checks names a verdict field. */
static void test_checks_use_report_api(void **state)
{
	regex_t re;
	DIR *dir;
	struct dirent *e;
	int files = 0, hits = 0;

	(void)state;
	assert_int_equal(regcomp(&re, RECORD_FIELD_ACCESS, REG_EXTENDED | REG_NOSUB), 0);
	/* the pattern catches what it is for, and not the API */
	assert_int_equal(regexec(&re, "\tif (!t->failed)\n", 0, NULL, 0), 0);
	assert_int_equal(regexec(&re, "memcpy(why, t->msg, n);", 0, NULL, 0), 0);
	assert_int_equal(regexec(&re, "t->warned++;", 0, NULL, 0), 0);
	assert_int_equal(regexec(&re, "mark.na = true;", 0, NULL, 0), 0);
	assert_int_not_equal(regexec(&re, "if (!report_failed(t))", 0, NULL, 0), 0);
	assert_int_not_equal(regexec(&re, "t->dev->name_len", 0, NULL, 0), 0);
	dir = opendir("probes/checks");
	assert_non_null(dir);
	while ((e = readdir(dir))) {
		char path[512];
		size_t len = strlen(e->d_name);

		if (len < 3 || e->d_name[len - 2] != '.' ||
		    (e->d_name[len - 1] != 'c' && e->d_name[len - 1] != 'h'))
			continue;
		snprintf(path, sizeof(path), "probes/checks/%s", e->d_name);
		hits += direct_accesses(&re, path);
		files++;
	}
	closedir(dir);
	regfree(&re);
	assert_true(files > 10);
	assert_int_equal(hits, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprints), cmocka_unit_test(test_fingerprint_cut),
		cmocka_unit_test(test_subs_capped),  cmocka_unit_test(test_na_and_skip),
		cmocka_unit_test(test_rollback),     cmocka_unit_test_setup(test_records, ut_setup),
		cmocka_unit_test(test_readers),	     cmocka_unit_test(test_checks_use_report_api),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

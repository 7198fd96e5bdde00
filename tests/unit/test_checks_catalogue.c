/* SPDX-License-Identifier: MIT */
/*
 * Every check of the catalogue (common/include/pf/catalogue.def), proven
 * on the simulated device by the tables of test_checks_core.c,
 * test_checks_pci.c, test_checks_ring.c and test_checks_irq.c: this runs
 * each table (one test per row), then holds the whole catalogue to what the
 * rows gave. Each entry needs a row where it passed and a row where it
 * failed for its own reason: a MUST check with verdict fail, a SHOULD or
 * MAY check with warn, either with the fingerprint glob the row asserts.
 * The meta-test is itself tested on a made-up catalogue and table.
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
#include "unit_helpers.h"
#include "ut_meta.h"
#include "ut_table.h"

static const struct ut_check_table *const tables[] = {
	/* one table per line, so that a new suite adds a line */
	/* clang-format off */
	&ut_checks_core,
	&ut_checks_pci,
	&ut_checks_ring,
	&ut_checks_irq,
	&ut_checks_rng,
	&ut_checks_console,
	&ut_checks_input,
	&ut_checks_balloon,
	&ut_checks_scsi,
	&ut_checks_gpu,
	&ut_checks_blk,
	&ut_checks_iommu,
	&ut_checks_i2c,
	&ut_checks_gpio,
	&ut_checks_crypto,
	&ut_checks_mem,
	&ut_checks_net,
	&ut_checks_can,
	&ut_checks_spi,
	&ut_checks_rpmb,
	&ut_checks_scmi,
	&ut_checks_media,
	&ut_checks_rtc,
	&ut_checks_sound,
	&ut_checks_blk_zoned,
	&ut_checks_vsock,
	&ut_checks_fs,
	&ut_checks_9p,
	/* clang-format on */
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

static const struct ut_rows *rows[NTABLES];

/* What a sink saw, in order. */
#define MAX_FINDINGS 64
struct findings {
	unsigned n;
	struct ut_meta_finding f[MAX_FINDINGS];
};

static void collect(void *ctx, const struct ut_meta_finding *f)
{
	struct findings *fs = ctx;

	ut_meta_print(NULL, f);
	if (fs->n < MAX_FINDINGS)
		fs->f[fs->n] = *f;
	fs->n++;
}

/* Finding i is `what` about check `check` (and row `row`, NULL: the entry). */
static void assert_finding(const struct findings *fs, unsigned i, enum ut_meta_problem what,
			   unsigned check, const char *row)
{
	assert_true(i < fs->n && i < MAX_FINDINGS);
	if (fs->f[i].what != what || fs->f[i].check != check)
		print_error("finding %u: %s about #%u, expected %s about #%u\n", i,
			    ut_meta_problem_name(fs->f[i].what), fs->f[i].check,
			    ut_meta_problem_name(what), check);
	assert_int_equal(fs->f[i].what, what);
	assert_int_equal(fs->f[i].check, check);
	if (row)
		assert_string_equal(fs->f[i].row, row);
	else
		assert_null(fs->f[i].row);
}

/* ---- the catalogue against the tables ---------------------------------- */

static void test_catalogue_proven(void **state)
{
	unsigned pass[PF_CHK_COUNT] = { 0 }, fail[PF_CHK_COUNT] = { 0 };
	unsigned nrows = 0, minpass = ~0u, minfail = ~0u;

	(void)state;
	assert_int_equal(ut_meta_check(pf_catalogue, PF_CHK_COUNT, rows, NTABLES, ut_meta_print,
				       (void *)pf_catalogue),
			 0);
	/* the figures, for whoever reads the log */
	for (unsigned t = 0; t < NTABLES; t++) {
		for (size_t i = 0; i < rows[t]->n; i++) {
			const char *r = (const char *)rows[t]->rows + i * rows[t]->stride;
			enum pf_check_id k;
			enum pf_verdict e;

			memcpy(&k, r + rows[t]->check_off, sizeof(k));
			memcpy(&e, r + rows[t]->expect_off, sizeof(e));
			pass[k] += e == PF_VERDICT_PASS;
			fail[k] += e == (pf_catalogue[k].level == PF_LEVEL_MUST ? PF_VERDICT_FAIL
										: PF_VERDICT_WARN);
			nrows++;
		}
	}
	for (unsigned k = 0; k < PF_CHK_COUNT; k++) {
		minpass = pass[k] < minpass ? pass[k] : minpass;
		minfail = fail[k] < minfail ? fail[k] : minfail;
	}
	fprintf(stderr,
		"catalogue: %u entries, %u rows; per entry at least %u passing and %u failing at "
		"its level\n",
		(unsigned)PF_CHK_COUNT, nrows, minpass, minfail);
}

/* A catalogue entry added without rows is caught: the real tables, as they
 * ran, against the catalogue with one more MUST entry. */
static void test_new_entry_without_rows(void **state)
{
	static struct pf_check_info cat[PF_CHK_COUNT + 1];
	struct findings fs = { 0 };

	(void)state;
	memcpy(cat, pf_catalogue, sizeof(pf_catalogue));
	cat[PF_CHK_COUNT] = (struct pf_check_info){ "basic.new-entry",	  "basic",
						    PF_LEVEL_MUST,	  PF_CLASS_CONFORMANCE,
						    "added without rows", "" };
	assert_int_equal(ut_meta_check(cat, PF_CHK_COUNT + 1, rows, NTABLES, collect, &fs), 2);
	assert_finding(&fs, 0, UT_META_NO_PASS, PF_CHK_COUNT, NULL);
	assert_finding(&fs, 1, UT_META_NO_FAIL, PF_CHK_COUNT, NULL);
}

/* A check whose failing rows fail for another reason is caught: the real
 * tables, with the fingerprints features.version-1-offered's failing rows
 * gave replaced by another check's. */
static void test_entry_failing_for_another_reason(void **state)
{
	static struct ut_obs saved[256];
	const struct ut_rows *core = &ut_checks_core.rows;
	struct findings fs = { 0 };
	unsigned tampered = 0;

	(void)state;
	assert_true(core->n <= sizeof(saved) / sizeof(saved[0]));
	memcpy(saved, core->obs, core->n * sizeof(saved[0]));
	for (size_t i = 0; i < core->n; i++) {
		const char *r = (const char *)core->rows + i * core->stride;
		enum pf_check_id k;
		enum pf_verdict e;

		memcpy(&k, r + core->check_off, sizeof(k));
		memcpy(&e, r + core->expect_off, sizeof(e));
		if (k == PF_CHK_FEAT_VERSION_1 && e == PF_VERDICT_FAIL) {
			snprintf(core->obs[i].sub, sizeof(core->obs[i].sub), "features-ok");
			tampered++;
		}
	}
	assert_true(tampered > 0);
	ut_meta_check(pf_catalogue, PF_CHK_COUNT, rows, NTABLES, collect, &fs);
	memcpy(core->obs, saved, core->n * sizeof(saved[0]));
	assert_int_equal(fs.n, tampered + 1);
	for (unsigned i = 0; i < tampered; i++) {
		assert_int_equal(fs.f[i].what, UT_META_WRONG_FINGERPRINT);
		assert_int_equal(fs.f[i].check, PF_CHK_FEAT_VERSION_1);
	}
	assert_finding(&fs, tampered, UT_META_NO_FAIL, PF_CHK_FEAT_VERSION_1, NULL);
}

/* ---- the meta-test itself, on a made-up catalogue and table ------------ */

struct fake_row {
	const char *name;
	enum pf_check_id check;
	enum pf_verdict expect;
	const char *sub;
	/* what it gave; ran 0: never run */
	int ran;
	enum pf_verdict got;
	const char *got_sub;
};

#define MUST PF_LEVEL_MUST
#define SHOULD PF_LEVEL_SHOULD
#define MAY PF_LEVEL_MAY
#define PASS PF_VERDICT_PASS
#define FAIL PF_VERDICT_FAIL
#define WARN PF_VERDICT_WARN
#define SKIP PF_VERDICT_SKIP
#define NA PF_VERDICT_NA
#define K(n) ((enum pf_check_id)(n))

static const struct pf_check_info fake_cat[] = {
	{ "t.ok", "basic", MUST, PF_CLASS_CONFORMANCE, "", "" },	     /* 0 */
	{ "t.no-pass", "basic", MUST, PF_CLASS_CONFORMANCE, "", "" },	     /* 1 */
	{ "t.warn-only", "basic", MUST, PF_CLASS_CONFORMANCE, "", "" },	     /* 2 */
	{ "t.wrong-fp", "basic", MUST, PF_CLASS_CONFORMANCE, "", "" },	     /* 3 */
	{ "t.should-ok", "basic", SHOULD, PF_CLASS_CONFORMANCE, "", "" },    /* 4 */
	{ "t.should-fails", "basic", SHOULD, PF_CLASS_CONFORMANCE, "", "" }, /* 5 */
	{ "t.no-glob", "basic", MUST, PF_CLASS_CONFORMANCE, "", "" },	     /* 6 */
	{ "t.not-run", "basic", MUST, PF_CLASS_CONFORMANCE, "", "" },	     /* 7 */
	{ "t.other-verdict", "basic", MUST, PF_CLASS_CONFORMANCE, "", "" },  /* 8 */
	{ "t.na-skip-only", "basic", MUST, PF_CLASS_CONFORMANCE, "", "" },   /* 9 */
	{ "t.may-ok", "basic", MAY, PF_CLASS_CONFORMANCE, "", "" },	     /* 10 */
	{ "t.no-fail", "basic", MUST, PF_CLASS_CONFORMANCE, "", "" },	     /* 11 */
};
#define NFAKE ((unsigned)(sizeof(fake_cat) / sizeof(fake_cat[0])))

static const struct fake_row fake_rows[] = {
	{ "ok pass", K(0), PASS, NULL, 1, PASS, "" },
	{ "ok fail", K(0), FAIL, "reset*", 1, FAIL, "reset/status-not-zero" },
	{ "no-pass fail", K(1), FAIL, "x", 1, FAIL, "x" },
	{ "warn-only pass", K(2), PASS, NULL, 1, PASS, "" },
	{ "warn-only warn", K(2), WARN, "w", 1, WARN, "w" },
	{ "wrong-fp pass", K(3), PASS, NULL, 1, PASS, "" },
	{ "wrong-fp fail", K(3), FAIL, "reset", 1, FAIL, "features-ok" },
	{ "should-ok pass", K(4), PASS, NULL, 1, PASS, "" },
	{ "should-ok warn", K(4), WARN, "s", 1, WARN, "s" },
	{ "should-fails pass", K(5), PASS, NULL, 1, PASS, "" },
	{ "should-fails fail", K(5), FAIL, "f", 1, FAIL, "f" },
	{ "no-glob pass", K(6), PASS, NULL, 1, PASS, "" },
	{ "no-glob fail", K(6), FAIL, NULL, 1, FAIL, "a" },
	{ "star glob fail", K(6), FAIL, "**", 1, FAIL, "a" },
	{ "not-run pass", K(7), PASS, NULL, 0, PASS, "" },
	{ "not-run fail", K(7), FAIL, "n", 1, FAIL, "n" },
	{ "other-verdict pass", K(8), PASS, NULL, 1, FAIL, "o" },
	{ "other-verdict fail", K(8), FAIL, "o", 1, FAIL, "o" },
	{ "na", K(9), NA, NULL, 1, NA, "" },
	{ "skip", K(9), SKIP, NULL, 1, SKIP, "" },
	{ "may pass", K(10), PASS, NULL, 1, PASS, "" },
	{ "may warn", K(10), WARN, "m/*", 1, WARN, "m/x" },
	{ "no-fail pass", K(11), PASS, NULL, 1, PASS, "" },
	{ "no-fail warn expected, fail given", K(11), WARN, "v", 1, FAIL, "v" },
	{ "unknown check", K(NFAKE), PASS, NULL, 1, PASS, "" },
};

static void test_meta_reports_each_gap(void **state)
{
	static struct ut_obs obs[sizeof(fake_rows) / sizeof(fake_rows[0])];
	static const struct ut_rows fake = {
		"fake",
		fake_rows,
		sizeof(fake_rows) / sizeof(fake_rows[0]),
		sizeof(struct fake_row),
		offsetof(struct fake_row, check),
		offsetof(struct fake_row, expect),
		offsetof(struct fake_row, sub),
		obs,
	};
	const struct ut_rows *t[] = { &fake };
	struct findings fs = { 0 };
	unsigned i = 0;

	(void)state;
	ut_obs_clear(&fake);
	for (size_t r = 0; r < fake.n; r++)
		if (fake_rows[r].ran)
			ut_observe(&fake, &fake_rows[r], fake_rows[r].got, fake_rows[r].got_sub);
	assert_int_equal(ut_meta_check(fake_cat, NFAKE, t, 1, collect, &fs), 17);
	/* rows, in table order */
	assert_finding(&fs, i++, UT_META_WRONG_FINGERPRINT, 3, "wrong-fp fail");
	assert_finding(&fs, i++, UT_META_NO_FINGERPRINT, 6, "no-glob fail");
	assert_finding(&fs, i++, UT_META_NO_FINGERPRINT, 6, "star glob fail");
	assert_finding(&fs, i++, UT_META_NOT_RUN, 7, "not-run pass");
	assert_finding(&fs, i++, UT_META_VERDICT, 8, "other-verdict pass");
	assert_finding(&fs, i++, UT_META_VERDICT, 11, "no-fail warn expected, fail given");
	assert_finding(&fs, i++, UT_META_UNKNOWN_CHECK, NFAKE, "unknown check");
	/* entries, in catalogue order; 0, 4 and 10 are proven */
	assert_finding(&fs, i++, UT_META_NO_PASS, 1, NULL);
	assert_finding(&fs, i++, UT_META_WRONG_LEVEL, 2, NULL); /* a MUST check that only warns */
	assert_finding(&fs, i++, UT_META_NO_FAIL, 3, NULL);	/* it fails for another reason */
	assert_finding(&fs, i++, UT_META_WRONG_LEVEL, 5, NULL); /* a SHOULD check that fails */
	assert_finding(&fs, i++, UT_META_NO_FAIL, 6, NULL);	/* its failures assert nothing */
	assert_finding(&fs, i++, UT_META_NO_PASS, 7, NULL);	/* its pass never ran */
	assert_finding(&fs, i++, UT_META_NO_PASS, 8, NULL);	/* its pass failed */
	assert_finding(&fs, i++, UT_META_NO_PASS, 9, NULL);	/* na and skip count for nothing */
	assert_finding(&fs, i++, UT_META_NO_FAIL, 9, NULL);
	assert_finding(&fs, i++, UT_META_NO_FAIL, 11, NULL);
	assert_int_equal(fs.n, i);
}

/* A row's observation is where ut_observe() put it, and nowhere else. */
static void test_observe_indexes_rows(void **state)
{
	static struct ut_obs obs[3];
	static const struct fake_row three[3] = {
		{ "a", K(0), PASS, NULL, 1, PASS, "" },
		{ "b", K(0), FAIL, "x", 1, FAIL, "x" },
		{ "c", K(0), FAIL, "y", 1, FAIL, "y" },
	};
	static const struct ut_rows t = {
		"three",
		three,
		3,
		sizeof(struct fake_row),
		offsetof(struct fake_row, check),
		offsetof(struct fake_row, expect),
		offsetof(struct fake_row, sub),
		obs,
	};

	(void)state;
	ut_obs_clear(&t);
	ut_observe(&t, &three[1], PF_VERDICT_WARN, "some/fingerprint");
	ut_observe(&t, &fake_rows[0], PF_VERDICT_PASS, ""); /* not one of t's rows */
	assert_false(obs[0].ran);
	assert_true(obs[1].ran);
	assert_int_equal(obs[1].verdict, PF_VERDICT_WARN);
	assert_string_equal(obs[1].sub, "some/fingerprint");
	assert_false(obs[2].ran);
}

int main(void)
{
	static const struct CMUnitTest meta[] = {
		cmocka_unit_test(test_meta_reports_each_gap),
		cmocka_unit_test(test_observe_indexes_rows),
		cmocka_unit_test(test_catalogue_proven),
		cmocka_unit_test(test_new_entry_without_rows),
		cmocka_unit_test(test_entry_failing_for_another_reason),
	};
	int rc = 0;

	for (unsigned t = 0; t < NTABLES; t++) {
		rows[t] = &tables[t]->rows;
		rc |= ut_run_check_table(tables[t]);
	}
	rc |= cmocka_run_group_tests_name("checks_catalogue", meta, NULL, NULL);
	return rc;
}

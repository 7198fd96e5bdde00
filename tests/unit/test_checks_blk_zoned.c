/* SPDX-License-Identifier: MIT */
/*
 * The zoned block device checks (checks_blk.def, blk.zone-*) on the zoned
 * model of sim_blk_zoned.c: clean host-managed and host-aware devices, and
 * one SIM_BLKZ_* fault or configuration change per failing row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host_platform.h"
#include "pf/catalogue.h"
#include "report.h"
#include "sim_blk.h"
#include "unit_helpers.h"
#include "ut_table.h"

#define BLK 2
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define B(x) VIRTIO_BIT(x)
#define F_ZONED B(17)
#define F_SECURE_ERASE B(16)
#define ZONED (B(1) | B(2) | B(6) | B(9) | F_ZONED)

typedef void (*zoned_tweak_fn)(struct sim_dev *s, struct sim_blk *b);

/* Model NONE: a drive-managed device, nothing zoned to check. */
static void model_none(struct sim_dev *s, struct sim_blk *b)
{
	(void)b;
	s->config[92] = 0;
}

static void model_reserved(struct sim_dev *s, struct sim_blk *b)
{
	(void)b;
	s->config[92] = 3;
}

/* Says host-managed, but its zones are sequential write preferred. */
static void hm_with_swp(struct sim_dev *s, struct sim_blk *b)
{
	for (unsigned z = 1; z < SIM_BLKZ_ZONES; z++)
		b->zone[z].type = 3;
	s->config[92] = 1;
}

/* zone_sectors twice the zones the device reports. */
static void zone_sectors_wrong(struct sim_dev *s, struct sim_blk *b)
{
	(void)b;
	s->config[72] = 2 * SIM_BLKZ_SECTORS;
}

static void last_zone_offline(struct sim_dev *s, struct sim_blk *b)
{
	(void)s;
	b->zone[SIM_BLKZ_ZONES - 1].state = 15;
}

/* Every zone sequential: no conventional one. */
static void all_sequential(struct sim_dev *s, struct sim_blk *b)
{
	(void)s;
	b->zone[0].type = 2;
	b->zone[0].state = 1;
}

static void append_zero(struct sim_dev *s, struct sim_blk *b)
{
	(void)b;
	s->config[84] = 0;
}

static void no_limits(struct sim_dev *s, struct sim_blk *b)
{
	(void)b;
	s->config[76] = 0;
	s->config[80] = 0;
}

struct zoned_case {
	const char *name;
	enum pf_check_id check;
	uint64_t features;
	uint8_t model; /* 1 HM, 2 HA */
	uint32_t faults;
	zoned_tweak_fn tweak;
	enum pf_verdict expect;
	const char *sub;
};

#define PASS PF_VERDICT_PASS, NULL
#define NA PF_VERDICT_NA, NULL
#define FAIL(s) PF_VERDICT_FAIL, s
#define RPT PF_CHK_BLK_ZONED_REPORT
#define INV PF_CHK_BLK_ZONED_INVALID
#define WP PF_CHK_BLK_ZONED_WP
#define APP PF_CHK_BLK_ZONED_APPEND
#define RES PF_CHK_BLK_ZONED_RESOURCES

static const struct zoned_case cases[] = {
	{ "zone-report clean HM", RPT, ZONED, 1, 0, NULL, PASS },
	{ "zone-report clean HA", RPT, ZONED, 2, 0, NULL, PASS },
	{ "zone-report ZONED not offered", RPT, ZONED & ~F_ZONED, 1, 0, model_none, NA },
	{ "zone-report model NONE", RPT, ZONED, 1, 0, model_none, NA },
	{ "zone-report: reserved model", RPT, ZONED, 1, 0, model_reserved, FAIL("model") },
	{ "zone-report: HM with SWP zones", RPT, ZONED, 2, 0, hm_with_swp, FAIL("model") },
	{ "zone-report: zone_sectors not the zone size", RPT, ZONED, 1, 0, zone_sectors_wrong,
	  FAIL("nr-zones") },
	{ "zone-report: report starts at zone 0", RPT, ZONED, 1, SIM_BLKZ_BAD_START, NULL,
	  FAIL("report-start") },
	{ "zone-invalid clean HM", INV, ZONED, 1, 0, NULL, PASS },
	{ "zone-invalid clean HA", INV, ZONED, 2, 0, NULL, PASS },
	{ "zone-invalid clean, offline zone", INV, ZONED, 1, 0, last_zone_offline, PASS },
	{ "zone-invalid no such zone", INV, ZONED, 1, 0, all_sequential, NA },
	{ "zone-invalid: conventional zone opened", INV, ZONED, 1, SIM_BLKZ_CONV_OK, NULL,
	  FAIL("conv-open") },
	{ "zone-invalid: append to a conventional zone", INV, ZONED, 1, SIM_BLKZ_APPEND_CONV, NULL,
	  FAIL("conv-append") },
	{ "zone-invalid: offline zone finished", INV, ZONED, 1, SIM_BLKZ_OFFLINE_OK,
	  last_zone_offline, FAIL("offline-finish") },
	{ "zone-write-pointer clean", WP, ZONED, 1, 0, NULL, PASS },
	{ "zone-write-pointer clean, SECURE_ERASE", WP, ZONED | F_SECURE_ERASE, 1, 0, NULL, PASS },
	{ "zone-write-pointer HA", WP, ZONED, 2, 0, NULL, NA },
	{ "zone-write-pointer: writes off the pointer", WP, ZONED, 1, SIM_BLKZ_ANY_WP, NULL,
	  FAIL("unaligned-wp") },
	{ "zone-write-pointer: reads across zones", WP, ZONED, 1, SIM_BLKZ_CROSS, NULL,
	  FAIL("cross-zone") },
	{ "zone-write-pointer: writes past the capacity", WP, ZONED, 1, SIM_BLKZ_OVERFILL, NULL,
	  FAIL("exceeds-capacity") },
	{ "zone-write-pointer: full zone opened", WP, ZONED, 1, SIM_BLKZ_OPEN_FULL, NULL,
	  FAIL("open-full") },
	{ "zone-write-pointer: stale data past the pointer", WP, ZONED, 1, SIM_BLKZ_STALE, NULL,
	  FAIL("unwritten-stale") },
	{ "zone-write-pointer: SECURE_ERASE keeps the zone", WP, ZONED | F_SECURE_ERASE, 1,
	  SIM_BLKZ_SE_NO_RESET, NULL, FAIL("secure-erase-reset") },
	{ "zone-append clean", APP, ZONED, 1, 0, NULL, PASS },
	{ "zone-append clean, max_append_sectors 0", APP, ZONED, 1, 0, append_zero, PASS },
	{ "zone-append HA", APP, ZONED, 2, 0, NULL, NA },
	{ "zone-append: wrong append_sector", APP, ZONED, 1, SIM_BLKZ_APPEND_SECTOR, NULL,
	  FAIL("append-sector") },
	{ "zone-append: too big accepted", APP, ZONED, 1, SIM_BLKZ_APPEND_BIG, NULL,
	  FAIL("append-too-big") },
	{ "zone-append: accepted with max_append_sectors 0", APP, ZONED, 1, SIM_BLKZ_APPEND_BIG,
	  append_zero, FAIL("append-unsupp") },
	{ "zone-append: not at a zone start", APP, ZONED, 1, SIM_BLKZ_APPEND_MID, NULL,
	  FAIL("append-zone-start") },
	{ "zone-resources clean", RES, ZONED, 1, 0, NULL, PASS },
	{ "zone-resources no limits", RES, ZONED, 1, 0, no_limits, NA },
	{ "zone-resources: open limit not kept", RES, ZONED, 1, SIM_BLKZ_NO_OPEN_LIMIT, NULL,
	  FAIL("open-resource") },
	{ "zone-resources: writes open past the limit", RES, ZONED, 1, SIM_BLKZ_NO_IMPL_LIMIT, NULL,
	  FAIL("implicit-open-resource") },
	{ "zone-resources: active limit not kept", RES, ZONED, 1, SIM_BLKZ_NO_ACTIVE_LIMIT, NULL,
	  FAIL("active-resource") },
};

static struct ut_dev U;
static struct sim_blk disk;

static void test_case(void **state)
{
	const struct zoned_case *c = *state;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, BLK, V1 | c->features, 1, 64), 0);
	sim_blk_attach(&U.sim, &disk, c->faults);
	sim_blk_zoned(&U.sim, &disk, c->model);
	if (c->tweak)
		c->tweak(&U.sim, &disk);
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_blk_zoned, c, v);
}

/* The zoned checks through the PCI transport too, and the zones they used
 * empty again afterwards. */
static void test_pci_clean(void **state)
{
	static const enum pf_check_id ids[] = { RPT, INV, WP, APP, RES };
	struct virtio_dev *d;

	(void)state;
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		d = ut_pci_open(&U, BLK, V1 | ZONED, 0, 0);
		assert_non_null(d);
		sim_blk_attach(&U.sim, &disk, 0);
		sim_blk_zoned(&U.sim, &disk, 1);
		ut_auto_progress(&U);
		assert_int_equal(ut_run_check(ids[i], d), PF_VERDICT_PASS);
		for (unsigned z = 1; z < SIM_BLKZ_ZONES; z++)
			assert_int_equal(disk.zone[z].state, 1);
	}
}

static const struct CMUnitTest extra[] = {
	cmocka_unit_test_setup(test_pci_clean, ut_setup),
};

UT_CHECK_TABLE(ut_checks_blk_zoned, "checks_blk_zoned", cases, struct zoned_case, test_case,
	       ut_setup, NULL, extra);

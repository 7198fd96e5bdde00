/* SPDX-License-Identifier: MIT */
/*
 * The block device suite (common/include/pf/checks_blk.def) on the
 * simulated block device of sim_blk.c: clean, and with one fault or one
 * configuration byte that breaks a statement of 5.2 per row.
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
#define F_SIZE_MAX B(1)
#define F_SEG_MAX B(2)
#define F_GEOMETRY B(4)
#define F_RO B(5)
#define F_BLK_SIZE B(6)
#define F_FLUSH B(9)
#define F_TOPOLOGY B(10)
#define F_CONFIG_WCE B(11)
#define F_DISCARD B(13)
#define F_WRITE_ZEROES B(14)
#define F_LIFETIME B(15)
#define F_SECURE_ERASE B(16)
#define F_ZONED B(17)
/* what QEMU's virtio-blk offers, as a clean device */
#define CLEAN                                                                                     \
	(F_SIZE_MAX | F_SEG_MAX | F_GEOMETRY | F_BLK_SIZE | F_FLUSH | F_TOPOLOGY | F_CONFIG_WCE | \
	 F_DISCARD | F_WRITE_ZEROES)

typedef void (*blk_tweak_fn)(struct sim_dev *s, struct sim_blk *b);

static void host_managed(struct sim_dev *s, struct sim_blk *b)
{
	(void)b;
	s->config[72] = 16; /* zone_sectors */
	s->config[92] = 1;  /* model HM */
	s->config[68] = 32; /* secure_erase_sector_alignment: two zones */
}

static void eol_reserved(struct sim_dev *s, struct sim_blk *b)
{
	(void)s;
	b->lifetime[0] = 4;
}

static void estimate_reserved(struct sim_dev *s, struct sim_blk *b)
{
	(void)s;
	b->lifetime[2] = 0x0c;
}

/* One configuration byte set: offset and value */
#define CFG(off, val) ((off) << 8 | (val))
#define UNUSED0 CFG(33, 1)
#define UNUSED1 CFG(59, 0x80)
#define UNUSED2 CFG(94, 2)
#define APPEND_65 CFG(84, 65) /* seg_max 8 * size_max 4096 bytes is 64 sectors */
#define WRITEBACK_ON CFG(32, 1)
#define SE_ALIGN_24 CFG(68, 24) /* zone_sectors is 16 (host_managed) */

struct blk_case {
	const char *name;
	enum pf_check_id check;
	uint64_t features;
	uint32_t faults; /* SIM_BLK_* */
	blk_tweak_fn tweak;
	uint32_t cfg; /* CFG(): one configuration byte changed, 0 none */
	enum pf_verdict expect;
	const char *sub;
};

#define PASS PF_VERDICT_PASS, NULL
#define FAIL(s) PF_VERDICT_FAIL, s
#define WARN(s) PF_VERDICT_WARN, s

static const struct blk_case cases[] = {
	{ "blk.config clean", PF_CHK_BLK_CONFIG, CLEAN, 0, NULL, 0, PASS },
	{ "blk.config clean zoned", PF_CHK_BLK_CONFIG, CLEAN | F_ZONED, 0, NULL, 0, PASS },
	{ "blk.config clean host-managed", PF_CHK_BLK_CONFIG, CLEAN | F_ZONED, 0, host_managed, 0,
	  PASS },
	/* unused1 is trailing padding without SECURE_ERASE or ZONED: not read */
	{ "blk.config clean, trailing unused1", PF_CHK_BLK_CONFIG, CLEAN, 0, NULL, UNUSED1, PASS },
	{ "blk.config: CONFIG_WCE without FLUSH", PF_CHK_BLK_CONFIG, CLEAN & ~F_FLUSH, 0, NULL, 0,
	  FAIL("wce-without-flush") },
	{ "blk.config: unused0 set", PF_CHK_BLK_CONFIG, CLEAN, 0, NULL, UNUSED0, FAIL("unused0") },
	{ "blk.config: unused1 set", PF_CHK_BLK_CONFIG, CLEAN | F_SECURE_ERASE, 0, NULL, UNUSED1,
	  FAIL("unused1") },
	{ "blk.config: unused2 set", PF_CHK_BLK_CONFIG, CLEAN | F_ZONED, 0, NULL, UNUSED2,
	  FAIL("unused2") },
	{ "blk.config: max_append_sectors too big", PF_CHK_BLK_CONFIG, CLEAN | F_ZONED, 0, NULL,
	  APPEND_65, FAIL("max-append") },
	{ "blk.config clean zoned with SECURE_ERASE", PF_CHK_BLK_CONFIG,
	  CLEAN | F_ZONED | F_SECURE_ERASE, 0, host_managed, 0, PASS },
	{ "blk.config: secure erase alignment not whole zones", PF_CHK_BLK_CONFIG,
	  CLEAN | F_ZONED | F_SECURE_ERASE, 0, host_managed, SE_ALIGN_24,
	  FAIL("secure-erase-align") },
	{ "blk.config: host-managed without ZONED accepted", PF_CHK_BLK_CONFIG, CLEAN | F_ZONED,
	  SIM_BLK_HM_ANY, host_managed, 0, FAIL("hm-accepted") },
	{ "blk.writeback clean", PF_CHK_BLK_WRITEBACK, CLEAN, 0, NULL, 0, PASS },
	{ "blk.writeback without CONFIG_WCE", PF_CHK_BLK_WRITEBACK, CLEAN & ~F_CONFIG_WCE, 0, NULL,
	  0, PF_VERDICT_NA, NULL },
	{ "blk.writeback: writeback without FLUSH", PF_CHK_BLK_WRITEBACK, CLEAN, 0, NULL,
	  WRITEBACK_ON, FAIL("writeback-set") },
	{ "blk.io clean", PF_CHK_BLK_IO, CLEAN, 0, NULL, 0, PASS },
	{ "blk.io clean, no FLUSH", PF_CHK_BLK_IO, F_BLK_SIZE, 0, NULL, 0, PASS },
	{ "blk.io null back end", PF_CHK_BLK_IO, CLEAN, SIM_BLK_NULL, NULL, 0, PF_VERDICT_SKIP,
	  NULL },
	{ "blk.io: data changed", PF_CHK_BLK_IO, CLEAN, SIM_BLK_CORRUPT, NULL, 0,
	  WARN("read-back") },
	{ "blk.io: unknown type OK", PF_CHK_BLK_IO, CLEAN, SIM_BLK_UNKNOWN_OK, NULL, 0,
	  WARN("unknown-type") },
	{ "blk.io: read beyond capacity OK", PF_CHK_BLK_IO, CLEAN, SIM_BLK_BEYOND_OK, NULL, 0,
	  WARN("beyond-capacity") },
	{ "blk.io: GET_ID not NUL-padded", PF_CHK_BLK_IO, CLEAN, SIM_BLK_ID_NO_PAD, NULL, 0,
	  WARN("id-padding") },
	{ "blk.zoned-without-feature clean", PF_CHK_BLK_ZONED_UNSUPP, CLEAN, 0, NULL, 0, PASS },
	{ "blk.zoned-without-feature: ZONE_* OK", PF_CHK_BLK_ZONED_UNSUPP, CLEAN, SIM_BLK_ZONE_OK,
	  NULL, 0, FAIL("not-unsupp") },
	{ "blk.read-only clean", PF_CHK_BLK_RO, CLEAN | F_RO, 0, NULL, 0, PASS },
	{ "blk.read-only not offered", PF_CHK_BLK_RO, CLEAN, 0, NULL, 0, PF_VERDICT_NA, NULL },
	{ "blk.read-only: write accepted", PF_CHK_BLK_RO, CLEAN | F_RO, SIM_BLK_RO_WRITES, NULL, 0,
	  FAIL("write-status") },
	{ "blk.read-only: IOERR but stored", PF_CHK_BLK_RO, CLEAN | F_RO, SIM_BLK_RO_STORES, NULL,
	  0, FAIL("data-written") },
	{ "blk.discard clean", PF_CHK_BLK_DISCARD, CLEAN | F_SECURE_ERASE, 0, NULL, 0, PASS },
	{ "blk.discard none offered", PF_CHK_BLK_DISCARD, F_FLUSH, 0, NULL, 0, PF_VERDICT_NA,
	  NULL },
	{ "blk.discard: unmap accepted", PF_CHK_BLK_DISCARD, CLEAN, SIM_BLK_DISCARD_UNMAP_OK, NULL,
	  0, FAIL("discard-unmap") },
	{ "blk.discard: unknown flag ignored", PF_CHK_BLK_DISCARD, CLEAN, SIM_BLK_FLAGS_IGNORED,
	  NULL, 0, FAIL("discard-flags") },
	{ "blk.discard: WRITE_ZEROES unknown flag ignored", PF_CHK_BLK_DISCARD, F_WRITE_ZEROES,
	  SIM_BLK_FLAGS_IGNORED, NULL, 0, FAIL("write-zeroes-flags") },
	{ "blk.discard: SECURE_ERASE unknown flag ignored", PF_CHK_BLK_DISCARD, F_SECURE_ERASE,
	  SIM_BLK_FLAGS_IGNORED, NULL, 0, FAIL("secure-erase-flags") },
	{ "blk.write-zeroes clean", PF_CHK_BLK_WRITE_ZEROES, CLEAN, 0, NULL, 0, PASS },
	{ "blk.write-zeroes null back end", PF_CHK_BLK_WRITE_ZEROES, CLEAN, SIM_BLK_NULL, NULL, 0,
	  PF_VERDICT_SKIP, NULL },
	{ "blk.write-zeroes: unmap leaves data", PF_CHK_BLK_WRITE_ZEROES, CLEAN,
	  SIM_BLK_WZ_UNMAP_STALE, NULL, 0, FAIL("not-zero") },
	{ "blk.lifetime clean", PF_CHK_BLK_LIFETIME, CLEAN | F_LIFETIME, 0, NULL, 0, PASS },
	{ "blk.lifetime not offered", PF_CHK_BLK_LIFETIME, CLEAN, 0, NULL, 0, PF_VERDICT_NA, NULL },
	{ "blk.lifetime: pre_eol_info reserved", PF_CHK_BLK_LIFETIME, CLEAN | F_LIFETIME, 0,
	  eol_reserved, 0, FAIL("pre-eol-reserved") },
	{ "blk.lifetime: estimate reserved", PF_CHK_BLK_LIFETIME, CLEAN | F_LIFETIME, 0,
	  estimate_reserved, 0, FAIL("estimate-reserved") },
};

static struct ut_dev U;
static struct sim_blk disk;

static void test_case(void **state)
{
	const struct blk_case *c = *state;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, BLK, V1 | c->features, 1, 64), 0);
	sim_blk_attach(&U.sim, &disk, c->faults);
	if (c->tweak)
		c->tweak(&U.sim, &disk);
	if (c->cfg)
		U.sim.config[c->cfg >> 8] = (uint8_t)c->cfg;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_blk, c, v);
}

/* The suite through the PCI transport's device configuration too. */
static void test_pci_clean(void **state)
{
	static const enum pf_check_id ids[] = { PF_CHK_BLK_CONFIG, PF_CHK_BLK_IO,
						PF_CHK_BLK_DISCARD, PF_CHK_BLK_WRITE_ZEROES };
	struct virtio_dev *d;

	(void)state;
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		d = ut_pci_open(&U, BLK, V1 | CLEAN, 0, 0);
		assert_non_null(d);
		sim_blk_attach(&U.sim, &disk, 0);
		ut_auto_progress(&U);
		assert_int_equal(ut_run_check(ids[i], d), PF_VERDICT_PASS);
	}
}

static const struct CMUnitTest extra[] = {
	cmocka_unit_test_setup(test_pci_clean, ut_setup),
};

UT_CHECK_TABLE(ut_checks_blk, "checks_blk", cases, struct blk_case, test_case, ut_setup, NULL,
	       extra);

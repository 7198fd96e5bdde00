/* SPDX-License-Identifier: MIT */
/*
 * The balloon suite (common/include/pf/checks_balloon.def) on a simulated
 * traditional balloon: inflate and deflate take page frame numbers, actual
 * keeps what the driver writes, the statsq buffer is held until the device
 * wants statistics; faulty variants break one thing each.
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
#include "unit_helpers.h"
#include "ut_table.h"

#define BALLOON 5
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define F_STATS VIRTIO_BIT(1)
#define F_POISON VIRTIO_BIT(4)
#define F_REPORTING VIRTIO_BIT(5)

enum bl_fault {
	BF_NONE,
	BF_STATS_RETURN,   /* returns each statistics buffer at once (asks again) */
	BF_INFLATE_HOLD,   /* the inflateq never returns a buffer */
	BF_DEFLATE_HOLD,   /* the deflateq never returns a buffer */
	BF_ACTUAL_RO,	   /* driver writes to actual are dropped */
	BF_STATS_RESET,	   /* an unknown statistics tag sets DEVICE_NEEDS_RESET */
	BF_STATS_WEDGE,	   /* an unknown statistics tag stops the inflateq */
	BF_REPORT_DISCARD, /* reported pages read 0 whatever poison_val says */
	BF_REPORT_HOLD,	   /* reported pages never come back */
	BF_REPORT_FIXED,   /* the reporting_vq sits after a statsq slot even without
			    * STATS_VQ (crosvm 4ce4bbc22, known device bug 12) */
};

/* What each queue is, by the features in force (5.5.2: the queues after
 * the deflateq exist only with their feature, numbered without gaps). */
enum bl_role {
	R_INFLATE,
	R_DEFLATE,
	R_STATS,
	R_REPORT,
	R_NONE
};

struct bl_model {
	enum bl_fault fault;
	bool wedged;
	uint32_t inflated; /* pages given to the device */
};

static struct bl_model M;

/* A statistics buffer: tags the device knows (5.5.6.3) or not. */
static void bl_stats(struct sim_dev *s, const struct sim_req *r)
{
	uint32_t n = sim_req_readable(r);

	for (uint32_t off = 0; off + 10 <= n; off += 10) {
		uint16_t tag = 0;

		sim_req_read(r, off, &tag, 2);
		if (tag <= 15)
			continue;
		if (M.fault == BF_STATS_RESET)
			s->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
		if (M.fault == BF_STATS_WEDGE)
			M.wedged = true;
	}
}

/* 5.5.6.7: a page may be discarded (then reads 0) only when poison_val
 * is 0; otherwise it keeps poison_val. */
static void bl_report(struct sim_dev *s, const struct sim_req *r)
{
	static const uint8_t zero[4096];
	uint32_t poison;

	memcpy(&poison, s->config + 12, 4);
	if (poison && M.fault != BF_REPORT_DISCARD)
		return;
	for (uint32_t off = 0; off < sim_req_writable(r); off += sizeof(zero))
		sim_req_write(r, off, zero, sizeof(zero));
}

static enum bl_role bl_role(const struct sim_dev *s, uint16_t q)
{
	uint16_t next = 2;
	bool stats = (s->driver_features & F_STATS) || M.fault == BF_REPORT_FIXED;

	if (q < 2)
		return q == 0 ? R_INFLATE : R_DEFLATE;
	if (stats && q == next++)
		return R_STATS;
	if ((s->driver_features & F_REPORTING) && q == next)
		return R_REPORT;
	return R_NONE;
}

static uint32_t bl_serve(struct sim_dev *s, const struct sim_req *r)
{
	enum bl_role role = bl_role(s, r->queue);

	if (role == R_INFLATE)
		M.inflated += sim_req_readable(r) / 4;
	else if (role == R_DEFLATE)
		M.inflated -= sim_req_readable(r) / 4;
	else if (role == R_STATS)
		bl_stats(s, r);
	else if (role == R_REPORT)
		bl_report(s, r);
	return 0;
}

static bool bl_hold(struct sim_dev *s, uint16_t q)
{
	switch (bl_role(s, q)) {
	case R_INFLATE:
		return M.fault == BF_INFLATE_HOLD || M.wedged;
	case R_DEFLATE:
		return M.fault == BF_DEFLATE_HOLD;
	case R_STATS:
		/* the device reads the buffer when it wants statistics; this
		 * one serves it once at once (a device polling), or holds it */
		return M.fault != BF_STATS_RETURN && M.fault != BF_STATS_RESET &&
		       M.fault != BF_STATS_WEDGE;
	case R_REPORT:
		return M.fault == BF_REPORT_HOLD;
	case R_NONE:
		return true;
	}
	return false;
}

static uint32_t bl_actual;

static void bl_config_write(struct sim_dev *s, uint32_t off, uint32_t len)
{
	(void)len;
	if (off != 4)
		return;
	if (M.fault == BF_ACTUAL_RO)
		memcpy(s->config + 4, &bl_actual, 4);
	else
		memcpy(&bl_actual, s->config + 4, 4);
}

struct bl_case {
	const char *name;
	enum pf_check_id check;
	enum sim_transport transport;
	uint64_t features;
	enum bl_fault fault;
	enum pf_verdict expect;
	const char *sub;
};

#define INFL PF_CHK_BALLOON_INFLATE_DEFLATE
#define STATS PF_CHK_BALLOON_STATS
#define ALL_F (V1 | F_STATS)
#define FAIL PF_VERDICT_FAIL
#define REP PF_CHK_BALLOON_PAGE_REPORTING
#define REP_F (ALL_F | F_POISON | F_REPORTING)

static const struct bl_case cases[] = {
	{ "balloon inflate clean mmio", INFL, SIM_MMIO_V2, ALL_F, BF_NONE, PF_VERDICT_PASS, NULL },
	{ "balloon inflate clean pci", INFL, SIM_PCI, ALL_F, BF_NONE, PF_VERDICT_PASS, NULL },
	{ "balloon inflate: inflateq never returns", INFL, SIM_MMIO_V2, ALL_F, BF_INFLATE_HOLD,
	  FAIL, "no-used" },
	{ "balloon inflate: deflateq never returns", INFL, SIM_MMIO_V2, ALL_F, BF_DEFLATE_HOLD,
	  FAIL, "no-used" },
	{ "balloon inflate: actual not kept", INFL, SIM_MMIO_V2, ALL_F, BF_ACTUAL_RO,
	  PF_VERDICT_WARN, "actual-not-kept" },
	{ "balloon stats clean mmio", STATS, SIM_MMIO_V2, ALL_F, BF_NONE, PF_VERDICT_PASS, NULL },
	{ "balloon stats returned at once", STATS, SIM_MMIO_V2, ALL_F, BF_STATS_RETURN,
	  PF_VERDICT_PASS, NULL },
	{ "balloon stats not offered", STATS, SIM_MMIO_V2, V1, BF_NONE, PF_VERDICT_NA, NULL },
	{ "balloon stats: unknown tag needs reset", STATS, SIM_MMIO_V2, ALL_F, BF_STATS_RESET, FAIL,
	  "needs-reset" },
	{ "balloon stats: unknown tag stops inflation", STATS, SIM_MMIO_V2, ALL_F, BF_STATS_WEDGE,
	  FAIL, "no-used" },
	{ "balloon reporting clean", REP, SIM_MMIO_V2, REP_F, BF_NONE, PF_VERDICT_PASS, NULL },
	{ "balloon reporting not offered", REP, SIM_MMIO_V2, ALL_F, BF_NONE, PF_VERDICT_NA, NULL },
	{ "balloon reporting without poisoning", REP, SIM_MMIO_V2, V1 | F_STATS | F_REPORTING,
	  BF_NONE, PF_VERDICT_NA, NULL },
	{ "balloon reporting: pages discarded", REP, SIM_MMIO_V2, REP_F, BF_REPORT_DISCARD, FAIL,
	  "poison-changed" },
	{ "balloon reporting: pages kept", REP, SIM_MMIO_V2, REP_F, BF_REPORT_HOLD, FAIL,
	  "no-used" },
	{ "balloon reporting without STATS_VQ clean", REP, SIM_MMIO_V2, V1 | F_POISON | F_REPORTING,
	  BF_NONE, PF_VERDICT_PASS, NULL },
	{ "balloon reporting: queue after a missing statsq", REP, SIM_MMIO_V2, REP_F,
	  BF_REPORT_FIXED, PF_VERDICT_WARN, "reporting-vq-index" },
};

static struct ut_dev U;

static void test_case(void **state)
{
	const struct bl_case *c = *state;
	struct virtio_dev *d = &U.dev;
	uint32_t num_pages = 16;
	enum pf_verdict v;

	if (c->transport == SIM_PCI) {
		/* the PCI function has two queues: enough for inflate and
		 * deflate, not for the statsq */
		d = ut_pci_open(&U, BALLOON, c->features, 0, 0);
		assert_non_null(d);
	} else {
		assert_int_equal(ut_mmio_open(&U, c->transport, BALLOON, c->features, 4, 64), 0);
	}
	memset(&M, 0, sizeof(M));
	M.fault = c->fault;
	bl_actual = 0;
	memset(U.sim.config, 0, sizeof(U.sim.config));
	U.sim.config_len = 16;
	memcpy(U.sim.config, &num_pages, 4);
	U.sim.serve = bl_serve;
	U.sim.hold = bl_hold;
	U.sim.config_write = bl_config_write;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, d);
	UT_CHECK_ROW(&ut_checks_balloon, c, v);
}

UT_CHECK_TABLE_N(ut_checks_balloon, "checks_balloon", cases, struct bl_case, test_case, ut_setup,
		 NULL, NULL, 0);

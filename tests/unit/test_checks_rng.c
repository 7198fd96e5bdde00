/* SPDX-License-Identifier: MIT */
/*
 * The entropy device suite (common/include/pf/checks_rng.def) on the
 * simulated device: the generic device model fills every writable byte,
 * which is what a conforming entropy device may do; the faulty models
 * below break 5.4.6 one way each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host_platform.h"
#include "pf/catalogue.h"
#include "pf/device_types.h"
#include "report.h"
#include "suite.h"
#include "unit_helpers.h"
#include "ut_table.h"

#define RNG 4
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)

/* 5.4.6: at least one byte per request. */
static uint32_t rng_none(struct sim_dev *s, const struct sim_req *r)
{
	(void)s;
	(void)r;
	return 0;
}

/* Fills the buffer but says nothing came back for the large ones. */
static uint32_t rng_zero_when_large(struct sim_dev *s, const struct sim_req *r)
{
	uint8_t b[64];
	uint32_t n = sim_req_writable(r);

	(void)s;
	memset(b, 0x5a, sizeof(b));
	for (uint32_t off = 0; off < n; off += sizeof(b))
		sim_req_write(r, off, b, sizeof(b));
	return n > 1024 ? 0 : n;
}

/* One byte each, as 5.4.6 allows ("at least one"). */
static uint32_t rng_one_byte(struct sim_dev *s, const struct sim_req *r)
{
	uint8_t b = 0x3c;

	(void)s;
	return sim_req_write(r, 0, &b, 1);
}

/* Writes one byte past what it was given. */
static uint32_t rng_overrun(struct sim_dev *s, const struct sim_req *r)
{
	unsigned last = r->nseg - 1;

	(void)s;
	if (!r->nseg)
		return 0;
	r->seg[last].p[r->seg[last].len] ^= 0xff;
	memset(r->seg[last].p, 0x11, r->seg[last].len);
	return sim_req_writable(r);
}

struct rng_case {
	const char *name;
	enum pf_check_id check;
	enum sim_transport transport;
	uint16_t qmax;	    /* requestq entries */
	sim_serve_fn serve; /* NULL: the generic model */
	enum pf_verdict expect;
	const char *sub;
};

static const struct rng_case cases[] = {
	{ "rng clean mmio", PF_CHK_RNG_ENTROPY, SIM_MMIO_V2, 64, NULL, PF_VERDICT_PASS, NULL },
	{ "rng clean pci", PF_CHK_RNG_ENTROPY, SIM_PCI, 64, NULL, PF_VERDICT_PASS, NULL },
	/* QEMU's vhost-user-rng: a 4-entry ring, so fewer in flight */
	{ "rng clean, 4-entry ring", PF_CHK_RNG_ENTROPY, SIM_MMIO_V2, 4, NULL, PF_VERDICT_PASS,
	  NULL },
	{ "rng: used len 0, 4-entry ring", PF_CHK_RNG_ENTROPY, SIM_MMIO_V2, 4, rng_none,
	  PF_VERDICT_FAIL, "len-zero" },
	{ "rng one byte per request", PF_CHK_RNG_ENTROPY, SIM_MMIO_V2, 64, rng_one_byte,
	  PF_VERDICT_PASS, NULL },
	{ "rng: used len 0", PF_CHK_RNG_ENTROPY, SIM_MMIO_V2, 64, rng_none, PF_VERDICT_FAIL,
	  "len-zero" },
	{ "rng: used len 0 for large requests", PF_CHK_RNG_ENTROPY, SIM_MMIO_V2, 64,
	  rng_zero_when_large, PF_VERDICT_FAIL, "len-zero" },
	{ "rng: writes past the buffer", PF_CHK_RNG_ENTROPY, SIM_MMIO_V2, 64, rng_overrun,
	  PF_VERDICT_WARN, "guard-after" },
};

static struct ut_dev U;

static void test_case(void **state)
{
	const struct rng_case *c = *state;
	struct virtio_dev *d = &U.dev;
	enum pf_verdict v;

	if (c->transport == SIM_PCI) {
		d = ut_pci_open(&U, RNG, V1, 0, 0);
		assert_non_null(d);
	} else {
		assert_int_equal(ut_mmio_open(&U, c->transport, RNG, V1, 1, c->qmax), 0);
	}
	U.sim.serve = c->serve;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, d);
	UT_CHECK_ROW(&ut_checks_rng, c, v);
}

/*
 * A device suite's checks run on devices of their type only: on any other
 * device the pair is not part of the run (no begin, no result), and the
 * step numbers stay those of the whole catalogue.
 */
static void test_suite_runs_on_its_type_only(void **state)
{
	struct pf_options opt;
	struct pf_suite_counts counts;
	struct virtio_dev *devs[1] = { &U.dev };

	(void)state;
	memset(&opt, 0, sizeof(opt));
	strcpy(opt.filter, "rng.*");
	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, 2 /* blk */, V1, 1, 64), 0);
	ut_auto_progress(&U);
	memset(&counts, 0, sizeof(counts));
	pf_suite_run(devs, 1, &opt, &counts);
	assert_int_equal(ut_count_records("begin"), 0);
	assert_int_equal(ut_count_records("result"), 0);

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, RNG, V1, 1, 64), 0);
	ut_auto_progress(&U);
	memset(&counts, 0, sizeof(counts));
	pf_suite_run(devs, 1, &opt, &counts);
	assert_int_equal(ut_count_records("result"), 1);
	assert_int_equal(counts.verdicts[PF_VERDICT_PASS], 1);
	assert_true(pf_check_area_applies("basic", 2));
	assert_true(pf_check_area_applies("rng", 4));
	assert_false(pf_check_area_applies("rng", 2));
}

static const struct CMUnitTest extra[] = {
	cmocka_unit_test_setup(test_suite_runs_on_its_type_only, ut_setup),
};

UT_CHECK_TABLE(ut_checks_rng, "checks_rng", cases, struct rng_case, test_case, ut_setup, NULL,
	       extra);

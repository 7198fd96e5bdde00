/* SPDX-License-Identifier: MIT */
/*
 * The socket device suite (common/include/pf/checks_vsock.def) on the
 * socket device model of sim_vsock.c: clean, and with one fault or one
 * configuration value per failing row.
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
#include "sim_vsock.h"
#include "unit_helpers.h"
#include "ut_table.h"

#define VSOCK 19
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define F_STREAM VIRTIO_BIT(0)

struct vsock_case {
	const char *name;
	enum pf_check_id check;
	uint32_t faults;
	uint64_t cid; /* guest_cid, 0: the model's */
	enum pf_verdict expect;
	const char *sub;
};

#define PASS PF_VERDICT_PASS, NULL
#define FAIL(s) PF_VERDICT_FAIL, s

static const struct vsock_case cases[] = {
	{ "vsock.config clean", PF_CHK_VSOCK_CONFIG, 0, 0, PASS },
	{ "vsock.config clean, large CID", PF_CHK_VSOCK_CONFIG, 0, 0xfffffffeu, PASS },
	{ "vsock.config: CID 2 (the host)", PF_CHK_VSOCK_CONFIG, 0, 2, FAIL("cid-reserved") },
	{ "vsock.config: CID 0xffffffff", PF_CHK_VSOCK_CONFIG, 0, 0xffffffffu,
	  FAIL("cid-reserved") },
	{ "vsock.config: upper bits set", PF_CHK_VSOCK_CONFIG, 0, 0x100000003ull,
	  FAIL("cid-upper") },
	{ "vsock.unknown-type clean", PF_CHK_VSOCK_RST, 0, 0, PASS },
	{ "vsock.unknown-type: dropped", PF_CHK_VSOCK_RST, SIM_VSOCK_NO_RST, 0, FAIL("no-rst") },
	{ "vsock.credit clean", PF_CHK_VSOCK_CREDIT, 0, 0, PASS },
	{ "vsock.credit no service", PF_CHK_VSOCK_CREDIT, SIM_VSOCK_NO_SERVICE, 0, PF_VERDICT_SKIP,
	  NULL },
	{ "vsock.credit: credit ignored", PF_CHK_VSOCK_CREDIT, SIM_VSOCK_IGNORE_CREDIT, 0,
	  FAIL("credit-exceeded") },
	{ "vsock.credit: fwd_cnt of bytes never sent", PF_CHK_VSOCK_CREDIT, SIM_VSOCK_BAD_FWD, 0,
	  FAIL("credit-fields") },
};

static struct ut_dev U;
static struct sim_vsock model;

static void test_case(void **state)
{
	const struct vsock_case *c = *state;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, VSOCK, V1 | F_STREAM, 3, 64), 0);
	sim_vsock_attach(&U.sim, &model, c->faults);
	if (c->cid)
		for (unsigned i = 0; i < 8; i++)
			U.sim.config[i] = (uint8_t)(c->cid >> (8 * i));
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_vsock, c, v);
}

UT_CHECK_TABLE_N(ut_checks_vsock, "checks_vsock", cases, struct vsock_case, test_case, ut_setup,
		 NULL, NULL, 0);

/* SPDX-License-Identifier: MIT */
/*
 * The 9P transport suite (common/include/pf/checks_9p.def) on the 9P
 * server of sim_9p.c: clean, and with one fault or tag change per failing
 * row.
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
#include "sim_9p.h"
#include "unit_helpers.h"
#include "ut_table.h"

#define P9 9
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define F_MOUNT_TAG VIRTIO_BIT(0)

struct p9_case {
	const char *name;
	enum pf_check_id check;
	uint64_t features;
	uint32_t faults;
	uint8_t tag0; /* first tag byte, 0: the model's */
	enum pf_verdict expect;
	const char *sub;
};

#define PASS PF_VERDICT_PASS, NULL
#define WARN(s) PF_VERDICT_WARN, s

static const struct p9_case cases[] = {
	{ "9p.config clean", PF_CHK_P9_CONFIG, F_MOUNT_TAG, 0, 0, PASS },
	{ "9p.config without MOUNT_TAG", PF_CHK_P9_CONFIG, 0, 0, 0, PF_VERDICT_NA, NULL },
	{ "9p.config: control byte in the tag", PF_CHK_P9_CONFIG, F_MOUNT_TAG, 0, 0x01,
	  WARN("tag-byte") },
	{ "9p.session clean", PF_CHK_P9_SESSION, F_MOUNT_TAG, 0, 0, PASS },
	{ "9p.session: size not the used len", PF_CHK_P9_SESSION, F_MOUNT_TAG, SIM_9P_SIZE_WRONG, 0,
	  WARN("reply-size") },
	{ "9p.session: tag not echoed", PF_CHK_P9_SESSION, F_MOUNT_TAG, SIM_9P_TAG_WRONG, 0,
	  WARN("tag") },
	{ "9p.session: msize raised", PF_CHK_P9_SESSION, F_MOUNT_TAG, SIM_9P_MSIZE_UP, 0,
	  WARN("msize") },
	{ "9p.session: missing name walked", PF_CHK_P9_SESSION, F_MOUNT_TAG, SIM_9P_WALK_ANY, 0,
	  WARN("walk-missing") },
	{ "9p.read clean", PF_CHK_P9_READ, F_MOUNT_TAG, 0, 0, PASS },
	{ "9p.read: write refused with EIO", PF_CHK_P9_READ, F_MOUNT_TAG, SIM_9P_WRITE_EIO, 0,
	  WARN("write-refused") },
	{ "9p.read: size not the used len", PF_CHK_P9_READ, F_MOUNT_TAG, SIM_9P_SIZE_WRONG, 0,
	  WARN("reply-size") },
};

static struct ut_dev U;
static struct sim_9p model;

static void test_case(void **state)
{
	const struct p9_case *c = *state;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, P9, V1 | c->features, 1, 64), 0);
	sim_9p_attach(&U.sim, &model, c->faults);
	if (c->tag0)
		U.sim.config[2] = c->tag0;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_9p, c, v);
}

UT_CHECK_TABLE_N(ut_checks_9p, "checks_9p", cases, struct p9_case, test_case, ut_setup, NULL, NULL,
		 0);

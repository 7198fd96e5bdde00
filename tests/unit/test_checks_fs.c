/* SPDX-License-Identifier: MIT */
/*
 * The file system device suite (common/include/pf/checks_fs.def) on the
 * model of sim_fs.c: clean, and with one fault or configuration value per
 * failing row.
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
#include "sim_fs.h"
#include "unit_helpers.h"
#include "ut_table.h"

#define FS 26
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)

struct fs_case {
	const char *name;
	enum pf_check_id check;
	uint32_t faults;
	uint8_t nrq; /* num_request_queues; 0xff: the model's */
	uint16_t nqueues;
	enum pf_verdict expect;
	const char *sub;
};

#define PASS PF_VERDICT_PASS, NULL
#define FAIL(s) PF_VERDICT_FAIL, s
#define WARN(s) PF_VERDICT_WARN, s

static const struct fs_case cases[] = {
	{ "fs.config clean", PF_CHK_FS_CONFIG, 0, 0xff, 2, PASS },
	{ "fs.config clean, two request queues", PF_CHK_FS_CONFIG, 0, 2, 3, PASS },
	{ "fs.config: no request queue", PF_CHK_FS_CONFIG, 0, 0, 2, FAIL("num-request-queues") },
	{ "fs.config: more request queues than queues", PF_CHK_FS_CONFIG, 0, 4, 3, FAIL("queues") },
	{ "fs.request clean", PF_CHK_FS_REQUEST, 0, 0xff, 2, PASS },
	{ "fs.request: used len 0", PF_CHK_FS_REQUEST, SIM_FS_USED_LEN_ZERO, 0xff, 2,
	  WARN("reply-len") },
	{ "fs.request: unique not echoed", PF_CHK_FS_REQUEST, SIM_FS_UNIQUE, 0xff, 2,
	  WARN("unique") },
	{ "fs.request: root not a directory", PF_CHK_FS_REQUEST, SIM_FS_ROOT_FILE, 0xff, 2,
	  WARN("root-not-dir") },
	{ "fs.request: missing name found", PF_CHK_FS_REQUEST, SIM_FS_LOOKUP_ANY, 0xff, 2,
	  WARN("lookup-missing") },
};

static struct ut_dev U;
static struct sim_fs model;

static void test_case(void **state)
{
	const struct fs_case *c = *state;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, FS, V1, c->nqueues, 64), 0);
	sim_fs_attach(&U.sim, &model, c->faults);
	if (c->nrq != 0xff)
		U.sim.config[36] = c->nrq;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_fs, c, v);
}

UT_CHECK_TABLE_N(ut_checks_fs, "checks_fs", cases, struct fs_case, test_case, ut_setup, NULL, NULL,
		 0);

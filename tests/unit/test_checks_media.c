/* SPDX-License-Identifier: MIT */
/*
 * The media suite (common/include/pf/checks_media.def) on a simulated
 * V4L2 device that knows VIDIOC_QUERYCAP only (5.22.6); the faulty models
 * each break one rule.
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

#define MEDIA 48
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)

enum media_fault {
	DF_NONE,
	DF_NO_QUERYCAP,	  /* QUERYCAP answers an error (allowed) */
	DF_SAME_SESSION,  /* every OPEN gives session 1 */
	DF_NO_PAYLOAD,	  /* QUERYCAP succeeds without its payload */
	DF_EINVAL,	  /* unknown ioctls answer EINVAL */
	DF_LOG_STATUS,	  /* runs VIDIOC_LOG_STATUS */
	DF_UNKNOWN_CMD_OK /* an unknown command answers 0 */
};

static struct {
	enum media_fault fault;
	uint32_t next_session;
} M;

static uint32_t media_ioctl(const struct sim_req *r, uint32_t *resp)
{
	uint32_t code = 0;
	uint8_t cap[104];

	sim_req_read(r, 12, &code, 4);
	if (code == 0 && M.fault != DF_NO_QUERYCAP) {
		memset(cap, 0, sizeof(cap));
		memcpy(cap, "sim-media", 9);
		sim_req_write(r, 0, resp, 8);
		return M.fault == DF_NO_PAYLOAD ? 8 : 8 + sim_req_write(r, 8, cap, sizeof(cap));
	}
	resp[0] = code == 70 && M.fault == DF_LOG_STATUS ? 0 : M.fault == DF_EINVAL ? 22 : 25;
	return sim_req_write(r, 0, resp, 8);
}

static uint32_t media_serve(struct sim_dev *s, const struct sim_req *r)
{
	uint32_t cmd = 0, resp[4] = { 0 };

	(void)s;
	sim_req_read(r, 0, &cmd, 4);
	switch (cmd) {
	case 1:
		resp[2] = M.fault == DF_SAME_SESSION ? 1 : ++M.next_session;
		return sim_req_write(r, 0, resp, 16);
	case 2:
		return sim_req_write(r, 0, resp, 8);
	case 3:
		return media_ioctl(r, resp);
	default:
		resp[0] = M.fault == DF_UNKNOWN_CMD_OK ? 0 : 22;
		return sim_req_write(r, 0, resp, 8);
	}
}

static bool media_hold(struct sim_dev *s, uint16_t q)
{
	(void)s;
	return q == 1;
}

struct media_case {
	const char *name;
	enum pf_check_id check;
	enum media_fault fault;
	enum pf_verdict expect;
	const char *sub;
};

static const struct media_case cases[] = {
	{ "media clean", PF_CHK_MEDIA_SESSION, DF_NONE, PF_VERDICT_PASS, NULL },
	{ "media without QUERYCAP", PF_CHK_MEDIA_SESSION, DF_NO_QUERYCAP, PF_VERDICT_PASS, NULL },
	{ "media: one session id for two", PF_CHK_MEDIA_SESSION, DF_SAME_SESSION, PF_VERDICT_FAIL,
	  "session-reused" },
	{ "media: QUERYCAP payload not written", PF_CHK_MEDIA_SESSION, DF_NO_PAYLOAD,
	  PF_VERDICT_FAIL, "payload-not-written" },
	{ "media: unknown ioctl EINVAL", PF_CHK_MEDIA_SESSION, DF_EINVAL, PF_VERDICT_FAIL,
	  "unsupported-ioctl" },
	{ "media: runs LOG_STATUS", PF_CHK_MEDIA_SESSION, DF_LOG_STATUS, PF_VERDICT_FAIL,
	  "unsupported-ioctl" },
	{ "media: unknown command succeeds", PF_CHK_MEDIA_SESSION, DF_UNKNOWN_CMD_OK,
	  PF_VERDICT_WARN, "unknown-command" },
};

static struct ut_dev U;

static void test_case(void **state)
{
	const struct media_case *c = *state;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, MEDIA, V1, 2, 64), 0);
	memset(&M, 0, sizeof(M));
	M.fault = c->fault;
	U.sim.serve = media_serve;
	U.sim.hold = media_hold;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_media, c, v);
}

UT_CHECK_TABLE_N(ut_checks_media, "checks_media", cases, struct media_case, test_case, ut_setup,
		 NULL, NULL, 0);

/* SPDX-License-Identifier: MIT */
/*
 * The CAN suite (common/include/pf/checks_can.def) on a simulated CAN
 * controller that follows 5.20.5 (nothing on the bus: every valid frame
 * is sent, rxq buffers are kept); the faulty models each accept one kind
 * of frame the device must answer with RESULT_NOT_OK.
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

#define CAN 36
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define F_CLASSIC VIRTIO_BIT(0)
#define F_FD VIRTIO_BIT(1)

enum can_fault {
	CF_NONE,
	CF_STOPPED_SENDS, /* transmits while STOPPED */
	CF_ANY_TYPE,	  /* sends FD and classic frames whatever was negotiated */
	CF_RTR,		  /* sends RTR frames without RTR_FRAMES */
	CF_FLAGS,	  /* ignores undefined flag bits */
	CF_ID,		  /* sends any can_id */
	CF_LENGTH,	  /* sends any length */
	CF_NO_RESULT,	  /* completes tx requests without writing the result */
};

static struct {
	enum can_fault fault;
	bool started;
} M;

static uint8_t can_tx(const struct sim_dev *s, const struct sim_req *r)
{
	uint8_t h[16];
	uint16_t type, length;
	uint32_t flags, id;
	bool fd;

	if (sim_req_read(r, 0, h, sizeof(h)) != sizeof(h))
		return 1;
	memcpy(&type, h, 2);
	memcpy(&length, h + 2, 2);
	memcpy(&flags, h + 8, 4);
	memcpy(&id, h + 12, 4);
	fd = flags & 0x4000;
	if (type != 0x0001 || sim_req_readable(r) != 16u + length)
		return 1;
	if (!M.started && M.fault != CF_STOPPED_SENDS)
		return 1;
	if ((flags & ~0xe000u) && M.fault != CF_FLAGS)
		return 1;
	if ((flags & 0x2000) && M.fault != CF_RTR)
		return 1;
	if (M.fault != CF_ANY_TYPE && !(s->driver_features & (fd ? F_FD : F_CLASSIC)))
		return 1;
	if (id > ((flags & 0x8000) ? 0x1fffffffu : 0x7ffu) && M.fault != CF_ID)
		return 1;
	if (length > (fd ? 64 : 8) && M.fault != CF_LENGTH)
		return 1;
	return 0;
}

static uint32_t can_serve(struct sim_dev *s, const struct sim_req *r)
{
	uint8_t res = 1;
	uint16_t type = 0;

	if (r->queue == 2) {
		sim_req_read(r, 0, &type, 2);
		if (type == 0x0201 || type == 0x0202) {
			M.started = type == 0x0201;
			res = 0;
		}
	} else if (r->queue == 0) {
		if (M.fault == CF_NO_RESULT)
			return 0;
		res = can_tx(s, r);
	}
	return sim_req_write(r, 0, &res, 1);
}

/* Nothing arrives from the bus: rxq buffers stay with the device. */
static bool can_hold(struct sim_dev *s, uint16_t q)
{
	(void)s;
	return q == 1;
}

struct can_case {
	const char *name;
	enum pf_check_id check;
	uint64_t features;
	enum can_fault fault;
	enum pf_verdict expect;
	const char *sub;
};

static const struct can_case cases[] = {
	{ "can clean classic", PF_CHK_CAN_TX, F_CLASSIC | F_FD, CF_NONE, PF_VERDICT_PASS, NULL },
	{ "can clean FD only", PF_CHK_CAN_TX, F_FD, CF_NONE, PF_VERDICT_PASS, NULL },
	{ "can: no frame type", PF_CHK_CAN_TX, 0, CF_NONE, PF_VERDICT_NA, NULL },
	{ "can: sends while stopped", PF_CHK_CAN_TX, F_CLASSIC, CF_STOPPED_SENDS, PF_VERDICT_FAIL,
	  "stopped" },
	{ "can: FD frame without CAN_FD", PF_CHK_CAN_TX, F_CLASSIC | F_FD, CF_ANY_TYPE,
	  PF_VERDICT_FAIL, "unnegotiated-type" },
	{ "can: classic frame without CAN_CLASSIC", PF_CHK_CAN_TX, F_FD, CF_ANY_TYPE,
	  PF_VERDICT_FAIL, "unnegotiated-type" },
	{ "can: RTR frame without RTR_FRAMES", PF_CHK_CAN_TX, F_CLASSIC, CF_RTR, PF_VERDICT_FAIL,
	  "unnegotiated-type" },
	{ "can: undefined flag", PF_CHK_CAN_TX, F_CLASSIC, CF_FLAGS, PF_VERDICT_FAIL,
	  "undefined-flag" },
	{ "can: can_id out of range", PF_CHK_CAN_TX, F_CLASSIC, CF_ID, PF_VERDICT_FAIL,
	  "id-range" },
	{ "can: length out of range", PF_CHK_CAN_TX, F_CLASSIC, CF_LENGTH, PF_VERDICT_FAIL,
	  "length-range" },
	{ "can: FD length out of range", PF_CHK_CAN_TX, F_FD, CF_LENGTH, PF_VERDICT_FAIL,
	  "length-range" },
	{ "can: no result byte", PF_CHK_CAN_TX, F_CLASSIC, CF_NO_RESULT, PF_VERDICT_FAIL,
	  "no-result" },
};

static struct ut_dev U;

static void test_case(void **state)
{
	const struct can_case *c = *state;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, CAN, V1 | c->features, 3, 64), 0);
	memset(&M, 0, sizeof(M));
	M.fault = c->fault;
	U.sim.serve = can_serve;
	U.sim.hold = can_hold;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_can, c, v);
}

UT_CHECK_TABLE_N(ut_checks_can, "checks_can", cases, struct can_case, test_case, ut_setup, NULL,
		 NULL, 0);

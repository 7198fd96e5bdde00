/* SPDX-License-Identifier: MIT */
/*
 * The input device suite (common/include/pf/checks_input.def) on a
 * simulated tablet: a model of 5.8's configuration (select/subsel answered
 * from a table, size 0 for anything else), a statusq that takes events and
 * an eventq that holds its buffers until there is input; faulty variants
 * break one rule each.
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

#define INPUT 18
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)

enum in_fault {
	IF_NONE,
	IF_STALE,	   /* an unsupported pair leaves size and u as they were */
	IF_SUBSEL_IGNORED, /* ID_* and PROP_BITS answered whatever subsel says */
	IF_ABS_ANY,	   /* ABS_INFO answered for axes EV_ABS does not offer */
	IF_NAME_NUL,	   /* a NUL inside ID_NAME's size */
	IF_NAME_TERM,	   /* ID_NAME's size counts its terminator (QEMU) */
	IF_REP,		   /* EV_REP offered with an empty bitmap (QEMU's keyboard) */
	IF_NAME_EMPTY,	   /* no ID_NAME */
	IF_NAME_OVER,	   /* ID_NAME size 130 */
	IF_UNSTABLE,	   /* ID_NAME differs from one read to the next */
	IF_DEVIDS_6,	   /* ID_DEVIDS of 6 bytes */
	IF_EMPTY_BITMAP,   /* EV_REL offered with no code set */
	IF_NO_EVENTS,	   /* no EV_BITS at all */
	IF_EV_OVER,	   /* EV_KEY size 200 */
	IF_ABS_SIZE,	   /* ABS_INFO of 16 bytes */
	IF_ABS_RANGE,	   /* ABS_INFO min > max */
	IF_STS_HOLD,	   /* the statusq never returns a buffer */
	IF_EVT_SHORT,	   /* the eventq returns 4-byte events */
};

struct in_model {
	enum in_fault fault;
	unsigned reads; /* ID_NAME selections (IF_UNSTABLE) */
};

static struct in_model M;

/* Fills u for (select, subsel) as the tablet answers; returns size. */
static uint8_t in_lookup(uint8_t sel, uint8_t sub, uint8_t *u)
{
	static const char name[] = "PF Tablet";
	bool sub_ok = sub == 0 || M.fault == IF_SUBSEL_IGNORED;

	switch (sel) {
	case 0x01: /* ID_NAME */
		if (!sub_ok || M.fault == IF_NAME_EMPTY)
			return 0;
		memcpy(u, name, sizeof(name) - 1);
		if (M.fault == IF_NAME_NUL)
			u[3] = 0;
		if (M.fault == IF_UNSTABLE)
			u[0] = (uint8_t)('A' + M.reads++ % 26);
		if (M.fault == IF_NAME_OVER)
			return 130;
		return M.fault == IF_NAME_TERM ? sizeof(name) : sizeof(name) - 1;
	case 0x03: /* ID_DEVIDS: bus 6 (virtual), vendor, product, version */
		if (!sub_ok)
			return 0;
		u[0] = 6;
		u[2] = 0x27;
		u[3] = 0x06;
		u[4] = 3;
		u[6] = 1;
		return M.fault == IF_DEVIDS_6 ? 6 : 8;
	case 0x11: /* EV_BITS */
		if (M.fault == IF_NO_EVENTS)
			return 0;
		if (sub == 0x01) { /* EV_KEY: BTN_LEFT, BTN_RIGHT */
			u[0x110 / 8] = 0x03;
			return M.fault == IF_EV_OVER ? 200 : 0x111 / 8 + 1;
		}
		if ((sub == 0x02 && M.fault == IF_EMPTY_BITMAP) ||
		    (sub == 0x14 && M.fault == IF_REP))
			return 1;
		if (sub == 0x03) { /* EV_ABS: ABS_X, ABS_Y */
			u[0] = 0x03;
			return 1;
		}
		return 0;
	case 0x12: /* ABS_INFO: 0 .. 32767 */
		if (sub > 1 && !(M.fault == IF_ABS_ANY && sub <= 0x3f))
			return 0;
		u[5] = 0x7f;
		u[4] = 0xff;
		if (M.fault == IF_ABS_RANGE)
			u[0] = 0xff, u[1] = 0xff, u[2] = 0xff, u[3] = 0x7f;
		return M.fault == IF_ABS_SIZE ? 16 : 20;
	}
	return 0;
}

static void in_config_write(struct sim_dev *s, uint32_t off, uint32_t len)
{
	uint8_t u[256];
	uint8_t size;

	(void)len;
	if (off > 1)
		return;
	memset(u, 0, sizeof(u));
	size = in_lookup(s->config[0], s->config[1], u);
	if (!size && M.fault == IF_STALE)
		return;
	s->config[2] = size;
	memcpy(s->config + 8, u, 128);
}

static uint32_t in_serve(struct sim_dev *s, const struct sim_req *r)
{
	static const uint8_t ev[4] = { 1, 0, 0x10, 0x01 };

	(void)s;
	if (r->queue == 0 && M.fault == IF_EVT_SHORT)
		return sim_req_write(r, 0, ev, sizeof(ev));
	return 0; /* statusq: read, nothing written */
}

static bool in_hold(struct sim_dev *s, uint16_t q)
{
	(void)s;
	if (q == 0)
		return M.fault != IF_EVT_SHORT; /* no input */
	return q == 1 && M.fault == IF_STS_HOLD;
}

struct in_case {
	const char *name;
	enum pf_check_id check;
	enum sim_transport transport;
	enum in_fault fault;
	uint64_t sim_faults;
	enum pf_verdict expect;
	const char *sub;
};

#define UNSUP PF_CHK_INPUT_CFG_UNSUPPORTED
#define IDS PF_CHK_INPUT_CFG_IDS
#define EVB PF_CHK_INPUT_CFG_EV_BITS
#define QS PF_CHK_INPUT_QUEUES
#define FAIL PF_VERDICT_FAIL

static const struct in_case cases[] = {
	{ "input unsupported clean mmio", UNSUP, SIM_MMIO_V2, IF_NONE, 0, PF_VERDICT_PASS, NULL },
	{ "input unsupported clean pci", UNSUP, SIM_PCI, IF_NONE, 0, PF_VERDICT_PASS, NULL },
	{ "input unsupported: stale size", UNSUP, SIM_MMIO_V2, IF_STALE, 0, FAIL, "size-nonzero" },
	{ "input unsupported: subsel ignored", UNSUP, SIM_MMIO_V2, IF_SUBSEL_IGNORED, 0, FAIL,
	  "size-nonzero" },
	{ "input unsupported: ABS_INFO of an absent axis", UNSUP, SIM_MMIO_V2, IF_ABS_ANY, 0, FAIL,
	  "abs-absent-nonzero" },
	{ "input ids clean mmio", IDS, SIM_MMIO_V2, IF_NONE, 0, PF_VERDICT_PASS, NULL },
	{ "input ids clean pci", IDS, SIM_PCI, IF_NONE, 0, PF_VERDICT_PASS, NULL },
	{ "input ids, terminator counted", IDS, SIM_MMIO_V2, IF_NAME_TERM, 0, PF_VERDICT_PASS,
	  NULL },
	{ "input ids: NUL in the name", IDS, SIM_MMIO_V2, IF_NAME_NUL, 0, PF_VERDICT_WARN,
	  "string-bytes" },
	{ "input ids: no name", IDS, SIM_MMIO_V2, IF_NAME_EMPTY, 0, PF_VERDICT_WARN, "name-empty" },
	{ "input ids: name past the union", IDS, SIM_MMIO_V2, IF_NAME_OVER, 0, PF_VERDICT_WARN,
	  "size-over-union" },
	{ "input ids: name changes", IDS, SIM_MMIO_V2, IF_UNSTABLE, 0, PF_VERDICT_WARN,
	  "unstable" },
	{ "input ids: 6-byte devids", IDS, SIM_MMIO_V2, IF_DEVIDS_6, 0, PF_VERDICT_WARN,
	  "devids-size" },
	{ "input ev-bits clean mmio", EVB, SIM_MMIO_V2, IF_NONE, 0, PF_VERDICT_PASS, NULL },
	{ "input ev-bits clean pci", EVB, SIM_PCI, IF_NONE, 0, PF_VERDICT_PASS, NULL },
	{ "input ev-bits, EV_REP without codes", EVB, SIM_MMIO_V2, IF_REP, 0, PF_VERDICT_PASS,
	  NULL },
	{ "input ev-bits: empty bitmap", EVB, SIM_MMIO_V2, IF_EMPTY_BITMAP, 0, PF_VERDICT_WARN,
	  "empty-bitmap" },
	{ "input ev-bits: no event types", EVB, SIM_MMIO_V2, IF_NO_EVENTS, 0, PF_VERDICT_WARN,
	  "no-event-types" },
	{ "input ev-bits: bitmap past the union", EVB, SIM_MMIO_V2, IF_EV_OVER, 0, PF_VERDICT_WARN,
	  "size-over-union" },
	{ "input ev-bits: short ABS_INFO", EVB, SIM_MMIO_V2, IF_ABS_SIZE, 0, PF_VERDICT_WARN,
	  "abs-info-size" },
	{ "input ev-bits: min above max", EVB, SIM_MMIO_V2, IF_ABS_RANGE, 0, PF_VERDICT_WARN,
	  "abs-range" },
	{ "input queues clean mmio", QS, SIM_MMIO_V2, IF_NONE, 0, PF_VERDICT_PASS, NULL },
	{ "input queues clean pci", QS, SIM_PCI, IF_NONE, 0, PF_VERDICT_PASS, NULL },
	{ "input queues: statusq never returns", QS, SIM_MMIO_V2, IF_STS_HOLD, 0, FAIL, "no-used" },
	{ "input queues: statusq used len counts what was read", QS, SIM_MMIO_V2, IF_NONE,
	  SIM_F_USED_LEN_LONG, FAIL, "used-len" },
	{ "input queues: 4-byte events", QS, SIM_MMIO_V2, IF_EVT_SHORT, 0, PF_VERDICT_WARN,
	  "event-len" },
};

static struct ut_dev U;

static void test_case(void **state)
{
	const struct in_case *c = *state;
	struct virtio_dev *d = &U.dev;
	enum pf_verdict v;

	if (c->transport == SIM_PCI) {
		d = ut_pci_open(&U, INPUT, V1, c->sim_faults, 0);
		assert_non_null(d);
	} else {
		assert_int_equal(
			ut_mmio_open_faulty(&U, c->transport, INPUT, V1, 2, 64, c->sim_faults), 0);
	}
	memset(&M, 0, sizeof(M));
	M.fault = c->fault;
	memset(U.sim.config, 0, sizeof(U.sim.config));
	U.sim.config_len = 136;
	U.sim.serve = in_serve;
	U.sim.hold = in_hold;
	U.sim.config_write = in_config_write;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, d);
	UT_CHECK_ROW(&ut_checks_input, c, v);
}

UT_CHECK_TABLE_N(ut_checks_input, "checks_input", cases, struct in_case, test_case, ut_setup, NULL,
		 NULL, 0);

/* SPDX-License-Identifier: MIT */
/*
 * The SCMI suite (common/include/pf/checks_scmi.def) on a simulated SCMI
 * platform that knows the BASE protocol only and offers no P2A channels;
 * the faulty models each break one rule of 5.17.6.1.1.
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

#define SCMI 32
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)

enum scmi_fault {
	MF_NONE,
	MF_ERROR_VALUES, /* an error status followed by return values */
	MF_NOTIFY,	 /* BASE_NOTIFY_ERRORS accepted without P2A */
	MF_ADVERTISE,	 /* BASE_NOTIFY_ERRORS advertised without P2A */
	MF_UNKNOWN_OK,	 /* unknown messages answer SUCCESS */
	MF_BURST,	 /* holds commands beyond the fourth in flight */
	MF_HDR,		 /* response header with another token */
	MF_DELAYED,	 /* async sensor reads accepted without P2A */
};

static struct {
	enum scmi_fault fault;
	unsigned served; /* commands answered since the last notification */
} M;

static uint32_t scmi_serve(struct sim_dev *s, const struct sim_req *r)
{
	uint32_t hdr = 0, out[3] = { 0 }, n = 8;
	uint8_t msg, proto;

	(void)s;
	sim_req_read(r, 0, &hdr, 4);
	msg = (uint8_t)hdr;
	proto = (uint8_t)(hdr >> 10);
	out[0] = M.fault == MF_HDR ? hdr ^ (1u << 18) : hdr;
	if (proto == 0x15 && msg == 6 && M.fault == MF_DELAYED) {
		out[1] = 0;
	} else if (proto != 0x10) {
		out[1] = (uint32_t)-1;
	} else if (msg == 0) {
		out[2] = 0x20000;
		n = 12;
	} else if (msg == 2) {
		out[1] = M.fault == MF_ADVERTISE ? 0 : (uint32_t)-4;
		n = M.fault == MF_ADVERTISE ? 12 : 8;
	} else if (msg == 8 && M.fault == MF_NOTIFY) {
		out[1] = 0;
	} else {
		out[1] = M.fault == MF_UNKNOWN_OK ? 0 : (uint32_t)-1;
	}
	if (out[1] && M.fault == MF_ERROR_VALUES)
		n = 12;
	return sim_req_write(r, 0, out, n);
}

/* MF_BURST: a device that loses commands past the fourth of a burst. */
static bool scmi_hold(struct sim_dev *s, uint16_t q)
{
	(void)s;
	(void)q;
	if (M.fault != MF_BURST)
		return false;
	return ++M.served > 5;
}

struct scmi_case {
	const char *name;
	enum pf_check_id check;
	enum scmi_fault fault;
	enum pf_verdict expect;
	const char *sub;
};

static const struct scmi_case cases[] = {
	{ "scmi clean", PF_CHK_SCMI_BASE, MF_NONE, PF_VERDICT_PASS, NULL },
	{ "scmi: values after an error", PF_CHK_SCMI_BASE, MF_ERROR_VALUES, PF_VERDICT_FAIL,
	  "error-size" },
	{ "scmi: notifications without P2A", PF_CHK_SCMI_BASE, MF_NOTIFY, PF_VERDICT_FAIL,
	  "notify-without-p2a" },
	{ "scmi: advertises notifications without P2A", PF_CHK_SCMI_BASE, MF_ADVERTISE,
	  PF_VERDICT_FAIL, "advertised-without-p2a" },
	{ "scmi: unknown message answers SUCCESS", PF_CHK_SCMI_BASE, MF_UNKNOWN_OK, PF_VERDICT_FAIL,
	  "unknown-message" },
	{ "scmi: a burst is not processed", PF_CHK_SCMI_BASE, MF_BURST, PF_VERDICT_FAIL,
	  "burst/no-used" },
	{ "scmi: delayed response without P2A", PF_CHK_SCMI_BASE, MF_DELAYED, PF_VERDICT_FAIL,
	  "delayed-without-p2a" },
	{ "scmi: response header of another command", PF_CHK_SCMI_BASE, MF_HDR, PF_VERDICT_WARN,
	  "hdr" },
};

static struct ut_dev U;

static void test_case(void **state)
{
	const struct scmi_case *c = *state;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, SCMI, V1, 2, 64), 0);
	memset(&M, 0, sizeof(M));
	M.fault = c->fault;
	U.sim.serve = scmi_serve;
	U.sim.hold = scmi_hold;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_scmi, c, v);
}

UT_CHECK_TABLE_N(ut_checks_scmi, "checks_scmi", cases, struct scmi_case, test_case, ut_setup, NULL,
		 NULL, 0);

/* SPDX-License-Identifier: MIT */
/*
 * The RPMB suite (common/include/pf/checks_rpmb.def) on a simulated RPMB
 * device with no key programmed (5.12.6: GET_WRITE_COUNTER answers
 * NO_AUTH_KEY) and with a key and a counter; the faulty models break one
 * field each.
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

#define RPMB 28
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)

enum rpmb_fault {
	RF_NONE,
	RF_KEYED,    /* clean, key programmed, counter 5 */
	RF_REQ_RESP, /* answers with the request's req_resp */
	RF_NONCE,    /* does not copy the nonce */
	RF_SHORT,    /* used len of half a frame */
	RF_COUNTER,  /* the counter moves on every read */
	RF_RESULT,   /* result 0x0042 */
};

static struct {
	enum rpmb_fault fault;
	uint32_t counter;
} M;

static uint32_t rpmb_serve(struct sim_dev *s, const struct sim_req *r)
{
	uint8_t f[512];

	(void)s;
	if (sim_req_read(r, 0, f, sizeof(f)) != sizeof(f) || f[511] != 2)
		return 0;
	memset(f, 0, 484);
	if (M.fault == RF_NONCE)
		memset(f + 484, 0, 16);
	f[500] = (uint8_t)(M.counter >> 24);
	f[501] = (uint8_t)(M.counter >> 16);
	f[502] = (uint8_t)(M.counter >> 8);
	f[503] = (uint8_t)M.counter;
	f[509] = M.fault == RF_KEYED || M.fault == RF_COUNTER ? 0 : 7;
	if (M.fault == RF_RESULT)
		f[509] = 0x42;
	f[510] = M.fault == RF_REQ_RESP ? 0x00 : 0x02;
	f[511] = M.fault == RF_REQ_RESP ? 0x02 : 0x00;
	if (M.fault == RF_COUNTER)
		M.counter++;
	sim_req_write(r, 0, f, sizeof(f));
	return M.fault == RF_SHORT ? 256 : 512;
}

struct rpmb_case {
	const char *name;
	enum pf_check_id check;
	uint8_t capacity;
	enum rpmb_fault fault;
	enum pf_verdict expect;
	const char *sub;
};

static const struct rpmb_case cases[] = {
	{ "rpmb config 128 KiB", PF_CHK_RPMB_CONFIG, 1, RF_NONE, PF_VERDICT_PASS, NULL },
	{ "rpmb config 16 MiB", PF_CHK_RPMB_CONFIG, 128, RF_NONE, PF_VERDICT_PASS, NULL },
	{ "rpmb: capacity 0", PF_CHK_RPMB_CONFIG, 0, RF_NONE, PF_VERDICT_FAIL, "capacity" },
	{ "rpmb: capacity past 16 MiB", PF_CHK_RPMB_CONFIG, 129, RF_NONE, PF_VERDICT_FAIL,
	  "capacity" },
	{ "rpmb counter, no key", PF_CHK_RPMB_COUNTER, 1, RF_NONE, PF_VERDICT_PASS, NULL },
	{ "rpmb counter, key", PF_CHK_RPMB_COUNTER, 1, RF_KEYED, PF_VERDICT_PASS, NULL },
	{ "rpmb: req_resp not a response", PF_CHK_RPMB_COUNTER, 1, RF_REQ_RESP, PF_VERDICT_WARN,
	  "req-resp" },
	{ "rpmb: nonce not copied", PF_CHK_RPMB_COUNTER, 1, RF_NONCE, PF_VERDICT_WARN, "nonce" },
	{ "rpmb: half a frame", PF_CHK_RPMB_COUNTER, 1, RF_SHORT, PF_VERDICT_WARN, "frame-len" },
	{ "rpmb: counter moves on reads", PF_CHK_RPMB_COUNTER, 1, RF_COUNTER, PF_VERDICT_WARN,
	  "counter-moved" },
	{ "rpmb: unknown result code", PF_CHK_RPMB_COUNTER, 1, RF_RESULT, PF_VERDICT_WARN,
	  "result" },
};

static struct ut_dev U;

static void test_case(void **state)
{
	const struct rpmb_case *c = *state;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, RPMB, V1, 1, 64), 0);
	U.sim.config[0] = c->capacity;
	U.sim.config[1] = 2;
	U.sim.config[2] = 2;
	memset(&M, 0, sizeof(M));
	M.fault = c->fault;
	M.counter = 5;
	U.sim.serve = rpmb_serve;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_rpmb, c, v);
}

UT_CHECK_TABLE_N(ut_checks_rpmb, "checks_rpmb", cases, struct rpmb_case, test_case, ut_setup, NULL,
		 NULL, 0);

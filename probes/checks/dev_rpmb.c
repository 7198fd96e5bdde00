/* SPDX-License-Identifier: MIT */
/* The RPMB device suite (5.12). */
#include <string.h>

#include "dev_queue.h"
#include "report.h"

#define RPMB_REQUESTQ 0

#define RPMB_REQ_GET_WRITE_COUNTER 0x0002
#define RPMB_RESP_GET_COUNTER 0x0200
#define RPMB_RES_OK 0x0000
#define RPMB_RES_NO_AUTH_KEY 0x0007
#define RPMB_RES_COUNTER_EXPIRED 0x0080

/* struct virtio_rpmb_frame: 512 bytes, big-endian fields at the end. */
#define RPMB_FRAME 512u
#define RPMB_NONCE 484u
#define RPMB_WRITE_COUNTER 500u
#define RPMB_BLOCK_COUNT 506u
#define RPMB_RESULT 508u
#define RPMB_REQ_RESP 510u

static uint32_t be(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

void check_RPMB_CONFIG(struct pf_test *t)
{
	struct chk_dev c;
	uint8_t cap;

	if (!chk_dev_open(t, &c, 0, 1, false))
		return;
	cap = (uint8_t)chk_dev_cfg(&c, 0, 1);
	report_log(t, 1, "capacity %u x 128 KiB, max_wr_cnt %u, max_rd_cnt %u", cap,
		   (unsigned)chk_dev_cfg(&c, 1, 1), (unsigned)chk_dev_cfg(&c, 2, 1));
	report(t, cap >= 1 && cap <= 0x80, "capacity",
	       "capacity %u: must be 1 to 128 units of 128 KiB", cap);
	chk_dev_close(&c);
}

/* One GET_WRITE_COUNTER with `nonce`; false when the check cannot go on. */
static bool rpmb_counter(struct pf_test *t, struct chk_dev *c, uint8_t nonce, uint8_t *resp)
{
	uint8_t req[RPMB_FRAME];
	uint32_t len;
	uint16_t res, rr;

	memset(req, 0, sizeof(req));
	memset(req + RPMB_NONCE, nonce, 16);
	req[RPMB_BLOCK_COUNT + 1] = 1;
	req[RPMB_REQ_RESP + 1] = RPMB_REQ_GET_WRITE_COUNTER;
	if (chk_dev_request(t, c, RPMB_REQUESTQ, req, sizeof(req), resp, RPMB_FRAME, &len,
			    "GET_WRITE_COUNTER") != 1)
		return false;
	if (!report_should(t, len == RPMB_FRAME, "frame-len",
			   "GET_WRITE_COUNTER: used len %u, one %u-byte frame expected", len,
			   RPMB_FRAME))
		return false;
	rr = (uint16_t)be(resp + RPMB_REQ_RESP, 2);
	res = (uint16_t)be(resp + RPMB_RESULT, 2);
	report_should(t, rr == RPMB_RESP_GET_COUNTER, "req-resp",
		      "req_resp 0x%04x, RESP_GET_COUNTER (0x0200) expected", rr);
	report_should(t, (res & 0x7f) <= RPMB_RES_NO_AUTH_KEY, "result",
		      "result 0x%04x is none of the chapter's codes", res);
	for (unsigned i = 0; i < 16; i++)
		if (!report_should(t, resp[RPMB_NONCE + i] == nonce, "nonce",
				   "nonce byte %u: 0x%02x, the request's 0x%02x expected", i,
				   resp[RPMB_NONCE + i], nonce))
			break;
	return true;
}

void check_RPMB_COUNTER(struct pf_test *t)
{
	uint8_t a[RPMB_FRAME], b[RPMB_FRAME];
	struct chk_dev c;

	if (!chk_dev_open(t, &c, 0, 1, true))
		return;
	if (rpmb_counter(t, &c, 0x3c, a) && rpmb_counter(t, &c, 0xc3, b)) {
		uint16_t res = (uint16_t)be(a + RPMB_RESULT, 2);

		report_log(t, 1, "result 0x%04x, write counter %u", res,
			   (unsigned)be(a + RPMB_WRITE_COUNTER, 4));
		/* nothing was written in between: the counter stays */
		if ((res & 0x7f) == RPMB_RES_OK)
			report_should(
				t, be(a + RPMB_WRITE_COUNTER, 4) == be(b + RPMB_WRITE_COUNTER, 4),
				"counter-moved", "the write counter changed from %u to %u",
				(unsigned)be(a + RPMB_WRITE_COUNTER, 4),
				(unsigned)be(b + RPMB_WRITE_COUNTER, 4));
	}
	chk_dev_close(&c);
}

/* SPDX-License-Identifier: MIT */
/* The CAN device suite (5.20). */
#include <string.h>

#include "dev_queue.h"
#include "report.h"

#define CAN_TXQ 0
#define CAN_CONTROLQ 2

#define CAN_F_CLASSIC 0
#define CAN_F_FD 1

#define CAN_TX 0x0001
#define CAN_START 0x0201
#define CAN_STOP 0x0202
#define CAN_RESULT_OK 0

#define CAN_FLAG_RTR 0x2000u
#define CAN_FLAG_FD 0x4000u
#define CAN_FLAG_EXTENDED 0x8000u

/* struct virtio_can_tx_out with room for a CAN FD payload. */
struct can_tx_out {
	uint16_t msg_type;
	uint16_t length;
	uint8_t reserved_classic_dlc;
	uint8_t padding;
	uint16_t reserved_xl_priority;
	uint32_t flags;
	uint32_t can_id;
	uint8_t sdu[72];
};
#define CAN_TX_HDR 16u

/* One request whose answer is a single result byte: 0 (OK), another value
 * (NOT_OK), or -1 when the check cannot go on (reported). */
static int can_result(struct pf_test *t, struct chk_dev *c, uint16_t q, const void *out,
		      uint32_t out_len, const char *what)
{
	uint8_t res = 0xff;
	uint32_t len;

	if (chk_dev_request(t, c, q, out, out_len, &res, 1, &len, what) != 1)
		return -1;
	if (!report(t, len == 1, "no-result", "%s: used len %u, the result byte not written", what,
		    len))
		return -1;
	return res;
}

static int can_control(struct pf_test *t, struct chk_dev *c, uint16_t msg_type, const char *what)
{
	uint16_t out = msg_type;

	return can_result(t, c, CAN_CONTROLQ, &out, sizeof(out), what);
}

static int can_send(struct pf_test *t, struct chk_dev *c, uint32_t flags, uint32_t id,
		    uint16_t length, const char *what)
{
	struct can_tx_out f;

	memset(&f, 0, sizeof(f));
	f.msg_type = CAN_TX;
	f.length = length;
	f.flags = flags;
	f.can_id = id;
	for (unsigned i = 0; i < sizeof(f.sdu); i++)
		f.sdu[i] = (uint8_t)(0x40 + i);
	if (length > sizeof(f.sdu))
		length = sizeof(f.sdu);
	return can_result(t, c, CAN_TXQ, &f, CAN_TX_HDR + length, what);
}

/* A frame the device must answer with NOT_OK (5.20.5.2). */
static bool can_reject(struct pf_test *t, struct chk_dev *c, const char *sub, uint32_t flags,
		       uint32_t id, uint16_t length, const char *what)
{
	int r = can_send(t, c, flags, id, length, what);

	if (r < 0)
		return false;
	report(t, r != CAN_RESULT_OK, sub, "%s: RESULT_OK, must be RESULT_NOT_OK", what);
	return true;
}

void check_CAN_TX(struct pf_test *t)
{
	struct chk_dev c;
	uint32_t fd; /* the FD flag of the one frame type negotiated */
	uint16_t max_len;
	int r;

	/* one frame type only, so the other one is "not negotiated" */
	if (!chk_dev_open(t, &c, VIRTIO_BIT(CAN_F_CLASSIC), 3, true))
		return;
	if (!chk_dev_has(&c, CAN_F_CLASSIC)) {
		chk_dev_close(&c);
		if (!chk_dev_open(t, &c, VIRTIO_BIT(CAN_F_FD), 3, true))
			return;
	}
	if (c.nqueues < 3) {
		report_error(t, "the device has %u queues, a CAN device has 3", c.nqueues);
		goto out;
	}
	fd = chk_dev_has(&c, CAN_F_FD) ? CAN_FLAG_FD : 0;
	if (!fd && !chk_dev_has(&c, CAN_F_CLASSIC)) {
		report_na(t, "the device offers neither CAN_CLASSIC nor CAN_FD");
		goto out;
	}
	max_len = fd ? 64 : 8;
	/* initially STOPPED: an invalid state for transmission */
	if (!can_reject(t, &c, "stopped", fd, 0x123, 8, "a valid frame before START"))
		goto out;
	r = can_control(t, &c, CAN_START, "SET_CTRL_MODE_START");
	if (r < 0)
		goto out;
	if (r != CAN_RESULT_OK) {
		report_skip(t, "the controller did not start (result %d)", r);
		goto out;
	}
	r = can_send(t, &c, fd, 0x123, 8, "a valid frame");
	if (r < 0)
		goto out;
	report_log(t, 1, "a valid frame after START: result %d", r);
	if (!can_reject(t, &c, "unnegotiated-type", fd ^ CAN_FLAG_FD, 0x123, 8,
			fd ? "a classic frame, CAN_CLASSIC not negotiated"
			   : "an FD frame, CAN_FD not negotiated") ||
	    !can_reject(t, &c, "unnegotiated-type", fd | CAN_FLAG_RTR, 0x123, 0,
			"an RTR frame, RTR_FRAMES not negotiated") ||
	    !can_reject(t, &c, "undefined-flag", fd | 0x0001, 0x123, 8,
			"a frame with undefined flag bit 0") ||
	    !can_reject(t, &c, "id-range", fd, 0x800, 8, "a standard can_id of 0x800") ||
	    !can_reject(t, &c, "id-range", fd | CAN_FLAG_EXTENDED, 0x20000000, 8,
			"an extended can_id of 0x20000000") ||
	    !can_reject(t, &c, "length-range", fd, 0x123, max_len + 1, "a too long frame"))
		goto out;
	r = can_control(t, &c, CAN_STOP, "SET_CTRL_MODE_STOP");
	if (r == CAN_RESULT_OK)
		can_reject(t, &c, "stopped", fd, 0x123, 8, "a valid frame after STOP");
out:
	chk_dev_close(&c);
}

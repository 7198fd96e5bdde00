/* SPDX-License-Identifier: MIT */
/*
 * What the device suites drive a device with: the device brought up as its
 * driver would (every queue a split ring, the features the suite asks for),
 * and requests made of a device-readable part and a device-writable part,
 * each copied through a bounce block between guard bytes so that a device
 * writing outside its buffers shows (sub-cases guard-before / guard-after,
 * as in the ring checks). Every wait is the calibrated one of timing.h.
 *
 * Usage, in a check of probes/checks/dev_<type>.c:
 *
 *	struct chk_dev c;
 *	if (!chk_dev_open(t, &c, VIRTIO_BIT(VIRTIO_BLK_F_FLUSH), 0))
 *		return;
 *	rc = chk_dev_request(t, &c, 0, &hdr, sizeof(hdr), in, sizeof(in), &len);
 *	...
 *	chk_dev_close(&c);
 */
#ifndef PF_CHECKS_DEV_QUEUE_H
#define PF_CHECKS_DEV_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"
#include "virtio/virtio.h"
#include "virtio/virtqueue_split.h"

#define CHK_DEV_QSIZE 16      /* ring entries per queue (fewer if the device has fewer) */
#define CHK_DEV_BOUNCE 16384u /* bytes of each part of one request, at most */
#define CHK_DEV_SLOTS 8	      /* requests in flight per queue, at most */

struct chk_dev_slot {
	uint8_t *mem; /* guard | readable | guard | writable | guard */
	uint32_t out_len, in_len;
	bool busy;
};

struct chk_dev {
	struct virtio_dev *dev;
	uint64_t features; /* negotiated */
	uint16_t nqueues;  /* queues set up (0 .. nqueues-1) */
	struct virtq_split vq[VIRTIO_MAX_QUEUES];
	struct chk_dev_slot slot[VIRTIO_MAX_QUEUES][CHK_DEV_SLOTS];
	/* 0, or where chk_dev_post splits the readable / writable part into
	 * two descriptors (a header in its own descriptor, as drivers do) */
	uint32_t split_out, split_in;
};

/*
 * Negotiates `want` (masked by what the device offers, VERSION_1 and the
 * default ring features added, packed rings left out), sets up every queue
 * (at most `max_queues`, 0 = all) and reaches DRIVER_OK unless `driver_ok`
 * is false. Reports on t and returns false if the check cannot go on.
 */
bool chk_dev_open(struct pf_test *t, struct chk_dev *c, uint64_t want, uint16_t max_queues,
		  bool driver_ok);

/* Whether feature bit `bit` was negotiated. */
bool chk_dev_has(const struct chk_dev *c, unsigned bit);

/*
 * Posts one request on queue q without waiting: `out_len` bytes of `out`
 * device-readable, then `in_len` device-writable bytes (pre-filled with
 * CHK_DEV_FILL). Either part may be empty. Returns the slot (>= 0, the
 * token of its used buffer) or a negative PF_E* code, reported on t.
 */
#define CHK_DEV_FILL 0xa5
int chk_dev_post(struct pf_test *t, struct chk_dev *c, uint16_t q, const void *out,
		 uint32_t out_len, uint32_t in_len);

/*
 * Waits (calibrated, re-tried) for the next used buffer of queue q. On 1,
 * *slot is the request's slot and *len the used len, checked against the
 * writable bytes offered (sub-case used-len) and the guards intact; the
 * slot is free again and chk_dev_in() gives its writable bytes until the
 * next post. Returns 1, PF_ETIMEDOUT (not reported: the caller says what
 * was missing) or a VQ_E_DEV_* code (reported).
 */
int chk_dev_wait(struct pf_test *t, struct chk_dev *c, uint16_t q, int *slot, uint32_t *len);

/* The device-writable bytes of a slot's last request. */
const uint8_t *chk_dev_in(const struct chk_dev *c, uint16_t q, int slot);

/*
 * One request, posted and waited for: copies up to in_cap written bytes to
 * `in` (may be NULL). A request not completed in time is a failure with
 * sub-case `no-used`, naming `what`. Returns 1 or a negative code.
 */
int chk_dev_request(struct pf_test *t, struct chk_dev *c, uint16_t q, const void *out,
		    uint32_t out_len, void *in, uint32_t in_cap, uint32_t *len, const char *what);

/* Notifies queue q of what was posted (chk_dev_post publishes only). */
void chk_dev_kick(struct chk_dev *c, uint16_t q);

/* Device config helpers: reads of `width` bytes at `off`. */
uint64_t chk_dev_cfg(const struct chk_dev *c, uint32_t off, unsigned width);

/* Resets the device (the check's last step). */
void chk_dev_close(struct chk_dev *c);

#endif

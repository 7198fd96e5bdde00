/* SPDX-License-Identifier: MIT */
/*
 * Device status bits that only traffic shows: DEVICE_NEEDS_RESET after a
 * malformed chain (2.1.2; an adversarial check), and SUSPEND (3.4.2).
 */
#include <string.h>

#include "helpers.h"
#include "platform.h"
#include "ring.h"

#define SMALL_RING 16
/* calibrated (timing.h) */
#define NEEDS_RESET_WAIT_NS chk_wait_ns()		 /* for DEVICE_NEEDS_RESET */
#define SUSPEND_WAIT_NS (chk_wait_ns() + chk_retry_ns()) /* SUSPEND / resume */
#define QUIET_NS chk_quiet_ns()

#define DRIVER_BITS (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK)

enum malformed {
	HEAD_OUT_OF_RANGE, /* avail->ring[] names descriptor num + 3 (2.7.6) */
	DESC_LOOP,	   /* the last descriptor's next points at the head (2.7.4.2) */
};

static const char *const malformed_name[] = { "head index beyond the queue size",
					      "descriptor loop" };
static const char *const malformed_case[] = { "head-beyond-size", "descriptor-loop" };

static bool roundtrip(struct pf_test *t, struct chk_ring *r, uint16_t slot)
{
	struct virtq_used_info u;
	int head = chk_ring_submit(r, slot, 1, VQ_ADD_DIRECT);

	if (head < 0) {
		report_error(t, "driver could not add a request: %s", virtq_strerror(head));
		return false;
	}
	return chk_ring_complete(t, r, &u) >= 0;
}

/* Makes one malformed chain available and notifies. */
static bool feed(struct pf_test *t, struct chk_ring *r, enum malformed kind)
{
	struct virtq_sg sg[RING_MAX_SG];
	unsigned n = chk_ring_request(r, 1, sg, 2);
	int head = virtq_split_add(&r->vq, sg, n, VQ_ADD_DIRECT, 1);
	uint16_t slot = r->vq.avail_idx - 1u;

	if (head < 0) {
		report_error(t, "driver could not add a request: %s", virtq_strerror(head));
		return false;
	}
	if (kind == HEAD_OUT_OF_RANGE) {
		r->vq.avail->ring[slot & (r->vq.num - 1u)] = (uint16_t)(r->vq.num + 3u);
	} else {
		uint16_t last = r->vq.state[head].last;

		r->vq.desc[last].flags |= VIRTQ_DESC_F_NEXT;
		r->vq.desc[last].next = (uint16_t)head;
	}
	/* the broken entry is complete before avail->idx publishes it */
	virtq_split_publish(&r->vq);
	virtq_split_notify(&r->vq);
	return true;
}

/* One malformed chain on a fresh ring, what the device does about it, and
 * whether it works again after a reset. */
static void malformed_once(struct pf_test *t, enum malformed kind)
{
	struct chk_ring r;
	struct virtq_used_info u;
	uint64_t start;
	uint8_t st;
	uint32_t isr = 0;

	report_case(t, malformed_case[kind], malformed_name[kind]);
	if (!chk_ring_open(t, &r, 0, SMALL_RING, 0, true))
		goto out;
	if (!roundtrip(t, &r, 0))
		goto out;
	chk_isr_take(r.dev);
	if (!feed(t, &r, kind))
		goto out;
	start = arch_now_ns();
	do {
		arch_delay_ns(100000);
		st = r.dev->ops->get_status(r.dev);
	} while (!(st & VIRTIO_STATUS_DEVICE_NEEDS_RESET) &&
		 arch_now_ns() - start < NEEDS_RESET_WAIT_NS);
	/* the notification follows the status bit: waited for when due */
	isr = chk_isr_take(r.dev);
	for (start = arch_now_ns(); (st & VIRTIO_STATUS_DEVICE_NEEDS_RESET) &&
				    !(isr & VIRTIO_ISR_CONFIG) &&
				    arch_now_ns() - start < chk_wait_ns();) {
		arch_delay_ns(20000);
		isr |= chk_isr_take(r.dev);
	}
	/* alive: the status still holds what the driver set. No device MUST
	 * keeps the driver's bits (2.1.2 asks only, SHOULD, for
	 * DEVICE_NEEDS_RESET: basic.status.needs-reset-on-error), so a
	 * device that drops them is warned about, not failed. */
	report_should(t, st != 0xff && (st & DRIVER_BITS) == DRIVER_BITS, "device-status",
		      "device status reads 0x%02x after the malformed chain", st);
	if (st & VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
		report_log(t, 1, "%s: DEVICE_NEEDS_RESET set (status 0x%02x, ISR 0x%x)",
			   malformed_name[kind], st, isr);
		report(t, isr & VIRTIO_ISR_CONFIG, "no-config-notification",
		       "DEVICE_NEEDS_RESET set without a configuration-change notification (ISR "
		       "0x%x)",
		       isr);
	} else {
		/* ignored: a good request must then still be served */
		int head = chk_ring_submit(&r, 2, 1, VQ_ADD_DIRECT);
		int rc = head < 0 ? head : chk_split_poll(&r.vq, &u);

		while (rc == VQ_E_DEV_ID_NOT_INFLIGHT || (rc == 1 && u.token != 2))
			rc = chk_split_poll(&r.vq, &u);
		report_log(t, 1, "%s: no DEVICE_NEEDS_RESET (status 0x%02x), queue %s",
			   malformed_name[kind], st, rc == 1 ? "still works" : "stopped");
		/* a legacy device has no DEVICE_NEEDS_RESET to set (2.1, 4.2.4) */
		if (r.dev->mode != VIRTIO_MODE_LEGACY)
			report_should(
				t, rc == 1, "queue-stopped",
				"queue stopped without DEVICE_NEEDS_RESET (status 0x%02x): %s", st,
				rc == 1 ? "" : virtq_strerror(rc));
	}
	chk_ring_close(&r);
	/* a reset brings it back */
	report_case(t, "after-reset", "after reset");
	if (!chk_ring_open(t, &r, 0, SMALL_RING, 0, true))
		goto out;
	report(t, !(r.dev->ops->get_status(r.dev) & VIRTIO_STATUS_DEVICE_NEEDS_RESET),
	       "survives-reset", "DEVICE_NEEDS_RESET survives a device reset");
	roundtrip(t, &r, 0);
out:
	chk_ring_close(&r);
}

void check_NEEDS_RESET_MALFORMED(struct pf_test *t)
{
	malformed_once(t, HEAD_OUT_OF_RANGE);
	if (!report_stopped(t))
		malformed_once(t, DESC_LOOP);
}

/* Polls the status until (st & mask) == want or DEVICE_NEEDS_RESET. */
static uint8_t wait_status(struct virtio_dev *d, uint8_t mask, uint8_t want)
{
	uint64_t start = arch_now_ns();
	uint8_t st;

	for (;;) {
		st = d->ops->get_status(d);
		if ((st & mask) == want || (st & VIRTIO_STATUS_DEVICE_NEEDS_RESET))
			return st;
		if (arch_now_ns() - start > SUSPEND_WAIT_NS)
			return st;
		arch_delay_ns(10000);
	}
}

void check_SUSPEND(struct pf_test *t)
{
	const uint8_t both = VIRTIO_STATUS_SUSPEND | VIRTIO_STATUS_DRIVER_OK;
	struct chk_ring r;
	struct virtq_used_info u;
	unsigned n;
	uint16_t used;
	uint32_t isr;
	uint8_t st;

	memset(&r, 0, sizeof(r));
	if (!chk_offered(t, VIRTIO_F_SUSPEND, "VIRTIO_F_SUSPEND"))
		return;
	report_case(t, "before-driver-ok", "before DRIVER_OK");
	if (!chk_ring_open(t, &r, VIRTIO_BIT(VIRTIO_F_SUSPEND), SMALL_RING, 0, false))
		goto out;
	virtio_add_status(r.dev, VIRTIO_STATUS_SUSPEND);
	st = r.dev->ops->get_status(r.dev);
	report(t, !(st & VIRTIO_STATUS_SUSPEND), "suspend-taken",
	       "SUSPEND taken before DRIVER_OK (status 0x%02x)", st);
	if (st & VIRTIO_STATUS_SUSPEND)
		goto out;
	virtio_add_status(r.dev, VIRTIO_STATUS_DRIVER_OK);
	if (!roundtrip(t, &r, 0))
		goto out;

	/* requests in flight, then SUSPEND: drained first (SHOULD), then
	 * SUSPEND=1 and DRIVER_OK=0, or DEVICE_NEEDS_RESET (3.4.2) */
	report_case(t, "suspending", "suspending");
	n = r.slots < 4 ? r.slots : 4;
	for (unsigned i = 0; i < n; i++)
		if (chk_ring_submit(&r, (uint16_t)i, 1, VQ_ADD_DIRECT) < 0) {
			report_error(t, "driver could not add request %u", i);
			goto out;
		}
	virtio_add_status(r.dev, VIRTIO_STATUS_SUSPEND);
	st = wait_status(r.dev, both, VIRTIO_STATUS_SUSPEND);
	if (st & VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
		report_log(t, 1,
			   "device could not suspend and set DEVICE_NEEDS_RESET (status 0x%02x)",
			   st);
		goto out;
	}
	if (!report(t, (st & both) == VIRTIO_STATUS_SUSPEND, "not-suspended",
		    "status reads 0x%02x %llu ms after SUSPEND was set: neither suspended nor "
		    "DEVICE_NEEDS_RESET",
		    st, (unsigned long long)(SUSPEND_WAIT_NS / 1000000)))
		goto out;
	report_should(t, virtq_split_pending(&r.vq) == n, "used-in-flight",
		      "%u of %u buffers in flight were used before the device reported SUSPEND",
		      virtq_split_pending(&r.vq), n);

	/* suspended: nothing may move or be signalled */
	report_case(t, "suspended", "suspended");
	used = VQ_READ_ONCE(r.vq.used->idx);
	chk_isr_take(r.dev);
	arch_delay_ns(QUIET_NS);
	isr = chk_isr_take(r.dev);
	report(t, VQ_READ_ONCE(r.vq.used->idx) == used, "used-idx-moved",
	       "used->idx moved from %u to %u while suspended", used, VQ_READ_ONCE(r.vq.used->idx));
	report(t, !(isr & VIRTIO_ISR_QUEUE), "notified",
	       "used-buffer notification while suspended (ISR 0x%x)", isr);

	report_case(t, "resuming", "resuming");
	virtio_add_status(r.dev, VIRTIO_STATUS_DRIVER_OK);
	st = wait_status(r.dev, both, VIRTIO_STATUS_DRIVER_OK);
	if (!report(t,
		    (st & both) == VIRTIO_STATUS_DRIVER_OK ||
			    (st & VIRTIO_STATUS_DEVICE_NEEDS_RESET),
		    "not-resumed",
		    "status reads 0x%02x after DRIVER_OK was set again: neither resumed nor "
		    "DEVICE_NEEDS_RESET",
		    st))
		goto out;
	if (st & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		goto out;
	while (virtq_split_get_used(&r.vq, &u) > 0)
		;
	roundtrip(t, &r, 0);
out:
	chk_ring_close(&r);
}

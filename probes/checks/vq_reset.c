/* SPDX-License-Identifier: MIT */
/*
 * Virtqueue reset (2.6.1; VIRTIO_F_RING_RESET): the register protocol of
 * each transport (4.1.4.3.1 queue_reset, 4.2.2.1 QueueReset), and what a
 * reset queue must do with traffic: stay quiet, start from its default
 * state, and honour a new size and new ring addresses when re-enabled.
 */
#include <string.h>

#include "helpers.h"
#include "platform.h"
#include "ring.h"

#define QRESET_TIMEOUT_NS CHK_RESET_TIMEOUT_NS /* like a device reset (helpers.h) */
#define QRESET_QUEUES 4			       /* queues whose registers are exercised */
#define SMALL_RING 16

/*
 * Writes 1 to QueueReset / queue_reset of q and polls, bounded, until it
 * reads 0. Returns how many reads returned 1 first (0 for a reset that
 * completes at once), or -1 if it still read 1 at the deadline.
 */
static int queue_reset(struct virtio_dev *d, uint16_t q)
{
	uint64_t start = arch_now_ns();
	int busy = 0;

	d->ops->queue_reset_start(d, q);
	while (d->ops->queue_reset_state(d, q)) {
		if (arch_now_ns() - start > QRESET_TIMEOUT_NS)
			return -1;
		busy++;
		arch_delay_ns(1000);
	}
	return busy;
}

/* Resets queue q and asserts the completion rules; false when the reset
 * never completed or left the queue enabled (its state is then unknown). */
static bool reset_and_verify(struct pf_test *t, struct virtio_dev *d, uint16_t q)
{
	int busy = queue_reset(d, q);

	if (!report(t, busy >= 0, "reset-stuck",
		    "queue %u: the reset register still reads 1 after %llu ms", q,
		    (unsigned long long)(QRESET_TIMEOUT_NS / 1000000)))
		return false;
	if (busy)
		report_log(t, 1, "queue %u: reset register read 1 %d time(s) before 0", q, busy);
	/* reading 0 means complete: the queue must then be disabled; if it is
	 * not, it was not reset at all and nothing later can be trusted */
	return report(
		t, !d->ops->queue_ready(d, q), "still-enabled",
		"queue %u: the reset register reads 0 (complete) but the queue is still enabled",
		q);
}

static bool ring_reset_usable(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;

	if (!chk_drivable(t))
		return false;
	if (!chk_offered(t, VIRTIO_F_RING_RESET, "VIRTIO_F_RING_RESET"))
		return false;
	if (!d->ops->queue_reset_start || !d->ops->queue_reset_state) {
		report_na(t, "the transport mode has no queue reset register");
		return false;
	}
	return true;
}

/* The register protocol, on the first few queues of a live device. */
static void registers(struct pf_test *t, enum virtio_transport_kind kind)
{
	struct virtio_dev *d = t->dev;
	struct chk_old_rings old;
	uint64_t f;
	uint16_t nq;

	memset(&old, 0, sizeof(old));
	if (d->transport != kind) {
		report_na(t, "not a %s device",
			  kind == VIRTIO_TRANSPORT_PCI ? "PCI" : "virtio-mmio");
		return;
	}
	if (!ring_reset_usable(t))
		return;
	f = chk_default_features(d) | VIRTIO_BIT(VIRTIO_F_RING_RESET);
	if (!chk_bring_up_rings(t, f, SMALL_RING, &old.rings))
		goto out;
	nq = d->num_queues < QRESET_QUEUES ? d->num_queues : QRESET_QUEUES;
	for (uint16_t q = 0; q < nq && !report_failed(t); q++) {
		if (!d->queue_max[q])
			continue;
		report(t, d->ops->queue_reset_state(d, q) == 0, "reset-reads-1",
		       "queue %u: the reset register reads 1 on an enabled queue", q);
		if (!reset_and_verify(t, d, q))
			goto out;
		/* new work in the reset queue's old ring, notified: a queue
		 * that was really reset ignores it (checked below, one wait
		 * for every queue; the ring stays ours after re-enabling) */
		if (!chk_old_ring_post(t, d, &old, q))
			goto out;
		/* re-enable (2.6.1.2): set the queue up again, then 0 */
		if (chk_setup_split_queue(d, q, d->queue_max[q] < 8 ? d->queue_max[q] : 8)) {
			report_error(t, "out of DMA memory");
			goto out;
		}
		d->ops->queue_enable(d, q);
		/* read-back is register text, no device MUST (4.1.4.3, 4.2.2) */
		report_should(t, d->ops->queue_ready(d, q), "not-enabled",
			      "queue %u: not enabled again after a reset", q);
		report(t, d->ops->queue_reset_state(d, q) == 0, "reset-reads-1-after-enable",
		       "queue %u: the reset register reads 1 after re-enabling", q);
	}
	if (!chk_old_rings_check(t, d, &old, "a queue reset"))
		goto out;
	/* a reset queue left that way, then a device reset: 0 everywhere */
	if (queue_reset(d, 0) >= 0 && virtio_reset(d, CHK_RESET_TIMEOUT_NS) == 0) {
		if (chk_uses_features_ok(d) &&
		    !(chk_try_features(t, f) & VIRTIO_STATUS_FEATURES_OK)) {
			report_error(t, "device refused features 0x%llx after reset",
				     (unsigned long long)f);
			goto out;
		}
		for (uint16_t q = 0; q < nq; q++)
			report(t, d->ops->queue_reset_state(d, q) == 0,
			       "reset-reads-1-after-device-reset",
			       "queue %u: the reset register reads 1 after a device reset", q);
	}
out:
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

void check_VQRESET_MMIO_REGS(struct pf_test *t)
{
	registers(t, VIRTIO_TRANSPORT_MMIO);
}

void check_VQRESET_PCI_REGS(struct pf_test *t)
{
	registers(t, VIRTIO_TRANSPORT_PCI);
}

/* A workload ring with RING_RESET negotiated, or skip. */
static bool open_ring(struct pf_test *t, struct chk_ring *r, uint16_t num)
{
	memset(r, 0, sizeof(*r));
	if (!ring_reset_usable(t))
		return false;
	if (!chk_ring_open(t, r, VIRTIO_BIT(VIRTIO_F_RING_RESET), num, 0, true))
		return false;
	if (!(r->features & VIRTIO_BIT(VIRTIO_F_RING_RESET))) {
		report_skip(t, "VIRTIO_F_RING_RESET not negotiated with the workload's features");
		return false;
	}
	return true;
}

void check_VQRESET_QUIESCE(struct pf_test *t)
{
	struct chk_ring r;
	struct virtq_sg sg[RING_MAX_SG];
	uint16_t used;
	uint32_t isr;
	unsigned k;

	if (!open_ring(t, &r, SMALL_RING))
		goto out;
	if (!chk_ring_roundtrips(t, &r, 2, 1, VQ_ADD_DIRECT))
		goto out;
	/* a buffer made available but not notified; the device may or may
	 * not take it before the reset, never after it */
	k = chk_ring_request(&r, 2, sg, 1);
	if (virtq_split_add(&r.vq, sg, k, VQ_ADD_DIRECT, 2) < 0) {
		report_error(t, "driver could not add a request");
		goto out;
	}
	virtq_split_publish(&r.vq);
	if (!reset_and_verify(t, r.dev, r.vq.index))
		goto out;
	used = VQ_READ_ONCE(r.vq.used->idx);
	chk_isr_take(r.dev);
	/* new work in the reset queue's old ring, notified (the driver's
	 * mistake, 2.6.1.1.2; the device must still not execute anything
	 * from it), watched for the old-ring watch (timing.h) */
	if (!chk_ring_old_ring_idle(t, &r, 3, "a queue reset"))
		goto out;
	isr = chk_isr_take(r.dev);
	report(t, VQ_READ_ONCE(r.vq.used->idx) == used, "used-idx-moved",
	       "used->idx moved from %u to %u after the queue reset", used,
	       VQ_READ_ONCE(r.vq.used->idx));
	report(t, !(isr & VIRTIO_ISR_QUEUE), "notified",
	       "used-buffer notification after the queue reset (ISR 0x%x)", isr);
	if (used == 2)
		report(t, chk_bufs_untouched(&r.b, 2), "buffer-written",
		       "the buffer made available before the reset was written after it");
out:
	chk_ring_close(&r);
}

void check_VQRESET_REENABLE(struct pf_test *t)
{
	struct chk_ring r;
	struct virtq_used *old_used;
	uint16_t old_idx, q, num;
	int rc;

	if (!open_ring(t, &r, SMALL_RING))
		goto out;
	if (!chk_ring_roundtrips(t, &r, 3, 1, VQ_ADD_DIRECT))
		goto out;
	q = r.vq.index;
	old_used = r.vq.used;
	old_idx = VQ_READ_ONCE(old_used->idx);
	report_case(t, "reset", "reset");
	if (!reset_and_verify(t, r.dev, q))
		goto out;
	/* a smaller ring at new addresses (2.6.1.2.1: the device must honour
	 * both); the old ring stays allocated, so stray writes show up */
	num = r.vq.num > 4 ? (uint16_t)(r.vq.num / 2u) : r.vq.num;
	rc = virtq_split_init(&r.vq, r.dev, q, num, r.vq.opts);
	if (rc == PF_OK)
		rc = virtq_split_attach(&r.vq);
	if (rc) {
		report_error(t, "cannot set queue %u up again: %d", q, rc);
		goto out;
	}
	report_case(t, "re-enabled", "re-enabled");
	/* read-back is register text, no device MUST; the traffic below is
	 * what basic.vq-reset.reenable-observes-config asks */
	report_should(t, r.dev->ops->queue_ready(r.dev, q), "not-enabled",
		      "queue %u not enabled after re-enabling it", q);
	report(t, r.dev->ops->queue_reset_state(r.dev, q) == 0, "reset-reads-1",
	       "queue %u: the reset register reads 1 after re-enabling", q);
	/* two laps of the new ring: a device that kept the old size or its
	 * old ring state would lose the way (2.6.1.1.1 default state) */
	if (!chk_ring_roundtrips(t, &r, 2u * num + 1u, 1, VQ_ADD_DIRECT))
		goto out;
	report(t, VQ_READ_ONCE(r.vq.used->idx) == (uint16_t)(2u * num + 1u), "used-idx-not-zero",
	       "used->idx of the new ring reads %u after %u buffers (not counted from 0)",
	       VQ_READ_ONCE(r.vq.used->idx), 2u * num + 1u);
	report(t, VQ_READ_ONCE(old_used->idx) == old_idx, "old-ring-moved",
	       "the old ring's used->idx moved from %u to %u after re-enabling", old_idx,
	       VQ_READ_ONCE(old_used->idx));
out:
	chk_ring_close(&r);
}

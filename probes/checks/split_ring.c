/* SPDX-License-Identifier: MIT */
/* Split virtqueue checks driven by real traffic (2.7). */
#include <string.h>

#include "helpers.h"
#include "platform.h"
#include "ring.h"

#define SMALL_RING 16
#define WRAP_BUDGET_NS 60000000000ull /* 60 s for 65600 buffers */

void check_SPLIT_USED_LEN(struct pf_test *t)
{
	struct chk_ring r;
	struct virtq_used_info u;
	unsigned n;

	if (!chk_ring_open(t, &r, 0, SMALL_RING, 0, true))
		goto out;
	/* A batch: several in flight at once, completed in any order. */
	n = r.slots < 8 ? r.slots : 8;
	for (unsigned i = 0; i < n; i++) {
		struct virtq_sg sg[RING_MAX_SG];
		unsigned k = chk_ring_request(&r, (uint16_t)i, sg, 1);

		if (virtq_split_add(&r.vq, sg, k, VQ_ADD_DIRECT, i) < 0) {
			report_error(t, "driver could not add request %u", i);
			goto out;
		}
	}
	virtq_split_publish(&r.vq);
	virtq_split_kick(&r.vq);
	for (unsigned i = 0; i < n; i++)
		if (chk_ring_complete(t, &r, &u) < 0)
			goto out;
	report(t, virtq_split_get_used(&r.vq, &u) == 0, "used-idx-beyond",
	       "used idx advanced beyond the %u buffers made available", n);
out:
	chk_ring_close(&r);
}

void check_SPLIT_NO_WRITE_READABLE(struct pf_test *t)
{
	struct chk_ring r;
	struct chk_traffic tr;
	int changed;

	if (!chk_ring_open(t, &r, 0, SMALL_RING, VQ_OPT_VERIFY_RO, true))
		goto out;
	tr = chk_ring_traffic(&r);
	if (!chk_readable_run(t, r.wl, &tr))
		goto out;
	changed = virtq_split_find_desc_change(&r.vq);
	report(t, changed < 0, "desc-modified",
	       "descriptor %d of the table was modified by the device", changed);
out:
	chk_ring_close(&r);
}

void check_SPLIT_FRAMING(struct pf_test *t)
{
	struct chk_ring r;
	struct chk_traffic tr;

	if (!chk_ring_open(t, &r, 0, RING_MAX_SG, 0, true))
		goto out;
	/* as many descriptors as the ring (and the buffer's bytes) allow */
	tr = chk_ring_traffic(&r);
	if (!chk_traffic_chains(t, &tr, r.wl, 0, 0))
		goto out;
	/* A chain as long as the queue itself, every descriptor one byte: a
	 * workload with only a writable part takes any split (2.7.4). */
	if (!r.wl->readable && r.wl->writable && r.slots <= RING_MAX_SG) {
		struct virtq_sg sg[RING_MAX_SG];
		struct virtq_used_info u;
		/* every byte its own buffer, a guard byte between any two */
		uint8_t *b = arch_dma_alloc(2u * r.slots + 1u, 16);
		int hit = -1;

		if (!b) {
			report_error(t, "out of DMA memory");
			goto out;
		}
		for (unsigned i = 0; i <= 2u * r.slots; i++)
			b[i] = i % 2u ? CHK_FILL : (uint8_t)~CHK_FILL;
		for (unsigned i = 0; i < r.slots; i++) {
			sg[i].addr = arch_dma_addr(b + 2u * i + 1u);
			sg[i].len = 1;
			sg[i].write = true;
		}
		report_case(t, "queue-size-chain", "chain of queue-size descriptors");
		if (virtq_split_add(&r.vq, sg, r.slots, VQ_ADD_DIRECT, 0) < 0) {
			report_error(t, "driver could not add a %u-descriptor chain", r.slots);
			goto out;
		}
		virtq_split_publish(&r.vq);
		virtq_split_kick(&r.vq);
		if (chk_split_poll(&r.vq, &u) != 1) {
			report(t, false, "not-used",
			       "a chain of %u one-byte descriptors was not used", r.slots);
			goto out;
		}
		report(t, u.len <= r.slots, "used-len", "used len %u for a %u-byte chain", u.len,
		       r.slots);
		for (unsigned i = 0; i <= r.slots && hit < 0; i++)
			if (b[2u * i] != (uint8_t)~CHK_FILL)
				hit = (int)i;
		/* a warning, as every guard hit (ring_bufs.c) */
		report_should(
			t, hit < 0, "guard-after",
			"device wrote between the one-byte buffers of the chain (guard byte after "
			"buffer %d of %u: memory the descriptors did not give it)",
			hit, r.slots);
	}
out:
	chk_ring_close(&r);
}

/* One request whose indirect descriptor also carries VIRTQ_DESC_F_WRITE,
 * which the device must ignore (2.7.5.3.2). */
static bool indirect_with_write_flag(struct pf_test *t, struct chk_ring *r)
{
	struct virtq_sg sg[RING_MAX_SG];
	struct virtq_used_info u;
	unsigned k = chk_ring_request(r, 0, sg, 2);
	int head = virtq_split_add(&r->vq, sg, k, VQ_ADD_INDIRECT, 0);

	if (head < 0) {
		report_error(t, "driver could not add an indirect request: %s",
			     virtq_strerror(head));
		return false;
	}
	r->vq.desc[head].flags |= VIRTQ_DESC_F_WRITE;
	r->vq.shadow[head].flags |= VIRTQ_DESC_F_WRITE;
	virtq_split_publish(&r->vq);
	virtq_split_kick(&r->vq);
	return chk_ring_complete(t, r, &u) >= 0;
}

void check_SPLIT_INDIRECT(struct pf_test *t)
{
	struct chk_ring r;

	if (!chk_offered(t, VIRTIO_F_INDIRECT_DESC, "VIRTIO_F_INDIRECT_DESC"))
		return;
	if (!chk_ring_open(t, &r, VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC), SMALL_RING, VQ_OPT_VERIFY_RO,
			   true))
		goto out;
	report_case(t, "whole-indirect", "whole chain in an indirect table");
	if (!chk_ring_roundtrips(t, &r, 4, 4, VQ_ADD_INDIRECT))
		goto out;
	report_case(t, "indirect-write-flag", "indirect descriptor with WRITE set");
	if (!indirect_with_write_flag(t, &r))
		goto out;
	report(t, virtq_split_find_desc_change(&r.vq) < 0, "table-modified",
	       "descriptor table modified by the device");
	/* direct descriptors followed by one indirect descriptor (2.7.5.3.2);
	 * last, because a device that mishandles it may stop altogether */
	report_case(t, "direct-then-indirect", "direct descriptor then an indirect one");
	chk_ring_roundtrips(t, &r, 2, 4, 1);
out:
	chk_ring_close(&r);
}

void check_SPLIT_INDEX_WRAP(struct pf_test *t)
{
	struct chk_ring r;
	uint32_t done = 0, target = 65536u + 64u;
	uint64_t start = arch_now_ns(), last_log = start;

	if (!chk_ring_open(t, &r, 0, 256, 0, true))
		goto out;
	/* Keep the ring full: each round makes every free slot available.
	 * Stop at the first warning too: 65536 buffers would repeat it. */
	while (done < target && !report_failed(t) && !report_warned(t)) {
		struct virtq_used_info u;
		unsigned added = 0;

		while (r.vq.num_free > 0 && done + added < target) {
			struct virtq_sg sg[RING_MAX_SG];
			unsigned k =
				chk_ring_request(&r, (uint16_t)((done + added) % r.slots), sg, 1);

			if (virtq_split_add(&r.vq, sg, k, VQ_ADD_DIRECT, (done + added) % r.slots) <
			    0)
				break;
			added++;
		}
		virtq_split_publish(&r.vq);
		virtq_split_kick(&r.vq);
		while (r.vq.in_flight > 0) {
			if (chk_ring_complete(t, &r, &u) < 0)
				goto out;
			done++;
		}
		/* A loaded host halves the rate: the bound is generous, and a
		 * progress line every 10 s keeps the runner's inactivity
		 * timeout away while buffers keep being used. */
		if (arch_now_ns() - start > WRAP_BUDGET_NS) {
			report_error(t, "only %u of %u buffers used within %llu s", done, target,
				     (unsigned long long)(WRAP_BUDGET_NS / 1000000000ull));
			goto out;
		}
		if (arch_now_ns() - last_log > 10000000000ull) {
			last_log = arch_now_ns();
			report_log(t, 0, "index wrap: %u of %u buffers used", done, target);
		}
	}
	if (done < target)
		goto out; /* stopped at a warning: there is no wrap to judge */
	report(t, r.vq.used->idx == (uint16_t)target, "used-idx",
	       "used->idx reads %u after %u buffers", r.vq.used->idx, target);
	report_metric(t, "split.wrap_buffers_per_s",
		      done * 1000000000ull / (arch_now_ns() - start + 1), "1/s");
out:
	chk_ring_close(&r);
}

/* One request, completed, and the interrupt status it left. */
static int one_with_isr(struct pf_test *t, struct chk_ring *r, uint32_t *isr)
{
	struct virtq_used_info u;

	chk_isr_take(r->dev);
	if (chk_ring_submit(r, 0, 1, VQ_ADD_DIRECT) < 0)
		return -1;
	if (chk_ring_complete(t, r, &u) < 0)
		return -1;
	*isr = chk_isr_after_used(r->dev);
	return 0;
}

/*
 * One request, completed, and the interrupt status it left: the queue's
 * bit is required when a notification is `due`; when none is, one is a
 * warning (the device may notify spuriously, 2.7.10). `what` describes the
 * wrong outcome. False when the traffic stopped.
 */
static bool notify_step(struct pf_test *t, struct chk_ring *r, bool due, const char *sub,
			const char *what)
{
	uint32_t isr;

	if (one_with_isr(t, r, &isr))
		return false;
	if (due)
		report(t, isr & VIRTIO_ISR_QUEUE, sub, "%s (ISR 0x%x)", what, isr);
	else
		report_should(t, !(isr & VIRTIO_ISR_QUEUE), sub, "%s (ISR 0x%x)", what, isr);
	return true;
}

void check_SPLIT_USED_NOTIFY(struct pf_test *t)
{
	struct chk_ring r;

	if (!chk_ring_open(t, &r, 0, SMALL_RING, 0, true))
		goto out;
	r.vq.opts &= ~VQ_OPT_EVENT_IDX; /* EVENT_IDX not negotiated here */
	if (!notify_step(t, &r, true, "notified",
			 "no used-buffer notification with avail->flags 0"))
		goto out;
	/* used_event is meaningless without EVENT_IDX: point it elsewhere */
	*vring_used_event(r.vq.avail, r.vq.num) = (uint16_t)(r.vq.avail_idx + 100);
	arch_wmb();
	if (!notify_step(t, &r, true, "used-event-without-event-idx",
			 "no notification: used_event honoured without EVENT_IDX"))
		goto out;
	virtq_split_disable_cb(&r.vq);
	notify_step(t, &r, false, "no-interrupt-ignored",
		    "notified although avail->flags is NO_INTERRUPT");
out:
	chk_ring_close(&r);
}

void check_SPLIT_EVENT_IDX(struct pf_test *t)
{
	struct chk_ring r;

	if (!chk_offered(t, VIRTIO_F_EVENT_IDX, "VIRTIO_F_EVENT_IDX"))
		return;
	if (!chk_ring_open(t, &r, VIRTIO_BIT(VIRTIO_F_EVENT_IDX), SMALL_RING, 0, true))
		goto out;
	/* Ask for a notification when the next entry is used, with the
	 * NO_INTERRUPT flag set: the device must ignore the flag. */
	VQ_WRITE_ONCE(r.vq.avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
	virtq_split_set_used_event(&r.vq, r.vq.last_used);
	if (!notify_step(t, &r, true, "used-event-reached",
			 "no notification when used_event was reached"))
		goto out;
	/* Now ask for one far ahead: none is due. */
	VQ_WRITE_ONCE(r.vq.avail->flags, 0);
	virtq_split_set_used_event(&r.vq, (uint16_t)(r.vq.last_used + 10));
	notify_step(t, &r, false, "used-event-not-reached",
		    "notified although used_event was not reached");
out:
	chk_ring_close(&r);
}

/* used->flags as the driver sees it now: 0 or 1, and 0 with EVENT_IDX (2.7.10). */
static bool used_flags_ok(struct pf_test *t, const struct chk_ring *r, bool event_idx)
{
	uint16_t flags = VQ_READ_ONCE(r->vq.used->flags);

	if (event_idx)
		return report(t, flags == 0, "used-flags-event-idx",
			      "used->flags reads 0x%x with EVENT_IDX negotiated", flags);
	return report(t, flags <= 1, "used-flags", "used->flags reads 0x%x", flags);
}

void check_SPLIT_USED_FLAGS(struct pf_test *t)
{
	struct chk_ring r;
	struct chk_traffic tr;
	struct virtq_used_info u;
	unsigned n, busy = 0;
	bool event_idx;

	if (!chk_ring_open(t, &r, VIRTIO_BIT(VIRTIO_F_EVENT_IDX), SMALL_RING, 0, true))
		goto out;
	event_idx = r.features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	report_case(t, "idle", "queue idle");
	for (unsigned i = 0; i < 8 && !report_failed(t); i++) {
		/* spurious notifications: the same queue, nothing new */
		r.dev->ops->queue_notify(r.dev, r.vq.index, r.vq.index);
		if (!chk_ring_roundtrips(t, &r, 1, 1, VQ_ADD_DIRECT))
			goto out;
		used_flags_ok(t, &r, event_idx);
	}
	/* The rule holds while the device works too (a device may flip the
	 * flag while it processes): sampled from the kick on, before each
	 * completion is taken, as long as buffers are in flight. */
	report_case(t, "busy", "buffers in flight");
	n = r.slots < 4 ? r.slots : 4;
	tr = chk_ring_traffic(&r);
	for (unsigned i = 0; i < n; i++) {
		int rc = tr.add(tr.ring, (uint16_t)i, 1);

		if (rc < 0) {
			report_error(t, "driver could not add request %u: %s", i,
				     virtq_strerror(rc));
			goto out;
		}
	}
	tr.kick(tr.ring);
	for (unsigned i = 0; i < n && !report_failed(t); i++) {
		if (VQ_READ_ONCE(r.vq.used->idx) != r.vq.avail_idx)
			busy++;
		used_flags_ok(t, &r, event_idx);
		if (chk_ring_complete(t, &r, &u) < 0)
			goto out;
	}
	report_log(t, 1, "used->flags sampled %u time(s) with the device still working", busy);
out:
	chk_ring_close(&r);
}

void check_STATUS_NO_USE_BEFORE_DRIVER_OK(struct pf_test *t)
{
	struct chk_ring r;
	struct virtq_used_info u;
	uint32_t isr;
	uint16_t used;

	if (!chk_ring_open(t, &r, 0, SMALL_RING, 0, false))
		goto out;
	chk_isr_take(r.dev);
	/* Deliberately notify before DRIVER_OK (the driver MUST NOT, 3.1.1;
	 * the device must not act on it either, 2.1.2). */
	if (chk_ring_submit(&r, 0, 1, VQ_ADD_DIRECT) < 0) {
		report_error(t, "could not add a request");
		goto out;
	}
	arch_delay_ns(chk_quiet_ns());
	used = VQ_READ_ONCE(r.vq.used->idx);
	isr = chk_isr_take(r.dev);
	report(t, used == 0, "used-before-driver-ok", "device used %u buffer(s) before DRIVER_OK",
	       used);
	report(t, !(isr & VIRTIO_ISR_QUEUE), "notified-before-driver-ok",
	       "used-buffer notification before DRIVER_OK (ISR 0x%x)", isr);
	if (report_failed(t))
		goto out;
	virtio_add_status(r.dev, VIRTIO_STATUS_DRIVER_OK);
	virtq_split_notify(&r.vq);
	chk_ring_complete(t, &r, &u);
out:
	chk_ring_close(&r);
}

void check_RESET_QUIESCE(struct pf_test *t)
{
	struct chk_ring r;
	uint16_t used, used_at_reset;
	uint32_t isr;

	if (!chk_ring_open(t, &r, 0, SMALL_RING, 0, true))
		goto out;
	if (!chk_ring_roundtrips(t, &r, 1, 1, VQ_ADD_DIRECT))
		goto out;
	/* Make a buffer available without notifying, reset, then notify the
	 * (now unconfigured) queue: nothing may happen to our memory. The
	 * device may still use the buffer before the reset (it was made
	 * available), so what counts is the ring as the reset left it. */
	{
		struct virtq_sg sg[RING_MAX_SG];
		unsigned k = chk_ring_request(&r, 1, sg, 1);

		virtq_split_add(&r.vq, sg, k, VQ_ADD_DIRECT, 1);
		virtq_split_publish(&r.vq);
	}
	if (virtio_reset(r.dev, CHK_RESET_TIMEOUT_NS)) {
		report(t, false, "reset", "reset did not complete");
		goto out;
	}
	used_at_reset = VQ_READ_ONCE(r.vq.used->idx);
	/* the completion above left the queue interrupt pending: reset
	 * must have cleared it (4.2.2.1) */
	isr = r.dev->ops->isr_read(r.dev);
	report(t, r.dev->transport != VIRTIO_TRANSPORT_MMIO || isr == 0, "interrupt-status",
	       "InterruptStatus 0x%x survived the reset", isr);
	/* and QueueReady of the queue that was live (4.2.2.1) */
	if (r.dev->transport == VIRTIO_TRANSPORT_MMIO && r.dev->mode != VIRTIO_MODE_LEGACY)
		report(t, !r.dev->ops->queue_ready(r.dev, r.vq.index), "queue-ready",
		       "queue %u still reads ready after reset", r.vq.index);
	chk_isr_take(r.dev);
	/* New work in the old ring, notified: a device that still runs it
	 * uses it or writes into it (the driver's mistake to notify before
	 * DRIVER_OK, 3.1.1; the device must still not act on it) */
	if (!chk_ring_old_ring_idle(t, &r, 2, "a device reset"))
		goto out;
	used = VQ_READ_ONCE(r.vq.used->idx);
	isr = r.dev->ops->isr_read(r.dev);
	report(t, used == used_at_reset, "used-idx-moved",
	       "used->idx moved from %u to %u after reset", used_at_reset, used);
	report(t, isr == 0, "interrupt-after-reset", "interrupt status 0x%x after reset", isr);
out:
	chk_ring_close(&r);
}

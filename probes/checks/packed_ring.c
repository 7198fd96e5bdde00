/* SPDX-License-Identifier: MIT */
/* Packed virtqueue checks driven by real traffic (2.8), and IN_ORDER (6.2). */
#include <string.h>

#include "helpers.h"
#include "platform.h"
#include "ring.h"
#include "ring_packed.h"

#define SMALL_RING 16
#define WRAP_RING 61		     /* odd: packed sizes need not be powers of two */
#define STALE_WAIT_NS chk_quiet_ns() /* how long a stale descriptor must stay unused */

/* Adds `n` requests of `pieces` descriptors per part, publishes them
 * together, notifies, and completes them all. */
static bool batch(struct pf_test *t, struct chk_pring *r, unsigned n, unsigned pieces)
{
	struct chk_traffic tr = chk_pring_traffic(r);

	return chk_traffic_batch(t, &tr, n, pieces);
}

/* The descriptor at the driver's next used position must not look used in
 * the current lap when nothing is outstanding (2.8.1). */
static void nothing_more_used(struct pf_test *t, struct chk_pring *r)
{
	uint16_t f = VQ_READ_ONCE(r->vq.desc[r->vq.next_used].flags);
	bool a = f & VIRTQ_DESC_F_AVAIL, u = f & VIRTQ_DESC_F_USED;

	report(t, !(a == u && a == r->vq.used_wrap), "used-unavailable",
	       "position %u marked used (flags 0x%04x) although nothing was available there",
	       r->vq.next_used, f);
}

void check_PACKED_USED(struct pf_test *t)
{
	struct chk_pring r;
	unsigned n;

	if (!chk_pring_open(t, &r, 0, SMALL_RING, 0, true))
		goto out;
	report_case(t, "one-at-a-time", "one request at a time");
	if (!chk_pring_roundtrips(t, &r, 4, 1, VQ_ADD_DIRECT))
		goto out;
	report_case(t, "batch", "a batch in flight");
	n = r.slots < 8 ? r.slots : 8;
	if (!batch(t, &r, n, 1))
		goto out;
	arch_delay_ns(chk_quiet_ns());
	nothing_more_used(t, &r);
	if (r.used_without_write)
		report_log(t, 1,
			   "%u used descriptors carry a len but no VIRTQ_DESC_F_WRITE (2.8.4: len "
			   "reserved then)",
			   r.used_without_write);
out:
	chk_pring_close(&r);
}

void check_PACKED_NO_WRITE_READABLE(struct pf_test *t)
{
	struct chk_pring r;
	struct chk_traffic tr;

	if (!chk_pring_open(t, &r, 0, SMALL_RING, VQ_OPT_VERIFY_RO, true))
		goto out;
	/* the same traffic as split.readable-untouched (ring.c) */
	tr = chk_pring_traffic(&r);
	chk_readable_run(t, r.wl, &tr);
out:
	chk_pring_close(&r);
}

static bool report_used_change(struct pf_test *t, struct chk_pring *r, int pos)
{
	const volatile struct pvirtq_desc *d;
	const struct pvirtq_desc *s;

	if (pos < 0)
		return true;
	d = &r->vq.desc[pos];
	s = &r->seen[pos];
	return report(t, false, "used-desc-changed",
		      "used descriptor at position %d changed after USED was set: addr 0x%llx len "
		      "%u id %u flags 0x%04x, was 0x%llx %u %u 0x%04x",
		      pos, (unsigned long long)d->addr, d->len, d->id, d->flags,
		      (unsigned long long)s->addr, s->len, s->id, s->flags);
}

void check_PACKED_NO_CHANGE_AFTER_USED(struct pf_test *t)
{
	struct chk_pring r;
	uint32_t descs = 0;

	if (!chk_pring_open(t, &r, 0, SMALL_RING, 0, true))
		goto out;
	/*
	 * Three laps in batches of three requests (one or two descriptors
	 * each). Before each batch every used descriptor the driver has not
	 * reused yet must still hold what the device wrote (2.8.15).
	 */
	while (descs < 3u * r.vq.num && !report_failed(t)) {
		unsigned pieces = (descs / 3u) % 2u + 1u;
		unsigned n = 3;

		if (!report_used_change(t, &r, chk_pring_find_used_change(&r)))
			goto out;
		if (r.wl->readable + r.wl->writable < 2u * pieces || r.vq.num < 2u * n * pieces)
			pieces = 1;
		if (r.vq.num < n * pieces)
			n = 1;
		if (!batch(t, &r, n, pieces))
			goto out;
		descs += n * 2u * pieces;
	}
	arch_delay_ns(chk_quiet_ns());
	report_used_change(t, &r, chk_pring_find_used_change(&r));
out:
	chk_pring_close(&r);
}

/*
 * True if the device evidently used the request in `slot`: its descriptor
 * at pos changed, or its writable bytes did. A used-buffer interrupt alone
 * proves nothing (spurious notifications are allowed, and the status is
 * shared by every queue); it is returned for the message.
 */
static bool touched(struct chk_pring *r, uint16_t pos, const struct pvirtq_desc *before,
		    uint16_t slot, uint32_t *isr)
{
	const volatile struct pvirtq_desc *d = &r->vq.desc[pos];
	bool changed = d->addr != before->addr || d->len != before->len || d->id != before->id ||
		       d->flags != before->flags || !chk_bufs_untouched(&r->b, slot);

	*isr = chk_isr_take(r->dev);
	return changed;
}

/*
 * Writes the next request with head flags `stale` instead of the pattern
 * that makes it available in this lap (2.8.1), notifies, and requires that
 * nothing happens; then makes it available properly and requires it used.
 */
static bool stale_probe(struct pf_test *t, struct chk_pring *r, uint16_t stale)
{
	struct virtq_used_info u;
	struct pvirtq_desc before;
	uint16_t pos = r->vq.next_avail, slot = pos % r->slots;
	bool wrap = r->vq.avail_wrap, used;
	uint32_t isr;
	int id;

	chk_isr_take(r->dev);
	id = chk_pring_add(r, slot, 1, VQ_ADD_DIRECT);
	if (id < 0) {
		report_error(t, "driver could not add a request: %s", virtq_strerror(id));
		return false;
	}
	/* The descriptor's other fields before its flags, as a driver does
	 * (2.8.21.1): only the AVAIL/USED pattern is wrong. */
	arch_wmb();
	VQ_WRITE_ONCE(r->vq.desc[pos].flags, stale);
	before = r->vq.desc[pos];
	virtq_packed_notify(&r->vq);
	arch_delay_ns(STALE_WAIT_NS);
	used = touched(r, pos, &before, slot, &isr);
	if (!report(t, !used, "wrap-counter",
		    "device used position %u with flags 0x%04x, not available with driver wrap "
		    "counter %u (ISR 0x%x)",
		    pos, stale, wrap, isr))
		return false;
	/* now flip it properly: the device must use it */
	virtq_packed_kick(&r->vq);
	return chk_pring_complete(t, r, &u) >= 0;
}

void check_PACKED_AVAIL_FLIP(struct pf_test *t)
{
	static const uint16_t patterns[] = { 0, VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED };
	struct chk_pring r;

	if (!chk_pring_open(t, &r, 0, 8, 0, true))
		goto out;
	if (r.vq.num < 4) {
		report_skip(t, "queue too small (%u) for two probes per lap", r.vq.num);
		goto out;
	}
	/* Lap 1: the ring is zeroed (the initial zero value, 2.8.15), and
	 * AVAIL|USED looks used. Lap 2: the previous lap's used descriptor is
	 * still there (AVAIL|USED, not flipped), and 0 looks used. A device
	 * testing only one of the two bits takes one of these. */
	for (unsigned lap = 1; lap <= 2; lap++) {
		if (lap == 1)
			report_case(t, "lap-1", "lap 1");
		else
			report_case(t, "lap-2", "lap 2");
		for (unsigned k = 0; k < 2; k++)
			if (!stale_probe(t, &r, patterns[k]))
				goto out;
		/* on to position 0 of the next lap */
		while (lap == 1 && r.vq.next_avail != 0)
			if (!chk_pring_roundtrips(t, &r, 1, 1, VQ_ADD_DIRECT))
				goto out;
	}
out:
	chk_pring_close(&r);
}

/* Long chains one at a time, then several in flight: the device skips
 * each whole list. tr->slots is the queue size (ring_packed.h). */
static void chains(struct pf_test *t, const struct chk_traffic *tr, const struct chk_workload *wl)
{
	unsigned num = tr->slots;

	if (!chk_traffic_chains(t, tr, wl, "long-chain", "one long chain"))
		return;
	report_case(t, "chains-in-flight", "chains in flight");
	if (wl->readable + wl->writable >= 4 && num >= 12)
		chk_traffic_batch(t, tr, num / 8u < 4u ? num / 8u : 4u, 2);
}

void check_PACKED_CHAIN(struct pf_test *t)
{
	struct chk_pring r;
	struct chk_traffic tr;

	if (chk_pring_open(t, &r, 0, RING_MAX_SG, 0, true)) {
		tr = chk_pring_traffic(&r);
		chains(t, &tr, r.wl);
	}
	chk_pring_close(&r);
}

void check_PACKED_INDIRECT(struct pf_test *t)
{
	struct chk_pring r;
	struct virtq_used_info u;
	unsigned n;

	if (!chk_offered(t, VIRTIO_F_INDIRECT_DESC, "VIRTIO_F_INDIRECT_DESC"))
		return;
	if (!chk_pring_open(t, &r, VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC), SMALL_RING, VQ_OPT_VERIFY_RO,
			    true))
		goto out;
	if (!(r.features & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC))) {
		report_na(t, "VIRTIO_F_INDIRECT_DESC not negotiable with RING_PACKED");
		goto out;
	}
	report_case(t, "whole-indirect", "whole list in an indirect table");
	if (!chk_pring_roundtrips(t, &r, 4, 4, VQ_ADD_INDIRECT))
		goto out;
	/* mixing indirect and direct lists in one ring is valid (2.8.7) */
	report_case(t, "mixed-in-flight", "indirect and direct lists in flight");
	for (n = 0; n < 6 && n < r.slots; n++) {
		int id = chk_pring_add(&r, (uint16_t)n, 2, n % 2 ? VQ_ADD_DIRECT : VQ_ADD_INDIRECT);

		if (id == PF_ENOSPC && n >= 2)
			break; /* a small ring: as many as fit */
		if (id < 0) {
			report_error(t, "driver could not add request %u: %s", n,
				     virtq_strerror(id));
			goto out;
		}
	}
	virtq_packed_kick(&r.vq);
	for (unsigned i = 0; i < n; i++)
		if (chk_pring_complete(t, &r, &u) < 0)
			goto out;
out:
	chk_pring_close(&r);
}

void check_PACKED_WRAP(struct pf_test *t)
{
	struct chk_pring r;
	struct virtq_used_info u;
	uint32_t descs = 0, target, bufs = 0;
	uint64_t start = arch_now_ns();

	if (!chk_pring_open(t, &r, 0, WRAP_RING, 0, true))
		goto out;
	target = 4u * r.vq.num + r.vq.num / 2u;
	/* Keep the ring nearly full with lists of 1..3 descriptors, so that
	 * lists straddle the end of the ring in different places each lap. */
	while (descs < target && !report_failed(t)) {
		unsigned added = 0;

		for (;;) {
			unsigned parts = (r.wl->readable != 0) + (r.wl->writable != 0);
			unsigned pieces = (bufs + added) % 3u + 1u;
			unsigned need;
			int id;

			/* shorter lists on a small ring (QEMU's vhost-user-rng
			 * has 4 entries): a list must fit an empty ring */
			while (pieces > 1 && parts * pieces > r.vq.num)
				pieces--;
			need = parts * pieces; /* an upper bound */

			if (r.vq.num_free < need || r.vq.num_free_ids == 0 || descs >= target)
				break;
			id = chk_pring_add(&r, (uint16_t)((bufs + added) % r.slots), pieces,
					   VQ_ADD_DIRECT);
			if (id < 0)
				break;
			descs += r.vq.state[id].ndesc;
			added++;
		}
		if (!added) {
			report_error(t, "driver could not add to an empty ring of %u", r.vq.num);
			goto out;
		}
		virtq_packed_kick(&r.vq);
		for (unsigned i = 0; i < added; i++)
			if (chk_pring_complete(t, &r, &u) < 0)
				goto out;
		bufs += added;
		if (arch_now_ns() - start > 5000000000ull) {
			report_error(t, "only %u of %u descriptors used within 5 s", descs, target);
			goto out;
		}
	}
	report(t, r.vq.next_used == r.vq.next_avail && r.vq.used_wrap == r.vq.avail_wrap,
	       "position",
	       "after %u buffers the used position %u/%u differs from the available one %u/%u",
	       bufs, r.vq.next_used, r.vq.used_wrap, r.vq.next_avail, r.vq.avail_wrap);
	report_metric(t, "packed.wrap_laps", descs / r.vq.num, "laps");
out:
	chk_pring_close(&r);
}

/* One request, completed, and the interrupt status it left (as in
 * split_ring.c: a short grace for a device that sets the bit late). */
static int one_with_isr(struct pf_test *t, struct chk_pring *r, uint32_t *isr)
{
	struct virtq_used_info u;

	chk_isr_take(r->dev);
	if (chk_pring_submit(r, 0, 1, VQ_ADD_DIRECT) < 0) {
		report_error(t, "could not add a request");
		return -1;
	}
	if (chk_pring_complete(t, r, &u) < 0)
		return -1;
	*isr = chk_isr_after_used(r->dev);
	return 0;
}

void check_PACKED_EVENT_SUPPRESS(struct pf_test *t)
{
	struct chk_pring r;
	struct pvirtq_event_suppress dev;
	uint32_t isr;
	uint16_t off;
	bool wrap;

	if (!chk_pring_open(t, &r, VIRTIO_BIT(VIRTIO_F_EVENT_IDX), SMALL_RING, 0, true))
		goto out;
	report_case(t, "enable", "ENABLE");
	virtq_packed_set_event(&r.vq, RING_EVENT_FLAGS_ENABLE, 0, false);
	if (one_with_isr(t, &r, &isr))
		goto out;
	report(t, isr & VIRTIO_ISR_QUEUE, "notified",
	       "no used-buffer notification with RING_EVENT_FLAGS_ENABLE (ISR 0x%x)", isr);
	report_case(t, "disable", "DISABLE");
	virtq_packed_set_event(&r.vq, RING_EVENT_FLAGS_DISABLE, 0, false);
	if (one_with_isr(t, &r, &isr))
		goto out;
	report(t, !(isr & VIRTIO_ISR_QUEUE), "suppressed",
	       "notified although RING_EVENT_FLAGS_DISABLE (ISR 0x%x)", isr);
	if (r.features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX)) {
		/* an event for the second used descriptor from now */
		uint16_t per = (uint16_t)((r.wl->readable ? 1u : 0u) + (r.wl->writable ? 1u : 0u));

		report_case(t, "desc", "DESC");
		off = (uint16_t)(r.vq.next_used + per);
		wrap = r.vq.used_wrap;
		if (off >= r.vq.num) {
			off = (uint16_t)(off - r.vq.num);
			wrap = !wrap;
		}
		virtq_packed_set_event(&r.vq, RING_EVENT_FLAGS_DESC, off, wrap);
		if (one_with_isr(t, &r, &isr))
			goto out;
		report(t, !(isr & VIRTIO_ISR_QUEUE), "early",
		       "notified before the event descriptor %u was used (ISR 0x%x)", off, isr);
		if (one_with_isr(t, &r, &isr))
			goto out;
		report(t, isr & VIRTIO_ISR_QUEUE, "notified",
		       "no notification when the event descriptor %u was used (ISR 0x%x)", off,
		       isr);
	}
	/* Device Event Suppression: flags 0..2, DESC only with EVENT_IDX,
	 * reserved bits 0 (2.8.10, 2.8.11) */
	dev = virtq_packed_device_event(&r.vq);
	report(t, !(dev.flags & ~3u) && (dev.flags & 3u) != 3u, "device-flags",
	       "device event flags read 0x%04x", dev.flags);
	report(t,
	       (dev.flags & 3u) != RING_EVENT_FLAGS_DESC ||
		       (r.features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX)),
	       "desc-without-event-idx", "device asks for RING_EVENT_FLAGS_DESC without EVENT_IDX");
out:
	chk_pring_close(&r);
}

/*
 * Three rounds of a batch of up to 8 in flight with IN_ORDER negotiated,
 * request i's parts over 1 + i % max_pieces descriptors; the driver flags
 * a used entry that skips an older buffer (2.7.9, 2.8.9).
 */
static void in_order_rounds(struct pf_test *t, struct chk_traffic traffic, unsigned max_pieces)
{
	const struct chk_traffic *tr = &traffic;

	for (unsigned round = 0; round < 3 && !report_failed(t); round++) {
		struct virtq_used_info u;
		unsigned n = tr->slots < 8 ? tr->slots : 8;

		for (unsigned i = 0; i < n; i++)
			if (tr->add(tr->ring, (uint16_t)i, 1 + i % max_pieces) < 0) {
				report_error(t, "driver could not add request %u", i);
				return;
			}
		tr->kick(tr->ring);
		for (unsigned i = 0; i < n; i++) {
			if (tr->complete(t, tr->ring, &u) < 0)
				return;
			report(t, u.token == i, "order", "buffer %llu used where buffer %u was due",
			       (unsigned long long)u.token, i);
		}
	}
}

void check_FEAT_IN_ORDER(struct pf_test *t)
{
	uint64_t want = VIRTIO_BIT(VIRTIO_F_IN_ORDER);
	struct chk_pring p;
	struct chk_ring r;

	if (!chk_offered(t, VIRTIO_F_IN_ORDER, "VIRTIO_F_IN_ORDER"))
		return;
	report_case(t, "split", "split ring");
	if (chk_ring_open(t, &r, want, SMALL_RING, 0, true))
		in_order_rounds(t, chk_ring_traffic(&r), 2);
	chk_ring_close(&r);
	if (report_stopped(t) || !(t->dev->features & VIRTIO_BIT(VIRTIO_F_RING_PACKED)))
		return;
	report_case(t, "packed", "packed ring");
	if (chk_pring_open(t, &p, want, SMALL_RING, 0, true))
		in_order_rounds(t, chk_pring_traffic(&p), 1);
	chk_pring_close(&p);
}

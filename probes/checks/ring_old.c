/* SPDX-License-Identifier: MIT */
/*
 * The old ring after a device or queue reset (ring.h): new work made
 * available in it and notified, watched for chk_old_ring_watch_ns()
 * (timing.h), must stay untouched.
 */
#include "platform.h"
#include "ring.h"

/* Waits up to watch_ns for *idx to move from `was`; returns what it read. */
static uint16_t watch_idx(const volatile uint16_t *idx, uint16_t was, uint64_t watch_ns)
{
	uint64_t start = arch_now_ns();
	uint16_t now;

	do {
		arch_delay_ns(100000);
		now = *idx;
	} while (now == was && arch_now_ns() - start < watch_ns);
	return now;
}

bool chk_ring_old_ring_idle(struct pf_test *t, struct chk_ring *r, uint16_t slot, const char *what)
{
	struct virtq_sg sg[RING_MAX_SG];
	unsigned n = chk_ring_request(r, slot, sg, 1);
	uint16_t used = VQ_READ_ONCE(r->vq.used->idx), now;
	int head = virtq_split_add(&r->vq, sg, n, VQ_ADD_DIRECT, slot);
	uint64_t watch_ns = chk_old_ring_watch_ns();
	bool ok;

	if (head < 0) {
		report_error(t, "driver could not add a request to the old ring: %s",
			     virtq_strerror(head));
		return false;
	}
	/* the device must not look, so it must not matter that it may */
	virtq_split_publish(&r->vq);
	virtq_split_notify(&r->vq);
	now = watch_idx(&r->vq.used->idx, used, watch_ns);
	ok = report(t, now == used, "old-ring-used",
		    "after %s the device used a buffer made available in the old ring of queue %u "
		    "(used->idx %u -> %u within %llu ms)",
		    what, r->vq.index, used, now, (unsigned long long)(watch_ns / 1000000));
	ok &= report(t, chk_bufs_untouched(&r->b, slot), "old-ring-written",
		     "after %s the device wrote into a request made available in the old ring of "
		     "queue %u",
		     what, r->vq.index);
	return ok;
}

/* The raw probe's one device-writable buffer per queue, between guards. */
#define RAW_LEN 64u
#define RAW_SIZE (RAW_LEN + 2u * CHK_GUARD_LEN)

static uint8_t raw_expect(uint32_t i)
{
	return i < CHK_GUARD_LEN || i >= CHK_GUARD_LEN + RAW_LEN ? chk_guard_byte(i) : CHK_FILL;
}

static struct virtq_used *raw_used(const struct chk_old_rings *o, uint16_t q)
{
	return (struct virtq_used *)(void *)(o->rings.mem[q] +
					     virtq_split_used_off(o->rings.size[q]));
}

bool chk_old_ring_post(struct pf_test *t, struct virtio_dev *d, struct chk_old_rings *o, uint16_t q)
{
	uint16_t size = q < VIRTIO_MAX_QUEUES ? o->rings.size[q] : 0;
	uint8_t *mem = size ? o->rings.mem[q] : 0, *buf;
	struct virtq_desc *desc = (struct virtq_desc *)(void *)mem;
	struct virtq_avail *avail;
	uint16_t aidx;

	if (!mem)
		return true;
	if (!o->bufs)
		o->bufs = arch_dma_alloc((size_t)RAW_SIZE * VIRTIO_MAX_QUEUES, 16);
	if (!o->bufs) {
		report_error(t, "out of DMA memory");
		return false;
	}
	buf = o->bufs + (size_t)RAW_SIZE * q;
	avail = (struct virtq_avail *)(void *)(mem + virtq_split_avail_off(size));
	o->was[q] = VQ_READ_ONCE(raw_used(o, q)->idx);
	for (uint32_t i = 0; i < RAW_SIZE; i++)
		buf[i] = raw_expect(i);
	aidx = VQ_READ_ONCE(avail->idx);
	desc[0].addr = arch_dma_addr(buf + CHK_GUARD_LEN);
	desc[0].len = RAW_LEN;
	desc[0].flags = VIRTQ_DESC_F_WRITE;
	desc[0].next = 0;
	VQ_WRITE_ONCE(avail->ring[aidx % size], 0);
	arch_wmb();
	VQ_WRITE_ONCE(avail->idx, (uint16_t)(aidx + 1u));
	arch_wmb();
	d->ops->queue_notify(d, q, q);
	o->posted[q] = true;
	return true;
}

bool chk_old_rings_check(struct pf_test *t, struct virtio_dev *d, struct chk_old_rings *o,
			 const char *what)
{
	uint64_t start = arch_now_ns(), watch_ns = chk_old_ring_watch_ns();
	bool ok = true, moved;
	uint16_t nq = d->num_queues < VIRTIO_MAX_QUEUES ? d->num_queues : VIRTIO_MAX_QUEUES;

	do {
		arch_delay_ns(100000);
		moved = false;
		for (uint16_t q = 0; q < nq && !moved; q++)
			moved = o->posted[q] && VQ_READ_ONCE(raw_used(o, q)->idx) != o->was[q];
	} while (!moved && arch_now_ns() - start < watch_ns);
	for (uint16_t q = 0; q < nq && ok; q++) {
		const uint8_t *buf = o->bufs + (size_t)RAW_SIZE * q;
		bool written = false;
		uint16_t now;

		if (!o->posted[q])
			continue;
		now = VQ_READ_ONCE(raw_used(o, q)->idx);
		for (uint32_t i = 0; i < RAW_SIZE; i++)
			written |= buf[i] != raw_expect(i);
		ok = report(t, now == o->was[q], "old-ring-used",
			    "after %s the device used a buffer made available in the old ring of "
			    "queue %u (used->idx %u -> %u within %llu ms)",
			    what, q, o->was[q], now, (unsigned long long)(watch_ns / 1000000));
		ok &= report(t, !written, "old-ring-written",
			     "after %s the device wrote into a buffer made available in the old "
			     "ring of queue %u",
			     what, q);
	}
	return ok;
}

bool chk_raw_old_rings_idle(struct pf_test *t, struct virtio_dev *d, struct chk_old_rings *o,
			    const char *what)
{
	/* one buffer made available in every old ring, then one wait */
	for (uint16_t q = 0; q < d->num_queues && q < VIRTIO_MAX_QUEUES; q++)
		if (!chk_old_ring_post(t, d, o, q))
			return false;
	return chk_old_rings_check(t, d, o, what);
}

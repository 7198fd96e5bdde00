/* SPDX-License-Identifier: MIT */
/*
 * Packed virtqueues (VIRTIO 1.4, 2.8): available descriptors by the AVAIL
 * and USED bits against the driver ring wrap counter (2.8.1), chains and
 * indirect tables, used descriptors written in completion order (2.8.12),
 * and event suppression through the driver event area (2.8.10).
 */
#include <string.h>

#include "vu.h"

struct pdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t id;
	uint16_t flags;
};

struct packed {
	struct pdesc *ring;
	uint16_t *driver; /* driver event suppression: off_wrap, flags */
	uint16_t *device; /* device event suppression */
};

#define BATCH 16

static struct vu_req reqs[BATCH];

void vu_packed_set_base(struct vu_vring *vq, uint32_t num)
{
	/* bits 0-14: next descriptor; bit 15: driver ring wrap counter */
	vq->next_avail = num & 0x7fff;
	vq->avail_wrap = (num >> 15) & 1;
	vq->next_used = vq->next_avail;
	vq->used_wrap = vq->avail_wrap;
	vq->prev_used_slot = -1;
}

uint32_t vu_packed_get_base(const struct vu_vring *vq)
{
	return vq->next_avail | (uint32_t)vq->avail_wrap << 15;
}

static bool map_ring(struct vu_dev *d, const struct vu_vring *vq, struct packed *p)
{
	p->ring = vu_uva(&d->mem, vq->desc_uva, 16 * (uint64_t)vq->num);
	p->driver = vu_uva(&d->mem, vq->avail_uva, 4);
	p->device = vu_uva(&d->mem, vq->used_uva, 4);
	return p->ring && p->driver && p->device && !(vq->desc_uva & 15) && !(vq->avail_uva & 3) &&
	       !(vq->used_uva & 3);
}

static bool is_avail(const struct vu_dev *d, uint16_t flags, bool wrap)
{
	bool a = flags & VIRTQ_DESC_F_AVAIL, u = flags & VIRTQ_DESC_F_USED;

	if (fault(d, F_PACKED_AVAIL_FLIP_IGNORED))
		return a == wrap;
	return a == wrap && u != wrap;
}

/* 1: a request; 0: none available; -1: malformed (its slots are skipped). */
static int pop(struct vu_dev *d, struct vu_vring *vq, void *ring, struct vu_req *r)
{
	struct packed *p = ring;
	uint16_t i = vq->next_avail, flags;
	uint16_t count = 0;
	bool bad = false;

	flags = __atomic_load_n(&p->ring[i].flags, __ATOMIC_ACQUIRE);
	if (!is_avail(d, flags, vq->avail_wrap))
		return 0;
	vu_req_begin(r, 0);
	for (;;) {
		struct pdesc e, *t = NULL;
		void *none;
		int rc;

		memcpy(&e, &p->ring[i], sizeof(e));
		count++;
		rc = bad ? 0 : vu_req_desc(d, r, e.addr, e.len, e.flags, false, (void **)&t);
		bad |= rc < 0;
		/* a packed indirect table is its entries in order, not a NEXT chain */
		for (int k = 0; k < rc && !bad; k++)
			bad = vu_req_desc(d, r, t[k].addr, t[k].len,
					  t[k].flags & VIRTQ_DESC_F_WRITE, true, &none) < 0;
		r->head = e.id; /* the Buffer ID is in the last descriptor */
		if (!(e.flags & VIRTQ_DESC_F_NEXT))
			break;
		if (count >= vq->num) {
			bad = true; /* a chain longer than the ring */
			break;
		}
		i = (uint16_t)(i + 1 == vq->num ? 0 : i + 1);
	}
	r->ndesc = count;
	vq->next_avail = (uint16_t)(vq->next_avail + count);
	if (vq->next_avail >= vq->num) {
		vq->next_avail = (uint16_t)(vq->next_avail - vq->num);
		vq->avail_wrap = !vq->avail_wrap;
	}
	if (bad) {
		vu_log("queue %u: malformed packed chain (buffer id %u): ignored", vq->index,
		       r->head);
		return -1;
	}
	return 1;
}

static void push(struct vu_dev *d, struct vu_vring *vq, struct packed *p, const struct vu_req *r)
{
	struct pdesc *e = &p->ring[vq->next_used];
	uint16_t flags = vq->used_wrap ? VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED : 0;
	uint16_t id = r->head;

	if (fault(d, F_USED_ID_BOGUS))
		id = (uint16_t)(id + 1);
	if (fault(d, F_PACKED_USED_FLAGS_BAD))
		flags = vq->used_wrap ? VIRTQ_DESC_F_USED : VIRTQ_DESC_F_AVAIL;
	e->id = id;
	e->len = vu_used_len(d, r);
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
	if (fault(d, F_PACKED_REWRITE_USED) && vq->prev_used_slot >= 0 &&
	    vq->prev_used_slot != vq->next_used)
		p->ring[vq->prev_used_slot].len += 1;
	vq->prev_used_slot = vq->next_used;
	vq->next_used = (uint16_t)(vq->next_used + r->ndesc);
	if (vq->next_used >= vq->num) {
		vq->next_used = (uint16_t)(vq->next_used - vq->num);
		vq->used_wrap = !vq->used_wrap;
	}
}

/* 2.8.10: ENABLE, DISABLE, or DESC (with EVENT_IDX) at off_wrap. */
static bool should_notify(struct vu_dev *d, struct vu_vring *vq, struct packed *p, uint16_t old,
			  bool old_wrap)
{
	uint16_t off_wrap, flags, off;
	int32_t event, newpos, oldpos;

	if (fault(d, F_NO_USED_NOTIFY))
		return false;
	if (fault(d, F_NOTIFY_DESPITE_NO_INTERRUPT))
		return true;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	off_wrap = __atomic_load_n(&p->driver[0], __ATOMIC_ACQUIRE);
	flags = __atomic_load_n(&p->driver[1], __ATOMIC_ACQUIRE) & 3;
	if (flags == RING_EVENT_FLAGS_DISABLE)
		return false;
	if (flags != RING_EVENT_FLAGS_DESC || !has_feature(vq->features, VIRTIO_F_EVENT_IDX))
		return true;
	/* Positions on one line: the current lap counts from 0, the lap
	 * before it from -num. */
	off = off_wrap & 0x7fff;
	event = off - ((off_wrap >> 15) != vq->used_wrap ? vq->num : 0);
	newpos = vq->next_used;
	oldpos = old - (old_wrap != vq->used_wrap ? vq->num : 0);
	return (uint16_t)(newpos - event - 1) < (uint16_t)(newpos - oldpos);
}

int vu_packed_process(struct vu_dev *d, struct vu_vring *vq)
{
	struct packed p;
	int done = 0;

	if (!vq->kick_set || !vq->enabled || !vq->num)
		return 0;
	/* SET_VRING_BASE comes from the front-end: a position past the ring
	 * would index outside it */
	if (vq->next_avail >= vq->num || vq->next_used >= vq->num) {
		vu_log("queue %u: ring position %u/%u outside a ring of %u", vq->index,
		       vq->next_avail, vq->next_used, vq->num);
		return 0;
	}
	if (!map_ring(d, vq, &p)) {
		vu_log("queue %u: packed ring outside guest memory or misaligned", vq->index);
		return 0;
	}
	for (;;) {
		unsigned n = vu_take(d, vq, &p, pop, reqs, BATCH);

		if (!n)
			break;
		uint16_t old = vq->next_used;
		bool old_wrap = vq->used_wrap;

		for (unsigned k = 0; k < n; k++) {
			unsigned i = fault(d, C_OUT_OF_ORDER) ? n - 1 - k : k;

			push(d, vq, &p, &reqs[i]);
			if (!fault(d, C_BATCH) && should_notify(d, vq, &p, old, old_wrap))
				vu_notify(d, vq);
			if (!fault(d, C_BATCH)) {
				old = vq->next_used;
				old_wrap = vq->used_wrap;
			}
		}
		if (fault(d, C_BATCH) && should_notify(d, vq, &p, old, old_wrap))
			vu_notify(d, vq);
		done += (int)n;
	}
	return done;
}

/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueues (VIRTIO 1.4, 2.7): taking available buffers, walking
 * descriptor chains (direct and indirect), writing used elements, and used
 * buffer notification suppression (2.7.7), with the faults that break it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vu.h"

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct split {
	struct vring_desc *desc;
	uint16_t *avail; /* flags, idx, ring[num], used_event */
	uint8_t *used;	 /* flags, idx, ring[num] {id, len}, avail_event */
};

#define BATCH 16

static struct vu_req reqs[BATCH];

static uint16_t ld16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void st16(void *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELEASE);
}

static bool map_ring(struct vu_dev *d, const struct vu_vring *vq, struct split *s)
{
	uint64_t n = vq->num;

	s->desc = vu_uva(&d->mem, vq->desc_uva, 16 * n);
	s->avail = vu_uva(&d->mem, vq->avail_uva, 6 + 2 * n);
	s->used = vu_uva(&d->mem, vq->used_uva, 6 + 8 * n);
	/* alignment the spec requires of the driver (2.7): refuse otherwise */
	if (!s->desc || !s->avail || !s->used || (vq->desc_uva & 15) || (vq->avail_uva & 1) ||
	    (vq->used_uva & 3))
		return false;
	return true;
}

/* Walk the chain at table[i]; an indirect descriptor ends the main chain. */
static int walk(struct vu_dev *d, struct vu_req *r, struct vring_desc *table, uint32_t tnum,
		uint16_t i, bool in_indirect)
{
	for (uint32_t count = 0;; count++) {
		struct vring_desc e;

		if (i >= tnum || count >= tnum)
			return -1; /* out of range, or a loop */
		void *t = NULL;
		int rc;

		memcpy(&e, &table[i], sizeof(e));
		rc = vu_req_desc(d, r, e.addr, e.len, e.flags, in_indirect, &t);
		if (rc < 0)
			return -1;
		if (rc > 0)
			return walk(d, r, t, (uint32_t)rc, 0, true);
		if (!(e.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		i = e.next;
	}
}

/* 1: a request in r; 0: nothing available; -1: a malformed one, skipped. */
static int pop(struct vu_dev *d, struct vu_vring *vq, void *ring, struct vu_req *r)
{
	struct split *s = ring;
	uint16_t avail_idx = ld16(&s->avail[1]), head;

	if (avail_idx == vq->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num) {
		vu_log("queue %u: avail idx %u is more than %u ahead of %u: ignored", vq->index,
		       avail_idx, vq->num, vq->last_avail);
		return 0;
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	head = s->avail[2 + vq->last_avail % vq->num];
	vq->last_avail++;
	vu_req_begin(r, head);
	r->table_len = head < vq->num ? &s->desc[head].len : NULL;
	if (walk(d, r, s->desc, vq->num, head, false) < 0) {
		vu_log("queue %u: malformed chain at head %u: ignored", vq->index, head);
		if (vq->err_fd >= 0) {
			uint64_t one = 1;

			if (write(vq->err_fd, &one, sizeof(one)) < 0)
				vu_log("error notifier: write failed");
		}
		return -1;
	}
	return 1;
}

/* 2.7.7.2 and 2.7.10 as vring_need_event states them. */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

static bool should_notify(struct vu_dev *d, struct vu_vring *vq, struct split *s, uint16_t old,
			  uint16_t new_idx)
{
	bool event_idx = has_feature(vq->features, VIRTIO_F_EVENT_IDX);
	uint16_t used_event, flags;

	if (fault(d, F_NO_USED_NOTIFY))
		return false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	used_event = ld16(&s->avail[2 + vq->num]);
	flags = ld16(&s->avail[0]);
	if (fault(d, F_NOTIFY_DESPITE_NO_INTERRUPT))
		return true;
	if (event_idx && !fault(d, F_EVENT_IDX_USES_FLAGS))
		return need_event(used_event, new_idx, old);
	if (!event_idx && fault(d, F_USED_EVENT_WITHOUT_EVENT_IDX))
		return need_event(used_event, new_idx, old);
	return !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

static void push(struct vu_dev *d, struct vu_vring *vq, struct split *s, const struct vu_req *r)
{
	uint8_t *e = s->used + 4 + 8 * (size_t)(vq->used_idx % vq->num);
	uint32_t id = r->head, len = vu_used_len(d, r);

	if (fault(d, F_USED_ID_BOGUS))
		id = (r->head + 1u) % vq->num;
	memcpy(e, &id, 4);
	memcpy(e + 4, &len, 4);
	vq->used_idx++;
}

static void publish(struct vu_dev *d, struct vu_vring *vq, struct split *s, uint16_t old)
{
	uint16_t idx = vq->used_idx;

	if (fault(d, F_USED_IDX_SKIP))
		idx = (uint16_t)(idx + (uint16_t)(idx - old));
	if (fault(d, F_USED_FLAGS_BAD))
		st16(s->used, 2); /* an undefined used->flags bit */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	st16(s->used + 2, idx);
	vq->used_idx = idx;
	if (should_notify(d, vq, s, old, idx))
		vu_notify(d, vq);
}

int vu_split_process(struct vu_dev *d, struct vu_vring *vq)
{
	struct split s;
	int done = 0;

	if (!vq->kick_set || !vq->enabled || !vq->num)
		return 0;
	if (!map_ring(d, vq, &s)) {
		vu_log("queue %u: ring addresses outside guest memory or misaligned", vq->index);
		return 0;
	}
	for (;;) {
		unsigned n = vu_take(d, vq, &s, pop, reqs, BATCH);

		if (!n) {
			/* Tell the driver where to notify next (2.7.10: MAY). */
			if (has_feature(vq->features, VIRTIO_F_EVENT_IDX) &&
			    !fault(d, C_AVAIL_EVENT_STALE)) {
				uint16_t ahead;

				st16(s.used + 4 + 8 * (size_t)vq->num, vq->last_avail);
				__atomic_thread_fence(__ATOMIC_SEQ_CST);
				/* buffers made available meanwhile; an index pop()
				 * refuses (more than a ring ahead) would spin here */
				ahead = (uint16_t)(ld16(&s.avail[1]) - vq->last_avail);
				if (ahead && ahead <= vq->num)
					continue;
			}
			break;
		}
		if (fault(d, C_BATCH)) {
			uint16_t old = vq->used_idx;

			for (unsigned i = 0; i < n; i++)
				push(d, vq, &s, &reqs[i]);
			publish(d, vq, &s, old);
		} else {
			for (unsigned k = 0; k < n; k++) {
				unsigned i = fault(d, C_OUT_OF_ORDER) ? n - 1 - k : k;
				uint16_t old = vq->used_idx;

				push(d, vq, &s, &reqs[i]);
				publish(d, vq, &s, old);
			}
		}
		done += (int)n;
	}
	return done;
}

void vu_split_ghost_poll(struct vu_dev *d, struct vu_vring *vq)
{
	struct vu_vring g = *vq;

	if (!vq->ghost)
		return;
	if (vu_now_ms() > vq->ghost_until_ms) {
		vq->ghost = false;
		return;
	}
	if (vu_now_ms() < vq->ghost_from_ms)
		return;
	g.desc_uva = vq->ghost_desc;
	g.avail_uva = vq->ghost_avail;
	g.used_uva = vq->ghost_used;
	g.num = vq->ghost_num;
	g.last_avail = vq->ghost_last_avail;
	g.used_idx = vq->ghost_used_idx;
	g.kick_set = g.enabled = true;
	g.call_fd = -1;
	g.err_fd = -1;
	if (vu_split_process(d, &g) > 0)
		vu_log("queue %u: used buffers of the ring that was stopped", vq->index);
	vq->ghost_last_avail = g.last_avail;
	vq->ghost_used_idx = g.used_idx;
}

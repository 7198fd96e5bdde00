/* SPDX-License-Identifier: MIT */
/*
 * Packed virtqueue driver (VIRTIO 1.4, 2.8), polling only, after Linux's
 * virtio_ring.c. Everything the device writes is validated.
 */
#include "virtqueue_packed.h"

#include <string.h>

#include "platform.h"
#include "virtqueue_internal.h"

static uint16_t avail_flags(bool wrap)
{
	/* available: AVAIL = driver wrap counter, USED = its inverse (2.8.1) */
	return wrap ? VIRTQ_DESC_F_AVAIL : VIRTQ_DESC_F_USED;
}

static void reset_state(struct virtq_packed *vq)
{
	uint16_t n = vq->num;

	memset(vq->desc, 0, virtq_packed_size(n));
	for (uint16_t i = 0; i < n; i++) {
		vq->state[i].in_flight = false;
		vq->state[i].published = false;
		vq->state[i].indirect_n = 0;
	}
	virtq_free_init(vq->free_next, n, &vq->free_head, &vq->free_tail);
	vq->num_free_ids = n;
	vq->num_free = n;
	vq->next_avail = vq->next_used = 0;
	vq->avail_wrap = vq->used_wrap = true;
	vq->npending = vq->num_added = 0;
	vq->pub_pos = 0;
	vq->pub_wrap = true;
	vq->in_flight = vq->in_flight_published = 0;
	vq->order_head = vq->order_n = 0;
	vq->batch_active = false;
}

int virtq_packed_init(struct virtq_packed *vq, struct virtio_dev *d, uint16_t index, uint16_t num,
		      uint32_t opts)
{
	uint8_t *ring;
	size_t n16 = sizeof(uint16_t) * (num ? num : 1);

	memset(vq, 0, sizeof(*vq));
	if (!d || num == 0 || num > 32768)
		return PF_EINVAL;
	ring = arch_dma_alloc(virtq_packed_size(num), 64);
	vq->state = arch_dma_alloc(sizeof(*vq->state) * num, 16);
	vq->free_next = arch_dma_alloc(n16, 2);
	vq->order = arch_dma_alloc(n16, 2);
	vq->pending_pos = arch_dma_alloc(n16, 2);
	vq->pending_flags = arch_dma_alloc(n16, 2);
	vq->pending_id = arch_dma_alloc(n16, 2);
	if (!ring || !vq->state || !vq->free_next || !vq->order || !vq->pending_pos ||
	    !vq->pending_flags || !vq->pending_id)
		return PF_ENOMEM;
	vq->dev = d;
	vq->index = index;
	vq->num = num;
	vq->opts = opts;
	vq->desc = (struct pvirtq_desc *)(void *)ring;
	vq->driver = (struct pvirtq_event_suppress *)(void *)(ring + virtq_packed_driver_off(num));
	vq->device = (struct pvirtq_event_suppress *)(void *)(ring + virtq_packed_device_off(num));
	vq->desc_addr = arch_dma_addr(vq->desc);
	vq->driver_addr = arch_dma_addr(vq->driver);
	vq->device_addr = arch_dma_addr(vq->device);
	reset_state(vq);
	return PF_OK;
}

void virtq_packed_reinit(struct virtq_packed *vq)
{
	reset_state(vq);
}

int virtq_packed_attach(struct virtq_packed *vq)
{
	return virtq_attach_rings(vq->dev, vq->index, vq->num, vq->desc_addr, vq->driver_addr,
				  vq->device_addr);
}

int virtq_packed_add(struct virtq_packed *vq, const struct virtq_sg *sg, unsigned n, int indirect,
		     uint64_t token)
{
	struct virtq_chain c;
	bool wrap = vq->avail_wrap;
	struct pvirtq_desc *tab = 0;
	struct virtq_packed_state *st;
	uint16_t id, pos = vq->next_avail;
	int rc = virtq_chain_plan(&c, sg, n, indirect, vq->num, vq->opts, vq->num_free);

	if (rc)
		return rc;
	if (vq->num_free_ids == 0)
		return PF_ENOSPC; /* every Buffer ID is in flight */
	id = vq->free_head;
	st = &vq->state[id];
	if ((vq->opts & VQ_OPT_VERIFY_RO) && st->ro_cap < n) {
		uint16_t cap = n < 8 ? 8 : (uint16_t)n;

		st->ro_sg = arch_dma_alloc(sizeof(*st->ro_sg) * cap, 8);
		if (!st->ro_sg) {
			st->ro_cap = 0;
			return PF_ENOMEM;
		}
		st->ro_cap = cap;
	}
	if (c.nind) {
		tab = virtq_itab_fill(st->itab, &st->itab_cap, sg + c.ndirect, c.nind, true);
		if (!tab)
			return PF_ENOMEM;
		st->itab = tab;
	}
	vq->free_head = vq->free_next[id];
	vq->num_free_ids--;

	for (unsigned i = 0; i < c.nring; i++) {
		struct pvirtq_desc *d = &vq->desc[pos];
		uint16_t flags;

		if (i < c.ndirect) {
			d->addr = sg[i].addr;
			d->len = sg[i].len;
			flags = sg[i].write ? VIRTQ_DESC_F_WRITE : 0;
		} else {
			d->addr = arch_dma_addr(tab);
			d->len = (uint32_t)(c.nind * sizeof(*tab));
			flags = VIRTQ_DESC_F_INDIRECT;
		}
		if (i + 1 < c.nring)
			flags |= VIRTQ_DESC_F_NEXT;
		flags |= avail_flags(wrap);
		d->id = id;
		if (i == 0) {
			/* the head's flags hand the chain over: publish writes them */
			vq->pending_pos[vq->npending] = pos;
			vq->pending_flags[vq->npending] = flags;
			vq->pending_id[vq->npending] = id;
			vq->npending++;
		} else {
			VQ_WRITE_ONCE(d->flags, flags);
		}
		if (++pos == vq->num) {
			pos = 0;
			wrap = !wrap;
		}
	}
	st->in_flight = true;
	st->published = false;
	st->ndesc = (uint16_t)c.nring;
	st->pos = vq->next_avail;
	st->writable = c.writable;
	st->token = token;
	st->indirect_n = (uint16_t)c.nind;
	st->ro_hash = 0;
	st->ro_n = 0;
	if (vq->opts & VQ_OPT_VERIFY_RO) {
		memcpy(st->ro_sg, sg, sizeof(*sg) * n);
		st->ro_n = (uint16_t)n;
		st->ro_hash = virtq_hash_sg(sg, n);
	}
	vq->next_avail = pos;
	vq->avail_wrap = wrap;
	vq->num_free = (uint16_t)(vq->num_free - c.nring);
	vq->in_flight++;
	if (vq->opts & VQ_OPT_IN_ORDER)
		virtq_order_push(vq->order, vq->order_head, &vq->order_n, vq->num, id);
	return id;
}

void virtq_packed_publish(struct virtq_packed *vq)
{
	if (!vq->npending)
		return;
	/*
	 * The descriptors' other fields (and the rest of each chain) must be
	 * visible before the head flags that make them available, or the
	 * device could read a stale address or length (Linux: virtio_wmb()
	 * before desc[head].flags in virtqueue_add_packed).
	 */
	arch_wmb();
	for (uint16_t i = 0; i < vq->npending; i++) {
		struct virtq_packed_state *st = &vq->state[vq->pending_id[i]];

		uint32_t end = (uint32_t)st->pos + st->ndesc;
		bool wrap = (vq->pending_flags[i] & VIRTQ_DESC_F_AVAIL) != 0;

		VQ_WRITE_ONCE(vq->desc[vq->pending_pos[i]].flags, vq->pending_flags[i]);
		st->published = true;
		if (end >= vq->num) {
			end -= vq->num;
			wrap = !wrap;
		}
		vq->pub_pos = (uint16_t)end;
		vq->pub_wrap = wrap;
		vq->num_added = (uint16_t)(vq->num_added + st->ndesc);
		vq->in_flight_published++;
	}
	vq->npending = 0;
}

bool virtq_packed_kick_prepare(struct virtq_packed *vq)
{
	uint16_t new_idx, old, flags, off_wrap, event_idx;
	uint32_t snap;
	bool needs;

	/*
	 * Full barrier: the head flags we just wrote must be visible before
	 * we load the device's suppression state; else both sides can miss
	 * each other (store->load ordering, Linux: virtio_mb() in
	 * virtqueue_kick_prepare_packed).
	 */
	arch_mb();
	if (!vq->num_added)
		return false;
	/* positions modulo 2^16 as Linux does; event_idx is moved back a lap
	 * when the device's wrap bit names the previous lap */
	new_idx = vq->pub_pos;
	old = (uint16_t)(new_idx - vq->num_added);
	vq->num_added = 0;
	/* one 32-bit read: desc and flags from the same device update */
	snap = VQ_READ_ONCE(*(uint32_t *)(void *)vq->device);
	off_wrap = (uint16_t)snap;
	flags = (uint16_t)(snap >> 16) & 3u;
	if (flags != RING_EVENT_FLAGS_DESC) {
		needs = flags != RING_EVENT_FLAGS_DISABLE;
	} else {
		event_idx = off_wrap & 0x7fffu;
		if ((bool)(off_wrap >> VIRTQ_PACKED_EVENT_WRAP_SHIFT) != vq->pub_wrap)
			event_idx = (uint16_t)(event_idx - vq->num);
		needs = vring_need_event(event_idx, new_idx, old);
	}
	vq->last_event_flags = flags;
	return virtq_kick_decide(needs, vq->opts, &vq->last_kick_suppressed, &vq->stats_suppressed);
}

void virtq_packed_notify(struct virtq_packed *vq)
{
	uint32_t data = vq->index;

	/* NOTIFICATION_DATA (2.9): next_off = ring position, next_wrap = wrap */
	if (vq->opts & VQ_OPT_NOTIFICATION_DATA)
		data |= (uint32_t)(vq->pub_pos & 0x7fffu) << 16 | (uint32_t)vq->pub_wrap << 31;
	virtq_doorbell(vq->dev, vq->index, data, &vq->stats_kicks);
}

bool virtq_packed_kick(struct virtq_packed *vq)
{
	virtq_packed_publish(vq);
	if (!virtq_packed_kick_prepare(vq))
		return false;
	virtq_packed_notify(vq);
	return true;
}

/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueue driver (VIRTIO 1.4, 2.7), polling only. Structure and
 * barriers follow Linux's drivers/virtio/virtio_ring.c; everything the device
 * writes (used->idx, used elements) is validated before it is believed.
 */
#include "virtqueue_split.h"

#include <string.h>

#include "platform.h"
#include "virtqueue_internal.h"

/* ---- set-up ---- */

static void reset_state(struct virtq_split *vq)
{
	uint16_t n = vq->num;

	memset(vq->desc, 0, virtq_split_size(n));
	memset(vq->shadow, 0, sizeof(*vq->shadow) * n);
	for (uint16_t i = 0; i < n; i++) {
		vq->state[i].in_flight = false;
		vq->state[i].indirect_n = 0;
	}
	virtq_free_init(vq->free_next, n, &vq->free_head, &vq->free_tail);
	vq->num_free = n;
	vq->avail_idx = vq->published = vq->kicked = vq->last_used = 0;
	vq->in_flight = 0;
	vq->order_head = vq->order_n = 0;
	vq->batch_active = false;
	vq->last_kick_suppressed = vq->avail_event_written = false;
	vq->last_avail_event = 0;
}

int virtq_split_init(struct virtq_split *vq, struct virtio_dev *d, uint16_t index, uint16_t num,
		     uint32_t opts)
{
	uint8_t *ring;

	memset(vq, 0, sizeof(*vq));
	if (!d || num == 0 || num > 32768 || (num & (num - 1)))
		return PF_EINVAL;
	ring = arch_dma_alloc(virtq_split_size(num), VIRTQ_SPLIT_ALIGN);
	vq->shadow = arch_dma_alloc(sizeof(*vq->shadow) * num, 16);
	vq->state = arch_dma_alloc(sizeof(*vq->state) * num, 16);
	vq->free_next = arch_dma_alloc(sizeof(uint16_t) * num, 2);
	vq->order = arch_dma_alloc(sizeof(uint16_t) * num, 2);
	if (!ring || !vq->shadow || !vq->state || !vq->free_next || !vq->order)
		return PF_ENOMEM;
	vq->dev = d;
	vq->index = index;
	vq->num = num;
	vq->opts = opts;
	vq->desc = (struct virtq_desc *)(void *)ring;
	vq->avail = (struct virtq_avail *)(void *)(ring + virtq_split_avail_off(num));
	vq->used = (struct virtq_used *)(void *)(ring + virtq_split_used_off(num));
	vq->desc_addr = arch_dma_addr(vq->desc);
	vq->avail_addr = arch_dma_addr(vq->avail);
	vq->used_addr = arch_dma_addr(vq->used);
	reset_state(vq);
	return PF_OK;
}

void virtq_split_reinit(struct virtq_split *vq)
{
	reset_state(vq);
}

int virtq_split_attach(struct virtq_split *vq)
{
	return virtq_attach_rings(vq->dev, vq->index, vq->num, vq->desc_addr, vq->avail_addr,
				  vq->used_addr);
}

/* ---- adding buffers ---- */

static void put_desc(struct virtq_split *vq, uint16_t i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	struct virtq_split_shadow *s = &vq->shadow[i];

	s->addr = addr;
	s->len = len;
	s->flags = flags;
	s->next = next;
	vq->desc[i].addr = addr;
	vq->desc[i].len = len;
	vq->desc[i].flags = flags;
	vq->desc[i].next = next;
}

/* FNV-1a over the device-readable buffers of a chain, from the driver's
 * own copies of the descriptors (the shared ones may have been changed). */
uint64_t virtq_split_chain_hash(struct virtq_split *vq, uint16_t head)
{
	const struct virtq_split_state *st = &vq->state[head];
	struct virtq_sg sg;
	uint64_t h = 0, k = 0;
	uint16_t i = head;

	for (uint16_t d = 0; d < st->ndesc; d++) {
		const struct virtq_split_shadow *s = &vq->shadow[i];

		if (s->flags & VIRTQ_DESC_F_INDIRECT) {
			const struct virtq_desc *priv = st->itab + st->itab_cap;

			for (uint16_t j = 0; j < st->indirect_n; j++) {
				sg.addr = priv[j].addr;
				sg.len = priv[j].len;
				sg.write = priv[j].flags & VIRTQ_DESC_F_WRITE;
				h ^= virtq_hash_sg(&sg, 1) + k++;
			}
		} else {
			sg.addr = s->addr;
			sg.len = s->len;
			sg.write = s->flags & VIRTQ_DESC_F_WRITE;
			h ^= virtq_hash_sg(&sg, 1) + k++;
		}
		i = s->next;
	}
	return h;
}

int virtq_split_add(struct virtq_split *vq, const struct virtq_sg *sg, unsigned n, int indirect,
		    uint64_t token)
{
	struct virtq_chain c;
	struct virtq_split_state *st;
	struct virtq_desc *tab = 0;
	uint16_t head, id, prev = 0;
	int rc = virtq_chain_plan(&c, sg, n, indirect, vq->num, vq->opts, vq->num_free);

	if (rc)
		return rc;
	head = vq->free_head;
	st = &vq->state[head];
	if (c.nind) {
		tab = virtq_itab_fill(st->itab, &st->itab_cap, sg + c.ndirect, c.nind, false);
		if (!tab)
			return PF_ENOMEM;
		st->itab = tab;
	}

	id = head;
	for (unsigned i = 0; i < c.nring; i++) {
		bool last = i + 1 == c.nring;
		uint16_t next = last ? 0 : vq->free_next[id];

		if (i < c.ndirect)
			put_desc(vq, id, sg[i].addr, sg[i].len,
				 (uint16_t)((sg[i].write ? VIRTQ_DESC_F_WRITE : 0) |
					    (last ? 0 : VIRTQ_DESC_F_NEXT)),
				 next);
		else /* the indirect descriptor: never NEXT (2.7.5.3.1) */
			put_desc(vq, id, arch_dma_addr(tab), (uint32_t)(c.nind * sizeof(*tab)),
				 VIRTQ_DESC_F_INDIRECT, 0);
		prev = id;
		id = vq->free_next[id];
	}
	vq->num_free = (uint16_t)(vq->num_free - c.nring);
	vq->free_head = id;

	st->in_flight = true;
	st->ndesc = (uint16_t)c.nring;
	st->last = prev;
	st->writable = c.writable;
	st->token = token;
	st->indirect_n = (uint16_t)c.nind;
	st->ro_hash = (vq->opts & VQ_OPT_VERIFY_RO) ? virtq_split_chain_hash(vq, head) : 0;
	if (vq->opts & VQ_OPT_IN_ORDER)
		virtq_order_push(vq->order, vq->order_head, &vq->order_n, vq->num, head);
	vq->in_flight++;
	VQ_WRITE_ONCE(vq->avail->ring[vq->avail_idx & (vq->num - 1)], head);
	vq->avail_idx++;
	return head;
}

void virtq_split_publish(struct virtq_split *vq)
{
	/*
	 * Descriptors and available ring entries must be visible before the
	 * index that hands them over: a device that sees the new idx first
	 * could fetch a stale ring slot or descriptor (Linux: virtio_wmb()
	 * before avail->idx in virtqueue_add_split).
	 */
	arch_wmb();
	VQ_WRITE_ONCE(vq->avail->idx, vq->avail_idx);
	vq->published = vq->avail_idx;
}

/* ---- notifications ---- */

bool virtq_split_kick_prepare(struct virtq_split *vq)
{
	uint16_t old = vq->kicked, new_idx = vq->published;
	bool needs;

	/*
	 * Full barrier: our store of avail->idx must be ordered before the
	 * load of the device's suppression state. Otherwise the device can
	 * read the old idx, find nothing to do and re-enable notifications
	 * while we still read its stale "don't notify": a lost wake-up
	 * (Linux: virtio_mb() in virtqueue_kick_prepare_split). Store->load
	 * ordering needs a full barrier, rmb/wmb do not give it.
	 */
	arch_mb();
	vq->kicked = new_idx;
	if (old == new_idx)
		return false;
	if (vq->opts & VQ_OPT_EVENT_IDX) {
		uint16_t ev = VQ_READ_ONCE(*vring_avail_event(vq->used, vq->num));

		vq->last_avail_event = ev;
		vq->avail_event_written |= ev != 0;
		needs = vring_need_event(ev, new_idx, old);
	} else {
		needs = !(VQ_READ_ONCE(vq->used->flags) & VIRTQ_USED_F_NO_NOTIFY);
	}
	return virtq_kick_decide(needs, vq->opts, &vq->last_kick_suppressed, &vq->stats_suppressed);
}

void virtq_split_notify(struct virtq_split *vq)
{
	uint32_t data = vq->index;

	/* NOTIFICATION_DATA (2.9): next_off = idx bits 0..14, next_wrap = bit 15 */
	if (vq->opts & VQ_OPT_NOTIFICATION_DATA)
		data |= (uint32_t)vq->published << 16;
	virtq_doorbell(vq->dev, vq->index, data, &vq->stats_kicks);
}

bool virtq_split_kick(struct virtq_split *vq)
{
	virtq_split_publish(vq);
	if (!virtq_split_kick_prepare(vq))
		return false;
	virtq_split_notify(vq);
	return true;
}

void virtq_split_enable_cb(struct virtq_split *vq)
{
	if (vq->opts & VQ_OPT_EVENT_IDX)
		VQ_WRITE_ONCE(*vring_used_event(vq->avail, vq->num), vq->last_used);
	else
		VQ_WRITE_ONCE(vq->avail->flags,
			      (uint16_t)(vq->avail->flags & ~VIRTQ_AVAIL_F_NO_INTERRUPT));
	/* Publish the new suppression state before any later check of the
	 * used ring, so a buffer used meanwhile is either seen or notified. */
	arch_mb();
}

void virtq_split_disable_cb(struct virtq_split *vq)
{
	if (vq->opts & VQ_OPT_EVENT_IDX)
		/* as far away as possible (Linux sets last_used + 0x8000 too) */
		VQ_WRITE_ONCE(*vring_used_event(vq->avail, vq->num),
			      (uint16_t)(vq->last_used + 0x8000u));
	else
		VQ_WRITE_ONCE(vq->avail->flags,
			      (uint16_t)(vq->avail->flags | VIRTQ_AVAIL_F_NO_INTERRUPT));
}

void virtq_split_set_used_event(struct virtq_split *vq, uint16_t idx)
{
	VQ_WRITE_ONCE(*vring_used_event(vq->avail, vq->num), idx);
	arch_mb();
}

uint16_t virtq_split_avail_event(struct virtq_split *vq)
{
	return VQ_READ_ONCE(*vring_avail_event(vq->used, vq->num));
}

bool virtq_split_irq_required(struct virtq_split *vq, uint16_t old_used, uint16_t new_used)
{
	if (old_used == new_used)
		return false;
	if (vq->opts & VQ_OPT_EVENT_IDX)
		return vring_need_event(VQ_READ_ONCE(*vring_used_event(vq->avail, vq->num)),
					new_used, old_used);
	return !(VQ_READ_ONCE(vq->avail->flags) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueue: taking used buffers back, validating every field the
 * device wrote (2.7.8, 2.7.9 IN_ORDER batches).
 */
#include "platform.h"
#include "virtqueue_internal.h"
#include "virtqueue_split.h"

/* ---- used buffers ---- */

uint16_t virtq_split_pending(struct virtq_split *vq)
{
	return (uint16_t)(VQ_READ_ONCE(vq->used->idx) - vq->last_used);
}

/* A descriptor still holds what the driver wrote. */
static bool desc_same(const volatile struct virtq_desc *d, uint64_t addr, uint32_t len,
		      uint16_t flags, uint16_t next)
{
	return d->addr == addr && d->len == len && d->flags == flags && d->next == next;
}

int virtq_split_find_desc_change(struct virtq_split *vq)
{
	for (uint16_t i = 0; i < vq->num; i++) {
		const struct virtq_split_shadow *s = &vq->shadow[i];

		if (!desc_same(&vq->desc[i], s->addr, s->len, s->flags, s->next))
			return i;
	}
	return -1;
}

/* The chain's descriptors (and indirect table) still hold what we wrote? */
static bool chain_intact(struct virtq_split *vq, uint16_t head)
{
	const struct virtq_split_state *st = &vq->state[head];
	uint16_t i = head;

	for (uint16_t k = 0; k < st->ndesc; k++) {
		const struct virtq_split_shadow *s = &vq->shadow[i];

		if (!desc_same(&vq->desc[i], s->addr, s->len, s->flags, s->next))
			return false;
		i = s->next;
	}
	for (uint16_t j = 0; j < st->indirect_n; j++) {
		const struct virtq_desc *p = &st->itab[st->itab_cap + j];

		if (!desc_same(&st->itab[j], p->addr, p->len, p->flags, p->next))
			return false;
	}
	return true;
}

/* Validates and releases one completed buffer; fills *out. */
static int complete(struct virtq_split *vq, uint16_t head, uint32_t len, bool batched,
		    struct virtq_used_info *out)
{
	struct virtq_split_state *st = &vq->state[head];
	uint16_t i = head;
	int rc = virtq_used_fill(out, head, len, batched, st->writable, st->token, st->ndesc);

	/* the first rule broken is the one reported */
	if (rc == 1 && !chain_intact(vq, head))
		rc = VQ_E_DEV_DESC_WRITTEN;
	else if (rc == 1 && (vq->opts & VQ_OPT_VERIFY_RO) &&
		 virtq_split_chain_hash(vq, head) != st->ro_hash)
		rc = VQ_E_DEV_RO_WRITTEN;

	/* back on the free list, in chain order (FIFO, see the header) */
	for (uint16_t k = 0; k < st->ndesc; k++) {
		uint16_t next = vq->shadow[i].next;

		virtq_free_put(vq->free_next, &vq->free_head, &vq->free_tail, &vq->num_free, i);
		i = next;
	}
	st->in_flight = false;
	vq->in_flight--;
	if (!(vq->opts & VQ_OPT_IN_ORDER)) {
		/* no submission order kept */
	} else if (vq->order_n && vq->order[vq->order_head] == head) {
		virtq_order_pop(&vq->order_head, &vq->order_n, vq->num);
	} else {
		/* out of submission order: drop it from the order list */
		for (uint16_t k = 0; k < vq->order_n; k++) {
			uint16_t pos = (uint16_t)((vq->order_head + k) & (vq->num - 1));

			if (vq->order[pos] != head)
				continue;
			for (; k + 1 < vq->order_n; k++) {
				uint16_t a = (uint16_t)((vq->order_head + k) & (vq->num - 1));
				uint16_t b = (uint16_t)((a + 1) & (vq->num - 1));

				vq->order[a] = vq->order[b];
			}
			vq->order_n--;
			break;
		}
	}
	return rc;
}

int virtq_split_get_used(struct virtq_split *vq, struct virtq_used_info *out)
{
	uint16_t used_idx, navail, slot, head;
	uint32_t id, len;

	if (virtq_used_begin(out, &vq->batch_active, vq->order, vq->order_head, vq->batch_last,
			     vq->batch_len, &head, &len))
		return complete(vq, head, len, vq->batch_active, out);
	used_idx = VQ_READ_ONCE(vq->used->idx);
	if (used_idx == vq->last_used)
		return 0;
	/*
	 * Read the used entries only after the index that publishes them:
	 * without the barrier the CPU may load a ring slot before the device
	 * wrote it (Linux: virtio_rmb() in virtqueue_get_buf_ctx_split).
	 */
	arch_rmb();
	navail = (uint16_t)(used_idx - vq->last_used);
	slot = vq->last_used & (vq->num - 1);
	id = VQ_READ_ONCE(vq->used->ring[slot].id);
	len = VQ_READ_ONCE(vq->used->ring[slot].len);
	if (navail > vq->in_flight) {
		/* resynchronise so the caller is not stuck on the same error */
		vq->last_used = used_idx;
		out->id = (uint16_t)id;
		out->len = len;
		return VQ_E_DEV_USED_IDX;
	}
	vq->last_used++;
	out->id = (uint16_t)id;
	out->len = len;
	if (id >= vq->num)
		return VQ_E_DEV_ID_RANGE;
	if (!vq->state[id].in_flight)
		return VQ_E_DEV_ID_NOT_INFLIGHT;
	if (vq->opts & VQ_OPT_IN_ORDER) {
		int k = virtq_order_pos(vq->order, vq->order_head, vq->order_n, vq->num,
					(uint16_t)id);

		if (k > 0) {
			/*
			 * One entry for a batch of k + 1 buffers: the device
			 * skips the used ring forward by the batch size (2.7.9).
			 * If it did not, this is an out-of-order completion.
			 */
			if (navail < (uint16_t)(k + 1)) {
				complete(vq, (uint16_t)id, len, false, out);
				return VQ_E_DEV_ORDER;
			}
			vq->last_used = (uint16_t)(vq->last_used + k);
			vq->batch_active = true;
			vq->batch_last = (uint16_t)id;
			vq->batch_len = len;
			return complete(vq, vq->order[vq->order_head], 0, true, out);
		}
	}
	return complete(vq, (uint16_t)id, len, false, out);
}

static int get_used_split(void *vq, struct virtq_used_info *out)
{
	return virtq_split_get_used(vq, out);
}

int virtq_split_poll(struct virtq_split *vq, struct virtq_used_info *out, uint64_t timeout_ns)
{
	return virtq_poll_bounded(get_used_split, vq, out, timeout_ns);
}

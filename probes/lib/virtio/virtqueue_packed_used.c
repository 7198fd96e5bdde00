/* SPDX-License-Identifier: MIT */
/*
 * Packed virtqueue: taking used descriptors back (2.8.2, 2.8.18 IN_ORDER
 * batches), validating flags, id and len, and Driver Event Suppression.
 */
#include "platform.h"
#include "virtqueue_internal.h"
#include "virtqueue_packed.h"

/* ---- used buffers ---- */

static bool itab_intact(const struct virtq_packed_state *st)
{
	for (uint16_t j = 0; j < st->indirect_n; j++) {
		const volatile struct pvirtq_desc *d = &st->itab[j];
		const struct pvirtq_desc *p = &st->itab[st->itab_cap + j];

		if (d->addr != p->addr || d->len != p->len || d->flags != p->flags ||
		    d->id != p->id)
			return false;
	}
	return true;
}

static void advance_used(struct virtq_packed *vq, uint16_t n)
{
	uint32_t p = (uint32_t)vq->next_used + n;

	if (p >= vq->num) {
		p -= vq->num;
		vq->used_wrap = !vq->used_wrap;
	}
	vq->next_used = (uint16_t)p;
}

/* Validates and releases one buffer; fills *out. */
static int complete(struct virtq_packed *vq, uint16_t id, uint32_t len, bool batched,
		    struct virtq_used_info *out)
{
	struct virtq_packed_state *st = &vq->state[id];
	int rc = virtq_used_fill(out, id, len, batched, st->writable, st->token, st->ndesc);

	/* the first rule broken is the one reported */
	if (rc == 1 && !itab_intact(st))
		rc = VQ_E_DEV_DESC_WRITTEN;
	else if (rc == 1 && (vq->opts & VQ_OPT_VERIFY_RO) &&
		 virtq_hash_sg(st->ro_sg, st->ro_n) != st->ro_hash)
		rc = VQ_E_DEV_RO_WRITTEN;

	vq->num_free = (uint16_t)(vq->num_free + st->ndesc);
	st->in_flight = false;
	st->published = false;
	vq->in_flight--;
	vq->in_flight_published--;
	virtq_free_put(vq->free_next, &vq->free_head, &vq->free_tail, &vq->num_free_ids, id);
	if ((vq->opts & VQ_OPT_IN_ORDER) && vq->order_n && vq->order[vq->order_head] == id)
		virtq_order_pop(&vq->order_head, &vq->order_n, vq->num);
	return rc;
}

int virtq_packed_get_used(struct virtq_packed *vq, struct virtq_used_info *out)
{
	uint16_t flags, id, head;
	uint32_t len;
	bool a, u;

	if (virtq_used_begin(out, &vq->batch_active, vq->order, vq->order_head, vq->batch_last,
			     vq->batch_len, &head, &len))
		return complete(vq, head, len, vq->batch_active, out);
	/* Only published buffers can come back; the descriptor at next_used
	 * is then one we made available in the lap used_wrap names. */
	if (!vq->in_flight_published)
		return 0;
	flags = VQ_READ_ONCE(vq->desc[vq->next_used].flags);
	a = (flags & VIRTQ_DESC_F_AVAIL) != 0;
	u = (flags & VIRTQ_DESC_F_USED) != 0;
	if (a == vq->used_wrap && u != vq->used_wrap)
		return 0; /* still as we made it available */
	if (a != u)
		return VQ_E_DEV_FLAGS; /* AVAIL != USED, but not our pattern */
	if (a != vq->used_wrap)
		return VQ_E_DEV_WRAP; /* used, but with the previous lap's wrap */
	/*
	 * Read the used descriptor's id and len only after its flags: the
	 * flags publish them (Linux: virtio_rmb() in
	 * virtqueue_get_buf_ctx_packed).
	 */
	arch_rmb();
	id = VQ_READ_ONCE(vq->desc[vq->next_used].id);
	len = VQ_READ_ONCE(vq->desc[vq->next_used].len);
	out->id = id;
	out->len = len;
	if (id >= vq->num) {
		advance_used(vq, 1);
		return VQ_E_DEV_ID_RANGE;
	}
	if (!vq->state[id].in_flight || !vq->state[id].published) {
		advance_used(vq, 1);
		return VQ_E_DEV_ID_NOT_INFLIGHT;
	}
	if (vq->opts & VQ_OPT_IN_ORDER) {
		int k = virtq_order_pos(vq->order, vq->order_head, vq->order_n, vq->num, id);

		if (k > 0) {
			/* one used descriptor for a batch: skip all of it (2.8.18) */
			uint16_t skip = 0;

			for (int j = 0; j <= k; j++)
				skip = (uint16_t)(skip + vq->state[vq->order[(vq->order_head + j) %
									     vq->num]]
								 .ndesc);
			advance_used(vq, skip);
			vq->batch_active = true;
			vq->batch_last = id;
			vq->batch_len = len;
			return complete(vq, vq->order[vq->order_head], 0, true, out);
		}
	}
	advance_used(vq, vq->state[id].ndesc);
	return complete(vq, id, len, false, out);
}

static int get_used_packed(void *vq, struct virtq_used_info *out)
{
	return virtq_packed_get_used(vq, out);
}

int virtq_packed_poll(struct virtq_packed *vq, struct virtq_used_info *out, uint64_t timeout_ns)
{
	return virtq_poll_bounded(get_used_packed, vq, out, timeout_ns);
}

void virtq_packed_set_event(struct virtq_packed *vq, uint16_t flags, uint16_t off, bool wrap)
{
	VQ_WRITE_ONCE(
		vq->driver->desc,
		(uint16_t)((off & 0x7fffu) | (uint16_t)wrap << VIRTQ_PACKED_EVENT_WRAP_SHIFT));
	/* offset and wrap before the flags that make the device look at them
	 * (Linux: virtio_wmb() in virtqueue_enable_cb_prepare_packed) */
	arch_wmb();
	VQ_WRITE_ONCE(vq->driver->flags, flags);
	/* and visible before we look at the ring again */
	arch_mb();
}

void virtq_packed_enable_cb(struct virtq_packed *vq)
{
	if (vq->opts & VQ_OPT_EVENT_IDX)
		virtq_packed_set_event(vq, RING_EVENT_FLAGS_DESC, vq->next_used, vq->used_wrap);
	else
		virtq_packed_set_event(vq, RING_EVENT_FLAGS_ENABLE, 0, false);
}

void virtq_packed_disable_cb(struct virtq_packed *vq)
{
	VQ_WRITE_ONCE(vq->driver->flags, (uint16_t)RING_EVENT_FLAGS_DISABLE);
}

struct pvirtq_event_suppress virtq_packed_device_event(struct virtq_packed *vq)
{
	struct pvirtq_event_suppress e;
	uint32_t snap = VQ_READ_ONCE(*(uint32_t *)(void *)vq->device);

	e.desc = (uint16_t)snap;
	e.flags = (uint16_t)(snap >> 16);
	return e;
}

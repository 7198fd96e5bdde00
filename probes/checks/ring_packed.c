/* SPDX-License-Identifier: MIT */
/* Driving the peer-free workloads through a packed virtqueue (2.8). */
#include "ring_packed.h"

#include <string.h>

#include "helpers.h"
#include "platform.h"

/* A zeroed packed ring (2.8.10.1 sizes and alignments): every descriptor
 * reads 0, which is never available, and both event suppression structures
 * say ENABLE. */
static int setup_idle_packed(struct virtio_dev *d, uint16_t q, uint16_t size)
{
	uint8_t *mem = arch_dma_alloc(virtq_packed_size(size), 64);
	uint64_t base;

	if (!mem)
		return PF_ENOMEM;
	base = arch_dma_addr(mem);
	return d->ops->queue_setup(d, q, size, base, base + virtq_packed_driver_off(size),
				   base + virtq_packed_device_off(size));
}

static bool open_checks(struct pf_test *t, struct chk_pring *r)
{
	if (!chk_drivable(t) || !chk_offered(t, VIRTIO_F_RING_PACKED, "VIRTIO_F_RING_PACKED"))
		return false;
	r->wl = chk_workload_usable(t);
	return r->wl != 0;
}

bool chk_pring_open(struct pf_test *t, struct chk_pring *r, uint64_t want, uint16_t num,
		    uint32_t vq_opts, bool driver_ok)
{
	struct virtio_dev *d = t->dev;
	uint16_t wq;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!open_checks(t, r))
		return false;
	r->dev = d;
	wq = r->wl->queue;
	if (num > d->queue_max[wq])
		num = d->queue_max[wq];
	r->features =
		(want | VIRTIO_BIT(VIRTIO_F_RING_PACKED) | chk_default_features(d)) & d->features;
	if (!chk_open_queues(t, r->features, wq, setup_idle_packed, "idle packed "))
		return false;
	rc = virtq_packed_init(&r->vq, d, wq, num, chk_vq_opts(r->features) | vq_opts);
	if (rc == PF_OK)
		rc = virtq_packed_attach(&r->vq);
	if (rc) {
		report_error(t, "cannot set up packed queue %u (size %u): %d", wq, num, rc);
		return false;
	}
	r->slots = num;
	if (!chk_bufs_init(t, &r->b, d, r->wl, num))
		return false;
	r->b.verify_readable = vq_opts & VQ_OPT_VERIFY_RO;
	r->seen = arch_dma_alloc(sizeof(*r->seen) * num, 16);
	r->seen_valid = arch_dma_alloc(sizeof(*r->seen_valid) * num, 8);
	if (!r->seen || !r->seen_valid) {
		report_error(t, "out of DMA memory for %u buffers", num);
		return false;
	}
	if (driver_ok)
		virtio_add_status(d, VIRTIO_STATUS_DRIVER_OK);
	return true;
}

int chk_pring_add(struct chk_pring *r, uint16_t slot, unsigned pieces, int indirect)
{
	struct virtq_sg sg[RING_MAX_SG];
	unsigned n = chk_bufs_request(&r->b, slot, sg, pieces);
	int id;

	/* a packed list is all direct or one indirect descriptor (2.8.19) */
	if (indirect > 0)
		indirect = VQ_ADD_INDIRECT;
	id = virtq_packed_add(&r->vq, sg, n, indirect, slot);
	if (id >= 0) {
		const struct virtq_packed_state *st = &r->vq.state[id];

		/* the driver has written over these positions: forget them */
		for (uint16_t k = 0; k < st->ndesc; k++)
			r->seen_valid[(st->pos + k) % r->vq.num] = false;
	}
	return id;
}

static int packed_add_as(void *ring, uint16_t slot, unsigned pieces, int indirect)
{
	return chk_pring_add(ring, slot, pieces, indirect);
}

static int packed_add(void *ring, uint16_t slot, unsigned pieces)
{
	return chk_pring_add(ring, slot, pieces, VQ_ADD_DIRECT);
}

static void packed_kick(void *ring)
{
	virtq_packed_kick(&((struct chk_pring *)ring)->vq);
}

static int packed_complete(struct pf_test *t, void *ring, struct virtq_used_info *u)
{
	return chk_pring_complete(t, ring, u);
}

struct chk_traffic chk_pring_traffic(struct chk_pring *r)
{
	struct chk_traffic tr = { r,	       r->slots,	packed_add,
				  packed_kick, packed_complete, packed_add_as };

	return tr;
}

int chk_pring_submit(struct chk_pring *r, uint16_t slot, unsigned pieces, int indirect)
{
	struct chk_traffic tr = chk_pring_traffic(r);

	return chk_traffic_submit(&tr, slot, pieces, indirect);
}

/* Remembers the used descriptor at pos as the device left it. */
static struct pvirtq_desc remember(struct chk_pring *r, uint16_t pos)
{
	const volatile struct pvirtq_desc *v = &r->vq.desc[pos];
	struct pvirtq_desc c;

	c.addr = v->addr;
	c.len = v->len;
	c.id = v->id;
	c.flags = v->flags;
	r->seen[pos] = c;
	r->seen_valid[pos] = true;
	return c;
}

/* As event_idx_stall() in ring.c, for the Device Event Suppression
 * structure (2.8.10): DISABLE, or DESC at a position not reached. */
static bool event_stall(struct pf_test *t, struct chk_pring *r)
{
	struct virtq_packed *vq = &r->vq;

	if (!vq->last_kick_suppressed || (vq->opts & VQ_OPT_ALWAYS_NOTIFY))
		return false;
	report_should(t, false, "avail-event-stall",
		      "queue %u stalled %llu ms: the device event flags (%u) told the driver not "
		      "to notify; the device may suppress notifications (2.8.10), not stall a "
		      "conforming driver; notified anyway",
		      vq->index, (unsigned long long)((chk_wait_ns() + chk_retry_ns()) / 1000000),
		      vq->last_event_flags);
	vq->opts |= VQ_OPT_ALWAYS_NOTIFY;
	virtq_packed_notify(vq);
	return true;
}

int chk_pring_complete(struct pf_test *t, struct chk_pring *r, struct virtq_used_info *u)
{
	uint16_t pos = r->vq.next_used;
	bool wrap = r->vq.used_wrap, unrolling = r->vq.batch_active;
	uint64_t waited = chk_wait_ns() + chk_retry_ns();
	int rc = virtq_packed_poll(&r->vq, u, chk_wait_ns());
	struct pvirtq_desc c;

	if (rc == PF_ETIMEDOUT && event_stall(t, r))
		rc = virtq_packed_poll(&r->vq, u, chk_wait_ns());
	if (rc == PF_ETIMEDOUT) /* re-tried before it counts (timing.h) */
		rc = virtq_packed_poll(&r->vq, u, chk_retry_ns());
	if (rc == 1)
		chk_rtt_end();
	if (rc == PF_ETIMEDOUT) {
		report(t, false, "no-used",
		       "no used descriptor within %llu ms at ring position %u (wrap counter %u)",
		       (unsigned long long)(waited / 1000000), pos, wrap);
		return rc;
	}
	if (rc == VQ_E_DEV_LEN) {
		/* 2.8.5 says what len means only descriptively: a warning */
		report_should(t, false, "used-len",
			      "used len %u exceeds the %u device-writable bytes (2.8.5)", u->len,
			      u->writable);
		rc = 1;
	} else if (rc < 0) {
		uint16_t f = VQ_READ_ONCE(r->vq.desc[pos].flags);

		report(t, false, virtq_error_id(rc),
		       "used descriptor at position %u (flags 0x%04x, expected wrap %u): id %u len "
		       "%u: %s",
		       pos, f, wrap, u->id, u->len, virtq_strerror(rc));
		return rc;
	}
	/* an IN_ORDER batch: one used descriptor, already validated; the
	 * buffers the device wrote no len for still have their guards */
	if (u->batched || unrolling) {
		if (u->token < r->slots)
			chk_bufs_verify(t, &r->b, (uint16_t)u->token, 0, true);
		return rc;
	}
	c = remember(r, pos);
	/* One used descriptor per list, at the list's first position; the
	 * device skips the rest (2.8.6), which still look available. */
	for (uint16_t k = 1; k < u->ndesc; k++) {
		uint16_t p = (uint16_t)((pos + k) % r->vq.num);
		uint16_t f = VQ_READ_ONCE(r->vq.desc[p].flags);

		if (!report(t, !(f & VIRTQ_DESC_F_AVAIL) != !(f & VIRTQ_DESC_F_USED),
			    "used-inside-list",
			    "used descriptor (flags 0x%04x) at position %u, inside the "
			    "%u-descriptor list of id %u",
			    f, p, u->ndesc, u->id))
			break;
	}
	if (u->token >= r->slots)
		return rc;
	/* 2.8.4: WRITE in a used descriptor says data was written; len is
	 * reserved without it (Linux ignores the flag and trusts len) */
	if (u->len && !(c.flags & VIRTQ_DESC_F_WRITE))
		r->used_without_write++;
	chk_bufs_verify(t, &r->b, (uint16_t)u->token, u->len <= r->wl->writable ? u->len : 0, true);
	return rc;
}

bool chk_pring_roundtrips(struct pf_test *t, struct chk_pring *r, unsigned count, unsigned pieces,
			  int indirect)
{
	struct chk_traffic tr = chk_pring_traffic(r);

	return chk_traffic_roundtrips(t, &tr, count, pieces, indirect);
}

int chk_pring_find_used_change(struct chk_pring *r)
{
	for (uint16_t p = 0; p < r->vq.num; p++) {
		const volatile struct pvirtq_desc *v = &r->vq.desc[p];
		const struct pvirtq_desc *s = &r->seen[p];

		if (!r->seen_valid[p])
			continue;
		if (v->addr != s->addr || v->len != s->len || v->id != s->id ||
		    v->flags != s->flags)
			return p;
	}
	return -1;
}

void chk_pring_close(struct chk_pring *r)
{
	if (r->dev)
		virtio_reset(r->dev, CHK_RESET_TIMEOUT_NS);
}

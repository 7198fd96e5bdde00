/* SPDX-License-Identifier: MIT */
#include "ring.h"

#include <string.h>

#include "helpers.h"
#include "platform.h"

/* a run this long still holding the guard is data never written: a device's
 * data matches a single guard byte by chance (1 in 256), four in a row
 * practically never */
#define GUARD_RUN 4

static const struct chk_workload workloads[] = {
	{ .device_id = 4, .queue = 0, .readable = 0, .writable = 64, .fills_all = false },
	/* struct virtio_blk_req: le32 type, le32 reserved, le64 sector; data; u8 status */
	{ .device_id = 2, .queue = 0, .readable = 16, .writable = 512 + 1, .fills_all = true },
	/* struct virtio_net_hdr (12 bytes with VERSION_1) + a 60-byte frame */
	{ .device_id = 1, .queue = 1, .readable = 12 + 60, .writable = 0, .fills_all = true },
	{ .device_id = 3, .queue = 1, .readable = 1, .writable = 0, .fills_all = true },
};

const struct chk_workload *chk_workload(const struct virtio_dev *d)
{
	for (unsigned i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		if (workloads[i].device_id == d->device_id)
			return &workloads[i];
	return 0;
}

uint32_t chk_vq_opts(uint64_t f)
{
	uint32_t o = 0;

	if (f & VIRTIO_BIT(VIRTIO_F_EVENT_IDX))
		o |= VQ_OPT_EVENT_IDX;
	if (f & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC))
		o |= VQ_OPT_INDIRECT;
	if (f & VIRTIO_BIT(VIRTIO_F_IN_ORDER))
		o |= VQ_OPT_IN_ORDER;
	return o;
}

bool chk_ring_open(struct pf_test *t, struct chk_ring *r, uint64_t want, uint16_t num,
		   uint32_t vq_opts, bool driver_ok)
{
	struct virtio_dev *d = t->dev;
	uint8_t st;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!chk_drivable(t))
		return false;
	r->dev = d;
	r->wl = chk_workload(d);
	if (!r->wl) {
		report_skip(t, "no peer-free workload for a %s device", virtio_device_name(d->device_id));
		return false;
	}
	if (r->wl->queue >= d->num_queues || !d->queue_max[r->wl->queue]) {
		report_skip(t, "queue %u of the workload is absent", r->wl->queue);
		return false;
	}
	if (num > d->queue_max[r->wl->queue])
		num = d->queue_max[r->wl->queue];
	/* The probe's split driver needs a power of two (2.7). */
	while (num & (num - 1))
		num &= (uint16_t)(num - 1);
	r->features = (want | chk_default_features(d)) & d->features;
	/* Packed rings are the packed checks' business. */
	r->features &= ~VIRTIO_BIT(VIRTIO_F_RING_PACKED);
	st = chk_try_features(t, r->features);
	if (chk_uses_features_ok(d) && !(st & VIRTIO_STATUS_FEATURES_OK)) {
		report_error(t, "device refused features 0x%llx (status 0x%02x)",
			     (unsigned long long)r->features, st);
		return false;
	}
	/* Every other queue gets a small idle ring, as a driver would set up
	 * the whole device (some devices only start once all are live). */
	for (uint16_t q = 0; q < d->num_queues; q++) {
		if (q == r->wl->queue || !d->queue_max[q])
			continue;
		rc = chk_setup_split_queue(d, q, d->queue_max[q] < 8 ? d->queue_max[q] : 8);
		if (rc) {
			report_error(t, "cannot set up queue %u: %d", q, rc);
			return false;
		}
		d->ops->queue_enable(d, q);
	}
	rc = virtq_split_init(&r->vq, d, r->wl->queue, num, chk_vq_opts(r->features) | vq_opts);
	if (rc == VQ_OK)
		rc = virtq_split_attach(&r->vq);
	if (rc) {
		report_error(t, "cannot set up queue %u: %d", r->wl->queue, rc);
		return false;
	}
	r->slots = num;
	r->slot_size = (r->wl->readable + r->wl->writable + 15u) & ~15u;
	r->buf = arch_dma_alloc((size_t)r->slot_size * num, 16);
	if (!r->buf) {
		report_error(t, "out of DMA memory for %u buffers", num);
		return false;
	}
	if (driver_ok)
		virtio_add_status(d, VIRTIO_STATUS_DRIVER_OK);
	return true;
}

/* The readable part of a request: a read of sector 0 for blk, a frame for
 * net (locally administered addresses, an experimental EtherType), a byte
 * of text for the console. */
static void fill_request(const struct chk_workload *wl, uint8_t *p)
{
	memset(p, 0, wl->readable);
	if (wl->device_id == 1) {
		uint8_t *f = p + 12;

		memset(f, 0x02, 6);               /* destination 02:02:02:02:02:02 */
		memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
		f[12] = 0x88;                     /* EtherType 0x88b5: local experimental */
		f[13] = 0xb5;
	} else if (wl->device_id == 3) {
		p[0] = '.';
	}
}

/* Splits [addr, addr+len) into `pieces` descriptors (at least 1 byte each). */
static unsigned split_part(struct virtq_sg *sg, unsigned n, uint64_t addr, uint32_t len, bool write,
			   unsigned pieces)
{
	uint32_t step;

	if (!len)
		return n;
	if (pieces > len)
		pieces = len;
	step = len / pieces;
	for (unsigned i = 0; i < pieces && n < RING_MAX_SG; i++) {
		uint32_t l = i + 1 == pieces ? len - step * i : step;

		sg[n].addr = addr + (uint64_t)step * i;
		sg[n].len = l;
		sg[n].write = write;
		n++;
	}
	return n;
}

unsigned chk_ring_request(struct chk_ring *r, uint16_t slot, struct virtq_sg *sg, unsigned pieces)
{
	uint8_t *p = r->buf + (size_t)slot * r->slot_size;
	uint64_t a = arch_dma_addr(p);
	unsigned n = 0;

	fill_request(r->wl, p);
	chk_guard_fill(p + r->wl->readable, r->wl->writable);
	n = split_part(sg, n, a, r->wl->readable, false, pieces);
	n = split_part(sg, n, a + r->wl->readable, r->wl->writable, true, pieces);
	return n;
}

static uint8_t guard_at(uint32_t i)
{
	return (uint8_t)(0xa5u + i * 0x3du);
}

void chk_guard_fill(uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = guard_at(i);
}

uint32_t chk_guard_changed(const uint8_t *w, uint32_t n)
{
	uint32_t i = 0;

	while (i < n && w[i] == guard_at(i))
		i++;
	return i;
}

uint32_t chk_guard_first(const uint8_t *w, uint32_t len)
{
	for (uint32_t i = 0; i + GUARD_RUN <= len; i++) {
		uint32_t k = 0;

		while (k < GUARD_RUN && w[i + k] == guard_at(i + k))
			k++;
		if (k == GUARD_RUN)
			return i;
	}
	return len;
}

int chk_ring_submit(struct chk_ring *r, uint16_t slot, unsigned pieces, int indirect)
{
	struct virtq_sg sg[RING_MAX_SG];
	unsigned n = chk_ring_request(r, slot, sg, pieces);
	int head;

	/* k direct descriptors then an indirect one needs k < n */
	if (indirect > 0 && (unsigned)indirect >= n)
		indirect = n > 1 ? (int)n - 1 : VQ_ADD_INDIRECT;
	head = virtq_split_add(&r->vq, sg, n, indirect, slot);

	if (head < 0)
		return head;
	virtq_split_publish(&r->vq);
	virtq_split_kick(&r->vq);
	chk_rtt_start();
	return head;
}

int chk_split_poll(struct virtq_split *vq, struct virtq_used_info *u)
{
	int rc = virtq_split_poll(vq, u, chk_wait_ns());

	if (rc == VQ_E_TIMEDOUT)
		rc = virtq_split_poll(vq, u, chk_retry_ns());
	if (rc == 1)
		chk_rtt_end();
	return rc;
}

int chk_ring_complete(struct pf_test *t, struct chk_ring *r, struct virtq_used_info *u)
{
	uint64_t waited = chk_wait_ns() + chk_retry_ns();
	int rc = chk_split_poll(&r->vq, u);
	const uint8_t *w;

	if (rc == VQ_E_TIMEDOUT) {
		report(t, false, "no-used", "no used buffer within %llu ms on queue %u",
		       (unsigned long long)(waited / 1000000), r->vq.index);
		return rc;
	}
	if (rc < 0) {
		report(t, false, "used-entry", "used entry id %u len %u: %s", u->id, u->len, virtq_strerror(rc));
		return rc;
	}
	if (u->token >= r->slots)
		return rc;
	w = r->buf + (size_t)u->token * r->slot_size + r->wl->readable;
	report(t, u->len <= r->wl->writable, "used-len", "used len %u exceeds the %u device-writable bytes", u->len,
	       r->wl->writable);
	if (r->wl->fills_all && u->len <= r->wl->writable) {
		/* 2.7.8: the first len bytes were written before used->idx
		 * moved */
		uint32_t i = chk_guard_first(w, u->len);

		report(t, i == u->len, "used-len-unwritten", "used len %u but byte %u was never written (guard pattern intact)",
		       u->len, i);
	}
	if (r->wl->device_id == 2)
		report(t, w[512] == 0, "blk-status", "blk status byte reads %u after a read of sector 0", w[512]);
	return rc;
}

uint32_t chk_isr_take(struct virtio_dev *d)
{
	uint32_t isr = d->ops->isr_read(d);

	if (isr && d->ops->isr_ack)
		d->ops->isr_ack(d, isr);
	return isr;
}

void chk_ring_close(struct chk_ring *r)
{
	if (r->dev)
		virtio_reset(r->dev, CHK_RESET_TIMEOUT_NS);
}

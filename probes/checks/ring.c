/* SPDX-License-Identifier: MIT */
#include "ring.h"

#include <string.h>

#include "helpers.h"
#include "platform.h"

static const struct chk_workload workloads[] = {
	{ .device_id = 4, .queue = 0, .readable = 0, .writable = 64 },
	/* struct virtio_blk_req: le32 type, le32 reserved, le64 sector; data; u8 status */
	{ .device_id = 2, .queue = 0, .readable = 16, .writable = 512 + 1 },
	/* struct virtio_net_hdr (12 bytes with VERSION_1) + a 60-byte frame */
	{ .device_id = 1, .queue = 1, .readable = 12 + 60, .writable = 0 },
	{ .device_id = 3, .queue = 1, .readable = 1, .writable = 0 },
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
		report_skip(t, "no peer-free workload for a %s device",
			    virtio_device_name(d->device_id));
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
	if (rc == PF_OK)
		rc = virtq_split_attach(&r->vq);
	if (rc) {
		report_error(t, "cannot set up queue %u: %d", r->wl->queue, rc);
		return false;
	}
	r->slots = num;
	if (!chk_bufs_init(t, &r->b, d, r->wl, num))
		return false;
	r->b.verify_readable = vq_opts & VQ_OPT_VERIFY_RO;
	if (driver_ok)
		virtio_add_status(d, VIRTIO_STATUS_DRIVER_OK);
	return true;
}

/* ---- request buffers ---- */

struct piece {
	uint32_t off, len; /* within the slot */
	bool write;
};

static uint32_t align8(uint32_t v)
{
	return (v + 7u) & ~7u;
}

/* The guard pattern: position-dependent, so that bytes moved within the
 * slot do not pass for guard bytes. */
static uint8_t guard_byte(uint32_t off)
{
	return (uint8_t)(0x3c ^ (off * 0x9du));
}

/* Lays out one part in `pieces` buffers (at least 1 byte each), each
 * starting 8-aligned after at least CHK_GUARD_LEN guard bytes. */
static unsigned lay_part(struct piece *pc, unsigned n, uint32_t *cur, uint32_t len, bool write,
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

		pc[n].off = *cur;
		pc[n].len = l;
		pc[n].write = write;
		*cur = align8(*cur + l) + CHK_GUARD_LEN;
		n++;
	}
	return n;
}

/* The pieces of a request; *end is where its last guard ends. */
static unsigned layout(const struct chk_workload *wl, unsigned pieces, struct piece *pc,
		       uint32_t *end)
{
	uint32_t cur = CHK_GUARD_LEN;
	unsigned n = 0;

	if (pieces < 1)
		pieces = 1;
	if (pieces > CHK_MAX_PIECES)
		pieces = CHK_MAX_PIECES;
	n = lay_part(pc, n, &cur, wl->readable, false, pieces);
	n = lay_part(pc, n, &cur, wl->writable, true, pieces);
	*end = cur;
	return n;
}

bool chk_bufs_init(struct pf_test *t, struct chk_bufs *b, struct virtio_dev *d,
		   const struct chk_workload *wl, uint16_t slots)
{
	memset(b, 0, sizeof(*b));
	b->wl = wl;
	b->slots = slots;
	if (wl->device_id == 2) {
		/* capacity (5.2.4): the sectors a read may name */
		b->blk_sectors =
			d->ops->config_read(d, 0, 4) | (uint64_t)d->ops->config_read(d, 4, 4) << 32;
		if (!b->blk_sectors) {
			report_skip(t, "blk capacity is 0: no sector to read");
			return false;
		}
	}
	/* the most pieces a request can have, each with its guards */
	b->slot_size = (wl->readable + wl->writable + 2u * CHK_MAX_PIECES * (7u + CHK_GUARD_LEN) +
			CHK_GUARD_LEN + 15u) &
		       ~15u;
	b->buf = arch_dma_alloc((size_t)b->slot_size * slots, 16);
	b->pieces = arch_dma_alloc(slots, 1);
	if (!b->buf || !b->pieces) {
		report_error(t, "out of DMA memory for %u buffers", slots);
		return false;
	}
	return true;
}

/* The readable part of a request: a read of one sector for blk (the
 * sector differs per slot, counted down from the last, so the header is
 * not all zeros), a frame for net (locally administered addresses, an
 * experimental EtherType), a byte of text for the console. */
static void fill_request(const struct chk_bufs *b, uint16_t slot, uint8_t *p)
{
	const struct chk_workload *wl = b->wl;

	memset(p, 0, wl->readable);
	if (wl->device_id == 1) {
		uint8_t *f = p + 12;

		memset(f, 0x02, 6); /* destination 02:02:02:02:02:02 */
		memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
		f[12] = 0x88; /* EtherType 0x88b5: local experimental */
		f[13] = 0xb5;
	} else if (wl->device_id == 2) {
		uint64_t sector = b->blk_sectors - 1u - slot % b->blk_sectors;

		/* type VIRTIO_BLK_T_IN (0), reserved 0, le64 sector */
		for (unsigned i = 0; i < 8; i++)
			p[8 + i] = (uint8_t)(sector >> (8 * i));
	} else if (wl->device_id == 3) {
		p[0] = '.';
	}
}

unsigned chk_bufs_request(struct chk_bufs *b, uint16_t slot, struct virtq_sg *sg, unsigned pieces)
{
	uint8_t *p = b->buf + (size_t)slot * b->slot_size;
	uint8_t req[CHK_MAX_READABLE];
	struct piece pc[RING_MAX_SG];
	uint32_t end, rd = 0;
	unsigned n = layout(b->wl, pieces, pc, &end);

	fill_request(b, slot, req);
	for (unsigned i = 0; i <= n; i++) {
		/* the guards before piece i (after the last one: its end) */
		for (uint32_t k = i ? pc[i - 1].off + pc[i - 1].len : 0;
		     k < (i < n ? pc[i].off : end); k++)
			p[k] = guard_byte(k);
		if (i == n)
			break;
		if (pc[i].write) {
			memset(p + pc[i].off, CHK_FILL, pc[i].len);
		} else {
			memcpy(p + pc[i].off, req + rd, pc[i].len);
			rd += pc[i].len;
		}
		sg[i].addr = arch_dma_addr(p + pc[i].off);
		sg[i].len = pc[i].len;
		sg[i].write = pc[i].write;
	}
	b->pieces[slot] = (uint8_t)(pieces < 1		      ? 1
				    : pieces > CHK_MAX_PIECES ? CHK_MAX_PIECES
							      : pieces);
	return n;
}

/* First and last guard byte of [start, stop) the device changed; false if
 * none. */
static bool guard_hit(const uint8_t *p, uint32_t start, uint32_t stop, uint32_t *first,
		      uint32_t *last)
{
	bool hit = false;

	for (uint32_t i = start; i < stop; i++) {
		if (p[i] == guard_byte(i))
			continue;
		if (!hit)
			*first = i;
		*last = i;
		hit = true;
	}
	return hit;
}

/* Checks every guard region of the slot's layout; reports the first hit. */
static bool guards_ok(struct pf_test *t, const struct chk_bufs *b, uint16_t slot,
		      const struct piece *pc, unsigned n, uint32_t end, bool report_it)
{
	const uint8_t *p = b->buf + (size_t)slot * b->slot_size;

	for (unsigned i = 0; i <= n; i++) {
		uint32_t start = i ? pc[i - 1].off + pc[i - 1].len : 0;
		uint32_t stop = i < n ? pc[i].off : end;
		uint32_t first = 0, last = 0;
		bool after;

		if (!guard_hit(p, start, stop, &first, &last))
			continue;
		if (!report_it)
			return false;
		/* an overrun of the buffer before, or an underrun of the one
		 * after: whichever end the changed bytes are nearer */
		after = i == n || (i > 0 && first - start <= stop - 1u - last);
		if (after)
			report(t, false, "guard-after",
			       "device wrote %u byte(s) past the end of %s buffer %u of %u (%u "
			       "bytes) of request %u: guard byte +%u reads 0x%02x",
			       last - first + 1u,
			       pc[i - 1].write ? "device-writable" : "device-readable", i, n,
			       pc[i - 1].len, slot, first - start, p[first]);
		else
			report(t, false, "guard-before",
			       "device wrote %u byte(s) before the start of %s buffer %u of %u (%u "
			       "bytes) of request %u: guard byte -%u reads 0x%02x",
			       last - first + 1u,
			       pc[i].write ? "device-writable" : "device-readable", i + 1u, n,
			       pc[i].len, slot, stop - last, p[last]);
		return false;
	}
	return true;
}

/* Byte `idx` of the readable (write = false) or writable part. */
static const uint8_t *part_byte(const struct chk_bufs *b, uint16_t slot, const struct piece *pc,
				unsigned n, bool write, uint32_t idx)
{
	const uint8_t *p = b->buf + (size_t)slot * b->slot_size;

	for (unsigned i = 0; i < n; i++) {
		if (pc[i].write != write)
			continue;
		if (idx < pc[i].len)
			return p + pc[i].off + idx;
		idx -= pc[i].len;
	}
	return 0;
}

/* Index of the first device-readable byte that differs from what the
 * driver wrote, or -1. */
static int readable_change(const struct chk_bufs *b, uint16_t slot, const struct piece *pc,
			   unsigned n, uint8_t *was, uint8_t *now)
{
	uint8_t req[CHK_MAX_READABLE];

	fill_request(b, slot, req);
	for (uint32_t i = 0; i < b->wl->readable; i++) {
		const uint8_t *q = part_byte(b, slot, pc, n, false, i);

		if (q && *q != req[i]) {
			*was = req[i];
			*now = *q;
			return (int)i;
		}
	}
	return -1;
}

bool chk_bufs_verify(struct pf_test *t, struct chk_bufs *b, uint16_t slot, uint32_t len,
		     bool len_should)
{
	const struct chk_workload *wl = b->wl;
	struct piece pc[RING_MAX_SG];
	uint32_t end;
	unsigned n;
	bool ok;

	if (slot >= b->slots || !b->pieces[slot])
		return true; /* not a request these helpers built */
	n = layout(wl, b->pieces[slot], pc, &end);
	ok = guards_ok(t, b, slot, pc, n, end, true);
	if (b->verify_readable) {
		uint8_t was = 0, now = 0;
		int i = readable_change(b, slot, pc, n, &was, &now);

		ok &= report(t, i < 0, "readable-written",
			     "device wrote into device-readable byte %d of request %u: reads "
			     "0x%02x, the driver wrote 0x%02x",
			     i, slot, now, was);
	}
	if (wl->device_id == 2 && len >= wl->writable) {
		/* The data is whatever the disk holds; the status byte (the
		 * last writable byte) is the one byte len covers whose value is
		 * known to be written: VIRTIO_BLK_S_* never reads CHK_FILL. */
		const uint8_t *stp = part_byte(b, slot, pc, n, true, wl->writable - 1u);
		uint8_t st = stp ? *stp : 0;

		if (st == CHK_FILL) {
			if (len_should)
				report_should(t, false, "len-unwritten",
					      "used len %u covers the blk status byte, which was "
					      "never written (2.8.5)",
					      len);
			else
				report(t, false, "len-unwritten",
				       "used len %u covers the blk status byte, which was never "
				       "written",
				       len);
			ok = false;
		} else if (st > 2) {
			report_should(
				t, false, "blk-status",
				"blk status byte reads %u: not VIRTIO_BLK_S_OK, IOERR or UNSUPP",
				st);
		} else if (st) {
			report_log(t, 1, "blk read of request %u completed with status %u", slot,
				   st);
		}
	}
	return ok;
}

bool chk_bufs_untouched(const struct chk_bufs *b, uint16_t slot)
{
	struct piece pc[RING_MAX_SG];
	uint8_t was, now;
	uint32_t end;
	unsigned n;

	if (slot >= b->slots || !b->pieces[slot])
		return true;
	n = layout(b->wl, b->pieces[slot], pc, &end);
	if (!guards_ok(0, b, slot, pc, n, end, false) ||
	    readable_change(b, slot, pc, n, &was, &now) >= 0)
		return false;
	for (uint32_t i = 0; i < b->wl->writable; i++) {
		const uint8_t *q = part_byte(b, slot, pc, n, true, i);

		if (q && *q != CHK_FILL)
			return false;
	}
	return true;
}

unsigned chk_ring_request(struct chk_ring *r, uint16_t slot, struct virtq_sg *sg, unsigned pieces)
{
	return chk_bufs_request(&r->b, slot, sg, pieces);
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

/*
 * A wait that ended with nothing used, while the driver had not notified
 * because the device's avail_event said not to (EVENT_IDX, 2.7.10): the
 * device is allowed to suppress notifications, but a device that then
 * waits for one leaves a conforming driver without progress. That is the
 * case when avail_event lies beyond what the driver published, or behind
 * what the device has provably consumed (used->idx: it did not move
 * avail_event along); a device still busy with earlier buffers has it
 * before the published idx and after what it used. Named as what it is (a
 * warning) and recovered from: from now on the queue is notified whatever
 * avail_event says (spurious notifications are fine, 2.7.10).
 */
static bool event_idx_stall(struct pf_test *t, struct chk_ring *r)
{
	struct virtq_split *vq = &r->vq;
	uint16_t ev = virtq_split_avail_event(vq), pub = vq->published,
		 used = VQ_READ_ONCE(vq->used->idx);
	bool ahead = ev != pub && (uint16_t)(ev - pub) < 0x8000u;
	bool left_behind = ev != used && (uint16_t)(used - ev) < 0x8000u;

	if (!(vq->opts & VQ_OPT_EVENT_IDX) || !vq->last_kick_suppressed ||
	    (vq->opts & VQ_OPT_ALWAYS_NOTIFY) || !(ahead || left_behind))
		return false;
	report_should(t, false, "avail-event-stall",
		      "queue %u stalled %llu ms: avail_event %u%s lies %s avail idx %u (used->idx "
		      "%u), so the driver did not notify; the device may suppress notifications "
		      "(2.7.10), not stall a conforming driver; notified anyway",
		      vq->index, (unsigned long long)((chk_wait_ns() + chk_retry_ns()) / 1000000),
		      ev, vq->avail_event_written ? "" : " (never written)",
		      ahead ? "beyond the published" : "behind the used", pub, used);
	vq->opts |= VQ_OPT_ALWAYS_NOTIFY;
	virtq_split_notify(vq);
	return true;
}

/* A used buffer within the calibrated wait, re-tried before it counts
 * as missing (timing.h). */
int chk_split_poll(struct virtq_split *vq, struct virtq_used_info *u)
{
	int rc = virtq_split_poll(vq, u, chk_wait_ns());

	if (rc == PF_ETIMEDOUT)
		rc = virtq_split_poll(vq, u, chk_retry_ns());
	if (rc == 1)
		chk_rtt_end();
	return rc;
}

int chk_ring_complete(struct pf_test *t, struct chk_ring *r, struct virtq_used_info *u)
{
	uint64_t waited = chk_wait_ns() + chk_retry_ns();
	int rc = chk_split_poll(&r->vq, u);

	if (rc == PF_ETIMEDOUT && event_idx_stall(t, r))
		rc = chk_split_poll(&r->vq, u);
	if (rc == PF_ETIMEDOUT) {
		report(t, false, "no-used", "no used buffer within %llu ms on queue %u",
		       (unsigned long long)(waited / 1000000), r->vq.index);
		return rc;
	}
	if (rc < 0) {
		report(t, false, virtq_error_id(rc), "used entry id %u len %u: %s", u->id, u->len,
		       virtq_strerror(rc));
		return rc;
	}
	if (u->token >= r->slots)
		return rc;
	report(t, u->len <= r->wl->writable, "used-len",
	       "used len %u exceeds the %u device-writable bytes", u->len, r->wl->writable);
	/* buffers of an IN_ORDER batch have no len of their own */
	chk_bufs_verify(t, &r->b, (uint16_t)u->token,
			u->batched || u->len > r->wl->writable ? 0 : u->len, false);
	return rc;
}

bool chk_readable_traffic(struct pf_test *t, const struct chk_traffic *tr)
{
	struct virtq_used_info u;
	unsigned n = tr->slots < 4 ? tr->slots : 4;

	report_case(t, "two-pieces", "each part over two descriptors");
	for (unsigned i = 0; i < 2u * tr->slots; i++) {
		int rc = tr->add(tr->ring, (uint16_t)(i % tr->slots), 2);

		if (rc < 0) {
			report_error(t, "driver could not add request %u: %s", i,
				     virtq_strerror(rc));
			return false;
		}
		tr->kick(tr->ring);
		if (tr->complete(t, tr->ring, &u) < 0)
			return false;
	}
	report_case(t, "one-piece", "each part in one descriptor");
	for (unsigned i = 0; i < n; i++) {
		int rc = tr->add(tr->ring, (uint16_t)i, 1);

		if (rc < 0) {
			report_error(t, "driver could not add request %u: %s", i,
				     virtq_strerror(rc));
			return false;
		}
		tr->kick(tr->ring);
		if (tr->complete(t, tr->ring, &u) < 0)
			return false;
	}
	report_case(t, "batch", "a batch in flight, each part in one descriptor");
	for (unsigned i = 0; i < n; i++) {
		int rc = tr->add(tr->ring, (uint16_t)i, 1);

		if (rc < 0) {
			report_error(t, "driver could not add request %u of a batch: %s", i,
				     virtq_strerror(rc));
			return false;
		}
	}
	tr->kick(tr->ring);
	for (unsigned i = 0; i < n; i++)
		if (tr->complete(t, tr->ring, &u) < 0)
			return false;
	report_case(t, 0, 0);
	return true;
}

/* Waits up to quiet_ns for *idx to move from `was`; returns what it read. */
static uint16_t watch_idx(const volatile uint16_t *idx, uint16_t was, uint64_t quiet_ns)
{
	uint64_t start = arch_now_ns();
	uint16_t now;

	do {
		arch_delay_ns(100000);
		now = *idx;
	} while (now == was && arch_now_ns() - start < quiet_ns);
	return now;
}

bool chk_ring_old_ring_idle(struct pf_test *t, struct chk_ring *r, uint16_t slot, uint64_t quiet_ns,
			    const char *what)
{
	struct virtq_sg sg[RING_MAX_SG];
	unsigned n = chk_ring_request(r, slot, sg, 1);
	uint16_t used = VQ_READ_ONCE(r->vq.used->idx), now;
	int head = virtq_split_add(&r->vq, sg, n, VQ_ADD_DIRECT, slot);
	bool ok;

	if (head < 0) {
		report_error(t, "driver could not add a request to the old ring: %s",
			     virtq_strerror(head));
		return false;
	}
	/* the device must not look, so it must not matter that it may */
	virtq_split_publish(&r->vq);
	virtq_split_notify(&r->vq);
	now = watch_idx(&r->vq.used->idx, used, quiet_ns);
	ok = report(t, now == used, "old-ring-used",
		    "after %s the device used a buffer made available in the old ring of queue %u "
		    "(used->idx %u -> %u within %llu ms)",
		    what, r->vq.index, used, now, (unsigned long long)(quiet_ns / 1000000));
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
	return i < CHK_GUARD_LEN || i >= CHK_GUARD_LEN + RAW_LEN ? guard_byte(i) : CHK_FILL;
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
			 uint64_t quiet_ns, const char *what)
{
	uint64_t start = arch_now_ns();
	bool ok = true, moved;
	uint16_t nq = d->num_queues < VIRTIO_MAX_QUEUES ? d->num_queues : VIRTIO_MAX_QUEUES;

	do {
		arch_delay_ns(100000);
		moved = false;
		for (uint16_t q = 0; q < nq && !moved; q++)
			moved = o->posted[q] && VQ_READ_ONCE(raw_used(o, q)->idx) != o->was[q];
	} while (!moved && arch_now_ns() - start < quiet_ns);
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
			    what, q, o->was[q], now, (unsigned long long)(quiet_ns / 1000000));
		ok &= report(t, !written, "old-ring-written",
			     "after %s the device wrote into a buffer made available in the old "
			     "ring of queue %u",
			     what, q);
	}
	return ok;
}

bool chk_raw_old_rings_idle(struct pf_test *t, struct virtio_dev *d, struct chk_old_rings *o,
			    uint64_t quiet_ns, const char *what)
{
	/* one buffer made available in every old ring, then one wait */
	for (uint16_t q = 0; q < d->num_queues && q < VIRTIO_MAX_QUEUES; q++)
		if (!chk_old_ring_post(t, d, o, q))
			return false;
	return chk_old_rings_check(t, d, o, quiet_ns, what);
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

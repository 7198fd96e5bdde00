/* SPDX-License-Identifier: MIT */
/*
 * The simulated device's ring processing. Deliberately written from the
 * spec's byte offsets rather than the probe's structs, so a layout mistake
 * in the driver is not mirrored here.
 */
#include "sim_device.h"

#include <string.h>

#include "host_platform.h"
#include "virtio/virtio.h"

#define F_NEXT 1u
#define F_WRITE 2u
#define F_INDIRECT 4u
#define F_AVAIL (1u << 7)
#define F_USED (1u << 15)

#define done_t struct sim_done

/*
 * A malformed ring (2.1.2): the device stops, and a modern device with
 * DRIVER_OK set says so with DEVICE_NEEDS_RESET and a configuration-change
 * notification (unless faulted).
 */
static void malformed(struct sim_dev *s)
{
	if (s->broken)
		return;
	s->broken = true;
	if ((s->faults & SIM_F_SILENT_BROKEN) || !(s->status & VIRTIO_STATUS_DRIVER_OK) ||
	    !(s->driver_features & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
		return;
	s->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	if (!(s->faults & SIM_F_NO_CONFIG_IRQ)) {
		s->isr |= VIRTIO_ISR_CONFIG;
		s->config_irqs++;
	}
}

/* consumed buffers of one sim_process() call: held ones first */
static done_t done[32768 + SIM_HOLD_MAX];

static inline uint16_t rd16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}
static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static inline uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}
static inline void wr16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}
static inline void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint8_t *gmem(struct sim_dev *s, uint64_t addr, uint64_t len)
{
	uint8_t *p = host_dma_range(addr, len ? len : 1);

	if (!p) {
		s->bad_access++;
		malformed(s);
	}
	return p;
}

static void queue_addrs(const struct sim_dev *s, const struct sim_queue *q, uint64_t *desc,
			uint64_t *drv, uint64_t *dev)
{
	if (s->transport == SIM_MMIO_V1) {
		uint64_t page = s->guest_page_size ? s->guest_page_size : 4096;
		uint64_t align = q->align ? q->align : 4096;

		*desc = (uint64_t)q->pfn * page;
		*drv = *desc + 16ull * q->num;
		*dev = (*drv + 6ull + 2ull * q->num + align - 1) & ~(align - 1);
		return;
	}
	*desc = q->desc;
	*drv = q->driver;
	*dev = q->device;
}

/* The chain being walked, as a device model (s->serve) sees it. */
static struct sim_req req;

static void req_begin(uint16_t queue)
{
	req.queue = queue;
	req.nseg = 0;
	req.truncated = false;
}

/* One buffer element: fill if writable, maybe scribble if readable. With a
 * device model the element is only recorded; the model writes it later. */
static void element(struct sim_dev *s, done_t *d, uint64_t addr, uint32_t len, bool write,
		    bool *scribbled)
{
	if (s->serve) {
		uint8_t *p = gmem(s, addr, len);

		if (!p)
			return;
		if (req.nseg == SIM_REQ_MAX_SEGS) {
			req.truncated = true;
			return;
		}
		req.seg[req.nseg++] = (struct sim_seg){ p, len, write };
		if (write) {
			d->writable += len;
			d->last_w_addr = addr;
			d->last_w_len = len;
			d->last_w_orig = len ? p[len - 1] : 0;
		} else if (len && d->nreadable++ == 0) {
			d->rd_addr = addr;
		}
		return;
	}
	if (write) {
		uint32_t n = s->write_limit && s->write_limit < len ? s->write_limit : len;
		uint8_t *p = gmem(s, addr, n);

		if (!p)
			return;
		if (n)
			d->last_w_orig = p[n - 1];
		for (uint32_t k = 0; k < n; k++)
			p[k] = sim_pattern(s, d->written + k);
		d->written += n;
		d->writable += len;
		d->last_w_addr = addr;
		d->last_w_len = n;
		return;
	}
	if (len && d->nreadable++ == 0)
		d->rd_addr = addr;
	if ((s->faults & SIM_F_WRITE_READABLE) && !*scribbled && len) {
		uint8_t *p = gmem(s, addr, 1);

		if (p)
			p[0] ^= 0xff;
		*scribbled = true;
	}
}

/* After the whole chain: the device type's status byte and the faults
 * that depend on the chain's shape. */
static void chain_done(struct sim_dev *s, done_t *d)
{
	uint8_t *p;

	if (s->serve) {
		d->written = s->serve(s, &req);
		if (d->written > d->writable)
			d->written = d->writable;
	} else if (s->device_id == 2 && d->last_w_len) {
		/* blk: the last writable byte is the status (5.2.6); the
		 * fault leaves what the driver put there */
		p = gmem(s, d->last_w_addr + d->last_w_len - 1u, 1);
		if (p)
			p[0] = (s->faults & SIM_F_BLK_NO_STATUS) ? d->last_w_orig : s->blk_status;
	}
	if ((s->faults & SIM_F_WRITE_PAST_END) && d->last_w_len) {
		p = gmem(s, d->last_w_addr + d->last_w_len, 1);
		if (p)
			p[0] ^= 0xff;
	}
	if ((s->faults & SIM_F_WRITE_WHOLE_HEADER) && d->nreadable == 1) {
		p = gmem(s, d->rd_addr, 1);
		if (p)
			p[0] ^= 0xff;
	}
}

/* Indirect table (both formats: only addr, len and WRITE matter to us). */
static void indirect(struct sim_dev *s, done_t *d, uint64_t addr, uint32_t len, bool split,
		     bool *scribbled)
{
	uint8_t *t;
	uint32_t n = len / 16, i = 0;

	if (len == 0 || len % 16) {
		malformed(s);
		return;
	}
	t = gmem(s, addr, len);
	if (!t)
		return;
	for (uint32_t k = 0; k < n; k++) {
		uint8_t *e = t + 16u * i;
		uint16_t fl = split ? rd16(e + 12) : rd16(e + 14);

		if (fl & F_INDIRECT) {
			malformed(s); /* nested tables are forbidden */
			return;
		}
		element(s, d, rd64(e), rd32(e + 8), fl & F_WRITE, scribbled);
		if (split) {
			if (!(fl & F_NEXT))
				break;
			i = rd16(e + 14);
			if (i >= n) {
				malformed(s);
				return;
			}
		} else {
			i++;
		}
	}
	if (s->faults & SIM_F_WRITE_DESC)
		wr32(t + 8, rd32(t + 8) ^ 1u);
}

/* Used-buffer interrupt with the fault overrides. */
static void raise(struct sim_dev *s, struct sim_queue *q, bool need)
{
	if (s->faults & SIM_F_NO_IRQ)
		need = false;
	if (s->faults & SIM_F_EXTRA_IRQ)
		need = true;
	if (need) {
		s->isr |= VIRTIO_ISR_QUEUE;
		s->irq_raised++;
	} else {
		q->suppressed++;
	}
}

static bool need_event(uint16_t ev, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - ev - 1) < (uint16_t)(new_idx - old);
}

static void fault_id(struct sim_dev *s, uint16_t num, uint16_t *id)
{
	if (s->faults & SIM_F_USED_ID_RANGE)
		*id = (uint16_t)(num + 1u);
	else if (s->faults & SIM_F_USED_ID_STALE)
		*id = (uint16_t)((*id + num / 2u + 1u) % num);
}

/* Buffers held back by SIM_F_OUT_OF_ORDER come first this time. */
static int take_held(struct sim_queue *q)
{
	int n = q->nheld;

	memcpy(done, q->held, sizeof(done[0]) * (size_t)n);
	q->nheld = 0;
	return n;
}

/*
 * Which of done[0..n) to return now: all of them, or with
 * SIM_F_OUT_OF_ORDER only the newest one, holding the others back (a batch
 * with one used entry cannot tell out-of-order from in-order otherwise).
 * Returns the index of the first to complete.
 */
static int select_now(struct sim_dev *s, struct sim_queue *q, int n)
{
	int keep;

	if (!(s->faults & SIM_F_OUT_OF_ORDER) || n < 2)
		return 0;
	keep = n - 1 < SIM_HOLD_MAX ? n - 1 : SIM_HOLD_MAX;
	memcpy(q->held, done, sizeof(done[0]) * (size_t)keep);
	q->nheld = (uint16_t)keep;
	return keep;
}

/* ---- split ---- */

static int process_split(struct sim_dev *s, struct sim_queue *q)
{
	uint16_t num = q->num, aidx, old_used;
	uint64_t da, aa, ua;
	uint8_t *desc, *avail, *used;
	bool event_idx = s->driver_features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	bool in_order = s->driver_features & VIRTIO_BIT(VIRTIO_F_IN_ORDER);
	int n = 0, first;

	if (!num || (num & (num - 1)))
		return 0;
	queue_addrs(s, q, &da, &aa, &ua);
	desc = gmem(s, da, 16ull * num);
	avail = gmem(s, aa, 6ull + 2ull * num);
	used = gmem(s, ua, 6ull + 8ull * num);
	if (!desc || !avail || !used)
		return 0;
	n = take_held(q);
	aidx = rd16(avail + 2);
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* idx before the ring entries */
	if ((uint16_t)(aidx - q->last_avail) > num) {
		malformed(s);
		return 0;
	}
	if ((s->faults & SIM_F_AVAIL_IDX_NO_WRAP) && aidx < q->last_avail)
		aidx = q->last_avail;
	while (q->last_avail != aidx && !(s->hold && s->hold(s, (uint16_t)(q - s->q)))) {
		uint16_t head = rd16(avail + 4 + 2u * (q->last_avail & (num - 1u)));
		done_t *d = &done[n];
		bool scribbled = false;
		uint16_t i = head;

		memset(d, 0, sizeof(*d));
		req_begin((uint16_t)(q - s->q));
		d->id = head;
		for (uint32_t guard = 0;; guard++) {
			uint8_t *e;
			uint16_t fl;

			if (i >= num || guard >= num ||
			    ((s->faults & SIM_F_CHAIN_MAX_2) && guard >= 2)) {
				malformed(s);
				return n;
			}
			e = desc + 16u * i;
			fl = rd16(e + 12);
			if (fl & F_INDIRECT) {
				indirect(s, d, rd64(e), rd32(e + 8), true, &scribbled);
				break;
			}
			element(s, d, rd64(e), rd32(e + 8), fl & F_WRITE, &scribbled);
			if (!(fl & F_NEXT))
				break;
			i = rd16(e + 14);
		}
		chain_done(s, d);
		if (s->faults & SIM_F_WRITE_DESC)
			wr32(desc + 16u * head + 8, rd32(desc + 16u * head + 8) ^ 1u);
		q->last_avail++;
		n++;
	}
	if (!n)
		return 0;
	first = select_now(s, q, n);
	old_used = q->used_idx;
	for (int k = first; k < n;) {
		int batch = in_order && s->in_order_batch > 1 ? s->in_order_batch : 1;
		done_t *last;
		uint8_t *u;
		uint16_t id;
		uint32_t len;

		if (batch > n - k)
			batch = n - k;
		last = &done[k + batch - 1];
		id = last->id;
		len = last->written;
		fault_id(s, num, &id);
		if (s->faults & SIM_F_USED_LEN_LONG)
			len = last->writable + 1;
		/* one entry for the batch, used idx skips the whole batch (2.7.9) */
		u = used + 4 + 8u * (q->used_idx & (num - 1u));
		wr32(u, id);
		wr32(u + 4, len);
		q->used_idx = (uint16_t)(q->used_idx + batch);
		q->completed += (uint32_t)batch;
		k += batch;
	}
	if (s->faults & SIM_F_USED_IDX_JUMP)
		q->used_idx++;
	if (event_idx && (s->faults & SIM_F_AVAIL_EVENT_STALE))
		; /* avail_event stays what the driver zeroed */
	else if (event_idx)
		wr16(used + 4 + 8u * num,
		     (uint16_t)(q->last_avail +
				((s->faults & SIM_F_AVAIL_EVENT_WRONG) ? 0x4000u : 0u)));
	else
		wr16(used, s->avail_no_notify ? 1 : 0);
	__atomic_thread_fence(__ATOMIC_RELEASE); /* entries before idx */
	wr16(used + 2, q->used_idx);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (event_idx && !(s->faults & SIM_F_IGNORE_USED_EVENT))
		raise(s, q, need_event(rd16(avail + 4 + 2u * num), q->used_idx, old_used));
	else
		raise(s, q, !(rd16(avail) & 1u));
	return n - first;
}

/* ---- packed ---- */

static bool packed_need(struct sim_dev *s, struct sim_queue *q, uint8_t *drv, uint32_t old_lin)
{
	uint16_t off_wrap = rd16(drv), flags = rd16(drv + 2) & 3u;
	uint32_t lap = q->used_lin / q->num;
	int64_t ev;
	bool new_wrap = !(lap & 1u);

	if (flags == 0)
		return true;
	if (flags == 1 || !(s->driver_features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX)))
		return false;
	ev = (int64_t)lap * q->num + (off_wrap & 0x7fffu);
	if ((bool)(off_wrap >> 15) != new_wrap)
		ev -= q->num;
	if (ev < 0)
		return false;
	return need_event((uint16_t)ev, (uint16_t)q->used_lin, (uint16_t)old_lin);
}

static void adv(struct sim_dev *s, uint16_t *pos, bool *wrap, uint16_t num, uint32_t k)
{
	uint32_t p = (uint32_t)*pos + k;

	(void)s;
	while (p >= num) {
		p -= num;
		*wrap = !*wrap;
	}
	*pos = (uint16_t)p;
}

/* SIM_F_PACKED_USED_REWRITE: the last used descriptor of the previous pass
 * on a queue, changed at the start of the next pass if nothing else
 * happened to the queue in between. */
static struct {
	const struct sim_queue *q;
	uint32_t used_lin;
	uint16_t pos;
} last_used;

static void rewrite_last_used(struct sim_dev *s, struct sim_queue *q, uint8_t *ring)
{
	if (!(s->faults & SIM_F_PACKED_USED_REWRITE) || last_used.q != q ||
	    last_used.used_lin != q->used_lin || !q->used_lin || last_used.pos >= q->num)
		return;
	wr32(ring + 16u * last_used.pos, rd32(ring + 16u * last_used.pos) ^ 0x10u);
	last_used.q = 0;
}

static int process_packed(struct sim_dev *s, struct sim_queue *q)
{
	uint16_t num = q->num;
	uint64_t da, dra, dea;
	uint8_t *ring, *drv, *dev;
	bool in_order = s->driver_features & VIRTIO_BIT(VIRTIO_F_IN_ORDER);
	uint32_t old_lin = q->used_lin;
	int n = 0, first, lim;

	if (!num)
		return 0;
	queue_addrs(s, q, &da, &dra, &dea);
	ring = gmem(s, da, 16ull * num);
	drv = gmem(s, dra, 4);
	dev = gmem(s, dea, 4);
	if (!ring || !drv || !dev)
		return 0;
	rewrite_last_used(s, q, ring);
	n = take_held(q);
	lim = n + num;
	while (n < lim) {
		uint8_t *e = ring + 16u * q->last_avail;
		uint16_t fl = rd16(e + 14);
		done_t *d = &done[n];
		bool scribbled = false;
		uint16_t k = 0;

		/* available: AVAIL == wrap counter, USED != it (2.8.1) */
		if ((bool)(fl & F_AVAIL) != q->avail_wrap)
			break;
		if ((bool)(fl & F_USED) == q->avail_wrap && !(s->faults & SIM_F_PACKED_AVAIL_ONLY))
			break;
		__atomic_thread_fence(__ATOMIC_ACQUIRE); /* flags before the rest */
		memset(d, 0, sizeof(*d));
		req_begin((uint16_t)(q - s->q));
		for (;;) {
			e = ring + 16u * q->last_avail;
			fl = rd16(e + 14);
			k++;
			if (fl & F_INDIRECT)
				indirect(s, d, rd64(e), rd32(e + 8), false, &scribbled);
			else
				element(s, d, rd64(e), rd32(e + 8), fl & F_WRITE, &scribbled);
			d->id = rd16(e + 12); /* Buffer ID: in the last descriptor */
			adv(s, &q->last_avail, &q->avail_wrap, num, 1);
			if (!(fl & F_NEXT))
				break;
			if (k >= num) {
				malformed(s);
				return n;
			}
		}
		d->ndesc = k;
		chain_done(s, d);
		n++;
	}
	if (!n)
		return 0;
	first = select_now(s, q, n);
	for (int k = first; k < n;) {
		int batch = in_order && s->in_order_batch > 1 ? s->in_order_batch : 1;
		uint32_t skip = 0;
		uint8_t *u = ring + 16u * q->used_idx;
		uint16_t id, flags;
		uint32_t len;
		bool w = q->used_wrap;

		if (batch > n - k)
			batch = n - k;
		for (int j = 0; j < batch; j++)
			skip += done[k + j].ndesc;
		id = done[k + batch - 1].id;
		len = done[k + batch - 1].written;
		fault_id(s, num, &id);
		if (s->faults & SIM_F_USED_LEN_LONG)
			len = done[k + batch - 1].writable + 1;
		if (s->faults & SIM_F_PACKED_STALE_WRAP)
			w = !w;
		flags = w ? (uint16_t)(F_AVAIL | F_USED) : 0;
		if (s->faults & SIM_F_PACKED_BAD_FLAGS)
			flags = w ? (uint16_t)F_USED : (uint16_t)F_AVAIL;
		wr16(u + 12, id);
		wr32(u + 8, len);
		__atomic_thread_fence(__ATOMIC_RELEASE); /* id/len before flags */
		wr16(u + 14, flags);
		last_used.pos = q->used_idx;
		adv(s, &q->used_idx, &q->used_wrap, num, skip);
		q->used_lin += skip;
		q->completed += (uint32_t)batch;
		k += batch;
	}
	last_used.q = q;
	last_used.used_lin = q->used_lin;
	wr16(dev + 2, (s->faults & SIM_F_AVAIL_EVENT_WRONG) ? 1 : 0);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	raise(s, q, packed_need(s, q, drv, old_lin));
	return n - first;
}

int sim_process(struct sim_dev *s, uint16_t qi)
{
	struct sim_queue *q;

	if (!sim_queue_live(s, qi) || s->broken)
		return 0;
	q = &s->q[qi];
	/* a device that asked not to be notified and only looks at the ring
	 * when it is notified */
	if ((s->faults & (SIM_F_AVAIL_EVENT_WRONG | SIM_F_AVAIL_EVENT_STALE)) && !q->kick_pending)
		return 0;
	q->kick_pending = false;
	if (s->driver_features & VIRTIO_BIT(VIRTIO_F_RING_PACKED))
		return process_packed(s, q);
	return process_split(s, q);
}

int sim_process_ghost(struct sim_dev *s, uint16_t qi)
{
	struct sim_queue *q, saved;
	int n;

	if (qi >= SIM_MAX_QUEUES || !s->q[qi].ghost || !(s->faults & SIM_F_RESET_KEEPS_RING))
		return 0;
	q = &s->q[qi];
	saved = *q;
	q->num = q->ghost_num;
	q->desc = q->ghost_desc;
	q->driver = q->ghost_driver;
	q->device = q->ghost_device;
	q->last_avail = q->ghost_last_avail;
	q->used_idx = q->ghost_used_idx;
	q->nheld = 0;
	n = process_split(s, q);
	saved.ghost_last_avail = q->last_avail;
	saved.ghost_used_idx = q->used_idx;
	*q = saved;
	return n;
}

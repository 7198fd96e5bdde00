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

const struct chk_workload *chk_workload_usable(struct pf_test *t)
{
	const struct virtio_dev *d = t->dev;
	const struct chk_workload *wl = chk_workload(d);

	if (!wl) {
		report_skip(t, "no peer-free workload for a %s device",
			    virtio_device_name(d->device_id));
		return 0;
	}
	if (wl->queue >= d->num_queues || !d->queue_max[wl->queue]) {
		report_skip(t, "queue %u of the workload is absent", wl->queue);
		return 0;
	}
	return wl;
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

bool chk_open_queues(struct pf_test *t, uint64_t features, uint16_t wq,
		     int (*setup_idle)(struct virtio_dev *d, uint16_t q, uint16_t size),
		     const char *idle_name)
{
	struct virtio_dev *d = t->dev;
	uint8_t st = chk_try_features(t, features);
	int rc;

	if (chk_uses_features_ok(d) && !(st & VIRTIO_STATUS_FEATURES_OK)) {
		report_error(t, "device refused features 0x%llx (status 0x%02x)",
			     (unsigned long long)features, st);
		return false;
	}
	/* Every other queue gets a small idle ring, as a driver would set up
	 * the whole device (some devices only start once all are live). */
	for (uint16_t q = 0; q < d->num_queues; q++) {
		if (q == wq || !d->queue_max[q])
			continue;
		rc = setup_idle(d, q, d->queue_max[q] < 8 ? d->queue_max[q] : 8);
		if (rc) {
			report_error(t, "cannot set up %squeue %u: %d", idle_name, q, rc);
			return false;
		}
		d->ops->queue_enable(d, q);
	}
	return true;
}

bool chk_ring_open(struct pf_test *t, struct chk_ring *r, uint64_t want, uint16_t num,
		   uint32_t vq_opts, bool driver_ok)
{
	struct virtio_dev *d = t->dev;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!chk_drivable(t))
		return false;
	r->dev = d;
	r->wl = chk_workload_usable(t);
	if (!r->wl)
		return false;
	num = chk_split_size(d->queue_max[r->wl->queue], num);
	r->features = chk_split_features(d, want);
	if (!chk_open_queues(t, r->features, r->wl->queue, chk_setup_split_queue, ""))
		return false;
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

unsigned chk_ring_request(struct chk_ring *r, uint16_t slot, struct virtq_sg *sg, unsigned pieces)
{
	return chk_bufs_request(&r->b, slot, sg, pieces);
}

static int split_add_as(void *ring, uint16_t slot, unsigned pieces, int indirect)
{
	struct chk_ring *r = ring;
	struct virtq_sg sg[RING_MAX_SG];
	unsigned n = chk_ring_request(r, slot, sg, pieces);

	/* k direct descriptors then an indirect one needs k < n */
	if (indirect > 0 && (unsigned)indirect >= n)
		indirect = n > 1 ? (int)n - 1 : VQ_ADD_INDIRECT;
	return virtq_split_add(&r->vq, sg, n, indirect, slot);
}

static int split_add(void *ring, uint16_t slot, unsigned pieces)
{
	return split_add_as(ring, slot, pieces, VQ_ADD_DIRECT);
}

static void split_kick(void *ring)
{
	virtq_split_kick(&((struct chk_ring *)ring)->vq);
}

static int split_complete(struct pf_test *t, void *ring, struct virtq_used_info *u)
{
	return chk_ring_complete(t, ring, u);
}

struct chk_traffic chk_ring_traffic(struct chk_ring *r)
{
	struct chk_traffic tr = {
		r, r->slots, split_add, split_kick, split_complete, split_add_as
	};

	return tr;
}

int chk_traffic_submit(const struct chk_traffic *tr, uint16_t slot, unsigned pieces, int indirect)
{
	int rc = tr->add_as(tr->ring, slot, pieces, indirect);

	if (rc < 0)
		return rc;
	tr->kick(tr->ring);
	chk_rtt_start();
	return rc;
}

int chk_ring_submit(struct chk_ring *r, uint16_t slot, unsigned pieces, int indirect)
{
	struct chk_traffic tr = chk_ring_traffic(r);

	return chk_traffic_submit(&tr, slot, pieces, indirect);
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

/* One request of `slot` made available and notified: timed through
 * chk_traffic_submit(), or direct through `add` (readable-untouched). */
static int post(const struct chk_traffic *tr, uint16_t slot, unsigned pieces, int indirect,
		bool timed)
{
	int rc;

	if (timed)
		return chk_traffic_submit(tr, slot, pieces, indirect);
	rc = tr->add(tr->ring, slot, pieces);
	if (rc >= 0)
		tr->kick(tr->ring);
	return rc;
}

/* `count` requests one at a time (slot i % slots), each part in `pieces`. */
static bool one_at_a_time(struct pf_test *t, const struct chk_traffic *tr, unsigned count,
			  unsigned slots, unsigned pieces, int indirect, bool timed)
{
	struct virtq_used_info u;

	for (unsigned i = 0; i < count; i++) {
		int rc = post(tr, (uint16_t)(i % slots), pieces, indirect, timed);

		if (rc < 0) {
			report_error(t, "driver could not add request %u: %s", i,
				     virtq_strerror(rc));
			return false;
		}
		if (tr->complete(t, tr->ring, &u) < 0)
			return false;
	}
	return true;
}

bool chk_traffic_roundtrips(struct pf_test *t, const struct chk_traffic *tr, unsigned count,
			    unsigned pieces, int indirect)
{
	return one_at_a_time(t, tr, count, tr->slots, pieces, indirect, true);
}

bool chk_ring_roundtrips(struct pf_test *t, struct chk_ring *r, unsigned count, unsigned pieces,
			 int indirect)
{
	struct chk_traffic tr = chk_ring_traffic(r);

	return chk_traffic_roundtrips(t, &tr, count, pieces, indirect);
}

bool chk_traffic_batch(struct pf_test *t, const struct chk_traffic *tr, unsigned n, unsigned pieces)
{
	struct virtq_used_info u;

	for (unsigned i = 0; i < n; i++) {
		int rc = tr->add(tr->ring, (uint16_t)i, pieces);

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
	return true;
}

bool chk_readable_traffic(struct pf_test *t, const struct chk_traffic *tr)
{
	unsigned n = tr->slots < 4 ? tr->slots : 4;

	report_case(t, "two-pieces", "each part over two descriptors");
	if (!one_at_a_time(t, tr, 2u * tr->slots, tr->slots, 2, VQ_ADD_DIRECT, false))
		return false;
	report_case(t, "one-piece", "each part in one descriptor");
	if (!one_at_a_time(t, tr, n, n, 1, VQ_ADD_DIRECT, false))
		return false;
	report_case(t, "batch", "a batch in flight, each part in one descriptor");
	if (!chk_traffic_batch(t, tr, n, 1))
		return false;
	report_case(t, 0, 0);
	return true;
}

bool chk_readable_run(struct pf_test *t, const struct chk_workload *wl,
		      const struct chk_traffic *tr)
{
	if (!wl->readable) {
		report_skip(t, "the %s workload has no device-readable buffer",
			    virtio_device_name(t->dev->device_id));
		return false;
	}
	return chk_readable_traffic(t, tr);
}

bool chk_traffic_chains(struct pf_test *t, const struct chk_traffic *tr,
			const struct chk_workload *wl, const char *sub, const char *text)
{
	unsigned total = wl->readable + wl->writable;

	for (unsigned pieces = 2; pieces <= tr->slots / 2u && pieces <= total; pieces *= 2) {
		if (sub)
			report_case(t, sub, text);
		if (!chk_traffic_roundtrips(t, tr, 1, pieces, VQ_ADD_DIRECT))
			return false;
	}
	return true;
}

uint32_t chk_isr_take(struct virtio_dev *d)
{
	uint32_t isr = d->ops->isr_read(d);

	if (isr && d->ops->isr_ack)
		d->ops->isr_ack(d, isr);
	return isr;
}

uint32_t chk_isr_after_used(struct virtio_dev *d)
{
	uint64_t t0 = arch_now_ns(), w = chk_wait_ns();
	uint32_t isr = chk_isr_take(d);

	while (!(isr & VIRTIO_ISR_QUEUE) && arch_now_ns() - t0 < w) {
		arch_delay_ns(20000);
		isr |= chk_isr_take(d);
	}
	return isr;
}

void chk_ring_close(struct chk_ring *r)
{
	if (r->dev)
		virtio_reset(r->dev, CHK_RESET_TIMEOUT_NS);
}

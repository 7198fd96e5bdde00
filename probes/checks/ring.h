/* SPDX-License-Identifier: MIT */
/*
 * Driving real traffic through a device for the ring checks. Only some
 * device types complete buffers without a peer on the host side; for those
 * a "workload" says how a request looks and what the device must write:
 *   rng      requestq: one device-writable buffer it fills (5.4)
 *   blk      requestq: a VIRTIO_BLK_T_IN read of one sector (5.2.6); which
 *            sector varies by slot, and nothing is assumed about what the
 *            disk holds or whether the read succeeds
 *   net      transmitq: a frame to a hub with no peers; used len 0 (5.1.6)
 *   console  port 0 transmitq: one byte of output; used len 0 (5.3.6)
 *
 * Every buffer the probe posts through these helpers sits between guard
 * bytes (a known pattern, CHK_GUARD_LEN bytes at least on each side, the
 * pieces of one request apart from each other); device-writable bytes are
 * pre-filled with CHK_FILL. Each completion checks the guards, so a write
 * outside the buffers shows whatever the device type.
 */
#ifndef PF_CHECKS_RING_H
#define PF_CHECKS_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "helpers.h"
#include "report.h"
#include "timing.h"
#include "virtio/virtio.h"
#include "virtio/virtqueue_split.h"

#define RING_MAX_SG 64
#define CHK_MAX_PIECES (RING_MAX_SG / 2) /* descriptors per part of a request */
#define CHK_GUARD_LEN 8			 /* guard bytes at least, before and after each buffer */
#define CHK_FILL 0xa5			 /* device-writable bytes before the device writes */
#define CHK_MAX_READABLE 128

struct chk_workload {
	uint32_t device_id;
	uint16_t queue;	   /* virtqueue the requests go to */
	uint32_t readable; /* bytes of device-readable request header/data */
	uint32_t writable; /* bytes the device is given to write */
};

/*
 * The request buffers of one ring: per slot (one request in flight each)
 * a block holding the request's pieces between guards. Shared by the
 * split (struct chk_ring) and packed (struct chk_pring) helpers.
 */
struct chk_bufs {
	const struct chk_workload *wl;
	uint8_t *buf;
	uint32_t slot_size;
	uint16_t slots;
	uint8_t *pieces;      /* per slot: pieces per part of its last request, 0 = none */
	uint64_t blk_sectors; /* blk: capacity, for the sector each slot reads */
	bool verify_readable; /* report writes into device-readable buffers */
};

struct chk_ring {
	struct virtio_dev *dev;
	const struct chk_workload *wl;
	uint64_t features; /* negotiated */
	struct virtq_split vq;
	struct chk_bufs b;
	uint16_t slots;
};

/* Driver options (VQ_OPT_*) for the ring features in a negotiated set. */
uint32_t chk_vq_opts(uint64_t features);

/* The workload for this device, or NULL (the check then skips). */
const struct chk_workload *chk_workload(const struct virtio_dev *d);

/* The workload of t's device if it has one and its queue exists; else
 * reports the skip on t and returns NULL. */
const struct chk_workload *chk_workload_usable(struct pf_test *t);

/* The guard pattern at offset `off` of a block: position-dependent, so
 * that bytes moved within the block do not pass for guard bytes. */
uint8_t chk_guard_byte(uint32_t off);

/* Whether any guard byte of block p in [start, stop) was changed; the first
 * and last changed offsets in *first and *last. */
bool chk_guard_hit(const uint8_t *p, uint32_t start, uint32_t stop, uint32_t *first,
		   uint32_t *last);

/*
 * Request buffers for `slots` requests of the device's workload (what the
 * workload needs from the device's configuration is read here). Reports on
 * t (skip or error) and returns false if the check cannot go on.
 */
bool chk_bufs_init(struct pf_test *t, struct chk_bufs *b, struct virtio_dev *d,
		   const struct chk_workload *wl, uint16_t slots);

/*
 * Builds the request for `slot` into sg[], each part (readable, writable)
 * split over `pieces` descriptors (1 = one each; at most CHK_MAX_PIECES),
 * every piece between guards, writable bytes pre-filled. Returns the
 * descriptor count.
 */
unsigned chk_bufs_request(struct chk_bufs *b, uint16_t slot, struct virtq_sg *sg, unsigned pieces);

/*
 * The buffers of `slot` after the device returned them with used len
 * `len`: guards intact (sub-cases guard-before / guard-after), the
 * device-readable bytes unchanged (readable-written, when verify_readable)
 * and what the workload lets the probe check of the written bytes, at the
 * check's level unless `len_should` (2.8.5 for packed rings is descriptive).
 * Returns false if anything failed.
 */
bool chk_bufs_verify(struct pf_test *t, struct chk_bufs *b, uint16_t slot, uint32_t len,
		     bool len_should);

/* True if nothing of `slot`'s request was written since it was built
 * (guards, readable and writable bytes all as the driver left them). */
bool chk_bufs_untouched(const struct chk_bufs *b, uint16_t slot);

/*
 * Negotiates `want` (masked by what is offered, VERSION_1 added), sets up the
 * workload's queue as a split ring of `num` entries (other queues of the
 * device stay disabled), reaches DRIVER_OK unless `driver_ok` is false.
 * VQ_OPT_VERIFY_RO in vq_opts also makes every completion report writes into
 * device-readable buffers. Reports problems on t. Returns false if the check
 * cannot go on (the reason is already reported or marked skip).
 */
bool chk_ring_open(struct pf_test *t, struct chk_ring *r, uint64_t want, uint16_t num,
		   uint32_t vq_opts, bool driver_ok);

/*
 * What opening a ring of either format shares once the workload queue `wq`
 * is known: negotiate `features` (a refusal is reported), then give every
 * other queue a small idle ring set up by `setup_idle` and enable it;
 * `idle_name` prefixes "queue" in messages. False if the check cannot go on.
 */
bool chk_open_queues(struct pf_test *t, uint64_t features, uint16_t wq,
		     int (*setup_idle)(struct virtio_dev *d, uint16_t q, uint16_t size),
		     const char *idle_name);

/* chk_bufs_request() for the split ring's buffers. */
unsigned chk_ring_request(struct chk_ring *r, uint16_t slot, struct virtq_sg *sg, unsigned pieces);

/*
 * virtq_split_poll() with the calibrated wait, and on a time-out once more
 * with the re-try wait: a used buffer is not declared missing on one short
 * look. Times the round trip begun by chk_ring_submit().
 */
int chk_split_poll(struct virtq_split *vq, struct virtq_used_info *u);

/* Adds, publishes and notifies one request; returns the head or < 0. */
int chk_ring_submit(struct chk_ring *r, uint16_t slot, unsigned pieces, int indirect);

/*
 * Waits for one used buffer and checks it (id, len against the writable
 * bytes, chk_bufs_verify()). A wait that ends with nothing used while the
 * device's avail_event had told the driver not to notify (EVENT_IDX) is
 * reported as a warning naming that cause (sub-case avail-event-stall);
 * the queue is then notified anyway, from there on always. Reports on t;
 * returns the virtq code (1 = got one).
 */
int chk_ring_complete(struct pf_test *t, struct chk_ring *r, struct virtq_used_info *u);

/* Submits and completes `count` requests one at a time (slot i % slots),
 * each part over `pieces` descriptors; false when the traffic stopped. */
bool chk_ring_roundtrips(struct pf_test *t, struct chk_ring *r, unsigned count, unsigned pieces,
			 int indirect);

/*
 * The traffic both ring formats share: `add` a request of `slot` split in
 * `pieces` per part without notifying, `kick` (publish and notify) and
 * `complete` one (as chk_ring_complete()). `add_as` adds with a VQ_ADD_*
 * layout for `indirect` (chk_traffic_roundtrips() needs it).
 */
struct chk_traffic {
	void *ring;
	uint16_t slots;
	int (*add)(void *ring, uint16_t slot, unsigned pieces);
	void (*kick)(void *ring);
	int (*complete)(struct pf_test *t, void *ring, struct virtq_used_info *u);
	int (*add_as)(void *ring, uint16_t slot, unsigned pieces, int indirect);
};

/* The traffic of a split ring (chk_ring_complete() completes). */
struct chk_traffic chk_ring_traffic(struct chk_ring *r);

/* Adds one request with tr->add_as, kicks and starts timing the round trip
 * (timing.h); returns the head / Buffer ID or < 0. */
int chk_traffic_submit(const struct chk_traffic *tr, uint16_t slot, unsigned pieces, int indirect);

/* Adds, kicks and completes `count` requests one at a time (slot i % slots,
 * each part over `pieces` descriptors laid out as `indirect` says), timing
 * each round trip (timing.h). Reports on t; false when the traffic stopped. */
bool chk_traffic_roundtrips(struct pf_test *t, const struct chk_traffic *tr, unsigned count,
			    unsigned pieces, int indirect);

/* Adds the requests of slots 0..n-1 (`pieces` per part), notifies once and
 * completes them all. Reports on t; false when the traffic stopped. */
bool chk_traffic_batch(struct pf_test *t, const struct chk_traffic *tr, unsigned n,
		       unsigned pieces);

/*
 * What the readable-untouched checks drive, on either ring format: two
 * laps of requests one at a time with each part over two descriptors, then
 * one at a time and a batch in flight with each part in one descriptor (a
 * header whole in one buffer, as most drivers send it). Reports on t;
 * returns false when the traffic stopped.
 */
bool chk_readable_traffic(struct pf_test *t, const struct chk_traffic *tr);

/* chk_readable_traffic() where the workload `wl` has device-readable bytes;
 * otherwise t is marked skip. False when skipped or the traffic stopped. */
bool chk_readable_run(struct pf_test *t, const struct chk_workload *wl,
		      const struct chk_traffic *tr);

/*
 * One request at a time with each part over 2, 4, 8... descriptors, as
 * long as half the ring and the bytes of a request of workload `wl` allow;
 * each opens sub-case `sub` (text `text`) unless sub is NULL. False when
 * the traffic stopped.
 */
bool chk_traffic_chains(struct pf_test *t, const struct chk_traffic *tr,
			const struct chk_workload *wl, const char *sub, const char *text);

/*
 * After a device or queue reset: make the request of `slot` available in
 * the old split ring and notify, watch it for chk_old_ring_watch_ns()
 * (timing.h), and require that the device neither used it (sub-case
 * old-ring-used) nor wrote into its buffers (old-ring-written). `what`
 * names the reset in messages.
 */
bool chk_ring_old_ring_idle(struct pf_test *t, struct chk_ring *r, uint16_t slot, const char *what);

/*
 * The same on rings the probe only holds as memory (chk_bring_up_rings()
 * fills `rings`): chk_old_ring_post() makes one device-writable buffer,
 * between guards, available in queue q's old ring and notifies;
 * chk_old_rings_check() watches them all for chk_old_ring_watch_ns() and
 * requires them untouched. chk_raw_old_rings_idle() does both for every
 * queue. Zero the struct before use.
 */
struct chk_old_rings {
	struct chk_queue_rings rings;
	uint8_t *bufs;
	uint16_t was[VIRTIO_MAX_QUEUES];
	bool posted[VIRTIO_MAX_QUEUES];
};

bool chk_old_ring_post(struct pf_test *t, struct virtio_dev *d, struct chk_old_rings *o,
		       uint16_t q);
bool chk_old_rings_check(struct pf_test *t, struct virtio_dev *d, struct chk_old_rings *o,
			 const char *what);
bool chk_raw_old_rings_idle(struct pf_test *t, struct virtio_dev *d, struct chk_old_rings *o,
			    const char *what);

/* Pending interrupt status bits (MMIO InterruptStatus, PCI ISR: reading
 * clears, MMIO needs the ack which this does). */
uint32_t chk_isr_take(struct virtio_dev *d);

/*
 * The interrupt status a completed request left: the device writes the used
 * ring, then sets the status, and on a loaded host its thread can stop in
 * between, so the queue bit is waited for up to chk_wait_ns() (timing.h).
 * Where no interrupt is due the whole wait is a quiet window.
 */
uint32_t chk_isr_after_used(struct virtio_dev *d);

void chk_ring_close(struct chk_ring *r);

#endif

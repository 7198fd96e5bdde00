/* SPDX-License-Identifier: MIT */
/*
 * The packed-ring counterpart of ring.h: the same peer-free workloads
 * (chk_workload(), same request layout), driven through a packed virtqueue
 * (2.8; VIRTIO_F_RING_PACKED negotiated). With RING_PACKED every queue of
 * the device is packed, so the idle queues get small zeroed packed rings.
 *
 * Every used descriptor taken back is remembered (position, the 16 bytes
 * the device left there) so a check can later prove the device did not
 * change it after setting USED (2.8.15).
 */
#ifndef PF_CHECKS_RING_PACKED_H
#define PF_CHECKS_RING_PACKED_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"
#include "ring.h"
#include "virtio/virtio.h"
#include "virtio/virtqueue_packed.h"

struct chk_pring {
	struct virtio_dev *dev;
	const struct chk_workload *wl;
	uint64_t features; /* negotiated */
	struct virtq_packed vq;
	struct chk_bufs b; /* the request buffers (ring.h) */
	uint16_t slots;	   /* == queue size: one slot per Buffer ID */
	/* used descriptors as the device left them, by ring position */
	struct pvirtq_desc *seen;
	bool *seen_valid;
	uint32_t used_without_write; /* used descriptors of buffers the device
				      * wrote into, without VIRTQ_DESC_F_WRITE */
};

/*
 * Negotiates RING_PACKED | `want` (masked by what is offered, VERSION_1
 * added), sets the workload queue up as a packed ring of `num` entries (any
 * size, clamped to the queue maximum), the other queues as idle packed
 * rings, and sets DRIVER_OK unless `driver_ok` is false. Skips when
 * RING_PACKED is not offered or there is no workload. Returns false when the
 * check cannot go on (already reported).
 */
bool chk_pring_open(struct pf_test *t, struct chk_pring *r, uint64_t want, uint16_t num,
		    uint32_t vq_opts, bool driver_ok);

/* Adds the request of `slot` (token = slot) without making it available;
 * returns the Buffer ID or a VQ_E_* code. */
int chk_pring_add(struct chk_pring *r, uint16_t slot, unsigned pieces, int indirect);

/* The traffic of a packed ring (ring.h; chk_pring_complete() completes). */
struct chk_traffic chk_pring_traffic(struct chk_pring *r);

/* Adds, publishes and notifies one request; returns the Buffer ID or < 0. */
int chk_pring_submit(struct chk_pring *r, uint16_t slot, unsigned pieces, int indirect);

/*
 * Waits (bounded) for the next used descriptor and checks it: flags and wrap
 * counter (2.8.1), Buffer ID, indirect table and readable buffers unchanged,
 * guards around every buffer (chk_bufs_verify()), and at SHOULD level (2.8.5
 * is descriptive for the packed ring) len within and backed by the writable
 * bytes. A wait that ends with nothing used while the device's event
 * suppression had told the driver not to notify is a warning
 * (avail-event-stall), and the queue is notified anyway from then on.
 * Reports on t; returns the driver's code (1 = got one).
 */
int chk_pring_complete(struct pf_test *t, struct chk_pring *r, struct virtq_used_info *u);

/* Submits and completes `count` requests one at a time. */
bool chk_pring_roundtrips(struct pf_test *t, struct chk_pring *r, unsigned count, unsigned pieces,
			  int indirect);

/* Ring position of the first remembered used descriptor that no longer
 * holds what the device left there, or -1. Positions the driver has made
 * available again since are not remembered any more. */
int chk_pring_find_used_change(struct chk_pring *r);

void chk_pring_close(struct chk_pring *r);

#endif

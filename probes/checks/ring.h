/* SPDX-License-Identifier: MIT */
/*
 * Driving real traffic through a device for the ring checks. Only some
 * device types complete buffers without a peer on the host side; for those
 * a "workload" says how a request looks and what the device must write:
 *   rng      requestq: one device-writable buffer it fills (5.4)
 *   blk      requestq: a VIRTIO_BLK_T_IN read of sector 0 (5.2.6)
 *   net      transmitq: a frame to a hub with no peers; used len 0 (5.1.6)
 *   console  port 0 transmitq: one byte of output; used len 0 (5.3.6)
 */
#ifndef PF_CHECKS_RING_H
#define PF_CHECKS_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"
#include "timing.h"
#include "virtio/virtio.h"
#include "virtio/virtqueue_split.h"

/* first wait for a used buffer, calibrated (timing.h) */
#define RING_POLL_NS chk_wait_ns()
#define RING_MAX_SG 64

struct chk_workload {
	uint32_t device_id;
	uint16_t queue;      /* virtqueue the requests go to */
	uint32_t readable;   /* bytes of device-readable request header/data */
	uint32_t writable;   /* bytes the device is given to write */
	bool fills_all;      /* writes every writable byte (content checkable) */
};

struct chk_ring {
	struct virtio_dev *dev;
	const struct chk_workload *wl;
	uint64_t features;   /* negotiated */
	struct virtq_split vq;
	uint8_t *buf;        /* readable part then writable part, per slot */
	uint32_t slot_size;
	uint16_t slots;
};

/* Driver options (VQ_OPT_*) for the ring features in a negotiated set. */
uint32_t chk_vq_opts(uint64_t features);

/* The workload for this device, or NULL (the check then skips). */
const struct chk_workload *chk_workload(const struct virtio_dev *d);

/*
 * Negotiates `want` (masked by what is offered, VERSION_1 added), sets up the
 * workload's queue as a split ring of `num` entries (other queues of the
 * device stay disabled), reaches DRIVER_OK unless `driver_ok` is false.
 * Reports problems on t. Returns false if the check cannot go on (the
 * reason is already reported or marked skip).
 */
bool chk_ring_open(struct pf_test *t, struct chk_ring *r, uint64_t want, uint16_t num,
		   uint32_t vq_opts, bool driver_ok);

/*
 * Builds the request for slot `slot` into sg[] split over `pieces`
 * descriptors per part (1 = one descriptor for the readable part and one for
 * the writable), fills the writable part with a guard pattern. Returns the
 * descriptor count.
 */
unsigned chk_ring_request(struct chk_ring *r, uint16_t slot, struct virtq_sg *sg, unsigned pieces);

/*
 * The guard of a request's writable part: a pattern that changes with the
 * offset, so a device's data (a disk sector, random bytes) cannot keep it
 * by chance. chk_guard_first() returns the offset of the first run of
 * guard bytes in w[0..len) (data never written), len if there is none.
 */
void chk_guard_fill(uint8_t *p, uint32_t n);
uint32_t chk_guard_first(const uint8_t *w, uint32_t len);
/* Offset of the first byte of w[0..n) that no longer holds the guard, n if none. */
uint32_t chk_guard_changed(const uint8_t *w, uint32_t n);

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
 * bytes and, for workloads that fill everything, that the first len bytes
 * were really written). Reports on t; returns the virtq code (1 = got one).
 */
int chk_ring_complete(struct pf_test *t, struct chk_ring *r, struct virtq_used_info *u);

/* Pending interrupt status bits (MMIO InterruptStatus, PCI ISR: reading
 * clears, MMIO needs the ack which this does). */
uint32_t chk_isr_take(struct virtio_dev *d);

void chk_ring_close(struct chk_ring *r);

#endif

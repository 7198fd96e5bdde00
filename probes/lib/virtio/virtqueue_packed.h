/* SPDX-License-Identifier: MIT */
/*
 * Packed virtqueue (VIRTIO 1.4, 2.8; VIRTIO_F_RING_PACKED): layouts with the
 * spec's names and a small polling driver that validates what the device
 * writes back. Wrap counters start at 1 on both sides (2.8.1).
 *
 * Memory: one block from the DMA arena, descriptor ring at 0 (16-aligned),
 * Driver Event Suppression at the next 64-byte boundary, Device Event
 * Suppression 64 bytes after it (both need 4-byte alignment).
 */
#ifndef PF_VIRTQUEUE_PACKED_H
#define PF_VIRTQUEUE_PACKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio.h"
#include "virtqueue.h"

#define VIRTQ_DESC_F_AVAIL (1u << 7)
#define VIRTQ_DESC_F_USED (1u << 15)

/* All fields little-endian. */
struct pvirtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t id; /* Buffer ID */
	uint16_t flags;
};

#define RING_EVENT_FLAGS_ENABLE 0x0
#define RING_EVENT_FLAGS_DISABLE 0x1
#define RING_EVENT_FLAGS_DESC 0x2 /* only with VIRTIO_F_EVENT_IDX */

struct pvirtq_event_suppress {
	uint16_t desc;	/* bits 0..14 desc_event_off, bit 15 desc_event_wrap */
	uint16_t flags; /* bits 0..1 desc_event_flags, 2..15 reserved */
};

#define VIRTQ_PACKED_EVENT_WRAP_SHIFT 15

static inline size_t virtq_packed_driver_off(uint16_t num)
{
	return ((size_t)num * 16u + 63u) & ~(size_t)63u;
}

static inline size_t virtq_packed_device_off(uint16_t num)
{
	return virtq_packed_driver_off(num) + 64u;
}

static inline size_t virtq_packed_size(uint16_t num)
{
	return virtq_packed_device_off(num) + sizeof(struct pvirtq_event_suppress);
}

/* Per Buffer ID: one buffer the driver made available. */
struct virtq_packed_state {
	bool in_flight;
	bool published;
	uint16_t ndesc; /* ring descriptors of the chain */
	uint16_t pos;	/* ring position of its first descriptor */
	uint32_t writable;
	uint64_t token;
	uint64_t ro_hash;    /* VQ_OPT_VERIFY_RO */
	uint16_t indirect_n; /* indirect table entries in use, 0 = none */
	uint16_t itab_cap;
	/* itab[0..cap) shared, itab[cap..2cap) the driver's private copy */
	struct pvirtq_desc *itab;
	/* VQ_OPT_VERIFY_RO: the chain as added (the ring itself is reused and
	 * overwritten by used descriptors while the buffer is in flight) */
	struct virtq_sg *ro_sg;
	uint16_t ro_cap, ro_n;
};

struct virtq_packed {
	struct virtio_dev *dev;
	uint16_t index;
	uint16_t num;  /* queue size (any value 1..32768) */
	uint32_t opts; /* VQ_OPT_* */

	struct pvirtq_desc *desc;
	struct pvirtq_event_suppress *driver; /* Driver Area: we write */
	struct pvirtq_event_suppress *device; /* Device Area: device writes */
	uint64_t desc_addr, driver_addr, device_addr;

	struct virtq_packed_state *state;
	uint16_t *free_next; /* FIFO of free buffer ids */
	uint16_t free_head, free_tail, num_free_ids;
	uint16_t num_free; /* free ring descriptors */

	uint16_t next_avail; /* ring position of the next descriptor we add */
	bool avail_wrap;     /* driver ring wrap counter */
	uint16_t next_used;  /* ring position of the next used descriptor */
	bool used_wrap;	     /* device ring wrap counter as we track it */

	/* heads added but not yet handed over (publish writes their flags) */
	uint16_t *pending_pos, *pending_flags, *pending_id;
	uint16_t npending;
	uint16_t num_added; /* descriptors published since the last kick decision */
	uint16_t pub_pos;   /* position after the last published chain */
	bool pub_wrap;	    /* and the driver wrap counter there */
	uint16_t in_flight, in_flight_published;

	/* IN_ORDER: ids in submission order, and a batch being unrolled */
	uint16_t *order;
	uint16_t order_head, order_n;
	bool batch_active;
	uint16_t batch_last;
	uint32_t batch_len;

	uint32_t stats_kicks, stats_suppressed;
	/* the last notification decision was suppressed by the device, and
	 * the Device Event Suppression flags it was taken on */
	bool last_kick_suppressed;
	uint16_t last_event_flags;
};

/* Allocates ring and state for num (1..32768) entries; no device access.
 * Returns 0, PF_EINVAL or PF_ENOMEM. */
int virtq_packed_init(struct virtq_packed *vq, struct virtio_dev *d, uint16_t index, uint16_t num,
		      uint32_t opts);
/* queue_setup(desc, driver, device) + queue_enable through the transport. */
int virtq_packed_attach(struct virtq_packed *vq);
/* Forgets every buffer and zeroes the ring (after a device or queue reset). */
void virtq_packed_reinit(struct virtq_packed *vq);

/*
 * Adds a chain (device-readable buffers first). The head's flags are written
 * by publish, so several chains become visible together. `indirect` as for
 * virtq_split_add(). Returns the Buffer ID (>= 0) or a VQ_E_* code.
 */
int virtq_packed_add(struct virtq_packed *vq, const struct virtq_sg *sg, unsigned n, int indirect,
		     uint64_t token);
/* Hands every added chain to the device (writes their head flags). */
void virtq_packed_publish(struct virtq_packed *vq);

/* Whether the Device Event Suppression asks for a notification now. */
bool virtq_packed_kick_prepare(struct virtq_packed *vq);
/* vq index, or with NOTIFICATION_DATA {index, next_off, next_wrap}. */
void virtq_packed_notify(struct virtq_packed *vq);
/* publish + prepare + notify if wanted; returns true if notified. */
bool virtq_packed_kick(struct virtq_packed *vq);

/* 1 with *out filled, 0 when nothing is used yet, or a VQ_E_DEV_* code. */
int virtq_packed_get_used(struct virtq_packed *vq, struct virtq_used_info *out);
/* get_used with a bounded wait: 1, PF_ETIMEDOUT or a VQ_E_DEV_* code. */
int virtq_packed_poll(struct virtq_packed *vq, struct virtq_used_info *out, uint64_t timeout_ns);

/* Driver Event Suppression (used-buffer notifications): ENABLE, DISABLE, or
 * DESC at (off, wrap) — DESC needs EVENT_IDX. */
void virtq_packed_enable_cb(struct virtq_packed *vq); /* DESC at next_used with EVENT_IDX */
void virtq_packed_disable_cb(struct virtq_packed *vq);
void virtq_packed_set_event(struct virtq_packed *vq, uint16_t flags, uint16_t off, bool wrap);
/* Snapshot of the Device Event Suppression structure. */
struct pvirtq_event_suppress virtq_packed_device_event(struct virtq_packed *vq);

#endif

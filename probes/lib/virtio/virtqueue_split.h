/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueue (VIRTIO 1.4, 2.7): layouts with the spec's names, and a
 * small polling driver that checks everything the device writes back.
 *
 * The ring is always laid out the legacy way (2.7.2 legacy interface): one
 * page-aligned block, descriptor table at 0, available ring right after it,
 * used ring at the next 4096 boundary. That satisfies the modern alignment
 * rules (16/2/4) and is the only layout MMIO Version 1 can express.
 */
#ifndef PF_VIRTQUEUE_SPLIT_H
#define PF_VIRTQUEUE_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio.h"
#include "virtqueue.h"

/* All fields little-endian (le64/le32/le16 in the spec). */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* [queue size], then le16 used_event (EVENT_IDX) */
};

struct virtq_used_elem {
	uint32_t id;  /* index of the head of the used descriptor chain */
	uint32_t len; /* bytes written into the device-writable part */
};

#define VIRTQ_USED_F_NO_NOTIFY 1
struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[]; /* [queue size], then le16 avail_event */
};

#define VIRTQ_SPLIT_ALIGN 4096u

/* Offsets of the three parts in the legacy-compatible block, and its size. */
static inline size_t virtq_split_avail_off(uint16_t num)
{
	return 16u * (size_t)num;
}

static inline size_t virtq_split_used_off(uint16_t num)
{
	size_t end = virtq_split_avail_off(num) + 6u + 2u * (size_t)num;

	return (end + VIRTQ_SPLIT_ALIGN - 1) & ~(size_t)(VIRTQ_SPLIT_ALIGN - 1);
}

static inline size_t virtq_split_size(uint16_t num)
{
	return virtq_split_used_off(num) + 6u + 8u * (size_t)num;
}

/* used_event sits after the available ring, avail_event after the used ring. */
static inline uint16_t *vring_used_event(struct virtq_avail *avail, uint16_t num)
{
	return &avail->ring[num];
}

static inline uint16_t *vring_avail_event(struct virtq_used *used, uint16_t num)
{
	return (uint16_t *)(void *)&used->ring[num];
}

/* Driver-private copy of what we put in a descriptor (the device may scribble
 * on the shared table; the free list must not depend on it). */
struct virtq_split_shadow {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* Per head descriptor: one in-flight buffer. */
struct virtq_split_state {
	bool in_flight;
	uint16_t ndesc;	   /* ring descriptors of the chain */
	uint16_t last;	   /* last ring descriptor of the chain */
	uint32_t writable; /* device-writable bytes */
	uint64_t token;
	uint64_t ro_hash;    /* VQ_OPT_VERIFY_RO */
	uint16_t indirect_n; /* entries of the indirect table in use, 0 = none */
	uint16_t itab_cap;   /* entries allocated for this head (kept) */
	/* itab[0..cap) is shared with the device, itab[cap..2cap) is the
	 * driver's private copy to compare against */
	struct virtq_desc *itab;
};

struct virtq_split {
	struct virtio_dev *dev;
	uint16_t index; /* virtqueue number */
	uint16_t num;	/* queue size (power of two) */
	uint32_t opts;	/* VQ_OPT_* */

	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint64_t desc_addr, avail_addr, used_addr; /* bus addresses */

	struct virtq_split_shadow *shadow; /* what we wrote in desc[] */
	struct virtq_split_state *state;

	/* free descriptors: a FIFO through free_next[], so that with in-order
	 * completion the driver uses descriptors in ring order (2.7.5) */
	uint16_t *free_next;
	uint16_t free_head, free_tail, num_free;

	uint16_t avail_idx; /* next avail->idx to publish (shadow) */
	uint16_t published; /* avail->idx as last written */
	uint16_t kicked;    /* avail->idx at the last notification decision */
	uint16_t last_used; /* next used ring entry to consume */
	uint16_t in_flight; /* buffers available and not yet used */

	/* IN_ORDER: heads in submission order, and a batch being unrolled */
	uint16_t *order;
	uint16_t order_head, order_n;
	bool batch_active;
	uint16_t batch_last; /* id of the used entry that ends the batch */
	uint32_t batch_len;
	uint16_t batch_skip; /* used idx positions the batch occupies */

	uint32_t stats_kicks, stats_suppressed;
	/* the last notification decision: suppressed by the device, and the
	 * avail_event it was taken on (EVENT_IDX); whether avail_event ever
	 * read other than the 0 the ring was zeroed with */
	bool last_kick_suppressed;
	uint16_t last_avail_event;
	bool avail_event_written;
};

/*
 * Allocates the ring and state for `num` entries (a power of two <= 32768)
 * from the DMA arena; does not touch the device. opts: VQ_OPT_*.
 * Returns 0, PF_EINVAL or PF_ENOMEM.
 */
int virtq_split_init(struct virtq_split *vq, struct virtio_dev *d, uint16_t index, uint16_t num,
		     uint32_t opts);

/* Programs the queue through the transport (queue_setup + queue_enable).
 * Returns the transport's error or 0. */
int virtq_split_attach(struct virtq_split *vq);

/* Forgets every buffer and zeroes the rings (after a device or queue reset). */
void virtq_split_reinit(struct virtq_split *vq);

/*
 * Adds a chain of n buffers (device-readable ones first, 2.7.4.2) and puts
 * its head in the available ring, not yet visible to the device (see
 * publish). `indirect`: VQ_ADD_DIRECT, VQ_ADD_INDIRECT, or k > 0 for k
 * direct descriptors followed by one indirect descriptor for the rest.
 * Returns the head id (>= 0) or PF_EINVAL / PF_ENOSPC / PF_ENOMEM.
 */
int virtq_split_add(struct virtq_split *vq, const struct virtq_sg *sg, unsigned n, int indirect,
		    uint64_t token);

/* Makes every added buffer visible: writes avail->idx. */
void virtq_split_publish(struct virtq_split *vq);

/*
 * Whether the device wants a notification for what was published since the
 * last decision (VIRTQ_USED_F_NO_NOTIFY, or avail_event with EVENT_IDX).
 */
bool virtq_split_kick_prepare(struct virtq_split *vq);
/* Sends the notification (vq index, or the NOTIFICATION_DATA word). */
void virtq_split_notify(struct virtq_split *vq);
/* publish + prepare + notify if wanted; returns true if notified. */
bool virtq_split_kick(struct virtq_split *vq);

/* Number of used entries the device has published and we have not consumed. */
uint16_t virtq_split_pending(struct virtq_split *vq);

/*
 * Takes the next used buffer, validating it: 1 when *out was filled, 0 when
 * nothing is pending, or a VQ_E_DEV_* code (out is filled as far as known;
 * the bad entry is consumed so the caller can continue or stop).
 */
int virtq_split_get_used(struct virtq_split *vq, struct virtq_used_info *out);

/* get_used with a bounded wait: 1, PF_ETIMEDOUT or a VQ_E_DEV_* code. */
int virtq_split_poll(struct virtq_split *vq, struct virtq_used_info *out, uint64_t timeout_ns);

/* Used-buffer notification control (2.7.7): avail->flags NO_INTERRUPT, or
 * used_event with EVENT_IDX (enable: next entry; disable: far away). */
void virtq_split_enable_cb(struct virtq_split *vq);
void virtq_split_disable_cb(struct virtq_split *vq);
void virtq_split_set_used_event(struct virtq_split *vq, uint16_t idx);
uint16_t virtq_split_avail_event(struct virtq_split *vq);

/*
 * Whether the device MUST have sent a used-buffer notification after moving
 * used->idx from old_used to new_used, given what the driver had published
 * (2.7.7.2): with EVENT_IDX vring_need_event(used_event, new, old), else
 * avail->flags without NO_INTERRUPT.
 */
bool virtq_split_irq_required(struct virtq_split *vq, uint16_t old_used, uint16_t new_used);

/* Compares the shared descriptor table with what the driver wrote; returns
 * the index of the first differing descriptor, or -1. */
int virtq_split_find_desc_change(struct virtq_split *vq);

#endif

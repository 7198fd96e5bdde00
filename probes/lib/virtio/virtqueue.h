/* SPDX-License-Identifier: MIT */
/*
 * What the split (virtqueue_split.h) and packed (virtqueue_packed.h) drivers
 * share: buffer lists, options, the result of a used buffer, and the error
 * codes of the driver-side validation of what the device wrote.
 *
 * Ring memory is little-endian (2.4); every target of the probe is
 * little-endian, so fields are plain integers and a build for a big-endian
 * CPU fails below rather than silently mis-reading rings.
 */
#ifndef PF_VIRTQUEUE_H
#define PF_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "pf_errno.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtqueue code assumes a little-endian CPU (rings are little-endian)"
#endif

/* Descriptor flags, both formats (2.7.5, 2.8.6) */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4

/*
 * Shared-memory accesses the compiler must neither merge, tear nor cache,
 * like Linux's READ_ONCE/WRITE_ONCE: indices and flags the device changes
 * behind our back. Ordering between them is the job of the arch_*mb().
 */
#define VQ_READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define VQ_WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* One buffer of a chain: bus address, length, device-writable or not. */
struct virtq_sg {
	uint64_t addr;
	uint32_t len;
	bool write;
};

/* Options of a queue (what was negotiated, and what the driver wants). */
#define VQ_OPT_EVENT_IDX (1u << 0)	   /* VIRTIO_F_EVENT_IDX */
#define VQ_OPT_INDIRECT (1u << 1)	   /* VIRTIO_F_INDIRECT_DESC */
#define VQ_OPT_IN_ORDER (1u << 2)	   /* VIRTIO_F_IN_ORDER */
#define VQ_OPT_NOTIFICATION_DATA (1u << 3) /* VIRTIO_F_NOTIFICATION_DATA */
#define VQ_OPT_VERIFY_RO \
	(1u << 4) /* hash device-readable buffers at
					    * add, compare at completion */
#define VQ_OPT_ALWAYS_NOTIFY \
	(1u << 5) /* notify even when the device's
					    * suppression says not to (a
					    * spurious notification, which
					    * the device must tolerate) */

/* Where the indirect table goes in an add: see virtq_split_add(). */
#define VQ_ADD_DIRECT (-1) /* all descriptors in the ring */
#define VQ_ADD_INDIRECT 0  /* one indirect descriptor for the whole chain */
/* k > 0: k direct descriptors, then one indirect for the rest (2.7.5.3.2) */

/*
 * Device-rule errors (pf_errno.h's range PF_EDEV_FIRST..PF_EDEV_LAST): the
 * device broke a rule of the ring and the code names which. Driver-side
 * problems are the infrastructure PF_E* codes (PF_EINVAL for a bad argument,
 * PF_ENOSPC for too few free descriptors or ids, PF_ENOMEM for an exhausted
 * DMA arena, PF_ETIMEDOUT for no used buffer within the bounded wait).
 */
enum virtq_err {
	VQ_E_DEV_ID_RANGE = -110,	 /* used id >= queue size */
	VQ_E_DEV_ID_NOT_INFLIGHT = -111, /* used id is not an available buffer */
	VQ_E_DEV_LEN = -112,		 /* used len > device-writable bytes */
	VQ_E_DEV_USED_IDX = -113,	 /* used idx ran ahead of the buffers in flight */
	VQ_E_DEV_DESC_WRITTEN = -114,	 /* descriptor (or indirect table) modified */
	VQ_E_DEV_RO_WRITTEN = -115,	 /* a device-readable buffer was modified */
	VQ_E_DEV_ORDER = -116,		 /* IN_ORDER negotiated, buffer used out of order */
	VQ_E_DEV_WRAP = -117,		 /* packed: used descriptor with the wrong wrap */
	VQ_E_DEV_FLAGS = -118,		 /* packed: AVAIL/USED flags in no valid state */
};

/* True when err says the device broke a ring rule (a failure of the
 * device), false for success and for the probe's own errors. */
static inline bool vq_error_is_device_fault(int err)
{
	return pf_err_is_device_rule(err);
}

const char *virtq_strerror(int err);
/* A short stable id of err for failure fingerprints ("used-len",
 * "desc-written", ...; docs/protocol.md). */
const char *virtq_error_id(int err);

struct virtq_used_info;
/*
 * Calls get_used(vq, out) until it reports something (non-zero: a used
 * buffer or an error) or timeout_ns passes (PF_ETIMEDOUT): the one bounded
 * wait both ring formats use.
 */
int virtq_poll_bounded(int (*get_used)(void *vq, struct virtq_used_info *out), void *vq,
		       struct virtq_used_info *out, uint64_t timeout_ns);

/* A buffer the device returned. */
struct virtq_used_info {
	uint16_t id;	   /* head descriptor (split) / buffer id (packed) */
	uint32_t len;	   /* as written by the device (or implied, see batched) */
	uint32_t writable; /* device-writable bytes the driver offered */
	uint64_t token;	   /* the caller's cookie from the add */
	uint16_t ndesc;	   /* ring descriptors the buffer occupied */
	bool batched;	   /* IN_ORDER: completed by a later buffer's used entry;
			    * len is then `writable` (the device wrote no len) */
};

/*
 * The event-index rule (2.7.10, 2.7.7; Linux vring_need_event): the other
 * side asked to be notified when the index passes event_idx; we moved it from
 * old to new_idx. True when event_idx is in [old, new_idx) modulo 2^16.
 */
static inline bool vring_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old);
}

/*
 * What both ring formats share when a buffer comes back: fills *out and
 * returns VQ_E_DEV_LEN when the device claimed to write more than it was
 * offered (not for a batched buffer, whose len is implied), else 1.
 */
int virtq_used_fill(struct virtq_used_info *out, uint16_t id, uint32_t len, bool batched,
		    uint32_t writable, uint64_t token, uint16_t ndesc);

/* IN_ORDER: position of id among the n buffers in flight listed in the ring
 * order[head..] of size num, oldest first; -1 when it is not there. */
int virtq_order_pos(const uint16_t *order, uint16_t head, uint16_t n, uint16_t num, uint16_t id);

struct virtio_dev;
/* Hands the three ring areas of queue index (size num) to the device and
 * enables the queue. 0, PF_ENOTSUP or the transport's error. */
int virtq_attach_rings(struct virtio_dev *d, uint16_t index, uint16_t num, uint64_t desc,
		       uint64_t driver, uint64_t device);

/* FNV-1a over device-readable buffers for VQ_OPT_VERIFY_RO. */
uint64_t virtq_hash_sg(const struct virtq_sg *sg, unsigned n);

/* Bounded wait granularity for the pollers (ns). */
#define VQ_POLL_DELAY_NS 1000u

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Virtio over MMIO (VIRTIO 1.4, 4.2): register map of Version 2 and of the
 * legacy Version 1 interface (4.2.4), and the transport's entry points.
 * Register names follow the spec (and Linux's uapi virtio_mmio.h).
 */
#ifndef PF_VIRTIO_MMIO_H
#define PF_VIRTIO_MMIO_H

#include <stdint.h>

#include "virtio.h"

#define VIRTIO_MMIO_MAGIC_VALUE 0x000	      /* R  "virt" */
#define VIRTIO_MMIO_VERSION 0x004	      /* R  2 (1 = legacy) */
#define VIRTIO_MMIO_DEVICE_ID 0x008	      /* R  0 = placeholder */
#define VIRTIO_MMIO_VENDOR_ID 0x00c	      /* R */
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010     /* R  (v1: HostFeatures) */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014 /* W  (v1: HostFeaturesSel) */
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020     /* W  (v1: GuestFeatures) */
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024 /* W  (v1: GuestFeaturesSel) */
#define VIRTIO_MMIO_GUEST_PAGE_SIZE 0x028     /* W  v1 only */
#define VIRTIO_MMIO_QUEUE_SEL 0x030	      /* W */
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034	      /* R  QueueSizeMax, 0 = absent */
#define VIRTIO_MMIO_QUEUE_NUM 0x038	      /* W  QueueSize */
#define VIRTIO_MMIO_QUEUE_ALIGN 0x03c	      /* W  v1 only */
#define VIRTIO_MMIO_QUEUE_PFN 0x040	      /* RW v1 only */
#define VIRTIO_MMIO_QUEUE_READY 0x044	      /* RW v2 only */
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050	      /* W */
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060    /* R */
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064	      /* W */
#define VIRTIO_MMIO_STATUS 0x070	      /* RW */
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080      /* W  v2 only */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW 0x090 /* QueueDriverLow */
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW 0x0a0 /* QueueDeviceLow */
#define VIRTIO_MMIO_QUEUE_USED_HIGH 0x0a4
#define VIRTIO_MMIO_SHM_SEL 0x0ac     /* W */
#define VIRTIO_MMIO_SHM_LEN_LOW 0x0b0 /* R */
#define VIRTIO_MMIO_SHM_LEN_HIGH 0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW 0x0b8 /* R */
#define VIRTIO_MMIO_SHM_BASE_HIGH 0x0bc
#define VIRTIO_MMIO_QUEUE_RESET 0x0c0	    /* RW RING_RESET */
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc /* R  v2 only */
#define VIRTIO_MMIO_CONFIG 0x100	    /* device-specific config */

#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt", little-endian */

/* Legacy (v1) ring placement: GuestPageSize and QueueAlign we program. */
#define VIRTIO_MMIO_LEGACY_PAGE 4096u
#define VIRTIO_MMIO_LEGACY_ALIGN 4096u

/* Smallest register window we accept (all registers up to the config). */
#define VIRTIO_MMIO_MIN_SIZE 0x100u

/* Transport private state (struct virtio_dev.priv). */
struct virtio_mmio_priv {
	/* v1: QueuePFN to write when the queue is enabled (0 = not set up) */
	uint32_t legacy_pfn[VIRTIO_MAX_QUEUES];
	/* QueueNumMax as read at discovery (queue_max[] is clamped to 32768) */
	uint32_t raw_queue_max[VIRTIO_MAX_QUEUES];
};

/* Outcome of probing one slot. */
enum virtio_mmio_probe_result {
	VIRTIO_MMIO_OK = 0,	 /* a device, *d filled in */
	VIRTIO_MMIO_EMPTY,	 /* DeviceID 0: placeholder, skip silently */
	VIRTIO_MMIO_BAD_MAGIC,	 /* not a virtio-mmio window */
	VIRTIO_MMIO_BAD_VERSION, /* Version neither 1 nor 2 */
	VIRTIO_MMIO_TOO_SMALL,	 /* window smaller than VIRTIO_MMIO_MIN_SIZE */
};

/*
 * Probes the register window `regs` (already mapped: real MMIO or a model)
 * and, on VIRTIO_MMIO_OK, fills *d (d->priv = priv, zeroed): name ("mmio@0a000000" from `address`),
 * ids, version/mode, offered features, queue sizes, ops. *raw_magic and
 * *raw_version (may be NULL) receive the registers for diagnostics. Writes
 * only the selector registers (DeviceFeaturesSel, QueueSel); does not reset
 * the device.
 */
enum virtio_mmio_probe_result virtio_mmio_probe(struct virtio_dev *d, struct virtio_mmio_priv *priv,
						const struct pf_region *regs, uint64_t address,
						uint32_t irq, uint32_t *raw_magic,
						uint32_t *raw_version);

/* The transport ops: Version 2, and legacy Version 1 (no ConfigGeneration,
 * no QueueReset; queue_setup only accepts the contiguous legacy layout). */
extern const struct virtio_transport_ops virtio_mmio_ops_v2;
extern const struct virtio_transport_ops virtio_mmio_ops_v1;

#endif

/* SPDX-License-Identifier: MIT */
/*
 * A virtio device as the probe sees it, independent of its transport.
 * Transports (virtio_mmio.c, virtio_pci.c) fill in struct virtio_dev and
 * implement struct virtio_transport_ops; checks and virtqueue code only use
 * the virtio_* helpers below. Names follow VIRTIO 1.4 (sections 2, 3, 4).
 */
#ifndef PF_VIRTIO_H
#define PF_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io.h"
#include "pf_errno.h"

/* Device status field (2.1) */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_SUSPEND 16u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED 128u

/* Reserved feature bits (6) */
#define VIRTIO_F_NOTIFY_ON_EMPTY 24
#define VIRTIO_F_ANY_LAYOUT 27
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED 34
#define VIRTIO_F_IN_ORDER 35
#define VIRTIO_F_ORDER_PLATFORM 36
#define VIRTIO_F_SR_IOV 37
#define VIRTIO_F_NOTIFICATION_DATA 38
#define VIRTIO_F_NOTIF_CONFIG_DATA 39
#define VIRTIO_F_RING_RESET 40
#define VIRTIO_F_ADMIN_VQ 41
#define VIRTIO_F_SUSPEND 43

#define VIRTIO_BIT(b) (1ull << (b))

/* ISR / InterruptStatus bits (4.1.4.5, 4.2.2) */
#define VIRTIO_ISR_QUEUE 1u
#define VIRTIO_ISR_CONFIG 2u

#define VIRTIO_MAX_QUEUES 64

enum virtio_transport_kind {
	VIRTIO_TRANSPORT_MMIO,
	VIRTIO_TRANSPORT_PCI,
};

enum virtio_mode {
	VIRTIO_MODE_LEGACY,	  /* MMIO Version 1, or a legacy-only PCI function */
	VIRTIO_MODE_TRANSITIONAL, /* PCI: transitional device id, modern caps too */
	VIRTIO_MODE_MODERN,
};

struct virtio_dev;

/*
 * What a transport provides. Every operation is bounded in time: a device
 * that never completes (e.g. a reset that never reads 0) makes the call
 * return an error code, never hang. Errors are negative PF_E* codes (pf_errno.h).
 */
struct virtio_transport_ops {
	uint8_t (*get_status)(struct virtio_dev *d);
	void (*set_status)(struct virtio_dev *d, uint8_t status);
	/* 32 feature bits of window `sel` (DeviceFeaturesSel / device_feature_select) */
	uint32_t (*get_features_window)(struct virtio_dev *d, uint32_t sel);
	void (*set_driver_features_window)(struct virtio_dev *d, uint32_t sel, uint32_t val);
	/* PCI: read driver_feature back; MMIO: NULL (write-only register) */
	uint32_t (*get_driver_features_window)(struct virtio_dev *d, uint32_t sel);
	/* device-specific configuration, width 1, 2 or 4 */
	uint32_t (*config_read)(struct virtio_dev *d, uint32_t off, unsigned width);
	void (*config_write)(struct virtio_dev *d, uint32_t off, uint32_t val, unsigned width);
	/* negative when the transport has no generation (MMIO v1) */
	int (*config_generation)(struct virtio_dev *d);
	/* queue discovery and set-up */
	uint16_t (*queue_max_size)(struct virtio_dev *d, uint16_t q); /* 0 = absent */
	int (*queue_setup)(struct virtio_dev *d, uint16_t q, uint16_t size, uint64_t desc,
			   uint64_t driver, uint64_t device);
	bool (*queue_ready)(struct virtio_dev *d, uint16_t q); /* QueueReady / queue_enable */
	void (*queue_enable)(struct virtio_dev *d, uint16_t q);
	void (*queue_notify)(struct virtio_dev *d, uint16_t q, uint32_t data);
	/* RING_RESET (2.6.1): write 1 to QueueReset / queue_reset; NULL if absent */
	void (*queue_reset_start)(struct virtio_dev *d, uint16_t q);
	int (*queue_reset_state)(struct virtio_dev *d, uint16_t q); /* reads QueueReset */
	/* interrupt status: MMIO InterruptStatus (+ACK), PCI ISR (read clears) */
	uint32_t (*isr_read)(struct virtio_dev *d);
	void (*isr_ack)(struct virtio_dev *d, uint32_t bits);
	void (*release)(struct virtio_dev *d);
};

struct virtio_dev {
	char name[32]; /* probe-wide id: "mmio@0a000000", "pci@0000:00:02.0" */
	enum virtio_transport_kind transport;
	enum virtio_mode mode;
	uint64_t address;   /* MMIO base, or PCI ECAM address of the function */
	uint32_t device_id; /* virtio device type (5) */
	uint32_t vendor_id;
	uint32_t version;    /* MMIO Version register; PCI Revision ID */
	uint32_t irq;	     /* GIC SPI / INTID where known, else 0 */
	uint64_t features;   /* offered, read at discovery (bits 0..63) */
	uint16_t num_queues; /* discovered queues (max_size != 0) */
	uint16_t queue_max[VIRTIO_MAX_QUEUES];
	const struct virtio_transport_ops *ops;
	struct pf_region regs; /* MMIO register window; PCI: common cfg */
	void *priv;	       /* transport private state */
};

/* Spec device name for a device id: "net", "blk", ... or "unknown". */
const char *virtio_device_name(uint32_t device_id);

/* Reads all 64 offered bits through the feature windows. */
uint64_t virtio_read_device_features(struct virtio_dev *d);

/* Writes 0 to status and waits (bounded, timeout_ns) until it reads 0. */
int virtio_reset(struct virtio_dev *d, uint64_t timeout_ns);

/*
 * The driver initialisation sequence of 3.1.1 up to FEATURES_OK: reset,
 * ACKNOWLEDGE, DRIVER, write `features`, FEATURES_OK, read it back.
 * Returns 0 when the device kept FEATURES_OK, PF_EIO when it refused,
 * PF_ETIMEDOUT when reset never completed.
 */
int virtio_negotiate(struct virtio_dev *d, uint64_t features);

/* Status helpers: OR bits in (the driver never clears bits, 2.1). */
void virtio_add_status(struct virtio_dev *d, uint8_t bits);

#endif

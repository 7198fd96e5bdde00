/* SPDX-License-Identifier: MIT */
/*
 * A simulated virtio device for the host unit tests. It sits behind a
 * struct pf_region with ops (io.h), so the probe's transport and virtqueue
 * code drive it exactly as they drive real MMIO:
 *
 *  - virtio-mmio Version 2 or legacy Version 1 register file (sim_mmio.c);
 *  - a PCI function: config space with virtio capabilities and a 64-bit
 *    memory BAR holding common/ISR/device/notify regions (sim_pci.c).
 *
 * Its device model processes rings synchronously when the driver notifies
 * (or when a test calls sim_process()): split and packed, indirect tables,
 * IN_ORDER batches, EVENT_IDX. Device-writable buffers are filled with a
 * pattern (sim_pattern()), used entries completed, interrupts raised.
 *
 * Fault injection: set bits of `faults` (SIM_F_*) to make the device break
 * one specific rule, so tests show the driver-side checks catch it.
 */
#ifndef PF_SIM_DEVICE_H
#define PF_SIM_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "io.h"

#define SIM_MAX_QUEUES 8
#define SIM_CONFIG_SIZE 256

enum sim_transport {
	SIM_MMIO_V2,
	SIM_MMIO_V1,
	SIM_PCI,
};

/* ---- fault flags ---- */
#define SIM_F_USED_LEN_LONG (1u << 0)  /* used len = writable + 1 */
#define SIM_F_USED_ID_RANGE (1u << 1)  /* used id >= queue size */
#define SIM_F_USED_ID_STALE (1u << 2)  /* used id of a buffer not in flight */
#define SIM_F_WRITE_READABLE (1u << 3) /* writes into a device-readable buffer */
#define SIM_F_WRITE_DESC (1u << 4)     /* modifies the descriptor table / indirect table */
#define SIM_F_NO_IRQ (1u << 5)	       /* never raises a used-buffer interrupt */
#define SIM_F_EXTRA_IRQ \
	(1u << 6) /* interrupts although suppressed (NO_INTERRUPT,
					      * used_event, packed DISABLE) */
#define SIM_F_IGNORE_USED_EVENT \
	(1u << 7) /* EVENT_IDX: decides by avail->flags instead of
					      * used_event (notifies when told not to) */
#define SIM_F_AVAIL_EVENT_WRONG \
	(1u << 8)			     /* EVENT_IDX: avail_event far ahead: the driver
					      * stops notifying and the device, which only
					      * looks at the ring when notified, stalls */
#define SIM_F_PACKED_STALE_WRAP (1u << 9)    /* packed: used flags with the old wrap counter */
#define SIM_F_PACKED_BAD_FLAGS (1u << 10)    /* packed: AVAIL != USED in a used descriptor */
#define SIM_F_ACCEPT_BAD_FEATURES (1u << 11) /* keeps FEATURES_OK for an invalid subset */
#define SIM_F_CONFIG_GEN_STUCK (1u << 12)    /* config generation unchanged on config change */
#define SIM_F_QRESET_KEEPS_READY (1u << 13)  /* queue reset leaves QueueReady/queue_enable 1 */
#define SIM_F_RESET_KEEPS_STATUS (1u << 14)  /* writing 0 to status does not reset it */
#define SIM_F_NO_VERSION_1 (1u << 15)	     /* VERSION_1 not offered */
#define SIM_F_RESERVED_FEATURES (1u << 16)   /* offers reserved bit 45 */
#define SIM_F_RESET_KEEPS_ISR (1u << 17)     /* InterruptStatus survives a reset */
#define SIM_F_RESET_KEEPS_READY (1u << 18)   /* QueueReady survives a reset */
#define SIM_F_USED_IDX_JUMP (1u << 19)	     /* split: used idx advanced one too far */
#define SIM_F_OUT_OF_ORDER \
	(1u << 20)			  /* completes the newest buffer first and holds
					      * the others until the next sim_process() */
#define SIM_F_BEFORE_DRIVER_OK (1u << 21) /* consumes buffers before DRIVER_OK */
#define SIM_F_QRESET_STUCK (1u << 22)	  /* QueueReset keeps reading 1 */
#define SIM_F_NO_CONFIG_IRQ (1u << 23)	  /* no interrupt on a config change */
#define SIM_F_ISR_NO_CLEAR \
	(1u << 24)			     /* PCI: reading ISR does not clear it;
					      * MMIO: InterruptACK ignored */
#define SIM_F_PCI_CAP_LOOP (1u << 25)	     /* PCI: last capability points back to the first */
#define SIM_F_PCI_CAP_OUTSIDE_BAR (1u << 26) /* PCI: notify capability extends past the BAR */
#define SIM_F_PCI_NO_COMMON (1u << 27)	     /* PCI: no common capability (legacy-looking) */
#define SIM_F_PACKED_AVAIL_ONLY \
	(1u << 28) /* packed: a descriptor is available when its AVAIL
					      * bit matches, whatever USED says */
#define SIM_F_PACKED_USED_REWRITE \
	(1u << 29) /* packed: rewrites the last used descriptor of the
					      * previous pass (its addr) */
#define SIM_F_SILENT_BROKEN \
	(1u << 30) /* a malformed ring stops the device without
					      * DEVICE_NEEDS_RESET */
/* (bits 32 and up: faults of the ring model only) */
#define SIM_F_WRITE_WHOLE_HEADER \
	(1ull << 32) /* writes into the device-readable part of a
						* request held in one descriptor (a header
						* parsed in place), not when it is split */
#define SIM_F_WRITE_PAST_END \
	(1ull << 33) /* writes one byte past the end of the last
						* device-writable buffer of a chain */
#define SIM_F_RESET_KEEPS_RING \
	(1ull << 34) /* device and queue reset: what is pending
						* is used first, then the old ring keeps
						* being processed when notified */
#define SIM_F_BLK_NO_STATUS \
	(1ull << 35) /* blk: the status byte is never written
						* (used len still covers it) */
#define SIM_F_AVAIL_EVENT_STALE \
	(1ull << 36) /* EVENT_IDX: avail_event never written; the
						* device only looks at the ring when
						* notified, so it stalls */
#define SIM_F_CHAIN_MAX_2 \
	(1ull << 37) /* split: assumes a request is at most two
						* descriptors (header, data): a longer
						* chain is taken for a malformed ring */
#define SIM_F_AVAIL_IDX_NO_WRAP \
	(1ull << 38) /* split: compares avail->idx as a plain
						* number, so buffers made available
						* across its wrap to 0 are never seen */

#define SIM_F_PCI_NO_SRIOV_CAP \
	(1ull << 39) /* PCI: VIRTIO_F_SR_IOV offered without the
						* SR-IOV extended capability */

/* A buffer the device has consumed, not yet necessarily returned. */
struct sim_done {
	uint16_t id;
	uint16_t ndesc; /* packed: ring descriptors of the chain */
	uint32_t written;
	uint32_t writable;
	uint64_t last_w_addr; /* the chain's last device-writable element */
	uint32_t last_w_len;
	uint8_t last_w_orig; /* its last byte before the device wrote it */
	uint64_t rd_addr;    /* its first device-readable element */
	uint16_t nreadable;  /* device-readable elements */
};

#define SIM_HOLD_MAX 64

struct sim_queue {
	uint16_t num_max; /* QueueNumMax, 0 = absent */
	uint16_t num;	  /* QueueNum (size) */
	bool ready;	  /* QueueReady / queue_enable */
	bool resetting;	  /* QueueReset in progress (SIM_F_QRESET_STUCK) */
	uint64_t desc, driver, device;
	uint32_t pfn;	     /* v1 QueuePFN */
	uint32_t align;	     /* v1 QueueAlign */
	uint16_t notify_off; /* PCI queue_notify_off */
	uint16_t msix;	     /* PCI queue_msix_vector */
	/* ring state as the device sees it */
	uint16_t last_avail;		    /* split: next avail entry; packed: ring position */
	bool avail_wrap;		    /* packed: driver wrap counter expected next */
	uint16_t used_idx;		    /* split: used->idx; packed: ring position */
	bool used_wrap;			    /* packed: device wrap counter */
	uint32_t used_lin;		    /* packed: ring positions used so far (linear) */
	struct sim_done held[SIM_HOLD_MAX]; /* SIM_F_OUT_OF_ORDER: returned later */
	uint16_t nheld;
	uint32_t completed; /* buffers completed */
	uint32_t notifies;  /* notifications received */
	uint32_t last_notify_data;
	uint32_t suppressed; /* interrupts suppressed by the driver */
	bool kick_pending;   /* notified since the ring was last processed */
	/* SIM_F_RESET_KEEPS_RING: the ring as the last reset left it */
	bool ghost;
	uint16_t ghost_num, ghost_last_avail, ghost_used_idx;
	uint64_t ghost_desc, ghost_driver, ghost_device;
};

/*
 * A request as a device model sees it: the elements of one descriptor
 * chain in order (indirect tables flattened), each mapped into host memory.
 */
#define SIM_REQ_MAX_SEGS 64
struct sim_seg {
	uint8_t *p;
	uint32_t len;
	bool write; /* device-writable */
};

struct sim_req {
	uint16_t queue;
	struct sim_seg seg[SIM_REQ_MAX_SEGS];
	unsigned nseg;
	bool truncated; /* more elements than SIM_REQ_MAX_SEGS */
};

struct sim_dev;
/*
 * A device type's behaviour: serves one request and returns the bytes it
 * wrote into the device-writable part (the used len). NULL: the generic
 * model, which fills every writable byte with sim_pattern().
 */
typedef uint32_t (*sim_serve_fn)(struct sim_dev *s, const struct sim_req *req);
/* Called after the driver wrote device configuration bytes [off, off+len). */
typedef void (*sim_config_write_fn)(struct sim_dev *s, uint32_t off, uint32_t len);
/* Whether the model keeps queue q's next available buffer for later (a
 * queue the device fills only when it has something to say). */
typedef bool (*sim_hold_fn)(struct sim_dev *s, uint16_t q);

struct sim_dev {
	enum sim_transport transport;
	uint32_t device_id, vendor_id;
	uint64_t features; /* offered (before fault adjustments) */
	uint64_t faults;   /* SIM_F_* */

	/* behaviour knobs */
	bool defer;		 /* don't process on notify; tests call sim_process() */
	uint16_t in_order_batch; /* with IN_ORDER: buffers per used entry (0/1 = none) */
	uint32_t write_limit;	 /* bytes written per writable descriptor (0 = all) */
	uint8_t pattern_seed;
	uint16_t qreset_busy_reads; /* QueueReset reads 1 this many times first */
	uint8_t blk_status;	    /* blk: the status byte the device writes */
	bool avail_no_notify;	    /* split: set VIRTQ_USED_F_NO_NOTIFY */

	/* device type model (sim_model.c helpers; NULL: generic) */
	sim_serve_fn serve;
	sim_config_write_fn config_write;
	sim_hold_fn hold; /* NULL: every buffer is served at once (split rings) */
	/* whether the model keeps FEATURES_OK for driver features f (NULL: yes) */
	bool (*features_ok)(const struct sim_dev *s, uint64_t f);
	void *model; /* the model's own state */

	/* register state */
	uint64_t driver_features;
	uint32_t dev_feat_sel, drv_feat_sel;
	uint16_t queue_sel;
	uint8_t status;
	uint32_t isr;
	uint32_t config_generation;
	uint32_t guest_page_size;
	uint8_t config[SIM_CONFIG_SIZE];
	uint32_t config_len;
	uint16_t qreset_reads;
	struct sim_queue q[SIM_MAX_QUEUES];

	/* observations */
	uint32_t irq_raised; /* used-buffer interrupts raised */
	uint32_t config_irqs;
	uint32_t resets;
	uint32_t bad_access; /* refused/invalid register or DMA accesses */
	bool broken;	     /* malformed ring seen: device stopped */

	/* transport front ends */
	struct pf_region mmio; /* MMIO register window (MMIO transports) */
	struct pf_region bar;  /* PCI BAR 0 (PCI transport) */
	uint8_t pci_cfg[4096]; /* PCI config space (PCI transport) */
	uint64_t bar_size;
	uint64_t bar_addr; /* as programmed by the driver */
	uint16_t num_queues;
	uint16_t msix_config;
};

/* ---- sim_core.c ---- */
/* A clean device: `queues` queues of `qmax` entries, `features` offered (add
 * VIRTIO_F_VERSION_1 yourself for a modern device). */
void sim_init(struct sim_dev *s, enum sim_transport t, uint32_t device_id, uint64_t features,
	      uint16_t queues, uint16_t qmax);
/* What the device offers now (features adjusted by the fault flags). */
uint64_t sim_offered(const struct sim_dev *s);
/* Device reset as if the driver wrote 0 to status (honours the faults). */
void sim_reset(struct sim_dev *s);
/* Status write (FEATURES_OK acceptance, reset on 0). */
void sim_write_status(struct sim_dev *s, uint8_t v);
/* Changes config bytes, bumps the generation, raises a config interrupt. */
void sim_config_change(struct sim_dev *s, uint32_t off, const void *data, uint32_t len);
/* A driver write of `w` bytes of device configuration at `off` (in range):
 * stores them and tells the device model. */
void sim_config_write(struct sim_dev *s, uint32_t off, uint64_t v, unsigned w);
/* Queue reset (RING_RESET) of queue q. */
void sim_queue_reset(struct sim_dev *s, uint16_t q);
/* Reads QueueReset of q (1 while busy). */
uint32_t sim_queue_reset_state(struct sim_dev *s, uint16_t q);
/* A notification for queue q with the written value. */
void sim_notify(struct sim_dev *s, uint16_t q, uint32_t data);
/* The byte the device writes at offset i of a writable buffer. */
uint8_t sim_pattern(const struct sim_dev *s, uint32_t i);
/* Queue q is live (ready, DRIVER_OK unless faulted). */
bool sim_queue_live(const struct sim_dev *s, uint16_t q);

/* ---- sim_ring.c ---- */
/* Processes what the driver made available on queue q; returns the number
 * of buffers completed (0 if the queue is not live). */
int sim_process(struct sim_dev *s, uint16_t q);
/* SIM_F_RESET_KEEPS_RING: processes the split ring queue q had before its
 * last reset, as if it were still live. */
int sim_process_ghost(struct sim_dev *s, uint16_t q);

/* ---- sim_model.c: helpers for device type models ---- */
/* Bytes of the device-readable / device-writable part of a request. */
uint32_t sim_req_readable(const struct sim_req *r);
uint32_t sim_req_writable(const struct sim_req *r);
/* Copies `len` bytes at offset `off` of the readable part into buf;
 * returns the bytes copied (fewer if the part is shorter). */
uint32_t sim_req_read(const struct sim_req *r, uint32_t off, void *buf, uint32_t len);
/* Copies buf to offset `off` of the writable part; returns bytes copied. */
uint32_t sim_req_write(const struct sim_req *r, uint32_t off, const void *buf, uint32_t len);
/* Little-endian fields of n bytes (up to 8), as device structures hold them. */
uint64_t sim_le(const uint8_t *p, unsigned n);
void sim_put_le(uint8_t *p, uint64_t v, unsigned n);

/* ---- sim_mmio.c ---- */
extern const struct pf_io_ops sim_mmio_ops;
/* Sets s->mmio: a 0x200-byte register window. */
void sim_mmio_attach(struct sim_dev *s);

/* ---- sim_pci.c ---- */
/* Layout of BAR 4 (64-bit prefetchable memory, 16 KiB, as QEMU uses BAR 4). */
#define SIM_PCI_BAR 4
#define SIM_PCI_BAR_SIZE 0x4000u
#define SIM_PCI_COMMON_OFF 0x0000u
#define SIM_PCI_ISR_OFF 0x1000u
#define SIM_PCI_DEVICE_OFF 0x2000u
#define SIM_PCI_NOTIFY_OFF 0x3000u
#define SIM_PCI_NOTIFY_MULT 4u
extern const struct pf_io_ops sim_pci_bar_ops;
/* Builds config space (modern device id 0x1040 + type, caps; the PCI faults
 * apply at build time, so set them before) and s->bar. */
void sim_pci_attach(struct sim_dev *s);
uint32_t sim_pci_cfg_read(struct sim_dev *s, uint32_t off, unsigned width);
void sim_pci_cfg_write(struct sim_dev *s, uint32_t off, uint32_t val, unsigned width);

/*
 * An ECAM window with sim devices at (bus 0, device n, function 0); the
 * other functions read all ones. ops for a pf_region, ctx = struct sim_ecam.
 */
#define SIM_ECAM_DEVS 32
struct sim_ecam {
	struct sim_dev *dev[SIM_ECAM_DEVS];
	uint8_t buses;
};
extern const struct pf_io_ops sim_ecam_ops;

#endif

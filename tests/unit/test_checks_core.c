/* SPDX-License-Identifier: MIT */
/*
 * Basic, feature, configuration, virtio-mmio and split-ring checks on the
 * simulated device: the clean device passes, each fault fails the check
 * meant for it (test_checks_catalogue.c runs the table and holds the
 * catalogue to it).
 *
 * Faults come from two places: the simulated device's own SIM_F_* flags,
 * and an interposer between the transport and the device's register window
 * (struct fault_io below) for misbehaviour that is purely about what a
 * register read returns or when the device acts on a write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "host_platform.h"
#include "intr.h"
#include "platform.h"
#include "pf/catalogue.h"
#include "report.h"
#include "suite.h"
#include "unit_helpers.h"
#include "ut_table.h"
#include "sim_world.h"
#include "virtio/discover.h"
#include "virtio/virtio_mmio.h"
#include "virtio/virtqueue_split.h"

#define F(b) VIRTIO_BIT(b)
#define MODERN                                                                       \
	(F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_INDIRECT_DESC) | F(VIRTIO_F_EVENT_IDX) | \
	 F(VIRTIO_F_RING_RESET))

/* ---- register-level faults -------------------------------------------- */

enum io_fault {
	IO_NONE,
	IO_REFUSE_FEATURES_OK, /* never keeps FEATURES_OK */
	IO_CONFIG_ZERO_EARLY,  /* config reads 0 before FEATURES_OK */
	IO_CONFIG_BYTE_WRONG,  /* 8-bit config reads disagree with wide ones */
	IO_CONFIG_HALF_TORN,   /* the high half of a 64-bit field moves on each read */
	IO_CONFIG_CHANGES,     /* config changes on its own (with GEN_STUCK) */
	IO_BAD_MAGIC,
	IO_BAD_VERSION,
	IO_ISR_JUNK,		 /* undefined InterruptStatus bits set */
	IO_WINDOW_ALIAS,	 /* feature windows >= 2 repeat window 1 */
	IO_FEATURES_FLAKY,	 /* DeviceFeatures differs from read to read */
	IO_USED_FLAGS_2,	 /* writes 2 into used->flags */
	IO_CONFIG_CHANGE_AT_ACK, /* a configuration change when the driver
				   * acknowledges a used buffer */
	IO_CONFIG_BIT_DROPS,	 /* the same, and InterruptStatus bit 1 clears
				   * itself after being read twice */
	IO_USED_FLAGS_BUSY,	 /* used->flags reads 2 while buffers are in
				 * flight, 0 again once all are used */
	IO_DROP_MIXED_CHAIN,	 /* ignores chains with a non-head INDIRECT */
	IO_ACT_AFTER_RESET,	 /* keeps using the old ring after reset */
	IO_READY_STUCK,		 /* QueueReady ignores a write of 0 */
	IO_DATA_OLD_GUARD,	 /* device data holds 0xa5, the former guard byte */
	IO_NOTIFY_AT_DRIVER_OK,	 /* a used-buffer notification with nothing used
				 * on DRIVER_OK (libvhost-user back-ends) */
};

struct fault_io {
	struct sim_dev *sim;
	enum io_fault fault;
	uint32_t config_reads;
	uint32_t isr_config_reads;	   /* InterruptStatus reads showing bit 1 */
	uint64_t old_used[SIM_MAX_QUEUES]; /* ring addresses before reset */
};

static struct fault_io FI;
static struct ut_dev U;

static uint64_t fi_read(void *ctx, uint64_t off, unsigned width)
{
	struct fault_io *f = ctx;
	uint64_t v = sim_mmio_ops.read(f->sim, off, width);

	switch (f->fault) {
	case IO_BAD_MAGIC:
		return off == VIRTIO_MMIO_MAGIC_VALUE ? 0x74726975 : v;
	case IO_BAD_VERSION:
		return off == VIRTIO_MMIO_VERSION ? 3 : v;
	case IO_ISR_JUNK:
		return off == VIRTIO_MMIO_INTERRUPT_STATUS ? v | 0x80 : v;
	case IO_CONFIG_BIT_DROPS:
		if (off == VIRTIO_MMIO_INTERRUPT_STATUS && (v & VIRTIO_ISR_CONFIG) &&
		    ++f->isr_config_reads >= 2)
			f->sim->isr &= ~(uint32_t)VIRTIO_ISR_CONFIG;
		return v;
	case IO_WINDOW_ALIAS:
		if (off == VIRTIO_MMIO_DEVICE_FEATURES && f->sim->dev_feat_sel >= 2)
			return f->sim->features >> 32;
		return v;
	case IO_FEATURES_FLAKY:
		if (off == VIRTIO_MMIO_DEVICE_FEATURES)
			return v ^ (++f->config_reads & 1u);
		return v;
	case IO_CONFIG_ZERO_EARLY:
		if (off >= VIRTIO_MMIO_CONFIG && !(f->sim->status & VIRTIO_STATUS_FEATURES_OK))
			return 0;
		return v;
	case IO_CONFIG_BYTE_WRONG:
		return off >= VIRTIO_MMIO_CONFIG && width == 1 ? v ^ 1 : v;
	case IO_CONFIG_HALF_TORN:
		/* blk capacity (offset 0, 64 bits): its upper 32 bits read
		 * differently every time, whatever the order of the halves */
		return off == VIRTIO_MMIO_CONFIG + 4 && width == 4 ? v + ++f->config_reads : v;
	case IO_CONFIG_CHANGES:
		if (off >= VIRTIO_MMIO_CONFIG && ++f->config_reads % 3 == 0) {
			uint8_t b = (uint8_t)(f->config_reads);

			/* the device changes first, then answers this read */
			sim_config_change(f->sim, 0, &b, 1);
			return sim_mmio_ops.read(f->sim, off, width);
		}
		return v;
	default:
		return v;
	}
}

static void fi_write(void *ctx, uint64_t off, uint64_t val, unsigned width)
{
	struct fault_io *f = ctx;
	struct sim_dev *s = f->sim;

	if (f->fault == IO_REFUSE_FEATURES_OK && off == VIRTIO_MMIO_STATUS)
		val &= ~(uint64_t)VIRTIO_STATUS_FEATURES_OK;
	if (f->fault == IO_READY_STUCK && off == VIRTIO_MMIO_QUEUE_READY && val == 0)
		return;
	if (f->fault == IO_ACT_AFTER_RESET && off == VIRTIO_MMIO_STATUS && val == 0)
		for (int q = 0; q < SIM_MAX_QUEUES; q++)
			f->old_used[q] = s->q[q].ready ? s->q[q].device : 0;
	if (f->fault == IO_DROP_MIXED_CHAIN && off == VIRTIO_MMIO_QUEUE_NOTIFY) {
		struct sim_queue *q = &s->q[val & 0xffff];
		struct virtq_desc *desc = arch_dma_ptr(q->desc);
		struct virtq_avail *avail = arch_dma_ptr(q->driver);

		if (desc && avail && q->last_avail != avail->idx) {
			uint16_t i = avail->ring[q->last_avail % q->num];

			for (int n = 0; n < q->num && (desc[i].flags & VIRTQ_DESC_F_NEXT); n++) {
				i = desc[i].next % q->num;
				if (desc[i].flags & VIRTQ_DESC_F_INDIRECT) {
					s->broken = true; /* cannot parse it: stops */
					return;
				}
			}
		}
	}
	if (f->fault == IO_ACT_AFTER_RESET && off == VIRTIO_MMIO_QUEUE_NOTIFY && !(s->status)) {
		struct virtq_used *used = arch_dma_ptr(f->old_used[val & 0xffff]);

		if (used)
			used->idx++;
		return;
	}
	if (f->fault == IO_DATA_OLD_GUARD)
		s->pattern_seed = 0; /* data byte k is 7k: byte 243 is 0xa5, the
				      * status byte (512) is 0 = VIRTIO_BLK_S_OK */
	sim_mmio_ops.write(s, off, val, width);
	if ((f->fault == IO_CONFIG_CHANGE_AT_ACK || f->fault == IO_CONFIG_BIT_DROPS) &&
	    off == VIRTIO_MMIO_INTERRUPT_ACK && (val & VIRTIO_ISR_QUEUE) && !f->config_reads++) {
		uint8_t b = 0x5a;

		sim_config_change(s, 0, &b, 1);
	}
	if (f->fault == IO_NOTIFY_AT_DRIVER_OK && off == VIRTIO_MMIO_STATUS &&
	    (val & VIRTIO_STATUS_DRIVER_OK)) {
		s->isr |= 1u;
		s->irq_raised++;
	}
	if (f->fault == IO_USED_FLAGS_BUSY && off == VIRTIO_MMIO_QUEUE_NOTIFY &&
	    (val & 0xffff) < SIM_MAX_QUEUES) {
		struct sim_queue *q = &s->q[val & 0xffff];
		struct virtq_avail *avail = arch_dma_ptr(q->driver);
		struct virtq_used *used = arch_dma_ptr(q->device);

		/* the work is done later, in progress_and_interrupt() */
		s->defer = true;
		if (avail && used && q->last_avail != avail->idx)
			used->flags |= 2;
	}
	if (f->fault == IO_USED_FLAGS_2 && off == VIRTIO_MMIO_QUEUE_NOTIFY) {
		struct virtq_used *used = arch_dma_ptr(s->q[val & 0xffff].device);

		if (used)
			used->flags = 2;
	}
}

static const struct pf_io_ops fault_ops = { fi_read, fi_write };

/* ---- the table ---------------------------------------------------------- */

struct core_case {
	const char *name;
	enum pf_check_id check;
	enum sim_transport transport;
	uint32_t device_id;
	uint64_t features;
	uint64_t sim_faults;
	enum io_fault io_fault;
	enum pf_verdict expect;
	uint8_t initial_status; /* left by firmware or an earlier driver */
	const char *sub;	/* fingerprint glob of the failure (not a PASS) */
	uint8_t blk_status;	/* what the simulated blk device answers */
};

/* The interrupt line of the simulated virtio-mmio slot: the device raises
 * it whenever its used-buffer or config interrupt count goes up, as the GIC
 * would deliver an edge. */
#define SIM_INTID 48
static uint32_t raised_seen;

static void progress_and_interrupt(void *ctx)
{
	struct sim_dev *s = ctx;

	for (uint16_t q = 0; q < SIM_MAX_QUEUES; q++) {
		sim_process(s, q);
		if (FI.fault == IO_USED_FLAGS_BUSY && s->q[q].ready) {
			struct virtq_used *used = arch_dma_ptr(s->q[q].device);

			if (used)
				used->flags &= (uint16_t)~2u;
		}
	}
	if (s->irq_raised + s->config_irqs != raised_seen) {
		raised_seen = s->irq_raised + s->config_irqs;
		host_intr_raise(SIM_INTID);
	}
}

#define RNG 4
#define BLK 2
#define NET 1

static const struct core_case cases[] = {
	{ "init clean", PF_CHK_INIT_SEQUENCE, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE, PF_VERDICT_PASS,
	  0, NULL, 0 },
	{ "init legacy clean", PF_CHK_INIT_SEQUENCE, SIM_MMIO_V1, RNG, 0, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "init: reset keeps status", PF_CHK_INIT_SEQUENCE, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_RESET_KEEPS_STATUS, IO_NONE, PF_VERDICT_FAIL, 0x0f, "reset", 0 },
	{ "init: device left live, clean", PF_CHK_INIT_SEQUENCE, SIM_MMIO_V2, RNG, MODERN, 0,
	  IO_NONE, PF_VERDICT_PASS, 0x0f, NULL, 0 },
	{ "init: FEATURES_OK refused", PF_CHK_INIT_SEQUENCE, SIM_MMIO_V2, RNG, MODERN, 0,
	  IO_REFUSE_FEATURES_OK, PF_VERDICT_FAIL, 0, "features-ok", 0 },
	{ "reset clean", PF_CHK_RESET_AFTER_INIT, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "reset: keeps QueueReady", PF_CHK_RESET_AFTER_INIT, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_RESET_KEEPS_READY, IO_NONE, PF_VERDICT_FAIL, 0, "queue-ready", 0 },
	{ "reset: keeps status", PF_CHK_RESET_AFTER_INIT, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_RESET_KEEPS_STATUS, IO_NONE, PF_VERDICT_FAIL, 0, "status-not-zero", 0 },
	{ "reset: keeps ISR", PF_CHK_RESET_AFTER_INIT, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_RESET_KEEPS_ISR, IO_NONE, PF_VERDICT_PASS, 0, NULL, 0 },
	{ "version 1 clean", PF_CHK_FEAT_VERSION_1, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "version 1 missing", PF_CHK_FEAT_VERSION_1, SIM_MMIO_V2, RNG, MODERN, SIM_F_NO_VERSION_1,
	  IO_NONE, PF_VERDICT_FAIL, 0, "version-1", 0 },
	{ "reserved clean", PF_CHK_FEAT_RESERVED, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "reserved bit offered", PF_CHK_FEAT_RESERVED, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_RESERVED_FEATURES, IO_NONE, PF_VERDICT_FAIL, 0, "reserved-bits", 0 },
	{ "reserved: windows alias", PF_CHK_FEAT_RESERVED, SIM_MMIO_V2, RNG, MODERN, 0,
	  IO_WINDOW_ALIAS, PF_VERDICT_FAIL, 0, "reserved-window", 0 },
	{ "reserved: SR-IOV on mmio", PF_CHK_FEAT_RESERVED, SIM_MMIO_V2, RNG,
	  MODERN | F(VIRTIO_F_SR_IOV), 0, IO_NONE, PF_VERDICT_FAIL, 0, "sr-iov", 0 },
	{ "reserved: SR-IOV on pci without the capability", PF_CHK_FEAT_RESERVED, SIM_PCI, RNG,
	  MODERN | F(VIRTIO_F_SR_IOV), SIM_F_PCI_NO_SRIOV_CAP, IO_NONE, PF_VERDICT_FAIL, 0,
	  "sr-iov-no-capability", 0 },
	{ "reserved: SR-IOV on pci with the capability", PF_CHK_FEAT_RESERVED, SIM_PCI, RNG,
	  MODERN | F(VIRTIO_F_SR_IOV), 0, IO_NONE, PF_VERDICT_PASS, 0, NULL, 0 },
	{ "reserved clean pci", PF_CHK_FEAT_RESERVED, SIM_PCI, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "deps clean", PF_CHK_FEAT_DEPENDENCIES, SIM_MMIO_V2, NET, MODERN | F(1) | F(7), 0,
	  IO_NONE, PF_VERDICT_PASS, 0, NULL, 0 },
	{ "deps: TSO4 without CSUM", PF_CHK_FEAT_DEPENDENCIES, SIM_MMIO_V2, NET, MODERN | F(7), 0,
	  IO_NONE, PF_VERDICT_FAIL, 0, "dependency", 0 },
	{ "reject clean", PF_CHK_FEAT_REJECT_INVALID, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "reject: bad subset kept", PF_CHK_FEAT_REJECT_INVALID, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_ACCEPT_BAD_FEATURES, IO_NONE, PF_VERDICT_FAIL, 0, "unoffered-accepted", 0 },
	{ "accept clean", PF_CHK_FEAT_ACCEPT_VALID, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "accept: valid refused", PF_CHK_FEAT_ACCEPT_VALID, SIM_MMIO_V2, RNG, MODERN, 0,
	  IO_REFUSE_FEATURES_OK, PF_VERDICT_WARN, 0, "minimal-refused", 0 },
	{ "windows clean", PF_CHK_FEAT_WINDOWS, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "windows: unstable", PF_CHK_FEAT_WINDOWS, SIM_MMIO_V2, RNG, MODERN, 0, IO_FEATURES_FLAKY,
	  PF_VERDICT_FAIL, 0, "windows-unstable", 0 },
	{ "windows clean pci", PF_CHK_FEAT_WINDOWS, SIM_PCI, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "config early clean", PF_CHK_CONFIG_BEFORE_FEATURES_OK, SIM_MMIO_V2, BLK, MODERN, 0,
	  IO_NONE, PF_VERDICT_PASS, 0, NULL, 0 },
	{ "config zero before FEATURES_OK", PF_CHK_CONFIG_BEFORE_FEATURES_OK, SIM_MMIO_V2, BLK,
	  MODERN, 0, IO_CONFIG_ZERO_EARLY, PF_VERDICT_FAIL, 0, "config-changed-by-features-ok", 0 },
	{ "config early: change announced by the generation", PF_CHK_CONFIG_BEFORE_FEATURES_OK,
	  SIM_MMIO_V2, BLK, MODERN, 0, IO_CONFIG_CHANGES, PF_VERDICT_PASS, 0, NULL, 0 },
	{ "config early: change with the generation stuck", PF_CHK_CONFIG_BEFORE_FEATURES_OK,
	  SIM_MMIO_V2, BLK, MODERN, SIM_F_CONFIG_GEN_STUCK, IO_CONFIG_CHANGES, PF_VERDICT_FAIL, 0,
	  "config-changed-by-features-ok", 0 },
	{ "generation clean", PF_CHK_CONFIG_GENERATION, SIM_MMIO_V2, BLK, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "generation moves with config", PF_CHK_CONFIG_GENERATION, SIM_MMIO_V2, BLK, MODERN, 0,
	  IO_CONFIG_CHANGES, PF_VERDICT_PASS, 0, NULL, 0 },
	{ "generation stuck", PF_CHK_CONFIG_GENERATION, SIM_MMIO_V2, BLK, MODERN,
	  SIM_F_CONFIG_GEN_STUCK, IO_CONFIG_CHANGES, PF_VERDICT_FAIL, 0, "generation-unchanged",
	  0 },
	{ "widths clean", PF_CHK_CONFIG_WIDTHS, SIM_MMIO_V2, BLK, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "widths: 64-bit halves depend on the order", PF_CHK_CONFIG_WIDTHS, SIM_MMIO_V2, BLK,
	  MODERN, 0, IO_CONFIG_HALF_TORN, PF_VERDICT_FAIL, 0, "access-order", 0 },
	{ "widths: bytes disagree", PF_CHK_CONFIG_WIDTHS, SIM_MMIO_V2, BLK, MODERN, 0,
	  IO_CONFIG_BYTE_WRONG, PF_VERDICT_WARN, 0, "access-width", 0 },
	{ "magic clean", PF_CHK_MMIO_MAGIC_VERSION, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "magic legacy", PF_CHK_MMIO_MAGIC_VERSION, SIM_MMIO_V1, RNG, 0, 0, IO_NONE, PF_VERDICT_NA,
	  0, NULL, 0 },
	{ "magic wrong", PF_CHK_MMIO_MAGIC_VERSION, SIM_MMIO_V2, RNG, MODERN, 0, IO_BAD_MAGIC,
	  PF_VERDICT_FAIL, 0, "magic", 0 },
	{ "version wrong", PF_CHK_MMIO_MAGIC_VERSION, SIM_MMIO_V2, RNG, MODERN, 0, IO_BAD_VERSION,
	  PF_VERDICT_FAIL, 0, "version", 0 },
	{ "queue regs clean", PF_CHK_MMIO_QUEUE_REGS, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "queue regs: ready stuck", PF_CHK_MMIO_QUEUE_REGS, SIM_MMIO_V2, RNG, MODERN, 0,
	  IO_READY_STUCK, PF_VERDICT_WARN, 0, "queue-ready-write-0", 0 },
	{ "queue regs: reset keeps ready", PF_CHK_MMIO_QUEUE_REGS, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_RESET_KEEPS_READY, IO_NONE, PF_VERDICT_FAIL, 0, "queue-ready-reset", 0 },
	{ "isr idle clean", PF_CHK_MMIO_ISR_IDLE, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "isr junk bits", PF_CHK_MMIO_ISR_IDLE, SIM_MMIO_V2, RNG, MODERN, 0, IO_ISR_JUNK,
	  PF_VERDICT_FAIL, 0, "undefined-bits", 0 },
	{ "used len clean", PF_CHK_SPLIT_USED_LEN, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "used len too long", PF_CHK_SPLIT_USED_LEN, SIM_MMIO_V2, RNG, MODERN, SIM_F_USED_LEN_LONG,
	  IO_NONE, PF_VERDICT_FAIL, 0, "used-len", 0 },
	{ "used id out of range", PF_CHK_SPLIT_USED_LEN, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_USED_ID_RANGE, IO_NONE, PF_VERDICT_FAIL, 0, "used-id-range", 0 },
	{ "used id stale", PF_CHK_SPLIT_USED_LEN, SIM_MMIO_V2, RNG, MODERN, SIM_F_USED_ID_STALE,
	  IO_NONE, PF_VERDICT_FAIL, 0, "used-id-not-in-flight", 0 },
	{ "used idx jumps", PF_CHK_SPLIT_USED_LEN, SIM_MMIO_V2, RNG, MODERN, SIM_F_USED_IDX_JUMP,
	  IO_NONE, PF_VERDICT_FAIL, 0, "used-idx", 0 },
	{ "readable clean", PF_CHK_SPLIT_NO_WRITE_READABLE, SIM_MMIO_V2, NET, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "readable written", PF_CHK_SPLIT_NO_WRITE_READABLE, SIM_MMIO_V2, NET, MODERN,
	  SIM_F_WRITE_READABLE, IO_NONE, PF_VERDICT_FAIL, 0, "two-pieces/readable-written", 0 },
	{ "descriptor table written", PF_CHK_SPLIT_NO_WRITE_READABLE, SIM_MMIO_V2, NET, MODERN,
	  SIM_F_WRITE_DESC, IO_NONE, PF_VERDICT_FAIL, 0, "two-pieces/desc-written", 0 },
	{ "framing clean", PF_CHK_SPLIT_FRAMING, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "framing: len too long", PF_CHK_SPLIT_FRAMING, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_USED_LEN_LONG, IO_NONE, PF_VERDICT_FAIL, 0, "used-len", 0 },
	{ "indirect clean", PF_CHK_SPLIT_INDIRECT, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "indirect: mixed chain dropped", PF_CHK_SPLIT_INDIRECT, SIM_MMIO_V2, RNG, MODERN, 0,
	  IO_DROP_MIXED_CHAIN, PF_VERDICT_FAIL, 0, "direct-then-indirect/no-used", 0 },
	{ "indirect: table written", PF_CHK_SPLIT_INDIRECT, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_WRITE_DESC, IO_NONE, PF_VERDICT_FAIL, 0, "whole-indirect/desc-written", 0 },
	{ "indirect not offered", PF_CHK_SPLIT_INDIRECT, SIM_MMIO_V2, RNG, F(VIRTIO_F_VERSION_1), 0,
	  IO_NONE, PF_VERDICT_NA, 0, NULL, 0 },
	{ "framing: chains of more than 2 refused", PF_CHK_SPLIT_FRAMING, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_CHAIN_MAX_2, IO_NONE, PF_VERDICT_FAIL, 0, "no-used", 0 },
	{ "wrap clean", PF_CHK_SPLIT_INDEX_WRAP, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "wrap: len too long", PF_CHK_SPLIT_INDEX_WRAP, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_USED_LEN_LONG, IO_NONE, PF_VERDICT_FAIL, 0, "used-len", 0 },
	{ "wrap: avail idx not wrapped", PF_CHK_SPLIT_INDEX_WRAP, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_AVAIL_IDX_NO_WRAP, IO_NONE, PF_VERDICT_FAIL, 0, "no-used", 0 },
	{ "wrap: avail idx not wrapped pci", PF_CHK_SPLIT_INDEX_WRAP, SIM_PCI, RNG, MODERN,
	  SIM_F_AVAIL_IDX_NO_WRAP, IO_NONE, PF_VERDICT_FAIL, 0, "no-used", 0 },
	{ "used len: write past the end pci", PF_CHK_SPLIT_USED_LEN, SIM_PCI, RNG, MODERN,
	  SIM_F_WRITE_PAST_END, IO_NONE, PF_VERDICT_WARN, 0, "guard-after", 0 },
	{ "init: device left live pci, clean", PF_CHK_INIT_SEQUENCE, SIM_PCI, RNG, MODERN, 0,
	  IO_NONE, PF_VERDICT_PASS, 0x0f, NULL, 0 },
	{ "init: reset keeps status pci", PF_CHK_INIT_SEQUENCE, SIM_PCI, RNG, MODERN,
	  SIM_F_RESET_KEEPS_STATUS, IO_NONE, PF_VERDICT_FAIL, 0x0f, "reset", 0 },
	{ "notify clean", PF_CHK_SPLIT_USED_NOTIFY, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "notify: none", PF_CHK_SPLIT_USED_NOTIFY, SIM_MMIO_V2, RNG, MODERN, SIM_F_NO_IRQ, IO_NONE,
	  PF_VERDICT_FAIL, 0, "notified", 0 },
	{ "notify: despite NO_INTERRUPT", PF_CHK_SPLIT_USED_NOTIFY, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_EXTRA_IRQ, IO_NONE, PF_VERDICT_WARN, 0, "no-interrupt-ignored", 0 },
	{ "event idx clean", PF_CHK_SPLIT_EVENT_IDX, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "event idx ignored", PF_CHK_SPLIT_EVENT_IDX, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_IGNORE_USED_EVENT, IO_NONE, PF_VERDICT_FAIL, 0, "used-event-reached", 0 },
	{ "event idx: no irq", PF_CHK_SPLIT_EVENT_IDX, SIM_MMIO_V2, RNG, MODERN, SIM_F_NO_IRQ,
	  IO_NONE, PF_VERDICT_FAIL, 0, "used-event-reached", 0 },
	{ "used flags clean", PF_CHK_SPLIT_USED_FLAGS, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "used flags 2", PF_CHK_SPLIT_USED_FLAGS, SIM_MMIO_V2, RNG, MODERN, 0, IO_USED_FLAGS_2,
	  PF_VERDICT_FAIL, 0, "idle/used-flags-event-idx", 0 },
	{ "used flags 2 while busy", PF_CHK_SPLIT_USED_FLAGS, SIM_MMIO_V2, RNG, MODERN, 0,
	  IO_USED_FLAGS_BUSY, PF_VERDICT_FAIL, 0, "busy/used-flags-event-idx", 0 },
	{ "used flags 2 while busy, no EVENT_IDX", PF_CHK_SPLIT_USED_FLAGS, SIM_MMIO_V2, RNG,
	  F(VIRTIO_F_VERSION_1), 0, IO_USED_FLAGS_BUSY, PF_VERDICT_FAIL, 0, "busy/used-flags", 0 },
	{ "used flags clean, no EVENT_IDX", PF_CHK_SPLIT_USED_FLAGS, SIM_MMIO_V2, RNG,
	  F(VIRTIO_F_VERSION_1), 0, IO_NONE, PF_VERDICT_PASS, 0, NULL, 0 },
	{ "before DRIVER_OK clean", PF_CHK_STATUS_NO_USE_BEFORE_DRIVER_OK, SIM_MMIO_V2, RNG, MODERN,
	  0, IO_NONE, PF_VERDICT_PASS, 0, NULL, 0 },
	{ "used before DRIVER_OK", PF_CHK_STATUS_NO_USE_BEFORE_DRIVER_OK, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_BEFORE_DRIVER_OK, IO_NONE, PF_VERDICT_FAIL, 0, "used-before-driver-ok", 0 },
	{ "quiesce clean", PF_CHK_RESET_QUIESCE, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "acts after reset", PF_CHK_RESET_QUIESCE, SIM_MMIO_V2, RNG, MODERN, 0, IO_ACT_AFTER_RESET,
	  PF_VERDICT_FAIL, 0, "old-ring-used", 0 },
	{ "mmio irq clean", PF_CHK_IRQ_MMIO_USED, SIM_MMIO_V2, RNG, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "mmio irq: never raised", PF_CHK_IRQ_MMIO_USED, SIM_MMIO_V2, RNG, MODERN, SIM_F_NO_IRQ,
	  IO_NONE, PF_VERDICT_FAIL, 0, "no-interrupt", 0 },
	{ "mmio irq: InterruptACK ignored", PF_CHK_IRQ_MMIO_USED, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_ISR_NO_CLEAR, IO_NONE, PF_VERDICT_FAIL, 0, "ack", 0 },
	{ "mmio irq: junk status bits", PF_CHK_IRQ_MMIO_USED, SIM_MMIO_V2, RNG, MODERN, 0,
	  IO_ISR_JUNK, PF_VERDICT_FAIL, 0, "spurious-bits", 0 },
	{ "mmio irq: configuration change held until ack", PF_CHK_IRQ_MMIO_USED, SIM_MMIO_V2, RNG,
	  MODERN, 0, IO_CONFIG_CHANGE_AT_ACK, PF_VERDICT_PASS, 0, NULL, 0 },
	{ "mmio irq: configuration change bit drops", PF_CHK_IRQ_MMIO_USED, SIM_MMIO_V2, RNG,
	  MODERN, 0, IO_CONFIG_BIT_DROPS, PF_VERDICT_FAIL, 0, "config-change/cleared-before-ack",
	  0 },

	{ "ISR kept over reset", PF_CHK_RESET_QUIESCE, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_RESET_KEEPS_ISR, IO_NONE, PF_VERDICT_FAIL, 0, "interrupt-status", 0 },
	{ "QueueReady kept over reset", PF_CHK_RESET_QUIESCE, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_RESET_KEEPS_READY, IO_NONE, PF_VERDICT_FAIL, 0, "queue-ready", 0 },
	/* readable buffers on the split ring: a header written only when it
	 * is whole in one descriptor */
	{ "readable clean blk", PF_CHK_SPLIT_NO_WRITE_READABLE, SIM_MMIO_V2, BLK, MODERN, 0,
	  IO_NONE, PF_VERDICT_PASS, 0, NULL, 0 },
	{ "readable: whole header written", PF_CHK_SPLIT_NO_WRITE_READABLE, SIM_MMIO_V2, BLK,
	  MODERN, SIM_F_WRITE_WHOLE_HEADER, IO_NONE, PF_VERDICT_FAIL, 0,
	  "one-piece/readable-written", 0 },
	{ "readable: whole header written net", PF_CHK_SPLIT_NO_WRITE_READABLE, SIM_MMIO_V2, NET,
	  MODERN, SIM_F_WRITE_WHOLE_HEADER, IO_NONE, PF_VERDICT_FAIL, 0,
	  "one-piece/readable-written", 0 },
	/* guard bytes around every buffer, whatever the check and device */
	{ "used len: write past the end", PF_CHK_SPLIT_USED_LEN, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_WRITE_PAST_END, IO_NONE, PF_VERDICT_WARN, 0, "guard-after", 0 },
	{ "used len: write past the end blk", PF_CHK_SPLIT_USED_LEN, SIM_MMIO_V2, BLK, MODERN,
	  SIM_F_WRITE_PAST_END, IO_NONE, PF_VERDICT_WARN, 0, "guard-after", 0 },
	{ "framing: write past the end", PF_CHK_SPLIT_FRAMING, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_WRITE_PAST_END, IO_NONE, PF_VERDICT_WARN, 0, "guard-after", 0 },
	{ "indirect: write past the end", PF_CHK_SPLIT_INDIRECT, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_WRITE_PAST_END, IO_NONE, PF_VERDICT_WARN, 0, "whole-indirect/guard-after", 0 },
	{ "wrap: write past the end", PF_CHK_SPLIT_INDEX_WRAP, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_WRITE_PAST_END, IO_NONE, PF_VERDICT_WARN, 0, "guard-after", 0 },
	/* the old ring after a device reset, on every device type */
	{ "reset: old ring still run", PF_CHK_RESET_AFTER_INIT, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_RESET_KEEPS_RING, IO_NONE, PF_VERDICT_FAIL, 0, "old-ring-used", 0 },
	{ "reset: old ring still run, gpu", PF_CHK_RESET_AFTER_INIT, SIM_MMIO_V2, 16, MODERN,
	  SIM_F_RESET_KEEPS_RING, IO_NONE, PF_VERDICT_FAIL, 0, "old-ring-used", 0 },
	{ "reset clean gpu", PF_CHK_RESET_AFTER_INIT, SIM_MMIO_V2, 16, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "reset clean pci", PF_CHK_RESET_AFTER_INIT, SIM_PCI, NET, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "quiesce: old ring still run", PF_CHK_RESET_QUIESCE, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_RESET_KEEPS_RING, IO_NONE, PF_VERDICT_FAIL, 0, "old-ring-used", 0 },
	{ "quiesce: old ring still run blk", PF_CHK_RESET_QUIESCE, SIM_MMIO_V2, BLK, MODERN,
	  SIM_F_RESET_KEEPS_RING, IO_NONE, PF_VERDICT_FAIL, 0, "old-ring-used", 0 },
	{ "quiesce clean blk", PF_CHK_RESET_QUIESCE, SIM_MMIO_V2, BLK, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	/* avail_event never reached: a warning that names it, not a stall */
	{ "event idx: avail_event stall", PF_CHK_SPLIT_EVENT_IDX, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_AVAIL_EVENT_WRONG, IO_NONE, PF_VERDICT_WARN, 0, "avail-event-stall", 0 },
	{ "event idx: avail_event never written", PF_CHK_SPLIT_EVENT_IDX, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_AVAIL_EVENT_STALE, IO_NONE, PF_VERDICT_WARN, 0, "avail-event-stall", 0 },
	{ "used flags: avail_event stall", PF_CHK_SPLIT_USED_FLAGS, SIM_MMIO_V2, RNG, MODERN,
	  SIM_F_AVAIL_EVENT_WRONG, IO_NONE, PF_VERDICT_WARN, 0, "idle/avail-event-stall", 0 },
	/* blk: nothing assumed about the disk's contents or the read's fate */
	{ "used len clean blk (disk holds 0xa5)", PF_CHK_SPLIT_USED_LEN, SIM_MMIO_V2, BLK, MODERN,
	  0, IO_NONE, PF_VERDICT_PASS, 0, NULL, 0 },
	{ "used len blk: read fails (IOERR)", PF_CHK_SPLIT_USED_LEN, SIM_MMIO_V2, BLK, MODERN, 0,
	  IO_NONE, PF_VERDICT_PASS, 0, NULL, 1 },
	{ "wrap clean blk", PF_CHK_SPLIT_INDEX_WRAP, SIM_MMIO_V2, BLK, MODERN, 0, IO_NONE,
	  PF_VERDICT_PASS, 0, NULL, 0 },
	{ "used len blk: status never written", PF_CHK_SPLIT_USED_LEN, SIM_MMIO_V2, BLK, MODERN,
	  SIM_F_BLK_NO_STATUS, IO_NONE, PF_VERDICT_FAIL, 0, "len-unwritten", 0 },
	{ "used len blk: status out of range", PF_CHK_SPLIT_USED_LEN, SIM_MMIO_V2, BLK, MODERN, 0,
	  IO_NONE, PF_VERDICT_WARN, 0, "blk-status", 7 },
	{ "isr idle: one spurious notification at DRIVER_OK", PF_CHK_MMIO_ISR_IDLE, SIM_MMIO_V2,
	  RNG, MODERN, 0, IO_NOTIFY_AT_DRIVER_OK, PF_VERDICT_PASS, 0, NULL, 0 },
	{ "isr idle: spurious notification not cleared by InterruptACK", PF_CHK_MMIO_ISR_IDLE,
	  SIM_MMIO_V2, RNG, MODERN, SIM_F_ISR_NO_CLEAR, IO_NOTIFY_AT_DRIVER_OK, PF_VERDICT_FAIL, 0,
	  "idle", 0 },
	{ "used len: data holds the former guard byte", PF_CHK_SPLIT_USED_LEN, SIM_MMIO_V2, BLK,
	  MODERN, 0, IO_DATA_OLD_GUARD, PF_VERDICT_PASS, 0, NULL, 0 },
};

static enum pf_verdict run_case(const struct core_case *c)
{
	struct virtio_dev *d = &U.dev;

	memset(&FI, 0, sizeof(FI));
	if (c->transport == SIM_PCI) {
		/* the PCI function is reached through discovery, faulty from
		 * the start as on a machine; the register faults above are
		 * virtio-mmio offsets it cannot honour */
		if (c->io_fault != IO_NONE)
			fail_msg("%s: io_fault is a virtio-mmio register fault, not for a PCI row",
				 c->name);
		d = ut_pci_open(&U, c->device_id, c->features, c->sim_faults, c->initial_status);
		assert_non_null(d);
	} else {
		assert_int_equal(ut_mmio_open_faulty(&U, c->transport, c->device_id, c->features, 2,
						     256, c->sim_faults),
				 0);
		U.sim.status = c->initial_status;
		/* register faults act on what the driver reads and writes
		 * once the transport is probed (a bad magic value from the
		 * start would leave no device to check) */
		FI.sim = &U.sim;
		FI.fault = c->io_fault;
		U.dev.regs.ops = &fault_ops;
		U.dev.regs.ctx = &FI;
	}
	/* a block device's capacity, so the config checks compare something */
	if (c->device_id == BLK)
		memcpy(U.sim.config, "\x00\x20\x00\x00\x00\x00\x00\x00", 8);
	U.sim.blk_status = c->blk_status;
	ut_auto_progress(&U);
	host_intr_reset(0);
	host_intr_map(0x0a000000, SIM_INTID, true);
	raised_seen = 0;
	host_set_delay_hook(progress_and_interrupt, &U.sim);
	return ut_run_check(c->check, d);
}

static void test_case(void **state)
{
	const struct core_case *c = *state;
	enum pf_verdict v = run_case(c);

	UT_CHECK_ROW(&ut_checks_core, c, v);
}

UT_CHECK_TABLE_N(ut_checks_core, "checks_core", cases, struct core_case, test_case, ut_setup, NULL,
		 NULL, 0);

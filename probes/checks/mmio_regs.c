/* SPDX-License-Identifier: MIT */
/* Virtio over MMIO register semantics that need no virtqueue traffic (4.2.2). */
#include "helpers.h"
#include "timing.h"
#include "platform.h"
#include "virtio/virtio_mmio.h"

static bool mmio_only(struct pf_test *t)
{
	if (t->dev->transport != VIRTIO_TRANSPORT_MMIO) {
		report_na(t, "not a virtio-mmio device");
		return false;
	}
	return true;
}

void check_MMIO_MAGIC_VERSION(struct pf_test *t)
{
	const struct pf_region *r = &t->dev->regs;
	uint32_t magic, version;

	if (!mmio_only(t))
		return;
	magic = io_read32(r, VIRTIO_MMIO_MAGIC_VALUE);
	version = io_read32(r, VIRTIO_MMIO_VERSION);
	report(t, magic == VIRTIO_MMIO_MAGIC, "magic", "MagicValue reads 0x%08x", magic);
	if (version == 1) {
		/* A legacy device is not a non-conforming modern one (4.2.4). */
		if (!report_failed(t))
			report_na(t, "legacy virtio-mmio (Version 1): modern register layout not "
				     "offered");
		return;
	}
	report(t, version == 2, "version", "Version reads 0x%x, neither 2 nor legacy 1", version);
}

void check_MMIO_QUEUE_REGS(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	const struct pf_region *r = &d->regs;
	uint16_t absent = d->num_queues;

	if (!mmio_only(t) || !chk_drivable(t))
		return;
	if (d->mode == VIRTIO_MODE_LEGACY) {
		report_na(t, "legacy virtio-mmio has no QueueReady");
		return;
	}
	if (!report(t, chk_try_features(t, chk_default_features(d)) & VIRTIO_STATUS_FEATURES_OK,
		    "features-ok", "device refused the default features"))
		return;
	for (uint16_t q = 0; q < d->num_queues; q++) {
		uint32_t v;

		io_write32(r, VIRTIO_MMIO_QUEUE_SEL, q);
		v = io_read32(r, VIRTIO_MMIO_QUEUE_READY);
		report(t, v == 0, "queue-ready-after-reset",
		       "queue %u: QueueReady reads 0x%x after reset", q, v);
		if (chk_setup_split_queue(d, q, 16) == PF_ENOMEM) {
			report_error(t, "out of DMA memory");
			break;
		}
		d->ops->queue_enable(d, q);
		io_write32(r, VIRTIO_MMIO_QUEUE_SEL, q);
		/* QueueReady reading back what was written is the register
		 * table's description (4.2.2), not a MUST: warn. */
		v = io_read32(r, VIRTIO_MMIO_QUEUE_READY);
		report_should(t, v == 1, "queue-ready-write-1",
			      "queue %u: QueueReady reads 0x%x after writing 1", q, v);
		io_write32(r, VIRTIO_MMIO_QUEUE_READY, 0);
		v = io_read32(r, VIRTIO_MMIO_QUEUE_READY);
		report_should(t, v == 0, "queue-ready-write-0",
			      "queue %u: QueueReady reads 0x%x after writing 0", q, v);
		/* ready again, so the reset below has something to clear */
		io_write32(r, VIRTIO_MMIO_QUEUE_READY, 1);
	}
	/* The queue after the last one reads QueueSizeMax 0: descriptive
	 * register text (4.2.2), so a warning. */
	if (absent < VIRTIO_MAX_QUEUES) {
		uint32_t max;

		io_write32(r, VIRTIO_MMIO_QUEUE_SEL, absent);
		max = io_read32(r, VIRTIO_MMIO_QUEUE_NUM_MAX);
		report_should(t, max == 0, "queue-size-max-beyond",
			      "queue %u beyond the last has QueueSizeMax %u", absent, max);
	}
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
	for (uint16_t q = 0; q < d->num_queues; q++) {
		io_write32(r, VIRTIO_MMIO_QUEUE_SEL, q);
		report(t, io_read32(r, VIRTIO_MMIO_QUEUE_READY) == 0, "queue-ready-reset",
		       "queue %u: QueueReady not cleared by reset", q);
	}
}

void check_MMIO_ISR_IDLE(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	uint32_t isr;

	if (!mmio_only(t) || !chk_drivable(t))
		return;
	isr = io_read32(&d->regs, VIRTIO_MMIO_INTERRUPT_STATUS);
	report(t, (isr & ~3u) == 0, "undefined-bits",
	       "InterruptStatus has undefined bits set: 0x%08x", isr);
	if (virtio_reset(d, CHK_RESET_TIMEOUT_NS)) {
		report(t, false, "reset", "reset did not complete");
		return;
	}
	isr = io_read32(&d->regs, VIRTIO_MMIO_INTERRUPT_STATUS);
	report(t, isr == 0, "after-reset", "InterruptStatus reads 0x%x right after reset", isr);
	/* Bring the device up with idle queues: nothing may be signalled. */
	if (chk_bring_up(t, chk_default_features(d), 16)) {
		/* One used-buffer notification with nothing used, around
		 * DRIVER_OK, is a spurious notification that drivers must
		 * tolerate (2.7.7.1; libvhost-user back-ends send one when
		 * handed the call descriptor): acknowledged and logged. The
		 * configuration-change bit with no change, or bit 0 back
		 * after that acknowledge with still nothing used, fail. */
		arch_delay_ns(chk_quiet_ns());
		isr = io_read32(&d->regs, VIRTIO_MMIO_INTERRUPT_STATUS);
		if (isr == VIRTIO_ISR_QUEUE) {
			report_log(t, 1,
				   "spurious used-buffer notification with idle queues "
				   "(InterruptStatus 0x%x): acknowledged",
				   isr);
			io_write32(&d->regs, VIRTIO_MMIO_INTERRUPT_ACK, isr);
			arch_delay_ns(chk_quiet_ns());
			isr = io_read32(&d->regs, VIRTIO_MMIO_INTERRUPT_STATUS);
		}
		report(t, isr == 0, "idle",
		       "InterruptStatus reads 0x%x with no buffers and no config change", isr);
	}
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

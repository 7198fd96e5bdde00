/* SPDX-License-Identifier: MIT */
/*
 * Virtio over MMIO: a used buffer must raise the interrupt the device tree
 * gives the device (4.2.3.4: the device signals a used buffer with
 * InterruptStatus bit 0 and an interrupt), and InterruptStatus must hold
 * the event until the driver writes it to InterruptACK (4.2.2.1).
 *
 * The used buffer comes from the workload of ring.h (rng, blk, net,
 * console complete buffers without a host-side peer). Nothing here waits
 * unbounded: the interrupt within IRQ_WAIT_NS, the used buffer within the
 * ring helper's own bound, both calibrated (timing.h).
 */
#include "arch.h"
#include "helpers.h"
#include "intr.h"
#include "irq_wait.h"
#include "platform.h"
#include "ring.h"
#include "timing.h"
#include "virtio/virtio_mmio.h"

/* The device's line: from its DT node (trigger included), else the INTID
 * discovery recorded, taken as edge (what virtio-mmio uses on Arm virt). */
static bool mmio_line(struct pf_test *t, struct intr_line *line)
{
	struct virtio_dev *d = t->dev;
	int rc = intr_dt_irq_by_reg(d->address, 0, line);

	if (rc && !d->irq) {
		report_skip(t, "the device tree gives no usable interrupt for the device (%s)",
			    intr_strerror(rc));
		return false;
	}
	if (rc) {
		report_log(t, 1, "trigger of INTID %u unknown (%s), assuming edge", d->irq,
			   intr_strerror(rc));
		line->intid = d->irq;
		line->edge = true;
	} else if (d->irq && d->irq != line->intid) {
		report_log(t, 1, "DT interrupt decodes to INTID %u, discovery recorded %u",
			   line->intid, d->irq);
	}
	return true;
}

static uint32_t isr_now(struct virtio_dev *d)
{
	return io_read32(&d->regs, VIRTIO_MMIO_INTERRUPT_STATUS);
}

/* An interrupt with nothing used yet: acknowledged, else the line (the OR
 * of InterruptStatus) would never rise again. */
static void mmio_spurious(struct pf_test *t, unsigned n)
{
	struct virtio_dev *d = t->dev;
	uint32_t isr = isr_now(d);

	d->ops->isr_ack(d, isr & (VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG));
	report_log(t, 1, "interrupt %u with no used buffer yet (InterruptStatus 0x%x)", n, isr);
}

static const struct chk_irq_src mmio_src = { mmio_spurious, NULL };

/* After the interrupt, before any acknowledge: bit 0 set and held, no bit
 * for an event that did not happen, and cleared by InterruptACK. */
static void check_status(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	uint32_t isr = isr_now(d), later;

	report(t, isr & VIRTIO_ISR_QUEUE, "used-buffer-bit",
	       "InterruptStatus reads 0x%x when the used-buffer interrupt arrived: bit 0 not set",
	       isr);
	report(t, (isr & ~VIRTIO_ISR_QUEUE) == 0, "spurious-bits",
	       "InterruptStatus reads 0x%x: bits set for events that did not happen", isr);
	arch_delay_ns(chk_quiet_ns());
	later = isr_now(d);
	report(t, later & VIRTIO_ISR_QUEUE, "cleared-before-ack",
	       "InterruptStatus bit 0 cleared by itself (0x%x -> 0x%x) before InterruptACK", isr,
	       later);
	d->ops->isr_ack(d, later & (VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG));
	later = isr_now(d);
	report(t, !(later & VIRTIO_ISR_QUEUE), "ack",
	       "InterruptStatus still reads 0x%x after writing bit 0 to InterruptACK", later);
}

/*
 * A configuration change the device signalled meanwhile: its bit is held
 * until InterruptACK too (4.2.2.1). A guest cannot make a device change its
 * configuration, so this is judged only when the device happens to signal
 * one during the check.
 */
static void check_config_bit(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	uint32_t isr = isr_now(d), later;

	if (!(isr & VIRTIO_ISR_CONFIG))
		return;
	report_case(t, "config-change", "configuration change");
	arch_delay_ns(chk_quiet_ns());
	later = isr_now(d);
	report(t, later & VIRTIO_ISR_CONFIG, "cleared-before-ack",
	       "InterruptStatus bit 1 cleared by itself (0x%x -> 0x%x) before InterruptACK", isr,
	       later);
	d->ops->isr_ack(d, VIRTIO_ISR_CONFIG);
	later = isr_now(d);
	report(t, !(later & VIRTIO_ISR_CONFIG), "ack",
	       "InterruptStatus still reads 0x%x after writing bit 1 to InterruptACK", later);
	report_case(t, NULL, NULL);
}

void check_IRQ_MMIO_USED(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	struct virtq_used_info u;
	struct intr_line line;
	struct chk_ring r;
	uint32_t c0;
	bool raced;
	int rc;

	if (d->transport != VIRTIO_TRANSPORT_MMIO) {
		report_na(t, "not a virtio-mmio device");
		return;
	}
	if (!chk_irq_workload(t) || !mmio_line(t, &line))
		return;
	/* no EVENT_IDX (not asked for): avail->flags 0 means "interrupt me" */
	if (!chk_ring_open(t, &r, 0, 8, 0, true))
		return;
	rc = intr_wire(line.intid, line.edge);
	if (rc) {
		report_error(t, "cannot wire INTID %u: %s", line.intid, intr_strerror(rc));
		chk_ring_close(&r);
		return;
	}
	/* Settle before the buffer: a notification the device sends around
	 * DRIVER_OK with nothing used (libvhost-user back-ends do when handed
	 * the call descriptor; drivers tolerate it, 2.7.7.1) can come after
	 * one acknowledge, and a line already up gives the used buffer no
	 * edge. So acknowledge until InterruptStatus stays clear for a quiet
	 * window (bounded). */
	for (unsigned k = 0; k < 4; k++) {
		uint32_t isr = isr_now(d) & 3u;

		d->ops->isr_ack(d, isr);
		intr_idle(chk_quiet_ns());
		if (!(isr_now(d) & 3u))
			break;
		report_log(t, 1, "InterruptStatus 0x%x with nothing used yet: acknowledged",
			   isr_now(d));
	}
	c0 = intr_count(line.intid);
	if (chk_ring_submit(&r, 0, 1, VQ_ADD_DIRECT) < 0) {
		report_error(t, "could not add a buffer to queue %u", r.wl->queue);
	} else {
		if (report(t, chk_wait_used_irq(t, &r, line.intid, &mmio_src, &raced),
			   "no-interrupt",
			   "no interrupt on INTID %u (%s) within %llu ms of a used buffer "
			   "(avail->flags 0); InterruptStatus 0x%x, %u buffer(s) used",
			   line.intid, line.edge ? "edge" : "level",
			   (unsigned long long)((chk_wait_ns() + chk_retry_ns()) / 1000000),
			   isr_now(d), virtq_split_pending(&r.vq)) &&
		    !raced)
			check_status(t);
		if (chk_ring_complete(t, &r, &u) == 1)
			report_log(t, 2, "used id %u len %u, %u interrupt(s)", u.id, u.len,
				   intr_count(line.intid) - c0);
		check_config_bit(t);
	}
	intr_unwire(line.intid);
	chk_ring_close(&r);
}

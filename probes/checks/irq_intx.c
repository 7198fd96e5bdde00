/* SPDX-License-Identifier: MIT */
/*
 * Virtio over PCI with MSI-X disabled: used-buffer notifications are INTx
 * with the ISR status (4.1.4.5, 4.1.5.3). The device sets ISR bit 0 before
 * it asserts the line, PCI Status.Interrupt Status follows the OR of the ISR
 * bits, and reading the ISR clears it, which deasserts INTx.
 *
 * The INTID comes from the host bridge's interrupt-map (intr_pci_intx());
 * the line is level-triggered, so the interrupt layer masks it after the
 * first interrupt until we have read the ISR and unmask it.
 */
#include <stdio.h>

#include "arch.h"
#include "helpers.h"
#include "intr.h"
#include "irq_wait.h"
#include "msix.h"
#include "platform.h"
#include "ring.h"
#include "virtio/virtio_pci.h"

/* calibrated (timing.h) */
#define IRQ_QUIET_NS chk_quiet_ns() /* window in which no interrupt may come */

static bool intx_line(struct pf_test *t, const struct pci_func *f, struct intr_line *line)
{
	uint8_t pin = (uint8_t)pci_cfg_read(f, PCI_INTERRUPT_PIN, 1);
	int rc;

	if (pin == 0) {
		report_na(t, "Interrupt Pin reads 0: the function uses no INTx");
		return false;
	}
	if (pin > 4) {
		report_error(t, "Interrupt Pin reads %u (INTA..INTD are 1..4)", pin);
		return false;
	}
	rc = intr_pci_intx(t->dev->address, pin, line);
	if (rc) {
		report_error(t, "INT%c# not resolved through the host bridge's interrupt-map: %s",
			     'A' + pin - 1, intr_strerror(rc));
		return false;
	}
	if (line->edge)
		report_log(t, 1, "the DT makes INT%c# (INTID %u) edge-triggered", 'A' + pin - 1,
			   line->intid);
	return true;
}

/* Functions on our bus whose Status.Interrupt Status is set, as "dd.f "
 * (a diagnosis for a shared line found asserted). */
static void asserted_on_bus(const struct pci_func *f, char *buf, unsigned size)
{
	const struct pci_host *h = f->host;
	unsigned n = 0;

	buf[0] = 0;
	for (unsigned dev = 0; dev < 32; dev++) {
		for (unsigned fn = 0; fn < 8; fn++) {
			uint64_t off =
				(uint64_t)(f->bus - h->bus_start) << 20 | dev << 15 | fn << 12;
			uint16_t vendor = io_read16(&h->ecam, off + PCI_VENDOR_ID);

			if (vendor == 0xffff || vendor == 0)
				break;
			if (io_read16(&h->ecam, off + PCI_STATUS) & PCI_STATUS_INTERRUPT &&
			    n + 6 < size)
				n += (unsigned)snprintf(buf + n, size - n, "%02x.%u ", dev, fn);
			if (fn == 0 &&
			    !(io_read8(&h->ecam, off + PCI_HEADER_TYPE) & PCI_HEADER_MULTIFUNC))
				break;
		}
	}
}

static bool status_int(const struct pci_func *f)
{
	return (pci_cfg_read(f, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT) != 0;
}

/* An INTx with nothing used yet: reading the ISR deasserts the line. */
static void intx_spurious(struct pf_test *t, unsigned n)
{
	struct virtio_dev *d = t->dev;

	report_log(t, 1, "INTx %u with no used buffer yet (ISR 0x%02x)", n, d->ops->isr_read(d));
}

static const struct chk_irq_src intx_src = { intx_spurious, intr_unmask };

/* Lets notifications that precede our buffer (a device may notify with
 * nothing used, e.g. at DRIVER_OK) come and go: read ISR, unmask, until
 * the line stays quiet. False if it keeps firing. */
static bool settle(struct pf_test *t, uint32_t intid)
{
	for (int i = 0; i < 4; i++) {
		uint32_t c = intr_count(intid);

		intr_idle(IRQ_QUIET_NS);
		if (intr_count(intid) == c)
			return true;
		report_log(t, 1, "INTx before any buffer (ISR 0x%02x)",
			   t->dev->ops->isr_read(t->dev));
		intr_unmask(intid);
	}
	return false;
}

/* The interrupt came: ISR, Status.Interrupt Status and the line itself. */
static void check_isr(struct pf_test *t, const struct pci_func *f, const struct intr_line *line)
{
	struct virtio_dev *d = t->dev;
	bool st = status_int(f), st2;
	uint32_t isr, isr2, c;

	isr = d->ops->isr_read(d);
	report(t, isr & VIRTIO_ISR_QUEUE, "isr-queue-bit",
	       "ISR status reads 0x%02x when INTx arrived: queue bit 0 not set before the "
	       "notification",
	       isr);
	report(t, st == (isr != 0), "pci-status-interrupt",
	       "PCI Status.Interrupt Status reads %u while the ISR status is 0x%02x", st, isr);
	isr2 = d->ops->isr_read(d);
	report(t, isr2 == 0, "isr-read-clears",
	       "ISR status reads 0x%02x right after a read that returned 0x%02x: reading did not "
	       "clear it",
	       isr2, isr);
	st2 = status_int(f);
	report(t, !st2 || isr2, "pci-status-cleared",
	       "PCI Status.Interrupt Status still 1 after the ISR status was read to 0");
	/* with the ISR clear the line must be deasserted: unmasked, it must
	 * not fire again */
	c = intr_count(line->intid);
	intr_unmask(line->intid);
	intr_idle(IRQ_QUIET_NS);
	report(t, intr_count(line->intid) == c, "intx-deasserted",
	       "INTx (INTID %u) still asserted after the ISR status was read to 0", line->intid);
}

void check_IRQ_PCI_INTX(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	struct virtio_pci_priv *pv = virtio_pci_priv(d);
	struct virtq_used_info u;
	struct intr_line line;
	struct chk_ring r;
	uint16_t cmd;
	bool raced;
	int rc;

	if (!pv) {
		report_na(t, "not a virtio PCI device");
		return;
	}
	if (!chk_irq_workload(t) || !intx_line(t, &pv->fn, &line))
		return;
	/* INTx is the notification only with MSI-X off and INTx enabled */
	msix_disable(d);
	cmd = (uint16_t)pci_cfg_read(&pv->fn, PCI_COMMAND, 2);
	pci_cfg_write(&pv->fn, PCI_COMMAND, cmd & ~PCI_COMMAND_INTX_DISABLE, 2);
	if (!chk_ring_open(t, &r, 0, 8, 0, true))
		goto restore;
	(void)d->ops->isr_read(d); /* clears anything left over */
	rc = intr_wire(line.intid, line.edge);
	if (rc) {
		report_error(t, "cannot wire INTID %u: %s", line.intid, intr_strerror(rc));
		goto close;
	}
	/* INTx lines are shared: another function holding ours asserted
	 * would make every observation below meaningless */
	if (!settle(t, line.intid)) {
		char who[64];

		asserted_on_bus(&pv->fn, who, sizeof(who));
		report_error(t,
			     "INTID %u keeps firing before the device has a buffer (Interrupt "
			     "Status set on: %s)",
			     line.intid, who[0] ? who : "none");
		goto unwire;
	}
	if (chk_ring_submit(&r, 0, 1, VQ_ADD_DIRECT) < 0) {
		report_error(t, "could not add a buffer to queue %u", r.wl->queue);
		goto unwire;
	}
	if (report(t, chk_wait_used_irq(t, &r, line.intid, &intx_src, &raced), "no-intx",
		   "no INTx on INTID %u within %llu ms of a used buffer with MSI-X disabled (%u "
		   "buffer(s) used)",
		   line.intid, (unsigned long long)((chk_wait_ns() + chk_retry_ns()) / 1000000),
		   virtq_split_pending(&r.vq)) &&
	    !raced)
		check_isr(t, &pv->fn, &line);
	if (chk_ring_complete(t, &r, &u) == 1)
		report_log(t, 2, "used id %u len %u", u.id, u.len);
unwire:
	intr_unwire(line.intid);
close:
	chk_ring_close(&r);
restore:
	pci_cfg_write(&pv->fn, PCI_COMMAND, cmd, 2);
}

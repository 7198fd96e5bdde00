/* SPDX-License-Identifier: MIT */
/*
 * The notification capability (4.1.4.4): notify_off_multiplier and whether
 * cap.length covers the doorbell of every queue. The rules differ with
 * VIRTIO_F_NOTIFICATION_DATA *offered* (4.1.4.4.1 speaks of devices
 * offering it): 16-bit doorbells without it, 32-bit with it.
 */
#include "pci_checks.h"

/* Queues whose queue_notify_off is read. num_queues is a le16, but a
 * device with thousands of queues would make the check slow under TCG for
 * no new information. */
#define NOTIFY_SCAN_MAX 1024u

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

void check_PCI_NOTIFY_MULT(struct pf_test *t)
{
	struct virtio_pci_priv *pv = pchk_pci(t);
	struct pchk_caps caps;
	bool nd;
	int n = 0;

	if (!pv)
		return;
	nd = pchk_notification_data(t->dev);
	pchk_read_caps(&pv->fn, &caps);
	for (int i = 0; i < caps.nvndr; i++) {
		const struct pchk_cap *c = &caps.vndr[i];
		uint32_t m = c->mult;

		if (!c->has_mult)
			continue; /* not notify, or cap_len < 20 (pci.caps.cap-len) */
		n++;
		if (nd)
			report(t, m == 0 || (pow2(m) && m % 4 == 0), "multiplier-power-of-2",
			       "notify capability at 0x%02x: notify_off_multiplier %u is neither 0 "
			       "nor a power "
			       "of 2 that is a multiple of 4 (NOTIFICATION_DATA offered)",
			       c->off, m);
		else
			/* "an even power of 2": a power of 2 that is even, so
			 * every 16-bit doorbell is 2-byte aligned. */
			report(t, m == 0 || (pow2(m) && m % 2 == 0), "multiplier-even",
			       "notify capability at 0x%02x: notify_off_multiplier %u is neither 0 "
			       "nor an even "
			       "power of 2",
			       c->off, m);
	}
	if (!n)
		report_skip(t,
			    "no notify capability with a notify_off_multiplier (see pci.caps.*)");
}

/* cap.length >= queue_notify_off * notify_off_multiplier + width for
 * every queue q < num_queues. Returns false at the first violation. */
static bool covers_queues(struct pf_test *t, const struct virtio_pci_priv *pv,
			  const struct pchk_cap *c, unsigned width)
{
	uint16_t nq = pchk_num_queues(pv);
	uint32_t scan = nq < NOTIFY_SCAN_MAX ? nq : NOTIFY_SCAN_MAX;

	if (nq > scan)
		report_log(t, 1, "num_queues %u: queue_notify_off read for the first %u only", nq,
			   scan);
	for (uint32_t q = 0; q < scan; q++) {
		uint16_t noff = pchk_queue_read16(pv, (uint16_t)q, VIRTIO_PCI_COMMON_Q_NOFF);
		uint64_t need = (uint64_t)noff * c->mult + width;

		if (!report(t, c->length >= need, "length-doorbell",
			    "notify capability at 0x%02x: cap.length 0x%x does not cover queue "
			    "%u's doorbell "
			    "(queue_notify_off %u * multiplier %u + %u = 0x%llx)",
			    c->off, c->length, q, noff, c->mult, width, (unsigned long long)need))
			return false;
	}
	return true;
}

void check_PCI_NOTIFY_LENGTH(struct pf_test *t)
{
	struct virtio_pci_priv *pv = pchk_pci(t);
	struct virtio_dev *d = t->dev;
	struct pchk_caps caps;
	unsigned width;
	int n = 0;

	if (!pv)
		return;
	width = pchk_notification_data(d) ? 4 : 2;
	pchk_read_caps(&pv->fn, &caps);
	/* queue_notify_off reads are side-effect free, but start from a
	 * known queue_select and leave the device reset. */
	if (d->ops && pv->common.size && virtio_reset(d, CHK_RESET_TIMEOUT_NS)) {
		report_error(t, "device reset did not complete");
		return;
	}
	for (int i = 0; i < caps.nvndr; i++) {
		const struct pchk_cap *c = &caps.vndr[i];

		if (c->cfg_type != VIRTIO_PCI_CAP_NOTIFY_CFG || !c->has_base)
			continue;
		n++;
		if (!report(t, c->length >= width, "length-min",
			    "notify capability at 0x%02x: cap.length %u is below %u", c->off,
			    c->length, width))
			continue;
		if (!c->has_mult)
			continue; /* no multiplier to compute with: pci.caps.cap-len */
		if (d->ops && pv->common.size)
			covers_queues(t, pv, c, width);
	}
	if (!n)
		report_skip(t, "no notify capability (see pci.caps.present)");
	if (d->ops && pv->common.size)
		virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

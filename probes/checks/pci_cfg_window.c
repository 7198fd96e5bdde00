/* SPDX-License-Identifier: MIT */
/*
 * The PCI configuration access capability (4.1.4.9): cap.bar, cap.offset
 * and cap.length select a 1-, 2- or 4-byte window into a BAR, and
 * pci_cfg_data forwards reads and writes through it. Checked by comparing
 * common configuration registers reached both ways. The window is only
 * ever pointed at fields of the common configuration structure (and the
 * device-specific one), as 4.1.4.9.2 requires of the driver, with offsets
 * aligned to the access size; ISR status is never read through it, as that
 * read would clear it.
 */
#include "pci_checks.h"

#define CFG_BAR VIRTIO_PCI_CAP_BAR
#define CFG_OFFSET VIRTIO_PCI_CAP_OFFSET
#define CFG_LENGTH VIRTIO_PCI_CAP_LENGTH
#define CFG_DATA 16u /* pci_cfg_data[4] */

struct cfg_win {
	struct virtio_pci_priv *pv;
	uint8_t cap;	 /* config offset of the capability */
	uint8_t bar;	 /* where the common configuration is */
	uint32_t common; /* its offset in that BAR */
	uint8_t bar0;	 /* the fields as found, restored after */
	uint32_t off0, len0;
};

/* The first PCI_CFG capability long enough to hold pci_cfg_data, and the
 * common configuration the transport uses. False (test skipped) if none. */
static bool win_open(struct pf_test *t, struct cfg_win *w)
{
	struct virtio_pci_priv *pv = pchk_modern(t);
	struct pchk_caps caps;
	const struct virtio_pci_cap_info *common;

	if (!pv)
		return false;
	w->pv = pv;
	w->cap = 0;
	pchk_read_caps(&pv->fn, &caps);
	for (int i = 0; i < caps.nvndr && !w->cap; i++)
		if (caps.vndr[i].cfg_type == VIRTIO_PCI_CAP_PCI_CFG &&
		    caps.vndr[i].len >= PCHK_LEN_CFG &&
		    caps.vndr[i].off + PCHK_LEN_CFG <= PCHK_CFG_SPACE)
			w->cap = caps.vndr[i].off;
	if (!w->cap || pv->use.common < 0) {
		report_skip(t, "no usable PCI_CFG capability (see pci.caps.present)");
		return false;
	}
	common = &pv->caps[pv->use.common];
	if (common->offset & 3) {
		/* the driver may only point the window at aligned fields */
		report_skip(t,
			    "common configuration offset 0x%x is misaligned (see "
			    "pci.caps.offset-alignment)",
			    common->offset);
		return false;
	}
	w->bar = common->bar;
	w->common = common->offset;
	w->bar0 = (uint8_t)pci_cfg_read(&pv->fn, w->cap + CFG_BAR, 1);
	w->off0 = pci_cfg_read(&pv->fn, w->cap + CFG_OFFSET, 4);
	w->len0 = pci_cfg_read(&pv->fn, w->cap + CFG_LENGTH, 4);
	return true;
}

static void win_close(struct cfg_win *w)
{
	const struct pci_func *f = &w->pv->fn;

	pci_cfg_write(f, w->cap + CFG_BAR, w->bar0, 1);
	pci_cfg_write(f, w->cap + CFG_OFFSET, w->off0, 4);
	pci_cfg_write(f, w->cap + CFG_LENGTH, w->len0, 4);
}

/* Points the window at `len` bytes at `off` of `bar`. The three fields are
 * read-write for the driver (4.1.4.9): a device that does not keep them
 * cannot forward anything, so that is reported against forwarding. */
static bool win_set(struct pf_test *t, struct cfg_win *w, uint8_t bar, uint32_t off, uint32_t len)
{
	const struct pci_func *f = &w->pv->fn;
	uint8_t b;
	uint32_t o, l;

	pci_cfg_write(f, w->cap + CFG_BAR, bar, 1);
	pci_cfg_write(f, w->cap + CFG_OFFSET, off, 4);
	pci_cfg_write(f, w->cap + CFG_LENGTH, len, 4);
	b = (uint8_t)pci_cfg_read(f, w->cap + CFG_BAR, 1);
	o = pci_cfg_read(f, w->cap + CFG_OFFSET, 4);
	l = pci_cfg_read(f, w->cap + CFG_LENGTH, 4);
	return report(t, b == bar && o == off && l == len, "window-fields",
		      "PCI_CFG capability at 0x%02x keeps bar/offset/length %u/0x%x/%u after the "
		      "driver wrote "
		      "%u/0x%x/%u",
		      w->cap, b, o, l, bar, off, len);
}

static uint32_t mask(uint32_t v, unsigned len)
{
	return len >= 4 ? v : v & ((1u << (8 * len)) - 1);
}

/* A read of pci_cfg_data of the access size (natural width, aligned). */
static bool win_read(struct pf_test *t, struct cfg_win *w, uint32_t field, unsigned len,
		     uint32_t *v)
{
	if (!win_set(t, w, w->bar, w->common + field, len))
		return false;
	*v = mask(pci_cfg_read(&w->pv->fn, w->cap + CFG_DATA, len), len);
	return true;
}

static bool win_write(struct pf_test *t, struct cfg_win *w, uint32_t field, unsigned len,
		      uint32_t v)
{
	if (!win_set(t, w, w->bar, w->common + field, len))
		return false;
	pci_cfg_write(&w->pv->fn, w->cap + CFG_DATA, v, len);
	return true;
}

/* Reads through the window equal reads of the mapped BAR (4.1.4.9.1). */
void check_PCI_CFG_READ(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	struct cfg_win w;
	uint32_t v, direct;

	if (!win_open(t, &w))
		return;
	if (virtio_reset(d, CHK_RESET_TIMEOUT_NS)) {
		report_error(t, "device reset did not complete");
		goto out;
	}
	for (uint32_t sel = 0; sel < 2; sel++) {
		pchk_write32(w.pv, VIRTIO_PCI_COMMON_DFSELECT, sel);
		direct = pchk_read32(w.pv, VIRTIO_PCI_COMMON_DF);
		if (!win_read(t, &w, VIRTIO_PCI_COMMON_DF, 4, &v))
			goto out;
		report(t, v == direct, "device-feature",
		       "device_feature (select %u) reads 0x%08x through pci_cfg_data, 0x%08x "
		       "through the BAR",
		       sel, v, direct);
	}
	direct = pchk_num_queues(w.pv);
	if (win_read(t, &w, VIRTIO_PCI_COMMON_NUMQ, 2, &v))
		report(t, v == direct, "num-queues",
		       "num_queues reads %u through pci_cfg_data, %u through the BAR", v, direct);
	virtio_add_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	direct = d->ops->get_status(d);
	if (win_read(t, &w, VIRTIO_PCI_COMMON_STATUS, 1, &v))
		report(t, v == direct, "device-status",
		       "device_status reads 0x%02x through pci_cfg_data, 0x%02x through the BAR", v,
		       direct);
	direct = pchk_queue_read16(w.pv, 0, VIRTIO_PCI_COMMON_Q_SIZE);
	if (win_read(t, &w, VIRTIO_PCI_COMMON_Q_SIZE, 2, &v))
		report(t, v == direct, "queue-size",
		       "queue_size of queue 0 reads %u through pci_cfg_data, %u through the BAR", v,
		       direct);
	/* The device-specific configuration, when it has 4 bytes. */
	if (w.pv->use.device >= 0 && w.pv->device.size >= 4 &&
	    !(w.pv->caps[w.pv->use.device].offset & 3)) {
		const struct virtio_pci_cap_info *dc = &w.pv->caps[w.pv->use.device];

		direct = io_read32(&w.pv->device, 0);
		if (win_set(t, &w, dc->bar, dc->offset, 4)) {
			v = pci_cfg_read(&w.pv->fn, w.cap + CFG_DATA, 4);
			report(t, v == direct, "device-config",
			       "device configuration bytes 0..3 read 0x%08x through pci_cfg_data, "
			       "0x%08x through the BAR",
			       v, direct);
		}
	}
out:
	win_close(&w);
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

/* Writes through the window land in the BAR (4.1.4.9.1). */
void check_PCI_CFG_WRITE(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	struct cfg_win w;
	uint16_t nq;
	uint32_t v;

	if (!win_open(t, &w))
		return;
	if (virtio_reset(d, CHK_RESET_TIMEOUT_NS)) {
		report_error(t, "device reset did not complete");
		goto out;
	}
	/* device_feature_select, 4 bytes: the window shown must follow. */
	pchk_write32(w.pv, VIRTIO_PCI_COMMON_DFSELECT, 0);
	if (!win_write(t, &w, VIRTIO_PCI_COMMON_DFSELECT, 4, 1))
		goto out;
	v = pchk_read32(w.pv, VIRTIO_PCI_COMMON_DFSELECT);
	report(t, v == 1, "feature-select-write",
	       "device_feature_select reads %u after writing 1 through pci_cfg_data", v);
	v = pchk_read32(w.pv, VIRTIO_PCI_COMMON_DF);
	report(t, v == (uint32_t)(d->features >> 32), "feature-window-1",
	       "device_feature reads 0x%08x after selecting window 1 through pci_cfg_data, "
	       "expected 0x%08x",
	       v, (uint32_t)(d->features >> 32));
	/* queue_select, 2 bytes: the last queue (queue 0 is selected now). */
	nq = pchk_num_queues(w.pv);
	if (nq >= 2) {
		pchk_write16(w.pv, VIRTIO_PCI_COMMON_Q_SELECT, 0);
		if (win_write(t, &w, VIRTIO_PCI_COMMON_Q_SELECT, 2, (uint16_t)(nq - 1u))) {
			v = pchk_read16(w.pv, VIRTIO_PCI_COMMON_Q_SELECT);
			report(t, v == nq - 1u, "queue-select-write",
			       "queue_select reads %u after writing %u through pci_cfg_data", v,
			       nq - 1u);
		}
	}
	/* device_status, 1 byte: ACKNOWLEDGE, then DRIVER on top. */
	if (win_write(t, &w, VIRTIO_PCI_COMMON_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE)) {
		v = d->ops->get_status(d);
		report(t, v == VIRTIO_STATUS_ACKNOWLEDGE, "status-write-acknowledge",
		       "device_status reads 0x%02x after writing ACKNOWLEDGE through pci_cfg_data",
		       v);
	}
	if (win_write(t, &w, VIRTIO_PCI_COMMON_STATUS, 1,
		      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER)) {
		v = d->ops->get_status(d);
		report(t, v == (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER),
		       "status-write-driver",
		       "device_status reads 0x%02x after writing ACKNOWLEDGE|DRIVER through "
		       "pci_cfg_data",
		       v);
	}
out:
	win_close(&w);
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

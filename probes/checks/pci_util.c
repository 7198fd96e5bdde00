/* SPDX-License-Identifier: MIT */
/* Helpers of the Virtio over PCI checks (pci_checks.h). */
#include "pci_checks.h"

#include <string.h>

struct virtio_pci_priv *pchk_pci(struct pf_test *t)
{
	struct virtio_pci_priv *pv = virtio_pci_priv(t->dev);

	if (!pv)
		report_na(t, "not a virtio-pci device");
	return pv;
}

struct virtio_pci_priv *pchk_modern(struct pf_test *t)
{
	struct virtio_pci_priv *pv = pchk_pci(t);

	if (!pv)
		return 0;
	if (!t->dev->ops || !pv->common.size) {
		report_skip(t, "no usable common configuration capability (see pci.caps.present)");
		return 0;
	}
	return pv;
}

const char *pchk_cfg_name(uint8_t cfg_type)
{
	switch (cfg_type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:
		return "COMMON_CFG";
	case VIRTIO_PCI_CAP_NOTIFY_CFG:
		return "NOTIFY_CFG";
	case VIRTIO_PCI_CAP_ISR_CFG:
		return "ISR_CFG";
	case VIRTIO_PCI_CAP_DEVICE_CFG:
		return "DEVICE_CFG";
	case VIRTIO_PCI_CAP_PCI_CFG:
		return "PCI_CFG";
	case VIRTIO_PCI_CAP_SHARED_MEMORY_CFG:
		return "SHARED_MEMORY_CFG";
	case VIRTIO_PCI_CAP_VENDOR_CFG:
		return "VENDOR_CFG";
	default:
		return "reserved";
	}
}

/* Reads the fields cap_len says are there; the rest stay 0. */
static void read_vndr(const struct pci_func *f, uint8_t off, struct pchk_cap *c)
{
	memset(c, 0, sizeof(*c));
	c->off = off;
	c->len = (uint8_t)pci_cfg_read(f, off + VIRTIO_PCI_CAP_LEN, 1);
	/* A cap_len running past the standard header is itself a finding
	 * (pci.caps.cap-len); never read past 256 on its word. */
	if ((unsigned)off + 4 <= PCHK_CFG_SPACE)
		c->cfg_type = (uint8_t)pci_cfg_read(f, off + VIRTIO_PCI_CAP_CFG_TYPE, 1);
	if (c->len >= PCHK_LEN_VNDR && (unsigned)off + PCHK_LEN_VNDR <= PCHK_CFG_SPACE) {
		c->vendor_id = (uint16_t)(pci_cfg_read(f, off + 4u, 1) |
					  pci_cfg_read(f, off + 5u, 1) << 8);
		c->has_vendor_id = true;
	}
	if (c->len < PCHK_LEN_CAP || (unsigned)off + PCHK_LEN_CAP > PCHK_CFG_SPACE)
		return;
	c->has_base = true;
	c->bar = (uint8_t)pci_cfg_read(f, off + VIRTIO_PCI_CAP_BAR, 1);
	c->id = (uint8_t)pci_cfg_read(f, off + VIRTIO_PCI_CAP_ID, 1);
	c->offset = pci_cfg_read(f, off + VIRTIO_PCI_CAP_OFFSET, 4);
	c->length = pci_cfg_read(f, off + VIRTIO_PCI_CAP_LENGTH, 4);
	if (c->len >= PCHK_LEN_NOTIFY && (unsigned)off + PCHK_LEN_NOTIFY <= PCHK_CFG_SPACE) {
		c->mult = pci_cfg_read(f, off + VIRTIO_PCI_NOTIFY_CAP_MULT, 4);
		c->has_mult = c->cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG;
	}
	if (c->len >= PCHK_LEN_CAP64 && (unsigned)off + PCHK_LEN_CAP64 <= PCHK_CFG_SPACE &&
	    c->cfg_type == VIRTIO_PCI_CAP_SHARED_MEMORY_CFG) {
		c->offset_hi = pci_cfg_read(f, off + VIRTIO_PCI_CAP_OFFSET_HI, 4);
		c->length_hi = pci_cfg_read(f, off + VIRTIO_PCI_CAP_LENGTH_HI, 4);
		c->has_64 = true;
	}
	if (c->cfg_type != VIRTIO_PCI_CAP_NOTIFY_CFG)
		c->mult = 0;
}

void pchk_read_caps(const struct pci_func *f, struct pchk_caps *out)
{
	bool seen[PCHK_CFG_SPACE / 4] = { false };
	uint8_t ptr, off;

	memset(out, 0, sizeof(*out));
	out->list_bit = (pci_cfg_read(f, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST) != 0;
	if (!out->list_bit)
		return;
	/* PCI 3.0, 6.7: bits 1:0 of every pointer are reserved and 0. */
	ptr = (uint8_t)pci_cfg_read(f, PCI_CAPABILITY_LIST, 1);
	if (ptr & 3)
		out->misaligned = PCI_CAPABILITY_LIST;
	off = ptr & 0xfc;
	while (off) {
		if (off < 0x40) {
			out->bad = "points into the configuration header";
			out->bad_off = off;
			return;
		}
		if (seen[off / 4]) {
			out->bad = "loops back to an earlier capability";
			out->bad_off = off;
			return;
		}
		if (out->ncaps >= PCHK_MAX_CAPS) {
			out->bad = "has more capabilities than fit in config space";
			out->bad_off = off;
			return;
		}
		seen[off / 4] = true;
		out->ncaps++;
		if (pci_cfg_read(f, off, 1) == PCI_CAP_ID_VNDR && out->nvndr < PCHK_MAX_CAPS)
			read_vndr(f, off, &out->vndr[out->nvndr++]);
		ptr = (uint8_t)pci_cfg_read(f, off + 1u, 1);
		if ((ptr & 3) && !out->misaligned)
			out->misaligned = (uint8_t)(off + 1);
		off = ptr & 0xfc;
	}
}

uint64_t pchk_bar_size(const struct virtio_pci_priv *pv, uint8_t bar)
{
	return bar < PCI_NUM_BARS ? pv->fn.bar[bar].size : 0;
}

bool pchk_in_bar(const struct virtio_pci_priv *pv, uint8_t bar, uint64_t off, uint64_t len)
{
	uint64_t size = pchk_bar_size(pv, bar);

	return size && off <= size && len <= size - off;
}

bool pchk_notification_data(const struct virtio_dev *d)
{
	return (d->features & VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA)) != 0;
}

uint16_t pchk_read16(const struct virtio_pci_priv *pv, uint32_t off)
{
	return io_read16(&pv->common, off);
}

void pchk_write16(const struct virtio_pci_priv *pv, uint32_t off, uint16_t v)
{
	io_write16(&pv->common, off, v);
}

uint32_t pchk_read32(const struct virtio_pci_priv *pv, uint32_t off)
{
	return io_read32(&pv->common, off);
}

void pchk_write32(const struct virtio_pci_priv *pv, uint32_t off, uint32_t v)
{
	io_write32(&pv->common, off, v);
}

uint16_t pchk_queue_read16(const struct virtio_pci_priv *pv, uint16_t q, uint32_t off)
{
	pchk_write16(pv, VIRTIO_PCI_COMMON_Q_SELECT, q);
	return pchk_read16(pv, off);
}

bool pchk_features_ok(struct pf_test *t, uint64_t features)
{
	uint8_t st = chk_try_features(t, features);

	return st != 0xff && (st & VIRTIO_STATUS_FEATURES_OK);
}

uint16_t pchk_num_queues(const struct virtio_pci_priv *pv)
{
	return pchk_read16(pv, VIRTIO_PCI_COMMON_NUMQ);
}

/* SPDX-License-Identifier: MIT */
/*
 * PCI front end of the simulated device: a type 0 configuration space with
 * the virtio vendor capabilities (4.1.4), one 64-bit BAR holding the common,
 * ISR, device and notify regions, and an ECAM window for several devices.
 */
#include "sim_device.h"

#include <string.h>

#include "sim_pci_faults.h"
#include "virtio/virtio_pci.h"

static void put(uint8_t *c, uint32_t off, uint32_t v, unsigned w)
{
	for (unsigned i = 0; i < w; i++)
		c[off + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get(const uint8_t *c, uint32_t off, unsigned w)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < w; i++)
		v |= (uint32_t)c[off + i] << (8 * i);
	return v;
}

/* ---- PCI faults (sim_pci_faults.h), per device ---- */

static struct {
	const struct sim_dev *s;
	uint32_t faults;
} pci_faults[SIM_PCI_FAULT_DEVS];

void sim_pci_set_faults(const struct sim_dev *s, uint32_t faults)
{
	int free_slot = -1;

	for (int i = 0; i < SIM_PCI_FAULT_DEVS; i++) {
		if (pci_faults[i].s == s) {
			pci_faults[i].faults = faults;
			if (!faults)
				pci_faults[i].s = 0;
			return;
		}
		if (!pci_faults[i].s && free_slot < 0)
			free_slot = i;
	}
	if (faults && free_slot >= 0) {
		pci_faults[free_slot].s = s;
		pci_faults[free_slot].faults = faults;
	}
}

uint32_t sim_pci_faults(const struct sim_dev *s)
{
	for (int i = 0; i < SIM_PCI_FAULT_DEVS; i++)
		if (pci_faults[i].s == s)
			return pci_faults[i].faults;
	return 0;
}

static bool pfault(const struct sim_dev *s, uint32_t f)
{
	return (sim_pci_faults(s) & f) != 0;
}

static void cap(uint8_t *c, uint8_t off, uint8_t next, uint8_t len, uint8_t type, uint8_t bar,
		uint32_t offset, uint32_t length)
{
	c[off] = PCI_CAP_ID_VNDR;
	c[off + 1] = next;
	c[off + 2] = len;
	c[off + 3] = type;
	c[off + 4] = bar;
	put(c, off + 8u, offset, 4);
	put(c, off + 12u, length, 4);
}

void sim_pci_attach(struct sim_dev *s)
{
	uint8_t *c = s->pci_cfg;

	memset(c, 0, sizeof(s->pci_cfg));
	sim_pci_set_faults(s, 0);
	put(c, PCI_VENDOR_ID, VIRTIO_PCI_VENDOR_ID, 2);
	put(c, PCI_DEVICE_ID, VIRTIO_PCI_DEVICE_ID_MODERN + s->device_id, 2);
	put(c, PCI_STATUS, PCI_STATUS_CAP_LIST, 2);
	c[PCI_REVISION_ID] = 1;
	c[0x0b] = 0xff; /* class: other */
	put(c, PCI_BAR0 + 4u * SIM_PCI_BAR, PCI_BAR_MEM_TYPE_64 | PCI_BAR_PREFETCH, 4);
	put(c, PCI_SUBSYSTEM_VENDOR_ID, VIRTIO_PCI_VENDOR_ID, 2);
	put(c, PCI_SUBSYSTEM_ID, 0x1100, 2);
	c[PCI_CAPABILITY_LIST] = 0x40;
	c[PCI_INTERRUPT_PIN] = 1;
	if (s->faults & SIM_F_PCI_NO_COMMON)
		cap(c, 0x40, 0x50, 16, VIRTIO_PCI_CAP_VENDOR_CFG, 0, 0, 0);
	else
		cap(c, 0x40, 0x50, 16, VIRTIO_PCI_CAP_COMMON_CFG, SIM_PCI_BAR, SIM_PCI_COMMON_OFF,
		    VIRTIO_PCI_COMMON_SIZE);
	cap(c, 0x50, 0x60, 16, VIRTIO_PCI_CAP_ISR_CFG, SIM_PCI_BAR, SIM_PCI_ISR_OFF, 4);
	cap(c, 0x60, 0x70, 16, VIRTIO_PCI_CAP_DEVICE_CFG, SIM_PCI_BAR, SIM_PCI_DEVICE_OFF, 0x100);
	cap(c, 0x70, 0x84, 20, VIRTIO_PCI_CAP_NOTIFY_CFG, SIM_PCI_BAR, SIM_PCI_NOTIFY_OFF,
	    (s->faults & SIM_F_PCI_CAP_OUTSIDE_BAR) ? 0x2000 : 0x1000);
	put(c, 0x70 + VIRTIO_PCI_NOTIFY_CAP_MULT, SIM_PCI_NOTIFY_MULT, 4);
	cap(c, SIM_PCI_CFG_CAP, (s->faults & SIM_F_PCI_CAP_LOOP) ? 0x40 : 0, 20, VIRTIO_PCI_CAP_PCI_CFG,
	    0, 0, 0);
	s->bar_size = SIM_PCI_BAR_SIZE;
	s->bar.base = 0;
	s->bar.size = SIM_PCI_BAR_SIZE;
	s->bar.ops = &sim_pci_bar_ops;
	s->bar.ctx = s;
}

static uint64_t bar_read(void *ctx, uint64_t off, unsigned w);
static void bar_write_op(void *ctx, uint64_t off, uint64_t v, unsigned w);

/* pci_cfg_data of the PCI_CFG capability (4.1.4.9): cap.bar, cap.offset
 * and cap.length (1, 2 or 4) select the BAR bytes it forwards to. */
#define CFG_DATA (SIM_PCI_CFG_CAP + 16u)

static bool cfg_window(const struct sim_dev *s, uint32_t *off, unsigned *len)
{
	uint8_t bar = s->pci_cfg[SIM_PCI_CFG_CAP + VIRTIO_PCI_CAP_BAR];

	*off = get(s->pci_cfg, SIM_PCI_CFG_CAP + VIRTIO_PCI_CAP_OFFSET, 4);
	*len = get(s->pci_cfg, SIM_PCI_CFG_CAP + VIRTIO_PCI_CAP_LENGTH, 4);
	return bar == SIM_PCI_BAR && (*len == 1 || *len == 2 || *len == 4) && *off < SIM_PCI_BAR_SIZE;
}

static bool overlaps_data(uint32_t off, unsigned w)
{
	return off < CFG_DATA + 4 && off + w > CFG_DATA;
}

uint32_t sim_pci_cfg_read(struct sim_dev *s, uint32_t off, unsigned w)
{
	uint32_t at;
	unsigned len;

	if (off + w > sizeof(s->pci_cfg))
		return 0xffffffffu;
	if (overlaps_data(off, w) && !pfault(s, SIM_PCI_F_CFG_READ_STALE) && cfg_window(s, &at, &len))
		put(s->pci_cfg, CFG_DATA, (uint32_t)bar_read(s, at, len), len);
	return get(s->pci_cfg, off, w);
}

static void bar_write(struct sim_dev *s, uint32_t off, uint32_t v, unsigned w)
{
	uint32_t lo_off = PCI_BAR0 + 4u * SIM_PCI_BAR;

	if (w != 4 || (off != lo_off && off != lo_off + 4))
		return; /* other BARs are not implemented: read 0 */
	if (off == lo_off)
		v = (v & ~(uint32_t)(SIM_PCI_BAR_SIZE - 1)) | PCI_BAR_MEM_TYPE_64 | PCI_BAR_PREFETCH;
	put(s->pci_cfg, off, v, 4);
	s->bar_addr = ((uint64_t)get(s->pci_cfg, lo_off + 4, 4) << 32) |
		      (get(s->pci_cfg, lo_off, 4) & ~0xfu);
}

void sim_pci_cfg_write(struct sim_dev *s, uint32_t off, uint32_t v, unsigned w)
{
	if (off + w > sizeof(s->pci_cfg))
		return;
	if (off >= PCI_BAR0 && off < PCI_BAR0 + 24) {
		bar_write(s, off, v, w);
	} else if (off == PCI_COMMAND && w == 2) {
		put(s->pci_cfg, off, v & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
					  PCI_COMMAND_INTX_DISABLE), 2);
	} else if (off == PCI_INTERRUPT_LINE && w == 1) {
		s->pci_cfg[off] = (uint8_t)v;
	} else if (off >= CFG_DATA && off + w <= CFG_DATA + 4) {
		uint32_t at;
		unsigned len;

		put(s->pci_cfg, off, v, w);
		if (!pfault(s, SIM_PCI_F_CFG_WRITE_DROP) && cfg_window(s, &at, &len))
			bar_write_op(s, at, get(s->pci_cfg, CFG_DATA, len), len);
	} else if (off >= SIM_PCI_CFG_CAP + VIRTIO_PCI_CAP_BAR && off + w <= CFG_DATA &&
		   !pfault(s, SIM_PCI_F_CFG_FIELDS_RO)) {
		/* cap.bar, cap.offset, cap.length: read-write; the padding
		 * and id in between are not */
		for (unsigned i = 0; i < w; i++) {
			uint32_t b = off + i;

			if (b == SIM_PCI_CFG_CAP + VIRTIO_PCI_CAP_BAR || b >= SIM_PCI_CFG_CAP + VIRTIO_PCI_CAP_OFFSET)
				s->pci_cfg[b] = (uint8_t)(v >> (8 * i));
		}
	}
}

/* ---- BAR 4 ---- */

static struct sim_queue *selq(struct sim_dev *s)
{
	return s->queue_sel < SIM_MAX_QUEUES ? &s->q[s->queue_sel] : 0;
}

static unsigned field_width(uint32_t off)
{
	if (off < VIRTIO_PCI_COMMON_MSIX)
		return 4;
	if (off == VIRTIO_PCI_COMMON_STATUS || off == VIRTIO_PCI_COMMON_CFGGENERATION)
		return 1;
	if (off >= VIRTIO_PCI_COMMON_Q_DESCLO && off < VIRTIO_PCI_COMMON_Q_NDATA)
		return 4;
	return 2;
}

static uint64_t common_read(struct sim_dev *s, uint32_t off, unsigned w)
{
	struct sim_queue *q = selq(s);
	uint64_t f = sim_offered(s);

	if (w != field_width(off) || (off & (w - 1))) {
		s->bad_access++;
		return 0;
	}
	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		return s->dev_feat_sel;
	case VIRTIO_PCI_COMMON_DF:
		return s->dev_feat_sel == 0 ? (uint32_t)f : s->dev_feat_sel == 1 ? f >> 32 : 0;
	case VIRTIO_PCI_COMMON_GFSELECT:
		return s->drv_feat_sel;
	case VIRTIO_PCI_COMMON_GF:
		return s->drv_feat_sel == 0 ? (uint32_t)s->driver_features
		       : s->drv_feat_sel == 1 ? s->driver_features >> 32 : 0;
	case VIRTIO_PCI_COMMON_MSIX:
		return s->msix_config;
	case VIRTIO_PCI_COMMON_NUMQ:
		return s->num_queues;
	case VIRTIO_PCI_COMMON_STATUS:
		return s->status;
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return (uint8_t)s->config_generation;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		return s->queue_sel;
	case VIRTIO_PCI_COMMON_ADM_Q_IDX:
		/* with ADMIN_VQ: one admin queue right after the others */
		if (!(f & VIRTIO_BIT(VIRTIO_F_ADMIN_VQ)) || pfault(s, SIM_PCI_F_ADMIN_IDX_LOW))
			return 0;
		return s->num_queues;
	case VIRTIO_PCI_COMMON_ADM_Q_NUM:
		return (f & VIRTIO_BIT(VIRTIO_F_ADMIN_VQ)) ? 1 : 0;
	default:
		break;
	}
	if (!q)
		return 0; /* a queue that does not exist reads 0 */
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		return q->num_max ? q->num : 0;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		return q->msix;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		return q->ready;
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return q->notify_off;
	case VIRTIO_PCI_COMMON_Q_DESCLO:
		return (uint32_t)q->desc;
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		return q->desc >> 32;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
		return (uint32_t)q->driver;
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		return q->driver >> 32;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
		return (uint32_t)q->device;
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		return q->device >> 32;
	case VIRTIO_PCI_COMMON_Q_NDATA:
		return s->queue_sel;
	case VIRTIO_PCI_COMMON_Q_RESET:
		return sim_queue_reset_state(s, s->queue_sel);
	default:
		return 0;
	}
}

static void set_half(uint64_t *v, bool high, uint32_t val)
{
	*v = high ? (*v & 0xffffffffull) | (uint64_t)val << 32 : (*v & ~0xffffffffull) | val;
}

/* A queue address half (SIM_PCI_F_ADDR_LO_CLEARS_HI: a device that treats
 * the low half as the start of a 64-bit write). */
static void set_addr_half(const struct sim_dev *s, uint64_t *v, bool high, uint32_t val)
{
	if (!high && pfault(s, SIM_PCI_F_ADDR_LO_CLEARS_HI))
		*v = 0;
	set_half(v, high, val);
}

static void common_write(struct sim_dev *s, uint32_t off, uint32_t v, unsigned w)
{
	struct sim_queue *q = selq(s);

	if (w != field_width(off) || (off & (w - 1))) {
		s->bad_access++;
		return;
	}
	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		s->dev_feat_sel = v;
		return;
	case VIRTIO_PCI_COMMON_GFSELECT:
		s->drv_feat_sel = v;
		return;
	case VIRTIO_PCI_COMMON_GF:
		if (s->drv_feat_sel < 2)
			set_half(&s->driver_features, s->drv_feat_sel == 1, v);
		return;
	case VIRTIO_PCI_COMMON_MSIX:
		s->msix_config = (uint16_t)v;
		return;
	case VIRTIO_PCI_COMMON_STATUS:
		sim_write_status(s, (uint8_t)v);
		return;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		if (pfault(s, SIM_PCI_F_QSEL_LIMIT) && v >= 1024)
			return; /* QEMU 7.2's VIRTIO_QUEUE_MAX */
		s->queue_sel = (uint16_t)v;
		return;
	default:
		break;
	}
	if (!q || !q->num_max) {
		s->bad_access++;
		return;
	}
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		if (v && v <= q->num_max)
			q->num = (uint16_t)v;
		else
			s->bad_access++;
		return;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		q->msix = (uint16_t)v;
		return;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		if (v != 1) {
			s->bad_access++; /* the driver MUST NOT write 0 */
			return;
		}
		q->ready = true;
		q->resetting = false;
		return;
	case VIRTIO_PCI_COMMON_Q_DESCLO:
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		set_addr_half(s, &q->desc, off == VIRTIO_PCI_COMMON_Q_DESCHI, v);
		return;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		set_addr_half(s, &q->driver, off == VIRTIO_PCI_COMMON_Q_AVAILHI, v);
		return;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		set_addr_half(s, &q->device, off == VIRTIO_PCI_COMMON_Q_USEDHI, v);
		return;
	case VIRTIO_PCI_COMMON_Q_RESET:
		if (v == 1)
			sim_queue_reset(s, s->queue_sel);
		return;
	default:
		s->bad_access++; /* read-only field */
		return;
	}
}

static uint64_t bar_read(void *ctx, uint64_t off, unsigned w)
{
	struct sim_dev *s = ctx;

	if (off < SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_SIZE)
		return common_read(s, (uint32_t)off, w);
	if (off == SIM_PCI_ISR_OFF && w == 1) {
		uint32_t v = s->isr;

		if (!(s->faults & SIM_F_ISR_NO_CLEAR))
			s->isr = 0; /* read to clear (4.1.4.5) */
		return v;
	}
	if (off >= SIM_PCI_DEVICE_OFF && off + w <= SIM_PCI_DEVICE_OFF + SIM_CONFIG_SIZE) {
		uint64_t v = 0;

		for (unsigned i = 0; i < w; i++)
			v |= (uint64_t)s->config[off - SIM_PCI_DEVICE_OFF + i] << (8 * i);
		return v;
	}
	s->bad_access++;
	return 0;
}

static void bar_write_op(void *ctx, uint64_t off, uint64_t v, unsigned w)
{
	struct sim_dev *s = ctx;

	if (off < SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_SIZE) {
		common_write(s, (uint32_t)off, (uint32_t)v, w);
	} else if (off >= SIM_PCI_DEVICE_OFF && off + w <= SIM_PCI_DEVICE_OFF + SIM_CONFIG_SIZE) {
		for (unsigned i = 0; i < w; i++)
			s->config[off - SIM_PCI_DEVICE_OFF + i] = (uint8_t)(v >> (8 * i));
	} else if (off >= SIM_PCI_NOTIFY_OFF && off < SIM_PCI_NOTIFY_OFF + 0x1000 &&
		   (w == 2 || w == 4) && !((off - SIM_PCI_NOTIFY_OFF) % SIM_PCI_NOTIFY_MULT)) {
		uint16_t q = (uint16_t)((off - SIM_PCI_NOTIFY_OFF) / SIM_PCI_NOTIFY_MULT);

		if ((uint16_t)v != q)
			s->bad_access++; /* notified with another queue's index */
		sim_notify(s, q, (uint32_t)v);
	} else {
		s->bad_access++;
	}
}

const struct pf_io_ops sim_pci_bar_ops = {
	.read = bar_read,
	.write = bar_write_op,
};

/* ---- ECAM ---- */

static struct sim_dev *ecam_dev(struct sim_ecam *e, uint64_t off, uint32_t *reg)
{
	uint64_t bus = off >> 20, dev = (off >> 15) & 31, fn = (off >> 12) & 7;

	*reg = (uint32_t)(off & 0xfff);
	if (bus != 0 || fn != 0)
		return 0;
	return e->dev[dev];
}

static uint64_t ecam_read(void *ctx, uint64_t off, unsigned w)
{
	uint32_t reg;
	struct sim_dev *s = ecam_dev(ctx, off, &reg);

	if (!s)
		return w == 8 ? ~0ull : (1ull << (8 * w)) - 1;
	return sim_pci_cfg_read(s, reg, w);
}

static void ecam_write(void *ctx, uint64_t off, uint64_t v, unsigned w)
{
	uint32_t reg;
	struct sim_dev *s = ecam_dev(ctx, off, &reg);

	if (s)
		sim_pci_cfg_write(s, reg, (uint32_t)v, w);
}

const struct pf_io_ops sim_ecam_ops = {
	.read = ecam_read,
	.write = ecam_write,
};

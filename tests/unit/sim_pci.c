/* SPDX-License-Identifier: MIT */
/*
 * PCI front end of the simulated device: a type 0 configuration space with
 * the virtio vendor capabilities (4.1.4), one 64-bit BAR holding the common,
 * ISR, device and notify regions, and an ECAM window for several devices.
 * Optionally MSI-X (sim_pci_add_msix()), and interrupt delivery by MSI-X
 * message or INTx through the host interrupt model (sim_pci_service()).
 */
#include "sim_device.h"

#include <string.h>

#include "intr.h"
#include "msix.h"
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

/* ---- per-device PCI state (sim_pci_faults.h) ---- */

/*
 * What struct sim_dev has no room for, kept per device in a small table:
 * the PCI faults, the MSI-X table and PBA, and interrupt delivery. A slot
 * is taken when a device first needs one and freed by sim_pci_attach() (and
 * by sim_pci_set_faults(s, 0) when nothing else is in it), so devices that
 * never use these cost nothing.
 */
struct pci_slot {
	const struct sim_dev *s;
	uint32_t faults;
	/* MSI-X: entries (address low/high, data, vector control) and PBA */
	uint32_t table[SIM_PCI_MSIX_MAX][4];
	uint32_t pba;
	bool table_written;
	/* interrupt delivery (sim_pci_irq_attach()) */
	bool irq;
	uint64_t cfg_addr;    /* ECAM address: the INTx route */
	uint32_t owed;	      /* queues owing a used-buffer message */
	uint32_t config_seen; /* s->config_irqs already sent */
	bool intx_was;	      /* INTx asserted at the last service */
	uint32_t msi_sent, intx_raised;
};

static struct pci_slot slots[SIM_PCI_FAULT_DEVS];

static struct pci_slot *slot_of(const struct sim_dev *s)
{
	for (int i = 0; i < SIM_PCI_FAULT_DEVS; i++)
		if (slots[i].s == s)
			return &slots[i];
	return 0;
}

/* A clean slot: every MSI-X entry masked (its reset value), nothing pending. */
static void slot_clear(struct pci_slot *p, const struct sim_dev *s)
{
	memset(p, 0, sizeof(*p));
	p->s = s;
	for (unsigned v = 0; v < SIM_PCI_MSIX_MAX; v++)
		p->table[v][3] = 1u;
}

/* The slot of s, taken if needed; NULL when the table is full. */
static struct pci_slot *slot_get(const struct sim_dev *s)
{
	struct pci_slot *p = slot_of(s);

	if (p)
		return p;
	p = slot_of(0);
	if (p)
		slot_clear(p, s);
	return p;
}

static void slot_free(const struct sim_dev *s)
{
	struct pci_slot *p = slot_of(s);

	if (p)
		memset(p, 0, sizeof(*p));
}

void sim_pci_set_faults(const struct sim_dev *s, uint32_t faults)
{
	struct pci_slot *p = faults ? slot_get(s) : slot_of(s);

	if (!p)
		return;
	p->faults = faults;
	if (!faults && !p->irq && !p->table_written && !p->pba)
		slot_free(s);
}

uint32_t sim_pci_faults(const struct sim_dev *s)
{
	const struct pci_slot *p = slot_of(s);

	return p ? p->faults : 0;
}

static bool pfault(const struct sim_dev *s, uint32_t f)
{
	return (sim_pci_faults(s) & f) != 0;
}

/* ---- MSI-X and INTx ---- */

/* Table Size: one vector per queue and one for configuration changes. */
static unsigned msix_size(const struct sim_dev *s)
{
	unsigned n = s->num_queues + 1u;

	if (s->pci_cfg[SIM_PCI_MSIX_CAP] != PCI_CAP_ID_MSIX)
		return 0; /* no MSI-X (sim_pci_add_msix() not called) */
	return n < 2 ? 2 : n > SIM_PCI_MSIX_MAX ? SIM_PCI_MSIX_MAX : n;
}

static uint16_t msix_ctrl(const struct sim_dev *s)
{
	if (!msix_size(s))
		return 0;
	return (uint16_t)get(s->pci_cfg, SIM_PCI_MSIX_CAP + PCI_MSIX_FLAGS, 2);
}

void sim_pci_add_msix(struct sim_dev *s)
{
	uint8_t *c = s->pci_cfg;

	if (msix_size(s))
		return; /* already there */
	/* linked between the notify and PCI_CFG capabilities: tests that
	 * append after PCI_CFG keep it; disabled, unmasked at reset */
	c[SIM_PCI_MSIX_CAP] = PCI_CAP_ID_MSIX;
	c[SIM_PCI_MSIX_CAP + 1] = c[0x70 + 1];
	c[0x70 + 1] = SIM_PCI_MSIX_CAP;
	put(c, SIM_PCI_MSIX_CAP + PCI_MSIX_FLAGS, msix_size(s) - 1u, 2);
	put(c, SIM_PCI_MSIX_CAP + PCI_MSIX_TABLE, SIM_PCI_MSIX_TABLE_OFF | SIM_PCI_BAR, 4);
	put(c, SIM_PCI_MSIX_CAP + PCI_MSIX_PBA, SIM_PCI_MSIX_PBA_OFF | SIM_PCI_BAR, 4);
}

static bool msix_enabled(const struct sim_dev *s)
{
	return (msix_ctrl(s) & PCI_MSIX_FLAGS_ENABLE) != 0;
}

/* Message Control: only Enable and Function Mask are writable; clearing
 * Enable drops pending messages (nothing can be sent any more). */
static void msix_ctrl_write(struct sim_dev *s, uint16_t v)
{
	uint16_t keep = msix_ctrl(s) & PCI_MSIX_FLAGS_QSIZE;
	struct pci_slot *p = slot_of(s);

	v &= PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL;
	put(s->pci_cfg, SIM_PCI_MSIX_CAP + PCI_MSIX_FLAGS, keep | v, 2);
	if (!(v & PCI_MSIX_FLAGS_ENABLE) && p)
		p->pba = 0;
}

/*
 * config_msix_vector / queue_msix_vector write (4.1.5.1.2): a vector inside
 * the table is mapped; any other value but NO_VECTOR fails the mapping,
 * which then reads NO_VECTOR. Returns the new register value.
 */
static uint16_t map_vector(const struct sim_dev *s, uint32_t v, uint16_t old)
{
	if (pfault(s, SIM_PCI_F_MSIX_NO_READBACK))
		return old;
	if (v == VIRTIO_MSI_NO_VECTOR || v < msix_size(s) || pfault(s, SIM_PCI_F_MSIX_ACCEPT_RANGE))
		return (uint16_t)v;
	return VIRTIO_MSI_NO_VECTOR;
}

/* MSI-X table (4 bytes at a time) and PBA (4 or 8) in the BAR. */
static bool in_table(const struct sim_dev *s, uint64_t off, unsigned w)
{
	return off >= SIM_PCI_MSIX_TABLE_OFF &&
	       off + w <= SIM_PCI_MSIX_TABLE_OFF + msix_size(s) * PCI_MSIX_ENTRY_SIZE;
}

static bool in_pba(const struct sim_dev *s, uint64_t off, unsigned w)
{
	return msix_size(s) && off >= SIM_PCI_MSIX_PBA_OFF && off + w <= SIM_PCI_MSIX_PBA_OFF + 8u;
}

static uint64_t msix_read(struct sim_dev *s, uint64_t off, unsigned w)
{
	const struct pci_slot *p = slot_of(s);

	if (in_pba(s, off, w) && (w == 4 || w == 8) && !(off & (w - 1)))
		return off == SIM_PCI_MSIX_PBA_OFF && p ? p->pba : 0; /* <= 9 vectors: one word */
	if (w != 4 || (off & 3)) {
		s->bad_access++;
		return 0;
	}
	off -= SIM_PCI_MSIX_TABLE_OFF;
	if (!p) /* never written: the reset values */
		return off % PCI_MSIX_ENTRY_SIZE == PCI_MSIX_ENTRY_CTRL
			       ? PCI_MSIX_ENTRY_CTRL_MASKBIT
			       : 0;
	return p->table[off / PCI_MSIX_ENTRY_SIZE][(off % PCI_MSIX_ENTRY_SIZE) / 4];
}

static void msix_write(struct sim_dev *s, uint64_t off, uint32_t v, unsigned w)
{
	struct pci_slot *p;

	if (!in_table(s, off, w) || w != 4 || (off & 3)) {
		s->bad_access++; /* the PBA is read-only */
		return;
	}
	p = slot_get(s);
	if (!p) {
		s->bad_access++; /* no slot left: the write is lost */
		return;
	}
	off -= SIM_PCI_MSIX_TABLE_OFF;
	if (off % PCI_MSIX_ENTRY_SIZE == PCI_MSIX_ENTRY_CTRL)
		v &= PCI_MSIX_ENTRY_CTRL_MASKBIT; /* the other bits are reserved */
	p->table[off / PCI_MSIX_ENTRY_SIZE][(off % PCI_MSIX_ENTRY_SIZE) / 4] = v;
	p->table_written = true;
}

/* Writes the message of table entry vec to its doorbell. */
static void msi_send(struct pci_slot *p, unsigned vec)
{
	const uint32_t *e = p->table[vec];

	(void)host_intr_msi_write((uint64_t)e[1] << 32 | e[0], e[2]);
	p->msi_sent++;
}

/* An event mapped to vector vec (config or a queue), with the faults. */
static void msix_event(struct sim_dev *s, struct pci_slot *p, uint16_t vec)
{
	unsigned n = msix_size(s);

	if (vec == VIRTIO_MSI_NO_VECTOR) {
		if (!pfault(s, SIM_PCI_F_MSIX_IGNORE_NO_VECTOR))
			return;
		vec = 0;
	}
	if (vec >= n)
		return; /* a bad mapping the device accepted: nowhere to send */
	if (pfault(s, SIM_PCI_F_MSIX_WRONG_VECTOR))
		vec = (uint16_t)((vec + 1u) % n);
	if ((msix_ctrl(s) & PCI_MSIX_FLAGS_MASKALL) ||
	    (p->table[vec][3] & PCI_MSIX_ENTRY_CTRL_MASKBIT))
		p->pba |= 1u << vec; /* held until unmasked */
	else
		msi_send(p, vec);
}

/* Pending messages whose entry and function are unmasked now go out. */
static void msix_flush(struct sim_dev *s, struct pci_slot *p)
{
	if (msix_ctrl(s) & PCI_MSIX_FLAGS_MASKALL)
		return;
	for (unsigned v = 0; v < msix_size(s); v++) {
		if ((p->pba >> v & 1u) && !(p->table[v][3] & PCI_MSIX_ENTRY_CTRL_MASKBIT)) {
			p->pba &= ~(1u << v);
			msi_send(p, v);
		}
	}
}

/* INTx with MSI-X disabled: asserted while ISR is non-zero (4.1.4.5). */
static bool intx_asserted(const struct sim_dev *s)
{
	return s->isr != 0 && !msix_enabled(s) &&
	       !(get(s->pci_cfg, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE);
}

static void intx_service(struct sim_dev *s, struct pci_slot *p)
{
	bool asserted = intx_asserted(s) && !pfault(s, SIM_PCI_F_INTX_NONE);
	struct intr_line line;

	if (asserted && !intr_pci_intx(p->cfg_addr, s->pci_cfg[PCI_INTERRUPT_PIN], &line)) {
		/* level: the controller sees the line as long as it is held,
		 * whenever it is enabled; edge: once per assertion */
		if (line.edge ? !p->intx_was : host_intr_enabled(line.intid)) {
			host_intr_raise(line.intid);
			p->intx_raised++;
		}
	}
	p->intx_was = asserted;
}

bool sim_pci_irq_attach(const struct sim_dev *s, uint64_t cfg_addr)
{
	struct pci_slot *p = slot_get(s);

	if (!p)
		return false;
	p->irq = true;
	p->cfg_addr = cfg_addr;
	p->owed = 0;
	p->config_seen = s->config_irqs;
	p->intx_was = false;
	return true;
}

void sim_pci_service(struct sim_dev *s)
{
	struct pci_slot *p = slot_of(s);

	for (uint16_t q = 0; q < SIM_MAX_QUEUES; q++) {
		uint32_t before = s->irq_raised;

		sim_process(s, q);
		if (p && s->irq_raised != before)
			p->owed |= 1u << q;
	}
	if (!p || !p->irq)
		return;
	if (msix_enabled(s)) {
		msix_flush(s, p);
		for (uint16_t q = 0; q < SIM_MAX_QUEUES; q++)
			if (p->owed >> q & 1u)
				msix_event(s, p, s->q[q].msix);
		if (s->config_irqs != p->config_seen)
			msix_event(s, p, s->msix_config);
		p->intx_was = false;
	} else {
		intx_service(s, p);
	}
	p->owed = 0;
	p->config_seen = s->config_irqs;
}

uint32_t sim_pci_msi_sent(const struct sim_dev *s)
{
	const struct pci_slot *p = slot_of(s);

	return p ? p->msi_sent : 0;
}

uint32_t sim_pci_intx_raised(const struct sim_dev *s)
{
	const struct pci_slot *p = slot_of(s);

	return p ? p->intx_raised : 0;
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
	slot_free(s); /* faults, MSI-X table and interrupt delivery start afresh */
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
	cap(c, SIM_PCI_CFG_CAP, (s->faults & SIM_F_PCI_CAP_LOOP) ? 0x40 : 0, 20,
	    VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 0);
	/* A function offering VIRTIO_F_SR_IOV carries the SR-IOV extended
	 * capability (ID 0x10), here second after an AER one (ID 1). */
	if ((sim_offered(s) & VIRTIO_BIT(VIRTIO_F_SR_IOV)) &&
	    !(s->faults & SIM_F_PCI_NO_SRIOV_CAP)) {
		put(c, 0x100, 0x0001u | 1u << 16 | 0x140u << 20, 4);
		put(c, 0x140, 0x0010u | 1u << 16, 4);
	}
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
	return bar == SIM_PCI_BAR && (*len == 1 || *len == 2 || *len == 4) &&
	       *off < SIM_PCI_BAR_SIZE;
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
	if (overlaps_data(off, w) && !pfault(s, SIM_PCI_F_CFG_READ_STALE) &&
	    cfg_window(s, &at, &len))
		put(s->pci_cfg, CFG_DATA, (uint32_t)bar_read(s, at, len), len);
	if (off <= PCI_STATUS && off + w > PCI_STATUS) {
		/* Status.Interrupt Status: the OR of the ISR bits while MSI-X
		 * is disabled (4.1.4.5.1) */
		bool st =
			s->isr != 0 && !msix_enabled(s) && !pfault(s, SIM_PCI_F_INT_STATUS_STUCK0);

		s->pci_cfg[PCI_STATUS] =
			(uint8_t)((s->pci_cfg[PCI_STATUS] & ~PCI_STATUS_INTERRUPT) |
				  (st ? PCI_STATUS_INTERRUPT : 0));
	}
	return get(s->pci_cfg, off, w);
}

static void bar_write(struct sim_dev *s, uint32_t off, uint32_t v, unsigned w)
{
	uint32_t lo_off = PCI_BAR0 + 4u * SIM_PCI_BAR;

	if (w != 4 || (off != lo_off && off != lo_off + 4))
		return; /* other BARs are not implemented: read 0 */
	if (off == lo_off)
		v = (v & ~(uint32_t)(SIM_PCI_BAR_SIZE - 1)) | PCI_BAR_MEM_TYPE_64 |
		    PCI_BAR_PREFETCH;
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
		put(s->pci_cfg, off,
		    v & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			 PCI_COMMAND_INTX_DISABLE),
		    2);
	} else if (off == PCI_INTERRUPT_LINE && w == 1) {
		s->pci_cfg[off] = (uint8_t)v;
	} else if (off == SIM_PCI_MSIX_CAP + PCI_MSIX_FLAGS && w == 2 && msix_size(s)) {
		msix_ctrl_write(s, (uint16_t)v);
	} else if (off == SIM_PCI_MSIX_CAP && w == 4 && msix_size(s)) {
		msix_ctrl_write(s, (uint16_t)(v >> 16));
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

			if (b == SIM_PCI_CFG_CAP + VIRTIO_PCI_CAP_BAR ||
			    b >= SIM_PCI_CFG_CAP + VIRTIO_PCI_CAP_OFFSET)
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
		if (s->dev_feat_sel >= 2 && pfault(s, SIM_PCI_F_FEAT_WINDOW_ALIAS))
			return (uint32_t)(f >> 32);
		return s->dev_feat_sel == 0 ? (uint32_t)f : s->dev_feat_sel == 1 ? f >> 32 : 0;
	case VIRTIO_PCI_COMMON_GFSELECT:
		return s->drv_feat_sel;
	case VIRTIO_PCI_COMMON_GF:
		if (pfault(s, SIM_PCI_F_DRIVER_FEAT_ECHO))
			return s->drv_feat_sel == 0   ? (uint32_t)f
			       : s->drv_feat_sel == 1 ? f >> 32
						      : 0;
		return s->drv_feat_sel == 0   ? (uint32_t)s->driver_features
		       : s->drv_feat_sel == 1 ? s->driver_features >> 32
					      : 0;
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
		s->msix_config = map_vector(s, v, s->msix_config);
		return;
	case VIRTIO_PCI_COMMON_STATUS:
		if (v == 0 && pfault(s, SIM_PCI_F_MSIX_RESET_KEEPS)) {
			/* the reset forgets everything but the vector mapping */
			uint16_t cfg = s->msix_config, qv[SIM_MAX_QUEUES];

			for (int i = 0; i < SIM_MAX_QUEUES; i++)
				qv[i] = s->q[i].msix;
			sim_write_status(s, 0);
			s->msix_config = cfg;
			for (int i = 0; i < SIM_MAX_QUEUES; i++)
				s->q[i].msix = qv[i];
			return;
		}
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
		q->msix = map_vector(s, v, q->msix);
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
	if (in_table(s, off, w) || in_pba(s, off, w))
		return msix_read(s, off, w);
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
		sim_config_write(s, (uint32_t)(off - SIM_PCI_DEVICE_OFF), v, w);
	} else if (off >= SIM_PCI_NOTIFY_OFF && off < SIM_PCI_NOTIFY_OFF + 0x1000 &&
		   (w == 2 || w == 4) && !((off - SIM_PCI_NOTIFY_OFF) % SIM_PCI_NOTIFY_MULT)) {
		uint16_t q = (uint16_t)((off - SIM_PCI_NOTIFY_OFF) / SIM_PCI_NOTIFY_MULT);

		uint32_t before = s->irq_raised;
		struct pci_slot *p = slot_of(s);

		if ((uint16_t)v != q)
			s->bad_access++; /* notified with another queue's index */
		sim_notify(s, q, (uint32_t)v);
		/* the interrupt goes out at the next sim_pci_service() */
		if (p && s->irq_raised != before && q < 32)
			p->owed |= 1u << q;
	} else if (in_table(s, off, w) || in_pba(s, off, w)) {
		msix_write(s, off, (uint32_t)v, w);
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

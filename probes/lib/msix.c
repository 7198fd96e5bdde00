/* SPDX-License-Identifier: MIT */
/* MSI-X for virtio PCI functions (see msix.h). */
#include "msix.h"

#include <string.h>

#include "virtio/discover.h"
#include "virtio/pci.h"
#include "virtio/virtio_pci.h"

#define MSIX_MAX_ACTIVE 8

/* Functions with MSI-X enabled by msix_enable(): their doorbells. */
static struct msix_active {
	struct virtio_dev *d;
	unsigned nvec;
	struct intr_msi msi[INTR_MSI_MAX];
} active[MSIX_MAX_ACTIVE];

static const struct pci_func *func_of(struct virtio_dev *d)
{
	struct virtio_pci_priv *pv = virtio_pci_priv(d);

	return pv && pv->fn.host ? &pv->fn : NULL;
}

static void visit(void *ctx, uint8_t off, uint8_t id)
{
	uint8_t *cap = ctx;

	if (id == PCI_CAP_ID_MSIX && !*cap)
		*cap = off;
}

/* CPU address of PCI memory address `pci`, through the bridge's windows. */
static int to_cpu(const struct pci_host *h, uint64_t pci, uint64_t len, uint64_t *cpu)
{
	const struct pci_window *w[3] = { &h->mem32, &h->mem64, &h->pref64 };

	for (int i = 0; i < 3; i++) {
		if (w[i]->present && pci >= w[i]->pci_base && len <= w[i]->size &&
		    pci - w[i]->pci_base <= w[i]->size - len) {
			*cpu = pci - w[i]->pci_base + w[i]->cpu_base;
			return 0;
		}
	}
	return PF_EBAR;
}

/*
 * [off, off+len) of BAR bir, as a mapped region: the BAR must be a memory
 * BAR the probe assigned, still holding that address in config space, with
 * memory decoding on, and the range inside its size.
 */
static int map_in_bar(const struct pci_func *f, uint8_t bir, uint32_t off, uint64_t len,
		      uint64_t *cpu, struct pf_region *r)
{
	const struct pci_bar *b;
	uint32_t lo, hi = 0;
	uint64_t addr;

	if (bir >= PCI_NUM_BARS)
		return PF_EBAR;
	b = &f->bar[bir];
	lo = pci_cfg_read(f, PCI_BAR0 + 4u * bir, 4);
	if (lo & PCI_BAR_IO || !b->size || !b->cpu_addr || b->io)
		return PF_EBAR;
	if (((lo >> 1) & 3) == 2) {
		if (bir == PCI_NUM_BARS - 1)
			return PF_EBAR;
		hi = pci_cfg_read(f, PCI_BAR0 + 4u * bir + 4, 4);
	}
	addr = (uint64_t)hi << 32 | (lo & ~0xfu);
	if (addr != b->pci_addr || off > b->size || len > b->size - off)
		return PF_EBAR;
	if (!(pci_cfg_read(f, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY))
		return PF_EBAR;
	if (to_cpu(f->host, addr + off, len, cpu))
		return PF_EBAR;
	return virtio_map_region(*cpu, len, r) ? PF_EBAR : 0;
}

int msix_find(struct virtio_dev *d, struct msix_cap *c)
{
	const struct pci_func *f = func_of(d);
	uint32_t table, pba;
	uint16_t ctrl;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!f)
		return PF_ENOTPCI;
	if (pci_walk_caps(f, visit, &c->cap) < 0)
		return PF_ECAPLIST;
	if (!c->cap)
		return PF_ENOCAP;
	if (c->cap > 256 - 12)
		return PF_ECAPLIST; /* the 12-byte capability must fit */
	ctrl = (uint16_t)pci_cfg_read(f, c->cap + PCI_MSIX_FLAGS, 2);
	table = pci_cfg_read(f, c->cap + PCI_MSIX_TABLE, 4);
	pba = pci_cfg_read(f, c->cap + PCI_MSIX_PBA, 4);
	c->table_size = (uint16_t)((ctrl & PCI_MSIX_FLAGS_QSIZE) + 1);
	c->table_bir = (uint8_t)(table & PCI_MSIX_BIR);
	c->table_off = table & ~PCI_MSIX_BIR;
	c->pba_bir = (uint8_t)(pba & PCI_MSIX_BIR);
	c->pba_off = pba & ~PCI_MSIX_BIR;
	rc = map_in_bar(f, c->table_bir, c->table_off,
			(uint64_t)c->table_size * PCI_MSIX_ENTRY_SIZE, &c->table_addr, &c->table);
	if (!rc)
		rc = map_in_bar(f, c->pba_bir, c->pba_off, ((c->table_size + 63u) / 64u) * 8u,
				&c->pba_addr, &c->pba);
	return rc;
}

int msix_table_size(struct virtio_dev *d)
{
	struct msix_cap c;
	int rc = msix_find(d, &c);

	return rc ? rc : c.table_size;
}

static void set_control(const struct pci_func *f, const struct msix_cap *c, uint16_t set,
			uint16_t clear)
{
	uint16_t v = (uint16_t)pci_cfg_read(f, c->cap + PCI_MSIX_FLAGS, 2);

	pci_cfg_write(f, c->cap + PCI_MSIX_FLAGS, (v & ~clear) | set, 2);
}

static void entry_mask(const struct msix_cap *c, unsigned vec, bool mask)
{
	uint64_t e = (uint64_t)vec * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_CTRL;
	uint32_t v = io_read32(&c->table, e);

	v = mask ? v | PCI_MSIX_ENTRY_CTRL_MASKBIT : v & ~PCI_MSIX_ENTRY_CTRL_MASKBIT;
	io_write32(&c->table, e, v);
}

static struct msix_active *active_of(struct virtio_dev *d)
{
	for (int i = 0; i < MSIX_MAX_ACTIVE; i++)
		if (active[i].d == d)
			return &active[i];
	return NULL;
}

/* Function Mask and Enable on, every entry masked: a safe state to
 * program the table in. */
static int enable_all_masked(const struct pci_func *f, const struct msix_cap *c)
{
	uint16_t want = PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL;

	set_control(f, c, want, 0);
	for (unsigned v = 0; v < c->table_size; v++)
		entry_mask(c, v, true);
	if ((pci_cfg_read(f, c->cap + PCI_MSIX_FLAGS, 2) & want) != want)
		return PF_ESTUCK;
	return 0;
}

int msix_enable_masked(struct virtio_dev *d)
{
	struct msix_cap c;
	int rc = msix_find(d, &c);

	msix_disable(d);
	return rc ? rc : enable_all_masked(func_of(d), &c);
}

int msix_enable(struct virtio_dev *d, unsigned nvec, uint32_t intids[])
{
	const struct pci_func *f;
	struct msix_active *a;
	struct msix_cap c;
	int rc = msix_find(d, &c);

	if (rc)
		return rc;
	if (nvec == 0 || nvec > INTR_MSI_MAX || nvec > c.table_size)
		return PF_EINVAL;
	msix_disable(d);
	a = active_of(NULL);
	if (!a)
		return PF_EBUSY;
	f = func_of(d);
	rc = intr_msi_alloc(d->address, nvec, a->msi);
	if (rc)
		return rc;
	a->d = d;
	a->nvec = nvec;
	rc = enable_all_masked(f, &c);
	if (rc) {
		msix_disable(d);
		return rc;
	}
	for (unsigned v = 0; v < nvec; v++) {
		uint64_t e = (uint64_t)v * PCI_MSIX_ENTRY_SIZE;

		io_write32(&c.table, e + PCI_MSIX_ENTRY_ADDR_LO, (uint32_t)a->msi[v].addr);
		io_write32(&c.table, e + PCI_MSIX_ENTRY_ADDR_HI, (uint32_t)(a->msi[v].addr >> 32));
		io_write32(&c.table, e + PCI_MSIX_ENTRY_DATA, a->msi[v].data);
		entry_mask(&c, v, false); /* after address and data (program order) */
		intids[v] = a->msi[v].intid;
	}
	set_control(f, &c, 0, PCI_MSIX_FLAGS_MASKALL);
	if (pci_cfg_read(f, c.cap + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_MASKALL) {
		msix_disable(d);
		return PF_ESTUCK;
	}
	return 0;
}

void msix_disable(struct virtio_dev *d)
{
	struct msix_active *a = d ? active_of(d) : NULL;
	struct msix_cap c;

	if (d && !msix_find(d, &c)) {
		for (unsigned v = 0; v < c.table_size; v++)
			entry_mask(&c, v, true);
		set_control(func_of(d), &c, 0, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	}
	if (a) {
		/* the function can no longer send: the doorbells can go */
		intr_msi_free(a->msi, a->nvec);
		memset(a, 0, sizeof(*a));
	}
}

void msix_function_mask(struct virtio_dev *d, bool mask)
{
	struct msix_cap c;

	if (!msix_find(d, &c))
		set_control(func_of(d), &c, mask ? PCI_MSIX_FLAGS_MASKALL : 0,
			    mask ? 0 : PCI_MSIX_FLAGS_MASKALL);
}

void msix_vector_mask(struct virtio_dev *d, unsigned vec, bool mask)
{
	struct msix_cap c;

	if (!msix_find(d, &c) && vec < c.table_size)
		entry_mask(&c, vec, mask);
}

bool msix_pending(struct virtio_dev *d, unsigned vec)
{
	struct msix_cap c;

	if (msix_find(d, &c) || vec >= c.table_size)
		return false;
	return (io_read32(&c.pba, vec / 32 * 4) >> (vec % 32)) & 1;
}

uint16_t msix_control(struct virtio_dev *d)
{
	struct msix_cap c;

	if (msix_find(d, &c))
		return 0xffff;
	return (uint16_t)pci_cfg_read(func_of(d), c.cap + PCI_MSIX_FLAGS, 2);
}

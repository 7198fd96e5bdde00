/* SPDX-License-Identifier: MIT */
/* PCI: ECAM access, the host bridge from the device tree, functions and their
 * capability list (see pci.h). BARs: pci_bars.c; buses and bridges: pci_bus.c. */
#include "pci.h"

#include <libfdt.h>
#include <string.h>

#include "discover.h"
#include "fdt_util.h"
#include "pci_internal.h"
#include "virtio_util.h"

static uint64_t ecam_off(const struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn)
{
	return (uint64_t)(bus - h->bus_start) << 20 | (uint64_t)dev << 15 | (uint64_t)fn << 12;
}

uint32_t pci_host_read(const struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off,
		       unsigned width)
{
	uint64_t a = ecam_off(h, bus, dev, fn) + off;

	return io_read(&h->ecam, a, width);
}

uint32_t pci_cfg_read(const struct pci_func *f, uint32_t off, unsigned width)
{
	return io_read(&f->cfg, off, width);
}

void pci_cfg_write(const struct pci_func *f, uint32_t off, uint32_t val, unsigned width)
{
	io_write(&f->cfg, off, val, width);
}

/* ---- the host bridge from the device tree ---- */

static void add_window(struct pci_window *w, uint64_t pci, uint64_t cpu, uint64_t size)
{
	if (w->present || size == 0)
		return; /* first one of each kind wins */
	w->present = true;
	w->pci_base = pci;
	w->cpu_base = cpu;
	w->size = size;
	w->next = pci;
}

static int parse_ranges(const void *fdt, int node, struct pci_host *h)
{
	const unsigned char *p;
	int len, ac, pac, sc, entry, parent = fdt_parent_offset(fdt, node);

	if (parent < 0)
		return PF_EINVAL;
	ac = fdt_address_cells(fdt, node);
	sc = fdt_size_cells(fdt, node);
	pac = fdt_address_cells(fdt, parent);
	if (ac != 3 || sc < 1 || sc > 2 || pac < 1 || pac > 2)
		return PF_EBADCELLS;
	p = fdt_getprop(fdt, node, "ranges", &len);
	entry = (ac + pac + sc) * 4;
	if (!p || len < entry)
		return PF_EBADPROP;
	for (int off = 0; off + entry <= len; off += entry) {
		const unsigned char *e = p + off;
		uint32_t hi = (uint32_t)fdt_util_read_cells(e, 1);
		uint64_t pci = fdt_util_read_cells(e + 4, 2);
		uint64_t cpu = fdt_util_read_cells(e + 12, pac);
		uint64_t size = fdt_util_read_cells(e + 12 + 4 * pac, sc);

		if (pci + size < pci || cpu + size < cpu)
			continue; /* wraps: unusable */
		switch ((hi >> 24) & 3) {
		case 2: /* 32-bit memory */
			if (pci + size <= 0x100000000ull)
				add_window(&h->mem32, pci, cpu, size);
			break;
		case 3: /* 64-bit memory */
			add_window(hi & (1u << 30) ? &h->pref64 : &h->mem64, pci, cpu, size);
			break;
		default: /* configuration or I/O space: not used */
			break;
		}
	}
	return 0;
}

int pci_host_from_fdt(const void *fdt, int node, uint16_t index, struct pci_host *h)
{
	const unsigned char *p;
	uint64_t nbus;
	int len, rc;

	memset(h, 0, sizeof(*h));
	rc = fdt_util_reg(fdt, node, 0, &h->ecam_base, &h->ecam_size);
	if (rc)
		return rc;
	if (h->ecam_size < (1u << 20))
		return PF_EBADPROP; /* not even one bus */
	h->bus_start = 0;
	h->bus_end = 255;
	p = fdt_getprop(fdt, node, "bus-range", &len);
	if (p && len == 8) {
		uint32_t s = (uint32_t)fdt_util_read_cells(p, 1);
		uint32_t e = (uint32_t)fdt_util_read_cells(p + 4, 1);

		if (s > e || e > 255)
			return PF_EINVAL;
		h->bus_start = (uint8_t)s;
		h->bus_end = (uint8_t)e;
	}
	nbus = h->ecam_size >> 20;
	if (nbus < (uint64_t)(h->bus_end - h->bus_start) + 1)
		h->bus_end = (uint8_t)(h->bus_start + nbus - 1);
	h->segment = index;
	p = fdt_getprop(fdt, node, "linux,pci-domain", &len);
	if (p && len == 4)
		h->segment = (uint16_t)fdt_util_read_cells(p, 1);
	rc = parse_ranges(fdt, node, h);
	if (rc)
		return rc;
	return virtio_map_region(h->ecam_base, (uint64_t)(h->bus_end - h->bus_start + 1) << 20,
				 &h->ecam);
}

void pci_host_write(const struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off,
		    uint32_t val, unsigned width)
{
	io_write(&h->ecam, ecam_off(h, bus, dev, fn) + off, val, width);
}

int pci_func_init(struct pci_func *f, struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn)
{
	memset(f, 0, sizeof(*f));
	if (bus < h->bus_start || bus > h->bus_end || dev > 31 || fn > 7)
		return PF_EINVAL;
	f->host = h;
	f->bus = bus;
	f->dev = dev;
	f->fn = fn;
	f->cfg_addr = h->ecam_base + ecam_off(h, bus, dev, fn);
	return virtio_map_region(f->cfg_addr, 4096, &f->cfg);
}

int pci_walk_caps(const struct pci_func *f, void (*visit)(void *ctx, uint8_t off, uint8_t id),
		  void *ctx)
{
	bool seen[64] = { false };
	uint8_t off;
	int n = 0;

	if (!(pci_cfg_read(f, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	off = (uint8_t)pci_cfg_read(f, PCI_CAPABILITY_LIST, 1) & 0xfc;
	while (off) {
		if (off < 0x40 || seen[off / 4] || n >= 48)
			return PF_ECAPLIST; /* into the header, a loop, or too many */
		seen[off / 4] = true;
		visit(ctx, off, (uint8_t)pci_cfg_read(f, off, 1));
		n++;
		off = (uint8_t)pci_cfg_read(f, off + 1u, 1) & 0xfc;
	}
	return n;
}

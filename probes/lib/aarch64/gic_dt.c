/* SPDX-License-Identifier: MIT */
/*
 * Device-tree side of the GIC: which controller, where its registers are,
 * and which INTID a device's interrupt is (its `interrupts`, a PCI host
 * bridge's `interrupt-map`, its `msi-map`). The DT comes from the
 * hypervisor: every length and cell count is checked before it is used,
 * every walk is bounded.
 */
#include <libfdt.h>
#include <string.h>

#include "a64.h"
#include "gic.h"
#include "intr.h"

#define MAX_NODES 100000 /* bound on a walk over the whole tree */
#define MAX_DEPTH 64

static const char *const v3_compat[] = { "arm,gic-v3", 0 };
static const char *const v2_compat[] = { "arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a7-gic",
					 "arm,cortex-a9-gic", 0 };

static bool usable(const void *fdt, int node)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "status", &len);

	if (!fdt_getprop(fdt, node, "interrupt-controller", &len))
		return false;
	return !s || len <= 0 || !strncmp(s, "okay", (size_t)len) || !strncmp(s, "ok", (size_t)len);
}

static int find_compat(const void *fdt, const char *const *list)
{
	for (; *list; list++) {
		int node = fdt_node_offset_by_compatible(fdt, -1, *list);

		for (int n = 0; node >= 0 && n < 64; n++) {
			if (usable(fdt, node))
				return node;
			node = fdt_node_offset_by_compatible(fdt, node, *list);
		}
	}
	return -1;
}

int gic_dt_find(const void *fdt, int *node, int *version)
{
	*node = find_compat(fdt, v3_compat);
	*version = 3;
	if (*node < 0) {
		*node = find_compat(fdt, v2_compat);
		*version = 2;
	}
	return *node < 0 ? PF_ENODEV : 0;
}

int gic_dt_reg(const void *fdt, int node, int idx, uint64_t *addr, uint64_t *size)
{
	if (a64_dt_reg(fdt, node, idx, addr, size))
		return PF_EINVAL;
	if (*size == 0 || *addr + *size < *addr)
		return PF_EINVAL;
	return 0;
}

/*
 * GIC binding (arm,gic.yaml / arm,gic-v3.yaml): cell 0 is the type (0 SPI,
 * 1 PPI), cell 1 the number, cell 2 the flags whose low nibble is the
 * trigger (1 rising edge, 2 falling edge, 4 level high, 8 level low). A
 * 4th cell (GICv3 PPI partitions) is ignored.
 */
int gic_dt_decode(const uint32_t *cells, int ncells, uint32_t *intid, bool *edge)
{
	uint32_t type, num, trig;

	if (ncells < 3)
		return PF_EINVAL;
	type = cells[0];
	num = cells[1];
	trig = cells[2] & 0xf;
	if (type == 0 && num <= GIC_MAX_SPI_INTID - GIC_SPI_BASE)
		*intid = GIC_SPI_BASE + num;
	else if (type == 1 && num < 16)
		*intid = 16 + num;
	else
		return PF_ENOTSUP; /* extended SPI/PPI ranges, or garbage */
	*edge = (trig & 3) != 0;
	return 0;
}

/* ---- generic helpers ---- */

static uint32_t cell(const void *p, int i)
{
	return fdt32_ld((const fdt32_t *)p + i);
}

static int prop_u32(const void *fdt, int node, const char *name, uint32_t dflt)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return (int)dflt;
	if (len != 4 || cell(p, 0) > 8)
		return -1;
	return (int)cell(p, 0);
}

static int irq_parent(const void *fdt, int node)
{
	for (int d = 0; node >= 0 && d < MAX_DEPTH; d++) {
		int len;
		const void *p = fdt_getprop(fdt, node, "interrupt-parent", &len);

		if (p && len == 4)
			return fdt_node_offset_by_phandle(fdt, cell(p, 0));
		node = fdt_parent_offset(fdt, node);
	}
	return -1;
}

/* Decode cells of a specifier for `parent`, which must be the GIC. */
static int decode_for(const void *fdt, int gic, int parent, const void *spec, int ncells,
		      struct intr_line *out)
{
	uint32_t c[4] = { 0 };

	if (parent != gic)
		return PF_ENOTSUP; /* a cascaded controller: not driven */
	for (int i = 0; i < ncells && i < 4; i++)
		c[i] = cell(spec, i);
	(void)fdt;
	return gic_dt_decode(c, ncells, &out->intid, &out->edge);
}

static int node_by_reg(const void *fdt, uint64_t reg_addr)
{
	int node = -1, depth = 0;

	for (int n = 0; n < MAX_NODES; n++) {
		uint64_t a, s;
		int len;

		node = fdt_next_node(fdt, node, &depth);
		if (node < 0)
			return -1;
		if (!fdt_getprop(fdt, node, "reg", &len))
			continue;
		if (!a64_dt_reg(fdt, node, 0, &a, &s) && a == reg_addr)
			return node;
	}
	return -1;
}

int gic_dt_irq_by_reg(const void *fdt, int gic, uint64_t reg_addr, unsigned index,
		      struct intr_line *out)
{
	int node = node_by_reg(fdt, reg_addr), len, parent, cells;
	const uint8_t *p;

	if (node < 0)
		return PF_EINVAL;
	/* interrupts-extended: <phandle spec...> per interrupt, own cell counts */
	p = fdt_getprop(fdt, node, "interrupts-extended", &len);
	if (p) {
		for (unsigned i = 0; len >= 4; i++) {
			parent = fdt_node_offset_by_phandle(fdt, cell(p, 0));
			cells = parent >= 0 ? prop_u32(fdt, parent, "#interrupt-cells", 0) : -1;
			if (cells <= 0 || len < 4 * (1 + cells))
				return PF_EINVAL;
			if (i == index)
				return decode_for(fdt, gic, parent, p + 4, cells, out);
			p += 4 * (1 + cells);
			len -= 4 * (1 + cells);
		}
		return PF_EINVAL;
	}
	p = fdt_getprop(fdt, node, "interrupts", &len);
	parent = irq_parent(fdt, node);
	if (!p || parent < 0)
		return PF_EINVAL;
	cells = prop_u32(fdt, parent, "#interrupt-cells", 0);
	if (cells <= 0 || len < 4 * cells * (int)(index + 1))
		return PF_EINVAL;
	return decode_for(fdt, gic, parent, p + 4 * cells * index, cells, out);
}

/* ---- PCI host bridges ---- */

struct pci_loc {
	int node;      /* pci-host-ecam-generic */
	uint64_t ecam; /* ECAM window base */
	uint32_t bus_start, bus_end;
	uint32_t bus, dev, fn;
};

static int pci_locate(const void *fdt, uint64_t cfg_addr, struct pci_loc *l)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "pci-host-ecam-generic");

	for (int n = 0; node >= 0 && n < 64; n++) {
		uint64_t a, s, off;
		int len;
		const void *br = fdt_getprop(fdt, node, "bus-range", &len);

		memset(l, 0, sizeof(*l));
		l->bus_end = 255;
		if (br && len == 8) {
			l->bus_start = cell(br, 0);
			l->bus_end = cell(br, 1);
		}
		if (!a64_dt_reg(fdt, node, 0, &a, &s) && cfg_addr >= a && cfg_addr - a < s &&
		    l->bus_start <= l->bus_end && l->bus_end <= 255) {
			off = cfg_addr - a;
			l->node = node;
			l->ecam = a;
			l->bus = l->bus_start + (uint32_t)(off >> 20);
			l->dev = (uint32_t)(off >> 15) & 31;
			l->fn = (uint32_t)(off >> 12) & 7;
			return l->bus <= l->bus_end && !(off & 0xfff) ? 0 : PF_EINVAL;
		}
		node = fdt_node_offset_by_compatible(fdt, node, "pci-host-ecam-generic");
	}
	return PF_EINVAL;
}

static uint32_t ecam_read32(const struct pci_loc *l, uint32_t bus, uint32_t dev, uint32_t fn,
			    uint32_t off)
{
	return gic_read32(l->ecam + ((uint64_t)(bus - l->bus_start) << 20 | dev << 15 | fn << 12) +
			  off);
}

/*
 * The bridge on `bus` whose secondary..subordinate range holds `target`:
 * its device/function, and its secondary bus. -1 if none.
 */
static int find_bridge(const struct pci_loc *l, uint32_t bus, uint32_t target, uint32_t *dev,
		       uint32_t *fn, uint32_t *sec)
{
	for (uint32_t d = 0; d < 32; d++) {
		for (uint32_t f = 0; f < 8; f++) {
			uint32_t id = ecam_read32(l, bus, d, f, 0), hdr, buses;

			if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0) {
				if (f == 0)
					break;
				continue;
			}
			hdr = ecam_read32(l, bus, d, f, 0x0c) >> 16;
			if ((hdr & 0x7f) == 1) {
				buses = ecam_read32(l, bus, d, f, 0x18);
				*sec = (buses >> 8) & 0xff;
				if (*sec > bus && *sec <= target &&
				    target <= ((buses >> 16) & 0xff)) {
					*dev = d;
					*fn = f;
					return 0;
				}
			}
			if (f == 0 && !(hdr & 0x80))
				break; /* single-function device */
		}
	}
	return -1;
}

#define MAX_BRIDGES 16 /* nesting the probe configures (pci.h) */

struct pci_path {
	uint32_t n; /* bridges from the root bus down */
	uint32_t dev[MAX_BRIDGES], fn[MAX_BRIDGES], sec[MAX_BRIDGES];
	uint32_t bus[MAX_BRIDGES]; /* the bus each bridge sits on */
};

/* The bridges between the root bus and l's bus, found by their
 * secondary..subordinate ranges. */
static int bridge_path(const struct pci_loc *l, struct pci_path *p)
{
	uint32_t bus = l->bus_start;

	p->n = 0;
	while (bus != l->bus) {
		uint32_t d, f, sec;

		if (p->n == MAX_BRIDGES || find_bridge(l, bus, l->bus, &d, &f, &sec))
			return PF_ENOTSUP;
		p->dev[p->n] = d;
		p->fn[p->n] = f;
		p->sec[p->n] = sec;
		p->bus[p->n] = bus;
		p->n++;
		bus = sec;
	}
	return 0;
}

/*
 * Standard INTx swizzle (PCI-to-PCI Bridge spec, 9.1): crossing a bridge,
 * pin becomes ((pin - 1 + device number on the secondary side) mod 4) + 1.
 * Leaves *l pointing at the root-bus function the interrupt-map knows.
 */
static int swizzle_to_root(struct pci_loc *l, uint8_t *pin)
{
	struct pci_path p;
	int rc = bridge_path(l, &p);

	if (rc || !p.n)
		return rc;
	/* from the device up: the device's number on the last secondary bus,
	 * then each bridge's number on its parent's secondary bus */
	for (uint32_t i = p.n; i-- > 0;) {
		uint32_t child = i + 1 < p.n ? p.dev[i + 1] : l->dev;

		*pin = (uint8_t)(((*pin - 1u + child) & 3u) + 1u);
	}
	l->bus = l->bus_start;
	l->dev = p.dev[0];
	l->fn = p.fn[0];
	return 0;
}

/* Device/Port Type of a function's PCI Express capability; -1 without one
 * (a conventional PCI function). The list walk is bounded. */
static int pcie_type(const struct pci_loc *l, uint32_t bus, uint32_t dev, uint32_t fn)
{
	uint32_t off;

	if (!(ecam_read32(l, bus, dev, fn, 0x04) >> 16 & 0x10))
		return -1; /* Status: no capability list */
	off = ecam_read32(l, bus, dev, fn, 0x34) & 0xfc;
	for (int n = 0; off >= 0x40 && n < 48; n++) {
		uint32_t hdr = ecam_read32(l, bus, dev, fn, off);

		if ((hdr & 0xff) == 0x10)
			return (int)(hdr >> 20 & 0xf);
		off = hdr >> 8 & 0xfc;
	}
	return -1;
}

/*
 * The requester ID the host bridge sees for l's function. A bridge to
 * conventional PCI takes ownership of the transactions it forwards: a
 * PCIe-to-PCI bridge (port type 7) issues them as (its secondary bus, 0.0),
 * a conventional PCI-to-PCI bridge as itself. The one nearest the root
 * wins. This is what QEMU's pci_requester_id() gives the ITS and what
 * Linux's pci_for_each_dma_alias() computes.
 */
static int requester_id(const struct pci_loc *l, uint32_t *rid)
{
	struct pci_path p;
	int rc = bridge_path(l, &p);

	*rid = l->bus << 8 | l->dev << 3 | l->fn;
	if (rc)
		return rc;
	for (uint32_t i = 0; i < p.n; i++) {
		int type = pcie_type(l, p.bus[i], p.dev[i], p.fn[i]);

		if (type == 7) {
			*rid = p.sec[i] << 8;
			return 0;
		}
		if (type < 0) {
			*rid = p.bus[i] << 8 | p.dev[i] << 3 | p.fn[i];
			return 0;
		}
	}
	return 0;
}

int gic_dt_pci_intx(const void *fdt, int gic, uint64_t cfg_addr, uint8_t pin, struct intr_line *out)
{
	struct pci_loc l;
	const uint8_t *map, *mask;
	uint32_t key[4], m[4] = { ~0u, ~0u, ~0u, ~0u };
	int len, mlen, ac, ic, rc;

	if (pin < 1 || pin > 4)
		return PF_EINVAL;
	rc = pci_locate(fdt, cfg_addr, &l);
	if (!rc)
		rc = swizzle_to_root(&l, &pin);
	if (rc)
		return rc;
	ac = prop_u32(fdt, l.node, "#address-cells", 3);
	ic = prop_u32(fdt, l.node, "#interrupt-cells", 1);
	map = fdt_getprop(fdt, l.node, "interrupt-map", &len);
	if (ac != 3 || ic != 1 || !map)
		return PF_EINVAL;
	mask = fdt_getprop(fdt, l.node, "interrupt-map-mask", &mlen);
	if (mask && mlen == 16)
		for (int i = 0; i < 4; i++)
			m[i] = cell(mask, i);
	key[0] = (l.bus << 16 | l.dev << 11 | l.fn << 8) & m[0];
	key[1] = 0;
	key[2] = 0;
	key[3] = pin & m[3];
	/* entry: child unit address (3), child pin (1), parent phandle,
	 * parent unit address (#address-cells, 0 if absent), specifier */
	for (int n = 0; len >= 5 * 4 && n < 4096; n++) {
		int parent = fdt_node_offset_by_phandle(fdt, cell(map, 4));
		int pac = parent >= 0 ? prop_u32(fdt, parent, "#address-cells", 0) : -1;
		int pic = parent >= 0 ? prop_u32(fdt, parent, "#interrupt-cells", 0) : -1;
		int words = 5 + pac + pic;
		bool hit = true;

		if (pac < 0 || pic <= 0 || len < 4 * words)
			return PF_EINVAL;
		for (int i = 0; i < 4; i++)
			hit = hit && (cell(map, i) & m[i]) == key[i];
		if (hit)
			return decode_for(fdt, gic, parent, map + 4 * (5 + pac), pic, out);
		map += 4 * words;
		len -= 4 * words;
	}
	return PF_EINVAL;
}

/*
 * The DeviceID an MSI of this function carries (its requester ID through
 * the host bridge's msi-map / msi-map-mask; with msi-parent or neither, the
 * requester ID itself) and the MSI controller node (-1 if not named).
 */
int gic_dt_pci_msi(const void *fdt, uint64_t cfg_addr, uint32_t *devid, int *msi_node)
{
	struct pci_loc l;
	const uint8_t *p;
	uint32_t rid, rmask = ~0u;
	int len, rc = pci_locate(fdt, cfg_addr, &l);

	if (!rc)
		rc = requester_id(&l, &rid);
	if (rc)
		return rc;
	*devid = rid;
	*msi_node = -1;
	p = fdt_getprop(fdt, l.node, "msi-map-mask", &len);
	if (p && len == 4)
		rmask = cell(p, 0);
	p = fdt_getprop(fdt, l.node, "msi-map", &len);
	if (p) {
		uint32_t r = rid & rmask;

		/* (rid-base, msi-controller, msi-base, length), one cell each */
		for (; len >= 16; p += 16, len -= 16) {
			uint32_t base = cell(p, 0), length = cell(p, 3);

			if (r >= base && r - base < length) {
				*msi_node = fdt_node_offset_by_phandle(fdt, cell(p, 1));
				*devid = cell(p, 2) + (r - base);
				return 0;
			}
		}
		return PF_EINVAL; /* RID not covered: the function cannot MSI */
	}
	p = fdt_getprop(fdt, l.node, "msi-parent", &len);
	if (p && len >= 4)
		*msi_node = fdt_node_offset_by_phandle(fdt, cell(p, 0));
	return 0;
}

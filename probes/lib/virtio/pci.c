/* SPDX-License-Identifier: MIT */
/* PCI: ECAM access, enumeration, BAR assignment (see pci.h). */
#include "pci.h"

#include <libfdt.h>
#include <string.h>

#include "discover.h"
#include "fdt_util.h"
#include "virtio_util.h"

static uint64_t ecam_off(const struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn)
{
	return (uint64_t)(bus - h->bus_start) << 20 | (uint64_t)dev << 15 | (uint64_t)fn << 12;
}

static uint32_t host_read(const struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn,
			  uint32_t off, unsigned width)
{
	uint64_t a = ecam_off(h, bus, dev, fn) + off;

	return width == 1 ? io_read8(&h->ecam, a) : width == 2 ? io_read16(&h->ecam, a)
								: io_read32(&h->ecam, a);
}

uint32_t pci_cfg_read(const struct pci_func *f, uint32_t off, unsigned width)
{
	switch (width) {
	case 1:
		return io_read8(&f->cfg, off);
	case 2:
		return io_read16(&f->cfg, off);
	default:
		return io_read32(&f->cfg, off);
	}
}

void pci_cfg_write(const struct pci_func *f, uint32_t off, uint32_t val, unsigned width)
{
	switch (width) {
	case 1:
		io_write8(&f->cfg, off, (uint8_t)val);
		break;
	case 2:
		io_write16(&f->cfg, off, (uint16_t)val);
		break;
	default:
		io_write32(&f->cfg, off, val);
		break;
	}
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
		return -1;
	ac = fdt_address_cells(fdt, node);
	sc = fdt_size_cells(fdt, node);
	pac = fdt_address_cells(fdt, parent);
	if (ac != 3 || sc < 1 || sc > 2 || pac < 1 || pac > 2)
		return -1;
	p = fdt_getprop(fdt, node, "ranges", &len);
	entry = (ac + pac + sc) * 4;
	if (!p || len < entry)
		return -1;
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
	int len;

	memset(h, 0, sizeof(*h));
	if (fdt_util_reg(fdt, node, 0, &h->ecam_base, &h->ecam_size) || h->ecam_size < (1u << 20))
		return -1;
	h->bus_start = 0;
	h->bus_end = 255;
	p = fdt_getprop(fdt, node, "bus-range", &len);
	if (p && len == 8) {
		uint32_t s = (uint32_t)fdt_util_read_cells(p, 1);
		uint32_t e = (uint32_t)fdt_util_read_cells(p + 4, 1);

		if (s > e || e > 255)
			return -2;
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
	if (parse_ranges(fdt, node, h))
		return -3;
	if (virtio_map_region(h->ecam_base,
			      (uint64_t)(h->bus_end - h->bus_start + 1) << 20, &h->ecam))
		return -4;
	return 0;
}

/* ---- enumeration ---- */

static bool present(const struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn)
{
	uint32_t v = host_read(h, bus, dev, fn, PCI_VENDOR_ID, 2);

	return v != 0xffff && v != 0;
}

void pci_enumerate(struct pci_host *h, pci_visit_fn visit, void *ctx)
{
	/* buses to scan: the root bus, then secondaries of configured bridges */
	uint8_t queue[256];
	bool seen[256] = { false };
	unsigned qh = 0, qt = 0;

	queue[qt++] = h->bus_start;
	seen[h->bus_start] = true;
	while (qh < qt) {
		uint8_t bus = queue[qh++];

		for (uint8_t dev = 0; dev < 32; dev++) {
			uint8_t nfn = 1;

			if (!present(h, bus, dev, 0))
				continue;
			if (host_read(h, bus, dev, 0, PCI_HEADER_TYPE, 1) & PCI_HEADER_MULTIFUNC)
				nfn = 8;
			for (uint8_t fn = 0; fn < nfn; fn++) {
				uint8_t type, sec;

				if (!present(h, bus, dev, fn))
					continue;
				type = (uint8_t)host_read(h, bus, dev, fn, PCI_HEADER_TYPE, 1) &
				       PCI_HEADER_TYPE_MASK;
				if (type == 1) {
					/* bridge: follow it only if someone configured it */
					sec = (uint8_t)host_read(h, bus, dev, fn, 0x19, 1);
					if (sec > bus && sec >= h->bus_start && sec <= h->bus_end &&
					    !seen[sec] && qt < sizeof(queue)) {
						seen[sec] = true;
						queue[qt++] = sec;
					} else if (sec == 0) {
						virtio_log("info", 0,
							   "PCI bridge %02x:%02x.%u not configured; "
							   "devices behind it are not scanned",
							   bus, dev, fn);
					}
					continue;
				}
				if (visit(ctx, h, bus, dev, fn))
					return;
			}
		}
	}
}

int pci_func_init(struct pci_func *f, struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn)
{
	memset(f, 0, sizeof(*f));
	if (bus < h->bus_start || bus > h->bus_end || dev > 31 || fn > 7)
		return -1;
	f->host = h;
	f->bus = bus;
	f->dev = dev;
	f->fn = fn;
	f->cfg_addr = h->ecam_base + ecam_off(h, bus, dev, fn);
	return virtio_map_region(f->cfg_addr, 4096, &f->cfg) ? -2 : 0;
}

/* ---- BARs ---- */

static bool window_alloc(struct pci_window *w, uint64_t size, bool below4g, uint64_t *pci)
{
	uint64_t a, end;

	if (!w->present)
		return false;
	a = (w->next + size - 1) & ~(size - 1);
	end = w->pci_base + w->size;
	if (a < w->next || a + size < a || a + size > end)
		return false;
	if (below4g && a + size > 0x100000000ull)
		return false;
	w->next = a + size;
	*pci = a;
	return true;
}

/* The 32-bit window first (keeps devices below 4 GiB), then for 64-bit
 * BARs the prefetchable or plain 64-bit window. */
static struct pci_window *place(struct pci_host *h, uint64_t size, bool is64, bool pref,
				uint64_t *pci)
{
	if (window_alloc(&h->mem32, size, true, pci))
		return &h->mem32;
	if (!is64)
		return 0;
	if (pref && window_alloc(&h->pref64, size, false, pci))
		return &h->pref64;
	if (window_alloc(&h->mem64, size, false, pci))
		return &h->mem64;
	return 0;
}

static uint64_t size_bar(const struct pci_func *f, uint32_t off, bool is64, uint32_t orig)
{
	uint32_t lo, hi = 0xffffffffu;
	uint64_t mask;

	pci_cfg_write(f, off, 0xffffffffu, 4);
	lo = pci_cfg_read(f, off, 4);
	pci_cfg_write(f, off, orig, 4);
	if (is64) {
		uint32_t orig_hi = pci_cfg_read(f, off + 4, 4);

		pci_cfg_write(f, off + 4, 0xffffffffu, 4);
		hi = pci_cfg_read(f, off + 4, 4);
		pci_cfg_write(f, off + 4, orig_hi, 4);
	}
	mask = (uint64_t)hi << 32 | (lo & ~0xfu);
	if ((lo & ~0xfu) == 0 && (!is64 || hi == 0))
		return 0; /* not implemented */
	return ~mask + 1;
}

int pci_assign_bars(struct pci_func *f)
{
	struct pci_host *h = f->host;
	uint16_t cmd = (uint16_t)pci_cfg_read(f, PCI_COMMAND, 2);
	int failed = 0;

	/* no decoding while BARs hold sizing patterns */
	pci_cfg_write(f, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY), 2);
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		uint32_t off = PCI_BAR0 + 4u * (uint32_t)i;
		uint32_t orig = pci_cfg_read(f, off, 4);
		struct pci_bar *b = &f->bar[i];
		uint64_t size, pci = 0;
		struct pci_window *w;

		memset(b, 0, sizeof(*b));
		if (orig & PCI_BAR_IO) {
			uint32_t sz;

			pci_cfg_write(f, off, 0xffffffffu, 4);
			sz = pci_cfg_read(f, off, 4);
			pci_cfg_write(f, off, orig, 4);
			b->io = true;
			b->size = (sz & ~3u) ? (uint64_t)(uint16_t)(~(sz & ~3u) + 1u) : 0;
			continue;
		}
		b->is64 = ((orig >> 1) & 3u) == 2;
		b->prefetch = (orig & PCI_BAR_PREFETCH) != 0;
		if (b->is64 && i == PCI_NUM_BARS - 1) {
			b->is64 = false; /* no upper half: malformed */
			continue;
		}
		size = size_bar(f, off, b->is64, orig);
		if (size == 0 || (size & (size - 1))) {
			if (size)
				failed++;
			if (b->is64)
				i++;
			continue;
		}
		b->size = size;
		w = place(h, size, b->is64, b->prefetch, &pci);
		if (w) {
			b->pci_addr = pci;
			b->cpu_addr = pci - w->pci_base + w->cpu_base;
			pci_cfg_write(f, off, (uint32_t)pci | (orig & 0xfu), 4);
			if (b->is64)
				pci_cfg_write(f, off + 4, (uint32_t)(pci >> 32), 4);
		} else {
			failed++;
		}
		if (b->is64)
			i++;
	}
	pci_cfg_write(f, PCI_COMMAND,
		      (cmd & ~PCI_COMMAND_IO) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	return failed;
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
			return -1; /* into the header, a loop, or too many */
		seen[off / 4] = true;
		visit(ctx, off, (uint8_t)pci_cfg_read(f, off, 1));
		n++;
		off = (uint8_t)pci_cfg_read(f, off + 1u, 1) & 0xfc;
	}
	return n;
}

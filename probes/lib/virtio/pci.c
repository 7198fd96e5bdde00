/* SPDX-License-Identifier: MIT */
/* PCI: ECAM access, bridge and BAR configuration, enumeration (see pci.h). */
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

	return width == 1   ? io_read8(&h->ecam, a)
	       : width == 2 ? io_read16(&h->ecam, a)
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
	if (virtio_map_region(h->ecam_base, (uint64_t)(h->bus_end - h->bus_start + 1) << 20,
			      &h->ecam))
		return -4;
	return 0;
}

/* ---- enumeration ---- */

static void host_write(const struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off,
		       uint32_t val, unsigned width)
{
	uint64_t a = ecam_off(h, bus, dev, fn) + off;

	if (width == 1)
		io_write8(&h->ecam, a, (uint8_t)val);
	else if (width == 2)
		io_write16(&h->ecam, a, (uint16_t)val);
	else
		io_write32(&h->ecam, a, val);
}

static bool present(const struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn)
{
	uint32_t v = host_read(h, bus, dev, fn, PCI_VENDOR_ID, 2);

	return v != 0xffff && v != 0;
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

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool window_alloc(struct pci_window *w, uint64_t size, bool below4g, uint64_t *pci)
{
	uint64_t a, end;

	if (!w || !w->present)
		return false;
	a = align_up(w->next, size);
	end = w->pci_base + w->size;
	if (a < w->next || a + size < a || a + size > end)
		return false;
	if (below4g && a + size > 0x100000000ull)
		return false;
	w->next = a + size;
	*pci = a;
	return true;
}

/*
 * Where the BARs of one bus go. On the root bus: the host bridge's windows.
 * Behind a bridge: the bridge's memory window (32-bit addresses only, as
 * its registers) and prefetchable window, both carved out of the parent
 * bus's, so a 64-bit non-prefetchable BAR can only go below 4 GiB there.
 */
struct pci_res {
	struct pci_window *mem;	  /* non-prefetchable, below 4 GiB */
	struct pci_window *pref;  /* prefetchable; NULL: none */
	struct pci_window *mem64; /* 64-bit non-prefetchable; root bus only */
};

static struct pci_window *place(const struct pci_res *r, uint64_t size, bool is64, bool pref,
				uint64_t *pci)
{
	if (window_alloc(r->mem, size, true, pci))
		return r->mem;
	if (pref && window_alloc(r->pref, size, !is64, pci))
		return r->pref;
	if (is64 && window_alloc(r->mem64, size, false, pci))
		return r->mem64;
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

/*
 * Sizes BARs 0..nbars-1 into f->bar[] (decoding must be off). Returns a
 * mask of the memory BARs that are implemented and sized sanely (a power
 * of two); *bad gets the mask of the others (a size that is no power of two).
 */
static unsigned size_bars(struct pci_func *f, int nbars, unsigned *bad)
{
	unsigned ok = 0;

	*bad = 0;
	for (int i = 0; i < nbars; i++) {
		uint32_t off = PCI_BAR0 + 4u * (uint32_t)i;
		uint32_t orig = pci_cfg_read(f, off, 4);
		struct pci_bar *b = &f->bar[i];
		uint64_t size;

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
		if (b->is64 && i == nbars - 1) {
			b->is64 = false; /* no upper half: malformed */
			continue;
		}
		size = size_bar(f, off, b->is64, orig);
		if (size && !(size & (size - 1))) {
			b->size = size;
			ok |= 1u << i;
		} else if (size) {
			*bad |= 1u << i;
		}
		if (b->is64)
			i++;
	}
	return ok;
}

/*
 * Sizes and places BARs 0..nbars-1 of f from r. Decoding is off meanwhile;
 * memory decoding and bus mastering are on afterwards. Returns the mask of
 * memory BARs left unassigned (logged).
 */
static unsigned assign_bars(struct pci_func *f, int nbars, const struct pci_res *r)
{
	uint16_t cmd = (uint16_t)pci_cfg_read(f, PCI_COMMAND, 2);
	unsigned bad, ok, failed;

	/* no decoding while BARs hold sizing patterns */
	pci_cfg_write(f, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY), 2);
	ok = size_bars(f, nbars, &bad);
	failed = bad;
	for (int i = 0; i < nbars; i++) {
		uint32_t off = PCI_BAR0 + 4u * (uint32_t)i;
		struct pci_bar *b = &f->bar[i];
		struct pci_window *w;
		uint64_t pci = 0;

		if (!(ok >> i & 1u))
			continue;
		w = place(r, b->size, b->is64, b->prefetch, &pci);
		if (!w) {
			failed |= 1u << i;
			virtio_log("error", 0,
				   "PCI %04x:%02x:%02x.%u BAR%d (0x%llx bytes) does not fit the "
				   "windows of its bus: left unassigned",
				   f->host->segment, f->bus, f->dev, f->fn, i,
				   (unsigned long long)b->size);
			/* not left at a stale address that may decode over
			 * someone else's */
			pci_cfg_write(f, off, pci_cfg_read(f, off, 4) & 0xfu, 4);
			if (b->is64)
				pci_cfg_write(f, off + 4, 0, 4);
			b->size = 0;
			continue;
		}
		b->pci_addr = pci;
		b->cpu_addr = pci - w->pci_base + w->cpu_base;
		pci_cfg_write(f, off, (uint32_t)pci | (pci_cfg_read(f, off, 4) & 0xfu), 4);
		if (b->is64)
			pci_cfg_write(f, off + 4, (uint32_t)(pci >> 32), 4);
	}
	pci_cfg_write(f, PCI_COMMAND,
		      (cmd & ~PCI_COMMAND_IO) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	return failed;
}

/* CPU address of [pci, pci+len) through the host's windows; 0 if none. */
static uint64_t host_to_cpu(const struct pci_host *h, uint64_t pci, uint64_t len)
{
	const struct pci_window *w[3] = { &h->mem32, &h->mem64, &h->pref64 };

	for (int i = 0; i < 3; i++)
		if (w[i]->present && pci >= w[i]->pci_base && len <= w[i]->size &&
		    pci - w[i]->pci_base <= w[i]->size - len)
			return pci - w[i]->pci_base + w[i]->cpu_base;
	return 0;
}

static const struct pci_found *found_of(const struct pci_host *h, uint8_t bus, uint8_t devfn)
{
	for (unsigned i = 0; i < h->nfound && i < PCI_MAX_FUNCS; i++)
		if (h->found[i].bus == bus && h->found[i].devfn == devfn)
			return &h->found[i];
	return 0;
}

int pci_func_bars(struct pci_func *f)
{
	const struct pci_found *r = found_of(f->host, f->bus, (uint8_t)(f->dev << 3 | f->fn));
	uint16_t cmd = (uint16_t)pci_cfg_read(f, PCI_COMMAND, 2);
	unsigned bad, ok, failed;
	int n = 0;

	pci_cfg_write(f, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY), 2);
	ok = size_bars(f, PCI_NUM_BARS, &bad);
	pci_cfg_write(f, PCI_COMMAND, cmd, 2);
	/* not configured by us: nothing of it is trusted to be placed */
	failed = bad | (r ? r->bars_failed : ok);
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		struct pci_bar *b = &f->bar[i];
		uint32_t off = PCI_BAR0 + 4u * (uint32_t)i;
		uint64_t a;

		if (failed >> i & 1u) {
			b->size = 0;
			n++;
		}
		if (!(ok >> i & 1u) || (failed >> i & 1u))
			continue;
		a = pci_cfg_read(f, off, 4) & ~0xfull;
		if (b->is64)
			a |= (uint64_t)pci_cfg_read(f, off + 4, 4) << 32;
		b->pci_addr = a;
		b->cpu_addr = host_to_cpu(f->host, a, b->size);
		if (!b->cpu_addr) {
			b->size = 0; /* changed under us: outside every window */
			n++;
		}
	}
	return n;
}

/* ---- bridges ---- */

/* A window for the bus behind a bridge: the rest of the parent's, from its
 * next 1 MiB boundary to its last whole MiB (below 4 GiB if asked). */
static void sub_open(const struct pci_window *p, struct pci_window *c, bool below4g)
{
	uint64_t base, end;

	memset(c, 0, sizeof(*c));
	if (!p || !p->present)
		return;
	base = align_up(p->next, PCI_BRIDGE_WINDOW_ALIGN);
	end = (p->pci_base + p->size) & ~(PCI_BRIDGE_WINDOW_ALIGN - 1);
	if (below4g && end > 0x100000000ull)
		end = 0x100000000ull;
	if (base < p->next || base >= end)
		return;
	c->present = true;
	c->pci_base = base;
	c->cpu_base = p->cpu_base + (base - p->pci_base);
	c->size = end - base;
	c->next = base;
}

/* What the bus behind used of c: the bridge window [*base, *limit], taken
 * from the parent. False when nothing was placed (the window stays off). */
static bool sub_close(struct pci_window *p, const struct pci_window *c, uint64_t *base,
		      uint64_t *limit)
{
	if (!c->present || c->next == c->pci_base)
		return false;
	*base = c->pci_base;
	*limit = align_up(c->next, PCI_BRIDGE_WINDOW_ALIGN) - 1;
	p->next = *limit + 1;
	return true;
}

struct bridge {
	struct pci_host *h;
	uint8_t bus, dev, fn;
};

static uint32_t br_read(const struct bridge *b, uint32_t off, unsigned width)
{
	return host_read(b->h, b->bus, b->dev, b->fn, off, width);
}

static void br_write(const struct bridge *b, uint32_t off, uint32_t val, unsigned width)
{
	host_write(b->h, b->bus, b->dev, b->fn, off, val, width);
}

static void br_set_buses(const struct bridge *b, uint8_t pri, uint8_t sec, uint8_t sub)
{
	uint32_t v = br_read(b, PCI_PRIMARY_BUS, 4);

	/* keeps the secondary latency timer in the top byte */
	br_write(b, PCI_PRIMARY_BUS,
		 (v & 0xff000000u) | (uint32_t)sub << 16 | (uint32_t)sec << 8 | pri, 4);
}

/* Memory windows off (base above limit), the I/O window off (not assigned). */
static void br_windows_off(const struct bridge *b)
{
	br_write(b, PCI_IO_BASE, 0x00f0, 2);
	br_write(b, PCI_IO_BASE_UPPER16, 0, 4);
	br_write(b, PCI_MEMORY_BASE, 0x0000fff0u, 4);
	br_write(b, PCI_PREF_MEMORY_BASE, 0x0000fff0u, 4);
	br_write(b, PCI_PREF_BASE_UPPER32, 0, 4);
	br_write(b, PCI_PREF_LIMIT_UPPER32, 0, 4);
}

/* A bridge we cannot use: nothing forwarded, nothing scanned behind it. */
static void br_close(const struct bridge *b, uint16_t cmd)
{
	br_set_buses(b, b->bus, 0, 0);
	br_windows_off(b);
	br_write(b, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
		 2);
}

static void note(struct pci_host *h, const struct bridge *b, const char *what)
{
	h->problems++;
	virtio_log("error", 0, "PCI bridge %04x:%02x:%02x.%u %s: devices behind it are not scanned",
		   h->segment, b->bus, b->dev, b->fn, what);
}

static void scan_bus(struct pci_host *h, uint8_t bus, const struct pci_res *r, unsigned depth,
		     uint8_t ndev);

static void find_exp(void *ctx, uint8_t off, uint8_t id)
{
	uint8_t *at = ctx;

	if (id == PCI_CAP_ID_EXP && !*at)
		*at = off;
}

/*
 * Devices to scan behind a bridge: a PCIe root or downstream port has one
 * link, so only device 0 (ARI is not enabled); a broken port that answers
 * for every device number then yields one function, not 32 copies.
 */
static uint8_t devices_behind(const struct pci_func *f)
{
	uint8_t exp = 0, type;

	if (pci_walk_caps(f, find_exp, &exp) < 0 || !exp || exp > 0xfc)
		return 32;
	type = (uint8_t)(pci_cfg_read(f, exp + 2u, 1) >> 4 & 0xf);
	return type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM ? 1 : 32;
}

static void configure_bridge(struct pci_host *h, const struct bridge *b, const struct pci_res *r,
			     unsigned depth)
{
	struct pci_window mem, pref;
	struct pci_res child = { &mem, 0, 0 };
	struct pci_func f;
	uint16_t cmd = (uint16_t)br_read(b, PCI_COMMAND, 2), ctl;
	uint64_t base, limit;
	uint32_t v, pref_reg;
	uint8_t sec;
	bool pref64;

	/* nothing forwarded while the bridge is reprogrammed */
	br_write(b, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
		 2);
	if (pci_func_init(&f, h, b->bus, b->dev, b->fn)) {
		br_close(b, cmd);
		note(h, b, "has no configuration space mapping");
		return;
	}
	if (depth >= PCI_BRIDGE_MAX_DEPTH) {
		br_close(b, cmd);
		note(h, b, "nests too deep");
		return;
	}
	if (h->bus_next > h->bus_end) {
		br_close(b, cmd);
		note(h, b, "gets no bus number (bus range exhausted)");
		return;
	}
	sec = (uint8_t)h->bus_next;
	/* subordinate = the last bus for now, so that configuration cycles
	 * reach whatever is nested behind it while it is scanned */
	br_set_buses(b, b->bus, sec, h->bus_end);
	v = br_read(b, PCI_PRIMARY_BUS, 4);
	if ((v & 0xffffffu) != ((uint32_t)h->bus_end << 16 | (uint32_t)sec << 8 | b->bus)) {
		br_close(b, cmd);
		note(h, b, "does not hold its bus numbers");
		return;
	}
	h->bus_next++;
	h->bridges++;
	br_windows_off(b);
	ctl = (uint16_t)br_read(b, PCI_BRIDGE_CONTROL, 2);
	if (ctl != 0xffff && (ctl & PCI_BRIDGE_CTL_BUS_RESET))
		br_write(b, PCI_BRIDGE_CONTROL, ctl & ~PCI_BRIDGE_CTL_BUS_RESET, 2);
	/* the bridge's own BARs come from the parent bus */
	if (assign_bars(&f, PCI_BRIDGE_NUM_BARS, r))
		h->problems++;
	/* a prefetchable window is optional (its registers then read 0) */
	br_write(b, PCI_PREF_MEMORY_BASE, 0xfff0fff0u, 4);
	pref_reg = br_read(b, PCI_PREF_MEMORY_BASE, 4);
	br_write(b, PCI_PREF_MEMORY_BASE, 0x0000fff0u, 4);
	pref64 = (pref_reg & 0xf) == PCI_PREF_RANGE_TYPE_64;
	sub_open(r->mem, &mem, true);
	if (pref_reg != 0 && pref_reg != 0xffffffffu && r->pref) {
		sub_open(r->pref, &pref, !pref64);
		child.pref = &pref;
	}
	scan_bus(h, sec, &child, depth + 1, devices_behind(&f));
	br_set_buses(b, b->bus, sec, (uint8_t)(h->bus_next - 1));
	if (sub_close(r->mem, &mem, &base, &limit))
		br_write(b, PCI_MEMORY_BASE,
			 (uint32_t)(limit >> 16 & 0xfff0) << 16 | (uint32_t)(base >> 16 & 0xfff0),
			 4);
	if (child.pref && sub_close(r->pref, &pref, &base, &limit)) {
		if (pref64) {
			br_write(b, PCI_PREF_BASE_UPPER32, (uint32_t)(base >> 32), 4);
			br_write(b, PCI_PREF_LIMIT_UPPER32, (uint32_t)(limit >> 32), 4);
		}
		br_write(b, PCI_PREF_MEMORY_BASE,
			 (uint32_t)(limit >> 16 & 0xfff0) << 16 | (uint32_t)(base >> 16 & 0xfff0),
			 4);
	}
	br_write(b, PCI_COMMAND, (cmd & ~PCI_COMMAND_IO) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER,
		 2);
}

static void record(struct pci_host *h, struct pci_func *f, unsigned failed, unsigned depth)
{
	struct pci_found *r;

	if (h->nfound >= PCI_MAX_FUNCS) {
		if (h->nfound == PCI_MAX_FUNCS) /* once */
			virtio_log("warn", 0, "more than %d PCI functions: the rest are not probed",
				   PCI_MAX_FUNCS);
		h->nfound = PCI_MAX_FUNCS + 1;
		return;
	}
	r = &h->found[h->nfound++];
	r->bus = f->bus;
	r->devfn = (uint8_t)(f->dev << 3 | f->fn);
	r->bars_failed = (uint8_t)failed;
	r->depth = (uint8_t)depth;
}

static void scan_bus(struct pci_host *h, uint8_t bus, const struct pci_res *r, unsigned depth,
		     uint8_t ndev)
{
	for (uint8_t dev = 0; dev < ndev && dev < 32; dev++) {
		uint8_t nfn = 1;

		if (!present(h, bus, dev, 0))
			continue;
		if (host_read(h, bus, dev, 0, PCI_HEADER_TYPE, 1) & PCI_HEADER_MULTIFUNC)
			nfn = 8;
		for (uint8_t fn = 0; fn < nfn; fn++) {
			struct bridge b = { h, bus, dev, fn };
			struct pci_func f;
			uint8_t type;
			unsigned failed;

			if (!present(h, bus, dev, fn))
				continue;
			type = (uint8_t)host_read(h, bus, dev, fn, PCI_HEADER_TYPE, 1) &
			       PCI_HEADER_TYPE_MASK;
			if (type == 1) {
				configure_bridge(h, &b, r, depth);
				continue;
			}
			if (type != 0) {
				virtio_log(
					"info", 0,
					"PCI %04x:%02x:%02x.%u has header type %u: not configured",
					h->segment, bus, dev, fn, type);
				continue;
			}
			if (pci_func_init(&f, h, bus, dev, fn))
				continue;
			failed = assign_bars(&f, PCI_NUM_BARS, r);
			if (failed)
				h->problems++;
			record(h, &f, failed, depth);
		}
	}
}

int pci_host_configure(struct pci_host *h)
{
	struct pci_res root = { &h->mem32, h->pref64.present ? &h->pref64 : &h->mem64, &h->mem64 };

	if (h->configured)
		return h->problems;
	h->configured = true;
	h->bus_next = (uint16_t)(h->bus_start + 1u);
	h->nfound = 0;
	h->bridges = 0;
	h->problems = 0;
	scan_bus(h, h->bus_start, &root, 0, 32);
	if (h->bridges)
		virtio_log("info", 0, "PCI %04x: %u bridge(s) configured, buses %02x..%02x",
			   h->segment, h->bridges, h->bus_start, (unsigned)(h->bus_next - 1));
	return h->problems;
}

void pci_enumerate(struct pci_host *h, pci_visit_fn visit, void *ctx)
{
	pci_host_configure(h);
	for (unsigned i = 0; i < h->nfound && i < PCI_MAX_FUNCS; i++) {
		const struct pci_found *r = &h->found[i];

		if (visit(ctx, h, r->bus, r->devfn >> 3, r->devfn & 7))
			return;
	}
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

/* SPDX-License-Identifier: MIT */
/* PCI buses: the scan from the root bus, bridges configured on the way, and
 * the list of functions found (see pci.h). */
#include <string.h>

#include "pci.h"
#include "pci_internal.h"
#include "virtio_util.h"

static bool present(const struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn)
{
	uint32_t v = pci_host_read(h, bus, dev, fn, PCI_VENDOR_ID, 2);

	return v != 0xffff && v != 0;
}

struct bridge {
	struct pci_host *h;
	uint8_t bus, dev, fn;
};

static uint32_t br_read(const struct bridge *b, uint32_t off, unsigned width)
{
	return pci_host_read(b->h, b->bus, b->dev, b->fn, off, width);
}

static void br_write(const struct bridge *b, uint32_t off, uint32_t val, unsigned width)
{
	pci_host_write(b->h, b->bus, b->dev, b->fn, off, val, width);
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
	if (pci_assign_bars(&f, PCI_BRIDGE_NUM_BARS, r))
		h->problems++;
	/* a prefetchable window is optional (its registers then read 0) */
	br_write(b, PCI_PREF_MEMORY_BASE, 0xfff0fff0u, 4);
	pref_reg = br_read(b, PCI_PREF_MEMORY_BASE, 4);
	br_write(b, PCI_PREF_MEMORY_BASE, 0x0000fff0u, 4);
	pref64 = (pref_reg & 0xf) == PCI_PREF_RANGE_TYPE_64;
	pci_window_sub_open(r->mem, &mem, true);
	if (pref_reg != 0 && pref_reg != 0xffffffffu && r->pref) {
		pci_window_sub_open(r->pref, &pref, !pref64);
		child.pref = &pref;
	}
	scan_bus(h, sec, &child, depth + 1, devices_behind(&f));
	br_set_buses(b, b->bus, sec, (uint8_t)(h->bus_next - 1));
	if (pci_window_sub_close(r->mem, &mem, &base, &limit))
		br_write(b, PCI_MEMORY_BASE,
			 (uint32_t)(limit >> 16 & 0xfff0) << 16 | (uint32_t)(base >> 16 & 0xfff0),
			 4);
	if (child.pref && pci_window_sub_close(r->pref, &pref, &base, &limit)) {
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
		if (pci_host_read(h, bus, dev, 0, PCI_HEADER_TYPE, 1) & PCI_HEADER_MULTIFUNC)
			nfn = 8;
		for (uint8_t fn = 0; fn < nfn; fn++) {
			struct bridge b = { h, bus, dev, fn };
			struct pci_func f;
			uint8_t type;
			unsigned failed;

			if (!present(h, bus, dev, fn))
				continue;
			type = (uint8_t)pci_host_read(h, bus, dev, fn, PCI_HEADER_TYPE, 1) &
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
			failed = pci_assign_bars(&f, PCI_NUM_BARS, r);
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

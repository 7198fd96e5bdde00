/* SPDX-License-Identifier: MIT */
/* PCI BARs: sizing, placing them in the bus's windows, reading them back, and
 * carving the windows of the bus behind a bridge (see pci.h). */
#include <string.h>

#include "pci.h"
#include "pci_internal.h"
#include "virtio_util.h"

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
unsigned pci_assign_bars(struct pci_func *f, int nbars, const struct pci_res *r)
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

/* A window for the bus behind a bridge: the rest of the parent's, from its
 * next 1 MiB boundary to its last whole MiB (below 4 GiB if asked). */
void pci_window_sub_open(const struct pci_window *p, struct pci_window *c, bool below4g)
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
bool pci_window_sub_close(struct pci_window *p, const struct pci_window *c, uint64_t *base,
			  uint64_t *limit)
{
	if (!c->present || c->next == c->pci_base)
		return false;
	*base = c->pci_base;
	*limit = align_up(c->next, PCI_BRIDGE_WINDOW_ALIGN) - 1;
	p->next = *limit + 1;
	return true;
}

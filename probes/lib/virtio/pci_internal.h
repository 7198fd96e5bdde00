/* SPDX-License-Identifier: MIT */
/* What pci.c, pci_bars.c and pci_bus.c share; not for other users. */
#ifndef PF_PCI_INTERNAL_H
#define PF_PCI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "pci.h"

/* Configuration space of bus/dev/fn through the host's ECAM window. */
uint32_t pci_host_read(const struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off,
		       unsigned width);
void pci_host_write(const struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn, uint32_t off,
		    uint32_t val, unsigned width);

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

/*
 * Sizes and places BARs 0..nbars-1 of f from r. Decoding is off meanwhile;
 * memory decoding and bus mastering are on afterwards. Returns the mask of
 * memory BARs left unassigned (logged).
 */
unsigned pci_assign_bars(struct pci_func *f, int nbars, const struct pci_res *r);

/* A window for the bus behind a bridge: the rest of the parent's, from its
 * next 1 MiB boundary to its last whole MiB (below 4 GiB if asked). */
void pci_window_sub_open(const struct pci_window *p, struct pci_window *c, bool below4g);
/* What the bus behind used of c: the bridge window [*base, *limit], taken
 * from the parent. False when nothing was placed (the window stays off). */
bool pci_window_sub_close(struct pci_window *p, const struct pci_window *c, uint64_t *base,
			  uint64_t *limit);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Device-tree helpers for discovery. The DTB comes from the hypervisor and is
 * untrusted: every property length is checked before it is read, and errors
 * are returned, never asserted.
 */
#ifndef PF_FDT_UTIL_H
#define PF_FDT_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "pf_errno.h"

/* Reads `cells` (0..2) big-endian cells at p[0..) into a 64-bit value. */
uint64_t fdt_util_read_cells(const void *p, int cells);

/* #address-cells / #size-cells a node's `reg` uses (from its parent), limited
 * to 1..2 and 0..2; PF_EBADCELLS otherwise. */
int fdt_util_reg_cells(const void *fdt, int node, int *ac, int *sc);

/* Entry `idx` of the node's `reg`: 0, PF_EBADPROP or PF_EBADCELLS. */
int fdt_util_reg(const void *fdt, int node, int idx, uint64_t *addr, uint64_t *size);

/* True unless the node has a `status` other than "okay"/"ok". */
bool fdt_util_enabled(const void *fdt, int node);

/*
 * First interrupt of the node as a GIC INTID when the interrupt parent has
 * 3 cells (SPI n -> 32 + n, PPI n -> 16 + n), the cell itself with 1 cell;
 * 0 when unknown.
 */
uint32_t fdt_util_irq(const void *fdt, int node);

#endif

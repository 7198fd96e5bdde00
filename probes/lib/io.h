/* SPDX-License-Identifier: MIT */
/*
 * Register regions: MMIO windows, PCI BARs and ECAM config space. A region is
 * either real memory-mapped I/O (ops == NULL: volatile accesses at base+off)
 * or a software model (ops != NULL), which is how the host unit tests put a
 * simulated device behind the very same transport code.
 */
#ifndef PF_IO_H
#define PF_IO_H

#include <stdint.h>

struct pf_io_ops {
	/* width is 1, 2, 4 or 8 bytes; off is relative to the region */
	uint64_t (*read)(void *ctx, uint64_t off, unsigned width);
	void (*write)(void *ctx, uint64_t off, uint64_t val, unsigned width);
};

struct pf_region {
	uintptr_t base; /* physical (= virtual, identity mapped) address */
	uint64_t size;	/* bytes; accesses outside are refused */
	const struct pf_io_ops *ops;
	void *ctx;
};

uint8_t io_read8(const struct pf_region *r, uint64_t off);
uint16_t io_read16(const struct pf_region *r, uint64_t off);
uint32_t io_read32(const struct pf_region *r, uint64_t off);
void io_write8(const struct pf_region *r, uint64_t off, uint8_t v);
void io_write16(const struct pf_region *r, uint64_t off, uint16_t v);
void io_write32(const struct pf_region *r, uint64_t off, uint32_t v);
/* An access of `width` bytes: 1, 2, anything else 4 (configuration space
 * accessors take the width as an argument). */
uint32_t io_read(const struct pf_region *r, uint64_t off, unsigned width);
void io_write(const struct pf_region *r, uint64_t off, uint32_t v, unsigned width);

#endif

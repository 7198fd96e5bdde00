/* SPDX-License-Identifier: MIT */
/*
 * Region accessors (io.h). Portable: also built on the host, where regions
 * are software models (ops != NULL).
 *
 * For real MMIO (ops == NULL):
 *  - little-endian registers (virtio is LE), byte-swapped on a BE CPU;
 *  - each access is one plain load/store instruction of the given width,
 *    the architecture's arch_raw_read*() / arch_raw_write*() (arch_io.h in
 *    probes/lib/<arch>/; the host build's in tests/unit/);
 *  - ordered like Linux readl/writel: a write is preceded by arch_wmb()
 *    (earlier buffer writes reach memory before the device is told), a
 *    read is followed by arch_rmb() (later buffer reads see what the
 *    register published);
 *  - accesses outside [0, size) or not naturally aligned are refused:
 *    reads return all-ones, writes are dropped. A misaligned device access
 *    faults on Arm; refusing it keeps a probe bug from ending the run.
 */
#include "io.h"

#include <stdbool.h>
#include <stddef.h>

#include "arch_io.h"
#include "platform.h"

static bool in_region(const struct pf_region *r, uint64_t off, unsigned width)
{
	return r && off < r->size && width <= r->size - off;
}

static bool mmio_ok(const struct pf_region *r, uint64_t off, unsigned width)
{
	return ((r->base + off) & (width - 1)) == 0;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define LE16(v) __builtin_bswap16(v)
#define LE32(v) __builtin_bswap32(v)
#else
#define LE16(v) (v)
#define LE32(v) (v)
#endif

static uint64_t region_read(const struct pf_region *r, uint64_t off, unsigned width)
{
	uintptr_t a;
	uint64_t v;

	if (!in_region(r, off, width))
		return ~0ULL;
	if (r->ops)
		return r->ops->read(r->ctx, off, width);
	if (!mmio_ok(r, off, width))
		return ~0ULL;
	a = (uintptr_t)(r->base + off);
	switch (width) {
	case 1:
		v = arch_raw_read8(a);
		break;
	case 2:
		v = LE16(arch_raw_read16(a));
		break;
	default:
		v = LE32(arch_raw_read32(a));
		break;
	}
	arch_rmb();
	return v;
}

static void region_write(const struct pf_region *r, uint64_t off, uint64_t v, unsigned width)
{
	uintptr_t a;

	if (!in_region(r, off, width))
		return;
	if (r->ops) {
		r->ops->write(r->ctx, off, v, width);
		return;
	}
	if (!mmio_ok(r, off, width))
		return;
	a = (uintptr_t)(r->base + off);
	arch_wmb();
	switch (width) {
	case 1:
		arch_raw_write8(a, (uint8_t)v);
		break;
	case 2:
		arch_raw_write16(a, LE16((uint16_t)v));
		break;
	default:
		arch_raw_write32(a, LE32((uint32_t)v));
		break;
	}
}

uint8_t io_read8(const struct pf_region *r, uint64_t off)
{
	return (uint8_t)region_read(r, off, 1);
}

uint16_t io_read16(const struct pf_region *r, uint64_t off)
{
	return (uint16_t)region_read(r, off, 2);
}

uint32_t io_read32(const struct pf_region *r, uint64_t off)
{
	return (uint32_t)region_read(r, off, 4);
}

void io_write8(const struct pf_region *r, uint64_t off, uint8_t v)
{
	region_write(r, off, v, 1);
}

void io_write16(const struct pf_region *r, uint64_t off, uint16_t v)
{
	region_write(r, off, v, 2);
}

void io_write32(const struct pf_region *r, uint64_t off, uint32_t v)
{
	region_write(r, off, v, 4);
}

static unsigned access_width(unsigned width)
{
	return width == 1 || width == 2 ? width : 4;
}

uint32_t io_read(const struct pf_region *r, uint64_t off, unsigned width)
{
	return (uint32_t)region_read(r, off, access_width(width));
}

void io_write(const struct pf_region *r, uint64_t off, uint32_t v, unsigned width)
{
	region_write(r, off, v, access_width(width));
}

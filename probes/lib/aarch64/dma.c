/* SPDX-License-Identifier: MIT */
/*
 * DMA arena: free RAM not owned by the loader (DTB, initrd, /memreserve/,
 * /reserved-memory) nor by the image; normally what follows the image up
 * to the next such thing (a64_dma_init() says when not). QEMU virt puts
 * the DTB 128 MiB into RAM (half of RAM when smaller), so with -m 256 and
 * the image at its link address that is ~126 MiB. A bump allocator: memory
 * is identity-mapped Normal cacheable and virtio devices are coherent, so
 * bus address = physical = virtual.
 */
#include <libfdt.h>
#include <string.h>

#include "a64.h"
#include "platform.h"
#include "sysreg.h"

#define ARENA_ALIGN 4096
#define MIN_ALIGN 16
#define MAX_BLOCKED 24
#define NO_DT_ARENA (16ULL << 20) /* RAM size unknown: stay modest */

static uint64_t arena_base, arena_size, arena_used;

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

struct blocked {
	struct a64_range r[MAX_BLOCKED];
	unsigned n;
};

static void block(struct blocked *b, uint64_t base, uint64_t size)
{
	if (size && b->n < MAX_BLOCKED) {
		b->r[b->n].base = base;
		b->r[b->n].size = size;
		b->n++;
	}
}

static uint64_t prop_u64(const void *fdt, int node, const char *name, bool *ok)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	*ok = p && (len == 4 || len == 8);
	if (!*ok)
		return 0;
	return len == 4 ? fdt32_ld(p) : (uint64_t)fdt32_ld(p) << 32 | fdt32_ld(p + 1);
}

/* Everything in RAM the loader or firmware still owns. */
static void collect_blocked(const void *fdt, struct blocked *b)
{
	int node, n;

	block(b, (uintptr_t)fdt, fdt_totalsize(fdt));
	n = fdt_num_mem_rsv(fdt);
	for (int i = 0; i < n; i++) {
		uint64_t addr, size;

		if (!fdt_get_mem_rsv(fdt, i, &addr, &size))
			block(b, addr, size);
	}
	node = fdt_path_offset(fdt, "/reserved-memory");
	if (node >= 0) {
		int child;

		fdt_for_each_subnode(child, fdt, node)
		{
			uint64_t addr, size;

			for (int i = 0; !a64_dt_reg(fdt, child, i, &addr, &size); i++)
				block(b, addr, size);
		}
	}
	node = fdt_path_offset(fdt, "/chosen");
	if (node >= 0) {
		bool ok1, ok2;
		uint64_t s = prop_u64(fdt, node, "linux,initrd-start", &ok1);
		uint64_t e = prop_u64(fdt, node, "linux,initrd-end", &ok2);

		if (ok1 && ok2 && e > s)
			block(b, s, e - s);
	}
}

/* The free range [*start, *end) from start up to the first blocked range
 * above it, after stepping over those covering start; end is the bank's. */
static void free_range_from(const struct blocked *b, uint64_t *start, uint64_t *end)
{
	bool moved;

	do {
		moved = false;
		for (unsigned i = 0; i < b->n; i++) {
			uint64_t bs = b->r[i].base, be = bs + b->r[i].size;

			if (*start >= bs && *start < be) {
				*start = align_up(be, ARENA_ALIGN);
				moved = true;
			}
		}
	} while (moved && *start < *end);
	for (unsigned i = 0; i < b->n; i++)
		if (b->r[i].base > *start && b->r[i].base < *end)
			*end = b->r[i].base;
	*end &= ~(uint64_t)(ARENA_ALIGN - 1);
}

/* The largest free range of the RAM banks: candidates start at each bank's
 * base and at the end of each blocked range. */
static void largest_free_range(const struct blocked *b, const struct a64_range *ram, unsigned nram,
			       uint64_t *best_start, uint64_t *best_end)
{
	*best_start = *best_end = 0;
	for (unsigned i = 0; i < nram; i++) {
		for (unsigned k = 0; k <= b->n; k++) {
			uint64_t s = k < b->n ? align_up(b->r[k].base + b->r[k].size, ARENA_ALIGN)
					      : align_up(ram[i].base, ARENA_ALIGN);
			uint64_t e = ram[i].base + ram[i].size;

			if (s < ram[i].base || s >= e)
				continue;
			free_range_from(b, &s, &e);
			if (e > s && e - s > *best_end - *best_start) {
				*best_start = s;
				*best_end = e;
			}
		}
	}
}

/*
 * The arena: the free range right after the image when it holds at least
 * NO_DT_ARENA (the usual layout, the image low in RAM); otherwise, e.g. an
 * image loaded just below the DTB, the largest free range of RAM. The image
 * and the first 2 MiB of its bank (where arm64 loaders keep their boot
 * stub; an Image is never loaded below it) are never part of it.
 */
void a64_dma_init(const void *fdt, const struct a64_range *ram, unsigned nram)
{
	struct blocked b = { .n = 0 };
	uint64_t start = align_up((uintptr_t)_end, ARENA_ALIGN), end = 0, bank = 0;

	for (unsigned i = 0; i < nram; i++)
		if (start >= ram[i].base && start - ram[i].base < ram[i].size) {
			bank = ram[i].base;
			end = ram[i].base + ram[i].size;
		}
	if (!end)
		return; /* the image is not in known RAM: no arena */
	if (fdt) {
		collect_blocked(fdt, &b);
	} else if (end - start > NO_DT_ARENA) {
		end = start + NO_DT_ARENA;
		nram = 0; /* RAM unknown: only what follows the image */
	}
	block(&b, (uintptr_t)_text, (uintptr_t)_end - (uintptr_t)_text);
	block(&b, bank, 2ULL << 20);
	free_range_from(&b, &start, &end);
	if (end <= start || end - start < NO_DT_ARENA) {
		uint64_t s, e;

		largest_free_range(&b, ram, nram, &s, &e);
		if (e - s > (end > start ? end - start : 0)) {
			start = s;
			end = e;
		}
	}
	if (end > start) {
		arena_base = start;
		arena_size = end - start;
	}
}

void a64_dma_info(uint64_t *base, uint64_t *size)
{
	*base = arena_base;
	*size = arena_size;
}

/* Zero with DC ZVA where the block size allows it (one instruction per
 * 64 bytes, also under TCG), memset for the ragged edges. */
static void zero(void *p, size_t n)
{
	uint64_t dczid = read_sysreg(dczid_el0);
	uintptr_t a = (uintptr_t)p, e = a + n, blk = 4ULL << (dczid & 0xf);

	if ((dczid & 0x10) || n < 2 * blk) { /* DZP: DC ZVA prohibited */
		memset(p, 0, n);
		return;
	}
	memset(p, 0, align_up(a, blk) - a);
	for (a = align_up(a, blk); a + blk <= e; a += blk)
		__asm__ volatile("dc zva, %0" : : "r"(a) : "memory");
	memset((void *)a, 0, e - a);
}

void *arch_dma_alloc(size_t size, size_t align)
{
	uint64_t off;

	if (align < MIN_ALIGN)
		align = MIN_ALIGN;
	if (align & (align - 1))
		return NULL;
	off = align_up(arena_base + arena_used, align) - arena_base;
	if (off > arena_size || size > arena_size - off)
		return NULL;
	arena_used = off + size;
	zero((void *)(uintptr_t)(arena_base + off), size);
	return (void *)(uintptr_t)(arena_base + off);
}

size_t arch_dma_mark(void)
{
	return (size_t)arena_used;
}

void arch_dma_release(size_t mark)
{
	if (mark <= arena_used)
		arena_used = mark;
}

uint64_t arch_dma_addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

void *arch_dma_ptr(uint64_t addr)
{
	return (void *)(uintptr_t)addr;
}

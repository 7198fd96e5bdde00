/* SPDX-License-Identifier: MIT */
/*
 * Stage 1 identity map for EL1&0 (VMSAv8-64, 4 KiB granule, 48-bit VA,
 * translation from level 0). RAM is Normal write-back cacheable, inner
 * shareable; all other address space up to 1 TiB (or the CPU's PA size, if
 * smaller) is Device-nGnRE, execute-never: that covers QEMU virt's high
 * ECAM (0x40_1000_0000) and 64-bit PCI window (0x80_0000_0000). Blocks
 * are as large as alignment allows (1 GiB, 2 MiB, 4 KiB), so RAM and
 * devices never share a block whatever the layout.
 *
 * The tables are built with the MMU off and never changed afterwards.
 */
#include <string.h>

#include "a64.h"
#include "arch.h"
#include "pf_errno.h"
#include "sysreg.h"

/* VMSAv8-64 descriptors */
#define PTE_VALID (1ULL << 0)
#define PTE_TYPE_MASK 3ULL
#define PTE_TABLE 3ULL /* levels 0-2: next-level table */
#define PTE_BLOCK 1ULL /* levels 1-2: block */
#define PTE_PAGE 3ULL  /* level 3: page */
#define PTE_ATTRINDX(i) ((uint64_t)(i) << 2)
#define PTE_SH_INNER (3ULL << 8)
#define PTE_AF (1ULL << 10) /* set: no Access flag faults */
#define PTE_PXN (1ULL << 53)
#define PTE_UXN (1ULL << 54)
#define PTE_ADDR 0x0000fffffffff000ULL

/* MAIR_EL1 attribute indices */
#define MT_NORMAL 0	  /* 0xff: Normal, inner/outer WB non-transient RW-allocate */
#define MT_DEVICE_nGnRE 1 /* 0x04 */
#define MAIR_VALUE (0xffULL << (8 * MT_NORMAL) | 0x04ULL << (8 * MT_DEVICE_nGnRE))

#define ATTR_RAM (PTE_ATTRINDX(MT_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_UXN)
#define ATTR_DEVICE (PTE_ATTRINDX(MT_DEVICE_nGnRE) | PTE_AF | PTE_PXN | PTE_UXN)

/* TCR_EL1 */
#define TCR_T0SZ(bits) (64ULL - (bits))
#define TCR_IRGN0_WBWA (1ULL << 8)
#define TCR_ORGN0_WBWA (1ULL << 10)
#define TCR_SH0_INNER (3ULL << 12)
#define TCR_TG0_4K (0ULL << 14)
#define TCR_EPD1 (1ULL << 23) /* no TTBR1 walks: upper VA range faults */
#define TCR_IPS_SHIFT 32

#define VA_BITS 48
#define DEVICE_SPAN (1ULL << 40) /* 1 TiB */
#define NTABLES 16
#define ENTRIES 512

static uint64_t tables[NTABLES][ENTRIES] __attribute__((aligned(4096)));
static unsigned tables_used;
static uint64_t *l0;
static uint64_t device_limit; /* device mappings stop here */

static uint64_t *table_alloc(void)
{
	uint64_t *t;

	if (tables_used == NTABLES)
		return NULL;
	t = tables[tables_used++];
	memset(t, 0, sizeof(tables[0]));
	return t;
}

static unsigned level_shift(int level)
{
	return 39 - 9 * (unsigned)level;
}

/*
 * Map one block or page at va (attr 0: unmap), descending as far as
 * alignment and the remaining length require. A block in the way is split
 * into a table of smaller blocks with the same attributes. Returns the
 * bytes mapped, 0 when out of tables.
 */
static uint64_t map_one(uint64_t va, uint64_t end, uint64_t attr)
{
	uint64_t *t = l0;

	for (int level = 0; level <= 3; level++) {
		unsigned shift = level_shift(level);
		uint64_t blk = 1ULL << shift;
		uint64_t *e = &t[(va >> shift) & (ENTRIES - 1)];
		uint64_t *next;

		if (level >= 1 && !(va & (blk - 1)) && end - va >= blk) {
			*e = attr ? va | attr | (level == 3 ? PTE_PAGE : PTE_BLOCK) : 0;
			return blk;
		}
		if ((*e & PTE_TYPE_MASK) == PTE_TABLE) {
			t = (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
			continue;
		}
		next = table_alloc();
		if (!next)
			return 0;
		if (*e & PTE_VALID) {
			uint64_t oa = *e & PTE_ADDR, keep = *e & ~PTE_ADDR & ~PTE_TYPE_MASK;
			uint64_t sub = blk >> 9;

			for (unsigned i = 0; i < ENTRIES; i++)
				next[i] = (oa + i * sub) | keep |
					  (level + 1 == 3 ? PTE_PAGE : PTE_BLOCK);
		}
		*e = (uintptr_t)next | PTE_TABLE;
		t = next;
	}
	return 0; /* not reached: level 3 always maps a page */
}

static int map(uint64_t pa, uint64_t size, uint64_t attr)
{
	uint64_t va = pa & ~0xfffULL;
	uint64_t end = (pa + size + 0xfff) & ~0xfffULL;

	if (end > (1ULL << VA_BITS) || end <= va)
		return PF_EINVAL;
	while (va < end) {
		uint64_t n = map_one(va, end, attr);

		if (!n)
			return PF_ENOMEM; /* out of page-table pages */
		va += n;
	}
	return 0;
}

static unsigned pa_range_bits(uint64_t parange)
{
	static const unsigned char bits[] = { 32, 36, 40, 42, 44, 48 };

	return parange < sizeof(bits) ? bits[parange] : 48;
}

static void dcache_inval_poc(uintptr_t start, uintptr_t end)
{
	uint64_t line = 4ULL << ((read_sysreg(ctr_el0) >> 16) & 0xf);

	for (uintptr_t p = start & ~(line - 1); p < end; p += line)
		__asm__ volatile("dc ivac, %0" : : "r"(p) : "memory");
}

/* Inside the window mapped at boot (as RAM or as device)? */
bool a64_mmu_covered(uint64_t pa, uint64_t size)
{
	return pa < device_limit && size <= device_limit - pa;
}

static bool in_ram(const struct a64_range *ram, unsigned nram, uint64_t pa, uint64_t size)
{
	for (unsigned i = 0; i < nram; i++)
		if (pa >= ram[i].base && pa - ram[i].base < ram[i].size &&
		    size <= ram[i].size - (pa - ram[i].base))
			return true;
	return false;
}

void a64_mmu_init(const struct a64_range *ram, unsigned nram, const void *fdt, uint32_t fdt_size)
{
	uint64_t mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	uint64_t parange = mmfr0 & 0xf;
	unsigned pa_bits = pa_range_bits(parange);
	uint64_t sctlr;

	if (((mmfr0 >> 28) & 0xf) == 0xf)
		arch_fatal("mmu: CPU lacks the 4 KiB translation granule");
	if (parange > 5)
		parange = 5; /* 48-bit output; 52-bit needs other formats */

	l0 = table_alloc();
	device_limit = pa_bits < 40 ? 1ULL << pa_bits : DEVICE_SPAN;
	if (map(0, device_limit, ATTR_DEVICE))
		arch_fatal("mmu: out of tables for the device map");
	for (unsigned i = 0; i < nram; i++) {
		uint64_t end = ram[i].base + ram[i].size;

		if (end > 1ULL << pa_bits)
			end = 1ULL << pa_bits;
		if (end > ram[i].base && map(ram[i].base, end - ram[i].base, ATTR_RAM))
			arch_fatal("mmu: cannot map RAM");
	}
	/* The image runs from RAM, whatever the DT says: mapped as Device it
	 * would be execute-never, and not even the vectors would run. */
	if (!in_ram(ram, nram, (uintptr_t)_text, (uintptr_t)(_end - _text)) &&
	    map((uintptr_t)_text, (uintptr_t)(_end - _text), ATTR_RAM))
		arch_fatal("mmu: cannot map the image");
	/* A DTB outside RAM (in ROM, say) is still read as Normal memory:
	 * libfdt makes unaligned accesses. */
	if (fdt && !in_ram(ram, nram, (uintptr_t)fdt, fdt_size) &&
	    map((uintptr_t)fdt, fdt_size, ATTR_RAM))
		arch_fatal("mmu: cannot map the DTB");
	if (map((uintptr_t)__stack_guard, 4096, 0))
		arch_fatal("mmu: cannot unmap the stack guard page");

	/* The tables and all data so far were written with the MMU off, i.e.
	 * uncached, straight to memory. Discard any stale lines a previous
	 * owner left over them, so neither the cacheable view we switch to
	 * nor the table walker (cacheable walks, TCR.IRGN0/ORGN0) reads old
	 * contents. */
	dcache_inval_poc((uintptr_t)_text, (uintptr_t)_end);
	/* Table stores and invalidations complete before the walker can
	 * first run. */
	dsb(sy);

	write_sysreg(mair_el1, MAIR_VALUE);
	write_sysreg(tcr_el1, TCR_T0SZ(VA_BITS) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
				      TCR_TG0_4K | TCR_EPD1 | parange << TCR_IPS_SHIFT);
	write_sysreg(ttbr0_el1, (uintptr_t)l0);
	/* MAIR/TCR/TTBR0 writes take effect before the TLB maintenance and
	 * before translation is enabled. */
	isb();
	/* A previous owner (loader, firmware) may have left EL1&0 entries in
	 * the TLB; and the instruction cache may hold lines fetched with
	 * other attributes. Local operations: the other CPUs are off. */
	__asm__ volatile("tlbi vmalle1" : : : "memory");
	__asm__ volatile("ic iallu" : : : "memory");
	/* Wait for the TLB and I-cache invalidation to complete... */
	dsb(nsh);
	/* ...and refetch, so nothing below was fetched before it. */
	isb();

	sctlr = read_sysreg(sctlr_el1);
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
	sctlr &= ~(uint64_t)SCTLR_A;
	write_sysreg(sctlr_el1, sctlr);
	/* Instructions after this are fetched and executed with the MMU on. */
	isb();
}

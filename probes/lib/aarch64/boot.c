/* SPDX-License-Identifier: MIT */
/*
 * C side of the boot (head.S calls a64_boot at EL1, MMU off, on the probe
 * stack): what must precede the MMU, the MMU, then the DT-driven setup of
 * console, power and DMA, then the portable probe.
 */
#include <libfdt.h>
#include <string.h>

#include "a64.h"
#include "arch.h"
#include "platform.h"

unsigned a64_boot_el; /* set by head.S: EL the loader entered us at */
static const void *boot_fdt;
static const char *bootargs = "";

/* QEMU virt's RAM, assumed when there is no usable DT: the 1 GiB block
 * holding the image. */
static void fallback_ram(struct a64_boot_info *bi)
{
	bi->ram[0].base = (uintptr_t)_text & ~((1ULL << 30) - 1);
	bi->ram[0].size = 1ULL << 30;
	bi->nram = 1;
}

void a64_boot(const void *fdt)
{
	static struct a64_boot_info bi; /* .bss: already zero */

	a64_timer_init();
	/* MMU off: only aligned accesses until a64_mmu_init() returns */
	if (a64_early_dt(fdt, &bi)) {
		memset(&bi, 0, sizeof(bi));
		fdt = NULL;
	}
	a64_psci_init(bi.psci); /* from now on a fault can power off */
	if (!bi.nram)
		fallback_ram(&bi);
	a64_mmu_init(bi.ram, bi.nram, fdt, bi.fdt_size);

	/* MMU on: libfdt and general C from here */
	if (fdt && fdt_check_header(fdt) == 0) {
		boot_fdt = fdt;
		bootargs = a64_dt_bootargs(fdt);
	}
	a64_uart_init(boot_fdt);
	a64_dma_init(boot_fdt, bi.ram, bi.nram);
	/* SError (asynchronous abort, e.g. a bus error on a posted MMIO write)
	 * is reported from here on; IRQ and FIQ stay masked. */
	__asm__ volatile("msr daifclr, #4" : : : "memory");

	a64_selftest_init(bootargs);
	probe_main(boot_fdt, bootargs);
	arch_poweroff();
}

const void *arch_fdt(void)
{
	return boot_fdt;
}

const char *arch_name(void)
{
	return "aarch64";
}

uint64_t arch_image_base(void)
{
	return (uintptr_t)_text;
}

const char *arch_bootargs(void)
{
	return bootargs;
}

/* The GNU build-id note (ld --build-id): namesz, descsz, type, "GNU\0",
 * then the id bytes. */
const char *arch_image_id(void)
{
	static char hex[2 * 32 + 1];
	const uint32_t *n = (const uint32_t *)__build_id_start;
	const uint8_t *desc;
	uint32_t descsz;

	if (hex[0] || __build_id_end - __build_id_start < 16)
		return hex;
	descsz = n[1];
	desc = (const uint8_t *)(n + 3) + ((n[0] + 3) & ~3u);
	if (descsz > 32 || desc + descsz > (const uint8_t *)__build_id_end)
		return hex;
	for (uint32_t i = 0; i < descsz; i++) {
		hex[2 * i] = "0123456789abcdef"[desc[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[desc[i] & 15];
	}
	hex[2 * descsz] = '\0';
	return hex;
}

/* SPDX-License-Identifier: MIT */
/*
 * Internals of the aarch64 port, shared between its files. Nothing here is
 * for the portable probe: that uses platform.h, arch.h and irq.h.
 */
#ifndef PF_A64_H
#define PF_A64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linker script symbols (probe.ld) */
extern char _text[], _end[];
extern char __stack_guard[], __stack_bottom[];
extern char __build_id_start[], __build_id_end[];

/* The portable probe's entry (probes/lib/probe.c). */
void probe_main(const void *fdt, const char *bootargs);

struct a64_range {
	uint64_t base, size;
};

enum a64_conduit {
	CONDUIT_NONE,
	CONDUIT_HVC,
	CONDUIT_SMC
};

/* What the boot path learns from the DT before the MMU is on. */
#define A64_MAX_RAM 16
struct a64_boot_info {
	struct a64_range ram[A64_MAX_RAM];
	unsigned nram;
	enum a64_conduit psci;
	uint32_t fdt_size; /* totalsize from the header */
};

/* boot.c: the EL the loader entered us at (1 or 2, set by head.S) */
extern unsigned a64_boot_el;
/* boot.c: from head.S, on SP_EL0, MMU off */
void a64_boot(const void *fdt) __attribute__((noreturn));

/* early_dt.c: aligned-only FDT scan, safe with the MMU off; 0 or -1 */
int a64_early_dt(const void *fdt, struct a64_boot_info *bi);

/* mmu.c */
void a64_mmu_init(const struct a64_range *ram, unsigned nram, const void *fdt, uint32_t fdt_size);
bool a64_mmu_covered(uint64_t pa, uint64_t size);

/* dt.c (libfdt, MMU on) */
int a64_dt_reg(const void *fdt, int node, int idx, uint64_t *addr, uint64_t *size);
int a64_dt_stdout(const void *fdt);
const char *a64_dt_bootargs(const void *fdt);

/* uart.c */
void a64_uart_init(const void *fdt);
void a64_uart_flush(void);
const char *a64_uart_desc(void);

/* timer.c */
void a64_timer_init(void);
uint64_t a64_counter_freq(void);

/* psci.c */
void a64_psci_init(enum a64_conduit c);
void a64_psci_reset(void);

/* dma.c */
void a64_dma_init(const void *fdt, const struct a64_range *ram, unsigned nram);
void a64_dma_info(uint64_t *base, uint64_t *size);

/* exception.c */
void a64_fault_in_progress_park(void) __attribute__((noreturn));

/* selftest.c: pf.selftest= hooks */
extern bool a64_selftest_armed;
void a64_selftest_init(const char *bootargs);
void a64_selftest_newline(void);

/* Wait for an interrupt or event forever, interrupts masked. */
void a64_park(void) __attribute__((noreturn));

#endif

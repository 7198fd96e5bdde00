/* SPDX-License-Identifier: MIT */
/*
 * The narrow interface between the portable probe (probes/lib, probes/checks)
 * and an architecture folder (probes/lib/<arch>/). Adding an architecture is
 * implementing these functions and io.h's accessors in a new folder.
 *
 * The host build (unit tests) implements the same interface in
 * harness/tests/host_platform.c so the portable code runs unchanged there.
 */
#ifndef PF_PLATFORM_H
#define PF_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* Serial console: one byte out. Bounded: gives up on a stuck UART. */
void arch_putc(char c);

/* Monotonic time in nanoseconds since an arbitrary origin. */
uint64_t arch_now_ns(void);

/* Busy-wait for at least ns nanoseconds. */
void arch_delay_ns(uint64_t ns);

/* Power the machine off (PSCI SYSTEM_OFF on aarch64). Never returns. */
void arch_poweroff(void) __attribute__((noreturn));

/*
 * Memory for rings and buffers that devices access by DMA. Zeroed, aligned to
 * `align` (a power of two). Returns NULL when exhausted. Memory is never
 * freed individually: arch_dma_mark()/arch_dma_release() roll the arena back
 * so each check starts with the same footprint.
 */
void *arch_dma_alloc(size_t size, size_t align);
size_t arch_dma_mark(void);
void arch_dma_release(size_t mark);

/* The bus address a device uses for a buffer (identity map on every target
 * so far; the hook exists for an IOMMU or an offset bus). */
uint64_t arch_dma_addr(const void *p);
void *arch_dma_ptr(uint64_t addr);

/*
 * Memory ordering between the driver and the device, as the spec demands:
 *  arch_wmb(): make ring/buffer writes visible before a following index or
 *              notification write;
 *  arch_rmb(): read the used index before the entries it publishes;
 *  arch_mb():  full barrier, e.g. between publishing avail->idx and reading
 *              the device's notification suppression.
 */
void arch_mb(void);
void arch_rmb(void);
void arch_wmb(void);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * platform.h implemented on the host for unit tests: the console is captured
 * in memory, the DMA arena is a static buffer, bus addresses are offsets
 * into it from HOST_DMA_BUS_BASE. Only the arena is reachable by "devices".
 */
#ifndef PF_HOST_PLATFORM_H
#define PF_HOST_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#define HOST_DMA_ARENA_SIZE (32u << 20)
/* Bus address of the arena's first byte (see arch_dma_addr()). */
#define HOST_DMA_BUS_BASE 0x40000000ull

/* Console capture: everything arch_putc() wrote since the last clear. */
const char *host_console(void);
size_t host_console_len(void);
void host_console_clear(void);

/* Rolls the whole arena back (start of each test). */
void host_dma_reset(void);
/* Bytes of the arena in use. */
size_t host_dma_used(void);

/* A device's view of guest memory: the pointer for [addr, addr+len) if it
 * lies inside the arena, else NULL. */
void *host_dma_range(uint64_t addr, uint64_t len);

/* Called by arch_delay_ns() (polling loops): lets a test model a device that
 * makes progress while the driver waits. NULL to remove. */
void host_set_delay_hook(void (*fn)(void *ctx), void *ctx);

/* arch_fdt() for probe_main-style tests. */
void host_set_fdt(const void *fdt);

#endif

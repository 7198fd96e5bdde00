/* SPDX-License-Identifier: MIT */
/* platform.h and arch.h on the host, for the unit tests. */
#include "host_platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch.h"
#include "platform.h"

#define CONSOLE_MAX (4u << 20)

static char console[CONSOLE_MAX + 1];
static size_t console_len;

static _Alignas(4096) unsigned char arena[HOST_DMA_ARENA_SIZE];
static size_t arena_top;

static void (*delay_hook)(void *);
static void *delay_ctx;
static const void *host_fdt;

void arch_putc(char c)
{
	if (console_len < CONSOLE_MAX) {
		console[console_len++] = c;
		console[console_len] = 0;
	}
	if (getenv("PF_UNIT_ECHO"))
		fputc(c, stderr);
}

const char *host_console(void)
{
	return console;
}

size_t host_console_len(void)
{
	return console_len;
}

void host_console_clear(void)
{
	console_len = 0;
	console[0] = 0;
}

uint64_t arch_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void arch_delay_ns(uint64_t ns)
{
	uint64_t end = arch_now_ns() + ns;

	while (arch_now_ns() < end)
		;
	/* The device progresses while the driver waits: after the wait, so
	 * that what the driver reads next reflects everything due by then,
	 * however long this process was descheduled in between (a device
	 * action due at a time is never missed on a loaded machine). */
	if (delay_hook)
		delay_hook(delay_ctx);
}

void host_set_delay_hook(void (*fn)(void *ctx), void *ctx)
{
	delay_hook = fn;
	delay_ctx = ctx;
}

void arch_poweroff(void)
{
	fflush(stderr);
	abort(); /* a unit test must never get here */
}

void *arch_dma_alloc(size_t size, size_t align)
{
	size_t start;

	if (align == 0 || (align & (align - 1)))
		return NULL;
	start = (arena_top + align - 1) & ~(align - 1);
	if (start > sizeof(arena) || size > sizeof(arena) - start)
		return NULL;
	arena_top = start + size;
	memset(arena + start, 0, size);
	return arena + start;
}

size_t arch_dma_mark(void)
{
	return arena_top;
}

void arch_dma_release(size_t mark)
{
	if (mark <= arena_top)
		arena_top = mark;
}

void host_dma_reset(void)
{
	arena_top = 0;
}

size_t host_dma_used(void)
{
	return arena_top;
}

/*
 * Bus addresses are arena offsets from HOST_DMA_BUS_BASE, not host pointers:
 * host pointers do not fit a legacy 32-bit QueuePFN, and a driver that uses
 * a pointer where a bus address belongs is caught at once.
 */
uint64_t arch_dma_addr(const void *p)
{
	uintptr_t a = (uintptr_t)p, lo = (uintptr_t)arena;

	if (a < lo || a > lo + sizeof(arena))
		return ~0ull; /* not DMA memory: a device cannot reach it */
	return HOST_DMA_BUS_BASE + (uint64_t)(a - lo);
}

void *arch_dma_ptr(uint64_t addr)
{
	return host_dma_range(addr, 1);
}

void *host_dma_range(uint64_t addr, uint64_t len)
{
	if (addr < HOST_DMA_BUS_BASE)
		return NULL;
	addr -= HOST_DMA_BUS_BASE;
	if (addr > sizeof(arena) || len > sizeof(arena) - addr)
		return NULL;
	return arena + addr;
}

void arch_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void arch_rmb(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

void arch_wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

const char *arch_name(void)
{
	return "host";
}

uint64_t arch_image_base(void)
{
	return 0;
}

const void *arch_fdt(void)
{
	return host_fdt;
}

void host_set_fdt(const void *fdt)
{
	host_fdt = fdt;
}

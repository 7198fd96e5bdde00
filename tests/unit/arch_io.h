/* SPDX-License-Identifier: MIT */
/*
 * Raw MMIO accessors for the host build of io.c: plain volatile accesses.
 * The unit tests model regions in software (ops != NULL), so these only run
 * on memory a test maps on purpose.
 */
#ifndef PF_HOST_ARCH_IO_H
#define PF_HOST_ARCH_IO_H

#include <stdint.h>

static inline uint8_t arch_raw_read8(uintptr_t a)
{
	return *(volatile uint8_t *)a;
}
static inline uint16_t arch_raw_read16(uintptr_t a)
{
	return *(volatile uint16_t *)a;
}
static inline uint32_t arch_raw_read32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}
static inline void arch_raw_write8(uintptr_t a, uint8_t v)
{
	*(volatile uint8_t *)a = v;
}
static inline void arch_raw_write16(uintptr_t a, uint16_t v)
{
	*(volatile uint16_t *)a = v;
}
static inline void arch_raw_write32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * aarch64 raw MMIO accessors for io.c: each access is one plain load or
 * store of the given width, forced with inline assembly. A hypervisor
 * emulates an MMIO access from the syndrome (ESR ISV), which a
 * compiler-chosen pair or writeback form (ldp, ldr [x0], #4) does not
 * provide, and KVM then fails the access. No barriers here: io.c orders.
 */
#ifndef PF_AARCH64_ARCH_IO_H
#define PF_AARCH64_ARCH_IO_H

#include <stdint.h>

#define RAW_READ(insn, type, reg, addr)                                                       \
	({                                                                                    \
		type __v;                                                                     \
		__asm__ volatile(insn " %" reg "0, [%1]" : "=r"(__v) : "r"(addr) : "memory"); \
		__v;                                                                          \
	})
#define RAW_WRITE(insn, reg, addr, v) \
	__asm__ volatile(insn " %" reg "0, [%1]" : : "rZ"(v), "r"(addr) : "memory")

static inline uint8_t arch_raw_read8(uintptr_t a)
{
	return RAW_READ("ldrb", uint8_t, "w", a);
}
static inline uint16_t arch_raw_read16(uintptr_t a)
{
	return RAW_READ("ldrh", uint16_t, "w", a);
}
static inline uint32_t arch_raw_read32(uintptr_t a)
{
	return RAW_READ("ldr", uint32_t, "w", a);
}
static inline void arch_raw_write8(uintptr_t a, uint8_t v)
{
	RAW_WRITE("strb", "w", a, v);
}
static inline void arch_raw_write16(uintptr_t a, uint16_t v)
{
	RAW_WRITE("strh", "w", a, v);
}
static inline void arch_raw_write32(uintptr_t a, uint32_t v)
{
	RAW_WRITE("str", "w", a, v);
}

#endif

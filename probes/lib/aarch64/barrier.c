/* SPDX-License-Identifier: MIT */
/*
 * Driver/device ordering (platform.h). DSB rather than DMB: the "device" is
 * another agent (a VMM thread, or hardware) and the next access is often a
 * trapped MMIO notification, so completion, not just ordering, is what
 * makes the ring writes visible to it first. Full system (SY) domain, so
 * Normal and Device accesses to anything are covered.
 */
#include "platform.h"

void arch_mb(void)
{
	__asm__ volatile("dsb sy" : : : "memory");
}

void arch_rmb(void)
{
	__asm__ volatile("dsb ld" : : : "memory");
}

void arch_wmb(void)
{
	__asm__ volatile("dsb st" : : : "memory");
}

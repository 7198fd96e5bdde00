/* SPDX-License-Identifier: MIT */
/* Time from the Generic Timer's virtual counter (CNTVCT_EL0), which EL1 can
 * always read; CNTFRQ_EL0 gives its frequency (62.5 MHz on QEMU). */
#include "a64.h"
#include "platform.h"
#include "sysreg.h"

#define NSEC_PER_SEC 1000000000ULL

static uint64_t freq;
static uint64_t t0; /* counter at boot: arch_now_ns() starts near 0 */

static uint64_t counter(void)
{
	/* The ISB keeps the read from being performed early, ahead of the
	 * code it is meant to time. */
	isb();
	return read_sysreg(cntvct_el0);
}

void a64_timer_init(void)
{
	freq = read_sysreg(cntfrq_el0) & 0xffffffff;
	if (!freq)
		freq = 62500000; /* unprogrammed by firmware: assume QEMU's */
	t0 = counter();
}

uint64_t a64_counter_freq(void)
{
	return freq;
}

/* Split so neither product overflows: (t % f) * 1e9 < f * 1e9 < 2^64 for
 * any f below 18 GHz. */
static uint64_t ticks_to_ns(uint64_t t)
{
	return t / freq * NSEC_PER_SEC + t % freq * NSEC_PER_SEC / freq;
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / NSEC_PER_SEC * freq +
	       (ns % NSEC_PER_SEC * freq + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
}

uint64_t arch_now_ns(void)
{
	return ticks_to_ns(counter() - t0);
}

void arch_delay_ns(uint64_t ns)
{
	uint64_t start = counter(), ticks = ns_to_ticks(ns);

	while (counter() - start < ticks)
		__asm__ volatile("yield");
}

/* SPDX-License-Identifier: MIT */
/*
 * Power state via PSCI (Arm DEN 0022), through the conduit the DT's /psci
 * node names ("method": "hvc" or "smc"). Without one there is no way to
 * power off: the CPU parks and the runner's timeout ends the run.
 */
#include "a64.h"
#include "irq.h"
#include "platform.h"

#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u

static enum a64_conduit conduit;

void a64_psci_init(enum a64_conduit c)
{
	conduit = c;
}

/* SMCCC: function id in w0, result in x0; x1-x17 may be clobbered. */
static uint64_t psci_call(uint32_t fn)
{
	register uint64_t x0 __asm__("x0") = fn;

	if (conduit == CONDUIT_HVC)
		__asm__ volatile("hvc #0"
				 : "+r"(x0)
				 :
				 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
				   "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	else if (conduit == CONDUIT_SMC)
		__asm__ volatile("smc #0"
				 : "+r"(x0)
				 :
				 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
				   "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return x0;
}

void arch_poweroff(void)
{
	arch_irq_disable();
	a64_uart_flush();
	psci_call(PSCI_SYSTEM_OFF);
	a64_park(); /* SYSTEM_OFF returned (or no conduit) */
}

void a64_psci_reset(void)
{
	arch_irq_disable();
	a64_uart_flush();
	psci_call(PSCI_SYSTEM_RESET);
}

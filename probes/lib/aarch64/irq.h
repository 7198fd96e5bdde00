/* SPDX-License-Identifier: MIT */
/*
 * IRQ hook of the aarch64 port, for an interrupt controller driver (GIC).
 * IRQs are masked (PSTATE.I) from boot. Install a handler, then unmask: the
 * handler runs on the exception stack with IRQs masked, must acknowledge
 * the interrupt at the controller, and returns to the interrupted code.
 * An IRQ taken with no handler installed is a fault that ends the run;
 * FIQ and SError always are.
 */
#ifndef PF_A64_IRQ_H
#define PF_A64_IRQ_H

typedef void (*arch_irq_handler_fn)(void);

/* NULL removes the handler. Returns the previous one. */
arch_irq_handler_fn arch_irq_set_handler(arch_irq_handler_fn fn);

static inline void arch_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" : : : "memory");
}

/* Sleep until an interrupt is pending (it is taken if unmasked). */
static inline void arch_wfi(void)
{
	__asm__ volatile("dsb sy\n\twfi" : : : "memory");
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Unexpected exceptions end the run with a `fault` record (docs/protocol.md)
 * followed by `end` (status "aborted"), then power off. IRQs go to the
 * handler an interrupt controller driver installed (irq.h).
 *
 * A fault while reporting a fault (a broken UART, a bad exception stack)
 * must not loop: the second one only powers off, a third parks the CPU.
 */
#include <stdio.h>

#include "a64.h"
#include "arch.h"
#include "irq.h"
#include "platform.h"
#include "record.h"
#include "sysreg.h"

struct a64_frame {
	uint64_t x[31];
	uint64_t sp_el0, elr, spsr, esr, far;
	__uint128_t q[32];
	uint64_t fpsr, fpcr;
};
_Static_assert(__builtin_offsetof(struct a64_frame, sp_el0) == FRAME_SP_EL0, "");
_Static_assert(__builtin_offsetof(struct a64_frame, elr) == FRAME_ELR, "");
_Static_assert(__builtin_offsetof(struct a64_frame, esr) == FRAME_ESR, "");
_Static_assert(__builtin_offsetof(struct a64_frame, q) == FRAME_Q, "");
_Static_assert(__builtin_offsetof(struct a64_frame, fpsr) == FRAME_FPSR, "");
_Static_assert(sizeof(struct a64_frame) == FRAME_SIZE, "");

void a64_exception(struct a64_frame *f, unsigned vec);
void a64_exception_nested(unsigned vec) __attribute__((noreturn));

static arch_irq_handler_fn irq_handler;
static volatile unsigned fault_depth;

arch_irq_handler_fn arch_irq_set_handler(arch_irq_handler_fn fn)
{
	arch_irq_handler_fn old = irq_handler;

	irq_handler = fn;
	return old;
}

static const char *const vector_names[16] = {
	"synchronous exception, EL1 with SP_EL0",
	"IRQ, EL1 with SP_EL0",
	"FIQ, EL1 with SP_EL0",
	"SError, EL1 with SP_EL0",
	"synchronous exception in a handler, EL1 with SP_EL1",
	"IRQ in a handler, EL1 with SP_EL1",
	"FIQ in a handler, EL1 with SP_EL1",
	"SError in a handler, EL1 with SP_EL1",
	"synchronous exception from AArch64 EL0",
	"IRQ from AArch64 EL0",
	"FIQ from AArch64 EL0",
	"SError from AArch64 EL0",
	"synchronous exception from AArch32 EL0",
	"IRQ from AArch32 EL0",
	"FIQ from AArch32 EL0",
	"SError from AArch32 EL0",
};

/* ESR_ELx.EC, the classes a probe bug or a misbehaving VMM produces */
static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00:
		return "unknown reason (undefined instruction)";
	case 0x01:
		return "trapped WFI/WFE";
	case 0x07:
		return "trapped FP/SIMD access";
	case 0x0e:
		return "illegal execution state";
	case 0x15:
		return "SVC";
	case 0x16:
		return "HVC";
	case 0x17:
		return "SMC";
	case 0x18:
		return "trapped MSR/MRS/system instruction";
	case 0x19:
		return "trapped SVE access";
	case 0x20:
	case 0x21:
		return "instruction abort";
	case 0x22:
		return "PC alignment fault";
	case 0x24:
	case 0x25:
		return "data abort";
	case 0x26:
		return "SP alignment fault";
	case 0x2c:
		return "FP exception";
	case 0x2f:
		return "SError";
	case 0x30:
	case 0x31:
		return "breakpoint";
	case 0x32:
	case 0x33:
		return "software step";
	case 0x34:
	case 0x35:
		return "watchpoint";
	case 0x3c:
		return "BRK instruction";
	default:
		return "exception class not decoded";
	}
}

static void end_aborted(void)
{
	rec_begin("end");
	rec_obj_begin("counts");
	rec_obj_end();
	rec_u64("records", rec_next_seq());
	rec_str("status", "aborted");
	rec_end();
}

/* Called on every fatal path; returns only for the first fault. */
static void fault_enter(void)
{
	unsigned depth = ++fault_depth;

	if (depth == 1)
		return;
	if (depth == 2)
		arch_poweroff();
	a64_park();
}

static void __attribute__((noreturn))
report(unsigned vec, uint64_t esr, uint64_t far, uint64_t elr, uint64_t spsr, const uint64_t *lr)
{
	static char msg[160];
	/* ESR is meaningful for synchronous exceptions and SError */
	bool esr_valid = (vec & 3) == 0 || (vec & 3) == 3;

	if (esr_valid)
		snprintf(msg, sizeof(msg), "%s: %s (EC 0x%02x)", vector_names[vec],
			 ec_name(ESR_EC(esr)), (unsigned)ESR_EC(esr));
	else
		snprintf(msg, sizeof(msg), "%s", vector_names[vec]);
	rec_abort();
	rec_begin("fault");
	rec_str("kind", "exception");
	rec_str("msg", msg);
	rec_u64("vector", vec);
	rec_hex("esr", esr);
	rec_hex("far", far);
	rec_hex("elr", elr);
	rec_hex("spsr", spsr);
	if (lr)
		rec_hex("lr", *lr);
	rec_end();
	end_aborted();
	arch_poweroff();
}

void a64_exception(struct a64_frame *f, unsigned vec)
{
	if (vec == 1 && irq_handler && !fault_depth) {
		irq_handler();
		return;
	}
	fault_enter();
	report(vec & 15, f->esr, f->far, f->elr, f->spsr, &f->x[30]);
}

void a64_exception_nested(unsigned vec)
{
	fault_enter();
	report(vec & 15, read_sysreg(esr_el1), read_sysreg(far_el1), read_sysreg(elr_el1),
	       read_sysreg(spsr_el1), NULL);
}

void arch_fatal(const char *msg)
{
	arch_irq_disable();
	fault_enter();
	rec_abort();
	rec_begin("fault");
	rec_str("kind", "assert");
	rec_str("msg", msg);
	rec_hex("lr", (uint64_t)(uintptr_t)__builtin_return_address(0));
	rec_end();
	end_aborted();
	arch_poweroff();
}

/* SPDX-License-Identifier: MIT */
/*
 * EL1 exception vectors (VBAR_EL1). The probe runs at EL1t (SP_EL0), so
 * everything it triggers arrives in the "current EL with SP_EL0" group and
 * is handled on SP_EL1: the full context (x0-x30, FP/SIMD, ELR, SPSR, ESR,
 * FAR) is saved, a64_exception() either handles an expected IRQ and we
 * return, or reports the fault and powers off.
 *
 * An exception in the "current EL with SP_ELx" group means a handler
 * itself faulted: switch to the panic stack (SP_EL1 may be what broke) and
 * go to a64_exception_nested(), which never returns.
 */
#include "sysreg.h"

	.macro	ventry_sp0 idx
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #FRAME_X]
	mov	x0, #\idx
	b	exc_common
	.endm

	.macro	ventry_spx idx
	.balign	0x80
	adrp	x0, __panic_stack_top
	add	x0, x0, :lo12:__panic_stack_top
	mov	sp, x0
	mov	x0, #\idx
	b	a64_exception_nested
	.endm

	/* q0-q31 at [x1], one pair each 32 bytes: `stp` saves, `ldp` restores */
	.macro	fpsimd_pairs op
	\op	q0, q1, [x1, #0]
	\op	q2, q3, [x1, #32]
	\op	q4, q5, [x1, #64]
	\op	q6, q7, [x1, #96]
	\op	q8, q9, [x1, #128]
	\op	q10, q11, [x1, #160]
	\op	q12, q13, [x1, #192]
	\op	q14, q15, [x1, #224]
	\op	q16, q17, [x1, #256]
	\op	q18, q19, [x1, #288]
	\op	q20, q21, [x1, #320]
	\op	q22, q23, [x1, #352]
	\op	q24, q25, [x1, #384]
	\op	q26, q27, [x1, #416]
	\op	q28, q29, [x1, #448]
	\op	q30, q31, [x1, #480]
	.endm

	.section .text.vectors, "ax"
	.balign	2048
	.globl	a64_vectors
a64_vectors:
	ventry_sp0 0	/* current EL, SP_EL0: sync */
	ventry_sp0 1	/* IRQ */
	ventry_sp0 2	/* FIQ */
	ventry_sp0 3	/* SError */
	ventry_spx 4	/* current EL, SP_ELx: sync */
	ventry_spx 5	/* IRQ */
	ventry_spx 6	/* FIQ */
	ventry_spx 7	/* SError */
	ventry_sp0 8	/* lower EL, AArch64 (never: no EL0 code) */
	ventry_sp0 9
	ventry_sp0 10
	ventry_sp0 11
	ventry_sp0 12	/* lower EL, AArch32 */
	ventry_sp0 13
	ventry_sp0 14
	ventry_sp0 15

exc_common:
	stp	x2, x3, [sp, #FRAME_X + 16]
	stp	x4, x5, [sp, #FRAME_X + 32]
	stp	x6, x7, [sp, #FRAME_X + 48]
	stp	x8, x9, [sp, #FRAME_X + 64]
	stp	x10, x11, [sp, #FRAME_X + 80]
	stp	x12, x13, [sp, #FRAME_X + 96]
	stp	x14, x15, [sp, #FRAME_X + 112]
	stp	x16, x17, [sp, #FRAME_X + 128]
	stp	x18, x19, [sp, #FRAME_X + 144]
	stp	x20, x21, [sp, #FRAME_X + 160]
	stp	x22, x23, [sp, #FRAME_X + 176]
	stp	x24, x25, [sp, #FRAME_X + 192]
	stp	x26, x27, [sp, #FRAME_X + 208]
	stp	x28, x29, [sp, #FRAME_X + 224]
	mrs	x1, sp_el0
	stp	x30, x1, [sp, #FRAME_X + 240]
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	stp	x1, x2, [sp, #FRAME_ELR]
	mrs	x1, esr_el1
	mrs	x2, far_el1
	stp	x1, x2, [sp, #FRAME_ESR]
	/* Handlers are ordinary C, which may use SIMD registers: keep the
	 * interrupted code's FP/SIMD state. */
	add	x1, sp, #FRAME_Q
	fpsimd_pairs stp
	mrs	x2, fpsr
	mrs	x3, fpcr
	str	x2, [sp, #FRAME_FPSR]	/* str: stp cannot reach */
	str	x3, [sp, #FRAME_FPCR]

	mov	x1, x0			/* vector index */
	mov	x0, sp			/* frame */
	mov	x29, xzr
	bl	a64_exception		/* returns only for a handled IRQ */

	ldr	x2, [sp, #FRAME_FPSR]
	ldr	x3, [sp, #FRAME_FPCR]
	msr	fpsr, x2
	msr	fpcr, x3
	add	x1, sp, #FRAME_Q
	fpsimd_pairs ldp
	ldp	x1, x2, [sp, #FRAME_ELR]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	ldr	x30, [sp, #FRAME_X + 240]
	ldp	x28, x29, [sp, #FRAME_X + 224]
	ldp	x26, x27, [sp, #FRAME_X + 208]
	ldp	x24, x25, [sp, #FRAME_X + 192]
	ldp	x22, x23, [sp, #FRAME_X + 176]
	ldp	x20, x21, [sp, #FRAME_X + 160]
	ldp	x18, x19, [sp, #FRAME_X + 144]
	ldp	x16, x17, [sp, #FRAME_X + 128]
	ldp	x14, x15, [sp, #FRAME_X + 112]
	ldp	x12, x13, [sp, #FRAME_X + 96]
	ldp	x10, x11, [sp, #FRAME_X + 80]
	ldp	x8, x9, [sp, #FRAME_X + 64]
	ldp	x6, x7, [sp, #FRAME_X + 48]
	ldp	x4, x5, [sp, #FRAME_X + 32]
	ldp	x2, x3, [sp, #FRAME_X + 16]
	ldp	x0, x1, [sp, #FRAME_X]
	add	sp, sp, #FRAME_SIZE
	eret

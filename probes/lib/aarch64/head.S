/* SPDX-License-Identifier: MIT */
/*
 * Entry: the arm64 Linux boot protocol (Documentation/arch/arm64/booting.rst).
 * The loader enters at the first byte with x0 = DTB address, MMU off, at
 * EL2 or EL1. We drop to EL1, enable FP/SIMD, clear .bss, switch to the
 * probe stack (SP_EL0: handlers get SP_EL1 to themselves, so a stack
 * overflow can still be reported) and call a64_boot(dtb). The image runs
 * at any 4 KiB aligned address: it relocates itself first.
 */
#include "sysreg.h"

#define R_AARCH64_RELATIVE 1027

	.section .text.head, "ax"
	.globl	_start
_start:
	/* arm64 Image header, 64 bytes: the branch here, the rest (offsets
	 * and sizes known only at link time) written by probe.ld, because a
	 * PIE cannot hold link-time addresses in code without relocating
	 * them. */
	b	primary_entry		/* code0 */
	.long	0			/* code1 */

	.section .text.entry, "ax"
primary_entry:
	mov	x19, x0			/* DTB, kept across the EL change */
	mrs	x1, CurrentEL
	ubfx	x20, x1, #2, #2		/* boot EL, kept for a64_boot_el */
	cmp	x20, #2
	b.eq	el2_entry
	cmp	x20, #1
	b.ne	park			/* EL3/EL0: not a Linux boot */

el1_entry:
	msr	daifset, #0xf
	ldr	x0, =SCTLR_EL1_BOOT
	msr	sctlr_el1, x0
	mov	x0, #CPACR_EL1_FPEN
	msr	cpacr_el1, x0
	isb				/* FPEN and SCTLR in effect from here */

	/* Position independent (a static PIE): wherever the loader put us
	 * (another text_offset, another RAM base), apply the image's own
	 * R_AARCH64_RELATIVE relocations by the distance from the link
	 * address before any C runs. __link_address holds the link address
	 * as plain data (probe.ld), not relocated. MMU off: every access
	 * below is 8-byte aligned. */
	adr	x0, _start
	adrp	x1, __link_address
	ldr	x1, [x1, :lo12:__link_address]
	subs	x9, x0, x1		/* delta: runtime - link address */
	b.eq	reloc_done
	adrp	x2, __rela_start
	add	x2, x2, :lo12:__rela_start
	adrp	x3, __rela_end
	add	x3, x3, :lo12:__rela_end
reloc_next:
	cmp	x2, x3
	b.hs	reloc_done
	ldp	x4, x5, [x2], #16	/* r_offset, r_info */
	ldr	x6, [x2], #8		/* r_addend */
	cmp	w5, #R_AARCH64_RELATIVE	/* the type is r_info's low half */
	b.ne	bad_reloc
	add	x6, x6, x9
	str	x6, [x4, x9]
	b	reloc_next
reloc_done:

	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1			/* 16-byte aligned bounds (probe.ld) */
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:	adrp	x0, a64_boot_el
	str	w20, [x0, :lo12:a64_boot_el]

	adrp	x0, __exc_stack_top
	add	sp, x0, :lo12:__exc_stack_top
	adrp	x0, __stack_top
	add	x0, x0, :lo12:__stack_top
	msr	sp_el0, x0
	msr	spsel, #0		/* run at EL1t on SP_EL0 */
	adrp	x0, a64_vectors
	add	x0, x0, :lo12:a64_vectors
	msr	vbar_el1, x0
	isb				/* vectors in place before anything can fault */

	mov	x29, xzr		/* end of the frame chain for debuggers */
	mov	x30, xzr
	mov	x0, x19
	bl	a64_boot
	b	park

/*
 * Entered at EL2 (e.g. QEMU virtualization=on): configure EL2 so it stays
 * out of the way (EL1 in AArch64, no stage 2, no traps of FP, timers or
 * GICv3 system registers) and drop to EL1h.
 */
el2_entry:
	mov	x0, #HCR_EL2_RW
	msr	hcr_el2, x0
	isb				/* E2H clear before the E2H-dependent CNTHCTL layout */
	mrs	x0, cnthctl_el2
	orr	x0, x0, #CNTHCTL_EL2_EL1PCEN_PCTEN
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr	/* virtual counter = physical counter */
	mov	x0, #CPTR_EL2_RES1
	msr	cptr_el2, x0
	msr	hstr_el2, xzr
	msr	vttbr_el2, xzr
	mrs	x0, midr_el1		/* EL1 reads of MIDR/MPIDR see these */
	msr	vpidr_el2, x0
	mrs	x0, mpidr_el1
	msr	vmpidr_el2, x0

	mrs	x0, id_aa64pfr0_el1
	ubfx	x0, x0, #ID_AA64PFR0_GIC_SHIFT, #4
	cbz	x0, 3f			/* no GICv3 system register interface */
	mrs	x0, ICC_SRE_EL2
	mov	x1, #ICC_SRE_EL2_SRE_ENABLE	/* not a logical immediate */
	orr	x0, x0, x1
	msr	ICC_SRE_EL2, x0
3:
	ldr	x0, =SCTLR_EL1_BOOT
	msr	sctlr_el1, x0
	mov	x0, #SPSR_EL1H_MASKED
	msr	spsr_el2, x0
	adr	x0, el1_entry
	msr	elr_el2, x0
	isb
	eret

/* A relocation the loop cannot apply (the build admits only RELATIVE ones,
 * see probe.ld): say so on QEMU virt's PL011, the only UART known this
 * early, then stop. */
bad_reloc:
	adr	x1, reloc_msg
	mov	x2, #0x09000000
4:	ldrb	w3, [x1], #1
	cbz	w3, park
	str	w3, [x2]
	b	4b

	.globl	a64_park
a64_park:
park:
	msr	daifset, #0xf
5:	wfi
	b	5b

	.ltorg
reloc_msg:
	.asciz	"\r\nprobe: unsupported relocation in the image (see probes/lib/aarch64/probe.ld)\r\n"

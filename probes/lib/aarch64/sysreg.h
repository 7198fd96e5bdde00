/* SPDX-License-Identifier: MIT */
/*
 * AArch64 system registers and barriers, named as in the Arm ARM (DDI 0487).
 * Shared by C and assembly (head.S, vectors.S).
 */
#ifndef PF_A64_SYSREG_H
#define PF_A64_SYSREG_H

/* SCTLR_EL1 */
#define SCTLR_M (1 << 0)   /* stage 1 translation (MMU) */
#define SCTLR_A (1 << 1)   /* alignment check: off, Normal memory allows unaligned */
#define SCTLR_C (1 << 2)   /* data cacheability */
#define SCTLR_SA (1 << 3)  /* SP alignment check at EL1 */
#define SCTLR_SA0 (1 << 4) /* SP alignment check at EL0 */
#define SCTLR_I (1 << 12)  /* instruction cacheability */
/* RES1 in Armv8.0 (EOS, TSCXT, EIS, SPAN, nTLSMD, LSMAOE), harmless later */
#define SCTLR_EL1_RES1 0x30d00800
/* MMU and caches off, little-endian, no MTE/PAC/BTI controls set */
#define SCTLR_EL1_BOOT (SCTLR_EL1_RES1 | SCTLR_SA | SCTLR_SA0)

/* CPACR_EL1.FPEN = 0b11: FP/SIMD not trapped at EL1 and EL0 */
#define CPACR_EL1_FPEN (3 << 20)

/* HCR_EL2.RW: EL1 executes in AArch64 (everything else 0: no stage 2,
 * no traps, E2H off) */
#define HCR_EL2_RW (1 << 31)
/* CNTHCTL_EL2 (E2H == 0): EL1PCTEN | EL1PCEN, EL1 may use the physical
 * counter and timer */
#define CNTHCTL_EL2_EL1PCEN_PCTEN 3
/* CPTR_EL2 (E2H == 0): RES1 bits only, so TFP = 0 (FP/SIMD not trapped) */
#define CPTR_EL2_RES1 0x33ff
/* ICC_SRE_EL2: SRE (EL2 uses GICv3 sysregs) | Enable (EL1 may set its SRE) */
#define ICC_SRE_EL2 S3_4_C12_C9_5
#define ICC_SRE_EL2_SRE_ENABLE ((1 << 0) | (1 << 3))
/* SPSR: EL1h (SP_EL1), D, A, I, F masked */
#define SPSR_EL1H_MASKED 0x3c5

/* ID_AA64PFR0_EL1.GIC, bits [27:24]: GICv3+ system registers present */
#define ID_AA64PFR0_GIC_SHIFT 24

/* Exception frame built by vectors.S, read by exception.c */
#define FRAME_X 0 /* x0..x30 */
#define FRAME_SP_EL0 248
#define FRAME_ELR 256
#define FRAME_SPSR 264
#define FRAME_ESR 272
#define FRAME_FAR 280
#define FRAME_Q 288 /* q0..q31 */
#define FRAME_FPSR 800
#define FRAME_FPCR 808
#define FRAME_SIZE 816

#ifndef __ASSEMBLER__
#include <stdint.h>

#define read_sysreg(r)                                       \
	({                                                   \
		uint64_t __v;                                \
		__asm__ volatile("mrs %0, " #r : "=r"(__v)); \
		__v;                                         \
	})
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %x0" : : "rZ"((uint64_t)(v)) : "memory")

#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt : : : "memory")

/* ESR_ELx */
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)

#endif /* __ASSEMBLER__ */
#endif

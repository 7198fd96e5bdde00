/* SPDX-License-Identifier: MIT */
/*
 * Arm Generic Interrupt Controller, as the aarch64 port drives it behind the
 * portable intr.h: GICv2 (+ GICv2m MSI frames) and GICv3 (+ ITS), found in
 * the device tree. Register names follow the GIC architecture specification
 * (Arm IHI 0048 for GICv2, IHI 0069 for GICv3/ITS) and the GICv2m chapter of
 * the Server Base System Architecture. Internal to probes/lib/aarch64/.
 */
#ifndef PF_A64_GIC_H
#define PF_A64_GIC_H

#include <stdbool.h>
#include <stdint.h>

#include "pf_errno.h"

/* ---- INTID space ---- */
#define GIC_SPI_BASE 32
#define GIC_MAX_SPI_INTID 1019 /* 1020..1023 are special */
#define GIC_INTID_SPURIOUS 1023
#define GIC_LPI_BASE 8192
#define GIC_IS_SPECIAL(id) ((id) >= 1020 && (id) <= 1023)

/* Priorities: lower is more urgent. Everything we wire gets GIC_PRIO_IRQ,
 * the CPU interface's mask lets anything above GIC_PRIO_MASK through. */
#define GIC_PRIO_IRQ 0xa0
#define GIC_PRIO_MASK 0xf0

/* ---- Distributor (GICD), both versions ---- */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR 0x0800 /* v2 (v3 with ARE = 0) */
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6000 /* v3: 64-bit per INTID */
#define GICD_PIDR2_V2 0x0fe8
#define GICD_PIDR2_V3 0xffe8

#define GICD_CTLR_ENABLE_G0 (1u << 0) /* v2: Enable; v3 (DS=1): EnableGrp0 */
#define GICD_CTLR_ENABLE_G1 (1u << 1) /* v3: EnableGrp1 / EnableGrp1A (NS view) */
#define GICD_CTLR_ARE (1u << 4)	      /* v3: affinity routing (ARE / ARE_NS) */
#define GICD_CTLR_DS (1u << 6)	      /* v3: single security state */
#define GICD_CTLR_RWP (1u << 31)      /* v3: register write pending */
#define GICD_TYPER_ITLINES(t) ((((t)&0x1f) + 1) * 32)
#define GICD_TYPER_LPIS (1u << 17)			/* v3 */
#define GICD_TYPER_IDBITS(t) ((((t) >> 19) & 0x1f) + 1) /* v3 */
#define GIC_PIDR2_ARCH(p) (((p) >> 4) & 0xf)
#define GICD_ICFGR_EDGE 2u /* of the 2-bit field per INTID */

/* ---- GICv2 CPU interface (GICC), memory-mapped ---- */
#define GICC_CTLR 0x0000
#define GICC_PMR 0x0004
#define GICC_BPR 0x0008
#define GICC_IAR 0x000c
#define GICC_EOIR 0x0010
#define GICC_IIDR 0x00fc
#define GICC_CTLR_ENABLE (1u << 0)
#define GICC_IAR_INTID(v) ((v)&0x3ff)

/* ---- GICv2m MSI frame ---- */
#define V2M_MSI_TYPER 0x0008
#define V2M_MSI_SETSPI_NS 0x0040
#define V2M_MSI_IIDR 0x0fcc
#define V2M_TYPER_BASE(t) (((t) >> 16) & 0x3ff)
#define V2M_TYPER_NUM(t) ((t)&0x3ff)

/* ---- GICv3 redistributor (GICR): RD_base frame, then SGI_base ---- */
#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008 /* 64-bit */
#define GICR_WAKER 0x0014
#define GICR_PROPBASER 0x0070 /* 64-bit */
#define GICR_PENDBASER 0x0078 /* 64-bit */
#define GICR_PIDR2 0xffe8
#define GICR_SGI_BASE 0x10000
#define GICR_IGROUPR0 (GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI_BASE + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI_BASE + 0x0180)
#define GICR_ICPENDR0 (GICR_SGI_BASE + 0x0280)
#define GICR_IPRIORITYR0 (GICR_SGI_BASE + 0x0400)
#define GICR_FRAME_SIZE 0x20000	   /* RD_base + SGI_base */
#define GICR_FRAME_SIZE_V4 0x40000 /* + VLPI_base + reserved (TYPER.VLPIS) */

#define GICR_CTLR_ENABLE_LPIS (1u << 0)
#define GICR_CTLR_RWP (1u << 3)
#define GICR_TYPER_PLPIS (1ull << 0)
#define GICR_TYPER_VLPIS (1ull << 1)
#define GICR_TYPER_LAST (1ull << 4)
#define GICR_TYPER_PROCNUM(t) ((uint32_t)((t) >> 8) & 0xffff)
#define GICR_TYPER_AFF(t) ((uint32_t)((t) >> 32))
#define GICR_WAKER_PROC_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* Memory attributes of the GICR_*BASER / GITS_*BASER tables: inner
 * write-back read/write-allocate, inner shareable (what our RAM is). */
#define GIC_BASER_INNER_WAWB 7ull
#define GIC_BASER_SH_INNER 1ull
#define GICR_BASER_CACHE_SHIFT 7
#define GICR_BASER_SH_SHIFT 10
#define GICR_PENDBASER_PTZ (1ull << 62)

/* ---- ITS (GITS): control frame, then the translation frame ---- */
#define GITS_CTLR 0x0000
#define GITS_IIDR 0x0004
#define GITS_TYPER 0x0008   /* 64-bit */
#define GITS_CBASER 0x0080  /* 64-bit */
#define GITS_CWRITER 0x0088 /* 64-bit */
#define GITS_CREADR 0x0090  /* 64-bit */
#define GITS_BASER(n) (0x0100 + 8 * (n))
#define GITS_PIDR2 0xffe8
#define GITS_TRANSLATER 0x10040 /* in the translation frame (+64 KiB) */

#define GITS_CTLR_ENABLED (1u << 0)
#define GITS_CTLR_QUIESCENT (1u << 31)
#define GITS_TYPER_PHYSICAL (1ull << 0)
#define GITS_TYPER_ITT_SIZE(t) ((unsigned)(((t) >> 4) & 0xf) + 1)
#define GITS_TYPER_IDBITS(t) ((unsigned)(((t) >> 8) & 0x1f) + 1)
#define GITS_TYPER_DEVBITS(t) ((unsigned)(((t) >> 13) & 0x1f) + 1)
#define GITS_TYPER_PTA (1ull << 19)
#define GITS_TYPER_HCC(t) ((unsigned)((t) >> 24) & 0xff)
#define GITS_CBASER_VALID (1ull << 63)
#define GITS_CREADR_STALLED (1ull << 0)
#define GITS_BASER_VALID (1ull << 63)
#define GITS_BASER_INDIRECT (1ull << 62)
#define GITS_BASER_TYPE(b) ((unsigned)((b) >> 56) & 7)
#define GITS_BASER_ENTRY_SIZE(b) ((unsigned)(((b) >> 48) & 0x1f) + 1)
#define GITS_BASER_PAGE_SHIFT 8
#define GITS_BASER_PAGE_MASK (3ull << 8)
#define GITS_BASER_TYPE_DEVICE 1
#define GITS_BASER_TYPE_COLL 4
#define GITS_CACHE_SHIFT 59 /* InnerCache of CBASER / BASER */
#define GITS_SH_SHIFT 10    /* Shareability of CBASER / BASER */

/* ITS commands (32 bytes each) */
#define GITS_CMD_MAPD 0x08
#define GITS_CMD_MAPC 0x09
#define GITS_CMD_MAPTI 0x0a
#define GITS_CMD_INV 0x0c
#define GITS_CMD_SYNC 0x05
#define GITS_CMD_DISCARD 0x0f

/* LPI configuration table entry: priority [7:2], RES1 [1], Enable [0] */
#define LPI_PROP_RES1 (1u << 1)
#define LPI_PROP_ENABLE (1u << 0)

/* ---- GICv3 CPU interface system registers (encodings, Arm ARM) ---- */
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SRE_SRE (1u << 0)
#define ICC_SRE_DFB (1u << 1)
#define ICC_SRE_DIB (1u << 2)
#define ICC_IAR_INTID(v) ((uint32_t)(v)&0xffffff)

#define gic_str(x) #x
#define gic_xstr(x) gic_str(x)
#define gic_read_sysreg(r)                                                         \
	({                                                                         \
		uint64_t __v;                                                      \
		__asm__ volatile("mrs %0, " gic_xstr(r) : "=r"(__v) : : "memory"); \
		__v;                                                               \
	})
#define gic_write_sysreg(r, v) \
	__asm__ volatile("msr " gic_xstr(r) ", %x0" : : "rZ"((uint64_t)(v)) : "memory")

/*
 * MMIO accessors. One plain load/store of the given width, never a pair or
 * a writeback form: a hypervisor emulates a trapped GIC access from the
 * syndrome, which only those instructions provide. Device-nGnRE accesses to
 * one peripheral are ordered among themselves; ordering against Normal
 * memory (ITS tables and commands) is done explicitly where it matters.
 */
#define GIC_MMIO_ACCESSORS(bits, type, ld, st, reg)                                                \
	static inline type gic_read##bits(uint64_t a)                                              \
	{                                                                                          \
		type v;                                                                            \
                                                                                                   \
		__asm__ volatile(ld " %" reg "0, [%1]" : "=r"(v) : "r"((uintptr_t)a) : "memory");  \
		return v;                                                                          \
	}                                                                                          \
	static inline void gic_write##bits(uint64_t a, type v)                                     \
	{                                                                                          \
		__asm__ volatile(st " %" reg "0, [%1]" : : "rZ"(v), "r"((uintptr_t)a) : "memory"); \
	}

GIC_MMIO_ACCESSORS(8, uint8_t, "ldrb", "strb", "w")
GIC_MMIO_ACCESSORS(32, uint32_t, "ldr", "str", "w")
GIC_MMIO_ACCESSORS(64, uint64_t, "ldr", "str", "x")

/* ---- what intr.c sees of a controller ---- */

struct gic_msi {
	uint64_t addr;	/* doorbell the device writes */
	uint32_t data;	/* value it writes */
	uint32_t intid; /* INTID that arrives */
};

struct gic_chip {
	const char *name;      /* "gicv2", "gicv3" */
	uint32_t nr_lines;     /* INTIDs below this are SGI/PPI/SPI */
	uint32_t (*ack)(void); /* raw IAR value */
	uint32_t (*iar_intid)(uint32_t raw);
	void (*eoi)(uint32_t raw);
	/* SPIs: trigger (line disabled while changing), priority, route to
	 * the boot CPU; LPIs: ignore edge (always edge-like) */
	int (*configure)(uint32_t intid, bool edge);
	void (*enable)(uint32_t intid, bool on);
	/* MSI doorbells for DeviceID devid, NULL when the GIC has none */
	const char *msi_name; /* "gicv2m", "its" */
	int msi_node;	      /* its DT node (msi-map/msi-parent must name it) */
	int (*msi_alloc)(uint32_t devid, unsigned n, struct gic_msi *out);
	void (*msi_free)(const struct gic_msi *v, unsigned n);
	char desc[160]; /* for logs: what was found where */
};

/*
 * What the probes of both versions share: GICD_TYPER read at gicd (all
 * ones: nothing decodes there, PF_EIO), the chip set from the version's
 * template (name and ops) and its line count; *typer for the caller.
 * 0 or PF_EIO.
 */
static inline int gic_chip_start(struct gic_chip *chip, const struct gic_chip *tmpl, uint64_t gicd,
				 uint32_t *typer)
{
	*typer = gic_read32(gicd + GICD_TYPER);
	if (*typer == ~0u)
		return PF_EIO;
	*chip = *tmpl;
	chip->nr_lines = GICD_TYPER_ITLINES(*typer);
	if (chip->nr_lines > GIC_MAX_SPI_INTID + 1)
		chip->nr_lines = GIC_MAX_SPI_INTID + 1;
	return 0;
}

/* Errors are PF_E* codes (pf_errno.h). */

/* Bound on every wait for the GIC (RWP, WAKER, ITS command queue). */
#define GIC_POLL_NS 10000000ull

/* gic_v2.c / gic_v3.c: probe the controller at DT node `node` (the
 * compatible already matched) and return its ops. */
int gicv2_probe(const void *fdt, int node, struct gic_chip **out);
int gicv3_probe(const void *fdt, int node, struct gic_chip **out);

/* gic_v3.c, for gic_its.c */
struct gicv3_rdist {
	uint64_t base; /* RD_base of the boot CPU's redistributor */
	uint64_t typer;
};
const struct gicv3_rdist *gicv3_boot_rdist(void);
uint32_t gicv3_dist_typer(void);

/* gic_its.c: probe an arm,gic-v3-its node; enables LPIs on the boot CPU's
 * redistributor. Fills the chip's msi_* and LPI handling on success. */
int gic_its_probe(const void *fdt, int node, struct gic_chip *chip);
bool gic_its_owns(uint32_t intid);
void gic_its_lpi_enable(uint32_t intid, bool on);

/* gic_v2.c: probe arm,gic-v2m-frame nodes below/next to the GIC. */
int gic_v2m_probe(const void *fdt, struct gic_chip *chip);

/* gic_dt.c: device-tree look-ups */
int gic_dt_find(const void *fdt, int *node, int *version);
int gic_dt_reg(const void *fdt, int node, int idx, uint64_t *addr, uint64_t *size);
/* Decode a GIC interrupt specifier (#interrupt-cells of the GIC, 3 or 4) */
int gic_dt_decode(const uint32_t *cells, int ncells, uint32_t *intid, bool *edge);

struct intr_line;
int gic_dt_irq_by_reg(const void *fdt, int gic, uint64_t reg_addr, unsigned index,
		      struct intr_line *out);
int gic_dt_pci_intx(const void *fdt, int gic, uint64_t cfg_addr, uint8_t pin,
		    struct intr_line *out);
int gic_dt_pci_msi(const void *fdt, uint64_t cfg_addr, uint32_t *devid, int *msi_node);

/* Poll `a` until (read & mask) == want, at most GIC_POLL_NS. */
bool gic_poll32(uint64_t a, uint32_t mask, uint32_t want);

/* Clean data cache lines of [p, p+len) to the point of coherency: for GIC
 * tables the redistributor/ITS reads as non-shareable or non-cacheable. */
void gic_dcache_clean(const void *p, uint64_t len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * GICv3 (Arm IHI 0069): distributor with affinity routing, the boot CPU's
 * redistributor, and the system-register CPU interface (ICC_*_EL1). We are
 * a Non-secure EL1 guest or the only security state (GICD_CTLR.DS = 1);
 * every interrupt we use is Group 1 (Non-secure), signalled as IRQ and
 * acknowledged through ICC_IAR1_EL1. LPIs are the ITS's (gic_its.c).
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "gic.h"
#include "platform.h"
#include "sysreg.h"

static uint64_t gicd;
static struct gicv3_rdist rdist;
static uint64_t route; /* GICD_IROUTER value naming the boot CPU */
static struct gic_chip chip;

bool gic_poll32(uint64_t a, uint32_t mask, uint32_t want)
{
	uint64_t t0 = arch_now_ns();

	while ((gic_read32(a) & mask) != want)
		if (arch_now_ns() - t0 > GIC_POLL_NS)
			return false;
	return true;
}

void gic_dcache_clean(const void *p, uint64_t len)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)63, end = (uintptr_t)p + len;

	/* 64 bytes is the smallest line CTR_EL0 allows on the cores we run
	 * on; a smaller real line would only mean extra cleans. */
	for (; a < end; a += 64)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	/* the cleans are complete before the GIC is told to look */
	dsb(sy);
}

const struct gicv3_rdist *gicv3_boot_rdist(void)
{
	return rdist.base ? &rdist : NULL;
}

static uint32_t v3_ack(void)
{
	uint32_t raw = (uint32_t)gic_read_sysreg(ICC_IAR1_EL1);

	/* The acknowledge must be complete before we look at the device
	 * that raised the interrupt (as Linux's gic_read_iar). */
	dsb(sy);
	return raw;
}

static uint32_t v3_iar_intid(uint32_t raw)
{
	return ICC_IAR_INTID(raw);
}

static void v3_eoi(uint32_t raw)
{
	gic_write_sysreg(ICC_EOIR1_EL1, raw);
	/* the priority drop and deactivation take effect before we return
	 * from the exception and may take the next interrupt */
	isb();
}

static void v3_enable(uint32_t intid, bool on)
{
	uint32_t bit = 1u << (intid % 32);

	if (intid >= GIC_LPI_BASE) {
		gic_its_lpi_enable(intid, on);
	} else if (intid < GIC_SPI_BASE) {
		gic_write32(rdist.base + (on ? GICR_ISENABLER0 : GICR_ICENABLER0), bit);
		if (!on) /* the disable is complete when RWP clears */
			gic_poll32(rdist.base + GICR_CTLR, GICR_CTLR_RWP, 0);
	} else if (intid < chip.nr_lines) {
		gic_write32(gicd + (on ? GICD_ISENABLER : GICD_ICENABLER) + intid / 32 * 4, bit);
		if (!on)
			gic_poll32(gicd + GICD_CTLR, GICD_CTLR_RWP, 0);
	}
}

static int v3_configure(uint32_t intid, bool edge)
{
	uint64_t cfg = gicd + GICD_ICFGR + intid / 16 * 4;
	uint64_t grp = gicd + GICD_IGROUPR + intid / 32 * 4;
	unsigned shift = (intid % 16) * 2 + 1;
	uint32_t v;

	if (intid >= GIC_LPI_BASE)
		return gic_its_owns(intid) ? 0 : PF_EINVAL; /* LPIs have no trigger */
	if (intid < GIC_SPI_BASE || intid >= chip.nr_lines)
		return PF_EINVAL;
	v3_enable(intid, false); /* trigger changes need the line disabled */
	v = gic_read32(cfg);
	v = edge ? v | 1u << shift : v & ~(1u << shift);
	gic_write32(cfg, v);
	if (((gic_read32(cfg) >> shift) & 1) != edge)
		return PF_ENOTSUP;
	gic_write32(grp, gic_read32(grp) | 1u << (intid % 32));
	gic_write8(gicd + GICD_IPRIORITYR + intid, GIC_PRIO_IRQ);
	gic_write64(gicd + GICD_IROUTER + 8ull * intid, route);
	gic_write32(gicd + GICD_ICPENDR + intid / 32 * 4, 1u << (intid % 32));
	return 0;
}

/* Our redistributor: the one whose GICR_TYPER affinity is our MPIDR's. */
static int find_rdist(const void *fdt, int node, uint32_t aff)
{
	int len, nregions = 1;
	const fdt32_t *p = fdt_getprop(fdt, node, "#redistributor-regions", &len);
	uint64_t stride = 0;

	if (p && len == 4)
		nregions = (int)fdt32_ld(p);
	if (nregions < 1 || nregions > 64)
		return PF_EINVAL;
	p = fdt_getprop(fdt, node, "redistributor-stride", &len);
	if (p && len == 8)
		stride = (uint64_t)fdt32_ld(p) << 32 | fdt32_ld(p + 1);
	if (stride & 0xffff)
		return PF_EINVAL; /* frames are 64 KiB aligned */
	for (int r = 0; r < nregions; r++) {
		uint64_t base, size, off = 0;

		if (gic_dt_reg(fdt, node, 1 + r, &base, &size))
			return PF_EINVAL;
		while (off + GICR_FRAME_SIZE <= size) {
			uint64_t typer = gic_read64(base + off + GICR_TYPER);

			if (typer == ~0ull)
				break;
			if (GICR_TYPER_AFF(typer) == aff) {
				rdist.base = base + off;
				rdist.typer = typer;
				return 0;
			}
			if (typer & GICR_TYPER_LAST)
				break;
			off += stride			  ? stride
			       : typer & GICR_TYPER_VLPIS ? GICR_FRAME_SIZE_V4
							  : GICR_FRAME_SIZE;
		}
	}
	return PF_ENODEV;
}

static int rdist_init(void)
{
	uint64_t rd = rdist.base;

	/* ProcessorSleep = 0, then the interface is awake when
	 * ChildrenAsleep reads 0 */
	gic_write32(rd + GICR_WAKER, gic_read32(rd + GICR_WAKER) & ~GICR_WAKER_PROC_SLEEP);
	if (!gic_poll32(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP, 0))
		return PF_EIO;
	gic_write32(rd + GICR_ICENABLER0, ~0u); /* SGIs/PPIs: unused */
	if (!gic_poll32(rd + GICR_CTLR, GICR_CTLR_RWP, 0))
		return PF_EIO;
	gic_write32(rd + GICR_ICPENDR0, ~0u);
	gic_write32(rd + GICR_IGROUPR0, ~0u);
	return 0;
}

static int dist_init(void)
{
	uint32_t n = chip.nr_lines, ctlr = gic_read32(gicd + GICD_CTLR);

	/* groups off while we reconfigure; ARE cannot be cleared once set */
	gic_write32(gicd + GICD_CTLR, ctlr & GICD_CTLR_ARE);
	if (!gic_poll32(gicd + GICD_CTLR, GICD_CTLR_RWP, 0))
		return PF_EIO;
	for (uint32_t i = GIC_SPI_BASE; i < n; i += 32) {
		gic_write32(gicd + GICD_ICENABLER + i / 8, ~0u);
		gic_write32(gicd + GICD_ICPENDR + i / 8, ~0u);
		gic_write32(gicd + GICD_ICACTIVER + i / 8, ~0u);
		gic_write32(gicd + GICD_IGROUPR + i / 8, ~0u);
	}
	for (uint32_t i = GIC_SPI_BASE; i < n; i += 4)
		gic_write32(gicd + GICD_IPRIORITYR + i, 0x01010101u * GIC_PRIO_IRQ);
	if (!gic_poll32(gicd + GICD_CTLR, GICD_CTLR_RWP, 0))
		return PF_EIO;
	/* ARE (ARE_NS), EnableGrp1 (EnableGrp1A in the NS view), and bit 0
	 * (EnableGrp0 with DS = 1, EnableGrp1 in the NS view) */
	gic_write32(gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1 | GICD_CTLR_ENABLE_G0);
	if (!gic_poll32(gicd + GICD_CTLR, GICD_CTLR_RWP, 0))
		return PF_EIO;
	return gic_read32(gicd + GICD_CTLR) & GICD_CTLR_ARE ? 0 : PF_ENOTSUP;
}

static int cpu_init(void)
{
	uint64_t sre = gic_read_sysreg(ICC_SRE_EL1);

	if (!(sre & ICC_SRE_SRE)) {
		gic_write_sysreg(ICC_SRE_EL1, sre | ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB);
		isb(); /* SRE in effect before any other ICC_* access */
		if (!(gic_read_sysreg(ICC_SRE_EL1) & ICC_SRE_SRE))
			return PF_ENOTSUP; /* legacy-only interface: not driven */
	}
	gic_write_sysreg(ICC_PMR_EL1, GIC_PRIO_MASK);
	gic_write_sysreg(ICC_BPR1_EL1, 0);
	gic_write_sysreg(ICC_CTLR_EL1, gic_read_sysreg(ICC_CTLR_EL1) & ~2ull); /* EOImode 0 */
	gic_write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb(); /* the interface is enabled before the first IRQ window */
	return 0;
}

/* Name and ops; gic_chip_start() adds the line count. */
static const struct gic_chip v3_template = {
	.name = "gicv3",
	.ack = v3_ack,
	.iar_intid = v3_iar_intid,
	.eoi = v3_eoi,
	.configure = v3_configure,
	.enable = v3_enable,
};

int gicv3_probe(const void *fdt, int node, struct gic_chip **out)
{
	uint64_t size, mpidr = read_sysreg(mpidr_el1);
	uint32_t typer, aff;
	int rc;

	if (gic_dt_reg(fdt, node, 0, &gicd, &size) || size < 0x10000)
		return PF_EINVAL;
	if (gic_chip_start(&chip, &v3_template, gicd, &typer))
		return PF_EIO; /* nothing decodes there */
	memset(&rdist, 0, sizeof(rdist));
	/* MPIDR_EL1 Aff3 [39:32], Aff2..0 [23:0]: the IROUTER layout */
	route = mpidr & 0xff00ffffffull;
	aff = (uint32_t)((mpidr >> 32 & 0xff) << 24 | (mpidr & 0xffffff));
	rc = find_rdist(fdt, node, aff);
	if (rc)
		return rc;
	rc = cpu_init();
	if (!rc)
		rc = dist_init();
	if (!rc)
		rc = rdist_init();
	if (rc)
		return rc;
	snprintf(chip.desc, sizeof(chip.desc),
		 "gicv3 (arch %u) GICD 0x%llx GICR 0x%llx, %u lines, %u ID bits%s",
		 GIC_PIDR2_ARCH(gic_read32(gicd + GICD_PIDR2_V3)), (unsigned long long)gicd,
		 (unsigned long long)rdist.base, chip.nr_lines, GICD_TYPER_IDBITS(typer),
		 typer & GICD_TYPER_LPIS ? ", LPIs" : "");
	*out = &chip;
	return 0;
}

uint32_t gicv3_dist_typer(void)
{
	return gicd ? gic_read32(gicd + GICD_TYPER) : 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * GICv2 (Arm IHI 0048B): distributor and memory-mapped CPU interface, as a
 * non-secure EL1 guest sees them (a GIC without the Security Extensions
 * behaves the same for what we use). Interrupt groups are left as they are:
 * group 0 without Security Extensions, group 1 as seen from the Non-secure
 * side, both signalled as IRQ with the CPU interface's Enable bit.
 *
 * GICv2m MSI frames (SBSA): a write of an SPI number to MSI_SETSPI_NS makes
 * that SPI pending; such SPIs must be configured edge-triggered.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "gic.h"

static uint64_t gicd, gicc;
static uint8_t cpu_mask; /* our bit in GICD_ITARGETSR */
static struct gic_chip chip;

/* GICv2m */
static uint64_t v2m_frame;
static uint32_t v2m_base, v2m_num;
static uint32_t v2m_used[1024 / 32];

static uint32_t v2_ack(void)
{
	return gic_read32(gicc + GICC_IAR);
}

static uint32_t v2_iar_intid(uint32_t raw)
{
	return GICC_IAR_INTID(raw);
}

/* EOImode 0: the write drops the running priority and deactivates. The
 * value is the IAR's, CPU ID bits included (they matter for SGIs). */
static void v2_eoi(uint32_t raw)
{
	gic_write32(gicc + GICC_EOIR, raw);
}

static void v2_enable(uint32_t intid, bool on)
{
	uint64_t reg = (on ? GICD_ISENABLER : GICD_ICENABLER) + intid / 32 * 4;

	if (intid < chip.nr_lines)
		gic_write32(gicd + reg, 1u << (intid % 32));
}

static int v2_configure(uint32_t intid, bool edge)
{
	uint64_t cfg = gicd + GICD_ICFGR + intid / 16 * 4;
	unsigned shift = (intid % 16) * 2 + 1; /* the upper bit of the field */
	uint32_t v;

	if (intid < GIC_SPI_BASE || intid >= chip.nr_lines)
		return PF_EINVAL;
	/* changing the trigger of an enabled interrupt is UNPREDICTABLE */
	v2_enable(intid, false);
	v = gic_read32(cfg);
	v = edge ? v | 1u << shift : v & ~(1u << shift);
	gic_write32(cfg, v);
	if (((gic_read32(cfg) >> shift) & 1) != edge)
		return PF_ENOTSUP; /* fixed trigger in this implementation */
	gic_write8(gicd + GICD_IPRIORITYR + intid, GIC_PRIO_IRQ);
	gic_write8(gicd + GICD_ITARGETSR + intid, cpu_mask);
	/* forget an edge latched while the line was not ours */
	gic_write32(gicd + GICD_ICPENDR + intid / 32 * 4, 1u << (intid % 32));
	return 0;
}

/* The CPU interface mask of this CPU: GICD_ITARGETSR0..7 are banked and
 * read as it for SGIs/PPIs. A uniprocessor GIC reads 0 there. */
static uint8_t read_cpu_mask(void)
{
	uint32_t m = 0;

	for (unsigned i = 0; i < 8; i++)
		m |= gic_read32(gicd + GICD_ITARGETSR + 4 * i);
	m |= m >> 16;
	m |= m >> 8;
	return (uint8_t)m ? (uint8_t)m : 1;
}

static void dist_init(void)
{
	uint32_t n = chip.nr_lines;

	gic_write32(gicd + GICD_CTLR, 0); /* no forwarding while we set up */
	/* PPIs and SGIs (banked): all off, we do not use them */
	gic_write32(gicd + GICD_ICENABLER, ~0u);
	gic_write32(gicd + GICD_ICPENDR, ~0u);
	for (uint32_t i = GIC_SPI_BASE; i < n; i += 32) {
		gic_write32(gicd + GICD_ICENABLER + i / 8, ~0u);
		gic_write32(gicd + GICD_ICPENDR + i / 8, ~0u);
		gic_write32(gicd + GICD_ICACTIVER + i / 8, ~0u);
	}
	for (uint32_t i = GIC_SPI_BASE; i < n; i += 4) {
		gic_write32(gicd + GICD_IPRIORITYR + i, 0x01010101u * GIC_PRIO_IRQ);
		gic_write32(gicd + GICD_ITARGETSR + i, 0x01010101u * cpu_mask);
	}
	gic_write32(gicd + GICD_CTLR, GICD_CTLR_ENABLE_G0);
}

static void cpu_init(void)
{
	gic_write32(gicc + GICC_PMR, GIC_PRIO_MASK);
	gic_write32(gicc + GICC_BPR, 0); /* no preemption subgroups */
	gic_write32(gicc + GICC_CTLR, GICC_CTLR_ENABLE);
}

/* Name and ops; gic_chip_start() adds the line count. */
static const struct gic_chip v2_template = {
	.name = "gicv2",
	.ack = v2_ack,
	.iar_intid = v2_iar_intid,
	.eoi = v2_eoi,
	.configure = v2_configure,
	.enable = v2_enable,
};

int gicv2_probe(const void *fdt, int node, struct gic_chip **out)
{
	uint64_t size_d, size_c;
	uint32_t typer;

	if (gic_dt_reg(fdt, node, 0, &gicd, &size_d) || gic_dt_reg(fdt, node, 1, &gicc, &size_c) ||
	    size_d < 0x1000 || size_c < 0x1000)
		return PF_EINVAL;
	if (gic_chip_start(&chip, &v2_template, gicd, &typer))
		return PF_EIO; /* nothing decodes there */
	cpu_mask = read_cpu_mask();
	dist_init();
	cpu_init();
	snprintf(chip.desc, sizeof(chip.desc),
		 "gicv2 (arch %u) GICD 0x%llx GICC 0x%llx, %u lines, cpu mask 0x%02x",
		 GIC_PIDR2_ARCH(gic_read32(gicd + GICD_PIDR2_V2)), (unsigned long long)gicd,
		 (unsigned long long)gicc, chip.nr_lines, cpu_mask);
	*out = &chip;
	return 0;
}

/* ---- GICv2m ---- */

static int v2m_alloc(uint32_t devid, unsigned n, struct gic_msi *out)
{
	unsigned got = 0;

	(void)devid; /* a v2m frame does not tell devices apart */
	for (uint32_t i = 0; i < v2m_num && got < n; i++) {
		uint32_t spi = v2m_base + i;

		if (v2m_used[spi / 32] & 1u << (spi % 32))
			continue;
		out[got].addr = v2m_frame + V2M_MSI_SETSPI_NS;
		out[got].data = spi;
		out[got].intid = spi;
		got++;
	}
	if (got < n)
		return PF_ENOSPC;
	for (unsigned i = 0; i < n; i++)
		v2m_used[out[i].intid / 32] |= 1u << (out[i].intid % 32);
	return 0;
}

static void v2m_free(const struct gic_msi *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (v[i].intid < 1024)
			v2m_used[v[i].intid / 32] &= ~(1u << (v[i].intid % 32));
}

static uint32_t prop_or(const void *fdt, int node, const char *name, uint32_t dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	return p && len == 4 ? fdt32_ld(p) : dflt;
}

int gic_v2m_probe(const void *fdt, struct gic_chip *c)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v2m-frame");
	uint64_t size;
	uint32_t typer;

	if (node < 0)
		return PF_ENODEV;
	if (gic_dt_reg(fdt, node, 0, &v2m_frame, &size) || size < 0x1000)
		return PF_EINVAL;
	typer = gic_read32(v2m_frame + V2M_MSI_TYPER);
	/* the binding lets the DT override a frame whose MSI_TYPER is wrong */
	v2m_base = prop_or(fdt, node, "arm,msi-base-spi", V2M_TYPER_BASE(typer));
	v2m_num = prop_or(fdt, node, "arm,msi-num-spis", V2M_TYPER_NUM(typer));
	if (v2m_base < GIC_SPI_BASE || v2m_num == 0 || v2m_num > c->nr_lines ||
	    v2m_base > c->nr_lines - v2m_num) {
		snprintf(c->desc + strlen(c->desc), sizeof(c->desc) - strlen(c->desc),
			 "; GICv2m at 0x%llx unusable (SPIs %u+%u)", (unsigned long long)v2m_frame,
			 v2m_base, v2m_num);
		return PF_EINVAL;
	}
	memset(v2m_used, 0, sizeof(v2m_used));
	c->msi_node = node;
	c->msi_name = "gicv2m";
	c->msi_alloc = v2m_alloc;
	c->msi_free = v2m_free;
	snprintf(c->desc + strlen(c->desc), sizeof(c->desc) - strlen(c->desc),
		 "; GICv2m 0x%llx SPIs %u..%u", (unsigned long long)v2m_frame, v2m_base,
		 v2m_base + v2m_num - 1);
	return 0;
}

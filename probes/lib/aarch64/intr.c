/* SPDX-License-Identifier: MIT */
/*
 * intr.h for aarch64: the GIC found in the DT (gic_v2.c, gic_v3.c), its MSI
 * frame (GICv2m) or ITS, the IRQ handler that counts interrupts per INTID,
 * and the DT look-ups (gic_dt.c).
 *
 * CPU interrupts (PSTATE.I) stay masked outside intr_wait()/intr_idle():
 * the GIC holds an interrupt pending until we open that window, so nothing
 * is ever taken in code that does not expect it.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "gic.h"
#include "intr.h"
#include "irq.h"
#include "platform.h"

#define NLINES 1024	   /* SGI/PPI/SPI INTIDs */
#define NLPIS 1024	   /* LPIs from GIC_LPI_BASE */
#define MAX_PER_IRQ 64	   /* acknowledges per exception */
#define STORM_LIMIT 100000 /* interrupts on one line: masked */

struct line {
	volatile uint32_t count;
	bool wired, edge, masked;
	intr_handler_fn fn;
	void *ctx;
};

static struct line lines[NLINES + NLPIS];
static volatile uint32_t stray;
static struct gic_chip *chip;
static const void *intr_fdt;
static int gic_node = -1;
static int init_rc = 1; /* 1: not tried yet */
static char desc[200] = "interrupt controller not initialised";

static struct line *line_of(uint32_t intid)
{
	if (intid < NLINES)
		return &lines[intid];
	if (intid >= GIC_LPI_BASE && intid - GIC_LPI_BASE < NLPIS)
		return &lines[NLINES + intid - GIC_LPI_BASE];
	return NULL;
}

/* The IRQ exception (irq.h): acknowledge, count, EOI, until the CPU
 * interface has nothing more for us (or a bound, against a storm). */
static void intr_irq(void)
{
	for (int n = 0; n < MAX_PER_IRQ; n++) {
		uint32_t raw = chip->ack(), id = chip->iar_intid(raw);
		struct line *l;
		bool quiet = false;

		if (GIC_IS_SPECIAL(id))
			return; /* spurious: nothing pending any more */
		l = line_of(id);
		if (!l || !l->wired) {
			stray++;
			chip->enable(id, false); /* not ours: silence it */
			chip->eoi(raw);
			continue;
		}
		l->count++;
		if (l->fn)
			quiet = l->fn(l->ctx, id);
		/* a level line still asserted, or a line that never stops:
		 * masked until intr_unmask(), so the probe keeps running */
		if ((!l->edge && !quiet) || l->count >= STORM_LIMIT) {
			chip->enable(id, false);
			l->masked = true;
		}
		chip->eoi(raw);
	}
}

int intr_init(const void *fdt)
{
	int node, version, rc, mrc = PF_ENODEV;

	if (init_rc <= 0)
		return init_rc;
	intr_fdt = fdt;
	if (!fdt || gic_dt_find(fdt, &node, &version)) {
		snprintf(desc, sizeof(desc), "no GIC node in the device tree");
		return init_rc = PF_ENODEV;
	}
	rc = version == 3 ? gicv3_probe(fdt, node, &chip) : gicv2_probe(fdt, node, &chip);
	if (rc) {
		snprintf(desc, sizeof(desc), "GICv%d at DT offset %d unusable: %s", version, node,
			 intr_strerror(rc));
		chip = NULL;
		return init_rc = rc;
	}
	gic_node = node;
	if (version == 3) {
		int its = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3-its");

		if (its >= 0)
			mrc = gic_its_probe(fdt, its, chip);
	} else {
		mrc = gic_v2m_probe(fdt, chip);
	}
	if (mrc)
		chip->msi_alloc = NULL;
	memset(lines, 0, sizeof(lines));
	snprintf(desc, sizeof(desc), "%s%s", chip->desc, chip->msi_alloc ? "" : "; no MSI");
	arch_irq_set_handler(intr_irq);
	return init_rc = 0;
}

const char *intr_describe(void)
{
	return desc;
}

const char *intr_msi_controller(void)
{
	return chip && chip->msi_alloc ? chip->msi_name : NULL;
}

int intr_wire(uint32_t intid, bool edge)
{
	struct line *l = line_of(intid);
	int rc;

	if (!chip)
		return PF_ENODEV;
	if (!l)
		return PF_EINVAL;
	rc = chip->configure(intid, edge);
	if (rc)
		return rc;
	l->count = 0;
	l->fn = NULL;
	l->edge = edge || intid >= GIC_LPI_BASE;
	l->masked = false;
	l->wired = true;
	chip->enable(intid, true);
	return 0;
}

void intr_unwire(uint32_t intid)
{
	struct line *l = line_of(intid);

	if (!chip || !l)
		return;
	chip->enable(intid, false);
	l->wired = false;
	l->fn = NULL;
}

void intr_unmask(uint32_t intid)
{
	struct line *l = line_of(intid);

	if (chip && l && l->wired && l->masked) {
		l->masked = false;
		chip->enable(intid, true);
	}
}

void intr_set_callback(uint32_t intid, intr_handler_fn fn, void *ctx)
{
	struct line *l = line_of(intid);

	if (l) {
		l->fn = fn;
		l->ctx = ctx;
	}
}

uint32_t intr_count(uint32_t intid)
{
	struct line *l = line_of(intid);

	return l ? l->count : 0;
}

uint32_t intr_stray_count(void)
{
	return stray;
}

bool intr_wait(uint32_t intid, uint32_t old_count, uint64_t timeout_ns)
{
	uint64_t t0 = arch_now_ns();
	bool got = false;

	if (!chip)
		return false;
	arch_irq_enable();
	for (;;) {
		got = intr_count(intid) != old_count;
		if (got || arch_now_ns() - t0 >= timeout_ns)
			break;
		arch_delay_ns(1000);
	}
	arch_irq_disable();
	return got || intr_count(intid) != old_count;
}

void intr_idle(uint64_t ns)
{
	if (!chip) {
		arch_delay_ns(ns);
		return;
	}
	arch_irq_enable();
	arch_delay_ns(ns);
	arch_irq_disable();
}

int intr_dt_irq_by_reg(uint64_t reg_addr, unsigned index, struct intr_line *out)
{
	if (!chip)
		return PF_ENODEV;
	return gic_dt_irq_by_reg(intr_fdt, gic_node, reg_addr, index, out);
}

int intr_pci_intx(uint64_t cfg_addr, uint8_t pin, struct intr_line *out)
{
	if (!chip)
		return PF_ENODEV;
	return gic_dt_pci_intx(intr_fdt, gic_node, cfg_addr, pin, out);
}

int intr_msi_alloc(uint64_t cfg_addr, unsigned n, struct intr_msi *out)
{
	struct gic_msi m[INTR_MSI_MAX];
	uint32_t devid;
	int msi_node, rc;

	if (!chip || !chip->msi_alloc)
		return PF_ENODEV;
	if (n == 0 || n > INTR_MSI_MAX)
		return PF_EINVAL;
	rc = gic_dt_pci_msi(intr_fdt, cfg_addr, &devid, &msi_node);
	if (rc)
		return rc;
	if (msi_node >= 0 && msi_node != chip->msi_node)
		return PF_ENOTSUP; /* the bridge's MSIs go to another controller */
	rc = chip->msi_alloc(devid, n, m);
	if (rc)
		return rc;
	for (unsigned i = 0; i < n; i++) {
		/* MSIs are edges: GICv2m SPIs must be configured so */
		rc = intr_wire(m[i].intid, true);
		if (rc) {
			for (unsigned j = 0; j < i; j++)
				intr_unwire(m[j].intid);
			chip->msi_free(m, n);
			return rc;
		}
		out[i].addr = m[i].addr;
		out[i].data = m[i].data;
		out[i].intid = m[i].intid;
	}
	return 0;
}

void intr_msi_free(const struct intr_msi *v, unsigned n)
{
	struct gic_msi m[INTR_MSI_MAX];

	if (!chip || !chip->msi_free || n > INTR_MSI_MAX)
		return;
	for (unsigned i = 0; i < n; i++) {
		intr_unwire(v[i].intid);
		m[i].addr = v[i].addr;
		m[i].data = v[i].data;
		m[i].intid = v[i].intid;
	}
	chip->msi_free(m, n);
}

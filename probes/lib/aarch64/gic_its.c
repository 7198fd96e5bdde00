/* SPDX-License-Identifier: MIT */
/*
 * GICv3 Interrupt Translation Service (Arm IHI 0069, chapters 5 and 6): MSI
 * writes to GITS_TRANSLATER carry (DeviceID, EventID); the ITS looks the
 * pair up in the device's Interrupt Translation Table and makes an LPI
 * pending at the redistributor its collection names.
 *
 * What we set up, once: LPIs on the boot CPU's redistributor (a property
 * table and a pending table), the ITS device and collection tables (flat),
 * its command queue, and collection 0 -> the boot CPU. Per MSI-capable
 * function: MAPD with an ITT for ITS_EVENTS events; per vector: MAPTI of
 * one EventID to one LPI, DISCARD when the vector is given back (which also
 * drops a pending LPI, so a stale message is never counted later).
 *
 * All tables live in .bss (the DMA arena is rolled back after each check,
 * these must persist). Memory is identity-mapped, Normal write-back, inner
 * shareable; if the ITS or redistributor only accepts a non-shareable
 * setting, what we write there is cleaned to the point of coherency.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "gic.h"
#include "platform.h"
#include "sysreg.h"

#define ITS_MAX_DEVICES 16
#define ITS_EVENTS 32	     /* EventIDs per device (5 bits) */
#define ITS_MAX_ITT_ENTRY 16 /* bytes we reserve per ITT entry */
#define LPI_ID_BITS 14	     /* INTIDs below 16384 */
#define LPI_PROP_SIZE ((1u << LPI_ID_BITS) - GIC_LPI_BASE)
#define LPI_PEND_SIZE ((1u << LPI_ID_BITS) / 8)
#define ITS_TABLE_MAX 0x10000 /* per BASER table */
#define CMDQ_SIZE 0x1000      /* 128 commands */

static uint8_t lpi_prop[LPI_PROP_SIZE] __attribute__((aligned(4096)));
static uint8_t lpi_pend[LPI_PEND_SIZE] __attribute__((aligned(65536)));
static uint8_t its_tables[2][ITS_TABLE_MAX] __attribute__((aligned(65536)));
static uint64_t cmdq[CMDQ_SIZE / 8] __attribute__((aligned(4096)));
static uint8_t itt[ITS_MAX_DEVICES][ITS_EVENTS * ITS_MAX_ITT_ENTRY] __attribute__((aligned(256)));

static struct {
	uint64_t base; /* control frame */
	uint64_t typer;
	uint64_t rdbase; /* MAPC/SYNC target field, already shifted */
	uint32_t cwriter;
	uint32_t max_devid; /* DeviceIDs the device table covers */
	unsigned events;    /* EventIDs per device we map (power of 2) */
	bool flush_cmd, flush_tables, flush_prop;
	bool ready;
} its;

static struct its_dev {
	bool used;
	uint32_t devid;
	uint32_t mapped; /* EventIDs with a MAPTI in force */
	uint32_t alloc;	 /* EventIDs handed out */
} devs[ITS_MAX_DEVICES];

static int its_cmd(uint64_t c0, uint64_t c1, uint64_t c2, uint64_t c3)
{
	uint64_t *slot = &cmdq[its.cwriter / 8], t0, r;
	uint32_t next = (its.cwriter + 32) % CMDQ_SIZE;

	slot[0] = c0;
	slot[1] = c1;
	slot[2] = c2;
	slot[3] = c3;
	if (its.flush_cmd)
		gic_dcache_clean(slot, 32);
	/* the command is in memory before the ITS is told to read it */
	dsb(st);
	gic_write64(its.base + GITS_CWRITER, next);
	its.cwriter = next;
	t0 = arch_now_ns();
	for (;;) {
		r = gic_read64(its.base + GITS_CREADR);
		if (r & GITS_CREADR_STALLED)
			return PF_EIO; /* a command error: the queue stops */
		if ((r & 0xfffe0) == next)
			return 0;
		if (arch_now_ns() - t0 > GIC_POLL_NS)
			return PF_EIO;
	}
}

static int cmd_sync(void)
{
	return its_cmd(GITS_CMD_SYNC, 0, its.rdbase, 0);
}

static int cmd_mapd(uint32_t devid, unsigned slot, bool valid)
{
	uint64_t itt_pa = arch_dma_addr(itt[slot]);
	unsigned bits = (unsigned)__builtin_ctz(its.events);

	return its_cmd(GITS_CMD_MAPD | (uint64_t)devid << 32, bits ? bits - 1 : 0,
		       (valid ? 1ull << 63 : 0) | (itt_pa & 0xfffffffffff00ull), 0);
}

static uint32_t lpi_of(unsigned slot, unsigned ev)
{
	return GIC_LPI_BASE + slot * ITS_EVENTS + ev;
}

bool gic_its_owns(uint32_t intid)
{
	uint32_t n = intid - GIC_LPI_BASE;

	if (!its.ready || intid < GIC_LPI_BASE || n >= ITS_MAX_DEVICES * ITS_EVENTS)
		return false;
	return devs[n / ITS_EVENTS].used && (devs[n / ITS_EVENTS].alloc >> (n % ITS_EVENTS) & 1);
}

void gic_its_lpi_enable(uint32_t intid, bool on)
{
	uint32_t n = intid - GIC_LPI_BASE;
	struct its_dev *d;

	if (!gic_its_owns(intid))
		return;
	d = &devs[n / ITS_EVENTS];
	lpi_prop[n] = GIC_PRIO_IRQ | LPI_PROP_RES1 | (on ? LPI_PROP_ENABLE : 0);
	if (its.flush_prop)
		gic_dcache_clean(&lpi_prop[n], 1);
	/* the new configuration is in memory before INV makes the
	 * redistributor reload it */
	dsb(st);
	its_cmd(GITS_CMD_INV | (uint64_t)d->devid << 32, n % ITS_EVENTS, 0, 0);
	cmd_sync();
}

static void its_free(const struct gic_msi *v, unsigned n);

/* A device with no event left: unmapped, its slot free again. */
static void release_if_empty(unsigned slot)
{
	struct its_dev *d = &devs[slot];

	if (d->used && !d->alloc && !d->mapped && !cmd_mapd(d->devid, slot, false))
		d->used = false;
}

static int its_alloc(uint32_t devid, unsigned n, struct gic_msi *out)
{
	struct its_dev *d = NULL;
	unsigned slot = 0, got = 0;
	int rc = 0;

	if (devid >= its.max_devid)
		return PF_ENOSPC; /* beyond the device table we gave the ITS */
	for (unsigned i = 0; i < ITS_MAX_DEVICES && !d; i++)
		if (devs[i].used && devs[i].devid == devid)
			d = &devs[slot = i];
	for (unsigned i = 0; i < ITS_MAX_DEVICES && !d; i++) {
		if (devs[i].used)
			continue;
		if (cmd_mapd(devid, i, true) || cmd_sync())
			return PF_EIO;
		d = &devs[slot = i];
		memset(d, 0, sizeof(*d));
		d->used = true;
		d->devid = devid;
	}
	if (!d)
		return PF_ENOSPC;
	for (unsigned ev = 0; ev < its.events && got < n; ev++)
		if (!(d->alloc >> ev & 1))
			out[got++].data = ev;
	if (got < n) {
		release_if_empty(slot);
		return PF_ENOSPC;
	}
	for (unsigned i = 0; i < n; i++) {
		uint32_t ev = out[i].data, lpi = lpi_of(slot, ev);

		lpi_prop[lpi - GIC_LPI_BASE] = GIC_PRIO_IRQ | LPI_PROP_RES1; /* disabled */
		if (its.flush_prop)
			gic_dcache_clean(&lpi_prop[lpi - GIC_LPI_BASE], 1);
		dsb(st); /* configuration in memory before the mapping exists */
		if (!(d->mapped >> ev & 1))
			rc = its_cmd(GITS_CMD_MAPTI | (uint64_t)devid << 32,
				     ev | (uint64_t)lpi << 32, 0 /* ICID 0 */, 0);
		if (rc) {
			its_free(out, i); /* give back what this call mapped */
			release_if_empty(slot);
			return rc;
		}
		d->mapped |= 1u << ev;
		d->alloc |= 1u << ev;
		out[i].addr = its.base + GITS_TRANSLATER;
		out[i].intid = lpi;
	}
	return cmd_sync();
}

static void its_free(const struct gic_msi *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint32_t k = v[i].intid - GIC_LPI_BASE;
		struct its_dev *d;

		if (!gic_its_owns(v[i].intid))
			continue;
		d = &devs[k / ITS_EVENTS];
		lpi_prop[k] = GIC_PRIO_IRQ | LPI_PROP_RES1;
		/* DISCARD unmaps the event and drops its pending LPI */
		if (!its_cmd(GITS_CMD_DISCARD | (uint64_t)d->devid << 32, k % ITS_EVENTS, 0, 0))
			d->mapped &= ~(1u << (k % ITS_EVENTS));
		d->alloc &= ~(1u << (k % ITS_EVENTS));
		release_if_empty(k / ITS_EVENTS);
	}
	cmd_sync();
}

/* Programs GITS_BASER<n> with table `mem`: the smallest page size the ITS
 * takes (4K, 16K, 64K), as many pages as hold `entries` (at most 64 KiB). */
static int setup_baser(unsigned n, uint8_t *mem, uint64_t entries, uint32_t *covered)
{
	uint64_t b = gic_read64(its.base + GITS_BASER(n)), esz = GITS_BASER_ENTRY_SIZE(b);
	static const uint64_t psz[3] = { 0x1000, 0x4000, 0x10000 };

	for (unsigned p = 0; p < 3; p++) {
		uint64_t bytes = entries * esz, pages, v;

		bytes = bytes > ITS_TABLE_MAX ? ITS_TABLE_MAX : bytes;
		pages = (bytes + psz[p] - 1) / psz[p];
		pages = pages ? pages : 1;
		if (pages * psz[p] > ITS_TABLE_MAX || pages > 256)
			continue;
		v = GITS_BASER_VALID | GIC_BASER_INNER_WAWB << GITS_CACHE_SHIFT |
		    (b & (7ull << 56 | 0x1full << 48)) | arch_dma_addr(mem) |
		    GIC_BASER_SH_INNER << GITS_SH_SHIFT | (uint64_t)p << GITS_BASER_PAGE_SHIFT |
		    (pages - 1);
		gic_write64(its.base + GITS_BASER(n), v);
		b = gic_read64(its.base + GITS_BASER(n));
		if ((b & GITS_BASER_PAGE_MASK) >> GITS_BASER_PAGE_SHIFT != p)
			continue;
		if (!(b & GITS_BASER_VALID))
			return PF_EIO;
		if (!((b >> GITS_SH_SHIFT) & 3))
			its.flush_tables = true;
		*covered = (uint32_t)(pages * psz[p] / esz);
		return 0;
	}
	return PF_ENOTSUP;
}

static int lpi_init(const struct gicv3_rdist *rd)
{
	uint64_t v;

	if (!(gicv3_dist_typer() & GICD_TYPER_LPIS) || !(rd->typer & GICR_TYPER_PLPIS) ||
	    GICD_TYPER_IDBITS(gicv3_dist_typer()) < LPI_ID_BITS)
		return PF_ENOTSUP;
	if (gic_read32(rd->base + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS)
		return PF_ENOTSUP; /* someone enabled LPIs before us: tables fixed */
	v = arch_dma_addr(lpi_prop) | GIC_BASER_INNER_WAWB << GICR_BASER_CACHE_SHIFT |
	    GIC_BASER_SH_INNER << GICR_BASER_SH_SHIFT | (LPI_ID_BITS - 1);
	gic_write64(rd->base + GICR_PROPBASER, v);
	its.flush_prop = !((gic_read64(rd->base + GICR_PROPBASER) >> GICR_BASER_SH_SHIFT) & 3);
	v = arch_dma_addr(lpi_pend) | GIC_BASER_INNER_WAWB << GICR_BASER_CACHE_SHIFT |
	    GIC_BASER_SH_INNER << GICR_BASER_SH_SHIFT | GICR_PENDBASER_PTZ;
	gic_write64(rd->base + GICR_PENDBASER, v);
	gic_dcache_clean(lpi_prop, sizeof(lpi_prop));
	gic_dcache_clean(lpi_pend, sizeof(lpi_pend));
	gic_write32(rd->base + GICR_CTLR, gic_read32(rd->base + GICR_CTLR) | GICR_CTLR_ENABLE_LPIS);
	return gic_read32(rd->base + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS ? 0 : PF_EIO;
}

static int its_init(void)
{
	uint32_t covered = 0;
	bool have_dev = false;
	uint64_t v;

	/* disabled and quiescent before the tables change */
	gic_write32(its.base + GITS_CTLR, gic_read32(its.base + GITS_CTLR) & ~GITS_CTLR_ENABLED);
	if (!gic_poll32(its.base + GITS_CTLR, GITS_CTLR_QUIESCENT, GITS_CTLR_QUIESCENT))
		return PF_EIO;
	for (unsigned n = 0; n < 8; n++) {
		uint64_t b = gic_read64(its.base + GITS_BASER(n));
		uint32_t c = 0;
		int rc;

		if (GITS_BASER_TYPE(b) == GITS_BASER_TYPE_DEVICE) {
			uint64_t want = 1ull << (GITS_TYPER_DEVBITS(its.typer) > 16
							 ? 16
							 : GITS_TYPER_DEVBITS(its.typer));

			rc = setup_baser(n, its_tables[0], want, &c);
			if (rc)
				return rc;
			covered = c < want ? c : (uint32_t)want;
			have_dev = true;
		} else if (GITS_BASER_TYPE(b) == GITS_BASER_TYPE_COLL) {
			rc = setup_baser(n, its_tables[1], 1, &c);
			if (rc)
				return rc;
		}
	}
	if (!have_dev)
		return PF_ENOTSUP; /* device table must be memory-backed (GICv3.0) */
	its.max_devid = covered;
	if (its.flush_tables) {
		gic_dcache_clean(its_tables, sizeof(its_tables));
		gic_dcache_clean(itt, sizeof(itt));
	}
	v = GITS_CBASER_VALID | GIC_BASER_INNER_WAWB << GITS_CACHE_SHIFT | arch_dma_addr(cmdq) |
	    GIC_BASER_SH_INNER << GITS_SH_SHIFT | (CMDQ_SIZE / 0x1000 - 1);
	gic_write64(its.base + GITS_CBASER, v);
	its.flush_cmd = !((gic_read64(its.base + GITS_CBASER) >> GITS_SH_SHIFT) & 3);
	gic_write64(its.base + GITS_CWRITER, 0);
	its.cwriter = 0;
	gic_write32(its.base + GITS_CTLR, GITS_CTLR_ENABLED);
	/* collection 0 -> the boot CPU's redistributor, then a SYNC proves
	 * the command queue works */
	if (its_cmd(GITS_CMD_MAPC, 0, 1ull << 63 | its.rdbase | 0, 0) || cmd_sync())
		return PF_EIO;
	return 0;
}

int gic_its_probe(const void *fdt, int node, struct gic_chip *chip)
{
	const struct gicv3_rdist *rd = gicv3_boot_rdist();
	uint64_t size;
	int rc;

	memset(&its, 0, sizeof(its));
	memset(devs, 0, sizeof(devs));
	if (!rd)
		return PF_ENODEV;
	if (gic_dt_reg(fdt, node, 0, &its.base, &size) || size < 0x20000)
		return PF_EINVAL;
	its.typer = gic_read64(its.base + GITS_TYPER);
	if (its.typer == ~0ull || !(its.typer & GITS_TYPER_PHYSICAL) ||
	    GITS_TYPER_ITT_SIZE(its.typer) > ITS_MAX_ITT_ENTRY)
		return PF_ENOTSUP;
	its.events =
		GITS_TYPER_IDBITS(its.typer) >= 5 ? ITS_EVENTS : 1u << GITS_TYPER_IDBITS(its.typer);
	/* MAPC/SYNC name a redistributor by address (PTA = 1) or by its
	 * processor number (PTA = 0), in bits [51:16] */
	its.rdbase = its.typer & GITS_TYPER_PTA ? rd->base & 0xfffffffff0000ull
						: (uint64_t)GICR_TYPER_PROCNUM(rd->typer) << 16;
	rc = lpi_init(rd);
	if (!rc)
		rc = its_init();
	if (rc) {
		snprintf(chip->desc + strlen(chip->desc), sizeof(chip->desc) - strlen(chip->desc),
			 "; ITS 0x%llx unusable (%d)", (unsigned long long)its.base, rc);
		return rc;
	}
	its.ready = true;
	chip->msi_node = node;
	chip->msi_name = "its";
	chip->msi_alloc = its_alloc;
	chip->msi_free = its_free;
	snprintf(chip->desc + strlen(chip->desc), sizeof(chip->desc) - strlen(chip->desc),
		 "; ITS 0x%llx, %u DeviceIDs, LPIs %u..%u", (unsigned long long)its.base,
		 its.max_devid, GIC_LPI_BASE, lpi_of(ITS_MAX_DEVICES - 1, ITS_EVENTS - 1));
	return 0;
}

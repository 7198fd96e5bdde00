/* SPDX-License-Identifier: MIT */
/* The IOMMU device suite: MAP and UNMAP (5.13.6.5, 5.13.6.6). No endpoint
 * does DMA meanwhile: the mappings are only ever requested, never used. */
#include <string.h>

#include "dev_iommu.h"

/* MAP (flags, identity phys_start: nothing is ever translated) or UNMAP
 * (flags unused) of [start, end]. */
static int iommu_range(struct pf_test *t, struct iommu_ctx *x, uint8_t type, uint32_t dom,
		       uint64_t start, uint64_t end, uint32_t flags, const char *what)
{
	uint8_t r[IOMMU_MAP_LEN];

	memset(r, 0, sizeof(r));
	r[0] = type;
	iommu_put32(r + 4, dom);
	iommu_put64(r + 8, start);
	iommu_put64(r + 16, end);
	if (type == VIRTIO_IOMMU_T_UNMAP)
		return iommu_request(t, x, r, IOMMU_UNMAP_LEN, IOMMU_TAIL_LEN, NULL, what);
	iommu_put64(r + 24, start);
	iommu_put32(r + 32, flags);
	return iommu_request(t, x, r, IOMMU_MAP_LEN, IOMMU_TAIL_LEN, NULL, what);
}

#define iommu_map(t, x, d, s, e, f, w) iommu_range(t, x, VIRTIO_IOMMU_T_MAP, d, s, e, f, w)
#define iommu_unmap(t, x, d, s, e, w) iommu_range(t, x, VIRTIO_IOMMU_T_UNMAP, d, s, e, 0, w)

#define RW (VIRTIO_IOMMU_MAP_F_READ | VIRTIO_IOMMU_MAP_F_WRITE)

/*
 * With ep[0] attached to dom[0] (dom[1] holds no endpoint, so no domain):
 * a 4-page mapping at `base`, then what must be refused around it.
 */
static void map_steps(struct pf_test *t, struct iommu_ctx *x, uint64_t base, uint64_t pg)
{
	uint32_t d = x->dom[0];
	uint64_t end = base + 4 * pg - 1;
	int rc;

	rc = iommu_map(t, x, d, base, end, RW | 1u << 7, "MAP with flag bit 7");
	iommu_expect(t, false, rc, VIRTIO_IOMMU_S_INVAL, "unknown-flag", "MAP with flag bit 7");
	if (rc == VIRTIO_IOMMU_S_OK)
		iommu_unmap(t, x, d, base, end, "UNMAP");
	if (x->ndom > 1) {
		rc = iommu_map(t, x, x->dom[1], base, end, RW, "MAP to an unknown domain");
		iommu_expect(t, true, rc, VIRTIO_IOMMU_S_NOENT, "map-noent",
			     "MAP to a domain no endpoint is attached to");
		rc = iommu_unmap(t, x, x->dom[1], base, end, "UNMAP of an unknown domain");
		iommu_expect(t, true, rc, VIRTIO_IOMMU_S_NOENT, "unmap-noent",
			     "UNMAP of a domain no endpoint is attached to");
	}
	rc = iommu_map(t, x, d, base, end, RW, "MAP");
	if (!iommu_expect(t, true, rc, VIRTIO_IOMMU_S_OK, "map", "MAP of 4 pages") ||
	    rc != VIRTIO_IOMMU_S_OK)
		return;
	rc = iommu_map(t, x, d, base + pg, base + 2 * pg - 1, RW, "overlapping MAP");
	iommu_expect(t, true, rc, VIRTIO_IOMMU_S_INVAL, "overlap", "MAP inside a mapping");
	rc = iommu_map(t, x, d, base + 8 * pg + 1, base + 9 * pg, RW, "unaligned MAP");
	iommu_expect(t, true, rc, VIRTIO_IOMMU_S_RANGE, "alignment",
		     "MAP not aligned to the page granule");
	if (rc == VIRTIO_IOMMU_S_OK)
		iommu_unmap(t, x, d, base + 8 * pg, base + 10 * pg - 1, "UNMAP");
	/* would split the mapping: RANGE and the mapping stays whole */
	rc = iommu_unmap(t, x, d, base + pg, base + 2 * pg - 1, "UNMAP of part of a mapping");
	iommu_expect(t, true, rc, VIRTIO_IOMMU_S_RANGE, "no-split", "UNMAP of part of a mapping");
	rc = iommu_map(t, x, d, base, base + pg - 1, RW, "MAP over the first page");
	report_should(t, rc == VIRTIO_IOMMU_S_INVAL, "split-removed",
		      "after an UNMAP of its second page, MAP of the first page gave %d, not INVAL",
		      rc);
	/* covers the mapping and unmapped space on both sides: removed, OK */
	rc = iommu_unmap(t, x, d, base - pg, base + 6 * pg - 1, "UNMAP around a mapping");
	iommu_expect(t, true, rc, VIRTIO_IOMMU_S_OK, "partial-ok",
		     "UNMAP of a range holding a mapping and unmapped space");
	rc = iommu_map(t, x, d, base, end, RW, "MAP again");
	report_should(t, rc == VIRTIO_IOMMU_S_OK, "not-removed",
		      "after the UNMAP, MAP of the same range gave %d", rc);
	iommu_unmap(t, x, d, base - pg, base + 10 * pg - 1, "UNMAP");
}

/*
 * A bypass domain (ATTACH_F_BYPASS, valid with BYPASS_CONFIG negotiated)
 * takes no MAP or UNMAP, and an endpoint attaching without the flag does
 * not join it (5.13.6.3.2, 5.13.6.5.2, 5.13.6.6.2). Bypass lets the
 * endpoint reach memory untranslated, as boot-bypass already does.
 */
static void bypass_steps(struct pf_test *t, struct iommu_ctx *x, uint64_t base, uint64_t pg)
{
	uint32_t d = x->dom[1];
	int rc = iommu_attach(t, x, d, x->ep[0], VIRTIO_IOMMU_ATTACH_F_BYPASS, false);

	if (!iommu_expect(t, true, rc, VIRTIO_IOMMU_S_OK, "bypass-attach",
			  "ATTACH with the BYPASS flag") ||
	    rc != VIRTIO_IOMMU_S_OK)
		return;
	rc = iommu_map(t, x, d, base, base + 4 * pg - 1, RW, "MAP on a bypass domain");
	iommu_expect(t, true, rc, VIRTIO_IOMMU_S_INVAL, "bypass-map", "MAP on a bypass domain");
	rc = iommu_unmap(t, x, d, base, base + 4 * pg - 1, "UNMAP on a bypass domain");
	iommu_expect(t, true, rc, VIRTIO_IOMMU_S_INVAL, "bypass-unmap", "UNMAP on a bypass domain");
	if (x->nep > 1) {
		rc = iommu_attach(t, x, d, x->ep[1], 0, false);
		iommu_expect(t, true, rc, VIRTIO_IOMMU_S_INVAL, "bypass-mismatch",
			     "ATTACH without the BYPASS flag to a bypass domain");
		if (rc == VIRTIO_IOMMU_S_OK)
			iommu_detach(t, x, d, x->ep[1], false);
	}
	iommu_detach(t, x, d, x->ep[0], false);
}

void check_IOMMU_MAP(struct pf_test *t)
{
	struct iommu_ctx x;
	uint64_t mask, pg, lo = 0, hi = ~0ull, base;
	int rc;

	if (!iommu_open_need(t, &x, VIRTIO_IOMMU_F_MAP_UNMAP, "MAP_UNMAP", 1, 1))
		return;
	mask = chk_dev_cfg(&x.c, IOMMU_CFG_PAGE_SIZE_MASK, 8);
	pg = mask & (~mask + 1); /* the smallest granule */
	if (chk_dev_has(&x.c, VIRTIO_IOMMU_F_INPUT_RANGE)) {
		lo = chk_dev_cfg(&x.c, IOMMU_CFG_INPUT_START, 8);
		hi = chk_dev_cfg(&x.c, IOMMU_CFG_INPUT_END, 8);
	}
	if (!pg || pg > (1ull << 30)) {
		report_na(t, "page_size_mask 0x%llx: no granule to map with",
			  (unsigned long long)mask);
		goto close;
	}
	/* 64 granules above input_range's start, clear of address 0 */
	base = ((lo + pg - 1) & ~(pg - 1)) + 64 * pg;
	if (base < lo || base + 16 * pg - 1 > hi || base + 16 * pg < base) {
		report_na(t, "input_range too small for 16 pages of 0x%llx",
			  (unsigned long long)pg);
		goto close;
	}
	rc = iommu_attach(t, &x, x.dom[0], x.ep[0], 0, false);
	if (!iommu_expect(t, false, rc, VIRTIO_IOMMU_S_OK, "attach", "ATTACH"))
		goto close;
	map_steps(t, &x, base, pg);
	iommu_detach(t, &x, x.dom[0], x.ep[0], false);
	if (x.ndom > 1 && chk_dev_has(&x.c, VIRTIO_IOMMU_F_BYPASS_CONFIG))
		bypass_steps(t, &x, base, pg);
close:
	iommu_close(&x);
}

/* SPDX-License-Identifier: MIT */
/* The IOMMU device suite: PROBE and its properties (5.13.6.7, 5.13.6.8). */
#include <string.h>

#include "dev_iommu.h"

#define IOMMU_MAX_RESV 32

struct resv {
	uint64_t start, end;
	uint8_t subtype;
};

static int iommu_probe_req(struct pf_test *t, struct iommu_ctx *x, uint32_t ep, uint32_t size,
			   bool dirty, uint8_t *props)
{
	uint8_t r[IOMMU_PROBE_LEN];

	memset(r, 0, sizeof(r));
	r[0] = VIRTIO_IOMMU_T_PROBE;
	iommu_put32(r + 4, ep);
	if (dirty)
		memset(r + 8, 0x5a, IOMMU_PROBE_LEN - 8);
	return iommu_request(t, x, r, sizeof(r), size + IOMMU_TAIL_LEN, props, "PROBE");
}

/* One RESV_MEM property at p (its length already checked). */
static void resv_mem(struct pf_test *t, const uint8_t *p, struct resv *rv, unsigned *n)
{
	struct resv r = { iommu_get64(p + 8), iommu_get64(p + 16), p[4] };

	report_should(t, !p[5] && !p[6] && !p[7], "resv-reserved",
		      "RESV_MEM reserved bytes %02x %02x %02x, not zero", p[5], p[6], p[7]);
	report_should(t, r.start <= r.end, "resv-inverted",
		      "RESV_MEM start 0x%llx above end 0x%llx", (unsigned long long)r.start,
		      (unsigned long long)r.end);
	for (unsigned i = 0; i < *n; i++) {
		report_should(t, r.end < rv[i].start || r.start > rv[i].end, "resv-overlap",
			      "RESV_MEM [0x%llx, 0x%llx] overlaps [0x%llx, 0x%llx]",
			      (unsigned long long)r.start, (unsigned long long)r.end,
			      (unsigned long long)rv[i].start, (unsigned long long)rv[i].end);
		report_should(t,
			      r.subtype != VIRTIO_IOMMU_RESV_MEM_T_MSI ||
				      rv[i].subtype != VIRTIO_IOMMU_RESV_MEM_T_MSI,
			      "resv-msi", "a second RESV_MEM region of subtype MSI");
	}
	if (*n < IOMMU_MAX_RESV)
		rv[(*n)++] = r;
}

/*
 * Walks the properties: each header's length excludes the header, the next
 * starts right after (5.13.6.7); after the NONE terminator every byte is 0,
 * and a property header found there was not packed.
 */
static void walk_props(struct pf_test *t, const uint8_t *p, uint32_t size)
{
	struct resv rv[IOMMU_MAX_RESV];
	unsigned nresv = 0;
	uint32_t off = 0;

	while (off + 4 <= size && !report_failed(t)) {
		uint16_t type = iommu_get16(p + off), len = iommu_get16(p + off + 2);

		if ((type & 0xfff) == VIRTIO_IOMMU_PROBE_T_NONE)
			break;
		report_should(t, !(type >> 12), "prop-reserved",
			      "property at %u: reserved type bits 0x%x", off, type >> 12);
		if (!report(t, off + 4 + (uint32_t)len <= size, "prop-length",
			    "property at %u: length %u runs past probe_size %u", off, len, size))
			return;
		if ((type & 0xfff) == VIRTIO_IOMMU_PROBE_T_RESV_MEM) {
			if (!report(t, len == IOMMU_RESV_MEM_LEN, "prop-length",
				    "RESV_MEM at %u: length %u, not %u (the header excluded)", off,
				    len, IOMMU_RESV_MEM_LEN))
				return;
			resv_mem(t, p + off, rv, &nresv);
		}
		off += 4 + len;
	}
	report_log(t, 1, "%u RESV_MEM region(s), properties end at byte %u of %u", nresv, off,
		   size);
	for (uint32_t i = off; i + 4 <= size; i += 4)
		if (!report(t,
			    !(iommu_get16(p + i) == VIRTIO_IOMMU_PROBE_T_RESV_MEM &&
			      iommu_get16(p + i + 2) == IOMMU_RESV_MEM_LEN),
			    "packing", "a RESV_MEM property at %u, after the terminator at %u", i,
			    off))
			return;
	for (uint32_t i = off; i < size; i++)
		if (!report_should(t, p[i] == 0, "zero-fill",
				   "byte %u after the last property is 0x%02x, not 0", i, p[i]))
			return;
}

void check_IOMMU_PROBE(struct pf_test *t)
{
	static uint8_t clean[CHK_DEV_BOUNCE], dirty[CHK_DEV_BOUNCE];
	struct iommu_ctx x;
	uint32_t size;
	int rc;

	if (!iommu_open_need(t, &x, VIRTIO_IOMMU_F_PROBE, "PROBE", 1, 0))
		return;
	size = (uint32_t)chk_dev_cfg(&x.c, IOMMU_CFG_PROBE_SIZE, 4);
	/* the buffer must hold probe_size bytes: a smaller one is refused
	 * (and QEMU 7.2 aborts on it), so a size beyond the bounce is skipped */
	if (size > CHK_DEV_BOUNCE - IOMMU_TAIL_LEN) {
		report_skip(t, "probe_size %u is larger than the %u bytes a request holds", size,
			    CHK_DEV_BOUNCE - IOMMU_TAIL_LEN);
		goto close;
	}
	rc = iommu_probe_req(t, &x, x.noent_ep, size, false, NULL);
	iommu_expect(t, true, rc, VIRTIO_IOMMU_S_NOENT, "noent", "PROBE of an unknown endpoint");
	rc = iommu_probe_req(t, &x, x.ep[0], size, false, clean);
	if (!iommu_expect(t, false, rc, VIRTIO_IOMMU_S_OK, "probe", "PROBE of an endpoint"))
		goto close;
	walk_props(t, clean, size);
	rc = iommu_probe_req(t, &x, x.ep[0], size, true, dirty);
	if (iommu_expect(t, false, rc, VIRTIO_IOMMU_S_OK, "reserved", "PROBE with reserved set"))
		report(t, memcmp(clean, dirty, size) == 0, "reserved",
		       "PROBE with its reserved field set gave other properties");
close:
	iommu_close(&x);
}

/* SPDX-License-Identifier: MIT */
/* The IOMMU device suite (5.13): bring-up, endpoints, requests, config. */
#include <string.h>

#include "dev_iommu.h"
#include "helpers.h"
#include "io.h"
#include "virtio/pci.h"
#include "virtio/virtio_pci.h"

#define PCI_VENDOR_VIRTIO 0x1af4

void iommu_put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void iommu_put64(uint8_t *p, uint64_t v)
{
	iommu_put32(p, (uint32_t)v);
	iommu_put32(p + 4, (uint32_t)(v >> 32));
}

uint16_t iommu_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

uint64_t iommu_get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static bool iommu_found(const struct pci_host *h, uint8_t bus, uint8_t devfn)
{
	for (unsigned i = 0; i < h->nfound && i < PCI_MAX_FUNCS; i++)
		if (h->found[i].bus == bus && h->found[i].devfn == devfn)
			return true;
	return false;
}

/*
 * The virtio functions on the IOMMU's host bridge are its endpoints (a
 * function realized before the IOMMU, such as the host bridge itself, may
 * not be translated, so only virtio functions count); the highest free
 * device/function number on the IOMMU's bus names no endpoint.
 */
static void iommu_endpoints(struct iommu_ctx *x)
{
	struct virtio_pci_priv *pv = virtio_pci_priv(x->c.dev);
	struct pci_host *h;
	uint8_t self;

	if (!pv || !pv->fn.host)
		return;
	h = pv->fn.host;
	self = (uint8_t)(pv->fn.dev << 3 | pv->fn.fn);
	for (unsigned i = 0; i < h->nfound && i < PCI_MAX_FUNCS && x->nep < IOMMU_MAX_EP; i++) {
		const struct pci_found *p = &h->found[i];

		if (p->bus == pv->fn.bus && p->devfn == self)
			continue;
		/* the vendor id, through the ECAM window discovery mapped */
		if (p->bus < h->bus_start ||
		    io_read(&h->ecam,
			    (uint64_t)(p->bus - h->bus_start) << 20 | (uint64_t)p->devfn << 12,
			    2) != PCI_VENDOR_VIRTIO)
			continue;
		x->ep[x->nep++] = (uint32_t)p->bus << 8 | p->devfn;
	}
	for (int devfn = 0xff; devfn >= 0; devfn--) {
		if (devfn == self || iommu_found(h, pv->fn.bus, (uint8_t)devfn))
			continue;
		x->noent_ep = (uint32_t)pv->fn.bus << 8 | (uint32_t)devfn;
		x->have_noent = true;
		break;
	}
}

bool iommu_open(struct pf_test *t, struct iommu_ctx *x)
{
	uint64_t want = VIRTIO_BIT(VIRTIO_IOMMU_F_INPUT_RANGE) |
			VIRTIO_BIT(VIRTIO_IOMMU_F_DOMAIN_RANGE) |
			VIRTIO_BIT(VIRTIO_IOMMU_F_MAP_UNMAP) | VIRTIO_BIT(VIRTIO_IOMMU_F_PROBE) |
			VIRTIO_BIT(VIRTIO_IOMMU_F_BYPASS_CONFIG);
	uint32_t start = 1, end = 1024;

	memset(x, 0, sizeof(*x));
	if (!chk_dev_open(t, &x->c, want, 1, true))
		return false;
	iommu_endpoints(x);
	/* domain ids are the driver's to choose, within domain_range */
	if (chk_dev_has(&x->c, VIRTIO_IOMMU_F_DOMAIN_RANGE)) {
		start = (uint32_t)chk_dev_cfg(&x->c, IOMMU_CFG_DOMAIN_START, 4);
		end = (uint32_t)chk_dev_cfg(&x->c, IOMMU_CFG_DOMAIN_END, 4);
	}
	if (start <= end)
		x->dom[x->ndom++] = start;
	if (start < end)
		x->dom[x->ndom++] = start + 1;
	return true;
}

void iommu_close(struct iommu_ctx *x)
{
	/* a device reset drops every attachment the check left (5.13.5) */
	chk_dev_close(&x->c);
}

/* The request posted and waited for; 1 or a negative code (reported). */
static int iommu_send(struct pf_test *t, struct iommu_ctx *x, const uint8_t *req, uint32_t len,
		      uint32_t in_len, uint8_t *props, const char *what)
{
	static uint8_t in[CHK_DEV_BOUNCE];
	int rc;

	if (x->dead)
		return PF_EIO;
	if (in_len < IOMMU_TAIL_LEN || in_len > sizeof(in))
		return PF_EINVAL;
	rc = chk_dev_request(t, &x->c, IOMMU_REQUESTQ, req, len, in, in_len, &x->used_len, what);
	if (rc != 1) {
		/* one bounded wait per check: later requests are not sent */
		x->dead = true;
		return rc < 0 ? rc : PF_EIO;
	}
	memcpy(x->tail, in + in_len - IOMMU_TAIL_LEN, IOMMU_TAIL_LEN);
	if (props)
		memcpy(props, in, in_len - IOMMU_TAIL_LEN);
	return 1;
}

int iommu_request(struct pf_test *t, struct iommu_ctx *x, const uint8_t *req, uint32_t len,
		  uint32_t in_len, uint8_t *props, const char *what)
{
	int rc = iommu_send(t, x, req, len, in_len, props, what);

	if (rc != 1)
		return rc;
	if (!report(t, x->used_len == in_len, "no-tail",
		    "%s: used len %u, the tail at byte %u was not written", what, x->used_len,
		    in_len - IOMMU_TAIL_LEN))
		return PF_EIO;
	return x->tail[0];
}

static int iommu_ep_req(struct pf_test *t, struct iommu_ctx *x, uint8_t type, uint32_t dom,
			uint32_t ep, uint32_t flags, bool dirty, const char *what)
{
	uint8_t r[IOMMU_ATTACH_LEN];

	memset(r, 0, sizeof(r));
	r[0] = type;
	iommu_put32(r + 4, dom);
	iommu_put32(r + 8, ep);
	if (type == VIRTIO_IOMMU_T_ATTACH)
		iommu_put32(r + 12, flags);
	/* ATTACH: reserved[4] at 16; DETACH: reserved[8] at 12 */
	if (dirty)
		r[type == VIRTIO_IOMMU_T_ATTACH ? 16 : 12] = 0x5a;
	return iommu_request(t, x, r, sizeof(r), IOMMU_TAIL_LEN, NULL, what);
}

int iommu_attach(struct pf_test *t, struct iommu_ctx *x, uint32_t dom, uint32_t ep, uint32_t flags,
		 bool dirty)
{
	return iommu_ep_req(t, x, VIRTIO_IOMMU_T_ATTACH, dom, ep, flags, dirty, "ATTACH");
}

int iommu_detach(struct pf_test *t, struct iommu_ctx *x, uint32_t dom, uint32_t ep, bool dirty)
{
	return iommu_ep_req(t, x, VIRTIO_IOMMU_T_DETACH, dom, ep, 0, dirty, "DETACH");
}

bool iommu_expect(struct pf_test *t, bool should, int got, int want, const char *sub,
		  const char *what)
{
	if (got < 0)
		return false;
	if (should)
		return report_should(t, got == want, sub, "%s: status %d, expected %d", what, got,
				     want);
	return report(t, got == want, sub, "%s: status %d, expected %d", what, got, want);
}

void check_IOMMU_CONFIG(struct pf_test *t)
{
	struct iommu_ctx x;
	uint64_t offered = t->dev->features;
	bool bypass_cfg = offered & VIRTIO_BIT(VIRTIO_IOMMU_F_BYPASS_CONFIG);

	if (!iommu_open(t, &x))
		return;
	report(t, chk_dev_cfg(&x.c, IOMMU_CFG_PAGE_SIZE_MASK, 8) != 0, "page-size-mask",
	       "page_size_mask is 0: no page size at all");
	if (bypass_cfg) {
		uint8_t b = (uint8_t)chk_dev_cfg(&x.c, IOMMU_CFG_BYPASS, 1);

		report(t, b <= 1, "bypass", "bypass reads %u, not 0 or 1", b);
	}
	report_should(t, offered & VIRTIO_BIT(VIRTIO_IOMMU_F_MAP_UNMAP), "no-map-unmap",
		      "MAP_UNMAP not offered");
	report_should(t, !(offered & VIRTIO_BIT(VIRTIO_IOMMU_F_BYPASS)), "legacy-bypass",
		      "the legacy BYPASS feature offered%s",
		      bypass_cfg ? ", together with BYPASS_CONFIG" : "");
	if (chk_dev_has(&x.c, VIRTIO_IOMMU_F_INPUT_RANGE))
		report_should(t,
			      chk_dev_cfg(&x.c, IOMMU_CFG_INPUT_START, 8) <=
				      chk_dev_cfg(&x.c, IOMMU_CFG_INPUT_END, 8),
			      "input-range", "input_range start is above its end");
	if (chk_dev_has(&x.c, VIRTIO_IOMMU_F_DOMAIN_RANGE))
		report_should(t, x.ndom > 0, "domain-range", "domain_range start is above its end");
	iommu_close(&x);
}

bool iommu_open_need(struct pf_test *t, struct iommu_ctx *x, int feature, const char *fname,
		     unsigned eps, unsigned doms)
{
	if (!iommu_open(t, x))
		return false;
	if (feature >= 0 && !chk_dev_has(&x->c, (unsigned)feature))
		report_na(t, "%s not offered", fname);
	else if (!x->have_noent)
		report_na(t, "endpoint ids unknown: the IOMMU is not a PCI function");
	else if (x->nep < eps)
		report_na(t, "%u endpoint(s) needed beside the IOMMU, %u found", eps, x->nep);
	else if (x->ndom < doms)
		report_na(t, "domain_range holds fewer than %u domain ids", doms);
	else
		return true;
	iommu_close(x);
	return false;
}

void check_IOMMU_REQUEST(struct pf_test *t)
{
	struct iommu_ctx x;
	uint8_t r[IOMMU_DETACH_LEN];
	int clean, rc;

	if (!iommu_open_need(t, &x, -1, NULL, 1, 1))
		return;
	/* a request type no version defines: returned unwritten (5.13.6.2) */
	memset(r, 0, sizeof(r));
	r[0] = 0x7f;
	if (iommu_send(t, &x, r, sizeof(r), IOMMU_TAIL_LEN, NULL, "unknown request type") != 1)
		goto close;
	report_should(t, x.used_len == 0, "unknown-type",
		      "an unknown request type came back with used len %u (status %u), not 0",
		      x.used_len, x.tail[0]);
	/* the head's reserved bytes change nothing: an unknown endpoint,
	 * then an attach and detach that succeed */
	clean = iommu_detach(t, &x, x.dom[0], x.noent_ep, false);
	memset(r, 0, sizeof(r));
	r[0] = VIRTIO_IOMMU_T_DETACH;
	r[1] = r[2] = r[3] = 0xff;
	iommu_put32(r + 4, x.dom[0]);
	iommu_put32(r + 8, x.noent_ep);
	rc = iommu_request(t, &x, r, sizeof(r), IOMMU_TAIL_LEN, NULL, "DETACH, head reserved set");
	iommu_expect(t, false, rc, clean, "head-reserved", "DETACH, head reserved set");
	report_should(t, x.tail[1] == 0 && x.tail[2] == 0 && x.tail[3] == 0, "tail-reserved",
		      "tail reserved bytes %02x %02x %02x, not zero", x.tail[1], x.tail[2],
		      x.tail[3]);
	r[0] = VIRTIO_IOMMU_T_ATTACH;
	iommu_put32(r + 8, x.ep[0]);
	rc = iommu_request(t, &x, r, sizeof(r), IOMMU_TAIL_LEN, NULL, "ATTACH, head reserved set");
	if (!iommu_expect(t, false, rc, VIRTIO_IOMMU_S_OK, "head-reserved",
			  "ATTACH, head reserved set"))
		goto close;
	r[0] = VIRTIO_IOMMU_T_DETACH;
	rc = iommu_request(t, &x, r, sizeof(r), IOMMU_TAIL_LEN, NULL, "DETACH, head reserved set");
	iommu_expect(t, false, rc, VIRTIO_IOMMU_S_OK, "head-reserved", "DETACH, head reserved set");
close:
	iommu_close(&x);
}

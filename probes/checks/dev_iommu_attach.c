/* SPDX-License-Identifier: MIT */
/* The IOMMU device suite: ATTACH and DETACH (5.13.6.3, 5.13.6.4). Every
 * endpoint a step attaches is detached again before the next step. */
#include "dev_iommu.h"

/* OK or UNSUPP: what a device may answer to what it cannot do. */
static bool ok_or_unsupp(struct pf_test *t, int rc, const char *sub, const char *what)
{
	if (rc < 0)
		return false;
	return report(t, rc == VIRTIO_IOMMU_S_OK || rc == VIRTIO_IOMMU_S_UNSUPP, sub,
		      "%s: status %d, neither OK nor UNSUPP", what, rc);
}

/* A request that must be refused; if it was accepted the endpoint is
 * attached and gets detached. */
static void refused(struct pf_test *t, struct iommu_ctx *x, int rc, const char *sub,
		    const char *what)
{
	iommu_expect(t, false, rc, VIRTIO_IOMMU_S_INVAL, sub, what);
	if (rc == VIRTIO_IOMMU_S_OK)
		iommu_detach(t, x, x->dom[0], x->ep[0], false);
}

/* Attaches ep[0] to dom[0] then dom[1]: the move is done (ep[0] is no
 * longer in dom[0]) or refused with UNSUPP. */
static void attach_move(struct pf_test *t, struct iommu_ctx *x)
{
	int rc = iommu_attach(t, x, x->dom[0], x->ep[0], 0, false);

	if (!iommu_expect(t, false, rc, VIRTIO_IOMMU_S_OK, "attach", "ATTACH"))
		return;
	rc = iommu_attach(t, x, x->dom[1], x->ep[0], 0, false);
	if (ok_or_unsupp(t, rc, "move", "ATTACH of an attached endpoint to another domain") &&
	    rc == VIRTIO_IOMMU_S_OK) {
		/* implicitly detached from the first domain (5.13.6.3.2) */
		rc = iommu_detach(t, x, x->dom[0], x->ep[0], false);
		report_should(t, rc != VIRTIO_IOMMU_S_OK, "move-still-attached",
			      "after the move, DETACH from the old domain succeeded");
		rc = iommu_detach(t, x, x->dom[1], x->ep[0], false);
		iommu_expect(t, false, rc, VIRTIO_IOMMU_S_OK, "move-detach",
			     "DETACH from the domain the endpoint moved to");
		return;
	}
	/* still in dom[0]: DETACH succeeding shows it was attached */
	iommu_expect(t, false, iommu_detach(t, x, x->dom[0], x->ep[0], false), VIRTIO_IOMMU_S_OK,
		     "attached", "DETACH of the attached endpoint");
}

/* Two endpoints in one domain: both attached, or the second refused with
 * UNSUPP. */
static void attach_shared(struct pf_test *t, struct iommu_ctx *x)
{
	int rc = iommu_attach(t, x, x->dom[0], x->ep[0], 0, false);

	if (!iommu_expect(t, false, rc, VIRTIO_IOMMU_S_OK, "attach", "ATTACH"))
		return;
	rc = iommu_attach(t, x, x->dom[0], x->ep[1], 0, false);
	if (ok_or_unsupp(t, rc, "shared", "ATTACH of a second endpoint to a domain") &&
	    rc == VIRTIO_IOMMU_S_OK)
		iommu_expect(t, false, iommu_detach(t, x, x->dom[0], x->ep[1], false),
			     VIRTIO_IOMMU_S_OK, "attached", "DETACH of the second endpoint");
	iommu_expect(t, false, iommu_detach(t, x, x->dom[0], x->ep[0], false), VIRTIO_IOMMU_S_OK,
		     "attached", "DETACH of the attached endpoint");
}

/* The device open with an endpoint and a domain, and ATTACH or DETACH of
 * an endpoint that does not exist gives NOENT (5.13.6.3.2, 5.13.6.4.2). */
static bool open_noent(struct pf_test *t, struct iommu_ctx *x, bool attach)
{
	int rc;

	if (!iommu_open_need(t, x, -1, NULL, 1, 1))
		return false;
	rc = attach ? iommu_attach(t, x, x->dom[0], x->noent_ep, 0, false)
		    : iommu_detach(t, x, x->dom[0], x->noent_ep, false);
	iommu_expect(t, false, rc, VIRTIO_IOMMU_S_NOENT, "noent",
		     attach ? "ATTACH of an unknown endpoint" : "DETACH of an unknown endpoint");
	return true;
}

void check_IOMMU_ATTACH(struct pf_test *t)
{
	struct iommu_ctx x;
	int rc;

	if (!open_noent(t, &x, true))
		return;
	rc = iommu_attach(t, &x, x.dom[0], x.ep[0], 1u << 7, false);
	refused(t, &x, rc, "unknown-flag", "ATTACH with flag bit 7");
	rc = iommu_attach(t, &x, x.dom[0], x.ep[0], 0, true);
	refused(t, &x, rc, "reserved", "ATTACH with reserved non-zero");
	if (x.ndom > 1)
		attach_move(t, &x);
	else
		report_log(t, 1, "one domain id: the move is not tried");
	if (x.nep > 1)
		attach_shared(t, &x);
	else
		report_log(t, 1, "one endpoint: sharing a domain is not tried");
	iommu_close(&x);
}

void check_IOMMU_DETACH(struct pf_test *t)
{
	struct iommu_ctx x;
	int rc;

	if (!open_noent(t, &x, false))
		return;
	rc = iommu_attach(t, &x, x.dom[0], x.ep[0], 0, false);
	if (!iommu_expect(t, false, rc, VIRTIO_IOMMU_S_OK, "attach", "ATTACH"))
		goto close;
	rc = iommu_detach(t, &x, x.dom[0], x.ep[0], true);
	iommu_expect(t, false, rc, VIRTIO_IOMMU_S_OK, "reserved", "DETACH with reserved non-zero");
	if (rc != VIRTIO_IOMMU_S_OK)
		iommu_detach(t, &x, x.dom[0], x.ep[0], false);
close:
	iommu_close(&x);
}

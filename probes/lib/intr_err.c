/* SPDX-License-Identifier: MIT */
/*
 * The interrupt layer's error texts, shared by every port of intr.h, and
 * MSI-X's (msix.h): msix_enable() passes the layer's errors through and the
 * two sets of codes do not overlap, so one table serves both.
 */
#include "intr.h"
#include "msix.h"

static const struct pf_err_text intr_errs[] = {
	{ PF_OK, "ok" },
	{ PF_ENODEV, "no supported interrupt controller" },
	{ PF_EINVAL, "invalid argument or device-tree data" },
	{ PF_ENOSPC, "out of interrupt lines" },
	{ PF_EIO, "interrupt controller did not respond" },
	{ PF_ENOTSUP, "configuration not supported by the probe" },
	/* MSI-X */
	{ PF_ENOTPCI, "not a PCI device" },
	{ PF_ENOCAP, "no MSI-X capability" },
	{ PF_ECAPLIST, "malformed capability list or MSI-X capability" },
	{ PF_EBAR, "MSI-X table or PBA not inside an assigned memory BAR" },
	{ PF_ESTUCK, "MSI-X Enable or Function Mask did not take" },
	{ PF_EBUSY, "too many functions with MSI-X enabled" },
};

const char *intr_strerror(int err)
{
	const char *s = pf_err_lookup(intr_errs, sizeof(intr_errs) / sizeof(intr_errs[0]), err);

	return s ? s : "unknown error";
}

const char *msix_strerror(int err)
{
	return intr_strerror(err);
}

/* SPDX-License-Identifier: MIT */
/* The interrupt layer's error texts, shared by every port of intr.h. */
#include "intr.h"

static const struct pf_err_text intr_errs[] = {
	{ PF_OK, "ok" },
	{ PF_ENODEV, "no supported interrupt controller" },
	{ PF_EINVAL, "invalid argument or device-tree data" },
	{ PF_ENOSPC, "out of interrupt lines" },
	{ PF_EIO, "interrupt controller did not respond" },
	{ PF_ENOTSUP, "configuration not supported by the probe" },
};

const char *intr_strerror(int err)
{
	const char *s = pf_err_lookup(intr_errs, sizeof(intr_errs) / sizeof(intr_errs[0]), err);

	return s ? s : "unknown error";
}

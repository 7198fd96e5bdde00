/* SPDX-License-Identifier: MIT */
#include "pf_errno.h"

#include <stddef.h>

static const struct pf_err_text names[] = {
	{ PF_OK, "ok" },
	{ PF_EIO, "io" },
	{ PF_ETIMEDOUT, "timeout" },
	{ PF_ENODEV, "no-device" },
	{ PF_EINVAL, "invalid" },
	{ PF_ENOSPC, "no-space" },
	{ PF_ENOMEM, "no-memory" },
	{ PF_ENOTSUP, "not-supported" },
	{ PF_EBADPROP, "bad-property" },
	{ PF_EBADCELLS, "bad-cells" },
	{ PF_ENOTPCI, "not-pci" },
	{ PF_ENOCAP, "no-capability" },
	{ PF_ECAPLIST, "bad-capability-list" },
	{ PF_EBAR, "bad-bar" },
	{ PF_ESTUCK, "stuck" },
	{ PF_EBUSY, "busy" },
};

const char *pf_err_lookup(const struct pf_err_text *tab, unsigned n, int err)
{
	for (unsigned i = 0; i < n; i++)
		if (tab[i].err == err)
			return tab[i].text;
	return NULL;
}

const char *pf_strerror(int err)
{
	const char *s = pf_err_lookup(names, sizeof(names) / sizeof(names[0]), err);

	if (s)
		return s;
	return pf_err_is_device_rule(err) ? "device-rule" : "unknown";
}

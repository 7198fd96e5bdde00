/* SPDX-License-Identifier: MIT */
#include "virtio_pci.h"

void virtio_pci_discover(const void *fdt)
{
	(void)fdt;
}

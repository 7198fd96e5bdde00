/* SPDX-License-Identifier: MIT */
/* Virtio over PCI (VIRTIO 1.4, 4.1). Work in progress. */
#ifndef PF_VIRTIO_PCI_H
#define PF_VIRTIO_PCI_H

#include <stdint.h>

#include "virtio.h"

struct virtio_pci_priv {
	uint32_t placeholder;
};

/* Finds virtio functions behind every pci-host-ecam-generic node and adds
 * them through virtio_discover_slot()/commit(). */
void virtio_pci_discover(const void *fdt);

#endif

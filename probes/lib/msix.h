/* SPDX-License-Identifier: MIT */
/*
 * MSI-X (PCI Local Bus / PCIe Base spec, "MSI-X Capability and Table
 * Structure") for virtio PCI functions: find the capability, map the table
 * and PBA through the BARs the probe assigned, program vectors with the
 * doorbells of intr.h, enable and disable.
 *
 * Everything read from the function is untrusted: the capability list is
 * walked with pci_walk_caps() (bounded, loop-checked), the capability must
 * fit config space, BIR must name an assigned memory BAR whose address in
 * config space is still the one assigned, and the table and PBA must lie
 * inside it. Portable: the host unit tests drive it against simulated
 * functions.
 */
#ifndef PF_MSIX_H
#define PF_MSIX_H

#include <stdbool.h>
#include <stdint.h>

#include "intr.h"
#include "io.h"

struct virtio_dev;

/* MSI-X capability registers (offsets from the capability) */
#define PCI_MSIX_FLAGS 2	       /* Message Control */
#define PCI_MSIX_FLAGS_QSIZE 0x07ffu   /* Table Size - 1 */
#define PCI_MSIX_FLAGS_MASKALL 0x4000u /* Function Mask */
#define PCI_MSIX_FLAGS_ENABLE 0x8000u
#define PCI_MSIX_TABLE 4 /* Table Offset | BIR */
#define PCI_MSIX_PBA 8	 /* PBA Offset | BIR */
#define PCI_MSIX_BIR 0x7u

/* Table entry (16 bytes) */
#define PCI_MSIX_ENTRY_SIZE 16
#define PCI_MSIX_ENTRY_ADDR_LO 0
#define PCI_MSIX_ENTRY_ADDR_HI 4
#define PCI_MSIX_ENTRY_DATA 8
#define PCI_MSIX_ENTRY_CTRL 12
#define PCI_MSIX_ENTRY_CTRL_MASKBIT 1u

struct msix_cap {
	uint8_t cap;	     /* config-space offset of the capability */
	uint16_t table_size; /* entries: Table Size field + 1 */
	uint8_t table_bir, pba_bir;
	uint32_t table_off, pba_off;
	uint64_t table_addr, pba_addr; /* CPU addresses */
	struct pf_region table, pba;
};

/* Finds and validates the capability of a PCI virtio device. 0 or a PF_E* code. */
int msix_find(struct virtio_dev *d, struct msix_cap *c);
const char *msix_strerror(int err);

/* Table Size (entries), or a negative PF_E* code. */
int msix_table_size(struct virtio_dev *d);

/*
 * Allocates nvec (1..INTR_MSI_MAX, <= Table Size) doorbells from intr.h,
 * programs table entries 0..nvec-1 with them (the others masked), and
 * enables MSI-X with the function mask clear. intids[i] is the line vector
 * i arrives on (already wired). 0 or a PF_E* code.
 */
int msix_enable(struct virtio_dev *d, unsigned nvec, uint32_t intids[]);

/*
 * Enables MSI-X with the Function Mask set and every entry masked, no
 * doorbells: the device can map vectors but sends nothing. 0 or a PF_E* code.
 */
int msix_enable_masked(struct virtio_dev *d);

/* Masks every entry, clears Enable and Function Mask, frees the doorbells.
 * Harmless when MSI-X is not enabled or the device has none. */
void msix_disable(struct virtio_dev *d);

/* Function Mask on/off; a masked entry (or function) holds its message as
 * a pending bit in the PBA. */
void msix_function_mask(struct virtio_dev *d, bool mask);
void msix_vector_mask(struct virtio_dev *d, unsigned vec, bool mask);
/* PBA bit of vector vec (false if unreadable). */
bool msix_pending(struct virtio_dev *d, unsigned vec);
/* Message Control as read now (0xffff on error). */
uint16_t msix_control(struct virtio_dev *d);

#endif

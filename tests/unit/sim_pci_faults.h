/* SPDX-License-Identifier: MIT */
/*
 * Faults of the simulated PCI function's BAR and PCI_CFG window (sim_pci.c).
 * They live apart from sim_dev.faults, whose bits every transport and
 * check area shares: sim_pci.c keeps them per device in a small table.
 * sim_pci_attach() clears them, so set them after attaching.
 */
#ifndef PF_SIM_PCI_FAULTS_H
#define PF_SIM_PCI_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_device.h"

#define SIM_PCI_F_CFG_READ_STALE (1u << 0) /* pci_cfg_data reads do not fetch from the BAR */
#define SIM_PCI_F_CFG_WRITE_DROP (1u << 1) /* pci_cfg_data writes are not forwarded */
#define SIM_PCI_F_QSEL_LIMIT \
	(1u << 2) /* queue_select writes >= 1024 are ignored
					      * (what QEMU 7.2 does) */
#define SIM_PCI_F_ADDR_LO_CLEARS_HI \
	(1u << 3)			  /* writing the low half of queue_desc/driver/
					       * device clears the high half */
#define SIM_PCI_F_ADMIN_IDX_LOW (1u << 4) /* admin_queue_index reads 0 (< num_queues) */
#define SIM_PCI_F_CFG_FIELDS_RO (1u << 5) /* cap.bar/offset/length of PCI_CFG not writable */
/* Interrupts (MSI-X 4.1.5.1.2, ISR/INTx 4.1.4.5). "ISR not cleared by
 * reading" is sim_dev.faults' SIM_F_ISR_NO_CLEAR, shared with virtio-mmio. */
#define SIM_PCI_F_MSIX_NO_READBACK (1u << 6) /* config/queue_msix_vector writes are dropped */
#define SIM_PCI_F_MSIX_ACCEPT_RANGE \
	(1u << 7)			      /* a vector >= Table Size reads back as written
					       * instead of NO_VECTOR */
#define SIM_PCI_F_MSIX_RESET_KEEPS (1u << 8)  /* a device reset leaves the vectors mapped */
#define SIM_PCI_F_MSIX_WRONG_VECTOR (1u << 9) /* a message goes to vector + 1 (mod Table Size) */
#define SIM_PCI_F_MSIX_IGNORE_NO_VECTOR \
	(1u << 10)			       /* an event mapped to NO_VECTOR is sent on
						   * vector 0 */
#define SIM_PCI_F_INTX_NONE (1u << 11)	       /* INTx never asserted (ISR still set) */
#define SIM_PCI_F_INT_STATUS_STUCK0 (1u << 12) /* PCI Status.Interrupt Status always reads 0 */
#define SIM_PCI_F_DRIVER_FEAT_ECHO \
	(1u << 13) /* driver_feature reads what device_feature
					      * offers, not what the driver wrote */
#define SIM_PCI_F_FEAT_WINDOW_ALIAS \
	(1u << 14) /* device_feature windows 2 and up repeat
					      * window 1 */

/* Up to this many devices can carry PCI faults, an MSI-X table someone
 * wrote to, or interrupt delivery (sim_pci_irq_attach()) at once. */
#define SIM_PCI_FAULT_DEVS 8

void sim_pci_set_faults(const struct sim_dev *s, uint32_t faults);
uint32_t sim_pci_faults(const struct sim_dev *s);

/* Where sim_pci_attach() puts the PCI_CFG capability (cap_len 20, the last
 * of the list) and the first config offset after it, free for tests to add
 * capabilities (up to SIM_PCI_MSIX_CAP). */
#define SIM_PCI_CFG_CAP 0x84u
#define SIM_PCI_FREE_CAP 0xa0u

/*
 * MSI-X (capability id 0x11), added by sim_pci_add_msix() after
 * sim_pci_attach() and before discovery (without it the function has no
 * MSI-X, as the existing tests expect): the capability sits at
 * SIM_PCI_MSIX_CAP, linked between the notify and PCI_CFG capabilities;
 * Table Size is num_queues + 1 (at least 2); table and PBA live in the same
 * BAR, in the common page after the common configuration structure.
 * Vector registers follow 4.1.5.1.2 (a vector >= Table Size reads back
 * NO_VECTOR; without MSI-X every vector does).
 */
void sim_pci_add_msix(struct sim_dev *s);
#define SIM_PCI_MSIX_CAP 0xe0u
#define SIM_PCI_MSIX_TABLE_OFF 0x0800u
#define SIM_PCI_MSIX_PBA_OFF 0x0c00u
#define SIM_PCI_MSIX_MAX (SIM_MAX_QUEUES + 1)

/*
 * Interrupt delivery. Until sim_pci_irq_attach(), a function raises
 * nothing (as before interrupts were modelled). After it, each
 * sim_pci_service() (call it from the host delay hook: interrupts arrive
 * while the driver waits) processes the queues and delivers what the device
 * owes since the last call:
 *  - MSI-X enabled: a used buffer on queue q sends queue_msix_vector's table
 *    entry (host_intr_msi_write(address, data)), a config change
 *    config_msix_vector's; NO_VECTOR sends nothing; a masked entry or
 *    function sets the PBA bit instead, sent once unmasked; clearing Enable
 *    drops pending bits;
 *  - MSI-X disabled: INTx follows the ISR (asserted while ISR != 0 and
 *    Command.INTx Disable is clear), on the line intr_pci_intx(cfg_addr,
 *    Interrupt Pin) resolves to: a level line is raised whenever asserted
 *    and enabled (so it fires again after intr_unmask() if still asserted),
 *    an edge line on each assertion. PCI Status.Interrupt Status reads
 *    (ISR != 0) with MSI-X disabled.
 * Returns false when no slot is left (SIM_PCI_FAULT_DEVS).
 */
bool sim_pci_irq_attach(const struct sim_dev *s, uint64_t cfg_addr);
void sim_pci_service(struct sim_dev *s);
/* Observations: MSI-X messages written, INTx raises. */
uint32_t sim_pci_msi_sent(const struct sim_dev *s);
uint32_t sim_pci_intx_raised(const struct sim_dev *s);

#endif

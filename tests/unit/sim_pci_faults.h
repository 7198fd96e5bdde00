/* SPDX-License-Identifier: MIT */
/*
 * Faults of the simulated PCI function's BAR and PCI_CFG window (sim_pci.c).
 * They live apart from sim_dev.faults, whose bits every transport and
 * check area shares: sim_pci.c keeps them per device in a small table.
 * sim_pci_attach() clears them, so set them after attaching.
 */
#ifndef PF_SIM_PCI_FAULTS_H
#define PF_SIM_PCI_FAULTS_H

#include <stdint.h>

#include "sim_device.h"

#define SIM_PCI_F_CFG_READ_STALE   (1u << 0) /* pci_cfg_data reads do not fetch from the BAR */
#define SIM_PCI_F_CFG_WRITE_DROP   (1u << 1) /* pci_cfg_data writes are not forwarded */
#define SIM_PCI_F_QSEL_LIMIT       (1u << 2) /* queue_select writes >= 1024 are ignored
					      * (what QEMU 7.2 does) */
#define SIM_PCI_F_ADDR_LO_CLEARS_HI (1u << 3) /* writing the low half of queue_desc/driver/
					       * device clears the high half */
#define SIM_PCI_F_ADMIN_IDX_LOW    (1u << 4) /* admin_queue_index reads 0 (< num_queues) */
#define SIM_PCI_F_CFG_FIELDS_RO    (1u << 5) /* cap.bar/offset/length of PCI_CFG not writable */

/* Up to this many devices can carry PCI faults at once. */
#define SIM_PCI_FAULT_DEVS 8

void sim_pci_set_faults(const struct sim_dev *s, uint32_t faults);
uint32_t sim_pci_faults(const struct sim_dev *s);

/* Where sim_pci_attach() puts the PCI_CFG capability (cap_len 20) and the
 * first config offset after the list, free for tests to add capabilities. */
#define SIM_PCI_CFG_CAP   0x84u
#define SIM_PCI_FREE_CAP  0xa0u

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Virtio over PCI (VIRTIO 1.4, 4.1): the vendor capabilities, the common
 * configuration layout, and the transport. The per-device private state
 * (struct virtio_pci_priv, d->priv of a PCI virtio_dev) records the whole
 * capability layout so checks can test it.
 */
#ifndef PF_VIRTIO_PCI_H
#define PF_VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "pci.h"
#include "virtio.h"

#define VIRTIO_PCI_VENDOR_ID 0x1af4
#define VIRTIO_PCI_DEVICE_ID_MIN 0x1000	   /* transitional: 0x1000..0x103f */
#define VIRTIO_PCI_DEVICE_ID_MODERN 0x1040 /* + device type */
#define VIRTIO_PCI_DEVICE_ID_MAX 0x107f

/* cfg_type of struct virtio_pci_cap (4.1.4) */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG 5
#define VIRTIO_PCI_CAP_SHARED_MEMORY_CFG 8
#define VIRTIO_PCI_CAP_VENDOR_CFG 9

/* struct virtio_pci_cap field offsets (from the capability's start) */
#define VIRTIO_PCI_CAP_VNDR 0
#define VIRTIO_PCI_CAP_NEXT 1
#define VIRTIO_PCI_CAP_LEN 2
#define VIRTIO_PCI_CAP_CFG_TYPE 3
#define VIRTIO_PCI_CAP_BAR 4
#define VIRTIO_PCI_CAP_ID 5
#define VIRTIO_PCI_CAP_OFFSET 8
#define VIRTIO_PCI_CAP_LENGTH 12
#define VIRTIO_PCI_NOTIFY_CAP_MULT 16 /* virtio_pci_notify_cap */
#define VIRTIO_PCI_CAP_OFFSET_HI 16   /* virtio_pci_cap64 */
#define VIRTIO_PCI_CAP_LENGTH_HI 20

/* struct virtio_pci_common_cfg (4.1.4.3) */
#define VIRTIO_PCI_COMMON_DFSELECT 0x00
#define VIRTIO_PCI_COMMON_DF 0x04
#define VIRTIO_PCI_COMMON_GFSELECT 0x08
#define VIRTIO_PCI_COMMON_GF 0x0c
#define VIRTIO_PCI_COMMON_MSIX 0x10
#define VIRTIO_PCI_COMMON_NUMQ 0x12
#define VIRTIO_PCI_COMMON_STATUS 0x14
#define VIRTIO_PCI_COMMON_CFGGENERATION 0x15
#define VIRTIO_PCI_COMMON_Q_SELECT 0x16
#define VIRTIO_PCI_COMMON_Q_SIZE 0x18
#define VIRTIO_PCI_COMMON_Q_MSIX 0x1a
#define VIRTIO_PCI_COMMON_Q_ENABLE 0x1c
#define VIRTIO_PCI_COMMON_Q_NOFF 0x1e
#define VIRTIO_PCI_COMMON_Q_DESCLO 0x20
#define VIRTIO_PCI_COMMON_Q_DESCHI 0x24
#define VIRTIO_PCI_COMMON_Q_AVAILLO 0x28
#define VIRTIO_PCI_COMMON_Q_AVAILHI 0x2c
#define VIRTIO_PCI_COMMON_Q_USEDLO 0x30
#define VIRTIO_PCI_COMMON_Q_USEDHI 0x34
#define VIRTIO_PCI_COMMON_Q_NDATA 0x38
#define VIRTIO_PCI_COMMON_Q_RESET 0x3a
#define VIRTIO_PCI_COMMON_ADM_Q_IDX 0x3c
#define VIRTIO_PCI_COMMON_ADM_Q_NUM 0x3e
#define VIRTIO_PCI_COMMON_SIZE 0x40 /* 1.0 devices: 0x38 */

#define VIRTIO_MSI_NO_VECTOR 0xffff

/* One vendor capability as found (validated fields, raw values kept). */
struct virtio_pci_cap_info {
	uint8_t cap_off; /* offset in config space */
	uint8_t cap_len;
	uint8_t cfg_type;
	uint8_t bar;
	uint8_t id;
	uint32_t offset, length;	/* low 32 bits (cap64: see offset_hi/length_hi) */
	uint32_t offset_hi, length_hi;	/* cap64 (shared memory), else 0 */
	uint32_t notify_off_multiplier; /* NOTIFY_CFG with cap_len >= 20 */
	bool in_bar;			/* bar is a memory BAR and [offset, +length) fits in it */
};

#define VIRTIO_PCI_MAX_CAPS 16

/* Index into caps[] of the capability the transport uses, -1 if none. */
struct virtio_pci_used_caps {
	int8_t common, notify, isr, device, pci_cfg;
};

struct virtio_pci_priv {
	struct pci_func fn;
	uint16_t pci_device_id, subsys_vendor, subsys_id;
	uint8_t revision;
	int caps_walk;	  /* pci_walk_caps() result (PF_ECAPLIST: malformed list) */
	uint8_t ncaps;	  /* vendor caps recorded (first VIRTIO_PCI_MAX_CAPS) */
	uint8_t msix_cap; /* offset of the MSI-X capability, 0 if none */
	struct virtio_pci_cap_info caps[VIRTIO_PCI_MAX_CAPS];
	struct virtio_pci_used_caps use;
	uint32_t notify_off_multiplier;
	struct pf_region common, notify, isr, device; /* mapped cap windows */
	uint32_t driver_features[2];		      /* as written (NOTIFICATION_DATA width) */
	uint16_t queue_notify_off[VIRTIO_MAX_QUEUES];
	int bars_failed; /* memory BARs that could not be assigned */
};

/* The transport over common/notify/ISR/device capabilities. */
extern const struct virtio_transport_ops virtio_pci_modern_ops;

/*
 * Probes one PCI function (already known to be 0x1af4 / 0x1000..0x107f):
 * assigns its BARs, walks the capabilities, maps the regions and fills *d
 * (d->priv = pv). Modern/transitional devices get virtio_pci_modern_ops;
 * a function without a usable common capability is reported as legacy with
 * ops == NULL (the legacy I/O interface is not implemented). Returns 0, or
 * negative when the function is not a virtio device after all.
 */
int virtio_pci_probe(struct virtio_dev *d, struct virtio_pci_priv *pv, struct pci_host *h,
		     uint8_t bus, uint8_t dev, uint8_t fn);

/* Finds virtio functions behind every pci-host-ecam-generic node and adds
 * them through virtio_discover_slot()/commit(). */
void virtio_pci_discover(const void *fdt);

/* The priv of a PCI device, NULL for another transport. */
static inline struct virtio_pci_priv *virtio_pci_priv(struct virtio_dev *d)
{
	return d && d->transport == VIRTIO_TRANSPORT_PCI ? (struct virtio_pci_priv *)d->priv : 0;
}

#endif

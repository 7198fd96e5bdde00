/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the Virtio over PCI checks (VIRTIO 1.4, 4.1): a fresh,
 * unfiltered walk of the capability list, BAR geometry, and access to the
 * common configuration structure. Discovery (virtio_pci_probe.c) drops what
 * the transport cannot use (short cap_len, reserved BARs); the checks have
 * to see exactly that, so they read config space again themselves.
 *
 * Everything read from the device is untrusted: offsets are bounded to the
 * function's configuration space, lengths are only compared in 64-bit
 * arithmetic, nothing is dereferenced on the device's word.
 */
#ifndef PF_CHECKS_PCI_H
#define PF_CHECKS_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "helpers.h"
#include "virtio/virtio_pci.h"

/* The standard (non-extended) configuration space holds the list (PCI 6.7). */
#define PCHK_CFG_SPACE 256u
/* A list longer than this loops or is garbage: (256 - 64) / 4. */
#define PCHK_MAX_CAPS 48

/* Minimum cap_len of each structure (4.1.4, 4.1.4.4, 4.1.4.7, 4.1.4.9). */
#define PCHK_LEN_CAP 16u    /* struct virtio_pci_cap */
#define PCHK_LEN_NOTIFY 20u /* + notify_off_multiplier */
#define PCHK_LEN_CFG 20u    /* + pci_cfg_data[4] */
#define PCHK_LEN_CAP64 24u  /* + offset_hi, length_hi */
#define PCHK_LEN_VNDR 6u    /* cap_vndr .. vendor_id of virtio_pci_vndr_data */

/* One vendor-specific capability (cap_vndr 0x09) as the device shows it.
 * Fields beyond cap_len are left 0 and `has_*` tells which were present. */
struct pchk_cap {
	uint8_t off, len, cfg_type, bar, id;
	uint32_t offset, length;       /* needs len >= 16 */
	uint32_t offset_hi, length_hi; /* shared memory, len >= 24 */
	uint32_t mult;		       /* notify, len >= 20 */
	uint16_t vendor_id;	       /* vendor data, len >= 6 */
	bool has_base, has_mult, has_64, has_vendor_id;
};

/* The capability list as walked. */
struct pchk_caps {
	struct pchk_cap vndr[PCHK_MAX_CAPS];
	int nvndr;	    /* vendor-specific capabilities */
	int ncaps;	    /* all capabilities visited */
	bool list_bit;	    /* Status.Capabilities List */
	uint8_t bad_off;    /* where the walk went wrong (0: it did not) */
	const char *bad;    /* why, NULL when the list is well formed */
	uint8_t misaligned; /* first pointer with bits 1:0 set, 0 if none */
};

/* The PCI state of t->dev; NULL (and the test marked skip) for another
 * transport. */
struct virtio_pci_priv *pchk_pci(struct pf_test *t);

/* As pchk_pci(), and the common configuration is usable (d->ops set);
 * otherwise skip: a function without one is judged by pci.caps.present. */
struct virtio_pci_priv *pchk_modern(struct pf_test *t);

/* Walks the list from config space (never more than PCHK_MAX_CAPS). */
void pchk_read_caps(const struct pci_func *f, struct pchk_caps *out);

/* Name of a cfg_type for messages ("common", ..., "reserved"). */
const char *pchk_cfg_name(uint8_t cfg_type);

/* Size of BAR `bar` as sized at discovery; 0 when reserved (> 5), not
 * implemented, or the upper half of a 64-bit BAR. */
uint64_t pchk_bar_size(const struct virtio_pci_priv *pv, uint8_t bar);

/* [off, off+len) lies inside BAR `bar` (64-bit arithmetic, no wrap). */
bool pchk_in_bar(const struct virtio_pci_priv *pv, uint8_t bar, uint64_t off, uint64_t len);

/* The device offers VIRTIO_F_NOTIFICATION_DATA (4.1.4.4.1 keys on the
 * offer, not the negotiation). */
bool pchk_notification_data(const struct virtio_dev *d);

/* Common configuration register access (width from the field). */
uint16_t pchk_read16(const struct virtio_pci_priv *pv, uint32_t off);
void pchk_write16(const struct virtio_pci_priv *pv, uint32_t off, uint16_t v);
uint32_t pchk_read32(const struct virtio_pci_priv *pv, uint32_t off);
void pchk_write32(const struct virtio_pci_priv *pv, uint32_t off, uint32_t v);
/* queue_select, then the 16-bit field `off` of that queue. */
uint16_t pchk_queue_read16(const struct virtio_pci_priv *pv, uint16_t q, uint32_t off);

/* Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK. Returns true when
 * FEATURES_OK stuck; a reset that never completes is reported on t. */
bool pchk_features_ok(struct pf_test *t, uint64_t features);

/* num_queues as the register reads now. */
uint16_t pchk_num_queues(const struct virtio_pci_priv *pv);

#endif

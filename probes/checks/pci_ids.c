/* SPDX-License-Identifier: MIT */
/*
 * PCI identity of a virtio function (4.1.1, 4.1.2): the configuration
 * header, Vendor and Device IDs, and the Revision / Subsystem IDs that keep
 * legacy drivers away from non-transitional devices. Everything is read
 * again from config space: discovery's cached copy would hide a device
 * whose header changes under the driver.
 */
#include <string.h>

#include "pci_checks.h"

/* Transitional PCI Device IDs and their device types (4.1.2.1). */
static const struct {
	uint16_t pci_id;
	uint16_t type;
} transitional[] = {
	{ 0x1000, 1 }, /* network */
	{ 0x1001, 2 }, /* block */
	{ 0x1002, 5 }, /* memory balloon (traditional) */
	{ 0x1003, 3 }, /* console */
	{ 0x1004, 8 }, /* SCSI host */
	{ 0x1005, 4 }, /* entropy source */
	{ 0x1009, 9 }, /* 9P transport */
};

/* Type of a transitional Device ID, or -1 if the ID is not in the table. */
static int transitional_type(uint16_t devid)
{
	for (unsigned i = 0; i < sizeof(transitional) / sizeof(transitional[0]); i++)
		if (transitional[i].pci_id == devid)
			return transitional[i].type;
	return -1;
}

/*
 * PCI 3.0 6.2 / 6.7 as far as a virtio driver relies on it: a type 0
 * header, the Capabilities List bit set (virtio structures are found only
 * through the list, 4.1.4), and a list that ends: pointers dword aligned
 * with bits 1:0 zero, never into the header, never looping.
 */
void check_PCI_HEADER(struct pf_test *t)
{
	struct virtio_pci_priv *pv = pchk_pci(t);
	struct pchk_caps caps;
	uint8_t type;

	if (!pv)
		return;
	type = (uint8_t)pci_cfg_read(&pv->fn, PCI_HEADER_TYPE, 1) & PCI_HEADER_TYPE_MASK;
	report(t, type == 0, "header-type", "Header Type %u: a virtio function has a type 0 header",
	       type);
	pchk_read_caps(&pv->fn, &caps);
	if (!report(t, caps.list_bit, "capabilities-list-bit",
		    "Status.Capabilities List is clear: no virtio capability can be found"))
		return;
	report(t, caps.bad == 0, "capability-list", "capability list at 0x%02x %s", caps.bad_off,
	       caps.bad ? caps.bad : "");
	report(t, caps.misaligned == 0, "capability-pointer",
	       "capability pointer at config offset 0x%02x has bits 1:0 set", caps.misaligned);
	report(t, caps.ncaps > 0, "capability-list-empty",
	       "Capabilities List bit set but the list is empty");
}

void check_PCI_VENDOR_ID(struct pf_test *t)
{
	struct virtio_pci_priv *pv = pchk_pci(t);
	uint16_t vendor;

	if (!pv)
		return;
	vendor = (uint16_t)pci_cfg_read(&pv->fn, PCI_VENDOR_ID, 2);
	report(t, vendor == VIRTIO_PCI_VENDOR_ID, "vendor-id",
	       "PCI Vendor ID reads 0x%04x, not 0x1af4", vendor);
}

/* What the identity rules compare, read from config space. */
struct pci_ids {
	struct virtio_pci_priv *pv;
	uint16_t devid, subsys;
	uint8_t rev;
};

/* The PCI transport of t's device and its IDs; false when the device is
 * not PCI (pchk_pci() reported why). */
static bool read_ids(struct pf_test *t, struct pci_ids *id)
{
	id->pv = pchk_pci(t);
	if (!id->pv)
		return false;
	id->devid = (uint16_t)pci_cfg_read(&id->pv->fn, PCI_DEVICE_ID, 2);
	id->subsys = (uint16_t)pci_cfg_read(&id->pv->fn, PCI_SUBSYSTEM_ID, 2);
	id->rev = (uint8_t)pci_cfg_read(&id->pv->fn, PCI_REVISION_ID, 1);
	return true;
}

/*
 * 0x1040 + virtio device type, or the transitional ID of the type. The type
 * of a transitional function is its Subsystem Device ID (4.1.2.2), so the
 * two must agree with the table.
 */
void check_PCI_DEVICE_ID(struct pf_test *t)
{
	struct pci_ids id;
	int type;

	if (!read_ids(t, &id))
		return;
	if (id.devid >= VIRTIO_PCI_DEVICE_ID_MODERN && id.devid <= VIRTIO_PCI_DEVICE_ID_MAX) {
		uint16_t vtype = (uint16_t)(id.devid - VIRTIO_PCI_DEVICE_ID_MODERN);

		/* Device type 0 is reserved as invalid (5). */
		report(t, vtype != 0, "device-id-zero",
		       "PCI Device ID 0x%04x is 0x1040 + 0, the reserved invalid device type",
		       id.devid);
		if (vtype && !strcmp(virtio_device_name(vtype), "unknown"))
			report_log(t, 1, "device type %u is not listed by the spec", vtype);
		return;
	}
	type = transitional_type(id.devid);
	if (!report(t, type >= 0, "device-id",
		    "PCI Device ID 0x%04x is neither 0x1040 + device type nor a transitional ID "
		    "(0x1000-0x1005, 0x1009)",
		    id.devid))
		return;
	report(t, id.subsys == (uint16_t)type, "subsystem-id",
	       "transitional PCI Device ID 0x%04x belongs to device type %d (%s), but the "
	       "Subsystem "
	       "Device ID names type %u",
	       id.devid, type, virtio_device_name((uint32_t)type), id.subsys);
}

/*
 * A transitional device has the legacy interface in an I/O BAR0 (4.1.4.10);
 * a transitional-range ID without one is a non-transitional device using
 * the wrong range, which is what 4.1.2.1's SHOULDs are about.
 */
static bool has_legacy_bar0(const struct virtio_pci_priv *pv)
{
	return pv->fn.bar[0].io && pv->fn.bar[0].size >= 20;
}

void check_PCI_MODERN_IDS(struct pf_test *t)
{
	struct pci_ids id;

	if (!read_ids(t, &id))
		return;
	if (id.devid < VIRTIO_PCI_DEVICE_ID_MODERN) {
		if (has_legacy_bar0(id.pv)) {
			report_na(t,
				  "transitional device (ID 0x%04x, legacy I/O BAR0): the "
				  "non-transitional ID rules do not apply",
				  id.devid);
			return;
		}
		report(t, false, "transitional-id",
		       "non-transitional device (no legacy I/O BAR0) uses the transitional "
		       "PCI Device ID 0x%04x instead of 0x1040-0x107f",
		       id.devid);
	}
	report(t, id.rev >= 1, "revision-id",
	       "non-transitional device has PCI Revision ID %u (0 invites legacy drivers)", id.rev);
	report(t, id.subsys >= 0x40, "subsystem-device-id",
	       "non-transitional device has PCI Subsystem Device ID 0x%04x (below 0x40 "
	       "invites legacy drivers)",
	       id.subsys);
}

/* SPDX-License-Identifier: MIT */
/* Feature bits: what a device may offer and how it answers a negotiation
 * (2.2, 6). */
#include "helpers.h"
#include "virtio/virtio_pci.h"

/* PCI Express extended capabilities: from 0x100 up, each header holds its
 * ID (bits 15:0) and the next one's offset (bits 31:20; PCIe 7.6.3). */
#define PCIE_EXT_CAP_START 0x100u
#define PCIE_EXT_CAP_END 0x1000u
#define PCIE_EXT_CAP_SRIOV 0x0010u

/* The function carries an SR-IOV extended capability. A conventional
 * function reads 0 or all ones there; the walk is bounded by the space. */
static bool has_sriov_cap(const struct virtio_pci_priv *pv)
{
	uint32_t off = PCIE_EXT_CAP_START;

	for (unsigned n = 0; n < (PCIE_EXT_CAP_END - PCIE_EXT_CAP_START) / 4u; n++) {
		uint32_t h = pci_cfg_read(&pv->fn, off, 4);

		if (h == 0 || h == 0xffffffffu)
			return false;
		if ((h & 0xffffu) == PCIE_EXT_CAP_SRIOV)
			return true;
		off = (h >> 20) & ~3u;
		if (off < PCIE_EXT_CAP_START)
			return false;
	}
	return false;
}

/* Bits of the generic range that no chapter defines (6): 25, 26, 31, and
 * 44..49 reserved for future extensions. 30 is the legacy UNUSED bit, 24
 * and 27 are legacy bits a transitional device may offer. */
#define RESERVED_LOW                                                                          \
	(VIRTIO_BIT(25) | VIRTIO_BIT(26) | VIRTIO_BIT(31) | VIRTIO_BIT(44) | VIRTIO_BIT(45) | \
	 VIRTIO_BIT(46) | VIRTIO_BIT(47) | VIRTIO_BIT(48) | VIRTIO_BIT(49))
#define LEGACY_ONLY \
	(VIRTIO_BIT(VIRTIO_F_NOTIFY_ON_EMPTY) | VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT) | VIRTIO_BIT(30))

static bool modern_only(struct pf_test *t)
{
	if (!chk_drivable(t))
		return false;
	if (t->dev->mode == VIRTIO_MODE_LEGACY) {
		report_na(t, "legacy interface: no VERSION_1 negotiation");
		return false;
	}
	return true;
}

void check_FEAT_VERSION_1(struct pf_test *t)
{
	if (!modern_only(t))
		return;
	report(t, t->dev->features & VIRTIO_BIT(VIRTIO_F_VERSION_1), "version-1",
	       "VIRTIO_F_VERSION_1 not offered (features 0x%llx)",
	       (unsigned long long)t->dev->features);
}

/* Bits 128 and up are reserved (2.2): windows 4..7 must read 0. */
static void reserved_windows_zero(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;

	for (uint32_t sel = 4; sel < 8; sel++) {
		uint32_t w = d->ops->get_features_window(d, sel);

		report(t, w == 0, "reserved-window",
		       "feature window %u (bits %u..%u, reserved) reads 0x%08x", sel, sel * 32,
		       sel * 32 + 31, w);
	}
}

void check_FEAT_RESERVED(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	uint64_t f;

	if (!chk_drivable(t))
		return;
	f = virtio_read_device_features(d);
	report(t, !(f & RESERVED_LOW), "reserved-bits", "reserved feature bits offered: 0x%llx",
	       (unsigned long long)(f & RESERVED_LOW));
	if (d->mode == VIRTIO_MODE_MODERN)
		report(t, !(f & LEGACY_ONLY), "legacy-bits",
		       "legacy-only feature bits offered by a modern device: 0x%llx",
		       (unsigned long long)(f & LEGACY_ONLY));
	reserved_windows_zero(t);
	/* features.no-sr-iov-without-capability (6.2): only a PCI function
	 * with the SR-IOV capability may offer the bit */
	if (d->transport != VIRTIO_TRANSPORT_PCI)
		report(t, !(f & VIRTIO_BIT(VIRTIO_F_SR_IOV)), "sr-iov",
		       "VIRTIO_F_SR_IOV offered on a transport without SR-IOV");
	else if (f & VIRTIO_BIT(VIRTIO_F_SR_IOV))
		report(t, has_sriov_cap(d->priv), "sr-iov-no-capability",
		       "VIRTIO_F_SR_IOV offered by a PCI function without the SR-IOV extended "
		       "capability");
	/* ADMIN_VQ is PCI-only for now; elsewhere bit 41 is device-specific
	 * (net's legacy GUEST_RSC4), so it is not judged here. */
}

/* Feature prerequisites the spec states per device type. */
struct feat_dep {
	uint32_t device_id; /* 0: any device */
	int bit;
	uint64_t needs_any; /* at least one of these must be offered too */
	const char *rule;
};

#define B VIRTIO_BIT
static const struct feat_dep deps[] = {
	/* net, 5.1.3.1 */
	{ 1, 7, B(1), "GUEST_TSO4 requires GUEST_CSUM" },
	{ 1, 8, B(1), "GUEST_TSO6 requires GUEST_CSUM" },
	{ 1, 9, B(7) | B(8), "GUEST_ECN requires GUEST_TSO4 or GUEST_TSO6" },
	{ 1, 10, B(1), "GUEST_UFO requires GUEST_CSUM" },
	{ 1, 11, B(0), "HOST_TSO4 requires CSUM" },
	{ 1, 12, B(0), "HOST_TSO6 requires CSUM" },
	{ 1, 13, B(11) | B(12), "HOST_ECN requires HOST_TSO4 or HOST_TSO6" },
	{ 1, 14, B(0), "HOST_UFO requires CSUM" },
	{ 1, 56, B(0), "HOST_USO requires CSUM" },
	{ 1, 18, B(17), "CTRL_RX requires CTRL_VQ" },
	{ 1, 19, B(17), "CTRL_VLAN requires CTRL_VQ" },
	{ 1, 20, B(18), "CTRL_RX_EXTRA requires CTRL_RX" },
	{ 1, 21, B(17), "GUEST_ANNOUNCE requires CTRL_VQ" },
	{ 1, 22, B(17), "MQ requires CTRL_VQ" },
	{ 1, 23, B(17), "CTRL_MAC_ADDR requires CTRL_VQ" },
	{ 1, 60, B(17), "RSS requires CTRL_VQ" },
	{ 1, 61, B(11) | B(12), "RSC_EXT requires HOST_TSO4 or HOST_TSO6" },
};
#undef B

void check_FEAT_DEPENDENCIES(struct pf_test *t)
{
	uint64_t f = t->dev->features;
	int checked = 0;

	for (unsigned i = 0; i < sizeof(deps) / sizeof(deps[0]); i++) {
		const struct feat_dep *r = &deps[i];

		if (r->device_id && r->device_id != t->dev->device_id)
			continue;
		if (!(f & VIRTIO_BIT(r->bit)))
			continue;
		checked++;
		report(t, (f & r->needs_any) != 0, "dependency",
		       "%s, but only the first is offered", r->rule);
	}
	if (!checked)
		report_na(t, "no offered feature has a prerequisite");
}

/* First reserved bit the device does not offer: accepting it makes the
 * driver's subset invalid by construction. */
static int unoffered_reserved_bit(uint64_t f)
{
	for (int b = 44; b <= 49; b++)
		if (!(f & VIRTIO_BIT(b)))
			return b;
	return -1;
}

void check_FEAT_REJECT_INVALID(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	int bit;
	uint8_t st;

	if (!modern_only(t))
		return;
	bit = unoffered_reserved_bit(d->features);
	if (bit < 0) {
		report_skip(t, "every reserved bit is offered: no invalid subset to try");
		return;
	}
	st = chk_try_features(t, chk_default_features(d) | VIRTIO_BIT(bit));
	report(t, !(st & VIRTIO_STATUS_FEATURES_OK), "unoffered-accepted",
	       "FEATURES_OK kept although the driver accepted bit %d, which was not offered "
	       "(status 0x%02x)",
	       bit, st);
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

void check_FEAT_ACCEPT_VALID(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	uint64_t minimal = chk_default_features(d);
	uint64_t all = d->features;
	uint8_t st;

	if (!modern_only(t))
		return;
	st = chk_try_features(t, minimal);
	report(t, st & VIRTIO_STATUS_FEATURES_OK, "minimal-refused",
	       "FEATURES_OK refused for the minimal set 0x%llx (status 0x%02x)",
	       (unsigned long long)minimal, st);
	st = chk_try_features(t, all);
	report(t, st & VIRTIO_STATUS_FEATURES_OK, "all-refused",
	       "FEATURES_OK refused for every offered feature 0x%llx (status 0x%02x)",
	       (unsigned long long)all, st);
	/* The same set once more after a reset (2.2.2: no refusal of a set
	 * that was accepted before). */
	st = chk_try_features(t, all);
	report(t, st & VIRTIO_STATUS_FEATURES_OK, "refused-after-reset",
	       "FEATURES_OK refused after reset for a set accepted before (status 0x%02x)", st);
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

void check_FEAT_WINDOWS(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	uint32_t w[4], lo, hi, lo2, hi2;

	if (!chk_drivable(t))
		return;
	/* every window that may hold bits, up then down: each reads the
	 * same whatever was selected before it */
	for (uint32_t sel = 0; sel < 4; sel++)
		w[sel] = d->ops->get_features_window(d, sel);
	for (uint32_t sel = 4; sel-- > 0;) {
		uint32_t again = d->ops->get_features_window(d, sel);

		report(t, again == w[sel], "windows-unstable",
		       "feature window %u not stable: 0x%08x then 0x%08x", sel, w[sel], again);
	}
	lo = w[0];
	hi = w[1];
	/* the reserved windows are the unused ones every device has; this
	 * check claims the PCI device_feature statement, and on virtio-mmio
	 * features.no-reserved-bits judges them (one cause, one failure) */
	if (d->transport == VIRTIO_TRANSPORT_PCI)
		reserved_windows_zero(t);
	report(t, ((uint64_t)hi << 32 | lo) == d->features, "differs-from-discovery",
	       "features 0x%08x%08x differ from those read at discovery 0x%llx", hi, lo,
	       (unsigned long long)d->features);
	if (!d->ops->get_driver_features_window) {
		/* MMIO DriverFeatures is write-only: nothing to read back. */
		return;
	}
	if (virtio_reset(d, CHK_RESET_TIMEOUT_NS)) {
		report_error(t, "reset did not complete");
		return;
	}
	virtio_add_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	d->ops->set_driver_features_window(d, 0, lo);
	d->ops->set_driver_features_window(d, 1, hi);
	lo2 = d->ops->get_driver_features_window(d, 0);
	hi2 = d->ops->get_driver_features_window(d, 1);
	report(t, lo2 == lo && hi2 == hi, "driver-features-readback",
	       "driver_feature reads back 0x%08x:0x%08x after writing the offered 0x%08x:0x%08x",
	       hi2, lo2, hi, lo);
	/* A proper subset too (VERSION_1 alone where offered): a device that
	 * echoes device_feature instead of keeping the driver's bits passes
	 * the full set but not this (4.1.4.3.1). */
	{
		uint32_t sub_lo = 0, sub_hi = hi & 1u;

		d->ops->set_driver_features_window(d, 0, sub_lo);
		d->ops->set_driver_features_window(d, 1, sub_hi);
		lo2 = d->ops->get_driver_features_window(d, 0);
		hi2 = d->ops->get_driver_features_window(d, 1);
		report(t, lo2 == sub_lo && hi2 == sub_hi, "driver-features-subset-readback",
		       "driver_feature reads back 0x%08x:0x%08x after writing the subset "
		       "0x%08x:0x%08x",
		       hi2, lo2, sub_hi, sub_lo);
	}
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

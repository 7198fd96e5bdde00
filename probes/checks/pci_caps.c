/* SPDX-License-Identifier: MIT */
/*
 * Virtio structure PCI capabilities (4.1.4): which structures are present
 * and usable, cap_len, offset alignment, shared memory regions (4.1.4.7)
 * and vendor data (4.1.4.8). Pure config-space reads: nothing here changes
 * device state.
 */
#include "pci_checks.h"

#define B VIRTIO_BIT

/*
 * Device types that have a device-specific configuration (chapter 5
 * "Device configuration layout" other than "None"). For net and console
 * every field depends on a feature, so the structure exists only when one
 * of those features is offered.
 */
static bool has_device_config(const struct virtio_dev *d)
{
	switch (d->device_id) {
	case 1: /* 5.1.4: MTU, MAC, STATUS, MQ, HASH_REPORT, RSS, SPEED_DUPLEX */
		return d->features & (B(3) | B(5) | B(16) | B(22) | B(57) | B(60) | B(63));
	case 3: /* 5.3.4: SIZE, MULTIPORT, EMERG_WRITE */
		return d->features & (B(0) | B(1) | B(2));
	case 2:
	case 5:
	case 8:
	case 16:
	case 18:
	case 19:
	case 20:
	case 23:
	case 24:
	case 25:
	case 26:
	case 27:
	case 28:
	case 36:
	case 41:
	case 45:
	case 48:
		return true;
	default: /* entropy, I2C, RTC, SCMI: "None currently defined" */
		return false;
	}
}

/* Bytes of common configuration the offered features need (4.1.4.3):
 * queue_notif_config_data/queue_reset, admin_queue_index/num. */
static uint32_t common_min(const struct virtio_dev *d)
{
	if (d->features & B(VIRTIO_F_ADMIN_VQ))
		return VIRTIO_PCI_COMMON_SIZE;
	if (d->features & (B(VIRTIO_F_RING_RESET) | B(VIRTIO_F_NOTIF_CONFIG_DATA)))
		return VIRTIO_PCI_COMMON_ADM_Q_IDX;
	return VIRTIO_PCI_COMMON_Q_NDATA;
}

static uint32_t struct_min(const struct virtio_dev *d, uint8_t type)
{
	switch (type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:
		return common_min(d);
	case VIRTIO_PCI_CAP_NOTIFY_CFG:
		return pchk_notification_data(d) ? 4 : 2;
	default:
		return 1;
	}
}

/* Why capability c does not locate a usable structure, NULL if it does. */
static const char *unusable(const struct virtio_pci_priv *pv, const struct virtio_dev *d,
			    const struct pchk_cap *c)
{
	if (c->cfg_type == VIRTIO_PCI_CAP_PCI_CFG)
		return c->len >= PCHK_LEN_CFG ? 0 : "cap_len too short for pci_cfg_data";
	if (!c->has_base)
		return "cap_len too short for struct virtio_pci_cap";
	if (c->bar >= PCI_NUM_BARS)
		return "bar is a reserved value";
	if (!pchk_bar_size(pv, c->bar))
		return "its BAR is not implemented";
	if (!pchk_in_bar(pv, c->bar, c->offset, c->length))
		return "offset + length run past the end of the BAR";
	if (c->length < struct_min(d, c->cfg_type))
		return "length is too short for the structure";
	return 0;
}

/* The PCI transport of t's device, its vendor capabilities read into
 * *caps; NULL when the device is not PCI (pchk_pci() reported why). */
static struct virtio_pci_priv *caps_of(struct pf_test *t, struct pchk_caps *caps)
{
	struct virtio_pci_priv *pv = pchk_pci(t);

	if (pv)
		pchk_read_caps(&pv->fn, caps);
	return pv;
}

/* The next capability of cfg_type type after index *i (start at -1). */
static const struct pchk_cap *next_of_type(const struct pchk_caps *caps, int *i, uint8_t type)
{
	while (++*i < caps->nvndr)
		if (caps->vndr[*i].cfg_type == type)
			return &caps->vndr[*i];
	return 0;
}

static void need(struct pf_test *t, const struct virtio_pci_priv *pv, const struct pchk_caps *caps,
		 uint8_t type)
{
	const struct pchk_cap *first = 0, *c;

	for (int i = -1; (c = next_of_type(caps, &i, type));) {
		if (!unusable(pv, t->dev, c))
			return;
		if (!first)
			first = c;
	}
	if (!first) {
		report(t, false, "missing", "no VIRTIO_PCI_CAP_%s capability", pchk_cfg_name(type));
		return;
	}
	report(t, false, "unusable",
	       "VIRTIO_PCI_CAP_%s capability at 0x%02x (bar %u, offset 0x%x, length 0x%x, "
	       "BAR size 0x%llx) is unusable: %s",
	       pchk_cfg_name(type), first->off, first->bar, first->offset, first->length,
	       (unsigned long long)pchk_bar_size(pv, first->bar), unusable(pv, t->dev, first));
}

void check_PCI_CAPS_PRESENT(struct pf_test *t)
{
	struct pchk_caps caps;
	struct virtio_pci_priv *pv = caps_of(t, &caps);

	if (!pv)
		return;
	/* 4.1.4.3.1, 4.1.4.4.1, 4.1.4.5.1, 4.1.4.9.1, 4.1.4.6 */
	need(t, pv, &caps, VIRTIO_PCI_CAP_COMMON_CFG);
	need(t, pv, &caps, VIRTIO_PCI_CAP_NOTIFY_CFG);
	need(t, pv, &caps, VIRTIO_PCI_CAP_ISR_CFG);
	need(t, pv, &caps, VIRTIO_PCI_CAP_PCI_CFG);
	if (has_device_config(t->dev))
		need(t, pv, &caps, VIRTIO_PCI_CAP_DEVICE_CFG);
}

/* cap_len covers struct virtio_pci_cap and the type's extra data
 * (4.1.4.2), and the capability stays inside config space. */
void check_PCI_CAP_LEN(struct pf_test *t)
{
	struct pchk_caps caps;
	struct virtio_pci_priv *pv = caps_of(t, &caps);

	if (!pv)
		return;
	for (int i = 0; i < caps.nvndr; i++) {
		const struct pchk_cap *c = &caps.vndr[i];
		unsigned min;

		switch (c->cfg_type) {
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			min = PCHK_LEN_NOTIFY;
			break;
		case VIRTIO_PCI_CAP_PCI_CFG:
			min = PCHK_LEN_CFG;
			break;
		case VIRTIO_PCI_CAP_SHARED_MEMORY_CFG:
			min = PCHK_LEN_CAP64;
			break;
		case VIRTIO_PCI_CAP_VENDOR_CFG:
			min = PCHK_LEN_VNDR;
			break;
		case VIRTIO_PCI_CAP_COMMON_CFG:
		case VIRTIO_PCI_CAP_ISR_CFG:
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			min = PCHK_LEN_CAP;
			break;
		default:
			min = 4;
			break; /* reserved type: the generic header only */
		}
		report(t, c->len >= min, "cap-len",
		       "%s capability at 0x%02x has cap_len %u, its structure needs %u",
		       pchk_cfg_name(c->cfg_type), c->off, c->len, min);
		report(t, (unsigned)c->off + c->len <= PCHK_CFG_SPACE, "past-config-space",
		       "capability at 0x%02x with cap_len %u runs past the 256-byte configuration "
		       "space",
		       c->off, c->len);
	}
	if (!caps.nvndr)
		report_na(t, "no vendor-specific capability");
}

/* 4.1.4.3.1, 4.1.4.6.1: common and device-specific at 4 bytes; 4.1.4.4.1:
 * notify at 2, or 4 when VIRTIO_F_NOTIFICATION_DATA is offered. */
void check_PCI_CAP_ALIGN(struct pf_test *t)
{
	struct pchk_caps caps;
	struct virtio_pci_priv *pv = caps_of(t, &caps);
	int checked = 0;

	if (!pv)
		return;
	for (int i = 0; i < caps.nvndr; i++) {
		const struct pchk_cap *c = &caps.vndr[i];
		uint32_t align;

		if (!c->has_base)
			continue; /* pci.caps.cap-len */
		switch (c->cfg_type) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			align = 4;
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			align = pchk_notification_data(t->dev) ? 4 : 2;
			break;
		default:
			continue;
		}
		checked++;
		report(t, (c->offset & (align - 1)) == 0, "alignment",
		       "%s capability at 0x%02x: offset 0x%x is not %u-byte aligned%s",
		       pchk_cfg_name(c->cfg_type), c->off, c->offset, align,
		       align == 4 && c->cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG
			       ? " (NOTIFICATION_DATA offered)"
			       : "");
	}
	if (!checked)
		report_skip(t, "no common, notify or device capability to check");
}

/*
 * Runs `each` on every capability of cfg_type `type` (with `ctx`); the
 * test is n/a ("no <what> capability") when the device has none.
 */
static void each_of_type(struct pf_test *t, uint8_t type, const char *what,
			 void (*each)(struct pf_test *t, const struct virtio_pci_priv *pv,
				      const struct pchk_cap *c, void *ctx),
			 void *ctx)
{
	struct pchk_caps caps;
	struct virtio_pci_priv *pv = caps_of(t, &caps);
	const struct pchk_cap *c;
	int n = 0;

	if (!pv)
		return;
	for (int i = -1; (c = next_of_type(&caps, &i, type)); n++)
		each(t, pv, c, ctx);
	if (!n)
		report_na(t, "no %s capability", what);
}

/* A shared memory region inside its BAR, its id not seen before (ctx:
 * bool[256] of the ids seen). */
static void shm_region(struct pf_test *t, const struct virtio_pci_priv *pv,
		       const struct pchk_cap *c, void *ctx)
{
	bool *seen = ctx;
	uint64_t off, len;

	if (!report(t, c->has_64, "shm-cap-len",
		    "shared memory capability at 0x%02x: cap_len %u has no "
		    "offset_hi/length_hi",
		    c->off, c->len))
		return;
	off = (uint64_t)c->offset_hi << 32 | c->offset;
	len = (uint64_t)c->length_hi << 32 | c->length;
	report(t, c->bar < PCI_NUM_BARS && pchk_in_bar(pv, c->bar, off, len), "shm-outside-bar",
	       "shared memory region %u [0x%llx, +0x%llx) is not inside BAR %u (size "
	       "0x%llx)",
	       c->id, (unsigned long long)off, (unsigned long long)len, c->bar,
	       (unsigned long long)pchk_bar_size(pv, c->bar));
	report(t, !seen[c->id], "shm-id-reused",
	       "shared memory id %u is used by more than one capability", c->id);
	seen[c->id] = true;
}

/* 4.1.4.7.1: each region inside its BAR, ids unique. */
void check_PCI_SHM(struct pf_test *t)
{
	bool seen[256] = { false };

	each_of_type(t, VIRTIO_PCI_CAP_SHARED_MEMORY_CFG, "shared memory", shm_region, seen);
}

/* One vendor data capability: vendor_id, size, and two reads alike. */
static void vendor_data(struct pf_test *t, const struct virtio_pci_priv *pv,
			const struct pchk_cap *c, void *ctx)
{
	unsigned end = (unsigned)c->off + c->len;

	(void)ctx;
	if (c->has_vendor_id)
		report(t, c->vendor_id != VIRTIO_PCI_VENDOR_ID, "vendor-id",
		       "vendor data capability at 0x%02x has vendor_id 0x1af4", c->off);
	report(t, c->len % 4 == 0, "vendor-size",
	       "vendor data capability at 0x%02x has size %u, not a multiple of 4", c->off, c->len);
	if (end > PCHK_CFG_SPACE)
		end = PCHK_CFG_SPACE;
	for (unsigned o = c->off; o < end; o++) {
		uint32_t a = pci_cfg_read(&pv->fn, o, 1), b = pci_cfg_read(&pv->fn, o, 1);

		if (!report(t, a == b, "vendor-unstable",
			    "vendor data capability at 0x%02x: byte 0x%02x read 0x%02x "
			    "then 0x%02x",
			    c->off, o, a, b))
			break;
	}
}

/* 4.1.4.8.1: vendor_id is not 0x1AF4, the size a multiple of 4, and reads
 * have no side effects: reading the capability twice gives the same bytes. */
void check_PCI_VENDOR_DATA(struct pf_test *t)
{
	each_of_type(t, VIRTIO_PCI_CAP_VENDOR_CFG, "vendor data", vendor_data, 0);
}

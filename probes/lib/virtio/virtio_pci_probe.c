/* SPDX-License-Identifier: MIT */
/*
 * Virtio PCI discovery: virtio functions behind pci-host-ecam-generic
 * bridges, their BARs, and their vendor capabilities (4.1.4), every offset
 * and length checked before use.
 */
#include <libfdt.h>
#include <string.h>

#include "discover.h"
#include "fdt_util.h"
#include "virtio_pci.h"
#include "virtio_util.h"

static struct pci_host hosts[PCI_MAX_HOSTS];

static void name_dev(struct virtio_dev *d, const struct pci_func *f)
{
	size_t n = virtio_fmt_str(d->name, sizeof(d->name), 0, "pci@");

	n = virtio_fmt_hex(d->name, sizeof(d->name), n, f->host->segment, 4);
	n = virtio_fmt_str(d->name, sizeof(d->name), n, ":");
	n = virtio_fmt_hex(d->name, sizeof(d->name), n, f->bus, 2);
	n = virtio_fmt_str(d->name, sizeof(d->name), n, ":");
	n = virtio_fmt_hex(d->name, sizeof(d->name), n, f->dev, 2);
	n = virtio_fmt_str(d->name, sizeof(d->name), n, ".");
	virtio_fmt_hex(d->name, sizeof(d->name), n, f->fn, 1);
}

struct cap_walk {
	struct virtio_pci_priv *pv;
	const char *name;
};

static void visit_cap(void *ctx, uint8_t off, uint8_t id)
{
	struct cap_walk *w = ctx;
	struct virtio_pci_priv *pv = w->pv;
	const struct pci_func *f = &pv->fn;
	struct virtio_pci_cap_info *c;
	uint8_t len;

	if (id == PCI_CAP_ID_MSIX && !pv->msix_cap)
		pv->msix_cap = off;
	if (id != PCI_CAP_ID_VNDR)
		return;
	len = (uint8_t)pci_cfg_read(f, off + VIRTIO_PCI_CAP_LEN, 1);
	if (len < 16 || (unsigned)off + len > 256) {
		virtio_log("warn", w->name, "vendor capability at 0x%02x has cap_len %u", off, len);
		return;
	}
	if (pv->ncaps >= VIRTIO_PCI_MAX_CAPS)
		return;
	c = &pv->caps[pv->ncaps++];
	memset(c, 0, sizeof(*c));
	c->cap_off = off;
	c->cap_len = len;
	c->cfg_type = (uint8_t)pci_cfg_read(f, off + VIRTIO_PCI_CAP_CFG_TYPE, 1);
	c->bar = (uint8_t)pci_cfg_read(f, off + VIRTIO_PCI_CAP_BAR, 1);
	c->id = (uint8_t)pci_cfg_read(f, off + VIRTIO_PCI_CAP_ID, 1);
	c->offset = pci_cfg_read(f, off + VIRTIO_PCI_CAP_OFFSET, 4);
	c->length = pci_cfg_read(f, off + VIRTIO_PCI_CAP_LENGTH, 4);
	if (c->cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG && len >= 20)
		c->notify_off_multiplier = pci_cfg_read(f, off + VIRTIO_PCI_NOTIFY_CAP_MULT, 4);
	if (c->cfg_type == VIRTIO_PCI_CAP_SHARED_MEMORY_CFG && len >= 24) {
		c->offset_hi = pci_cfg_read(f, off + VIRTIO_PCI_CAP_OFFSET_HI, 4);
		c->length_hi = pci_cfg_read(f, off + VIRTIO_PCI_CAP_LENGTH_HI, 4);
	}
	if (c->bar < PCI_NUM_BARS) {
		const struct pci_bar *b = &f->bar[c->bar];
		uint64_t o = (uint64_t)c->offset_hi << 32 | c->offset;
		uint64_t l = (uint64_t)c->length_hi << 32 | c->length;

		c->in_bar = !b->io && b->size && b->cpu_addr && o <= b->size && l <= b->size - o;
	}
}

/* First usable capability of a type (the list is ordered best first). */
static int8_t first_cap(const struct virtio_pci_priv *pv, uint8_t type, bool need_bar)
{
	for (int i = 0; i < pv->ncaps; i++)
		if (pv->caps[i].cfg_type == type && (!need_bar || pv->caps[i].in_bar))
			return (int8_t)i;
	return -1;
}

static int map_cap(struct virtio_pci_priv *pv, int8_t i, struct pf_region *r)
{
	const struct virtio_pci_cap_info *c;

	memset(r, 0, sizeof(*r));
	if (i < 0)
		return PF_ENOCAP;
	c = &pv->caps[i];
	if (c->length == 0)
		return 0; /* an empty window: every access is refused */
	return virtio_map_region(pv->fn.bar[c->bar].cpu_addr + c->offset, c->length, r);
}

static void setup_modern(struct virtio_dev *d, struct virtio_pci_priv *pv)
{
	uint16_t nq;

	pv->use.notify = first_cap(pv, VIRTIO_PCI_CAP_NOTIFY_CFG, true);
	pv->use.isr = first_cap(pv, VIRTIO_PCI_CAP_ISR_CFG, true);
	pv->use.device = first_cap(pv, VIRTIO_PCI_CAP_DEVICE_CFG, true);
	if (map_cap(pv, pv->use.notify, &pv->notify) || map_cap(pv, pv->use.isr, &pv->isr) ||
	    map_cap(pv, pv->use.device, &pv->device))
		virtio_log("warn", d->name, "a capability window could not be mapped");
	if (pv->use.notify >= 0)
		pv->notify_off_multiplier = pv->caps[pv->use.notify].notify_off_multiplier;
	d->ops = &virtio_pci_modern_ops;
	d->regs = pv->common;
	d->features = virtio_read_device_features(d);
	nq = io_read16(&pv->common, VIRTIO_PCI_COMMON_NUMQ);
	d->num_queues = nq > VIRTIO_MAX_QUEUES ? VIRTIO_MAX_QUEUES : nq;
	for (uint16_t q = 0; q < d->num_queues; q++)
		d->queue_max[q] = d->ops->queue_max_size(d, q);
}

int virtio_pci_probe(struct virtio_dev *d, struct virtio_pci_priv *pv, struct pci_host *h,
		     uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct cap_walk w = { pv, d->name };
	uint16_t vendor, devid;
	int rc;

	memset(d, 0, sizeof(*d));
	memset(pv, 0, sizeof(*pv));
	rc = pci_func_init(&pv->fn, h, bus, dev, fn);
	if (rc)
		return rc;
	vendor = (uint16_t)pci_cfg_read(&pv->fn, PCI_VENDOR_ID, 2);
	devid = (uint16_t)pci_cfg_read(&pv->fn, PCI_DEVICE_ID, 2);
	if (vendor != VIRTIO_PCI_VENDOR_ID || devid < VIRTIO_PCI_DEVICE_ID_MIN ||
	    devid > VIRTIO_PCI_DEVICE_ID_MAX)
		return PF_ENODEV; /* not a virtio function */
	if ((pci_cfg_read(&pv->fn, PCI_HEADER_TYPE, 1) & PCI_HEADER_TYPE_MASK) != 0)
		return PF_ENODEV;
	name_dev(d, &pv->fn);
	pv->pci_device_id = devid;
	pv->revision = (uint8_t)pci_cfg_read(&pv->fn, PCI_REVISION_ID, 1);
	pv->subsys_vendor = (uint16_t)pci_cfg_read(&pv->fn, PCI_SUBSYSTEM_VENDOR_ID, 2);
	pv->subsys_id = (uint16_t)pci_cfg_read(&pv->fn, PCI_SUBSYSTEM_ID, 2);
	pv->use = (struct virtio_pci_used_caps){ -1, -1, -1, -1, -1 };
	d->transport = VIRTIO_TRANSPORT_PCI;
	d->address = pv->fn.cfg_addr;
	d->vendor_id = vendor;
	d->version = pv->revision;
	d->device_id = devid >= VIRTIO_PCI_DEVICE_ID_MODERN ? devid - VIRTIO_PCI_DEVICE_ID_MODERN
							    : pv->subsys_id;
	d->priv = pv;
	pv->bars_failed = pci_func_bars(&pv->fn);
	if (pv->bars_failed)
		virtio_log("warn", d->name, "%d memory BAR(s) could not be assigned",
			   pv->bars_failed);
	pv->caps_walk = pci_walk_caps(&pv->fn, visit_cap, &w);
	if (pv->caps_walk < 0)
		virtio_log("warn", d->name, "malformed capability list");
	pv->use.common = first_cap(pv, VIRTIO_PCI_CAP_COMMON_CFG, true);
	pv->use.pci_cfg = first_cap(pv, VIRTIO_PCI_CAP_PCI_CFG, false);
	if (pv->use.common >= 0 && !map_cap(pv, pv->use.common, &pv->common) && pv->common.size) {
		d->mode = devid >= VIRTIO_PCI_DEVICE_ID_MODERN ? VIRTIO_MODE_MODERN
							       : VIRTIO_MODE_TRANSITIONAL;
		setup_modern(d, pv);
	} else {
		/* legacy-only: the I/O BAR interface is not implemented */
		d->mode = VIRTIO_MODE_LEGACY;
		d->ops = 0;
	}
	return 0;
}

static int visit_fn(void *ctx, struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn)
{
	uint32_t id =
		(uint32_t)io_read32(&h->ecam, (uint64_t)(bus - h->bus_start) << 20 |
						      (uint64_t)dev << 15 | (uint64_t)fn << 12);
	uint16_t vendor = (uint16_t)id, devid = (uint16_t)(id >> 16);
	struct virtio_dev *d;

	(void)ctx;
	if (vendor != VIRTIO_PCI_VENDOR_ID || devid < VIRTIO_PCI_DEVICE_ID_MIN ||
	    devid > VIRTIO_PCI_DEVICE_ID_MAX)
		return 0;
	d = virtio_discover_slot();
	if (!d) {
		virtio_log("warn", 0, "too many devices: PCI %02x:%02x.%u skipped", bus, dev, fn);
		return 1;
	}
	if (virtio_pci_probe(d, d->priv, h, bus, dev, fn) != 0)
		return 0;
	if (!d->ops && ((struct virtio_pci_priv *)d->priv)->bars_failed) {
		/* its capabilities may well be fine: we could not place the BARs */
		virtio_log("warn", d->name, "BARs could not be assigned, device skipped");
		return 0;
	}
	virtio_discover_commit(d);
	return 0;
}

void virtio_pci_discover(const void *fdt)
{
	int node, count = 0;
	uint16_t nhosts = 0;

	for (node = fdt_node_offset_by_compatible(fdt, -1, "pci-host-ecam-generic");
	     node >= 0 && count < 64;
	     node = fdt_node_offset_by_compatible(fdt, node, "pci-host-ecam-generic"), count++) {
		struct pci_host *h;
		int rc;

		if (!fdt_util_enabled(fdt, node))
			continue;
		if (nhosts >= PCI_MAX_HOSTS) {
			virtio_log("warn", 0, "more than %d PCI host bridges, the rest skipped",
				   PCI_MAX_HOSTS);
			break;
		}
		h = &hosts[nhosts];
		rc = pci_host_from_fdt(fdt, node, nhosts, h);
		if (rc) {
			virtio_log("warn", 0, "PCI host bridge %s unusable (%s)",
				   fdt_get_name(fdt, node, 0) ? fdt_get_name(fdt, node, 0) : "?",
				   pf_strerror(rc));
			continue;
		}
		nhosts++;
		pci_enumerate(h, visit_fn, 0);
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * Discovery of virtio devices from the device tree (virtio,mmio nodes) and
 * from PCI (virtio_pci.c). Devices live in a static pool for the whole run.
 */
#include "discover.h"

#include <libfdt.h>
#include <string.h>

#include "fdt_util.h"
#include "virtio_mmio.h"
#include "virtio_pci.h"
#include "virtio_util.h"

union virtio_priv_storage {
	struct virtio_mmio_priv mmio;
	struct virtio_pci_priv pci;
};

struct virtio_slot {
	struct virtio_dev dev;
	union virtio_priv_storage priv;
};

static struct virtio_slot slots[VIRTIO_DISCOVER_MAX];
static struct virtio_dev **out;
static int out_n, out_max;

static virtio_map_fn mapper;
static void *mapper_ctx;

void virtio_discover_set_mapper(virtio_map_fn fn, void *ctx)
{
	mapper = fn;
	mapper_ctx = ctx;
}

int virtio_map_region(uint64_t addr, uint64_t size, struct pf_region *r)
{
	memset(r, 0, sizeof(*r));
	if (size == 0 || addr + size < addr)
		return PF_EINVAL;
	if (mapper)
		return mapper(mapper_ctx, addr, size, r);
	if ((uintptr_t)addr != addr || (uintptr_t)(addr + size - 1) != addr + size - 1)
		return PF_EINVAL; /* not addressable by this CPU */
	r->base = (uintptr_t)addr;
	r->size = size;
	return 0;
}

struct virtio_dev *virtio_discover_slot(void)
{
	struct virtio_slot *s;

	if (!out || out_n >= out_max || out_n >= VIRTIO_DISCOVER_MAX)
		return 0;
	s = &slots[out_n];
	memset(s, 0, sizeof(*s));
	s->dev.priv = &s->priv;
	return &s->dev;
}

void virtio_discover_commit(struct virtio_dev *d)
{
	if (out && out_n < out_max && out_n < VIRTIO_DISCOVER_MAX && d == &slots[out_n].dev)
		out[out_n++] = d;
}

static void mmio_node(const void *fdt, int node)
{
	char where[32];
	uint64_t addr, size;
	uint32_t magic, version;
	struct pf_region r;
	struct virtio_dev *d;
	size_t n;
	int rc;

	n = virtio_fmt_str(where, sizeof(where), 0, "mmio@");
	rc = fdt_util_reg(fdt, node, 0, &addr, &size);
	if (rc) {
		virtio_log("warn", 0, "virtio,mmio node %s: unusable reg (%s)",
			   fdt_get_name(fdt, node, 0) ? fdt_get_name(fdt, node, 0) : "?",
			   rc == PF_EBADCELLS ? "cells" : "missing or short");
		return;
	}
	virtio_fmt_hex(where, sizeof(where), n, addr, 8);
	if (virtio_map_region(addr, size, &r)) {
		virtio_log("warn", where, "cannot map the register window (size 0x%lx)",
			   (unsigned long)size);
		return;
	}
	d = virtio_discover_slot();
	if (!d) {
		virtio_log("warn", where, "too many devices, skipped");
		return;
	}
	switch (virtio_mmio_probe(d, d->priv, &r, addr, fdt_util_irq(fdt, node), &magic,
				  &version)) {
	case VIRTIO_MMIO_OK:
		if (d->regs.size < 0x200)
			virtio_log("info", where, "register window is only 0x%lx bytes",
				   (unsigned long)d->regs.size);
		virtio_discover_commit(d);
		break;
	case VIRTIO_MMIO_EMPTY:
		break; /* placeholder: ignored silently (4.2.3.1.1) */
	case VIRTIO_MMIO_BAD_MAGIC:
		virtio_log("warn", where, "bad MagicValue 0x%08lx, skipped", (unsigned long)magic);
		break;
	case VIRTIO_MMIO_BAD_VERSION:
		virtio_log("warn", where, "unknown Version %lu, skipped", (unsigned long)version);
		break;
	case VIRTIO_MMIO_TOO_SMALL:
		virtio_log("warn", where, "register window of 0x%lx bytes is too small, skipped",
			   (unsigned long)size);
		break;
	}
}

static int dev_cmp(const struct virtio_dev *a, const struct virtio_dev *b)
{
	if (a->transport != b->transport)
		return a->transport < b->transport ? -1 : 1;
	if (a->address != b->address)
		return a->address < b->address ? -1 : 1;
	return 0;
}

int virtio_discover(const void *fdt, struct virtio_dev **devs, int max)
{
	int node, count = 0, n;

	if (!devs || max <= 0)
		return 0;
	out = devs;
	out_n = 0;
	out_max = max;
	if (!fdt || fdt_check_header(fdt) != 0) {
		virtio_log("error", 0, "no valid device tree, nothing discovered");
		out = 0;
		return 0;
	}
	/* Bounded: a malformed tree cannot make this loop forever. */
	for (node = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio");
	     node >= 0 && count < 4096;
	     node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio"), count++) {
		if (fdt_util_enabled(fdt, node))
			mmio_node(fdt, node);
	}
	virtio_pci_discover(fdt);
	n = out_n;
	/* Insertion sort: QEMU lists virtio,mmio nodes from the top down. */
	for (int i = 1; i < n; i++) {
		struct virtio_dev *d = devs[i];
		int j = i;

		for (; j > 0 && dev_cmp(devs[j - 1], d) > 0; j--)
			devs[j] = devs[j - 1];
		devs[j] = d;
	}
	out = 0;
	return n;
}

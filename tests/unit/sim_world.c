/* SPDX-License-Identifier: MIT */
#include "sim_world.h"

#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "pf_errno.h"

struct window {
	const struct pf_io_ops *ops;
	void *ctx;
	uint64_t off;
};

#define NWIN 512
static struct window win[NWIN];
static unsigned nwin;

static uint64_t win_read(void *ctx, uint64_t off, unsigned w)
{
	struct window *x = ctx;

	return x->ops->read(x->ctx, x->off + off, w);
}

static void win_write(void *ctx, uint64_t off, uint64_t v, unsigned w)
{
	struct window *x = ctx;

	x->ops->write(x->ctx, x->off + off, v, w);
}

static const struct pf_io_ops win_ops = { win_read, win_write };

static uint64_t dead_read(void *ctx, uint64_t off, unsigned w)
{
	(void)ctx;
	(void)off;
	(void)w;
	return 0;
}

static void dead_write(void *ctx, uint64_t off, uint64_t v, unsigned w)
{
	(void)ctx;
	(void)off;
	(void)v;
	(void)w;
}

static const struct pf_io_ops dead_ops = { dead_read, dead_write };

void sim_world_init(struct sim_world *w)
{
	memset(w, 0, sizeof(*w));
	nwin = 0;
}

static int window(uint64_t addr, uint64_t size, const struct pf_io_ops *ops, void *ctx,
		  uint64_t off, struct pf_region *out)
{
	struct window *x;

	if (nwin >= NWIN)
		return PF_ENOSPC;
	x = &win[nwin++];
	x->ops = ops;
	x->ctx = ctx;
	x->off = off;
	out->base = (uintptr_t)addr;
	out->size = size;
	out->ops = &win_ops;
	out->ctx = x;
	return 0;
}

/* Bus 0 as the bridge routing sees it. */
static void root_bus(const struct sim_world *w, struct sim_bus *b)
{
	memcpy(b->dev, w->ecam.dev, sizeof(b->dev));
	memcpy(b->bridge, w->bridge, sizeof(b->bridge));
}

static uint64_t ecam_read(void *ctx, uint64_t off, unsigned width)
{
	struct sim_bus b;

	root_bus(ctx, &b);
	return sim_bus_cfg_read(&b, off, width);
}

static void ecam_write(void *ctx, uint64_t off, uint64_t v, unsigned width)
{
	struct sim_bus b;

	root_bus(ctx, &b);
	sim_bus_cfg_write(&b, off, v, width);
}

static const struct pf_io_ops ecam_ops = { ecam_read, ecam_write };

static bool inside(uint64_t addr, uint64_t size, uint64_t base, uint64_t len)
{
	return addr >= base && size <= len && addr - base <= len - size;
}

int sim_world_map(void *ctx, uint64_t addr, uint64_t size, struct pf_region *out)
{
	struct sim_world *w = ctx;

	for (unsigned i = 0; i < w->nmmio; i++) {
		uint64_t base = SIM_WORLD_MMIO_BASE + 0x200ull * i;

		if (!inside(addr, size, base, 0x200))
			continue;
		if (w->mmio[i])
			return window(addr, size, &sim_mmio_ops, w->mmio[i], addr - base, out);
		return window(addr, size, &dead_ops, 0, 0, out);
	}
	if (w->pci && inside(addr, size, SIM_WORLD_ECAM_BASE, SIM_WORLD_ECAM_SIZE))
		return window(addr, size, &ecam_ops, w, addr - SIM_WORLD_ECAM_BASE, out);
	if (w->pci) {
		struct sim_bus b;
		struct sim_dev *s;

		root_bus(w, &b);
		s = sim_bus_bar_owner(&b, addr, size);
		if (s)
			return window(addr, size, &sim_pci_bar_ops, s, addr - s->bar_addr, out);
	}
	return PF_EINVAL;
}

#define CHECK(x)                    \
	do {                        \
		int rc_ = (x);      \
		if (rc_ < 0)        \
			return rc_; \
	} while (0)

static int prop_cells(void *fdt, const char *name, const uint32_t *v, int n)
{
	fdt32_t b[32];

	for (int i = 0; i < n && i < 32; i++)
		b[i] = cpu_to_fdt32(v[i]);
	return fdt_property(fdt, name, b, (int)sizeof(b[0]) * n);
}

int sim_world_fdt(const struct sim_world *w, void *fdt, int size)
{
	char name[64];

	CHECK(fdt_create(fdt, size));
	CHECK(fdt_finish_reservemap(fdt));
	CHECK(fdt_begin_node(fdt, ""));
	CHECK(fdt_property_u32(fdt, "#address-cells", 2));
	CHECK(fdt_property_u32(fdt, "#size-cells", 2));
	CHECK(fdt_property_u32(fdt, "interrupt-parent", 1));
	CHECK(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));

	CHECK(fdt_begin_node(fdt, "intc@8000000"));
	CHECK(fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic"));
	CHECK(fdt_property(fdt, "interrupt-controller", 0, 0));
	CHECK(fdt_property_u32(fdt, "#interrupt-cells", 3));
	CHECK(fdt_property_u32(fdt, "phandle", 1));
	CHECK(fdt_end_node(fdt));

	/* QEMU creates the slots top-down; discovery sorts them */
	for (int i = (int)w->nmmio - 1; i >= 0; i--) {
		uint64_t a = SIM_WORLD_MMIO_BASE + 0x200ull * (unsigned)i;
		uint32_t reg[4] = { (uint32_t)(a >> 32), (uint32_t)a, 0, 0x200 };
		uint32_t irq[3] = { 0, 16u + (unsigned)i, 1 };

		snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)a);
		CHECK(fdt_begin_node(fdt, name));
		CHECK(fdt_property(fdt, "dma-coherent", 0, 0));
		CHECK(prop_cells(fdt, "interrupts", irq, 3));
		CHECK(prop_cells(fdt, "reg", reg, 4));
		CHECK(fdt_property_string(fdt, "compatible", "virtio,mmio"));
		CHECK(fdt_end_node(fdt));
	}
	if (w->pci) {
		uint32_t reg[4] = { (uint32_t)(SIM_WORLD_ECAM_BASE >> 32),
				    (uint32_t)SIM_WORLD_ECAM_BASE, 0,
				    (uint32_t)(w->ecam_size ? w->ecam_size : SIM_WORLD_ECAM_SIZE) };
		uint32_t ranges[21] = {
			0x01000000,
			0,
			0,
			0,
			0x3eff0000,
			0,
			0x10000,
			0x02000000,
			0,
			(uint32_t)SIM_WORLD_MEM32,
			0,
			(uint32_t)SIM_WORLD_MEM32,
			0,
			(uint32_t)(w->mem32_size ? w->mem32_size : SIM_WORLD_MEM32_SIZE),
			0x03000000,
			(uint32_t)(SIM_WORLD_MEM64 >> 32),
			0,
			(uint32_t)(SIM_WORLD_MEM64 >> 32),
			0,
			(uint32_t)(SIM_WORLD_MEM64_SIZE >> 32),
			0,
		};
		uint32_t bus_range[2] = { 0, w->bus_end ? w->bus_end : 0xff };

		CHECK(fdt_begin_node(fdt, "pcie@10000000"));
		CHECK(fdt_property_string(fdt, "compatible", "pci-host-ecam-generic"));
		CHECK(fdt_property_string(fdt, "device_type", "pci"));
		CHECK(fdt_property_u32(fdt, "#address-cells", 3));
		CHECK(fdt_property_u32(fdt, "#size-cells", 2));
		CHECK(fdt_property_u32(fdt, "linux,pci-domain", 0));
		CHECK(prop_cells(fdt, "reg", reg, 4));
		CHECK(prop_cells(fdt, "bus-range", bus_range, 2));
		CHECK(prop_cells(fdt, "ranges", ranges, w->no_mem64 ? 14 : 21));
		CHECK(fdt_end_node(fdt));
	}
	CHECK(fdt_end_node(fdt));
	CHECK(fdt_finish(fdt));
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Discovery from a device tree (virtio,mmio slots and a PCIe ECAM host
 * bridge) against simulated devices, and the PCI transport end to end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "host_platform.h"
#include "platform.h"
#include "sim_world.h"
#include "unit_helpers.h"
#include "virtio/discover.h"
#include "virtio/virtio_pci.h"
#include "virtio/virtqueue_split.h"

#define V1F VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define TMO 100000000ull

static struct sim_world W;
static struct sim_dev S[8];
static char fdt[16384];
static struct virtio_dev *devs[VIRTIO_DISCOVER_MAX];

static int setup(void **state)
{
	ut_setup(state);
	sim_world_init(&W);
	virtio_discover_set_mapper(sim_world_map, &W);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	virtio_discover_set_mapper(0, 0);
	return 0;
}

static int discover(int max)
{
	assert_int_equal(sim_world_fdt(&W, fdt, sizeof(fdt)), 0);
	return virtio_discover(fdt, devs, max);
}

static void test_mmio_slots(void **st)
{
	int n;

	(void)st;
	sim_init(&S[0], SIM_MMIO_V2, 2, V1F, 1, 256);
	sim_init(&S[1], SIM_MMIO_V2, 0, 0, 0, 0); /* placeholder */
	sim_init(&S[2], SIM_MMIO_V1, 1, VIRTIO_BIT(5), 2, 256);
	W.mmio[0] = &S[0];
	W.mmio[1] = &S[1];
	W.mmio[2] = &S[2];
	W.mmio[3] = 0; /* not virtio */
	W.nmmio = 4;
	n = discover(VIRTIO_DISCOVER_MAX);
	assert_int_equal(n, 2);
	assert_string_equal(devs[0]->name, "mmio@0a000000");
	assert_string_equal(devs[1]->name, "mmio@0a000400");
	assert_int_equal(devs[0]->irq, 48);
	assert_int_equal(devs[1]->irq, 50);
	assert_int_equal(devs[0]->mode, VIRTIO_MODE_MODERN);
	assert_int_equal(devs[1]->mode, VIRTIO_MODE_LEGACY);
	assert_int_equal(devs[1]->num_queues, 2);
	assert_true(devs[0]->features == V1F);
	/* the bad magic is logged, the placeholder is not */
	assert_int_equal(ut_count_records("log"), 1);
	assert_non_null(strstr(host_console(), "bad MagicValue"));
	/* discovery can be repeated, and respects max (DT order: top down) */
	assert_int_equal(discover(1), 1);
	assert_string_equal(devs[0]->name, "mmio@0a000400");
}

static void test_bad_trees(void **st)
{
	(void)st;
	assert_int_equal(virtio_discover(0, devs, VIRTIO_DISCOVER_MAX), 0);
	memset(fdt, 0, sizeof(fdt));
	assert_int_equal(virtio_discover(fdt, devs, VIRTIO_DISCOVER_MAX), 0);
	/* a virtio,mmio node without reg */
	assert_int_equal(fdt_create(fdt, sizeof(fdt)), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_begin_node(fdt, "virtio_mmio@0"), 0);
	assert_int_equal(fdt_property_string(fdt, "compatible", "virtio,mmio"), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "virtio_mmio@1"), 0);
	assert_int_equal(fdt_property_string(fdt, "compatible", "virtio,mmio"), 0);
	assert_int_equal(fdt_property_u32(fdt, "reg", 5), 0); /* too short for 2+2 cells */
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	assert_int_equal(virtio_discover(fdt, devs, VIRTIO_DISCOVER_MAX), 0);
	assert_int_equal(ut_count_records("log"), 4);
}

static void add_pci(int slot, uint32_t type, uint64_t features, uint32_t faults)
{
	struct sim_dev *s = &S[slot];

	sim_init(s, SIM_PCI, type, features, 2, 128);
	s->faults = faults;
	sim_pci_attach(s); /* PCI faults shape config space */
	W.ecam.dev[slot] = s;
	W.pci = true;
}

static void test_pci_discovery(void **st)
{
	struct virtio_pci_priv *pv;
	int n;

	(void)st;
	sim_init(&S[0], SIM_MMIO_V2, 2, V1F, 1, 256);
	W.mmio[0] = &S[0];
	W.nmmio = 1;
	add_pci(2, 4, V1F | VIRTIO_BIT(VIRTIO_F_RING_RESET), 0);
	add_pci(3, 1, V1F | VIRTIO_BIT(0), 0);
	n = discover(VIRTIO_DISCOVER_MAX);
	assert_int_equal(n, 3);
	assert_string_equal(devs[0]->name, "mmio@0a000000");
	assert_string_equal(devs[1]->name, "pci@0000:00:02.0");
	assert_string_equal(devs[2]->name, "pci@0000:00:03.0");
	assert_int_equal(devs[1]->transport, VIRTIO_TRANSPORT_PCI);
	assert_int_equal(devs[1]->mode, VIRTIO_MODE_MODERN);
	assert_int_equal(devs[1]->device_id, 4);
	assert_int_equal(devs[2]->device_id, 1);
	assert_int_equal(devs[1]->vendor_id, 0x1af4);
	assert_int_equal(devs[1]->version, 1);
	assert_true(devs[1]->address == SIM_WORLD_ECAM_BASE + (2u << 15));
	assert_true(devs[1]->features == (V1F | VIRTIO_BIT(VIRTIO_F_RING_RESET)));
	assert_int_equal(devs[1]->num_queues, 2);
	assert_int_equal(devs[1]->queue_max[1], 128);
	pv = virtio_pci_priv(devs[1]);
	assert_non_null(pv);
	assert_int_equal(pv->caps_walk, 5);
	assert_int_equal(pv->ncaps, 5);
	assert_int_equal(pv->use.common, 0);
	assert_int_equal(pv->use.isr, 1);
	assert_int_equal(pv->use.device, 2);
	assert_int_equal(pv->use.notify, 3);
	assert_int_equal(pv->use.pci_cfg, 4);
	assert_int_equal(pv->caps[3].cap_off, 0x70);
	assert_int_equal(pv->notify_off_multiplier, SIM_PCI_NOTIFY_MULT);
	assert_int_equal(pv->bars_failed, 0);
	assert_true(pv->fn.bar[SIM_PCI_BAR].is64);
	assert_true(pv->fn.bar[SIM_PCI_BAR].size == SIM_PCI_BAR_SIZE);
	/* placed in the 32-bit window, distinct per device */
	assert_true(S[2].bar_addr >= SIM_WORLD_MEM32 && S[2].bar_addr < 0x100000000ull);
	assert_true(S[3].bar_addr != S[2].bar_addr);
	assert_int_equal(pci_cfg_read(&pv->fn, PCI_COMMAND, 2) &
				 (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
			 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(S[2].bad_access, 0);
	assert_int_equal(ut_count_records("log"), 0);
}

static void test_pci_transport(void **st)
{
	struct virtio_dev *d;
	struct virtq_split vq;
	struct virtq_used_info ui;
	uint8_t *in;
	struct virtq_sg sg;
	uint8_t v = 0x42;

	(void)st;
	add_pci(1, 4,
		V1F | VIRTIO_BIT(VIRTIO_F_RING_RESET) | VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA), 0);
	assert_int_equal(discover(VIRTIO_DISCOVER_MAX), 1);
	d = devs[0];
	assert_int_equal(virtio_negotiate(d, V1F | VIRTIO_BIT(VIRTIO_F_RING_RESET)), 0);
	assert_true(d->ops->get_driver_features_window(d, 1) ==
		    (uint32_t)((V1F | VIRTIO_BIT(VIRTIO_F_RING_RESET)) >> 32));
	assert_int_equal(d->ops->config_read(d, 4, 4), 0x17161514);
	assert_int_equal(virtq_split_init(&vq, d, 1, 64, 0), 0);
	assert_int_equal(virtq_split_attach(&vq), 0);
	assert_true(d->ops->queue_ready(d, 1));
	assert_true(S[1].q[1].desc == vq.desc_addr);
	assert_true(S[1].q[1].device == vq.used_addr);
	virtio_add_status(d, VIRTIO_STATUS_DRIVER_OK);
	in = ut_buf(16, 0);
	sg = (struct virtq_sg){ arch_dma_addr(in), 16, true };
	virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 3);
	assert_true(virtq_split_kick(&vq));
	assert_int_equal(virtq_split_poll(&vq, &ui, TMO), 1);
	assert_int_equal(ui.len, 16);
	assert_int_equal(S[1].q[1].notifies, 1);
	/* ISR: read clears */
	assert_int_equal(d->ops->isr_read(d), VIRTIO_ISR_QUEUE);
	assert_int_equal(d->ops->isr_read(d), 0);
	sim_config_change(&S[1], 0, &v, 1);
	assert_int_equal(d->ops->config_generation(d), 1);
	assert_int_equal(d->ops->isr_read(d), VIRTIO_ISR_CONFIG);
	/* queue reset */
	d->ops->queue_reset_start(d, 1);
	assert_int_equal(d->ops->queue_reset_state(d, 1), 0);
	assert_false(d->ops->queue_ready(d, 1));
	assert_int_equal(virtio_reset(d, TMO), 0);
	assert_int_equal(S[1].bad_access, 0);
}

static void test_pci_faults(void **st)
{
	struct virtio_pci_priv *pv;

	(void)st;
	add_pci(1, 4, V1F, SIM_F_PCI_CAP_LOOP);
	add_pci(2, 4, V1F, SIM_F_PCI_CAP_OUTSIDE_BAR);
	add_pci(3, 4, V1F, SIM_F_PCI_NO_COMMON);
	assert_int_equal(discover(VIRTIO_DISCOVER_MAX), 3);
	pv = virtio_pci_priv(devs[0]);
	assert_int_equal(pv->caps_walk, PF_ECAPLIST);
	assert_int_equal(pv->ncaps, 5); /* each recorded once */
	assert_non_null(strstr(host_console(), "malformed capability list"));
	pv = virtio_pci_priv(devs[1]);
	assert_false(pv->caps[3].in_bar);
	assert_int_equal(pv->use.notify, -1);
	assert_int_equal(devs[2]->mode, VIRTIO_MODE_LEGACY);
	assert_null(devs[2]->ops);
}

/* ---- bridges ---- */

static struct sim_bridge BR[24];
static struct sim_dev BS[32];

/* A clean modern device at bus position `slot` of `bus` (root: NULL). */
static struct sim_dev *bdev(int i, struct sim_bus *bus, int slot, uint32_t type)
{
	struct sim_dev *s = &BS[i];

	sim_init(s, SIM_PCI, type, V1F, 2, 128);
	sim_pci_attach(s);
	if (bus)
		bus->dev[slot] = s;
	else
		W.ecam.dev[slot] = s;
	W.pci = true;
	return s;
}

static struct sim_bridge *bridge(int i, struct sim_bus *bus, int slot, enum sim_bridge_kind kind,
				 uint32_t faults)
{
	struct sim_bridge *b = &BR[i];

	sim_bridge_init(b, kind, faults);
	if (bus)
		bus->bridge[slot] = b;
	else
		W.bridge[slot] = b;
	W.pci = true;
	return b;
}

static void assert_buses(const struct sim_bridge *b, unsigned pri, unsigned sec, unsigned sub)
{
	assert_int_equal(sim_bridge_bus(b, 0), pri);
	assert_int_equal(sim_bridge_bus(b, 1), sec);
	assert_int_equal(sim_bridge_bus(b, 2), sub);
}

/* Forwarding on, 1 MiB-aligned memory window returned. */
static void assert_mem_window(const struct sim_bridge *b, uint64_t *base, uint64_t *limit)
{
	assert_true(sim_bridge_mem(b, base, limit));
	assert_int_equal(*base & 0xfffff, 0);
	assert_int_equal(*limit & 0xfffff, 0xfffff);
	assert_int_equal(sim_bridge_command(b) & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
			 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

static bool bar_in(const struct sim_dev *s, uint64_t base, uint64_t limit)
{
	return s->bar_addr >= base && s->bar_addr + s->bar_size - 1 <= limit;
}

/* A device found, named `name`, drivable through its bridges. */
static void assert_drivable(struct virtio_dev *d, const char *name, struct sim_dev *s)
{
	assert_string_equal(d->name, name);
	assert_int_equal(d->mode, VIRTIO_MODE_MODERN);
	assert_int_equal(virtio_pci_priv(d)->bars_failed, 0);
	assert_int_equal(virtio_negotiate(d, V1F), 0);
	assert_true(s->driver_features == V1F);
	assert_int_equal(d->ops->config_read(d, 4, 4), 0x17161514);
	assert_int_equal(s->bad_access, 0);
}

static int count_in_console(const char *needle)
{
	int n = 0;

	for (const char *p = host_console(); (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* libvirt's layout: a device on the root bus, one behind a root port. */
static void test_bridge_root_port(void **st)
{
	struct sim_bridge *rp;
	struct sim_dev *s0, *s1;
	uint64_t base, limit, pb, pl;

	(void)st;
	s0 = bdev(0, 0, 2, 4);
	rp = bridge(0, 0, 1, SIM_BRIDGE_ROOT_PORT, 0);
	s1 = bdev(1, &rp->sec, 0, 1);
	assert_int_equal(discover(VIRTIO_DISCOVER_MAX), 2);
	assert_drivable(devs[0], "pci@0000:00:02.0", s0);
	assert_drivable(devs[1], "pci@0000:01:00.0", s1);
	assert_true(devs[1]->address == SIM_WORLD_ECAM_BASE + (1u << 20));
	assert_buses(rp, 0, 1, 1);
	/* the 64-bit prefetchable BAR went to the memory window, below 4 GiB */
	assert_mem_window(rp, &base, &limit);
	assert_true(bar_in(s1, base, limit));
	assert_true(limit - base + 1 == 0x100000);
	assert_false(sim_bridge_pref(rp, &pb, &pl));
	/* the port's own BAR from the root bus, outside its window */
	assert_true(sim_bridge_bar0(rp) >= SIM_WORLD_MEM32);
	assert_true(sim_bridge_bar0(rp) + 0x1000 <= base || sim_bridge_bar0(rp) > limit);
	assert_false(bar_in(s0, base, limit));
	assert_int_equal(count_in_console("\"error\""), 0);
	assert_non_null(strstr(host_console(), "1 bridge(s) configured, buses 00..01"));
}

/* Behind a PCIe root port only device 0 is scanned (one link, no ARI);
 * behind a PCIe-to-PCI bridge, every device number. */
static void test_bridge_port_one_link(void **st)
{
	struct sim_bridge *rp, *pp;

	(void)st;
	rp = bridge(0, 0, 1, SIM_BRIDGE_ROOT_PORT, 0);
	bdev(0, &rp->sec, 0, 4);
	bdev(1, &rp->sec, 5, 4); /* cannot exist on a PCIe link */
	pp = bridge(1, 0, 2, SIM_BRIDGE_PCIE_PCI, 0);
	bdev(2, &pp->sec, 0, 4);
	bdev(3, &pp->sec, 5, 4);
	assert_int_equal(discover(VIRTIO_DISCOVER_MAX), 3);
	assert_string_equal(devs[0]->name, "pci@0000:01:00.0");
	assert_string_equal(devs[1]->name, "pci@0000:02:00.0");
	assert_string_equal(devs[2]->name, "pci@0000:02:05.0");
}

/* Root port -> PCIe-to-PCI bridge -> devices and a PCI bridge -> devices,
 * then a second root port: depth-first bus numbers, nested windows. */
static void test_bridge_nested(void **st)
{
	struct sim_bridge *rp1, *pp, *pb, *rp2;
	struct sim_dev *a, *b, *c, *d;
	uint64_t b1, l1, b2, l2, b3, l3, b4, l4;

	(void)st;
	rp1 = bridge(0, 0, 1, SIM_BRIDGE_ROOT_PORT, 0);
	pp = bridge(1, &rp1->sec, 0, SIM_BRIDGE_PCIE_PCI, 0);
	a = bdev(0, &pp->sec, 1, 4);
	pb = bridge(2, &pp->sec, 2, SIM_BRIDGE_PCI, 0);
	b = bdev(1, &pb->sec, 1, 1);
	c = bdev(2, &pb->sec, 2, 2);
	rp2 = bridge(3, 0, 2, SIM_BRIDGE_ROOT_PORT, 0);
	d = bdev(3, &rp2->sec, 0, 3);
	/* garbage left in a bridge's bus numbers is overwritten */
	pb->cfg[PCI_PRIMARY_BUS] = 0x99;
	pb->cfg[PCI_SECONDARY_BUS] = 0x42;
	pb->cfg[PCI_SUBORDINATE_BUS] = 0x07;
	assert_int_equal(discover(VIRTIO_DISCOVER_MAX), 4);
	assert_drivable(devs[0], "pci@0000:02:01.0", a);
	assert_drivable(devs[1], "pci@0000:03:01.0", b);
	assert_drivable(devs[2], "pci@0000:03:02.0", c);
	assert_drivable(devs[3], "pci@0000:04:00.0", d);
	assert_buses(rp1, 0, 1, 3);
	assert_buses(pp, 1, 2, 3);
	assert_buses(pb, 2, 3, 3);
	assert_buses(rp2, 0, 4, 4);
	assert_mem_window(rp1, &b1, &l1);
	assert_mem_window(pp, &b2, &l2);
	assert_mem_window(pb, &b3, &l3);
	assert_mem_window(rp2, &b4, &l4);
	/* nested windows inside their parents, siblings apart */
	assert_true(b1 <= b2 && l2 <= l1 && b2 <= b3 && l3 <= l2);
	assert_true(l1 < b4 || l4 < b1);
	assert_true(bar_in(a, b2, l2) && !bar_in(a, b3, l3));
	assert_true(bar_in(b, b3, l3) && bar_in(c, b3, l3));
	assert_true(bar_in(d, b4, l4));
	assert_int_equal(count_in_console("\"error\""), 0);
}

/* 24 BARs of 16 KiB behind one bridge: one 1 MiB window holds them all,
 * each BAR in it and apart. */
static void test_bridge_window_sizing(void **st)
{
	struct sim_bridge *br;
	uint64_t base, limit;

	(void)st;
	br = bridge(0, 0, 3, SIM_BRIDGE_PCI, 0);
	for (int i = 0; i < 24; i++)
		bdev(i, &br->sec, i, 4);
	assert_int_equal(discover(VIRTIO_DISCOVER_MAX), 24);
	assert_mem_window(br, &base, &limit);
	assert_true(limit - base + 1 == 0x100000);
	for (int i = 0; i < 24; i++) {
		assert_true(bar_in(&BS[i], base, limit));
		for (int j = 0; j < i; j++)
			assert_true(BS[i].bar_addr != BS[j].bar_addr);
	}
	assert_string_equal(devs[23]->name, "pci@0000:01:17.0");
}

/* The 32-bit window runs out: the next port's 64-bit prefetchable BAR goes
 * through a 64-bit prefetchable window; without a 64-bit window at all it
 * does not fit, which is logged, and the rest is still found. */
static void test_bridge_window_overflow(void **st)
{
	struct sim_bridge *rp1, *rp2;
	struct sim_dev *s1, *s2;
	uint64_t base, limit;

	(void)st;
	W.mem32_size = 0x300000; /* port 1's BAR, its window, port 2's BAR */
	rp1 = bridge(0, 0, 1, SIM_BRIDGE_ROOT_PORT, 0);
	s1 = bdev(0, &rp1->sec, 0, 4);
	rp2 = bridge(1, 0, 2, SIM_BRIDGE_ROOT_PORT, 0);
	s2 = bdev(1, &rp2->sec, 0, 1);
	assert_int_equal(discover(VIRTIO_DISCOVER_MAX), 2);
	assert_drivable(devs[1], "pci@0000:02:00.0", s2);
	assert_mem_window(rp1, &base, &limit);
	assert_true(bar_in(s1, base, limit));
	assert_false(sim_bridge_mem(rp2, &base, &limit));
	assert_true(sim_bridge_pref(rp2, &base, &limit));
	assert_true(base == SIM_WORLD_MEM64 && limit == SIM_WORLD_MEM64 + 0xfffff);
	assert_true(bar_in(s2, base, limit));
	assert_int_equal(count_in_console("\"error\""), 0);

	/* no 64-bit window: nowhere to go */
	sim_world_init(&W);
	host_console_clear();
	W.mem32_size = 0x300000;
	W.no_mem64 = true;
	rp1 = bridge(0, 0, 1, SIM_BRIDGE_ROOT_PORT, 0);
	s1 = bdev(0, &rp1->sec, 0, 4);
	rp2 = bridge(1, 0, 2, SIM_BRIDGE_ROOT_PORT, 0);
	s2 = bdev(1, &rp2->sec, 0, 1);
	/* a stale address over port 1's BAR: cleared, not left decoding */
	sim_pci_cfg_write(s2, PCI_BAR0 + 4 * SIM_PCI_BAR, (uint32_t)SIM_WORLD_MEM32, 4);
	assert_true(s2->bar_addr == SIM_WORLD_MEM32);
	assert_int_equal(discover(VIRTIO_DISCOVER_MAX), 1);
	assert_true(s2->bar_addr == 0);
	assert_drivable(devs[0], "pci@0000:01:00.0", s1);
	assert_non_null(
		strstr(host_console(), "PCI 0000:02:00.0 BAR4 (0x4000 bytes) does not fit"));
	assert_non_null(strstr(host_console(), "BARs could not be assigned"));
	assert_false(sim_bridge_mem(rp2, &base, &limit));
	assert_false(sim_bridge_pref(rp2, &base, &limit));
}

/* bus-range 0..2: the third root port gets no bus; it is closed and logged.
 * Likewise when the ECAM window covers fewer buses than bus-range. */
static void test_bridge_bus_exhaustion(void **st)
{
	struct sim_bridge *rp[3];

	(void)st;
	W.bus_end = 2;
	for (int i = 0; i < 3; i++) {
		rp[i] = bridge(i, 0, 1 + i, SIM_BRIDGE_ROOT_PORT, 0);
		bdev(i, &rp[i]->sec, 0, 4);
	}
	assert_int_equal(discover(VIRTIO_DISCOVER_MAX), 2);
	assert_string_equal(devs[0]->name, "pci@0000:01:00.0");
	assert_string_equal(devs[1]->name, "pci@0000:02:00.0");
	assert_buses(rp[2], 0, 0, 0);
	assert_int_equal(sim_bridge_command(rp[2]) & PCI_COMMAND_MEMORY, 0);
	assert_non_null(strstr(host_console(),
			       "PCI bridge 0000:00:03.0 gets no bus number (bus range exhausted)"));

	/* bus-range 0..255 but an ECAM window for buses 0 and 1 only */
	sim_world_init(&W);
	host_console_clear();
	W.ecam_size = 2u << 20;
	for (int i = 0; i < 2; i++) {
		rp[i] = bridge(i, 0, 1 + i, SIM_BRIDGE_ROOT_PORT, 0);
		bdev(i, &rp[i]->sec, 0, 4);
	}
	assert_int_equal(discover(VIRTIO_DISCOVER_MAX), 1);
	assert_string_equal(devs[0]->name, "pci@0000:01:00.0");
	assert_buses(rp[0], 0, 1, 1);
	assert_buses(rp[1], 0, 0, 0);
	assert_non_null(strstr(host_console(),
			       "PCI bridge 0000:00:02.0 gets no bus number (bus range exhausted)"));
}

/* A bridge whose registers read all ones and ignore writes is closed
 * without costing a bus number; a bridge holding itself on its secondary
 * bus (an endless hierarchy) ends at the depth limit. */
static void test_bridge_broken(void **st)
{
	struct sim_bridge *dead, *rp, *loop;
	struct sim_dev *s;

	(void)st;
	dead = bridge(0, 0, 1, SIM_BRIDGE_ROOT_PORT, SIM_BR_F_DEAD);
	bdev(0, &dead->sec, 0, 4);
	rp = bridge(1, 0, 2, SIM_BRIDGE_ROOT_PORT, 0);
	s = bdev(1, &rp->sec, 0, 1);
	assert_int_equal(discover(VIRTIO_DISCOVER_MAX), 1);
	assert_drivable(devs[0], "pci@0000:01:00.0", s);
	assert_buses(rp, 0, 1, 1);
	assert_non_null(
		strstr(host_console(), "PCI bridge 0000:00:01.0 does not hold its bus numbers"));

	/* a bridge that shows up again behind itself: its registers are
	 * shared, so the inner copy loses its bus numbers */
	sim_world_init(&W);
	host_console_clear();
	loop = bridge(0, 0, 1, SIM_BRIDGE_PCI, 0);
	loop->sec.bridge[0] = loop;
	rp = bridge(1, 0, 2, SIM_BRIDGE_ROOT_PORT, 0);
	s = bdev(1, &rp->sec, 0, 1);
	assert_int_equal(discover(VIRTIO_DISCOVER_MAX), 1);
	assert_drivable(devs[0], "pci@0000:02:00.0", s);
	assert_buses(loop, 0, 1, 1);
	assert_non_null(
		strstr(host_console(), "PCI bridge 0000:01:00.0 does not hold its bus numbers"));
}

/* 20 bridges nested: the 17th and what is behind it are not configured. */
static void test_bridge_depth_limit(void **st)
{
	struct sim_bus *bus = 0;
	struct sim_bridge *b = 0;

	(void)st;
	for (int i = 0; i < 20; i++) {
		b = bridge(i, bus, 1, SIM_BRIDGE_PCI, 0);
		bdev(i, &b->sec, 0, 4);
		bus = &b->sec;
	}
	assert_int_equal(discover(VIRTIO_DISCOVER_MAX), 16);
	assert_string_equal(devs[15]->name, "pci@0000:10:00.0");
	assert_buses(&BR[0], 0, 1, 16);
	assert_buses(&BR[15], 15, 16, 16);
	assert_buses(&BR[16], 16, 0, 0);
	assert_non_null(strstr(host_console(), "PCI bridge 0000:10:01.0 nests too deep"));
	for (int i = 0; i < 16; i++)
		assert_drivable(devs[i], devs[i]->name, &BS[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mmio_slots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_trees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_discovery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_transport, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bridge_root_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bridge_port_one_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bridge_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bridge_window_sizing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bridge_window_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bridge_bus_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bridge_broken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bridge_depth_limit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

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
	sim_init(&S[1], SIM_MMIO_V2, 0, 0, 0, 0);       /* placeholder */
	sim_init(&S[2], SIM_MMIO_V1, 1, VIRTIO_BIT(5), 2, 256);
	W.mmio[0] = &S[0];
	W.mmio[1] = &S[1];
	W.mmio[2] = &S[2];
	W.mmio[3] = 0;                                  /* not virtio */
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
	add_pci(1, 4, V1F | VIRTIO_BIT(VIRTIO_F_RING_RESET) | VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA),
		0);
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
	assert_int_equal(pv->caps_walk, -1);
	assert_int_equal(pv->ncaps, 5);            /* each recorded once */
	assert_non_null(strstr(host_console(), "malformed capability list"));
	pv = virtio_pci_priv(devs[1]);
	assert_false(pv->caps[3].in_bar);
	assert_int_equal(pv->use.notify, -1);
	assert_int_equal(devs[2]->mode, VIRTIO_MODE_LEGACY);
	assert_null(devs[2]->ops);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mmio_slots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_trees, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_discovery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_transport, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_faults, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio transport (Version 2 and legacy 1) against the simulated
 * device: probing, negotiation, reset, configuration space, queue reset,
 * and, for every injected device fault, the driver-side observation a check
 * would report.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "platform.h"
#include "unit_helpers.h"
#include "virtio/virtqueue_packed.h"
#include "virtio/virtqueue_split.h"

#define V1F VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define OFFER                                                                      \
	(V1F | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_F_RING_PACKED) | \
	 VIRTIO_BIT(VIRTIO_F_IN_ORDER) | VIRTIO_BIT(VIRTIO_F_RING_RESET) |         \
	 VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(5))
#define TMO 100000000ull
#define SHORT 2000000ull

static struct ut_dev U;

static void open_v2(void)
{
	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, 2, OFFER, 3, 128), VIRTIO_MMIO_OK);
}

/* ---- probing ---- */

static void test_probe_v2(void **st)
{
	(void)st;
	open_v2();
	assert_string_equal(U.dev.name, "mmio@0a000000");
	assert_int_equal(U.dev.transport, VIRTIO_TRANSPORT_MMIO);
	assert_int_equal(U.dev.mode, VIRTIO_MODE_MODERN);
	assert_int_equal(U.dev.version, 2);
	assert_int_equal(U.dev.device_id, 2);
	assert_int_equal(U.dev.vendor_id, 0x554d4551);
	assert_int_equal(U.dev.irq, 48);
	assert_true(U.dev.features == OFFER);
	assert_int_equal(U.dev.num_queues, 3);
	assert_int_equal(U.dev.queue_max[0], 128);
	assert_int_equal(U.dev.queue_max[2], 128);
	assert_ptr_equal(U.dev.ops, &virtio_mmio_ops_v2);
	assert_null(U.dev.ops->get_driver_features_window);
	assert_int_equal(U.sim.bad_access, 0);
}

static void test_probe_v1_and_empty(void **st)
{
	(void)st;
	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V1, 1, VIRTIO_BIT(5) | VIRTIO_BIT(40), 2, 256),
			 VIRTIO_MMIO_OK);
	assert_int_equal(U.dev.mode, VIRTIO_MODE_LEGACY);
	assert_int_equal(U.dev.version, 1);
	assert_true(U.dev.features == VIRTIO_BIT(5)); /* 32 bits only */
	assert_ptr_equal(U.dev.ops, &virtio_mmio_ops_v1);
	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, 0, OFFER, 1, 8), VIRTIO_MMIO_EMPTY);
}

/* A register window that is not virtio: magic and version from a table. */
static uint32_t fake_regs[0x80];

static uint64_t fake_read(void *ctx, uint64_t off, unsigned w)
{
	(void)ctx;
	(void)w;
	return fake_regs[off / 4];
}

static void fake_write(void *ctx, uint64_t off, uint64_t v, unsigned w)
{
	(void)ctx;
	(void)off;
	(void)v;
	(void)w;
}

static const struct pf_io_ops fake_ops = { fake_read, fake_write };

static void test_probe_bad_windows(void **st)
{
	struct pf_region r = { 0, 0x200, &fake_ops, 0 };
	struct virtio_dev d;
	struct virtio_mmio_priv pv;
	uint32_t magic, version;

	(void)st;
	fake_regs[0] = 0x12345678;
	assert_int_equal(virtio_mmio_probe(&d, &pv, &r, 0x1000, 0, &magic, &version),
			 VIRTIO_MMIO_BAD_MAGIC);
	assert_int_equal(magic, 0x12345678);
	fake_regs[0] = VIRTIO_MMIO_MAGIC;
	fake_regs[1] = 3;
	assert_int_equal(virtio_mmio_probe(&d, &pv, &r, 0x1000, 0, &magic, &version),
			 VIRTIO_MMIO_BAD_VERSION);
	assert_int_equal(version, 3);
	r.size = 0x80;
	assert_int_equal(virtio_mmio_probe(&d, &pv, &r, 0x1000, 0, 0, 0), VIRTIO_MMIO_TOO_SMALL);
}

/* ---- negotiation ---- */

static void test_negotiate(void **st)
{
	(void)st;
	open_v2();
	assert_int_equal(ut_negotiate(&U, V1F | VIRTIO_BIT(VIRTIO_F_EVENT_IDX)), 0);
	assert_true(U.sim.driver_features == (V1F | VIRTIO_BIT(VIRTIO_F_EVENT_IDX)));
	assert_int_equal(U.dev.ops->get_status(&U.dev), VIRTIO_STATUS_ACKNOWLEDGE |
								VIRTIO_STATUS_DRIVER |
								VIRTIO_STATUS_FEATURES_OK);
	/* a bit that was not offered: the device clears FEATURES_OK */
	assert_int_equal(ut_negotiate(&U, V1F | VIRTIO_BIT(6)), PF_EIO);
	/* a modern device refuses a driver without VERSION_1 */
	assert_int_equal(ut_negotiate(&U, VIRTIO_BIT(5)), PF_EIO);
	assert_int_equal(U.sim.bad_access, 0);
}

static void test_fault_accept_bad_features(void **st)
{
	(void)st;
	open_v2();
	U.sim.faults = SIM_F_ACCEPT_BAD_FEATURES;
	/* what a check sees: FEATURES_OK kept for a subset it must refuse */
	assert_int_equal(ut_negotiate(&U, V1F | VIRTIO_BIT(6)), 0);
}

static void test_fault_features_offered(void **st)
{
	(void)st;
	open_v2();
	U.sim.faults = SIM_F_NO_VERSION_1 | SIM_F_RESERVED_FEATURES;
	U.dev.features = virtio_read_device_features(&U.dev);
	assert_false(U.dev.features & V1F);
	assert_true(U.dev.features & VIRTIO_BIT(45));
}

/* ---- reset ---- */

static void test_reset(void **st)
{
	(void)st;
	open_v2();
	assert_int_equal(ut_negotiate(&U, V1F), 0);
	assert_int_equal(virtio_reset(&U.dev, TMO), 0);
	assert_int_equal(U.dev.ops->get_status(&U.dev), 0);
	U.sim.faults = SIM_F_RESET_KEEPS_STATUS;
	virtio_add_status(&U.dev, VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(virtio_reset(&U.dev, SHORT), PF_ETIMEDOUT);
	assert_int_equal(virtio_negotiate(&U.dev, V1F), PF_ETIMEDOUT);
}

/* Sets up queue 0 with one used buffer so that ISR and QueueReady are set. */
static void busy_queue(struct virtq_split *vq)
{
	uint8_t *b = ut_buf(8, 0);
	struct virtq_sg sg = { arch_dma_addr(b), 8, true };
	struct virtq_used_info ui;

	assert_int_equal(ut_negotiate(&U, V1F), 0);
	assert_int_equal(virtq_split_init(vq, &U.dev, 0, 64, 0), 0);
	assert_int_equal(virtq_split_attach(vq), 0);
	ut_driver_ok(&U);
	virtq_split_add(vq, &sg, 1, VQ_ADD_DIRECT, 0);
	virtq_split_kick(vq);
	assert_int_equal(virtq_split_poll(vq, &ui, TMO), 1);
	assert_true(U.dev.ops->isr_read(&U.dev) & VIRTIO_ISR_QUEUE);
	assert_true(U.dev.ops->queue_ready(&U.dev, 0));
}

static void test_reset_clears_isr_and_ready(void **st)
{
	struct virtq_split vq;

	(void)st;
	open_v2();
	busy_queue(&vq);
	assert_int_equal(virtio_reset(&U.dev, TMO), 0);
	assert_int_equal(U.dev.ops->isr_read(&U.dev), 0);
	assert_false(U.dev.ops->queue_ready(&U.dev, 0));
	assert_int_equal(U.sim.bad_access, 0);
}

static void test_fault_reset_keeps_isr(void **st)
{
	struct virtq_split vq;

	(void)st;
	open_v2();
	U.sim.faults = SIM_F_RESET_KEEPS_ISR;
	busy_queue(&vq);
	assert_int_equal(virtio_reset(&U.dev, TMO), 0);
	assert_int_not_equal(U.dev.ops->isr_read(&U.dev), 0);
}

static void test_fault_reset_keeps_ready(void **st)
{
	struct virtq_split vq;

	(void)st;
	open_v2();
	U.sim.faults = SIM_F_RESET_KEEPS_READY;
	busy_queue(&vq);
	assert_int_equal(virtio_reset(&U.dev, TMO), 0);
	assert_true(U.dev.ops->queue_ready(&U.dev, 0));
}

static void test_isr_ack(void **st)
{
	struct virtq_split vq;

	(void)st;
	open_v2();
	busy_queue(&vq);
	U.dev.ops->isr_ack(&U.dev, VIRTIO_ISR_QUEUE);
	assert_int_equal(U.dev.ops->isr_read(&U.dev), 0);
	U.sim.isr = VIRTIO_ISR_QUEUE;
	U.sim.faults = SIM_F_ISR_NO_CLEAR;
	U.dev.ops->isr_ack(&U.dev, VIRTIO_ISR_QUEUE);
	assert_int_equal(U.dev.ops->isr_read(&U.dev), VIRTIO_ISR_QUEUE);
}

/* ---- configuration space ---- */

static void test_config_access(void **st)
{
	const struct virtio_transport_ops *o;

	(void)st;
	open_v2();
	o = U.dev.ops;
	assert_int_equal(o->config_read(&U.dev, 0, 1), 0x10);
	assert_int_equal(o->config_read(&U.dev, 2, 2), 0x1312);
	assert_int_equal(o->config_read(&U.dev, 4, 4), 0x17161514);
	/* misaligned, bad width, beyond the window: refused, reads 0 */
	assert_int_equal(o->config_read(&U.dev, 1, 2), 0);
	assert_int_equal(o->config_read(&U.dev, 0, 3), 0);
	assert_int_equal(o->config_read(&U.dev, 0x100, 4), 0);
	o->config_write(&U.dev, 8, 0xa1b2, 2);
	assert_int_equal(U.sim.config[8], 0xb2);
	assert_int_equal(U.sim.config[9], 0xa1);
	assert_int_equal(U.sim.bad_access, 0);
}

static void test_config_generation(void **st)
{
	uint8_t v = 0x99;
	int g0, g1;

	(void)st;
	open_v2();
	assert_int_equal(ut_negotiate(&U, V1F), 0);
	ut_driver_ok(&U);
	g0 = U.dev.ops->config_generation(&U.dev);
	sim_config_change(&U.sim, 0, &v, 1);
	g1 = U.dev.ops->config_generation(&U.dev);
	assert_int_not_equal(g0, g1);
	assert_true(U.dev.ops->isr_read(&U.dev) & VIRTIO_ISR_CONFIG);
	assert_int_equal(U.dev.ops->config_read(&U.dev, 0, 1), 0x99);
	/* faults: a stuck generation, a missing config interrupt */
	U.dev.ops->isr_ack(&U.dev, VIRTIO_ISR_CONFIG);
	U.sim.faults = SIM_F_CONFIG_GEN_STUCK | SIM_F_NO_CONFIG_IRQ;
	sim_config_change(&U.sim, 0, &v, 1);
	assert_int_equal(U.dev.ops->config_generation(&U.dev), g1);
	assert_false(U.dev.ops->isr_read(&U.dev) & VIRTIO_ISR_CONFIG);
}

/* ---- queue reset (RING_RESET) ---- */

static int wait_queue_reset(uint16_t q, uint64_t tmo)
{
	uint64_t t0 = arch_now_ns();

	while (U.dev.ops->queue_reset_state(&U.dev, q)) {
		if (arch_now_ns() - t0 > tmo)
			return PF_ETIMEDOUT;
	}
	return 0;
}

static void test_queue_reset(void **st)
{
	struct virtq_split vq;
	struct virtq_used_info ui;
	uint8_t *b;
	struct virtq_sg sg;

	(void)st;
	open_v2();
	busy_queue(&vq);
	U.sim.qreset_busy_reads = 3;
	U.dev.ops->queue_reset_start(&U.dev, 0);
	assert_int_equal(wait_queue_reset(0, TMO), 0);
	assert_int_equal(U.sim.qreset_reads, 3);
	assert_false(U.dev.ops->queue_ready(&U.dev, 0));
	/* re-enable with fresh rings: the queue works again */
	assert_int_equal(virtq_split_init(&vq, &U.dev, 0, 32, 0), 0);
	assert_int_equal(virtq_split_attach(&vq), 0);
	assert_int_equal(U.dev.ops->queue_reset_state(&U.dev, 0), 0);
	b = ut_buf(8, 0);
	sg = (struct virtq_sg){ arch_dma_addr(b), 8, true };
	virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0);
	virtq_split_kick(&vq);
	assert_int_equal(virtq_split_poll(&vq, &ui, TMO), 1);
	assert_int_equal(U.sim.bad_access, 0);
}

static void test_fault_queue_reset(void **st)
{
	struct virtq_split vq;

	(void)st;
	open_v2();
	busy_queue(&vq);
	U.sim.faults = SIM_F_QRESET_KEEPS_READY;
	U.dev.ops->queue_reset_start(&U.dev, 0);
	assert_int_equal(wait_queue_reset(0, TMO), 0);
	assert_true(U.dev.ops->queue_ready(&U.dev, 0));
	U.sim.faults = SIM_F_QRESET_STUCK;
	U.dev.ops->queue_reset_start(&U.dev, 1);
	assert_int_equal(wait_queue_reset(1, SHORT), PF_ETIMEDOUT);
}

/* ---- ring faults, split ---- */

struct ring_case {
	uint32_t fault;
	uint32_t opts;
	uint64_t neg;
	int expect;
};

static int one_split(const struct ring_case *c, struct virtq_used_info *ui)
{
	struct virtq_split vq;
	uint8_t *out = ut_buf(16, 0x11), *in = ut_buf(32, 0);
	struct virtq_sg sg[2] = { { arch_dma_addr(out), 16, false },
				  { arch_dma_addr(in), 32, true } };

	open_v2();
	assert_int_equal(ut_negotiate(&U, V1F | c->neg), 0);
	assert_int_equal(virtq_split_init(&vq, &U.dev, 0, 16, c->opts | VQ_OPT_VERIFY_RO), 0);
	assert_int_equal(virtq_split_attach(&vq), 0);
	ut_driver_ok(&U);
	ut_auto_progress(&U);
	U.sim.faults = c->fault;
	for (int i = 0; i < 3; i++)
		assert_true(virtq_split_add(&vq, sg, 2, (c->opts & VQ_OPT_INDIRECT) ? 0 : -1, i) >=
			    0);
	virtq_split_kick(&vq);
	for (int i = 0; i < 3; i++) {
		int rc = virtq_split_poll(&vq, ui, SHORT);

		if (rc != 1)
			return rc;
	}
	return 1;
}

static void test_fault_split_used(void **st)
{
	static const struct ring_case cases[] = {
		{ 0, 0, 0, 1 },
		{ SIM_F_USED_LEN_LONG, 0, 0, VQ_E_DEV_LEN },
		{ SIM_F_USED_ID_RANGE, 0, 0, VQ_E_DEV_ID_RANGE },
		{ SIM_F_USED_ID_STALE, 0, 0, VQ_E_DEV_ID_NOT_INFLIGHT },
		{ SIM_F_WRITE_READABLE, 0, 0, VQ_E_DEV_RO_WRITTEN },
		{ SIM_F_WRITE_DESC, 0, 0, VQ_E_DEV_DESC_WRITTEN },
		{ SIM_F_WRITE_DESC, VQ_OPT_INDIRECT, VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC),
		  VQ_E_DEV_DESC_WRITTEN },
		{ SIM_F_USED_IDX_JUMP, 0, 0, VQ_E_DEV_USED_IDX },
		{ SIM_F_OUT_OF_ORDER, VQ_OPT_IN_ORDER, VIRTIO_BIT(VIRTIO_F_IN_ORDER),
		  VQ_E_DEV_ORDER },
		{ SIM_F_OUT_OF_ORDER, 0, 0, 1 }, /* fine without IN_ORDER */
		{ SIM_F_AVAIL_EVENT_WRONG, VQ_OPT_EVENT_IDX, VIRTIO_BIT(VIRTIO_F_EVENT_IDX), 1 },
	};
	struct virtq_used_info ui;

	(void)st;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = one_split(&cases[i], &ui);

		if (rc != cases[i].expect)
			fail_msg("case %u (fault 0x%x): got %d (%s), want %d", i, cases[i].fault,
				 rc, virtq_strerror(rc), cases[i].expect);
	}
}

/* avail_event far ahead: the driver obeys it, the device never wakes up. */
static void test_fault_avail_event(void **st)
{
	struct virtq_split vq;
	struct virtq_used_info ui;
	uint8_t *in = ut_buf(8, 0);
	struct virtq_sg sg = { arch_dma_addr(in), 8, true };

	(void)st;
	open_v2();
	assert_int_equal(ut_negotiate(&U, V1F | VIRTIO_BIT(VIRTIO_F_EVENT_IDX)), 0);
	assert_int_equal(virtq_split_init(&vq, &U.dev, 0, 16, VQ_OPT_EVENT_IDX), 0);
	assert_int_equal(virtq_split_attach(&vq), 0);
	ut_driver_ok(&U);
	U.sim.faults = SIM_F_AVAIL_EVENT_WRONG;
	virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0);
	assert_true(virtq_split_kick(&vq));
	assert_int_equal(virtq_split_poll(&vq, &ui, SHORT), 1);
	assert_int_not_equal(virtq_split_avail_event(&vq), vq.published);
	virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0);
	assert_false(virtq_split_kick(&vq));
	assert_int_equal(virtq_split_poll(&vq, &ui, SHORT), PF_ETIMEDOUT);
}

/* Interrupt faults: what the driver sees in InterruptStatus compared with
 * virtq_split_irq_required(). */
static void irq_case(uint32_t fault, uint64_t neg, bool suppress, bool want_isr, bool want_req)
{
	struct virtq_split vq;
	struct virtq_used_info ui;
	uint8_t *in = ut_buf(8, 0);
	struct virtq_sg sg = { arch_dma_addr(in), 8, true };
	uint16_t old;

	open_v2();
	assert_int_equal(ut_negotiate(&U, V1F | neg), 0);
	assert_int_equal(
		virtq_split_init(&vq, &U.dev, 0, 16,
				 (neg & VIRTIO_BIT(VIRTIO_F_EVENT_IDX)) ? VQ_OPT_EVENT_IDX : 0),
		0);
	assert_int_equal(virtq_split_attach(&vq), 0);
	ut_driver_ok(&U);
	U.sim.faults = fault;
	if (suppress)
		virtq_split_disable_cb(&vq);
	old = vq.last_used;
	virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0);
	virtq_split_kick(&vq);
	assert_int_equal(virtq_split_poll(&vq, &ui, SHORT), 1);
	assert_int_equal((U.dev.ops->isr_read(&U.dev) & VIRTIO_ISR_QUEUE) != 0, want_isr);
	assert_int_equal(virtq_split_irq_required(&vq, old, vq.last_used), want_req);
}

static void test_fault_interrupts(void **st)
{
	const uint64_t ev = VIRTIO_BIT(VIRTIO_F_EVENT_IDX);

	(void)st;
	irq_case(0, 0, false, true, true);
	irq_case(0, 0, true, false, false);
	irq_case(0, ev, false, true, true);
	irq_case(0, ev, true, false, false);
	irq_case(SIM_F_NO_IRQ, 0, false, false, true); /* missing */
	irq_case(SIM_F_NO_IRQ, ev, false, false, true);
	irq_case(SIM_F_EXTRA_IRQ, 0, true, true, false);  /* despite NO_INTERRUPT */
	irq_case(SIM_F_EXTRA_IRQ, ev, true, true, false); /* despite used_event */
	irq_case(SIM_F_IGNORE_USED_EVENT, ev, true, true, false);
}

static void test_fault_before_driver_ok(void **st)
{
	struct virtq_split vq;
	uint8_t *in = ut_buf(8, 0);
	struct virtq_sg sg = { arch_dma_addr(in), 8, true };

	(void)st;
	open_v2();
	assert_int_equal(ut_negotiate(&U, V1F), 0);
	assert_int_equal(virtq_split_init(&vq, &U.dev, 0, 16, 0), 0);
	assert_int_equal(virtq_split_attach(&vq), 0);
	virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0);
	virtq_split_publish(&vq);
	virtq_split_notify(&vq); /* the probe's check may do this on purpose */
	assert_int_equal(virtq_split_pending(&vq), 0);
	U.sim.faults = SIM_F_BEFORE_DRIVER_OK;
	virtq_split_notify(&vq);
	assert_int_equal(virtq_split_pending(&vq), 1);
}

/* ---- ring faults, packed ---- */

static int one_packed(uint32_t fault, uint32_t opts, uint64_t neg)
{
	struct virtq_packed vq;
	struct virtq_used_info ui;
	uint8_t *out = ut_buf(16, 0x11), *in = ut_buf(32, 0);
	struct virtq_sg sg[2] = { { arch_dma_addr(out), 16, false },
				  { arch_dma_addr(in), 32, true } };

	open_v2();
	assert_int_equal(ut_negotiate(&U, V1F | VIRTIO_BIT(VIRTIO_F_RING_PACKED) | neg), 0);
	assert_int_equal(virtq_packed_init(&vq, &U.dev, 0, 16, opts | VQ_OPT_VERIFY_RO), 0);
	assert_int_equal(virtq_packed_attach(&vq), 0);
	ut_driver_ok(&U);
	ut_auto_progress(&U);
	U.sim.faults = fault;
	for (int i = 0; i < 3; i++)
		assert_true(virtq_packed_add(&vq, sg, 2, (opts & VQ_OPT_INDIRECT) ? 0 : -1, i) >=
			    0);
	virtq_packed_kick(&vq);
	for (int i = 0; i < 3; i++) {
		int rc = virtq_packed_poll(&vq, &ui, SHORT);

		if (rc != 1)
			return rc;
	}
	return 1;
}

static void test_fault_packed(void **st)
{
	const uint64_t ind = VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);

	(void)st;
	assert_int_equal(one_packed(0, 0, 0), 1);
	assert_int_equal(one_packed(0, VQ_OPT_INDIRECT, ind), 1);
	assert_int_equal(one_packed(SIM_F_PACKED_STALE_WRAP, 0, 0), VQ_E_DEV_WRAP);
	assert_int_equal(one_packed(SIM_F_PACKED_BAD_FLAGS, 0, 0), VQ_E_DEV_FLAGS);
	assert_int_equal(one_packed(SIM_F_USED_LEN_LONG, 0, 0), VQ_E_DEV_LEN);
	assert_int_equal(one_packed(SIM_F_USED_ID_RANGE, 0, 0), VQ_E_DEV_ID_RANGE);
	assert_int_equal(one_packed(SIM_F_USED_ID_STALE, 0, 0), VQ_E_DEV_ID_NOT_INFLIGHT);
	assert_int_equal(one_packed(SIM_F_WRITE_READABLE, 0, 0), VQ_E_DEV_RO_WRITTEN);
	assert_int_equal(one_packed(SIM_F_WRITE_DESC, VQ_OPT_INDIRECT, ind), VQ_E_DEV_DESC_WRITTEN);
	assert_int_equal(one_packed(SIM_F_OUT_OF_ORDER, 0, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_probe_v2, ut_setup),
		cmocka_unit_test_setup(test_probe_v1_and_empty, ut_setup),
		cmocka_unit_test_setup(test_probe_bad_windows, ut_setup),
		cmocka_unit_test_setup(test_negotiate, ut_setup),
		cmocka_unit_test_setup(test_fault_accept_bad_features, ut_setup),
		cmocka_unit_test_setup(test_fault_features_offered, ut_setup),
		cmocka_unit_test_setup(test_reset, ut_setup),
		cmocka_unit_test_setup(test_reset_clears_isr_and_ready, ut_setup),
		cmocka_unit_test_setup(test_fault_reset_keeps_isr, ut_setup),
		cmocka_unit_test_setup(test_fault_reset_keeps_ready, ut_setup),
		cmocka_unit_test_setup(test_isr_ack, ut_setup),
		cmocka_unit_test_setup(test_config_access, ut_setup),
		cmocka_unit_test_setup(test_config_generation, ut_setup),
		cmocka_unit_test_setup(test_queue_reset, ut_setup),
		cmocka_unit_test_setup(test_fault_queue_reset, ut_setup),
		cmocka_unit_test_setup(test_fault_split_used, ut_setup),
		cmocka_unit_test_setup(test_fault_avail_event, ut_setup),
		cmocka_unit_test_setup(test_fault_interrupts, ut_setup),
		cmocka_unit_test_setup(test_fault_before_driver_ok, ut_setup),
		cmocka_unit_test_setup(test_fault_packed, ut_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

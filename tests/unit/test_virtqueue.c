/* SPDX-License-Identifier: MIT */
/*
 * Split and packed virtqueue drivers against the clean simulated device:
 * single buffers, full rings, chains up to the queue size, indirect and
 * mixed chains, index wrap past 65535, EVENT_IDX, notification suppression,
 * IN_ORDER batches, and the legacy MMIO layout.
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

#define FEAT_BASE                                                              \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | \
	 VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_F_RING_PACKED) |   \
	 VIRTIO_BIT(VIRTIO_F_IN_ORDER) | VIRTIO_BIT(VIRTIO_F_RING_RESET))
#define TMO 100000000ull

static struct ut_dev U;

/* Opens the sim (offering everything) and negotiates `neg`. */
static void start(enum sim_transport t, uint64_t neg, uint16_t qmax)
{
	uint64_t offer = t == SIM_MMIO_V1 ? VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
						    VIRTIO_BIT(VIRTIO_F_EVENT_IDX)
					  : FEAT_BASE;

	assert_int_equal(ut_mmio_open(&U, t, 4, offer, 2, qmax), VIRTIO_MMIO_OK);
	assert_int_equal(ut_negotiate(&U, neg), 0);
}

static uint32_t opts_for(uint64_t neg)
{
	uint32_t o = VQ_OPT_VERIFY_RO;

	if (neg & VIRTIO_BIT(VIRTIO_F_EVENT_IDX))
		o |= VQ_OPT_EVENT_IDX;
	if (neg & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC))
		o |= VQ_OPT_INDIRECT;
	if (neg & VIRTIO_BIT(VIRTIO_F_IN_ORDER))
		o |= VQ_OPT_IN_ORDER;
	return o;
}

static void split_up(struct virtq_split *vq, uint64_t neg, uint16_t num)
{
	assert_int_equal(virtq_split_init(vq, &U.dev, 0, num, opts_for(neg)), 0);
	assert_int_equal(virtq_split_attach(vq), 0);
	ut_driver_ok(&U);
}

static void packed_up(struct virtq_packed *vq, uint64_t neg, uint16_t num)
{
	assert_int_equal(virtq_packed_init(vq, &U.dev, 0, num, opts_for(neg)), 0);
	assert_int_equal(virtq_packed_attach(vq), 0);
	ut_driver_ok(&U);
}

static void check_pattern(const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		assert_int_equal(p[i], sim_pattern(&U.sim, i));
}

/* ---- split ---- */

static void test_split_single(void **st)
{
	struct virtq_split vq;
	struct virtq_used_info ui;
	uint8_t *out = ut_buf(16, 0xaa), *in = ut_buf(64, 0);
	struct virtq_sg sg[2];

	(void)st;
	start(SIM_MMIO_V2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 64);
	split_up(&vq, VIRTIO_BIT(VIRTIO_F_VERSION_1), 64);
	sg[0] = (struct virtq_sg){ arch_dma_addr(out), 16, false };
	sg[1] = (struct virtq_sg){ arch_dma_addr(in), 64, true };
	assert_int_equal(virtq_split_add(&vq, sg, 2, VQ_ADD_DIRECT, 77), 0);
	assert_true(virtq_split_kick(&vq));
	assert_int_equal(virtq_split_poll(&vq, &ui, TMO), 1);
	assert_int_equal(ui.id, 0);
	assert_int_equal(ui.len, 64);
	assert_int_equal(ui.writable, 64);
	assert_int_equal(ui.token, 77);
	check_pattern(in, 64);
	assert_int_equal(out[0], 0xaa);
	assert_int_equal(vq.num_free, 64);
	assert_true(U.dev.ops->isr_read(&U.dev) & VIRTIO_ISR_QUEUE);
	assert_int_equal(virtq_split_get_used(&vq, &ui), 0);
	assert_int_equal(virtq_split_find_desc_change(&vq), -1);
}

static void test_split_fill_ring(void **st)
{
	struct virtq_split vq;
	struct virtq_used_info ui;
	uint8_t *in = ut_buf(8 * 128, 0);

	(void)st;
	start(SIM_MMIO_V2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 128);
	split_up(&vq, VIRTIO_BIT(VIRTIO_F_VERSION_1), 128);
	for (int round = 0; round < 3; round++) {
		struct virtq_sg sg;

		for (int i = 0; i < 128; i++) {
			sg = (struct virtq_sg){ arch_dma_addr(in + 8 * i), 8, true };
			assert_true(virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 1000 + i) >= 0);
		}
		assert_int_equal(virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0), PF_ENOSPC);
		virtq_split_kick(&vq);
		for (int i = 0; i < 128; i++) {
			assert_int_equal(virtq_split_poll(&vq, &ui, TMO), 1);
			assert_int_equal(ui.token, 1000 + i);
			assert_int_equal(ui.len, 8);
		}
		assert_int_equal(vq.num_free, 128);
	}
}

static void test_split_chain_max(void **st)
{
	enum {
		N = 32
	};
	struct virtq_split vq;
	struct virtq_used_info ui;
	struct virtq_sg sg[N + 1];
	uint8_t *b = ut_buf(16 * (N + 1), 0x33);

	(void)st;
	start(SIM_MMIO_V2, VIRTIO_BIT(VIRTIO_F_VERSION_1), N);
	split_up(&vq, VIRTIO_BIT(VIRTIO_F_VERSION_1), N);
	for (int i = 0; i <= N; i++)
		sg[i] = (struct virtq_sg){ arch_dma_addr(b + 16 * i), 16, i >= N / 2 };
	assert_int_equal(virtq_split_add(&vq, sg, N + 1, VQ_ADD_DIRECT, 0), PF_EINVAL);
	/* readable after writable is refused */
	sg[0].write = true;
	assert_int_equal(virtq_split_add(&vq, sg, 2, VQ_ADD_DIRECT, 0), PF_EINVAL);
	sg[0].write = false;
	assert_true(virtq_split_add(&vq, sg, N, VQ_ADD_DIRECT, 5) >= 0);
	assert_int_equal(vq.num_free, 0);
	virtq_split_kick(&vq);
	assert_int_equal(virtq_split_poll(&vq, &ui, TMO), 1);
	assert_int_equal(ui.ndesc, N);
	assert_int_equal(ui.len, 16 * (N / 2));
	check_pattern(b + 16 * (N / 2), 16 * (N / 2));
	assert_int_equal(b[0], 0x33);
	assert_int_equal(vq.num_free, N);
}

static void test_split_indirect(void **st)
{
	uint64_t neg = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);
	struct virtq_split vq;
	struct virtq_used_info ui;
	struct virtq_sg sg[6];
	uint8_t *b = ut_buf(6 * 32, 0x44);

	(void)st;
	start(SIM_MMIO_V2, neg, 16);
	split_up(&vq, neg, 16);
	for (int i = 0; i < 6; i++)
		sg[i] = (struct virtq_sg){ arch_dma_addr(b + 32 * i), 32, i >= 2 };
	/* one indirect descriptor for the whole chain */
	assert_true(virtq_split_add(&vq, sg, 6, VQ_ADD_INDIRECT, 1) >= 0);
	assert_int_equal(vq.num_free, 15);
	/* mixed: 3 direct, then an indirect one for the other 3 */
	assert_true(virtq_split_add(&vq, sg, 6, 3, 2) >= 0);
	assert_int_equal(vq.num_free, 11);
	virtq_split_kick(&vq);
	assert_int_equal(virtq_split_poll(&vq, &ui, TMO), 1);
	assert_int_equal(ui.token, 1);
	assert_int_equal(ui.len, 4 * 32);
	assert_int_equal(ui.ndesc, 1);
	assert_int_equal(virtq_split_poll(&vq, &ui, TMO), 1);
	assert_int_equal(ui.token, 2);
	assert_int_equal(ui.len, 4 * 32);
	assert_int_equal(ui.ndesc, 4);
	check_pattern(b + 64, 32);
	assert_int_equal(b[0], 0x44);
	assert_int_equal(vq.num_free, 16);
	/* indirect not negotiated: refused */
	vq.opts &= ~VQ_OPT_INDIRECT;
	assert_int_equal(virtq_split_add(&vq, sg, 6, VQ_ADD_INDIRECT, 0), PF_EINVAL);
}

/* > 65536 buffers: avail->idx and used->idx wrap around 16 bits. */
static void test_split_index_wrap(void **st)
{
	struct virtq_split vq;
	struct virtq_used_info ui;
	uint8_t *in = ut_buf(4 * 16, 0);
	uint32_t done = 0;

	(void)st;
	start(SIM_MMIO_V2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 16);
	split_up(&vq, VIRTIO_BIT(VIRTIO_F_VERSION_1), 16);
	U.sim.write_limit = 1;
	while (done < 70000) {
		for (int i = 0; i < 16; i++) {
			struct virtq_sg sg = { arch_dma_addr(in + 4 * i), 4, true };

			assert_true(virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, done + i) >= 0);
		}
		virtq_split_kick(&vq);
		for (int i = 0; i < 16; i++) {
			assert_int_equal(virtq_split_get_used(&vq, &ui), 1);
			assert_int_equal(ui.token, done + i);
			assert_int_equal(ui.len, 1);
		}
		done += 16;
	}
	assert_int_equal(vq.last_used, (uint16_t)done);
	assert_true(U.sim.q[0].completed == done);
}

static void test_split_event_idx(void **st)
{
	uint64_t neg = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	struct virtq_split vq;
	struct virtq_used_info ui;
	uint8_t *in = ut_buf(64, 0);
	struct virtq_sg sg = { arch_dma_addr(in), 8, true };
	uint32_t irqs;

	(void)st;
	start(SIM_MMIO_V2, neg, 8);
	split_up(&vq, neg, 8);
	/* used_event 0: the first buffer is notified */
	assert_true(virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0) >= 0);
	assert_true(virtq_split_kick(&vq));
	assert_int_equal(U.sim.irq_raised, 1);
	assert_int_equal(virtq_split_get_used(&vq, &ui), 1);
	/* the device set avail_event = 1: the next add needs a kick */
	assert_int_equal(virtq_split_avail_event(&vq), 1);
	/* suppress used notifications: used_event far away */
	virtq_split_disable_cb(&vq);
	irqs = U.sim.irq_raised;
	assert_true(virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0) >= 0);
	assert_true(virtq_split_kick(&vq));
	assert_int_equal(U.sim.irq_raised, irqs);
	assert_false(virtq_split_irq_required(&vq, 1, 2));
	assert_int_equal(virtq_split_get_used(&vq, &ui), 1);
	/* ask for a notification when used idx passes 3: two more buffers */
	virtq_split_set_used_event(&vq, 3);
	assert_true(virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0) >= 0);
	virtq_split_kick(&vq);
	assert_int_equal(U.sim.irq_raised, irqs);
	assert_true(virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0) >= 0);
	virtq_split_kick(&vq);
	assert_int_equal(U.sim.irq_raised, irqs + 1);
	assert_true(virtq_split_irq_required(&vq, 3, 4));
	/* a kick the device said it does not need is suppressed */
	U.sim.defer = true;
	assert_true(virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0) >= 0);
	assert_true(virtq_split_kick(&vq)); /* avail_event == 4: notify */
	assert_true(virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0) >= 0);
	assert_false(virtq_split_kick(&vq)); /* device has not caught up */
	assert_int_equal(sim_process(&U.sim, 0), 2);
}

static void test_split_no_notify_flags(void **st)
{
	struct virtq_split vq;
	struct virtq_used_info ui;
	uint8_t *in = ut_buf(64, 0);
	struct virtq_sg sg = { arch_dma_addr(in), 8, true };

	(void)st;
	start(SIM_MMIO_V2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 8);
	split_up(&vq, VIRTIO_BIT(VIRTIO_F_VERSION_1), 8);
	U.sim.avail_no_notify = true;
	virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0);
	assert_true(virtq_split_kick(&vq)); /* flags still 0 */
	assert_int_equal(virtq_split_get_used(&vq, &ui), 1);
	virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0);
	assert_false(virtq_split_kick(&vq)); /* VIRTQ_USED_F_NO_NOTIFY */
	assert_int_equal(vq.stats_suppressed, 1);
	/* driver side: NO_INTERRUPT */
	virtq_split_disable_cb(&vq);
	assert_int_equal(vq.avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
	virtq_split_notify(&vq);
	assert_int_equal(virtq_split_get_used(&vq, &ui), 1);
	assert_int_equal(U.sim.irq_raised, 1);
	virtq_split_enable_cb(&vq);
	assert_int_equal(vq.avail->flags, 0);
}

static void test_split_in_order_batch(void **st)
{
	uint64_t neg = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_IN_ORDER);
	struct virtq_split vq;
	struct virtq_used_info ui;
	uint8_t *in = ut_buf(16 * 10, 0);

	(void)st;
	start(SIM_MMIO_V2, neg, 16);
	split_up(&vq, neg, 16);
	U.sim.in_order_batch = 4;
	for (int r = 0; r < 5; r++) {
		for (int i = 0; i < 10; i++) {
			struct virtq_sg sg[2] = { { arch_dma_addr(in + 16 * i), 8, true },
						  { arch_dma_addr(in + 16 * i + 8), 8, true } };

			assert_true(virtq_split_add(&vq, sg, 1 + (i & 1), VQ_ADD_DIRECT, i) >= 0);
		}
		virtq_split_kick(&vq);
		for (int i = 0; i < 10; i++) {
			assert_int_equal(virtq_split_get_used(&vq, &ui), 1);
			assert_int_equal(ui.token, i);
			/* batches of 4: entries for buffers 3, 7 and 9 */
			assert_int_equal(ui.batched, !(i == 3 || i == 7 || i == 9));
			assert_int_equal(ui.len, 8 + 8 * (i & 1));
		}
		assert_int_equal(virtq_split_get_used(&vq, &ui), 0);
		assert_int_equal(vq.num_free, 16);
	}
}

static void test_split_legacy_mmio(void **st)
{
	struct virtq_split vq;
	struct virtq_used_info ui;
	uint8_t *in = ut_buf(32, 0);
	struct virtq_sg sg = { arch_dma_addr(in), 32, true };

	(void)st;
	start(SIM_MMIO_V1, 0, 256);
	assert_int_equal(U.dev.mode, VIRTIO_MODE_LEGACY);
	assert_true(U.dev.ops->config_generation(&U.dev) < 0);
	assert_null(U.dev.ops->queue_reset_start);
	split_up(&vq, 0, 256);
	assert_true(U.dev.ops->queue_ready(&U.dev, 0));
	assert_int_equal(U.sim.q[0].pfn, vq.desc_addr / 4096);
	virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 9);
	virtq_split_kick(&vq);
	assert_int_equal(virtq_split_poll(&vq, &ui, TMO), 1);
	assert_int_equal(ui.len, 32);
	check_pattern(in, 32);
	/* a non-contiguous layout cannot be expressed by QueuePFN */
	assert_int_equal(U.dev.ops->queue_setup(&U.dev, 1, 256, vq.desc_addr, vq.avail_addr + 16,
						vq.used_addr),
			 PF_EINVAL);
	assert_int_equal(U.dev.ops->queue_setup(&U.dev, 1, 256, vq.desc_addr + 8, vq.avail_addr,
						vq.used_addr),
			 PF_EINVAL);
	assert_int_equal(U.dev.ops->queue_setup(&U.dev, 1, 256, vq.desc_addr, vq.avail_addr,
						vq.used_addr + 4096),
			 PF_EINVAL);
}

static void test_split_notification_data(void **st)
{
	struct virtq_split vq;
	uint8_t *in = ut_buf(8, 0);
	struct virtq_sg sg = { arch_dma_addr(in), 8, true };
	struct virtq_used_info ui;

	(void)st;
	start(SIM_MMIO_V2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 8);
	split_up(&vq, VIRTIO_BIT(VIRTIO_F_VERSION_1), 8);
	vq.opts |= VQ_OPT_NOTIFICATION_DATA;
	virtq_split_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0);
	virtq_split_kick(&vq);
	assert_int_equal(U.sim.q[0].last_notify_data, 0u | 1u << 16);
	assert_int_equal(virtq_split_get_used(&vq, &ui), 1);
}

/* ---- packed ---- */

static const uint64_t PNEG = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_RING_PACKED);

static void test_packed_single(void **st)
{
	struct virtq_packed vq;
	struct virtq_used_info ui;
	uint8_t *out = ut_buf(16, 0xaa), *in = ut_buf(64, 0);
	struct virtq_sg sg[2] = { { arch_dma_addr(out), 16, false },
				  { arch_dma_addr(in), 64, true } };

	(void)st;
	start(SIM_MMIO_V2, PNEG, 64);
	packed_up(&vq, PNEG, 64);
	assert_int_equal(virtq_packed_add(&vq, sg, 2, VQ_ADD_DIRECT, 5), 0);
	/* not published yet: the device sees nothing */
	assert_int_equal(sim_process(&U.sim, 0), 0);
	assert_true(virtq_packed_kick(&vq));
	assert_int_equal(virtq_packed_poll(&vq, &ui, TMO), 1);
	assert_int_equal(ui.len, 64);
	assert_int_equal(ui.token, 5);
	assert_int_equal(ui.ndesc, 2);
	check_pattern(in, 64);
	assert_int_equal(out[0], 0xaa);
	assert_int_equal(vq.num_free, 64);
	assert_int_equal(vq.next_used, 2);
	assert_int_equal(virtq_packed_get_used(&vq, &ui), 0);
}

/* Odd queue size, chains that straddle the end of the ring, many laps:
 * the wrap counters flip thousands of times. */
static void test_packed_wrap(void **st)
{
	struct virtq_packed vq;
	struct virtq_used_info ui;
	uint8_t *in = ut_buf(64, 0);
	uint32_t done = 0;

	(void)st;
	start(SIM_MMIO_V2, PNEG, 64);
	packed_up(&vq, PNEG, 37);
	U.sim.write_limit = 1;
	while (done < 70000) {
		int n = 0;

		for (;;) {
			struct virtq_sg sg[3] = { { arch_dma_addr(in), 4, false },
						  { arch_dma_addr(in + 8), 4, true },
						  { arch_dma_addr(in + 16), 4, true } };
			unsigned k = 1 + (done + n) % 3;
			int id = virtq_packed_add(&vq, sg + 3 - k, k, VQ_ADD_DIRECT, done + n);

			if (id == PF_ENOSPC)
				break;
			assert_true(id >= 0);
			n++;
		}
		virtq_packed_kick(&vq);
		for (int i = 0; i < n; i++) {
			assert_int_equal(virtq_packed_get_used(&vq, &ui), 1);
			assert_int_equal(ui.token, done + i);
		}
		done += (uint32_t)n;
		assert_int_equal(vq.num_free, 37);
	}
	assert_true(U.sim.q[0].completed == done);
}

static void test_packed_chain_indirect(void **st)
{
	uint64_t neg = PNEG | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);
	struct virtq_packed vq;
	struct virtq_used_info ui;
	struct virtq_sg sg[16];
	uint8_t *b = ut_buf(16 * 16, 0x55);

	(void)st;
	start(SIM_MMIO_V2, neg, 16);
	packed_up(&vq, neg, 16);
	for (int i = 0; i < 16; i++)
		sg[i] = (struct virtq_sg){ arch_dma_addr(b + 16 * i), 16, i >= 4 };
	assert_true(virtq_packed_add(&vq, sg, 16, VQ_ADD_DIRECT, 1) >= 0);
	assert_int_equal(vq.num_free, 0);
	assert_int_equal(virtq_packed_add(&vq, sg, 1, VQ_ADD_DIRECT, 0), PF_ENOSPC);
	virtq_packed_kick(&vq);
	assert_int_equal(virtq_packed_poll(&vq, &ui, TMO), 1);
	assert_int_equal(ui.len, 12 * 16);
	assert_true(virtq_packed_add(&vq, sg, 16, VQ_ADD_INDIRECT, 2) >= 0);
	assert_true(virtq_packed_add(&vq, sg, 16, 5, 3) >= 0);
	assert_int_equal(vq.num_free, 16 - 1 - 6);
	virtq_packed_kick(&vq);
	assert_int_equal(virtq_packed_poll(&vq, &ui, TMO), 1);
	assert_int_equal(ui.token, 2);
	assert_int_equal(ui.len, 12 * 16);
	assert_int_equal(virtq_packed_poll(&vq, &ui, TMO), 1);
	assert_int_equal(ui.token, 3);
	assert_int_equal(ui.ndesc, 6);
	assert_int_equal(b[0], 0x55);
	check_pattern(b + 64, 16);
}

static void test_packed_event_suppression(void **st)
{
	uint64_t neg = PNEG | VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	struct virtq_packed vq;
	struct virtq_used_info ui;
	uint8_t *in = ut_buf(8, 0);
	struct virtq_sg sg = { arch_dma_addr(in), 8, true };

	(void)st;
	start(SIM_MMIO_V2, neg, 8);
	packed_up(&vq, neg, 8);
	virtq_packed_disable_cb(&vq);
	virtq_packed_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0);
	virtq_packed_kick(&vq);
	assert_int_equal(U.sim.irq_raised, 0);
	assert_int_equal(virtq_packed_get_used(&vq, &ui), 1);
	/* DESC: notify when the used descriptor at position 3 is written */
	virtq_packed_set_event(&vq, RING_EVENT_FLAGS_DESC, 3, true);
	for (int i = 0; i < 3; i++) {
		virtq_packed_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0);
		virtq_packed_kick(&vq);
		assert_int_equal(U.sim.irq_raised, i == 2 ? 1 : 0);
		assert_int_equal(virtq_packed_get_used(&vq, &ui), 1);
	}
	virtq_packed_enable_cb(&vq);
	assert_int_equal(vq.driver->flags, RING_EVENT_FLAGS_DESC);
	virtq_packed_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0);
	virtq_packed_kick(&vq);
	assert_int_equal(U.sim.irq_raised, 2);
	/* device asks for no notifications */
	U.sim.faults |= SIM_F_AVAIL_EVENT_WRONG;
	assert_int_equal(virtq_packed_get_used(&vq, &ui), 1);
	virtq_packed_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0);
	virtq_packed_kick(&vq); /* device processes and writes DISABLE */
	assert_int_equal(virtq_packed_get_used(&vq, &ui), 1);
	virtq_packed_add(&vq, &sg, 1, VQ_ADD_DIRECT, 0);
	assert_false(virtq_packed_kick(&vq));
	assert_int_equal(virtq_packed_device_event(&vq).flags, RING_EVENT_FLAGS_DISABLE);
}

static void test_packed_in_order(void **st)
{
	uint64_t neg = PNEG | VIRTIO_BIT(VIRTIO_F_IN_ORDER);
	struct virtq_packed vq;
	struct virtq_used_info ui;
	uint8_t *in = ut_buf(64, 0);

	(void)st;
	start(SIM_MMIO_V2, neg, 16);
	packed_up(&vq, neg, 13);
	U.sim.in_order_batch = 3;
	for (int r = 0; r < 20; r++) {
		for (int i = 0; i < 6; i++) {
			struct virtq_sg sg[2] = { { arch_dma_addr(in), 4, true },
						  { arch_dma_addr(in + 4), 4, true } };

			assert_true(virtq_packed_add(&vq, sg, 1 + (i & 1), VQ_ADD_DIRECT, i) >= 0);
		}
		virtq_packed_kick(&vq);
		for (int i = 0; i < 6; i++) {
			assert_int_equal(virtq_packed_get_used(&vq, &ui), 1);
			assert_int_equal(ui.token, i);
			assert_int_equal(ui.batched, !(i == 2 || i == 5));
		}
		assert_int_equal(virtq_packed_get_used(&vq, &ui), 0);
		assert_int_equal(vq.num_free, 13);
	}
}

static void test_vring_need_event(void **st)
{
	(void)st;
	assert_true(vring_need_event(0, 1, 0));
	assert_false(vring_need_event(1, 1, 0));
	assert_true(vring_need_event(5, 10, 3));
	assert_false(vring_need_event(10, 10, 3));
	assert_true(vring_need_event(65535, 2, 65530)); /* across the wrap */
	assert_false(vring_need_event(3, 2, 65530));
	assert_int_equal(virtq_split_used_off(256), 8192);
	assert_int_equal(virtq_split_avail_off(256), 4096);
	assert_int_equal(virtq_split_size(8), 4096 + 6 + 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vring_need_event, ut_setup),
		cmocka_unit_test_setup(test_split_single, ut_setup),
		cmocka_unit_test_setup(test_split_fill_ring, ut_setup),
		cmocka_unit_test_setup(test_split_chain_max, ut_setup),
		cmocka_unit_test_setup(test_split_indirect, ut_setup),
		cmocka_unit_test_setup(test_split_index_wrap, ut_setup),
		cmocka_unit_test_setup(test_split_event_idx, ut_setup),
		cmocka_unit_test_setup(test_split_no_notify_flags, ut_setup),
		cmocka_unit_test_setup(test_split_in_order_batch, ut_setup),
		cmocka_unit_test_setup(test_split_legacy_mmio, ut_setup),
		cmocka_unit_test_setup(test_split_notification_data, ut_setup),
		cmocka_unit_test_setup(test_packed_single, ut_setup),
		cmocka_unit_test_setup(test_packed_wrap, ut_setup),
		cmocka_unit_test_setup(test_packed_chain_indirect, ut_setup),
		cmocka_unit_test_setup(test_packed_event_suppression, ut_setup),
		cmocka_unit_test_setup(test_packed_in_order, ut_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* virtio-mmio register file (4.2.2 Version 2, 4.2.4 legacy Version 1). */
#include "sim_device.h"

#include "virtio/virtio_mmio.h"

static struct sim_queue *selq(struct sim_dev *s)
{
	return s->queue_sel < SIM_MAX_QUEUES ? &s->q[s->queue_sel] : 0;
}

static uint64_t cfg_read(struct sim_dev *s, uint64_t off, unsigned w)
{
	uint64_t v = 0;

	if (off + w > SIM_CONFIG_SIZE) {
		s->bad_access++;
		return 0;
	}
	for (unsigned i = 0; i < w; i++)
		v |= (uint64_t)s->config[off + i] << (8 * i);
	return v;
}

static void cfg_write(struct sim_dev *s, uint64_t off, uint64_t v, unsigned w)
{
	if (off + w > SIM_CONFIG_SIZE) {
		s->bad_access++;
		return;
	}
	sim_config_write(s, (uint32_t)off, v, w);
}

static uint64_t mmio_read(void *ctx, uint64_t off, unsigned w)
{
	struct sim_dev *s = ctx;
	struct sim_queue *q = selq(s);
	bool v1 = s->transport == SIM_MMIO_V1;
	uint64_t f;

	if (off >= VIRTIO_MMIO_CONFIG)
		return cfg_read(s, off - VIRTIO_MMIO_CONFIG, w);
	if (w != 4 || (off & 3)) {
		s->bad_access++; /* control registers: 32-bit aligned only (4.2.2.2) */
		return 0;
	}
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return v1 ? 1 : 2;
	case VIRTIO_MMIO_DEVICE_ID:
		return s->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return s->vendor_id;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		f = sim_offered(s);
		return s->dev_feat_sel == 0   ? (uint32_t)f
		       : s->dev_feat_sel == 1 ? (uint32_t)(f >> 32)
					      : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? q->num_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		if (v1)
			break;
		return q ? q->ready : 0;
	case VIRTIO_MMIO_QUEUE_PFN:
		if (!v1)
			break;
		return q ? q->pfn : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return s->isr;
	case VIRTIO_MMIO_STATUS:
		return s->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		if (v1)
			break;
		return 0xffffffffu; /* no shared memory regions */
	case VIRTIO_MMIO_QUEUE_RESET:
		if (v1)
			break;
		return sim_queue_reset_state(s, s->queue_sel);
	case VIRTIO_MMIO_CONFIG_GENERATION:
		if (v1)
			break;
		return s->config_generation;
	default:
		break;
	}
	s->bad_access++; /* write-only or nonexistent register */
	return 0;
}

static void set_half(uint64_t *v, bool high, uint32_t val)
{
	if (high)
		*v = (*v & 0xffffffffull) | (uint64_t)val << 32;
	else
		*v = (*v & ~0xffffffffull) | val;
}

static void mmio_write(void *ctx, uint64_t off, uint64_t val, unsigned w)
{
	struct sim_dev *s = ctx;
	struct sim_queue *q = selq(s);
	bool v1 = s->transport == SIM_MMIO_V1;
	uint32_t v = (uint32_t)val;

	if (off >= VIRTIO_MMIO_CONFIG) {
		cfg_write(s, off - VIRTIO_MMIO_CONFIG, val, w);
		return;
	}
	if (w != 4 || (off & 3)) {
		s->bad_access++;
		return;
	}
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		s->dev_feat_sel = v;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (s->drv_feat_sel < 2)
			set_half(&s->driver_features, s->drv_feat_sel == 1, v);
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		s->drv_feat_sel = v;
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		s->queue_sel = (uint16_t)v;
		return;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (q && v <= q->num_max)
			q->num = (uint16_t)v;
		else
			s->bad_access++;
		return;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		sim_notify(s, (uint16_t)v, v);
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		if (!(s->faults & SIM_F_ISR_NO_CLEAR))
			s->isr &= ~v;
		return;
	case VIRTIO_MMIO_STATUS:
		sim_write_status(s, (uint8_t)v);
		return;
	default:
		break;
	}
	if (v1) {
		switch (off) {
		case VIRTIO_MMIO_GUEST_PAGE_SIZE:
			s->guest_page_size = v;
			return;
		case VIRTIO_MMIO_QUEUE_ALIGN:
			if (q)
				q->align = v;
			return;
		case VIRTIO_MMIO_QUEUE_PFN:
			if (q)
				q->pfn = v;
			return;
		default:
			break;
		}
	} else if (q) {
		switch (off) {
		case VIRTIO_MMIO_QUEUE_READY:
			q->ready = v & 1u;
			if (q->ready)
				q->resetting = false;
			return;
		case VIRTIO_MMIO_QUEUE_DESC_LOW:
			set_half(&q->desc, false, v);
			return;
		case VIRTIO_MMIO_QUEUE_DESC_HIGH:
			set_half(&q->desc, true, v);
			return;
		case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
			set_half(&q->driver, false, v);
			return;
		case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
			set_half(&q->driver, true, v);
			return;
		case VIRTIO_MMIO_QUEUE_USED_LOW:
			set_half(&q->device, false, v);
			return;
		case VIRTIO_MMIO_QUEUE_USED_HIGH:
			set_half(&q->device, true, v);
			return;
		case VIRTIO_MMIO_SHM_SEL:
			return;
		case VIRTIO_MMIO_QUEUE_RESET:
			if (v == 1)
				sim_queue_reset(s, s->queue_sel);
			return;
		default:
			break;
		}
	}
	s->bad_access++;
}

const struct pf_io_ops sim_mmio_ops = {
	.read = mmio_read,
	.write = mmio_write,
};

void sim_mmio_attach(struct sim_dev *s)
{
	s->mmio.base = 0;
	s->mmio.size = 0x200;
	s->mmio.ops = &sim_mmio_ops;
	s->mmio.ctx = s;
}

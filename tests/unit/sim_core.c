/* SPDX-License-Identifier: MIT */
/* Simulated virtio device: state, features, status, reset, config. */
#include "sim_device.h"

#include <string.h>

#include "virtio/virtio.h"

void sim_init(struct sim_dev *s, enum sim_transport t, uint32_t device_id, uint64_t features,
	      uint16_t queues, uint16_t qmax)
{
	memset(s, 0, sizeof(*s));
	s->transport = t;
	s->device_id = device_id;
	s->vendor_id = 0x554d4551; /* "QEMU", as QEMU reports */
	s->features = features;
	s->pattern_seed = 0x5a;
	s->config_len = 64;
	for (uint32_t i = 0; i < s->config_len; i++)
		s->config[i] = (uint8_t)(0x10 + i);
	if (queues > SIM_MAX_QUEUES)
		queues = SIM_MAX_QUEUES;
	s->num_queues = queues;
	for (uint16_t q = 0; q < queues; q++) {
		s->q[q].num_max = qmax;
		s->q[q].num = qmax;
		s->q[q].notify_off = q;
		s->q[q].msix = 0xffff;
		s->q[q].avail_wrap = s->q[q].used_wrap = true;
	}
	s->msix_config = 0xffff;
	if (t == SIM_PCI)
		sim_pci_attach(s);
	else
		sim_mmio_attach(s);
}

uint64_t sim_offered(const struct sim_dev *s)
{
	uint64_t f = s->features;

	if (s->faults & SIM_F_NO_VERSION_1)
		f &= ~VIRTIO_BIT(VIRTIO_F_VERSION_1);
	if (s->faults & SIM_F_RESERVED_FEATURES)
		f |= VIRTIO_BIT(45);
	if (s->transport == SIM_MMIO_V1)
		f &= 0xffffffffull; /* legacy: 32 feature bits */
	return f;
}

static void queue_clear(struct sim_dev *s, struct sim_queue *q, bool keep_ready)
{
	bool ready = q->ready;
	uint32_t pfn = q->pfn;

	if ((s->faults & SIM_F_RESET_KEEPS_RING) && q->num && (q->desc || q->pfn)) {
		/* the ring lives on (what was pending is used first, by
		 * the callers: allowed, it was made available before) */
		q->ghost = s->transport != SIM_MMIO_V1;
		q->ghost_num = q->num;
		q->ghost_desc = q->desc;
		q->ghost_driver = q->driver;
		q->ghost_device = q->device;
		q->ghost_last_avail = q->last_avail;
		q->ghost_used_idx = q->used_idx;
	}

	q->num = q->num_max;
	q->desc = q->driver = q->device = 0;
	q->pfn = 0;
	q->align = 0;
	q->ready = false;
	q->resetting = false;
	q->msix = 0xffff;
	q->last_avail = q->used_idx = 0;
	q->used_lin = 0;
	q->nheld = 0;
	q->avail_wrap = q->used_wrap = true;
	if (keep_ready) {
		q->ready = ready;
		q->pfn = pfn;
	}
	(void)s;
}

void sim_reset(struct sim_dev *s)
{
	s->resets++;
	if (s->faults & SIM_F_RESET_KEEPS_RING)
		for (uint16_t i = 0; i < SIM_MAX_QUEUES; i++)
			sim_process(s, i);
	if (s->faults & SIM_F_RESET_KEEPS_STATUS)
		return;
	s->status = 0;
	s->driver_features = 0;
	s->dev_feat_sel = s->drv_feat_sel = 0;
	s->queue_sel = 0;
	if (!(s->faults & SIM_F_RESET_KEEPS_ISR))
		s->isr = 0;
	s->msix_config = 0xffff;
	for (uint16_t i = 0; i < SIM_MAX_QUEUES; i++)
		queue_clear(s, &s->q[i], (s->faults & SIM_F_RESET_KEEPS_READY) != 0);
	s->broken = false;
}

/* FEATURES_OK is kept only for a subset of what was offered that, on a
 * modern interface, includes VERSION_1 (3.1.1, 6.1). */
static bool features_acceptable(const struct sim_dev *s)
{
	uint64_t f = s->driver_features;

	if (f & ~sim_offered(s))
		return false;
	if (s->transport != SIM_MMIO_V1 && !(f & VIRTIO_BIT(VIRTIO_F_VERSION_1)))
		return false;
	return !s->features_ok || s->features_ok(s, f);
}

/*
 * VIRTIO_F_SUSPEND (3.4): SUSPEND is ignored until DRIVER_OK; setting it
 * suspends at once (buffers are processed synchronously, so nothing is in
 * flight) and clears DRIVER_OK; DRIVER_OK set again resumes.
 */
static uint8_t suspend_status(const struct sim_dev *s, uint8_t v)
{
	if ((s->status & VIRTIO_STATUS_SUSPEND) && (v & VIRTIO_STATUS_DRIVER_OK))
		return (uint8_t)(v & ~VIRTIO_STATUS_SUSPEND);
	if ((v & VIRTIO_STATUS_SUSPEND) && !(s->status & VIRTIO_STATUS_SUSPEND)) {
		if (!(s->status & VIRTIO_STATUS_DRIVER_OK))
			return (uint8_t)(v & ~VIRTIO_STATUS_SUSPEND);
		return (uint8_t)(v & ~VIRTIO_STATUS_DRIVER_OK);
	}
	return v;
}

void sim_write_status(struct sim_dev *s, uint8_t v)
{
	if (v == 0) {
		sim_reset(s);
		return;
	}
	if ((v & VIRTIO_STATUS_FEATURES_OK) && !(s->status & VIRTIO_STATUS_FEATURES_OK) &&
	    !(s->faults & SIM_F_ACCEPT_BAD_FEATURES) && !features_acceptable(s))
		v &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	if (s->driver_features & VIRTIO_BIT(VIRTIO_F_SUSPEND))
		v = suspend_status(s, v);
	s->status = v;
}

void sim_config_change(struct sim_dev *s, uint32_t off, const void *data, uint32_t len)
{
	if (off > SIM_CONFIG_SIZE || len > SIM_CONFIG_SIZE - off)
		return;
	memcpy(s->config + off, data, len);
	if (!(s->faults & SIM_F_CONFIG_GEN_STUCK))
		s->config_generation++;
	if (!(s->faults & SIM_F_NO_CONFIG_IRQ) && (s->status & VIRTIO_STATUS_DRIVER_OK)) {
		s->isr |= VIRTIO_ISR_CONFIG;
		s->config_irqs++;
	}
}

void sim_queue_reset(struct sim_dev *s, uint16_t q)
{
	struct sim_queue *sq;

	if (q >= SIM_MAX_QUEUES || !s->q[q].num_max) {
		s->bad_access++;
		return;
	}
	sq = &s->q[q];
	if (s->faults & SIM_F_RESET_KEEPS_RING)
		sim_process(s, q);
	queue_clear(s, sq, (s->faults & SIM_F_QRESET_KEEPS_READY) != 0);
	sq->resetting = true;
	s->qreset_reads = 0;
}

uint32_t sim_queue_reset_state(struct sim_dev *s, uint16_t q)
{
	struct sim_queue *sq;

	if (q >= SIM_MAX_QUEUES)
		return 0;
	sq = &s->q[q];
	if (!sq->resetting)
		return 0;
	if (s->faults & SIM_F_QRESET_STUCK)
		return 1;
	if (s->qreset_reads < s->qreset_busy_reads) {
		s->qreset_reads++;
		return 1;
	}
	sq->resetting = false;
	return 0;
}

bool sim_queue_live(const struct sim_dev *s, uint16_t q)
{
	const struct sim_queue *sq;

	if (q >= SIM_MAX_QUEUES)
		return false;
	sq = &s->q[q];
	if (!sq->num_max || sq->resetting)
		return false;
	if (!(s->status & VIRTIO_STATUS_DRIVER_OK) && !(s->faults & SIM_F_BEFORE_DRIVER_OK))
		return false;
	if (s->transport == SIM_MMIO_V1)
		return sq->pfn != 0;
	return sq->ready;
}

void sim_notify(struct sim_dev *s, uint16_t q, uint32_t data)
{
	if (q >= SIM_MAX_QUEUES) {
		s->bad_access++;
		return;
	}
	s->q[q].notifies++;
	s->q[q].last_notify_data = data;
	s->q[q].kick_pending = true;
	if (!sim_queue_live(s, q) && s->q[q].ghost)
		sim_process_ghost(s, q);
	else if (!s->defer)
		sim_process(s, q);
}

uint8_t sim_pattern(const struct sim_dev *s, uint32_t i)
{
	return (uint8_t)(s->pattern_seed + i * 7u);
}

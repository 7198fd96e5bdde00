/* SPDX-License-Identifier: MIT */
#include "helpers.h"

#include <string.h>

#include "arch.h"
#include "intr.h"
#include "platform.h"

bool chk_drivable(struct pf_test *t)
{
	if (!t->dev->ops) {
		report_skip(t, "no driver for this transport mode (%s)",
			    t->dev->mode == VIRTIO_MODE_LEGACY ? "legacy" : "unknown");
		return false;
	}
	return true;
}

bool chk_offered(struct pf_test *t, unsigned bit, const char *name)
{
	if (t->dev->features & VIRTIO_BIT(bit))
		return true;
	report_na(t, "%s not offered", name);
	return false;
}

bool chk_uses_features_ok(const struct virtio_dev *d)
{
	return d->mode != VIRTIO_MODE_LEGACY;
}

uint64_t chk_default_features(const struct virtio_dev *d)
{
	uint64_t want = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_ACCESS_PLATFORM);

	/* virtio-mem: a device may require UNPLUGGED_INACCESSIBLE where the
	 * platform cannot let the driver touch unplugged memory (5.15.3.1);
	 * the probe never touches it, so accepting it is free. */
	if (d->device_id == 24)
		want |= VIRTIO_BIT(1);
	return d->features & want;
}

/* Split ring sizes (2.7): 16*N descriptors, 6+2N avail, 6+8N used; the used
 * ring on the next page so the same layout serves legacy QueuePFN. */
int chk_setup_split_queue(struct virtio_dev *d, uint16_t q, uint16_t size)
{
	uint8_t *mem;

	return chk_setup_split_queue_mem(d, q, size, &mem);
}

int chk_setup_split_queue_mem(struct virtio_dev *d, uint16_t q, uint16_t size, uint8_t **out)
{
	uint64_t avail_off = 16ull * size;
	uint64_t used_off = (avail_off + 6 + 2ull * size + 4095) & ~4095ull;
	uint64_t total = used_off + 6 + 8ull * size;
	uint8_t *mem = arch_dma_alloc((size_t)total, 4096);
	uint64_t base;

	*out = mem;
	if (!mem)
		return PF_ENOMEM;
	base = arch_dma_addr(mem);
	return d->ops->queue_setup(d, q, size, base, base + avail_off, base + used_off);
}

static uint16_t pick_size(uint16_t max, uint16_t limit)
{
	uint16_t s = max < limit ? max : limit;
	uint16_t p = 1;

	/* split rings need a power of two (2.7) */
	while ((uint16_t)(p << 1) && (uint16_t)(p << 1) <= s)
		p = (uint16_t)(p << 1);
	return p;
}

uint16_t chk_split_size(uint16_t max, uint16_t limit)
{
	return max && limit ? pick_size(max, limit) : 0;
}

uint64_t chk_split_features(const struct virtio_dev *d, uint64_t want)
{
	/* packed rings are the packed checks' business */
	return ((want | chk_default_features(d)) & d->features) & ~VIRTIO_BIT(VIRTIO_F_RING_PACKED);
}

bool chk_bring_up(struct pf_test *t, uint64_t features, uint16_t max_size)
{
	return chk_bring_up_rings(t, features, max_size, 0);
}

bool chk_bring_up_rings(struct pf_test *t, uint64_t features, uint16_t max_size,
			struct chk_queue_rings *rings)
{
	struct virtio_dev *d = t->dev;
	uint8_t st, want, *mem;
	int rc;

	if (rings)
		memset(rings, 0, sizeof(*rings));
	rc = virtio_reset(d, CHK_RESET_TIMEOUT_NS);
	if (!report(t, rc == 0, "reset",
		    "device status did not read 0 within %llu ms of reset (reads 0x%02x)",
		    (unsigned long long)(CHK_RESET_TIMEOUT_NS / 1000000), d->ops->get_status(d)))
		return false;

	virtio_add_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	st = d->ops->get_status(d);
	if (!report(t, st == VIRTIO_STATUS_ACKNOWLEDGE, "acknowledge",
		    "status reads 0x%02x after ACKNOWLEDGE", st))
		return false;
	virtio_add_status(d, VIRTIO_STATUS_DRIVER);
	want = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	st = d->ops->get_status(d);
	if (!report(t, st == want, "driver", "status reads 0x%02x after DRIVER, expected 0x%02x",
		    st, want))
		return false;

	d->ops->set_driver_features_window(d, 0, (uint32_t)features);
	d->ops->set_driver_features_window(d, 1, (uint32_t)(features >> 32));
	if (chk_uses_features_ok(d)) {
		virtio_add_status(d, VIRTIO_STATUS_FEATURES_OK);
		want |= VIRTIO_STATUS_FEATURES_OK;
		st = d->ops->get_status(d);
		if (!report(t, st == want, "features-ok",
			    "FEATURES_OK not kept for the valid subset 0x%llx (status 0x%02x)",
			    (unsigned long long)features, st))
			return false;
	}

	for (uint16_t q = 0; q < d->num_queues; q++) {
		uint16_t size = pick_size(d->queue_max[q], max_size);

		if (!size)
			continue;
		rc = chk_setup_split_queue_mem(d, q, size, &mem);
		if (rings && q < VIRTIO_MAX_QUEUES && !rc) {
			rings->mem[q] = mem;
			rings->size[q] = size;
		}
		if (rc == PF_ENOMEM) {
			report_error(t, "out of DMA memory setting up queue %u", q);
			return false;
		}
		if (!report(t, rc == 0, "queue-setup", "queue %u setup with size %u failed (%d)", q,
			    size, rc))
			return false;
		d->ops->queue_enable(d, q);
		if (!report(t, d->ops->queue_ready(d, q), "queue-ready",
			    "queue %u not ready after enabling it", q))
			return false;
	}

	virtio_add_status(d, VIRTIO_STATUS_DRIVER_OK);
	want |= VIRTIO_STATUS_DRIVER_OK;
	st = d->ops->get_status(d);
	return report(t, st == want, "driver-ok",
		      "status reads 0x%02x after DRIVER_OK, expected 0x%02x", st, want);
}

uint8_t chk_try_features(struct pf_test *t, uint64_t features)
{
	struct virtio_dev *d = t->dev;

	if (!report(t, virtio_reset(d, CHK_RESET_TIMEOUT_NS) == 0, "reset",
		    "reset did not complete (status 0x%02x)", d->ops->get_status(d)))
		return 0xff;
	virtio_add_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_add_status(d, VIRTIO_STATUS_DRIVER);
	d->ops->set_driver_features_window(d, 0, (uint32_t)features);
	d->ops->set_driver_features_window(d, 1, (uint32_t)(features >> 32));
	virtio_add_status(d, VIRTIO_STATUS_FEATURES_OK);
	return d->ops->get_status(d);
}

bool chk_irq_ready(struct pf_test *t)
{
	int rc = intr_init(arch_fdt());

	if (rc == PF_ENODEV) {
		report_skip(t, "no interrupt controller the probe drives (%s)", intr_describe());
		return false;
	}
	if (rc) {
		report_error(t, "interrupt controller unusable: %s", intr_describe());
		return false;
	}
	report_log(t, 2, "%s", intr_describe());
	return true;
}

uint64_t chk_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void chk_put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

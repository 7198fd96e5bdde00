/* SPDX-License-Identifier: MIT */
/* Transport-independent pieces of the driver side of VIRTIO 1.4 (2, 3.1). */
#include "virtio.h"

#include "platform.h"
#include "pf/device_types.h"

const char *virtio_device_name(uint32_t device_id)
{
	return pf_device_type_name(device_id);
}

uint64_t virtio_read_device_features(struct virtio_dev *d)
{
	uint64_t lo = d->ops->get_features_window(d, 0);
	uint64_t hi = d->ops->get_features_window(d, 1);

	return lo | hi << 32;
}

int virtio_reset(struct virtio_dev *d, uint64_t timeout_ns)
{
	uint64_t start;

	d->ops->set_status(d, 0);
	/* The device may take time to finish a reset (PCI: the driver MUST
	 * wait for 0, 4.1.4.3.2); bounded so a wedged device cannot hang us. */
	start = arch_now_ns();
	while (d->ops->get_status(d) != 0) {
		if (arch_now_ns() - start > timeout_ns)
			return PF_ETIMEDOUT;
		arch_delay_ns(1000);
	}
	return 0;
}

void virtio_add_status(struct virtio_dev *d, uint8_t bits)
{
	d->ops->set_status(d, (uint8_t)(d->ops->get_status(d) | bits));
}

int virtio_negotiate(struct virtio_dev *d, uint64_t features)
{
	int rc = virtio_reset(d, 100000000ull);

	if (rc)
		return rc;
	virtio_add_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_add_status(d, VIRTIO_STATUS_DRIVER);
	d->ops->set_driver_features_window(d, 0, (uint32_t)features);
	d->ops->set_driver_features_window(d, 1, (uint32_t)(features >> 32));
	virtio_add_status(d, VIRTIO_STATUS_FEATURES_OK);
	if (!(d->ops->get_status(d) & VIRTIO_STATUS_FEATURES_OK))
		return PF_EIO;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* Transport-independent pieces of the driver side of VIRTIO 1.4 (2, 3.1). */
#include "virtio.h"

#include "platform.h"

static const char *const device_names[] = {
	[1] = "net",
	[2] = "blk",
	[3] = "console",
	[4] = "rng",
	[5] = "balloon",
	[6] = "iomem",
	[7] = "rpmsg",
	[8] = "scsi",
	[9] = "9p",
	[10] = "mac80211-wlan",
	[11] = "rproc-serial",
	[12] = "caif",
	[13] = "balloon-new",
	[16] = "gpu",
	[17] = "rtc",
	[18] = "input",
	[19] = "vsock",
	[20] = "crypto",
	[21] = "sdm",
	[22] = "pstore",
	[23] = "iommu",
	[24] = "mem",
	[25] = "sound",
	[26] = "fs",
	[27] = "pmem",
	[28] = "rpmb",
	[29] = "mac80211-hwsim",
	[30] = "video-encoder",
	[31] = "video-decoder",
	[32] = "scmi",
	[33] = "nsm",
	[34] = "i2c",
	[35] = "watchdog",
	[36] = "can",
	[38] = "param-server",
	[39] = "audio-policy",
	[40] = "bluetooth",
	[41] = "gpio",
	[42] = "rdma",
	[43] = "camera",
	[44] = "ism",
	[45] = "spi",
	[46] = "tee",
	[47] = "cpu-balloon",
	[48] = "media",
	[49] = "usb",
};

const char *virtio_device_name(uint32_t device_id)
{
	if (device_id < sizeof(device_names) / sizeof(device_names[0]) && device_names[device_id])
		return device_names[device_id];
	return "unknown";
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

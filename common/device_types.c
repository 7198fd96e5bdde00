/* SPDX-License-Identifier: MIT */
#include "pf/device_types.h"
#include "pf/str.h"

/* Device IDs of 5, "Device Types", by the names the kit uses for them. */
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

#define NUM_NAMES (sizeof(device_names) / sizeof(device_names[0]))

const char *pf_device_type_name(uint32_t device_id)
{
	if (device_id < NUM_NAMES && device_names[device_id])
		return device_names[device_id];
	return "unknown";
}

uint32_t pf_device_type_id(const char *name)
{
	if (!name)
		return 0;
	for (uint32_t id = 1; id < NUM_NAMES; id++)
		if (device_names[id] && pf_str_eq(device_names[id], name))
			return id;
	return 0;
}

bool pf_check_area_applies(const char *area, uint32_t device_id)
{
	uint32_t type = pf_device_type_id(area);

	return type == 0 || type == device_id;
}

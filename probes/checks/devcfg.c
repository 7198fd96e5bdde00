/* SPDX-License-Identifier: MIT */
/* Configuration layouts from VIRTIO 1.4 chapter 5 (offsets in bytes). */
#include "devcfg.h"

#define F(n, o, w, k, b)      \
	{                     \
		n, o, w, k, b \
	}
#define S DEVCFG_STATIC
#define D DEVCFG_DYNAMIC
#define W DEVCFG_DRIVER
#define NOF DEVCFG_NO_FEATURE

static const struct devcfg_field net[] = {
	/* 5.1.4 */
	F("mac", 0, 6, S, 5),  F("status", 6, 2, D, 16), F("max_virtqueue_pairs", 8, 2, S, 22),
	F("mtu", 10, 2, S, 3), F("speed", 12, 4, D, 63), F("duplex", 16, 1, D, 63),
};
static const struct devcfg_field blk[] = {
	/* 5.2.4 */
	F("capacity", 0, 8, S, NOF),
	F("size_max", 8, 4, S, 1),
	F("seg_max", 12, 4, S, 2),
	F("geometry.cylinders", 16, 2, S, 4),
	F("geometry.heads", 18, 1, S, 4),
	F("geometry.sectors", 19, 1, S, 4),
	F("blk_size", 20, 4, S, 6),
	F("physical_block_exp", 24, 1, S, 10),
	F("alignment_offset", 25, 1, S, 10),
	F("min_io_size", 26, 2, S, 10),
	F("opt_io_size", 28, 4, S, 10),
	F("writeback", 32, 1, W, 11),
	F("num_queues", 34, 2, S, 12),
	F("max_discard_sectors", 36, 4, S, 13),
	F("max_discard_seg", 40, 4, S, 13),
	F("discard_sector_alignment", 44, 4, S, 13),
	F("max_write_zeroes_sectors", 48, 4, S, 14),
	F("max_write_zeroes_seg", 52, 4, S, 14),
	F("write_zeroes_may_unmap", 56, 1, S, 14),
};
static const struct devcfg_field console[] = {
	/* 5.3.4 */
	F("cols", 0, 2, D, 0),
	F("rows", 2, 2, D, 0),
	F("max_nr_ports", 4, 4, S, 1),
};
static const struct devcfg_field balloon[] = {
	/* 5.5.4 */
	F("num_pages", 0, 4, D, NOF),
	F("actual", 4, 4, W, NOF),
};
static const struct devcfg_field scsi[] = {
	/* 5.6.4 */
	F("num_queues", 0, 4, S, NOF),	     F("seg_max", 4, 4, S, NOF),
	F("max_sectors", 8, 4, S, NOF),	     F("cmd_per_lun", 12, 4, S, NOF),
	F("event_info_size", 16, 4, S, NOF), F("sense_size", 20, 4, W, NOF),
	F("cdb_size", 24, 4, W, NOF),	     F("max_channel", 28, 2, S, NOF),
	F("max_target", 30, 2, S, NOF),	     F("max_lun", 32, 4, S, NOF),
};
static const struct devcfg_field gpu[] = {
	/* 5.7.4 */
	F("events_read", 0, 4, D, NOF),
	F("num_scanouts", 8, 4, S, NOF),
	F("num_capsets", 12, 4, S, NOF),
};
static const struct devcfg_field crypto[] = {
	/* 5.9.4 */
	F("status", 0, 4, D, NOF),
	F("max_dataqueues", 4, 4, S, NOF),
	F("crypto_services", 8, 4, S, NOF),
	F("cipher_algo_l", 12, 4, S, NOF),
	F("cipher_algo_h", 16, 4, S, NOF),
	F("hash_algo", 20, 4, S, NOF),
	F("mac_algo_l", 24, 4, S, NOF),
	F("mac_algo_h", 28, 4, S, NOF),
	F("aead_algo", 32, 4, S, NOF),
	F("max_cipher_key_len", 36, 4, S, NOF),
	F("max_auth_key_len", 40, 4, S, NOF),
};
static const struct devcfg_field p9[] = {
	/* 9P transport: tag_len then the tag */
	F("tag_len", 0, 2, S, 0),
};
static const struct devcfg_field vsock[] = {
	/* 5.10.4 */
	F("guest_cid", 0, 8, S, NOF),
};
static const struct devcfg_field fs[] = {
	/* 5.11.4 */
	F("tag", 0, 36, S, NOF),
	F("num_request_queues", 36, 4, S, NOF),
};
static const struct devcfg_field mem[] = {
	/* 5.15.4 */
	F("block_size", 0, 8, S, NOF),
	F("node_id", 8, 2, S, NOF),
	F("addr", 16, 8, S, NOF),
	F("region_size", 24, 8, S, NOF),
	F("usable_region_size", 32, 8, D, NOF),
	F("plugged_size", 40, 8, D, NOF),
	F("requested_size", 48, 8, D, NOF),
};
static const struct devcfg_field iommu[] = {
	/* 5.13.4 */
	F("page_size_mask", 0, 8, S, NOF),    F("input_range.start", 8, 8, S, NOF),
	F("input_range.end", 16, 8, S, NOF),  F("domain_range.start", 24, 4, S, NOF),
	F("domain_range.end", 28, 4, S, NOF), F("probe_size", 32, 4, S, NOF),
};

#define L(id, arr)                                           \
	{                                                    \
		id, arr, (int)(sizeof(arr) / sizeof(arr[0])) \
	}
static const struct devcfg_layout layouts[] = {
	L(1, net),  L(2, blk),	  L(3, console), L(5, balloon), L(8, scsi), L(9, p9),
	L(16, gpu), L(19, vsock), L(20, crypto), L(23, iommu),	L(24, mem), L(26, fs),
};

const struct devcfg_layout *devcfg_layout(uint32_t device_id)
{
	for (unsigned i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].device_id == device_id)
			return &layouts[i];
	return 0;
}

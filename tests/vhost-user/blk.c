/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk requests (VIRTIO 1.4, 5.2.6) on an in-memory disk: IN, OUT,
 * FLUSH, GET_ID, DISCARD and WRITE_ZEROES; anything else is answered
 * VIRTIO_BLK_S_UNSUPP. The F_BLK_* faults each break one rule of 5.2. The
 * header may be split over several descriptors and the status byte is the
 * last device-writable byte, wherever the driver put it.
 */
#include <string.h>

#include "vu.h"

#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_T_ZONE_APPEND 15
#define VIRTIO_BLK_T_ZONE_LAST 26 /* ZONE_REPORT 16 to ZONE_RESET_ALL 26, even */
#define VIRTIO_BLK_FLAG_UNMAP 1u

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define SECTOR 512u
#define BLK_ID_BYTES 20
#define SEG_MAX 126

uint64_t vu_blk_features(const struct vu_dev *d)
{
	uint64_t f = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE |
		     1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_BLK_F_DISCARD |
		     1ull << VIRTIO_BLK_F_WRITE_ZEROES;

	if (fault(d, F_BLK_RO_WRITE_ACCEPTED))
		f |= 1ull << VIRTIO_BLK_F_RO;
	if (fault(d, F_BLK_WRITEBACK_WITHOUT_FLUSH))
		f |= 1ull << VIRTIO_BLK_F_CONFIG_WCE;
	return f;
}

size_t vu_blk_config(const struct vu_dev *d, uint8_t *buf, size_t len)
{
	uint8_t cfg[64] = { 0 };
	uint64_t capacity = d->disk_size / SECTOR;
	uint32_t seg_max = SEG_MAX, blk_size = SECTOR, one = 1;
	uint32_t max_sectors = (uint32_t)(capacity < UINT32_MAX ? capacity : UINT32_MAX);
	uint16_t num_queues = 1;

	memcpy(cfg + 0, &capacity, 8);
	memcpy(cfg + 12, &seg_max, 4);
	memcpy(cfg + 20, &blk_size, 4);
	/* writeback caching with no way to flush it (5.2.5.2 wants 0) */
	cfg[32] = fault(d, F_BLK_WRITEBACK_WITHOUT_FLUSH) ? 1 : 0;
	cfg[33] = fault(d, F_BLK_CONFIG_PADDING) ? 0xff : 0; /* unused0 */
	memcpy(cfg + 34, &num_queues, 2);
	memcpy(cfg + 36, &max_sectors, 4); /* max_discard_sectors */
	memcpy(cfg + 40, &one, 4);	   /* max_discard_seg */
	memcpy(cfg + 44, &one, 4);	   /* discard_sector_alignment */
	memcpy(cfg + 48, &max_sectors, 4); /* max_write_zeroes_sectors */
	memcpy(cfg + 52, &one, 4);	   /* max_write_zeroes_seg */
	cfg[56] = 1;			   /* write_zeroes_may_unmap */
	memset(buf, 0, len);
	memcpy(buf, cfg, len < sizeof(cfg) ? len : sizeof(cfg));
	return len;
}

/* Data bytes of a request between header and status: within the disk? */
static bool in_disk(const struct vu_dev *d, uint64_t sector, uint64_t len)
{
	if (sector > d->disk_size / SECTOR)
		return false;
	return len <= d->disk_size - sector * SECTOR;
}

/* Zero-fill writable bytes [off, off+len): keeps "bytes written" true. */
static void zero_fill(struct vu_req *r, uint64_t off, uint64_t len)
{
	static const uint8_t zeros[4096];

	while (len) {
		size_t n = len < sizeof(zeros) ? len : sizeof(zeros);

		vu_req_write(r, off, zeros, n);
		off += n;
		len -= n;
	}
}

/* DISCARD and WRITE_ZEROES: one segment, flags checked (5.2.6.2). */
static uint8_t discard_write_zeroes(struct vu_dev *d, struct vu_req *r, uint32_t type, size_t hdr)
{
	struct {
		uint64_t sector;
		uint32_t num_sectors;
		uint32_t flags;
	} seg;

	if (vu_req_read(r, hdr, &seg, sizeof(seg)) != sizeof(seg))
		return VIRTIO_BLK_S_IOERR;
	if ((seg.flags & ~VIRTIO_BLK_FLAG_UNMAP) && !fault(d, F_BLK_UNKNOWN_FLAGS_IGNORED))
		return VIRTIO_BLK_S_UNSUPP;
	if (type == VIRTIO_BLK_T_DISCARD && (seg.flags & VIRTIO_BLK_FLAG_UNMAP) &&
	    !fault(d, F_BLK_DISCARD_UNMAP_ACCEPTED))
		return VIRTIO_BLK_S_UNSUPP;
	if (!in_disk(d, seg.sector, (uint64_t)seg.num_sectors * SECTOR))
		return VIRTIO_BLK_S_IOERR;
	if (!(type == VIRTIO_BLK_T_WRITE_ZEROES && fault(d, F_BLK_WRITE_ZEROES_NOOP)))
		memset(d->disk + seg.sector * SECTOR, 0, (size_t)seg.num_sectors * SECTOR);
	return VIRTIO_BLK_S_OK;
}

static bool is_zone_type(uint32_t type)
{
	return type == VIRTIO_BLK_T_ZONE_APPEND ||
	       (type > VIRTIO_BLK_T_ZONE_APPEND && type <= VIRTIO_BLK_T_ZONE_LAST && !(type & 1));
}

int vu_blk_handle(struct vu_dev *d, struct vu_req *r)
{
	struct {
		uint32_t type;
		uint32_t reserved;
		uint64_t sector;
	} hdr;
	uint8_t status = VIRTIO_BLK_S_OK;
	uint64_t data;

	if (vu_req_read(r, 0, &hdr, sizeof(hdr)) != sizeof(hdr) || r->wr_len == 0) {
		vu_log("blk: request %u without header or status byte: ignored", r->head);
		return -1;
	}
	if (r->wr_len > UINT32_MAX || r->rd_len > UINT32_MAX) {
		vu_log("blk: request %u larger than 4 GiB: ignored", r->head);
		return -1;
	}
	data = r->wr_len - 1;
	switch (hdr.type) {
	case VIRTIO_BLK_T_IN:
		if (!in_disk(d, hdr.sector, data)) {
			zero_fill(r, 0, data);
			status = VIRTIO_BLK_S_IOERR;
		} else {
			vu_req_write(r, 0, d->disk + hdr.sector * SECTOR, data);
		}
		r->written = (uint32_t)r->wr_len;
		break;
	case VIRTIO_BLK_T_OUT:
		data = r->rd_len - sizeof(hdr);
		/* RO is offered only by F_BLK_RO_WRITE_ACCEPTED, which stores */
		if (!in_disk(d, hdr.sector, data))
			status = VIRTIO_BLK_S_IOERR;
		else
			vu_req_read(r, sizeof(hdr), d->disk + hdr.sector * SECTOR, data);
		zero_fill(r, 0, r->wr_len - 1);
		r->written = (uint32_t)r->wr_len;
		break;
	case VIRTIO_BLK_T_FLUSH:
		zero_fill(r, 0, r->wr_len - 1);
		r->written = (uint32_t)r->wr_len;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		char id[BLK_ID_BYTES] = "pf-vhost-user-blk";

		zero_fill(r, 0, data);
		vu_req_write(r, 0, id, data < BLK_ID_BYTES ? data : BLK_ID_BYTES);
		r->written = (uint32_t)r->wr_len;
		break;
	}
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		status = discard_write_zeroes(d, r, hdr.type, sizeof(hdr));
		zero_fill(r, 0, data);
		r->written = (uint32_t)r->wr_len;
		break;
	default:
		zero_fill(r, 0, data);
		/* ZONE_* without ZONED: UNSUPP like any other (5.2.6.2) */
		status = is_zone_type(hdr.type) && fault(d, F_BLK_ZONE_ACCEPTED)
				 ? VIRTIO_BLK_S_OK
				 : VIRTIO_BLK_S_UNSUPP;
		r->written = (uint32_t)r->wr_len;
		break;
	}
	vu_req_write(r, r->wr_len - 1, &status, 1);
	return 0;
}

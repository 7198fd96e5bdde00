/* SPDX-License-Identifier: MIT */
/*
 * The block device suite (5.2): its configuration layout, feature bits,
 * request types and status codes, and the request helper its checks share.
 */
#ifndef PF_CHECKS_DEV_BLK_H
#define PF_CHECKS_DEV_BLK_H

#include <stdint.h>

#include "dev_queue.h"

/* feature bits (5.2.3) */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_GEOMETRY 4
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_TOPOLOGY 10
#define VIRTIO_BLK_F_CONFIG_WCE 11
#define VIRTIO_BLK_F_MQ 12
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14
#define VIRTIO_BLK_F_LIFETIME 15
#define VIRTIO_BLK_F_SECURE_ERASE 16
#define VIRTIO_BLK_F_ZONED 17

/* struct virtio_blk_config offsets (5.2.4) */
#define BLK_CFG_CAPACITY 0
#define BLK_CFG_SIZE_MAX 8
#define BLK_CFG_SEG_MAX 12
#define BLK_CFG_BLK_SIZE 20
#define BLK_CFG_WRITEBACK 32
#define BLK_CFG_UNUSED0 33
#define BLK_CFG_UNUSED1 57  /* 3 bytes */
#define BLK_CFG_SE_ALIGN 68 /* secure_erase_sector_alignment */
#define BLK_CFG_ZONED 72    /* struct virtio_blk_zoned_characteristics */
#define BLK_CFG_ZONE_SECTORS (BLK_CFG_ZONED + 0)
#define BLK_CFG_MAX_APPEND (BLK_CFG_ZONED + 12)
#define BLK_CFG_ZONED_MODEL (BLK_CFG_ZONED + 20)
#define BLK_CFG_UNUSED2 (BLK_CFG_ZONED + 21) /* 3 bytes */
#define BLK_CFG_SIZE 96

#define VIRTIO_BLK_Z_HM 1 /* host-managed zoned model */

/* request types (5.2.6) */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_GET_LIFETIME 10
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13
#define VIRTIO_BLK_T_SECURE_ERASE 14
#define VIRTIO_BLK_T_ZONE_APPEND 15
#define VIRTIO_BLK_T_ZONE_REPORT 16
#define VIRTIO_BLK_T_ZONE_OPEN 18
#define VIRTIO_BLK_T_ZONE_CLOSE 20
#define VIRTIO_BLK_T_ZONE_FINISH 22
#define VIRTIO_BLK_T_ZONE_RESET 24
#define VIRTIO_BLK_T_ZONE_RESET_ALL 26

/* status (5.2.6) */
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_ID_BYTES 20
#define BLK_SECTOR 512u
#define BLK_HDR 16u /* le32 type, le32 reserved, le64 sector */
/* struct virtio_blk_discard_write_zeroes: le64 sector, le32 num_sectors, le32 flags */
#define BLK_DWZ_SEG 16u
#define VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP 1u

#define BLK_REQUESTQ 0
#define BLK_MAX_DATA 8192u /* data bytes of one request in this suite */

/* What a request sends and gets back. */
struct blk_req {
	uint32_t type;
	uint64_t sector;
	const void *out; /* data after the header (OUT, DISCARD ...), or NULL */
	uint32_t out_len;
	void *in; /* data the device writes (IN, GET_ID ...), or NULL */
	uint32_t in_len;
	uint8_t status; /* on return */
	uint32_t used;	/* used len, on return */
};

/*
 * Sends one request on the requestq and waits (bounded) for it: header and
 * `out` device-readable, `in_len` bytes and the status byte
 * device-writable. Returns 1 with r->status, r->used and r->in filled, or
 * a negative code (reported: the check ends).
 */
int blk_request(struct pf_test *t, struct chk_dev *c, struct blk_req *r, const char *what);

/*
 * Opens the device for a check that applies only when `applies` (else
 * not applicable, `na_why`): `want` negotiated where offered, the
 * requestq set up, DRIVER_OK. False if the check ends here.
 */
bool blk_open(struct pf_test *t, struct chk_dev *c, bool applies, const char *na_why,
	      uint64_t want);

/* The transfer unit: blk_size if offered and sane (512..4096, a power of
 * two), else 512. */
uint32_t blk_unit(const struct chk_dev *c);

/* Capacity in 512-byte sectors. */
uint64_t blk_capacity(const struct chk_dev *c);

/* A status byte as text. */
const char *blk_status_name(uint8_t s);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The zoned block device checks (5.2 with VIRTIO_BLK_F_ZONED): zone
 * characteristics, zone reports, zone management and append requests, and
 * the ZBD status codes.
 */
#ifndef PF_CHECKS_DEV_BLK_ZONED_H
#define PF_CHECKS_DEV_BLK_ZONED_H

#include <stdint.h>

#include "dev_blk.h"

#define BLK_CFG_MAX_OPEN (BLK_CFG_ZONED + 4)
#define BLK_CFG_MAX_ACTIVE (BLK_CFG_ZONED + 8)
#define BLK_CFG_WRITE_GRAN (BLK_CFG_ZONED + 16)

#define VIRTIO_BLK_Z_NONE 0
#define VIRTIO_BLK_Z_HA 2

#define VIRTIO_BLK_S_ZONE_INVALID_CMD 3
#define VIRTIO_BLK_S_ZONE_UNALIGNED_WP 4
#define VIRTIO_BLK_S_ZONE_OPEN_RESOURCE 5
#define VIRTIO_BLK_S_ZONE_ACTIVE_RESOURCE 6

/* zone types and states (struct virtio_blk_zone_descriptor) */
#define VIRTIO_BLK_ZT_CONV 1
#define VIRTIO_BLK_ZT_SWR 2
#define VIRTIO_BLK_ZT_SWP 3
#define VIRTIO_BLK_ZS_NOT_WP 0
#define VIRTIO_BLK_ZS_EMPTY 1
#define VIRTIO_BLK_ZS_IOPEN 2
#define VIRTIO_BLK_ZS_EOPEN 3
#define VIRTIO_BLK_ZS_CLOSED 4
#define VIRTIO_BLK_ZS_RDONLY 13
#define VIRTIO_BLK_ZS_FULL 14
#define VIRTIO_BLK_ZS_OFFLINE 15

#define ZBLK_REPORT_HDR 64u
#define ZBLK_DESC 64u
#define ZBLK_MAX_ZONES ((BLK_MAX_DATA - ZBLK_REPORT_HDR) / ZBLK_DESC)

struct zblk_zone {
	uint64_t cap, start, wp;
	uint8_t type, state;
};

struct zblk {
	struct chk_dev c;
	uint64_t capacity, zone_sectors;
	uint32_t max_open, max_active, max_append;
	uint32_t unit; /* sectors per write: write_granularity, at least one sector */
	uint8_t model;
};

/*
 * Opens a zoned device (ZONED offered, model host-managed or host-aware;
 * else not applicable) with ZONED negotiated and reads its zone
 * characteristics. False if the check ends here.
 */
bool zblk_open(struct pf_test *t, struct zblk *z);

/* A status byte, zoned codes included, as text. */
const char *zblk_status_name(uint8_t s);

/*
 * ZONE_REPORT from `sector`: up to `max` descriptors into d, their count
 * in *n. Returns the status, or -1 if the check must end.
 */
int zblk_report(struct pf_test *t, struct zblk *z, uint64_t sector, struct zblk_zone *d,
		unsigned max, unsigned *n);

/* The descriptor of the zone holding `sector`: 1, 0 (reported) or -1. */
int zblk_zone(struct pf_test *t, struct zblk *z, uint64_t sector, struct zblk_zone *d);

/* A zone management request (OPEN ... RESET_ALL): its status or -1. */
int zblk_op(struct pf_test *t, struct zblk *z, uint32_t type, uint64_t sector, const char *what);

/*
 * OUT (or ZONE_APPEND, then *append_sector filled) of `sectors` sectors
 * of a pattern made from `seed` at `sector`: its status or -1.
 */
int zblk_write(struct pf_test *t, struct zblk *z, uint32_t type, uint64_t sector, uint32_t sectors,
	       uint8_t seed, uint64_t *append_sector, const char *what);

/* IN of `sectors` sectors into buf: its status or -1. */
int zblk_read(struct pf_test *t, struct zblk *z, uint64_t sector, uint32_t sectors, uint8_t *buf,
	      const char *what);

/* The pattern zblk_write() sends for `seed`. */
void zblk_pattern(uint8_t *buf, uint32_t len, uint8_t seed);

/*
 * Finds the nth (from 0) zone of `type` that is neither read-only nor
 * offline. Returns 1, 0 if there is none, -1 if the check must end.
 */
int zblk_find(struct pf_test *t, struct zblk *z, uint8_t type, unsigned nth, struct zblk_zone *d);

/* Whether a request's status is `want`; reported on `sub` if not. */
bool zblk_expect(struct pf_test *t, int st, uint8_t want, const char *sub, const char *what);

/* Whether zone `start` is in `state` with its write pointer at `wp` (any
 * if wp is ~0); reported on `sub` if not. False also if the check ends. */
bool zblk_expect_zone(struct pf_test *t, struct zblk *z, uint64_t start, uint8_t state, uint64_t wp,
		      const char *sub);

#endif

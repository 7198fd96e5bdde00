/* SPDX-License-Identifier: MIT */
/* A simulated block device (5.2) for the blk suite's unit tables. */
#ifndef PF_SIM_BLK_H
#define PF_SIM_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_device.h"

#define SIM_BLK_SECTORS 64u

/* Faults of the model, each breaking one rule of 5.2.6 */
#define SIM_BLK_UNKNOWN_OK (1u << 0)	   /* an unknown request type completes OK */
#define SIM_BLK_BEYOND_OK (1u << 1)	   /* reads past the capacity complete OK */
#define SIM_BLK_ID_NO_PAD (1u << 2)	   /* GET_ID: bytes after the NUL not zero */
#define SIM_BLK_CORRUPT (1u << 3)	   /* a write stores one byte changed */
#define SIM_BLK_ZONE_OK (1u << 4)	   /* ZONE_* without ZONED complete OK */
#define SIM_BLK_RO_WRITES (1u << 5)	   /* RO: a write stores and completes OK */
#define SIM_BLK_RO_STORES (1u << 6)	   /* RO: a write says IOERR but stores */
#define SIM_BLK_DISCARD_UNMAP_OK (1u << 7) /* DISCARD with the unmap flag completes OK */
#define SIM_BLK_FLAGS_IGNORED (1u << 8)	   /* unknown flag bits ignored */
#define SIM_BLK_WZ_UNMAP_STALE (1u << 9)   /* WRITE_ZEROES with unmap leaves the data */
#define SIM_BLK_NULL (1u << 10)		   /* a null back end: writes vanish, reads zero */
#define SIM_BLK_HM_ANY (1u << 11)	   /* host-managed: FEATURES_OK kept without ZONED */

/*
 * The zoned model (sim_blk_zoned()): zones of SIM_BLKZ_SECTORS sectors,
 * zone 0 conventional, the others sequential with a writable capacity of
 * SIM_BLKZ_CAP sectors; at most 2 open and 3 active zones, appends of up
 * to 4 sectors. Its faults, each breaking one rule of 5.2.6.2:
 */
#define SIM_BLKZ_SECTORS 8u
#define SIM_BLKZ_ZONES (SIM_BLK_SECTORS / SIM_BLKZ_SECTORS)
#define SIM_BLKZ_CAP 6u
#define SIM_BLKZ_CONV_OK (1u << 16)	    /* zone ops on a conventional zone complete OK */
#define SIM_BLKZ_APPEND_CONV (1u << 17)	    /* ZONE_APPEND to a conventional zone writes */
#define SIM_BLKZ_APPEND_MID (1u << 18)	    /* ZONE_APPEND not at a zone start accepted */
#define SIM_BLKZ_APPEND_SECTOR (1u << 19)   /* append_sector is the zone start, always */
#define SIM_BLKZ_APPEND_BIG (1u << 20)	    /* appends over max_append_sectors accepted */
#define SIM_BLKZ_ANY_WP (1u << 21)	    /* writes anywhere in a sequential zone */
#define SIM_BLKZ_CROSS (1u << 22)	    /* requests across zones served */
#define SIM_BLKZ_OVERFILL (1u << 23)	    /* writes past the zone capacity served */
#define SIM_BLKZ_OPEN_FULL (1u << 24)	    /* ZONE_OPEN and ZONE_CLOSE of a full zone OK */
#define SIM_BLKZ_NO_OPEN_LIMIT (1u << 25)   /* max_open_zones not enforced on ZONE_OPEN */
#define SIM_BLKZ_NO_IMPL_LIMIT (1u << 26)   /* max_open/active not enforced on writes */
#define SIM_BLKZ_STALE (1u << 27)	    /* reads past the write pointer give old data */
#define SIM_BLKZ_SE_NO_RESET (1u << 28)	    /* SECURE_ERASE leaves the zone state */
#define SIM_BLKZ_OFFLINE_OK (1u << 29)	    /* RESET/FINISH of an offline zone OK */
#define SIM_BLKZ_NO_ACTIVE_LIMIT (1u << 30) /* max_active_zones not enforced on ZONE_OPEN */
#define SIM_BLKZ_BAD_START (1u << 31)	    /* ZONE_REPORT numbers zones from 0 wherever asked */

struct sim_blk_zone {
	uint8_t type, state;
	uint64_t wp;
};

struct sim_blk {
	uint8_t disk[SIM_BLK_SECTORS * 512];
	uint32_t faults;
	uint16_t lifetime[3]; /* pre_eol_info, estimates type A and B */
	bool zoned;	      /* sim_blk_zoned() */
	struct sim_blk_zone zone[SIM_BLKZ_ZONES];
};

/* Makes s (opened as device type 2 with its features) a block device: a
 * clean configuration, s->serve and s->model set. */
void sim_blk_attach(struct sim_dev *s, struct sim_blk *b, uint32_t faults);

/* Makes an attached block device zoned with `model` (1 host-managed, 2
 * host-aware: sequential write preferred zones), every zone empty. */
void sim_blk_zoned(struct sim_dev *s, struct sim_blk *b, uint8_t model);

/* Serves a request to a zoned device with ZONED negotiated: its status,
 * *written the data bytes written; -1 for types the zoned model leaves to
 * the plain one (sim_blk_zoned.c). */
int sim_blk_zoned_serve(struct sim_dev *s, struct sim_blk *b, const struct sim_req *r,
			uint32_t type, uint64_t sector, uint32_t *written);

#endif

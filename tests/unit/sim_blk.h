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

struct sim_blk {
	uint8_t disk[SIM_BLK_SECTORS * 512];
	uint32_t faults;
	uint16_t lifetime[3]; /* pre_eol_info, estimates type A and B */
};

/* Makes s (opened as device type 2 with its features) a block device: a
 * clean configuration, s->serve and s->model set. */
void sim_blk_attach(struct sim_dev *s, struct sim_blk *b, uint32_t faults);

#endif

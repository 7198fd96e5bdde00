/* SPDX-License-Identifier: MIT */
/* A simulated file system device (5.11) for the fs suite's unit table. */
#ifndef PF_SIM_FS_H
#define PF_SIM_FS_H

#include <stdint.h>

#include "sim_device.h"

/* Faults */
#define SIM_FS_USED_LEN_ZERO (1u << 0) /* used len 0 for every reply (known bug B33) */
#define SIM_FS_UNIQUE (1u << 1)	       /* replies carry another unique */
#define SIM_FS_ROOT_FILE (1u << 2)     /* the root's attributes say regular file */
#define SIM_FS_LOOKUP_ANY (1u << 3)    /* every name is found */

struct sim_fs {
	uint32_t faults;
};

/* Makes s (opened as device type 26 with hiprio and one request queue) a
 * file system device with the tag "pf-share". */
void sim_fs_attach(struct sim_dev *s, struct sim_fs *f, uint32_t faults);

#endif

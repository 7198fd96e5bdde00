/* SPDX-License-Identifier: MIT */
/* A simulated 9P transport (virtio-9p) for the 9p suite's unit table. */
#ifndef PF_SIM_9P_H
#define PF_SIM_9P_H

#include <stdint.h>

#include "sim_device.h"

/* Faults */
#define SIM_9P_SIZE_WRONG (1u << 0) /* reply size one more than the bytes written */
#define SIM_9P_TAG_WRONG (1u << 1)  /* replies carry another tag */
#define SIM_9P_MSIZE_UP (1u << 2)   /* Rversion offers more than the msize asked */
#define SIM_9P_WALK_ANY (1u << 3)   /* every name is found */
#define SIM_9P_WRITE_EIO (1u << 4)  /* opening for writing fails with EIO, not EROFS */

struct sim_9p {
	uint32_t faults;
};

/* Makes s (device type 9, MOUNT_TAG offered) a 9P server with a root
 * holding one file, "hello" and the mount tag "pf0". */
void sim_9p_attach(struct sim_dev *s, struct sim_9p *p, uint32_t faults);

#endif

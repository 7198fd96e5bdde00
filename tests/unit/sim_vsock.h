/* SPDX-License-Identifier: MIT */
/* A simulated socket device (5.10) for the vsock suite's unit table. */
#ifndef PF_SIM_VSOCK_H
#define PF_SIM_VSOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_device.h"

#define SIM_VSOCK_CID 3u
#define SIM_VSOCK_SVC_PORT 5000u /* the host service: sends SIM_VSOCK_DATA bytes on connect */
#define SIM_VSOCK_DATA 200u

/* Faults, each breaking one rule of 5.10.6 */
#define SIM_VSOCK_IGNORE_CREDIT (1u << 0) /* sends all its data whatever the credit */
#define SIM_VSOCK_NO_RST (1u << 1)	  /* drops packets of an unknown type */
#define SIM_VSOCK_BAD_FWD (1u << 2)	  /* fwd_cnt counts bytes never sent */
#define SIM_VSOCK_NO_SERVICE (1u << 3)	  /* nothing listens on the service port */

struct sim_vsock {
	uint32_t faults;
	uint8_t pending[4][44]; /* control packets waiting for an rx buffer */
	unsigned npending;
	bool connected;
	uint32_t peer_port, sent, peer_buf_alloc, peer_fwd_cnt;
};

/* Makes s (opened as device type 19 with 3 queues) a socket device. */
void sim_vsock_attach(struct sim_dev *s, struct sim_vsock *v, uint32_t faults);

#endif

/* SPDX-License-Identifier: MIT */
/* The console device suite (5.3): what its two files share. */
#ifndef PF_CHECKS_DEV_CONSOLE_H
#define PF_CHECKS_DEV_CONSOLE_H

#include <stdint.h>

#include "dev_queue.h"

/* Feature bits (5.3.3) */
#define VIRTIO_CONSOLE_F_SIZE 0
#define VIRTIO_CONSOLE_F_MULTIPORT 1
#define VIRTIO_CONSOLE_F_EMERG_WRITE 2

/* Device configuration layout (5.3.4) */
#define CONSOLE_CFG_COLS 0
#define CONSOLE_CFG_ROWS 2
#define CONSOLE_CFG_MAX_NR_PORTS 4
#define CONSOLE_CFG_EMERG_WR 8

/* Queues (5.3.2): port 0, then with MULTIPORT the control queues */
#define CONSOLE_RECEIVEQ0 0
#define CONSOLE_TRANSMITQ0 1
#define CONSOLE_CONTROL_RECEIVEQ 2
#define CONSOLE_CONTROL_TRANSMITQ 3

/* Output on transmitq0 completes with used len 0; 1 or a negative code. */
int console_output(struct pf_test *t, struct chk_dev *c, const char *text, const char *what);

#endif

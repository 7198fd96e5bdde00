/* SPDX-License-Identifier: MIT */
/* What the GPIO suite's checks share (5.18): message layout and helpers. */
#ifndef PF_CHECKS_DEV_GPIO_H
#define PF_CHECKS_DEV_GPIO_H

#include <stdbool.h>
#include <stdint.h>

#include "dev_queue.h"

#define GPIO_REQUESTQ 0
#define GPIO_EVENTQ 1
#define VIRTIO_GPIO_F_IRQ 0

/* virtio_gpio_config (5.18.4) */
#define GPIO_CFG_NGPIO 0
#define GPIO_CFG_PADDING 2
#define GPIO_CFG_NAMES_SIZE 4

#define VIRTIO_GPIO_MSG_GET_LINE_NAMES 0x0001
#define VIRTIO_GPIO_MSG_GET_DIRECTION 0x0002
#define VIRTIO_GPIO_MSG_SET_DIRECTION 0x0003
#define VIRTIO_GPIO_MSG_GET_VALUE 0x0004
#define VIRTIO_GPIO_MSG_SET_VALUE 0x0005
#define VIRTIO_GPIO_MSG_SET_IRQ_TYPE 0x0006
#define GPIO_MSG_UNKNOWN 0x007f

#define VIRTIO_GPIO_STATUS_OK 0x0
#define VIRTIO_GPIO_STATUS_ERR 0x1
#define VIRTIO_GPIO_DIRECTION_NONE 0x00
#define VIRTIO_GPIO_DIRECTION_OUT 0x01
#define VIRTIO_GPIO_DIRECTION_IN 0x02
#define VIRTIO_GPIO_IRQ_TYPE_NONE 0x00
#define VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH 0x03
#define VIRTIO_GPIO_IRQ_STATUS_INVALID 0x0
#define VIRTIO_GPIO_IRQ_STATUS_VALID 0x1

#define GPIO_REQ_LEN 8
#define GPIO_MAX_LINES 256 /* lines a check walks, at most */
#define GPIO_NAMES_MAX (CHK_DEV_BOUNCE - 1)
#define GPIO_BATCH 4

struct gpio_resp {
	uint8_t status, value;
};

/* A virtio_gpio_request for type, gpio, value at p (8 bytes). */
void gpio_req(uint8_t *p, uint16_t type, uint16_t gpio, uint32_t value);
/* One message, answered in *r. Returns 1 or a negative code (reported). */
int gpio_msg(struct pf_test *t, struct chk_dev *c, uint16_t type, uint16_t gpio, uint32_t value,
	     struct gpio_resp *r);
/* A SET_* message: its fields reported, `sub` when it did not succeed. */
bool gpio_set(struct pf_test *t, struct chk_dev *c, uint16_t type, uint16_t gpio, uint32_t value,
	      const char *sub);
/* GET_DIRECTION / GET_VALUE: true with *v when answered OK, *v <= max. */
bool gpio_get(struct pf_test *t, struct chk_dev *c, uint16_t type, uint16_t gpio, uint8_t max,
	      uint8_t *v);
uint16_t gpio_ngpio(const struct chk_dev *c);

#endif

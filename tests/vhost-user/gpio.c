/* SPDX-License-Identifier: MIT */
/*
 * virtio-gpio (VIRTIO 1.4, 5.18): eight simulated lines with names (some
 * empty), a direction and an output value each; lines 2k and 2k+1 are
 * wired together, so an input reads what its partner drives. The eventq
 * keeps the driver's buffers (interrupts unmasked) until SET_IRQ_TYPE NONE
 * disables an enabled interrupt: then they come back with status INVALID.
 * No signal ever changes by itself, so no interrupt is ever VALID.
 * (QEMU 7.2's vhost-user-gpio front-end never offers VIRTIO_GPIO_F_IRQ,
 * whatever the back-end says, so through it the eventq stays unused.)
 */
#include <string.h>

#include "vu.h"

#define GPIO_REQUESTQ 0
#define GPIO_EVENTQ 1
#define MSG_GET_LINE_NAMES 1
#define MSG_GET_DIRECTION 2
#define MSG_SET_DIRECTION 3
#define MSG_GET_VALUE 4
#define MSG_SET_VALUE 5
#define MSG_SET_IRQ_TYPE 6
#define STATUS_OK 0
#define STATUS_ERR 1
#define DIR_NONE 0
#define DIR_OUT 1
#define DIR_IN 2
#define IRQ_TYPE_MAX 8
#define IRQ_STATUS_INVALID 0

/* gpio_names: one NUL-terminated name per line, empty names allowed */
static const char names[] = "led-red\0\0button\0\0\0reset\0\0door";

uint64_t vu_gpio_features(const struct vu_dev *d)
{
	(void)d;
	return 1ull << VIRTIO_GPIO_F_IRQ;
}

size_t vu_gpio_config(const struct vu_dev *d, uint8_t *buf, size_t len)
{
	uint8_t c[8] = { VU_GPIO_LINES, 0, 0, 0, sizeof(names), 0, 0, 0 };

	if (fault(d, F_GPIO_CONFIG_PADDING))
		c[2] = 0xff;
	if (fault(d, F_GPIO_NAMES_UNTERMINATED))
		c[4]--; /* the block ends before the last name's NUL */
	memset(buf, 0, len);
	memcpy(buf, c, len < sizeof(c) ? len : sizeof(c));
	return len;
}

bool vu_gpio_holds(const struct vu_dev *d, unsigned queue)
{
	return d->type == VU_GPIO && queue == GPIO_EVENTQ && !d->gpio_release;
}

/* The response: status, then value unless the fault leaves it unset. */
static void respond(struct vu_dev *d, struct vu_req *r, uint8_t status, uint8_t value)
{
	vu_req_write(r, 0, &status, 1);
	r->written = 1;
	if (!fault(d, F_GPIO_VALUE_UNSET) && r->wr_len >= 2) {
		vu_req_write(r, 1, &value, 1);
		r->written = 2;
	}
}

static uint8_t line_value(const struct vu_dev *d, unsigned l)
{
	if (d->gpio_dir[l] == DIR_OUT)
		return d->gpio_val[l];
	if (d->gpio_dir[l] == DIR_IN && d->gpio_dir[l ^ 1] == DIR_OUT)
		return d->gpio_val[l ^ 1];
	return 0;
}

static int gpio_request(struct vu_dev *d, struct vu_req *r)
{
	uint8_t q[8], st = STATUS_OK, v = 0;
	uint16_t type, line;
	uint32_t value;

	if (r->rd_len < sizeof(q) || r->wr_len < 2)
		return -1;
	vu_req_read(r, 0, q, sizeof(q));
	type = (uint16_t)(q[0] | q[1] << 8);
	line = (uint16_t)(q[2] | q[3] << 8);
	value = q[4] | (uint32_t)q[5] << 8 | (uint32_t)q[6] << 16 | (uint32_t)q[7] << 24;
	if (type == MSG_GET_LINE_NAMES) {
		size_t size = sizeof(names) - fault(d, F_GPIO_NAMES_UNTERMINATED);

		st = r->wr_len == size + 1 ? STATUS_OK : STATUS_ERR;
		vu_req_write(r, 0, &st, 1);
		if (st == STATUS_OK)
			vu_req_write(r, 1, names, size);
		r->written = (uint32_t)r->wr_len;
		return 0;
	}
	if (line >= VU_GPIO_LINES) {
		respond(d, r, STATUS_ERR, 0);
		return 0;
	}
	switch (type) {
	case MSG_GET_DIRECTION:
		v = d->gpio_dir[line];
		break;
	case MSG_SET_DIRECTION:
		if (value > DIR_IN) {
			st = STATUS_ERR;
			break;
		}
		d->gpio_dir[line] = (uint8_t)value;
		if (value == DIR_NONE) { /* the line's state is discarded */
			d->gpio_val[line] = 0;
			d->gpio_irq[line] = 0;
		}
		break;
	case MSG_GET_VALUE:
		v = line_value(d, line);
		break;
	case MSG_SET_VALUE:
		if (value > 1)
			st = STATUS_ERR;
		else
			d->gpio_val[line] = (uint8_t)value;
		break;
	case MSG_SET_IRQ_TYPE:
		if (!has_feature(d->features, VIRTIO_GPIO_F_IRQ) || value > IRQ_TYPE_MAX ||
		    d->gpio_dir[line] == DIR_OUT) {
			st = STATUS_ERR;
			break;
		}
		if (value == 0 && d->gpio_irq[line])
			d->gpio_release = true; /* the eventq hands its buffers back */
		d->gpio_irq[line] = (uint8_t)value;
		break;
	default:
		st = STATUS_ERR;
	}
	respond(d, r, st, v);
	return 0;
}

int vu_gpio_handle(struct vu_dev *d, unsigned queue, struct vu_req *r)
{
	uint8_t st = IRQ_STATUS_INVALID;

	if (queue == GPIO_REQUESTQ)
		return gpio_request(d, r);
	/* eventq: virtio_gpio_irq_request (le16 gpio) and a status byte */
	if (r->rd_len < 2 || !r->wr_len)
		return -1;
	vu_req_write(r, 0, &st, 1);
	r->written = 1;
	return 0;
}

/* After a pass over the eventq: the buffers it held are back. */
void vu_gpio_released(struct vu_dev *d, unsigned queue)
{
	if (d->type == VU_GPIO && queue == GPIO_EVENTQ)
		d->gpio_release = false;
}

/* SPDX-License-Identifier: MIT */
/*
 * The GPIO device suite (5.18). A message is a virtio_gpio_request (le16
 * type, le16 gpio, le32 value: device-readable) and a virtio_gpio_response
 * (u8 status, u8 value: device-writable, pre-filled with CHK_DEV_FILL so a
 * field the device leaves unset shows). The value checks drive line 0 and
 * put back what it had; the eventq check is in dev_gpio_irq.c.
 */
#include <string.h>

#include "dev_gpio.h"
#include "dev_queue.h"
#include "helpers.h"
#include "report.h"

void gpio_req(uint8_t *p, uint16_t type, uint16_t gpio, uint32_t value)
{
	p[0] = (uint8_t)type;
	p[1] = (uint8_t)(type >> 8);
	p[2] = (uint8_t)gpio;
	p[3] = (uint8_t)(gpio >> 8);
	for (unsigned i = 0; i < 4; i++)
		p[4 + i] = (uint8_t)(value >> (8 * i));
}

static const char *gpio_msg_name(uint16_t type)
{
	static const char *const names[] = {
		"?",	     "GET_LINE_NAMES", "GET_DIRECTION", "SET_DIRECTION",
		"GET_VALUE", "SET_VALUE",      "SET_IRQ_TYPE"
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

/* One message, answered in *r. Returns 1 or a negative code (reported). */
int gpio_msg(struct pf_test *t, struct chk_dev *c, uint16_t type, uint16_t gpio, uint32_t value,
	     struct gpio_resp *r)
{
	uint8_t req[GPIO_REQ_LEN], in[2];
	uint32_t len;
	int rc;

	gpio_req(req, type, gpio, value);
	rc = chk_dev_request(t, c, GPIO_REQUESTQ, req, sizeof(req), in, sizeof(in), &len,
			     gpio_msg_name(type));
	r->status = in[0];
	r->value = in[1];
	return rc;
}

/*
 * A message whose response value is 0 by its table (SET_*): reports its
 * fields under `sub` and returns whether it succeeded.
 */
bool gpio_set(struct pf_test *t, struct chk_dev *c, uint16_t type, uint16_t gpio, uint32_t value,
	      const char *sub)
{
	struct gpio_resp r;

	if (gpio_msg(t, c, type, gpio, value, &r) != 1)
		return false;
	report(t, r.status <= VIRTIO_GPIO_STATUS_ERR, "status-value",
	       "%s line %u: status 0x%02x is neither OK nor ERR", gpio_msg_name(type), gpio,
	       r.status);
	report(t, r.status != VIRTIO_GPIO_STATUS_OK || r.value == 0, "resp-value",
	       "%s line %u: response value 0x%02x, not 0 (a field left unset?)",
	       gpio_msg_name(type), gpio, r.value);
	return report(t, r.status == VIRTIO_GPIO_STATUS_OK, sub,
		      "%s line %u value %u: status 0x%02x", gpio_msg_name(type), gpio, value,
		      r.status);
}

/* GET_DIRECTION / GET_VALUE of a line: true with *v when answered OK with
 * a value at most `max`. */
bool gpio_get(struct pf_test *t, struct chk_dev *c, uint16_t type, uint16_t gpio, uint8_t max,
	      uint8_t *v)
{
	struct gpio_resp r;

	if (gpio_msg(t, c, type, gpio, 0, &r) != 1)
		return false;
	report(t, r.status <= VIRTIO_GPIO_STATUS_ERR, "status-value",
	       "%s line %u: status 0x%02x is neither OK nor ERR", gpio_msg_name(type), gpio,
	       r.status);
	if (r.status != VIRTIO_GPIO_STATUS_OK)
		return false;
	*v = r.value;
	return report(t, r.value <= max, "resp-value",
		      "%s line %u: value 0x%02x out of range (a field left unset?)",
		      gpio_msg_name(type), gpio, r.value);
}

uint16_t gpio_ngpio(const struct chk_dev *c)
{
	return (uint16_t)chk_dev_cfg(c, GPIO_CFG_NGPIO, 2);
}

void check_GPIO_CONFIG(struct pf_test *t)
{
	struct chk_dev c;
	uint16_t ngpio, pad;
	uint32_t names;

	if (!chk_dev_open(t, &c, 0, 1, false))
		goto out;
	ngpio = gpio_ngpio(&c);
	pad = (uint16_t)chk_dev_cfg(&c, GPIO_CFG_PADDING, 2);
	names = (uint32_t)chk_dev_cfg(&c, GPIO_CFG_NAMES_SIZE, 4);
	report(t, pad == 0, "padding", "config padding reads 0x%04x, not zero", pad);
	report_should(t, ngpio != 0, "ngpio-zero", "ngpio is 0: a GPIO device with no lines");
	report_should(t, names == 0 || names >= ngpio, "names-size-short",
		      "gpio_names_size %u is less than one NUL per line (ngpio %u)", names, ngpio);
	report_should(t,
		      gpio_ngpio(&c) == ngpio && chk_dev_cfg(&c, GPIO_CFG_NAMES_SIZE, 4) == names,
		      "unstable", "the configuration changed between two reads");
out:
	chk_dev_close(&c);
}

/* Whether the n bytes of name at p equal another name of the block. */
static bool gpio_name_repeated(const uint8_t *blk, uint32_t size, uint32_t off, uint32_t n)
{
	for (uint32_t o = 0; o < off;) {
		uint32_t k = (uint32_t)strnlen((const char *)blk + o, size - o);

		if (k == n && !memcmp(blk + o, blk + off, n))
			return true;
		o += k + 1;
	}
	return false;
}

void check_GPIO_NAMES(struct pf_test *t)
{
	struct chk_dev c;
	uint8_t req[GPIO_REQ_LEN];
	const uint8_t *in;
	uint32_t size, len, off = 0, lines = 0;
	uint16_t ngpio;
	bool ascii = true;
	int slot, rc;

	if (!chk_dev_open(t, &c, 0, 1, true))
		goto out;
	ngpio = gpio_ngpio(&c);
	size = (uint32_t)chk_dev_cfg(&c, GPIO_CFG_NAMES_SIZE, 4);
	if (!size) {
		report_na(t, "gpio_names_size is 0: the device names no lines");
		goto out;
	}
	if (size > GPIO_NAMES_MAX) {
		report_skip(t, "gpio_names_size %u is more than the %u bytes a request takes", size,
			    GPIO_NAMES_MAX);
		goto out;
	}
	gpio_req(req, VIRTIO_GPIO_MSG_GET_LINE_NAMES, 0, 0);
	rc = chk_dev_post(t, &c, GPIO_REQUESTQ, req, sizeof(req), size + 1);
	if (rc < 0)
		goto out;
	chk_dev_kick(&c, GPIO_REQUESTQ);
	rc = chk_dev_wait(t, &c, GPIO_REQUESTQ, &slot, &len);
	if (rc == PF_ETIMEDOUT)
		report(t, false, "no-used", "GET_LINE_NAMES: no used buffer");
	if (rc != 1)
		goto out;
	in = chk_dev_in(&c, GPIO_REQUESTQ, slot);
	if (!report(t, in[0] == VIRTIO_GPIO_STATUS_OK, "status",
		    "GET_LINE_NAMES with a %u-byte block: status 0x%02x", size, in[0]))
		goto out;
	/* one NUL-terminated string per line, exactly filling the block */
	in++;
	while (off < size && lines < ngpio) {
		uint32_t n = (uint32_t)strnlen((const char *)in + off, size - off);

		if (!report(t, off + n < size, "not-terminated",
			    "the name of line %u runs to the end of the %u-byte block without a "
			    "NUL",
			    lines, size))
			goto out;
		for (uint32_t i = 0; i < n; i++)
			ascii = ascii && in[off + i] < 0x80;
		report(t, !n || !gpio_name_repeated(in, size, off, n), "not-unique",
		       "the name of line %u (%u bytes) is also another line's", lines, n);
		off += n + 1;
		lines++;
	}
	report(t, lines == ngpio, "too-few-names",
	       "the %u-byte block holds names for %u of %u lines", size, lines, ngpio);
	report(t, off == size, "size-mismatch",
	       "the names of %u lines take %u bytes, gpio_names_size says %u", lines, off, size);
	report_should(t, ascii, "not-ascii", "a line name is not 7-bit ASCII");
out:
	chk_dev_close(&c);
}

void check_GPIO_REQUESTS(struct pf_test *t)
{
	struct chk_dev c;
	struct gpio_resp r;
	uint16_t ngpio, lines;
	uint8_t v;

	if (!chk_dev_open(t, &c, 0, 1, true))
		goto out;
	ngpio = gpio_ngpio(&c);
	lines = ngpio < GPIO_MAX_LINES ? ngpio : GPIO_MAX_LINES;
	for (uint16_t l = 0; l < lines && !report_stopped(t); l++) {
		report(t,
		       gpio_get(t, &c, VIRTIO_GPIO_MSG_GET_DIRECTION, l, 2, &v) ||
			       report_stopped(t),
		       "get-direction", "GET_DIRECTION of line %u did not answer OK", l);
		/* a line with no direction may refuse GET_VALUE; an answer OK
		 * must be 0 or 1 */
		(void)gpio_get(t, &c, VIRTIO_GPIO_MSG_GET_VALUE, l, 1, &v);
	}
	if (report_stopped(t))
		goto out;
	/* invalid requests: status ERR, whatever else they carry */
	if (gpio_msg(t, &c, VIRTIO_GPIO_MSG_GET_DIRECTION, ngpio, 0, &r) != 1)
		goto out;
	report(t, r.status == VIRTIO_GPIO_STATUS_ERR, "bad-line",
	       "GET_DIRECTION of line %u (ngpio %u): status 0x%02x, not ERR", ngpio, ngpio,
	       r.status);
	if (gpio_msg(t, &c, VIRTIO_GPIO_MSG_GET_VALUE, ngpio, 0, &r) != 1)
		goto out;
	report(t, r.status == VIRTIO_GPIO_STATUS_ERR, "bad-line",
	       "GET_VALUE of line %u (ngpio %u): status 0x%02x, not ERR", ngpio, ngpio, r.status);
	if (ngpio && gpio_msg(t, &c, VIRTIO_GPIO_MSG_SET_DIRECTION, 0, 3, &r) == 1)
		report(t, r.status == VIRTIO_GPIO_STATUS_ERR, "bad-direction",
		       "SET_DIRECTION line 0 to direction 3: status 0x%02x, not ERR", r.status);
	if (!report_stopped(t) && gpio_msg(t, &c, GPIO_MSG_UNKNOWN, 0, 0, &r) == 1)
		report(t, r.status == VIRTIO_GPIO_STATUS_ERR, "bad-type",
		       "message type 0x%04x: status 0x%02x, not ERR", GPIO_MSG_UNKNOWN, r.status);
out:
	chk_dev_close(&c);
}

/*
 * SET_VALUE 0, GET_VALUE, SET_VALUE 1, GET_VALUE on line 0, an output, made
 * available together: answered in that order, the reads 0 then 1.
 */
static void gpio_batch(struct pf_test *t, struct chk_dev *c)
{
	static const uint16_t type[GPIO_BATCH] = { VIRTIO_GPIO_MSG_SET_VALUE,
						   VIRTIO_GPIO_MSG_GET_VALUE,
						   VIRTIO_GPIO_MSG_SET_VALUE,
						   VIRTIO_GPIO_MSG_GET_VALUE };
	static const uint32_t value[GPIO_BATCH] = { 0, 0, 1, 0 };
	int slot[GPIO_BATCH];

	for (unsigned i = 0; i < GPIO_BATCH; i++) {
		uint8_t req[GPIO_REQ_LEN];

		gpio_req(req, type[i], 0, value[i]);
		slot[i] = chk_dev_post(t, c, GPIO_REQUESTQ, req, sizeof(req), 2);
		if (slot[i] < 0)
			return;
	}
	chk_dev_kick(c, GPIO_REQUESTQ);
	for (unsigned i = 0; i < GPIO_BATCH; i++) {
		const uint8_t *in;
		uint32_t len;
		int s, rc = chk_dev_wait(t, c, GPIO_REQUESTQ, &s, &len);

		if (rc == PF_ETIMEDOUT)
			report(t, false, "batch/no-used",
			       "%u of %u messages for line 0 never came back", GPIO_BATCH - i,
			       GPIO_BATCH);
		if (rc != 1)
			return;
		if (!report(t, s == slot[i], "batch/answer-order",
			    "message %u of %u for line 0 was answered in place %u", i, GPIO_BATCH,
			    i))
			return;
		in = chk_dev_in(c, GPIO_REQUESTQ, s);
		if (type[i] == VIRTIO_GPIO_MSG_GET_VALUE)
			report(t, in[0] == VIRTIO_GPIO_STATUS_OK && in[1] == value[i - 1],
			       "batch/process-order",
			       "GET_VALUE after SET_VALUE %u, made available together, read status "
			       "0x%02x value 0x%02x",
			       value[i - 1], in[0], in[1]);
	}
}

void check_GPIO_SET_GET(struct pf_test *t)
{
	struct chk_dev c;
	uint8_t dir0 = VIRTIO_GPIO_DIRECTION_NONE, val0 = 0, v;

	if (!chk_dev_open(t, &c, 0, 1, true))
		goto out;
	if (!gpio_ngpio(&c)) {
		report_na(t, "ngpio is 0: no line to drive");
		goto out;
	}
	if (!gpio_get(t, &c, VIRTIO_GPIO_MSG_GET_DIRECTION, 0, 2, &dir0))
		goto out;
	if (dir0 == VIRTIO_GPIO_DIRECTION_OUT)
		(void)gpio_get(t, &c, VIRTIO_GPIO_MSG_GET_VALUE, 0, 1, &val0);
	/* the value first, then the direction, as 5.18.6.3 asks of a driver */
	if (!gpio_set(t, &c, VIRTIO_GPIO_MSG_SET_VALUE, 0, 1, "set-value"))
		goto out;
	if (!gpio_set(t, &c, VIRTIO_GPIO_MSG_SET_DIRECTION, 0, VIRTIO_GPIO_DIRECTION_OUT,
		      "set-direction"))
		goto out;
	if (gpio_get(t, &c, VIRTIO_GPIO_MSG_GET_DIRECTION, 0, 2, &v))
		report(t, v == VIRTIO_GPIO_DIRECTION_OUT, "direction-readback",
		       "line 0 set to output reads direction %u", v);
	if (gpio_get(t, &c, VIRTIO_GPIO_MSG_GET_VALUE, 0, 1, &v))
		report(t, v == 1, "value-readback",
		       "line 0, an output set high before it became one, reads %u", v);
	if (report_stopped(t))
		goto out;
	gpio_batch(t, &c);
	if (report_stopped(t))
		goto out;
	if (gpio_set(t, &c, VIRTIO_GPIO_MSG_SET_DIRECTION, 0, VIRTIO_GPIO_DIRECTION_IN,
		     "set-direction") &&
	    gpio_get(t, &c, VIRTIO_GPIO_MSG_GET_DIRECTION, 0, 2, &v))
		report(t, v == VIRTIO_GPIO_DIRECTION_IN, "direction-readback",
		       "line 0 set to input reads direction %u", v);
	if (gpio_set(t, &c, VIRTIO_GPIO_MSG_SET_DIRECTION, 0, VIRTIO_GPIO_DIRECTION_NONE,
		     "set-direction") &&
	    gpio_get(t, &c, VIRTIO_GPIO_MSG_GET_DIRECTION, 0, 2, &v))
		report(t, v == VIRTIO_GPIO_DIRECTION_NONE, "none-readback",
		       "line 0 set to direction none reads direction %u", v);
	/* put line 0 back as it was */
	if (dir0 == VIRTIO_GPIO_DIRECTION_OUT)
		(void)gpio_set(t, &c, VIRTIO_GPIO_MSG_SET_VALUE, 0, val0, "restore");
	if (dir0 != VIRTIO_GPIO_DIRECTION_NONE)
		(void)gpio_set(t, &c, VIRTIO_GPIO_MSG_SET_DIRECTION, 0, dir0, "restore");
out:
	chk_dev_close(&c);
}

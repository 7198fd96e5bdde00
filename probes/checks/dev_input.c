/* SPDX-License-Identifier: MIT */
/* The input device suite (5.8): configuration select/subsel and the queues. */
#include <string.h>

#include "dev_queue.h"
#include "report.h"

/* Device configuration layout (5.8.4) */
#define INPUT_CFG_SELECT 0
#define INPUT_CFG_SUBSEL 1
#define INPUT_CFG_SIZE 2
#define INPUT_CFG_U 8
#define INPUT_U_LEN 128

/* select values (5.8.4) */
#define VIRTIO_INPUT_CFG_UNSET 0x00
#define VIRTIO_INPUT_CFG_ID_NAME 0x01
#define VIRTIO_INPUT_CFG_ID_SERIAL 0x02
#define VIRTIO_INPUT_CFG_ID_DEVIDS 0x03
#define VIRTIO_INPUT_CFG_PROP_BITS 0x10
#define VIRTIO_INPUT_CFG_EV_BITS 0x11
#define VIRTIO_INPUT_CFG_ABS_INFO 0x12

/* evdev constants the device's events use (5.8.6) */
#define EV_SYN 0x00
#define EV_KEY 0x01
#define EV_REL 0x02
#define EV_ABS 0x03
#define EV_LED 0x11
#define EV_MAX 0x1f
#define ABS_MAX 0x3f
#define LED_CAPSL 0x01

#define INPUT_EVENTQ 0
#define INPUT_STATUSQ 1
#define INPUT_EVENT_LEN 8 /* le16 type, le16 code, le32 value */
#define ABS_INFO_LEN 20	  /* le32 min, max, fuzz, flat, res */

/* Selects select/subsel and returns size (5.8.5: the driver writes
 * select and subsel, then reads size and u). */
static uint8_t input_select(struct virtio_dev *d, uint8_t select, uint8_t subsel, uint8_t *u)
{
	uint8_t size;

	d->ops->config_write(d, INPUT_CFG_SELECT, select, 1);
	d->ops->config_write(d, INPUT_CFG_SUBSEL, subsel, 1);
	size = (uint8_t)d->ops->config_read(d, INPUT_CFG_SIZE, 1);
	if (u)
		for (unsigned i = 0; i < INPUT_U_LEN; i++)
			u[i] = (uint8_t)d->ops->config_read(d, INPUT_CFG_U + i, 1);
	return size;
}

static bool input_open(struct pf_test *t, struct chk_dev *c)
{
	/* config before DRIVER_OK, as a driver reads it at initialisation */
	return chk_dev_open(t, c, 0, 2, false);
}

/* The first axis EV_ABS does not offer (ABS_MAX + 1 when all are). */
static unsigned absent_axis(struct virtio_dev *d)
{
	uint8_t u[INPUT_U_LEN];
	uint8_t size = input_select(d, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS, u);

	for (unsigned a = 0; a <= ABS_MAX; a++)
		if (a / 8 >= size || !(u[a / 8] & (1u << (a % 8))))
			return a;
	return ABS_MAX + 1;
}

void check_INPUT_CFG_UNSUPPORTED(struct pf_test *t)
{
	static const struct {
		uint8_t select, subsel;
		const char *what;
	} pairs[] = {
		{ VIRTIO_INPUT_CFG_UNSET, 0, "UNSET" },
		{ VIRTIO_INPUT_CFG_ID_NAME, 1, "ID_NAME with subsel 1" },
		{ VIRTIO_INPUT_CFG_ID_DEVIDS, 0x80, "ID_DEVIDS with subsel 0x80" },
		{ VIRTIO_INPUT_CFG_PROP_BITS, 1, "PROP_BITS with subsel 1" },
		{ VIRTIO_INPUT_CFG_EV_BITS, EV_MAX + 1, "EV_BITS of event type 0x20" },
		{ VIRTIO_INPUT_CFG_EV_BITS, 0xff, "EV_BITS of event type 0xff" },
		{ VIRTIO_INPUT_CFG_ABS_INFO, ABS_MAX + 1, "ABS_INFO of axis 0x40" },
		{ 0x04, 0, "undefined select 0x04" },
		{ 0x13, 0, "undefined select 0x13" },
		{ 0xff, 0, "undefined select 0xff" },
	};
	struct chk_dev c;
	unsigned axis;
	uint8_t size;

	if (!input_open(t, &c))
		return;
	for (unsigned i = 0; i < sizeof(pairs) / sizeof(pairs[0]) && !report_stopped(t); i++) {
		/* a supported pair first, so a size left over from it shows */
		input_select(c.dev, VIRTIO_INPUT_CFG_ID_NAME, 0, NULL);
		size = input_select(c.dev, pairs[i].select, pairs[i].subsel, NULL);
		report(t, size == 0, "size-nonzero", "%s (select 0x%02x subsel 0x%02x): size %u",
		       pairs[i].what, pairs[i].select, pairs[i].subsel, size);
	}
	axis = absent_axis(c.dev);
	if (axis <= ABS_MAX && !report_stopped(t)) {
		input_select(c.dev, VIRTIO_INPUT_CFG_ID_NAME, 0, NULL);
		size = input_select(c.dev, VIRTIO_INPUT_CFG_ABS_INFO, (uint8_t)axis, NULL);
		report(t, size == 0, "abs-absent-nonzero",
		       "ABS_INFO of axis 0x%02x, which EV_BITS(EV_ABS) does not offer: size %u",
		       axis, size);
	}
	chk_dev_close(&c);
}

/* A string selection: within the union, printable up to size, the same
 * on a second read. Returns its size. */
static uint8_t check_string(struct pf_test *t, struct virtio_dev *d, uint8_t select,
			    const char *what)
{
	uint8_t u[INPUT_U_LEN], again[INPUT_U_LEN];
	uint8_t size = input_select(d, select, 0, u);

	if (!report_should(t, size <= INPUT_U_LEN, "size-over-union",
			   "%s: size %u, the union holds %u", what, size, INPUT_U_LEN))
		return size;
	/* printable characters, then NUL padding (QEMU counts the
	 * terminator in size, as a C string's sizeof) */
	for (unsigned i = 0, end = 0; i < size; i++) {
		bool ok = end ? u[i] == 0 : (u[i] >= 0x20 && u[i] < 0x7f) || (i && !u[i]);

		if (!u[i])
			end = 1;
		if (!report_should(
			    t, ok, "string-bytes",
			    "%s: byte 0x%02x at %u of %u is neither a printable character nor "
			    "the string's terminator",
			    what, u[i], i, size))
			break;
	}
	input_select(d, VIRTIO_INPUT_CFG_UNSET, 0, NULL);
	report_should(t, input_select(d, select, 0, again) == size && !memcmp(u, again, size),
		      "unstable", "%s: a second read gives a different value", what);
	return size;
}

void check_INPUT_CFG_IDS(struct pf_test *t)
{
	struct chk_dev c;
	uint8_t size;

	if (!input_open(t, &c))
		return;
	size = check_string(t, c.dev, VIRTIO_INPUT_CFG_ID_NAME, "ID_NAME");
	report_should(t, size > 0, "name-empty", "ID_NAME reads size 0: the device has no name");
	check_string(t, c.dev, VIRTIO_INPUT_CFG_ID_SERIAL, "ID_SERIAL");
	size = input_select(c.dev, VIRTIO_INPUT_CFG_ID_DEVIDS, 0, NULL);
	/* struct virtio_input_devids: bustype, vendor, product, version */
	report_should(t, size == 0 || size == 8, "devids-size",
		      "ID_DEVIDS: size %u, the structure is 8", size);
	size = input_select(c.dev, VIRTIO_INPUT_CFG_PROP_BITS, 0, NULL);
	report_should(t, size <= INPUT_U_LEN, "size-over-union", "PROP_BITS: size %u", size);
	chk_dev_close(&c);
}

static int32_t s32(const uint8_t *p)
{
	return (int32_t)(p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

/* ABS_INFO of every axis EV_ABS offers: 20 bytes, min <= max. */
static void check_abs(struct pf_test *t, struct virtio_dev *d, const uint8_t *bits, uint8_t size)
{
	uint8_t u[INPUT_U_LEN];

	for (unsigned a = 0; a <= ABS_MAX && a / 8 < size && !report_stopped(t); a++) {
		uint8_t n;

		if (!(bits[a / 8] & (1u << (a % 8))))
			continue;
		n = input_select(d, VIRTIO_INPUT_CFG_ABS_INFO, (uint8_t)a, u);
		if (!report_should(
			    t, n == ABS_INFO_LEN, "abs-info-size",
			    "axis 0x%02x offered by EV_BITS(EV_ABS): ABS_INFO size %u, want %u", a,
			    n, ABS_INFO_LEN))
			continue;
		report_should(t, s32(u) <= s32(u + 4), "abs-range", "axis 0x%02x: min %d > max %d",
			      a, (int)s32(u), (int)s32(u + 4));
	}
}

void check_INPUT_CFG_EV_BITS(struct pf_test *t)
{
	uint8_t u[INPUT_U_LEN], abs_bits[INPUT_U_LEN], abs_size = 0;
	struct chk_dev c;
	unsigned types = 0;

	if (!input_open(t, &c))
		return;
	for (unsigned type = 1; type <= EV_MAX && !report_stopped(t); type++) {
		uint8_t size = input_select(c.dev, VIRTIO_INPUT_CFG_EV_BITS, (uint8_t)type, u);
		bool any = false;

		if (!size)
			continue;
		types++;
		if (!report_should(t, size <= INPUT_U_LEN, "size-over-union",
				   "EV_BITS of event type 0x%02x: size %u", type, size))
			continue;
		for (unsigned i = 0; i < size; i++)
			any |= u[i] != 0;
		/* keys, relative and absolute axes are sent by code: a bitmap
		 * with none claims a type the device cannot send (EV_REP and
		 * the like have no codes of their own) */
		report_should(t, any || (type != EV_KEY && type != EV_REL && type != EV_ABS),
			      "empty-bitmap", "EV_BITS of event type 0x%02x: %u bytes, no code set",
			      type, size);
		if (type == EV_ABS) {
			memcpy(abs_bits, u, size);
			abs_size = size;
		}
	}
	report_should(t, types > 0, "no-event-types", "EV_BITS offers no event type at all");
	check_abs(t, c.dev, abs_bits, abs_size);
	report_metric(t, "event_types", types, "types");
	chk_dev_close(&c);
}

static void event(uint8_t *e, uint16_t type, uint16_t code, uint32_t value)
{
	e[0] = (uint8_t)type;
	e[1] = (uint8_t)(type >> 8);
	e[2] = (uint8_t)code;
	e[3] = (uint8_t)(code >> 8);
	for (unsigned i = 0; i < 4; i++)
		e[4 + i] = (uint8_t)(value >> (8 * i));
}

void check_INPUT_QUEUES(struct pf_test *t)
{
	uint8_t ev[INPUT_EVENT_LEN];
	struct chk_dev c;
	uint32_t len;
	unsigned n;
	int slot;

	if (!chk_dev_open(t, &c, 0, 2, true))
		return;
	if (c.nqueues < 2 || !c.vq[INPUT_STATUSQ].num) {
		report_should(t, false, "no-statusq", "%u queues, the statusq is missing",
			      c.nqueues);
		goto out;
	}
	/* stock the eventq as a driver does; nobody types, so anything that
	 * comes back is a real event of 8 bytes */
	n = c.vq[INPUT_EVENTQ].num < CHK_DEV_SLOTS ? c.vq[INPUT_EVENTQ].num : CHK_DEV_SLOTS;
	for (unsigned i = 0; i < n; i++)
		if (chk_dev_post(t, &c, INPUT_EVENTQ, NULL, 0, INPUT_EVENT_LEN) < 0)
			goto out;
	chk_dev_kick(&c, INPUT_EVENTQ);
	/* caps lock LED on, sync, off, sync (5.8.6.2: the driver sends
	 * LED and force-feedback events on the statusq) */
	for (unsigned i = 0; i < 4 && !report_stopped(t); i++) {
		if (i % 2)
			event(ev, EV_SYN, 0, 0);
		else
			event(ev, EV_LED, LED_CAPSL, i == 0);
		if (chk_dev_request(t, &c, INPUT_STATUSQ, ev, sizeof(ev), NULL, 0, &len,
				    "statusq event") != 1)
			goto out;
	}
	while (!report_stopped(t) && chk_dev_wait(t, &c, INPUT_EVENTQ, &slot, &len) == 1)
		report_should(t, len == INPUT_EVENT_LEN, "event-len",
			      "eventq: an event of %u bytes", len);
out:
	chk_dev_close(&c);
}

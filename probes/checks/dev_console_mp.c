/* SPDX-License-Identifier: MIT */
/*
 * The console's multiport control protocol (5.3.6.2): the driver says
 * DEVICE_READY, the device answers with DEVICE_ADD for each of its ports,
 * the driver says PORT_READY for each, the device tells which port is a
 * console, its name and whether the host side is open.
 */
#include <string.h>

#include "dev_console.h"
#include "helpers.h"
#include "report.h"

/* Control message events (5.3.6.2) */
#define VIRTIO_CONSOLE_DEVICE_READY 0
#define VIRTIO_CONSOLE_DEVICE_ADD 1
#define VIRTIO_CONSOLE_DEVICE_REMOVE 2
#define VIRTIO_CONSOLE_PORT_READY 3
#define VIRTIO_CONSOLE_CONSOLE_PORT 4
#define VIRTIO_CONSOLE_RESIZE 5
#define VIRTIO_CONSOLE_PORT_OPEN 6
#define VIRTIO_CONSOLE_PORT_NAME 7

#define CTRL_HDR 8	/* le32 id, le16 event, le16 value */
#define CTRL_BUF 128	/* room for a PORT_NAME */
#define MP_MAX_PORTS 64 /* ports tracked; more are reported, not followed */

struct mp_state {
	struct chk_dev c;
	uint32_t max_ports;
	uint8_t added[MP_MAX_PORTS];
	unsigned nadded, posted;
};

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static int ctrl_send(struct pf_test *t, struct mp_state *m, uint32_t id, uint16_t event,
		     uint16_t value)
{
	uint8_t msg[CTRL_HDR] = { (uint8_t)id,	       (uint8_t)(id >> 8),   (uint8_t)(id >> 16),
				  (uint8_t)(id >> 24), (uint8_t)event,	     (uint8_t)(event >> 8),
				  (uint8_t)value,      (uint8_t)(value >> 8) };
	uint32_t len;

	return chk_dev_request(t, &m->c, CONSOLE_CONTROL_TRANSMITQ, msg, sizeof(msg), NULL, 0, &len,
			       "control message");
}

/* A PORT_NAME carries a name after the header: printable, NUL-ended or
 * ending with the buffer, not empty. */
static void check_name(struct pf_test *t, uint32_t id, const uint8_t *p, uint32_t len)
{
	uint32_t n = 0;

	while (CTRL_HDR + n < len && p[CTRL_HDR + n])
		n++;
	if (!report_should(t, n > 0, "port-name-empty", "PORT_NAME for port %u without a name", id))
		return;
	for (uint32_t i = 0; i < n; i++)
		if (!report_should(t, p[CTRL_HDR + i] >= 0x20 && p[CTRL_HDR + i] < 0x7f,
				   "port-name-bytes", "PORT_NAME for port %u: byte 0x%02x at %u",
				   id, p[CTRL_HDR + i], i))
			return;
}

/* One control message from the device, checked against what it said so far. */
static void ctrl_message(struct pf_test *t, struct mp_state *m, const uint8_t *p, uint32_t len)
{
	uint32_t id;
	uint16_t event, value;

	if (!report_should(t, len >= CTRL_HDR, "ctrl-short",
			   "control message of %u bytes, header is %u", len, CTRL_HDR))
		return;
	id = le32(p);
	event = le16(p + 4);
	value = le16(p + 6);
	report_log(t, 2, "control: port %u event %u value %u (%u bytes)", id, event, value, len);
	switch (event) {
	case VIRTIO_CONSOLE_DEVICE_ADD:
		if (!report(t, id < m->max_ports, "add-id-range",
			    "DEVICE_ADD names port %u, max_nr_ports is %u", id, m->max_ports))
			return;
		if (id >= MP_MAX_PORTS)
			return;
		report(t, !m->added[id], "add-duplicate",
		       "DEVICE_ADD names port %u, which was already added", id);
		if (!m->added[id])
			m->nadded++;
		m->added[id] = 1;
		return;
	case VIRTIO_CONSOLE_DEVICE_REMOVE:
		report(t, id < MP_MAX_PORTS && m->added[id], "remove-unknown",
		       "DEVICE_REMOVE names port %u, which was never added", id);
		if (id < MP_MAX_PORTS)
			m->added[id] = 0;
		return;
	case VIRTIO_CONSOLE_CONSOLE_PORT:
	case VIRTIO_CONSOLE_RESIZE:
	case VIRTIO_CONSOLE_PORT_OPEN:
	case VIRTIO_CONSOLE_PORT_NAME:
		if (!report_should(t, id < MP_MAX_PORTS && m->added[id], "unknown-port",
				   "event %u names port %u, which was not added", event, id))
			return;
		if (event == VIRTIO_CONSOLE_PORT_OPEN || event == VIRTIO_CONSOLE_CONSOLE_PORT)
			report_should(t, value <= 1, "bad-value",
				      "event %u for port %u with value %u", event, id, value);
		if (event == VIRTIO_CONSOLE_PORT_NAME)
			check_name(t, id, p, len);
		return;
	default:
		/* DEVICE_READY and PORT_READY go from driver to device only */
		report_should(t, false, "bad-event",
			      "control message with event %u from the device", event);
	}
}

/* Receives control messages until none arrives within the calibrated wait,
 * keeping the control receiveq stocked. */
static void ctrl_drain(struct pf_test *t, struct mp_state *m)
{
	for (unsigned n = 0; n < 4 * MP_MAX_PORTS && !report_stopped(t); n++) {
		uint32_t len;
		int slot, rc = chk_dev_wait(t, &m->c, CONSOLE_CONTROL_RECEIVEQ, &slot, &len);

		if (rc != 1)
			return;
		ctrl_message(t, m, chk_dev_in(&m->c, CONSOLE_CONTROL_RECEIVEQ, slot), len);
		if (chk_dev_post(t, &m->c, CONSOLE_CONTROL_RECEIVEQ, NULL, 0, CTRL_BUF) < 0)
			return;
		chk_dev_kick(&m->c, CONSOLE_CONTROL_RECEIVEQ);
	}
}

void check_CONSOLE_MULTIPORT(struct pf_test *t)
{
	static struct mp_state m;
	unsigned nbuf;

	if (!chk_offered(t, VIRTIO_CONSOLE_F_MULTIPORT, "MULTIPORT"))
		return;
	memset(&m, 0, sizeof(m));
	if (!chk_dev_open(t, &m.c, VIRTIO_BIT(VIRTIO_CONSOLE_F_MULTIPORT), 4, true))
		return;
	if (!chk_dev_has(&m.c, VIRTIO_CONSOLE_F_MULTIPORT) || m.c.nqueues < 4 ||
	    !m.c.vq[CONSOLE_CONTROL_RECEIVEQ].num) {
		report_should(t, false, "no-control-queues",
			      "MULTIPORT negotiated, %u queues set up", m.c.nqueues);
		goto out;
	}
	m.max_ports = (uint32_t)chk_dev_cfg(&m.c, CONSOLE_CFG_MAX_NR_PORTS, 4);
	/* the device drops a control message it has no buffer for: stock
	 * the queue first, as a driver does */
	nbuf = m.c.vq[CONSOLE_CONTROL_RECEIVEQ].num;
	if (nbuf > CHK_DEV_SLOTS)
		nbuf = CHK_DEV_SLOTS;
	for (unsigned i = 0; i < nbuf; i++)
		if (chk_dev_post(t, &m.c, CONSOLE_CONTROL_RECEIVEQ, NULL, 0, CTRL_BUF) < 0)
			goto out;
	chk_dev_kick(&m.c, CONSOLE_CONTROL_RECEIVEQ);
	if (ctrl_send(t, &m, 0, VIRTIO_CONSOLE_DEVICE_READY, 1) != 1)
		goto out;
	ctrl_drain(t, &m);
	if (report_stopped(t))
		goto out;
	/* a device may have no port at all (QEMU's virtio-serial with no
	 * port on its bus): nothing more to ask then */
	if (!m.nadded) {
		report_log(t, 1, "no port added (max_nr_ports %u)", m.max_ports);
		goto out;
	}
	for (uint32_t id = 0; id < MP_MAX_PORTS && !report_stopped(t); id++)
		if (m.added[id] && ctrl_send(t, &m, id, VIRTIO_CONSOLE_PORT_READY, 1) != 1)
			goto out;
	ctrl_drain(t, &m);
	report_metric(t, "ports_added", m.nadded, "ports");
out:
	chk_dev_close(&m.c);
}

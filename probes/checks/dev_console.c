/* SPDX-License-Identifier: MIT */
/* The console device suite (5.3): configuration, port 0 output, emerg_wr. */
#include <string.h>

#include "dev_console.h"
#include "helpers.h"
#include "report.h"

int console_output(struct pf_test *t, struct chk_dev *c, const char *text, const char *what)
{
	uint32_t len;

	/* a transmit buffer is device-readable only: the used len it comes
	 * back with is checked against 0 writable bytes (sub-case used-len) */
	return chk_dev_request(t, c, CONSOLE_TRANSMITQ0, text, (uint32_t)strlen(text), NULL, 0,
			       &len, what);
}

void check_CONSOLE_CONFIG(struct pf_test *t)
{
	struct chk_dev c;
	uint32_t max_ports, want_queues;

	if (!chk_offered(t, VIRTIO_CONSOLE_F_MULTIPORT, "MULTIPORT"))
		return;
	if (!chk_dev_open(t, &c, VIRTIO_BIT(VIRTIO_CONSOLE_F_MULTIPORT), 2, false))
		return;
	max_ports = (uint32_t)chk_dev_cfg(&c, CONSOLE_CFG_MAX_NR_PORTS, 4);
	/* port 0 always exists, so a multiport device has at least one */
	report_should(t, max_ports >= 1, "max-nr-ports-zero",
		      "MULTIPORT offered with max_nr_ports 0");
	/* 5.3.2: port 0's pair, the control pair, then one pair per further
	 * port (the probe discovers at most VIRTIO_MAX_QUEUES) */
	want_queues = max_ports >= 1 ? 2u * max_ports + 2u : 4u;
	if (want_queues > VIRTIO_MAX_QUEUES)
		want_queues = VIRTIO_MAX_QUEUES;
	report_should(t, t->dev->num_queues >= want_queues, "queues-missing",
		      "max_nr_ports %u needs %u queues, the device has %u", max_ports, want_queues,
		      t->dev->num_queues);
	chk_dev_close(&c);
}

void check_CONSOLE_PORT0_OUTPUT(struct pf_test *t)
{
	static const char *const lines[] = { "plugfest: console port 0\r\n", "x", "\r\n" };
	struct chk_dev c;
	uint32_t len;
	int slot[3];

	if (!chk_dev_open(t, &c, 0, 2, true))
		return;
	for (unsigned i = 0; i < 3 && !report_stopped(t); i++)
		if (console_output(t, &c, lines[i], "port 0 output") != 1)
			goto out;
	/* several in flight at once, as an hvc driver queues them */
	for (unsigned i = 0; i < 3; i++) {
		slot[i] = chk_dev_post(t, &c, CONSOLE_TRANSMITQ0, lines[i],
				       (uint32_t)strlen(lines[i]), 0);
		if (slot[i] < 0)
			goto out;
	}
	chk_dev_kick(&c, CONSOLE_TRANSMITQ0);
	for (unsigned i = 0; i < 3 && !report_stopped(t); i++) {
		int s, rc = chk_dev_wait(t, &c, CONSOLE_TRANSMITQ0, &s, &len);

		if (rc == PF_ETIMEDOUT)
			report(t, false, "batch/no-used",
			       "%u of 3 outputs in flight never came back", 3 - i);
		if (rc != 1)
			break;
	}
out:
	chk_dev_close(&c);
}

/* Whether the device asks for a reset; reported as `sub`. */
static bool console_healthy(struct pf_test *t, struct chk_dev *c, const char *sub)
{
	uint8_t st = c->dev->ops->get_status(c->dev);

	return report(t, !(st & VIRTIO_STATUS_DEVICE_NEEDS_RESET), sub,
		      "device status 0x%02x after a write to emerg_wr: DEVICE_NEEDS_RESET", st);
}

void check_CONSOLE_EMERG_WRITE(struct pf_test *t)
{
	struct chk_dev c;

	if (!chk_offered(t, VIRTIO_CONSOLE_F_EMERG_WRITE, "EMERG_WRITE"))
		return;
	/* 5.3.5.1 holds before configuration too: a device just reset, then
	 * one acknowledged by a driver that has not negotiated yet */
	if (!chk_drivable(t))
		return;
	c.dev = t->dev;
	if (!report(t, virtio_reset(c.dev, CHK_RESET_TIMEOUT_NS) == 0, "reset",
		    "reset did not complete"))
		return;
	c.dev->ops->config_write(c.dev, CONSOLE_CFG_EMERG_WR, 'p', 4);
	if (!console_healthy(t, &c, "unconfigured"))
		return;
	virtio_add_status(c.dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	c.dev->ops->config_write(c.dev, CONSOLE_CFG_EMERG_WR, 'f', 4);
	if (!console_healthy(t, &c, "unconfigured"))
		goto out;
	/* features accepted, queues set up, not yet DRIVER_OK */
	if (!chk_dev_open(t, &c, VIRTIO_BIT(VIRTIO_CONSOLE_F_EMERG_WRITE), 2, false))
		return;
	c.dev->ops->config_write(c.dev, CONSOLE_CFG_EMERG_WR, 'P', 4);
	if (!console_healthy(t, &c, "before-driver-ok"))
		goto out;
	virtio_add_status(c.dev, VIRTIO_STATUS_DRIVER_OK);
	c.dev->ops->config_write(c.dev, CONSOLE_CFG_EMERG_WR, '\n', 4);
	if (!console_healthy(t, &c, "after-driver-ok"))
		goto out;
	console_output(t, &c, "plugfest: after emerg_wr\r\n", "port 0 output after emerg_wr");
out:
	chk_dev_close(&c);
}

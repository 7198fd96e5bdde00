/* SPDX-License-Identifier: MIT */
/*
 * The GPIO suite's eventq check (5.18.7): with VIRTIO_GPIO_F_IRQ, the
 * buffer pair that unmasks a line's interrupt, on line 0.
 */
#include "dev_gpio.h"
#include "dev_queue.h"
#include "helpers.h"
#include "report.h"

/* Waits for the eventq buffer of line 0: 1 with *status, PF_ETIMEDOUT when
 * the device keeps it, another negative code when reported. */
static int gpio_event_wait(struct pf_test *t, struct chk_dev *c, uint8_t *status)
{
	uint32_t len;
	int s, rc = chk_dev_wait(t, c, GPIO_EVENTQ, &s, &len);

	if (rc == 1)
		*status = chk_dev_in(c, GPIO_EVENTQ, s)[0];
	return rc;
}

static int gpio_event_post(struct pf_test *t, struct chk_dev *c)
{
	const uint8_t req[2] = { 0, 0 }; /* virtio_gpio_irq_request: le16 gpio 0 */
	int rc = chk_dev_post(t, c, GPIO_EVENTQ, req, sizeof(req), 1);

	if (rc >= 0)
		chk_dev_kick(c, GPIO_EVENTQ);
	return rc;
}

void check_GPIO_IRQ(struct pf_test *t)
{
	struct chk_dev c;
	uint8_t st, dir0 = VIRTIO_GPIO_DIRECTION_NONE;
	int rc;

	c.dev = NULL;
	if (!chk_offered(t, VIRTIO_GPIO_F_IRQ, "VIRTIO_GPIO_F_IRQ"))
		goto out;
	if (!chk_dev_open(t, &c, VIRTIO_BIT(VIRTIO_GPIO_F_IRQ), 2, true))
		goto out;
	if (!report(t, c.nqueues > GPIO_EVENTQ && c.vq[GPIO_EVENTQ].num, "no-eventq",
		    "VIRTIO_GPIO_F_IRQ negotiated but the device has no eventq"))
		goto out;
	if (!gpio_ngpio(&c)) {
		report_na(t, "ngpio is 0: no line to drive");
		goto out;
	}
	(void)gpio_get(t, &c, VIRTIO_GPIO_MSG_GET_DIRECTION, 0, 2, &dir0);
	/* interrupts belong to inputs (5.18.6.8: none for an output) */
	if (!gpio_set(t, &c, VIRTIO_GPIO_MSG_SET_DIRECTION, 0, VIRTIO_GPIO_DIRECTION_IN,
		      "set-direction") ||
	    !gpio_set(t, &c, VIRTIO_GPIO_MSG_SET_IRQ_TYPE, 0, VIRTIO_GPIO_IRQ_TYPE_NONE,
		      "set-irq-type"))
		goto out;
	/* unmasked, not enabled: the device may hand the buffer back, never
	 * as an interrupt (one calibrated wait) */
	if (gpio_event_post(t, &c) < 0)
		goto out;
	rc = gpio_event_wait(t, &c, &st);
	if (rc == 1) {
		if (!report(t, st == VIRTIO_GPIO_IRQ_STATUS_INVALID, "event-while-disabled",
			    "an eventq buffer for line 0, its interrupt disabled, came back with "
			    "status 0x%02x, not INVALID",
			    st))
			goto out;
		if (gpio_event_post(t, &c) < 0)
			goto out;
	} else if (rc != PF_ETIMEDOUT) {
		goto out;
	}
	if (!gpio_set(t, &c, VIRTIO_GPIO_MSG_SET_IRQ_TYPE, 0, VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH,
		      "set-irq-type"))
		goto out;
	if (!gpio_set(t, &c, VIRTIO_GPIO_MSG_SET_IRQ_TYPE, 0, VIRTIO_GPIO_IRQ_TYPE_NONE,
		      "set-irq-type"))
		goto out;
	rc = gpio_event_wait(t, &c, &st);
	if (rc == PF_ETIMEDOUT)
		report(t, false, "not-returned",
		       "SET_IRQ_TYPE NONE for line 0 did not return its eventq buffer");
	else if (rc == 1)
		report(t, st == VIRTIO_GPIO_IRQ_STATUS_INVALID, "none-status",
		       "the eventq buffer returned by SET_IRQ_TYPE NONE has status 0x%02x, not "
		       "INVALID",
		       st);
	if (dir0 != VIRTIO_GPIO_DIRECTION_IN && !report_stopped(t))
		(void)gpio_set(t, &c, VIRTIO_GPIO_MSG_SET_DIRECTION, 0, dir0, "restore");
out:
	chk_dev_close(&c);
}

/* SPDX-License-Identifier: MIT */
/* Basic facilities: the initialisation sequence and device reset (2.1, 2.4, 3.1). */
#include <string.h>

#include "helpers.h"
#include "ring.h"

/* Small rings keep the whole suite's DMA footprint modest; queue sizes are
 * exercised by the virtqueue checks. */
#define INIT_QUEUE_SIZE 64

void check_INIT_SEQUENCE(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;

	if (!chk_drivable(t))
		return;
	if (chk_bring_up(t, chk_default_features(d), INIT_QUEUE_SIZE))
		report_log(t, 1, "initialised with features 0x%llx, %u queues",
			   (unsigned long long)chk_default_features(d), d->num_queues);
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

void check_RESET_AFTER_INIT(struct pf_test *t)
{
	struct pf_report_mark m;
	struct virtio_dev *d = t->dev;
	struct chk_old_rings old;
	uint8_t st;
	int rc;

	if (!chk_drivable(t))
		return;
	report_mark(t, &m);
	memset(&old, 0, sizeof(old));
	if (!chk_bring_up_rings(t, chk_default_features(d), INIT_QUEUE_SIZE, &old.rings)) {
		/* basic.init.sequence fails for this; one root cause, one failure */
		char why[PF_MSG_LEN];

		memcpy(why, report_message(t), sizeof(why));
		report_rollback(t, &m);
		report_skip(t, "not tested: device did not reach DRIVER_OK: %s", why);
		virtio_reset(d, CHK_RESET_TIMEOUT_NS);
		return;
	}
	rc = virtio_reset(d, CHK_RESET_TIMEOUT_NS);
	st = d->ops->get_status(d);
	if (!report(t, rc == 0, "status-not-zero",
		    "status reads 0x%02x, not 0, after reset of a live device", st))
		return;
	/* Modern transports clear QueueReady / queue_enable and the interrupt
	 * status on reset (4.1.4.3.1, 4.2.2.1); legacy QueuePFN has no rule. */
	if (d->mode != VIRTIO_MODE_LEGACY) {
		for (uint16_t q = 0; q < d->num_queues; q++)
			report(t, !d->ops->queue_ready(d, q), "queue-ready",
			       "queue %u still reads ready after reset", q);
		if (d->transport == VIRTIO_TRANSPORT_MMIO)
			report(t, d->ops->isr_read(d) == 0, "interrupt-status",
			       "InterruptStatus reads 0x%x after reset", d->ops->isr_read(d));
	}
	/* The reset device must leave its old rings alone (2.4.1), also when
	 * new work appears in them and the queues are notified; watched for
	 * the old-ring watch (timing.h), at least its floor on devices
	 * without a workload (not timed) */
	chk_raw_old_rings_idle(t, d, &old, "a device reset");
	/* A reset device must be usable again from scratch (2.4). */
	virtio_add_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	st = d->ops->get_status(d);
	report(t, st == VIRTIO_STATUS_ACKNOWLEDGE, "acknowledge",
	       "status reads 0x%02x after ACKNOWLEDGE following reset", st);
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

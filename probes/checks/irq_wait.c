/* SPDX-License-Identifier: MIT */
#include "irq_wait.h"

#include "arch.h"
#include "helpers.h"
#include "intr.h"
#include "platform.h"
#include "ring.h"
#include "timing.h"

bool chk_irq_workload(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;

	if (!chk_drivable(t))
		return false;
	if (!chk_workload(d)) {
		report_skip(t, "no peer-free workload for a %s device",
			    virtio_device_name(d->device_id));
		return false;
	}
	return chk_irq_ready(t);
}

bool chk_wait_used_irq(struct pf_test *t, struct chk_ring *r, uint32_t intid,
		       const struct chk_irq_src *src, bool *raced)
{
	uint64_t t0 = arch_now_ns(), limit = chk_wait_ns(), spent;
	uint32_t c = intr_count(intid);
	bool retried = false;

	*raced = false;
	for (unsigned spurious = 0;; spurious++) {
		spent = arch_now_ns() - t0;
		if (spent >= limit || !intr_wait(intid, c, limit - spent)) {
			/* a negative observation is re-tried once */
			if (retried)
				return false;
			retried = true;
			limit += chk_retry_ns();
			continue;
		}
		if (virtq_split_pending(&r->vq))
			return true;
		src->spurious(t, spurious + 1);
		c = intr_count(intid);
		if (src->rearm)
			src->rearm(intid);
		if (virtq_split_pending(&r->vq)) {
			*raced = true;
			return true;
		}
	}
}

/* SPDX-License-Identifier: MIT */
/* The wait for a used-buffer interrupt the INTx and virtio-mmio checks share. */
#ifndef PF_CHECKS_IRQ_WAIT_H
#define PF_CHECKS_IRQ_WAIT_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"

struct chk_ring;

/* How one interrupt source is serviced between waits. */
struct chk_irq_src {
	/* An interrupt came with nothing used yet (the n-th): read, and where
	 * the transport wants it acknowledge, the device's interrupt status so
	 * the line can rise again; log it. */
	void (*spurious)(struct pf_test *t, unsigned n);
	/* After the count is sampled again: let the line fire again. NULL:
	 * nothing to do. */
	void (*rearm)(uint32_t intid);
};

/* The device can be driven, has a workload that needs no peer, and the
 * probe takes interrupts; else says why (error, skip) and returns false. */
bool chk_irq_workload(struct pf_test *t);

/*
 * Waits for an interrupt on intid that finds the used buffer of r visible.
 * An interrupt with nothing used yet is a notification the driver must
 * tolerate (2.7.7.1): src services it and the wait goes on. A wait that
 * runs out is re-tried once (timing.h). *raced: the used buffer appeared
 * while a spurious one was serviced, so the interrupt status read then may
 * have consumed its bit.
 */
bool chk_wait_used_irq(struct pf_test *t, struct chk_ring *r, uint32_t intid,
		       const struct chk_irq_src *src, bool *raced);

#endif

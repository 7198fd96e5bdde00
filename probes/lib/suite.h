/* SPDX-License-Identifier: MIT */
/* Runs the catalogue's checks against devices and streams the records. */
#ifndef PF_SUITE_H
#define PF_SUITE_H

#include <stdint.h>

#include "report.h"

struct virtio_dev;

typedef void (*pf_check_fn)(struct pf_test *t);

/* One function per catalogue entry, defined in probes/checks/. */
#define PF_CHECK(sym, id, area, level, cls, title, reqs) void check_##sym(struct pf_test *t);
#include "pf/catalogue.def"
#undef PF_CHECK

extern const pf_check_fn pf_check_fns[PF_CHK_COUNT];

struct pf_suite_counts {
	uint32_t verdicts[PF_VERDICT_COUNT];
};

/*
 * Runs one check on one device, emitting `begin` and `result` records, and
 * returns its verdict. Every allocation made by the check is rolled back.
 */
enum pf_verdict pf_run_check(enum pf_check_id id, struct virtio_dev *dev,
			     const struct pf_options *opt, uint32_t step);

/*
 * Runs every selected check on every device in catalogue order (devices in
 * the inner loop would interleave; checks run device by device). `*step`
 * numbers the device x check pairs, counting skipped-by-filter ones too so
 * the numbering is stable across runs with pf.from.
 */
void pf_suite_run(struct virtio_dev *const *devs, int ndevs, const struct pf_options *opt,
		  struct pf_suite_counts *counts);

/* Sends the device record for a discovered device (docs/protocol.md). */
void pf_emit_device(const struct virtio_dev *d);

#endif

/* SPDX-License-Identifier: MIT */
/* Steps several checks share: bringing a device up the way a conforming
 * driver does (3.1.1), with every step's outcome reported on the test. */
#ifndef PF_CHECKS_HELPERS_H
#define PF_CHECKS_HELPERS_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"
#include "timing.h"
#include "virtio/virtio.h"

/* Bound on a device reset; QEMU completes synchronously, real hardware may
 * take a while, and a device that never completes is a finding. */
#define CHK_RESET_TIMEOUT_NS (chk_wait_ns() + chk_retry_ns()) /* calibrated */

/* True for devices the probe can drive at all (ops present). Otherwise the
 * test is marked skip with the reason. */
bool chk_drivable(struct pf_test *t);

/* True if the device offers feature `bit`; otherwise the test is marked
 * n/a ("<name> not offered"). */
bool chk_offered(struct pf_test *t, unsigned bit, const char *name);

/*
 * Features the probe accepts by default: VERSION_1 and the generic ring
 * features whose absence a device may reasonably refuse, when offered.
 */
uint64_t chk_default_features(const struct virtio_dev *d);

/* The largest power of two (split rings, 2.7) no larger than a queue's
 * maximum `max` and `limit`; 0 for an absent queue (max 0). */
uint16_t chk_split_size(uint16_t max, uint16_t limit);

/* What a split-ring check negotiates: `want` plus the default features,
 * as far as offered, without RING_PACKED. */
uint64_t chk_split_features(const struct virtio_dev *d, uint64_t want);

/* Status the driver expects after each step (legacy devices have no
 * FEATURES_OK step, 4.2.4 / 3.1.2). */
bool chk_uses_features_ok(const struct virtio_dev *d);

/*
 * Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK (modern), every queue
 * set up with a split ring of at most max_size entries, DRIVER_OK. Each step
 * is asserted on t. Returns true when the device reached DRIVER_OK.
 */
bool chk_bring_up(struct pf_test *t, uint64_t features, uint16_t max_size);

/* Where chk_bring_up_rings() put each queue's split ring (NULL/0: none). */
struct chk_queue_rings {
	uint8_t *mem[VIRTIO_MAX_QUEUES];
	uint16_t size[VIRTIO_MAX_QUEUES];
};

/* chk_bring_up(), recording the rings in *rings. */
bool chk_bring_up_rings(struct pf_test *t, uint64_t features, uint16_t max_size,
			struct chk_queue_rings *rings);

/*
 * Reset, ACKNOWLEDGE, DRIVER, write `features`, set FEATURES_OK and return
 * the status read back (0xff if the reset never completed, reported on t).
 */
uint8_t chk_try_features(struct pf_test *t, uint64_t features);

/* The interrupt controller is usable; otherwise t is marked skip (none the
 * probe drives) or error (found but unusable). */
bool chk_irq_ready(struct pf_test *t);

/* Allocates a zeroed split ring of `size` entries in the legacy-compatible
 * contiguous layout and sets queue q up with it. */
int chk_setup_split_queue(struct virtio_dev *d, uint16_t q, uint16_t size);
/* The same, returning the ring memory in *mem. */
int chk_setup_split_queue_mem(struct virtio_dev *d, uint16_t q, uint16_t size, uint8_t **mem);

/* Little-endian fields of n bytes (up to 8) of device requests and replies. */
uint64_t chk_le(const uint8_t *p, unsigned n);
void chk_put_le(uint8_t *p, uint64_t v, unsigned n);

#endif

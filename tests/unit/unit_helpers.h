/* SPDX-License-Identifier: MIT */
/* Shared set-up for the probe's host unit tests. */
#ifndef PF_UNIT_HELPERS_H
#define PF_UNIT_HELPERS_H

#include <stdbool.h>
#include <stdint.h>

#include "report.h"
#include "sim_device.h"
#include "virtio/virtio.h"
#include "virtio/virtio_mmio.h"

struct ut_dev {
	struct sim_dev sim;
	struct virtio_dev dev;
	struct virtio_mmio_priv priv;
};

/* cmocka setup: empty DMA arena and console, default record sink. */
int ut_setup(void **state);

/* A clean simulated MMIO device probed through virtio_mmio_probe().
 * Returns 0 or the probe result. */
int ut_mmio_open(struct ut_dev *u, enum sim_transport t, uint32_t device_id, uint64_t features,
		 uint16_t queues, uint16_t qmax);

/* The same device with its faults (sim_dev.faults) in place before
 * virtio_mmio_probe() runs, as on a machine. */
int ut_mmio_open_faulty(struct ut_dev *u, enum sim_transport t, uint32_t device_id,
			uint64_t features, uint16_t queues, uint16_t qmax, uint64_t faults);

/*
 * A simulated PCI function reached the way the probe reaches real ones:
 * through a device tree, ECAM and discovery. Its faults (every bit of
 * sim_dev.faults) and the device status left by firmware or an earlier
 * driver are in place before its config space is built and discovery
 * runs, so discovery and the checks see the same device a machine would
 * show them. Returns the discovered device (valid until the next call), or
 * NULL when discovery did not find exactly one.
 */
struct virtio_dev *ut_pci_open(struct ut_dev *u, uint32_t device_id, uint64_t features,
			       uint64_t faults, uint8_t initial_status);

/* Runs one catalogue check on d as the probe would (step 0, verbose logs
 * captured) and returns its verdict. */
enum pf_verdict ut_run_check(enum pf_check_id id, struct virtio_dev *d);

/* virtio_negotiate(features) then nothing else; returns its result. */
int ut_negotiate(struct ut_dev *u, uint64_t features);

/* While the driver waits (arch_delay_ns), the device processes its queues. */
void ut_auto_progress(struct ut_dev *u);

/* Adds DRIVER_OK. */
void ut_driver_ok(struct ut_dev *u);

/* A zeroed DMA buffer of len bytes filled with `fill`. */
void *ut_buf(uint32_t len, uint8_t fill);

/* Records are captured in memory: counts `"t":"<type>"` occurrences. */
int ut_count_records(const char *type);

/* The failure fingerprint ("sub") of the last result record captured, ""
 * if it has none. */
const char *ut_result_sub(void);

/* Whether the last result's fingerprint matches glob ('*' wildcard);
 * prints what it was when not. */
bool ut_result_sub_is(const char *case_name, const char *glob);

#endif

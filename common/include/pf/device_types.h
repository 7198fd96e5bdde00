/* SPDX-License-Identifier: MIT */
/*
 * Virtio device types (5, "Device Types"): the one table of device IDs and
 * the short names the probe streams and profiles use. Compiled into the
 * probe and the runner.
 */
#ifndef PF_DEVICE_TYPES_H
#define PF_DEVICE_TYPES_H

#include <stdbool.h>
#include <stdint.h>

/* The short name of a device ID ("blk" for 2), "unknown" if it has none. */
const char *pf_device_type_name(uint32_t device_id);

/* The device ID a short name stands for, or 0 (reserved, 5) if none. */
uint32_t pf_device_type_id(const char *name);

/*
 * Whether a catalogue check runs on a device of this type: checks whose area
 * names a device type ("blk", "rng", ...) belong to that type's suite and
 * apply to its devices only; every other area (basic, split-ring, pci, ...)
 * applies to all devices.
 */
bool pf_check_area_applies(const char *area, uint32_t device_id);

#endif

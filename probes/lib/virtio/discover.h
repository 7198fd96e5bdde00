/* SPDX-License-Identifier: MIT */
/*
 * Device discovery from the device tree: virtio,mmio nodes (placeholders with
 * DeviceID 0 are skipped silently, 4.2.3.1.1) and virtio functions behind
 * pci-host-ecam-generic bridges, on the root bus and behind PCI-to-PCI
 * bridges and PCIe ports (bus numbers, BARs and bridge windows assigned by
 * the probe from the host bridge's `ranges`, since no firmware does on
 * aarch64 virt: pci_host_configure()).
 */
#ifndef PF_VIRTIO_DISCOVER_H
#define PF_VIRTIO_DISCOVER_H

#include "virtio.h"

#define VIRTIO_DISCOVER_MAX 96

/*
 * Fills devs[0..n) with pointers to devices it allocates (never freed: they
 * live for the whole run) and returns n. Anything odd found on the way (a
 * node without `reg`, a BAR that does not fit the window) is reported as a
 * `log` record and the device skipped; discovery itself never fails.
 */
int virtio_discover(const void *fdt, struct virtio_dev **devs, int max);

/*
 * Each call starts over: devices of an earlier call are reused (host tests
 * run discovery many times). Devices are sorted: MMIO by address, then PCI
 * by segment/bus/device/function.
 */

/* ---- for transports and host tests ---- */

/*
 * How discovery turns a physical window (an MMIO slot, an ECAM window, a
 * BAR) into a struct pf_region. The default is the identity map with
 * ops == NULL (real MMIO). Host tests install a mapper that returns a
 * simulated device's region. Returns 0, or a negative PF_E* code to refuse
 * the window (PF_EINVAL: not addressable).
 */
typedef int (*virtio_map_fn)(void *ctx, uint64_t addr, uint64_t size, struct pf_region *out);
void virtio_discover_set_mapper(virtio_map_fn fn, void *ctx);
int virtio_map_region(uint64_t addr, uint64_t size, struct pf_region *out);

/*
 * The slot pool: virtio_discover_slot() hands out the next free device,
 * zeroed, with d->priv pointing at zeroed transport storage of
 * VIRTIO_DISCOVER_PRIV_SIZE bytes; virtio_discover_commit() keeps it (else
 * the next call hands out the same slot). NULL when the pool is full.
 */
struct virtio_dev *virtio_discover_slot(void);
void virtio_discover_commit(struct virtio_dev *d);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * A simulated machine for discovery tests: virtio-mmio slots and a PCI ECAM
 * host bridge at QEMU-virt-like addresses, a device tree describing them
 * (built with libfdt), and the address mapper discovery uses to reach them
 * (virtio_discover_set_mapper()).
 */
#ifndef PF_SIM_WORLD_H
#define PF_SIM_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_device.h"
#include "sim_pci_bridge.h"

#define SIM_WORLD_MMIO_BASE 0x0a000000ull
#define SIM_WORLD_MMIO_SLOTS 32
#define SIM_WORLD_ECAM_BASE 0x4010000000ull
#define SIM_WORLD_ECAM_SIZE 0x10000000ull
#define SIM_WORLD_MEM32 0x10000000ull /* 32-bit window, identity PCI=CPU */
#define SIM_WORLD_MEM32_SIZE 0x2eff0000ull
#define SIM_WORLD_MEM64 0x8000000000ull
#define SIM_WORLD_MEM64_SIZE 0x8000000000ull

struct sim_world {
	/* slot i at SIM_WORLD_MMIO_BASE + 0x200 * i; NULL: a window that
	 * reads 0 (not virtio: bad magic) */
	struct sim_dev *mmio[SIM_WORLD_MMIO_SLOTS];
	unsigned nmmio;	      /* slots described in the DT */
	bool pci;	      /* describe the ECAM host bridge */
	struct sim_ecam ecam; /* PCI sims at bus 0, device n */
	/* PCI bridges at bus 0, device n (a device n in ecam takes precedence);
	 * configuration and BAR accesses are routed through them */
	struct sim_bridge *bridge[SIM_ECAM_DEVS];
	uint8_t bus_end;     /* bus-range 0..bus_end; 0: 0..255 */
	uint64_t ecam_size;  /* ECAM `reg` size; 0: SIM_WORLD_ECAM_SIZE */
	uint64_t mem32_size; /* 32-bit window size; 0: SIM_WORLD_MEM32_SIZE */
	bool no_mem64;	     /* no 64-bit window in `ranges` */
};

/* Clears the world and its window pool. */
void sim_world_init(struct sim_world *w);

/* virtio_map_fn for virtio_discover_set_mapper(), ctx = the world. */
int sim_world_map(void *ctx, uint64_t addr, uint64_t size, struct pf_region *out);

/* Builds the DT into buf: GIC-like interrupt controller, nmmio virtio,mmio
 * nodes (SPI 16 + slot, listed top-down like QEMU), and the PCIe host
 * bridge if w->pci. Returns 0 or a libfdt error. */
int sim_world_fdt(const struct sim_world *w, void *buf, int size);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Simulated PCI-to-PCI bridges for the discovery tests: type 1 headers
 * (PCIe root port, PCIe-to-PCI bridge, conventional PCI bridge) with bus
 * number registers, memory and prefetchable windows and a secondary bus of
 * simulated functions and further bridges. Configuration accesses are routed
 * from the root bus as hardware routes them: to the bridge whose
 * secondary..subordinate range holds the bus number, so wrong bus numbers
 * misroute; BAR accesses reach a device only through bridges with memory
 * decoding on and a window covering them.
 */
#ifndef PF_SIM_PCI_BRIDGE_H
#define PF_SIM_PCI_BRIDGE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_device.h"

enum sim_bridge_kind {
	SIM_BRIDGE_ROOT_PORT, /* PCIe root port (type 4), BAR 0: 4 KiB, 32-bit */
	SIM_BRIDGE_PCIE_PCI,  /* PCIe-to-PCI bridge (type 7) */
	SIM_BRIDGE_PCI,	      /* conventional PCI-to-PCI bridge: no PCIe capability */
};

/* faults */
#define SIM_BR_F_DEAD (1u << 0)	   /* past the ID and header type: reads all ones, writes lost */
#define SIM_BR_F_NO_PREF (1u << 1) /* no prefetchable window (its registers read 0) */
#define SIM_BR_F_PREF32 (1u << 2)  /* a 32-bit prefetchable window only */

struct sim_bridge;

/* A bus: functions 0 of devices 0..31, each a simulated virtio function or
 * a bridge (not both). */
struct sim_bus {
	struct sim_dev *dev[32];
	struct sim_bridge *bridge[32];
};

struct sim_bridge {
	enum sim_bridge_kind kind;
	uint32_t faults;
	uint8_t cfg[256];
	uint8_t wmask[256]; /* writable bits per byte */
	struct sim_bus sec; /* what sits on the secondary bus */
};

/* A bridge as after reset: bus numbers 0, windows 0, nothing behind it. */
void sim_bridge_init(struct sim_bridge *b, enum sim_bridge_kind kind, uint32_t faults);

/* Configuration access at ECAM offset `off` (bus << 20 | dev << 15 | fn << 12 | reg)
 * from the root bus (bus 0). Nothing there: reads all ones. */
uint64_t sim_bus_cfg_read(const struct sim_bus *root, uint64_t off, unsigned w);
void sim_bus_cfg_write(const struct sim_bus *root, uint64_t off, uint64_t v, unsigned w);

/* The device whose BAR holds [addr, addr+size), as seen from the root bus
 * (through enabled bridge windows only); NULL if none. */
struct sim_dev *sim_bus_bar_owner(const struct sim_bus *root, uint64_t addr, uint64_t size);

/* As programmed: bus numbers, and the windows (false when off). */
uint8_t sim_bridge_bus(const struct sim_bridge *b, unsigned which); /* 0 pri, 1 sec, 2 sub */
bool sim_bridge_mem(const struct sim_bridge *b, uint64_t *base, uint64_t *limit);
bool sim_bridge_pref(const struct sim_bridge *b, uint64_t *base, uint64_t *limit);
uint16_t sim_bridge_command(const struct sim_bridge *b);
uint32_t sim_bridge_bar0(const struct sim_bridge *b);

#endif

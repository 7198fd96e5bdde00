/* SPDX-License-Identifier: MIT */
/*
 * Minimal PCI for the probe: ECAM configuration access behind a
 * pci-host-ecam-generic device-tree node, and the resource assignment that
 * firmware would otherwise do (none runs on aarch64 virt): bus numbers for
 * PCI-to-PCI bridges and PCIe ports, BARs from the host bridge's `ranges`,
 * bridge memory windows. Everything read from config space or the DT is
 * untrusted: offsets and lengths are checked, every walk is bounded, errors
 * are returned or logged, nothing asserted.
 * (Kept in probes/lib/virtio/ so the probe build's source glob finds it.)
 */
#ifndef PF_PCI_H
#define PF_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "io.h"
#include "pf_errno.h"

/* Type 0 configuration header */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_STATUS_INTERRUPT 0x08
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_HEADER_TYPE 0x0e
#define PCI_HEADER_TYPE_MASK 0x7f
#define PCI_HEADER_MULTIFUNC 0x80
#define PCI_BAR0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

/* Type 1 (PCI-to-PCI bridge) configuration header */
#define PCI_PRIMARY_BUS 0x18
#define PCI_SECONDARY_BUS 0x19
#define PCI_SUBORDINATE_BUS 0x1a
#define PCI_IO_BASE 0x1c	  /* with PCI_IO_LIMIT at 0x1d */
#define PCI_MEMORY_BASE 0x20	  /* with PCI_MEMORY_LIMIT at 0x22 */
#define PCI_PREF_MEMORY_BASE 0x24 /* with PCI_PREF_MEMORY_LIMIT at 0x26 */
#define PCI_PREF_RANGE_TYPE_64 0x1
#define PCI_PREF_BASE_UPPER32 0x28
#define PCI_PREF_LIMIT_UPPER32 0x2c
#define PCI_IO_BASE_UPPER16 0x30 /* with PCI_IO_LIMIT_UPPER16 at 0x32 */
#define PCI_BRIDGE_CONTROL 0x3e
#define PCI_BRIDGE_CTL_BUS_RESET 0x40
#define PCI_BRIDGE_NUM_BARS 2
#define PCI_BRIDGE_WINDOW_ALIGN 0x100000ull /* memory windows: 1 MiB granules */
#define PCI_BRIDGE_MAX_DEPTH 16		    /* bridges nested below the root bus */

#define PCI_CAP_ID_EXP 0x10 /* PCI Express; Device/Port Type in bits 7:4 at +2 */
#define PCI_EXP_TYPE_ROOT_PORT 0x4
#define PCI_EXP_TYPE_DOWNSTREAM 0x6
#define PCI_EXP_TYPE_PCI_BRIDGE 0x7
#define PCI_CAP_ID_MSIX 0x11
#define PCI_CAP_ID_VNDR 0x09

#define PCI_BAR_IO 0x1
#define PCI_BAR_MEM_TYPE_64 0x4
#define PCI_BAR_PREFETCH 0x8

#define PCI_NUM_BARS 6
#define PCI_MAX_HOSTS 4
#define PCI_MAX_FUNCS 256 /* type 0 functions recorded per host bridge */

/* A window of the host bridge's `ranges`: CPU address = PCI address + delta. */
struct pci_window {
	uint64_t pci_base, cpu_base, size;
	uint64_t next; /* next free PCI address */
	bool present;
};

/* A type 0 function pci_host_configure() found. */
struct pci_found {
	uint8_t bus, devfn;
	uint8_t bars_failed; /* mask of memory BARs that could not be placed */
	uint8_t depth;	     /* bridges between it and the root bus */
};

struct pci_host {
	uint16_t segment;
	uint8_t bus_start, bus_end;
	uint64_t ecam_base, ecam_size;
	struct pf_region ecam;	  /* the whole window */
	struct pci_window mem32;  /* 32-bit non-prefetchable */
	struct pci_window mem64;  /* 64-bit non-prefetchable */
	struct pci_window pref64; /* 64-bit prefetchable */
	/* what pci_host_configure() did */
	bool configured;
	uint16_t bus_next; /* next free bus number (bus_end + 1: none left) */
	uint16_t nfound, bridges, problems;
	struct pci_found found[PCI_MAX_FUNCS];
};

struct pci_bar {
	uint64_t cpu_addr; /* 0 when unassigned */
	uint64_t pci_addr;
	uint64_t size; /* 0 when not implemented */
	bool io, is64, prefetch;
};

struct pci_func {
	struct pci_host *host;
	uint8_t bus, dev, fn;
	uint64_t cfg_addr;    /* ECAM address of the function */
	struct pf_region cfg; /* its 4 KiB of configuration space */
	struct pci_bar bar[PCI_NUM_BARS];
};

/* Config space of a function through its region (widths 1, 2, 4). */
uint32_t pci_cfg_read(const struct pci_func *f, uint32_t off, unsigned width);
void pci_cfg_write(const struct pci_func *f, uint32_t off, uint32_t val, unsigned width);

/*
 * Reads a pci-host-ecam-generic node into *h: reg (ECAM), bus-range (default
 * 0..255, limited to what reg covers), the memory windows of `ranges`
 * (I/O space is ignored), linux,pci-domain (else `index`). Maps the ECAM
 * window. Returns 0 or a negative PF_E* code (logged by the caller).
 */
int pci_host_from_fdt(const void *fdt, int node, uint16_t index, struct pci_host *h);

/*
 * Configures the hierarchy below the host bridge, depth-first from its root
 * bus, as firmware would:
 *  - every type 1 header (PCI-to-PCI bridge, PCIe root or switch port,
 *    PCIe-to-PCI bridge) gets primary/secondary/subordinate bus numbers from
 *    the host's bus range, and its secondary bus is scanned in turn (at most
 *    PCI_BRIDGE_MAX_DEPTH bridges deep);
 *  - every memory BAR (type 0 functions and bridges) is sized and placed:
 *    the 32-bit window first, which keeps devices below 4 GiB, then for a
 *    prefetchable BAR the prefetchable (64-bit) window, then on the root bus
 *    the 64-bit window. I/O BARs and windows are not assigned;
 *  - each bridge's memory and prefetchable windows cover what was placed
 *    behind it, in 1 MiB granules; then memory decoding and bus mastering
 *    are enabled on it (and on every type 0 function).
 * A bridge that runs out of bus numbers, nests too deep or does not hold
 * its bus numbers is closed (secondary bus 0, windows off) and logged; a BAR
 * that does not fit is logged and left unassigned. Returns the number of
 * such problems (0: everything placed). Records the type 0 functions for
 * pci_enumerate(); later calls return the first result.
 */
int pci_host_configure(struct pci_host *h);

/* Callback per function found; return nonzero to stop the walk. */
typedef int (*pci_visit_fn)(void *ctx, struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn);

/* Configures the host (pci_host_configure()) and visits every type 0
 * function found, in scan order. */
void pci_enumerate(struct pci_host *h, pci_visit_fn visit, void *ctx);

/* Fills f (config region mapped) for bus/dev/fn. Returns 0, PF_EINVAL or
 * virtio_map_region()'s error. */
int pci_func_init(struct pci_func *f, struct pci_host *h, uint8_t bus, uint8_t dev, uint8_t fn);

/*
 * The BARs of a type 0 function as pci_host_configure() left them: sizes
 * (sized again with decoding off), PCI and CPU addresses; a memory BAR the
 * configuration could not place has cpu_addr 0. Returns the number of
 * those.
 */
int pci_func_bars(struct pci_func *f);

/*
 * Walks the capability list: calls visit(ctx, offset, cap_id) for each
 * capability, at most 48, stopping on an offset outside 0x40..0xfc or a
 * loop. Returns the number visited, or PF_ECAPLIST when the list is malformed.
 */
int pci_walk_caps(const struct pci_func *f, void (*visit)(void *ctx, uint8_t off, uint8_t id),
		  void *ctx);

#endif

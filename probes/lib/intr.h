/* SPDX-License-Identifier: MIT */
/*
 * Interrupts for the portable probe: the interrupt controller the device
 * tree describes, as far as checks need it to see a device's interrupts
 * actually arrive. Implemented per architecture (aarch64: GICv2/GICv2m,
 * GICv3/ITS in probes/lib/aarch64/intr.c), stubbed on the host
 * (tests/unit/host_intr.c).
 *
 * Model: lines are counted. A line is wired (configured, routed to the boot
 * CPU, enabled) by intr_wire(); the handler counts every interrupt taken on
 * it and calls the line's optional callback. CPU interrupts stay masked
 * except inside intr_wait()/intr_idle(), so interrupts are only taken at
 * those points and never disturb code that does not expect them.
 *
 * Level-triggered lines are masked by the handler after each interrupt
 * unless the callback returned true (it silenced the source): a device
 * that keeps its line asserted cannot storm the probe. intr_unmask()
 * re-enables such a line once the source is quiet.
 *
 * Every wait is bounded by its timeout; nothing here can hang.
 */
#ifndef PF_INTR_H
#define PF_INTR_H

#include <stdbool.h>
#include <stdint.h>

#include "pf_errno.h"

/* Most MSI vectors one intr_msi_alloc() hands out. */
#define INTR_MSI_MAX 32

/* An interrupt line: its controller INTID and trigger. */
struct intr_line {
	uint32_t intid;
	bool edge;
};

/* An MSI doorbell: the device writes `data` (32 bits) to `addr`, and
 * interrupt `intid` arrives. */
struct intr_msi {
	uint64_t addr;
	uint32_t data;
	uint32_t intid;
};

/* Callback of a line, in interrupt context (CPU interrupts masked). Return
 * true when the source is quiet (a level line then stays enabled). */
typedef bool (*intr_handler_fn)(void *ctx, uint32_t intid);

/*
 * Finds and initialises the interrupt controller from the DT. Idempotent:
 * later calls return the first call's result (0 or a PF_E* code).
 */
int intr_init(const void *fdt);

/* What was found, for logs: "gicv3 ...", or why there is nothing. */
const char *intr_describe(void);
const char *intr_strerror(int err);

/* Configures (edge or level), routes to the boot CPU and enables a line.
 * Resets its count and callback. */
int intr_wire(uint32_t intid, bool edge);
/* Disables a line and forgets its callback (its count stays readable). */
void intr_unwire(uint32_t intid);
/* Re-enables a line the handler masked (level line, source not quiet). */
void intr_unmask(uint32_t intid);
void intr_set_callback(uint32_t intid, intr_handler_fn fn, void *ctx);

/* Interrupts taken on a line since it was wired. */
uint32_t intr_count(uint32_t intid);
/* Interrupts taken on lines nobody wired (they are disabled when taken). */
uint32_t intr_stray_count(void);

/*
 * Takes interrupts until intr_count(intid) differs from old_count, or
 * timeout_ns passed (arch_now_ns()). True if it differs.
 */
bool intr_wait(uint32_t intid, uint32_t old_count, uint64_t timeout_ns);
/* Takes whatever interrupts arrive during ns nanoseconds. */
void intr_idle(uint64_t ns);

/*
 * Device tree: interrupt `index` of the node whose first `reg` entry starts
 * at CPU address reg_addr (e.g. a virtio-mmio window). 0 or a PF_E* code.
 */
int intr_dt_irq_by_reg(uint64_t reg_addr, unsigned index, struct intr_line *out);

/*
 * PCI INTx: the line the host bridge's interrupt-map gives pin (1 = INTA ..
 * 4 = INTD, the Interrupt Pin register) of the function whose ECAM
 * configuration space starts at cfg_addr (swizzled through any bridges up
 * to the root bus). 0 or a PF_E* code.
 */
int intr_pci_intx(uint64_t cfg_addr, uint8_t pin, struct intr_line *out);

/*
 * MSI: n (<= INTR_MSI_MAX) doorbells for the PCI function whose ECAM
 * configuration space starts at cfg_addr (its requester ID, translated by
 * the host bridge's msi-map, selects the device at an ITS). The lines are
 * wired (edge). PF_ENODEV when there is no MSI controller.
 */
int intr_msi_alloc(uint64_t cfg_addr, unsigned n, struct intr_msi *out);
/* Unwires and returns vectors of an intr_msi_alloc(). */
void intr_msi_free(const struct intr_msi *v, unsigned n);
/* "gicv2m", "its", or NULL when MSIs are not available. */
const char *intr_msi_controller(void);

#if !defined(PF_FREESTANDING)
/*
 * Host unit tests only (tests/unit/host_intr.c): a simulated controller.
 * host_intr_reset() forgets everything and makes intr_init() succeed (or
 * fail with `init_rc`); host_intr_raise() delivers an interrupt on a line
 * as the handler would (counted, callback, level masking) if the line is
 * wired and enabled, else leaves it pending until intr_unmask/intr_wire;
 * host_intr_msi_write() is a device's write to an MSI doorbell;
 * host_intr_map() answers intr_dt_irq_by_reg()/intr_pci_intx() for an
 * MMIO window or ECAM function address.
 */
void host_intr_reset(int init_rc);
void host_intr_map(uint64_t addr, uint32_t intid, bool edge);
void host_intr_raise(uint32_t intid);
bool host_intr_msi_write(uint64_t addr, uint32_t data);
bool host_intr_enabled(uint32_t intid);
bool host_intr_edge(uint32_t intid);
#endif

#endif

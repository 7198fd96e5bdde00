/* SPDX-License-Identifier: MIT */
/*
 * The packed-ring, IN_ORDER, virtqueue-reset, DEVICE_NEEDS_RESET and
 * SUSPEND checks (common/include/pf/checks_packed.def, checks_vqreset.def)
 * on the simulated device: the clean device passes, each fault fails (or
 * warns, for SHOULD-level assertions) the check meant for it
 * (test_checks_catalogue.c runs the table and holds the catalogue to it).
 *
 * Faults come from the simulated device's SIM_F_* flags (the ring model)
 * and from an interposer between the virtio-mmio transport and the
 * device's register window (struct fault_io below), for misbehaviour that
 * is about when and how the device acts on a register access.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "host_platform.h"
#include "pf/catalogue.h"
#include "platform.h"
#include "report.h"
#include "sim_world.h"
#include "suite.h"
#include "timing.h"
#include "unit_helpers.h"
#include "ut_table.h"
#include "virtio/discover.h"
#include "virtio/virtio_mmio.h"
#include "virtio/virtqueue_packed.h"
#include "virtio/virtqueue_split.h"

#define F(b) VIRTIO_BIT(b)
#define BASE                                                                         \
	(F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_INDIRECT_DESC) | F(VIRTIO_F_EVENT_IDX) | \
	 F(VIRTIO_F_RING_RESET))
#define PACKED (BASE | F(VIRTIO_F_RING_PACKED))
#define ALL (PACKED | F(VIRTIO_F_IN_ORDER) | F(VIRTIO_F_SUSPEND))
#define NET 1
#define BLK 2
#define RNG 4

/* ---- register-level faults -------------------------------------------- */

enum io_fault {
	IO_NONE,
	IO_QRESET_IGNORED,	   /* QueueReset writes dropped, reads 0 (QEMU 7.2 virtio-mmio) */
	IO_QRESET_ONE_AFTER_RESET, /* QueueReset reads 1 after a device reset until a queue is enabled */
	IO_QRESET_NOT_QUIET,	   /* a reset queue still completes buffers on its old ring */
	IO_QRESET_NOT_QUIET_LATE, /* the same, QRESET_LATE_NS after the notification */
	IO_QRESET_KEEPS_STATE,	  /* the ring indices survive a queue reset */
	IO_QRESET_OLD_CONFIG,	  /* a re-enabled queue keeps its old size and addresses */
	IO_PACKED_CHAIN_SPLIT,	  /* NEXT ignored: each descriptor of a list used on its own */
	IO_PACKED_EVENT_NO_DESC,  /* RING_EVENT_FLAGS_DESC treated as ENABLE */
	IO_RESET_KEEPS_BROKEN,	  /* a device reset does not recover from a malformed ring */
	IO_SUSPEND_EARLY,	  /* SUSPEND taken before DRIVER_OK */
	IO_SUSPEND_IGNORED,	  /* SUSPEND never taken */
	IO_SUSPEND_NOT_QUIET,	  /* used-buffer interrupts while suspended */
	IO_SUSPEND_STUCK,	  /* stays suspended when DRIVER_OK is set again */
	IO_NEEDS_RESET_ONLY,	  /* with DEVICE_NEEDS_RESET, status drops the
				  * driver's bits */
	IO_READY_0_AFTER_QRESET,  /* QueueReady reads 0 once its queue was reset,
				  * although the re-enabled queue works */
};

struct saved_queue {
	bool valid;
	uint16_t num, last_avail, used_idx;
	uint64_t desc, driver, device;
};

/* The latest stale use of the fault bench's old-ring-after-reset: a watch
 * of the old ring as short as the 5 ms quiet window misses it; the floor
 * of the watch leaves a descheduled test 30 ms of margin. */
#define QRESET_LATE_NS 20000000ull
_Static_assert(QRESET_LATE_NS + 25000000ull <= CHK_OLD_RING_FLOOR_NS,
	       "the late use must stay well inside the old-ring watch");

struct fault_io {
	struct sim_dev *sim;
	enum io_fault fault;
	bool flag;
	struct saved_queue q[SIM_MAX_QUEUES];
	uint64_t late_at; /* IO_QRESET_NOT_QUIET_LATE: when the old ring moves, 0: never */
	uint16_t late_q;
};

static struct fault_io FI;
static struct ut_dev U;

static uint64_t fi_read(void *ctx, uint64_t off, unsigned width)
{
	struct fault_io *f = ctx;
	uint64_t v = sim_mmio_ops.read(f->sim, off, width);

	switch (f->fault) {
	case IO_QRESET_ONE_AFTER_RESET:
		return off == VIRTIO_MMIO_QUEUE_RESET && f->flag ? 1 : v;
	case IO_NEEDS_RESET_ONLY:
		if (off == VIRTIO_MMIO_STATUS && (v & VIRTIO_STATUS_DEVICE_NEEDS_RESET))
			return VIRTIO_STATUS_DEVICE_NEEDS_RESET;
		return v;
	case IO_READY_0_AFTER_QRESET:
		return off == VIRTIO_MMIO_QUEUE_READY && f->flag ? 0 : v;
	case IO_SUSPEND_NOT_QUIET:
		if (off == VIRTIO_MMIO_INTERRUPT_STATUS && (f->sim->status & VIRTIO_STATUS_SUSPEND))
			return v | VIRTIO_ISR_QUEUE;
		return v;
	default:
		return v;
	}
}

/* The old ring of queue q moves on as if the queue still ran. */
static void old_ring_moves(struct fault_io *f, uint16_t q)
{
	struct virtq_used *used = arch_dma_ptr(f->q[q].device);

	if (used)
		used->idx++;
	f->sim->isr |= VIRTIO_ISR_QUEUE;
}

/* While the driver waits: the device progresses, and a late use of an
 * old ring comes due. */
static void late_hook(void *ctx)
{
	struct fault_io *f = ctx;

	for (uint16_t q = 0; q < SIM_MAX_QUEUES; q++)
		sim_process(f->sim, q);
	if (f->late_at && arch_now_ns() >= f->late_at) {
		f->late_at = 0;
		old_ring_moves(f, f->late_q);
	}
}

/* Available descriptors of a packed ring lose VIRTQ_DESC_F_NEXT. */
static void split_lists(struct sim_queue *q)
{
	struct pvirtq_desc *d = arch_dma_ptr(q->desc);

	for (uint16_t i = 0; d && i < q->num; i++) {
		bool a = d[i].flags & VIRTQ_DESC_F_AVAIL, u = d[i].flags & VIRTQ_DESC_F_USED;

		if (a != u)
			d[i].flags &= (uint16_t)~VIRTQ_DESC_F_NEXT;
	}
}

/* What happens on a write, before (return false to drop it) ... */
static bool fi_before(struct fault_io *f, uint64_t off, uint32_t v)
{
	struct sim_dev *s = f->sim;
	uint16_t sel = s->queue_sel < SIM_MAX_QUEUES ? s->queue_sel : 0;
	struct sim_queue *q = &s->q[sel];
	struct saved_queue *sq = &f->q[sel];

	switch (f->fault) {
	case IO_QRESET_IGNORED:
		return off != VIRTIO_MMIO_QUEUE_RESET;
	case IO_QRESET_NOT_QUIET:
	case IO_QRESET_NOT_QUIET_LATE:
	case IO_QRESET_KEEPS_STATE:
	case IO_QRESET_OLD_CONFIG:
		if (off == VIRTIO_MMIO_QUEUE_RESET && v == 1)
			*sq = (struct saved_queue){ true,    q->num,	q->last_avail, q->used_idx,
						    q->desc, q->driver, q->device };
		if (f->fault == IO_QRESET_NOT_QUIET_LATE && off == VIRTIO_MMIO_QUEUE_NOTIFY &&
		    v < SIM_MAX_QUEUES && f->q[v].valid && !s->q[v].ready) {
			f->late_at = arch_now_ns() + QRESET_LATE_NS;
			f->late_q = (uint16_t)v;
			return false;
		}
		if (f->fault == IO_QRESET_NOT_QUIET && off == VIRTIO_MMIO_QUEUE_NOTIFY &&
		    v < SIM_MAX_QUEUES && f->q[v].valid && !s->q[v].ready) {
			old_ring_moves(f, (uint16_t)v);
			return false;
		}
		return true;
	case IO_PACKED_CHAIN_SPLIT:
		if (off == VIRTIO_MMIO_QUEUE_NOTIFY && v < SIM_MAX_QUEUES)
			split_lists(&s->q[v]);
		return true;
	case IO_PACKED_EVENT_NO_DESC:
		if (off == VIRTIO_MMIO_QUEUE_NOTIFY && v < SIM_MAX_QUEUES) {
			struct pvirtq_event_suppress *e = arch_dma_ptr(s->q[v].driver);

			if (e && e->flags == RING_EVENT_FLAGS_DESC)
				e->flags = RING_EVENT_FLAGS_ENABLE;
		}
		return true;
	case IO_SUSPEND_IGNORED:
		if (off == VIRTIO_MMIO_STATUS && (v & VIRTIO_STATUS_SUSPEND))
			sim_write_status(s, (uint8_t)(v & ~VIRTIO_STATUS_SUSPEND));
		return !(off == VIRTIO_MMIO_STATUS && (v & VIRTIO_STATUS_SUSPEND));
	case IO_SUSPEND_STUCK:
		return !(off == VIRTIO_MMIO_STATUS && (s->status & VIRTIO_STATUS_SUSPEND) &&
			 (v & VIRTIO_STATUS_DRIVER_OK));
	default:
		return true;
	}
}

/* ... and after the device saw it. */
static void fi_after(struct fault_io *f, uint64_t off, uint32_t v, bool was_broken,
		     uint8_t old_status)
{
	struct sim_dev *s = f->sim;
	uint16_t sel = s->queue_sel < SIM_MAX_QUEUES ? s->queue_sel : 0;
	struct sim_queue *q = &s->q[sel];
	struct saved_queue *sq = &f->q[sel];

	switch (f->fault) {
	case IO_QRESET_ONE_AFTER_RESET:
		if (off == VIRTIO_MMIO_STATUS && v == 0)
			f->flag = true;
		if (off == VIRTIO_MMIO_QUEUE_READY && v == 1)
			f->flag = false;
		break;
	case IO_READY_0_AFTER_QRESET:
		if (off == VIRTIO_MMIO_QUEUE_RESET && v == 1)
			f->flag = true;
		break;
	case IO_QRESET_KEEPS_STATE:
		if (off == VIRTIO_MMIO_QUEUE_RESET && v == 1 && sq->valid) {
			q->last_avail = sq->last_avail;
			q->used_idx = sq->used_idx;
		}
		break;
	case IO_QRESET_OLD_CONFIG:
		if (off == VIRTIO_MMIO_QUEUE_READY && v == 1 && sq->valid) {
			q->num = sq->num;
			q->desc = sq->desc;
			q->driver = sq->driver;
			q->device = sq->device;
		}
		break;
	case IO_RESET_KEEPS_BROKEN:
		if (off == VIRTIO_MMIO_STATUS && v == 0 && was_broken)
			s->broken = true;
		break;
	case IO_SUSPEND_EARLY:
		if (off == VIRTIO_MMIO_STATUS && (v & VIRTIO_STATUS_SUSPEND) &&
		    !(old_status & VIRTIO_STATUS_DRIVER_OK))
			s->status |= VIRTIO_STATUS_SUSPEND;
		break;
	default:
		break;
	}
}

static void fi_write(void *ctx, uint64_t off, uint64_t val, unsigned width)
{
	struct fault_io *f = ctx;
	bool was_broken = f->sim->broken;
	uint8_t old_status = f->sim->status;

	if (!fi_before(f, off, (uint32_t)val))
		return;
	sim_mmio_ops.write(f->sim, off, val, width);
	fi_after(f, off, (uint32_t)val, was_broken, old_status);
}

static const struct pf_io_ops fault_ops = { fi_read, fi_write };

/* ---- the table ---------------------------------------------------------- */

struct ring_case {
	const char *name;
	enum pf_check_id check;
	enum sim_transport transport;
	uint32_t device_id;
	uint64_t features;
	uint64_t sim_faults;
	enum io_fault io_fault;
	enum pf_verdict expect;
	uint16_t knob;	 /* in_order_batch for IN_ORDER cases, qreset_busy_reads otherwise */
	const char *sub; /* fingerprint glob of the failure (not a PASS) */
};

#define MMIO SIM_MMIO_V2
#define PCI SIM_PCI
#define PASS PF_VERDICT_PASS
#define FAIL PF_VERDICT_FAIL
#define WARN PF_VERDICT_WARN
#define SKIP PF_VERDICT_SKIP
#define NA PF_VERDICT_NA

static const struct ring_case cases[] = {
	/* packed: used descriptors */
	{ "packed used clean", PF_CHK_PACKED_USED, MMIO, RNG, PACKED, 0, IO_NONE, PASS, 0, NULL },
	{ "packed used clean pci", PF_CHK_PACKED_USED, PCI, NET, PACKED, 0, IO_NONE, PASS, 0,
	  NULL },
	{ "packed used: not offered", PF_CHK_PACKED_USED, MMIO, RNG, BASE, 0, IO_NONE, NA, 0,
	  NULL },
	{ "packed used: stale wrap", PF_CHK_PACKED_USED, MMIO, RNG, PACKED, SIM_F_PACKED_STALE_WRAP,
	  IO_NONE, FAIL, 0, "one-at-a-time/wrap" },
	{ "packed used: AVAIL != USED", PF_CHK_PACKED_USED, MMIO, RNG, PACKED,
	  SIM_F_PACKED_BAD_FLAGS, IO_NONE, FAIL, 0, "one-at-a-time/flags" },
	{ "packed used: id out of range", PF_CHK_PACKED_USED, MMIO, RNG, PACKED,
	  SIM_F_USED_ID_RANGE, IO_NONE, FAIL, 0, "one-at-a-time/used-id-range" },
	{ "packed used: id not in flight", PF_CHK_PACKED_USED, MMIO, RNG, PACKED,
	  SIM_F_USED_ID_STALE, IO_NONE, FAIL, 0, "one-at-a-time/used-id-not-in-flight" },
	{ "packed used: len too long", PF_CHK_PACKED_USED, MMIO, RNG, PACKED, SIM_F_USED_LEN_LONG,
	  IO_NONE, WARN, 0, "one-at-a-time/used-len" },
	/* packed: readable buffers */
	{ "packed readable clean", PF_CHK_PACKED_NO_WRITE_READABLE, MMIO, NET, PACKED, 0, IO_NONE,
	  PASS, 0, NULL },
	{ "packed readable: rng has none", PF_CHK_PACKED_NO_WRITE_READABLE, MMIO, RNG, PACKED, 0,
	  IO_NONE, SKIP, 0, NULL },
	{ "packed readable written", PF_CHK_PACKED_NO_WRITE_READABLE, MMIO, NET, PACKED,
	  SIM_F_WRITE_READABLE, IO_NONE, FAIL, 0, "two-pieces/readable-written" },
	/* packed: used descriptors left alone */
	{ "packed unchanged clean", PF_CHK_PACKED_NO_CHANGE_AFTER_USED, MMIO, RNG, PACKED, 0,
	  IO_NONE, PASS, 0, NULL },
	{ "packed unchanged clean net", PF_CHK_PACKED_NO_CHANGE_AFTER_USED, MMIO, NET, PACKED, 0,
	  IO_NONE, PASS, 0, NULL },
	{ "packed used rewritten", PF_CHK_PACKED_NO_CHANGE_AFTER_USED, MMIO, RNG, PACKED,
	  SIM_F_PACKED_USED_REWRITE, IO_NONE, FAIL, 0, "used-desc-changed" },
	/* packed: AVAIL must flip */
	{ "packed avail flip clean", PF_CHK_PACKED_AVAIL_FLIP, MMIO, RNG, PACKED, 0, IO_NONE, PASS,
	  0, NULL },
	{ "packed avail flip clean net", PF_CHK_PACKED_AVAIL_FLIP, MMIO, NET, PACKED, 0, IO_NONE,
	  PASS, 0, NULL },
	{ "packed avail flip clean pci", PF_CHK_PACKED_AVAIL_FLIP, PCI, RNG, PACKED, 0, IO_NONE,
	  PASS, 0, NULL },
	{ "packed: AVAIL bit only", PF_CHK_PACKED_AVAIL_FLIP, MMIO, RNG, PACKED,
	  SIM_F_PACKED_AVAIL_ONLY, IO_NONE, FAIL, 0, "lap-1/wrap-counter" },
	{ "packed: AVAIL bit only, net", PF_CHK_PACKED_AVAIL_FLIP, MMIO, NET, PACKED,
	  SIM_F_PACKED_AVAIL_ONLY, IO_NONE, FAIL, 0, "lap-1/wrap-counter" },
	/* packed: chains */
	{ "packed chain clean", PF_CHK_PACKED_CHAIN, MMIO, RNG, PACKED, 0, IO_NONE, PASS, 0, NULL },
	{ "packed chain clean net", PF_CHK_PACKED_CHAIN, MMIO, NET, PACKED, 0, IO_NONE, PASS, 0,
	  NULL },
	{ "packed chain split up", PF_CHK_PACKED_CHAIN, MMIO, RNG, PACKED, 0, IO_PACKED_CHAIN_SPLIT,
	  FAIL, 0, "long-chain/used-inside-list" },
	/* packed: indirect */
	{ "packed indirect clean", PF_CHK_PACKED_INDIRECT, MMIO, NET, PACKED, 0, IO_NONE, PASS, 0,
	  NULL },
	{ "packed indirect: table written", PF_CHK_PACKED_INDIRECT, MMIO, RNG, PACKED,
	  SIM_F_WRITE_DESC, IO_NONE, FAIL, 0, "whole-indirect/desc-written" },
	{ "packed indirect: readable written", PF_CHK_PACKED_INDIRECT, MMIO, NET, PACKED,
	  SIM_F_WRITE_READABLE, IO_NONE, FAIL, 0, "whole-indirect/readable-written" },
	{ "packed indirect not offered", PF_CHK_PACKED_INDIRECT, MMIO, RNG,
	  PACKED & ~F(VIRTIO_F_INDIRECT_DESC), 0, IO_NONE, NA, 0, NULL },
	/* packed: wrap */
	{ "packed wrap clean", PF_CHK_PACKED_WRAP, MMIO, RNG, PACKED, 0, IO_NONE, PASS, 0, NULL },
	{ "packed wrap clean net pci", PF_CHK_PACKED_WRAP, PCI, NET, PACKED, 0, IO_NONE, PASS, 0,
	  NULL },
	{ "packed wrap: stale wrap", PF_CHK_PACKED_WRAP, MMIO, RNG, PACKED, SIM_F_PACKED_STALE_WRAP,
	  IO_NONE, FAIL, 0, "wrap" },
	/* packed: event suppression (SHOULD level) */
	{ "packed events clean", PF_CHK_PACKED_EVENT_SUPPRESS, MMIO, RNG, PACKED, 0, IO_NONE, PASS,
	  0, NULL },
	{ "packed events clean no event idx", PF_CHK_PACKED_EVENT_SUPPRESS, MMIO, RNG,
	  PACKED & ~F(VIRTIO_F_EVENT_IDX), 0, IO_NONE, PASS, 0, NULL },
	{ "packed events: DISABLE ignored", PF_CHK_PACKED_EVENT_SUPPRESS, MMIO, RNG, PACKED,
	  SIM_F_EXTRA_IRQ, IO_NONE, WARN, 0, "disable/suppressed" },
	{ "packed events: none", PF_CHK_PACKED_EVENT_SUPPRESS, MMIO, RNG, PACKED, SIM_F_NO_IRQ,
	  IO_NONE, WARN, 0, "enable/notified" },
	{ "packed events: DESC ignored", PF_CHK_PACKED_EVENT_SUPPRESS, MMIO, RNG, PACKED, 0,
	  IO_PACKED_EVENT_NO_DESC, WARN, 0, "desc/early" },
	/* IN_ORDER */
	{ "in order clean", PF_CHK_FEAT_IN_ORDER, MMIO, RNG, ALL, 0, IO_NONE, PASS, 0, NULL },
	{ "in order batched", PF_CHK_FEAT_IN_ORDER, MMIO, RNG, ALL, 0, IO_NONE, PASS, 3, NULL },
	{ "in order split only", PF_CHK_FEAT_IN_ORDER, MMIO, NET, BASE | F(VIRTIO_F_IN_ORDER), 0,
	  IO_NONE, PASS, 0, NULL },
	{ "in order not offered", PF_CHK_FEAT_IN_ORDER, MMIO, RNG, PACKED, 0, IO_NONE, NA, 0,
	  NULL },
	{ "in order violated", PF_CHK_FEAT_IN_ORDER, MMIO, RNG, ALL, SIM_F_OUT_OF_ORDER, IO_NONE,
	  FAIL, 0, "split/order" },
	/* queue reset registers */
	{ "qreset mmio clean", PF_CHK_VQRESET_MMIO_REGS, MMIO, RNG, BASE, 0, IO_NONE, PASS, 0,
	  NULL },
	{ "qreset mmio clean, slow", PF_CHK_VQRESET_MMIO_REGS, MMIO, NET, BASE, 0, IO_NONE, PASS, 5,
	  NULL },
	{ "qreset mmio on pci", PF_CHK_VQRESET_MMIO_REGS, PCI, RNG, BASE, 0, IO_NONE, NA, 0, NULL },
	{ "qreset mmio not offered", PF_CHK_VQRESET_MMIO_REGS, MMIO, RNG, F(VIRTIO_F_VERSION_1), 0,
	  IO_NONE, NA, 0, NULL },
	{ "qreset mmio: keeps ready", PF_CHK_VQRESET_MMIO_REGS, MMIO, RNG, BASE,
	  SIM_F_QRESET_KEEPS_READY, IO_NONE, FAIL, 0, "still-enabled" },
	{ "qreset mmio: stuck", PF_CHK_VQRESET_MMIO_REGS, MMIO, RNG, BASE, SIM_F_QRESET_STUCK,
	  IO_NONE, FAIL, 0, "reset-stuck" },
	{ "qreset mmio: ignored (QEMU 7.2)", PF_CHK_VQRESET_MMIO_REGS, MMIO, RNG, BASE, 0,
	  IO_QRESET_IGNORED, FAIL, 0, "still-enabled" },
	{ "qreset mmio: 1 after reset", PF_CHK_VQRESET_MMIO_REGS, MMIO, RNG, BASE, 0,
	  IO_QRESET_ONE_AFTER_RESET, FAIL, 0, "reset-reads-1-after-device-reset" },
	{ "qreset pci clean", PF_CHK_VQRESET_PCI_REGS, PCI, RNG, BASE, 0, IO_NONE, PASS, 0, NULL },
	{ "qreset pci clean, slow", PF_CHK_VQRESET_PCI_REGS, PCI, NET, BASE, 0, IO_NONE, PASS, 5,
	  NULL },
	{ "qreset pci on mmio", PF_CHK_VQRESET_PCI_REGS, MMIO, RNG, BASE, 0, IO_NONE, NA, 0, NULL },
	{ "qreset pci: keeps ready", PF_CHK_VQRESET_PCI_REGS, PCI, RNG, BASE,
	  SIM_F_QRESET_KEEPS_READY, IO_NONE, FAIL, 0, "still-enabled" },
	{ "qreset pci: stuck", PF_CHK_VQRESET_PCI_REGS, PCI, RNG, BASE, SIM_F_QRESET_STUCK, IO_NONE,
	  FAIL, 0, "reset-stuck" },
	/* queue reset with traffic */
	{ "qreset quiesce clean", PF_CHK_VQRESET_QUIESCE, MMIO, RNG, BASE, 0, IO_NONE, PASS, 0,
	  NULL },
	{ "qreset quiesce clean pci", PF_CHK_VQRESET_QUIESCE, PCI, NET, BASE, 0, IO_NONE, PASS, 0,
	  NULL },
	{ "qreset quiesce: not quiet", PF_CHK_VQRESET_QUIESCE, MMIO, RNG, BASE, 0,
	  IO_QRESET_NOT_QUIET, FAIL, 0, "old-ring-used" },
	{ "qreset quiesce: not quiet, late", PF_CHK_VQRESET_QUIESCE, MMIO, RNG, BASE, 0,
	  IO_QRESET_NOT_QUIET_LATE, FAIL, 0, "old-ring-used" },
	{ "qreset quiesce: ignored", PF_CHK_VQRESET_QUIESCE, MMIO, RNG, BASE, 0, IO_QRESET_IGNORED,
	  FAIL, 0, "still-enabled" },
	{ "qreset reenable clean", PF_CHK_VQRESET_REENABLE, MMIO, RNG, BASE, 0, IO_NONE, PASS, 0,
	  NULL },
	{ "qreset reenable clean pci", PF_CHK_VQRESET_REENABLE, PCI, NET, BASE, 0, IO_NONE, PASS, 0,
	  NULL },
	{ "qreset reenable: state kept", PF_CHK_VQRESET_REENABLE, MMIO, RNG, BASE, 0,
	  IO_QRESET_KEEPS_STATE, FAIL, 0, "re-enabled/no-used" },
	{ "qreset reenable: old config", PF_CHK_VQRESET_REENABLE, MMIO, RNG, BASE, 0,
	  IO_QRESET_OLD_CONFIG, FAIL, 0, "re-enabled/no-used" },
	{ "qreset reenable: keeps ready", PF_CHK_VQRESET_REENABLE, MMIO, RNG, BASE,
	  SIM_F_QRESET_KEEPS_READY, IO_NONE, FAIL, 0, "reset/still-enabled" },
	/* QueueReady read-back after re-enabling: register text, a warning */
	{ "qreset reenable: reads not ready", PF_CHK_VQRESET_REENABLE, MMIO, RNG, BASE, 0,
	  IO_READY_0_AFTER_QRESET, WARN, 0, "re-enabled/not-enabled" },
	{ "qreset mmio: reads not ready", PF_CHK_VQRESET_MMIO_REGS, MMIO, RNG, BASE, 0,
	  IO_READY_0_AFTER_QRESET, WARN, 0, "not-enabled" },
	/* DEVICE_NEEDS_RESET */
	{ "needs reset clean", PF_CHK_NEEDS_RESET_MALFORMED, MMIO, RNG, BASE, 0, IO_NONE, PASS, 0,
	  NULL },
	{ "needs reset clean net pci", PF_CHK_NEEDS_RESET_MALFORMED, PCI, NET, BASE, 0, IO_NONE,
	  PASS, 0, NULL },
	{ "needs reset: no config irq", PF_CHK_NEEDS_RESET_MALFORMED, MMIO, RNG, BASE,
	  SIM_F_NO_CONFIG_IRQ, IO_NONE, WARN, 0, "head-beyond-size/no-config-notification" },
	{ "needs reset: silent stop", PF_CHK_NEEDS_RESET_MALFORMED, MMIO, RNG, BASE,
	  SIM_F_SILENT_BROKEN, IO_NONE, WARN, 0, "head-beyond-size/queue-stopped" },
	{ "needs reset: reset does not help", PF_CHK_NEEDS_RESET_MALFORMED, MMIO, RNG, BASE, 0,
	  IO_RESET_KEEPS_BROKEN, WARN, 0, "after-reset/no-used" },
	{ "needs reset: driver bits dropped", PF_CHK_NEEDS_RESET_MALFORMED, MMIO, RNG, BASE, 0,
	  IO_NEEDS_RESET_ONLY, WARN, 0, "head-beyond-size/device-status" },
	/* SUSPEND */
	{ "suspend clean", PF_CHK_SUSPEND, MMIO, RNG, ALL, 0, IO_NONE, PASS, 0, NULL },
	{ "suspend clean net pci", PF_CHK_SUSPEND, PCI, NET, BASE | F(VIRTIO_F_SUSPEND), 0, IO_NONE,
	  PASS, 0, NULL },
	{ "suspend not offered", PF_CHK_SUSPEND, MMIO, RNG, BASE, 0, IO_NONE, NA, 0, NULL },
	{ "suspend before DRIVER_OK", PF_CHK_SUSPEND, MMIO, RNG, ALL, 0, IO_SUSPEND_EARLY, FAIL, 0,
	  "before-driver-ok/suspend-taken" },
	{ "suspend ignored", PF_CHK_SUSPEND, MMIO, RNG, ALL, 0, IO_SUSPEND_IGNORED, FAIL, 0,
	  "suspending/not-suspended" },
	{ "suspend not quiet", PF_CHK_SUSPEND, MMIO, RNG, ALL, 0, IO_SUSPEND_NOT_QUIET, FAIL, 0,
	  "suspended/notified" },
	{ "suspend no resume", PF_CHK_SUSPEND, MMIO, RNG, ALL, 0, IO_SUSPEND_STUCK, FAIL, 0,
	  "resuming/not-resumed" },
	/* readable traffic shared with the split ring */
	{ "packed readable: whole header written", PF_CHK_PACKED_NO_WRITE_READABLE, MMIO, NET,
	  PACKED, SIM_F_WRITE_WHOLE_HEADER, IO_NONE, FAIL, 0, "one-piece/readable-written" },
	{ "packed readable clean blk", PF_CHK_PACKED_NO_WRITE_READABLE, MMIO, BLK, PACKED, 0,
	  IO_NONE, PASS, 0, NULL },
	/* guard bytes around every buffer */
	{ "packed used: write past the end", PF_CHK_PACKED_USED, MMIO, RNG, PACKED,
	  SIM_F_WRITE_PAST_END, IO_NONE, WARN, 0, "one-at-a-time/guard-after" },
	{ "packed used: write past the end blk", PF_CHK_PACKED_USED, MMIO, BLK, PACKED,
	  SIM_F_WRITE_PAST_END, IO_NONE, WARN, 0, "one-at-a-time/guard-after" },
	{ "packed used clean blk", PF_CHK_PACKED_USED, MMIO, BLK, PACKED, 0, IO_NONE, PASS, 0,
	  NULL },
	{ "packed wrap: write past the end", PF_CHK_PACKED_WRAP, MMIO, RNG, PACKED,
	  SIM_F_WRITE_PAST_END, IO_NONE, WARN, 0, "guard-after" },
	{ "in order: write past the end", PF_CHK_FEAT_IN_ORDER, MMIO, RNG, ALL,
	  SIM_F_WRITE_PAST_END, IO_NONE, WARN, 3, "split/guard-after" },
	/* the old ring after a queue reset */
	{ "qreset mmio: old ring still run", PF_CHK_VQRESET_MMIO_REGS, MMIO, RNG, BASE,
	  SIM_F_RESET_KEEPS_RING, IO_NONE, FAIL, 0, "old-ring-used" },
	{ "qreset pci: old ring still run", PF_CHK_VQRESET_PCI_REGS, PCI, NET, BASE,
	  SIM_F_RESET_KEEPS_RING, IO_NONE, FAIL, 0, "old-ring-used" },
	{ "qreset mmio: old ring still run, gpu", PF_CHK_VQRESET_MMIO_REGS, MMIO, 16, BASE,
	  SIM_F_RESET_KEEPS_RING, IO_NONE, FAIL, 0, "old-ring-used" },
	{ "qreset mmio clean gpu", PF_CHK_VQRESET_MMIO_REGS, MMIO, 16, BASE, 0, IO_NONE, PASS, 0,
	  NULL },
	{ "qreset quiesce: old ring still run", PF_CHK_VQRESET_QUIESCE, MMIO, RNG, BASE,
	  SIM_F_RESET_KEEPS_RING, IO_NONE, FAIL, 0, "old-ring-used" },
	{ "qreset quiesce: old ring still run net", PF_CHK_VQRESET_QUIESCE, MMIO, NET, BASE,
	  SIM_F_RESET_KEEPS_RING, IO_NONE, FAIL, 0, "old-ring-used" },
	/* the device's event suppression never lets the driver notify */
	{ "packed used: event flags stall", PF_CHK_PACKED_USED, MMIO, RNG, PACKED,
	  SIM_F_AVAIL_EVENT_WRONG, IO_NONE, WARN, 0, "one-at-a-time/avail-event-stall" },
};

static enum pf_verdict run_case(const struct ring_case *c)
{
	struct virtio_dev *d = &U.dev;

	if (c->transport == SIM_PCI) {
		/* the PCI function is reached through discovery, faulty from
		 * the start as on a machine; the register faults above are
		 * virtio-mmio offsets it cannot honour */
		if (c->io_fault != IO_NONE)
			fail_msg("%s: io_fault is a virtio-mmio register fault, not for a PCI row",
				 c->name);
		d = ut_pci_open(&U, c->device_id, c->features, c->sim_faults, 0);
		assert_non_null(d);
	} else {
		assert_int_equal(ut_mmio_open_faulty(&U, c->transport, c->device_id, c->features, 2,
						     256, c->sim_faults),
				 0);
		/* register faults act on what the driver reads and writes
		 * once the transport is probed (a bad magic value from the
		 * start would leave no device to check) */
		memset(&FI, 0, sizeof(FI));
		FI.sim = &U.sim;
		FI.fault = c->io_fault;
		U.dev.regs.ops = &fault_ops;
		U.dev.regs.ctx = &FI;
	}
	if (c->check == PF_CHK_FEAT_IN_ORDER)
		U.sim.in_order_batch = c->knob;
	else
		U.sim.qreset_busy_reads = c->knob;
	ut_auto_progress(&U);
	if (c->io_fault == IO_QRESET_NOT_QUIET_LATE)
		host_set_delay_hook(late_hook, &FI);
	return ut_run_check(c->check, d);
}

static void test_case(void **state)
{
	const struct ring_case *c = *state;
	enum pf_verdict v = run_case(c);

	UT_CHECK_ROW(&ut_checks_ring, c, v);
}

/* A ring of 4 (QEMU's vhost-user-rng) still wraps: lists are shortened to
 * fit, instead of the driver giving up on an empty ring. */
static void test_packed_wrap_ring_of_4(void **state)
{
	enum pf_verdict v;

	(void)state;
	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, RNG, PACKED, 1, 4), 0);
	ut_auto_progress(&U);
	v = ut_run_check(PF_CHK_PACKED_WRAP, &U.dev);
	if (v != PF_VERDICT_PASS)
		print_error("%s\n", host_console());
	assert_int_equal(v, PF_VERDICT_PASS);
}

static const struct CMUnitTest extra[] = {
	cmocka_unit_test_setup(test_packed_wrap_ring_of_4, ut_setup),
};

UT_CHECK_TABLE(ut_checks_ring, "checks_ring", cases, struct ring_case, test_case, ut_setup, NULL,
	       extra);

/* SPDX-License-Identifier: MIT */
/*
 * Virtio over PCI with MSI-X (4.1.5.1.2, 4.1.5.3): the vector mapping
 * registers of the common configuration, and that a used buffer raises the
 * vector its queue is mapped to, and nothing when it is mapped to
 * NO_VECTOR.
 *
 * The mapping check needs no interrupt controller: MSI-X is enabled with
 * the function and every entry masked, so the device can map vectors but
 * sends nothing. The delivery check programs real doorbells (GICv2m frame
 * or ITS, through intr.h and msix.h).
 */
#include "arch.h"
#include "helpers.h"
#include "intr.h"
#include "msix.h"
#include "platform.h"
#include "ring.h"
#include "timing.h"
#include "virtio/virtio_pci.h"

#define MAP_MAX_VEC 64	  /* vectors whose mapping is tried */
#define MAP_FULL_QUEUES 4 /* queues tried with every vector */
#define DELIVERY_VEC 8	  /* vectors the delivery check uses */

/* Table Size of a modern PCI device, or false with the test marked. */
static bool msix_size(struct pf_test *t, int *n)
{
	if (!virtio_pci_priv(t->dev)) {
		report_na(t, "not a virtio PCI device");
		return false;
	}
	if (!chk_drivable(t))
		return false;
	*n = msix_table_size(t->dev);
	if (*n == PF_ENOCAP) {
		report_na(t, "no MSI-X capability (the function notifies by INTx)");
		return false;
	}
	if (*n < 0) {
		report_error(t, "MSI-X capability unusable: %s", msix_strerror(*n));
		return false;
	}
	return true;
}

static uint16_t cfg_vec(struct virtio_dev *d)
{
	return io_read16(&d->regs, VIRTIO_PCI_COMMON_MSIX);
}

static uint16_t set_cfg_vec(struct virtio_dev *d, uint16_t v)
{
	io_write16(&d->regs, VIRTIO_PCI_COMMON_MSIX, v);
	return cfg_vec(d);
}

static uint16_t queue_vec(struct virtio_dev *d, uint16_t q)
{
	io_write16(&d->regs, VIRTIO_PCI_COMMON_Q_SELECT, q);
	return io_read16(&d->regs, VIRTIO_PCI_COMMON_Q_MSIX);
}

static uint16_t set_queue_vec(struct virtio_dev *d, uint16_t q, uint16_t v)
{
	io_write16(&d->regs, VIRTIO_PCI_COMMON_Q_SELECT, q);
	io_write16(&d->regs, VIRTIO_PCI_COMMON_Q_MSIX, v);
	return io_read16(&d->regs, VIRTIO_PCI_COMMON_Q_MSIX);
}

/* Every event reads NO_VECTOR (after a reset, or after unmapping). */
static void expect_unmapped(struct pf_test *t, const char *when)
{
	struct virtio_dev *d = t->dev;
	uint16_t v = cfg_vec(d);

	report(t, v == VIRTIO_MSI_NO_VECTOR, "config-vector", "config_msix_vector reads 0x%04x %s",
	       v, when);
	for (uint16_t q = 0; q < d->num_queues; q++) {
		v = queue_vec(d, q);
		if (!report(t, v == VIRTIO_MSI_NO_VECTOR, "queue-vector",
			    "queue %u: queue_msix_vector reads 0x%04x %s", q, v, when))
			break;
	}
}

static void map_all(struct pf_test *t, unsigned nv)
{
	struct virtio_dev *d = t->dev;
	uint16_t got;

	for (unsigned v = 0; v < nv; v++) {
		got = set_cfg_vec(d, (uint16_t)v);
		if (!report(t, got == v, "config-vector-write",
			    "config_msix_vector reads 0x%04x after writing vector %u", got, v))
			break;
	}
	for (uint16_t q = 0; q < d->num_queues; q++) {
		for (unsigned i = 0; i < nv; i++) {
			/* every vector on the first queues, a few on the rest */
			unsigned v = q < MAP_FULL_QUEUES ? i
				     : i == 0		 ? 0u
				     : i == 1		 ? nv - 1
							 : (q % nv);

			if (q >= MAP_FULL_QUEUES && i > 2)
				break;
			got = set_queue_vec(d, q, (uint16_t)v);
			if (!report(t, got == v, "queue-vector-write",
				    "queue %u: queue_msix_vector reads 0x%04x after writing vector "
				    "%u",
				    q, got, v))
				return;
		}
	}
}

void check_IRQ_MSIX_MAPPING(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	unsigned nv;
	uint16_t got;
	int n, rc;

	if (!msix_size(t, &n))
		return;
	/* 4.1.5.1.2.1: a device with MSI-X SHOULD support 2..0x800 vectors
	 * (pci.msix.vector-count); a driver copes with any size */
	report_should(
		t, n >= 2 && n <= 0x800, "table-size",
		"MSI-X Table Size is %d: a device SHOULD support 2..0x800 vectors (4.1.5.1.2.1)",
		n);
	nv = n > MAP_MAX_VEC ? MAP_MAX_VEC : (unsigned)n;
	if ((unsigned)n > nv)
		report_log(t, 1, "Table Size %d: mapping tried for vectors 0..%u", n, nv - 1);
	rc = msix_enable_masked(d);
	if (rc) {
		report_error(t, "cannot enable MSI-X: %s", msix_strerror(rc));
		return;
	}
	if (chk_try_features(t, chk_default_features(d)) == 0xff)
		goto out;
	map_all(t, nv);
	/* beyond the table: the mapping fails and reads back NO_VECTOR */
	if (n < VIRTIO_MSI_NO_VECTOR) {
		got = set_cfg_vec(d, (uint16_t)n);
		report(t, got == VIRTIO_MSI_NO_VECTOR, "config-vector-beyond",
		       "config_msix_vector reads 0x%04x after writing vector %d beyond the "
		       "%d-entry table",
		       got, n, n);
		if (d->num_queues) {
			got = set_queue_vec(d, 0, (uint16_t)n);
			report(t, got == VIRTIO_MSI_NO_VECTOR, "queue-vector-beyond",
			       "queue 0: queue_msix_vector reads 0x%04x after writing vector %d "
			       "beyond the %d-entry table",
			       got, n, n);
		}
	}
	/* unmapping is always accepted */
	set_cfg_vec(d, VIRTIO_MSI_NO_VECTOR);
	for (uint16_t q = 0; q < d->num_queues; q++)
		set_queue_vec(d, q, VIRTIO_MSI_NO_VECTOR);
	expect_unmapped(t, "after writing NO_VECTOR");
	/* a reset unmaps everything */
	set_cfg_vec(d, 0);
	for (uint16_t q = 0; q < d->num_queues; q++)
		set_queue_vec(d, q, (uint16_t)(q % nv));
	if (report(t, virtio_reset(d, CHK_RESET_TIMEOUT_NS) == 0, "reset",
		   "reset did not complete"))
		expect_unmapped(t, "after a device reset");
out:
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
	msix_disable(d);
}

/* An interrupt on intid that finds the used buffer visible; earlier ones
 * (notifications with nothing used, which a driver tolerates) are waited
 * past. The calibrated wait, then the re-try (timing.h). */
static bool wait_used_msi(struct pf_test *t, struct chk_ring *r, uint32_t intid, uint32_t c)
{
	uint64_t t0 = arch_now_ns(), limit = chk_wait_ns(), spent;
	bool retried = false;

	for (;;) {
		spent = arch_now_ns() - t0;
		if (spent < limit && intr_wait(intid, c, limit - spent)) {
			if (virtq_split_pending(&r->vq))
				return true;
			c = intr_count(intid);
			continue;
		}
		if (retried)
			return false;
		retried = true;
		report_log(t, 1, "no interrupt on INTID %u within %llu ms: waiting %llu ms more",
			   intid, (unsigned long long)(limit / 1000000),
			   (unsigned long long)(chk_retry_ns() / 1000000));
		limit += chk_retry_ns();
	}
}

/*
 * One used buffer on a ring set up afresh with its queue mapped to `vec`
 * during initialisation, before DRIVER_OK, where 4.1.5.1.2 places the
 * vector configuration (and where drivers do it). NO_VECTOR is tested by
 * unmapping a queue that was mapped to vector 0 at DRIVER_OK: a vhost
 * device model hands its back-end no notification descriptor for a queue
 * that starts unmapped (QEMU's vhost_virtqueue_start()), and libvhost-user
 * back-ends then abort on the first used buffer, which would end the
 * device for every later check.
 */
static void one_buffer(struct pf_test *t, const uint32_t *intids, unsigned nvec, uint16_t vec)
{
	struct virtio_dev *d = t->dev;
	struct virtq_used_info u;
	uint32_t before[DELIVERY_VEC];
	uint16_t at_init = vec == VIRTIO_MSI_NO_VECTOR ? 0 : vec;
	struct chk_ring r;
	uint16_t got;

	if (!chk_ring_open(t, &r, 0, 8, 0, false))
		return;
	/* configuration changes stay off every vector: what arrives is the
	 * queue's */
	set_cfg_vec(d, VIRTIO_MSI_NO_VECTOR);
	got = set_queue_vec(d, r.wl->queue, at_init);
	if (!report(t, got == at_init, "queue-vector-write",
		    "queue %u: queue_msix_vector reads 0x%04x after writing 0x%04x", r.wl->queue,
		    got, at_init))
		goto out;
	virtio_add_status(d, VIRTIO_STATUS_DRIVER_OK);
	if (vec == VIRTIO_MSI_NO_VECTOR) {
		got = set_queue_vec(d, r.wl->queue, vec);
		if (!report(t, got == vec, "queue-vector-unmap",
			    "queue %u: queue_msix_vector reads 0x%04x after writing NO_VECTOR",
			    r.wl->queue, got))
			goto out;
	}
	/* whatever the setup raised (an earlier sub-case's interrupt still in
	 * flight on a loaded host, a notification at DRIVER_OK), before
	 * counting: only what the used buffer raises is judged */
	intr_idle(chk_quiet_ns());
	for (unsigned i = 0; i < nvec; i++)
		before[i] = intr_count(intids[i]);
	if (chk_ring_submit(&r, 0, 1, VQ_ADD_DIRECT) < 0) {
		report_error(t, "could not add a buffer to queue %u", r.wl->queue);
		goto out;
	}
	if (vec != VIRTIO_MSI_NO_VECTOR)
		report(t, wait_used_msi(t, &r, intids[vec], before[vec]), "no-interrupt",
		       "no interrupt on MSI-X vector %u (INTID %u) within %llu ms of a used buffer",
		       vec, intids[vec],
		       (unsigned long long)((chk_wait_ns() + chk_retry_ns()) / 1000000));
	if (chk_ring_complete(t, &r, &u) != 1)
		goto out;
	intr_idle(chk_quiet_ns()); /* a wrong vector would arrive meanwhile */
	for (unsigned i = 0; i < nvec; i++) {
		uint32_t extra = intr_count(intids[i]) - before[i];

		if (vec == VIRTIO_MSI_NO_VECTOR)
			report(t, extra == 0, "no-vector-raised",
			       "queue_msix_vector is NO_VECTOR, yet a used buffer raised vector %u "
			       "(%u interrupt(s))",
			       i, extra);
		else if (i != vec)
			report(t, extra == 0, "wrong-vector",
			       "a used buffer on the queue mapped to vector %u raised vector %u "
			       "too",
			       vec, i);
	}
out:
	chk_ring_close(&r);
}

void check_IRQ_MSIX_DELIVERY(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	uint32_t intids[DELIVERY_VEC];
	unsigned nvec;
	int n, rc;

	if (!msix_size(t, &n))
		return;
	if (!chk_workload(d)) {
		report_skip(t, "no peer-free workload for a %s device",
			    virtio_device_name(d->device_id));
		return;
	}
	if (!chk_irq_ready(t))
		return;
	if (!intr_msi_controller()) {
		report_skip(t, "no MSI controller the probe drives (%s)", intr_describe());
		return;
	}
	nvec = (unsigned)n < DELIVERY_VEC ? (unsigned)n : DELIVERY_VEC;
	rc = msix_enable(d, nvec, intids);
	if (rc) {
		report_error(t, "cannot enable %u MSI-X vectors: %s", nvec, msix_strerror(rc));
		return;
	}
	report_log(t, 2, "%u MSI-X vector(s) via %s, vector 0 -> INTID %u, vector %u -> INTID %u",
		   nvec, intr_msi_controller(), intids[0], nvec - 1, intids[nvec - 1]);
	for (unsigned v = 0; v < nvec && !report_failed(t) && !report_errored(t); v++) {
		report_case(t, "mapped", "queue mapped at initialisation");
		one_buffer(t, intids, nvec, (uint16_t)v);
	}
	if (!report_errored(t)) {
		report_case(t, "unmapped", "queue unmapped (NO_VECTOR)");
		one_buffer(t, intids, nvec, VIRTIO_MSI_NO_VECTOR);
	}
	msix_disable(d);
}

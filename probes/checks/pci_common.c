/* SPDX-License-Identifier: MIT */
/*
 * Common configuration structure semantics (4.1.4.3): device reset through
 * device_status, queue_size for absent queues and without RING_PACKED, the
 * 64-bit queue address fields, and the admin queue range. Every check ends
 * with a device reset; queue addresses written here are never enabled, so
 * the device never touches the memory they name.
 */
#include <string.h>

#include "pci_checks.h"

/* Queues whose registers are scanned; see NOTIFY_SCAN_MAX. */
#define QUEUE_SCAN_MAX 1024u
/* Ring size chk_bring_up() uses: below QEMU's maxima, so a device that
 * does not restore queue_size on reset shows it. */
#define RESET_RING 16

static uint16_t scan_count(const struct virtio_pci_priv *pv)
{
	uint16_t nq = pchk_num_queues(pv);

	return nq < QUEUE_SCAN_MAX ? nq : QUEUE_SCAN_MAX;
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* Writes 0 to device_status and waits, bounded, for it to read 0. */
static bool reset_from(struct pf_test *t, const char *from)
{
	struct virtio_dev *d = t->dev;
	int rc = virtio_reset(d, CHK_RESET_TIMEOUT_NS);

	return report(t, rc == 0, "device-status",
		      "device_status reads 0x%02x, not 0, %llu ms after writing 0 in state %s",
		      d->ops->get_status(d), (unsigned long long)(CHK_RESET_TIMEOUT_NS / 1000000),
		      from);
}

/* After a reset every queue_enable reads 0 (4.1.4.3.1) and queue_size is
 * the maximum again (4.1.4.3: "on reset, specifies the maximum"). */
static void queues_reset(struct pf_test *t, const struct virtio_pci_priv *pv, const uint16_t *max,
			 uint16_t nmax, const char *from)
{
	uint16_t nq = scan_count(pv);

	for (uint16_t q = 0; q < nq; q++) {
		uint16_t en = pchk_queue_read16(pv, q, VIRTIO_PCI_COMMON_Q_ENABLE);
		uint16_t size = pchk_read16(pv, VIRTIO_PCI_COMMON_Q_SIZE);

		report(t, en == 0, "queue-enable",
		       "queue %u: queue_enable reads %u after a reset in state %s", q, en, from);
		/* queue_size reading the maximum after reset is the field's
		 * description (4.1.4.3), not a MUST: warn. */
		if (q < nmax)
			report_should(
				t, size == max[q], "queue-size",
				"queue %u: queue_size reads %u after a reset in state %s, not the "
				"maximum %u it read after the first reset",
				q, size, from, max[q]);
	}
}

void check_PCI_COMMON_RESET(struct pf_test *t)
{
	static const struct {
		const char *name;
		uint8_t status;
	} partial[] = {
		{ "ACKNOWLEDGE", VIRTIO_STATUS_ACKNOWLEDGE },
		{ "DRIVER", VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER },
		{ "FAILED", VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_FAILED },
	};
	struct virtio_pci_priv *pv = pchk_modern(t);
	struct virtio_dev *d = t->dev;
	uint16_t max[VIRTIO_MAX_QUEUES], nmax;
	struct pf_report_mark m;

	if (!pv)
		return;
	if (!reset_from(t, "as found"))
		return;
	nmax = scan_count(pv) < VIRTIO_MAX_QUEUES ? scan_count(pv) : VIRTIO_MAX_QUEUES;
	for (uint16_t q = 0; q < nmax; q++)
		max[q] = pchk_queue_read16(pv, q, VIRTIO_PCI_COMMON_Q_SIZE);
	for (unsigned i = 0; i < sizeof(partial) / sizeof(partial[0]); i++) {
		d->ops->set_status(d, partial[i].status);
		if (!reset_from(t, partial[i].name))
			return;
	}
	/* FEATURES_OK with queue 0 configured and enabled, no DRIVER_OK. */
	if (pchk_features_ok(t, chk_default_features(d)) && d->num_queues && d->queue_max[0]) {
		if (chk_setup_split_queue(
			    d, 0, d->queue_max[0] < RESET_RING ? d->queue_max[0] : RESET_RING)) {
			report_error(t, "could not set up queue 0");
			goto out;
		}
		d->ops->queue_enable(d, 0);
	}
	if (!reset_from(t, "FEATURES_OK"))
		return;
	queues_reset(t, pv, max, nmax, "FEATURES_OK");
	/* A live device: every queue enabled with small rings, DRIVER_OK. A
	 * device that does not get there fails basic.init.sequence; here that
	 * state is only not tested (one root cause, one failure). */
	report_mark(t, &m);
	if (!chk_bring_up(t, chk_default_features(d), RESET_RING)) {
		report_log(t, 1, "reset from DRIVER_OK not tested: %s", report_message(t));
		report_rollback(t, &m);
		goto out;
	}
	if (!reset_from(t, "DRIVER_OK"))
		return;
	queues_reset(t, pv, max, nmax, "DRIVER_OK");
out:
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

/* Indices beyond num_queues to select: the next two, QEMU's internal queue
 * limit, and the top of the 16-bit range. */
static int absent_indices(uint16_t nq, uint32_t *idx)
{
	static const uint32_t fixed[] = { 1024, 0x7fff, 0xffff };
	int n = 0;

	for (uint32_t q = nq; q < (uint32_t)nq + 2 && q <= 0xffff; q++)
		idx[n++] = q;
	for (unsigned i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (fixed[i] >= (uint32_t)nq + 2)
			idx[n++] = fixed[i];
	return n;
}

void check_PCI_QUEUE_SIZE(struct pf_test *t)
{
	struct virtio_pci_priv *pv = pchk_modern(t);
	struct virtio_dev *d = t->dev;
	uint32_t idx[5];
	uint16_t nq, avail;
	int n;

	if (!pv)
		return;
	/* The default features never include RING_PACKED or ADMIN_VQ: split
	 * rings only, and no admin queue beyond num_queues. */
	if (!pchk_features_ok(t, chk_default_features(d))) {
		if (!report_failed(t))
			report_skip(t, "not tested: FEATURES_OK refused for 0x%llx",
				    (unsigned long long)chk_default_features(d));
		goto out;
	}
	nq = pchk_num_queues(pv);
	for (uint16_t q = 0; q < scan_count(pv); q++) {
		uint16_t size = pchk_queue_read16(pv, q, VIRTIO_PCI_COMMON_Q_SIZE);

		if (!size)
			report_log(t, 1,
				   "queue %u below num_queues %u is unavailable (queue_size 0)", q,
				   nq);
		report(t, size == 0 || is_pow2(size), "queue-size-power-of-2",
		       "queue %u: queue_size %u is not a power of 2 although RING_PACKED was not "
		       "negotiated",
		       q, size);
	}
	/* Each absent index is selected coming from an available queue, so a
	 * device that ignores the selection shows a non-zero size. */
	for (avail = 0; avail < scan_count(pv); avail++)
		if (pchk_queue_read16(pv, avail, VIRTIO_PCI_COMMON_Q_SIZE))
			break;
	n = absent_indices(nq, idx);
	for (int i = 0; i < n; i++) {
		uint16_t sel, size;

		pchk_write16(pv, VIRTIO_PCI_COMMON_Q_SELECT, avail);
		pchk_write16(pv, VIRTIO_PCI_COMMON_Q_SELECT, (uint16_t)idx[i]);
		sel = pchk_read16(pv, VIRTIO_PCI_COMMON_Q_SELECT);
		size = pchk_read16(pv, VIRTIO_PCI_COMMON_Q_SIZE);
		if (sel != idx[i])
			report(t, size == 0, "select-ignored",
			       "queue_select 0x%04x (num_queues %u): the write was ignored "
			       "(queue_select "
			       "reads 0x%04x) and queue_size reads %u, so the absent queue looks "
			       "available",
			       idx[i], nq, sel, size);
		else
			report(t, size == 0, "queue-size",
			       "queue_select 0x%04x (num_queues %u): queue_size reads %u, not 0",
			       idx[i], nq, size);
	}
out:
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

/* A distinct 64-bit value per queue and field (desc 16-, driver 2-,
 * device 4-byte aligned as the ring layout needs), high half non-zero. */
static uint64_t addr_pattern(uint16_t q, unsigned field)
{
	return (uint64_t)(0x100u + 16u * q + field) << 32 |
	       (0x10000000u + (uint32_t)q * 0x100000u + field * 0x1000u);
}

static const uint32_t addr_fields[3] = { VIRTIO_PCI_COMMON_Q_DESCLO, VIRTIO_PCI_COMMON_Q_AVAILLO,
					 VIRTIO_PCI_COMMON_Q_USEDLO };
static const char *const addr_names[3] = { "queue_desc", "queue_driver", "queue_device" };

static uint64_t read64(const struct virtio_pci_priv *pv, uint32_t off)
{
	return (uint64_t)pchk_read32(pv, off + 4) << 32 | pchk_read32(pv, off);
}

/*
 * queue_desc/driver/device are read-write le64 fields accessed as two
 * 32-bit halves (4.1.3): each half keeps what was written to it, writing
 * one half leaves the other alone, and each queue keeps its own values.
 */
void check_PCI_QUEUE_ADDR(struct pf_test *t)
{
	struct virtio_pci_priv *pv = pchk_modern(t);
	struct virtio_dev *d = t->dev;
	uint16_t nq;
	uint64_t v;

	if (!pv)
		return;
	if (!pchk_features_ok(t, chk_default_features(d))) {
		if (!report_failed(t))
			report_skip(t, "not tested: FEATURES_OK refused");
		goto out;
	}
	nq = d->num_queues < 4 ? d->num_queues : 4;
	if (!nq) {
		report_na(t, "device has no queue");
		goto out;
	}
	for (uint16_t q = 0; q < nq; q++) {
		pchk_write16(pv, VIRTIO_PCI_COMMON_Q_SELECT, q);
		for (unsigned f = 0; f < 3; f++) {
			pchk_write32(pv, addr_fields[f], (uint32_t)addr_pattern(q, f));
			pchk_write32(pv, addr_fields[f] + 4, (uint32_t)(addr_pattern(q, f) >> 32));
		}
	}
	for (uint16_t q = 0; q < nq; q++) {
		pchk_write16(pv, VIRTIO_PCI_COMMON_Q_SELECT, q);
		for (unsigned f = 0; f < 3; f++) {
			v = read64(pv, addr_fields[f]);
			report(t, v == addr_pattern(q, f), "queue-address",
			       "queue %u: %s reads 0x%016llx after writing 0x%016llx%s", q,
			       addr_names[f], (unsigned long long)v,
			       (unsigned long long)addr_pattern(q, f),
			       nq > 1 ? " (queues written one after the other)" : "");
		}
	}
	/* One half at a time on the last queue written. */
	pchk_write16(pv, VIRTIO_PCI_COMMON_Q_SELECT, (uint16_t)(nq - 1));
	for (unsigned f = 0; f < 3; f++) {
		uint64_t was = addr_pattern((uint16_t)(nq - 1), f);

		pchk_write32(pv, addr_fields[f] + 4, 0x5a5a5a5au);
		v = read64(pv, addr_fields[f]);
		report(t, v == ((uint64_t)0x5a5a5a5au << 32 | (uint32_t)was), "high-half",
		       "%s reads 0x%016llx after writing only the high half 0x5a5a5a5a over "
		       "0x%016llx",
		       addr_names[f], (unsigned long long)v, (unsigned long long)was);
		pchk_write32(pv, addr_fields[f], 0xa5a5a000u);
		v = read64(pv, addr_fields[f]);
		report(t, v == ((uint64_t)0x5a5a5a5au << 32 | 0xa5a5a000u), "low-half",
		       "%s reads 0x%016llx after writing only the low half 0xa5a5a000 over "
		       "0x5a5a5a5a%08x",
		       addr_names[f], (unsigned long long)v, (uint32_t)was);
	}
out:
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

/* 4.1.4.3.1: with ADMIN_VQ negotiated, admin queues follow the others and
 * stay inside the 16-bit index range. */
void check_PCI_ADMIN_QUEUE(struct pf_test *t)
{
	struct virtio_pci_priv *pv = pchk_modern(t);
	struct virtio_dev *d = t->dev;
	uint16_t idx, num, nq;

	if (!pv)
		return;
	if (!chk_offered(t, VIRTIO_F_ADMIN_VQ, "VIRTIO_F_ADMIN_VQ"))
		return;
	if (!report(t, pv->common.size >= VIRTIO_PCI_COMMON_SIZE, "cfg-too-short",
		    "ADMIN_VQ offered but the common configuration (length 0x%llx) ends before "
		    "admin_queue_num",
		    (unsigned long long)pv->common.size))
		return;
	if (!pchk_features_ok(t, chk_default_features(d) | VIRTIO_BIT(VIRTIO_F_ADMIN_VQ))) {
		if (!report_failed(t))
			report_skip(t, "not tested: FEATURES_OK refused with ADMIN_VQ");
		goto out;
	}
	nq = pchk_num_queues(pv);
	idx = pchk_read16(pv, VIRTIO_PCI_COMMON_ADM_Q_IDX);
	num = pchk_read16(pv, VIRTIO_PCI_COMMON_ADM_Q_NUM);
	report(t, idx >= nq, "admin-queue-index", "admin_queue_index %u is below num_queues %u",
	       idx, nq);
	report(t, (uint32_t)num <= 0x10000u - idx, "admin-queue-num",
	       "admin_queue_num %u exceeds 0x10000 - admin_queue_index %u", num, idx);
out:
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

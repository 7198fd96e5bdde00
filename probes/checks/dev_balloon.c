/* SPDX-License-Identifier: MIT */
/* The traditional memory balloon suite (5.5): inflate, deflate, statistics. */
#include <string.h>

#include "dev_queue.h"
#include "helpers.h"
#include "platform.h"
#include "report.h"

/* Feature bits (5.5.3) */
#define VIRTIO_BALLOON_F_STATS_VQ 1
#define VIRTIO_BALLOON_F_FREE_PAGE_HINT 3
#define VIRTIO_BALLOON_F_PAGE_POISON 4
#define VIRTIO_BALLOON_F_PAGE_REPORTING 5

/* Device configuration layout (5.5.4) */
#define BALLOON_CFG_NUM_PAGES 0
#define BALLOON_CFG_ACTUAL 4
#define BALLOON_CFG_POISON_VAL 12

#define BALLOON_INFLATEQ 0
#define BALLOON_DEFLATEQ 1
#define BALLOON_STATSQ 2

#define BALLOON_PFN_SHIFT 12 /* 5.5.6: page frame numbers of 4096-byte pages */
#define BALLOON_PAGES 4

/* Statistic tags (5.5.6.3) */
#define VIRTIO_BALLOON_S_SWAP_IN 0
#define VIRTIO_BALLOON_S_MEMFREE 4
#define VIRTIO_BALLOON_S_MEMTOT 5
#define BALLOON_S_UNKNOWN 0x7fff /* no such tag: the device must ignore it */
#define BALLOON_STAT_LEN 10	 /* le16 tag, le64 val */

/* The pages the driver gives to the device and takes back. */
static uint8_t *balloon_pages(struct pf_test *t)
{
	static uint8_t *pages;

	if (!pages)
		pages = arch_dma_alloc(BALLOON_PAGES << BALLOON_PFN_SHIFT, 1u << BALLOON_PFN_SHIFT);
	if (!pages)
		report_error(t, "out of DMA memory for %u balloon pages", BALLOON_PAGES);
	return pages;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Sends the pages' PFNs on queue q; 1 or a negative code. */
static int balloon_pfns(struct pf_test *t, struct chk_dev *c, const uint8_t *pages, uint16_t q,
			const char *what)
{
	uint8_t pfns[4 * BALLOON_PAGES];
	uint32_t len;

	for (unsigned i = 0; i < BALLOON_PAGES; i++)
		put_le32(pfns + 4 * i, (uint32_t)((arch_dma_addr(pages) >> BALLOON_PFN_SHIFT) + i));
	return chk_dev_request(t, c, q, pfns, sizeof(pfns), NULL, 0, &len, what);
}

/* The driver writes actual; the device keeps it (5.5.6: actual is written
 * by the driver, read by the device). */
static bool balloon_actual(struct pf_test *t, struct chk_dev *c, uint32_t v)
{
	uint32_t got;

	c->dev->ops->config_write(c->dev, BALLOON_CFG_ACTUAL, v, 4);
	got = (uint32_t)chk_dev_cfg(c, BALLOON_CFG_ACTUAL, 4);
	return report_should(t, got == v, "actual-not-kept", "actual written as %u reads %u", v,
			     got);
}

/* Inflate then deflate the pages, actual following; false if the check
 * cannot go on. */
static bool balloon_round_trip(struct pf_test *t, struct chk_dev *c, const char *when)
{
	uint8_t *pages = balloon_pages(t);

	if (!pages)
		return false;
	report_log(t, 2, "inflate and deflate %u pages %s", BALLOON_PAGES, when);
	if (balloon_pfns(t, c, pages, BALLOON_INFLATEQ, "inflateq PFNs") != 1 ||
	    !balloon_actual(t, c, BALLOON_PAGES))
		return false;
	if (balloon_pfns(t, c, pages, BALLOON_DEFLATEQ, "deflateq PFNs") != 1 ||
	    !balloon_actual(t, c, 0))
		return false;
	return true;
}

void check_BALLOON_INFLATE_DEFLATE(struct pf_test *t)
{
	struct chk_dev c;

	if (!chk_dev_open(t, &c, 0, 2, true))
		return;
	report_metric(t, "num_pages", chk_dev_cfg(&c, BALLOON_CFG_NUM_PAGES, 4), "pages");
	if (balloon_round_trip(t, &c, "once"))
		balloon_round_trip(t, &c, "again");
	chk_dev_close(&c);
}

static void put_stat(uint8_t *p, uint16_t tag, uint64_t val)
{
	p[0] = (uint8_t)tag;
	p[1] = (uint8_t)(tag >> 8);
	for (unsigned i = 0; i < 8; i++)
		p[2 + i] = (uint8_t)(val >> (8 * i));
}

void check_BALLOON_STATS(struct pf_test *t)
{
	uint8_t stats[4 * BALLOON_STAT_LEN];
	struct chk_dev c;
	uint32_t len;
	uint8_t st;
	int slot, rc;

	if (!chk_offered(t, VIRTIO_BALLOON_F_STATS_VQ, "STATS_VQ"))
		return;
	if (!chk_dev_open(t, &c, VIRTIO_BIT(VIRTIO_BALLOON_F_STATS_VQ), 3, true))
		return;
	if (c.nqueues < 3 || !c.vq[BALLOON_STATSQ].num) {
		report_should(t, false, "no-statsq", "STATS_VQ negotiated, %u queues", c.nqueues);
		goto out;
	}
	put_stat(stats, VIRTIO_BALLOON_S_SWAP_IN, 0);
	put_stat(stats + BALLOON_STAT_LEN, BALLOON_S_UNKNOWN, 0x1234);
	put_stat(stats + 2 * BALLOON_STAT_LEN, VIRTIO_BALLOON_S_MEMFREE, 256ull << 20);
	put_stat(stats + 3 * BALLOON_STAT_LEN, VIRTIO_BALLOON_S_MEMTOT, 512ull << 20);
	/* 5.5.6.3: the driver's first buffer at initialisation; the device
	 * may keep it until it wants fresh statistics, then returns it and
	 * the driver answers with another */
	for (unsigned round = 0; round < 2 && !report_stopped(t); round++) {
		if (chk_dev_post(t, &c, BALLOON_STATSQ, stats, sizeof(stats), 0) < 0)
			goto out;
		chk_dev_kick(&c, BALLOON_STATSQ);
		rc = chk_dev_wait(t, &c, BALLOON_STATSQ, &slot, &len);
		if (rc != 1)
			break; /* held, as it may be */
	}
	if (report_stopped(t))
		goto out;
	st = c.dev->ops->get_status(c.dev);
	if (!report(t, !(st & VIRTIO_STATUS_DEVICE_NEEDS_RESET), "needs-reset",
		    "device status 0x%02x after statistics with an unknown tag", st))
		goto out;
	balloon_round_trip(t, &c, "after statistics with an unknown tag");
out:
	chk_dev_close(&c);
}

/*
 * 5.5.6.7: reported pages keep poison_val. The driver's poison value is
 * the fill of a request's writable part (CHK_DEV_FILL in every byte), so
 * the report is made of pages that hold it already; any other byte after
 * the device returns them is the device's doing.
 */
#define BALLOON_POISON_VAL (CHK_DEV_FILL * 0x01010101u)
#define BALLOON_REPORT_LEN (2u << BALLOON_PFN_SHIFT)

/*
 * One round of reporting with `want` negotiated: the reporting_vq is the
 * queue after those of the other negotiated features (5.5.2, as Linux
 * numbers them), and pages reported on it come back holding poison_val.
 * `alone`: only REPORTING and POISON negotiated; the chapter lists the
 * queues without a MUST on their numbers, so reports lost there are a
 * warning. False if the check ends.
 */
static bool balloon_report(struct pf_test *t, uint64_t want, bool alone)
{
	struct chk_dev c;
	uint16_t q;
	uint32_t len;
	int slot, rc;
	bool ok = false;

	if (!chk_dev_open(t, &c, want, 0, false))
		return false;
	/* 5.5.2: queues after the deflateq exist only with their feature */
	q = (uint16_t)(2 + chk_dev_has(&c, VIRTIO_BALLOON_F_STATS_VQ) +
		       chk_dev_has(&c, VIRTIO_BALLOON_F_FREE_PAGE_HINT));
	if (q >= c.nqueues || !c.vq[q].num) {
		report_should(t, false, "no-reporting-vq", "PAGE_REPORTING negotiated, no queue %u",
			      q);
		goto out;
	}
	c.dev->ops->config_write(c.dev, BALLOON_CFG_POISON_VAL, BALLOON_POISON_VAL, 4);
	virtio_add_status(c.dev, VIRTIO_STATUS_DRIVER_OK);
	for (unsigned round = 0; round < 2 && !report_stopped(t); round++) {
		if (chk_dev_post(t, &c, q, NULL, 0, BALLOON_REPORT_LEN) < 0)
			goto out;
		chk_dev_kick(&c, q);
		rc = chk_dev_wait(t, &c, q, &slot, &len);
		if (rc == PF_ETIMEDOUT && alone)
			report_should(
				t, false, "reporting-vq-index",
				"with only PAGE_REPORTING and PAGE_POISON, reported pages never "
				"came back on queue %u: the device numbers its queues by what it "
				"offers, not by what was negotiated",
				q);
		else if (rc == PF_ETIMEDOUT)
			report(t, false, "no-used",
			       "reported pages never came back on queue %u (features 0x%llx)", q,
			       (unsigned long long)c.features);
		if (rc != 1)
			goto out;
		for (uint32_t i = 0; i < BALLOON_REPORT_LEN; i++) {
			uint8_t b = chk_dev_in(&c, q, slot)[i];

			if (!report(t, b == CHK_DEV_FILL, "poison-changed",
				    "reported page byte %u reads 0x%02x, poison_val is 0x%08x", i,
				    b, BALLOON_POISON_VAL))
				goto out;
		}
	}
	ok = !report_stopped(t);
out:
	chk_dev_close(&c);
	return ok;
}

void check_BALLOON_PAGE_REPORTING(struct pf_test *t)
{
	uint64_t need = VIRTIO_BIT(VIRTIO_BALLOON_F_PAGE_REPORTING) |
			VIRTIO_BIT(VIRTIO_BALLOON_F_PAGE_POISON);

	if ((t->dev->features & need) != need) {
		report_na(t, "PAGE_REPORTING and PAGE_POISON not both offered");
		return;
	}
	/* with the statsq before it, then alone: a device that numbers the
	 * reporting_vq as if absent queues were there (known device bug 12,
	 * crosvm) loses the reports of the second round */
	if (balloon_report(t, need | VIRTIO_BIT(VIRTIO_BALLOON_F_STATS_VQ), false) &&
	    (t->dev->features & VIRTIO_BIT(VIRTIO_BALLOON_F_STATS_VQ)))
		balloon_report(t, need, true);
}

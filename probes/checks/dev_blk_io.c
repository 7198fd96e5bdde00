/* SPDX-License-Identifier: MIT */
/*
 * The block device suite (5.2): requests that move data or must be
 * refused. The sectors written lie in the middle of the disk, away from
 * the last sectors the ring checks read.
 */
#include <string.h>

#include "dev_blk.h"
#include "helpers.h"

#define IO_UNITS 2u

static uint8_t pattern[BLK_MAX_DATA], before[BLK_MAX_DATA], after[BLK_MAX_DATA];

/* Features every data check negotiates when offered. */
#define BLK_IO_FEATURES                                                             \
	(VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |     \
	 VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) |       \
	 VIRTIO_BIT(VIRTIO_BLK_F_TOPOLOGY) | VIRTIO_BIT(VIRTIO_BLK_F_RO) |          \
	 VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES) | \
	 VIRTIO_BIT(VIRTIO_BLK_F_SECURE_ERASE) | VIRTIO_BIT(VIRTIO_BLK_F_GEOMETRY))

/* Where a check's sectors are: a unit-aligned run of `units` units in the
 * middle of the disk, or false (skip reported) if the disk is too small. */
static bool pick_sector(struct pf_test *t, const struct chk_dev *c, uint32_t units,
			uint64_t *sector)
{
	uint64_t per = blk_unit(c) / BLK_SECTOR, cap = blk_capacity(c);

	if (cap < 4ull * units * per || (uint64_t)units * blk_unit(c) > BLK_MAX_DATA) {
		report_skip(t, "capacity %llu sectors is too small for the suite",
			    (unsigned long long)cap);
		return false;
	}
	*sector = (cap / 2) & ~(per - 1);
	return true;
}

static void fill_pattern(uint32_t len, uint8_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		pattern[i] = (uint8_t)(seed + i * 7u + (i >> 9));
	/* never a buffer of zeroes */
	pattern[0] |= 1;
}

static bool all_zero(const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* One data request; returns its status, or -1 if the check must end. */
static int xfer(struct pf_test *t, struct chk_dev *c, uint32_t type, uint64_t sector, void *buf,
		uint32_t len, const char *what)
{
	struct blk_req r;

	memset(&r, 0, sizeof(r));
	r.type = type;
	r.sector = sector;
	if (type == VIRTIO_BLK_T_OUT) {
		r.out = buf;
		r.out_len = len;
	} else {
		r.in = buf;
		r.in_len = len;
	}
	if (blk_request(t, c, &r, what) != 1)
		return -1;
	return r.status;
}

/* A request of `type` with one discard/write-zeroes segment. */
static int dwz(struct pf_test *t, struct chk_dev *c, uint32_t type, uint64_t sector, uint32_t num,
	       uint32_t flags, const char *what)
{
	struct blk_req r;
	uint8_t seg[BLK_DWZ_SEG];

	for (unsigned i = 0; i < 8; i++)
		seg[i] = (uint8_t)(sector >> (8 * i));
	for (unsigned i = 0; i < 4; i++) {
		seg[8 + i] = (uint8_t)(num >> (8 * i));
		seg[12 + i] = (uint8_t)(flags >> (8 * i));
	}
	memset(&r, 0, sizeof(r));
	r.type = type;
	r.out = seg;
	r.out_len = sizeof(seg);
	if (blk_request(t, c, &r, what) != 1)
		return -1;
	return r.status;
}

/*
 * Writes the pattern and reads it back. Returns 1 if it read back, 0 if
 * the disk keeps no data (skip reported: reads give zeroes after a write,
 * a null back end), -1 if the check must end.
 */
static bool judge(struct pf_test *t, bool ok, const char *sub)
{
	return report_should(t, ok, sub, "%s request did not complete with OK", sub);
}

static int round_trip(struct pf_test *t, struct chk_dev *c, uint64_t sector, uint32_t len,
		      uint8_t seed)
{
	int st;

	fill_pattern(len, seed);
	st = xfer(t, c, VIRTIO_BLK_T_OUT, sector, pattern, len, "write");
	if (st < 0 || !judge(t, st == VIRTIO_BLK_S_OK, "write"))
		return -1;
	if (chk_dev_has(c, VIRTIO_BLK_F_FLUSH)) {
		st = xfer(t, c, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, "flush");
		if (st < 0 || !judge(t, st == VIRTIO_BLK_S_OK, "flush"))
			return -1;
	}
	memset(after, 0, len);
	st = xfer(t, c, VIRTIO_BLK_T_IN, sector, after, len, "read back");
	if (st < 0 || !judge(t, st == VIRTIO_BLK_S_OK, "read"))
		return -1;
	if (!memcmp(after, pattern, len))
		return 1;
	if (all_zero(after, len)) {
		report_skip(t, "the disk keeps no data (a write reads back as zeroes): no round "
			       "trip to show");
		return 0;
	}
	judge(t, false, "read-back");
	return -1;
}

/* blk_open() with the data features, and the sectors to use. */
static bool open_io(struct pf_test *t, struct chk_dev *c, bool applies, const char *na_why,
		    uint32_t units, uint64_t *sector)
{
	if (!blk_open(t, c, applies, na_why, BLK_IO_FEATURES))
		return false;
	if (pick_sector(t, c, units, sector))
		return true;
	chk_dev_close(c);
	return false;
}

void check_BLK_IO(struct pf_test *t)
{
	struct chk_dev c;
	uint64_t sector, cap;
	uint32_t unit, len;
	uint8_t id[VIRTIO_BLK_ID_BYTES];
	int st;

	if (!open_io(t, &c, true, "", IO_UNITS, &sector))
		return;
	unit = blk_unit(&c);
	len = IO_UNITS * unit;
	cap = blk_capacity(&c);
	st = xfer(t, &c, VIRTIO_BLK_T_IN, sector, before, len, "read");
	if (st < 0 || !report_should(t, st == VIRTIO_BLK_S_OK, "read", "read completed with %s",
				     blk_status_name((uint8_t)st)))
		goto out;
	if (!chk_dev_has(&c, VIRTIO_BLK_F_RO) && round_trip(t, &c, sector, len, 0x31) < 0)
		goto out;
	/* GET_ID: up to 20 bytes, NUL-padded when shorter */
	memset(id, CHK_DEV_FILL, sizeof(id));
	st = xfer(t, &c, VIRTIO_BLK_T_GET_ID, 0, id, sizeof(id), "GET_ID");
	if (st < 0)
		goto out;
	if (st == VIRTIO_BLK_S_OK) {
		unsigned i = 0;

		while (i < sizeof(id) && id[i])
			i++;
		for (; i < sizeof(id); i++)
			if (!report_should(t, !id[i], "id-padding",
					   "GET_ID byte %u after the string's NUL is 0x%02x", i,
					   id[i]))
				break;
	} else {
		report_should(t, st == VIRTIO_BLK_S_UNSUPP, "id-status",
			      "GET_ID completed with %s (%d)", blk_status_name((uint8_t)st), st);
	}
	/* beyond capacity: wholly, then straddling the end */
	st = xfer(t, &c, VIRTIO_BLK_T_IN, cap, after, unit, "read beyond capacity");
	if (st < 0)
		goto out;
	report_should(t, st == VIRTIO_BLK_S_IOERR, "beyond-capacity",
		      "read of sector %llu, the capacity, completed with %s",
		      (unsigned long long)cap, blk_status_name((uint8_t)st));
	st = xfer(t, &c, VIRTIO_BLK_T_IN, cap - unit / BLK_SECTOR, after, len,
		  "read across the end");
	if (st < 0)
		goto out;
	report_should(t, st == VIRTIO_BLK_S_IOERR, "across-end",
		      "read across the last sector completed with %s",
		      blk_status_name((uint8_t)st));
	/* a type no revision defines */
	st = xfer(t, &c, 0x40, 0, after, unit, "request of unknown type 0x40");
	if (st >= 0)
		report_should(t, st == VIRTIO_BLK_S_UNSUPP, "unknown-type",
			      "request type 0x40 completed with %s, not UNSUPP",
			      blk_status_name((uint8_t)st));
out:
	chk_dev_close(&c);
}

void check_BLK_ZONED_UNSUPP(struct pf_test *t)
{
	static const uint32_t types[] = { VIRTIO_BLK_T_ZONE_APPEND,   VIRTIO_BLK_T_ZONE_REPORT,
					  VIRTIO_BLK_T_ZONE_OPEN,     VIRTIO_BLK_T_ZONE_CLOSE,
					  VIRTIO_BLK_T_ZONE_FINISH,   VIRTIO_BLK_T_ZONE_RESET,
					  VIRTIO_BLK_T_ZONE_RESET_ALL };
	struct chk_dev c;
	uint64_t sector;
	int st;

	bool hm;

	if (!chk_drivable(t))
		return;
	hm = (t->dev->features & VIRTIO_BIT(VIRTIO_BLK_F_ZONED)) &&
	     t->dev->ops->config_read(t->dev, BLK_CFG_ZONED_MODEL, 1) == VIRTIO_BLK_Z_HM;
	/* ZONED is never asked for here (BLK_IO_FEATURES lacks it) */
	if (!open_io(t, &c, !hm, "a host-managed zoned device works only with ZONED", 1, &sector))
		return;
	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct blk_req r;

		memset(&r, 0, sizeof(r));
		r.type = types[i];
		r.sector = sector;
		if (types[i] == VIRTIO_BLK_T_ZONE_APPEND) {
			/* data that a device taking it for a write leaves as found */
			if (xfer(t, &c, VIRTIO_BLK_T_IN, sector, before, blk_unit(&c), "read") < 0)
				goto out;
			r.out = before;
			r.out_len = blk_unit(&c);
			r.in = after;
			r.in_len = 8; /* le64 append_sector */
		} else if (types[i] == VIRTIO_BLK_T_ZONE_REPORT) {
			r.in = after;
			r.in_len = 64 + 64; /* report header and one zone descriptor */
		}
		if (blk_request(t, &c, &r, "ZONE_* request") != 1)
			goto out;
		st = r.status;
		if (!report(t, st == VIRTIO_BLK_S_UNSUPP, "not-unsupp",
			    "request type %u without ZONED completed with %s (%d), not UNSUPP",
			    types[i], blk_status_name((uint8_t)st), st))
			break;
	}
out:
	chk_dev_close(&c);
}

void check_BLK_RO(struct pf_test *t)
{
	struct chk_dev c;
	uint64_t sector;
	uint32_t len;
	int st;

	if (!open_io(t, &c, t->dev->features & VIRTIO_BIT(VIRTIO_BLK_F_RO), "RO not offered",
		     IO_UNITS, &sector))
		return;
	len = IO_UNITS * blk_unit(&c);
	st = xfer(t, &c, VIRTIO_BLK_T_IN, sector, before, len, "read");
	if (st < 0)
		goto out;
	fill_pattern(len, 0x5c);
	st = xfer(t, &c, VIRTIO_BLK_T_OUT, sector, pattern, len, "write to a read-only disk");
	if (st < 0)
		goto out;
	report(t, st == VIRTIO_BLK_S_IOERR, "write-status",
	       "write with RO offered completed with %s (%d), not IOERR",
	       blk_status_name((uint8_t)st), st);
	st = xfer(t, &c, VIRTIO_BLK_T_IN, sector, after, len, "read after the write");
	if (st >= 0)
		report(t, !memcmp(before, after, len), "data-written",
		       "the sectors of a refused write read differently afterwards");
out:
	chk_dev_close(&c);
}

void check_BLK_DISCARD(struct pf_test *t)
{
	static const struct {
		unsigned bit;
		uint32_t type, flags;
		const char *fp, *what;
	} cases[] = {
		{ VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_T_DISCARD, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP,
		  "discard-unmap", "DISCARD with the unmap flag" },
		{ VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_T_DISCARD, 2, "discard-flags",
		  "DISCARD with flag bit 1" },
		{ VIRTIO_BLK_F_WRITE_ZEROES, VIRTIO_BLK_T_WRITE_ZEROES, 2, "write-zeroes-flags",
		  "WRITE_ZEROES with flag bit 1" },
		{ VIRTIO_BLK_F_SECURE_ERASE, VIRTIO_BLK_T_SECURE_ERASE, 2, "secure-erase-flags",
		  "SECURE_ERASE with flag bit 1" },
	};
	struct chk_dev c;
	uint64_t sector;
	bool any = false;
	int st;

	if (!open_io(t, &c, true, "", 1, &sector))
		return;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!chk_dev_has(&c, cases[i].bit))
			continue;
		any = true;
		st = dwz(t, &c, cases[i].type, sector, blk_unit(&c) / BLK_SECTOR, cases[i].flags,
			 cases[i].what);
		if (st < 0)
			goto out;
		report(t, st == VIRTIO_BLK_S_UNSUPP, cases[i].fp, "%s completed with %s (%d)",
		       cases[i].what, blk_status_name((uint8_t)st), st);
	}
	if (!any)
		report_na(t, "none of DISCARD, WRITE_ZEROES, SECURE_ERASE offered");
out:
	chk_dev_close(&c);
}

void check_BLK_WRITE_ZEROES(struct pf_test *t)
{
	struct chk_dev c;
	uint64_t sector;
	uint32_t len;
	int st;

	uint64_t f = t->dev->features;

	if (!open_io(t, &c,
		     (f & VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES)) &&
			     !(f & VIRTIO_BIT(VIRTIO_BLK_F_RO)),
		     "WRITE_ZEROES not offered, or the disk is read-only", IO_UNITS, &sector))
		return;
	len = IO_UNITS * blk_unit(&c);
	/* without and with the unmap flag: either way zeroes read back */
	for (uint32_t flags = 0; flags <= VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP; flags++) {
		if (round_trip(t, &c, sector, len, (uint8_t)(0x47 + flags)) != 1)
			goto out;
		st = dwz(t, &c, VIRTIO_BLK_T_WRITE_ZEROES, sector, len / BLK_SECTOR, flags,
			 "WRITE_ZEROES");
		if (st < 0 || !judge(t, st == VIRTIO_BLK_S_OK, "write-zeroes"))
			goto out;
		memset(after, 0xee, len);
		st = xfer(t, &c, VIRTIO_BLK_T_IN, sector, after, len, "read after WRITE_ZEROES");
		if (st < 0 || !judge(t, st == VIRTIO_BLK_S_OK, "read"))
			goto out;
		if (!report(t, all_zero(after, len), "not-zero",
			    "after WRITE_ZEROES (flags %u) the range does not read as zeroes",
			    flags))
			goto out;
	}
out:
	chk_dev_close(&c);
}

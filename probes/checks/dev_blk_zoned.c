/* SPDX-License-Identifier: MIT */
/*
 * The zoned block device checks (5.2, VIRTIO_BLK_F_ZONED): the helpers
 * they share, the zone report, and the zones no zone operation may change
 * (conventional, read-only, offline). Write pointer, append and resource
 * checks are in dev_blk_zoned_io.c.
 */
#include "dev_blk_zoned.h"

#include <stdio.h>
#include <string.h>

#include "helpers.h"

static uint8_t zbuf[BLK_MAX_DATA], zpat[BLK_MAX_DATA];
static struct zblk_zone zones[ZBLK_MAX_ZONES];

/* Features a zoned check negotiates where offered. */
#define ZBLK_FEATURES                                                             \
	(VIRTIO_BIT(VIRTIO_BLK_F_ZONED) | VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |     \
	 VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |   \
	 VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_BIT(VIRTIO_BLK_F_SECURE_ERASE) | \
	 VIRTIO_BIT(VIRTIO_BLK_F_TOPOLOGY))

bool zblk_open(struct pf_test *t, struct zblk *z)
{
	struct virtio_dev *d = t->dev;
	uint32_t gran;
	uint8_t model;

	if (!chk_drivable(t))
		return false;
	if (!(d->features & VIRTIO_BIT(VIRTIO_BLK_F_ZONED))) {
		report_na(t, "ZONED not offered");
		return false;
	}
	if (!chk_dev_open(t, &z->c, ZBLK_FEATURES, 1, true))
		return false;
	model = (uint8_t)chk_dev_cfg(&z->c, BLK_CFG_ZONED_MODEL, 1);
	/* 5.2.5.2: one of the three models */
	if (!report(t, model <= VIRTIO_BLK_Z_HA, "model", "zoned model %u is none of NONE, HM, HA",
		    model))
		goto out;
	if (model == VIRTIO_BLK_Z_NONE) {
		report_na(t, "zoned model NONE: a drive-managed device, no zone requests");
		goto out;
	}
	z->model = model;
	z->capacity = blk_capacity(&z->c);
	z->zone_sectors = chk_dev_cfg(&z->c, BLK_CFG_ZONE_SECTORS, 4);
	z->max_open = (uint32_t)chk_dev_cfg(&z->c, BLK_CFG_MAX_OPEN, 4);
	z->max_active = (uint32_t)chk_dev_cfg(&z->c, BLK_CFG_MAX_ACTIVE, 4);
	z->max_append = (uint32_t)chk_dev_cfg(&z->c, BLK_CFG_MAX_APPEND, 4);
	gran = (uint32_t)chk_dev_cfg(&z->c, BLK_CFG_WRITE_GRAN, 4);
	z->unit = gran <= BLK_SECTOR ? 1 : gran / BLK_SECTOR;
	if (!report(t, z->zone_sectors != 0, "zone-sectors", "zoned model %u with zone_sectors 0",
		    model))
		goto out;
	if (gran > 4096 || (gran > BLK_SECTOR && gran % BLK_SECTOR)) {
		report_skip(t, "write_granularity %u bytes: more than the suite writes at once",
			    gran);
		goto out;
	}
	return true;
out:
	chk_dev_close(&z->c);
	return false;
}

const char *zblk_status_name(uint8_t s)
{
	static const char *const names[] = { "ZONE_INVALID_CMD", "ZONE_UNALIGNED_WP",
					     "ZONE_OPEN_RESOURCE", "ZONE_ACTIVE_RESOURCE" };

	if (s >= VIRTIO_BLK_S_ZONE_INVALID_CMD && s <= VIRTIO_BLK_S_ZONE_ACTIVE_RESOURCE)
		return names[s - VIRTIO_BLK_S_ZONE_INVALID_CMD];
	return blk_status_name(s);
}

int zblk_report(struct pf_test *t, struct zblk *z, uint64_t sector, struct zblk_zone *d,
		unsigned max, unsigned *n)
{
	struct blk_req r;
	uint64_t nr;

	if (max > ZBLK_MAX_ZONES)
		max = ZBLK_MAX_ZONES;
	memset(&r, 0, sizeof(r));
	r.type = VIRTIO_BLK_T_ZONE_REPORT;
	r.sector = sector;
	r.in = zbuf;
	r.in_len = ZBLK_REPORT_HDR + max * ZBLK_DESC;
	if (blk_request(t, &z->c, &r, "ZONE_REPORT") != 1)
		return -1;
	*n = 0;
	if (r.status != VIRTIO_BLK_S_OK)
		return r.status;
	nr = chk_le(zbuf, 8);
	/* nr_zones counts the descriptors that fitted (5.2.6) */
	if (!report(t, nr <= max, "nr-zones",
		    "ZONE_REPORT from sector %llu: nr_zones %llu for a buffer of %u descriptors",
		    (unsigned long long)sector, (unsigned long long)nr, max))
		return -1;
	for (unsigned i = 0; i < nr; i++) {
		const uint8_t *p = zbuf + ZBLK_REPORT_HDR + i * ZBLK_DESC;

		d[i].cap = chk_le(p, 8);
		d[i].start = chk_le(p + 8, 8);
		d[i].wp = chk_le(p + 16, 8);
		d[i].type = p[24];
		d[i].state = p[25];
	}
	*n = (unsigned)nr;
	return r.status;
}

int zblk_zone(struct pf_test *t, struct zblk *z, uint64_t sector, struct zblk_zone *d)
{
	unsigned n;
	int st = zblk_report(t, z, sector, d, 1, &n);

	if (st < 0)
		return -1;
	if (!report(t, st == VIRTIO_BLK_S_OK && n == 1, "report",
		    "ZONE_REPORT of the zone at sector %llu: %s with %u descriptors",
		    (unsigned long long)sector, zblk_status_name((uint8_t)st), n))
		return 0;
	return 1;
}

int zblk_op(struct pf_test *t, struct zblk *z, uint32_t type, uint64_t sector, const char *what)
{
	struct blk_req r;

	memset(&r, 0, sizeof(r));
	r.type = type;
	r.sector = type == VIRTIO_BLK_T_ZONE_RESET_ALL ? 0 : sector;
	if (blk_request(t, &z->c, &r, what) != 1)
		return -1;
	return r.status;
}

void zblk_pattern(uint8_t *buf, uint32_t len, uint8_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i * 13u + (i >> 9));
	buf[0] |= 1;
}

int zblk_write(struct pf_test *t, struct zblk *z, uint32_t type, uint64_t sector, uint32_t sectors,
	       uint8_t seed, uint64_t *append_sector, const char *what)
{
	struct blk_req r;
	uint8_t as[8];

	memset(&r, 0, sizeof(r));
	r.type = type;
	r.sector = sector;
	r.out = zpat;
	r.out_len = sectors * BLK_SECTOR;
	zblk_pattern(zpat, r.out_len, seed);
	if (type == VIRTIO_BLK_T_ZONE_APPEND) {
		memset(as, CHK_DEV_FILL, sizeof(as));
		r.in = as;
		r.in_len = sizeof(as);
	}
	if (blk_request(t, &z->c, &r, what) != 1)
		return -1;
	if (append_sector)
		*append_sector = chk_le(as, 8);
	return r.status;
}

int zblk_read(struct pf_test *t, struct zblk *z, uint64_t sector, uint32_t sectors, uint8_t *buf,
	      const char *what)
{
	struct blk_req r;

	memset(&r, 0, sizeof(r));
	r.type = VIRTIO_BLK_T_IN;
	r.sector = sector;
	r.in = buf;
	r.in_len = sectors * BLK_SECTOR;
	if (blk_request(t, &z->c, &r, what) != 1)
		return -1;
	return r.status;
}

int zblk_find(struct pf_test *t, struct zblk *z, uint8_t type, unsigned nth, struct zblk_zone *d)
{
	unsigned n;
	int st = zblk_report(t, z, 0, zones, ZBLK_MAX_ZONES, &n);

	if (st < 0)
		return -1;
	if (!report(t, st == VIRTIO_BLK_S_OK, "report", "ZONE_REPORT completed with %s",
		    zblk_status_name((uint8_t)st)))
		return -1;
	for (unsigned i = 0; i < n; i++) {
		if (zones[i].type != type || zones[i].state == VIRTIO_BLK_ZS_RDONLY ||
		    zones[i].state == VIRTIO_BLK_ZS_OFFLINE)
			continue;
		if (!nth--) {
			*d = zones[i];
			return 1;
		}
	}
	return 0;
}

bool zblk_expect(struct pf_test *t, int st, uint8_t want, const char *sub, const char *what)
{
	return report(t, st == want, sub, "%s completed with %s (%d), not %s", what,
		      zblk_status_name((uint8_t)st), st, zblk_status_name(want));
}

bool zblk_expect_zone(struct pf_test *t, struct zblk *z, uint64_t start, uint8_t state, uint64_t wp,
		      const char *sub)
{
	struct zblk_zone d;

	if (zblk_zone(t, z, start, &d) != 1)
		return false;
	return report(t, d.state == state && (wp == ~0ull || d.wp == wp), sub,
		      "zone at sector %llu is in state %u with write pointer %llu, not state %u%s",
		      (unsigned long long)start, d.state, (unsigned long long)d.wp, state,
		      wp == ~0ull ? "" : " at the expected write pointer");
}

/* One zone descriptor of a full report, against the zone characteristics. */
static bool check_desc(struct pf_test *t, const struct zblk *z, const struct zblk_zone *d,
		       uint64_t i)
{
	uint64_t start = i * z->zone_sectors;
	uint64_t size =
		z->capacity - start < z->zone_sectors ? z->capacity - start : z->zone_sectors;
	uint8_t st = d->state;
	bool seq = d->type == VIRTIO_BLK_ZT_SWR || d->type == VIRTIO_BLK_ZT_SWP;

	/* 5.2.5.2: every zone is zone_sectors long, the last one may be shorter */
	if (!report(t, d->start == start, "zone-start",
		    "zone %llu starts at sector %llu, not %llu (zone_sectors %llu)",
		    (unsigned long long)i, (unsigned long long)d->start, (unsigned long long)start,
		    (unsigned long long)z->zone_sectors) ||
	    !report(t, d->cap <= size, "zone-cap", "zone %llu: z_cap %llu exceeds its %llu sectors",
		    (unsigned long long)i, (unsigned long long)d->cap, (unsigned long long)size))
		return false;
	/* the model says which sequential zones there are */
	if (!report(t,
		    d->type == VIRTIO_BLK_ZT_CONV ||
			    (z->model == VIRTIO_BLK_Z_HM ? d->type == VIRTIO_BLK_ZT_SWR
							 : d->type == VIRTIO_BLK_ZT_SWP),
		    "model", "zone %llu has type %u on a device of zoned model %u",
		    (unsigned long long)i, d->type, z->model))
		return false;
	if (!report(t, seq ? st != VIRTIO_BLK_ZS_NOT_WP : st == VIRTIO_BLK_ZS_NOT_WP, "zone-state",
		    "zone %llu of type %u is in state %u", (unsigned long long)i, d->type, st))
		return false;
	if (st == VIRTIO_BLK_ZS_EMPTY)
		return report(t, d->wp == start, "empty-wp",
			      "empty zone %llu has its write pointer at %llu, not its start",
			      (unsigned long long)i, (unsigned long long)d->wp);
	if (st == VIRTIO_BLK_ZS_IOPEN || st == VIRTIO_BLK_ZS_EOPEN || st == VIRTIO_BLK_ZS_CLOSED)
		return report(t, d->wp >= start && d->wp <= start + d->cap, "wp-range",
			      "zone %llu has its write pointer at %llu, outside the zone",
			      (unsigned long long)i, (unsigned long long)d->wp);
	return true;
}

void check_BLK_ZONED_REPORT(struct pf_test *t)
{
	struct zblk z;
	uint64_t nr_zones, want;
	unsigned n;
	int st;

	if (!zblk_open(t, &z))
		return;
	nr_zones = (z.capacity + z.zone_sectors - 1) / z.zone_sectors;
	st = zblk_report(t, &z, 0, zones, ZBLK_MAX_ZONES, &n);
	if (st < 0 || !zblk_expect(t, st, VIRTIO_BLK_S_OK, "report-status", "ZONE_REPORT"))
		goto out;
	want = nr_zones < ZBLK_MAX_ZONES ? nr_zones : ZBLK_MAX_ZONES;
	if (!report(t, n == want, "nr-zones",
		    "ZONE_REPORT gave %u zones where capacity %llu in zones of %llu sectors "
		    "makes %llu (%llu fit the buffer)",
		    n, (unsigned long long)z.capacity, (unsigned long long)z.zone_sectors,
		    (unsigned long long)nr_zones, (unsigned long long)want))
		goto out;
	for (unsigned i = 0; i < n; i++)
		if (!check_desc(t, &z, &zones[i], i))
			goto out;
	/* a report starts at the zone holding the sector, whatever sector of it */
	if (nr_zones > 1) {
		st = zblk_report(t, &z, z.zone_sectors + z.zone_sectors / 2, zones, 1, &n);
		if (st < 0 || !zblk_expect(t, st, VIRTIO_BLK_S_OK, "report-status",
					   "ZONE_REPORT from the middle of zone 1"))
			goto out;
		report(t, n == 1 && zones[0].start == z.zone_sectors, "report-start",
		       "ZONE_REPORT from the middle of zone 1 did not start with zone 1");
	}
out:
	chk_dev_close(&z.c);
}

/* Zone management requests a zone of this state or type cannot take. */
static bool refuse_ops(struct pf_test *t, struct zblk *z, const struct zblk_zone *d,
		       const char *kind, bool conv)
{
	static const struct {
		uint32_t type;
		const char *name;
	} ops[] = { { VIRTIO_BLK_T_ZONE_OPEN, "open" },
		    { VIRTIO_BLK_T_ZONE_CLOSE, "close" },
		    { VIRTIO_BLK_T_ZONE_FINISH, "finish" },
		    { VIRTIO_BLK_T_ZONE_RESET, "reset" } };
	char sub[32];

	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		/* an offline or read-only zone: FINISH and RESET (5.2.6.2) */
		if (!conv && i < 2)
			continue;
		snprintf(sub, sizeof(sub), "%s-%s", kind, ops[i].name);
		if (!zblk_expect(t, zblk_op(t, z, ops[i].type, d->start, sub),
				 VIRTIO_BLK_S_ZONE_INVALID_CMD, sub, sub))
			return false;
	}
	return zblk_expect_zone(t, z, d->start, d->state, ~0ull, conv ? "conv-state" : "state");
}

void check_BLK_ZONED_INVALID(struct pf_test *t)
{
	struct zblk z;
	struct zblk_zone d;
	unsigned n;
	bool any = false;
	int rc, st;

	if (!zblk_open(t, &z))
		return;
	/* conventional zones: no zone operation, no append */
	rc = zblk_find(t, &z, VIRTIO_BLK_ZT_CONV, 0, &d);
	if (rc < 0)
		goto out;
	if (rc) {
		any = true;
		if (!refuse_ops(t, &z, &d, "conv", true))
			goto out;
		st = zblk_write(t, &z, VIRTIO_BLK_T_ZONE_APPEND, d.start, z.unit, 0x21, NULL,
				"ZONE_APPEND to a conventional zone");
		if (st < 0 || !zblk_expect(t, st, VIRTIO_BLK_S_ZONE_INVALID_CMD, "conv-append",
					   "ZONE_APPEND to a conventional zone"))
			goto out;
	}
	/* sequential write preferred zones take no append either */
	rc = zblk_find(t, &z, VIRTIO_BLK_ZT_SWP, 0, &d);
	if (rc < 0)
		goto out;
	if (rc) {
		any = true;
		st = zblk_write(t, &z, VIRTIO_BLK_T_ZONE_APPEND, d.start, z.unit, 0x22, NULL,
				"ZONE_APPEND to a sequential write preferred zone");
		if (st < 0 || !zblk_expect(t, st, VIRTIO_BLK_S_ZONE_INVALID_CMD, "swp-append",
					   "ZONE_APPEND to a sequential write preferred zone"))
			goto out;
	}
	/* read-only and offline zones cannot become full or empty */
	st = zblk_report(t, &z, 0, zones, ZBLK_MAX_ZONES, &n);
	if (st < 0)
		goto out;
	for (unsigned i = 0; i < n && !report_stopped(t); i++) {
		d = zones[i];
		if (d.state != VIRTIO_BLK_ZS_RDONLY && d.state != VIRTIO_BLK_ZS_OFFLINE)
			continue;
		any = true;
		if (!refuse_ops(t, &z, &d, d.state == VIRTIO_BLK_ZS_RDONLY ? "rdonly" : "offline",
				false))
			break;
	}
	if (!any)
		report_na(t, "no conventional, sequential write preferred, read-only or offline "
			     "zone");
out:
	chk_dev_close(&z.c);
}

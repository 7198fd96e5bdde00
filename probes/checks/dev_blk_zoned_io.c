/* SPDX-License-Identifier: MIT */
/*
 * The zoned block device checks that write (5.2.6.2): the write pointer of
 * a sequential write required zone, ZONE_APPEND, and the open and active
 * zone limits. Each check leaves the zones it used empty again.
 */
#include <string.h>

#include "dev_blk_zoned.h"
#include "helpers.h"

#define ZBLK_LIMIT_MAX 16u /* open or active limits this suite reaches */

static uint8_t buf[BLK_MAX_DATA], pat[BLK_MAX_DATA];

/* Opens the device and finds its first usable SWR zone (else n/a). */
static bool open_swr(struct pf_test *t, struct zblk *z, struct zblk_zone *d)
{
	int rc;

	if (!zblk_open(t, z))
		return false;
	rc = zblk_find(t, z, VIRTIO_BLK_ZT_SWR, 0, d);
	if (rc == 0)
		report_na(t, "no sequential write required zone (a host-aware device)");
	if (rc == 1 && d->cap < 3 * z->unit) {
		report_skip(t, "zone capacity %llu sectors is less than three writes",
			    (unsigned long long)d->cap);
		rc = 0;
	}
	if (rc == 1)
		return true;
	chk_dev_close(&z->c);
	return false;
}

/* A request that must complete with `want`. */
static bool op(struct pf_test *t, struct zblk *z, uint32_t type, uint64_t sector, uint8_t want,
	       const char *sub, const char *what)
{
	int st = zblk_op(t, z, type, sector, what);

	return st >= 0 && zblk_expect(t, st, want, sub, what);
}

static bool wr(struct pf_test *t, struct zblk *z, uint64_t sector, uint64_t sectors, uint8_t want,
	       const char *sub, const char *what)
{
	int st = zblk_write(t, z, VIRTIO_BLK_T_OUT, sector, (uint32_t)sectors, 0x60, NULL, what);

	return st >= 0 && zblk_expect(t, st, want, sub, what);
}

/* SECURE_ERASE of one zone acts as ZONE_RESET of it (5.2.6.2). */
static void secure_erase(struct pf_test *t, struct zblk *z, const struct zblk_zone *d)
{
	struct blk_req r;
	uint8_t seg[BLK_DWZ_SEG];

	memset(seg, 0, sizeof(seg));
	chk_put_le(seg, d->start, 8);
	chk_put_le(seg + 8, z->zone_sectors, 4);
	memset(&r, 0, sizeof(r));
	r.type = VIRTIO_BLK_T_SECURE_ERASE;
	r.out = seg;
	r.out_len = sizeof(seg);
	if (blk_request(t, &z->c, &r, "SECURE_ERASE of a zone") != 1 ||
	    !zblk_expect(t, r.status, VIRTIO_BLK_S_OK, "secure-erase", "SECURE_ERASE of a zone"))
		return;
	zblk_expect_zone(t, z, d->start, VIRTIO_BLK_ZS_EMPTY, d->start, "secure-erase-reset");
}

void check_BLK_ZONED_WP(struct pf_test *t)
{
	struct zblk z;
	struct zblk_zone d;
	uint64_t s0, u, rem;
	int st;

	if (!open_swr(t, &z, &d))
		return;
	s0 = d.start;
	u = z.unit;
	if (!op(t, &z, VIRTIO_BLK_T_ZONE_RESET, s0, VIRTIO_BLK_S_OK, "reset", "ZONE_RESET") ||
	    !zblk_expect_zone(t, &z, s0, VIRTIO_BLK_ZS_EMPTY, s0, "reset-state"))
		goto out;
	/* two writes' worth at the write pointer, then the zone reset: those
	 * sectors are unwritten again */
	if (!wr(t, &z, s0, 2 * u, VIRTIO_BLK_S_OK, "write", "a write at the write pointer") ||
	    !zblk_expect_zone(t, &z, s0, VIRTIO_BLK_ZS_IOPEN, s0 + 2 * u, "wp-advance") ||
	    !op(t, &z, VIRTIO_BLK_T_ZONE_RESET, s0, VIRTIO_BLK_S_OK, "reset", "ZONE_RESET") ||
	    !wr(t, &z, s0, u, VIRTIO_BLK_S_OK, "write", "a write at the write pointer"))
		goto out;
	zblk_pattern(pat, (uint32_t)(2 * u * BLK_SECTOR), 0x60);
	/* unwritten sectors: a fill pattern or a failed read, never old data */
	st = zblk_read(t, &z, s0 + u, (uint32_t)u, buf, "read past the write pointer");
	if (st < 0)
		goto out;
	if (st == VIRTIO_BLK_S_OK &&
	    !report(t, memcmp(buf, pat + u * BLK_SECTOR, u * BLK_SECTOR) != 0, "unwritten-stale",
		    "sectors past the write pointer read back what was written before ZONE_RESET"))
		goto out;
	/* anywhere but the write pointer: ahead of it and behind it */
	if (!wr(t, &z, s0 + 2 * u, u, VIRTIO_BLK_S_ZONE_UNALIGNED_WP, "unaligned-wp",
		"a write one unit past the write pointer") ||
	    !wr(t, &z, s0, u, VIRTIO_BLK_S_ZONE_UNALIGNED_WP, "unaligned-wp",
		"a write behind the write pointer") ||
	    !zblk_expect_zone(t, &z, s0, VIRTIO_BLK_ZS_IOPEN, s0 + u, "unaligned-state"))
		goto out;
	/* the last unit of the zone and the first of the next */
	if (s0 + z.zone_sectors + u <= z.capacity) {
		st = zblk_read(t, &z, s0 + z.zone_sectors - u, (uint32_t)(2 * u), buf,
			       "read across two zones");
		if (st < 0 || !zblk_expect(t, st, VIRTIO_BLK_S_ZONE_INVALID_CMD, "cross-zone",
					   "a read across two zones"))
			goto out;
	}
	/* what the zone can still take, and one unit more */
	rem = d.cap - u;
	if ((rem + u) * BLK_SECTOR <= BLK_MAX_DATA &&
	    (!wr(t, &z, s0 + u, rem + u, VIRTIO_BLK_S_ZONE_INVALID_CMD, "exceeds-capacity",
		 "a write past the zone's capacity") ||
	     !zblk_expect_zone(t, &z, s0, VIRTIO_BLK_ZS_IOPEN, s0 + u, "exceeds-state")))
		goto out;
	/* a full zone cannot become open or closed */
	if (!op(t, &z, VIRTIO_BLK_T_ZONE_FINISH, s0, VIRTIO_BLK_S_OK, "finish", "ZONE_FINISH") ||
	    !zblk_expect_zone(t, &z, s0, VIRTIO_BLK_ZS_FULL, ~0ull, "finish-state") ||
	    !op(t, &z, VIRTIO_BLK_T_ZONE_OPEN, s0, VIRTIO_BLK_S_ZONE_INVALID_CMD, "open-full",
		"ZONE_OPEN of a full zone") ||
	    !op(t, &z, VIRTIO_BLK_T_ZONE_CLOSE, s0, VIRTIO_BLK_S_ZONE_INVALID_CMD, "close-full",
		"ZONE_CLOSE of a full zone") ||
	    !zblk_expect_zone(t, &z, s0, VIRTIO_BLK_ZS_FULL, ~0ull, "full-state"))
		goto out;
	if (chk_dev_has(&z.c, VIRTIO_BLK_F_SECURE_ERASE))
		secure_erase(t, &z, &d);
out:
	zblk_op(t, &z, VIRTIO_BLK_T_ZONE_RESET, s0, "ZONE_RESET");
	chk_dev_close(&z.c);
}

static bool append(struct pf_test *t, struct zblk *z, uint64_t sector, uint64_t sectors,
		   uint8_t seed, uint8_t want, uint64_t *as, const char *sub, const char *what)
{
	int st = zblk_write(t, z, VIRTIO_BLK_T_ZONE_APPEND, sector, (uint32_t)sectors, seed, as,
			    what);

	return st >= 0 && zblk_expect(t, st, want, sub, what);
}

void check_BLK_ZONED_APPEND(struct pf_test *t)
{
	struct zblk z;
	struct zblk_zone d;
	uint64_t s0, u, big, as;

	if (!open_swr(t, &z, &d))
		return;
	s0 = d.start;
	u = z.unit;
	if (!op(t, &z, VIRTIO_BLK_T_ZONE_RESET, s0, VIRTIO_BLK_S_OK, "reset", "ZONE_RESET"))
		goto out;
	/* max_append_sectors 0: no append at all */
	if (!z.max_append) {
		append(t, &z, s0, u, 0x70, VIRTIO_BLK_S_UNSUPP, &as, "append-unsupp",
		       "ZONE_APPEND with max_append_sectors 0");
		goto out;
	}
	/* one unit more than max_append_sectors, into an empty zone that has room */
	big = (z.max_append + u - 1) / u * u + u;
	if (big * BLK_SECTOR <= BLK_MAX_DATA && big <= d.cap &&
	    (!append(t, &z, s0, big, 0x70, VIRTIO_BLK_S_ZONE_INVALID_CMD, &as, "append-too-big",
		     "ZONE_APPEND larger than max_append_sectors") ||
	     !zblk_expect_zone(t, &z, s0, VIRTIO_BLK_ZS_EMPTY, s0, "append-too-big-state")))
		goto out;
	/* two appends: each says where its data went */
	if (!append(t, &z, s0, u, 0x71, VIRTIO_BLK_S_OK, &as, "append", "ZONE_APPEND") ||
	    !report(t, as == s0, "append-sector",
		    "the first ZONE_APPEND to an empty zone at %llu reports sector %llu",
		    (unsigned long long)s0, (unsigned long long)as) ||
	    !append(t, &z, s0, u, 0x72, VIRTIO_BLK_S_OK, &as, "append", "ZONE_APPEND") ||
	    !report(t, as == s0 + u, "append-sector",
		    "the second ZONE_APPEND reports sector %llu, not %llu", (unsigned long long)as,
		    (unsigned long long)(s0 + u)))
		goto out;
	if (zblk_read(t, &z, s0 + u, (uint32_t)u, buf, "read of appended data") < 0)
		goto out;
	zblk_pattern(pat, (uint32_t)(u * BLK_SECTOR), 0x72);
	if (!report(t, !memcmp(buf, pat, u * BLK_SECTOR), "append-data",
		    "the second append's data is not at the sector it reported"))
		goto out;
	/* the sector names the zone by its first sector only */
	append(t, &z, s0 + u, u, 0x73, VIRTIO_BLK_S_ZONE_INVALID_CMD, &as, "append-zone-start",
	       "ZONE_APPEND to a sector that is not a zone start");
out:
	zblk_op(t, &z, VIRTIO_BLK_T_ZONE_RESET, s0, "ZONE_RESET");
	chk_dev_close(&z.c);
}

/* The first n usable SWR zones' start sectors; false if fewer (or ended). */
static bool swr_zones(struct pf_test *t, struct zblk *z, uint64_t *start, unsigned n)
{
	struct zblk_zone d;

	for (unsigned i = 0; i < n; i++) {
		if (zblk_find(t, z, VIRTIO_BLK_ZT_SWR, i, &d) != 1)
			return false;
		start[i] = d.start;
	}
	return true;
}

static bool resource_status(int st)
{
	return st == VIRTIO_BLK_S_ZONE_OPEN_RESOURCE || st == VIRTIO_BLK_S_ZONE_ACTIVE_RESOURCE;
}

/*
 * With `limit` zones open (or active), one zone more: ZONE_OPEN and a
 * write to it end with a resource status and leave it empty. `active`
 * asks for ZONE_ACTIVE_RESOURCE exactly (every open zone closed first).
 */
static bool over_limit(struct pf_test *t, struct zblk *z, const uint64_t *start, uint32_t limit,
		       bool active)
{
	const char *sub = active ? "active-resource" : "open-resource";
	const char *isub = active ? "implicit-active-resource" : "implicit-open-resource";
	uint64_t x = start[limit];
	int st;

	for (uint32_t i = 0; i < limit; i++) {
		if (!active && !op(t, z, VIRTIO_BLK_T_ZONE_OPEN, start[i], VIRTIO_BLK_S_OK, "open",
				   "ZONE_OPEN under the open limit"))
			return false;
		if (active && (!wr(t, z, start[i], z->unit, VIRTIO_BLK_S_OK, "write",
				   "a write to an empty zone under the active limit") ||
			       !op(t, z, VIRTIO_BLK_T_ZONE_CLOSE, start[i], VIRTIO_BLK_S_OK,
				   "close", "ZONE_CLOSE of an open zone")))
			return false;
	}
	st = zblk_op(t, z, VIRTIO_BLK_T_ZONE_OPEN, x, "ZONE_OPEN over the limit");
	if (st < 0 ||
	    !report(t, active ? st == VIRTIO_BLK_S_ZONE_ACTIVE_RESOURCE : resource_status(st), sub,
		    "ZONE_OPEN with %u zones %s completed with %s", limit,
		    active ? "active" : "open", zblk_status_name((uint8_t)st)) ||
	    !zblk_expect_zone(t, z, x, VIRTIO_BLK_ZS_EMPTY, x, "resource-state"))
		return false;
	st = zblk_write(t, z, VIRTIO_BLK_T_OUT, x, z->unit, 0x64, NULL, "write over the limit");
	if (st < 0 ||
	    !report(t, active ? st == VIRTIO_BLK_S_ZONE_ACTIVE_RESOURCE : resource_status(st), isub,
		    "a write opening a zone with %u zones %s completed with %s", limit,
		    active ? "active" : "open", zblk_status_name((uint8_t)st)) ||
	    !zblk_expect_zone(t, z, x, VIRTIO_BLK_ZS_EMPTY, x, "resource-state"))
		return false;
	return op(t, z, VIRTIO_BLK_T_ZONE_RESET_ALL, 0, VIRTIO_BLK_S_OK, "reset-all",
		  "ZONE_RESET_ALL");
}

void check_BLK_ZONED_RESOURCES(struct pf_test *t)
{
	struct zblk z;
	uint64_t start[ZBLK_LIMIT_MAX + 1];
	bool any = false;

	if (!zblk_open(t, &z))
		return;
	if (!op(t, &z, VIRTIO_BLK_T_ZONE_RESET_ALL, 0, VIRTIO_BLK_S_OK, "reset-all",
		"ZONE_RESET_ALL"))
		goto out;
	if (z.max_open && z.max_open <= ZBLK_LIMIT_MAX && swr_zones(t, &z, start, z.max_open + 1)) {
		any = true;
		if (!over_limit(t, &z, start, z.max_open, false))
			goto out;
	}
	if (report_stopped(t))
		goto out;
	if (z.max_active && z.max_active <= ZBLK_LIMIT_MAX &&
	    swr_zones(t, &z, start, z.max_active + 1)) {
		any = true;
		over_limit(t, &z, start, z.max_active, true);
	}
	if (!any)
		report_na(t, "no open or active zone limit this suite can reach with the "
			     "sequential write required zones there are");
out:
	zblk_op(t, &z, VIRTIO_BLK_T_ZONE_RESET_ALL, 0, "ZONE_RESET_ALL");
	chk_dev_close(&z.c);
}

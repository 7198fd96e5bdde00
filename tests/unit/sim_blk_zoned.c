/* SPDX-License-Identifier: MIT */
/*
 * The zoned block device model (5.2, VIRTIO_BLK_F_ZONED) written from the
 * zone state machine of 5.2.6: zone reports, the zone management requests,
 * ZONE_APPEND, and writes held to the write pointer and the zone resource
 * limits. The SIM_BLKZ_* faults each break one rule.
 */
#include <string.h>

#include "sim_blk.h"
#include "virtio/virtio.h"

enum {
	T_IN = 0,
	T_OUT = 1,
	T_SECURE_ERASE = 14,
	T_APPEND = 15,
	T_REPORT = 16,
	T_OPEN = 18,
	T_CLOSE = 20,
	T_FINISH = 22,
	T_RESET = 24,
	T_RESET_ALL = 26,
	S_OK = 0,
	S_IOERR = 1,
	S_UNSUPP = 2,
	S_INVALID = 3,
	S_UNALIGNED_WP = 4,
	S_OPEN_RESOURCE = 5,
	S_ACTIVE_RESOURCE = 6,
	ZT_CONV = 1,
	ZT_SWR = 2,
	ZT_SWP = 3,
	ZS_NOT_WP = 0,
	ZS_EMPTY = 1,
	ZS_IOPEN = 2,
	ZS_EOPEN = 3,
	ZS_CLOSED = 4,
	ZS_RDONLY = 13,
	ZS_FULL = 14,
	ZS_OFFLINE = 15,
	MAX_OPEN = 2,
	MAX_ACTIVE = 3,
	MAX_APPEND = 4,
	F_SECURE_ERASE = 16,
};

#define ZS SIM_BLKZ_SECTORS

void sim_blk_zoned(struct sim_dev *s, struct sim_blk *b, uint8_t model)
{
	uint8_t *c = s->config;

	b->zoned = true;
	for (unsigned z = 0; z < SIM_BLKZ_ZONES; z++) {
		b->zone[z].type = z == 0 ? ZT_CONV : model == 2 ? ZT_SWP : ZT_SWR;
		b->zone[z].state = z == 0 ? ZS_NOT_WP : ZS_EMPTY;
		b->zone[z].wp = (uint64_t)z * ZS;
	}
	sim_put_le(c + 72, ZS, 4);
	sim_put_le(c + 76, MAX_OPEN, 4);
	sim_put_le(c + 80, MAX_ACTIVE, 4);
	sim_put_le(c + 84, MAX_APPEND, 4);
	sim_put_le(c + 88, 512, 4); /* write_granularity */
	c[92] = model;
}

static bool has(const struct sim_blk *b, uint32_t fault)
{
	return (b->faults & fault) != 0;
}

static unsigned count(const struct sim_blk *b, bool active)
{
	unsigned n = 0;

	for (unsigned z = 0; z < SIM_BLKZ_ZONES; z++) {
		uint8_t st = b->zone[z].state;

		n += st == ZS_IOPEN || st == ZS_EOPEN || (active && st == ZS_CLOSED);
	}
	return n;
}

static bool is_open(uint8_t st)
{
	return st == ZS_IOPEN || st == ZS_EOPEN;
}

/* Takes zone z (empty or closed) to open, implicitly closing an implicitly
 * open zone when the open limit is reached; the status if it cannot. */
static uint8_t take_open(struct sim_blk *b, unsigned z, uint8_t to, bool ignore_limits)
{
	struct sim_blk_zone *zn = &b->zone[z];

	if (is_open(zn->state)) {
		if (to == ZS_EOPEN)
			zn->state = ZS_EOPEN;
		return S_OK;
	}
	if (!ignore_limits && zn->state == ZS_EMPTY && count(b, true) >= MAX_ACTIVE &&
	    !(to == ZS_EOPEN && has(b, SIM_BLKZ_NO_ACTIVE_LIMIT)))
		return S_ACTIVE_RESOURCE;
	if (count(b, false) >= MAX_OPEN) {
		unsigned i;

		for (i = 0; i < SIM_BLKZ_ZONES && b->zone[i].state != ZS_IOPEN; i++)
			;
		if (i < SIM_BLKZ_ZONES)
			b->zone[i].state = ZS_CLOSED;
		else if (!ignore_limits && !(to == ZS_EOPEN && has(b, SIM_BLKZ_NO_OPEN_LIMIT)))
			return S_OPEN_RESOURCE;
	}
	zn->state = to;
	return S_OK;
}

static void reset_zone(struct sim_blk *b, unsigned z)
{
	b->zone[z].state = ZS_EMPTY;
	b->zone[z].wp = (uint64_t)z * ZS;
}

static bool writable(uint8_t st)
{
	return st == ZS_EMPTY || is_open(st) || st == ZS_CLOSED;
}

static uint8_t zone_op(struct sim_blk *b, uint32_t type, uint64_t sector)
{
	unsigned z = (unsigned)(sector / ZS);
	struct sim_blk_zone *zn;

	if (type == T_RESET_ALL) {
		for (z = 0; z < SIM_BLKZ_ZONES; z++)
			if (writable(b->zone[z].state) || b->zone[z].state == ZS_FULL)
				reset_zone(b, z);
		return S_OK;
	}
	if (sector % ZS || z >= SIM_BLKZ_ZONES)
		return S_INVALID;
	zn = &b->zone[z];
	if (zn->type == ZT_CONV)
		return has(b, SIM_BLKZ_CONV_OK) ? S_OK : S_INVALID;
	if (zn->state == ZS_OFFLINE || zn->state == ZS_RDONLY)
		return has(b, SIM_BLKZ_OFFLINE_OK) && type != T_OPEN && type != T_CLOSE ? S_OK
											: S_INVALID;
	switch (type) {
	case T_OPEN:
		if (zn->state == ZS_FULL)
			return has(b, SIM_BLKZ_OPEN_FULL) ? S_OK : S_INVALID;
		return take_open(b, z, ZS_EOPEN, false);
	case T_CLOSE:
		if (zn->state == ZS_CLOSED)
			return S_OK;
		if (!is_open(zn->state))
			return has(b, SIM_BLKZ_OPEN_FULL) ? S_OK : S_INVALID;
		zn->state = zn->wp == (uint64_t)z * ZS ? ZS_EMPTY : ZS_CLOSED;
		return S_OK;
	case T_FINISH:
		zn->state = ZS_FULL;
		zn->wp = (uint64_t)z * ZS + SIM_BLKZ_CAP;
		return S_OK;
	default: /* T_RESET */
		reset_zone(b, z);
		return S_OK;
	}
}

static uint32_t report(struct sim_blk *b, const struct sim_req *r, uint64_t sector)
{
	uint32_t room = sim_req_writable(r) - 1, n = 0;
	uint8_t d[64];
	unsigned z = has(b, SIM_BLKZ_BAD_START) ? 0 : (unsigned)(sector / ZS);

	if (room < 64)
		return 0;
	for (; z < SIM_BLKZ_ZONES && 64 + (n + 1) * 64 <= room; z++, n++) {
		memset(d, 0, sizeof(d));
		sim_put_le(d, b->zone[z].type == ZT_CONV ? ZS : SIM_BLKZ_CAP, 8);
		sim_put_le(d + 8, (uint64_t)z * ZS, 8);
		sim_put_le(d + 16, b->zone[z].wp, 8);
		d[24] = b->zone[z].type;
		d[25] = b->zone[z].state;
		sim_req_write(r, 64 + n * 64, d, sizeof(d));
	}
	memset(d, 0, sizeof(d));
	sim_put_le(d, n, 8);
	sim_req_write(r, 0, d, sizeof(d));
	return 64 + n * 64;
}

/* OUT and ZONE_APPEND of n sectors to zone z at `at`. */
static uint8_t write_zone(struct sim_blk *b, const struct sim_req *r, unsigned z, uint64_t at,
			  uint32_t n, bool append)
{
	struct sim_blk_zone *zn = &b->zone[z];
	uint64_t start = (uint64_t)z * ZS;
	uint8_t st;

	if (zn->type == ZT_CONV && !(append && !has(b, SIM_BLKZ_APPEND_CONV)))
		goto store;
	if (!writable(zn->state))
		return S_INVALID;
	if (zn->type == ZT_SWR && at != zn->wp && !has(b, SIM_BLKZ_ANY_WP))
		return append ? S_INVALID : S_UNALIGNED_WP;
	if (at + n > start + SIM_BLKZ_CAP && !has(b, SIM_BLKZ_OVERFILL))
		return S_INVALID;
	st = take_open(b, z, ZS_IOPEN, has(b, SIM_BLKZ_NO_IMPL_LIMIT));
	if (st != S_OK)
		return st;
	if (at + n > zn->wp)
		zn->wp = at + n;
	if (zn->wp >= start + SIM_BLKZ_CAP)
		zn->state = ZS_FULL;
store:
	if (at + n <= SIM_BLK_SECTORS)
		sim_req_read(r, 16, b->disk + at * 512, n * 512);
	return S_OK;
}

static uint8_t append(const struct sim_dev *s, struct sim_blk *b, const struct sim_req *r,
		      uint64_t sector, uint32_t *written)
{
	uint32_t n = (sim_req_readable(r) - 16) / 512, max = (uint32_t)sim_le(s->config + 84, 4);
	unsigned z = (unsigned)(sector / ZS);
	uint64_t at;
	uint8_t out[8], st;

	if (sim_req_writable(r) < 9 || z >= SIM_BLKZ_ZONES)
		return S_IOERR;
	if (n > max && !has(b, SIM_BLKZ_APPEND_BIG))
		return max ? S_INVALID : S_UNSUPP;
	if (sector % ZS && !has(b, SIM_BLKZ_APPEND_MID))
		return S_INVALID;
	if (b->zone[z].type == ZT_SWP)
		return S_INVALID;
	at = b->zone[z].type == ZT_CONV ? sector : b->zone[z].wp;
	st = write_zone(b, r, z, at, n, true);
	if (st != S_OK)
		return st;
	sim_put_le(out, has(b, SIM_BLKZ_APPEND_SECTOR) ? (uint64_t)z * ZS : at, 8);
	*written = sim_req_write(r, sim_req_writable(r) - 9, out, 8);
	return S_OK;
}

static uint8_t read_zone(struct sim_blk *b, const struct sim_req *r, uint64_t sector,
			 uint32_t *written)
{
	uint32_t n = (sim_req_writable(r) - 1) / 512;
	static const uint8_t fill[512];

	for (uint32_t i = 0; i < n; i++) {
		uint64_t sec = sector + i;
		const struct sim_blk_zone *zn = &b->zone[sec / ZS];
		bool unwritten = zn->type != ZT_CONV && sec >= zn->wp && zn->state != ZS_FULL;

		if (zn->state == ZS_OFFLINE)
			return S_INVALID;
		sim_req_write(r, i * 512,
			      unwritten && !has(b, SIM_BLKZ_STALE) ? fill : b->disk + sec * 512,
			      512);
	}
	*written = n * 512;
	return S_OK;
}

/* SECURE_ERASE: like ZONE_RESET of every zone in its range (5.2.6.2). */
static uint8_t secure_erase(struct sim_dev *s, struct sim_blk *b, const struct sim_req *r)
{
	uint8_t seg[16];
	uint64_t sector;
	uint32_t num;

	if (!(s->features & VIRTIO_BIT(F_SECURE_ERASE)) ||
	    sim_req_read(r, 16, seg, sizeof(seg)) != sizeof(seg))
		return S_UNSUPP;
	sector = sim_le(seg, 8);
	num = (uint32_t)sim_le(seg + 8, 4);
	if (sector % ZS || num % ZS || sector + num > SIM_BLK_SECTORS)
		return S_INVALID;
	memset(b->disk + sector * 512, 0, (size_t)num * 512);
	for (uint64_t z = sector / ZS; z < (sector + num) / ZS; z++)
		if (b->zone[z].type != ZT_CONV && !has(b, SIM_BLKZ_SE_NO_RESET))
			reset_zone(b, (unsigned)z);
	return S_OK;
}

int sim_blk_zoned_serve(struct sim_dev *s, struct sim_blk *b, const struct sim_req *r,
			uint32_t type, uint64_t sector, uint32_t *written)
{
	uint32_t n;

	switch (type) {
	case T_REPORT:
		*written = report(b, r, sector);
		return *written ? S_OK : S_IOERR;
	case T_OPEN:
	case T_CLOSE:
	case T_FINISH:
	case T_RESET:
	case T_RESET_ALL:
		return zone_op(b, type, sector);
	case T_APPEND:
		return append(s, b, r, sector, written);
	case T_SECURE_ERASE:
		return secure_erase(s, b, r);
	case T_IN:
	case T_OUT:
		break;
	default:
		return -1;
	}
	n = type == T_IN ? (sim_req_writable(r) - 1) / 512 : (sim_req_readable(r) - 16) / 512;
	if (!n || sector >= SIM_BLK_SECTORS || n > SIM_BLK_SECTORS - sector)
		return S_IOERR;
	if (b->zone[sector / ZS].type != ZT_CONV && (sector % ZS) + n > ZS &&
	    !has(b, SIM_BLKZ_CROSS))
		return S_INVALID;
	if (type == T_IN)
		return read_zone(b, r, sector, written);
	return write_zone(b, r, (unsigned)(sector / ZS), sector, n, false);
}

/* SPDX-License-Identifier: MIT */
/*
 * A block device model written from 5.2: the configuration layout, and
 * requests served against a small in-memory disk with the status codes
 * the chapter gives. The SIM_BLK_* faults each break one rule.
 */
#include "sim_blk.h"

#include <string.h>

#include "virtio/virtio.h"

enum {
	T_IN = 0,
	T_OUT = 1,
	T_FLUSH = 4,
	T_GET_ID = 8,
	T_GET_LIFETIME = 10,
	T_DISCARD = 11,
	T_WRITE_ZEROES = 13,
	T_SECURE_ERASE = 14,
	S_OK = 0,
	S_IOERR = 1,
	S_UNSUPP = 2,
	F_RO = 5,
	F_LIFETIME = 15,
	F_DISCARD = 13,
	F_WRITE_ZEROES = 14,
	F_SECURE_ERASE = 16,
	F_ZONED = 17,
};

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static bool has(const struct sim_dev *s, unsigned bit)
{
	return (s->features & VIRTIO_BIT(bit)) != 0;
}

static bool in_range(uint64_t sector, uint64_t n)
{
	return sector <= SIM_BLK_SECTORS && n <= SIM_BLK_SECTORS - sector;
}

static bool is_zone_type(uint32_t type)
{
	return type == 15 || (type >= 16 && type <= 26 && !(type & 1));
}

/* DISCARD, WRITE_ZEROES, SECURE_ERASE: one segment. */
static uint8_t serve_dwz(struct sim_dev *s, struct sim_blk *b, const struct sim_req *r,
			 uint32_t type)
{
	uint8_t seg[16];
	uint64_t sector;
	uint32_t num, flags;
	unsigned bit = type == T_DISCARD	? F_DISCARD
		       : type == T_WRITE_ZEROES ? F_WRITE_ZEROES
						: F_SECURE_ERASE;

	if (!has(s, bit) || has(s, F_RO))
		return has(s, F_RO) ? S_IOERR : S_UNSUPP;
	if (sim_req_read(r, 16, seg, sizeof(seg)) != sizeof(seg))
		return S_IOERR;
	sector = le(seg, 8);
	num = (uint32_t)le(seg + 8, 4);
	flags = (uint32_t)le(seg + 12, 4);
	if ((flags & ~1u) && !(b->faults & SIM_BLK_FLAGS_IGNORED))
		return S_UNSUPP;
	if (type == T_DISCARD && (flags & 1) && !(b->faults & SIM_BLK_DISCARD_UNMAP_OK))
		return S_UNSUPP;
	if (!in_range(sector, num))
		return S_IOERR;
	if (type == T_DISCARD)
		return S_OK;
	if (type == T_WRITE_ZEROES && (flags & 1) && (b->faults & SIM_BLK_WZ_UNMAP_STALE))
		return S_OK;
	memset(b->disk + sector * 512, 0, (size_t)num * 512);
	return S_OK;
}

static uint8_t serve_rw(struct sim_dev *s, struct sim_blk *b, const struct sim_req *r,
			uint32_t type, uint64_t sector, uint32_t *written)
{
	uint32_t n = type == T_IN ? sim_req_writable(r) - 1 : sim_req_readable(r) - 16;
	uint8_t *at;

	if (n % 512)
		return S_IOERR;
	if (!in_range(sector, n / 512))
		return (type == T_IN && (b->faults & SIM_BLK_BEYOND_OK)) ? S_OK : S_IOERR;
	at = b->disk + sector * 512;
	if (type == T_IN) {
		static const uint8_t zero[512];

		for (uint32_t off = 0; off < n; off += 512)
			sim_req_write(r, off, (b->faults & SIM_BLK_NULL) ? zero : at + off, 512);
		*written = n;
		return S_OK;
	}
	if (has(s, F_RO) && !(b->faults & (SIM_BLK_RO_WRITES | SIM_BLK_RO_STORES)))
		return S_IOERR;
	if (!(b->faults & SIM_BLK_NULL)) {
		sim_req_read(r, 16, at, n);
		if (b->faults & SIM_BLK_CORRUPT)
			at[n / 2] ^= 0x40;
	}
	return has(s, F_RO) && (b->faults & SIM_BLK_RO_STORES) ? S_IOERR : S_OK;
}

static uint32_t blk_serve(struct sim_dev *s, const struct sim_req *r)
{
	struct sim_blk *b = s->model;
	uint32_t wr = sim_req_writable(r), written = 0, type;
	uint8_t hdr[16], st, tmp[20];
	uint64_t sector;

	if (sim_req_readable(r) < sizeof(hdr) || wr < 1)
		return 0;
	sim_req_read(r, 0, hdr, sizeof(hdr));
	type = (uint32_t)le(hdr, 4);
	sector = le(hdr + 8, 8);
	if (b->zoned && has(s, F_ZONED)) {
		int zst = sim_blk_zoned_serve(s, b, r, type, sector, &written);

		if (zst >= 0) {
			st = (uint8_t)zst;
			sim_req_write(r, wr - 1, &st, 1);
			return written + 1;
		}
	}
	if (type == T_IN || type == T_OUT) {
		st = serve_rw(s, b, r, type, sector, &written);
	} else if (type == T_FLUSH) {
		st = S_OK;
	} else if (type == T_GET_ID) {
		memset(tmp, (b->faults & SIM_BLK_ID_NO_PAD) ? 'x' : 0, sizeof(tmp));
		memcpy(tmp, "sim-blk", 8);
		written = wr - 1 < sizeof(tmp) ? wr - 1 : (uint32_t)sizeof(tmp);
		sim_req_write(r, 0, tmp, written);
		st = S_OK;
	} else if (type == T_GET_LIFETIME && has(s, F_LIFETIME) && wr - 1 >= 6) {
		for (unsigned i = 0; i < 3; i++)
			put(tmp + 2 * i, b->lifetime[i], 2);
		written = sim_req_write(r, 0, tmp, 6);
		st = S_OK;
	} else if (type == T_DISCARD || type == T_WRITE_ZEROES || type == T_SECURE_ERASE) {
		st = serve_dwz(s, b, r, type);
	} else if (is_zone_type(type)) {
		st = (b->faults & SIM_BLK_ZONE_OK) ? S_OK : S_UNSUPP;
	} else {
		st = (b->faults & SIM_BLK_UNKNOWN_OK) ? S_OK : S_UNSUPP;
	}
	sim_req_write(r, wr - 1, &st, 1);
	return written + 1;
}

/* A host-managed device refuses FEATURES_OK without ZONED (5.2.5.2). */
static bool blk_features_ok(const struct sim_dev *s, uint64_t f)
{
	const struct sim_blk *b = s->model;

	return !s->config[92] || (f & VIRTIO_BIT(F_ZONED)) || (b->faults & SIM_BLK_HM_ANY);
}

void sim_blk_attach(struct sim_dev *s, struct sim_blk *b, uint32_t faults)
{
	uint8_t *c = s->config;

	memset(b, 0, sizeof(*b));
	b->faults = faults;
	b->lifetime[0] = 1;
	b->lifetime[1] = 2;
	b->lifetime[2] = 3;
	s->model = b;
	s->serve = blk_serve;
	s->features_ok = blk_features_ok;
	memset(c, 0, 96);
	s->config_len = 96;
	put(c + 0, SIM_BLK_SECTORS, 8); /* capacity */
	put(c + 8, 4096, 4);		/* size_max */
	put(c + 12, 8, 4);		/* seg_max */
	put(c + 16, 4, 2);		/* geometry: cylinders, heads, sectors */
	c[18] = 4;
	c[19] = 4;
	put(c + 20, 512, 4); /* blk_size */
	put(c + 34, 1, 2);   /* num_queues */
	put(c + 36, SIM_BLK_SECTORS, 4);
	put(c + 40, 1, 4);
	put(c + 44, 1, 4);
	put(c + 48, SIM_BLK_SECTORS, 4);
	put(c + 52, 1, 4);
	c[56] = 1; /* write_zeroes_may_unmap */
}

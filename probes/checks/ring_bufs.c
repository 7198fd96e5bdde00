/* SPDX-License-Identifier: MIT */
/*
 * The request buffers of the ring helpers (ring.h, struct chk_bufs): each
 * request's pieces laid out between guard bytes, and what is checked of
 * them when the device returns them.
 */
#include <string.h>

#include "platform.h"
#include "ring.h"

struct piece {
	uint32_t off, len; /* within the slot */
	bool write;
};

static uint32_t align8(uint32_t v)
{
	return (v + 7u) & ~7u;
}

uint8_t chk_guard_byte(uint32_t off)
{
	return (uint8_t)(0x3c ^ (off * 0x9du));
}

/* Lays out one part in `pieces` buffers (at least 1 byte each), each
 * starting 8-aligned after at least CHK_GUARD_LEN guard bytes. */
static unsigned lay_part(struct piece *pc, unsigned n, uint32_t *cur, uint32_t len, bool write,
			 unsigned pieces)
{
	uint32_t step;

	if (!len)
		return n;
	if (pieces > len)
		pieces = len;
	step = len / pieces;
	for (unsigned i = 0; i < pieces && n < RING_MAX_SG; i++) {
		uint32_t l = i + 1 == pieces ? len - step * i : step;

		pc[n].off = *cur;
		pc[n].len = l;
		pc[n].write = write;
		*cur = align8(*cur + l) + CHK_GUARD_LEN;
		n++;
	}
	return n;
}

/* The pieces of a request; *end is where its last guard ends. */
static unsigned layout(const struct chk_workload *wl, unsigned pieces, struct piece *pc,
		       uint32_t *end)
{
	uint32_t cur = CHK_GUARD_LEN;
	unsigned n = 0;

	if (pieces < 1)
		pieces = 1;
	if (pieces > CHK_MAX_PIECES)
		pieces = CHK_MAX_PIECES;
	n = lay_part(pc, n, &cur, wl->readable, false, pieces);
	n = lay_part(pc, n, &cur, wl->writable, true, pieces);
	*end = cur;
	return n;
}

bool chk_bufs_init(struct pf_test *t, struct chk_bufs *b, struct virtio_dev *d,
		   const struct chk_workload *wl, uint16_t slots)
{
	memset(b, 0, sizeof(*b));
	b->wl = wl;
	b->slots = slots;
	if (wl->device_id == 2) {
		/* capacity (5.2.4): the sectors a read may name */
		b->blk_sectors =
			d->ops->config_read(d, 0, 4) | (uint64_t)d->ops->config_read(d, 4, 4) << 32;
		if (!b->blk_sectors) {
			report_skip(t, "blk capacity is 0: no sector to read");
			return false;
		}
	}
	/* the most pieces a request can have, each with its guards */
	b->slot_size = (wl->readable + wl->writable + 2u * CHK_MAX_PIECES * (7u + CHK_GUARD_LEN) +
			CHK_GUARD_LEN + 15u) &
		       ~15u;
	b->buf = arch_dma_alloc((size_t)b->slot_size * slots, 16);
	b->pieces = arch_dma_alloc(slots, 1);
	if (!b->buf || !b->pieces) {
		report_error(t, "out of DMA memory for %u buffers", slots);
		return false;
	}
	return true;
}

/* The readable part of a request: a read of one sector for blk (the
 * sector differs per slot, counted down from the last, so the header is
 * not all zeros), a frame for net (locally administered addresses, an
 * experimental EtherType), a byte of text for the console. */
static void fill_request(const struct chk_bufs *b, uint16_t slot, uint8_t *p)
{
	const struct chk_workload *wl = b->wl;

	memset(p, 0, wl->readable);
	if (wl->device_id == 1) {
		uint8_t *f = p + 12;

		memset(f, 0x02, 6); /* destination 02:02:02:02:02:02 */
		memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
		f[12] = 0x88; /* EtherType 0x88b5: local experimental */
		f[13] = 0xb5;
	} else if (wl->device_id == 2) {
		uint64_t sector = b->blk_sectors - 1u - slot % b->blk_sectors;

		/* type VIRTIO_BLK_T_IN (0), reserved 0, le64 sector */
		for (unsigned i = 0; i < 8; i++)
			p[8 + i] = (uint8_t)(sector >> (8 * i));
	} else if (wl->device_id == 3) {
		p[0] = '.';
	}
}

unsigned chk_bufs_request(struct chk_bufs *b, uint16_t slot, struct virtq_sg *sg, unsigned pieces)
{
	uint8_t *p = b->buf + (size_t)slot * b->slot_size;
	uint8_t req[CHK_MAX_READABLE];
	struct piece pc[RING_MAX_SG];
	uint32_t end, rd = 0;
	unsigned n = layout(b->wl, pieces, pc, &end);

	fill_request(b, slot, req);
	for (unsigned i = 0; i <= n; i++) {
		/* the guards before piece i (after the last one: its end) */
		for (uint32_t k = i ? pc[i - 1].off + pc[i - 1].len : 0;
		     k < (i < n ? pc[i].off : end); k++)
			p[k] = chk_guard_byte(k);
		if (i == n)
			break;
		if (pc[i].write) {
			memset(p + pc[i].off, CHK_FILL, pc[i].len);
		} else {
			memcpy(p + pc[i].off, req + rd, pc[i].len);
			rd += pc[i].len;
		}
		sg[i].addr = arch_dma_addr(p + pc[i].off);
		sg[i].len = pc[i].len;
		sg[i].write = pc[i].write;
	}
	b->pieces[slot] = (uint8_t)(pieces < 1		      ? 1
				    : pieces > CHK_MAX_PIECES ? CHK_MAX_PIECES
							      : pieces);
	return n;
}

bool chk_guard_hit(const uint8_t *p, uint32_t start, uint32_t stop, uint32_t *first, uint32_t *last)
{
	bool hit = false;

	for (uint32_t i = start; i < stop; i++) {
		if (p[i] == chk_guard_byte(i))
			continue;
		if (!hit)
			*first = i;
		*last = i;
		hit = true;
	}
	return hit;
}

/* Checks every guard region of the slot's layout; reports the first hit. */
static bool guards_ok(struct pf_test *t, const struct chk_bufs *b, uint16_t slot,
		      const struct piece *pc, unsigned n, uint32_t end, bool report_it)
{
	const uint8_t *p = b->buf + (size_t)slot * b->slot_size;

	for (unsigned i = 0; i <= n; i++) {
		uint32_t start = i ? pc[i - 1].off + pc[i - 1].len : 0;
		uint32_t stop = i < n ? pc[i].off : end;
		uint32_t first = 0, last = 0;
		bool after;

		if (!chk_guard_hit(p, start, stop, &first, &last))
			continue;
		if (!report_it)
			return false;
		/* an overrun of the buffer before, or an underrun of the one
		 * after: whichever end the changed bytes are nearer.
		 * A warning, not a fail: the descriptor's len defines the
		 * buffer (2.7.5, 2.8.4) but no device MUST forbids writing
		 * outside it in so many words (docs/coverage.md, "Guard
		 * bytes"). It still corrupts driver memory: say so. */
		after = i == n || (i > 0 && first - start <= stop - 1u - last);
		if (after)
			report_should(
				t, false, "guard-after",
				"device wrote %u byte(s) past the end of %s buffer %u of %u (%u "
				"bytes) of request %u: guard byte +%u reads 0x%02x (memory the "
				"descriptor did not give it)",
				last - first + 1u,
				pc[i - 1].write ? "device-writable" : "device-readable", i, n,
				pc[i - 1].len, slot, first - start, p[first]);
		else
			report_should(
				t, false, "guard-before",
				"device wrote %u byte(s) before the start of %s buffer %u of %u "
				"(%u "
				"bytes) of request %u: guard byte -%u reads 0x%02x (memory the "
				"descriptor did not give it)",
				last - first + 1u,
				pc[i].write ? "device-writable" : "device-readable", i + 1u, n,
				pc[i].len, slot, stop - last, p[last]);
		return false;
	}
	return true;
}

/* Byte `idx` of the readable (write = false) or writable part. */
static const uint8_t *part_byte(const struct chk_bufs *b, uint16_t slot, const struct piece *pc,
				unsigned n, bool write, uint32_t idx)
{
	const uint8_t *p = b->buf + (size_t)slot * b->slot_size;

	for (unsigned i = 0; i < n; i++) {
		if (pc[i].write != write)
			continue;
		if (idx < pc[i].len)
			return p + pc[i].off + idx;
		idx -= pc[i].len;
	}
	return 0;
}

/* Index of the first device-readable byte that differs from what the
 * driver wrote, or -1. */
static int readable_change(const struct chk_bufs *b, uint16_t slot, const struct piece *pc,
			   unsigned n, uint8_t *was, uint8_t *now)
{
	uint8_t req[CHK_MAX_READABLE];

	fill_request(b, slot, req);
	for (uint32_t i = 0; i < b->wl->readable; i++) {
		const uint8_t *q = part_byte(b, slot, pc, n, false, i);

		if (q && *q != req[i]) {
			*was = req[i];
			*now = *q;
			return (int)i;
		}
	}
	return -1;
}

bool chk_bufs_verify(struct pf_test *t, struct chk_bufs *b, uint16_t slot, uint32_t len,
		     bool len_should)
{
	const struct chk_workload *wl = b->wl;
	struct piece pc[RING_MAX_SG];
	uint32_t end;
	unsigned n;
	bool ok;

	if (slot >= b->slots || !b->pieces[slot])
		return true; /* not a request these helpers built */
	n = layout(wl, b->pieces[slot], pc, &end);
	ok = guards_ok(t, b, slot, pc, n, end, true);
	if (b->verify_readable) {
		uint8_t was = 0, now = 0;
		int i = readable_change(b, slot, pc, n, &was, &now);

		ok &= report(t, i < 0, "readable-written",
			     "device wrote into device-readable byte %d of request %u: reads "
			     "0x%02x, the driver wrote 0x%02x",
			     i, slot, now, was);
	}
	if (wl->device_id == 2 && len >= wl->writable) {
		/* The data is whatever the disk holds; the status byte (the
		 * last writable byte) is the one byte len covers whose value is
		 * known to be written: VIRTIO_BLK_S_* never reads CHK_FILL. */
		const uint8_t *stp = part_byte(b, slot, pc, n, true, wl->writable - 1u);
		uint8_t st = stp ? *stp : 0;

		if (st == CHK_FILL) {
			if (len_should)
				report_should(t, false, "len-unwritten",
					      "used len %u covers the blk status byte, which was "
					      "never written (2.8.5)",
					      len);
			else
				report(t, false, "len-unwritten",
				       "used len %u covers the blk status byte, which was never "
				       "written",
				       len);
			ok = false;
		} else if (st > 2) {
			report_should(
				t, false, "blk-status",
				"blk status byte reads %u: not VIRTIO_BLK_S_OK, IOERR or UNSUPP",
				st);
		} else if (st) {
			report_log(t, 1, "blk read of request %u completed with status %u", slot,
				   st);
		}
	}
	return ok;
}

bool chk_bufs_untouched(const struct chk_bufs *b, uint16_t slot)
{
	struct piece pc[RING_MAX_SG];
	uint8_t was, now;
	uint32_t end;
	unsigned n;

	if (slot >= b->slots || !b->pieces[slot])
		return true;
	n = layout(b->wl, b->pieces[slot], pc, &end);
	if (!guards_ok(0, b, slot, pc, n, end, false) ||
	    readable_change(b, slot, pc, n, &was, &now) >= 0)
		return false;
	for (uint32_t i = 0; i < b->wl->writable; i++) {
		const uint8_t *q = part_byte(b, slot, pc, n, true, i);

		if (q && *q != CHK_FILL)
			return false;
	}
	return true;
}

/* SPDX-License-Identifier: MIT */
/* Helpers the simulated device types use to read and answer requests. */
#include "sim_device.h"

#include <string.h>

static uint32_t part_len(const struct sim_req *r, bool write)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < r->nseg; i++)
		if (r->seg[i].write == write)
			n += r->seg[i].len;
	return n;
}

uint32_t sim_req_readable(const struct sim_req *r)
{
	return part_len(r, false);
}

uint32_t sim_req_writable(const struct sim_req *r)
{
	return part_len(r, true);
}

/* Walks the part (`write` selects which) from `off`, copying `len` bytes
 * between it and buf in the direction `to_req` says. */
static uint32_t part_copy(const struct sim_req *r, bool write, uint32_t off, uint8_t *buf,
			  uint32_t len, bool to_req)
{
	uint32_t done = 0;

	for (unsigned i = 0; i < r->nseg && done < len; i++) {
		const struct sim_seg *g = &r->seg[i];
		uint32_t n;

		if (g->write != write)
			continue;
		if (off >= g->len) {
			off -= g->len;
			continue;
		}
		n = g->len - off;
		if (n > len - done)
			n = len - done;
		if (to_req)
			memcpy(g->p + off, buf + done, n);
		else
			memcpy(buf + done, g->p + off, n);
		done += n;
		off = 0;
	}
	return done;
}

uint32_t sim_req_read(const struct sim_req *r, uint32_t off, void *buf, uint32_t len)
{
	return part_copy(r, false, off, buf, len, false);
}

uint32_t sim_req_write(const struct sim_req *r, uint32_t off, const void *buf, uint32_t len)
{
	return part_copy(r, true, off, (uint8_t *)buf, len, true);
}

void sim_config_write(struct sim_dev *s, uint32_t off, uint64_t v, unsigned w)
{
	for (unsigned i = 0; i < w; i++)
		s->config[off + i] = (uint8_t)(v >> (8 * i));
	if (s->config_write)
		s->config_write(s, off, w);
}

uint64_t sim_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void sim_put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

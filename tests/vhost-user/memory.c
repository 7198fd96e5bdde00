/* SPDX-License-Identifier: MIT */
/*
 * Guest memory as the front-end shares it (SET_MEM_TABLE: one fd per
 * region, mapped here), address translation with bounds checks, and copies
 * into and out of a request's scattered segments.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vu.h"

/* [a, a+len) inside [base, base+size), without overflow. */
static bool inside(uint64_t a, uint64_t len, uint64_t base, uint64_t size)
{
	return a >= base && a - base <= size && len <= size - (a - base);
}

void *vu_gpa(const struct vu_mem *m, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < m->n; i++)
		if (inside(gpa, len, m->r[i].gpa, m->r[i].size))
			return m->r[i].host + (gpa - m->r[i].gpa);
	return NULL;
}

void *vu_uva(const struct vu_mem *m, uint64_t uva, uint64_t len)
{
	for (unsigned i = 0; i < m->n; i++)
		if (inside(uva, len, m->r[i].uva, m->r[i].size))
			return m->r[i].host + (uva - m->r[i].uva);
	return NULL;
}

void vu_mem_clear(struct vu_mem *m)
{
	for (unsigned i = 0; i < m->n; i++)
		munmap(m->r[i].map, m->r[i].map_len);
	memset(m, 0, sizeof(*m));
}

int vu_mem_set(struct vu_mem *m, const struct vu_region *in, unsigned n, const int *fds)
{
	struct vu_mem next = { 0 };
	int rc = 0;

	if (n > VU_MAX_REGIONS)
		rc = -1;
	for (unsigned i = 0; i < n && !rc; i++) {
		/* in[i].map_len carries mmap_offset from the message */
		uint64_t off = in[i].map_len, len = in[i].size + off;
		void *p;

		if (!in[i].size || len < off || len > (1ull << 40)) {
			rc = -1;
			break;
		}
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fds[i], 0);
		if (p == MAP_FAILED) {
			vu_log("mmap of region %u (%llu bytes) failed", i, (unsigned long long)len);
			rc = -1;
			break;
		}
		next.r[i] = in[i];
		next.r[i].map = p;
		next.r[i].map_len = len;
		next.r[i].host = (uint8_t *)p + off;
		next.n = i + 1;
	}
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (rc) {
		vu_mem_clear(&next);
		return -1;
	}
	vu_mem_clear(m);
	*m = next;
	return 0;
}

size_t vu_req_read(const struct vu_req *r, uint64_t off, void *dst, size_t len)
{
	size_t done = 0;

	for (unsigned i = 0; i < r->nrd && done < len; i++) {
		const struct vu_seg *s = &r->rd[i];
		size_t n;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off;
		if (n > len - done)
			n = len - done;
		memcpy((uint8_t *)dst + done, s->p + off, n);
		done += n;
		off = 0;
	}
	return done;
}

size_t vu_req_write(struct vu_req *r, uint64_t off, const void *src, size_t len)
{
	size_t done = 0;

	for (unsigned i = 0; i < r->nwr && done < len; i++) {
		struct vu_seg *s = &r->wr[i];
		size_t n;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off;
		if (n > len - done)
			n = len - done;
		memcpy(s->p + off, (const uint8_t *)src + done, n);
		done += n;
		off = 0;
	}
	return done;
}

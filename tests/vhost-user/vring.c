/* SPDX-License-Identifier: MIT */
/*
 * What split and packed rings share: a request's segments gathered from its
 * descriptors (indirect tables included), and taking a batch of requests
 * through the device with the faults that write where it must not.
 */
#include "vu.h"

void vu_req_begin(struct vu_req *r, uint16_t head)
{
	r->head = head;
	r->ndesc = 1;
	r->nrd = r->nwr = 0;
	r->rd_len = r->wr_len = 0;
	r->table_len = NULL;
	r->indirect = NULL;
	r->written = 0;
}

static bool add_seg(struct vu_dev *d, struct vu_req *r, uint64_t addr, uint32_t len, bool write)
{
	struct vu_seg *s;
	void *p;

	if (!len)
		return true;
	p = vu_gpa(&d->mem, addr, len);
	if (!p)
		return false;
	if (write ? r->nwr == VU_MAX_SEGS : r->nrd == VU_MAX_SEGS)
		return false;
	s = write ? &r->wr[r->nwr++] : &r->rd[r->nrd++];
	*(write ? &r->wr_len : &r->rd_len) += len;
	s->p = p;
	s->len = len;
	s->gpa = addr;
	return true;
}

int vu_req_desc(struct vu_dev *d, struct vu_req *r, uint64_t addr, uint32_t len, uint16_t flags,
		bool nested, void **table)
{
	if ((flags & VIRTQ_DESC_F_INDIRECT) && !fault(d, F_INDIRECT_IGNORED)) {
		void *t;

		/* 16-byte entries in both formats; none may be indirect again */
		if (nested || len == 0 || len % 16 || len / 16 > VU_MAX_SEGS)
			return -1;
		t = vu_gpa(&d->mem, addr, len);
		if (!t)
			return -1;
		r->indirect = t;
		*table = t;
		return (int)(len / 16);
	}
	return add_seg(d, r, addr, len, flags & VIRTQ_DESC_F_WRITE) ? 0 : -1;
}

uint32_t vu_used_len(const struct vu_dev *d, const struct vu_req *r)
{
	if (fault(d, F_USED_LEN_OVER))
		return r->written + 16;
	/* one byte written cannot be reported as fewer without reporting
	 * none, which some device types forbid (an entropy device, 5.4.6.1) */
	if (fault(d, C_LEN_UNDER) && r->written > 1)
		return r->written / 2;
	return r->written;
}

/* Faults that write where the device must not (after the request ran). */
static void stray_writes(struct vu_dev *d, struct vu_req *r)
{
	if (fault(d, F_WRITE_READABLE) && r->nrd)
		r->rd[0].p[0] ^= 0xa5;
	if (fault(d, F_WRITE_DESC_TABLE) && r->table_len)
		__atomic_store_n(r->table_len, *r->table_len + 1, __ATOMIC_RELAXED);
	if (fault(d, F_WRITE_PAST_END) && r->nwr) {
		const struct vu_seg *w = &r->wr[r->nwr - 1];
		uint8_t *p = vu_gpa(&d->mem, w->gpa + w->len, 1);

		if (p)
			*p ^= 0xa5;
	}
}

/* The device type's part: one request of queue q. */
static int handle(struct vu_dev *d, unsigned q, struct vu_req *r)
{
	switch (d->type) {
	case VU_BLK:
		return vu_blk_handle(d, r);
	case VU_I2C:
		return vu_i2c_handle(d, r);
	case VU_GPIO:
		return vu_gpio_handle(d, q, r);
	default:
		return vu_rng_handle(d, r);
	}
}

unsigned vu_take(struct vu_dev *d, struct vu_vring *vq, void *ring, vu_pop_fn *pop,
		 struct vu_req *reqs, unsigned max)
{
	unsigned n = 0;

	if (vu_gpio_holds(d, vq->index))
		return 0;
	while (n < max) {
		int rc = pop(d, vq, ring, &reqs[n]);
		int h;

		if (rc == 0)
			break;
		if (rc < 0)
			continue;
		h = handle(d, vq->index, &reqs[n]);
		if (h < 0)
			continue;
		stray_writes(d, &reqs[n]);
		n++;
	}
	vu_gpio_released(d, vq->index);
	return n;
}

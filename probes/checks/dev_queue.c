/* SPDX-License-Identifier: MIT */
#include "dev_queue.h"

#include <string.h>

#include "helpers.h"
#include "platform.h"
#include "ring.h"
#include "timing.h"

/* A slot's block: guard | readable | guard | writable | guard. */
#define PART_SPAN (CHK_DEV_BOUNCE + CHK_GUARD_LEN)
#define SLOT_SIZE (CHK_GUARD_LEN + 2u * PART_SPAN)

static uint8_t *readable_of(const struct chk_dev_slot *s)
{
	return s->mem + CHK_GUARD_LEN;
}

static uint8_t *writable_of(const struct chk_dev_slot *s)
{
	return s->mem + CHK_GUARD_LEN + PART_SPAN;
}

bool chk_dev_open(struct pf_test *t, struct chk_dev *c, uint64_t want, uint16_t max_queues,
		  bool driver_ok)
{
	struct virtio_dev *d = t->dev;
	uint8_t st;

	memset(c, 0, sizeof(*c));
	if (!chk_drivable(t))
		return false;
	c->dev = d;
	c->features = chk_split_features(d, want);
	st = chk_try_features(t, c->features);
	if (chk_uses_features_ok(d) && !(st & VIRTIO_STATUS_FEATURES_OK)) {
		report_error(t, "device refused features 0x%llx (status 0x%02x)",
			     (unsigned long long)c->features, st);
		return false;
	}
	c->nqueues = d->num_queues;
	if (max_queues && c->nqueues > max_queues)
		c->nqueues = max_queues;
	if (c->nqueues > VIRTIO_MAX_QUEUES)
		c->nqueues = VIRTIO_MAX_QUEUES;
	for (uint16_t q = 0; q < c->nqueues; q++) {
		uint16_t num = chk_split_size(d->queue_max[q], CHK_DEV_QSIZE);
		int rc;

		if (!num)
			continue;
		rc = virtq_split_init(&c->vq[q], d, q, num, chk_vq_opts(c->features));
		if (rc == PF_OK)
			rc = virtq_split_attach(&c->vq[q]);
		if (rc) {
			report_error(t, "cannot set up queue %u: %s", q, pf_strerror(rc));
			return false;
		}
	}
	if (driver_ok)
		virtio_add_status(d, VIRTIO_STATUS_DRIVER_OK);
	return true;
}

bool chk_dev_has(const struct chk_dev *c, unsigned bit)
{
	return bit < 64 && (c->features & VIRTIO_BIT(bit));
}

static void fill_guard(uint8_t *p, uint32_t off)
{
	for (uint32_t i = 0; i < CHK_GUARD_LEN; i++)
		p[i] = chk_guard_byte(off + i);
}

/* The guard of block m at offset off is as the driver wrote it. */
static bool guard_intact(const uint8_t *m, uint32_t off)
{
	uint32_t first, last;

	return !chk_guard_hit(m, off, off + CHK_GUARD_LEN, &first, &last);
}

/* One part as one descriptor, or two split at `split` (0: not split). */
static unsigned add_part(struct virtq_sg *sg, unsigned n, uint8_t *p, uint32_t len, uint32_t split,
			 bool write)
{
	uint32_t first = split && split < len ? split : len;

	if (!len)
		return n;
	sg[n++] = (struct virtq_sg){ arch_dma_addr(p), first, write };
	if (first < len)
		sg[n++] = (struct virtq_sg){ arch_dma_addr(p + first), len - first, write };
	return n;
}

int chk_dev_post(struct pf_test *t, struct chk_dev *c, uint16_t q, const void *out,
		 uint32_t out_len, uint32_t in_len)
{
	struct virtq_sg sg[4];
	struct chk_dev_slot *s = NULL;
	unsigned n = 0;
	int i, rc;

	if (q >= c->nqueues || !c->vq[q].num || out_len > CHK_DEV_BOUNCE ||
	    in_len > CHK_DEV_BOUNCE || (!out_len && !in_len)) {
		report_error(t, "request on queue %u (%u + %u bytes) not possible", q, out_len,
			     in_len);
		return PF_EINVAL;
	}
	for (i = 0; i < CHK_DEV_SLOTS; i++)
		if (!c->slot[q][i].busy) {
			s = &c->slot[q][i];
			break;
		}
	if (!s) {
		report_error(t, "more than %d requests in flight on queue %u", CHK_DEV_SLOTS, q);
		return PF_ENOSPC;
	}
	if (!s->mem) {
		s->mem = arch_dma_alloc(SLOT_SIZE, 64);
		if (!s->mem) {
			report_error(t, "out of DMA memory for a request");
			return PF_ENOMEM;
		}
	}
	for (uint32_t off = 0; off < SLOT_SIZE; off += PART_SPAN)
		fill_guard(s->mem + off, off);
	if (out_len)
		memcpy(readable_of(s), out, out_len);
	memset(writable_of(s), CHK_DEV_FILL, in_len);
	/* guards right behind each part, so a write one byte past it shows */
	fill_guard(readable_of(s) + out_len, CHK_GUARD_LEN + out_len);
	fill_guard(writable_of(s) + in_len, CHK_GUARD_LEN + PART_SPAN + in_len);
	s->out_len = out_len;
	s->in_len = in_len;
	n = add_part(sg, n, readable_of(s), out_len, c->split_out, false);
	n = add_part(sg, n, writable_of(s), in_len, c->split_in, true);
	rc = virtq_split_add(&c->vq[q], sg, n, VQ_ADD_DIRECT, (uint64_t)i);
	if (rc < 0) {
		report_error(t, "cannot add a request to queue %u: %s", q, pf_strerror(rc));
		return rc;
	}
	s->busy = true;
	virtq_split_publish(&c->vq[q]);
	return i;
}

void chk_dev_kick(struct chk_dev *c, uint16_t q)
{
	chk_rtt_start();
	virtq_split_notify(&c->vq[q]);
}

/* What a completed request must still look like: guards intact, the
 * readable part as the driver wrote it is not checked here (the ring
 * checks do that for every device type). */
static void verify_slot(struct pf_test *t, const struct chk_dev_slot *s, uint16_t q, uint32_t len)
{
	const uint8_t *m = s->mem;
	uint32_t in_guard = CHK_GUARD_LEN + PART_SPAN + s->in_len;

	report(t, len <= s->in_len, "used-len",
	       "queue %u: used len %u exceeds the %u device-writable bytes", q, len, s->in_len);
	report_should(t, guard_intact(m, 0) && guard_intact(m, PART_SPAN), "guard-before",
		      "queue %u: the device wrote memory before a buffer, which the descriptor "
		      "did not give it",
		      q);
	report_should(t, guard_intact(m, CHK_GUARD_LEN + s->out_len) && guard_intact(m, in_guard),
		      "guard-after",
		      "queue %u: the device wrote memory after a buffer, which the descriptor "
		      "did not give it",
		      q);
}

int chk_dev_wait(struct pf_test *t, struct chk_dev *c, uint16_t q, int *slot, uint32_t *len)
{
	struct virtq_used_info u;
	int rc;

	if (q >= c->nqueues || !c->vq[q].num)
		return PF_EINVAL;
	rc = chk_split_poll(&c->vq[q], &u);
	if (rc == PF_ETIMEDOUT)
		return rc;
	if (rc < 0) {
		report(t, false, virtq_error_id(rc), "queue %u: used entry id %u len %u: %s", q,
		       u.id, u.len, virtq_strerror(rc));
		return rc;
	}
	if (u.token >= CHK_DEV_SLOTS)
		return PF_EINVAL;
	*slot = (int)u.token;
	*len = u.len;
	c->slot[q][u.token].busy = false;
	verify_slot(t, &c->slot[q][u.token], q, u.len);
	return 1;
}

const uint8_t *chk_dev_in(const struct chk_dev *c, uint16_t q, int slot)
{
	return writable_of(&c->slot[q][slot]);
}

int chk_dev_request(struct pf_test *t, struct chk_dev *c, uint16_t q, const void *out,
		    uint32_t out_len, void *in, uint32_t in_cap, uint32_t *len, const char *what)
{
	uint64_t waited = chk_wait_ns() + chk_retry_ns();
	uint32_t n;
	int slot, rc;

	rc = chk_dev_post(t, c, q, out, out_len, in_cap);
	if (rc < 0)
		return rc;
	chk_dev_kick(c, q);
	rc = chk_dev_wait(t, c, q, &slot, &n);
	if (rc == PF_ETIMEDOUT) {
		report(t, false, "no-used", "%s: no used buffer within %llu ms on queue %u", what,
		       (unsigned long long)(waited / 1000000), q);
		return rc;
	}
	if (rc < 0)
		return rc;
	if (in)
		memcpy(in, chk_dev_in(c, q, slot), in_cap);
	*len = n;
	return 1;
}

uint64_t chk_dev_cfg(const struct chk_dev *c, uint32_t off, unsigned width)
{
	uint64_t v = 0;

	if (width == 8)
		return c->dev->ops->config_read(c->dev, off, 4) |
		       (uint64_t)c->dev->ops->config_read(c->dev, off + 4, 4) << 32;
	v = c->dev->ops->config_read(c->dev, off, width);
	return v;
}

void chk_dev_close(struct chk_dev *c)
{
	if (c->dev)
		virtio_reset(c->dev, CHK_RESET_TIMEOUT_NS);
}

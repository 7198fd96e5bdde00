/* SPDX-License-Identifier: MIT */
#include "virtqueue.h"

#include <string.h>

#include "platform.h"
#include "virtio.h"
#include "virtqueue_internal.h"
#include "virtqueue_packed.h"

/* Each code the ring code returns: its message text and its fingerprint id. */
static const struct virtq_err_name {
	int err;
	const char *text, *id;
} vq_errs[] = {
	{ PF_OK, "ok", "ok" },
	{ PF_EINVAL, "invalid argument", "invalid" },
	{ PF_ENOSPC, "no free descriptors", "no-space" },
	{ PF_ENOMEM, "DMA arena exhausted", "no-memory" },
	{ PF_ETIMEDOUT, "no used buffer within the timeout", "timeout" },
	{ VQ_E_DEV_ID_RANGE, "device returned a used id beyond the queue size", "used-id-range" },
	{ VQ_E_DEV_ID_NOT_INFLIGHT, "device returned a used id that is not an available buffer",
	  "used-id-not-in-flight" },
	{ VQ_E_DEV_LEN, "device reported a used len larger than the writable buffer", "used-len" },
	{ VQ_E_DEV_USED_IDX, "device advanced the used index beyond the buffers in flight",
	  "used-idx" },
	{ VQ_E_DEV_DESC_WRITTEN, "device modified a descriptor", "desc-written" },
	{ VQ_E_DEV_RO_WRITTEN, "device wrote into a device-readable buffer", "readable-written" },
	{ VQ_E_DEV_ORDER, "device used buffers out of order although IN_ORDER was negotiated",
	  "order" },
	{ VQ_E_DEV_WRAP, "device marked a descriptor used with the wrong wrap counter", "wrap" },
	{ VQ_E_DEV_FLAGS, "device left a descriptor with invalid AVAIL/USED flags", "flags" },
};

static const struct virtq_err_name *vq_err_find(int err)
{
	for (unsigned i = 0; i < sizeof(vq_errs) / sizeof(vq_errs[0]); i++)
		if (vq_errs[i].err == err)
			return &vq_errs[i];
	return NULL;
}

const char *virtq_strerror(int err)
{
	const struct virtq_err_name *e = vq_err_find(err);

	return e ? e->text : "unknown error";
}

const char *virtq_error_id(int err)
{
	const struct virtq_err_name *e = vq_err_find(err);

	return e ? e->id : "unknown";
}

uint64_t virtq_hash_sg(const struct virtq_sg *sg, unsigned n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (unsigned i = 0; i < n; i++) {
		const volatile uint8_t *p;

		if (sg[i].write)
			continue;
		p = arch_dma_ptr(sg[i].addr);
		if (!p)
			continue;
		for (uint32_t k = 0; k < sg[i].len; k++) {
			h ^= p[k];
			h *= 0x100000001b3ull;
		}
	}
	return h;
}

int virtq_poll_bounded(int (*get_used)(void *vq, struct virtq_used_info *out), void *vq,
		       struct virtq_used_info *out, uint64_t timeout_ns)
{
	uint64_t start = arch_now_ns();

	for (;;) {
		int rc = get_used(vq, out);

		if (rc != 0)
			return rc;
		if (arch_now_ns() - start > timeout_ns)
			return PF_ETIMEDOUT;
		arch_delay_ns(VQ_POLL_DELAY_NS);
	}
}

int virtq_used_fill(struct virtq_used_info *out, uint16_t id, uint32_t len, bool batched,
		    uint32_t writable, uint64_t token, uint16_t ndesc)
{
	out->id = id;
	out->len = batched ? writable : len;
	out->writable = writable;
	out->token = token;
	out->ndesc = ndesc;
	out->batched = batched;
	return !batched && len > writable ? VQ_E_DEV_LEN : 1;
}

int virtq_order_pos(const uint16_t *order, uint16_t head, uint16_t n, uint16_t num, uint16_t id)
{
	for (uint16_t k = 0; k < n; k++)
		if (order[(head + k) % num] == id)
			return k;
	return -1;
}

int virtq_attach_rings(struct virtio_dev *d, uint16_t index, uint16_t num, uint64_t desc,
		       uint64_t driver, uint64_t device)
{
	int rc;

	if (!d->ops->queue_setup || !d->ops->queue_enable)
		return PF_ENOTSUP;
	rc = d->ops->queue_setup(d, index, num, desc, driver, device);
	if (rc)
		return rc;
	d->ops->queue_enable(d, index);
	return 0;
}

int virtq_chain_plan(struct virtq_chain *c, const struct virtq_sg *sg, unsigned n, int indirect,
		     uint16_t num, uint32_t opts, uint16_t num_free)
{
	uint64_t total = 0, writable = 0;
	bool seen_write = false;

	if (!sg || n == 0 || n > num)
		return PF_EINVAL;
	for (unsigned i = 0; i < n; i++) {
		if (seen_write && !sg[i].write)
			return PF_EINVAL; /* readable after writable (2.7.4.2) */
		seen_write |= sg[i].write;
		total += sg[i].len;
		if (sg[i].write)
			writable += sg[i].len;
	}
	if (total > 0xffffffffull)
		return PF_EINVAL; /* chains are limited to 2^32 bytes (2.7.5.2) */
	if (indirect == VQ_ADD_DIRECT) {
		c->ndirect = n;
	} else {
		if (!(opts & VQ_OPT_INDIRECT) || indirect < 0 || (unsigned)indirect >= n)
			return PF_EINVAL;
		c->ndirect = (unsigned)indirect;
	}
	c->nind = n - c->ndirect;
	c->nring = c->ndirect + (c->nind ? 1u : 0u);
	c->writable = (uint32_t)writable;
	return c->nring > num_free ? PF_ENOSPC : 0;
}

/* Both layouts are 16 bytes an entry, so one allocation and copy serve. */
_Static_assert(sizeof(struct virtq_desc) == 16 && sizeof(struct pvirtq_desc) == 16,
	       "descriptor layouts are 16 bytes (2.7.5, 2.8.13)");

static void *itab_reserve(void *itab, uint16_t *cap, uint16_t k)
{
	uint16_t want = k < 8 ? 8 : k;
	void *t;

	if (*cap >= k)
		return itab;
	t = arch_dma_alloc(2u * want * 16u, 16);
	if (t)
		*cap = want;
	return t;
}

void *virtq_itab_fill(void *itab, uint16_t *cap, const struct virtq_sg *sg, unsigned n, bool packed)
{
	void *tab = itab_reserve(itab, cap, (uint16_t)n);

	if (!tab)
		return NULL;
	for (unsigned j = 0; j < n; j++) {
		uint16_t write = sg[j].write ? VIRTQ_DESC_F_WRITE : 0;

		if (packed) {
			struct pvirtq_desc *t = (struct pvirtq_desc *)tab + j;

			/* WRITE is the only valid flag in an indirect table (2.8.9) */
			t->addr = sg[j].addr;
			t->len = sg[j].len;
			t->id = 0;
			t->flags = write;
		} else {
			struct virtq_desc *t = (struct virtq_desc *)tab + j;
			bool more = j + 1 < n;

			t->addr = sg[j].addr;
			t->len = sg[j].len;
			t->flags = (uint16_t)(write | (more ? VIRTQ_DESC_F_NEXT : 0));
			/* sequential, as IN_ORDER requires (2.7.5.3.1) */
			t->next = (uint16_t)(more ? j + 1 : 0);
		}
	}
	memcpy((uint8_t *)tab + 16u * *cap, tab, 16u * n);
	return tab;
}

void virtq_free_init(uint16_t *next, uint16_t n, uint16_t *head, uint16_t *tail)
{
	for (uint16_t i = 0; i < n; i++)
		next[i] = (uint16_t)(i + 1);
	*head = 0;
	*tail = (uint16_t)(n - 1);
}

void virtq_free_put(uint16_t *next, uint16_t *head, uint16_t *tail, uint16_t *n, uint16_t i)
{
	if (*n == 0)
		*head = i;
	else
		next[*tail] = i;
	*tail = i;
	(*n)++;
}

void virtq_order_push(uint16_t *order, uint16_t head, uint16_t *n, uint16_t num, uint16_t id)
{
	order[(head + *n) % num] = id;
	(*n)++;
}

void virtq_order_pop(uint16_t *head, uint16_t *n, uint16_t num)
{
	*head = (uint16_t)((*head + 1u) % num);
	(*n)--;
}

bool virtq_used_begin(struct virtq_used_info *out, bool *active, const uint16_t *order,
		      uint16_t order_head, uint16_t last, uint32_t last_len, uint16_t *head,
		      uint32_t *len)
{
	memset(out, 0, sizeof(*out));
	if (!*active)
		return false;
	*head = order[order_head];
	*active = *head != last;
	*len = *active ? 0 : last_len;
	return true;
}

bool virtq_kick_decide(bool needs, uint32_t opts, bool *suppressed, uint32_t *stats_suppressed)
{
	*suppressed = !needs;
	if (!needs)
		(*stats_suppressed)++;
	return needs || (opts & VQ_OPT_ALWAYS_NOTIFY);
}

void virtq_doorbell(struct virtio_dev *d, uint16_t index, uint32_t data, uint32_t *stats_kicks)
{
	(*stats_kicks)++;
	/* ring writes before the doorbell: io.c's region_write() orders real
	 * MMIO the same way, but queue_notify is a transport op and the ring
	 * must not depend on how each transport reaches its doorbell */
	arch_wmb();
	d->ops->queue_notify(d, index, data);
}

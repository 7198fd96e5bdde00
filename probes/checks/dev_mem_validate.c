/* SPDX-License-Identifier: MIT */
/*
 * The memory device suite (5.15): requests the device must reject with
 * ERROR (5.15.6.3.2, 5.15.6.4.2, 5.15.6.6.2), and requests whose padding
 * and other bytes it must ignore.
 */
#include "dev_mem.h"

/* A range the device must reject, and its fingerprint. */
struct mem_bad {
	const char *fp; /* its fingerprint */
	uint64_t addr;
	uint16_t nb;
	bool valid; /* applies to this device's layout */
};

enum {
	BAD_MISALIGNED,
	BAD_ZERO,
	BAD_BEFORE,
	BAD_PAST,
	BAD_END,
	BAD_WRAP,
	BAD_N
};

/* The bad ranges of one request type (names "<op>/<case>"). */
static void bad_ranges(const struct mem_dev *m, const char *const subs[BAD_N],
		       struct mem_bad bad[BAD_N])
{
	uint64_t bs = m->first.block_size, last = mem_usable_blocks(m) - 1;

	bad[BAD_MISALIGNED] = (struct mem_bad){ subs[0], mem_block(m, 0) + bs / 2, 1, bs > 1 };
	bad[BAD_ZERO] = (struct mem_bad){ subs[1], mem_block(m, 0), 0, true };
	/* the block before the region and block 0 */
	bad[BAD_BEFORE] = (struct mem_bad){ subs[2], m->first.addr - bs, 2, m->first.addr >= bs };
	/* the last usable block and the one after it */
	bad[BAD_PAST] = (struct mem_bad){ subs[3], mem_block(m, last), 2, true };
	bad[BAD_END] = (struct mem_bad){ subs[4], m->first.addr + m->cur.usable, 1, true };
	/* addr + size wraps past 2^64 (known device bug #47's class) */
	bad[BAD_WRAP] = (struct mem_bad){ subs[5], 0 - bs, 2,
					  m->first.addr + m->first.region_size <= 0 - bs };
}

static const char *const plug_subs[BAD_N] = { "plug/misaligned",    "plug/zero-blocks",
					      "plug/before-region", "plug/past-usable",
					      "plug/at-usable-end", "plug/wrap" };
static const char *const unplug_subs[BAD_N] = { "unplug/misaligned",	"unplug/zero-blocks",
						"unplug/before-region", "unplug/past-usable",
						"unplug/at-usable-end", "unplug/wrap" };
static const char *const state_subs[BAD_N] = { "state/misaligned",    "state/zero-blocks",
					       "state/before-region", "state/past-usable",
					       "state/at-usable-end", "state/wrap" };

/* Each bad range of `type` answered ERROR; plugged_size stays `plugged`. */
static bool reject_all(struct pf_test *t, struct mem_dev *m, enum mem_req_type type,
		       const char *const subs[BAD_N], const char *size_sub, uint64_t plugged)
{
	struct mem_bad bad[BAD_N];

	bad_ranges(m, subs, bad);
	for (unsigned i = 0; i < BAD_N && !report_stopped(t); i++)
		if (bad[i].valid)
			mem_expect(t, m, bad[i].fp, type, bad[i].addr, bad[i].nb, MEM_CLEAN,
				   VIRTIO_MEM_RESP_ERROR, bad[i].fp);
	return !report_stopped(t) &&
	       mem_expect_plugged(t, m, size_sub, plugged, "requests rejected with ERROR");
}

void check_MEM_VALIDATE(struct pf_test *t)
{
	struct mem_dev m;
	uint64_t bs, last;

	if (!mem_open(t, &m, 2))
		return;
	bs = m.first.block_size;
	last = mem_usable_blocks(&m) - 1;
	/* PLUG with nothing plugged: a device that does not validate plugs */
	if (!reject_all(t, &m, VIRTIO_MEM_REQ_PLUG, plug_subs, "plug/size-changed", 0))
		goto out;
	/* UNPLUG and STATE of ranges that cover plugged blocks: a device that
	 * does not validate unplugs them, or answers their state */
	if (!mem_change(t, &m, VIRTIO_MEM_REQ_PLUG, 0, "plug-ack", NULL, 0, "PLUG of block 0") ||
	    !mem_change(t, &m, VIRTIO_MEM_REQ_PLUG, last, "plug-ack", NULL, 0,
			"PLUG of the last usable block"))
		goto out;
	if (!reject_all(t, &m, VIRTIO_MEM_REQ_UNPLUG, unplug_subs, "unplug/size-changed", 2 * bs))
		goto out;
	reject_all(t, &m, VIRTIO_MEM_REQ_STATE, state_subs, "state/size-changed", 2 * bs);
out:
	mem_close(t, &m);
}

/* One pass of requests with one kind of extra bytes set. */
struct mem_dirty_pass {
	unsigned dirt;
	const char *plug, *unplug, *state, *unplug_all;
};

static const struct mem_dirty_pass dirty_passes[] = {
	/* 5.15.6.x.2: anything but the type and the request-specific data */
	{ MEM_DIRTY_HEADER, "other/plug", "other/unplug", "other/state", "other/unplug-all" },
	/* ... and the padding of the request-specific data */
	{ MEM_DIRTY_PADDING, "padding/plug", "padding/unplug", "padding/state",
	  "padding/unplug-all" },
};

void check_MEM_IGNORE_PADDING(struct pf_test *t)
{
	struct mem_dev m;
	uint64_t bs;

	if (!mem_open(t, &m, 2))
		return;
	bs = m.first.block_size;
	for (unsigned i = 0; i < 2 && !report_stopped(t); i++) {
		const struct mem_dirty_pass *p = &dirty_passes[i];
		uint64_t b0 = mem_block(&m, 0);

		if (mem_expect(t, &m, p->plug, VIRTIO_MEM_REQ_PLUG, b0, 1, p->dirt,
			       VIRTIO_MEM_RESP_ACK, p->plug) != 1 ||
		    !mem_expect_plugged(t, &m, p->plug, bs, p->plug) ||
		    mem_expect_state(t, &m, p->state, b0, 1, p->dirt, VIRTIO_MEM_STATE_PLUGGED,
				     p->state) != 1 ||
		    mem_expect(t, &m, p->unplug, VIRTIO_MEM_REQ_UNPLUG, b0, 1, p->dirt,
			       VIRTIO_MEM_RESP_ACK, p->unplug) != 1 ||
		    !mem_expect_plugged(t, &m, p->unplug, 0, p->unplug) ||
		    mem_expect_state(t, &m, p->state, b0, 1, p->dirt, VIRTIO_MEM_STATE_UNPLUGGED,
				     p->state) != 1)
			break;
		/* UNPLUG ALL naming unplugged block 1: only the type counts */
		if (!mem_change(t, &m, VIRTIO_MEM_REQ_PLUG, 0, "plug-ack", NULL, 0,
				"PLUG of block 0") ||
		    mem_expect(t, &m, p->unplug_all, VIRTIO_MEM_REQ_UNPLUG_ALL, mem_block(&m, 1), 1,
			       p->dirt | MEM_DIRTY_DATA, VIRTIO_MEM_RESP_ACK, p->unplug_all) != 1)
			break;
		mem_expect_plugged(t, &m, p->unplug_all, 0, "UNPLUG ALL with data");
	}
	mem_close(t, &m);
}

/* SPDX-License-Identifier: MIT */
/*
 * The memory device suite (5.15): the plugged memory itself. The only
 * check that touches the device's memory, and only blocks it plugged.
 */
#include "dev_mem.h"

#include "platform.h"

/* The word the check stores at address a in pass `seed`. */
static uint64_t pattern(uint64_t a, uint64_t seed)
{
	return (a * 0x9e3779b97f4a7c15ull) ^ seed;
}

/* Block i as the probe reaches it, or NULL (reported). */
static volatile uint64_t *block_ptr(struct pf_test *t, struct mem_dev *m, uint64_t i)
{
	uint64_t a = mem_block(m, i);
	volatile uint64_t *p = arch_dma_ptr(a);

	if (!p || !arch_dma_ptr(a + m->first.block_size - 1)) {
		report_error(t, "block %llu at %#llx is outside what the probe can reach",
			     (unsigned long long)i, (unsigned long long)a);
		return NULL;
	}
	return p;
}

static void fill(const struct mem_dev *m, volatile uint64_t *p, uint64_t i, uint64_t seed)
{
	uint64_t a = mem_block(m, i), n = m->first.block_size / 8;

	for (uint64_t w = 0; w < n; w++)
		p[w] = pattern(a + 8 * w, seed);
	arch_mb();
}

/* Every word of block i as fill() left it; the first difference fails. */
static bool verify(struct pf_test *t, const struct mem_dev *m, volatile uint64_t *p, uint64_t i,
		   uint64_t seed, const char *sub, const char *after)
{
	uint64_t a = mem_block(m, i), n = m->first.block_size / 8, bad = 0, first = 0, v = 0;

	arch_mb();
	for (uint64_t w = 0; w < n; w++) {
		uint64_t got = p[w];

		if (got != pattern(a + 8 * w, seed) && !bad++) {
			first = w;
			v = got;
		}
	}
	return report(t, !bad, sub,
		      "after %s: %llu of %llu words of plugged block %llu changed, first at %#llx "
		      "(%#llx, written %#llx)",
		      after, (unsigned long long)bad, (unsigned long long)n, (unsigned long long)i,
		      (unsigned long long)(a + 8 * first), (unsigned long long)v,
		      (unsigned long long)pattern(a + 8 * first, seed));
}

/* 5.15.6.2: plugged memory is the driver's (read, written, left alone by
 * the device); 5.15.5.2: a device reset leaves it as it was. */
void check_MEM_PLUGGED_MEMORY(struct pf_test *t)
{
	struct mem_dev m;
	volatile uint64_t *p0, *p1;

	if (!mem_open(t, &m, 2))
		return;
	if (!mem_change(t, &m, VIRTIO_MEM_REQ_PLUG, 0, "plug-ack", NULL, 0, "PLUG of block 0") ||
	    !mem_change(t, &m, VIRTIO_MEM_REQ_PLUG, 1, "plug-ack", NULL, 0, "PLUG of block 1"))
		goto out;
	p0 = block_ptr(t, &m, 0);
	p1 = block_ptr(t, &m, 1);
	if (!p0 || !p1)
		goto out;
	/* plugged memory's content is undefined until the driver writes it */
	fill(&m, p0, 0, 1);
	fill(&m, p1, 1, 1);
	if (!verify(t, &m, p0, 0, 1, "readback", "writing block 0") ||
	    !verify(t, &m, p1, 1, 1, "readback", "writing block 1"))
		goto out;
	/* requests for block 1 (unplugged and plugged again) leave block 0 */
	if (mem_expect_state(t, &m, "state", mem_block(&m, 0), 2, MEM_CLEAN,
			     VIRTIO_MEM_STATE_PLUGGED, "STATE of blocks 0-1") != 1 ||
	    !mem_change(t, &m, VIRTIO_MEM_REQ_UNPLUG, 1, "unplug-ack", NULL, 0,
			"UNPLUG of block 1") ||
	    !mem_change(t, &m, VIRTIO_MEM_REQ_PLUG, 1, "plug-ack", NULL, 0, "PLUG of block 1") ||
	    !verify(t, &m, p0, 0, 1, "modified", "UNPLUG and PLUG of block 1"))
		goto out;
	fill(&m, p1, 1, 2);
	if (mem_reopen(t, &m) && verify(t, &m, p0, 0, 1, "reset/modified", "a device reset"))
		verify(t, &m, p1, 1, 2, "reset/modified", "a device reset");
out:
	mem_close(t, &m);
}

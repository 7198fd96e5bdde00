/* SPDX-License-Identifier: MIT */
/*
 * The memory device suite (5.15): PLUG, UNPLUG, UNPLUG ALL and STATE of
 * valid ranges, each answered as 5.15.6.3-6 says, with plugged_size
 * following (5.15.4.2). Ranges the device must reject: dev_mem_validate.c.
 */
#include "dev_mem.h"

/* The ranges of these checks, as block indexes from the region's start. */
#define B(i) mem_block(&m, (i))

/* 5.15.6.3.2 / 5.15.6.4.2: ACK, ERROR for a block already in the state
 * asked for, plugged_size following each ACK and unchanged by an ERROR. */
void check_MEM_PLUG_UNPLUG(struct pf_test *t)
{
	struct mem_dev m;
	uint64_t bs, over;

	if (!mem_open(t, &m, 2))
		return;
	bs = m.first.block_size;
	if (!mem_change(t, &m, VIRTIO_MEM_REQ_PLUG, 0, "plug-ack", "plug-size", bs,
			"PLUG of block 0"))
		goto out;
	if (mem_expect(t, &m, "plug-already", VIRTIO_MEM_REQ_PLUG, B(0), 1, MEM_CLEAN,
		       VIRTIO_MEM_RESP_ERROR, "PLUG of plugged block 0") < 0 ||
	    mem_expect(t, &m, "plug-already", VIRTIO_MEM_REQ_PLUG, B(0), 2, MEM_CLEAN,
		       VIRTIO_MEM_RESP_ERROR, "PLUG of blocks 0-1, 0 plugged") < 0 ||
	    !mem_expect_plugged(t, &m, "plug-size", bs, "PLUG of plugged blocks"))
		goto out;
	if (!mem_change(t, &m, VIRTIO_MEM_REQ_PLUG, 1, "plug-ack", "plug-size", 2 * bs,
			"PLUG of block 1"))
		goto out;
	if (!mem_change(t, &m, VIRTIO_MEM_REQ_UNPLUG, 0, "unplug-ack", "unplug-size", bs,
			"UNPLUG of block 0"))
		goto out;
	if (mem_expect(t, &m, "unplug-already", VIRTIO_MEM_REQ_UNPLUG, B(0), 1, MEM_CLEAN,
		       VIRTIO_MEM_RESP_ERROR, "UNPLUG of unplugged block 0") < 0 ||
	    mem_expect(t, &m, "unplug-already", VIRTIO_MEM_REQ_UNPLUG, B(0), 2, MEM_CLEAN,
		       VIRTIO_MEM_RESP_ERROR, "UNPLUG of blocks 0-1, 0 unplugged") < 0 ||
	    !mem_expect_plugged(t, &m, "unplug-size", bs, "UNPLUG of unplugged blocks"))
		goto out;
	if (!mem_change(t, &m, VIRTIO_MEM_REQ_UNPLUG, 1, "unplug-ack", "unplug-size", 0,
			"UNPLUG of block 1"))
		goto out;
	/* More than requested_size: the device rejects it (5.15, descriptive:
	 * QEMU answers NACK), and plugged_size says what is plugged. */
	over = m.cur.requested / bs + 1;
	if (over <= mem_usable_blocks(&m)) {
		int r = mem_request(t, &m, VIRTIO_MEM_REQ_PLUG, B(0), (uint16_t)over, MEM_CLEAN,
				    NULL, "PLUG beyond requested_size");

		if (r < 0)
			goto out;
		report_should(t, r == VIRTIO_MEM_RESP_NACK, "beyond-requested",
			      "PLUG of %llu blocks with requested_size %#llx: %s, expected NACK",
			      (unsigned long long)over, (unsigned long long)m.cur.requested,
			      mem_resp_name(r));
		mem_expect_plugged(t, &m, "plug-size", r == VIRTIO_MEM_RESP_ACK ? over * bs : 0,
				   "PLUG beyond requested_size");
	}
out:
	mem_close(t, &m);
}

/* 5.15.6.6.2: ACK with PLUGGED, UNPLUGGED or MIXED. */
void check_MEM_STATE(struct pf_test *t)
{
	struct mem_dev m;
	uint64_t all;

	if (!mem_open(t, &m, 2))
		return;
	all = mem_usable_blocks(&m);
	if (mem_expect_state(t, &m, "unplugged", B(0), 1, MEM_CLEAN, VIRTIO_MEM_STATE_UNPLUGGED,
			     "STATE of block 0, nothing plugged") != 1 ||
	    mem_expect_state(t, &m, "unplugged", B(0), (uint16_t)all, MEM_CLEAN,
			     VIRTIO_MEM_STATE_UNPLUGGED,
			     "STATE of the usable region, nothing plugged") != 1)
		goto out;
	if (!mem_change(t, &m, VIRTIO_MEM_REQ_PLUG, 1, "plug-ack", NULL, 0, "PLUG of block 1"))
		goto out;
	if (mem_expect_state(t, &m, "plugged", B(1), 1, MEM_CLEAN, VIRTIO_MEM_STATE_PLUGGED,
			     "STATE of plugged block 1") != 1 ||
	    mem_expect_state(t, &m, "unplugged", B(0), 1, MEM_CLEAN, VIRTIO_MEM_STATE_UNPLUGGED,
			     "STATE of block 0 next to plugged block 1") != 1 ||
	    mem_expect_state(t, &m, "mixed", B(0), 2, MEM_CLEAN, VIRTIO_MEM_STATE_MIXED,
			     "STATE of blocks 0-1, 1 plugged") != 1)
		goto out;
	if (all >= 3 && mem_expect_state(t, &m, "mixed", B(1), 2, MEM_CLEAN, VIRTIO_MEM_STATE_MIXED,
					 "STATE of blocks 1-2, 1 plugged") != 1)
		goto out;
	if (!mem_change(t, &m, VIRTIO_MEM_REQ_PLUG, 0, "plug-ack", NULL, 0, "PLUG of block 0"))
		goto out;
	if (mem_expect_state(t, &m, "plugged", B(0), 2, MEM_CLEAN, VIRTIO_MEM_STATE_PLUGGED,
			     "STATE of plugged blocks 0-1") != 1)
		goto out;
	if (all >= 3)
		mem_expect_state(t, &m, "mixed", B(0), (uint16_t)all, MEM_CLEAN,
				 VIRTIO_MEM_STATE_MIXED,
				 "STATE of the usable region, blocks 0-1 plugged");
out:
	mem_close(t, &m);
}

/* 5.15.6.5.2: ACK, plugged_size 0, every block unplugged. */
void check_MEM_UNPLUG_ALL(struct pf_test *t)
{
	struct mem_dev m;
	uint64_t last;

	if (!mem_open(t, &m, 2))
		return;
	last = mem_usable_blocks(&m) - 1;
	if (!mem_change(t, &m, VIRTIO_MEM_REQ_PLUG, 0, "plug-ack", NULL, 0, "PLUG of block 0") ||
	    !mem_change(t, &m, VIRTIO_MEM_REQ_PLUG, last, "plug-ack", NULL, 0,
			"PLUG of the last usable block"))
		goto out;
	if (mem_expect(t, &m, "ack", VIRTIO_MEM_REQ_UNPLUG_ALL, 0, 0, MEM_CLEAN,
		       VIRTIO_MEM_RESP_ACK, "UNPLUG ALL, two blocks plugged") != 1 ||
	    !mem_expect_plugged(t, &m, "plugged-size", 0, "UNPLUG ALL, two blocks plugged"))
		goto out;
	/* plugged_size 0 means no block is plugged: STATE says the same */
	if (mem_expect_state(t, &m, "still-plugged", B(0), 1, MEM_CLEAN, VIRTIO_MEM_STATE_UNPLUGGED,
			     "STATE of block 0 after UNPLUG ALL") != 1 ||
	    mem_expect_state(t, &m, "still-plugged", B(last), 1, MEM_CLEAN,
			     VIRTIO_MEM_STATE_UNPLUGGED,
			     "STATE of the last usable block after UNPLUG ALL") != 1)
		goto out;
	if (mem_expect(t, &m, "ack", VIRTIO_MEM_REQ_UNPLUG_ALL, 0, 0, MEM_CLEAN,
		       VIRTIO_MEM_RESP_ACK, "UNPLUG ALL, nothing plugged") == 1)
		mem_expect_plugged(t, &m, "plugged-size", 0, "UNPLUG ALL, nothing plugged");
out:
	mem_close(t, &m);
}

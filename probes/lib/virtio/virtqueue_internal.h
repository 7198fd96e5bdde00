/* SPDX-License-Identifier: MIT */
/*
 * The driver code the split and packed formats share (virtqueue.c), like the
 * common half of Linux's virtio_ring.c, and what the files of one format
 * share among themselves; not for checks.
 */
#ifndef PF_VIRTQUEUE_INTERNAL_H
#define PF_VIRTQUEUE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtqueue_split.h"

/* How an add places a chain of buffers in the ring. */
struct virtq_chain {
	unsigned ndirect;  /* buffers in ring descriptors */
	unsigned nind;	   /* buffers in the indirect table, 0 = none */
	unsigned nring;	   /* ring descriptors: ndirect, plus one for the table */
	uint32_t writable; /* device-writable bytes of the chain */
};

/*
 * Validates the n buffers of an add against a queue of size num with
 * options opts and num_free free ring descriptors, and plans where they go
 * (`indirect` as for virtq_split_add()). 0, PF_EINVAL or PF_ENOSPC.
 */
int virtq_chain_plan(struct virtq_chain *c, const struct virtq_sg *sg, unsigned n, int indirect,
		     uint16_t num, uint32_t opts, uint16_t num_free);

/*
 * The indirect table of an add (2.7.5.3, 2.8.9) for the n buffers sg, in the
 * split (struct virtq_desc) or packed (struct pvirtq_desc) layout: itab with
 * *cap entries when that holds n, else a new one (and *cap updated); tables
 * are kept per head or buffer id for reuse, as the arena is rolled back per
 * check, not per buffer. Entries [*cap, 2 * *cap) receive the driver's
 * private copy. Returns the table, NULL when the arena is exhausted.
 */
void *virtq_itab_fill(void *itab, uint16_t *cap, const struct virtq_sg *sg, unsigned n,
		      bool packed);

/* Free FIFO through next[] (head, tail, count *n): all n entries free, in
 * index order; then entry i back at the tail. */
void virtq_free_init(uint16_t *next, uint16_t n, uint16_t *head, uint16_t *tail);
void virtq_free_put(uint16_t *next, uint16_t *head, uint16_t *tail, uint16_t *n, uint16_t i);

/* IN_ORDER: submission order in the ring order[] of size num (*n entries
 * from *head): id appended, or the oldest dropped. */
void virtq_order_push(uint16_t *order, uint16_t head, uint16_t *n, uint16_t num, uint16_t id);
void virtq_order_pop(uint16_t *head, uint16_t *n, uint16_t num);

/*
 * The start of a get_used: clears *out and, while an IN_ORDER batch is being
 * unrolled (2.7.9, 2.8.18; *active), returns true with the buffer to
 * complete next in *head: the oldest in flight, order[order_head]. The batch
 * ends with the one the device's used entry named (last), which alone
 * carries a len (last_len, else *len is 0); *active stays true while the
 * buffer's len is implied.
 */
bool virtq_used_begin(struct virtq_used_info *out, bool *active, const uint16_t *order,
		      uint16_t order_head, uint16_t last, uint32_t last_len, uint16_t *head,
		      uint32_t *len);

/*
 * Records a notification decision (needs: the device asked for one) and
 * returns whether to notify, which VQ_OPT_ALWAYS_NOTIFY forces.
 */
bool virtq_kick_decide(bool needs, uint32_t opts, bool *suppressed, uint32_t *stats_suppressed);

/* Rings the doorbell of queue index with data (2.9), counting it. */
void virtq_doorbell(struct virtio_dev *d, uint16_t index, uint32_t data, uint32_t *stats_kicks);

/* FNV-1a over the device-readable buffers of the chain at head, from the
 * driver's own copies of its descriptors (VQ_OPT_VERIFY_RO). */
uint64_t virtq_split_chain_hash(struct virtq_split *vq, uint16_t head);

#endif

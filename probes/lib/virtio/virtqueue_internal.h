/* SPDX-License-Identifier: MIT */
/* Shared between the files of one ring format; not for checks. */
#ifndef PF_VIRTQUEUE_INTERNAL_H
#define PF_VIRTQUEUE_INTERNAL_H

#include <stdint.h>

#include "virtqueue_split.h"

/* FNV-1a over the device-readable buffers of the chain at head, from the
 * driver's own copies of its descriptors (VQ_OPT_VERIFY_RO). */
uint64_t virtq_split_chain_hash(struct virtq_split *vq, uint16_t head);

#endif

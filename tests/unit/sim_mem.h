/* SPDX-License-Identifier: MIT */
/* A simulated memory device (5.15) for the mem suite's unit table. */
#ifndef PF_SIM_MEM_H
#define PF_SIM_MEM_H

#include <stdint.h>

#include "sim_device.h"

#define SIM_MEM_BS 0x1000ull	    /* block_size */
#define SIM_MEM_ADDR 0x100000000ull /* addr */
#define SIM_MEM_BLOCKS 64u	    /* region_size / block_size */
#define SIM_MEM_USABLE 32u	    /* usable_region_size / block_size */
#define SIM_MEM_REQUESTED 8u	    /* requested_size / block_size */

/* Faults of the model, each breaking one rule of 5.15 */
#define SIM_MEM_PLUG_NACK (1u << 0)	    /* a valid PLUG within requested_size: NACK */
#define SIM_MEM_PLUG_NO_SIZE (1u << 1)	    /* PLUG leaves plugged_size */
#define SIM_MEM_REPLUG_OK (1u << 2)	    /* PLUG of plugged blocks: ACK */
#define SIM_MEM_UNPLUG_NACK (1u << 3)	    /* a valid UNPLUG: NACK */
#define SIM_MEM_UNPLUG_NO_SIZE (1u << 4)    /* UNPLUG leaves plugged_size */
#define SIM_MEM_REUNPLUG_OK (1u << 5)	    /* UNPLUG of unplugged blocks: ACK */
#define SIM_MEM_PLUG_GROWS_REGION (1u << 6) /* PLUG changes region_size */
#define SIM_MEM_UNPLUG_SHRINKS (1u << 7)    /* UNPLUG shrinks usable_region_size */
#define SIM_MEM_NO_NACK (1u << 8)	    /* plugs beyond requested_size */
#define SIM_MEM_RESP_SHORT (1u << 9)	    /* used len 2 (the type only) */
#define SIM_MEM_BUSY_ONCE (1u << 10)	    /* the first request of each kind: BUSY */
#define SIM_MEM_BUSY_ALWAYS (1u << 11)	    /* every PLUG: BUSY */
#define SIM_MEM_STATE_FIRST_ONLY (1u << 12) /* STATE looks at the first block only */
#define SIM_MEM_STATE_NACK (1u << 13)	    /* STATE: NACK */
#define SIM_MEM_STATE_NO_PLUGGED (1u << 14) /* STATE never says PLUGGED (MIXED) */
#define SIM_MEM_UNPLUG_ALL_KEEPS (1u << 15) /* UNPLUG ALL: ACK, nothing unplugged */
#define SIM_MEM_UNPLUG_ALL_STALE (1u << 16) /* UNPLUG ALL: plugged_size 0, blocks kept */
#define SIM_MEM_UNPLUG_ALL_NACK (1u << 17)  /* UNPLUG ALL with blocks plugged: NACK */
#define SIM_MEM_NO_ALIGN (1u << 18)	    /* addr rounded down to a block */
#define SIM_MEM_ZERO_OK (1u << 19)	    /* nb_blocks 0: ACK (nothing to do) */
#define SIM_MEM_NO_END_CHECK (1u << 20)	    /* a range past the usable end is clipped */
#define SIM_MEM_LAX_UNPLUG (1u << 21)	    /* UNPLUG alone accepts nb_blocks 0 */
#define SIM_MEM_LAX_STATE (1u << 22)	    /* STATE alone clips a range past the end */
#define SIM_MEM_HDR_PAD_STRICT (1u << 23)   /* header padding set: ERROR */
#define SIM_MEM_TRAILING_STRICT (1u << 24)  /* a request longer than 24 bytes: ERROR */
#define SIM_MEM_NB_32 (1u << 25)	    /* reads nb_blocks as le32 (with the padding) */
#define SIM_MEM_UNPLUG_ALL_DATA (1u << 26)  /* UNPLUG ALL with addr set: an UNPLUG */
#define SIM_MEM_RESET_UNPLUGS (1u << 27)    /* a device reset unplugs everything */
#define SIM_MEM_RESET_FORGETS (1u << 28)    /* a device reset unplugs, plugged_size kept */
#define SIM_MEM_RESET_MOVES (1u << 29)	    /* a device reset moves addr */
#define SIM_MEM_SCRIBBLE (1u << 30)	    /* an UNPLUG changes a word of plugged block 0 */
#define SIM_MEM_RESET_ZEROES (1u << 31)	    /* a device reset zeroes plugged memory */

struct sim_mem {
	struct sim_dev *dev;
	uint8_t plugged[SIM_MEM_BLOCKS];
	uint32_t faults;
	uint32_t busy_seen; /* SIM_MEM_BUSY_ONCE: request types answered BUSY */
	unsigned features_ok_seen;
};

/* Makes s (opened as device type 24) a memory device whose region lies
 * in the DMA arena (arch_dma_alloc()), so the probe can reach its memory. */
void sim_mem_attach_reachable(struct sim_dev *s, struct sim_mem *m, uint32_t faults);

/* Makes s (opened as device type 24 with its features) a memory device:
 * a clean configuration, s->serve, s->features_ok and s->model set. */
void sim_mem_attach(struct sim_dev *s, struct sim_mem *m, uint32_t faults);

/* Writes a configuration field of `w` bytes at `off` (no notification). */
void sim_mem_cfg_put(struct sim_dev *s, uint32_t off, uint64_t v, unsigned w);

#endif

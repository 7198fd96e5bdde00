/* SPDX-License-Identifier: MIT */
/* A simulated IOMMU device (5.13) for the iommu suite's unit table. */
#ifndef PF_SIM_IOMMU_H
#define PF_SIM_IOMMU_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_device.h"

/* Faults of the model, each breaking one rule of 5.13 */
#define SIM_IOMMU_PAGE_MASK_ZERO (1u << 0)   /* page_size_mask 0 */
#define SIM_IOMMU_BYPASS_2 (1u << 1)	     /* bypass reads 2 */
#define SIM_IOMMU_HEAD_RESERVED (1u << 2)    /* non-zero head reserved: INVAL */
#define SIM_IOMMU_TAIL_RESERVED (1u << 3)    /* tail reserved bytes left 0xff */
#define SIM_IOMMU_UNKNOWN_UNSUPP (1u << 4)   /* unknown type: UNSUPP written, used len 4 */
#define SIM_IOMMU_ATTACH_ANY_EP (1u << 5)    /* ATTACH of an unknown endpoint: OK */
#define SIM_IOMMU_ATTACH_FLAGS (1u << 6)     /* ATTACH: unknown flags ignored */
#define SIM_IOMMU_ATTACH_RESERVED (1u << 7)  /* ATTACH: reserved ignored */
#define SIM_IOMMU_NO_SHARE_INVAL (1u << 8)   /* second endpoint in a domain: INVAL */
#define SIM_IOMMU_NO_SHARE_UNSUPP (1u << 9)  /* ... UNSUPP, as allowed */
#define SIM_IOMMU_NO_MOVE_INVAL (1u << 10)   /* attached endpoint to another domain: INVAL */
#define SIM_IOMMU_NO_MOVE_UNSUPP (1u << 11)  /* ... UNSUPP, as allowed */
#define SIM_IOMMU_DETACH_INVAL (1u << 12)    /* DETACH of an unknown endpoint: INVAL */
#define SIM_IOMMU_DETACH_RESERVED (1u << 13) /* DETACH with reserved set: INVAL */
#define SIM_IOMMU_MAP_FLAGS (1u << 14)	     /* MAP: unknown flags ignored */
#define SIM_IOMMU_MAP_SPLIT (1u << 15)	     /* UNMAP of part of a mapping removes it */
#define SIM_IOMMU_PROBE_RESERVED (1u << 16)  /* PROBE with reserved set: INVAL */
#define SIM_IOMMU_PROBE_LEN_HDR (1u << 17)   /* RESV_MEM length counts the header */
#define SIM_IOMMU_PROBE_PAD (1u << 18)	     /* 4 bytes between properties */
#define SIM_IOMMU_PROBE_STALE (1u << 19)     /* bytes after the terminator not zeroed */
#define SIM_IOMMU_PROBE_NONE (1u << 20)	     /* no property at all */
#define SIM_IOMMU_BYPASS_MAP (1u << 21)	     /* MAP and UNMAP on a bypass domain: OK */
#define SIM_IOMMU_BYPASS_MIX (1u << 22)	     /* bypass and translated endpoints share a domain */

#define SIM_IOMMU_EPS 2
#define SIM_IOMMU_MAPS 16

struct sim_iommu_map {
	uint32_t dom;
	uint64_t lo, hi;
	bool used;
};

struct sim_iommu {
	uint32_t faults;
	uint32_t ep[SIM_IOMMU_EPS]; /* endpoint ids that exist */
	uint32_t ep_dom[SIM_IOMMU_EPS];
	bool ep_attached[SIM_IOMMU_EPS];
	bool ep_bypass[SIM_IOMMU_EPS]; /* attached with ATTACH_F_BYPASS */
	struct sim_iommu_map map[SIM_IOMMU_MAPS];
};

/* Features a clean IOMMU offers (VERSION_1 included). */
uint64_t sim_iommu_features(void);

/* Makes s an IOMMU whose endpoints are ep0 and ep1: a clean configuration,
 * s->serve and s->model set. */
void sim_iommu_attach(struct sim_dev *s, struct sim_iommu *m, uint32_t faults, uint32_t ep0,
		      uint32_t ep1);

#endif

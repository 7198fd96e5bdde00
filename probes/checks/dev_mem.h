/* SPDX-License-Identifier: MIT */
/*
 * The memory device suite (5.15): the guest-request queue driven as a
 * driver does (one 24-byte request, one 10-byte response), the device
 * configuration read and held to its invariants after every request.
 */
#ifndef PF_CHECKS_DEV_MEM_H
#define PF_CHECKS_DEV_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "dev_queue.h"

#define MEM_GUESTQ 0
#define VIRTIO_MEM_F_ACPI_PXM 0
#define VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE 1

enum mem_req_type {
	VIRTIO_MEM_REQ_PLUG = 0,
	VIRTIO_MEM_REQ_UNPLUG = 1,
	VIRTIO_MEM_REQ_UNPLUG_ALL = 2,
	VIRTIO_MEM_REQ_STATE = 3,
};

enum mem_resp_type {
	VIRTIO_MEM_RESP_ACK = 0,
	VIRTIO_MEM_RESP_NACK = 1,
	VIRTIO_MEM_RESP_BUSY = 2,
	VIRTIO_MEM_RESP_ERROR = 3,
};

enum mem_state_type {
	VIRTIO_MEM_STATE_PLUGGED = 0,
	VIRTIO_MEM_STATE_UNPLUGGED = 1,
	VIRTIO_MEM_STATE_MIXED = 2,
};

/* struct virtio_mem_config offsets */
#define MEM_CFG_BLOCK_SIZE 0
#define MEM_CFG_NODE_ID 8
#define MEM_CFG_ADDR 16
#define MEM_CFG_REGION_SIZE 24
#define MEM_CFG_USABLE 32
#define MEM_CFG_PLUGGED 40
#define MEM_CFG_REQUESTED 48

#define MEM_REQ_LEN 24	/* struct virtio_mem_req */
#define MEM_RESP_LEN 10 /* struct virtio_mem_resp */

struct mem_cfg {
	uint64_t block_size, addr, region_size, usable, plugged, requested;
	uint16_t node_id;
};

struct mem_dev {
	struct chk_dev c;
	struct mem_cfg first; /* at the first open: the fixed fields */
	struct mem_cfg cur;   /* at the last read */
	bool up;	      /* brought up: requests can be sent */
	bool unplugged_all;   /* an UNPLUG ALL was acknowledged since that read */
};

/* What a request carries besides its type and request-specific data. */
enum mem_dirt {
	MEM_CLEAN = 0,
	MEM_DIRTY_HEADER = 1 << 0,  /* header padding set, 8 bytes after the request */
	MEM_DIRTY_PADDING = 1 << 1, /* the request-specific padding set */
	MEM_DIRTY_DATA = 1 << 2,    /* UNPLUG ALL: addr and nb_blocks set */
};

/*
 * Brings the device up (the default features, so UNPLUGGED_INACCESSIBLE
 * when offered) and reads its configuration. With `blocks` > 0, the check
 * needs that many blocks in the usable region and room for `blocks` plugged
 * ones under requested_size, else it is not applicable. Returns false when
 * the check cannot go on (reported).
 */
bool mem_open(struct pf_test *t, struct mem_dev *m, unsigned blocks);

/* Leaves every block unplugged (UNPLUG ALL) and resets the device. */
void mem_close(struct pf_test *t, struct mem_dev *m);

/* Resets and brings the device up again, keeping what was read first. */
bool mem_reopen(struct pf_test *t, struct mem_dev *m);

/* The address of block i of the device-managed region. */
uint64_t mem_block(const struct mem_dev *m, uint64_t i);

/* Blocks of the usable region (at most what nb_blocks can name). */
uint64_t mem_usable_blocks(const struct mem_dev *m);

/*
 * Sends one request and waits for its response; a BUSY answer (5.15.6.3.2
 * MAY) is retried a bounded number of times. Returns the response type
 * (*state: the STATE response's state), or a negative code when the check
 * cannot go on (reported: no response, device BUSY throughout).
 */
int mem_request(struct pf_test *t, struct mem_dev *m, enum mem_req_type type, uint64_t addr,
		uint16_t nb_blocks, unsigned dirt, uint16_t *state, const char *what);

/*
 * mem_request() expecting response `want`: a different one fails with sub
 * case `sub`. Returns 1 when it matched, 0 when it did not, negative when
 * the check cannot go on.
 */
int mem_expect(struct pf_test *t, struct mem_dev *m, const char *sub, enum mem_req_type type,
	       uint64_t addr, uint16_t nb_blocks, unsigned dirt, enum mem_resp_type want,
	       const char *what);

/* A STATE request expected to be acknowledged with state `want`. */
int mem_expect_state(struct pf_test *t, struct mem_dev *m, const char *sub, uint64_t addr,
		     uint16_t nb_blocks, unsigned dirt, enum mem_state_type want, const char *what);

/*
 * Re-reads the configuration and holds it to 5.15.4.2: the fixed fields as
 * first read (sub `changed`), usable_region_size not shrunk unless an
 * UNPLUG ALL was acknowledged since the last read (sub `usable-shrank`),
 * every size a multiple of block_size, usable_region_size >=
 * requested_size. False if it failed.
 */
bool mem_cfg_update(struct pf_test *t, struct mem_dev *m, const char *after);

/* Re-reads the configuration; plugged_size must be `want` (sub `sub`). */
bool mem_expect_plugged(struct pf_test *t, struct mem_dev *m, const char *sub, uint64_t want,
			const char *after);

/*
 * PLUG or UNPLUG of the one block `block` expected to be acknowledged (sub
 * `sub`), then, with `size_sub`, plugged_size expected to be `plugged`.
 * True when both held.
 */
bool mem_change(struct pf_test *t, struct mem_dev *m, enum mem_req_type type, uint64_t block,
		const char *sub, const char *size_sub, uint64_t plugged, const char *what);

const char *mem_resp_name(int type);

#endif

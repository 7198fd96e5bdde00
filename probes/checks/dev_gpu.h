/* SPDX-License-Identifier: MIT */
/* The GPU device suite (5.7): layouts and the controlq helpers it shares. */
#ifndef PF_CHECKS_DEV_GPU_H
#define PF_CHECKS_DEV_GPU_H

#include <stdbool.h>
#include <stdint.h>

#include "dev_queue.h"
#include "report.h"

#define GPU_CONTROLQ 0
#define GPU_CURSORQ 1

/* 5.7.3 feature bits */
#define VIRTIO_GPU_F_EDID 1
#define VIRTIO_GPU_F_RESOURCE_BLOB 3

/* 5.7.4 struct virtio_gpu_config */
#define GPU_CFG_NUM_SCANOUTS 8
#define GPU_CFG_NUM_CAPSETS 12
#define GPU_MAX_SCANOUTS 16

/* 5.7.6.7 command and response types */
#define GPU_CMD_GET_DISPLAY_INFO 0x0100
#define GPU_CMD_RESOURCE_CREATE_2D 0x0101
#define GPU_CMD_RESOURCE_UNREF 0x0102
#define GPU_CMD_SET_SCANOUT 0x0103
#define GPU_CMD_RESOURCE_FLUSH 0x0104
#define GPU_CMD_TRANSFER_TO_HOST_2D 0x0105
#define GPU_CMD_RESOURCE_ATTACH_BACKING 0x0106
#define GPU_CMD_RESOURCE_DETACH_BACKING 0x0107
#define GPU_CMD_GET_CAPSET_INFO 0x0108
#define GPU_CMD_GET_EDID 0x010a
#define GPU_CMD_UNDEFINED 0x01ff /* in the 2D range, defined by no version */
#define GPU_CMD_RESOURCE_MAP_BLOB 0x0208
#define GPU_CMD_RESOURCE_UNMAP_BLOB 0x0209
#define GPU_CMD_UPDATE_CURSOR 0x0300
#define GPU_CMD_MOVE_CURSOR 0x0301

#define GPU_RESP_OK_NODATA 0x1100
#define GPU_RESP_OK_DISPLAY_INFO 0x1101
#define GPU_RESP_OK_CAPSET_INFO 0x1102
#define GPU_RESP_OK_EDID 0x1104
#define GPU_RESP_OK_MAP_INFO 0x1106
#define GPU_RESP_ERR_UNSPEC 0x1200
#define GPU_RESP_ERR_INVALID_RESOURCE_ID 0x1203
#define GPU_RESP_ERR_INVALID_PARAMETER 0x1205

#define GPU_FLAG_FENCE 1u

#define GPU_FORMAT_B8G8R8X8_UNORM 2

/* 5.7.5 shared memory region ids */
#define GPU_SHM_ID_HOST_VISIBLE 1

/* struct sizes: ctrl_hdr, resp_display_info, resp_edid, update_cursor */
#define GPU_HDR_LEN 24
#define GPU_DISPLAY_INFO_LEN (GPU_HDR_LEN + GPU_MAX_SCANOUTS * 24)
#define GPU_EDID_RESP_LEN (GPU_HDR_LEN + 8 + 1024)
#define GPU_CURSOR_LEN (GPU_HDR_LEN + 16 + 16)

/* The suite's resource: 16x16 pixels; an id it never creates. */
#define GPU_RES_ID 0x51
#define GPU_RES_UNKNOWN 0x7e57a11u
#define GPU_RES_W 16
#define GPU_RES_H 16

void gpu_put32(uint8_t *p, uint32_t v);
uint32_t gpu_get32(const uint8_t *p);
void gpu_put64(uint8_t *p, uint64_t v);
uint64_t gpu_get64(const uint8_t *p);
/* A ctrl_hdr of `type` (flags, fence, ctx 0) at req. */
void gpu_hdr(uint8_t *req, uint32_t type);
const char *gpu_resp_name(uint32_t type);

/* Brings the device up (controlq and cursorq); false if the check ends. */
bool gpu_open(struct pf_test *t, struct chk_dev *c, uint64_t want);

/*
 * One controlq command; the response (resp_len bytes, at least the
 * header) in resp. Returns the response type, or -1 (reported).
 */
int gpu_command(struct pf_test *t, struct chk_dev *c, const uint8_t *req, uint32_t req_len,
		uint8_t *resp, uint32_t resp_len, const char *what);

/* One command whose response is a bare header of type `want` (else `sub`). */
bool gpu_expect(struct pf_test *t, struct chk_dev *c, const uint8_t *req, uint32_t req_len,
		uint32_t want, const char *sub, const char *what);

/* RESOURCE_CREATE_2D of the suite's resource size; returns as gpu_command. */
int gpu_create_2d(struct pf_test *t, struct chk_dev *c, uint32_t id, uint32_t flags, uint64_t fence,
		  uint8_t *resp);

/* A command of a header and a resource id (UNREF, DETACH_BACKING, UNMAP_BLOB). */
bool gpu_resource_cmd(struct pf_test *t, struct chk_dev *c, uint32_t type, uint32_t id,
		      uint32_t want, const char *sub, const char *what);

/* The fence fields of a response to a request fenced with `fence`
 * (5.7.6.7: FLAG_FENCE set, fence_id copied; sub-cases flag, fence-id). */
void gpu_fence_fields(struct pf_test *t, const uint8_t *resp, uint64_t fence, const char *what);

/* RESOURCE_FLUSH of the whole resource `id`, answered `want`. */
bool gpu_flush(struct pf_test *t, struct chk_dev *c, uint32_t id, uint32_t want, const char *sub);

#endif

/* SPDX-License-Identifier: MIT */
/* The GPU device suite (5.7): controlq commands, fences, the cursorq. */
#include <string.h>

#include "dev_gpu.h"
#include "platform.h"

void gpu_put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint32_t gpu_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void gpu_put64(uint8_t *p, uint64_t v)
{
	gpu_put32(p, (uint32_t)v);
	gpu_put32(p + 4, (uint32_t)(v >> 32));
}

uint64_t gpu_get64(const uint8_t *p)
{
	return gpu_get32(p) | (uint64_t)gpu_get32(p + 4) << 32;
}

void gpu_hdr(uint8_t *req, uint32_t type)
{
	memset(req, 0, GPU_HDR_LEN);
	gpu_put32(req, type);
}

const char *gpu_resp_name(uint32_t type)
{
	switch (type) {
	case GPU_RESP_OK_NODATA:
		return "OK_NODATA";
	case GPU_RESP_OK_DISPLAY_INFO:
		return "OK_DISPLAY_INFO";
	case GPU_RESP_OK_CAPSET_INFO:
		return "OK_CAPSET_INFO";
	case GPU_RESP_OK_EDID:
		return "OK_EDID";
	case GPU_RESP_OK_MAP_INFO:
		return "OK_MAP_INFO";
	case GPU_RESP_ERR_UNSPEC:
		return "ERR_UNSPEC";
	case GPU_RESP_ERR_INVALID_RESOURCE_ID:
		return "ERR_INVALID_RESOURCE_ID";
	case GPU_RESP_ERR_INVALID_PARAMETER:
		return "ERR_INVALID_PARAMETER";
	}
	return "an unexpected type";
}

int gpu_command(struct pf_test *t, struct chk_dev *c, const uint8_t *req, uint32_t req_len,
		uint8_t *resp, uint32_t resp_len, const char *what)
{
	uint32_t len;
	int rc;

	rc = chk_dev_request(t, c, GPU_CONTROLQ, req, req_len, resp, resp_len, &len, what);
	if (rc != 1)
		return -1;
	if (!report(t, len >= GPU_HDR_LEN, "short-response",
		    "%s: used len %u does not cover struct virtio_gpu_ctrl_hdr", what, len))
		return -1;
	return (int)gpu_get32(resp);
}

bool gpu_expect(struct pf_test *t, struct chk_dev *c, const uint8_t *req, uint32_t req_len,
		uint32_t want, const char *sub, const char *what)
{
	uint8_t resp[GPU_HDR_LEN];
	int r = gpu_command(t, c, req, req_len, resp, sizeof(resp), what);

	if (r < 0)
		return false;
	return report(t, (uint32_t)r == want, sub, "%s answered 0x%04x (%s), not %s", what,
		      (uint32_t)r, gpu_resp_name((uint32_t)r), gpu_resp_name(want));
}

bool gpu_open(struct pf_test *t, struct chk_dev *c, uint64_t want)
{
	if (!chk_dev_open(t, c, want, 0, true))
		return false;
	if (c->nqueues <= GPU_CURSORQ || !c->vq[GPU_CURSORQ].num) {
		report(t, false, "queues", "%u queues, not controlq and cursorq", c->nqueues);
		chk_dev_close(c);
		return false;
	}
	return true;
}

void check_GPU_DISPLAY_INFO(struct pf_test *t)
{
	uint8_t req[GPU_HDR_LEN], resp[GPU_DISPLAY_INFO_LEN];
	struct chk_dev c;
	uint32_t scanouts, enabled = 0;
	int r;

	if (!gpu_open(t, &c, 0))
		return;
	/* 5.7.4: num_scanouts is 1 to 16 */
	scanouts = (uint32_t)chk_dev_cfg(&c, GPU_CFG_NUM_SCANOUTS, 4);
	report(t, scanouts >= 1 && scanouts <= GPU_MAX_SCANOUTS, "num-scanouts",
	       "num_scanouts is %u, outside 1-16", scanouts);
	gpu_hdr(req, GPU_CMD_GET_DISPLAY_INFO);
	r = gpu_command(t, &c, req, sizeof(req), resp, sizeof(resp), "GET_DISPLAY_INFO");
	if (r < 0)
		goto out;
	if (!report(t, r == GPU_RESP_OK_DISPLAY_INFO, "response",
		    "GET_DISPLAY_INFO answered 0x%04x (%s), not OK_DISPLAY_INFO", (uint32_t)r,
		    gpu_resp_name((uint32_t)r)))
		goto out;
	for (uint32_t i = 0; i < GPU_MAX_SCANOUTS; i++) {
		const uint8_t *m = resp + GPU_HDR_LEN + i * 24;
		uint32_t w = gpu_get32(m + 8), h = gpu_get32(m + 12);

		if (!gpu_get32(m + 16))
			continue;
		enabled++;
		report(t, i < scanouts, "enabled-beyond",
		       "pmodes[%u] enabled, but num_scanouts is %u", i, scanouts);
		report(t, w && h, "enabled-empty", "pmodes[%u] enabled with a %ux%u rectangle", i,
		       w, h);
	}
	report_log(t, 1, "%u of %u scanouts enabled", enabled, scanouts);
out:
	chk_dev_close(&c);
}

void check_GPU_EDID(struct pf_test *t)
{
	static const uint8_t header[8] = { 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 };
	uint8_t req[GPU_HDR_LEN + 8], resp[GPU_EDID_RESP_LEN], sum = 0;
	struct chk_dev c;
	uint32_t size;
	int r;

	if (!gpu_open(t, &c, VIRTIO_BIT(VIRTIO_GPU_F_EDID)))
		return;
	if (!chk_dev_has(&c, VIRTIO_GPU_F_EDID)) {
		report_na(t, "VIRTIO_GPU_F_EDID not offered");
		goto out;
	}
	gpu_hdr(req, GPU_CMD_GET_EDID);
	gpu_put32(req + GPU_HDR_LEN, 0); /* scanout 0 */
	gpu_put32(req + GPU_HDR_LEN + 4, 0);
	r = gpu_command(t, &c, req, sizeof(req), resp, sizeof(resp), "GET_EDID");
	if (r < 0)
		goto out;
	if (!report(t, r == GPU_RESP_OK_EDID, "response",
		    "GET_EDID of scanout 0 answered 0x%04x (%s), not OK_EDID", (uint32_t)r,
		    gpu_resp_name((uint32_t)r)))
		goto out;
	size = gpu_get32(resp + GPU_HDR_LEN);
	if (!report(t, size >= 128 && size <= 1024, "size",
		    "EDID size %u, not a base block of 128 bytes within the 1024 of the response",
		    size))
		goto out;
	/* the EDID's own rules: fixed header, base block bytes summing to 0 */
	report(t, !memcmp(resp + GPU_HDR_LEN + 8, header, sizeof(header)), "header",
	       "EDID does not start with the 00 ff ff ff ff ff ff 00 header");
	for (unsigned i = 0; i < 128; i++)
		sum = (uint8_t)(sum + resp[GPU_HDR_LEN + 8 + i]);
	report(t, sum == 0, "checksum", "EDID base block sums to 0x%02x, not 0", sum);
out:
	chk_dev_close(&c);
}

/* Builds a rectangle x, y, w, h at p. */
static void put_rect(uint8_t *p, uint32_t w, uint32_t h)
{
	gpu_put32(p, 0);
	gpu_put32(p + 4, 0);
	gpu_put32(p + 8, w);
	gpu_put32(p + 12, h);
}

int gpu_create_2d(struct pf_test *t, struct chk_dev *c, uint32_t id, uint32_t flags, uint64_t fence,
		  uint8_t *resp)
{
	uint8_t req[GPU_HDR_LEN + 16];

	gpu_hdr(req, GPU_CMD_RESOURCE_CREATE_2D);
	gpu_put32(req + 4, flags);
	gpu_put64(req + 8, fence);
	gpu_put32(req + GPU_HDR_LEN, id);
	gpu_put32(req + GPU_HDR_LEN + 4, GPU_FORMAT_B8G8R8X8_UNORM);
	gpu_put32(req + GPU_HDR_LEN + 8, GPU_RES_W);
	gpu_put32(req + GPU_HDR_LEN + 12, GPU_RES_H);
	return gpu_command(t, c, req, sizeof(req), resp, GPU_HDR_LEN, "RESOURCE_CREATE_2D");
}

/* A command of a header and one resource id (RESOURCE_UNREF, DETACH_BACKING). */
bool gpu_resource_cmd(struct pf_test *t, struct chk_dev *c, uint32_t type, uint32_t id,
		      uint32_t want, const char *sub, const char *what)
{
	uint8_t req[GPU_HDR_LEN + 8];

	gpu_hdr(req, type);
	gpu_put32(req + GPU_HDR_LEN, id);
	gpu_put32(req + GPU_HDR_LEN + 4, 0);
	return gpu_expect(t, c, req, sizeof(req), want, sub, what);
}

bool gpu_flush(struct pf_test *t, struct chk_dev *c, uint32_t id, uint32_t want, const char *sub)
{
	uint8_t req[GPU_HDR_LEN + 24];

	gpu_hdr(req, GPU_CMD_RESOURCE_FLUSH);
	put_rect(req + GPU_HDR_LEN, GPU_RES_W, GPU_RES_H);
	gpu_put32(req + GPU_HDR_LEN + 16, id);
	gpu_put32(req + GPU_HDR_LEN + 20, 0);
	return gpu_expect(t, c, req, sizeof(req), want, sub, "RESOURCE_FLUSH");
}

static bool set_scanout(struct pf_test *t, struct chk_dev *c, uint32_t id, const char *what)
{
	uint8_t req[GPU_HDR_LEN + 24];

	gpu_hdr(req, GPU_CMD_SET_SCANOUT);
	put_rect(req + GPU_HDR_LEN, id ? GPU_RES_W : 0, id ? GPU_RES_H : 0);
	gpu_put32(req + GPU_HDR_LEN + 16, 0); /* scanout 0 */
	gpu_put32(req + GPU_HDR_LEN + 20, id);
	return gpu_expect(t, c, req, sizeof(req), GPU_RESP_OK_NODATA, "set-scanout", what);
}

void check_GPU_2D(struct pf_test *t)
{
	uint8_t req[GPU_HDR_LEN + 32], resp[GPU_HDR_LEN];
	const uint32_t id = GPU_RES_ID, bytes = GPU_RES_W * GPU_RES_H * 4;
	struct chk_dev c;
	uint8_t *backing;
	int r;

	if (!gpu_open(t, &c, 0))
		return;
	backing = arch_dma_alloc(bytes, 4096);
	if (!backing) {
		report_error(t, "out of DMA memory for the resource backing");
		goto out;
	}
	for (uint32_t i = 0; i < bytes; i++)
		backing[i] = (uint8_t)(i * 7);
	r = gpu_create_2d(t, &c, id, 0, 0, resp);
	if (r < 0)
		goto out;
	if (!report(t, r == GPU_RESP_OK_NODATA, "create-2d",
		    "RESOURCE_CREATE_2D answered 0x%04x (%s), not OK_NODATA", (uint32_t)r,
		    gpu_resp_name((uint32_t)r)))
		goto out;
	/* one backing entry: addr, length, padding */
	gpu_hdr(req, GPU_CMD_RESOURCE_ATTACH_BACKING);
	gpu_put32(req + GPU_HDR_LEN, id);
	gpu_put32(req + GPU_HDR_LEN + 4, 1);
	gpu_put64(req + GPU_HDR_LEN + 8, arch_dma_addr(backing));
	gpu_put32(req + GPU_HDR_LEN + 16, bytes);
	gpu_put32(req + GPU_HDR_LEN + 20, 0);
	if (!gpu_expect(t, &c, req, GPU_HDR_LEN + 24, GPU_RESP_OK_NODATA, "attach-backing",
			"RESOURCE_ATTACH_BACKING"))
		goto unref;
	gpu_hdr(req, GPU_CMD_TRANSFER_TO_HOST_2D);
	put_rect(req + GPU_HDR_LEN, GPU_RES_W, GPU_RES_H);
	gpu_put64(req + GPU_HDR_LEN + 16, 0);
	gpu_put32(req + GPU_HDR_LEN + 24, id);
	gpu_put32(req + GPU_HDR_LEN + 28, 0);
	if (!gpu_expect(t, &c, req, GPU_HDR_LEN + 32, GPU_RESP_OK_NODATA, "transfer",
			"TRANSFER_TO_HOST_2D"))
		goto unref;
	if (set_scanout(t, &c, id, "SET_SCANOUT of the resource")) {
		gpu_flush(t, &c, id, GPU_RESP_OK_NODATA, "flush");
		/* scanout 0 off again before the resource goes */
		set_scanout(t, &c, 0, "SET_SCANOUT of resource 0 (disable)");
	}
	gpu_resource_cmd(t, &c, GPU_CMD_RESOURCE_DETACH_BACKING, id, GPU_RESP_OK_NODATA,
			 "detach-backing", "RESOURCE_DETACH_BACKING");
unref:
	gpu_resource_cmd(t, &c, GPU_CMD_RESOURCE_UNREF, id, GPU_RESP_OK_NODATA, "unref",
			 "RESOURCE_UNREF");
out:
	chk_dev_close(&c);
}

void check_GPU_ERRORS(struct pf_test *t)
{
	uint8_t req[GPU_HDR_LEN + 8];
	struct chk_dev c;

	if (!gpu_open(t, &c, 0))
		return;
	/* a resource id never created */
	gpu_resource_cmd(t, &c, GPU_CMD_RESOURCE_UNREF, GPU_RES_UNKNOWN,
			 GPU_RESP_ERR_INVALID_RESOURCE_ID, "unknown-resource/unref",
			 "RESOURCE_UNREF of a resource that does not exist");
	gpu_flush(t, &c, GPU_RES_UNKNOWN, GPU_RESP_ERR_INVALID_RESOURCE_ID,
		  "unknown-resource/flush");
	/* a command type 5.7.6.7 does not define */
	gpu_hdr(req, GPU_CMD_UNDEFINED);
	memset(req + GPU_HDR_LEN, 0, 8);
	gpu_expect(t, &c, req, sizeof(req), GPU_RESP_ERR_UNSPEC, "unknown-command",
		   "an undefined command type (0x01ff)");
	chk_dev_close(&c);
}

void gpu_fence_fields(struct pf_test *t, const uint8_t *resp, uint64_t fence, const char *what)
{
	uint32_t flags = gpu_get32(resp + 4);

	/* 5.7.6.7: FLAG_FENCE set in the response, fence_id copied */
	report(t, flags & GPU_FLAG_FENCE, "flag", "%s: response flags 0x%x lack FLAG_FENCE", what,
	       flags);
	report(t, gpu_get64(resp + 8) == fence, "fence-id",
	       "%s: response fence_id 0x%llx, the request's was 0x%llx", what,
	       (unsigned long long)gpu_get64(resp + 8), (unsigned long long)fence);
}

void check_GPU_FENCE(struct pf_test *t)
{
	const uint64_t fence = 0x0123456789abcdefull;
	uint8_t req[GPU_HDR_LEN + 8], resp[GPU_HDR_LEN];
	struct chk_dev c;
	int r;

	if (!gpu_open(t, &c, 0))
		return;
	r = gpu_create_2d(t, &c, GPU_RES_ID, GPU_FLAG_FENCE, fence, resp);
	if (r < 0)
		goto out;
	if (!report(t, r == GPU_RESP_OK_NODATA, "create-2d",
		    "fenced RESOURCE_CREATE_2D answered 0x%04x (%s), not OK_NODATA", (uint32_t)r,
		    gpu_resp_name((uint32_t)r)))
		goto out;
	gpu_fence_fields(t, resp, fence, "fenced RESOURCE_CREATE_2D");
	/* a fenced UNREF, the next fence as a driver numbers them */
	gpu_hdr(req, GPU_CMD_RESOURCE_UNREF);
	gpu_put32(req + 4, GPU_FLAG_FENCE);
	gpu_put64(req + 8, fence + 1);
	gpu_put32(req + GPU_HDR_LEN, GPU_RES_ID);
	gpu_put32(req + GPU_HDR_LEN + 4, 0);
	r = gpu_command(t, &c, req, sizeof(req), resp, sizeof(resp), "fenced RESOURCE_UNREF");
	if (r < 0)
		goto out;
	/* answered after processing: the create made the resource, the unref
	 * removed it, each before its response */
	if (!report(t, r == GPU_RESP_OK_NODATA, "not-processed",
		    "RESOURCE_UNREF of the resource the fenced create made answered 0x%04x (%s)",
		    (uint32_t)r, gpu_resp_name((uint32_t)r)))
		goto out;
	gpu_fence_fields(t, resp, fence + 1, "fenced RESOURCE_UNREF");
	gpu_flush(t, &c, GPU_RES_ID, GPU_RESP_ERR_INVALID_RESOURCE_ID, "unref-not-processed");
out:
	chk_dev_close(&c);
}

void check_GPU_CURSOR(struct pf_test *t)
{
	uint8_t req[GPU_CURSOR_LEN];
	struct chk_dev c;
	uint32_t len;

	if (!gpu_open(t, &c, 0))
		return;
	/* resource 0 hides the cursor: no cursor image needed */
	gpu_hdr(req, GPU_CMD_UPDATE_CURSOR);
	memset(req + GPU_HDR_LEN, 0, sizeof(req) - GPU_HDR_LEN);
	if (chk_dev_request(t, &c, GPU_CURSORQ, req, sizeof(req), NULL, 0, &len, "UPDATE_CURSOR") !=
	    1)
		goto out;
	gpu_put32(req, GPU_CMD_MOVE_CURSOR);
	gpu_put32(req + GPU_HDR_LEN + 4, 16); /* x */
	gpu_put32(req + GPU_HDR_LEN + 8, 16); /* y */
	chk_dev_request(t, &c, GPU_CURSORQ, req, sizeof(req), NULL, 0, &len, "MOVE_CURSOR");
out:
	chk_dev_close(&c);
}

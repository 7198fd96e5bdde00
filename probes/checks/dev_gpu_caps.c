/* SPDX-License-Identifier: MIT */
/* The GPU device suite (5.7): capability sets and shared memory regions. */
#include <string.h>

#include "dev_gpu.h"
#include "io.h"
#include "virtio/virtio_mmio.h"
#include "virtio/virtio_pci.h"

/*
 * 5.7.6.8: the capset ids VIRTIO 1.4 defines, VIRGL (1) to CROSS_DOMAIN
 * (5). Linux's header also has DRM (6); the specification does not list
 * it, so a device reporting it fails until the specification adds it.
 */
#define GPU_CAPSET_FIRST 1
#define GPU_CAPSET_LAST 5

/* Capsets asked about at most, whatever num_capsets says. */
#define GPU_CAPSETS_MAX 16

void check_GPU_CAPSET_INFO(struct pf_test *t)
{
	uint8_t req[GPU_HDR_LEN + 8], resp[GPU_HDR_LEN + 16];
	struct chk_dev c;
	uint32_t n;

	if (!gpu_open(t, &c, 0))
		return;
	n = (uint32_t)chk_dev_cfg(&c, GPU_CFG_NUM_CAPSETS, 4);
	if (!n) {
		report_na(t, "num_capsets is 0: no capability set to ask about");
		goto out;
	}
	if (n > GPU_CAPSETS_MAX)
		n = GPU_CAPSETS_MAX;
	for (uint32_t i = 0; i < n && !report_stopped(t); i++) {
		uint32_t id;
		int r;

		/* fenced, as a driver may: the answer is complete when it comes */
		gpu_hdr(req, GPU_CMD_GET_CAPSET_INFO);
		gpu_put32(req + 4, GPU_FLAG_FENCE);
		gpu_put64(req + 8, 0xfe0000u + i);
		gpu_put32(req + GPU_HDR_LEN, i);
		gpu_put32(req + GPU_HDR_LEN + 4, 0);
		r = gpu_command(t, &c, req, sizeof(req), resp, sizeof(resp), "GET_CAPSET_INFO");
		if (r < 0)
			break;
		if (!report(t, r == GPU_RESP_OK_CAPSET_INFO, "response",
			    "GET_CAPSET_INFO of index %u answered 0x%04x (%s), not OK_CAPSET_INFO",
			    i, (uint32_t)r, gpu_resp_name((uint32_t)r)))
			continue;
		gpu_fence_fields(t, resp, 0xfe0000u + i, "fenced GET_CAPSET_INFO");
		id = gpu_get32(resp + GPU_HDR_LEN);
		report(t, id >= GPU_CAPSET_FIRST && id <= GPU_CAPSET_LAST, "capset-id",
		       "capset index %u has capset_id %u, which the specification does not define",
		       i, id);
	}
out:
	chk_dev_close(&c);
}

/*
 * The shared memory region ids the device has, as a bitmap of 256 ids:
 * PCI from its shared memory capabilities, MMIO by selecting each id (a
 * region that does not exist has length all ones, 4.2.2).
 */
static void gpu_shm_ids(struct virtio_dev *d, uint8_t ids[32])
{
	memset(ids, 0, 32);
	if (d->transport == VIRTIO_TRANSPORT_PCI) {
		const struct virtio_pci_priv *pv = d->priv;

		for (unsigned i = 0; pv && i < pv->ncaps; i++)
			if (pv->caps[i].cfg_type == VIRTIO_PCI_CAP_SHARED_MEMORY_CFG)
				ids[pv->caps[i].id / 8] |= (uint8_t)(1u << (pv->caps[i].id % 8));
		return;
	}
	if (d->mode != VIRTIO_MODE_MODERN)
		return; /* legacy MMIO has no SHM registers */
	for (unsigned id = 0; id < 256; id++) {
		uint32_t lo, hi;

		io_write32(&d->regs, VIRTIO_MMIO_SHM_SEL, id);
		lo = io_read32(&d->regs, VIRTIO_MMIO_SHM_LEN_LOW);
		hi = io_read32(&d->regs, VIRTIO_MMIO_SHM_LEN_HIGH);
		if (lo != 0xffffffffu || hi != 0xffffffffu)
			ids[id / 8] |= (uint8_t)(1u << (id % 8));
	}
}

void check_GPU_SHM(struct pf_test *t)
{
	uint8_t ids[32], req[GPU_HDR_LEN + 16], resp[GPU_HDR_LEN + 8];
	struct chk_dev c;
	bool visible;
	int r;

	if (!gpu_open(t, &c, VIRTIO_BIT(VIRTIO_GPU_F_RESOURCE_BLOB)))
		return;
	gpu_shm_ids(c.dev, ids);
	/* 5.7.5: HOST_VISIBLE is the one id defined */
	for (unsigned id = 0; id < 256; id++)
		if (ids[id / 8] & (1u << (id % 8)))
			report(t, id == GPU_SHM_ID_HOST_VISIBLE, "shm-id",
			       "shared memory region id %u is no VIRTIO_GPU_SHM_ID_* value", id);
	visible = ids[0] & (1u << GPU_SHM_ID_HOST_VISIBLE);
	if (!visible) {
		if (!report_failed(t))
			report_na(t, "no host-visible shared memory region");
		goto out;
	}
	/*
	 * With the region, MAP_BLOB and UNMAP_BLOB are commands the device
	 * implements: for a resource that does not exist they answer
	 * ERR_INVALID_RESOURCE_ID, where an unknown command gets ERR_UNSPEC.
	 */
	gpu_hdr(req, GPU_CMD_RESOURCE_MAP_BLOB);
	gpu_put32(req + GPU_HDR_LEN, GPU_RES_UNKNOWN);
	gpu_put32(req + GPU_HDR_LEN + 4, 0);
	memset(req + GPU_HDR_LEN + 8, 0, 8); /* offset */
	r = gpu_command(t, &c, req, sizeof(req), resp, sizeof(resp), "RESOURCE_MAP_BLOB");
	if (r < 0)
		goto out;
	report(t, r != GPU_RESP_ERR_UNSPEC && r != GPU_RESP_OK_MAP_INFO, "map-blob",
	       "RESOURCE_MAP_BLOB of a resource that does not exist answered 0x%04x (%s)",
	       (uint32_t)r, gpu_resp_name((uint32_t)r));
	gpu_resource_cmd(t, &c, GPU_CMD_RESOURCE_UNMAP_BLOB, GPU_RES_UNKNOWN,
			 GPU_RESP_ERR_INVALID_RESOURCE_ID, "unmap-blob",
			 "RESOURCE_UNMAP_BLOB of a resource that does not exist");
out:
	chk_dev_close(&c);
}

/* SPDX-License-Identifier: MIT */
/*
 * The GPU device suite (common/include/pf/checks_gpu.def) on the simulated
 * device. The clean model is a 2D device as 5.7 describes it: one scanout,
 * an EDID when EDID is negotiated, resources tracked by id, fences answered
 * with FLAG_FENCE and the fence_id, ERR_UNSPEC for what it does not know;
 * optionally capsets and a host-visible shared memory region (MMIO SHM
 * registers). Each faulty model breaks one rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host_platform.h"
#include "pf/catalogue.h"
#include "report.h"
#include "unit_helpers.h"
#include "ut_table.h"
#include "virtio/virtio_mmio.h"
#include "virtio/virtio_pci.h"

#define GPU 16
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define EDID VIRTIO_BIT(1)
#define BLOB VIRTIO_BIT(3)

#define HDR 24
#define FLAG_FENCE 1u
#define OK_NODATA 0x1100
#define OK_DISPLAY_INFO 0x1101
#define OK_CAPSET_INFO 0x1102
#define OK_EDID 0x1104
#define ERR_UNSPEC 0x1200
#define ERR_OUT_OF_MEMORY 0x1201
#define ERR_INVALID_RESOURCE_ID 0x1203
#define ERR_INVALID_PARAMETER 0x1205

enum gpu_model {
	G_CLEAN,
	G_CAPSETS,	     /* two capsets, VIRGL and VIRGL2 */
	G_SHM,		     /* a host-visible region, id 1 */
	G_SCANOUTS_0,	     /* num_scanouts 0 */
	G_DISPLAY_NODATA,    /* GET_DISPLAY_INFO answered OK_NODATA */
	G_DISPLAY_BEYOND,    /* pmodes[3] enabled with one scanout */
	G_EDID_CHECKSUM,     /* EDID base block sums to 1 */
	G_EDID_HEADER,	     /* EDID header byte 0 is 0xff */
	G_ATTACH_FAILS,	     /* RESOURCE_ATTACH_BACKING answered ERR_UNSPEC */
	G_FLUSH_FAILS,	     /* RESOURCE_FLUSH answered ERR_INVALID_PARAMETER */
	G_UNKNOWN_ID_OK,     /* commands on unknown resources answer OK_NODATA */
	G_UNKNOWN_CMD_OK,    /* an unknown command answers OK_NODATA */
	G_FENCE_NO_FLAG,     /* response without FLAG_FENCE */
	G_FENCE_ID,	     /* response fence_id off by one */
	G_FENCE_EARLY,	     /* fenced create answered before it takes effect */
	G_FENCE_EARLY_UNREF, /* fenced unref answered, the resource kept */
	G_CAPSET_ID_9,	     /* capset_id 9 */
	G_CAPSET_ID_0,	     /* capset_id 0 */
	G_CAPSET_ID_5,	     /* capset_id 5, CROSS_DOMAIN: the last one 1.4 defines */
	G_CAPSET_ID_6,	     /* capset_id 6 (DRM in Linux's header, not in VIRTIO 1.4) */
	G_CAPSET_NODATA,     /* GET_CAPSET_INFO answered OK_NODATA */
	G_CAPSET_UNFENCED,   /* capsets, fenced answers without FLAG_FENCE */
	G_CAPSET_EARLY,	     /* capsets, answer returned unwritten */
	G_SHM_ID_2,	     /* region id 2 besides id 1 */
	G_SHM_NO_MAP_BLOB,   /* region, but MAP_BLOB answered ERR_UNSPEC */
	G_SHM_NO_UNMAP_BLOB, /* region, but UNMAP_BLOB answered ERR_UNSPEC */
};

static enum gpu_model model;

/* The capset_id of capset index idx (the faults' own on index 1). */
static uint32_t capset_id(uint32_t idx)
{
	if (model == G_CAPSET_ID_9)
		return 9;
	if (idx == 1 && model == G_CAPSET_ID_0)
		return 0;
	if (idx == 1 && model == G_CAPSET_ID_5)
		return 5;
	if (idx == 1 && model == G_CAPSET_ID_6)
		return 6;
	return idx + 1;
}

#define MAX_RES 8
static uint32_t res[MAX_RES]; /* resource ids that exist, 0 = free */

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int res_find(uint32_t id)
{
	for (int i = 0; id && i < MAX_RES; i++)
		if (res[i] == id)
			return i;
	return -1;
}

/* A 128-byte EDID base block: header, a few fields, checksum. */
static void edid_block(uint8_t *e)
{
	static const uint8_t header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0 };
	uint8_t sum = 0;

	memset(e, 0, 128);
	memcpy(e, header, 8);
	e[18] = 1; /* EDID 1.4 */
	e[19] = 4;
	for (unsigned i = 0; i < 127; i++)
		sum = (uint8_t)(sum + e[i]);
	e[127] = (uint8_t)(0x100 - sum);
	if (model == G_EDID_CHECKSUM)
		e[127]++;
	if (model == G_EDID_HEADER)
		e[0] = 0xff;
}

/* The offset of the resource id in a command naming one, 0 if none. */
static uint32_t res_off(uint32_t type)
{
	switch (type) {
	case 0x0101: /* CREATE_2D */
	case 0x0102: /* UNREF */
	case 0x0106: /* ATTACH_BACKING */
	case 0x0107: /* DETACH_BACKING */
	case 0x0208: /* MAP_BLOB */
	case 0x0209: /* UNMAP_BLOB */
		return HDR;
	case 0x0103: /* SET_SCANOUT */
		return HDR + 20;
	case 0x0104: /* RESOURCE_FLUSH */
		return HDR + 16;
	case 0x0105: /* TRANSFER_TO_HOST_2D */
		return HDR + 24;
	}
	return 0;
}

/* The response type of a command on resource `id`. */
static uint32_t resource_command(uint32_t type, uint32_t id, bool fenced)
{
	int i = res_find(id);

	if (type == 0x0101) {
		if (!id || i >= 0)
			return ERR_INVALID_RESOURCE_ID;
		if (fenced && model == G_FENCE_EARLY)
			return OK_NODATA; /* answered, the resource not made */
		for (i = 0; i < MAX_RES && res[i]; i++)
			;
		if (i == MAX_RES)
			return ERR_OUT_OF_MEMORY;
		res[i] = id;
		return OK_NODATA;
	}
	if (type == 0x0103 && !id) /* SET_SCANOUT of 0: disable */
		return OK_NODATA;
	if (i < 0)
		return model == G_UNKNOWN_ID_OK ? OK_NODATA : ERR_INVALID_RESOURCE_ID;
	if (type == 0x0102 && !(fenced && model == G_FENCE_EARLY_UNREF))
		res[i] = 0;
	if (type == 0x0106 && model == G_ATTACH_FAILS)
		return ERR_UNSPEC;
	if (type == 0x0104 && model == G_FLUSH_FAILS)
		return ERR_INVALID_PARAMETER;
	return OK_NODATA;
}

static uint32_t gpu_control(const struct sim_req *r)
{
	uint8_t req[HDR + 48], resp[HDR + 8 + 1024];
	uint32_t type, n = HDR, off, idx;
	bool fenced;

	memset(req, 0, sizeof(req));
	memset(resp, 0, sizeof(resp));
	sim_req_read(r, 0, req, sizeof(req));
	type = get32(req);
	fenced = get32(req + 4) & FLAG_FENCE;
	off = res_off(type);
	/* the blob faults: a device without MAP_BLOB / UNMAP_BLOB */
	if (off && !(type == 0x0208 && model == G_SHM_NO_MAP_BLOB) &&
	    !(type == 0x0209 && model == G_SHM_NO_UNMAP_BLOB))
		put32(resp, resource_command(type, get32(req + off), fenced));
	else
		put32(resp, ERR_UNSPEC);
	switch (type) {
	case 0x0100: /* GET_DISPLAY_INFO: scanout 0 at 1024x768 */
		put32(resp, model == G_DISPLAY_NODATA ? OK_NODATA : OK_DISPLAY_INFO);
		put32(resp + HDR + 8, 1024);
		put32(resp + HDR + 12, 768);
		put32(resp + HDR + 16, 1);
		if (model == G_DISPLAY_BEYOND) {
			put32(resp + HDR + 3 * 24 + 8, 640);
			put32(resp + HDR + 3 * 24 + 12, 480);
			put32(resp + HDR + 3 * 24 + 16, 1);
		}
		n = HDR + 16 * 24;
		break;
	case 0x0108: /* GET_CAPSET_INFO */
		idx = get32(req + HDR);
		put32(resp, idx < 2 ? OK_CAPSET_INFO : ERR_INVALID_PARAMETER);
		if (model == G_CAPSET_NODATA)
			put32(resp, OK_NODATA);
		put32(resp + HDR, capset_id(idx));
		put32(resp + HDR + 4, 1);
		put32(resp + HDR + 8, 256);
		n = HDR + 16;
		break;
	case 0x010a: /* GET_EDID */
		put32(resp, OK_EDID);
		put32(resp + HDR, 128);
		edid_block(resp + HDR + 8);
		n = HDR + 8 + 1024;
		break;
	case 0x01ff:
		if (model == G_UNKNOWN_CMD_OK)
			put32(resp, OK_NODATA);
		break;
	}
	if (type == 0x0108 && model == G_CAPSET_EARLY)
		return 0;
	if (fenced && model != G_FENCE_NO_FLAG && model != G_CAPSET_UNFENCED) {
		put32(resp + 4, FLAG_FENCE);
		memcpy(resp + 8, req + 8, 8);
		if (model == G_FENCE_ID)
			resp[8]++;
	}
	return sim_req_write(r, 0, resp, n);
}

static uint32_t gpu_serve(struct sim_dev *s, const struct sim_req *r)
{
	(void)s;
	/* the cursorq returns its buffers, writing nothing */
	return r->queue == 0 ? gpu_control(r) : 0;
}

/* ---- shared memory regions behind the MMIO SHM registers ---- */
static uint32_t shm_sel;

static bool shm_exists(uint32_t id)
{
	bool region = model == G_SHM || model == G_SHM_ID_2 || model == G_SHM_NO_MAP_BLOB ||
		      model == G_SHM_NO_UNMAP_BLOB;

	return region && (id == 1 || (id == 2 && model == G_SHM_ID_2));
}

static uint64_t shm_read(void *ctx, uint64_t off, unsigned width)
{
	if (off == VIRTIO_MMIO_SHM_LEN_LOW || off == VIRTIO_MMIO_SHM_LEN_HIGH)
		return shm_exists(shm_sel) ? (off == VIRTIO_MMIO_SHM_LEN_LOW ? 0x100000 : 0)
					   : 0xffffffffu;
	if (off == VIRTIO_MMIO_SHM_BASE_LOW || off == VIRTIO_MMIO_SHM_BASE_HIGH)
		return shm_exists(shm_sel) ? (off == VIRTIO_MMIO_SHM_BASE_LOW ? 0x40000000 : 0)
					   : 0xffffffffu;
	return sim_mmio_ops.read(ctx, off, width);
}

static void shm_write(void *ctx, uint64_t off, uint64_t val, unsigned width)
{
	if (off == VIRTIO_MMIO_SHM_SEL)
		shm_sel = (uint32_t)val;
	sim_mmio_ops.write(ctx, off, val, width);
}

static const struct pf_io_ops shm_ops = { shm_read, shm_write };

struct gpu_case {
	const char *name;
	enum pf_check_id check;
	enum sim_transport transport;
	uint64_t features;
	enum gpu_model model;
	uint16_t queues;
	enum pf_verdict expect;
	const char *sub;
};

#define PASS PF_VERDICT_PASS
#define FAIL PF_VERDICT_FAIL
#define WARN PF_VERDICT_WARN
#define NA PF_VERDICT_NA
#define C(x) PF_CHK_GPU_##x
#define M2 SIM_MMIO_V2

static const struct gpu_case cases[] = {
	{ "gpu display clean", C(DISPLAY_INFO), M2, V1, G_CLEAN, 2, PASS, NULL },
	{ "gpu display clean pci", C(DISPLAY_INFO), SIM_PCI, V1, G_CLEAN, 2, PASS, NULL },
	{ "gpu display: num_scanouts 0", C(DISPLAY_INFO), M2, V1, G_SCANOUTS_0, 2, WARN,
	  "num-scanouts" },
	{ "gpu display: OK_NODATA", C(DISPLAY_INFO), M2, V1, G_DISPLAY_NODATA, 2, WARN,
	  "response" },
	{ "gpu display: mode beyond num_scanouts", C(DISPLAY_INFO), M2, V1, G_DISPLAY_BEYOND, 2,
	  WARN, "enabled-beyond" },
	{ "gpu display: no cursorq", C(DISPLAY_INFO), M2, V1, G_CLEAN, 1, WARN, "queues" },
	{ "gpu edid clean", C(EDID), M2, V1 | EDID, G_CLEAN, 2, PASS, NULL },
	{ "gpu edid not offered", C(EDID), M2, V1, G_CLEAN, 2, NA, NULL },
	{ "gpu edid: checksum", C(EDID), M2, V1 | EDID, G_EDID_CHECKSUM, 2, WARN, "checksum" },
	{ "gpu edid: header", C(EDID), M2, V1 | EDID, G_EDID_HEADER, 2, WARN, "header" },
	{ "gpu 2d clean", C(2D), M2, V1, G_CLEAN, 2, PASS, NULL },
	{ "gpu 2d clean pci", C(2D), SIM_PCI, V1, G_CLEAN, 2, PASS, NULL },
	{ "gpu 2d: attach fails", C(2D), M2, V1, G_ATTACH_FAILS, 2, WARN, "attach-backing" },
	{ "gpu 2d: flush fails", C(2D), M2, V1, G_FLUSH_FAILS, 2, WARN, "flush" },
	{ "gpu errors clean", C(ERRORS), M2, V1, G_CLEAN, 2, PASS, NULL },
	{ "gpu errors: unknown resource OK", C(ERRORS), M2, V1, G_UNKNOWN_ID_OK, 2, WARN,
	  "unknown-resource/unref" },
	{ "gpu errors: unknown command OK", C(ERRORS), M2, V1, G_UNKNOWN_CMD_OK, 2, WARN,
	  "unknown-command" },
	{ "gpu fence clean", C(FENCE), M2, V1, G_CLEAN, 2, PASS, NULL },
	{ "gpu fence: no FLAG_FENCE", C(FENCE), M2, V1, G_FENCE_NO_FLAG, 2, FAIL, "flag" },
	{ "gpu fence: fence_id", C(FENCE), M2, V1, G_FENCE_ID, 2, FAIL, "fence-id" },
	{ "gpu fence: answered before processing", C(FENCE), M2, V1, G_FENCE_EARLY, 2, FAIL,
	  "not-processed" },
	{ "gpu fence: unref answered before processing", C(FENCE), M2, V1, G_FENCE_EARLY_UNREF, 2,
	  FAIL, "unref-not-processed" },
	{ "gpu cursor clean", C(CURSOR), M2, V1, G_CLEAN, 2, PASS, NULL },
	{ "gpu cursor: no cursorq", C(CURSOR), M2, V1, G_CLEAN, 1, WARN, "queues" },
	{ "gpu capset none", C(CAPSET_INFO), M2, V1, G_CLEAN, 2, NA, NULL },
	{ "gpu capset clean", C(CAPSET_INFO), M2, V1, G_CAPSETS, 2, PASS, NULL },
	{ "gpu capset: id 9", C(CAPSET_INFO), M2, V1, G_CAPSET_ID_9, 2, FAIL, "capset-id" },
	{ "gpu capset: id 0", C(CAPSET_INFO), M2, V1, G_CAPSET_ID_0, 2, FAIL, "capset-id" },
	{ "gpu capset: id 5 (CROSS_DOMAIN)", C(CAPSET_INFO), M2, V1, G_CAPSET_ID_5, 2, PASS, NULL },
	{ "gpu capset: id 6 (DRM, not in 1.4)", C(CAPSET_INFO), M2, V1, G_CAPSET_ID_6, 2, FAIL,
	  "capset-id" },
	{ "gpu capset: OK_NODATA", C(CAPSET_INFO), M2, V1, G_CAPSET_NODATA, 2, FAIL, "response" },
	{ "gpu capset: fenced, no FLAG_FENCE", C(CAPSET_INFO), M2, V1, G_CAPSET_UNFENCED, 2, FAIL,
	  "flag" },
	{ "gpu capset: returned unanswered", C(CAPSET_INFO), M2, V1, G_CAPSET_EARLY, 2, FAIL,
	  "short-response" },
	{ "gpu shm none", C(SHM), M2, V1, G_CLEAN, 2, NA, NULL },
	{ "gpu shm clean", C(SHM), M2, V1 | BLOB, G_SHM, 2, PASS, NULL },
	{ "gpu shm: id 2", C(SHM), M2, V1 | BLOB, G_SHM_ID_2, 2, FAIL, "shm-id" },
	{ "gpu shm clean pci", C(SHM), SIM_PCI, V1 | BLOB, G_SHM, 2, PASS, NULL },
	{ "gpu shm: id 2 pci", C(SHM), SIM_PCI, V1 | BLOB, G_SHM_ID_2, 2, FAIL, "shm-id" },
	{ "gpu shm: MAP_BLOB unknown", C(SHM), M2, V1 | BLOB, G_SHM_NO_MAP_BLOB, 2, FAIL,
	  "map-blob" },
	{ "gpu shm: UNMAP_BLOB unknown", C(SHM), M2, V1 | BLOB, G_SHM_NO_UNMAP_BLOB, 2, FAIL,
	  "unmap-blob" },
};

static struct ut_dev U;

static void gpu_config(struct sim_dev *s)
{
	memset(s->config, 0, 16);
	s->config_len = 16;
	put32(s->config + 8, model == G_SCANOUTS_0 ? 0 : 1);
	put32(s->config + 12, model == G_CAPSETS || model == G_CAPSET_ID_9 ||
					      model == G_CAPSET_ID_0 || model == G_CAPSET_ID_5 ||
					      model == G_CAPSET_ID_6 || model == G_CAPSET_NODATA ||
					      model == G_CAPSET_UNFENCED || model == G_CAPSET_EARLY
				      ? 2
				      : 0);
}

/* PCI: the model's regions as discovery records their capabilities. */
static void pci_shm_caps(struct virtio_pci_priv *pv)
{
	for (uint32_t id = 1; id <= 2; id++) {
		if (!shm_exists(id))
			continue;
		assert_true(pv->ncaps < VIRTIO_PCI_MAX_CAPS);
		pv->caps[pv->ncaps++] = (struct virtio_pci_cap_info){
			.cfg_type = VIRTIO_PCI_CAP_SHARED_MEMORY_CFG,
			.bar = SIM_PCI_BAR,
			.id = (uint8_t)id,
			.offset = 0x3800,
			.length = 0x800,
		};
	}
}

static void test_case(void **state)
{
	const struct gpu_case *c = *state;
	struct virtio_dev *d = &U.dev;
	enum pf_verdict v;

	model = c->model;
	memset(res, 0, sizeof(res));
	shm_sel = 0;
	if (c->transport == SIM_PCI) {
		d = ut_pci_open(&U, GPU, c->features, 0, 0);
		assert_non_null(d);
		pci_shm_caps(d->priv);
	} else {
		assert_int_equal(ut_mmio_open(&U, c->transport, GPU, c->features, c->queues, 64),
				 0);
		U.dev.regs.ops = &shm_ops;
	}
	gpu_config(&U.sim);
	U.sim.serve = gpu_serve;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, d);
	UT_CHECK_ROW(&ut_checks_gpu, c, v);
}

UT_CHECK_TABLE_N(ut_checks_gpu, "checks_gpu", cases, struct gpu_case, test_case, ut_setup, NULL,
		 NULL, 0);

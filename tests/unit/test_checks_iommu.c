/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU device suite (common/include/pf/checks_iommu.def) on the
 * simulated IOMMU (sim_iommu.c): a PCI function beside two virtio
 * functions, its endpoints, in a simulated machine as the probe finds it.
 * The clean model follows 5.13; each faulty model breaks one rule.
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
#include "sim_iommu.h"
#include "sim_world.h"
#include "unit_helpers.h"
#include "ut_table.h"
#include "virtio/discover.h"

#define IOMMU 23
#define EP0 0x10 /* 00:02.0 */
#define EP1 0x18 /* 00:03.0 */

enum world {
	W_TWO_EPS, /* the IOMMU at 00:01.0, virtio functions at 00:02.0 and 00:03.0 */
	W_ONE_EP,  /* only 00:02.0 */
	W_NO_EP,   /* the IOMMU alone */
	W_MMIO,	   /* a virtio-mmio IOMMU: endpoint ids unknown */
};

struct iommu_case {
	const char *name;
	enum pf_check_id check;
	enum world world;
	uint32_t faults;  /* SIM_IOMMU_* */
	uint64_t offered; /* 0: sim_iommu_features() */
	enum pf_verdict expect;
	const char *sub;
};

#define CFG PF_CHK_IOMMU_CONFIG
#define REQ PF_CHK_IOMMU_REQUEST
#define ATT PF_CHK_IOMMU_ATTACH
#define DET PF_CHK_IOMMU_DETACH
#define MAP PF_CHK_IOMMU_MAP
#define PRB PF_CHK_IOMMU_PROBE
#define PASS PF_VERDICT_PASS
#define FAIL PF_VERDICT_FAIL
#define WARN PF_VERDICT_WARN
#define NA PF_VERDICT_NA
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define F_BYPASS VIRTIO_BIT(3)

static const struct iommu_case cases[] = {
	{ "config clean", CFG, W_TWO_EPS, 0, 0, PASS, NULL },
	{ "config: page_size_mask 0", CFG, W_TWO_EPS, SIM_IOMMU_PAGE_MASK_ZERO, 0, FAIL,
	  "page-size-mask" },
	{ "config: bypass reads 2", CFG, W_TWO_EPS, SIM_IOMMU_BYPASS_2, 0, FAIL, "bypass" },
	{ "config: bypass 2 without BYPASS_CONFIG is not looked at", CFG, W_TWO_EPS,
	  SIM_IOMMU_BYPASS_2, V1 | 0x17, PASS, NULL },
	{ "config: legacy BYPASS offered", CFG, W_TWO_EPS, 0, V1 | 0x1f, WARN, "legacy-bypass" },
	{ "config: no MAP_UNMAP", CFG, W_TWO_EPS, 0, V1 | 0x53, WARN, "no-map-unmap" },

	{ "request clean", REQ, W_TWO_EPS, 0, 0, PASS, NULL },
	{ "request: head reserved refused", REQ, W_TWO_EPS, SIM_IOMMU_HEAD_RESERVED, 0, FAIL,
	  "head-reserved" },
	{ "request: tail reserved not zero", REQ, W_TWO_EPS, SIM_IOMMU_TAIL_RESERVED, 0, WARN,
	  "tail-reserved" },
	{ "request: unknown type answered UNSUPP (QEMU 7.2)", REQ, W_TWO_EPS,
	  SIM_IOMMU_UNKNOWN_UNSUPP, 0, WARN, "unknown-type" },
	{ "request: no endpoint", REQ, W_NO_EP, 0, 0, NA, NULL },
	{ "request: mmio, endpoint ids unknown", REQ, W_MMIO, 0, 0, NA, NULL },

	{ "attach clean", ATT, W_TWO_EPS, 0, 0, PASS, NULL },
	{ "attach clean, one endpoint", ATT, W_ONE_EP, 0, 0, PASS, NULL },
	{ "attach: no endpoint", ATT, W_NO_EP, 0, 0, NA, NULL },
	{ "attach: unknown endpoint OK", ATT, W_TWO_EPS, SIM_IOMMU_ATTACH_ANY_EP, 0, FAIL,
	  "noent" },
	{ "attach: unknown flag ignored", ATT, W_TWO_EPS, SIM_IOMMU_ATTACH_FLAGS, 0, FAIL,
	  "unknown-flag" },
	{ "attach: reserved ignored (QEMU 7.2)", ATT, W_TWO_EPS, SIM_IOMMU_ATTACH_RESERVED, 0, FAIL,
	  "reserved" },
	{ "attach: no sharing, UNSUPP", ATT, W_TWO_EPS, SIM_IOMMU_NO_SHARE_UNSUPP, 0, PASS, NULL },
	{ "attach: no sharing, INVAL", ATT, W_TWO_EPS, SIM_IOMMU_NO_SHARE_INVAL, 0, FAIL,
	  "shared" },
	{ "attach: no move, UNSUPP", ATT, W_TWO_EPS, SIM_IOMMU_NO_MOVE_UNSUPP, 0, PASS, NULL },
	{ "attach: no move, INVAL", ATT, W_TWO_EPS, SIM_IOMMU_NO_MOVE_INVAL, 0, FAIL, "move" },

	{ "detach clean", DET, W_TWO_EPS, 0, 0, PASS, NULL },
	{ "detach: unknown endpoint INVAL", DET, W_TWO_EPS, SIM_IOMMU_DETACH_INVAL, 0, FAIL,
	  "noent" },
	{ "detach: reserved refused", DET, W_TWO_EPS, SIM_IOMMU_DETACH_RESERVED, 0, FAIL,
	  "reserved" },
	{ "detach: no endpoint", DET, W_NO_EP, 0, 0, NA, NULL },

	{ "map clean", MAP, W_TWO_EPS, 0, 0, PASS, NULL },
	{ "map: unknown flag ignored", MAP, W_TWO_EPS, SIM_IOMMU_MAP_FLAGS, 0, FAIL,
	  "unknown-flag" },
	{ "map: UNMAP splits a mapping", MAP, W_TWO_EPS, SIM_IOMMU_MAP_SPLIT, 0, WARN, "no-split" },
	{ "map: MAP_UNMAP not offered", MAP, W_TWO_EPS, 0, V1 | 0x53, NA, NULL },
	{ "map: MAP on a bypass domain OK", MAP, W_TWO_EPS, SIM_IOMMU_BYPASS_MAP, 0, WARN,
	  "bypass-map" },
	{ "map: bypass and translated endpoints share a domain", MAP, W_TWO_EPS,
	  SIM_IOMMU_BYPASS_MIX, 0, WARN, "bypass-mismatch" },
	{ "map clean, without BYPASS_CONFIG", MAP, W_TWO_EPS, SIM_IOMMU_BYPASS_MAP, V1 | 0x17, PASS,
	  NULL },

	{ "probe clean", PRB, W_TWO_EPS, 0, 0, PASS, NULL },
	{ "probe clean, no property", PRB, W_TWO_EPS, SIM_IOMMU_PROBE_NONE, 0, PASS, NULL },
	{ "probe: reserved refused", PRB, W_TWO_EPS, SIM_IOMMU_PROBE_RESERVED, 0, FAIL,
	  "reserved" },
	{ "probe: length counts the header", PRB, W_TWO_EPS, SIM_IOMMU_PROBE_LEN_HDR, 0, FAIL,
	  "prop-length" },
	{ "probe: padding between properties", PRB, W_TWO_EPS, SIM_IOMMU_PROBE_PAD, 0, FAIL,
	  "packing" },
	{ "probe: stale bytes after the terminator", PRB, W_TWO_EPS, SIM_IOMMU_PROBE_STALE, 0, WARN,
	  "zero-fill" },
	{ "probe: PROBE not offered", PRB, W_TWO_EPS, 0, V1 | 0x47, NA, NULL },
};

static struct ut_dev U;
static struct sim_dev eps[2];
static struct sim_iommu M;

/* The machine of the case, discovered as the probe does; the IOMMU. */
static struct virtio_dev *open_world(const struct iommu_case *c)
{
	static struct sim_world w;
	static char fdt[16384];
	static struct virtio_dev *devs[VIRTIO_DISCOVER_MAX];
	uint64_t f = c->offered ? c->offered : sim_iommu_features();
	int n;

	if (c->world == W_MMIO) {
		assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, IOMMU, f, 2, 64), 0);
		sim_iommu_attach(&U.sim, &M, c->faults, EP0, EP1);
		return &U.dev;
	}
	memset(&U, 0, sizeof(U));
	sim_world_init(&w);
	virtio_discover_set_mapper(sim_world_map, &w);
	sim_init(&U.sim, SIM_PCI, IOMMU, f, 2, 256);
	sim_iommu_attach(&U.sim, &M, c->faults, EP0, EP1);
	sim_pci_attach(&U.sim);
	w.ecam.dev[1] = &U.sim;
	for (unsigned i = 0; i < 2; i++) {
		if ((c->world == W_ONE_EP && i == 1) || c->world == W_NO_EP)
			continue;
		sim_init(&eps[i], SIM_PCI, 4 /* rng */, V1, 1, 64);
		sim_pci_attach(&eps[i]);
		w.ecam.dev[2 + i] = &eps[i];
	}
	w.pci = true;
	n = sim_world_fdt(&w, fdt, sizeof(fdt)) == 0
		    ? virtio_discover(fdt, devs, VIRTIO_DISCOVER_MAX)
		    : 0;
	virtio_discover_set_mapper(0, 0);
	for (int i = 0; i < n; i++)
		if (devs[i]->device_id == IOMMU)
			return devs[i];
	return NULL;
}

static void test_case(void **state)
{
	const struct iommu_case *c = *state;
	struct virtio_dev *d = open_world(c);
	enum pf_verdict v;

	assert_non_null(d);
	ut_auto_progress(&U);
	v = ut_run_check(c->check, d);
	UT_CHECK_ROW(&ut_checks_iommu, c, v);
	/* every check leaves no endpoint attached */
	assert_false(M.ep_attached[0] || M.ep_attached[1]);
}

UT_CHECK_TABLE_N(ut_checks_iommu, "checks_iommu", cases, struct iommu_case, test_case, ut_setup,
		 NULL, NULL, 0);

/* SPDX-License-Identifier: MIT */
/*
 * The memory device suite (common/include/pf/checks_mem.def) on the
 * simulated memory device (sim_mem.c): clean, and with faults that break
 * 5.15 one rule each.
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
#include "sim_mem.h"
#include "unit_helpers.h"
#include "ut_table.h"

#define MEM 24
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define F_ACPI_PXM VIRTIO_BIT(0)
#define F_UNPLUGGED_INACCESSIBLE VIRTIO_BIT(1)

/* Configuration edits: a field (offset) set to a value before the run. */
struct mem_tweak {
	uint32_t off;
	uint64_t val;
};

struct mem_case {
	const char *name;
	enum pf_check_id check;
	uint64_t features;
	uint32_t faults;
	struct mem_tweak tweak;
	enum pf_verdict expect;
	const char *sub;
};

#define PASS PF_VERDICT_PASS, NULL
#define FAIL(s) PF_VERDICT_FAIL, s
#define WARN(s) PF_VERDICT_WARN, s
#define NONE         \
	{            \
		0, 0 \
	}
#define BLOCKS(n) ((n)*SIM_MEM_BS)

static const struct mem_case cases[] = {
	/* mem.config */
	{ "mem.config clean", PF_CHK_MEM_CONFIG, 0, 0, NONE, PASS },
	{ "mem.config with ACPI_PXM and UNPLUGGED_INACCESSIBLE", PF_CHK_MEM_CONFIG,
	  F_ACPI_PXM | F_UNPLUGGED_INACCESSIBLE, 0, NONE, PASS },
	{ "mem.config: block_size not a power of two",
	  PF_CHK_MEM_CONFIG,
	  0,
	  0,
	  { 0, 3 * SIM_MEM_BS },
	  FAIL("block-size-pow2") },
	{ "mem.config: addr not a multiple of block_size",
	  PF_CHK_MEM_CONFIG,
	  0,
	  0,
	  { 16, SIM_MEM_ADDR + 0x800 },
	  FAIL("not-multiple") },
	{ "mem.config: requested_size not a multiple",
	  PF_CHK_MEM_CONFIG,
	  0,
	  0,
	  { 48, BLOCKS(2) + 1 },
	  FAIL("not-multiple") },
	{ "mem.config: usable_region_size below requested_size",
	  PF_CHK_MEM_CONFIG,
	  0,
	  0,
	  { 32, BLOCKS(4) },
	  FAIL("usable-below-requested") },
	{ "mem.config: addr moves on a device reset", PF_CHK_MEM_CONFIG, 0, SIM_MEM_RESET_MOVES,
	  NONE, FAIL("changed") },
	/* mem.plug-unplug */
	{ "mem.plug-unplug clean", PF_CHK_MEM_PLUG_UNPLUG, 0, 0, NONE, PASS },
	{ "mem.plug-unplug, UNPLUGGED_INACCESSIBLE required", PF_CHK_MEM_PLUG_UNPLUG,
	  F_UNPLUGGED_INACCESSIBLE, 0, NONE, PASS },
	{ "mem.plug-unplug, BUSY once per request type", PF_CHK_MEM_PLUG_UNPLUG, 0,
	  SIM_MEM_BUSY_ONCE, NONE, PASS },
	{ "mem.plug-unplug, PLUG always BUSY", PF_CHK_MEM_PLUG_UNPLUG, 0, SIM_MEM_BUSY_ALWAYS, NONE,
	  PF_VERDICT_SKIP, NULL },
	{ "mem.plug-unplug, one block requested",
	  PF_CHK_MEM_PLUG_UNPLUG,
	  0,
	  0,
	  { 48, BLOCKS(1) },
	  PF_VERDICT_NA,
	  NULL },
	{ "mem.plug-unplug: PLUG NACKed", PF_CHK_MEM_PLUG_UNPLUG, 0, SIM_MEM_PLUG_NACK, NONE,
	  FAIL("plug-ack") },
	{ "mem.plug-unplug: plugged_size not raised", PF_CHK_MEM_PLUG_UNPLUG, 0,
	  SIM_MEM_PLUG_NO_SIZE, NONE, FAIL("plug-size") },
	{ "mem.plug-unplug: plugged block plugged again", PF_CHK_MEM_PLUG_UNPLUG, 0,
	  SIM_MEM_REPLUG_OK, NONE, FAIL("plug-already") },
	{ "mem.plug-unplug: UNPLUG NACKed", PF_CHK_MEM_PLUG_UNPLUG, 0, SIM_MEM_UNPLUG_NACK, NONE,
	  FAIL("unplug-ack") },
	{ "mem.plug-unplug: plugged_size not lowered", PF_CHK_MEM_PLUG_UNPLUG, 0,
	  SIM_MEM_UNPLUG_NO_SIZE, NONE, FAIL("unplug-size") },
	{ "mem.plug-unplug: unplugged block unplugged again", PF_CHK_MEM_PLUG_UNPLUG, 0,
	  SIM_MEM_REUNPLUG_OK, NONE, FAIL("unplug-already") },
	{ "mem.plug-unplug: region_size grows", PF_CHK_MEM_PLUG_UNPLUG, 0,
	  SIM_MEM_PLUG_GROWS_REGION, NONE, FAIL("changed") },
	{ "mem.plug-unplug: usable_region_size shrinks", PF_CHK_MEM_PLUG_UNPLUG, 0,
	  SIM_MEM_UNPLUG_SHRINKS, NONE, FAIL("usable-shrank") },
	{ "mem.plug-unplug: plugs beyond requested_size", PF_CHK_MEM_PLUG_UNPLUG, 0,
	  SIM_MEM_NO_NACK, NONE, WARN("beyond-requested") },
	{ "mem.plug-unplug: response used len 2", PF_CHK_MEM_PLUG_UNPLUG, 0, SIM_MEM_RESP_SHORT,
	  NONE, WARN("resp-len") },
	/* mem.state */
	{ "mem.state clean", PF_CHK_MEM_STATE, 0, 0, NONE, PASS },
	{ "mem.state: NACK", PF_CHK_MEM_STATE, 0, SIM_MEM_STATE_NACK, NONE, FAIL("unplugged") },
	{ "mem.state: first block only", PF_CHK_MEM_STATE, 0, SIM_MEM_STATE_FIRST_ONLY, NONE,
	  FAIL("mixed") },
	{ "mem.state: never PLUGGED", PF_CHK_MEM_STATE, 0, SIM_MEM_STATE_NO_PLUGGED, NONE,
	  FAIL("plugged") },
	/* mem.unplug-all */
	{ "mem.unplug-all clean", PF_CHK_MEM_UNPLUG_ALL, 0, 0, NONE, PASS },
	{ "mem.unplug-all: NACK with blocks plugged", PF_CHK_MEM_UNPLUG_ALL, 0,
	  SIM_MEM_UNPLUG_ALL_NACK, NONE, FAIL("ack") },
	{ "mem.unplug-all: nothing unplugged", PF_CHK_MEM_UNPLUG_ALL, 0, SIM_MEM_UNPLUG_ALL_KEEPS,
	  NONE, FAIL("plugged-size") },
	{ "mem.unplug-all: plugged_size 0, blocks kept", PF_CHK_MEM_UNPLUG_ALL, 0,
	  SIM_MEM_UNPLUG_ALL_STALE, NONE, FAIL("still-plugged") },
	/* mem.validate */
	{ "mem.validate clean", PF_CHK_MEM_VALIDATE, 0, 0, NONE, PASS },
	{ "mem.validate, usable region is the whole region",
	  PF_CHK_MEM_VALIDATE,
	  0,
	  0,
	  { 32, BLOCKS(SIM_MEM_BLOCKS) },
	  PASS },
	{ "mem.validate: misaligned addr rounded down", PF_CHK_MEM_VALIDATE, 0, SIM_MEM_NO_ALIGN,
	  NONE, FAIL("plug/misaligned") },
	{ "mem.validate: zero nb_blocks", PF_CHK_MEM_VALIDATE, 0, SIM_MEM_ZERO_OK, NONE,
	  FAIL("plug/zero-blocks") },
	{ "mem.validate: range clipped at the usable end", PF_CHK_MEM_VALIDATE, 0,
	  SIM_MEM_NO_END_CHECK, NONE, FAIL("plug/past-usable") },
	{ "mem.validate: UNPLUG of zero blocks", PF_CHK_MEM_VALIDATE, 0, SIM_MEM_LAX_UNPLUG, NONE,
	  FAIL("unplug/zero-blocks") },
	{ "mem.validate: STATE clipped at the usable end", PF_CHK_MEM_VALIDATE, 0,
	  SIM_MEM_LAX_STATE, NONE, FAIL("state/past-usable") },
	/* mem.ignore-padding */
	{ "mem.ignore-padding clean", PF_CHK_MEM_IGNORE_PADDING, 0, 0, NONE, PASS },
	{ "mem.ignore-padding: header padding checked", PF_CHK_MEM_IGNORE_PADDING, 0,
	  SIM_MEM_HDR_PAD_STRICT, NONE, FAIL("other/plug") },
	{ "mem.ignore-padding: longer request refused", PF_CHK_MEM_IGNORE_PADDING, 0,
	  SIM_MEM_TRAILING_STRICT, NONE, FAIL("other/plug") },
	{ "mem.ignore-padding: nb_blocks read with the padding", PF_CHK_MEM_IGNORE_PADDING, 0,
	  SIM_MEM_NB_32, NONE, FAIL("padding/plug") },
	{ "mem.ignore-padding: UNPLUG ALL reads addr", PF_CHK_MEM_IGNORE_PADDING, 0,
	  SIM_MEM_UNPLUG_ALL_DATA, NONE, FAIL("other/unplug-all") },
	/* mem.plugged-memory */
	{ "mem.plugged-memory clean", PF_CHK_MEM_PLUGGED_MEMORY, 0, 0, NONE, PASS },
	{ "mem.plugged-memory: UNPLUG of block 1 changes block 0", PF_CHK_MEM_PLUGGED_MEMORY, 0,
	  SIM_MEM_SCRIBBLE, NONE, FAIL("modified") },
	{ "mem.plugged-memory: a device reset zeroes plugged memory", PF_CHK_MEM_PLUGGED_MEMORY, 0,
	  SIM_MEM_RESET_ZEROES, NONE, FAIL("reset/modified") },
	/* mem.reset-keeps-state */
	{ "mem.reset-keeps-state clean", PF_CHK_MEM_RESET_KEEPS_STATE, 0, 0, NONE, PASS },
	{ "mem.reset-keeps-state: reset unplugs", PF_CHK_MEM_RESET_KEEPS_STATE, 0,
	  SIM_MEM_RESET_UNPLUGS, NONE, FAIL("reset/plugged-size") },
	{ "mem.reset-keeps-state: reset unplugs, plugged_size kept", PF_CHK_MEM_RESET_KEEPS_STATE,
	  0, SIM_MEM_RESET_FORGETS, NONE, FAIL("reset/state") },
};

static struct ut_dev U;
static struct sim_mem M;

/* The device is left with nothing plugged, whatever the check did. */
static void assert_all_unplugged(const struct mem_case *c)
{
	if (c->expect != PF_VERDICT_PASS && c->expect != PF_VERDICT_WARN)
		return;
	for (unsigned i = 0; i < SIM_MEM_BLOCKS; i++)
		assert_int_equal(M.plugged[i], 0);
	assert_int_equal(U.sim.config[40], 0);
}

static void test_case(void **state)
{
	const struct mem_case *c = *state;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, MEM, V1 | c->features, 1, 64), 0);
	sim_mem_attach_reachable(&U.sim, &M, c->faults);
	if (c->tweak.off || c->tweak.val)
		sim_mem_cfg_put(&U.sim, c->tweak.off, c->tweak.val, 8);
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_mem, c, v);
	assert_all_unplugged(c);
}

/* The suite through the PCI transport's device configuration too. */
static void test_pci_clean(void **state)
{
	struct virtio_dev *d;

	(void)state;
	for (unsigned id = PF_CHK_MEM_CONFIG; id <= PF_CHK_MEM_PLUGGED_MEMORY; id++) {
		d = ut_pci_open(&U, MEM, V1 | F_UNPLUGGED_INACCESSIBLE, 0, 0);
		assert_non_null(d);
		sim_mem_attach_reachable(&U.sim, &M, 0);
		ut_auto_progress(&U);
		assert_int_equal(ut_run_check((enum pf_check_id)id, d), PF_VERDICT_PASS);
	}
}

static const struct CMUnitTest extra[] = {
	cmocka_unit_test_setup(test_pci_clean, ut_setup),
};

UT_CHECK_TABLE(ut_checks_mem, "checks_mem", cases, struct mem_case, test_case, ut_setup, NULL,
	       extra);

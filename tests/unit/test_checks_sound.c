/* SPDX-License-Identifier: MIT */
/*
 * The sound suite (common/include/pf/checks_sound.def) on the simulated
 * sound device of sim_sound.c, clean and with each of its faults.
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
#include "sim_sound.h"
#include "unit_helpers.h"
#include "ut_table.h"

#define SOUND 25
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)

#define F_CTLS VIRTIO_BIT(0)

struct snd_case {
	const char *name;
	enum pf_check_id check;
	uint64_t features;
	enum snd_fault fault;
	enum pf_verdict expect;
	const char *sub;
};

#define INFO PF_CHK_SOUND_INFO, 0
#define CTL PF_CHK_SOUND_CTL, F_CTLS
#define PCM PF_CHK_SOUND_PCM, 0
#define FAIL PF_VERDICT_FAIL

static const struct snd_case cases[] = {
	{ "sound info clean", INFO, SNF_NONE, PF_VERDICT_PASS, NULL },
	{ "sound: jack feature undefined", INFO, SNF_JACK_FEATURES, FAIL, "jack-features" },
	{ "sound: jack padding", INFO, SNF_JACK_PADDING, FAIL, "jack-padding" },
	{ "sound: stream feature undefined", INFO, SNF_PCM_FEATURES, FAIL, "pcm-features" },
	{ "sound: stream format undefined", INFO, SNF_PCM_FORMATS, FAIL, "pcm-formats" },
	{ "sound: stream rate undefined", INFO, SNF_PCM_RATES, FAIL, "pcm-rates" },
	{ "sound: stream direction undefined", INFO, SNF_PCM_DIRECTION, FAIL, "pcm-direction" },
	{ "sound: stream padding", INFO, SNF_PCM_PADDING, FAIL, "pcm-padding" },
	{ "sound: channel map direction", INFO, SNF_CHMAP_DIR, FAIL, "chmap-direction" },
	{ "sound: 19 channel positions", INFO, SNF_CHMAP_MAX, FAIL, "chmap-channels" },
	{ "sound: info queries fail", INFO, SNF_INFO_ERROR, PF_VERDICT_WARN, "status" },
	{ "sound ctl clean", CTL, SNF_NONE, PF_VERDICT_PASS, NULL },
	{ "sound ctl without CTLS", PF_CHK_SOUND_CTL, 0, SNF_NONE, PF_VERDICT_NA, NULL },
	{ "sound: control role undefined", CTL, SNF_CTL_ROLE, FAIL, "ctl-role" },
	{ "sound: control type undefined", CTL, SNF_CTL_TYPE, FAIL, "ctl-type" },
	{ "sound: control access undefined", CTL, SNF_CTL_ACCESS, FAIL, "ctl-access" },
	{ "sound: INTEGER64 count 65", CTL, SNF_CTL_COUNT, FAIL, "ctl-count" },
	{ "sound: control name unterminated", CTL, SNF_CTL_NAME, FAIL, "ctl-name" },
	{ "sound: two controls of one name and index", CTL, SNF_CTL_DUP, FAIL, "ctl-duplicate" },
	{ "sound: enumerated item unterminated", CTL, SNF_CTL_ITEM, FAIL, "ctl-item-name" },
	{ "sound pcm clean", PCM, SNF_NONE, PF_VERDICT_PASS, NULL },
	{ "sound: release before its I/O", PCM, SNF_RELEASE_EARLY, FAIL, "release-before-io" },
	/* fails the release's order first, then never completes the periods */
	{ "sound: release drops its I/O", PCM, SNF_RELEASE_DROP, FAIL, "release-before-io" },
	{ "sound: tx without status", PCM, SNF_TX_NO_STATUS, PF_VERDICT_WARN, "tx-status-len" },
};

static struct ut_dev U;

static void test_case(void **state)
{
	const struct snd_case *c = *state;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, SOUND, V1 | c->features, 4, 64), 0);
	sim_sound_attach(&U.sim, c->fault);
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_sound, c, v);
}

UT_CHECK_TABLE_N(ut_checks_sound, "checks_sound", cases, struct snd_case, test_case, ut_setup, NULL,
		 NULL, 0);

/* SPDX-License-Identifier: MIT */
/*
 * A simulated sound device (5.14): two jacks, an output and an input
 * stream, two channel maps; item information as 5.14.6 lays it out, and
 * the PCM stream state machine with its tx and rx queues. Each fault
 * breaks one rule.
 */
#ifndef PF_SIM_SOUND_H
#define PF_SIM_SOUND_H

#include "sim_device.h"

enum snd_fault {
	SNF_NONE,
	SNF_JACK_FEATURES, /* jack features bit 3 */
	SNF_JACK_PADDING,  /* jack padding byte set */
	SNF_PCM_FEATURES,  /* stream features bit 7 */
	SNF_PCM_FORMATS,   /* format bit 40 */
	SNF_PCM_RATES,	   /* rate bit 20 */
	SNF_PCM_DIRECTION, /* stream direction 2 */
	SNF_PCM_PADDING,   /* stream padding byte set */
	SNF_CHMAP_DIR,	   /* channel map direction 5 */
	SNF_CHMAP_MAX,	   /* channel map with 19 channels */
	SNF_INFO_ERROR,	   /* every info query answers IO_ERR */
	SNF_RELEASE_EARLY, /* RELEASE completes before the pending periods */
	SNF_RELEASE_DROP,  /* RELEASE leaves pending periods unused for ever */
	SNF_TX_NO_STATUS,  /* tx buffers used with len 0 */
	SNF_CTL_ROLE,	   /* control role 9 */
	SNF_CTL_TYPE,	   /* control type 6 */
	SNF_CTL_ACCESS,	   /* control access bit 9 */
	SNF_CTL_COUNT,	   /* an INTEGER64 control with count 65 */
	SNF_CTL_NAME,	   /* a control name without its NUL */
	SNF_CTL_DUP,	   /* two controls "Master" index 0 */
	SNF_CTL_ITEM,	   /* an enumerated item name without its NUL */
};

void sim_sound_attach(struct sim_dev *s, enum snd_fault fault);

#endif

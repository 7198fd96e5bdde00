/* SPDX-License-Identifier: MIT */
/* The sound device suite (5.14): codes and the helpers its checks share. */
#ifndef PF_CHECKS_DEV_SOUND_H
#define PF_CHECKS_DEV_SOUND_H

#include <stdint.h>

#include "dev_queue.h"

#define SND_CONTROLQ 0
#define SND_EVENTQ 1
#define SND_TXQ 2
#define SND_RXQ 3
#define VIRTIO_SND_F_CTLS 0

#define SND_R_JACK_INFO 1
#define SND_R_PCM_INFO 0x0100
#define SND_R_PCM_SET_PARAMS 0x0101
#define SND_R_PCM_PREPARE 0x0102
#define SND_R_PCM_RELEASE 0x0103
#define SND_R_PCM_START 0x0104
#define SND_R_PCM_STOP 0x0105
#define SND_R_CHMAP_INFO 0x0200
#define SND_R_CTL_INFO 0x0300
#define SND_S_OK 0x8000

#define SND_PCM_INFO_SIZE 32
#define SND_CTL_INFO_SIZE 96

/* Little-endian field of `width` bytes. */
uint64_t snd_le(const uint8_t *p, unsigned width);

/* Item id's information (size bytes) into out; false when the check
 * cannot go on or the device answered no (reported). */
bool snd_item(struct pf_test *t, struct chk_dev *c, uint32_t code, uint32_t id, uint32_t size,
	      uint8_t *out);

#endif

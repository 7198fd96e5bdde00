/* SPDX-License-Identifier: MIT */
/* A simulated sound device (sim_sound.h). */
#include <string.h>

#include "sim_sound.h"

#define S_OK 0x8000
#define S_BAD_MSG 0x8001
#define S_IO_ERR 0x8003

enum {
	PCM_NONE,
	PCM_SET,
	PCM_PREPARED,
	PCM_RUNNING,
	PCM_RELEASED
};

static struct {
	enum snd_fault fault;
	int state;
} M;

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Item `id` of a query: jack, stream or channel map information. */
static void item(uint32_t code, uint32_t id, uint8_t *p)
{
	put32(p, id + 2); /* hda_fn_nid */
	switch (code) {
	case 1:
		put32(p + 4, M.fault == SNF_JACK_FEATURES ? 0x8 : 0x1);
		p[16] = 1; /* connected */
		p[17] = M.fault == SNF_JACK_PADDING;
		break;
	case 0x100:
		put32(p + 4, M.fault == SNF_PCM_FEATURES ? 0x80 : 0x4);
		put64(p + 8, (1ull << 5) | (M.fault == SNF_PCM_FORMATS ? 1ull << 40 : 0));
		put64(p + 16, (1ull << 7) | (M.fault == SNF_PCM_RATES ? 1ull << 20 : 0));
		p[24] = M.fault == SNF_PCM_DIRECTION ? 2 : (uint8_t)(id & 1);
		p[25] = 1;
		p[26] = 2;
		p[28] = M.fault == SNF_PCM_PADDING;
		break;
	case 0x300:
		put32(p + 4, M.fault == SNF_CTL_ROLE ? 9 : 1);
		put32(p + 8, M.fault == SNF_CTL_TYPE	? 6
			     : M.fault == SNF_CTL_COUNT ? 2
			     : id == 1			? 3 /* ENUMERATED */
							: 1);
		put32(p + 72, 2); /* enumerated items */
		put32(p + 12, M.fault == SNF_CTL_ACCESS ? 0x203 : 0x3);
		put32(p + 16, M.fault == SNF_CTL_COUNT ? 65 : 2);
		put32(p + 20, M.fault == SNF_CTL_DUP ? 0 : id);
		memcpy(p + 24, "Master Playback Volume", 23);
		if (M.fault == SNF_CTL_NAME)
			memset(p + 24, 'x', 44);
		break;
	default:
		p[4] = M.fault == SNF_CHMAP_DIR ? 5 : (uint8_t)(id & 1);
		p[5] = M.fault == SNF_CHMAP_MAX ? 19 : 2;
		p[6] = 3; /* FL */
		p[7] = 4; /* FR */
		break;
	}
}

static uint32_t query(const struct sim_req *r, uint32_t code)
{
	uint32_t q[4] = { 0 }, st = S_OK, n = 2;
	uint8_t p[96];

	sim_req_read(r, 0, q, sizeof(q));
	if (q[1] >= n || q[2] > n - q[1] || q[3] > sizeof(p) ||
	    sim_req_writable(r) < 4 + q[2] * q[3])
		st = S_BAD_MSG;
	if (M.fault == SNF_INFO_ERROR)
		st = S_IO_ERR;
	sim_req_write(r, 0, &st, 4);
	if (st != S_OK)
		return 4;
	for (uint32_t i = 0; i < q[2]; i++) {
		memset(p, 0, sizeof(p));
		item(code, q[1] + i, p);
		sim_req_write(r, 4 + i * q[3], p, q[3]);
	}
	return 4 + q[2] * q[3];
}

/* The stream state machine of 5.14.6.6 (one stream is enough). */
static uint32_t pcm(struct sim_dev *s, uint32_t code)
{
	static const int next[] = { PCM_SET, PCM_PREPARED, PCM_RELEASED, PCM_RUNNING,
				    PCM_PREPARED };

	(void)s;
	M.state = next[code - 0x101];
	return S_OK;
}

/* CTL_ENUM_ITEMS of the ENUMERATED control 1: two option names. */
static uint32_t enum_items(const struct sim_req *r)
{
	uint8_t item[64];
	uint32_t st = S_OK;

	sim_req_write(r, 0, &st, 4);
	for (unsigned i = 0; i < 2; i++) {
		memset(item, M.fault == SNF_CTL_ITEM && i ? 'y' : 0, sizeof(item));
		memcpy(item, i ? "Line" : "Mic", i ? 4 : 3);
		sim_req_write(r, 4 + i * 64, item, sizeof(item));
	}
	return 4 + 2 * 64;
}

static uint32_t snd_serve(struct sim_dev *s, const struct sim_req *r)
{
	uint32_t code = 0, st[2] = { S_BAD_MSG, 0 };

	sim_req_read(r, 0, &code, 4);
	if (r->queue == 2) {
		st[0] = S_OK;
		return M.fault == SNF_TX_NO_STATUS ? 0 : sim_req_write(r, 0, st, 8);
	}
	if (r->queue == 0 && (code == 1 || code == 0x100 || code == 0x200 || code == 0x300))
		return query(r, code);
	if (r->queue == 0 && code == 0x301)
		return enum_items(r);
	if (r->queue == 0 && code >= 0x101 && code <= 0x105)
		st[0] = pcm(s, code);
	return sim_req_write(r, 0, st, 4);
}

/*
 * The eventq has nothing to say. The clean device takes periods into its
 * buffer at once, so none is pending when a release comes; the faulty
 * ones keep them while the stream does not run, and after the release
 * use them late (SNF_RELEASE_EARLY) or never (SNF_RELEASE_DROP).
 */
static bool snd_hold(struct sim_dev *s, uint16_t q)
{
	(void)s;
	if (q == 1)
		return true;
	if (q != 2 || (M.fault != SNF_RELEASE_EARLY && M.fault != SNF_RELEASE_DROP) ||
	    M.state == PCM_RUNNING)
		return false;
	return M.state != PCM_RELEASED || M.fault == SNF_RELEASE_DROP;
}

void sim_sound_attach(struct sim_dev *s, enum snd_fault fault)
{
	memset(&M, 0, sizeof(M));
	M.fault = fault;
	memset(s->config, 0, s->config_len);
	s->config[0] = 2;  /* jacks */
	s->config[4] = 2;  /* streams */
	s->config[8] = 2;  /* chmaps */
	s->config[12] = 2; /* controls */
	s->serve = snd_serve;
	s->hold = snd_hold;
}

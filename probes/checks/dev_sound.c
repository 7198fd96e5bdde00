/* SPDX-License-Identifier: MIT */
/* The sound device suite (5.14): item information. */
#include <string.h>

#include "dev_sound.h"
#include "report.h"

#define SND_JACK_INFO_SIZE 24
#define SND_CHMAP_INFO_SIZE 24
#define SND_CHUNK 32 /* items per query */
#define SND_CHMAP_MAX_SIZE 18

/* defined bits: jack features (REMAP), stream features (SHMEM_HOST ..
 * EVT_XRUNS), formats (IMA_ADPCM .. IEC958_SUBFRAME), rates (5512 .. 24000) */
#define SND_JACK_FEATURES 0x1u
#define SND_PCM_FEATURES 0x1fu
#define SND_PCM_FORMATS ((1ull << 25) - 1)
#define SND_PCM_RATES ((1ull << 16) - 1)

uint64_t snd_le(const uint8_t *p, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = width; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static bool all_zero(const uint8_t *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void snd_jack(struct pf_test *t, uint32_t id, const uint8_t *p)
{
	report(t, !(snd_le(p + 4, 4) & ~SND_JACK_FEATURES), "jack-features",
	       "jack %u: features 0x%x has undefined bits", id, (unsigned)snd_le(p + 4, 4));
	report(t, all_zero(p + 17, 7), "jack-padding", "jack %u: padding not 0", id);
}

static void snd_pcm(struct pf_test *t, uint32_t id, const uint8_t *p)
{
	report(t, !(snd_le(p + 4, 4) & ~SND_PCM_FEATURES), "pcm-features",
	       "stream %u: features 0x%x has undefined bits", id, (unsigned)snd_le(p + 4, 4));
	report(t, !(snd_le(p + 8, 8) & ~SND_PCM_FORMATS), "pcm-formats",
	       "stream %u: formats 0x%llx has undefined bits", id,
	       (unsigned long long)snd_le(p + 8, 8));
	report(t, !(snd_le(p + 16, 8) & ~SND_PCM_RATES), "pcm-rates",
	       "stream %u: rates 0x%llx has undefined bits", id,
	       (unsigned long long)snd_le(p + 16, 8));
	report(t, p[24] <= 1, "pcm-direction", "stream %u: direction %u is undefined", id, p[24]);
	report(t, all_zero(p + 27, 5), "pcm-padding", "stream %u: padding not 0", id);
}

static void snd_chmap(struct pf_test *t, uint32_t id, const uint8_t *p)
{
	report(t, p[4] <= 1, "chmap-direction", "channel map %u: direction %u is undefined", id,
	       p[4]);
	report(t, p[5] <= SND_CHMAP_MAX_SIZE, "chmap-channels",
	       "channel map %u: %u channels, at most %u", id, p[5], SND_CHMAP_MAX_SIZE);
}

bool snd_item(struct pf_test *t, struct chk_dev *c, uint32_t code, uint32_t id, uint32_t size,
	      uint8_t *out)
{
	static uint8_t in[4 + SND_CTL_INFO_SIZE];
	uint32_t q[4] = { code, id, 1, size }, len, st;

	if (size > SND_CTL_INFO_SIZE || chk_dev_request(t, c, SND_CONTROLQ, q, sizeof(q), in,
							4 + size, &len, "an info query") != 1)
		return false;
	st = (uint32_t)snd_le(in, 4);
	if (!report_should(t, len == 4 + size && st == SND_S_OK, "status",
			   "info 0x%x of item %u: status 0x%x, used len %u", code, id, st, len))
		return false;
	memcpy(out, in + 4, size);
	return true;
}

typedef void (*snd_item_fn)(struct pf_test *t, uint32_t id, const uint8_t *p);

/* Queries items [0, n) of one kind, SND_CHUNK at a time; false: stop. */
static bool snd_query(struct pf_test *t, struct chk_dev *c, uint32_t code, uint32_t n,
		      uint32_t size, snd_item_fn fn, const char *what)
{
	static uint8_t in[4 + SND_CHUNK * SND_PCM_INFO_SIZE];

	for (uint32_t start = 0; start < n && !report_stopped(t); start += SND_CHUNK) {
		uint32_t q[4] = { code, start, n - start < SND_CHUNK ? n - start : SND_CHUNK,
				  size };
		uint32_t len, want = 4 + q[2] * size, st;

		if (chk_dev_request(t, c, SND_CONTROLQ, q, sizeof(q), in, want, &len, what) != 1)
			return false;
		st = (uint32_t)snd_le(in, 4);
		if (!report_should(t, len == want && st == SND_S_OK, "status",
				   "%s of items %u..%u: status 0x%x, used len %u of %u", what,
				   start, start + q[2] - 1, st, len, want))
			return true;
		for (uint32_t i = 0; i < q[2]; i++)
			fn(t, start + i, in + 4 + i * size);
	}
	return true;
}

void check_SOUND_INFO(struct pf_test *t)
{
	uint32_t jacks, streams, chmaps;
	struct chk_dev c;

	if (!chk_dev_open(t, &c, 0, 1, true))
		return;
	jacks = (uint32_t)chk_dev_cfg(&c, 0, 4);
	streams = (uint32_t)chk_dev_cfg(&c, 4, 4);
	chmaps = (uint32_t)chk_dev_cfg(&c, 8, 4);
	report_log(t, 1, "%u jacks, %u streams, %u channel maps", jacks, streams, chmaps);
	/* a count past what fits in memory is itself a broken device */
	if (jacks > 1024 || streams > 1024 || chmaps > 1024) {
		report_skip(t, "more than 1024 items of one kind: not queried");
		goto out;
	}
	if (snd_query(t, &c, SND_R_JACK_INFO, jacks, SND_JACK_INFO_SIZE, snd_jack, "JACK_INFO") &&
	    snd_query(t, &c, SND_R_PCM_INFO, streams, SND_PCM_INFO_SIZE, snd_pcm, "PCM_INFO"))
		snd_query(t, &c, SND_R_CHMAP_INFO, chmaps, SND_CHMAP_INFO_SIZE, snd_chmap,
			  "CHMAP_INFO");
out:
	chk_dev_close(&c);
}

/* Control element information (5.14.6.10.1.1). */
#define SND_CTL_MAX 128 /* elements a check looks at */
#define SND_CTL_NAME 44
#define SND_CTL_TYPE_ENUMERATED 3
#define SND_R_CTL_ENUM_ITEMS 0x0301
#define SND_CTL_ITEM 64
#define SND_CTL_ITEMS_MAX 128

/* A non-empty NUL-terminated ASCII string within n bytes. */
static bool snd_ascii(const uint8_t *p, unsigned n)
{
	unsigned len = 0;

	while (len < n && p[len] && p[len] < 0x80)
		len++;
	return len && len < n && !p[len];
}

static const uint32_t snd_ctl_count_max[] = { 128, 128, 64, 128, 512, 1 };

static void snd_ctl_rules(struct pf_test *t, uint32_t id, const uint8_t *p)
{
	uint32_t role = (uint32_t)snd_le(p + 4, 4), type = (uint32_t)snd_le(p + 8, 4);
	uint32_t access = (uint32_t)snd_le(p + 12, 4), count = (uint32_t)snd_le(p + 16, 4);

	report(t, role <= 3, "ctl-role", "control %u: role %u is undefined", id, role);
	report(t, type <= 5, "ctl-type", "control %u: type %u is undefined", id, type);
	report(t, !(access & ~0x7fu), "ctl-access", "control %u: access 0x%x has undefined bits",
	       id, access);
	if (type <= 5)
		report(t, count && count <= snd_ctl_count_max[type], "ctl-count",
		       "control %u of type %u: count %u, 1 to %u expected", id, type, count,
		       snd_ctl_count_max[type]);
	report(t, snd_ascii(p + 24, SND_CTL_NAME), "ctl-name",
	       "control %u: name is not a non-empty NUL-terminated ASCII string", id);
}

/* Same index and the same name up to its NUL. */
static bool snd_ctl_same(const uint8_t *a, const uint8_t *b)
{
	if (memcmp(a + 20, b + 20, 4))
		return false;
	for (unsigned i = 0; i < SND_CTL_NAME; i++) {
		if (a[24 + i] != b[24 + i])
			return false;
		if (!a[24 + i])
			break;
	}
	return true;
}

/* The item strings of an ENUMERATED element (CTL_ENUM_ITEMS). */
static bool snd_ctl_items(struct pf_test *t, struct chk_dev *c, uint32_t id, uint32_t items)
{
	static uint8_t in[4 + SND_CTL_ITEMS_MAX * SND_CTL_ITEM];
	uint32_t req[2] = { SND_R_CTL_ENUM_ITEMS, id }, len, want, st;

	if (items > SND_CTL_ITEMS_MAX)
		items = SND_CTL_ITEMS_MAX;
	want = 4 + items * SND_CTL_ITEM;
	if (chk_dev_request(t, c, SND_CONTROLQ, req, sizeof(req), in, want, &len,
			    "CTL_ENUM_ITEMS") != 1)
		return false;
	st = (uint32_t)snd_le(in, 4);
	if (!report_should(t, len == want && st == SND_S_OK, "status",
			   "CTL_ENUM_ITEMS of control %u: status 0x%x, used len %u of %u", id, st,
			   len, want))
		return true;
	for (uint32_t i = 0; i < items; i++)
		if (!report(t, snd_ascii(in + 4 + i * SND_CTL_ITEM, SND_CTL_ITEM), "ctl-item-name",
			    "control %u item %u: not a non-empty NUL-terminated ASCII string", id,
			    i))
			break;
	return true;
}

void check_SOUND_CTL(struct pf_test *t)
{
	static uint8_t info[SND_CTL_MAX][SND_CTL_INFO_SIZE];
	struct chk_dev c;
	uint32_t n;

	if (!chk_dev_open(t, &c, VIRTIO_BIT(VIRTIO_SND_F_CTLS), 1, true))
		return;
	if (!chk_dev_has(&c, VIRTIO_SND_F_CTLS)) {
		report_na(t, "VIRTIO_SND_F_CTLS not offered: no control elements");
		goto out;
	}
	n = (uint32_t)chk_dev_cfg(&c, 12, 4);
	report_log(t, 1, "%u control elements", n);
	if (n > SND_CTL_MAX)
		n = SND_CTL_MAX;
	for (uint32_t id = 0; id < n && !report_stopped(t); id++) {
		if (!snd_item(t, &c, SND_R_CTL_INFO, id, SND_CTL_INFO_SIZE, info[id]))
			goto out;
		snd_ctl_rules(t, id, info[id]);
		if (snd_le(info[id] + 8, 4) == SND_CTL_TYPE_ENUMERATED &&
		    !snd_ctl_items(t, &c, id, (uint32_t)snd_le(info[id] + 72, 4)))
			goto out;
		/* (name, index) identifies an element */
		for (uint32_t k = 0; k < id; k++)
			if (!report(t, !snd_ctl_same(info[k], info[id]), "ctl-duplicate",
				    "controls %u and %u: same name and index", k, id))
				break;
	}
out:
	chk_dev_close(&c);
}

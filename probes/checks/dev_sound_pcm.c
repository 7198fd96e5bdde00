/* SPDX-License-Identifier: MIT */
/* The sound device suite (5.14): a PCM output stream driven as a driver does. */
#include <string.h>

#include "dev_sound.h"
#include "report.h"

#define SND_MAX_STREAMS 16 /* streams looked at for an output one */
#define SND_PERIODS 3	   /* tx buffers in flight */
#define SND_FRAMES 32	   /* frames per period */

/* Physical bytes per sample of each VIRTIO_SND_PCM_FMT_* (ADPCM rounded up). */
static const uint8_t snd_fmt_bytes[64] = { 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3,
					   4, 4, 4, 4, 4, 4, 4, 8, 1, 2, 4, 4 };

/* struct virtio_snd_pcm_set_params */
struct snd_params {
	uint32_t code, stream_id, buffer_bytes, period_bytes, features;
	uint8_t channels, format, rate, padding;
};

static unsigned lowest_bit(uint64_t v)
{
	unsigned b = 0;

	while (b < 63 && !(v & (1ull << b)))
		b++;
	return b;
}

/* A control request answered by a status; -1 when the check cannot go on. */
static int snd_ctl(struct pf_test *t, struct chk_dev *c, uint32_t code, uint32_t stream,
		   const void *req, uint32_t len, const char *what)
{
	uint32_t hdr[2] = { code, stream }, st = 0, used;

	if (chk_dev_request(t, c, SND_CONTROLQ, req ? req : hdr, req ? len : sizeof(hdr), &st, 4,
			    &used, what) != 1)
		return -1;
	if (!report(t, used == 4, "ctl-status-len", "%s: used len %u, a 4-byte status expected",
		    what, used))
		return -1;
	return (int)st;
}

/* The first output stream and parameters its information offers. */
static bool snd_pick_output(struct pf_test *t, struct chk_dev *c, uint32_t n, struct snd_params *p)
{
	uint8_t info[SND_PCM_INFO_SIZE];

	for (uint32_t id = 0; id < n && id < SND_MAX_STREAMS; id++) {
		uint64_t formats, rates;
		unsigned frame;

		if (!snd_item(t, c, SND_R_PCM_INFO, id, SND_PCM_INFO_SIZE, info))
			return false;
		formats = snd_le(info + 8, 8) & ((1ull << 25) - 1);
		rates = snd_le(info + 16, 8) & 0xffff;
		if (info[24] != 0 || !formats || !rates || !info[25] ||
		    info[25] * snd_fmt_bytes[lowest_bit(formats)] > 18 * 8)
			continue;
		memset(p, 0, sizeof(*p));
		p->code = SND_R_PCM_SET_PARAMS;
		p->stream_id = id;
		p->channels = info[25];
		p->format = (uint8_t)lowest_bit(formats);
		p->rate = (uint8_t)lowest_bit(rates);
		frame = p->channels * snd_fmt_bytes[p->format];
		p->period_bytes = frame * SND_FRAMES;
		p->buffer_bytes = p->period_bytes * 4;
		return true;
	}
	return false;
}

/* Posts n periods of silence for the stream on the txq. */
static bool snd_post_tx(struct pf_test *t, struct chk_dev *c, const struct snd_params *p,
			unsigned n)
{
	static uint8_t buf[4 + 18 * 8 * SND_FRAMES];

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &p->stream_id, 4);
	for (unsigned i = 0; i < n; i++)
		if (chk_dev_post(t, c, SND_TXQ, buf, 4 + p->period_bytes, 8) < 0)
			return false;
	chk_dev_kick(c, SND_TXQ);
	return true;
}

/* Takes n tx completions; each carries the 8-byte status and latency. */
static bool snd_take_tx(struct pf_test *t, struct chk_dev *c, unsigned n, const char *sub,
			const char *when)
{
	for (unsigned i = 0; i < n; i++) {
		uint32_t len;
		int s, rc = chk_dev_wait(t, c, SND_TXQ, &s, &len);

		if (rc == PF_ETIMEDOUT)
			report(t, false, sub, "%s: %u of %u tx buffers never completed", when,
			       n - i, n);
		if (rc != 1)
			return false;
		report_should(
			t, len == 8, "tx-status-len",
			"%s: tx buffer used len %u, the 8-byte virtio_snd_pcm_status expected",
			when, len);
	}
	return true;
}

/* RELEASE with periods pending: they complete first (5.14.6.6.5.1). */
static void snd_release(struct pf_test *t, struct chk_dev *c, const struct snd_params *p)
{
	uint32_t hdr[2] = { SND_R_PCM_RELEASE, p->stream_id }, len;
	uint16_t done;
	int s, rc;

	if (!snd_post_tx(t, c, p, SND_PERIODS) ||
	    chk_dev_post(t, c, SND_CONTROLQ, hdr, sizeof(hdr), 4) < 0)
		return;
	chk_dev_kick(c, SND_CONTROLQ);
	rc = chk_dev_wait(t, c, SND_CONTROLQ, &s, &len);
	if (rc == PF_ETIMEDOUT)
		report(t, false, "no-used", "PCM_RELEASE with I/O pending never completed");
	if (rc != 1)
		return;
	/* what the device had used when it completed the release */
	done = virtq_split_pending(&c->vq[SND_TXQ]);
	report(t, done >= SND_PERIODS, "release-before-io",
	       "PCM_RELEASE completed with %u of %u tx buffers of the stream still pending",
	       SND_PERIODS - done, SND_PERIODS);
	snd_take_tx(t, c, SND_PERIODS, "io-not-completed", "after PCM_RELEASE");
}

void check_SOUND_PCM(struct pf_test *t)
{
	struct snd_params p;
	struct chk_dev c;
	int st;

	if (!chk_dev_open(t, &c, 0, 4, true))
		return;
	if (c.nqueues < 4) {
		report_error(t, "the device has %u queues, a sound device has 4", c.nqueues);
		goto out;
	}
	if (!snd_pick_output(t, &c, (uint32_t)chk_dev_cfg(&c, 4, 4), &p)) {
		if (!report_stopped(t))
			report_na(t, "no output stream");
		goto out;
	}
	st = snd_ctl(t, &c, 0, 0, &p, sizeof(p), "PCM_SET_PARAMS");
	if (st < 0 || !report_should(t, st == SND_S_OK, "set-params",
				     "PCM_SET_PARAMS of what PCM_INFO offers: status 0x%x", st))
		goto out;
	st = snd_ctl(t, &c, SND_R_PCM_PREPARE, p.stream_id, NULL, 0, "PCM_PREPARE");
	if (st < 0 || !report_should(t, st == SND_S_OK, "prepare", "PCM_PREPARE: status 0x%x", st))
		goto out;
	/* the job: periods played once the stream runs */
	if (!snd_post_tx(t, &c, &p, 2) ||
	    snd_ctl(t, &c, SND_R_PCM_START, p.stream_id, NULL, 0, "PCM_START") < 0 ||
	    !snd_take_tx(t, &c, 2, "tx-no-used", "playing") ||
	    snd_ctl(t, &c, SND_R_PCM_STOP, p.stream_id, NULL, 0, "PCM_STOP") < 0)
		goto out;
	snd_release(t, &c, &p);
out:
	chk_dev_close(&c);
}

/* SPDX-License-Identifier: MIT */
/* The SPI controller device suite (5.21). */
#include <string.h>

#include "dev_queue.h"
#include "report.h"
#include "ring.h"
#include "timing.h"

#define SPI_REQUESTQ 0

#define SPI_TRANS_OK 0
#define SPI_PARAM_ERR 1

/* struct virtio_spi_config */
#define SPI_CFG_CS_MAX 0
#define SPI_CFG_TX_NBITS 2
#define SPI_CFG_RX_NBITS 3
#define SPI_CFG_BPW_MASK 4
#define SPI_CFG_MODE_FUNC 8
#define SPI_CFG_MAX_FREQ 12
#define SPI_CFG_MAX_WORD_DELAY 16
#define SPI_CFG_MAX_CS_SETUP 20

/* struct virtio_spi_transfer_head */
struct spi_head {
	uint8_t chip_select_id;
	uint8_t bits_per_word;
	uint8_t cs_change;
	uint8_t tx_nbits;
	uint8_t rx_nbits;
	uint8_t reserved[3];
	uint32_t mode;
	uint32_t freq;
	uint32_t word_delay_ns;
	uint32_t cs_setup_ns;
	uint32_t cs_delay_hold_ns;
	uint32_t cs_change_delay_inactive_ns;
};

#define SPI_DATA 16u

struct spi_cfg {
	uint8_t cs_max;
	uint32_t bpw_mask, mode_func, max_freq, max_word_delay, max_cs_setup;
};

/*
 * One transfer: the head and tx_len bytes of tx_buf device-readable,
 * rx_len bytes of rx_buf and the result device-writable. Checks that
 * tx_buf comes back as sent (5.21.6.4: the device does not modify it).
 * Returns the result byte, or -1 when the check cannot go on (reported).
 */
static int spi_transfer(struct pf_test *t, struct chk_dev *c, const struct spi_head *h,
			uint32_t tx_len, uint32_t rx_len, const char *what)
{
	uint8_t out[sizeof(*h) + SPI_DATA];
	const uint8_t *rd;
	uint32_t len;
	int slot, s, rc;

	memcpy(out, h, sizeof(*h));
	for (uint32_t i = 0; i < SPI_DATA; i++)
		out[sizeof(*h) + i] = (uint8_t)(0x5a ^ i);
	slot = chk_dev_post(t, c, SPI_REQUESTQ, out, sizeof(*h) + tx_len, rx_len + 1);
	if (slot < 0)
		return -1;
	chk_dev_kick(c, SPI_REQUESTQ);
	rc = chk_dev_wait(t, c, SPI_REQUESTQ, &s, &len);
	if (rc == PF_ETIMEDOUT)
		report(t, false, "no-used", "%s: no used buffer within %llu ms", what,
		       (unsigned long long)(chk_wait_ns() / 1000000));
	if (rc != 1)
		return -1;
	rd = c->slot[SPI_REQUESTQ][s].mem + CHK_GUARD_LEN;
	report(t, !memcmp(rd, out, sizeof(*h) + tx_len), "tx-buf-changed",
	       "%s: the device changed the device-readable head or tx_buf", what);
	if (!report(t, len == rx_len + 1, "no-result",
		    "%s: used len %u, the result byte (at %u) not written", what, len, rx_len))
		return -1;
	return chk_dev_in(c, SPI_REQUESTQ, s)[rx_len];
}

/* A transfer the device must refuse with PARAM_ERR. */
static bool spi_refused(struct pf_test *t, struct chk_dev *c, const struct spi_head *h,
			uint32_t tx_len, uint32_t rx_len, const char *sub, const char *what)
{
	int r = spi_transfer(t, c, h, tx_len, rx_len, what);

	if (r < 0)
		return false;
	report(t, r == SPI_PARAM_ERR, sub, "%s: result %d, must be PARAM_ERR (1)", what, r);
	return true;
}

/* A head the configuration supports: chip select 0, single-bit, mode 0
 * where supported, the lowest bits_per_word offered. */
static void spi_valid_head(const struct spi_cfg *cfg, struct spi_head *h)
{
	memset(h, 0, sizeof(*h));
	h->bits_per_word = 8;
	for (unsigned n = 0; cfg->bpw_mask && n < 32; n++)
		if (cfg->bpw_mask & (1u << n)) {
			h->bits_per_word = (uint8_t)(n + 1);
			break;
		}
	if (!(cfg->mode_func & 1)) /* CPHA=1 only */
		h->mode |= 1;
	if (!(cfg->mode_func & 4)) /* CPOL=1 only */
		h->mode |= 2;
	h->freq = cfg->max_freq ? cfg->max_freq : 1000000;
}

/* Heads with one field the device does not support; false: stop. */
static bool spi_bad_params(struct pf_test *t, struct chk_dev *c, const struct spi_cfg *cfg)
{
	struct spi_head ok, h;

	spi_valid_head(cfg, &ok);
	h = ok;
	h.chip_select_id = cfg->cs_max;
	if (!spi_refused(t, c, &h, 4, 0, "bad-cs", "chip_select_id == cs_max_number"))
		return false;
	h = ok;
	h.tx_nbits = 3;
	if (!spi_refused(t, c, &h, 4, 0, "bad-nbits", "tx_nbits 3 (no such mode)"))
		return false;
	/* mode bits the device says it cannot do: the other CPHA / CPOL
	 * setting when only one is offered, CS_HIGH, LSB_FIRST, LOOP */
	for (unsigned b = 0; b < 5; b++) {
		static const uint32_t func[5] = { 0x3, 0xc, 0x10, 0x20, 0x40 };
		bool both = (cfg->mode_func & func[b]) == func[b];

		if (both)
			continue;
		h = ok;
		h.mode ^= 1u << b;
		if (b < 2 && (cfg->mode_func & func[b]) == 0)
			continue; /* a config that offers neither: nothing to pick */
		if (!spi_refused(t, c, &h, 4, 0, "bad-mode", "a mode bit the device lacks"))
			return false;
	}
	for (unsigned n = 0; cfg->bpw_mask && n < 32; n++) {
		if (cfg->bpw_mask & (1u << n))
			continue;
		h = ok;
		h.bits_per_word = (uint8_t)(n + 1);
		if (!spi_refused(t, c, &h, 4, 0, "bad-bpw", "bits_per_word not in the mask"))
			return false;
		break;
	}
	if (cfg->max_freq && cfg->max_freq < 0xffffffffu) {
		h = ok;
		h.freq = cfg->max_freq + 1;
		if (!spi_refused(t, c, &h, 4, 0, "bad-freq", "freq above max_freq_hz"))
			return false;
	}
	if (!cfg->max_word_delay) {
		h = ok;
		h.word_delay_ns = 100;
		if (!spi_refused(t, c, &h, 4, 0, "bad-delay", "word_delay_ns, unsupported"))
			return false;
	}
	if (!cfg->max_cs_setup) {
		h = ok;
		h.cs_setup_ns = 100;
		if (!spi_refused(t, c, &h, 4, 0, "bad-delay", "cs_setup_ns, unsupported"))
			return false;
	}
	return true;
}

void check_SPI_TRANSFER(struct pf_test *t)
{
	struct chk_dev c;
	struct spi_cfg cfg;
	struct spi_head h;
	int r;

	if (!chk_dev_open(t, &c, 0, 1, true))
		return;
	cfg.cs_max = (uint8_t)chk_dev_cfg(&c, SPI_CFG_CS_MAX, 1);
	cfg.bpw_mask = (uint32_t)chk_dev_cfg(&c, SPI_CFG_BPW_MASK, 4);
	cfg.mode_func = (uint32_t)chk_dev_cfg(&c, SPI_CFG_MODE_FUNC, 4);
	cfg.max_freq = (uint32_t)chk_dev_cfg(&c, SPI_CFG_MAX_FREQ, 4);
	cfg.max_word_delay = (uint32_t)chk_dev_cfg(&c, SPI_CFG_MAX_WORD_DELAY, 4);
	cfg.max_cs_setup = (uint32_t)chk_dev_cfg(&c, SPI_CFG_MAX_CS_SETUP, 4);
	report_log(t, 1, "cs_max_number %u, bits_per_word_mask 0x%x, mode_func_supported 0x%x",
		   cfg.cs_max, cfg.bpw_mask, cfg.mode_func);
	spi_valid_head(&cfg, &h);
	/* what a driver does: write, read, full duplex (no peripheral needs
	 * to answer: TRANS_OK or TRANS_ERR, only PARAM_ERR would be wrong) */
	r = spi_transfer(t, &c, &h, SPI_DATA, 0, "half-duplex write");
	if (r < 0)
		goto out;
	report_should(t, r != SPI_PARAM_ERR || !cfg.cs_max, "valid-refused",
		      "a supported head got PARAM_ERR");
	r = spi_transfer(t, &c, &h, 0, SPI_DATA, "half-duplex read");
	if (r < 0)
		goto out;
	r = spi_transfer(t, &c, &h, SPI_DATA, SPI_DATA, "full-duplex transfer");
	if (r < 0)
		goto out;
	report_should(t, r != SPI_PARAM_ERR || !cfg.cs_max, "valid-refused",
		      "a full-duplex transfer of equal sizes got PARAM_ERR");
	if (!spi_refused(t, &c, &h, SPI_DATA, SPI_DATA / 2, "duplex-size",
			 "full duplex, tx_buf 16 bytes, rx_buf 8") ||
	    !spi_refused(t, &c, &h, SPI_DATA / 2, SPI_DATA, "duplex-size",
			 "full duplex, tx_buf 8 bytes, rx_buf 16"))
		goto out;
	spi_bad_params(t, &c, &cfg);
out:
	chk_dev_close(&c);
}

/* SPDX-License-Identifier: MIT */
/*
 * The SPI suite (common/include/pf/checks_spi.def) on a simulated SPI
 * controller that validates every transfer head against its configuration
 * (5.21.6.4); each faulty model lets one kind of bad head through or
 * writes where it must not.
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

#define SPI 45
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)

enum spi_fault {
	SF_NONE,
	SF_CS,		/* any chip select */
	SF_NBITS,	/* any tx_nbits / rx_nbits */
	SF_MODE,	/* any mode bits */
	SF_BPW,		/* any bits_per_word */
	SF_FREQ,	/* any frequency */
	SF_DELAY,	/* delays it cannot do */
	SF_DUPLEX,	/* full duplex of different sizes */
	SF_WRITE_TX,	/* writes into tx_buf */
	SF_ALL_REFUSED, /* PARAM_ERR for everything */
};

static enum spi_fault F;

#define CFG_CS_MAX 2
#define CFG_BPW_MASK 0x80u  /* 8 bits per word only */
#define CFG_MODE_FUNC 0x05u /* CPHA=0, CPOL=0 only */
#define CFG_MAX_FREQ 1000000u

static bool spi_param_ok(const uint8_t *h)
{
	uint32_t mode, freq, word_delay, cs_setup;

	memcpy(&mode, h + 8, 4);
	memcpy(&freq, h + 12, 4);
	memcpy(&word_delay, h + 16, 4);
	memcpy(&cs_setup, h + 20, 4);
	if (h[0] >= CFG_CS_MAX && F != SF_CS)
		return false;
	if ((h[3] > 1 || h[4] > 1) && F != SF_NBITS)
		return false;
	if (mode && F != SF_MODE)
		return false;
	if (!(CFG_BPW_MASK & (1u << ((h[1] - 1) & 31))) && F != SF_BPW)
		return false;
	if (freq > CFG_MAX_FREQ && F != SF_FREQ)
		return false;
	if ((word_delay || cs_setup) && F != SF_DELAY)
		return false;
	return true;
}

static uint32_t spi_serve(struct sim_dev *s, const struct sim_req *r)
{
	uint8_t h[32], res = 0;
	uint32_t tx, rx, w = sim_req_writable(r);

	(void)s;
	if (sim_req_read(r, 0, h, sizeof(h)) != sizeof(h) || !w)
		return 0;
	tx = sim_req_readable(r) - sizeof(h);
	rx = w - 1;
	if (!spi_param_ok(h) || (tx && rx && tx != rx && F != SF_DUPLEX) || F == SF_ALL_REFUSED)
		res = 1;
	if (F == SF_WRITE_TX && tx)
		r->seg[0].p[r->seg[0].len - 1] ^= 0xff;
	for (uint32_t i = 0; i < rx; i++) {
		uint8_t b = (uint8_t)i;

		sim_req_write(r, i, &b, 1);
	}
	sim_req_write(r, rx, &res, 1);
	return w;
}

struct spi_case {
	const char *name;
	enum pf_check_id check;
	enum spi_fault fault;
	enum pf_verdict expect;
	const char *sub;
};

static const struct spi_case cases[] = {
	{ "spi clean", PF_CHK_SPI_TRANSFER, SF_NONE, PF_VERDICT_PASS, NULL },
	{ "spi: any chip select", PF_CHK_SPI_TRANSFER, SF_CS, PF_VERDICT_FAIL, "bad-cs" },
	{ "spi: any n-bit mode", PF_CHK_SPI_TRANSFER, SF_NBITS, PF_VERDICT_FAIL, "bad-nbits" },
	{ "spi: any mode", PF_CHK_SPI_TRANSFER, SF_MODE, PF_VERDICT_FAIL, "bad-mode" },
	{ "spi: any bits_per_word", PF_CHK_SPI_TRANSFER, SF_BPW, PF_VERDICT_FAIL, "bad-bpw" },
	{ "spi: any frequency", PF_CHK_SPI_TRANSFER, SF_FREQ, PF_VERDICT_FAIL, "bad-freq" },
	{ "spi: unsupported delays", PF_CHK_SPI_TRANSFER, SF_DELAY, PF_VERDICT_FAIL, "bad-delay" },
	{ "spi: duplex sizes unchecked", PF_CHK_SPI_TRANSFER, SF_DUPLEX, PF_VERDICT_FAIL,
	  "duplex-size" },
	{ "spi: writes into tx_buf", PF_CHK_SPI_TRANSFER, SF_WRITE_TX, PF_VERDICT_FAIL,
	  "tx-buf-changed" },
	{ "spi: refuses everything", PF_CHK_SPI_TRANSFER, SF_ALL_REFUSED, PF_VERDICT_WARN,
	  "valid-refused" },
};

static struct ut_dev U;

static void test_case(void **state)
{
	const struct spi_case *c = *state;
	uint32_t v32;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, SPI, V1, 1, 64), 0);
	memset(U.sim.config, 0, U.sim.config_len);
	U.sim.config[0] = CFG_CS_MAX;
	v32 = CFG_BPW_MASK;
	memcpy(U.sim.config + 4, &v32, 4);
	v32 = CFG_MODE_FUNC;
	memcpy(U.sim.config + 8, &v32, 4);
	v32 = CFG_MAX_FREQ;
	memcpy(U.sim.config + 12, &v32, 4);
	F = c->fault;
	U.sim.serve = spi_serve;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_spi, c, v);
}

UT_CHECK_TABLE_N(ut_checks_spi, "checks_spi", cases, struct spi_case, test_case, ut_setup, NULL,
		 NULL, 0);

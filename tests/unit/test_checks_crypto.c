/* SPDX-License-Identifier: MIT */
/*
 * The crypto device suite (common/include/pf/checks_crypto.def) on the
 * simulated crypto device of sim_crypto.c: clean, and with one fault or
 * one configuration word that breaks a statement of 5.9 per row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev_crypto.h"
#include "host_platform.h"
#include "pf/catalogue.h"
#include "report.h"
#include "sim_crypto.h"
#include "unit_helpers.h"
#include "ut_table.h"

#define CRYPTO 20
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)

typedef void (*crypto_tweak_fn)(struct sim_dev *s);

/* every service advertised, none but CIPHER naming an algorithm */
static void empty_masks(struct sim_dev *s)
{
	crypto_put32(s->config + CRYPTO_CFG_SERVICES, 0xf);
	crypto_put32(s->config + CRYPTO_CFG_HASH, 0);
	crypto_put32(s->config + CRYPTO_CFG_MAC_L, 0);
}

/* AEAD advertised with AES-GCM */
static void with_aead(struct sim_dev *s)
{
	crypto_put32(s->config + CRYPTO_CFG_SERVICES, 0xf);
	crypto_put32(s->config + CRYPTO_CFG_AEAD, 1u << VIRTIO_CRYPTO_AEAD_GCM);
}

/* One configuration word set: offset and value */
#define CFG(off, val)              \
	{                          \
		true, (off), (val) \
	}
#define NO_CFG              \
	{                   \
		false, 0, 0 \
	}

struct crypto_case {
	const char *name;
	enum pf_check_id check;
	uint32_t faults; /* SIM_CRYPTO_* */
	struct {
		bool set;
		uint32_t off, val;
	} cfg;
	crypto_tweak_fn tweak;
	enum pf_verdict expect;
	const char *sub;
};

#define PASS PF_VERDICT_PASS, NULL
#define FAIL(s) PF_VERDICT_FAIL, s
#define WARN(s) PF_VERDICT_WARN, s
#define SKIP PF_VERDICT_SKIP, NULL
#define NA PF_VERDICT_NA, NULL
#define C_CONFIG PF_CHK_CRYPTO_CONFIG
#define C_SESSION PF_CHK_CRYPTO_SESSION
#define C_CIPHER PF_CHK_CRYPTO_CIPHER
#define C_SERVICES PF_CHK_CRYPTO_SERVICES
#define C_HASH PF_CHK_CRYPTO_HASH
#define C_MAC PF_CHK_CRYPTO_MAC
#define C_AEAD PF_CHK_CRYPTO_AEAD
#define NOT_READY CFG(CRYPTO_CFG_STATUS, 0)
#define HASH_ONLY CFG(CRYPTO_CFG_SERVICES, 1u << CRYPTO_SVC_HASH)
#define NO_HASH CFG(CRYPTO_CFG_SERVICES, 0x5)
#define NO_MAC CFG(CRYPTO_CFG_SERVICES, 0x3)

static const struct crypto_case cases[] = {
	{ "crypto.config clean", C_CONFIG, 0, NO_CFG, NULL, PASS },
	{ "crypto.config clean, not ready", C_CONFIG, 0, NOT_READY, NULL, PASS },
	{ "crypto.config: undefined status flag", C_CONFIG, 0, CFG(CRYPTO_CFG_STATUS, 3), NULL,
	  FAIL("status-undefined") },
	{ "crypto.config: max_dataqueues 0", C_CONFIG, 0, CFG(CRYPTO_CFG_MAX_DATAQUEUES, 0), NULL,
	  FAIL("max-dataqueues") },
	{ "crypto.config: max_dataqueues 65536", C_CONFIG, 0, CFG(CRYPTO_CFG_MAX_DATAQUEUES, 65536),
	  NULL, FAIL("max-dataqueues") },
	{ "crypto.config: undefined service", C_CONFIG, 0, CFG(CRYPTO_CFG_SERVICES, 0x87), NULL,
	  FAIL("services-undefined") },
	{ "crypto.config: cipher_algo_h bit", C_CONFIG, 0, CFG(CRYPTO_CFG_CIPHER_H, 1), NULL,
	  FAIL("algo-undefined") },
	{ "crypto.config: mac_algo_l bit 7", C_CONFIG, 0, CFG(CRYPTO_CFG_MAC_L, 0x90), NULL,
	  FAIL("algo-undefined") },
	{ "crypto.config: MAC advertised, empty mask", C_CONFIG, 0, CFG(CRYPTO_CFG_MAC_L, 0), NULL,
	  FAIL("algo-mask-empty") },
	{ "crypto.config: max_cipher_key_len 0", C_CONFIG, 0, CFG(CRYPTO_CFG_MAX_CIPHER_KEY, 0),
	  NULL, FAIL("max-cipher-key") },
	{ "crypto.config: max_auth_key_len 0", C_CONFIG, 0, CFG(CRYPTO_CFG_MAX_AUTH_KEY, 0), NULL,
	  FAIL("max-auth-key") },
	{ "crypto.config: max_size 0", C_CONFIG, 0, CFG(CRYPTO_CFG_MAX_SIZE, 0), NULL,
	  FAIL("max-size") },

	{ "crypto.session clean", C_SESSION, 0, NO_CFG, NULL, PASS },
	{ "crypto.session not ready", C_SESSION, 0, NOT_READY, NULL, SKIP },
	{ "crypto.session without CIPHER", C_SESSION, 0, HASH_ONLY, NULL, NA },
	{ "crypto.session: unsupported algorithm ERR", C_SESSION, SIM_CRYPTO_UNSUPP_ERR, NO_CFG,
	  NULL, FAIL("unsupported-status") },
	{ "crypto.session: failed create makes a session", C_SESSION, SIM_CRYPTO_ID_ON_FAIL, NO_CFG,
	  NULL, FAIL("id-on-failure") },
	{ "crypto.session: same id twice", C_SESSION, SIM_CRYPTO_SAME_ID, NO_CFG, NULL,
	  FAIL("id-unique") },
	{ "crypto.session: key over max accepted", C_SESSION, SIM_CRYPTO_LONG_KEY_OK, NO_CFG, NULL,
	  FAIL("long-key") },
	{ "crypto.session: NOSPC without REVISION_1", C_SESSION, SIM_CRYPTO_LONG_KEY_NOSPC, NO_CFG,
	  NULL, FAIL("create-status-value") },
	{ "crypto.session: destroy twice OK", C_SESSION, SIM_CRYPTO_DESTROY_TWICE_OK, NO_CFG, NULL,
	  FAIL("destroy-unknown") },
	{ "crypto.session: destroy writes no status", C_SESSION, SIM_CRYPTO_NO_STATUS, NO_CFG, NULL,
	  FAIL("no-status") },
	{ "crypto.session: destroy answers INVSESS", C_SESSION, SIM_CRYPTO_DESTROY_BAD_VALUE,
	  NO_CFG, NULL, FAIL("destroy-status-value") },

	{ "crypto.cipher clean", C_CIPHER, 0, NO_CFG, NULL, PASS },
	{ "crypto.cipher not ready", C_CIPHER, 0, NOT_READY, NULL, SKIP },
	{ "crypto.cipher without CIPHER", C_CIPHER, 0, HASH_ONLY, NULL, NA },
	{ "crypto.cipher max_size too small", C_CIPHER, 0, CFG(CRYPTO_CFG_MAX_SIZE, 100), NULL,
	  SKIP },
	{ "crypto.cipher: dst_data corrupted", C_CIPHER, SIM_CRYPTO_CORRUPT, NO_CFG, NULL,
	  FAIL("encrypt") },
	{ "crypto.cipher: decryption copies", C_CIPHER, SIM_CRYPTO_DECRYPT_NOOP, NO_CFG, NULL,
	  FAIL("decrypt") },
	{ "crypto.cipher: unknown session ERR", C_CIPHER, SIM_CRYPTO_INVSESS_ERR, NO_CFG, NULL,
	  FAIL("invalid-session") },
	{ "crypto.cipher: failed request writes dst", C_CIPHER, SIM_CRYPTO_ERR_WRITES_DST, NO_CFG,
	  NULL, WARN("dst-on-error") },

	{ "crypto.services clean", C_SERVICES, 0, NO_CFG, NULL, PASS },
	{ "crypto.services not ready", C_SERVICES, 0, NOT_READY, NULL, SKIP },
	{ "crypto.services only empty masks", C_SERVICES, 0, NO_CFG, empty_masks, SKIP },
	{ "crypto.services: HASH advertised, NOTSUPP", C_SERVICES, SIM_CRYPTO_HASH_NOTSUPP, NO_CFG,
	  NULL, FAIL("advertised-unsupported") },
	{ "crypto.services: AEAD session without the service", C_SERVICES, SIM_CRYPTO_UNADV_OK,
	  NO_CFG, NULL, FAIL("unadvertised-session") },
	{ "crypto.services: AEAD request without the service", C_SERVICES, SIM_CRYPTO_UNADV_DATA_OK,
	  NO_CFG, NULL, FAIL("unadvertised-data") },
	{ "crypto.services clean with AEAD", C_SERVICES, 0, NO_CFG, with_aead, PASS },

	{ "crypto.hash clean", C_HASH, 0, NO_CFG, NULL, PASS },
	{ "crypto.hash without HASH", C_HASH, 0, NO_HASH, NULL, NA },
	{ "crypto.hash MD5 only", C_HASH, 0, CFG(CRYPTO_CFG_HASH, 2), NULL, NA },
	{ "crypto.hash session refused", C_HASH, SIM_CRYPTO_HASH_NOTSUPP, NO_CFG, NULL, SKIP },
	{ "crypto.hash: digest corrupted", C_HASH, SIM_CRYPTO_CORRUPT, NO_CFG, NULL,
	  FAIL("result") },
	{ "crypto.hash: unknown session ERR", C_HASH, SIM_CRYPTO_INVSESS_ERR, NO_CFG, NULL,
	  FAIL("invalid-session") },

	{ "crypto.mac clean", C_MAC, 0, NO_CFG, NULL, PASS },
	{ "crypto.mac without MAC", C_MAC, 0, NO_MAC, NULL, NA },
	{ "crypto.mac: MAC corrupted", C_MAC, SIM_CRYPTO_CORRUPT, NO_CFG, NULL, FAIL("result") },
	{ "crypto.mac: unknown session ERR", C_MAC, SIM_CRYPTO_INVSESS_ERR, NO_CFG, NULL,
	  FAIL("invalid-session") },

	{ "crypto.aead without AEAD", C_AEAD, 0, NO_CFG, NULL, NA },
	{ "crypto.aead clean", C_AEAD, 0, NO_CFG, with_aead, PASS },
	{ "crypto.aead: tag before the ciphertext", C_AEAD, SIM_CRYPTO_TAG_FIRST, NO_CFG, with_aead,
	  FAIL("encrypt") },
	{ "crypto.aead: tag corrupted", C_AEAD, SIM_CRYPTO_CORRUPT, NO_CFG, with_aead,
	  FAIL("tag") },
	{ "crypto.aead: wrong tag accepted", C_AEAD, SIM_CRYPTO_NO_TAG_CHECK, NO_CFG, with_aead,
	  FAIL("bad-tag") },
};

static struct ut_dev U;
static struct sim_crypto model;

static void test_case(void **state)
{
	const struct crypto_case *c = *state;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, CRYPTO, V1, 2, 64), 0);
	sim_crypto_attach(&U.sim, &model, c->faults);
	if (c->cfg.set)
		crypto_put32(U.sim.config + c->cfg.off, c->cfg.val);
	if (c->tweak)
		c->tweak(&U.sim);
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_crypto, c, v);
}

/* The suite through the PCI transport, and sessions all given back. */
static void test_pci_clean(void **state)
{
	static const enum pf_check_id ids[] = { C_CONFIG,   C_SESSION, C_CIPHER,
						C_SERVICES, C_HASH,    C_MAC };
	struct virtio_dev *d;

	(void)state;
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		d = ut_pci_open(&U, CRYPTO, V1, 0, 0);
		assert_non_null(d);
		sim_crypto_attach(&U.sim, &model, 0);
		ut_auto_progress(&U);
		assert_int_equal(ut_run_check(ids[i], d), PF_VERDICT_PASS);
		for (unsigned k = 0; k < SIM_CRYPTO_SESSIONS; k++)
			assert_false(model.sess[k].live);
	}
}

static const struct CMUnitTest extra[] = {
	cmocka_unit_test_setup(test_pci_clean, ut_setup),
};

UT_CHECK_TABLE(ut_checks_crypto, "checks_crypto", cases, struct crypto_case, test_case, ut_setup,
	       NULL, extra);

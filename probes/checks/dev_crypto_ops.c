/* SPDX-License-Identifier: MIT */
/*
 * The crypto device suite (5.9): sessions on the controlq and the CIPHER
 * service on a dataq, against a published known answer.
 */
#include <string.h>

#include "dev_crypto.h"

/* Brings the device up for a check that needs CIPHER AES-CBC (else n/a). */
static bool open_aes_cbc(struct pf_test *t, struct crypto_dev *d)
{
	if (!crypto_open(t, d, true))
		return false;
	if ((d->services & (1u << CRYPTO_SVC_CIPHER)) &&
	    (crypto_algo_mask(d, CRYPTO_SVC_CIPHER, 0) & (1u << VIRTIO_CRYPTO_CIPHER_AES_CBC)))
		return true;
	report_na(t, "the device does not advertise CIPHER AES-CBC");
	return false;
}

/* A CIPHER algorithm the device does not advertise (0: it has them all). */
static uint32_t cipher_not_offered(const struct crypto_dev *d)
{
	uint32_t m = crypto_algo_mask(d, CRYPTO_SVC_CIPHER, 0);

	if (!(d->services & (1u << CRYPTO_SVC_CIPHER)))
		return VIRTIO_CRYPTO_CIPHER_AES_CBC;
	for (uint32_t a = 1; a <= 14; a++)
		if (!(m & (1u << a)))
			return a;
	return 0;
}

/* Creates an AES-CBC session; returns true with *id on OK. */
static bool create_aes(struct pf_test *t, struct crypto_dev *d, uint32_t op, uint64_t *id,
		       const char *what)
{
	struct crypto_ctrl r;

	crypto_cipher_session(&r, crypto_kat_key, sizeof(crypto_kat_key), op);
	if (crypto_ctrl(t, d, &r, false, what) != 1 || !r.written)
		return false;
	*id = r.session_id;
	return report(t, r.status == VIRTIO_CRYPTO_OK, "create-status",
		      "%s: AES-CBC is advertised but the device answered %u (%s)", what, r.status,
		      crypto_status_name(r.status));
}

/*
 * An unsupported algorithm: NOTSUPP (5.9.7.2.1), and no session behind the
 * id the outcome carries: destroying it is refused, unless it names a
 * session this check holds (`live`, nlive of them).
 */
static bool create_unsupported(struct pf_test *t, struct crypto_dev *d, const uint64_t *live,
			       unsigned nlive)
{
	struct crypto_ctrl r;
	uint32_t algo = cipher_not_offered(d);
	uint8_t st;

	if (!algo)
		return true;
	crypto_cipher_session(&r, crypto_kat_key, sizeof(crypto_kat_key), VIRTIO_CRYPTO_OP_ENCRYPT);
	crypto_put32(r.flf, algo);
	r.algo = algo;
	if (crypto_ctrl(t, d, &r, false, "create, algorithm not offered") != 1)
		return false;
	if (!r.written)
		return true;
	report(t, r.status == VIRTIO_CRYPTO_NOTSUPP, "unsupported-status",
	       "a session for CIPHER algorithm %u, which the device does not advertise, "
	       "answered %u (%s), not NOTSUPP",
	       algo, r.status, crypto_status_name(r.status));
	if (r.status == VIRTIO_CRYPTO_OK)
		return crypto_destroy(t, d, CRYPTO_SVC_CIPHER, r.session_id, "destroy") != 0xff;
	for (unsigned i = 0; i < nlive; i++)
		if (live[i] == r.session_id)
			return true;
	st = crypto_destroy(t, d, CRYPTO_SVC_CIPHER, r.session_id, "destroy after a failed create");
	report(t, st != VIRTIO_CRYPTO_OK, "id-on-failure",
	       "create answered %s, yet destroying the session_id it returned (%llu) succeeded",
	       crypto_status_name(r.status), (unsigned long long)r.session_id);
	return st != 0xff;
}

/* A key one byte longer than max_cipher_key_len fails (5.9.4). */
static void create_long_key(struct pf_test *t, struct crypto_dev *d)
{
	static uint8_t key[CRYPTO_MAX_KEY];
	uint32_t max = crypto_cfg32(d, CRYPTO_CFG_MAX_CIPHER_KEY);
	struct crypto_ctrl r;

	if (!max || max >= sizeof(key))
		return;
	memset(key, 0x3c, max + 1);
	crypto_cipher_session(&r, key, max + 1, VIRTIO_CRYPTO_OP_ENCRYPT);
	if (crypto_ctrl(t, d, &r, false, "create, key longer than max_cipher_key_len") != 1 ||
	    !r.written)
		return;
	if (!report(t, r.status != VIRTIO_CRYPTO_OK, "long-key",
		    "a %u-byte key, over max_cipher_key_len %u, created a session", max + 1, max))
		crypto_destroy(t, d, CRYPTO_SVC_CIPHER, r.session_id, "destroy long-key session");
}

void check_CRYPTO_SESSION(struct pf_test *t)
{
	struct crypto_dev d;
	uint64_t id[2];
	uint8_t st;

	if (!open_aes_cbc(t, &d))
		goto out;
	/* before any session exists, so the id a failure returns names none */
	if (!create_unsupported(t, &d, NULL, 0) ||
	    !create_aes(t, &d, VIRTIO_CRYPTO_OP_ENCRYPT, &id[0], "create 1"))
		goto out;
	if (!create_aes(t, &d, VIRTIO_CRYPTO_OP_DECRYPT, &id[1], "create 2")) {
		crypto_destroy(t, &d, CRYPTO_SVC_CIPHER, id[0], "destroy 1");
		goto out;
	}
	report(t, id[0] != id[1], "id-unique", "two live sessions share session_id %llu",
	       (unsigned long long)id[0]);
	create_unsupported(t, &d, id, 2);
	create_long_key(t, &d);
	st = crypto_destroy(t, &d, CRYPTO_SVC_CIPHER, id[0], "destroy 1");
	report(t, st == VIRTIO_CRYPTO_OK, "destroy-status",
	       "destroying a live session answered %u (%s)", st, crypto_status_name(st));
	if (id[1] != id[0]) {
		st = crypto_destroy(t, &d, CRYPTO_SVC_CIPHER, id[0], "destroy 1 again");
		report(t, st == VIRTIO_CRYPTO_ERR, "destroy-unknown",
		       "destroying session %llu a second time answered %u (%s), not ERR",
		       (unsigned long long)id[0], st, crypto_status_name(st));
	}
	st = crypto_destroy(t, &d, CRYPTO_SVC_CIPHER, id[1], "destroy 2");
	report(t, st == VIRTIO_CRYPTO_OK, "destroy-status",
	       "destroying a live session answered %u (%s)", st, crypto_status_name(st));
out:
	chk_dev_close(&d.c);
}

/* The destination part of a failed request is left alone. */
static bool dst_untouched(const struct crypto_data *r)
{
	for (uint32_t i = 0; i < r->dst_len; i++)
		if (r->dst[i] != CHK_DEV_FILL)
			return false;
	return true;
}

/* One known-answer operation on session id: status OK, dst as published. */
static void cipher_kat(struct pf_test *t, struct crypto_dev *d, uint32_t opcode, uint64_t id,
		       const uint8_t *in, const uint8_t *want, const char *sub)
{
	struct crypto_data r;

	if (crypto_cipher(t, d, &r, opcode, id, in, CRYPTO_KAT_LEN, sub) != 1)
		return;
	if (!report(t, r.status == VIRTIO_CRYPTO_OK, "kat-status",
		    "%s of the SP 800-38A F.2 vector answered %u (%s)", sub, r.status,
		    crypto_status_name(r.status)))
		return;
	for (unsigned i = 0; i < CRYPTO_KAT_LEN; i++)
		if (!report(t, r.dst[i] == want[i], sub,
			    "%s of the SP 800-38A F.2 vector: dst_data byte %u is 0x%02x, the "
			    "published value 0x%02x",
			    sub, i, r.dst[i], want[i]))
			return;
}

void check_CRYPTO_CIPHER(struct pf_test *t)
{
	struct crypto_dev d;
	struct crypto_data r;
	uint64_t enc, dec;
	uint8_t st;

	if (!open_aes_cbc(t, &d))
		goto out;
	if (chk_dev_cfg(&d.c, CRYPTO_CFG_MAX_SIZE, 8) < 16 + 2 * CRYPTO_KAT_LEN) {
		report_skip(t, "max_size is below the %u bytes of the known-answer request",
			    16 + 2 * CRYPTO_KAT_LEN);
		goto out;
	}
	if (!create_aes(t, &d, VIRTIO_CRYPTO_OP_ENCRYPT, &enc, "create encrypt session"))
		goto out;
	if (!create_aes(t, &d, VIRTIO_CRYPTO_OP_DECRYPT, &dec, "create decrypt session")) {
		crypto_destroy(t, &d, CRYPTO_SVC_CIPHER, enc, "destroy encrypt session");
		goto out;
	}
	cipher_kat(t, &d, VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc, crypto_kat_plain, crypto_kat_cipher,
		   "encrypt");
	cipher_kat(t, &d, VIRTIO_CRYPTO_CIPHER_DECRYPT, dec, crypto_kat_cipher, crypto_kat_plain,
		   "decrypt");
	st = crypto_destroy(t, &d, CRYPTO_SVC_CIPHER, enc, "destroy encrypt session");
	crypto_destroy(t, &d, CRYPTO_SVC_CIPHER, dec, "destroy decrypt session");
	/* 5.9.7.1: a session id the device does not hold is INVSESS */
	if (st == VIRTIO_CRYPTO_OK && dec != enc &&
	    crypto_cipher(t, &d, &r, VIRTIO_CRYPTO_CIPHER_ENCRYPT, enc, crypto_kat_plain,
			  CRYPTO_KAT_LEN, "encrypt on a destroyed session") == 1) {
		report(t, r.status == VIRTIO_CRYPTO_INVSESS, "invalid-session",
		       "a request on a destroyed session answered %u (%s), not INVSESS", r.status,
		       crypto_status_name(r.status));
		report_should(t, r.status == VIRTIO_CRYPTO_OK || dst_untouched(&r), "dst-on-error",
			      "a request that failed (%s) wrote dst_data",
			      crypto_status_name(r.status));
	}
out:
	chk_dev_close(&d.c);
}

/* SPDX-License-Identifier: MIT */
/*
 * The crypto device suite (5.9): HASH, MAC and AEAD known answers, each
 * from a published vector, where the device advertises the algorithm.
 */
#include <string.h>

#include "dev_crypto.h"

/* FIPS 180-2 appendices A.1 and B.1: the message "abc" */
const struct crypto_digest_kat crypto_hash_kats[CRYPTO_DIGEST_KATS] = {
	{ 2 /* SHA1 */, NULL, 0, (const uint8_t *)"abc", 3, 20, { 0xa9, 0x99, 0x3e, 0x36, 0x47,
								  0x06, 0x81, 0x6a, 0xba, 0x3e,
								  0x25, 0x71, 0x78, 0x50, 0xc2,
								  0x6c, 0x9c, 0xd0, 0xd8, 0x9d } },
	{ 4 /* SHA_256 */, NULL, 0, (const uint8_t *)"abc", 3, 32, { 0xba, 0x78, 0x16, 0xbf, 0x8f,
								     0x01, 0xcf, 0xea, 0x41, 0x41,
								     0x40, 0xde, 0x5d, 0xae, 0x22,
								     0x23, 0xb0, 0x03, 0x61, 0xa3,
								     0x96, 0x17, 0x7a, 0x9c, 0xb4,
								     0x10, 0xff, 0x61, 0xf2, 0x00,
								     0x15, 0xad } },
};

#define JEFE_DATA "what do ya want for nothing?"
/* RFC 2202 test case 2 (HMAC-SHA1), RFC 4231 test case 2 (HMAC-SHA-256) */
const struct crypto_digest_kat crypto_mac_kats[CRYPTO_DIGEST_KATS] = {
	{ 2 /* HMAC_SHA1 */,
	  (const uint8_t *)"Jefe",
	  4,
	  (const uint8_t *)JEFE_DATA,
	  sizeof(JEFE_DATA) - 1,
	  20,
	  { 0xef, 0xfc, 0xdf, 0x6a, 0xe5, 0xeb, 0x2f, 0xa2, 0xd2, 0x74,
	    0x16, 0xd5, 0xf1, 0x84, 0xdf, 0x9c, 0x25, 0x9a, 0x7c, 0x79 } },
	{ 4 /* HMAC_SHA_256 */,
	  (const uint8_t *)"Jefe",
	  4,
	  (const uint8_t *)JEFE_DATA,
	  sizeof(JEFE_DATA) - 1,
	  32,
	  { 0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24,
	    0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27,
	    0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43 } },
};

/* The GCM specification (McGrew, Viega), test case 2: AES-128, key and
 * 96-bit IV all zero, one zero block: ciphertext then tag. */
const uint8_t crypto_gcm_ct_tag[32] = {
	0x03, 0x88, 0xda, 0xce, 0x60, 0xb6, 0xa3, 0x92, 0xf3, 0x28, 0xc2,
	0xb9, 0x71, 0xb2, 0xfe, 0x78, 0xab, 0x6e, 0x47, 0xd4, 0x2c, 0xec,
	0x13, 0xbd, 0xf5, 0x3a, 0x67, 0xb2, 0x12, 0x57, 0xbd, 0xdf,
};

/* A session of HASH or MAC for vector k; true with *id on OK. A refusal
 * of an advertised algorithm is crypto.services' finding: skip here. */
static bool digest_session(struct pf_test *t, struct crypto_dev *d, unsigned svc,
			   const struct crypto_digest_kat *k, uint64_t *id)
{
	struct crypto_ctrl r;

	memset(&r, 0, sizeof(r));
	r.opcode = CRYPTO_CREATE_SESSION(svc);
	r.algo = k->algo;
	crypto_put32(r.flf, k->algo);
	crypto_put32(r.flf + 4, k->len);
	if (svc == CRYPTO_SVC_MAC) {
		crypto_put32(r.flf + 8, k->key_len);
		r.vlf = k->key;
		r.vlf_len = k->key_len;
	}
	if (crypto_ctrl(t, d, &r, false, "create session") != 1 || !r.written)
		return false;
	if (r.status != VIRTIO_CRYPTO_OK) {
		report_skip(t, "the device refused a session for advertised algorithm %u (%s)",
			    k->algo, crypto_status_name(r.status));
		return false;
	}
	*id = r.session_id;
	return true;
}

static int digest_request(struct pf_test *t, struct crypto_dev *d, struct crypto_data *r,
			  unsigned svc, const struct crypto_digest_kat *k, uint64_t id)
{
	memset(r, 0, sizeof(*r));
	r->opcode = CRYPTO_OPCODE(svc, 0);
	r->algo = k->algo;
	r->session_id = id;
	crypto_put32(r->flf, k->data_len);
	crypto_put32(r->flf + 4, k->len);
	r->vlf = k->data;
	r->vlf_len = k->data_len;
	r->dst_len = k->len;
	return crypto_data(t, d, r, svc == CRYPTO_SVC_HASH ? "HASH" : "MAC");
}

/* Compares n bytes of dst_data with the published ones. */
static void compare(struct pf_test *t, const char *sub, const char *what, const uint8_t *got,
		    const uint8_t *want, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (!report(t, got[i] == want[i], sub,
			    "%s: byte %u is 0x%02x, the published value 0x%02x", what, i, got[i],
			    want[i]))
			return;
}

/* 5.9.7.4 / 5.9.7.5: the digest in hash_result[], then INVSESS once the
 * session is gone. */
static void digest_check(struct pf_test *t, unsigned svc, const struct crypto_digest_kat *kats)
{
	const struct crypto_digest_kat *k = NULL;
	struct crypto_dev d;
	struct crypto_data r;
	uint64_t id;
	uint8_t st;

	if (!crypto_open(t, &d, true))
		goto out;
	for (unsigned i = 0; i < CRYPTO_DIGEST_KATS; i++)
		if ((d.services & (1u << svc)) &&
		    (crypto_algo_mask(&d, svc, 0) & (1u << kats[i].algo)))
			k = &kats[i];
	if (!k) {
		report_na(t, "no advertised algorithm of the service has a vector in the suite");
		goto out;
	}
	if (!digest_session(t, &d, svc, k, &id))
		goto out;
	if (digest_request(t, &d, &r, svc, k, id) == 1 &&
	    report(t, r.status == VIRTIO_CRYPTO_OK, "kat-status",
		   "the published vector answered %u (%s)", r.status, crypto_status_name(r.status)))
		compare(t, "result", "hash_result", r.dst, k->digest, k->len);
	st = crypto_destroy(t, &d, svc, id, "destroy");
	if (st == VIRTIO_CRYPTO_OK && digest_request(t, &d, &r, svc, k, id) == 1)
		report(t, r.status == VIRTIO_CRYPTO_INVSESS, "invalid-session",
		       "a request on a destroyed session answered %u (%s), not INVSESS", r.status,
		       crypto_status_name(r.status));
out:
	chk_dev_close(&d.c);
}

void check_CRYPTO_HASH(struct pf_test *t)
{
	digest_check(t, CRYPTO_SVC_HASH, crypto_hash_kats);
}

void check_CRYPTO_MAC(struct pf_test *t)
{
	digest_check(t, CRYPTO_SVC_MAC, crypto_mac_kats);
}

static bool gcm_session(struct pf_test *t, struct crypto_dev *d, uint32_t op, uint64_t *id)
{
	static const uint8_t key[16];
	struct crypto_ctrl r;

	memset(&r, 0, sizeof(r));
	r.opcode = CRYPTO_CREATE_SESSION(CRYPTO_SVC_AEAD);
	r.algo = VIRTIO_CRYPTO_AEAD_GCM;
	crypto_put32(r.flf, VIRTIO_CRYPTO_AEAD_GCM);
	crypto_put32(r.flf + 4, sizeof(key));
	crypto_put32(r.flf + 8, 16); /* tag_len */
	crypto_put32(r.flf + 16, op);
	r.vlf = key;
	r.vlf_len = sizeof(key);
	if (crypto_ctrl(t, d, &r, false, "create GCM session") != 1 || !r.written)
		return false;
	if (r.status != VIRTIO_CRYPTO_OK) {
		report_skip(t, "the device refused an AES-GCM session (%s)",
			    crypto_status_name(r.status));
		return false;
	}
	*id = r.session_id;
	return true;
}

/* One GCM request: a zero 96-bit IV, src, dst_len writable bytes. */
static int gcm_request(struct pf_test *t, struct crypto_dev *d, struct crypto_data *r,
		       uint32_t opcode, uint64_t id, const uint8_t *src, uint32_t len,
		       uint32_t dst_len)
{
	static uint8_t vlf[12 + 32];

	memset(r, 0, sizeof(*r));
	r->opcode = opcode;
	r->algo = VIRTIO_CRYPTO_AEAD_GCM;
	r->session_id = id;
	crypto_put32(r->flf, 12);	    /* iv_len */
	crypto_put32(r->flf + 8, len);	    /* src_data_len */
	crypto_put32(r->flf + 12, dst_len); /* dst_data_len */
	crypto_put32(r->flf + 16, 16);	    /* tag_len */
	memset(vlf, 0, 12);
	memcpy(vlf + 12, src, len);
	r->vlf = vlf;
	r->vlf_len = 12 + len;
	r->dst_len = dst_len;
	return crypto_data(t, d, r,
			   opcode == VIRTIO_CRYPTO_AEAD_ENCRYPT ? "AEAD encrypt" : "AEAD decrypt");
}

/*
 * 5.9.7.7: encryption writes ciphertext then tag to dst_data; decryption
 * takes them the same way (src_data: ciphertext, tag) and verifies the
 * tag: the plaintext with OK, BADMSG for a tag changed in one bit.
 */
void check_CRYPTO_AEAD(struct pf_test *t)
{
	static const uint8_t zero[16];
	uint8_t bad[32];
	struct crypto_dev d;
	struct crypto_data r;
	uint64_t enc = 0, dec = 0;

	if (!crypto_open(t, &d, true))
		goto out;
	if (!(d.services & (1u << CRYPTO_SVC_AEAD)) ||
	    !(crypto_algo_mask(&d, CRYPTO_SVC_AEAD, 0) & (1u << VIRTIO_CRYPTO_AEAD_GCM))) {
		report_na(t, "the device does not advertise AEAD AES-GCM");
		goto out;
	}
	if (!gcm_session(t, &d, VIRTIO_CRYPTO_OP_ENCRYPT, &enc))
		goto out;
	if (!gcm_session(t, &d, VIRTIO_CRYPTO_OP_DECRYPT, &dec))
		goto destroy;
	if (gcm_request(t, &d, &r, VIRTIO_CRYPTO_AEAD_ENCRYPT, enc, zero, 16, 32) == 1 &&
	    report(t, r.status == VIRTIO_CRYPTO_OK, "encrypt-status",
		   "encryption of the published vector answered %u (%s)", r.status,
		   crypto_status_name(r.status))) {
		compare(t, "encrypt", "ciphertext", r.dst, crypto_gcm_ct_tag, 16);
		compare(t, "tag", "tag after the ciphertext", r.dst + 16, crypto_gcm_ct_tag + 16,
			16);
	}
	if (gcm_request(t, &d, &r, VIRTIO_CRYPTO_AEAD_DECRYPT, dec, crypto_gcm_ct_tag, 32, 32) ==
		    1 &&
	    report(t, r.status == VIRTIO_CRYPTO_OK, "decrypt-status",
		   "decryption of the published vector answered %u (%s)", r.status,
		   crypto_status_name(r.status)))
		compare(t, "decrypt", "plaintext", r.dst, zero, 16);
	memcpy(bad, crypto_gcm_ct_tag, sizeof(bad));
	bad[31] ^= 0x01;
	if (gcm_request(t, &d, &r, VIRTIO_CRYPTO_AEAD_DECRYPT, dec, bad, 32, 32) == 1)
		report(t, r.status == VIRTIO_CRYPTO_BADMSG, "bad-tag",
		       "decryption with a wrong tag answered %u (%s), not BADMSG", r.status,
		       crypto_status_name(r.status));
	crypto_destroy(t, &d, CRYPTO_SVC_AEAD, dec, "destroy");
destroy:
	crypto_destroy(t, &d, CRYPTO_SVC_AEAD, enc, "destroy");
out:
	chk_dev_close(&d.c);
}

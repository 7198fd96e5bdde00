/* SPDX-License-Identifier: MIT */
/*
 * A crypto device model written from 5.9: the configuration layout, the
 * controlq's session requests and the dataq's requests in the format
 * without REVISION_1, with the status codes of 5.9.7.1. It has no cipher
 * engine: a request is answered from the published vector the suite uses
 * (NIST SP 800-38A F.2 for AES-CBC, FIPS 180-2 and RFC 4231 for SHA-256
 * and HMAC-SHA-256, the GCM specification's test case 2 for AES-GCM) when
 * its key, IV and data are the vector's, and with ERR otherwise. The
 * SIM_CRYPTO_* faults each break one rule.
 */
#include "sim_crypto.h"

#include <string.h>

#include "dev_crypto.h"

#define HASH_SHA_256 4
#define MAC_HMAC_SHA_256 4
#define MAX_CIPHER_KEY 32u
#define MAX_AUTH_KEY 64u

static bool advertised(const struct sim_dev *s, uint32_t svc)
{
	return svc < 32 && (crypto_le(s->config + CRYPTO_CFG_SERVICES, 4) & (1u << svc));
}

static struct sim_crypto_session *lookup(struct sim_crypto *m, uint64_t id)
{
	if (id < 1 || id > SIM_CRYPTO_SESSIONS || !m->sess[id - 1].live)
		return NULL;
	return &m->sess[id - 1];
}

/* A new session of service svc; returns its id, 0 when full. */
static uint64_t new_session(struct sim_crypto *m, uint32_t svc, uint32_t algo, uint32_t op,
			    const uint8_t *key, uint32_t key_len)
{
	for (unsigned i = 0; i < SIM_CRYPTO_SESSIONS; i++) {
		struct sim_crypto_session *e = &m->sess[i];

		if (e->live)
			continue;
		memset(e, 0, sizeof(*e));
		e->live = true;
		e->svc = svc;
		e->algo = algo;
		e->op = op;
		e->key_len = key_len < sizeof(e->key) ? key_len : (uint32_t)sizeof(e->key);
		if (key)
			memcpy(e->key, key, e->key_len);
		return (m->faults & SIM_CRYPTO_SAME_ID) ? 1 : i + 1;
	}
	return 0;
}

static uint32_t create_cipher(struct sim_dev *s, struct sim_crypto *m, const struct sim_req *r,
			      const uint8_t *flf, uint64_t *id)
{
	uint32_t algo = (uint32_t)crypto_le(flf, 4), key_len = (uint32_t)crypto_le(flf + 4, 4);
	uint8_t key[MAX_CIPHER_KEY];

	if (!advertised(s, CRYPTO_SVC_CIPHER) || crypto_le(flf + CRYPTO_SESS_OP_TYPE, 4) != 1 ||
	    algo != VIRTIO_CRYPTO_CIPHER_AES_CBC)
		return (m->faults & SIM_CRYPTO_UNSUPP_ERR) ? VIRTIO_CRYPTO_ERR
							   : VIRTIO_CRYPTO_NOTSUPP;
	if (key_len > MAX_CIPHER_KEY && (m->faults & SIM_CRYPTO_LONG_KEY_NOSPC))
		return VIRTIO_CRYPTO_NOSPC;
	if (key_len > MAX_CIPHER_KEY && (m->faults & SIM_CRYPTO_LONG_KEY_OK))
		key_len = MAX_CIPHER_KEY;
	else if (key_len != 16 && key_len != 24 && key_len != 32)
		return VIRTIO_CRYPTO_ERR;
	if (sim_req_read(r, CRYPTO_CTRL_HDR + CRYPTO_CTRL_FLF, key, key_len) != key_len)
		return VIRTIO_CRYPTO_ERR;
	*id = new_session(m, CRYPTO_SVC_CIPHER, algo, (uint32_t)crypto_le(flf + 8, 4), key,
			  key_len);
	return *id ? VIRTIO_CRYPTO_OK : VIRTIO_CRYPTO_ERR;
}

/* HASH, MAC, AEAD sessions: SHA-256, HMAC-SHA-256, AES-128-GCM. */
static uint32_t create_other(struct sim_dev *s, struct sim_crypto *m, const struct sim_req *r,
			     uint32_t svc, const uint8_t *flf, uint64_t *id)
{
	uint32_t algo = (uint32_t)crypto_le(flf, 4), key_len = 0;
	uint8_t key[32];
	bool ok = (svc == CRYPTO_SVC_HASH && algo == HASH_SHA_256 &&
		   !(m->faults & SIM_CRYPTO_HASH_NOTSUPP)) ||
		  (svc == CRYPTO_SVC_MAC && algo == MAC_HMAC_SHA_256) ||
		  (svc == CRYPTO_SVC_AEAD && algo == VIRTIO_CRYPTO_AEAD_GCM);

	if (!advertised(s, svc))
		ok = (m->faults & SIM_CRYPTO_UNADV_OK) != 0;
	if (!ok)
		return VIRTIO_CRYPTO_NOTSUPP;
	if (svc != CRYPTO_SVC_HASH) /* auth_key_len (MAC) or key_len (AEAD) */
		key_len = (uint32_t)crypto_le(flf + (svc == CRYPTO_SVC_MAC ? 8 : 4), 4);
	if (key_len > sizeof(key) ||
	    sim_req_read(r, CRYPTO_CTRL_HDR + CRYPTO_CTRL_FLF, key, key_len) != key_len)
		return VIRTIO_CRYPTO_ERR;
	*id = new_session(m, svc, algo, (uint32_t)crypto_le(flf + 16, 4), key, key_len);
	return *id ? VIRTIO_CRYPTO_OK : VIRTIO_CRYPTO_ERR;
}

static uint32_t serve_ctrl(struct sim_dev *s, struct sim_crypto *m, const struct sim_req *r)
{
	uint8_t hdr[CRYPTO_CTRL_HDR + CRYPTO_CTRL_FLF], out[CRYPTO_SESSION_IN];
	uint32_t opcode, svc, st;
	uint64_t id = 0;

	if (sim_req_read(r, 0, hdr, sizeof(hdr)) != sizeof(hdr) || !sim_req_writable(r))
		return 0;
	opcode = (uint32_t)crypto_le(hdr, 4);
	svc = opcode >> 8;
	if ((opcode & 0xff) == (svc == CRYPTO_SVC_AKCIPHER ? 5u : 3u)) {
		uint64_t sid = crypto_le(hdr + CRYPTO_CTRL_HDR, 8);
		struct sim_crypto_session *e = lookup(m, sid);
		uint8_t b = e ? VIRTIO_CRYPTO_OK : VIRTIO_CRYPTO_ERR;

		if (e) {
			e->live = false;
			e->dead = true;
		} else if ((m->faults & SIM_CRYPTO_DESTROY_TWICE_OK) && sid >= 1 &&
			   sid <= SIM_CRYPTO_SESSIONS && m->sess[sid - 1].dead) {
			b = VIRTIO_CRYPTO_OK;
		}
		if (m->faults & SIM_CRYPTO_DESTROY_BAD_VALUE)
			b = VIRTIO_CRYPTO_INVSESS;
		if (m->faults & SIM_CRYPTO_NO_STATUS)
			return 0;
		return sim_req_write(r, 0, &b, 1);
	}
	if (opcode == CRYPTO_CREATE_SESSION(CRYPTO_SVC_CIPHER))
		st = create_cipher(s, m, r, hdr + CRYPTO_CTRL_HDR, &id);
	else if (svc >= CRYPTO_SVC_HASH && svc <= CRYPTO_SVC_AEAD &&
		 opcode == CRYPTO_CREATE_SESSION(svc))
		st = create_other(s, m, r, svc, hdr + CRYPTO_CTRL_HDR, &id);
	else
		st = VIRTIO_CRYPTO_NOTSUPP;
	if (st != VIRTIO_CRYPTO_OK && (m->faults & SIM_CRYPTO_ID_ON_FAIL))
		id = new_session(m, svc, 0, 0, NULL, 0);
	memset(out, 0, sizeof(out));
	crypto_put64(out, id);
	crypto_put32(out + 8, st);
	return sim_req_write(r, 0, out, sizeof(out));
}

/* AES-CBC of the one vector the model knows; false for any other input. */
static bool aes_cbc(const struct sim_crypto_session *e, bool encrypt, const uint8_t *iv,
		    const uint8_t *src, uint32_t len, uint8_t *dst)
{
	const uint8_t *from = encrypt ? crypto_kat_plain : crypto_kat_cipher;
	const uint8_t *to = encrypt ? crypto_kat_cipher : crypto_kat_plain;

	if (e->key_len != sizeof(crypto_kat_key) || memcmp(e->key, crypto_kat_key, e->key_len) ||
	    memcmp(iv, crypto_kat_iv, 16) || len != CRYPTO_KAT_LEN || memcmp(src, from, len))
		return false;
	memcpy(dst, to, len);
	return true;
}

static uint8_t serve_cipher(struct sim_crypto *m, const struct sim_req *r,
			    const struct sim_crypto_session *e, const uint8_t *hdr, uint8_t *dst,
			    uint32_t *dst_len)
{
	const uint8_t *flf = hdr + CRYPTO_DATA_HDR;
	uint32_t iv_len = (uint32_t)crypto_le(flf, 4), len = (uint32_t)crypto_le(flf + 4, 4);
	bool encrypt = crypto_le(hdr, 4) == VIRTIO_CRYPTO_CIPHER_ENCRYPT;
	uint8_t iv[16], src[CRYPTO_KAT_LEN];

	if (iv_len != 16 || len != (uint32_t)crypto_le(flf + 8, 4) || len > sizeof(src) ||
	    sim_req_writable(r) != len + 1)
		return VIRTIO_CRYPTO_ERR;
	sim_req_read(r, CRYPTO_DATA_HDR + CRYPTO_DATA_FLF, iv, 16);
	sim_req_read(r, CRYPTO_DATA_HDR + CRYPTO_DATA_FLF + 16, src, len);
	if (!encrypt && (m->faults & SIM_CRYPTO_DECRYPT_NOOP))
		memcpy(dst, src, len);
	else if (!aes_cbc(e, encrypt, iv, src, len, dst))
		return VIRTIO_CRYPTO_ERR;
	*dst_len = len;
	return VIRTIO_CRYPTO_OK;
}

/* HASH and MAC: the digest of a published vector the model knows. */
static uint8_t serve_digest(const struct sim_req *r, const struct sim_crypto_session *e,
			    const uint8_t *flf, uint8_t *dst, uint32_t *dst_len)
{
	const struct crypto_digest_kat *kats =
		e->svc == CRYPTO_SVC_HASH ? crypto_hash_kats : crypto_mac_kats;
	uint32_t len = (uint32_t)crypto_le(flf, 4), rlen = (uint32_t)crypto_le(flf + 4, 4);
	uint8_t msg[64];

	if (len > sizeof(msg) ||
	    sim_req_read(r, CRYPTO_DATA_HDR + CRYPTO_DATA_FLF, msg, len) != len)
		return VIRTIO_CRYPTO_ERR;
	for (unsigned i = 0; i < CRYPTO_DIGEST_KATS; i++) {
		const struct crypto_digest_kat *k = &kats[i];

		if (k->algo != e->algo || k->len != rlen || k->data_len != len ||
		    memcmp(k->data, msg, len) || k->key_len != e->key_len ||
		    (k->key_len && memcmp(k->key, e->key, k->key_len)))
			continue;
		memcpy(dst, k->digest, rlen);
		*dst_len = rlen;
		return VIRTIO_CRYPTO_OK;
	}
	return VIRTIO_CRYPTO_ERR;
}

/* AES-128-GCM of the one published vector: zero key, IV and block. */
static uint8_t serve_aead(struct sim_crypto *m, const struct sim_req *r,
			  const struct sim_crypto_session *e, const uint8_t *hdr, uint8_t *dst,
			  uint32_t *dst_len)
{
	static const uint8_t zero[32];
	const uint8_t *flf = hdr + CRYPTO_DATA_HDR;
	uint32_t iv_len = (uint32_t)crypto_le(flf, 4), len = (uint32_t)crypto_le(flf + 8, 4);
	bool encrypt = crypto_le(hdr, 4) == VIRTIO_CRYPTO_AEAD_ENCRYPT;
	uint8_t in[12 + 32];

	if (iv_len != 12 || len > 32 || e->key_len != 16 || memcmp(e->key, zero, 16) ||
	    sim_req_read(r, CRYPTO_DATA_HDR + CRYPTO_DATA_FLF, in, 12 + len) != 12 + len ||
	    memcmp(in, zero, 12))
		return VIRTIO_CRYPTO_ERR;
	if (encrypt && len == 16 && !memcmp(in + 12, zero, 16)) {
		bool swap = (m->faults & SIM_CRYPTO_TAG_FIRST) != 0;

		memcpy(dst, crypto_gcm_ct_tag + (swap ? 16 : 0), 16);
		memcpy(dst + 16, crypto_gcm_ct_tag + (swap ? 0 : 16), 16);
		*dst_len = 32;
		return VIRTIO_CRYPTO_OK;
	}
	if (encrypt || len != 32 || memcmp(in + 12, crypto_gcm_ct_tag, 16))
		return VIRTIO_CRYPTO_ERR;
	if (memcmp(in + 28, crypto_gcm_ct_tag + 16, 16) && !(m->faults & SIM_CRYPTO_NO_TAG_CHECK))
		return VIRTIO_CRYPTO_BADMSG;
	memset(dst, 0, 16);
	*dst_len = 16;
	return VIRTIO_CRYPTO_OK;
}

static uint32_t serve_data(struct sim_dev *s, struct sim_crypto *m, const struct sim_req *r)
{
	uint8_t hdr[CRYPTO_DATA_HDR + CRYPTO_DATA_FLF], dst[CRYPTO_KAT_LEN], st;
	uint32_t wr = sim_req_writable(r), svc, dst_len = 0;
	const struct sim_crypto_session *e;

	if (sim_req_read(r, 0, hdr, sizeof(hdr)) != sizeof(hdr) || !wr)
		return 0;
	svc = (uint32_t)crypto_le(hdr, 4) >> 8;
	e = lookup(m, crypto_le(hdr + 8, 8));
	if (!advertised(s, svc))
		st = (m->faults & SIM_CRYPTO_UNADV_DATA_OK) ? VIRTIO_CRYPTO_OK
							    : VIRTIO_CRYPTO_NOTSUPP;
	else if (!e || e->svc != svc)
		st = (m->faults & SIM_CRYPTO_INVSESS_ERR) ? VIRTIO_CRYPTO_ERR
							  : VIRTIO_CRYPTO_INVSESS;
	else if (svc == CRYPTO_SVC_CIPHER)
		st = serve_cipher(m, r, e, hdr, dst, &dst_len);
	else if (svc == CRYPTO_SVC_HASH || svc == CRYPTO_SVC_MAC)
		st = serve_digest(r, e, hdr + CRYPTO_DATA_HDR, dst, &dst_len);
	else if (svc == CRYPTO_SVC_AEAD)
		st = serve_aead(m, r, e, hdr, dst, &dst_len);
	else
		st = VIRTIO_CRYPTO_NOTSUPP;
	if (st == VIRTIO_CRYPTO_OK && dst_len && (m->faults & SIM_CRYPTO_CORRUPT))
		dst[dst_len / 2] ^= 0x01;
	if (st != VIRTIO_CRYPTO_OK && (m->faults & SIM_CRYPTO_ERR_WRITES_DST) && wr > 1) {
		memset(dst, 0, sizeof(dst));
		dst_len = wr - 1 < sizeof(dst) ? wr - 1 : (uint32_t)sizeof(dst);
	}
	if (dst_len > wr - 1)
		dst_len = wr - 1;
	if (dst_len)
		sim_req_write(r, 0, dst, dst_len);
	sim_req_write(r, wr - 1, &st, 1);
	return wr;
}

static uint32_t crypto_serve(struct sim_dev *s, const struct sim_req *r)
{
	struct sim_crypto *m = s->model;

	/* queue 0 is dataq1, queue 1 (max_dataqueues) the controlq */
	return r->queue == 1 ? serve_ctrl(s, m, r) : serve_data(s, m, r);
}

void sim_crypto_attach(struct sim_dev *s, struct sim_crypto *m, uint32_t faults)
{
	uint8_t *c = s->config;

	memset(m, 0, sizeof(*m));
	m->faults = faults;
	s->model = m;
	s->serve = crypto_serve;
	memset(c, 0, CRYPTO_CFG_SIZE);
	s->config_len = CRYPTO_CFG_SIZE;
	crypto_put32(c + CRYPTO_CFG_STATUS, VIRTIO_CRYPTO_S_HW_READY);
	crypto_put32(c + CRYPTO_CFG_MAX_DATAQUEUES, 1);
	crypto_put32(c + CRYPTO_CFG_SERVICES,
		     1u << CRYPTO_SVC_CIPHER | 1u << CRYPTO_SVC_HASH | 1u << CRYPTO_SVC_MAC);
	crypto_put32(c + CRYPTO_CFG_CIPHER_L, 1u << VIRTIO_CRYPTO_CIPHER_AES_CBC);
	crypto_put32(c + CRYPTO_CFG_HASH, 1u << HASH_SHA_256);
	crypto_put32(c + CRYPTO_CFG_MAC_L, 1u << MAC_HMAC_SHA_256);
	crypto_put32(c + CRYPTO_CFG_MAX_CIPHER_KEY, MAX_CIPHER_KEY);
	crypto_put32(c + CRYPTO_CFG_MAX_AUTH_KEY, MAX_AUTH_KEY);
	crypto_put64(c + CRYPTO_CFG_MAX_SIZE, 4096);
}

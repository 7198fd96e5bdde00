/* SPDX-License-Identifier: MIT */
/*
 * The crypto device suite (5.9): the request helpers, and the checks of
 * the configuration layout and of what crypto_services advertises. The
 * session and cipher operations are in dev_crypto_ops.c.
 */
#include "dev_crypto.h"

#include <string.h>

#include "helpers.h"

/* NIST SP 800-38A, F.2.1 CBC-AES128.Encrypt (F.2.2 is its inverse) */
const uint8_t crypto_kat_key[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
				     0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };
const uint8_t crypto_kat_iv[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
				    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
const uint8_t crypto_kat_plain[CRYPTO_KAT_LEN] = {
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96, 0xe9, 0x3d, 0x7e, 0x11, 0x73,
	0x93, 0x17, 0x2a, 0xae, 0x2d, 0x8a, 0x57, 0x1e, 0x03, 0xac, 0x9c, 0x9e, 0xb7,
	0x6f, 0xac, 0x45, 0xaf, 0x8e, 0x51, 0x30, 0xc8, 0x1c, 0x46, 0xa3, 0x5c, 0xe4,
	0x11, 0xe5, 0xfb, 0xc1, 0x19, 0x1a, 0x0a, 0x52, 0xef, 0xf6, 0x9f, 0x24, 0x45,
	0xdf, 0x4f, 0x9b, 0x17, 0xad, 0x2b, 0x41, 0x7b, 0xe6, 0x6c, 0x37, 0x10,
};
const uint8_t crypto_kat_cipher[CRYPTO_KAT_LEN] = {
	0x76, 0x49, 0xab, 0xac, 0x81, 0x19, 0xb2, 0x46, 0xce, 0xe9, 0x8e, 0x9b, 0x12,
	0xe9, 0x19, 0x7d, 0x50, 0x86, 0xcb, 0x9b, 0x50, 0x72, 0x19, 0xee, 0x95, 0xdb,
	0x11, 0x3a, 0x91, 0x76, 0x78, 0xb2, 0x73, 0xbe, 0xd6, 0xb8, 0xe3, 0xc1, 0x74,
	0x3b, 0x71, 0x16, 0xe6, 0x9e, 0x22, 0x22, 0x95, 0x16, 0x3f, 0xf1, 0xca, 0xa1,
	0x68, 0x1f, 0xac, 0x09, 0x12, 0x0e, 0xca, 0x30, 0x75, 0x86, 0xe1, 0xa7,
};

static uint8_t
	crypto_out[CRYPTO_DATA_HDR + CRYPTO_DATA_FLF + 16 + CRYPTO_MAX_DATA + CRYPTO_MAX_KEY];
static uint8_t crypto_in[CRYPTO_MAX_DATA + CRYPTO_SESSION_IN];

void crypto_put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void crypto_put64(uint8_t *p, uint64_t v)
{
	crypto_put32(p, (uint32_t)v);
	crypto_put32(p + 4, (uint32_t)(v >> 32));
}

uint64_t crypto_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

uint32_t crypto_cfg32(const struct crypto_dev *d, uint32_t off)
{
	return (uint32_t)chk_dev_cfg(&d->c, off, 4);
}

bool crypto_open(struct pf_test *t, struct crypto_dev *d, bool requests)
{
	uint32_t nq, st;

	memset(d, 0, sizeof(*d));
	if (!chk_dev_open(t, &d->c, 0, 0, true))
		return false;
	d->services = crypto_cfg32(d, CRYPTO_CFG_SERVICES);
	if (!requests)
		return true;
	/* 5.9.2: dataq1..dataqN, then the controlq; N is max_dataqueues */
	nq = crypto_cfg32(d, CRYPTO_CFG_MAX_DATAQUEUES);
	if (!nq || nq >= d->c.nqueues) {
		report_skip(t, "max_dataqueues %u leaves no controlq among the %u queues set up",
			    nq, d->c.nqueues);
		return false;
	}
	d->ctrlq = (uint16_t)nq;
	d->dataq = 0;
	/* 5.9.4: the driver sends nothing until the device says it is ready */
	st = crypto_cfg32(d, CRYPTO_CFG_STATUS);
	if (!(st & VIRTIO_CRYPTO_S_HW_READY)) {
		report_skip(t, "status 0x%x: VIRTIO_CRYPTO_S_HW_READY not set", st);
		return false;
	}
	return true;
}

int crypto_ctrl(struct pf_test *t, struct crypto_dev *d, struct crypto_ctrl *r, bool destroy,
		const char *what)
{
	uint32_t in_len = destroy ? 1 : CRYPTO_SESSION_IN, len;
	int rc;

	if (r->vlf_len > CRYPTO_MAX_KEY) {
		report_error(t, "%s: %u key bytes are more than the suite sends", what, r->vlf_len);
		return PF_EINVAL;
	}
	memset(crypto_out, 0, CRYPTO_CTRL_HDR);
	crypto_put32(crypto_out, r->opcode);
	crypto_put32(crypto_out + 4, r->algo);
	memcpy(crypto_out + CRYPTO_CTRL_HDR, r->flf, CRYPTO_CTRL_FLF);
	if (r->vlf_len)
		memcpy(crypto_out + CRYPTO_CTRL_HDR + CRYPTO_CTRL_FLF, r->vlf, r->vlf_len);
	rc = chk_dev_request(t, &d->c, d->ctrlq, crypto_out,
			     CRYPTO_CTRL_HDR + CRYPTO_CTRL_FLF + r->vlf_len, crypto_in, in_len,
			     &len, what);
	if (rc != 1)
		return rc;
	if (destroy) {
		r->status = crypto_in[0];
		r->written = crypto_in[0] != CHK_DEV_FILL;
		r->session_id = 0;
	} else {
		r->session_id = crypto_le(crypto_in, 8);
		r->status = (uint32_t)crypto_le(crypto_in + 8, 4);
		r->written = r->status != 0xa5a5a5a5u;
	}
	/* 5.9.7.1: every session operation returns a status */
	report(t, r->written, "no-status", "%s: the device never wrote the status", what);
	/* 5.9.7.2.1: OK, NOTSUPP or ERR; NOSPC only with REVISION_1, which
	 * the suite does not negotiate */
	if (!destroy && r->written)
		report(t,
		       r->status == VIRTIO_CRYPTO_OK || r->status == VIRTIO_CRYPTO_NOTSUPP ||
			       r->status == VIRTIO_CRYPTO_ERR,
		       "create-status-value",
		       "%s: status %u (%s) is not one a session create answers", what, r->status,
		       crypto_status_name(r->status));
	return 1;
}

void crypto_cipher_session(struct crypto_ctrl *r, const uint8_t *key, uint32_t key_len, uint32_t op)
{
	memset(r, 0, sizeof(*r));
	r->opcode = CRYPTO_CREATE_SESSION(CRYPTO_SVC_CIPHER);
	r->algo = VIRTIO_CRYPTO_CIPHER_AES_CBC;
	crypto_put32(r->flf, VIRTIO_CRYPTO_CIPHER_AES_CBC);
	crypto_put32(r->flf + 4, key_len);
	crypto_put32(r->flf + 8, op);
	crypto_put32(r->flf + CRYPTO_SESS_OP_TYPE, VIRTIO_CRYPTO_SYM_OP_CIPHER);
	r->vlf = key;
	r->vlf_len = key_len;
}

uint8_t crypto_destroy(struct pf_test *t, struct crypto_dev *d, unsigned svc, uint64_t id,
		       const char *what)
{
	struct crypto_ctrl r;

	memset(&r, 0, sizeof(r));
	r.opcode = CRYPTO_DESTROY_SESSION(svc);
	crypto_put64(r.flf, id);
	if (crypto_ctrl(t, d, &r, true, what) != 1 || !r.written)
		return 0xff;
	/* 5.9.7.2.1: OK or ERR, nothing else */
	report(t, r.status == VIRTIO_CRYPTO_OK || r.status == VIRTIO_CRYPTO_ERR,
	       "destroy-status-value", "%s: status %u (%s) is neither OK nor ERR", what, r.status,
	       crypto_status_name(r.status));
	return (uint8_t)r.status;
}

int crypto_data(struct pf_test *t, struct crypto_dev *d, struct crypto_data *r, const char *what)
{
	uint32_t len, out_len = CRYPTO_DATA_HDR + CRYPTO_DATA_FLF + r->vlf_len;
	int rc;

	if (r->vlf_len > 16 + CRYPTO_MAX_DATA || r->dst_len > CRYPTO_MAX_DATA) {
		report_error(t, "%s: %u + %u bytes are more than the suite sends", what, r->vlf_len,
			     r->dst_len);
		return PF_EINVAL;
	}
	memset(crypto_out, 0, CRYPTO_DATA_HDR);
	crypto_put32(crypto_out, r->opcode);
	crypto_put32(crypto_out + 4, r->algo);
	crypto_put64(crypto_out + 8, r->session_id);
	memcpy(crypto_out + CRYPTO_DATA_HDR, r->flf, CRYPTO_DATA_FLF);
	if (r->vlf_len)
		memcpy(crypto_out + CRYPTO_DATA_HDR + CRYPTO_DATA_FLF, r->vlf, r->vlf_len);
	rc = chk_dev_request(t, &d->c, d->dataq, crypto_out, out_len, crypto_in, r->dst_len + 1,
			     &len, what);
	if (rc != 1)
		return rc;
	r->dst = crypto_in;
	r->status = crypto_in[r->dst_len];
	report(t, r->status != CHK_DEV_FILL, "no-status", "%s: the device never wrote the status",
	       what);
	return 1;
}

int crypto_cipher(struct pf_test *t, struct crypto_dev *d, struct crypto_data *r, uint32_t opcode,
		  uint64_t id, const uint8_t *src, uint32_t len, const char *what)
{
	static uint8_t vlf[16 + CRYPTO_MAX_DATA];

	if (len > CRYPTO_MAX_DATA)
		return PF_EINVAL;
	memset(r, 0, sizeof(*r));
	r->opcode = opcode;
	r->algo = VIRTIO_CRYPTO_CIPHER_AES_CBC;
	r->session_id = id;
	crypto_put32(r->flf, 16);      /* iv_len */
	crypto_put32(r->flf + 4, len); /* src_data_len */
	crypto_put32(r->flf + 8, len); /* dst_data_len */
	crypto_put32(r->flf + CRYPTO_SYM_OP_TYPE, VIRTIO_CRYPTO_SYM_OP_CIPHER);
	memcpy(vlf, crypto_kat_iv, 16);
	memcpy(vlf + 16, src, len);
	r->vlf = vlf;
	r->vlf_len = 16 + len;
	r->dst_len = len;
	return crypto_data(t, d, r, what);
}

const char *crypto_status_name(uint32_t s)
{
	static const char *const names[] = { "OK",	"ERR",	 "BADMSG",	 "NOTSUPP",
					     "INVSESS", "NOSPC", "KEY_REJECTED", "SA_SOFT_EXPIRY" };

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "not a status";
}

/* The algorithm mask words of each service (5.9.4) and the bits 5.9.3
 * defines in them. */
static const struct {
	const char *name;
	uint32_t off[2];
	uint32_t defined[2];
} svc_masks[] = {
	[CRYPTO_SVC_CIPHER] = { "cipher_algo",
				{ CRYPTO_CFG_CIPHER_L, CRYPTO_CFG_CIPHER_H },
				{ 0x7fffu, 0 } },
	[CRYPTO_SVC_HASH] = { "hash_algo", { CRYPTO_CFG_HASH, 0 }, { 0x1fffu, 0 } },
	/* HMAC 0-6, CMAC_3DES 25 .. SNOW3G_UIA2 28; GMAC 41, 42, CBCMAC 49, 50,
	 * XCBC 53, ZUC 54 */
	[CRYPTO_SVC_MAC] = { "mac_algo",
			     { CRYPTO_CFG_MAC_L, CRYPTO_CFG_MAC_H },
			     { 0x1e00007fu, 0x00660600u } },
	[CRYPTO_SVC_AEAD] = { "aead_algo", { CRYPTO_CFG_AEAD, 0 }, { 0xfu, 0 } },
	[CRYPTO_SVC_AKCIPHER] = { "akcipher_algo", { CRYPTO_CFG_AKCIPHER, 0 }, { 0x7u, 0 } },
};
#define SVC_MASKS (sizeof(svc_masks) / sizeof(svc_masks[0]))

uint32_t crypto_algo_mask(const struct crypto_dev *d, unsigned svc, unsigned word)
{
	if (svc >= SVC_MASKS || !svc_masks[svc].off[word])
		return 0;
	return crypto_cfg32(d, svc_masks[svc].off[word]);
}

void check_CRYPTO_CONFIG(struct pf_test *t)
{
	struct crypto_dev d;
	uint32_t st, nq, key;

	if (!crypto_open(t, &d, false))
		goto out;
	st = crypto_cfg32(&d, CRYPTO_CFG_STATUS);
	report(t, !(st & ~VIRTIO_CRYPTO_S_HW_READY), "status-undefined",
	       "status 0x%x sets flags other than VIRTIO_CRYPTO_S_HW_READY", st);
	nq = crypto_cfg32(&d, CRYPTO_CFG_MAX_DATAQUEUES);
	report(t, nq >= 1 && nq <= 65535, "max-dataqueues", "max_dataqueues %u is not 1..65535",
	       nq);
	report(t, !(d.services & ~((1u << CRYPTO_SVC_COUNT) - 1)), "services-undefined",
	       "crypto_services 0x%x sets bits no service is defined for", d.services);
	for (unsigned s = 0; s < SVC_MASKS; s++) {
		uint32_t m[2] = { crypto_algo_mask(&d, s, 0), crypto_algo_mask(&d, s, 1) };
		/* bit 0 is the NO_<service> value, not an algorithm */
		bool any = (m[0] & ~1u) || m[1];

		for (unsigned w = 0; w < 2; w++)
			report(t, !(m[w] & ~svc_masks[s].defined[w]), "algo-undefined",
			       "%s word %u 0x%08x sets algorithm bits 5.9.3 does not define",
			       svc_masks[s].name, w, m[w]);
		if (d.services & (1u << s))
			report(t, any, "algo-mask-empty",
			       "crypto_services advertises %s but %s names no algorithm",
			       svc_masks[s].name, svc_masks[s].name);
	}
	key = crypto_cfg32(&d, CRYPTO_CFG_MAX_CIPHER_KEY);
	if (d.services & (1u << CRYPTO_SVC_CIPHER))
		report(t, key != 0, "max-cipher-key", "CIPHER offered with max_cipher_key_len 0");
	key = crypto_cfg32(&d, CRYPTO_CFG_MAX_AUTH_KEY);
	if (d.services & (1u << CRYPTO_SVC_MAC))
		report(t, key != 0, "max-auth-key", "MAC offered with max_auth_key_len 0");
	report(t, chk_dev_cfg(&d.c, CRYPTO_CFG_MAX_SIZE, 8) != 0, "max-size",
	       "max_size 0: no request could be sent");
out:
	chk_dev_close(&d.c);
}

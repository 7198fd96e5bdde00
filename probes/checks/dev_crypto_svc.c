/* SPDX-License-Identifier: MIT */
/*
 * The crypto device suite (5.9): crypto_services says what the device
 * offers (5.9.4). An advertised HASH, MAC or AEAD service creates a
 * session for an algorithm its mask names; a service not advertised
 * refuses sessions and data requests.
 */
#include <string.h>

#include "dev_crypto.h"

/* Digest bytes of HASH algorithm a (and of HMAC over it), 5.9.3. */
static uint32_t digest_len(uint32_t a)
{
	static const uint8_t len[] = { 0, 16, 20, 28, 32, 48, 64, 28, 32, 48, 64 };

	return a < sizeof(len) && len[a] ? len[a] : 16;
}

/* The lowest algorithm the service's mask names (0: none). */
static uint32_t first_algo(const struct crypto_dev *d, unsigned svc)
{
	for (unsigned w = 0; w < 2; w++) {
		uint32_t m = crypto_algo_mask(d, svc, w) & (w ? ~0u : ~1u);

		for (unsigned b = 0; b < 32; b++)
			if (m & (1u << b))
				return 32 * w + b;
	}
	return 0;
}

static const uint8_t svc_key[16] = { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
				     0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f };

/* A create-session request of service svc for algorithm algo. */
static void session_of(const struct crypto_dev *d, struct crypto_ctrl *r, unsigned svc,
		       uint32_t algo)
{
	uint32_t auth = crypto_cfg32(d, CRYPTO_CFG_MAX_AUTH_KEY);

	memset(r, 0, sizeof(*r));
	r->opcode = CRYPTO_CREATE_SESSION(svc);
	r->algo = algo;
	crypto_put32(r->flf, algo);
	if (svc == CRYPTO_SVC_HASH) {
		crypto_put32(r->flf + 4, digest_len(algo));
	} else if (svc == CRYPTO_SVC_MAC) {
		r->vlf_len = auth < sizeof(svc_key) ? auth : sizeof(svc_key);
		crypto_put32(r->flf + 4, digest_len(algo));
		crypto_put32(r->flf + 8, r->vlf_len);
	} else { /* AEAD: key, tag 16, no AAD, encrypt */
		r->vlf_len = sizeof(svc_key);
		crypto_put32(r->flf + 4, r->vlf_len);
		crypto_put32(r->flf + 8, 16);
		crypto_put32(r->flf + 16, VIRTIO_CRYPTO_OP_ENCRYPT);
	}
	r->vlf = svc_key;
}

/* A data request of a service not advertised, on a session never created. */
static void data_unadvertised(struct pf_test *t, struct crypto_dev *d, unsigned svc,
			      const char *name)
{
	static const uint8_t src[16];
	struct crypto_data r;

	memset(&r, 0, sizeof(r));
	r.opcode = svc == CRYPTO_SVC_AEAD ? VIRTIO_CRYPTO_AEAD_ENCRYPT : CRYPTO_OPCODE(svc, 0);
	r.algo = 1;
	r.session_id = 0x7fffffffu;
	if (svc == CRYPTO_SVC_AEAD) {
		crypto_put32(r.flf + 8, sizeof(src));	    /* src_data_len */
		crypto_put32(r.flf + 12, sizeof(src) + 16); /* dst_data_len: data, tag */
		crypto_put32(r.flf + 16, 16);		    /* tag_len */
		r.dst_len = sizeof(src) + 16;
	} else {
		crypto_put32(r.flf, sizeof(src)); /* src_data_len */
		crypto_put32(r.flf + 4, 16);	  /* hash_result_len */
		r.dst_len = 16;
	}
	r.vlf = src;
	r.vlf_len = sizeof(src);
	if (crypto_data(t, d, &r, name) != 1 || r.status == CHK_DEV_FILL)
		return;
	/* 5.9.7.4-6: OK, NOTSUPP, INVSESS, ERR (AEAD: BADMSG too) */
	report(t,
	       r.status == VIRTIO_CRYPTO_NOTSUPP || r.status == VIRTIO_CRYPTO_INVSESS ||
		       r.status == VIRTIO_CRYPTO_ERR,
	       "unadvertised-data",
	       "a %s request, a service the device does not advertise, answered %u (%s)", name,
	       r.status, crypto_status_name(r.status));
}

static const char *const svc_names[] = { "CIPHER", "HASH", "MAC", "AEAD" };

void check_CRYPTO_SERVICES(struct pf_test *t)
{
	struct crypto_dev d;
	unsigned tried = 0;

	if (!crypto_open(t, &d, true))
		goto out;
	for (unsigned s = CRYPTO_SVC_HASH; s <= CRYPTO_SVC_AEAD; s++) {
		bool adv = (d.services & (1u << s)) != 0;
		uint32_t algo = adv ? first_algo(&d, s) : 1;
		struct crypto_ctrl r;

		if (!algo) /* advertised with no algorithm: crypto.config's finding */
			continue;
		tried++;
		session_of(&d, &r, s, algo);
		if (crypto_ctrl(t, &d, &r, false, svc_names[s]) != 1 || !r.written)
			break;
		if (adv)
			report(t, r.status == VIRTIO_CRYPTO_OK, "advertised-unsupported",
			       "crypto_services advertises %s with algorithm %u, but creating its "
			       "session answered %u (%s)",
			       svc_names[s], algo, r.status, crypto_status_name(r.status));
		else
			report(t, r.status == VIRTIO_CRYPTO_NOTSUPP, "unadvertised-session",
			       "a %s session, a service the device does not advertise, answered "
			       "%u (%s), not NOTSUPP",
			       svc_names[s], r.status, crypto_status_name(r.status));
		if (r.status == VIRTIO_CRYPTO_OK)
			crypto_destroy(t, &d, s, r.session_id, "destroy");
		if (!adv)
			data_unadvertised(t, &d, s, svc_names[s]);
	}
	if (!tried && !report_stopped(t))
		report_skip(t, "every service but CIPHER is advertised with an empty mask");
out:
	chk_dev_close(&d.c);
}

/* SPDX-License-Identifier: MIT */
/*
 * The crypto device suite (5.9): configuration layout, service and
 * algorithm numbers, opcodes and status codes, the request layouts without
 * VIRTIO_CRYPTO_F_REVISION_1 (fixed-length parts padded to 56 bytes on the
 * controlq and 48 on a dataq), and the request helpers its checks share.
 */
#ifndef PF_CHECKS_DEV_CRYPTO_H
#define PF_CHECKS_DEV_CRYPTO_H

#include <stdint.h>

#include "dev_queue.h"

/* struct virtio_crypto_config offsets (5.9.4) */
#define CRYPTO_CFG_STATUS 0
#define CRYPTO_CFG_MAX_DATAQUEUES 4
#define CRYPTO_CFG_SERVICES 8
#define CRYPTO_CFG_CIPHER_L 12
#define CRYPTO_CFG_CIPHER_H 16
#define CRYPTO_CFG_HASH 20
#define CRYPTO_CFG_MAC_L 24
#define CRYPTO_CFG_MAC_H 28
#define CRYPTO_CFG_AEAD 32
#define CRYPTO_CFG_MAX_CIPHER_KEY 36
#define CRYPTO_CFG_MAX_AUTH_KEY 40
#define CRYPTO_CFG_AKCIPHER 44
#define CRYPTO_CFG_MAX_SIZE 48
#define CRYPTO_CFG_SIZE 56

#define VIRTIO_CRYPTO_S_HW_READY 1u

/* services (5.9.3): bits of crypto_services, and an opcode's high byte */
enum crypto_service {
	CRYPTO_SVC_CIPHER = 0,
	CRYPTO_SVC_HASH = 1,
	CRYPTO_SVC_MAC = 2,
	CRYPTO_SVC_AEAD = 3,
	CRYPTO_SVC_AKCIPHER = 4,
	CRYPTO_SVC_IPSEC = 5,
	CRYPTO_SVC_COUNT
};

#define VIRTIO_CRYPTO_CIPHER_AES_CBC 3
#define VIRTIO_CRYPTO_OP_ENCRYPT 1
#define VIRTIO_CRYPTO_OP_DECRYPT 2
#define VIRTIO_CRYPTO_SYM_OP_CIPHER 1

/* opcodes (5.9.7.2, 5.9.7.3): service << 8 | op */
#define CRYPTO_OPCODE(svc, op) ((uint32_t)(svc) << 8 | (op))
#define CRYPTO_CREATE_SESSION(svc) CRYPTO_OPCODE(svc, (svc) == CRYPTO_SVC_AKCIPHER ? 4 : 2)
#define CRYPTO_DESTROY_SESSION(svc) CRYPTO_OPCODE(svc, (svc) == CRYPTO_SVC_AKCIPHER ? 5 : 3)
#define VIRTIO_CRYPTO_CIPHER_ENCRYPT CRYPTO_OPCODE(CRYPTO_SVC_CIPHER, 0)
#define VIRTIO_CRYPTO_CIPHER_DECRYPT CRYPTO_OPCODE(CRYPTO_SVC_CIPHER, 1)
#define VIRTIO_CRYPTO_HASH CRYPTO_OPCODE(CRYPTO_SVC_HASH, 0)
#define VIRTIO_CRYPTO_MAC CRYPTO_OPCODE(CRYPTO_SVC_MAC, 0)
#define VIRTIO_CRYPTO_AEAD_ENCRYPT CRYPTO_OPCODE(CRYPTO_SVC_AEAD, 0)
#define VIRTIO_CRYPTO_AEAD_DECRYPT CRYPTO_OPCODE(CRYPTO_SVC_AEAD, 1)
#define VIRTIO_CRYPTO_AEAD_GCM 1

/* enum VIRTIO_CRYPTO_STATUS (5.9.7.1) */
enum {
	VIRTIO_CRYPTO_OK = 0,
	VIRTIO_CRYPTO_ERR = 1,
	VIRTIO_CRYPTO_BADMSG = 2,
	VIRTIO_CRYPTO_NOTSUPP = 3,
	VIRTIO_CRYPTO_INVSESS = 4,
	VIRTIO_CRYPTO_NOSPC = 5,
	VIRTIO_CRYPTO_KEY_REJECTED = 6,
};

/* request layouts without REVISION_1 */
#define CRYPTO_CTRL_HDR 16     /* struct virtio_crypto_ctrl_header */
#define CRYPTO_CTRL_FLF 56     /* op_flf padded */
#define CRYPTO_SESSION_IN 16   /* struct virtio_crypto_create_session_input */
#define CRYPTO_DATA_HDR 24     /* struct virtio_crypto_op_header */
#define CRYPTO_DATA_FLF 48     /* op_flf padded */
#define CRYPTO_SYM_OP_TYPE 40  /* op_type in struct virtio_crypto_sym_data_flf */
#define CRYPTO_SESS_OP_TYPE 48 /* op_type in struct virtio_crypto_sym_create_session_flf */
#define CRYPTO_MAX_KEY 1024u   /* longest key the suite sends */
#define CRYPTO_MAX_DATA 4096u  /* longest source data the suite sends */

/*
 * The known answer: NIST SP 800-38A, appendix F.2.1 / F.2.2 (CBC-AES128),
 * the published key, IV, four plaintext blocks and their ciphertext.
 */
#define CRYPTO_KAT_LEN 64
extern const uint8_t crypto_kat_key[16];
extern const uint8_t crypto_kat_iv[16];
extern const uint8_t crypto_kat_plain[CRYPTO_KAT_LEN];
extern const uint8_t crypto_kat_cipher[CRYPTO_KAT_LEN];

/* A HASH or MAC known answer: algorithm, key (MAC), message, digest. */
struct crypto_digest_kat {
	uint32_t algo;
	const uint8_t *key;
	uint32_t key_len;
	const uint8_t *data;
	uint32_t data_len;
	uint32_t len; /* digest bytes */
	uint8_t digest[32];
};
#define CRYPTO_DIGEST_KATS 2
extern const struct crypto_digest_kat crypto_hash_kats[CRYPTO_DIGEST_KATS];
extern const struct crypto_digest_kat crypto_mac_kats[CRYPTO_DIGEST_KATS];
/* AES-128-GCM, zero key, IV and plaintext block: ciphertext, then tag */
extern const uint8_t crypto_gcm_ct_tag[32];

/* A crypto device brought up: its controlq and first dataq. */
struct crypto_dev {
	struct chk_dev c;
	uint16_t dataq, ctrlq;
	uint32_t services;
};

/* One controlq session request and its outcome. */
struct crypto_ctrl {
	uint32_t opcode, algo;
	uint8_t flf[CRYPTO_CTRL_FLF];
	const uint8_t *vlf; /* keys */
	uint32_t vlf_len;
	/* outcome */
	uint64_t session_id;
	uint32_t status; /* CHK_DEV_FILL... when never written */
	bool written;	 /* the device wrote the status field */
};

/* One dataq request and its outcome. */
struct crypto_data {
	uint32_t opcode, algo;
	uint64_t session_id;
	uint8_t flf[CRYPTO_DATA_FLF];
	const uint8_t *vlf; /* device-readable: iv, source data */
	uint32_t vlf_len;
	uint32_t dst_len; /* device-writable bytes before the status */
	/* outcome */
	const uint8_t *dst; /* valid until the next request */
	uint8_t status;
};

/* Little-endian fields of n bytes (the layouts of 5.9 are all LE). */
void crypto_put32(uint8_t *p, uint32_t v);
void crypto_put64(uint8_t *p, uint64_t v);
uint64_t crypto_le(const uint8_t *p, unsigned n);
uint32_t crypto_cfg32(const struct crypto_dev *d, uint32_t off);

/*
 * Brings the device up (no device-type feature: the suite speaks the
 * request format without REVISION_1). For a check that sends `requests`,
 * finds the controlq and needs HW_READY (else skip: 5.9.4 forbids the
 * driver to send anything). Reports and returns false if the check
 * cannot go on.
 */
bool crypto_open(struct pf_test *t, struct crypto_dev *d, bool requests);

/* Sends a create (outcome: struct virtio_crypto_create_session_input) or
 * destroy (outcome: one status byte) session request; 1 or a code. */
int crypto_ctrl(struct pf_test *t, struct crypto_dev *d, struct crypto_ctrl *r, bool destroy,
		const char *what);

/* A CIPHER session: AES-CBC key, op VIRTIO_CRYPTO_OP_*. */
void crypto_cipher_session(struct crypto_ctrl *r, const uint8_t *key, uint32_t key_len,
			   uint32_t op);

/* Destroys session id of service svc; returns its status (0xff: no reply). */
uint8_t crypto_destroy(struct pf_test *t, struct crypto_dev *d, unsigned svc, uint64_t id,
		       const char *what);

/* Sends a dataq request; 1 or a code. */
int crypto_data(struct pf_test *t, struct crypto_dev *d, struct crypto_data *r, const char *what);

/* A plain CIPHER request on session id: iv and len bytes of src. */
int crypto_cipher(struct pf_test *t, struct crypto_dev *d, struct crypto_data *r, uint32_t opcode,
		  uint64_t id, const uint8_t *src, uint32_t len, const char *what);

const char *crypto_status_name(uint32_t s);
uint32_t crypto_algo_mask(const struct crypto_dev *d, unsigned svc, unsigned word);

#endif

/* SPDX-License-Identifier: MIT */
/* A simulated crypto device (5.9) for the crypto suite's unit table. */
#ifndef PF_SIM_CRYPTO_H
#define PF_SIM_CRYPTO_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_device.h"

#define SIM_CRYPTO_SESSIONS 8

/* Faults of the model, each breaking one rule of 5.9 */
#define SIM_CRYPTO_UNSUPP_ERR (1u << 0)		/* unadvertised cipher algorithm: ERR */
#define SIM_CRYPTO_ID_ON_FAIL (1u << 1)		/* a failed create still makes a session */
#define SIM_CRYPTO_SAME_ID (1u << 2)		/* every session gets id 1 */
#define SIM_CRYPTO_LONG_KEY_OK (1u << 3)	/* keys over max_cipher_key_len accepted */
#define SIM_CRYPTO_DESTROY_TWICE_OK (1u << 4)	/* destroying a destroyed session: OK */
#define SIM_CRYPTO_NO_STATUS (1u << 5)		/* destroy never writes its status */
#define SIM_CRYPTO_CORRUPT (1u << 6)		/* one byte of dst_data changed */
#define SIM_CRYPTO_INVSESS_ERR (1u << 7)	/* an unknown session: ERR, not INVSESS */
#define SIM_CRYPTO_ERR_WRITES_DST (1u << 8)	/* a failed request still writes dst_data */
#define SIM_CRYPTO_HASH_NOTSUPP (1u << 9)	/* HASH advertised, its sessions NOTSUPP */
#define SIM_CRYPTO_UNADV_OK (1u << 10)		/* a session of a service not advertised: OK */
#define SIM_CRYPTO_UNADV_DATA_OK (1u << 11)	/* a data request of such a service: OK */
#define SIM_CRYPTO_DECRYPT_NOOP (1u << 12)	/* decryption copies the source */
#define SIM_CRYPTO_DESTROY_BAD_VALUE (1u << 13) /* destroy answers INVSESS */
#define SIM_CRYPTO_TAG_FIRST (1u << 14)		/* AEAD: tag before the ciphertext */
#define SIM_CRYPTO_NO_TAG_CHECK (1u << 15)	/* AEAD: a wrong tag decrypts with OK */
#define SIM_CRYPTO_LONG_KEY_NOSPC (1u << 16)	/* a key over the maximum: NOSPC */

struct sim_crypto_session {
	bool live, dead; /* dead: destroyed */
	uint32_t svc, algo, op;
	uint8_t key[32];
	uint32_t key_len;
};

struct sim_crypto {
	uint32_t faults;
	struct sim_crypto_session sess[SIM_CRYPTO_SESSIONS];
};

/* Makes s (opened as device type 20 with a dataq and a controlq) a crypto
 * device offering CIPHER (AES-CBC), HASH (SHA-256) and MAC (HMAC-SHA-256);
 * AEAD (AES-GCM) is served when a test advertises it. */
void sim_crypto_attach(struct sim_dev *s, struct sim_crypto *m, uint32_t faults);

#endif

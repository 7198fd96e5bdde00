/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4) from OpenSSL's libcrypto, which the runner already
 * links for Ed25519 package signatures: package manifests, profile and
 * known-failure fingerprints and the probe image hash all go through here.
 * Known-answer tests (FIPS 180-2 "abc", the empty string) in test_package.c.
 */
#ifndef PF_DIGEST_H
#define PF_DIGEST_H

#include <stddef.h>

#define PF_SHA256_LEN 32
#define PF_SHA256_HEX (2 * PF_SHA256_LEN + 1)

/* One-shot digest as 64 lowercase hex digits plus NUL. 0 on success; -1
 * (hex set to "") when libcrypto fails, e.g. out of memory. */
int pf_sha256_hex(const void *data, size_t len, char hex[PF_SHA256_HEX]);
/* Digest of a file's contents; 0 on success, -1 (errno set, hex "") on
 * an I/O error. */
int pf_sha256_file_hex(const char *path, char hex[PF_SHA256_HEX]);

/* Incremental hashing, for data copied while it is hashed. */
struct pf_sha256;
struct pf_sha256 *pf_sha256_new(void); /* NULL when out of memory */
int pf_sha256_update(struct pf_sha256 *c, const void *data, size_t len);
/* Writes the hex digest and frees c (accepts NULL: returns -1). */
int pf_sha256_final_hex(struct pf_sha256 *c, char hex[PF_SHA256_HEX]);

#endif

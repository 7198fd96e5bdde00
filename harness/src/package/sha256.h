/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4). Our own ~100 lines instead of OpenSSL/libgcrypt:
 * the runner needs exactly one hash for package manifests and profile
 * fingerprints, and a self-contained implementation keeps the runner's
 * dependency list to the design card's (jansson, libyaml, cmocka) and is
 * freestanding-friendly should the probe ever want to hash its image.
 * Checked against the FIPS 180-4 / NIST CAVS vectors in test_package.c.
 */
#ifndef PF_SHA256_H
#define PF_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define PF_SHA256_LEN 32

struct pf_sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes hashed so far */
	unsigned char buf[64];
	size_t fill;
};

void pf_sha256_init(struct pf_sha256 *c);
void pf_sha256_update(struct pf_sha256 *c, const void *data, size_t len);
void pf_sha256_final(struct pf_sha256 *c, unsigned char out[PF_SHA256_LEN]);

/* One-shot digest as 64 lowercase hex digits plus NUL. */
void pf_sha256_hex(const void *data, size_t len, char hex[2 * PF_SHA256_LEN + 1]);
/* Digest of a file's contents; 0 on success, -1 (errno set) on I/O error. */
int pf_sha256_file_hex(const char *path, char hex[2 * PF_SHA256_LEN + 1]);

#endif

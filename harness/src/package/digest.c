/* SPDX-License-Identifier: MIT */
/* SHA-256 through libcrypto's EVP interface. See digest.h. */
#include "package/digest.h"

#include <errno.h>
#include <stdio.h>

#include <openssl/evp.h>

static void to_hex(const unsigned char *d, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 0xf];
	}
	hex[2 * n] = '\0';
}

struct pf_sha256 *pf_sha256_new(void)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx)
		return NULL;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	/* The context is the handle: no second allocation to fail. */
	return (struct pf_sha256 *)ctx;
}

int pf_sha256_update(struct pf_sha256 *c, const void *data, size_t len)
{
	if (!c)
		return -1;
	return EVP_DigestUpdate((EVP_MD_CTX *)c, data, len) == 1 ? 0 : -1;
}

int pf_sha256_final_hex(struct pf_sha256 *c, char hex[PF_SHA256_HEX])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int rc = -1;

	hex[0] = '\0';
	if (c && EVP_DigestFinal_ex((EVP_MD_CTX *)c, d, &n) == 1 && n == PF_SHA256_LEN) {
		to_hex(d, n, hex);
		rc = 0;
	}
	EVP_MD_CTX_free((EVP_MD_CTX *)c);
	return rc;
}

int pf_sha256_hex(const void *data, size_t len, char hex[PF_SHA256_HEX])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	hex[0] = '\0';
	if (EVP_Digest(data, len, d, &n, EVP_sha256(), NULL) != 1 || n != PF_SHA256_LEN)
		return -1;
	to_hex(d, n, hex);
	return 0;
}

int pf_sha256_file_hex(const char *path, char hex[PF_SHA256_HEX])
{
	FILE *f = fopen(path, "rb");
	struct pf_sha256 *c;
	unsigned char buf[65536];
	size_t n;
	int bad = 0, saved = EIO;

	hex[0] = '\0';
	if (!f)
		return -1;
	if (!(c = pf_sha256_new())) {
		fclose(f);
		errno = ENOMEM;
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		bad |= pf_sha256_update(c, buf, n);
	if (ferror(f)) {
		saved = errno;
		bad = -1;
	}
	fclose(f);
	if (pf_sha256_final_hex(c, hex) || bad) {
		hex[0] = '\0';
		errno = saved;
		return -1;
	}
	return 0;
}

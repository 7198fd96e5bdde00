/* SPDX-License-Identifier: MIT */
/*
 * Ed25519 signatures of MANIFEST.json (OpenSSL libcrypto). The manifest
 * hashes every other member, so signing it signs the package.
 */
#include "package/package_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "reports/report_util.h"

#define ED25519_SIG 64
#define ED25519_PUB 32

static void hex_of(const unsigned char *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static int unhex(const char *s, unsigned char *out, size_t n)
{
	if (!s || strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;

		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + (size_t)k];
			int h = c >= '0' && c <= '9'   ? c - '0'
				: c >= 'a' && c <= 'f' ? c - 'a' + 10
						       : -1;

			if (h < 0)
				return -1;
			v = v << 4 | (unsigned)h;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

/* An Ed25519 key from a PEM file: private (want_private) or public. */
static EVP_PKEY *load_key(const char *path, bool want_private, struct pf_error *err)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k;

	if (!f) {
		pf_error_errno(err, path, "cannot open the key");
		return NULL;
	}
	k = want_private ? PEM_read_PrivateKey(f, NULL, NULL, NULL)
			 : PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (!k) {
		const char *why = ERR_reason_error_string(ERR_peek_last_error());

		pf_error_fill(err, path, 0, 0, NULL, "not a PEM %s key (%s)",
			      want_private ? "private" : "public", why ? why : "unreadable");
		ERR_clear_error();
		return NULL;
	}
	if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
		pf_error_fill(err, path, 0, 0, NULL, "not an Ed25519 key");
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

static int raw_public(EVP_PKEY *k, char hex[2 * ED25519_PUB + 1])
{
	unsigned char pub[ED25519_PUB];
	size_t n = sizeof(pub);

	if (EVP_PKEY_get_raw_public_key(k, pub, &n) != 1 || n != sizeof(pub))
		return -1;
	hex_of(pub, n, hex);
	return 0;
}

char *pkg_sign_manifest(const char *key_path, const char *m, size_t mlen, struct pf_error *err)
{
	EVP_PKEY *k = load_key(key_path, true, err);
	EVP_MD_CTX *ctx = NULL;
	unsigned char sig[ED25519_SIG];
	size_t slen = sizeof(sig);
	char shex[2 * ED25519_SIG + 1], phex[2 * ED25519_PUB + 1], *text = NULL;
	json_t *j = NULL;

	if (!k)
		return NULL;
	if (!(ctx = EVP_MD_CTX_new()) || EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) != 1 ||
	    EVP_DigestSign(ctx, sig, &slen, (const unsigned char *)m, mlen) != 1 ||
	    slen != sizeof(sig) || raw_public(k, phex)) {
		pf_error_fill(err, key_path, 0, 0, NULL, "signing failed");
		ERR_clear_error();
		goto out;
	}
	hex_of(sig, slen, shex);
	j = json_pack("{s:s, s:s, s:s, s:s}", "alg", "ed25519", "signed", PKG_MANIFEST,
		      "public_key", phex, "signature", shex);
	if (!j || !(text = json_dumps(j, JSON_INDENT(2))))
		pf_error_fill(err, key_path, 0, 0, NULL, "out of memory");
out:
	json_decref(j);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return text;
}

const char *pkg_check_signature(const char *key_path, const unsigned char *m, size_t mlen,
				const unsigned char *sig_text, size_t sig_len, json_t *problems)
{
	char msg[PF_ERROR_FILE_MAX + PF_ERROR_MESSAGE_MAX + 64], phex[2 * ED25519_PUB + 1];
	unsigned char sig[ED25519_SIG];
	struct pf_error e;
	EVP_PKEY *k = load_key(key_path, false, &e);
	EVP_MD_CTX *ctx = NULL;
	json_t *j = NULL;
	const char *verdict = "bad";

	if (!k) {
		pkg_problem(problems, "signature", NULL, pf_error_format(&e, msg, sizeof(msg)));
		return verdict;
	}
	if (!sig_text) {
		pkg_problem(problems, "signature", PKG_SIG, "missing: the package is not signed");
		goto out;
	}
	j = json_loadb((const char *)sig_text, sig_len, 0, NULL);
	if (!j || strcmp(pf_jstr(j, "alg", ""), "ed25519") ||
	    unhex(pf_jstr(j, "signature", NULL), sig, sizeof(sig))) {
		pkg_problem(problems, "signature", PKG_SIG,
			    "malformed: no ed25519 signature of 64 bytes in hex");
		goto out;
	}
	if (raw_public(k, phex) == 0 && strcmp(pf_jstr(j, "public_key", ""), phex)) {
		snprintf(msg, sizeof(msg),
			 "signed by another key (public key %.16s..., expected %.16s...)",
			 pf_jstr(j, "public_key", "?"), phex);
		pkg_problem(problems, "signature", PKG_SIG, msg);
		goto out;
	}
	if (!(ctx = EVP_MD_CTX_new()) || EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) != 1 ||
	    EVP_DigestVerify(ctx, sig, sizeof(sig), m, mlen) != 1) {
		pkg_problem(problems, "signature", PKG_SIG,
			    "does not verify: MANIFEST.json was changed after signing");
		ERR_clear_error();
		goto out;
	}
	verdict = "verified";
out:
	json_decref(j);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return verdict;
}

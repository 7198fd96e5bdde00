/* SPDX-License-Identifier: MIT */
/*
 * Signed packages (plugfest package --sign, plugfest verify --key): a
 * signed package verifies with the signer's key only; a manifest resealed
 * after signing, another key, an unsigned package and a damaged signature
 * are problems; a missing signing key refuses to package.
 *
 * Run from the repository root, or set PF_SOURCE_DIR.
 */
#include "package_fixture.h"
#include "util/json.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

/* A fresh Ed25519 key pair as PEM files NAME.pem / NAME.pub.pem. */
static void make_key(const char *name, char *priv, char *pub, size_t len)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	FILE *f;

	assert_non_null(k);
	snprintf(priv, len, "%s/%s.pem", tmpdir, name);
	snprintf(pub, len, "%s/%s.pub.pem", tmpdir, name);
	assert_non_null(f = fopen(priv, "w"));
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
	assert_non_null(f = fopen(pub, "w"));
	assert_int_equal(PEM_write_PUBKEY(f, k), 1);
	fclose(f);
	EVP_PKEY_free(k);
}

static void expect_signature(const char *pkgpath, const char *key, int rc, const char *verdict,
			     const char *problem_detail)
{
	struct pf_verify_opts o = { .public_key = key };
	struct pf_error e;
	json_t *rep = NULL;

	assert_int_equal(pf_package_verify(pkgpath, &o, &rep, &e), rc);
	assert_string_equal(pf_json_string_get(rep, "signature", NULL), verdict);
	if (problem_detail) {
		const json_t *p;
		size_t i;
		bool found = false;
		json_array_foreach (json_object_get(rep, "problems"), i, p)
			found = found ||
				(!strcmp(pf_json_string_get(p, "kind", NULL), "signature") &&
				 strstr(pf_json_string_get(p, "detail", NULL), problem_detail));
		if (!found) {
			char *t = json_dumps(json_object_get(rep, "problems"), 0);
			fail_msg("expected a signature problem '%s', got %s", problem_detail, t);
		}
	}
	json_decref(rep);
}

/* re-serialised with another creation year, resealed: consistent, but
 * not the bytes that were signed */
static void edit_manifest_resealed(struct mem *m, size_t *n)
{
	struct mem *man = find(m, *n, "MANIFEST.json");
	char *t = strndup((char *)man->data, man->size), *p = strstr(t, "\"created\": \"");
	assert_non_null(p);
	p[12] = p[12] == '1' ? '2' : '1';
	set_data(man, t);
	free(t);
	reseal_manifest(m, *n);
}

static void edit_bad_signature(struct mem *m, size_t *n)
{
	set_data(find(m, *n, "MANIFEST.sig"), "{\"alg\":\"ed25519\",\"signature\":\"00\"}");
}

static void test_signatures(void **state)
{
	(void)state;
	char priv[400], pub[400], opriv[400], opub[400], out[500], signed_pkg[500];
	struct pf_package_opts po = { 0 };
	struct pf_error e;

	make_key("signer", priv, pub, sizeof(priv));
	make_key("other", opriv, opub, sizeof(opriv));
	snprintf(signed_pkg, sizeof(signed_pkg), "%s/signed.tar", tmpdir);
	po.sign_key = priv;
	assert_int_equal(pf_package_create(run_dir, signed_pkg, &po, NULL, &e), 0);
	expect_signature(signed_pkg, pub, 0, "verified", NULL);
	expect_signature(signed_pkg, NULL, 0, "not-checked", NULL);
	expect_signature(signed_pkg, opub, 1, "bad", "signed by another key");
	expect_signature(pkg, pub, 1, "bad", "not signed");
	expect_signature(signed_pkg, priv, 1, "bad", "not a PEM public key");

	struct mem m[MAX_MEMS];
	size_t n = tar_load(signed_pkg, m, MAX_MEMS);
	find(m, n, "MANIFEST.sig");
	assert_string_equal(m[n - 1].name, "MANIFEST.sha256");
	mems_free(m, n);
	tamper_to(signed_pkg, "resealed-signed", edit_manifest_resealed, out, sizeof(out));
	expect_signature(out, NULL, 0, "not-checked", NULL); /* consistent without the key */
	expect_signature(out, pub, 1, "bad", "does not verify");
	tamper_to(signed_pkg, "bad-signature", edit_bad_signature, out, sizeof(out));
	expect_signature(out, pub, 1, "bad", "malformed");

	/* no key file at all refuses to sign, naming the key */
	po.sign_key = "/nonexistent/key.pem";
	assert_int_equal(pf_package_create(run_dir, out, &po, NULL, &e), -1);
	assert_string_equal(e.file, "/nonexistent/key.pem");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signatures),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

/* SPDX-License-Identifier: MIT */
/*
 * Submission packages: a ustar archive written and read by this file (the
 * format is simple, dependency-free and readable by any tar), a manifest of
 * SHA-256 hashes, and verification with re-scoring. See package.h.
 */
#define _GNU_SOURCE
#include "package/package.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ingest/journal.h"
#include "policy/profile.h"
#include "reports/report_util.h"
#include "policy/score.h"
#include "package/sha256.h"
#include "policy/waiver.h"

#define PF_PACKAGE_SCHEMA "plugfest-package/1"
#define MAX_MEMBER (256ull << 20)
#define MAX_TOTAL (1024ull << 20)
#define MAX_DEPTH 8

/* ---- Ed25519 signatures (OpenSSL libcrypto) ---------------------------- */

#define SIG_MEMBER "MANIFEST.sig"
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
static EVP_PKEY *load_key(const char *path, bool want_private, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *k;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	k = want_private ? PEM_read_PrivateKey(f, NULL, NULL, NULL)
			 : PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (!k) {
		snprintf(err, errlen, "%s: not a PEM %s key (%s)", path,
			 want_private ? "private" : "public",
			 ERR_reason_error_string(ERR_peek_last_error())
				 ? ERR_reason_error_string(ERR_peek_last_error())
				 : "unreadable");
		ERR_clear_error();
		return NULL;
	}
	if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
		snprintf(err, errlen, "%s: not an Ed25519 key", path);
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

/* The MANIFEST.sig text for the manifest bytes, malloc'd; NULL + err. */
static char *sign_manifest(const char *key_path, const char *m, size_t mlen, char *err,
			   size_t errlen)
{
	EVP_PKEY *k = load_key(key_path, true, err, errlen);
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
		snprintf(err, errlen, "%s: signing failed", key_path);
		goto out;
	}
	hex_of(sig, slen, shex);
	j = json_pack("{s:s, s:s, s:s, s:s}", "alg", "ed25519", "signed", "MANIFEST.json",
		      "public_key", phex, "signature", shex);
	if (!j || !(text = json_dumps(j, JSON_INDENT(2))))
		snprintf(err, errlen, "out of memory");
out:
	json_decref(j);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return text;
}

static void problem(json_t *list, const char *kind, const char *path, const char *detail);

/* Check MANIFEST.sig (sig, may be NULL) over the manifest bytes with the
 * public key at key_path. Returns "verified" or "bad" (problem added). */
static const char *check_signature(const char *key_path, const unsigned char *m, size_t mlen,
				   const unsigned char *sig_text, size_t sig_len, json_t *problems)
{
	char err[600], phex[2 * ED25519_PUB + 1];
	unsigned char sig[ED25519_SIG];
	EVP_PKEY *k = load_key(key_path, false, err, sizeof(err));
	EVP_MD_CTX *ctx = NULL;
	json_t *j = NULL;
	const char *verdict = "bad";

	if (!k) {
		problem(problems, "signature", NULL, err);
		return verdict;
	}
	if (!sig_text) {
		problem(problems, "signature", SIG_MEMBER, "missing: the package is not signed");
		goto out;
	}
	j = json_loadb((const char *)sig_text, sig_len, 0, NULL);
	if (!j || strcmp(pf_jstr(j, "alg", ""), "ed25519") ||
	    unhex(pf_jstr(j, "signature", NULL), sig, sizeof(sig))) {
		problem(problems, "signature", SIG_MEMBER,
			"malformed: no ed25519 signature of 64 bytes in hex");
		goto out;
	}
	if (raw_public(k, phex) == 0 && strcmp(pf_jstr(j, "public_key", ""), phex)) {
		snprintf(err, sizeof(err),
			 "signed by another key (public key %.16s..., expected %.16s...)",
			 pf_jstr(j, "public_key", "?"), phex);
		problem(problems, "signature", SIG_MEMBER, err);
		goto out;
	}
	if (!(ctx = EVP_MD_CTX_new()) || EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) != 1 ||
	    EVP_DigestVerify(ctx, sig, sizeof(sig), m, mlen) != 1) {
		problem(problems, "signature", SIG_MEMBER,
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

/* ---- ustar writing ---------------------------------------------------- */

static void octal(unsigned char *dst, size_t len, unsigned long long v)
{
	char tmp[24];
	snprintf(tmp, sizeof(tmp), "%0*llo", (int)len - 1, v);
	memcpy(dst, tmp, len - 1);
	dst[len - 1] = '\0';
}

/* Splits a long name into ustar's prefix (<= 155) and name (<= 100) at '/'. */
static int split_name(const char *path, unsigned char *h)
{
	size_t n = strlen(path);

	if (n <= 100) {
		memcpy(h, path, n);
		return 0;
	}
	for (size_t i = n - 1; i > 0; i--)
		if (path[i] == '/' && i <= 155 && n - i - 1 <= 100 && n - i - 1 > 0) {
			memcpy(h + 345, path, i);
			memcpy(h, path + i + 1, n - i - 1);
			return 0;
		}
	return -1;
}

static int tar_header(FILE *f, const char *name, unsigned long long size, time_t mtime)
{
	unsigned char h[512] = { 0 };
	unsigned sum = 0;

	if (split_name(name, h))
		return -1;
	octal(h + 100, 8, 0644);
	octal(h + 108, 8, 0);
	octal(h + 116, 8, 0);
	octal(h + 124, 12, size);
	octal(h + 136, 12, (unsigned long long)mtime);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "plugfest", 8);
	memcpy(h + 297, "plugfest", 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 7, "%06o", sum & 0777777);
	h[154] = '\0';
	h[155] = ' ';
	return fwrite(h, 1, 512, f) == 512 ? 0 : -1;
}

static int tar_pad(FILE *f, unsigned long long size)
{
	static const unsigned char zero[512];
	size_t pad = (512 - size % 512) % 512;
	return fwrite(zero, 1, pad, f) == pad ? 0 : -1;
}

static int tar_buffer(FILE *f, const char *name, const void *data, size_t len, time_t mtime)
{
	if (tar_header(f, name, len, mtime) || (len && fwrite(data, 1, len, f) != len) ||
	    tar_pad(f, len))
		return -1;
	return 0;
}

/* Copies a file into the archive, hashing it again on the way: a file that
 * changed since the manifest was computed fails the package. */
static int tar_file(FILE *f, const char *name, const char *src, unsigned long long size,
		    const char *hex, time_t mtime, char *err, size_t errlen)
{
	FILE *in = fopen(src, "rb");
	unsigned char buf[16384], d[32];
	unsigned long long done = 0;
	struct pf_sha256 c;
	char again[65];
	size_t n;

	if (!in) {
		snprintf(err, errlen, "%s: %s", src, strerror(errno));
		return -1;
	}
	if (tar_header(f, name, size, mtime)) {
		fclose(in);
		snprintf(err, errlen, "%s: cannot write archive header (name too long?)", name);
		return -1;
	}
	pf_sha256_init(&c);
	while (done < size &&
	       (n = fread(buf, 1, size - done < sizeof(buf) ? size - done : sizeof(buf), in)) > 0) {
		pf_sha256_update(&c, buf, n);
		if (fwrite(buf, 1, n, f) != n)
			break;
		done += n;
	}
	fclose(in);
	pf_sha256_final(&c, d);
	for (int i = 0; i < 32; i++)
		snprintf(again + 2 * i, 3, "%02x", d[i]);
	if (done != size || strcmp(again, hex) || tar_pad(f, size)) {
		snprintf(err, errlen, "%s: changed while it was being packaged", src);
		return -1;
	}
	return 0;
}

/* ---- collecting members ---------------------------------------------- */

struct item {
	char *src, *name, *role;
	unsigned long long size;
	char sha[65];
};

struct items {
	struct item *v;
	size_t n, cap;
};

static void items_free(struct items *it)
{
	for (size_t i = 0; i < it->n; i++) {
		free(it->v[i].src);
		free(it->v[i].name);
		free(it->v[i].role);
	}
	free(it->v);
}

static const struct item *items_find(const struct items *it, const char *name)
{
	for (size_t i = 0; i < it->n; i++)
		if (!strcmp(it->v[i].name, name))
			return &it->v[i];
	return NULL;
}

static int items_add(struct items *it, const char *src, const char *name, const char *role,
		     char *err, size_t errlen)
{
	struct stat st;
	const struct item *dup = items_find(it, name);

	if (stat(src, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a readable regular file", src);
		return -1;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > MAX_MEMBER) {
		snprintf(err, errlen, "%s: larger than %llu MiB", src, MAX_MEMBER >> 20);
		return -1;
	}
	char sha[65];
	if (pf_sha256_file_hex(src, sha)) {
		snprintf(err, errlen, "%s: %s", src, strerror(errno));
		return -1;
	}
	if (dup) {
		if (!strcmp(dup->sha, sha))
			return 0; /* the same file named twice */
		snprintf(err, errlen, "%s and %s would both be packaged as %s", dup->src, src,
			 name);
		return -1;
	}
	if (it->n == it->cap) {
		size_t cap = it->cap ? 2 * it->cap : 32;
		struct item *v = realloc(it->v, cap * sizeof(*v));
		if (!v) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		it->v = v;
		it->cap = cap;
	}
	struct item *e = &it->v[it->n];
	e->src = strdup(src);
	e->name = strdup(name);
	e->role = strdup(role);
	e->size = (unsigned long long)st.st_size;
	memcpy(e->sha, sha, sizeof(sha));
	if (!e->src || !e->name || !e->role) {
		free(e->src);
		free(e->name);
		free(e->role);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	it->n++;
	return 0;
}

static const char *role_of(const char *rel)
{
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;

	if (!strcmp(rel, "results.json"))
		return "results";
	if (strstr(base, "journal"))
		return "journal";
	if (strstr(base, "console") || strstr(base, ".log"))
		return "log";
	if (!strncmp(base, "report.", 7) || !strcmp(base, "junit.xml"))
		return "report";
	return "other";
}

static int walk(const char *root, const char *rel, int depth, const char *skip_real,
		struct items *it, json_t *skipped, char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX], relp[PATH_MAX], name[PATH_MAX + 8], real[PATH_MAX];
	struct dirent **ents;
	int n, rc = 0;

	snprintf(dir, sizeof(dir), "%s%s%s", root, rel[0] ? "/" : "", rel);
	if ((n = scandir(dir, &ents, NULL, alphasort)) < 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct stat st;
		const char *d = ents[i]->d_name;
		if (rc || !strcmp(d, ".") || !strcmp(d, "..") || strstr(d, ".tmp")) {
			free(ents[i]);
			continue;
		}
		if ((size_t)snprintf(relp, sizeof(relp), "%s%s%s", rel, rel[0] ? "/" : "", d) >=
			    sizeof(relp) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", root, relp) >= sizeof(path)) {
			snprintf(err, errlen, "%s/%s: path too long", dir, d);
			rc = -1;
			free(ents[i]);
			continue;
		}
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
			rc = walk(root, relp, depth + 1, skip_real, it, skipped, err, errlen);
		} else if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (!(skip_real && realpath(path, real) && !strcmp(real, skip_real))) {
				snprintf(name, sizeof(name), "run/%s", relp);
				rc = items_add(it, path, name, role_of(relp), err, errlen);
			}
		} else {
			/* symlinks, devices, too deep: never followed into the package */
			json_array_append_new(skipped, json_string(relp));
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

/* A file named in results.json: as given, relative to the run directory, or
 * by its base name inside the run directory. */
static bool locate(const char *run_dir, const char *given, char *out, size_t len)
{
	struct stat st;

	if (!given || !*given)
		return false;
	const char *base = strrchr(given, '/') ? strrchr(given, '/') + 1 : given;
	snprintf(out, len, "%s", given);
	if (!stat(out, &st) && S_ISREG(st.st_mode))
		return true;
	snprintf(out, len, "%s/%s", run_dir, given);
	if (given[0] != '/' && !stat(out, &st) && S_ISREG(st.st_mode))
		return true;
	snprintf(out, len, "%s/%s", run_dir, base);
	return !stat(out, &st) && S_ISREG(st.st_mode);
}

static const char *base_name(const char *p)
{
	return strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
}

/* Adds a file under dir/ (profiles/, waivers/, target/); when expect_sha is
 * given the file must still be the one the run was scored with. */
static int add_named(struct items *it, const char *run_dir, const char *given, const char *dir,
		     const char *role, const char *expect_sha, json_t *list, char *err,
		     size_t errlen)
{
	char src[PATH_MAX], name[PATH_MAX];

	if (!locate(run_dir, given, src, sizeof(src))) {
		snprintf(err, errlen,
			 "%s file '%s' (named in results.json) not found; pass it explicitly", role,
			 given);
		return -1;
	}
	snprintf(name, sizeof(name), "%s/%s", dir, base_name(given));
	if (items_add(it, src, name, role, err, errlen))
		return -1;
	const struct item *e = items_find(it, name);
	if (expect_sha && strcmp(expect_sha, e->sha)) {
		snprintf(err, errlen,
			 "%s: changed since the run was scored (SHA-256 %.12s..., recorded "
			 "%.12s...)",
			 src, e->sha, expect_sha);
		return -1;
	}
	if (list)
		json_array_append_new(list,
				      json_pack("{s:s, s:s}", "path", name, "sha256", e->sha));
	return 0;
}

/* ---- create ------------------------------------------------------------ */

static int collect(const char *run_dir, const json_t *results, const struct pf_package_opts *o,
		   const char *out_real, struct items *it, json_t *profiles, json_t *waivers,
		   json_t *skipped, json_t *missing, char *err, size_t errlen)
{
	const json_t *p, *w;
	size_t i;

	if (walk(run_dir, "", 0, out_real, it, skipped, err, errlen))
		return -1;
	json_array_foreach (json_object_get(results, "profiles"), i, p) {
		const char *file = pf_jstr(p, "file", NULL);
		if (!file) {
			snprintf(err, errlen, "results.json: profile '%s' has no file name",
				 pf_jstr(p, "id", "?"));
			return -1;
		}
		size_t before = json_array_size(profiles);
		if (add_named(it, run_dir, file, "profiles", "profile", pf_jstr(p, "sha256", NULL),
			      profiles, err, errlen))
			return -1;
		json_t *entry = json_array_get(profiles, before);
		json_object_set_new(entry, "id", json_string(pf_jstr(p, "id", "?")));
		json_object_set_new(entry, "version", json_string(pf_jstr(p, "version", "?")));
		json_object_set_new(entry, "verdict", json_string(pf_jstr(p, "verdict", "?")));
	}
	for (i = 0; o && i < o->nprofiles; i++)
		if (add_named(it, run_dir, o->profiles[i], "profiles", "profile", NULL, NULL, err,
			      errlen))
			return -1;
	json_array_foreach (json_object_get(json_object_get(results, "waivers"), "files"), i, w)
		if (add_named(it, run_dir, pf_jstr(w, "file", "?"), "waivers", "waivers",
			      pf_jstr(w, "sha256", NULL), waivers, err, errlen))
			return -1;
	for (i = 0; o && i < o->nwaivers; i++)
		if (add_named(it, run_dir, o->waivers[i], "waivers", "waivers", NULL, waivers, err,
			      errlen))
			return -1;
	const char *target =
		o && o->target ? o->target
			       : pf_jstr(json_object_get(results, "run"), "target_file", NULL);
	if (target) {
		char src[PATH_MAX];
		if (locate(run_dir, target, src, sizeof(src))) {
			if (add_named(it, run_dir, target, "target", "target", NULL, NULL, err,
				      errlen))
				return -1;
		} else if (o && o->target) {
			snprintf(err, errlen, "target file '%s' not found", target);
			return -1;
		} else {
			json_array_append_new(missing,
					      json_pack("{s:s, s:s, s:s}", "role", "target", "path",
							target, "why",
							"named in results.json but not found"));
		}
	}
	return 0;
}

int pf_package_create(const char *run_dir, const char *out_path, const struct pf_package_opts *opts,
		      char digest[65], char *err, size_t errlen)
{
	struct items it = { 0 };
	json_t *results, *manifest = NULL, *files, *profiles = json_array(),
			 *waivers = json_array();
	json_t *skipped = json_array(), *missing = json_array(), *verdicts = json_object();
	char path[PATH_MAX], out_real[PATH_MAX], tmp[PATH_MAX + 16], stamp[32], created_by[200],
		mhex[65];
	char *mtext = NULL, *sigtext = NULL;
	json_error_t je;
	FILE *f = NULL;
	int rc = -1;
	time_t now = time(NULL);
	struct tm tm;

	snprintf(path, sizeof(path), "%s/results.json", run_dir);
	if (!(results = json_load_file(path, 0, &je))) {
		snprintf(err, errlen, "%s: %s (line %d)", path, je.text, je.line);
		goto out;
	}
	/* the package must not contain itself when written into the run dir */
	snprintf(tmp, sizeof(tmp), "%s", out_path);
	char *slash = strrchr(tmp, '/');
	char dir_real[PATH_MAX];
	if (slash)
		*slash = '\0';
	if (!realpath(slash ? (tmp[0] ? tmp : "/") : ".", dir_real)) {
		snprintf(err, errlen, "%s: directory does not exist", out_path);
		goto out;
	}
	snprintf(out_real, sizeof(out_real), "%.*s/%s", PATH_MAX - 256, dir_real,
		 base_name(out_path));
	if (collect(run_dir, results, opts, out_real, &it, profiles, waivers, skipped, missing, err,
		    errlen))
		goto out;
	if (!items_find(&it, "run/results.json")) {
		snprintf(err, errlen, "%s: results.json missing", run_dir);
		goto out;
	}
	files = json_array();
	for (size_t i = 0; i < it.n; i++)
		json_array_append_new(files, json_pack("{s:s, s:I, s:s, s:s}", "path", it.v[i].name,
						       "size", (json_int_t)it.v[i].size, "sha256",
						       it.v[i].sha, "role", it.v[i].role));
	const json_t *p, *run = json_object_get(results, "run");
	size_t i;
	json_array_foreach (json_object_get(results, "profiles"), i, p)
		json_object_set_new(verdicts, pf_jstr(p, "id", "?"),
				    json_string(pf_jstr(p, "verdict", "?")));
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(created_by, sizeof(created_by), "%s %s",
		 pf_jstr(json_object_get(results, "tool"), "name", "plugfest"),
		 pf_jstr(json_object_get(results, "tool"), "version", "?"));
	manifest = json_pack(
		"{s:s, s:s, s:s, s:{s:s?, s:O?, s:s?, s:s?, s:O?, s:o}, s:o, s:o, s:s?, s:o, s:o, "
		"s:o}",
		"schema", PF_PACKAGE_SCHEMA, "created", stamp, "created_by",
		opts && opts->created_by ? opts->created_by : created_by, "run", "target",
		pf_jstr(run, "target", NULL), "hypervisor", json_object_get(run, "hypervisor"),
		"started", pf_jstr(run, "started", NULL), "results_schema",
		pf_jstr(results, "schema", NULL), "probe", json_object_get(run, "probe"),
		"verdicts", verdicts, "profiles", profiles, "waivers", waivers, "waivers_date",
		pf_jstr(json_object_get(results, "waivers"), "date", NULL), "files", files,
		"skipped", skipped, "not_included", missing);
	profiles = waivers = skipped = missing = verdicts = NULL; /* owned by manifest now */
	/* The run's nonce: what the journal's records must verify under. */
	if (manifest && pf_jstr(run, "nonce", NULL))
		json_object_set_new(json_object_get(manifest, "run"), "nonce",
				    json_string(pf_jstr(run, "nonce", NULL)));
	if (!manifest || !(mtext = json_dumps(manifest, JSON_INDENT(2)))) {
		snprintf(err, errlen, "cannot build the manifest");
		goto out;
	}
	pf_sha256_hex(mtext, strlen(mtext), mhex);
	if (opts && opts->sign_key &&
	    !(sigtext = sign_manifest(opts->sign_key, mtext, strlen(mtext), err, errlen)))
		goto out;
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", out_path, (int)getpid());
	if (!(f = fopen(tmp, "wb"))) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (tar_buffer(f, "MANIFEST.json", mtext, strlen(mtext), now)) {
		snprintf(err, errlen, "%s: write error", out_path);
		goto out;
	}
	for (i = 0; i < it.n; i++)
		if (tar_file(f, it.v[i].name, it.v[i].src, it.v[i].size, it.v[i].sha, now, err,
			     errlen))
			goto out;
	if (sigtext && tar_buffer(f, SIG_MEMBER, sigtext, strlen(sigtext), now)) {
		snprintf(err, errlen, "%s: write error", out_path);
		goto out;
	}
	char line[100];
	snprintf(line, sizeof(line), "%s  MANIFEST.json\n", mhex);
	static const unsigned char zero[1024];
	if (tar_buffer(f, "MANIFEST.sha256", line, strlen(line), now) ||
	    fwrite(zero, 1, 1024, f) != 1024) {
		snprintf(err, errlen, "%s: write error", out_path);
		goto out;
	}
	if (fclose(f)) {
		f = NULL;
		snprintf(err, errlen, "%s: %s", out_path, strerror(errno));
		goto out;
	}
	f = NULL;
	if (rename(tmp, out_path)) {
		snprintf(err, errlen, "%s: %s", out_path, strerror(errno));
		goto out;
	}
	if (digest)
		memcpy(digest, mhex, 65);
	rc = 0;
out:
	if (f) {
		fclose(f);
		unlink(tmp);
	}
	free(mtext);
	free(sigtext);
	json_decref(manifest);
	json_decref(results);
	json_decref(profiles);
	json_decref(waivers);
	json_decref(skipped);
	json_decref(missing);
	json_decref(verdicts);
	items_free(&it);
	return rc;
}

/* ---- reading and verifying -------------------------------------------- */

struct member {
	char name[260];
	unsigned char *data;
	size_t size;
};

struct archive {
	struct member *m;
	size_t n;
};

static void archive_free(struct archive *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->m[i].data);
	free(a->m);
}

static unsigned long long parse_octal(const unsigned char *p, size_t len, bool *ok)
{
	unsigned long long v = 0;
	size_t i = 0;

	while (i < len && p[i] == ' ')
		i++;
	for (; i < len && p[i] >= '0' && p[i] <= '7'; i++)
		v = v * 8 + (unsigned)(p[i] - '0');
	for (; i < len; i++)
		if (p[i] != '\0' && p[i] != ' ')
			*ok = false;
	return v;
}

static void problem(json_t *list, const char *kind, const char *path, const char *detail)
{
	json_array_append_new(
		list, json_pack("{s:s, s:s?, s:s}", "kind", kind, "path", path, "detail", detail));
}

/* Reads every member into memory. Structural damage (bad header checksum,
 * not ustar, truncated) makes the file unreadable as a package (-1); odd
 * member types are problems but reading goes on. */
static int archive_read(const char *path, struct archive *a, json_t *problems, char *err,
			size_t errlen)
{
	FILE *f = fopen(path, "rb");
	unsigned char h[512];
	unsigned long long total = 0;
	long off = 0;

	memset(a, 0, sizeof(*a));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got = fread(h, 1, 512, f);
		if (got == 0 && a->n) {
			problem(problems, "truncated", NULL,
				"archive ends without the two zero end blocks");
			break;
		}
		if (got != 512) {
			snprintf(err, errlen, "%s: truncated archive at offset %ld", path, off);
			goto fail;
		}
		off += 512;
		bool zero = true;
		for (int i = 0; i < 512; i++)
			zero = zero && !h[i];
		if (zero)
			break;
		unsigned sum = 0;
		bool ok = true;
		for (int i = 0; i < 512; i++)
			sum += (i >= 148 && i < 156) ? ' ' : h[i];
		if (parse_octal(h + 148, 8, &ok) != sum || !ok) {
			snprintf(err, errlen, "%s: corrupt tar header at offset %ld (checksum)",
				 path, off - 512);
			goto fail;
		}
		if (memcmp(h + 257, "ustar", 5)) {
			snprintf(err, errlen, "%s: not a ustar archive", path);
			goto fail;
		}
		unsigned long long size = parse_octal(h + 124, 12, &ok);
		if (!ok || size > MAX_MEMBER || (total += size) > MAX_TOTAL) {
			snprintf(err, errlen, "%s: member at offset %ld is too large", path,
				 off - 512);
			goto fail;
		}
		char name[260];
		if (h[345])
			snprintf(name, sizeof(name), "%.155s/%.100s", (char *)h + 345, (char *)h);
		else
			snprintf(name, sizeof(name), "%.100s", (char *)h);
		unsigned char *data = malloc(size ? size : 1);
		if (!data || fread(data, 1, size, f) != size) {
			free(data);
			snprintf(err, errlen, "%s: truncated member %s", path, name);
			goto fail;
		}
		size_t pad = (512 - size % 512) % 512;
		if (pad && fseek(f, (long)pad, SEEK_CUR)) {
			free(data);
			snprintf(err, errlen, "%s: truncated member %s", path, name);
			goto fail;
		}
		off += (long)(size + pad);
		if (h[156] != '0' && h[156] != '\0') {
			problem(problems, "member-type", name,
				"not a regular file (links and devices are never packaged)");
			free(data);
			continue;
		}
		if (name[0] == '/' || strstr(name, "../") || !strcmp(name, "..")) {
			problem(problems, "unsafe-path", name,
				"absolute or parent-relative member name");
			free(data);
			continue;
		}
		struct member *m = realloc(a->m, (a->n + 1) * sizeof(*m));
		if (!m) {
			free(data);
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		a->m = m;
		snprintf(m[a->n].name, sizeof(m[a->n].name), "%s", name);
		m[a->n].data = data;
		m[a->n].size = size;
		a->n++;
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	archive_free(a);
	return -1;
}

static const struct member *member(const struct archive *a, const char *name, size_t *count)
{
	const struct member *found = NULL;
	size_t c = 0;

	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->m[i].name, name)) {
			found = found ? found : &a->m[i];
			c++;
		}
	if (count)
		*count = c;
	return found;
}

/* The journal must be the run's: every record verifies under the nonce the
 * manifest (and results.json) record, and every journal header names it.
 * A journal written for another run, re-checksummed, or without a nonce
 * is a problem. */
static void check_journal(const struct archive *a, const json_t *manifest, json_t *problems)
{
	const json_t *files = json_object_get(manifest, "files"), *fe;
	const char *nonce = pf_jstr(json_object_get(manifest, "run"), "nonce", NULL);
	const struct member *rm = NULL;
	struct pf_replay_stats st;
	char msg[300];
	size_t i, n = 0;

	json_array_foreach (files, i, fe)
		if (!strcmp(pf_jstr(fe, "role", ""), "results"))
			rm = member(a, pf_jstr(fe, "path", ""), NULL);
	if (rm) {
		json_t *results = json_loadb((const char *)rm->data, rm->size, 0, NULL);
		const char *rn = pf_jstr(json_object_get(results, "run"), "nonce", NULL);

		if (nonce && (!rn || strcmp(rn, nonce)))
			problem(problems, "nonce", rm->name,
				"run.nonce differs from the manifest's");
		json_decref(results);
	}
	if (!nonce) {
		problem(problems, "nonce", "MANIFEST.json",
			"no run nonce recorded: the journal cannot be shown to be this run's");
		return;
	}
	json_array_foreach (files, i, fe) {
		const char *path = pf_jstr(fe, "path", "");
		const struct member *m;

		if (strcmp(pf_jstr(fe, "role", ""), "journal") || !(m = member(a, path, NULL)))
			continue;
		n++;
		if (pf_journal_replay_mem(m->data, m->size, nonce, NULL, NULL, NULL, &st)) {
			problem(problems, "journal", path, "cannot be read as a journal");
			continue;
		}
		if (!st.headers || st.foreign_headers) {
			snprintf(msg, sizeof(msg),
				 "%llu of %llu journal header(s) do not name the run's nonce",
				 (unsigned long long)(st.headers ? st.foreign_headers : 1),
				 (unsigned long long)(st.headers ? st.headers : 1));
			problem(problems, "journal", path, msg);
		}
		if (st.bad_lines) {
			snprintf(msg, sizeof(msg),
				 "%llu line(s) unreadable or with a record that does not "
				 "verify under the run's nonce (%llu verify)",
				 (unsigned long long)st.bad_lines, (unsigned long long)st.records);
			problem(problems, "journal", path, msg);
		}
	}
	if (!n)
		problem(problems, "journal", NULL, "no journal in the package");
}

/* Re-applies the packaged waivers and re-scores against the packaged
 * profiles; differences from the recorded verdicts are problems. */
static void rescore(const struct archive *a, const json_t *manifest, json_t *problems, json_t *out)
{
	const json_t *files = json_object_get(manifest, "files"), *fe, *pe, *we;
	const struct member *rm = NULL;
	size_t i;
	json_error_t je;
	char err[1024];

	json_array_foreach (files, i, fe)
		if (!strcmp(pf_jstr(fe, "role", ""), "results"))
			rm = member(a, pf_jstr(fe, "path", ""), NULL);
	if (!rm) {
		problem(problems, "rescore", NULL, "no results.json in the package");
		return;
	}
	json_t *results = json_loadb((const char *)rm->data, rm->size, 0, &je);
	if (!results) {
		snprintf(err, sizeof(err), "results.json does not parse: %s (line %d)", je.text,
			 je.line);
		problem(problems, "rescore", rm->name, err);
		return;
	}
	json_t *recorded = json_object();
	json_array_foreach (json_object_get(results, "profiles"), i, pe)
		json_object_set_new(recorded, pf_jstr(pe, "id", "?"),
				    json_string(pf_jstr(pe, "verdict", "?")));
	/* the same waivers, as of the date they were applied */
	struct pf_waivers *w = pf_waivers_new();
	struct pf_error pe_err;
	bool have_w = false;
	json_array_foreach (json_object_get(manifest, "waivers"), i, we) {
		const struct member *m = member(a, pf_jstr(we, "path", ""), NULL);
		if (!m || pf_waivers_load_buffer(w, (const char *)m->data, m->size,
						 pf_jstr(we, "path", "?"), &pe_err)) {
			problem(problems, "rescore", pf_jstr(we, "path", NULL),
				m ? pf_error_format(&pe_err, err, sizeof(err))
				  : "waiver file missing");
			continue;
		}
		have_w = true;
	}
	if (have_w &&
	    pf_waivers_apply(results, w, pf_jstr(manifest, "waivers_date", NULL), &pe_err))
		problem(problems, "rescore", NULL, pf_error_format(&pe_err, err, sizeof(err)));
	pf_waivers_free(w);
	json_array_foreach (json_object_get(manifest, "profiles"), i, pe) {
		const char *path = pf_jstr(pe, "path", ""), *id = pf_jstr(pe, "id", "?");
		const struct member *m = member(a, path, NULL);
		struct pf_profile *p =
			m ? pf_profile_load_buffer((const char *)m->data, m->size, path, &pe_err)
			  : NULL;
		if (!p) {
			problem(problems, "rescore", path,
				m ? pf_error_format(&pe_err, err, sizeof(err))
				  : "profile file missing");
			continue;
		}
		if (strcmp(p->id, id) || strcmp(p->version, pf_jstr(pe, "version", ""))) {
			snprintf(err, sizeof(err),
				 "packaged profile is %s %s, manifest names %s %s", p->id,
				 p->version, id, pf_jstr(pe, "version", "?"));
			problem(problems, "rescore", path, err);
		}
		json_t *s = pf_score_profile(results, p, &pe_err);
		const char *now = s ? pf_jstr(s, "verdict", "?") : "error";
		const char *rec = pf_jstr(recorded, id, NULL);
		const char *man = pf_jstr(
			json_object_get(manifest, "run")
				? json_object_get(json_object_get(manifest, "run"), "verdicts")
				: NULL,
			id, NULL);
		json_array_append_new(out, json_pack("{s:s, s:s, s:s?, s:s?, s:s}", "id", id,
						     "version", p->version, "recorded", rec,
						     "manifest", man, "rescored", now));
		if (!rec || strcmp(rec, now) || (man && strcmp(man, now))) {
			snprintf(err, sizeof(err),
				 "profile %s %s: recorded verdict %s (manifest %s), re-scored %s",
				 id, p->version, rec ? rec : "none", man ? man : "none", now);
			problem(problems, "verdict-mismatch", path, err);
		}
		json_decref(s);
		pf_profile_free(p);
	}
	json_decref(recorded);
	json_decref(results);
}

int pf_package_verify(const char *pkg_path, const struct pf_verify_opts *opts, json_t **report,
		      char *err, size_t errlen)
{
	struct archive a;
	json_t *problems = json_array(), *profiles = json_array(), *manifest = NULL, *fe;
	const struct member *mj, *ms;
	size_t nj, ns, i;
	char hex[65], msg[600];
	json_error_t je;

	if (report)
		*report = NULL;
	if (archive_read(pkg_path, &a, problems, err, errlen)) {
		json_decref(problems);
		json_decref(profiles);
		return -1;
	}
	mj = member(&a, "MANIFEST.json", &nj);
	ms = member(&a, "MANIFEST.sha256", &ns);
	if (!mj || !(manifest = json_loadb((const char *)mj->data, mj->size, 0, &je)) ||
	    strcmp(pf_jstr(manifest, "schema", ""), PF_PACKAGE_SCHEMA)) {
		snprintf(err, errlen, "%s: no valid %s MANIFEST.json", pkg_path, PF_PACKAGE_SCHEMA);
		json_decref(manifest);
		json_decref(problems);
		json_decref(profiles);
		archive_free(&a);
		return -1;
	}
	if (nj > 1 || ns > 1)
		problem(problems, "duplicate", nj > 1 ? "MANIFEST.json" : "MANIFEST.sha256",
			"member appears more than once");
	pf_sha256_hex(mj->data, mj->size, hex);
	if (!ms)
		problem(problems, "manifest", "MANIFEST.sha256",
			"missing: the manifest cannot be checked");
	else if (ms->size < 64 || memcmp(ms->data, hex, 64))
		problem(problems, "manifest", "MANIFEST.json",
			"edited: its SHA-256 differs from MANIFEST.sha256");
	if (opts && opts->expect_digest && strcmp(opts->expect_digest, hex)) {
		snprintf(msg, sizeof(msg), "manifest SHA-256 %s differs from the recorded %s", hex,
			 opts->expect_digest);
		problem(problems, "manifest", "MANIFEST.json", msg);
	}
	json_array_foreach (json_object_get(manifest, "files"), i, fe) {
		const char *path = pf_jstr(fe, "path", "?");
		size_t cnt;
		const struct member *m = member(&a, path, &cnt);
		char h2[65];
		if (!m) {
			problem(problems, "missing", path,
				"listed in the manifest, absent from the package");
			continue;
		}
		if (cnt > 1)
			problem(problems, "duplicate", path, "member appears more than once");
		pf_sha256_hex(m->data, m->size, h2);
		if ((json_int_t)m->size != json_integer_value(json_object_get(fe, "size")) ||
		    strcmp(h2, pf_jstr(fe, "sha256", ""))) {
			snprintf(msg, sizeof(msg),
				 "content differs from the manifest (SHA-256 %.16s..., size %zu)",
				 h2, m->size);
			problem(problems, "changed", path, msg);
		}
	}
	for (i = 0; i < a.n; i++) {
		bool listed = !strcmp(a.m[i].name, "MANIFEST.json") ||
			      !strcmp(a.m[i].name, "MANIFEST.sha256") ||
			      !strcmp(a.m[i].name, SIG_MEMBER);
		json_array_foreach (json_object_get(manifest, "files"), nj, fe)
			listed = listed || !strcmp(pf_jstr(fe, "path", ""), a.m[i].name);
		if (!listed)
			problem(problems, "extra", a.m[i].name, "not listed in the manifest");
	}
	check_journal(&a, manifest, problems);
	rescore(&a, manifest, problems, profiles);
	/* The signature covers MANIFEST.json, which hashes every member. */
	size_t nsig;
	const struct member *sm = member(&a, SIG_MEMBER, &nsig);
	const char *sigv = sm ? "not-checked" : "none";
	if (nsig > 1)
		problem(problems, "duplicate", SIG_MEMBER, "member appears more than once");
	if (opts && opts->public_key)
		sigv = check_signature(opts->public_key, mj->data, mj->size, sm ? sm->data : NULL,
				       sm ? sm->size : 0, problems);
	int rc = json_array_size(problems) ? 1 : 0;
	if (report)
		*report = json_pack("{s:s, s:s, s:b, s:I, s:O?, s:o, s:o, s:b, s:s}", "package",
				    pkg_path, "manifest_sha256", hex, "ok", rc == 0, "files",
				    (json_int_t)json_array_size(json_object_get(manifest, "files")),
				    "run", json_object_get(manifest, "run"), "problems", problems,
				    "profiles", profiles, "signed", sm != NULL, "signature", sigv);
	else {
		json_decref(problems);
		json_decref(profiles);
	}
	json_decref(manifest);
	archive_free(&a);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * Inside the package room: the archive as read into memory, the list of
 * files to package, the manifest and the signature, shared by the writer
 * (package_write.c, package_collect.c), the reader (package_read.c) and
 * the verifier (package_verify.c). Not part of the runner's interface.
 */
#ifndef PF_PACKAGE_INT_H
#define PF_PACKAGE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "package/digest.h"
#include "package/package.h"
#include "util/error.h"

#define PKG_SCHEMA "plugfest-package/1"
#define PKG_MANIFEST "MANIFEST.json"
#define PKG_SEAL "MANIFEST.sha256"
#define PKG_SIG "MANIFEST.sig"

/* ---- reading (package_read.c) ---- */

struct pkg_member {
	char *name;
	unsigned char *data;
	size_t size;
};

struct pkg_archive {
	struct pkg_member *m;
	size_t n;
};

/* Reads every member of the tar file at path into memory, refusing (-1,
 * err names the archive and the member) what docs/reports.md lists: not a
 * tar, truncated, damaged, caps exceeded (max_member / max_total bytes of
 * data), unsafe names, non-regular entries, duplicate names. */
int pkg_archive_read(const char *path, unsigned long long max_member, unsigned long long max_total,
		     struct pkg_archive *a, struct pf_error *err);
void pkg_archive_free(struct pkg_archive *a);
const struct pkg_member *pkg_member(const struct pkg_archive *a, const char *name);
/* name with control bytes replaced and cut to fit out, for messages about
 * names taken from an untrusted archive. */
const char *pkg_printable(const char *name, char *out, size_t len);

/* ---- the files to package (package_collect.c) ---- */

struct pkg_item {
	char *src, *name, *role;
	unsigned long long size;
	char sha[PF_SHA256_HEX];
};

struct pkg_items {
	struct pkg_item *v;
	size_t n, cap;
	unsigned long long total, max_member, max_total;
};

/* What goes into the package: the run directory (out_real, the package
 * itself when written there, excepted) and the files results.json names,
 * filling the manifest's profiles, waivers, skipped and not_included. */
struct pkg_collected {
	json_t *profiles, *waivers, *skipped, *missing;
};
int pkg_collect(const char *run_dir, const json_t *results, const struct pf_package_opts *o,
		const char *out_real, struct pkg_items *it, struct pkg_collected *c,
		struct pf_error *err);
const struct pkg_item *pkg_items_find(const struct pkg_items *it, const char *name);
void pkg_items_free(struct pkg_items *it);

/* ---- the manifest (package_manifest.c) ---- */

/* MANIFEST.json for these files; takes the references in c. NULL on
 * failure (out of memory). */
json_t *pkg_manifest_build(const json_t *results, const struct pkg_items *it,
			   struct pkg_collected *c, const char *created_by);
/* Whether name is a member the manifest lists (or one of MANIFEST.*). */
bool pkg_manifest_lists(const json_t *manifest, const char *name);
/* Problems "manifest", "missing", "changed": the seal, the digest recorded
 * out of band, and every listed file's size and hash. hex receives the
 * manifest's SHA-256. */
void pkg_manifest_check(const struct pkg_archive *a, const struct pkg_member *mj,
			const json_t *manifest, const char *expect_digest, json_t *problems,
			char hex[PF_SHA256_HEX]);

/* ---- signatures (package_sign.c) ---- */

/* The MANIFEST.sig text for the manifest bytes, malloc'd; NULL + err. */
char *pkg_sign_manifest(const char *key_path, const char *m, size_t mlen, struct pf_error *err);
/* Checks MANIFEST.sig (sig_text, may be NULL) over the manifest bytes with
 * the public key at key_path: "verified", or "bad" with a problem added. */
const char *pkg_check_signature(const char *key_path, const unsigned char *m, size_t mlen,
				const unsigned char *sig_text, size_t sig_len, json_t *problems);

/* ---- verification (package_verify.c) ---- */

void pkg_problem(json_t *list, const char *kind, const char *path, const char *detail);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Submission packages (docs/reports.md, "Submission package"): one tar
 * (ustar, pax where a name needs it) file, written and read with
 * libarchive, bundling a run directory (results.json, journal, console log,
 * reports) with the profile, known-failure/waiver and target files the run
 * was scored with, and a manifest of SHA-256 hashes:
 *
 *   MANIFEST.json     first member: schema "plugfest-package/1", run
 *                     identity, recorded verdicts, every other member's
 *                     path, size, role and SHA-256
 *   run/...           the run directory
 *   profiles/...      profile YAML files, as scored
 *   waivers/...       known-failure / waiver files, as applied
 *   target/...        the target description
 *   MANIFEST.sig      optional (signed packages): Ed25519 signature of
 *                     MANIFEST.json, JSON {"alg","public_key","signature"}
 *   MANIFEST.sha256   last member: SHA-256 of MANIFEST.json
 *
 * Verification recomputes every hash, reports changed, missing and extra
 * members and an edited manifest, then re-applies the packaged waivers (as
 * of the date they were applied) and re-scores results.json against the
 * packaged profile versions named in the manifest; a verdict that differs
 * from the recorded one is a finding. Without a signature, a consistent
 * rewrite of the whole package cannot be detected from the package alone:
 * record MANIFEST.sha256 out of band (pf_package_create prints it; the
 * report shows it) and pass it as expect_digest, or sign the package
 * (opts.sign_key) and verify with the signer's public key.
 */
#ifndef PF_PACKAGE_H
#define PF_PACKAGE_H

#include <stddef.h>

#include <jansson.h>

#include "util/error.h"

/*
 * Caps on what a package may hold, from what a run writes: console.log,
 * hypervisor.log and journal.jsonl are each capped at 64 MiB by default
 * (plugfest run --max-log-bytes; the journal may use 1 MiB more for
 * notes), reports are far smaller. Packaging refuses larger files;
 * reading refuses an archive whose members exceed them before reading
 * their data.
 */
#define PF_PACKAGE_MAX_MEMBER (128ull << 20) /* one member's data */
#define PF_PACKAGE_MAX_TOTAL (512ull << 20)  /* all members' data */
#define PF_PACKAGE_MAX_MEMBERS 4096

struct pf_package_opts {
	/* Extra files by role, in addition to those found through results.json
	 * ("profiles"[].file, "waivers".files[].file, run.target_file). */
	const char *const *profiles;
	size_t nprofiles;
	const char *const *waivers;
	size_t nwaivers;
	const char *target;	/* may be NULL */
	const char *created_by; /* NULL: "<tool.name> <tool.version>" of results */
	const char *sign_key;	/* PEM Ed25519 private key: sign the manifest */
	/* Caps in bytes; 0: PF_PACKAGE_MAX_MEMBER / PF_PACKAGE_MAX_TOTAL. */
	unsigned long long max_member, max_total;
};

/* Writes the package of run_dir (which must hold results.json) to out_path.
 * digest (may be NULL) receives the manifest's SHA-256 (65 bytes).
 * 0 on success, -1 with err filled. */
int pf_package_create(const char *run_dir, const char *out_path, const struct pf_package_opts *opts,
		      char digest[65], struct pf_error *err);

struct pf_verify_opts {
	const char *expect_digest; /* manifest SHA-256 recorded out of band, or NULL */
	const char *public_key;	   /* PEM Ed25519 public key: the manifest must
				    * carry a valid signature by it */
	/* Caps in bytes; 0: PF_PACKAGE_MAX_MEMBER / PF_PACKAGE_MAX_TOTAL. */
	unsigned long long max_member, max_total;
};

/* Verifies a package. *report (may be NULL) receives a new JSON object:
 * { "package", "manifest_sha256", "ok", "files", "problems": [{kind, path,
 * detail}], "profiles": [{id, version, recorded, rescored}], "signed",
 * "signature" ("verified", "not-checked" without public_key, "bad",
 * "none") }.
 * Returns 0 when intact and the re-score matches, 1 when problems were
 * found, -1 when the file is refused (err names the archive and, where
 * there is one, the member): it cannot be read as a package (not a tar,
 * truncated, damaged, no valid MANIFEST.json), a member or the total
 * exceeds the caps, or a member is unsafe or unexpected: an absolute name
 * or one with a ".." component, a symlink, hardlink, device or any other
 * non-regular entry, a name that appears twice, a name MANIFEST.json does
 * not list. Members are read into memory only, never extracted. */
int pf_package_verify(const char *pkg_path, const struct pf_verify_opts *opts, json_t **report,
		      struct pf_error *err);

#endif

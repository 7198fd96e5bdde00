/* SPDX-License-Identifier: MIT */
/*
 * Known-failure lists and waivers ("plugfest-known-failures/1" YAML, see
 * docs/profiles.md). One entry names a hypervisor (name glob + version glob
 * or range), a check id glob, optionally device types and transports, a
 * reason, an issue link and an expiry date.
 *
 *   known-failure: fail/warn/error/crash/wedged/timeout -> xfail,
 *                  pass -> xpass (the entry is stale: remove it).
 *                  For CI gating only; the device is still non-conformant.
 *   waiver:        failing verdict -> waived (scored as a warning, listed
 *                  with its reason in every report).
 *   expired entries (expires < date) no longer apply; they are reported as
 *   expired, and each result they would have covered carries
 *   "waiver_expired", so nobody loses track of them.
 *
 * Applying is idempotent: a result changed earlier keeps its original verdict
 * in "probe_verdict" and is restored before the entries are applied again
 * (package verification re-applies the packaged files).
 */
#ifndef PF_WAIVER_H
#define PF_WAIVER_H

#include <stddef.h>

#include <jansson.h>

#include "policy/profile.h"

struct pf_waivers;

/* Stand-ins in "not_covered" for what has no fingerprint. */
#define PF_FP_UNNAMED "+unnamed" /* the result names no fingerprint */
#define PF_FP_MORE "+more"	 /* the probe cut its list (subs_more) */

struct pf_waivers *pf_waivers_new(void);
void pf_waivers_free(struct pf_waivers *w);
/* Appends the entries of one file; on error nothing is appended and err
 * names file:line:column and field. */
int pf_waivers_load(struct pf_waivers *w, const char *path, struct pf_error *err);
int pf_waivers_load_buffer(struct pf_waivers *w, const char *buf, size_t len, const char *name,
			   struct pf_error *err);
size_t pf_waivers_count(const struct pf_waivers *w);

/* Applies the entries to results (modified in place) as of date today
 * ("YYYY-MM-DD"; NULL = the current UTC date) and records what happened in
 * results["waivers"]. 0 on success, -1 with err filled. */
int pf_waivers_apply(json_t *results, const struct pf_waivers *w, const char *today,
		     struct pf_error *err);

/* Version matching used by entries, exposed for tests:
 * "" or NULL = any; a glob ("7.2.*"); a range of space-separated
 * constraints (">=7.2 <8.0", ops >= > <= < ==); or a plain version "7.2",
 * which matches 7.2, 7.2.0, 7.2.11 (component prefix). Returns 1 match,
 * 0 no match, -1 malformed spec. */
int pf_version_match(const char *spec, const char *version);

#endif

/* SPDX-License-Identifier: MIT */
/* The catalogue seen through the spec fact base: listing and coverage. */
#ifndef PF_COVERAGE_H
#define PF_COVERAGE_H

#include <stdio.h>

#include <jansson.h>

#include "policy/spec.h"

/* The core areas of issue-level coverage goals: basic facilities, both ring
 * layouts and the two transports the probe drives. */
extern const char *const pf_core_areas[];

/*
 * Array of checks: {id, area, level, class, title, reqs[], partial_reqs{id:
 * reason}, labels[], sections[]} with labels and sections resolved through spec (unknown
 * statement ids are listed under "unknown_reqs"). New reference.
 */
json_t *pf_catalogue_to_json(const struct pf_spec *spec);

/*
 * Per area, the guest-observable device MUST / MUST NOT statements of the
 * spec (observable_by_guest: yes): how many a check claims fully (full),
 * how many only partial claims reach (partial), covered = full + partial:
 * {"areas":[{area,total,full,partial,covered,percent(=percent_full),
 *   percent_full,percent_covered,partial_only:[{id,section,summary,
 *   claims:[{check,reason}]}],uncovered:[{id,section,level,summary}]}],
 *  "core":{total,full,partial,covered,percent,percent_full,percent_covered},
 *  "claims":[{check,statement,claim:"full"|"partial",reason}],
 *  "unknown_reqs":[...]}. New reference.
 */
json_t *pf_coverage_compute(const struct pf_spec *spec);
void pf_coverage_print(const json_t *cov, FILE *out);

/* "full", "partial" or "malformed" for an enum pf_claim value. */
const char *pf_claim_name(int claim);

/* Statement ids named by the catalogue that the spec does not have, and
 * claims with a malformed qualifier; each is printed to errlog as
 * "catalogue: CHECK: unknown statement 'ID'" (or "malformed claim"). */
int pf_catalogue_unknown_reqs(const struct pf_spec *spec, FILE *errlog);

#endif

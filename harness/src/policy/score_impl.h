/* SPDX-License-Identifier: MIT */
/*
 * Inside profile scoring: requirement matching (score_match.c) shared with
 * the aggregation into device and profile verdicts (score.c). Not for use
 * elsewhere.
 */
#ifndef PF_SCORE_IMPL_H
#define PF_SCORE_IMPL_H

#include "policy/score.h"

/* arguments are evaluated twice: pass plain variables only */
#define MAXO(a, b) ((a) > (b) ? (a) : (b))

/* {name(i): counts[i]} for the non-zero counts. New reference. */
json_t *pf_score_counts_json(const unsigned *counts, size_t n, const char *(*name)(int));
/* pf_outcome_name with an int, for pf_score_counts_json. */
const char *pf_score_outcome_name_i(int i);

/* Evaluates one requirement of p on the run; dev_out[i] receives its
 * outcome on device i (NA when it does not apply), *outp the overall one.
 * Returns the requirement's JSON, with the statements it exercised under
 * "_statements" for the caller to merge and remove. */
json_t *pf_score_requirement(const json_t *results, const struct pf_profile *p,
			     const struct pf_requirement *r, enum pf_outcome *dev_out,
			     enum pf_outcome *outp);

#endif

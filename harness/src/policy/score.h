/* SPDX-License-Identifier: MIT */
/*
 * Scoring a run ("plugfest-results/1") against conformance profiles.
 *
 * Per check result -> per requirement (per device) -> per device -> per
 * profile. The rules (docs/reports.md, "Scoring") in short:
 *   - pass/xpass count as pass; fail/xfail/crash/wedged/timeout as fail;
 *     warn and waived as warning; error/unknown as incomplete; skip (not
 *     run) and na (does not concern this device) as n/a.
 *     A known failure (xfail) is still a failure of the device: known-failure
 *     lists keep CI green, they do not make a device conformant. A waiver is
 *     a recorded, reasoned acceptance and demotes the failure to a warning.
 *   - a requirement applies to the offered devices matching its device type,
 *     transport, mode and feature filters; none offered = not-applicable,
 *     unless the profile requires the device ('presence: required'), which
 *     is then a failure (non-conformant, not incomplete: the platform
 *     definitively lacks it).
 *   - an applicable requirement with check criteria but no matching result
 *     is incomplete (not tested).
 *   - SHOULD/MAY requirements cap a failure at warning.
 *   - informational requirements are evaluated and reported, never change
 *     the profile verdict.
 *   - profile: any mandatory fail -> non-conformant; else any incomplete ->
 *     incomplete; else any warning -> conformant-with-warnings; else
 *     conformant if at least one mandatory requirement passed.
 */
#ifndef PF_SCORE_H
#define PF_SCORE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "policy/profile.h"

/* Verdict of one check result as found in results.json. */
enum pf_rv {
	PF_RV_PASS,
	PF_RV_FAIL,
	PF_RV_WARN,
	PF_RV_SKIP,
	PF_RV_ERROR,
	PF_RV_CRASH,
	PF_RV_WEDGED,
	PF_RV_TIMEOUT,
	PF_RV_XFAIL,
	PF_RV_XPASS,
	PF_RV_WAIVED,
	PF_RV_NA, /* not applicable: neither passed nor failed, nothing tested */
	PF_RV_UNKNOWN,
	PF_RV_COUNT
};

enum pf_rv pf_rv_parse(const char *s);
const char *pf_rv_name(enum pf_rv v);
/* fail, warn, error, crash, wedged, timeout: what a known-failure or waiver
 * entry may cover. */
bool pf_rv_is_failing(enum pf_rv v);
/* The check reached a verdict on the device: not skip, na, error or unknown. */
bool pf_rv_is_tested(enum pf_rv v);

/* Outcome of one requirement (overall, or on one device). */
enum pf_outcome {
	PF_OUT_NA,
	PF_OUT_PASS,
	PF_OUT_WARN,
	PF_OUT_INCOMPLETE,
	PF_OUT_FAIL
};
const char *pf_outcome_name(enum pf_outcome o);

/* Profile verdicts; the same vocabulary as results.summary.verdict. */
enum pf_pverdict {
	PF_PV_CONFORMANT,
	PF_PV_WARNINGS,
	PF_PV_INCOMPLETE,
	PF_PV_NON_CONFORMANT
};
const char *pf_pverdict_name(enum pf_pverdict v);
/* Parses a verdict name; -1 if unknown. */
int pf_pverdict_parse(const char *s);

/* ---- results.json accessors (borrowed references, NULL when absent) -- */
const json_t *pf_results_device(const json_t *results, const char *dev_id);
bool pf_device_offers(const json_t *dev, int bit);

/* Scores results against one profile. Returns a new JSON object (caller
 * owns) or NULL with err filled. results is not modified. */
json_t *pf_score_profile(const json_t *results, const struct pf_profile *p, struct pf_error *err);

/* Scores against every profile and stores the array as results["profiles"]
 * (replacing a previous one). 0 on success. */
int pf_score_attach(json_t *results, struct pf_profile *const *profiles, size_t n,
		    struct pf_error *err);

/* The worst verdict over results["profiles"], or -1 if none was scored. */
int pf_score_worst(const json_t *results);

/*
 * The run's headline verdict: the one verdict the console summary, every
 * report, the matrix and the exit code show (docs/exit-codes.md). Ordered
 * by precedence, the first that applies wins:
 *   incomplete      no hello; the last boot sent no `end` or not status ok;
 *                   fewer devices than run.expect asks (at least one when
 *                   absent); no check reached a verdict (all skip/na/error);
 *   non-conformant  a MUST-level fail, or a crash/wedged/timeout/fault
 *                   finding that is not waived;
 *   conformant-with-known-failures  xfail results (known failures of this
 *                   hypervisor version), nothing worse;
 *   conformant-with-warnings  warn, SHOULD-level fail, error, xpass, waived;
 *   conformant.
 * Known failures are applied first (the verdicts in results[] are the
 * effective ones); profile verdicts are separate (pf_score_profile).
 */
enum pf_headline {
	PF_HL_CONFORMANT,
	PF_HL_WARNINGS,
	PF_HL_KNOWN_FAILURES,
	PF_HL_NON_CONFORMANT,
	PF_HL_INCOMPLETE,
	PF_HL_COUNT
};
const char *pf_headline_name(enum pf_headline h);
/* -1 if s is not a headline verdict name. */
int pf_headline_parse(const char *s);
/*
 * Evaluates the headline of a results document (results, findings,
 * devices, run.boots, run.end, run.expect). When reasons is an array, the
 * reasons (strings) are appended, those of the verdict's own rule first.
 * Returns -1 when doc is not an object or on allocation failure.
 */
int pf_headline_eval(const json_t *doc, json_t *reasons);
/* The headline of doc (pf_headline_eval without reasons); incomplete when
 * doc cannot be evaluated. */
enum pf_headline pf_headline(const json_t *doc);
/* 0 conformant (also with warnings or known failures), 1 non-conformant,
 * 3 incomplete. */
int pf_headline_exit_code(enum pf_headline h);
/*
 * Exit code gated on one scored profile (`--gate ID`): 3 when the headline
 * is incomplete or the profile's verdict is incomplete, 1 non-conformant,
 * 0 conformant (with or without warnings). -1 when no profile with that id
 * was scored into doc["profiles"].
 */
int pf_gate_exit_code(const json_t *doc, const char *profile_id);

#endif

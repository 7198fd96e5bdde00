/* SPDX-License-Identifier: MIT */
/*
 * The run model: records from the stream (or a journal replay) and the
 * runner's own findings accumulate here; pf_results_to_json() renders the
 * "plugfest-results/1" document (docs/results-schema.md).
 *
 *   r = pf_results_new();
 *   stream on_record  -> pf_results_add_record(r, seq, rec)
 *   stream on_diag    -> pf_results_add_diag(r, d)
 *   VMM died / hung   -> pf_results_fail_open_step(r, "crash", "...")
 *                        (or pf_results_add_finding() when no step is open)
 *   pf_results_set_run(r, run);          target, hypervisor, times, exit...
 *   doc = pf_results_to_json(r, spec);   write it, json_decref(doc)
 *
 * Ownership: add_* functions borrow their arguments and copy what they keep;
 * set_run steals its argument; to_json and summarize return new references.
 * Not thread-safe; one run model per run.
 */
#ifndef PF_RESULTS_H
#define PF_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "policy/spec.h"
#include "ingest/stream.h"

#define PF_RESULTS_SCHEMA "plugfest-results/1"

/* The build defines PF_VERSION (the project version); a bare compile says
 * so plainly. */
#ifdef PF_VERSION
#define PF_RESULTS_TOOL_VERSION PF_VERSION
#else
#define PF_RESULTS_TOOL_VERSION "0.0.0-dev"
#endif

struct pf_results;

struct pf_results *pf_results_new(void);
void pf_results_free(struct pf_results *r);

/*
 * A record that passed pf_stream (rec borrowed). Applies the run-model
 * rules: devices deduplicated by id, first result per (test, dev) kept and
 * a later one diagnosed, begin/result pairing, a hello while a check is in
 * flight recorded as a crash of that check, a fault as a finding.
 * Returns 0, or -1 when rec is not a usable record (also diagnosed).
 */
int pf_results_add_record(struct pf_results *r, uint32_t seq, const json_t *rec);
int pf_results_add_diag(struct pf_results *r, const struct pf_diag *d);

/*
 * A runner finding. kind: crash | wedged | timeout | fault | protocol |
 * no-start; msg required; test/dev may be NULL, step < 0 when unknown.
 * Returns 0, or -1 (EINVAL) for an unknown kind or a NULL msg.
 */
int pf_results_add_finding(struct pf_results *r, const char *kind, const char *msg,
			   const char *test, const char *dev, int64_t step);

/* Runner-side facts about the run (target, hypervisor, started, finished,
 * duration_s, argv, exit, probe.image_path/image_sha256 ...): a JSON
 * object, stolen (NULL clears). "probe" members from hello, "boots", "end"
 * and "in_flight" are filled in by pf_results_to_json(). */
void pf_results_set_run(struct pf_results *r, json_t *run);

/* The check in flight: a begin without its result yet. */
struct pf_open_step {
	const char *test; /* borrowed; valid until the next add/fail call */
	const char *dev;
	int64_t step; /* -1 if the begin had none */
	uint32_t seq; /* of the begin record */
};
/* True and *out filled when a check is in flight. */
bool pf_results_open_step(const struct pf_results *r, struct pf_open_step *out);
/*
 * Pin a crash, hang or timeout on the check in flight: a finding of that
 * kind and a result with verdict = kind for (test, dev). kind: crash |
 * wedged | timeout. Returns 1 if a check was in flight, 0 if none (nothing
 * recorded: use pf_results_add_finding), -1 on bad arguments.
 */
int pf_results_fail_open_step(struct pf_results *r, const char *kind, const char *msg);

struct pf_results_state {
	unsigned boots;	   /* hello records seen */
	bool ended;	   /* the latest boot sent `end` */
	bool end_ok;	   /* ... with status "ok" */
	int64_t last_step; /* highest step in a begin or result, -1 if none:
			     * resume with pf.from=last_step+1 */
	size_t devices, results, findings, diagnostics;
};
void pf_results_state(const struct pf_results *r, struct pf_results_state *st);

/*
 * The results document. spec may be NULL: requirement labels and sections
 * are then null. Returns a new reference, NULL on allocation failure.
 */
json_t *pf_results_to_json(const struct pf_results *r, const struct pf_spec *spec);

/*
 * The "summary" object of a results document, computed from the document
 * alone (results, findings, run.boots, run.end), so a later stage that
 * rewrites verdicts (known failures, waivers) can recompute it. New
 * reference, NULL on allocation failure or when doc is not an object.
 */
json_t *pf_results_summarize(const json_t *doc);

#endif

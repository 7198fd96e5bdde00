/* SPDX-License-Identifier: MIT */
/* Writing every output of a run from its results document. */
#ifndef PF_REPORTS_H
#define PF_REPORTS_H

#include <stdio.h>

#include <jansson.h>

/*
 * Scores doc against the shipped profiles (adding doc["profiles"]), applies
 * known-failure and waiver files, then writes results.json and every report
 * format into outdir. Problems are printed to errlog. Returns 0, or
 * PF_EXIT_INFRA when results.json itself could not be written (a report
 * format that fails is printed but does not lose the results).
 */
int pf_reports_write_all(json_t *doc, const char *outdir, FILE *errlog);

/* Exit code for a results document (docs/exit-codes.md). */
int pf_results_exit_code(const json_t *doc);

#endif

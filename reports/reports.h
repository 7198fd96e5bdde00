/* SPDX-License-Identifier: MIT */
/* Writing every output of a run from its results document. */
#ifndef PF_REPORTS_H
#define PF_REPORTS_H

#include <stdio.h>

#include <jansson.h>

struct pf_waivers;

/*
 * Applies known-failure and waiver files, scores doc against the shipped
 * profiles (adding doc["profiles"]), then writes results.json and the
 * report formats (NULL: all) into outdir. Problems are printed to errlog.
 * Returns 0, or PF_EXIT_INFRA when results.json itself could not be
 * written (a report format that fails is printed but does not lose the
 * results).
 */
/* Profiles and known-failure/waiver files given on the command line, in
 * addition to the shipped ones (all borrowed). */
struct pf_score_inputs {
	const char *profiles[16];
	size_t nprofiles;
	const char *known[16];
	size_t nknown;
};

/* Loads every file of in once: 0, or -1 after printing the first error as
 * FILE:LINE:COL: field: message. Lets `run` refuse a bad file up front. */
int pf_reports_check_inputs(const struct pf_score_inputs *in, FILE *errlog);

int pf_reports_write_all(json_t *doc, const struct pf_score_inputs *in, const char *outdir,
			 const char *formats, FILE *errlog);

#define PF_REPORT_FORMATS_ALL "json,junit,md,html,pdf"

/* Writes the comma-separated formats (NULL: all) of doc into outdir under
 * their standard names (results.json, junit.xml, report.md, report.html,
 * report.pdf), printing each path written to out (may be NULL). Returns 0,
 * PF_EXIT_USAGE for an unknown format, PF_EXIT_INFRA when results.json
 * could not be written. A report that fails is printed and skipped. */
int pf_reports_write(const json_t *doc, const char *outdir, const char *formats, FILE *out,
		     FILE *errlog);
/* 0 when every name in the list is a known format, else -1 (printed). */
int pf_reports_check_formats(const char *formats, FILE *errlog);

/* The first half of that: known failures, waivers, summary and profile
 * scores, in place. Returns 0, or -1 when some of it could not be done
 * (printed to errlog; the document stays usable). */
int pf_reports_score(json_t *doc, const struct pf_score_inputs *in, FILE *errlog);

/* The shipped known-failure/waiver files and those of in, loaded (problems
 * printed to errlog); NULL on allocation failure. Free with
 * pf_waivers_free(). */
struct pf_waivers *pf_reports_load_waivers(const struct pf_score_inputs *in, FILE *errlog);

/* 0 when a shipped profile or one of in->profiles has this id; else -1
 * after printing the ids there are. */
int pf_reports_check_gate(const char *id, const struct pf_score_inputs *in, FILE *errlog);

/* Exit code of the headline verdict of a results document
 * (docs/exit-codes.md). */
int pf_results_exit_code(const json_t *doc);

#endif

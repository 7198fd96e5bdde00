/* SPDX-License-Identifier: MIT */
/*
 * What the operator sees while a run goes: on a terminal one status line
 * rewritten in place, otherwise plain lines (devices found, failures,
 * findings) that read well in a CI log. Ends with a verdict per device.
 */
#ifndef PF_PROGRESS_H
#define PF_PROGRESS_H

#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

#include "ingest/stream.h"

struct pf_progress;
struct pf_waivers;

/* Writes to out (borrowed). verbose >= 1 prints every result. */
struct pf_progress *pf_progress_new(FILE *out, int verbose);
void pf_progress_free(struct pf_progress *p);

void pf_progress_start(struct pf_progress *p, const char *target, const char *hv_version,
		       const char *outdir);
void pf_progress_boot(struct pf_progress *p, pid_t pid);
/* Known failures and waivers (borrowed, must outlive p) applied to each
 * result as it arrives, for this hypervisor name and version, so a known
 * failure shows as xfail. 0, or -1 on allocation failure. */
int pf_progress_known_failures(struct pf_progress *p, const struct pf_waivers *w,
			       const char *hv_name, const char *hv_version);
void pf_progress_record(struct pf_progress *p, const json_t *rec);
void pf_progress_diag(struct pf_progress *p, const struct pf_diag *d);
void pf_progress_finding(struct pf_progress *p, const char *kind, const char *msg);
/* The final table: one verdict per device, then the run's verdict. */
void pf_progress_summary(struct pf_progress *p, const json_t *results_doc);

#endif

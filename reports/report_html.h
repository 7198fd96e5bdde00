/* SPDX-License-Identifier: MIT */
/* Internal to the HTML report writer (report_html*.c). */
#ifndef PF_REPORT_HTML_H
#define PF_REPORT_HTML_H

#include <stdbool.h>

#include "reports/report_svg.h"
#include "reports/report_util.h"

struct pf_html {
	struct pf_buf *b;
	const json_t *results;
	bool print; /* the PDF's document: shorter, every <details> open */
};

/* <span class="badge v-NAME">NAME</span> */
void pf_html_badge(struct pf_buf *b, const char *name);
/* Text of a JSON string array joined by sep, escaped. */
void pf_html_join(struct pf_buf *b, const json_t *arr, const char *sep);
/* A result's statement labels joined by sep, each of the check's partial
 * claims marked "(partial)" with what it leaves out as the tooltip. */
void pf_html_claims(struct pf_buf *b, const json_t *r, const char *sep);
/* Citations of a scored requirement, with grade and "wording unverified". */
void pf_html_refs(struct pf_buf *b, const json_t *req);
const char *pf_html_details_open(const struct pf_html *h);
/* "<b>ID</b> SECOND": o's "id" in bold, then its member named second. */
void pf_html_named(struct pf_buf *b, const json_t *o, const char *second);
/* A requirement's "LEVEL<sep>STATUS". */
void pf_html_level_status(struct pf_buf *b, const json_t *r, const char *sep);
/* "<tr><td>DEVICE</td><td>CHECK</td>" of a check result: opens its row. */
void pf_html_result_row(struct pf_buf *b, const json_t *r);
/* Badge of a result's verdict, and the probe's own when known failures or
 * waivers changed it. */
void pf_html_verdicts(struct pf_buf *b, const json_t *r);
/* "TYPE <id in monospace>" of a device. */
void pf_html_device_name(struct pf_buf *b, const json_t *d);
/* A result's "SECTIONS</td><td>STATEMENTS</td><td>MESSAGE [SUB-CASE]" (the
 * cells between an open <td> and the caller's closing tag). */
void pf_html_result_claims(struct pf_buf *b, const json_t *r);
/* A table's only row, saying why it is empty. */
void pf_html_empty_row(struct pf_buf *b, int colspan, const char *text);
/* <h3>ID VERSION <badge of verdict></h3> of a scored profile. */
void pf_html_profile_heading(struct pf_buf *b, const json_t *p);

/* Sections (report_html_detail.c) */
void pf_html_failures(struct pf_html *h);
void pf_html_findings(struct pf_html *h);
void pf_html_waivers(struct pf_html *h);
void pf_html_devices(struct pf_html *h);
void pf_html_requirements(struct pf_html *h);
/* The PDF's short form of the devices section: one row of verdict counts
 * per device. */
void pf_html_device_summary(struct pf_html *h);
/* One row per requirement of profile p that did not pass: the
 * requirement, its citations and the devices it did not pass on. */
void pf_html_requirement_rows(struct pf_buf *b, const json_t *p);
/* Every check result not passed, skipped or not applicable, once. */
void pf_html_failed_checks(struct pf_html *h);

#endif

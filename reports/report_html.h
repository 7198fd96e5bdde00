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
	bool print; /* PDF: expand every <details> */
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

/* Sections (report_html_detail.c) */
void pf_html_failures(struct pf_html *h);
void pf_html_findings(struct pf_html *h);
void pf_html_waivers(struct pf_html *h);
void pf_html_devices(struct pf_html *h);
void pf_html_requirements(struct pf_html *h);

#endif

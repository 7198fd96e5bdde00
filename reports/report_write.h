/* SPDX-License-Identifier: MIT */
/*
 * Report writers. Each takes a results document ("plugfest-results/1",
 * ideally with "profiles" from pf_score_attach and "waivers" from
 * pf_waivers_apply) and writes one file. None modifies results.
 *
 * Return: 0 written, -1 error (err filled), PF_REPORT_SKIPPED when the
 * format cannot be produced on this machine (PDF without Chromium): err then
 * says why, nothing was written, and callers should carry on.
 */
#ifndef PF_REPORT_WRITE_H
#define PF_REPORT_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "reports/report_util.h"

#define PF_REPORT_SKIPPED 1

/* format: "json", "junit", "md", "html" or "pdf". */
int pf_report_write(const json_t *results, const char *format, const char *path,
		    struct pf_error *err);

/* Writes results.json, junit.xml, report.md, report.html and report.pdf
 * into dir (which must exist). Every format is attempted; returns -1 if any
 * failed (err holds the first failure), PF_REPORT_SKIPPED if only the PDF
 * was skipped, else 0. */
int pf_report_write_all(const json_t *results, const char *dir, struct pf_error *err);

int pf_report_junit(const json_t *results, const char *path, struct pf_error *err);
int pf_report_md(const json_t *results, const char *path, struct pf_error *err);
int pf_report_html(const json_t *results, const char *path, struct pf_error *err);
int pf_report_pdf(const json_t *results, const char *path, struct pf_error *err);

/* The self-contained HTML page into out. print expands every collapsible
 * section (the PDF writer renders with print = true). */
void pf_report_html_render(const json_t *results, struct pf_buf *out);
void pf_report_html_render_ex(const json_t *results, struct pf_buf *out, bool print);

/* PDF from an HTML file with headless Chromium (fork/exec, no shell,
 * fresh profile directory, timeout). Chromium is $PF_CHROMIUM or the first
 * of chromium, chromium-browser, google-chrome on PATH. */
int pf_html_to_pdf(const char *html_path, const char *pdf_path, int timeout_s,
		   struct pf_error *err);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the report writers: a growable text buffer with the
 * escaping each output format needs, atomic file output, and small accessors
 * over a results document. Everything that comes from results.json is
 * untrusted text (probe messages can carry anything a device made the probe
 * print) and goes through one of the escapers.
 */
#ifndef PF_REPORT_UTIL_H
#define PF_REPORT_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "policy/score.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strbuf.h"

/* The writers' text buffer is the runner's growable string (util/strbuf.h);
 * the pf_buf names stay so the writers read as before. */
#define pf_buf pf_strbuf

static inline void pf_buf_init(struct pf_buf *b)
{
	pf_strbuf_init(b);
}

static inline void pf_buf_free(struct pf_buf *b)
{
	pf_strbuf_free(b);
}

static inline void pf_buf_add(struct pf_buf *b, const char *s, size_t n)
{
	pf_strbuf_add(b, s, n);
}

static inline void pf_buf_puts(struct pf_buf *b, const char *s)
{
	pf_strbuf_puts(b, s);
}

#define pf_buf_printf pf_strbuf_printf
/* HTML text and attribute values (& < > " ', and the ":" of "://"). NULL
 * writes nothing. */
void pf_buf_html(struct pf_buf *b, const char *s);
/* XML 1.0 text/attributes: as HTML, and characters XML forbids (C0 controls
 * other than tab/LF/CR) become U+FFFD, so the document stays well-formed. */
void pf_buf_xml(struct pf_buf *b, const char *s);
/* Markdown inside a table cell or a line: HTML-escapes, backslash-escapes
 * markdown punctuation and the table separator, folds newlines. */
void pf_buf_md(struct pf_buf *b, const char *s);
/* A table's head when rows (an array) has any element, and true; else
 * none, the line that says there is nothing to list, and false. */
bool pf_buf_table_head(struct pf_buf *b, const json_t *rows, const char *head, const char *none);
/* Writes b to path through a temporary file and rename(2), so a reader
 * (CI, a browser) never sees a half-written report. 0, or -1 with err
 * filled (its file is path). */
int pf_buf_write_file(const struct pf_buf *b, const char *path, struct pf_error *err);

/* String member or dflt: the shared accessor, under the short name the
 * writers use on nearly every line. */
static inline const char *pf_jstr(const json_t *o, const char *key, const char *dflt)
{
	return pf_json_string_get(o, key, dflt);
}
/* Effective verdict counts over results["results"]. */
void pf_results_counts(const json_t *results, unsigned counts[PF_RV_COUNT]);
/* The same over the results of one device (its "id"). */
void pf_device_counts(const json_t *results, const char *device, unsigned counts[PF_RV_COUNT]);
/* The run's headline verdict (pf_headline in score.h), for headings. */
const char *pf_overall_verdict(const json_t *results);
/* Its reasons: a new array of strings, NULL on allocation failure. */
json_t *pf_overall_reasons(const json_t *results);
/* "qemu 7.2.11" into buf. */
const char *pf_hypervisor_label(const json_t *results, char *buf, size_t len);
/* Seconds formatted from duration_us ("0.000217"). */
double pf_result_seconds(const json_t *res);
/* A result's message for failure listings: the message, its failure
 * fingerprint in brackets, and the fingerprints a known-failure entry for
 * the check did not excuse ("... [whole-indirect/blk-status]; not excused
 * by QEMU72-X: whole-indirect/blk-status"). Returns buf. */
const char *pf_result_failure_text(const json_t *res, char *buf, size_t cap);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Plug-fest matrix: N scored runs (different hypervisors, versions or
 * configurations) merged into one view: run x profile verdicts, requirement
 * x run outcomes and device type x run inventory. Written as matrix.json
 * ("plugfest-matrix/1", docs/reports.md), matrix.md and matrix.html.
 */
#ifndef PF_MATRIX_H
#define PF_MATRIX_H

#include <stddef.h>

#include <jansson.h>

#include "reports/report_util.h"
#include "util/error.h"

/* Builds the matrix document. runs[i] are results documents, ideally with
 * "profiles" (pf_score_attach); a run without them contributes only its
 * summary verdict. names[i] (may be NULL, or an entry NULL) labels the
 * source file. Returns a new reference or NULL with err filled. */
json_t *pf_matrix_build(json_t *const *runs, const char *const *names, size_t n,
			struct pf_error *err);

/* Builds the matrix and writes matrix.json, matrix.md and matrix.html into
 * dir (created if missing). 0 on success. */
int pf_matrix_write(json_t *const *runs, const char *const *names, size_t n, const char *dir,
		    struct pf_error *err);

/* Renderers over a built matrix document (report_matrix.c). */
void pf_matrix_render_md(const json_t *m, struct pf_buf *b);
void pf_matrix_render_html(const json_t *m, struct pf_buf *b);

#endif

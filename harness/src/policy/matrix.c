/* SPDX-License-Identifier: MIT */
/* Plug-fest matrix: building the document and writing the three files. */
#define _GNU_SOURCE
#include "policy/matrix.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "policy/score.h"

static json_t *run_entry(const json_t *r, const char *name, size_t idx)
{
	const json_t *run = json_object_get(r, "run"), *hv = json_object_get(run, "hypervisor");
	const json_t *probe = json_object_get(run, "probe");
	char key[32], label[400];
	unsigned c[PF_RV_COUNT];

	snprintf(key, sizeof(key), "r%zu", idx + 1);
	snprintf(label, sizeof(label), "%s %s / %s", pf_jstr(hv, "name", "?"),
		 pf_jstr(hv, "version", "?"), pf_jstr(run, "target", "?"));
	pf_results_counts(r, c);
	json_t *counts = json_object();
	for (int k = 0; k < PF_RV_COUNT; k++)
		if (c[k])
			json_object_set_new(counts, pf_rv_name((enum pf_rv)k), json_integer(c[k]));
	return json_pack(
		"{s:s, s:s, s:s?, s:{s:s?, s:s?}, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:o, "
		"s:I}",
		"key", key, "label", label, "source", name, "hypervisor", "name",
		pf_jstr(hv, "name", NULL), "version", pf_jstr(hv, "version", NULL), "target",
		pf_jstr(run, "target", NULL), "arch", pf_jstr(probe, "arch", NULL), "probe_version",
		pf_jstr(probe, "version", NULL), "image_sha256",
		pf_jstr(probe, "image_sha256", NULL), "runner_version",
		pf_jstr(json_object_get(r, "tool"), "version", NULL), "started",
		pf_jstr(run, "started", NULL), "verdict", pf_overall_verdict(r), "counts", counts,
		"findings", (json_int_t)json_array_size(json_object_get(r, "findings")));
}

/* Row of `rows` whose members k1..k3 (k2, k3 may be NULL) match; appended
 * with n null cells if new. */
static json_t *find_row(json_t *rows, const char *k1, const char *v1, const char *k2,
			const char *v2, const char *k3, const char *v3, size_t n)
{
	size_t i;
	json_t *row;

	json_array_foreach (rows, i, row)
		if (!strcmp(pf_jstr(row, k1, ""), v1) &&
		    (!k2 || !strcmp(pf_jstr(row, k2, ""), v2)) &&
		    (!k3 || !strcmp(pf_jstr(row, k3, ""), v3)))
			return row;
	row = json_object();
	json_object_set_new(row, k1, json_string(v1));
	if (k2)
		json_object_set_new(row, k2, json_string(v2));
	if (k3)
		json_object_set_new(row, k3, json_string(v3));
	json_t *cells = json_array();
	for (size_t c = 0; c < n; c++)
		json_array_append_new(cells, json_null());
	json_object_set_new(row, "cells", cells);
	json_array_append_new(rows, row);
	return row;
}

json_t *pf_matrix_build(json_t *const *runs, const char *const *names, size_t n,
			struct pf_error *err)
{
	json_t *m_runs = json_array(), *m_prof = json_array(), *m_req = json_array(),
	       *m_dev = json_array();
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	if (!n) {
		pf_error_fill(err, NULL, 0, 0, NULL, "matrix: no runs given");
		json_decref(m_runs);
		json_decref(m_prof);
		json_decref(m_req);
		json_decref(m_dev);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const json_t *r = runs[i], *p, *q, *d;
		size_t j, k;
		if (!json_is_object(r) || !json_is_array(json_object_get(r, "results"))) {
			pf_error_fill(err, NULL, 0, 0, NULL,
				      "matrix: run %zu (%s) is not a plugfest-results document",
				      i + 1, names && names[i] ? names[i] : "?");
			json_decref(m_runs);
			json_decref(m_prof);
			json_decref(m_req);
			json_decref(m_dev);
			return NULL;
		}
		json_array_append_new(m_runs, run_entry(r, names ? names[i] : NULL, i));
		json_array_foreach (json_object_get(r, "profiles"), j, p) {
			const char *pid = pf_jstr(p, "id", "?"), *pver = pf_jstr(p, "version", "?");
			json_t *row = find_row(m_prof, "id", pid, "version", pver, NULL, NULL, n);
			if (!json_object_get(row, "title"))
				json_object_set_new(row, "title",
						    json_string(pf_jstr(p, "title", "")));
			json_array_set_new(json_object_get(row, "cells"), i,
					   json_string(pf_jstr(p, "verdict", "?")));
			json_array_foreach (json_object_get(p, "requirements"), k, q) {
				json_t *rr = find_row(m_req, "profile", pid, "profile_version",
						      pver, "id", pf_jstr(q, "id", "?"), n);
				if (!json_object_get(rr, "title")) {
					json_object_set_new(rr, "title",
							    json_string(pf_jstr(q, "title", "")));
					json_object_set_new(rr, "level",
							    json_string(pf_jstr(q, "level", "")));
					json_object_set_new(rr, "status",
							    json_string(pf_jstr(q, "status", "")));
				}
				/* first reason says why, so a cell can explain itself */
				const json_t *why =
					json_array_get(json_object_get(q, "reasons"), 0);
				json_array_set_new(
					json_object_get(rr, "cells"), i,
					json_pack("{s:s, s:s?}", "outcome",
						  pf_jstr(q, "outcome", "?"), "why",
						  why ? pf_jstr(why, "why", NULL) : NULL));
			}
		}
		json_array_foreach (json_object_get(r, "devices"), j, d) {
			const char *type = pf_jstr(d, "type", "unknown");
			json_t *row = find_row(m_dev, "type", type, NULL, NULL, NULL, NULL, n);
			json_t *cell = json_array_get(json_object_get(row, "cells"), i);
			json_int_t cnt = json_is_integer(cell) ? json_integer_value(cell) : 0;
			json_array_set_new(json_object_get(row, "cells"), i, json_integer(cnt + 1));
		}
	}
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *m = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "schema", "plugfest-matrix/1",
			      "generated", stamp, "runs", m_runs, "profiles", m_prof,
			      "requirements", m_req, "devices", m_dev);
	if (!m)
		pf_error_fill(err, NULL, 0, 0, NULL, "matrix: out of memory");
	return m;
}

int pf_matrix_write(json_t *const *runs, const char *const *names, size_t n, const char *dir,
		    struct pf_error *err)
{
	char path[4096];
	struct pf_buf b;
	json_t *m;
	char *text;
	int rc = -1;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return pf_error_errno(err, dir, "cannot create");
	if (!(m = pf_matrix_build(runs, names, n, err)))
		return -1;
	pf_buf_init(&b);
	if (!(text = json_dumps(m, JSON_INDENT(2)))) {
		pf_error_fill(err, NULL, 0, 0, NULL, "matrix: cannot serialise");
		goto out;
	}
	pf_buf_puts(&b, text);
	pf_buf_puts(&b, "\n");
	free(text);
	snprintf(path, sizeof(path), "%s/matrix.json", dir);
	if (pf_buf_write_file(&b, path, err))
		goto out;
	pf_buf_free(&b);
	pf_matrix_render_md(m, &b);
	snprintf(path, sizeof(path), "%s/matrix.md", dir);
	if (pf_buf_write_file(&b, path, err))
		goto out;
	pf_buf_free(&b);
	pf_matrix_render_html(m, &b);
	snprintf(path, sizeof(path), "%s/matrix.html", dir);
	if (pf_buf_write_file(&b, path, err))
		goto out;
	rc = 0;
out:
	pf_buf_free(&b);
	json_decref(m);
	return rc;
}

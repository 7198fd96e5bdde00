/* SPDX-License-Identifier: MIT */
/* Markdown and HTML renderings of a plug-fest matrix (matrix.h). */
#include <stdio.h>
#include <string.h>

#include "policy/matrix.h"
#include "reports/report_html.h"
#include "reports/report_fields.h"

enum {
	MD,
	HTML
};

/*
 * The three tables after the runs: one row per profile, device type or
 * requirement of the matrix, with one cell per run. Each has its title
 * up to its first column's head, and a template of a row's first cell,
 * in each format.
 */
static const struct matrix_table {
	const char *member; /* array of the matrix holding the rows */
	const char *cell;   /* member of an object cell shown; NULL: cells are strings */
	bool info;	    /* rows are requirements: marks informational ones */
	const char *head[2];
	const char *row[2];
} tables[] = {
	{ "profiles",
	  NULL,
	  false,
	  { "\n## Hypervisor x profile\n\n| Profile",
	    "<h2>Hypervisor &#215; profile</h2><table><thead><tr><th>Profile</th>" },
	  { "| {id|?} {version}", "<tr><td><b>{id|?}</b> {version}<br><span class=\"small "
				  "muted\">{title}</span></td>" } },
	{ "devices",
	  NULL,
	  false,
	  { "\n## Device types offered\n\n| Device type",
	    "<h2>Device types offered</h2><table><thead><tr><th>Device type</th>" },
	  { "| {type|?}", "<tr><td>{type|?}</td>" } },
	{ "requirements",
	  "outcome",
	  true,
	  { "\n## Hypervisor x requirement\n\n| Requirement",
	    "<h2>Hypervisor &#215; requirement</h2><p class=\"small muted\">Hover a cell for the "
	    "first reason. &#8211; = profile not scored for that run.</p><table><thead><tr>"
	    "<th>Requirement</th>" },
	  { "| {profile|?} {id|?}",
	    "<tr><td><span class=\"tag\">{profile|?}</span><b>{id|?}</b> {title} <span "
	    "class=\"small muted\">{level}, {status}</span></td>" } },
};

static const char *cell_str(const json_t *cell, const char *member)
{
	if (json_is_string(cell))
		return json_string_value(cell);
	if (json_is_object(cell))
		return pf_jstr(cell, member, "?");
	return NULL;
}

/* How each format writes the pieces of a table the two share. */
static const struct matrix_format {
	pf_escape_fn esc;
	/* the rest of a table's head: a cell per run (a template), what
	 * closes the row, and a rule under it, a piece per run */
	const char *run_head, *heads_end, *rule, *rule_end;
	/* a cell: its opening, a template of its tooltip from an object cell
	 * with a "why" (NULL: none), the end of the opening, the writer of a
	 * string value, what stands for no value, its closing */
	const char *cell, *why, *cell_open_end;
	pf_escape_fn value;
	const char *none, *cell_end;
	const char *row_end;
	const char *info; /* after the first cell of an informational requirement */
	const char *end;  /* after a table's last row */
} formats[2] = {
	[MD] = { pf_buf_md, " | {key|?}", " |\n|---", "|---", "|\n", " | ", NULL, "", pf_buf_md,
		 "-", "", " |\n", " (info)", "" },
	[HTML] = { pf_buf_html,
		   "<th title=\"{label}\">{key|?}<br><span class=\"small muted\">"
		   "{hypervisor.name|?} {hypervisor.version}</span></th>",
		   "</tr></thead><tbody>", "", "", "<td", " title=\"{why}\"", ">", pf_html_badge,
		   "<span class=\"muted\">&#8211;</span>", "</td>", "</tr>", "",
		   "</tbody></table>" },
};

/* A row's cells, one per run, to the end of the row. */
static void matrix_cells(struct pf_buf *b, const struct matrix_format *f, const json_t *cells,
			 const char *member)
{
	size_t i;
	const json_t *c;

	json_array_foreach (cells, i, c) {
		const char *s = cell_str(c, member);

		pf_buf_puts(b, f->cell);
		if (f->why && json_is_object(c) && pf_jstr(c, "why", NULL))
			pf_buf_template(b, c, f->why, f->esc);
		pf_buf_puts(b, f->cell_open_end);
		if (json_is_integer(c))
			pf_buf_printf(b, "%lld", json_integer_value(c));
		else if (s)
			f->value(b, s);
		else
			pf_buf_puts(b, f->none);
		pf_buf_puts(b, f->cell_end);
	}
	pf_buf_puts(b, f->row_end);
}

static void matrix_tables(const json_t *m, struct pf_buf *b, int fmt)
{
	const struct matrix_format *f = &formats[fmt];
	const json_t *runs = json_object_get(m, "runs"), *row;
	size_t i, t;

	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		pf_buf_puts(b, tables[t].head[fmt]);
		json_array_foreach (runs, i, row)
			pf_buf_template(b, row, f->run_head, f->esc);
		pf_buf_puts(b, f->heads_end);
		for (i = 0; i < json_array_size(runs); i++)
			pf_buf_puts(b, f->rule);
		pf_buf_puts(b, f->rule_end);
		json_array_foreach (json_object_get(m, tables[t].member), i, row) {
			pf_buf_template(b, row, tables[t].row[fmt], f->esc);
			if (tables[t].info && !strcmp(pf_jstr(row, "status", ""), "informational"))
				pf_buf_puts(b, f->info);
			matrix_cells(b, f, json_object_get(row, "cells"), tables[t].cell);
		}
		pf_buf_puts(b, f->end);
	}
}

void pf_matrix_render_md(const json_t *m, struct pf_buf *b)
{
	const json_t *r;
	size_t i;

	pf_buf_puts(b, "# Plug-fest matrix\n\n## Runs\n\n| Key | Hypervisor | Target | Arch | "
		       "Probe | Overall | Findings |\n"
		       "|---|---|---|---|---|---|---|\n");
	json_array_foreach (json_object_get(m, "runs"), i, r)
		pf_buf_template(
			b, r,
			"| {key|?} | {hypervisor.name|?} {hypervisor.version} | {target|?} | "
			"{arch|?} | {probe_version|?} | **{verdict|?}** | {#findings} |\n",
			pf_buf_md);
	matrix_tables(m, b, MD);
	pf_buf_puts(b, "\n");
}

void pf_matrix_render_html(const json_t *m, struct pf_buf *b)
{
	const json_t *runs = json_object_get(m, "runs"), *r;
	size_t i;

	pf_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		       "style-src 'unsafe-inline'\">"
		       "<title>Plug-fest matrix</title><style>");
	pf_buf_puts(b, pf_report_css);
	pf_buf_puts(b, "</style></head><body><header class=\"top\"><h1>Plug-fest matrix</h1><div "
		       "class=\"sub\">");
	pf_buf_printf(b, "%zu runs, generated ", json_array_size(runs));
	pf_buf_html(b, pf_jstr(m, "generated", ""));
	pf_buf_puts(b, "</div></header><main><h2>Runs</h2><table><thead><tr><th>Key</"
		       "th><th>Hypervisor</th><th>Target</th>"
		       "<th>Arch</th><th>Probe</th><th>Probe image "
		       "SHA-256</th><th>Started</th><th>Overall</th>"
		       "<th class=\"num\">Findings</th><th>Source</th></tr></thead><tbody>");
	json_array_foreach (runs, i, r) {
		pf_buf_template(
			b, r,
			"<tr><td><b>{key|?}</b></td><td>{hypervisor.name|?} "
			"{hypervisor.version}</td><td>{target|?}</td><td>{arch|?}</td>"
			"<td>{probe_version|?}</td><td class=\"mono small\">{image_sha256|?}</td>"
			"<td>{started}</td><td>",
			pf_buf_html);
		pf_html_badge(b, pf_jstr(r, "verdict", "?"));
		pf_buf_template(b, r,
				"</td><td class=\"num\">{#findings}</td><td class=\"mono "
				"small\">{source|-}</td></tr>",
				pf_buf_html);
	}
	pf_buf_puts(b, "</tbody></table>");
	matrix_tables(m, b, HTML);
	pf_buf_puts(b, "</main><footer>Generated by plugfest (Virtio Plug-fest "
		       "Kit).</footer></body></html>\n");
}

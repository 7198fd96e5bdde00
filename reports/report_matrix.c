/* SPDX-License-Identifier: MIT */
/* Markdown and HTML renderings of a plug-fest matrix (matrix.h). */
#include <stdio.h>
#include <string.h>

#include "policy/matrix.h"
#include "reports/report_html.h"
#include "reports/report_fields.h"

/* The leading cells of a row of the runs table, up to the overall verdict. */
static const struct pf_field md_run_fields[] = {
	{ "| ", NULL, "key", "?" },	      { " | ", "hypervisor", "name", "?" },
	{ " ", "hypervisor", "version", "" }, { " | ", NULL, "target", "?" },
	{ " | ", NULL, "arch", "?" },	      { " | ", NULL, "probe_version", "?" },
	{ " | **", NULL, "verdict", "?" },
};

static const struct pf_field html_run_fields[] = {
	{ "<tr><td><b>", NULL, "key", "?" },
	{ "</b></td><td>", "hypervisor", "name", "?" },
	{ " ", "hypervisor", "version", "" },
	{ "</td><td>", NULL, "target", "?" },
	{ "</td><td>", NULL, "arch", "?" },
	{ "</td><td>", NULL, "probe_version", "?" },
	{ "</td><td class=\"mono small\">", NULL, "image_sha256", "?" },
	{ "</td><td>", NULL, "started", "" },
};

static const char *cell_str(const json_t *cell, const char *member)
{
	if (json_is_string(cell))
		return json_string_value(cell);
	if (json_is_object(cell))
		return pf_jstr(cell, member, "?");
	return NULL;
}

static void md_cells(struct pf_buf *b, const json_t *cells, const char *member)
{
	size_t i;
	const json_t *c;

	json_array_foreach (cells, i, c) {
		const char *s = cell_str(c, member);
		pf_buf_puts(b, " | ");
		if (json_is_integer(c))
			pf_buf_printf(b, "%lld", json_integer_value(c));
		else
			pf_buf_md(b, s ? s : "-");
	}
	pf_buf_puts(b, " |\n");
}

static void md_header(struct pf_buf *b, const char *first, const json_t *runs)
{
	size_t i;
	const json_t *r;

	pf_buf_puts(b, "| ");
	pf_buf_puts(b, first);
	json_array_foreach (runs, i, r) {
		pf_buf_puts(b, " | ");
		pf_buf_md(b, pf_jstr(r, "key", "?"));
	}
	pf_buf_puts(b, " |\n|---");
	for (i = 0; i < json_array_size(runs); i++)
		pf_buf_puts(b, "|---");
	pf_buf_puts(b, "|\n");
}

void pf_matrix_render_md(const json_t *m, struct pf_buf *b)
{
	const json_t *runs = json_object_get(m, "runs"), *r, *row;
	size_t i;

	pf_buf_puts(b, "# Plug-fest matrix\n\n## Runs\n\n| Key | Hypervisor | Target | Arch | "
		       "Probe | Overall | Findings |\n"
		       "|---|---|---|---|---|---|---|\n");
	json_array_foreach (runs, i, r) {
		pf_buf_fields(b, r, md_run_fields, PF_FIELDS_N(md_run_fields), pf_buf_md);
		pf_buf_printf(b, "** | %lld |\n",
			      json_integer_value(json_object_get(r, "findings")));
	}
	pf_buf_puts(b, "\n## Hypervisor x profile\n\n");
	md_header(b, "Profile", runs);
	json_array_foreach (json_object_get(m, "profiles"), i, row) {
		pf_buf_puts(b, "| ");
		pf_buf_md(b, pf_jstr(row, "id", "?"));
		pf_buf_puts(b, " ");
		pf_buf_md(b, pf_jstr(row, "version", ""));
		md_cells(b, json_object_get(row, "cells"), NULL);
	}
	pf_buf_puts(b, "\n## Device types offered\n\n");
	md_header(b, "Device type", runs);
	json_array_foreach (json_object_get(m, "devices"), i, row) {
		pf_buf_puts(b, "| ");
		pf_buf_md(b, pf_jstr(row, "type", "?"));
		md_cells(b, json_object_get(row, "cells"), NULL);
	}
	pf_buf_puts(b, "\n## Hypervisor x requirement\n\n");
	md_header(b, "Requirement", runs);
	json_array_foreach (json_object_get(m, "requirements"), i, row) {
		pf_buf_puts(b, "| ");
		pf_buf_md(b, pf_jstr(row, "profile", "?"));
		pf_buf_puts(b, " ");
		pf_buf_md(b, pf_jstr(row, "id", "?"));
		if (!strcmp(pf_jstr(row, "status", ""), "informational"))
			pf_buf_puts(b, " (info)");
		md_cells(b, json_object_get(row, "cells"), "outcome");
	}
	pf_buf_puts(b, "\n");
}

static void html_run_heads(struct pf_buf *b, const json_t *runs)
{
	size_t i;
	const json_t *r;

	json_array_foreach (runs, i, r) {
		pf_buf_puts(b, "<th title=\"");
		pf_buf_html(b, pf_jstr(r, "label", ""));
		pf_buf_puts(b, "\">");
		pf_buf_html(b, pf_jstr(r, "key", "?"));
		pf_buf_puts(b, "<br><span class=\"small muted\">");
		pf_buf_html(b, pf_jstr(json_object_get(r, "hypervisor"), "name", "?"));
		pf_buf_puts(b, " ");
		pf_buf_html(b, pf_jstr(json_object_get(r, "hypervisor"), "version", ""));
		pf_buf_puts(b, "</span></th>");
	}
}

static void html_cells(struct pf_buf *b, const json_t *cells, const char *member)
{
	size_t i;
	const json_t *c;

	json_array_foreach (cells, i, c) {
		const char *s = cell_str(c, member);
		pf_buf_puts(b, "<td");
		if (json_is_object(c) && pf_jstr(c, "why", NULL)) {
			pf_buf_puts(b, " title=\"");
			pf_buf_html(b, pf_jstr(c, "why", ""));
			pf_buf_puts(b, "\"");
		}
		pf_buf_puts(b, ">");
		if (json_is_integer(c))
			pf_buf_printf(b, "%lld", json_integer_value(c));
		else if (s)
			pf_html_badge(b, s);
		else
			pf_buf_puts(b, "<span class=\"muted\">&#8211;</span>");
		pf_buf_puts(b, "</td>");
	}
}

void pf_matrix_render_html(const json_t *m, struct pf_buf *b)
{
	const json_t *runs = json_object_get(m, "runs"), *r, *row;
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
		pf_buf_fields(b, r, html_run_fields, PF_FIELDS_N(html_run_fields), pf_buf_html);
		pf_buf_puts(b, "</td><td>");
		pf_html_badge(b, pf_jstr(r, "verdict", "?"));
		pf_buf_printf(b, "</td><td class=\"num\">%lld</td><td class=\"mono small\">",
			      json_integer_value(json_object_get(r, "findings")));
		pf_buf_html(b, pf_jstr(r, "source", "-"));
		pf_buf_puts(b, "</td></tr>");
	}
	pf_buf_puts(b, "</tbody></table><h2>Hypervisor &#215; "
		       "profile</h2><table><thead><tr><th>Profile</th>");
	html_run_heads(b, runs);
	pf_buf_puts(b, "</tr></thead><tbody>");
	json_array_foreach (json_object_get(m, "profiles"), i, row) {
		pf_buf_puts(b, "<tr><td>");
		pf_html_named(b, row, "version");
		pf_buf_puts(b, "<br><span class=\"small muted\">");
		pf_buf_html(b, pf_jstr(row, "title", ""));
		pf_buf_puts(b, "</span></td>");
		html_cells(b, json_object_get(row, "cells"), NULL);
		pf_buf_puts(b, "</tr>");
	}
	pf_buf_puts(b, "</tbody></table><h2>Device types offered</h2><table><thead><tr><th>Device "
		       "type</th>");
	html_run_heads(b, runs);
	pf_buf_puts(b, "</tr></thead><tbody>");
	json_array_foreach (json_object_get(m, "devices"), i, row) {
		pf_buf_puts(b, "<tr><td>");
		pf_buf_html(b, pf_jstr(row, "type", "?"));
		pf_buf_puts(b, "</td>");
		html_cells(b, json_object_get(row, "cells"), NULL);
		pf_buf_puts(b, "</tr>");
	}
	pf_buf_puts(b, "</tbody></table><h2>Hypervisor &#215; requirement</h2><p class=\"small "
		       "muted\">Hover a cell "
		       "for the first reason. &#8211; = profile not scored for that "
		       "run.</p><table><thead><tr>"
		       "<th>Requirement</th>");
	html_run_heads(b, runs);
	pf_buf_puts(b, "</tr></thead><tbody>");
	json_array_foreach (json_object_get(m, "requirements"), i, row) {
		pf_buf_puts(b, "<tr><td><span class=\"tag\">");
		pf_buf_html(b, pf_jstr(row, "profile", "?"));
		pf_buf_puts(b, "</span>");
		pf_html_named(b, row, "title");
		pf_buf_puts(b, " <span class=\"small muted\">");
		pf_html_level_status(b, row, ", ");
		pf_buf_puts(b, "</span></td>");
		html_cells(b, json_object_get(row, "cells"), "outcome");
		pf_buf_puts(b, "</tr>");
	}
	pf_buf_puts(b, "</tbody></table></main><footer>Generated by plugfest (Virtio Plug-fest "
		       "Kit).</footer></body></html>\n");
}

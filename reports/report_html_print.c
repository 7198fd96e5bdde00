/* SPDX-License-Identifier: MIT */
/*
 * Sections only the PDF's document has. The PDF is read by whoever signs
 * off a device: it carries the verdicts, what failed and why, and a count
 * of verdicts per device, not the table of every check (report.html and
 * results.json keep that), so it stays small and prints quickly.
 */
#include <stdio.h>
#include <string.h>

#include "reports/report_html.h"

/* Always shown, even at zero: what a reader looks for first. */
static bool always_shown(enum pf_rv v)
{
	return v == PF_RV_PASS || v == PF_RV_FAIL || v == PF_RV_WARN || v == PF_RV_SKIP ||
	       v == PF_RV_NA;
}

void pf_html_device_summary(struct pf_html *h)
{
	struct pf_buf *b = h->b;
	const json_t *d;
	unsigned all[PF_RV_COUNT], c[PF_RV_COUNT];
	bool shown[PF_RV_COUNT];
	size_t i;

	pf_results_counts(h->results, all);
	for (int k = 0; k < PF_RV_COUNT; k++)
		shown[k] = always_shown((enum pf_rv)k) || all[k];
	pf_buf_puts(b, "<section id=\"devices\"><h2>Verdicts per device</h2>"
		       "<p class=\"small muted\">Every check of every device, with its spec "
		       "statements and message, is in report.html and results.json.</p>"
		       "<table><thead><tr><th>Device</th><th>Transport</th>");
	for (int k = 0; k < PF_RV_COUNT; k++)
		if (shown[k])
			pf_buf_printf(b, "<th class=\"num\">%s</th>", pf_rv_name((enum pf_rv)k));
	pf_buf_puts(b, "</tr></thead><tbody>");
	json_array_foreach (json_object_get(h->results, "devices"), i, d) {
		pf_device_counts(h->results, pf_jstr(d, "id", ""), c);
		pf_buf_puts(b, c[PF_RV_FAIL] || c[PF_RV_XFAIL] ? "<tr class=\"row-fail\"><td>"
							       : "<tr><td>");
		pf_html_device_name(b, d);
		pf_buf_puts(b, "</td><td>");
		pf_buf_html(b, pf_jstr(d, "transport", "?"));
		pf_buf_puts(b, "</td>");
		for (int k = 0; k < PF_RV_COUNT; k++)
			if (shown[k])
				pf_buf_printf(b, "<td class=\"num\">%u</td>", c[k]);
		pf_buf_puts(b, "</tr>");
	}
	pf_buf_puts(b, "</tbody></table></section>\n");
}

static bool bad_outcome(const char *o)
{
	return !strcmp(o, "fail") || !strcmp(o, "incomplete") || !strcmp(o, "warn");
}

void pf_html_requirement_rows(struct pf_buf *b, const json_t *p)
{
	const json_t *r, *dv;
	size_t j, k;

	pf_buf_puts(b, "<table><thead><tr><th>Requirement</th><th>Level / status</th>"
		       "<th>Outcome</th><th>References</th><th>Devices not passed</th></tr>"
		       "</thead><tbody>");
	json_array_foreach (json_object_get(p, "requirements"), j, r) {
		const char *out = pf_jstr(r, "outcome", "");
		bool first = true;

		if (!bad_outcome(out))
			continue;
		pf_buf_puts(b, "<tr><td>");
		pf_html_named(b, r, "title");
		pf_buf_puts(b, "</td><td>");
		pf_html_level_status(b, r, " / ");
		pf_buf_puts(b, "</td><td>");
		pf_html_badge(b, out);
		pf_buf_puts(b, "</td><td>");
		pf_html_refs(b, r);
		pf_buf_puts(b, "</td><td class=\"small mono\">");
		json_array_foreach (json_object_get(r, "devices"), k, dv) {
			if (!bad_outcome(pf_jstr(dv, "outcome", "")))
				continue;
			pf_buf_puts(b, first ? "" : "<br>");
			pf_buf_html(b, pf_jstr(dv, "device", "?"));
			first = false;
		}
		if (first)
			pf_buf_puts(b, "(platform)");
		pf_buf_puts(b, "</td></tr>");
	}
	pf_buf_puts(b, "</tbody></table>");
}

/* Verdicts a reader must see the check of: everything but pass, skip,
 * not applicable and unknown. */
static bool notable(enum pf_rv v)
{
	return v != PF_RV_PASS && v != PF_RV_SKIP && v != PF_RV_NA && v != PF_RV_UNKNOWN;
}

void pf_html_failed_checks(struct pf_html *h)
{
	struct pf_buf *b = h->b;
	const json_t *r, *w;
	size_t i;
	unsigned n = 0;

	pf_buf_puts(b, "<section id=\"checks\"><h2>Checks not passed</h2>"
		       "<table><thead><tr><th>Device</th><th>Check</th><th>Verdict</th>"
		       "<th>Spec section</th><th>Spec statement</th>"
		       "<th>Message [sub-case]</th><th>Entry</th></tr></thead><tbody>");
	json_array_foreach (json_object_get(h->results, "results"), i, r) {
		enum pf_rv v = pf_rv_parse(pf_jstr(r, "verdict", NULL));

		if (!notable(v))
			continue;
		n++;
		pf_html_result_row(b, r);
		pf_buf_puts(b, "<td>");
		pf_html_verdicts(b, r);
		pf_buf_puts(b, "</td><td>");
		pf_html_result_claims(b, r);
		pf_buf_puts(b, "</td><td class=\"small\">");
		w = json_object_get(r, "waiver") ?: json_object_get(r, "waiver_expired");
		pf_buf_html(b, pf_jstr(w, "id", "-"));
		pf_buf_puts(b, "</td></tr>");
	}
	if (!n)
		pf_html_empty_row(b, 7, "Every check passed, was skipped or did not apply.");
	pf_buf_puts(b, "</tbody></table></section>\n");
}

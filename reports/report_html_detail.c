/* SPDX-License-Identifier: MIT */
/* Detail sections of report.html: failed requirements, findings, waivers,
 * devices with every check, and the full requirement list per profile. */
#include <stdio.h>
#include <string.h>

#include "reports/report_html.h"
#include "reports/report_fields.h"

static const char *row_class(const char *outcome)
{
	if (!strcmp(outcome, "fail"))
		return " class=\"row-fail\"";
	if (!strcmp(outcome, "warn"))
		return " class=\"row-warn\"";
	if (!strcmp(outcome, "incomplete"))
		return " class=\"row-error\"";
	return "";
}

static void reason_rows(struct pf_buf *b, const json_t *req, const char *outcome)
{
	const json_t *rs, *w;
	char text[1024];
	size_t j;

	json_array_foreach (json_object_get(req, "reasons"), j, rs) {
		pf_buf_printf(b, "<tr%s>", row_class(outcome));
		pf_buf_template(b, rs,
				"<td class=\"mono\">{device|(platform)}<br><span "
				"class=\"muted\">{type}</span></td><td>",
				pf_buf_html);
		if (pf_jstr(rs, "test", NULL)) {
			pf_buf_template(b, rs, "<code>{test}</code> ", pf_buf_html);
			pf_html_verdicts(b, rs);
		} else {
			pf_buf_template(b, rs, "<span class=\"tag\">{kind}</span>", pf_buf_html);
		}
		pf_buf_puts(b, "</td><td>");
		pf_html_join(b, json_object_get(rs, "sections"), ", ");
		pf_buf_puts(b, "</td><td class=\"small\">");
		pf_html_join(b, json_object_get(rs, "labels"), "<br>");
		pf_buf_puts(b, "</td><td>");
		pf_buf_html(b, pf_jstr(rs, "test", NULL)
				       ? pf_result_failure_text(rs, text, sizeof(text))
				       : pf_jstr(rs, "why", ""));
		if ((w = json_object_get(rs, "waiver")))
			pf_buf_template(
				b, w,
				"<br><span class=\"small\"><b>{kind} {id}</b>: {reason} <span "
				"class=\"mono\">{issue}</span> (expires {expires})</span>",
				pf_buf_html);
		pf_buf_puts(b, "</td></tr>");
	}
}

static void requirement_block(struct pf_buf *b, const json_t *r)
{
	const char *out = pf_jstr(r, "outcome", "?");

	pf_buf_puts(b, "<h4>");
	pf_html_badge(b, out);
	pf_buf_template(b, r,
			" {id|?}: {title}</h4><p class=\"small\"><span class=\"tag\">{level}</span>"
			"<span class=\"tag\">{status}</span><span class=\"tag\">evidence: "
			"{evidence}</span>",
			pf_buf_html);
	pf_html_refs(b, r);
	if (strcmp(pf_jstr(r, "observed", out), out))
		pf_buf_template(b, r,
				" <span class=\"muted\">(observed {observed}, capped by the "
				"requirement's level)</span>",
				pf_buf_html);
	pf_buf_puts(
		b,
		"</p><table><thead><tr><th>Device</th><th>Check / reason</th><th>Spec section</th>"
		"<th>Spec label</th><th>Probe message</th></tr></thead><tbody>");
	reason_rows(b, r, out);
	pf_buf_puts(b, "</tbody></table>");
}

void pf_html_failures(struct pf_html *h)
{
	struct pf_buf *b = h->b;
	const json_t *p, *r;
	size_t i, j;
	bool any = false;

	pf_buf_puts(b,
		    "<section id=\"failures\"><h2>Failed, incomplete and warned requirements</h2>");
	json_array_foreach (json_object_get(h->results, "profiles"), i, p) {
		unsigned n = 0, ninfo = 0;
		json_array_foreach (json_object_get(p, "requirements"), j, r) {
			const char *o = pf_jstr(r, "outcome", "");
			bool bad = !strcmp(o, "fail") || !strcmp(o, "incomplete") ||
				   !strcmp(o, "warn");
			bool mand = !strcmp(pf_jstr(r, "status", ""), "mandatory");
			n += bad && mand;
			ninfo += bad && !mand;
		}
		if (!n && !ninfo)
			continue;
		any = true;
		pf_html_profile_heading(b, p);
		if (h->print) {
			/* the PDF: one row per requirement; why is in the
			 * table of checks not passed, once per check */
			pf_html_requirement_rows(b, p);
			continue;
		}
		/* failures first, then incomplete, then warnings */
		static const char *const order[] = { "fail", "incomplete", "warn" };
		for (int k = 0; k < 3; k++)
			json_array_foreach (json_object_get(p, "requirements"), j, r)
				if (!strcmp(pf_jstr(r, "status", ""), "mandatory") &&
				    !strcmp(pf_jstr(r, "outcome", ""), order[k]))
					requirement_block(b, r);
		if (ninfo) {
			pf_buf_printf(
				b,
				"<details%s><summary>%u informational requirement(s) not passed "
				"(never change the verdict)</summary>",
				pf_html_details_open(h), ninfo);
			for (int k = 0; k < 3; k++)
				json_array_foreach (json_object_get(p, "requirements"), j, r)
					if (strcmp(pf_jstr(r, "status", ""), "mandatory") &&
					    !strcmp(pf_jstr(r, "outcome", ""), order[k]))
						requirement_block(b, r);
			pf_buf_puts(b, "</details>");
		}
	}
	if (!any)
		pf_buf_puts(b, "<p>No requirement of a scored profile failed, was incomplete or "
			       "warned.</p>");
	pf_buf_puts(b, "</section>\n");
}

void pf_html_findings(struct pf_html *h)
{
	struct pf_buf *b = h->b;
	const json_t *fs = json_object_get(h->results, "findings"), *f;
	size_t i;

	pf_buf_puts(b, "<section id=\"findings\"><h2>Findings</h2>");
	if (!pf_buf_table_head(b, fs,
			       "<table><thead><tr><th>Kind</th><th>Check</th><th>Device</th>"
			       "<th class=\"num\">Step</th><th>Message</th></tr></thead><tbody>",
			       "<p>No crash, hang, timeout or protocol finding.</p></section>\n"))
		return;
	json_array_foreach (fs, i, f) {
		pf_buf_puts(b, "<tr class=\"row-fail\"><td>");
		pf_html_badge(b, pf_jstr(f, "kind", "?"));
		pf_buf_template(
			b, f,
			"</td><td><code>{test|-}</code></td><td class=\"mono\">{device|-}</td>"
			"<td class=\"num\">{#step}</td><td>{message}</td></tr>",
			pf_buf_html);
	}
	pf_buf_puts(b, "</tbody></table></section>\n");
}

void pf_html_waivers(struct pf_html *h)
{
	struct pf_buf *b = h->b;
	const json_t *w = json_object_get(h->results, "waivers"), *r, *e;
	size_t i;
	unsigned n = 0, other = 0;

	pf_buf_puts(b, "<section id=\"waivers\"><h2>Waivers and known failures</h2>");
	if (!w) {
		pf_buf_puts(b, "<p>No known-failure or waiver file was applied to this "
			       "run.</p></section>\n");
		return;
	}
	pf_buf_template(b, w, "<p class=\"small\">Evaluated as of {date|?}", pf_buf_html);
	pf_buf_puts(b, ". A <b>waiver</b> accepts a deviation (scored as a warning); a <b>known "
		       "failure</b> only "
		       "keeps CI green (still a failure here); <b>xpass</b> means a known failure "
		       "passed and its "
		       "entry is stale; <b>expired</b> entries no longer apply.</p>");
	if (h->print) /* each check not passed names its entry already */
		goto entries;
	pf_buf_puts(
		b,
		"<h3>Applied to check results</h3><table><thead><tr><th>Device</th><th>Check</th>"
		"<th>Probe verdict</th><th>Reported "
		"as</th><th>Entry</th><th>Reason</th><th>Issue</th>"
		"<th>Expires</th><th>Approved by</th></tr></thead><tbody>");
	json_array_foreach (json_object_get(h->results, "results"), i, r) {
		const json_t *wv = json_object_get(r, "waiver");
		const json_t *ex = json_object_get(r, "waiver_expired");
		const json_t *src = wv ? wv : ex;
		if (!src)
			continue;
		n++;
		pf_html_result_row(b, r);
		pf_buf_puts(b, "<td>");
		pf_html_badge(b, pf_jstr(r, "probe_verdict", pf_jstr(r, "verdict", "?")));
		pf_buf_puts(b, "</td><td>");
		pf_html_badge(b, pf_jstr(r, "verdict", "?"));
		if (!wv)
			pf_buf_puts(b, " <span class=\"tag unverified\">entry expired</span>");
		pf_buf_template(b, src,
				"</td><td>{kind} <b>{id}</b></td><td>{reason}</td><td "
				"class=\"mono\">{issue}</td><td>{expires}</td><td>{approved_by|-}</"
				"td></tr>",
				pf_buf_html);
	}
	if (!n)
		pf_html_empty_row(b, 9, "No entry matched a check result.");
	pf_buf_puts(b, "</tbody></table>");
entries:
	pf_buf_puts(
		b, "<h3>Entries</h3><table><thead><tr><th>Entry</th><th>Kind</th>"
		   "<th>Hypervisor</th><th>Check</th><th>Status</th><th class=\"num\">Applied</th>"
		   "<th class=\"num\">xpass</th><th>Expires</th><th>File</th></tr></thead><tbody>");
	json_array_foreach (json_object_get(w, "entries"), i, e) {
		const char *st = pf_jstr(e, "status", "?");
		if (!strcmp(st, "other-hypervisor")) {
			other++;
			continue;
		}
		pf_buf_printf(b, "<tr%s>",
			      !strcmp(st, "expired") || !strcmp(st, "stale") ? " class=\"row-warn\""
									     : "");
		pf_buf_template(
			b, e,
			"<td><b>{id|?}</b></td><td>{kind}</td><td>{hypervisor} {version}</td>"
			"<td><code>{test}</code></td><td>{status|?}</td><td "
			"class=\"num\">{#applied}</td><td class=\"num\">{#xpass}</td>"
			"<td>{expires}</td><td class=\"mono small\">{file}:{#line}</td></tr>",
			pf_buf_html);
		/* the PDF gives each entry's reason once, here */
		if (h->print && pf_jstr(e, "reason", NULL))
			pf_buf_template(
				b, e,
				"<tr><td></td><td colspan=\"8\" class=\"small\">{reason} <span "
				"class=\"mono\">{issue}</span></td></tr>",
				pf_buf_html);
	}
	pf_buf_puts(b, "</tbody></table>");
	if (other)
		pf_buf_printf(b,
			      "<p class=\"small muted\">%u entr%s for other hypervisors or "
			      "versions not shown.</p>",
			      other, other == 1 ? "y" : "ies");
	pf_buf_puts(b, "</section>\n");
}

static void device_inventory(struct pf_buf *b, const json_t *d)
{
	const json_t *q, *bit;
	size_t i;

	pf_buf_template(
		b, d,
		"<dl class=\"kv\"><dt>Transport</dt><dd>{transport|?} at <span "
		"class=\"mono\">{address|?}</span></dd><dt>Interface</dt><dd>{mode|?} "
		"(version/revision {#version})</dd><dt>Device id / vendor</dt><dd>{#device_id} "
		"/ <span class=\"mono\">{vendor_id|-}</span></dd><dt>Features offered</dt><dd>"
		"<span class=\"mono\">{features|?}</span> bits ",
		pf_buf_html);
	json_array_foreach (json_object_get(d, "feature_bits"), i, bit)
		pf_buf_printf(b, "%s%lld", i ? ", " : "", json_integer_value(bit));
	pf_buf_puts(b, "</dd><dt>Virtqueues</dt><dd>");
	json_array_foreach (json_object_get(d, "queues"), i, q)
		pf_buf_printf(b, "%s#%lld: %lld", i ? ", " : "",
			      json_integer_value(json_object_get(q, "index")),
			      json_integer_value(json_object_get(q, "max_size")));
	pf_buf_puts(b, "</dd></dl>");
}

void pf_html_devices(struct pf_html *h)
{
	struct pf_buf *b = h->b;
	const json_t *d, *r, *p, *pd;
	size_t i, j, k;

	pf_buf_puts(b, "<section id=\"devices\"><h2>Devices and checks</h2>");
	json_array_foreach (json_object_get(h->results, "devices"), i, d) {
		const char *id = pf_jstr(d, "id", "?");
		pf_buf_puts(b, "<h3>");
		pf_html_device_name(b, d);
		pf_buf_puts(b, "</h3><p>");
		json_array_foreach (json_object_get(h->results, "profiles"), j, p)
			json_array_foreach (json_object_get(p, "devices"), k, pd)
				if (!strcmp(pf_jstr(pd, "device", ""), id)) {
					pf_buf_template(b, p, "<span class=\"tag\">{id|?}</span>",
							pf_buf_html);
					pf_html_badge(b, pf_jstr(pd, "verdict", "?"));
					pf_buf_puts(b, " ");
				}
		pf_buf_puts(b, "</p>");
		device_inventory(b, d);
		pf_buf_puts(b, "<details "
			       "open><summary>Checks</summary><table><thead><tr><th>Check</"
			       "th><th>Level</th>"
			       "<th>Class</th><th>Verdict</th><th>Spec section</th><th>Spec "
			       "label</th><th>Message</th>"
			       "<th class=\"num\">Time (ms)</th></tr></thead><tbody>");
		json_array_foreach (json_object_get(h->results, "results"), j, r) {
			if (strcmp(pf_jstr(r, "device", ""), id))
				continue;
			enum pf_rv v = pf_rv_parse(pf_jstr(r, "verdict", NULL));
			const char *cls = v == PF_RV_FAIL || v == PF_RV_XFAIL || v == PF_RV_CRASH ||
							  v == PF_RV_WEDGED || v == PF_RV_TIMEOUT ||
							  v == PF_RV_XPASS
						  ? " class=\"row-fail\""
					  : v == PF_RV_WARN || v == PF_RV_WAIVED
						  ? " class=\"row-warn\""
					  : v == PF_RV_ERROR ? " class=\"row-error\""
							     : "";
			pf_buf_printf(b, "<tr%s>", cls);
			pf_buf_template(
				b, r,
				"<td><code>{test|?}</code><br><span class=\"small "
				"muted\">{title}</span></td><td>{level}</td><td>{class}</td><td>",
				pf_buf_html);
			pf_html_badge(b, pf_rv_name(v));
			pf_buf_puts(b, "</td><td>");
			pf_html_result_claims(b, r);
			pf_buf_printf(b, "</td><td class=\"num\">%.3f</td></tr>",
				      pf_result_seconds(r) * 1000);
		}
		pf_buf_puts(b, "</tbody></table></details>");
	}
	pf_buf_puts(b, "</section>\n");
}

void pf_html_requirements(struct pf_html *h)
{
	struct pf_buf *b = h->b;
	const json_t *p, *r, *dv;
	size_t i, j, k;

	pf_buf_puts(b, "<section id=\"requirements\"><h2>All requirements per profile</h2>");
	json_array_foreach (json_object_get(h->results, "profiles"), i, p) {
		pf_buf_printf(b, "<details%s><summary>", pf_html_details_open(h));
		pf_buf_template(b, p, "{id|?} {version}: {title}", pf_buf_html);
		pf_buf_printf(b, " (%zu requirements)</summary>",
			      json_array_size(json_object_get(p, "requirements")));
		pf_buf_template(b, p, "<p class=\"small\">{description}", pf_buf_html);
		pf_buf_puts(b, "</p><table><thead><tr><th>Requirement</th><th>Level / "
			       "status</th><th>References</th>"
			       "<th>Outcome</th><th>Devices</th><th class=\"num\">Statements "
			       "exercised</th></tr></thead><tbody>");
		json_array_foreach (json_object_get(p, "requirements"), j, r) {
			pf_buf_template(
				b, r,
				"<tr><td><b>{id|?}</b> {title}</td><td>{level} / {status}<br><span "
				"class=\"small muted\">evidence: {evidence}</span></td><td>",
				pf_buf_html);
			pf_html_refs(b, r);
			pf_buf_puts(b, "</td><td>");
			pf_html_badge(b, pf_jstr(r, "outcome", "?"));
			pf_buf_puts(b, "</td><td class=\"small\">");
			json_array_foreach (json_object_get(r, "devices"), k, dv) {
				pf_buf_puts(b, k ? "<br>" : "");
				pf_buf_template(b, dv, "{device|?}: {outcome|?}", pf_buf_html);
			}
			pf_buf_template(b, r,
					"</td><td class=\"num\">{#statements_exercised}</td></tr>",
					pf_buf_html);
		}
		pf_buf_puts(b, "</tbody></table></details>");
	}
	pf_buf_puts(b, "</section>\n");
}

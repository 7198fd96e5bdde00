/* SPDX-License-Identifier: MIT */
/*
 * The self-contained compliance report (report.html) for OEM procurement:
 * verdict per profile, what failed with spec section, label and the probe's
 * message, waivers and known failures applied, device inventory and every
 * check, and the environment needed to reproduce the run (probe version and
 * image SHA-256, runner version, target, hypervisor version, date).
 * No script, no external asset: CSS and SVG are inline, and a
 * Content-Security-Policy forbids loading anything.
 */
#include <stdio.h>
#include <string.h>

#include "reports/report_html.h"
#include "reports/report_fields.h"
#include "reports/report_write.h"

void pf_html_badge(struct pf_buf *b, const char *name)
{
	pf_buf_puts(b, "<span class=\"badge v-");
	pf_buf_html(b, name);
	pf_buf_puts(b, "\">");
	pf_buf_html(b, name);
	pf_buf_puts(b, "</span>");
}

void pf_html_join(struct pf_buf *b, const json_t *arr, const char *sep)
{
	size_t i;
	const json_t *v;

	json_array_foreach (arr, i, v) {
		if (i)
			pf_buf_puts(b, sep);
		pf_buf_html(b, json_string_value(v));
	}
}

void pf_html_claims(struct pf_buf *b, const json_t *r, const char *sep)
{
	const json_t *partial = json_object_get(r, "partial_reqs");
	const json_t *reqs = json_object_get(r, "reqs");
	size_t i;
	const json_t *v;

	json_array_foreach (json_object_get(r, "labels"), i, v) {
		const char *why = json_string_value(
			json_object_get(partial, json_string_value(json_array_get(reqs, i)) ?: ""));

		if (i)
			pf_buf_puts(b, sep);
		pf_buf_html(b, json_string_value(v));
		if (why) {
			char words[160];
			size_t n;

			/* reason keys are words joined by '-' */
			for (n = 0; why[n] && n + 1 < sizeof(words); n++)
				words[n] = why[n] == '-' ? ' ' : why[n];
			words[n] = 0;
			pf_buf_puts(b, " <span class=\"muted\" title=\"");
			pf_buf_html(b, words);
			pf_buf_puts(b, "\">(partial)</span>");
		}
	}
}

void pf_html_refs(struct pf_buf *b, const json_t *req)
{
	size_t i;
	const json_t *r;

	json_array_foreach (json_object_get(req, "refs"), i, r) {
		const char *grade = pf_jstr(r, "grade", NULL);
		bool unv = grade && (!strcmp(grade, "D") || !strcmp(grade, "R"));
		pf_buf_printf(b, "<span class=\"tag%s\" title=\"", unv ? " unverified" : "");
		pf_buf_html(b, pf_jstr(r, "title", pf_jstr(r, "doc", "")));
		if (pf_jstr(r, "note", NULL))
			pf_buf_template(b, r, ": {note}", pf_buf_html);
		pf_buf_template(b, r, "\">{doc|?} §{section|?}", pf_buf_html);
		if (grade)
			pf_buf_template(b, r, " [{grade}]", pf_buf_html);
		pf_buf_puts(b, "</span>");
	}
	if (json_is_true(json_object_get(req, "wording_unverified")))
		pf_buf_puts(b, "<span class=\"tag unverified\" title=\"The cited source's wording "
			       "was not verified "
			       "against the published document (evidence grade D or R)\">wording "
			       "unverified</span>");
}

const char *pf_html_details_open(const struct pf_html *h)
{
	return h->print ? " open" : "";
}

void pf_html_named(struct pf_buf *b, const json_t *o, const char *second)
{
	pf_buf_template(b, o, "<b>{id|?}</b> ", pf_buf_html);
	pf_buf_html(b, pf_jstr(o, second, ""));
}

void pf_html_level_status(struct pf_buf *b, const json_t *r, const char *sep)
{
	pf_buf_html(b, pf_jstr(r, "level", ""));
	pf_buf_puts(b, sep);
	pf_buf_html(b, pf_jstr(r, "status", ""));
}

void pf_html_profile_heading(struct pf_buf *b, const json_t *p)
{
	pf_buf_template(b, p, "<h3>{id|?} {version} ", pf_buf_html);
	pf_html_badge(b, pf_jstr(p, "verdict", "?"));
	pf_buf_puts(b, "</h3>");
}

void pf_html_result_row(struct pf_buf *b, const json_t *r)
{
	pf_buf_template(b, r,
			"<tr><td class=\"mono\">{device|-}</td><td><code>{test|?}</code></td>",
			pf_buf_html);
}

void pf_html_verdicts(struct pf_buf *b, const json_t *r)
{
	pf_html_badge(b, pf_jstr(r, "verdict", "?"));
	if (pf_jstr(r, "probe_verdict", NULL))
		pf_buf_template(b, r, " <span class=\"small muted\">probe: {probe_verdict}</span>",
				pf_buf_html);
}

void pf_html_device_name(struct pf_buf *b, const json_t *d)
{
	pf_buf_template(b, d, "{type|?} <span class=\"mono\">{id|?}</span>", pf_buf_html);
}

void pf_html_result_claims(struct pf_buf *b, const json_t *r)
{
	char text[1024];

	pf_html_join(b, json_object_get(r, "sections"), ", ");
	pf_buf_puts(b, "</td><td class=\"small\">");
	pf_html_claims(b, r, "<br>");
	pf_buf_puts(b, "</td><td>");
	pf_buf_html(b, pf_result_failure_text(r, text, sizeof(text)));
}

void pf_html_empty_row(struct pf_buf *b, int colspan, const char *text)
{
	pf_buf_printf(b, "<tr><td colspan=\"%d\" class=\"muted\">", colspan);
	pf_buf_html(b, text);
	pf_buf_puts(b, "</td></tr>");
}

static void card(struct pf_buf *b, const char *k, const char *v)
{
	pf_buf_puts(b, "<div class=\"card\"><div class=\"k\">");
	pf_buf_html(b, k);
	pf_buf_puts(b, "</div><div class=\"v\">");
	pf_buf_html(b, v);
	pf_buf_puts(b, "</div></div>");
}

static void summary(struct pf_html *h)
{
	struct pf_buf *b = h->b;
	const json_t *res = h->results, *d;
	unsigned c[PF_RV_COUNT];
	struct pf_svg_slice sl[PF_RV_COUNT];
	char num[64];
	const char *overall = pf_overall_verdict(res);
	size_t i, ndev = json_array_size(json_object_get(res, "devices"));

	pf_buf_puts(b, "<section id=\"summary\"><h2>Summary</h2>");
	pf_buf_printf(b, "<div class=\"verdict-banner v-%s\">Overall: ", overall);
	pf_buf_html(b, overall);
	pf_buf_puts(b, "<span class=\"small\" style=\"font-weight:400\"> &#8212; the run after "
		       "known failures; "
		       "each profile has its own verdict below</span></div>");
	{
		json_t *why = pf_overall_reasons(res), *w;

		if (json_array_size(why)) {
			pf_buf_puts(b, "<ul class=\"reasons\">");
			json_array_foreach (why, i, w) {
				pf_buf_puts(b, "<li>");
				pf_buf_html(b, json_string_value(w));
				pf_buf_puts(b, "</li>");
			}
			pf_buf_puts(b, "</ul>");
		}
		json_decref(why);
	}
	pf_buf_puts(b, "<div class=\"cards\">");
	pf_results_counts(res, c);
	{
		unsigned tested = 0;

		for (int k = 0; k < PF_RV_COUNT; k++)
			tested += pf_rv_is_tested((enum pf_rv)k) ? c[k] : 0;
		snprintf(num, sizeof(num), "%u", tested);
		card(b, "tested", num);
		snprintf(num, sizeof(num), "%u", c[PF_RV_SKIP]);
		card(b, "skipped", num);
		snprintf(num, sizeof(num), "%u", c[PF_RV_NA]);
		card(b, "not applicable", num);
	}
	snprintf(num, sizeof(num), "%zu", ndev);
	card(b, "devices", num);
	snprintf(num, sizeof(num), "%zu", json_array_size(json_object_get(res, "results")));
	card(b, "check results", num);
	snprintf(num, sizeof(num), "%u",
		 c[PF_RV_FAIL] + c[PF_RV_XFAIL] + c[PF_RV_CRASH] + c[PF_RV_WEDGED] +
			 c[PF_RV_TIMEOUT]);
	card(b, "failed (incl. known)", num);
	snprintf(num, sizeof(num), "%u", c[PF_RV_WAIVED]);
	card(b, "waived", num);
	snprintf(num, sizeof(num), "%zu", json_array_size(json_object_get(res, "findings")));
	card(b, "findings", num);
	snprintf(num, sizeof(num), "%zu", json_array_size(json_object_get(res, "profiles")));
	card(b, "profiles scored", num);
	pf_buf_puts(b, "</div><div class=\"charts\"><figure>");
	for (int k = 0; k < PF_RV_COUNT; k++)
		sl[k] = (struct pf_svg_slice){ pf_rv_name((enum pf_rv)k), c[k] };
	snprintf(num, sizeof(num), "%zu", json_array_size(json_object_get(res, "results")));
	pf_svg_donut(b, "Check results by verdict", sl, PF_RV_COUNT, num);
	pf_buf_puts(b, "<figcaption>Check results by verdict (after known failures and "
		       "waivers)</figcaption></figure>");
	/* per-device stacked bars */
	struct pf_svg_row rows[64];
	struct pf_svg_slice ds[64][PF_RV_COUNT];
	char labels[64][96];
	size_t nr = 0;
	json_array_foreach (json_object_get(res, "devices"), i, d) {
		if (nr == 64)
			break;
		unsigned dc[PF_RV_COUNT];
		pf_device_counts(res, pf_jstr(d, "id", ""), dc);
		for (int k = 0; k < PF_RV_COUNT; k++)
			ds[nr][k] = (struct pf_svg_slice){ pf_rv_name((enum pf_rv)k), dc[k] };
		snprintf(labels[nr], sizeof(labels[nr]), "%s %s", pf_jstr(d, "type", "?"),
			 pf_jstr(d, "id", "?"));
		rows[nr] = (struct pf_svg_row){ labels[nr], ds[nr] };
		nr++;
	}
	if (nr) {
		pf_buf_puts(b, "<figure>");
		pf_svg_bars(b, "Check results per device", rows, nr, PF_RV_COUNT);
		pf_buf_puts(b, "<figcaption>Check results per device</figcaption></figure>");
	}
	pf_buf_puts(b, "</div></section>\n");
}

static void profiles(struct pf_html *h)
{
	struct pf_buf *b = h->b;
	const json_t *ps = json_object_get(h->results, "profiles"), *p;
	static const char *const outs[] = { "pass", "warn", "fail", "incomplete",
					    "not-applicable" };
	struct pf_svg_row rows[32];
	struct pf_svg_slice sl[32][5];
	size_t i, nr = 0;

	pf_buf_puts(b, "<section id=\"profiles\"><h2>Verdict per profile</h2>");
	if (!pf_buf_table_head(
		    b, ps,
		    "<table><thead><tr><th>Profile</th><th>Version</th><th>Base spec</th>"
		    "<th>Verdict</th><th class=\"num\">Mandatory pass</th>"
		    "<th class=\"num\">warn</th><th class=\"num\">fail</th><th "
		    "class=\"num\">incomplete</th>"
		    "<th class=\"num\">n/a</th><th class=\"num\">Informational not passed</th>"
		    "<th class=\"num\">Statements exercised</th></tr></thead><tbody>",
		    "<p class=\"muted\">No profile was scored for this run.</p></section>\n"))
		return;
	json_array_foreach (ps, i, p) {
		const json_t *cnt = json_object_get(p, "counts"),
			     *mo = json_object_get(cnt, "mandatory_outcomes");
		const json_t *io = json_object_get(cnt, "informational_outcomes");
		long long info_bad = json_integer_value(json_object_get(io, "fail")) +
				     json_integer_value(json_object_get(io, "warn")) +
				     json_integer_value(json_object_get(io, "incomplete"));
		pf_buf_template(
			b, p,
			"<tr><td><b>{id|?}</b><br><span class=\"small muted\">{title}</span>"
			"</td><td>{version|?} <span class=\"tag\">{maturity}</span></td><td>"
			"{spec.name|?} {spec.version|?} {spec.edition}</td><td>",
			pf_buf_html);
		pf_html_badge(b, pf_jstr(p, "verdict", "?"));
		for (int k = 0; k < 5; k++)
			pf_buf_printf(b, "<td class=\"num\">%lld</td>",
				      json_integer_value(json_object_get(mo, outs[k])));
		pf_buf_printf(b, "<td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>",
			      info_bad,
			      json_integer_value(json_object_get(p, "statements_exercised")));
		if (nr < 32) {
			for (int k = 0; k < 5; k++)
				sl[nr][k] = (struct pf_svg_slice){
					outs[k],
					(unsigned)json_integer_value(json_object_get(mo, outs[k]))
				};
			rows[nr] = (struct pf_svg_row){ pf_jstr(p, "id", "?"), sl[nr] };
			nr++;
		}
	}
	pf_buf_puts(b, "</tbody></table><div class=\"charts\"><figure>");
	pf_svg_bars(b, "Mandatory requirement outcomes per profile", rows, nr, 5);
	pf_buf_puts(
		b,
		"<figcaption>Mandatory requirement outcomes per profile</figcaption></figure></div>"
		"<p class=\"small muted\">Verdicts: <b>non-conformant</b> = a mandatory "
		"requirement failed "
		"(a MUST check failed, crashed, wedged or timed out, or a required device or "
		"feature is "
		"missing); <b>incomplete</b> = a mandatory requirement could not be evaluated (not "
		"tested, "
		"probe error, run aborted); <b>conformant-with-warnings</b> = SHOULD-level or "
		"waived "
		"deviations only. Known failures (xfail) count as failures; waivers are listed "
		"below. "
		"Informational requirements are reported but never change a "
		"verdict.</p></section>\n");
}

static void kv(struct pf_buf *b, const char *k, const char *v, bool mono)
{
	pf_buf_puts(b, "<dt>");
	pf_buf_html(b, k);
	pf_buf_puts(b, mono ? "</dt><dd class=\"mono\">" : "</dt><dd>");
	pf_buf_html(b, v ? v : "-");
	pf_buf_puts(b, "</dd>");
}

static void environment(struct pf_html *h)
{
	struct pf_buf *b = h->b;
	const json_t *run = json_object_get(h->results, "run"),
		     *probe = json_object_get(run, "probe");
	const json_t *tool = json_object_get(h->results, "tool"),
		     *exit = json_object_get(run, "exit"), *a;
	char buf[256];
	size_t i;

	pf_buf_puts(b, "<section id=\"environment\"><h2>Environment and reproduction</h2><dl "
		       "class=\"kv\">");
	kv(b, "Target", pf_jstr(run, "target", NULL), false);
	kv(b, "Target file", pf_jstr(run, "target_file", NULL), true);
	kv(b, "Hypervisor", pf_hypervisor_label(h->results, buf, sizeof(buf)), false);
	snprintf(buf, sizeof(buf), "%s %s", pf_jstr(tool, "name", "plugfest"),
		 pf_jstr(tool, "version", "?"));
	kv(b, "Kit version (runner)", buf, false);
	kv(b, "Results schema", pf_jstr(h->results, "schema", NULL), false);
	snprintf(buf, sizeof(buf), "%s (%s)", pf_jstr(probe, "version", "?"),
		 pf_jstr(probe, "arch", "?"));
	kv(b, "Probe version", buf, false);
	kv(b, "Probe image", pf_jstr(probe, "image", NULL), true);
	kv(b, "Probe image SHA-256", pf_jstr(probe, "image_sha256", NULL), true);
	/* the run's own nonce: ties this report to its console log */
	kv(b, "Nonce", pf_jstr(run, "nonce", NULL), true);
	kv(b, "Started", pf_jstr(run, "started", NULL), false);
	kv(b, "Finished", pf_jstr(run, "finished", NULL), false);
	snprintf(buf, sizeof(buf), "%.2f s, %lld boot(s)",
		 json_number_value(json_object_get(run, "duration_s")),
		 json_integer_value(json_object_get(run, "boots")));
	kv(b, "Duration", buf, false);
	snprintf(buf, sizeof(buf), "%s, code %s, signal %s", pf_jstr(exit, "how", "?"),
		 json_is_integer(json_object_get(exit, "code")) ? "set" : "none",
		 json_is_integer(json_object_get(exit, "signal")) ? "set" : "none");
	if (json_is_integer(json_object_get(exit, "code")) ||
	    json_is_integer(json_object_get(exit, "signal")))
		snprintf(buf, sizeof(buf), "%s, code %lld, signal %lld", pf_jstr(exit, "how", "?"),
			 json_integer_value(json_object_get(exit, "code")),
			 json_integer_value(json_object_get(exit, "signal")));
	kv(b, "Hypervisor exit", buf, false);
	pf_buf_puts(b, "<dt>Command line</dt><dd class=\"mono\">");
	json_array_foreach (json_object_get(run, "argv"), i, a) {
		pf_buf_puts(b, i ? " " : "");
		pf_buf_html(b, json_string_value(a));
	}
	pf_buf_puts(b, "</dd>");
	const json_t *ps = json_object_get(h->results, "profiles"), *p;
	json_array_foreach (ps, i, p) {
		snprintf(buf, sizeof(buf), "Profile %s %s (SHA-256)", pf_jstr(p, "id", "?"),
			 pf_jstr(p, "version", ""));
		kv(b, buf, pf_jstr(p, "sha256", NULL), true);
	}
	const json_t *wf;
	json_array_foreach (json_object_get(json_object_get(h->results, "waivers"), "files"), i,
			    wf) {
		snprintf(buf, sizeof(buf), "Waiver file %s (SHA-256)", pf_jstr(wf, "file", "?"));
		kv(b, buf, pf_jstr(wf, "sha256", NULL), true);
	}
	pf_buf_puts(b, "</dl></section>\n");
}

static void footer(struct pf_html *h)
{
	struct pf_buf *b = h->b;
	const json_t *ps = json_object_get(h->results, "profiles"), *p, *q;
	const json_t *tool = json_object_get(h->results, "tool");
	size_t i, j;

	pf_buf_template(b, tool, "<footer><p>Generated by {name|plugfest} {version}", pf_buf_html);
	pf_buf_puts(b, " (Virtio Plug-fest Kit). Spec statement ids, sections and labels refer to "
		       "the kit's "
		       "paraphrased fact base of VIRTIO 1.4 cs01 normative statements.</p>");
	json_array_foreach (ps, i, p) {
		const char *att = pf_jstr(p, "attribution", NULL);
		bool dup = false;
		json_array_foreach (ps, j, q)
			if (j < i && att && pf_jstr(q, "attribution", NULL) &&
			    !strcmp(att, pf_jstr(q, "attribution", "")))
				dup = true;
		if (!att || dup)
			continue;
		pf_buf_puts(b, "<p>");
		pf_buf_html(b, att);
		pf_buf_puts(b, "</p>");
	}
	pf_buf_puts(b, "</footer>\n");
}

void pf_report_html_render_ex(const json_t *results, struct pf_buf *b, bool print)
{
	struct pf_html h = { .b = b, .results = results, .print = print };
	const json_t *run = json_object_get(results, "run");
	char hv[160];

	pf_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		       "style-src 'unsafe-inline'\"><title>Virtio conformance report: ");
	pf_buf_html(b, pf_jstr(run, "target", "?"));
	pf_buf_puts(b, " on ");
	pf_buf_html(b, pf_hypervisor_label(results, hv, sizeof(hv)));
	pf_buf_puts(b, "</title><style>");
	pf_buf_puts(b, pf_report_css);
	pf_buf_puts(b, "</style></head><body><header class=\"top\"><h1>Virtio conformance "
		       "report</h1><div class=\"sub\">");
	pf_buf_template(b, run, "{target|?} &#8212; ", pf_buf_html);
	pf_buf_html(b, hv);
	pf_buf_template(b, run, " &#8212; {started}", pf_buf_html);
	pf_buf_puts(
		b, "</div></header><nav class=\"toc\"><a href=\"#summary\">Summary</a><a "
		   "href=\"#profiles\">Profiles</a>"
		   "<a href=\"#failures\">Failed requirements</a><a href=\"#findings\">Findings</a>"
		   "<a href=\"#waivers\">Waivers</a><a href=\"#devices\">Devices</a>"
		   "<a href=\"#requirements\">All requirements</a><a "
		   "href=\"#environment\">Environment</a></nav><main>");
	summary(&h);
	profiles(&h);
	if (print) {
		/* the PDF: what failed once, and counts per device; every
		 * check and requirement stays in report.html and results.json */
		pf_html_failures(&h);
		pf_html_failed_checks(&h);
		pf_html_findings(&h);
		pf_html_waivers(&h);
		pf_html_device_summary(&h);
	} else {
		pf_html_failures(&h);
		pf_html_findings(&h);
		pf_html_waivers(&h);
		pf_html_devices(&h);
		pf_html_requirements(&h);
	}
	environment(&h);
	pf_buf_puts(b, "</main>");
	footer(&h);
	pf_buf_puts(b, "</body></html>\n");
}

void pf_report_html_render(const json_t *results, struct pf_buf *out)
{
	pf_report_html_render_ex(results, out, false);
}

int pf_report_html(const json_t *results, const char *path, struct pf_error *err)
{
	struct pf_buf b;
	int rc;

	pf_buf_init(&b);
	pf_report_html_render(results, &b);
	rc = pf_buf_write_file(&b, path, err);
	pf_buf_free(&b);
	return rc;
}

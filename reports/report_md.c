/* SPDX-License-Identifier: MIT */
/*
 * Markdown summary (report.md): what a CI job summary or a merge request
 * comment shows. Short on purpose: verdicts, what failed and why, waivers,
 * environment. The full per-check record is in report.html / junit.xml.
 */
#include <stdio.h>
#include <string.h>

#include "reports/report_write.h"
#include "reports/report_fields.h"

static void md_env(struct pf_buf *b, const json_t *results)
{
	const json_t *run = json_object_get(results, "run");
	const json_t *tool = json_object_get(results, "tool");
	char hv[160];

	pf_buf_template(b, run, "## Environment\n\n| | |\n|---|---|\n| Target | {target|?}",
			pf_buf_md);
	pf_buf_puts(b, " |\n| Hypervisor | ");
	pf_buf_md(b, pf_hypervisor_label(results, hv, sizeof(hv)));
	pf_buf_template(b, tool, " |\n| Runner | {name|plugfest} {version|?}", pf_buf_md);
	pf_buf_template(
		b, run,
		" |\n| Probe | {probe.version|?} ({probe.arch|?}, image {probe.image|?})"
		" |\n| Probe image SHA-256 | {probe.image_sha256|?} |\n| Started | {started|?}",
		pf_buf_md);
	pf_buf_printf(b, " |\n| Duration | %.2f s |\n\n",
		      json_number_value(json_object_get(run, "duration_s")));
}

static void md_profiles(struct pf_buf *b, const json_t *results)
{
	const json_t *profiles = json_object_get(results, "profiles"), *p, *rs;
	size_t i, j;

	if (!pf_buf_table_head(
		    b, profiles,
		    "| Profile | Version | Spec | Verdict | Mandatory: pass / warn / fail / "
		    "incomplete / n/a |\n|---|---|---|---|---|\n",
		    "No profile was scored.\n\n"))
		return;
	json_array_foreach (profiles, i, p) {
		pf_buf_template(
			b, p,
			"| {id|?} | {version|?} | VIRTIO {spec.version|?} | **{verdict|?}** | "
			"{#counts.mandatory_outcomes.pass} / {#counts.mandatory_outcomes.warn} / "
			"{#counts.mandatory_outcomes.fail} / "
			"{#counts.mandatory_outcomes.incomplete} / "
			"{#counts.mandatory_outcomes.not-applicable} |\n",
			pf_buf_md);
	}
	pf_buf_puts(b, "\n");
	json_array_foreach (profiles, i, p) {
		size_t shown = 0, total = 0;
		json_array_foreach (json_object_get(p, "reasons"), j, rs)
			total += !strcmp(pf_jstr(rs, "status", "mandatory"), "mandatory");
		if (!total)
			continue;
		pf_buf_template(b, p, "### {id|?}: {verdict|?}\n\n", pf_buf_md);
		json_array_foreach (json_object_get(p, "reasons"), j, rs) {
			if (strcmp(pf_jstr(rs, "status", "mandatory"), "mandatory"))
				continue;
			if (shown++ == 30) {
				pf_buf_printf(b, "- ... and %zu more (see report.html)\n",
					      total - 30);
				break;
			}
			pf_buf_template(b, rs, "- **{outcome|?}** {requirement|run} {title}",
					pf_buf_md);
			if (pf_jstr(rs, "device", NULL))
				pf_buf_template(b, rs, " on {device}", pf_buf_md);
			pf_buf_template(b, rs, ": {why}", pf_buf_md);
			const json_t *sec = json_object_get(rs, "sections");
			if (json_array_size(sec)) {
				pf_buf_puts(b, " (VIRTIO §");
				pf_buf_md(b, json_string_value(json_array_get(sec, 0)));
				pf_buf_puts(b, ")");
			}
			pf_buf_puts(b, "\n");
		}
		pf_buf_puts(b, "\n");
	}
}

static void md_devices(struct pf_buf *b, const json_t *results)
{
	const json_t *d, *r;
	size_t i, j;

	pf_buf_puts(
		b,
		"## Devices\n\n| Device | Type | Transport | Mode | pass | fail | warn | skipped "
		"| not applicable | other |\n|---|---|---|---|---|---|---|---|---|---|\n");
	json_array_foreach (json_object_get(results, "devices"), i, d) {
		unsigned c[PF_RV_COUNT];
		const char *id = pf_jstr(d, "id", "");
		pf_device_counts(results, id, c);
		unsigned other = 0;
		for (int k = 0; k < PF_RV_COUNT; k++)
			if (k != PF_RV_PASS && k != PF_RV_FAIL && k != PF_RV_WARN &&
			    k != PF_RV_SKIP && k != PF_RV_NA)
				other += c[k];
		pf_buf_template(b, d, "| {id} | {type|?} | {transport|?} | {mode|?}", pf_buf_md);
		pf_buf_printf(b, " | %u | %u | %u | %u | %u | %u |\n", c[PF_RV_PASS], c[PF_RV_FAIL],
			      c[PF_RV_WARN], c[PF_RV_SKIP], c[PF_RV_NA], other);
	}
	pf_buf_puts(b, "\n### Checks not passed\n\n| Device | Check | Level | Verdict | Section | "
		       "Message |\n"
		       "|---|---|---|---|---|---|\n");
	json_array_foreach (json_object_get(results, "results"), j, r) {
		enum pf_rv v = pf_rv_parse(pf_jstr(r, "verdict", NULL));
		char text[1024];

		if (v == PF_RV_PASS || v == PF_RV_SKIP || v == PF_RV_NA)
			continue;
		pf_buf_template(b, r, "| {device|run} | {test|?} | {level}", pf_buf_md);
		pf_buf_puts(b, " | **");
		pf_buf_md(b, pf_rv_name(v));
		pf_buf_puts(b, "** | ");
		pf_buf_md(b, json_string_value(json_array_get(json_object_get(r, "sections"), 0)));
		/* the check exercises that statement only in part */
		if (json_object_get(json_object_get(r, "partial_reqs"),
				    json_string_value(json_array_get(json_object_get(r, "reqs"), 0))
					    ?: ""))
			pf_buf_puts(b, " (partial)");
		pf_buf_puts(b, " | ");
		pf_buf_md(b, pf_result_failure_text(r, text, sizeof(text)));
		pf_buf_puts(b, " |\n");
	}
	pf_buf_puts(b, "\n");
}

static void md_waivers(struct pf_buf *b, const json_t *results)
{
	const json_t *w = json_object_get(results, "waivers"), *e;
	size_t i;

	if (!w)
		return;
	pf_buf_template(b, w, "## Known failures and waivers\n\nEvaluated as of {date|?}",
			pf_buf_md);
	pf_buf_puts(b,
		    ".\n\n| Entry | Kind | Check | Status | Applied | Expires | Issue | Reason |\n"
		    "|---|---|---|---|---|---|---|---|\n");
	json_array_foreach (json_object_get(w, "entries"), i, e) {
		if (!strcmp(pf_jstr(e, "status", ""), "other-hypervisor"))
			continue;
		pf_buf_template(
			b, e,
			"| {id|?} | {kind|?} | {test|?} | {status|?} | {#applied} | {expires|?} "
			"| {issue} | {reason} |\n",
			pf_buf_md);
	}
	pf_buf_puts(b, "\n");
}

/* Why the headline is what it is, and how much was actually tested. */
static void md_headline(struct pf_buf *b, const json_t *results, const unsigned *c)
{
	json_t *why = pf_overall_reasons(results), *w;
	unsigned tested = 0;
	size_t i;

	for (int k = 0; k < PF_RV_COUNT; k++)
		tested += pf_rv_is_tested((enum pf_rv)k) ? c[k] : 0;
	pf_buf_printf(b, "Tested %u; skipped %u; not applicable %u.\n\n", tested, c[PF_RV_SKIP],
		      c[PF_RV_NA]);
	json_array_foreach (why, i, w) {
		pf_buf_puts(b, "- ");
		pf_buf_md(b, json_string_value(w));
		pf_buf_puts(b, "\n");
	}
	if (json_array_size(why))
		pf_buf_puts(b, "\n");
	json_decref(why);
}

int pf_report_md(const json_t *results, const char *path, struct pf_error *err)
{
	struct pf_buf b;
	const json_t *f;
	size_t i;
	unsigned c[PF_RV_COUNT];
	char hv[160];
	int rc;

	pf_buf_init(&b);
	pf_buf_puts(&b, "# Virtio conformance: ");
	pf_buf_md(&b, pf_jstr(json_object_get(results, "run"), "target", "?"));
	pf_buf_puts(&b, " on ");
	pf_buf_md(&b, pf_hypervisor_label(results, hv, sizeof(hv)));
	pf_buf_puts(&b, "\n\n**Overall: ");
	pf_buf_md(&b, pf_overall_verdict(results));
	pf_results_counts(results, c);
	pf_buf_printf(&b, "**, %zu devices, %zu check results:",
		      json_array_size(json_object_get(results, "devices")),
		      json_array_size(json_object_get(results, "results")));
	for (int k = 0; k < PF_RV_COUNT; k++)
		if (c[k])
			pf_buf_printf(&b, " %s %u", pf_rv_name((enum pf_rv)k), c[k]);
	pf_buf_puts(&b, ".\n\n");
	md_headline(&b, results, c);
	pf_buf_puts(&b, "## Profiles\n\n");
	md_profiles(&b, results);
	if (json_array_size(json_object_get(results, "findings"))) {
		pf_buf_puts(&b, "## Findings\n\n");
		json_array_foreach (json_object_get(results, "findings"), i, f) {
			pf_buf_template(&b, f, "- **{kind|?}**", pf_buf_md);
			if (pf_jstr(f, "test", NULL))
				pf_buf_template(&b, f, " in {test} on {device|?}", pf_buf_md);
			pf_buf_template(&b, f, ": {message}\n", pf_buf_md);
		}
		pf_buf_puts(&b, "\n");
	}
	md_devices(&b, results);
	md_waivers(&b, results);
	md_env(&b, results);
	rc = pf_buf_write_file(&b, path, err);
	pf_buf_free(&b);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * The results document: each result enriched from the catalogue and the
 * spec fact base at render time, the run object, and the summary (the
 * headline verdict and counts).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/results_internal.h"
#include "pf/catalogue.h"
#include "policy/score.h"
#include "util/json.h"

/* Always present in summary.counts, so consumers need no existence checks. */
static const char *const verdicts[] = { "pass",	 "fail",   "warn",   "skip",	"na",
					"error", "crash",  "wedged", "timeout", "xfail",
					"xpass", "waived", NULL };

/* ---- rendering ------------------------------------------------------ */

/* reqs from the catalogue's space-separated list. */
static json_t *split_reqs(const char *s)
{
	json_t *a = json_array();
	char word[128];

	while (a && s && pf_catalogue_next_req(&s, word, sizeof(word))) {
		if (json_array_append_new(a, json_string(word))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* {statement id: reason} of the check's partial claims (see catalogue.h) */
static json_t *partial_reqs(const char *s)
{
	json_t *o = json_object();
	char word[128], reason[128];
	int k;

	while (o && s &&
	       (k = pf_catalogue_next_claim(&s, word, sizeof(word), reason, sizeof(reason))) !=
		       PF_CLAIM_END) {
		if (k == PF_CLAIM_PARTIAL && json_object_set_new(o, word, json_string(reason))) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* Internal result -> schema form, with catalogue and spec facts. */
static json_t *render_result(const json_t *in, const struct pf_spec *spec)
{
	int ci = pf_catalogue_find(pf_json_string_get(in, "test", ""));
	const struct pf_check_info *c = ci >= 0 ? &pf_catalogue[ci] : NULL;
	json_t *o = json_object(), *reqs, *labels, *sections, *v;
	const char *level = pf_json_string_get(in, "level", NULL);
	int rc = 0;
	size_t i;

	if (!o)
		return NULL;
	if (!level && c)
		level = pf_level_name(c->level);
	reqs = json_is_array(json_object_get(in, "reqs"))
		       ? json_deep_copy(json_object_get(in, "reqs"))
		       : split_reqs(c ? c->reqs : NULL);
	labels = json_array();
	sections = json_array();
	json_array_foreach (reqs, i, v) {
		const struct pf_spec_entry *e = pf_spec_find(spec, json_string_value(v));

		rc |= json_array_append_new(labels, pf_results_str_or_null(e ? e->label : NULL));
		rc |= json_array_append_new(sections,
					    pf_results_str_or_null(e ? e->section : NULL));
	}
	rc |= pf_results_copy_member(o, "test", in, "test");
	rc |= pf_results_copy_member(o, "device", in, "device");
	rc |= pf_results_copy_member(o, "step", in, "step");
	rc |= pf_results_copy_member(o, "verdict", in, "verdict");
	rc |= json_object_set_new(o, "level", pf_results_str_or_null(level));
	rc |= json_object_set_new(o, "class",
				  pf_results_str_or_null(c ? pf_class_name(c->cls) : NULL));
	rc |= json_object_set_new(o, "area", pf_results_str_or_null(c ? c->area : NULL));
	rc |= json_object_set_new(o, "title", pf_results_str_or_null(c ? c->title : NULL));
	rc |= json_object_set_new(o, "reqs", reqs);
	rc |= json_object_set_new(o, "partial_reqs", partial_reqs(c ? c->reqs : NULL));
	rc |= json_object_set_new(o, "labels", labels);
	rc |= json_object_set_new(o, "sections", sections);
	rc |= json_object_set_new(o, "message",
				  json_deep_copy(json_object_get(in, "message")
							 ? json_object_get(in, "message")
							 : json_null()));
	rc |= json_object_set_new(o, "duration_us",
				  json_deep_copy(json_object_get(in, "duration_us")
							 ? json_object_get(in, "duration_us")
							 : json_null()));
	rc |= pf_results_copy_member(o, "sub", in, "sub");
	rc |= pf_results_copy_member(o, "subs", in, "subs");
	rc |= pf_results_copy_member(o, "subs_more", in, "subs_more");
	rc |= pf_results_copy_member(o, "boot", in, "boot");
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *render_run(const struct pf_results *r)
{
	json_t *run = r->run ? json_deep_copy(r->run) : json_object();
	json_t *probe;
	int rc = 0;

	if (!run)
		return NULL;
	probe = json_object_get(run, "probe");
	if (!json_is_object(probe)) {
		probe = json_object();
		rc |= json_object_set_new(run, "probe", probe);
	}
	if (r->hello) {
		rc |= pf_results_copy_member(probe, "version", r->hello, "probe");
		rc |= pf_results_copy_member(probe, "arch", r->hello, "arch");
		rc |= pf_results_copy_member(probe, "image", r->hello, "image");
		rc |= pf_results_copy_member(probe, "load_address", r->hello, "load_address");
		rc |= pf_results_copy_member(probe, "options", r->hello, "options");
	}
	rc |= json_object_set_new(run, "boots", json_integer(r->boots));
	rc |= json_object_set_new(run, "end", r->end ? json_deep_copy(r->end) : json_null());
	if (r->open)
		rc |= json_object_set_new(run, "in_flight",
					  json_pack("{s:O, s:O, s:O}", "test",
						    json_object_get(r->open, "test"), "device",
						    json_object_get(r->open, "dev"), "step",
						    json_object_get(r->open, "step")));
	if (rc) {
		json_decref(run);
		return NULL;
	}
	return run;
}

json_t *pf_results_to_json(const struct pf_results *r, const struct pf_spec *spec)
{
	json_t *doc, *results, *v;
	size_t i;
	int rc = 0;

	if (!r)
		return NULL;
	doc = json_object();
	results = json_array();
	if (!doc || !results) {
		json_decref(doc);
		json_decref(results);
		return NULL;
	}
	json_array_foreach (r->results, i, v)
		rc |= json_array_append_new(results, render_result(v, spec));
	rc |= json_object_set_new(doc, "schema", json_string(PF_RESULTS_SCHEMA));
	rc |= json_object_set_new(
		doc, "tool",
		json_pack("{s:s, s:s}", "name", "plugfest", "version", PF_RESULTS_TOOL_VERSION));
	rc |= json_object_set_new(doc, "run", render_run(r));
	rc |= json_object_set_new(doc, "devices", json_deep_copy(r->devices));
	rc |= json_object_set_new(doc, "results", results);
	rc |= json_object_set_new(doc, "findings", json_deep_copy(r->findings));
	rc |= json_object_set_new(doc, "diagnostics", json_deep_copy(r->diags));
	rc |= json_object_set_new(doc, "metrics", json_deep_copy(r->metrics));
	rc |= json_object_set_new(doc, "logs", json_deep_copy(r->logs));
	if (!rc)
		rc |= json_object_set_new(doc, "summary", pf_results_summarize(doc));
	if (rc) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* ---- summary -------------------------------------------------------- */

json_t *pf_results_summarize(const json_t *doc)
{
	const json_t *results = json_object_get(doc, "results");
	const json_t *findings = json_object_get(doc, "findings");
	json_t *counts = json_object(), *reasons = json_array(), *v, *sum;
	size_t i, must_failed = 0, tested = 0;
	int verdict, rc = 0;

	if (!json_is_object(doc) || !counts || !reasons)
		goto fail;
	for (i = 0; verdicts[i]; i++)
		rc |= json_object_set_new(counts, verdicts[i], json_integer(0));
	json_array_foreach (results, i, v) {
		const char *vd = pf_json_string_get(v, "verdict", NULL),
			   *lv = pf_json_string_get(v, "level", NULL);
		json_int_t n;

		if (!vd)
			continue;
		n = json_integer_value(json_object_get(counts, vd));
		rc |= json_object_set_new(counts, vd, json_integer(n + 1));
		tested += pf_rv_is_tested(pf_rv_parse(vd));
		if (!strcmp(vd, "fail") && (!lv || !strcmp(lv, "must")))
			must_failed++;
	}
	/* the headline verdict and its reasons are defined in score.c */
	verdict = pf_headline_eval(doc, reasons);
	if (verdict < 0)
		goto fail;
	sum = json_pack("{s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "verdict",
			pf_headline_name((enum pf_headline)verdict), "counts", counts, "tested",
			(json_int_t)tested, "devices",
			(json_int_t)json_array_size(json_object_get(doc, "devices")), "checks",
			(json_int_t)json_array_size(results), "must_failed",
			(json_int_t)must_failed, "findings", (json_int_t)json_array_size(findings),
			"diagnostics",
			(json_int_t)json_array_size(json_object_get(doc, "diagnostics")), "reasons",
			reasons);
	if (rc) {
		json_decref(sum);
		return NULL;
	}
	return sum;
fail:
	json_decref(counts);
	json_decref(reasons);
	return NULL;
}

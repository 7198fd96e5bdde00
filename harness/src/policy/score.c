/* SPDX-License-Identifier: MIT */
/* Profile scoring: verdict names, results accessors and the aggregation of
 * requirement outcomes into device and profile verdicts. The rules are
 * summarised in score.h and documented in docs/reports.md. */
#define _GNU_SOURCE
#include "policy/score_impl.h"
#include "util/json.h"
#include "util/names.h"

#include <stdlib.h>
#include <string.h>

static const char *const rv_names[PF_RV_COUNT] = {
	"pass",	   "fail",  "warn",  "skip",   "error", "crash",   "wedged",
	"timeout", "xfail", "xpass", "waived", "na",	"unknown",
};

enum pf_rv pf_rv_parse(const char *s)
{
	/* "unknown" itself parses as unknown, like any other word */
	int i = pf_name_index(rv_names, PF_RV_UNKNOWN, s);

	return i < 0 ? PF_RV_UNKNOWN : (enum pf_rv)i;
}

const char *pf_rv_name(enum pf_rv v)
{
	return pf_name_of(rv_names, PF_RV_COUNT, (int)v, "unknown");
}

bool pf_rv_is_failing(enum pf_rv v)
{
	return v == PF_RV_FAIL || v == PF_RV_WARN || v == PF_RV_ERROR || v == PF_RV_CRASH ||
	       v == PF_RV_WEDGED || v == PF_RV_TIMEOUT;
}

bool pf_rv_is_tested(enum pf_rv v)
{
	return v != PF_RV_SKIP && v != PF_RV_NA && v != PF_RV_ERROR && v != PF_RV_UNKNOWN;
}

const char *pf_outcome_name(enum pf_outcome o)
{
	static const char *const n[] = { "not-applicable", "pass", "warn", "incomplete", "fail" };
	return pf_name_of(n, PF_NAMES_LEN(n), (int)o, "?");
}

static const char *const pv_names[] = {
	"conformant",
	"conformant-with-warnings",
	"incomplete",
	"non-conformant",
};

const char *pf_pverdict_name(enum pf_pverdict v)
{
	return pf_name_of(pv_names, PF_NAMES_LEN(pv_names), (int)v, "?");
}

int pf_pverdict_parse(const char *s)
{
	return pf_name_index(pv_names, PF_NAMES_LEN(pv_names), s);
}

/* ---- results accessors ----------------------------------------------- */

const json_t *pf_results_device(const json_t *results, const char *dev_id)
{
	size_t i;
	const json_t *d;

	if (!dev_id)
		return NULL;
	json_array_foreach (json_object_get(results, "devices"), i, d) {
		const char *id = pf_json_string_get(d, "id", NULL);
		if (id && !strcmp(id, dev_id))
			return d;
	}
	return NULL;
}

bool pf_device_offers(const json_t *dev, int bit)
{
	const json_t *bits = json_object_get(dev, "feature_bits"), *b;
	size_t i;

	if (json_is_array(bits)) {
		json_array_foreach (bits, i, b)
			if (json_integer_value(b) == bit)
				return true;
		return false;
	}
	/* fall back to the 64-bit hex string */
	const char *hex = pf_json_string_get(dev, "features", NULL);
	if (!hex || bit > 63)
		return false;
	return (strtoull(hex, NULL, 16) >> bit) & 1;
}

static const char *pv_name_i(int i)
{
	return i == 4 ? "not-applicable" : pf_pverdict_name((enum pf_pverdict)i);
}

static int outcome_to_pv(enum pf_outcome o)
{
	switch (o) {
	case PF_OUT_FAIL:
		return PF_PV_NON_CONFORMANT;
	case PF_OUT_INCOMPLETE:
		return PF_PV_INCOMPLETE;
	case PF_OUT_WARN:
		return PF_PV_WARNINGS;
	case PF_OUT_PASS:
		return PF_PV_CONFORMANT;
	default:
		return 4; /* not-applicable */
	}
}

/* Profile-level reasons: mandatory failures first, then incompletes, then
 * warnings; informational ones last, so a report can take the head. */
static void collect_reasons(json_t *reqs, json_t *out)
{
	static const char *const order[] = { "fail", "incomplete", "warn" };
	for (int pass = 0; pass < 2; pass++)
		for (int k = 0; k < 3; k++) {
			size_t i, j;
			json_t *r, *rs;
			json_array_foreach (reqs, i, r) {
				bool mand =
					!strcmp(pf_json_string_get(r, "status", NULL), "mandatory");
				if (mand != (pass == 0) ||
				    strcmp(pf_json_string_get(r, "outcome", NULL), order[k]))
					continue;
				json_array_foreach (json_object_get(r, "reasons"), j, rs) {
					json_t *c = json_copy(rs);
					json_object_set_new(c, "outcome", json_string(order[k]));
					json_object_set_new(
						c, "title",
						json_string(pf_json_string_get(r, "title", NULL)));
					json_array_append_new(out, c);
				}
			}
		}
}

static void collect_waivers(json_t *reasons, json_t *out)
{
	size_t i, j;
	json_t *rs, *w;

	json_array_foreach (reasons, i, rs) {
		json_t *wv = json_object_get(rs, "waiver");
		bool dup = false;
		if (!wv)
			continue;
		json_array_foreach (out, j, w)
			dup = dup ||
			      (json_equal(json_object_get(w, "waiver"), wv) &&
			       json_equal(json_object_get(w, "device"),
					  json_object_get(rs, "device")) &&
			       json_equal(json_object_get(w, "test"), json_object_get(rs, "test")));
		if (!dup)
			json_array_append_new(
				out, json_pack("{s:O?, s:O?, s:O?, s:O}", "test",
					       json_object_get(rs, "test"), "device",
					       json_object_get(rs, "device"), "verdict",
					       json_object_get(rs, "verdict"), "waiver", wv));
	}
}

json_t *pf_score_profile(const json_t *results, const struct pf_profile *p, struct pf_error *err)
{
	const json_t *devices = json_object_get(results, "devices");
	size_t ndev = json_array_size(devices), i;
	enum pf_outcome *dev_out, *dev_worst;
	unsigned mand[5] = { 0 }, info[5] = { 0 }, *dcounts;
	json_t *reqs, *stmts, *dj, *d;
	int verdict;

	if (!json_is_object(results) || !json_is_array(json_object_get(results, "results")) ||
	    (json_object_get(results, "devices") && !json_is_array(devices))) {
		pf_error_fill(err, "results", 0, 0, NULL,
			      "not a plugfest-results document (need 'results' and 'devices' "
			      "arrays)");
		return NULL;
	}
	dev_out = calloc(ndev + 1, sizeof(*dev_out));
	dev_worst = calloc(ndev + 1, sizeof(*dev_worst));
	dcounts = calloc((ndev + 1) * 5, sizeof(*dcounts));
	reqs = json_array();
	stmts = json_object();
	if (!dev_out || !dev_worst || !dcounts || !reqs || !stmts) {
		pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
		free(dev_out);
		free(dev_worst);
		free(dcounts);
		json_decref(reqs);
		json_decref(stmts);
		return NULL;
	}
	for (size_t k = 0; k < p->nreqs; k++) {
		enum pf_outcome o;
		json_t *rj = pf_score_requirement(results, p, &p->reqs[k], dev_out, &o);
		json_object_update(stmts, json_object_get(rj, "_statements"));
		json_object_del(rj, "_statements");
		json_array_append_new(reqs, rj);
		if (p->reqs[k].status == PF_REQ_INFORMATIONAL) {
			info[o]++;
			continue;
		}
		mand[o]++;
		for (i = 0; i < ndev; i++) {
			dev_worst[i] = MAXO(dev_worst[i], dev_out[i]);
			dcounts[i * 5 + dev_out[i]]++;
		}
	}
	/* verdict over mandatory requirements */
	verdict = mand[PF_OUT_FAIL]	    ? PF_PV_NON_CONFORMANT
		  : mand[PF_OUT_INCOMPLETE] ? PF_PV_INCOMPLETE
		  : mand[PF_OUT_WARN]	    ? PF_PV_WARNINGS
		  : mand[PF_OUT_PASS]	    ? PF_PV_CONFORMANT
					    : PF_PV_INCOMPLETE;
	json_t *reasons = json_array();
	collect_reasons(reqs, reasons);
	if (!mand[PF_OUT_FAIL] && !mand[PF_OUT_INCOMPLETE] && !mand[PF_OUT_WARN] &&
	    !mand[PF_OUT_PASS])
		json_array_insert_new(
			reasons, 0,
			json_pack("{s:s, s:s, s:s}", "kind", "nothing-applicable", "outcome",
				  "incomplete", "why",
				  "no mandatory requirement of the profile applied to this run"));
	const char *run_verdict =
		pf_json_string_get(json_object_get(results, "summary"), "verdict", NULL);
	if (run_verdict && !strcmp(run_verdict, "incomplete") && verdict < PF_PV_INCOMPLETE) {
		verdict = PF_PV_INCOMPLETE;
		json_array_insert_new(reasons, 0,
				      json_pack("{s:s, s:s, s:s}", "kind", "run-incomplete",
						"outcome", "incomplete", "why",
						"the run did not complete (results summary verdict "
						"is incomplete)"));
	}
	dj = json_array();
	json_array_foreach (devices, i, d) {
		unsigned c[5];
		for (int k = 0; k < 5; k++)
			c[k] = dcounts[i * 5 + k];
		json_array_append_new(
			dj, json_pack("{s:s?, s:s?, s:s?, s:s, s:o}", "device",
				      pf_json_string_get(d, "id", NULL), "type",
				      pf_json_string_get(d, "type", NULL), "transport",
				      pf_json_string_get(d, "transport", NULL), "verdict",
				      pv_name_i(outcome_to_pv(dev_worst[i])), "requirements",
				      pf_score_counts_json(c, 5, pf_score_outcome_name_i)));
	}
	json_t *waivers = json_array();
	json_t *all_reasons = json_array();
	json_t *r;
	json_array_foreach (reqs, i, r)
		json_array_extend(all_reasons, json_object_get(r, "reasons"));
	collect_waivers(all_reasons, waivers);
	json_decref(all_reasons);
	json_t *docs = json_array();
	for (size_t k = 0; k < p->ndocs; k++)
		json_array_append_new(docs, json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "key",
						      p->docs[k].key, "title", p->docs[k].title,
						      "version", p->docs[k].version, "publisher",
						      p->docs[k].publisher, "url", p->docs[k].url,
						      "license", p->docs[k].license));
	json_t *out = json_pack(
		"{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s?}, s:s, s:s, s:s?, s:s?, s:o, s:s,"
		" s:{s:i, s:i, s:i, s:o, s:o}, s:i, s:o, s:o, s:o, s:o}",
		"id", p->id, "title", p->title, "version", p->version, "maturity", p->maturity,
		"spec", "name", p->spec_name, "version", p->spec_version, "edition",
		p->spec_edition, "file", p->file, "sha256", p->sha256, "attribution",
		p->attribution, "license", p->license, "references", docs, "verdict",
		pf_pverdict_name(verdict), "counts", "requirements", (int)p->nreqs, "mandatory",
		(int)(p->nreqs - (info[0] + info[1] + info[2] + info[3] + info[4])),
		"informational", (int)(info[0] + info[1] + info[2] + info[3] + info[4]),
		"mandatory_outcomes", pf_score_counts_json(mand, 5, pf_score_outcome_name_i),
		"informational_outcomes", pf_score_counts_json(info, 5, pf_score_outcome_name_i),
		"statements_exercised", (int)json_object_size(stmts), "reasons", reasons, "devices",
		dj, "requirements", reqs, "waivers", waivers);
	json_decref(stmts);
	free(dev_out);
	free(dev_worst);
	free(dcounts);
	if (!out)
		pf_error_fill(err, p->file, 0, 0, NULL,
			      "out of memory while building the score of profile %s", p->id);
	return out;
}

int pf_score_attach(json_t *results, struct pf_profile *const *profiles, size_t n,
		    struct pf_error *err)
{
	json_t *arr = json_array();

	if (!arr)
		return pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *s = pf_score_profile(results, profiles[i], err);
		if (!s) {
			json_decref(arr);
			return -1;
		}
		json_array_append_new(arr, s);
	}
	if (json_object_set_new(results, "profiles", arr))
		return pf_error_fill(err, "results", 0, 0, NULL, "not a JSON object");
	return 0;
}

int pf_score_worst(const json_t *results)
{
	const json_t *p;
	size_t i;
	int worst = -1;

	json_array_foreach (json_object_get(results, "profiles"), i, p) {
		int v = pf_pverdict_parse(pf_json_string_get(p, "verdict", NULL));
		worst = v > worst ? v : worst;
	}
	return worst;
}

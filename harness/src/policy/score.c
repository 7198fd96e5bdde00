/* SPDX-License-Identifier: MIT */
/* Profile scoring; the rules are summarised in score.h and documented in
 * docs/reports.md. */
#define _GNU_SOURCE
#include "policy/score.h"

#include "cli/cli.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const rv_names[PF_RV_COUNT] = {
	"pass",	   "fail",  "warn",  "skip",   "error", "crash",   "wedged",
	"timeout", "xfail", "xpass", "waived", "na",	"unknown",
};

enum pf_rv pf_rv_parse(const char *s)
{
	for (int i = 0; s && i < PF_RV_UNKNOWN; i++)
		if (!strcmp(rv_names[i], s))
			return (enum pf_rv)i;
	return PF_RV_UNKNOWN;
}

const char *pf_rv_name(enum pf_rv v)
{
	return (unsigned)v < PF_RV_COUNT ? rv_names[v] : "unknown";
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
	return (unsigned)o < 5 ? n[o] : "?";
}

static const char *const pv_names[] = {
	"conformant",
	"conformant-with-warnings",
	"incomplete",
	"non-conformant",
};

const char *pf_pverdict_name(enum pf_pverdict v)
{
	return (unsigned)v < 4 ? pv_names[v] : "?";
}

int pf_pverdict_parse(const char *s)
{
	for (int i = 0; s && i < 4; i++)
		if (!strcmp(pv_names[i], s))
			return i;
	return -1;
}

/* ---- results accessors ----------------------------------------------- */

const char *pf_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

const json_t *pf_results_device(const json_t *results, const char *dev_id)
{
	size_t i;
	const json_t *d;

	if (!dev_id)
		return NULL;
	json_array_foreach (json_object_get(results, "devices"), i, d) {
		const char *id = pf_json_str(d, "id");
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
	const char *hex = pf_json_str(dev, "features");
	if (!hex || bit > 63)
		return false;
	return (strtoull(hex, NULL, 16) >> bit) & 1;
}

/* ---- evaluation ------------------------------------------------------ */

static enum pf_outcome rv_outcome(enum pf_rv v)
{
	switch (v) {
	case PF_RV_PASS:
	case PF_RV_XPASS:
		return PF_OUT_PASS;
	case PF_RV_FAIL:
	case PF_RV_XFAIL:
	case PF_RV_CRASH:
	case PF_RV_WEDGED:
	case PF_RV_TIMEOUT:
		return PF_OUT_FAIL;
	case PF_RV_WARN:
	case PF_RV_WAIVED:
		return PF_OUT_WARN;
	case PF_RV_SKIP:
	case PF_RV_NA:
		return PF_OUT_NA;
	default:
		return PF_OUT_INCOMPLETE;
	}
}

/* arguments are evaluated twice: pass plain variables only */
#define MAXO(a, b) ((a) > (b) ? (a) : (b))

static bool strv_has(const struct pf_strv *s, const char *v)
{
	for (size_t i = 0; v && i < s->n; i++)
		if (!strcmp(s->v[i], v))
			return true;
	return false;
}

static bool has_filters(const struct pf_requirement *r)
{
	return r->devices.n || r->transports.n || r->modes.n || r->app_features.n;
}

static bool dev_applies(const struct pf_requirement *r, const json_t *dev)
{
	if (r->devices.n && !strv_has(&r->devices, pf_json_str(dev, "type")))
		return false;
	if (r->transports.n && !strv_has(&r->transports, pf_json_str(dev, "transport")))
		return false;
	if (r->modes.n && !strv_has(&r->modes, pf_json_str(dev, "mode")))
		return false;
	for (size_t i = 0; i < r->app_features.n; i++)
		if (!pf_device_offers(dev, r->app_features.v[i].bit))
			return false;
	return true;
}

static char *strv_join(const struct pf_strv *s, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < s->n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", s->v[i]);
	return buf;
}

static void feat_name(const struct pf_feature_ref *f, char *buf, size_t len)
{
	if (f->name)
		snprintf(buf, len, "%s (bit %d)", f->name, f->bit);
	else
		snprintf(buf, len, "bit %d", f->bit);
}

/* A reason: why a requirement is not simply passed on a device. */
static json_t *reason(const struct pf_requirement *r, const json_t *dev, const char *kind,
		      const char *why)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s}", "requirement", r->id,
			 "status", pf_req_status_name(r->status), "level",
			 pf_req_level_name(r->level), "kind", kind, "device",
			 pf_json_str(dev, "id"), "type", pf_json_str(dev, "type"), "transport",
			 pf_json_str(dev, "transport"), "why", why);
}

static void add_result_detail(json_t *rs, const json_t *res)
{
	static const char *const keys[] = { "test",
					    "verdict",
					    "probe_verdict",
					    "title",
					    "message",
					    "labels",
					    "sections",
					    "reqs",
					    "partial_reqs",
					    "waiver",
					    "step",
					    "sub",
					    "waiver_not_covered",
					    NULL };
	for (const char *const *k = keys; *k; k++) {
		json_t *v = json_object_get(res, *k);
		if (v)
			json_object_set(rs, *k, v);
	}
}

struct eval {
	const json_t *results;
	const struct pf_requirement *r;
	json_t *reasons;    /* of this requirement */
	json_t *statements; /* object used as a set of exercised statement ids */
	unsigned counts[PF_RV_COUNT];
};

static bool result_matches(const struct pf_requirement *r, const json_t *res)
{
	const char *test = pf_json_str(res, "test"), *cls = pf_json_str(res, "class");
	const char *lvl = pf_json_str(res, "level");
	size_t i;
	const json_t *q;

	if (r->cls == PF_CLASS_ONLY_CONFORMANCE && cls && strcmp(cls, "conformance"))
		return false;
	if (r->cls == PF_CLASS_ONLY_ADVERSARIAL && (!cls || strcmp(cls, "adversarial")))
		return false;
	if (r->levels && lvl) {
		unsigned bit = !strcmp(lvl, "must")	? 1u << PF_REQ_MUST
			       : !strcmp(lvl, "should") ? 1u << PF_REQ_SHOULD
							: 1u << PF_REQ_MAY;
		if (!(r->levels & bit))
			return false;
	}
	for (size_t g = 0; test && g < r->checks.n; g++)
		if (!fnmatch(r->checks.v[g], test, 0))
			return true;
	json_array_foreach (json_object_get(res, "reqs"), i, q)
		if (strv_has(&r->statements, json_string_value(q)))
			return true;
	return false;
}

static enum pf_outcome eval_checks(struct eval *e, const json_t *dev, const char *dev_id)
{
	const struct pf_requirement *r = e->r;
	enum pf_outcome out = PF_OUT_NA;
	size_t i, matched = 0;
	const json_t *res;
	char why[600], a[300], b[300];

	json_array_foreach (json_object_get(e->results, "results"), i, res) {
		const char *rd = pf_json_str(res, "device");
		if (dev_id ? !rd || strcmp(rd, dev_id) : rd != NULL)
			continue;
		if (!result_matches(r, res))
			continue;
		matched++;
		enum pf_rv v = pf_rv_parse(pf_json_str(res, "verdict"));
		enum pf_outcome o = rv_outcome(v);
		e->counts[v]++;
		out = MAXO(out, o);
		if (o != PF_OUT_NA) {
			size_t k;
			const json_t *q;
			/* value: whether some check claims the statement fully */
			json_array_foreach (json_object_get(res, "reqs"), k, q) {
				const char *id = json_string_value(q);

				if (!id)
					continue;
				if (!json_object_get(json_object_get(res, "partial_reqs"), id))
					json_object_set_new(e->statements, id, json_true());
				else if (!json_object_get(e->statements, id))
					json_object_set_new(e->statements, id, json_false());
			}
		}
		if (o >= PF_OUT_WARN) {
			const char *kind = v == PF_RV_WAIVED  ? "waived"
					   : v == PF_RV_XFAIL ? "known-failure"
							      : "check";
			snprintf(why, sizeof(why), "check %s: %s%s%s",
				 pf_json_str(res, "test") ? pf_json_str(res, "test") : "?",
				 pf_rv_name(v), pf_json_str(res, "message") ? ": " : "",
				 pf_json_str(res, "message") ? pf_json_str(res, "message") : "");
			json_t *rs = reason(r, dev, kind, why);
			add_result_detail(rs, res);
			json_array_append_new(e->reasons, rs);
		}
	}
	if (!matched) {
		snprintf(why, sizeof(why), "not tested: no result of a check matching [%s]%s%s%s",
			 strv_join(&r->checks, a, sizeof(a)),
			 r->statements.n ? " or covering statements [" : "",
			 r->statements.n ? strv_join(&r->statements, b, sizeof(b)) : "",
			 r->statements.n ? "]" : "");
		json_array_append_new(e->reasons, reason(r, dev, "not-tested", why));
		out = PF_OUT_INCOMPLETE;
	}
	return out;
}

/* Outcome of requirement r on one device (dev NULL: run-level results). */
static enum pf_outcome eval_device(struct eval *e, const json_t *dev)
{
	const struct pf_requirement *r = e->r;
	enum pf_outcome out = r->presence_required ? PF_OUT_PASS : PF_OUT_NA;
	char why[400], nm[96];
	bool any = false;

	for (size_t i = 0; dev && i < r->features.n; i++) {
		feat_name(&r->features.v[i], nm, sizeof(nm));
		if (pf_device_offers(dev, r->features.v[i].bit)) {
			out = MAXO(out, PF_OUT_PASS);
			continue;
		}
		snprintf(why, sizeof(why), "feature %s is not offered", nm);
		json_array_append_new(e->reasons, reason(r, dev, "feature", why));
		out = PF_OUT_FAIL;
	}
	for (size_t i = 0; dev && i < r->features_any.n; i++)
		any = any || pf_device_offers(dev, r->features_any.v[i].bit);
	if (dev && r->features_any.n) {
		if (any) {
			out = MAXO(out, PF_OUT_PASS);
		} else {
			size_t l = (size_t)snprintf(why, sizeof(why), "none of the features ");
			for (size_t i = 0; i < r->features_any.n && l < sizeof(why); i++) {
				feat_name(&r->features_any.v[i], nm, sizeof(nm));
				l += (size_t)snprintf(why + l, sizeof(why) - l, "%s%s",
						      i ? ", " : "", nm);
			}
			if (l < sizeof(why))
				snprintf(why + l, sizeof(why) - l, " is offered");
			json_array_append_new(e->reasons, reason(r, dev, "feature", why));
			out = PF_OUT_FAIL;
		}
	}
	if (dev && r->sat_modes.n) {
		const char *mode = pf_json_str(dev, "mode");
		if (strv_has(&r->sat_modes, mode)) {
			out = MAXO(out, PF_OUT_PASS);
		} else {
			snprintf(why, sizeof(why), "device interface is %s, expected %s",
				 mode ? mode : "unknown", strv_join(&r->sat_modes, nm, sizeof(nm)));
			json_array_append_new(e->reasons, reason(r, dev, "mode", why));
			out = PF_OUT_FAIL;
		}
	}
	if (r->checks.n || r->statements.n) {
		enum pf_outcome c = eval_checks(e, dev, pf_json_str(dev, "id"));
		out = MAXO(out, c);
	}
	return out;
}

static json_t *counts_json(const unsigned *counts, size_t n, const char *(*name)(int))
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		if (counts[i])
			json_object_set_new(o, name((int)i), json_integer(counts[i]));
	return o;
}

static const char *rv_name_i(int i)
{
	return pf_rv_name((enum pf_rv)i);
}
static const char *out_name_i(int i)
{
	return pf_outcome_name((enum pf_outcome)i);
}

static json_t *refs_json(const struct pf_profile *p, const struct pf_requirement *r)
{
	json_t *a = json_array();
	for (size_t i = 0; i < r->ncites; i++) {
		const struct pf_cite *c = &r->cites[i];
		const char *title = NULL;
		for (size_t j = 0; j < p->ndocs; j++)
			if (!strcmp(p->docs[j].key, c->doc))
				title = p->docs[j].title;
		json_array_append_new(a, json_pack("{s:s, s:s?, s:s, s:s?, s:s?}", "doc", c->doc,
						   "title", title, "section", c->section, "grade",
						   c->grade, "note", c->note));
	}
	return a;
}

static json_t *features_json(const struct pf_featv *f)
{
	json_t *a = json_array();
	for (size_t i = 0; i < f->n; i++)
		json_array_append_new(
			a, json_pack("{s:i, s:s?}", "bit", f->v[i].bit, "name", f->v[i].name));
	return a;
}

/* Evaluates one requirement; dev_out[i] receives its outcome on device i
 * (NA when it does not apply). Returns the requirement's JSON. */
static json_t *eval_requirement(const json_t *results, const struct pf_profile *p,
				const struct pf_requirement *r, enum pf_outcome *dev_out,
				enum pf_outcome *outp)
{
	struct eval e = {
		.results = results, .r = r, .reasons = json_array(), .statements = json_object()
	};
	json_t *devs = json_array(), *devices = json_object_get(results, "devices"), *d;
	enum pf_outcome out = PF_OUT_NA;
	size_t i, applicable = 0;
	char why[400], a[200], b[200];

	json_array_foreach (devices, i, d) {
		dev_out[i] = PF_OUT_NA;
		if (!dev_applies(r, d))
			continue;
		applicable++;
		memset(e.counts, 0, sizeof(e.counts));
		size_t before = json_array_size(e.reasons);
		enum pf_outcome o = eval_device(&e, d);
		if (o == PF_OUT_FAIL && r->level != PF_REQ_MUST)
			o = PF_OUT_WARN;
		dev_out[i] = o;
		out = MAXO(out, o);
		json_array_append_new(
			devs,
			json_pack("{s:s?, s:s?, s:s?, s:s, s:o, s:i}", "device",
				  pf_json_str(d, "id"), "type", pf_json_str(d, "type"), "transport",
				  pf_json_str(d, "transport"), "outcome", pf_outcome_name(o),
				  "checks", counts_json(e.counts, PF_RV_COUNT, rv_name_i),
				  "reasons", (int)(json_array_size(e.reasons) - before)));
	}
	/* results not tied to a device count for requirements without filters */
	if (!has_filters(r) && (r->checks.n || r->statements.n)) {
		bool any = false;
		const json_t *res;
		json_array_foreach (json_object_get(results, "results"), i, res)
			any = any || !pf_json_str(res, "device");
		if (any) {
			memset(e.counts, 0, sizeof(e.counts));
			enum pf_outcome o = eval_device(&e, NULL);
			if (o == PF_OUT_FAIL && r->level != PF_REQ_MUST)
				o = PF_OUT_WARN;
			out = MAXO(out, o);
			applicable++;
		}
	}
	enum pf_outcome observed = out;
	if (!applicable && r->presence_required) {
		snprintf(why, sizeof(why), "no %s device offered%s%s",
			 strv_join(&r->devices, a, sizeof(a)),
			 r->transports.n ? " on transport " : "",
			 r->transports.n ? strv_join(&r->transports, b, sizeof(b)) : "");
		json_array_append_new(e.reasons, reason(r, NULL, "missing-device", why));
		observed = PF_OUT_FAIL;
		out = r->level == PF_REQ_MUST ? PF_OUT_FAIL : PF_OUT_WARN;
	}
	*outp = out;
	json_t *j = json_pack(
		"{s:s, s:s, s:s?, s:s, s:s, s:s, s:s?, s:b, s:o, s:s, s:b, s:s, s:o, s:o, s:i}",
		"id", r->id, "title", r->title, "description", r->description, "level",
		pf_req_level_name(r->level), "status", pf_req_status_name(r->status), "evidence",
		pf_evidence_name(r->evidence), "evidence_note", r->evidence_note,
		"wording_unverified", pf_requirement_wording_unverified(r), "refs", refs_json(p, r),
		"outcome", pf_outcome_name(out), "presence_required", r->presence_required,
		"observed", pf_outcome_name(observed), "devices", devs, "reasons", e.reasons,
		"statements_exercised", (int)json_object_size(e.statements));
	json_t *crit = json_object();
	if (r->checks.n || r->statements.n) {
		json_t *c = json_array(), *s = json_array();
		for (size_t k = 0; k < r->checks.n; k++)
			json_array_append_new(c, json_string(r->checks.v[k]));
		for (size_t k = 0; k < r->statements.n; k++)
			json_array_append_new(s, json_string(r->statements.v[k]));
		json_object_set_new(crit, "checks", c);
		json_object_set_new(crit, "statements", s);
	}
	if (r->features.n)
		json_object_set_new(crit, "features", features_json(&r->features));
	if (r->features_any.n)
		json_object_set_new(crit, "features_any", features_json(&r->features_any));
	json_object_set_new(j, "satisfied_by", crit);
	{
		/* statements only checks with a partial claim exercised */
		json_t *part = json_array(), *v;
		const char *id;

		json_object_foreach (e.statements, id, v)
			if (json_is_false(v))
				json_array_append_new(part, json_string(id));
		json_object_set_new(j, "statements_partial", part);
	}
	json_t *app = json_object();
	if (r->devices.n) {
		json_t *v = json_array();
		for (size_t k = 0; k < r->devices.n; k++)
			json_array_append_new(v, json_string(r->devices.v[k]));
		json_object_set_new(app, "device", v);
	}
	if (r->transports.n) {
		json_t *v = json_array();
		for (size_t k = 0; k < r->transports.n; k++)
			json_array_append_new(v, json_string(r->transports.v[k]));
		json_object_set_new(app, "transport", v);
	}
	json_object_set_new(j, "applies_to", app);
	/* the union of statements over requirements is counted by the caller */
	json_object_set_new(j, "_statements", e.statements);
	return j;
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
				bool mand = !strcmp(pf_json_str(r, "status"), "mandatory");
				if (mand != (pass == 0) ||
				    strcmp(pf_json_str(r, "outcome"), order[k]))
					continue;
				json_array_foreach (json_object_get(r, "reasons"), j, rs) {
					json_t *c = json_copy(rs);
					json_object_set_new(c, "outcome", json_string(order[k]));
					json_object_set_new(c, "title",
							    json_string(pf_json_str(r, "title")));
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

json_t *pf_score_profile(const json_t *results, const struct pf_profile *p, char *err,
			 size_t errlen)
{
	const json_t *devices = json_object_get(results, "devices");
	size_t ndev = json_array_size(devices), i;
	enum pf_outcome *dev_out, *dev_worst;
	unsigned mand[5] = { 0 }, info[5] = { 0 }, *dcounts;
	json_t *reqs, *stmts, *dj, *d;
	int verdict;

	if (!json_is_object(results) || !json_is_array(json_object_get(results, "results")) ||
	    (json_object_get(results, "devices") && !json_is_array(devices))) {
		snprintf(err, errlen,
			 "results: not a plugfest-results document (need 'results' and 'devices' "
			 "arrays)");
		return NULL;
	}
	dev_out = calloc(ndev + 1, sizeof(*dev_out));
	dev_worst = calloc(ndev + 1, sizeof(*dev_worst));
	dcounts = calloc((ndev + 1) * 5, sizeof(*dcounts));
	reqs = json_array();
	stmts = json_object();
	if (!dev_out || !dev_worst || !dcounts || !reqs || !stmts) {
		snprintf(err, errlen, "out of memory");
		free(dev_out);
		free(dev_worst);
		free(dcounts);
		json_decref(reqs);
		json_decref(stmts);
		return NULL;
	}
	for (size_t k = 0; k < p->nreqs; k++) {
		enum pf_outcome o;
		json_t *rj = eval_requirement(results, p, &p->reqs[k], dev_out, &o);
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
	const char *run_verdict = pf_json_str(json_object_get(results, "summary"), "verdict");
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
		json_array_append_new(dj, json_pack("{s:s?, s:s?, s:s?, s:s, s:o}", "device",
						    pf_json_str(d, "id"), "type",
						    pf_json_str(d, "type"), "transport",
						    pf_json_str(d, "transport"), "verdict",
						    pv_name_i(outcome_to_pv(dev_worst[i])),
						    "requirements", counts_json(c, 5, out_name_i)));
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
		"mandatory_outcomes", counts_json(mand, 5, out_name_i), "informational_outcomes",
		counts_json(info, 5, out_name_i), "statements_exercised",
		(int)json_object_size(stmts), "reasons", reasons, "devices", dj, "requirements",
		reqs, "waivers", waivers);
	json_decref(stmts);
	free(dev_out);
	free(dev_worst);
	free(dcounts);
	if (!out)
		snprintf(err, errlen, "out of memory while building the score of profile %s",
			 p->id);
	return out;
}

int pf_score_attach(json_t *results, struct pf_profile *const *profiles, size_t n, char *err,
		    size_t errlen)
{
	json_t *arr = json_array();

	if (!arr) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *s = pf_score_profile(results, profiles[i], err, errlen);
		if (!s) {
			json_decref(arr);
			return -1;
		}
		json_array_append_new(arr, s);
	}
	if (json_object_set_new(results, "profiles", arr)) {
		snprintf(err, errlen, "results is not a JSON object");
		return -1;
	}
	return 0;
}

int pf_score_worst(const json_t *results)
{
	const json_t *p;
	size_t i;
	int worst = -1;

	json_array_foreach (json_object_get(results, "profiles"), i, p) {
		int v = pf_pverdict_parse(pf_json_str(p, "verdict"));
		worst = v > worst ? v : worst;
	}
	return worst;
}

/* ---- the headline verdict ---------------------------------------------- */

static const char *const hl_names[PF_HL_COUNT] = {
	"conformant",
	"conformant-with-warnings",
	"conformant-with-known-failures",
	"non-conformant",
	"incomplete",
};

const char *pf_headline_name(enum pf_headline h)
{
	return (unsigned)h < PF_HL_COUNT ? hl_names[h] : "incomplete";
}

int pf_headline_parse(const char *s)
{
	for (int i = 0; s && i < PF_HL_COUNT; i++)
		if (!strcmp(hl_names[i], s))
			return i;
	return -1;
}

/* Findings that make a run non-conformant (unless waived). */
static bool fatal_finding(const json_t *f)
{
	static const char *const kinds[] = { "crash", "wedged", "timeout", "fault", NULL };
	const char *k = pf_json_str(f, "kind");

	if (!k || json_is_true(json_object_get(f, "waived")))
		return false;
	for (int i = 0; kinds[i]; i++)
		if (!strcmp(kinds[i], k))
			return true;
	return false;
}

static int add_why(json_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int add_why(json_t *a, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!a)
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return json_array_append_new(a, json_string(buf));
}

/* A whole number >= 0 from a JSON value, -1 when it is not one. */
static json_int_t min_count(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
}

/* Devices whose member key equals val. */
static json_int_t count_devices(const json_t *devs, const char *key, const char *val)
{
	json_int_t n = 0;
	size_t i;
	const json_t *d;

	json_array_foreach (devs, i, d) {
		const char *s = pf_json_str(d, key);
		n += s && !strcmp(s, val);
	}
	return n;
}

/* Reasons why the devices found fall short of run.expect (docs/targets.md). */
static int check_expect(const json_t *doc, json_t *why, bool *short_of)
{
	const json_t *devs = json_object_get(doc, "devices");
	const json_t *exp = json_object_get(json_object_get(doc, "run"), "expect");
	json_int_t ndev = (json_int_t)json_array_size(devs), want = 1;
	static const char *const groups[][2] = { { "transports", "transport" },
						 { "types", "type" } };
	int rc = 0;

	if (json_is_object(exp) && min_count(json_object_get(exp, "devices")) >= 0)
		want = min_count(json_object_get(exp, "devices"));
	if (ndev < want) {
		*short_of = true;
		if (!ndev)
			rc |= add_why(why,
				      "no virtio device found (the target expects at least %lld)",
				      (long long)want);
		else
			rc |= add_why(
				why,
				"%lld virtio device(s) found, the target expects at least %lld",
				(long long)ndev, (long long)want);
	}
	for (size_t g = 0; g < 2; g++) {
		const char *name;
		const json_t *v;

		json_object_foreach ((json_t *)json_object_get(exp, groups[g][0]), name, v) {
			json_int_t n = count_devices(devs, groups[g][1], name), w = min_count(v);

			if (w < 0 || n >= w)
				continue;
			*short_of = true;
			rc |= add_why(why,
				      "%lld %s device(s) found, the target expects at least %lld",
				      (long long)n, name, (long long)w);
		}
	}
	return rc;
}

int pf_headline_eval(const json_t *doc, json_t *reasons)
{
	const json_t *run = json_object_get(doc, "run"), *end = json_object_get(run, "end"), *v;
	json_t *why[PF_HL_COUNT] = { NULL };
	unsigned c[PF_RV_COUNT] = { 0 };
	size_t i, must_failed = 0, lesser_fail = 0, fatal = 0, tested = 0, nres;
	bool incomplete = false;
	int rc = 0, h;

	if (!json_is_object(doc))
		return -1;
	for (h = 0; reasons && h < PF_HL_COUNT; h++)
		if (!(why[h] = json_array()))
			rc = -1;
	nres = json_array_size(json_object_get(doc, "results"));
	json_array_foreach (json_object_get(doc, "results"), i, v) {
		enum pf_rv r = pf_rv_parse(pf_json_str(v, "verdict"));
		const char *lv = pf_json_str(v, "level");

		c[r]++;
		tested += pf_rv_is_tested(r);
		/* a fail at a lesser level (the check says so) only warns */
		if (r == PF_RV_FAIL && (!lv || !strcmp(lv, "must")))
			must_failed++;
		else if (r == PF_RV_FAIL)
			lesser_fail++;
	}
	json_array_foreach (json_object_get(doc, "findings"), i, v) {
		if (!fatal_finding(v))
			continue;
		fatal++;
		rc |= add_why(why[PF_HL_NON_CONFORMANT], "%s: %s", pf_json_str(v, "kind"),
			      pf_json_str(v, "message") ? pf_json_str(v, "message") : "");
	}

	/* incomplete: the run does not cover what it was meant to test */
	if (json_integer_value(json_object_get(run, "boots")) <= 0) {
		incomplete = true;
		rc |= add_why(why[PF_HL_INCOMPLETE], "no hello: the probe never reported");
	} else {
		if (!json_is_object(end)) {
			incomplete = true;
			rc |= add_why(why[PF_HL_INCOMPLETE], "the last boot sent no end record");
		} else if (!pf_json_str(end, "status") ||
			   strcmp(pf_json_str(end, "status"), "ok")) {
			incomplete = true;
			rc |= add_why(why[PF_HL_INCOMPLETE], "the probe ended with status %s",
				      pf_json_str(end, "status") ? pf_json_str(end, "status")
								 : "(none)");
		}
		rc |= check_expect(doc, why[PF_HL_INCOMPLETE], &incomplete);
		if (!tested) {
			incomplete = true;
			if (!nres)
				rc |= add_why(why[PF_HL_INCOMPLETE],
					      "nothing was tested: no check result");
			else
				rc |= add_why(
					why[PF_HL_INCOMPLETE],
					"nothing was tested: of %zu check result(s), %u skipped, "
					"%u not applicable, %u error",
					nres, c[PF_RV_SKIP], c[PF_RV_NA],
					c[PF_RV_ERROR] + c[PF_RV_UNKNOWN]);
		}
	}
	if (must_failed)
		rc |= add_why(why[PF_HL_NON_CONFORMANT], "%zu MUST-level failure(s)", must_failed);
	if (c[PF_RV_XFAIL])
		rc |= add_why(why[PF_HL_KNOWN_FAILURES],
			      "%u known failure(s) of this hypervisor version (xfail)",
			      c[PF_RV_XFAIL]);
	if (c[PF_RV_WARN] || lesser_fail)
		rc |= add_why(why[PF_HL_WARNINGS], "%zu SHOULD-level warning(s)",
			      (size_t)c[PF_RV_WARN] + lesser_fail);
	if (c[PF_RV_ERROR])
		rc |= add_why(why[PF_HL_WARNINGS], "%u check(s) could not be run (error)",
			      c[PF_RV_ERROR]);
	if (c[PF_RV_XPASS])
		rc |= add_why(why[PF_HL_WARNINGS], "%u known failure(s) now pass (xpass)",
			      c[PF_RV_XPASS]);
	if (c[PF_RV_WAIVED])
		rc |= add_why(why[PF_HL_WARNINGS], "%u waived deviation(s)", c[PF_RV_WAIVED]);

	h = incomplete		   ? PF_HL_INCOMPLETE
	    : must_failed || fatal ? PF_HL_NON_CONFORMANT
	    : c[PF_RV_XFAIL]	   ? PF_HL_KNOWN_FAILURES
	    : c[PF_RV_WARN] || lesser_fail || c[PF_RV_ERROR] || c[PF_RV_XPASS] || c[PF_RV_WAIVED]
		    ? PF_HL_WARNINGS
		    : PF_HL_CONFORMANT;
	/* the verdict's own rule first, then whatever else is worth knowing */
	if (reasons && !rc) {
		for (int k = h; k >= 0; k--)
			rc |= json_array_extend(reasons, why[k]);
		for (int k = PF_HL_COUNT - 1; k > h; k--)
			rc |= json_array_extend(reasons, why[k]);
	}
	for (int k = 0; k < PF_HL_COUNT; k++)
		json_decref(why[k]);
	return rc ? -1 : h;
}

enum pf_headline pf_headline(const json_t *doc)
{
	int h = pf_headline_eval(doc, NULL);

	return h < 0 ? PF_HL_INCOMPLETE : (enum pf_headline)h;
}

int pf_headline_exit_code(enum pf_headline h)
{
	switch (h) {
	case PF_HL_CONFORMANT:
	case PF_HL_WARNINGS:
	case PF_HL_KNOWN_FAILURES:
		return PF_EXIT_CONFORMANT;
	case PF_HL_NON_CONFORMANT:
		return PF_EXIT_NONCONFORMANT;
	default:
		return PF_EXIT_INFRA;
	}
}

int pf_gate_exit_code(const json_t *doc, const char *profile_id)
{
	const json_t *p;
	size_t i;

	json_array_foreach (json_object_get(doc, "profiles"), i, p) {
		const char *id = pf_json_str(p, "id");

		if (!id || !profile_id || strcmp(id, profile_id))
			continue;
		if (pf_headline(doc) == PF_HL_INCOMPLETE)
			return PF_EXIT_INFRA;
		switch (pf_pverdict_parse(pf_json_str(p, "verdict"))) {
		case PF_PV_CONFORMANT:
		case PF_PV_WARNINGS:
			return PF_EXIT_CONFORMANT;
		case PF_PV_NON_CONFORMANT:
			return PF_EXIT_NONCONFORMANT;
		default:
			return PF_EXIT_INFRA;
		}
	}
	return -1;
}

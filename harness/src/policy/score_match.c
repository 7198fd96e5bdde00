/* SPDX-License-Identifier: MIT */
/* Requirement matching: which devices a requirement applies to and what
 * the check results, features and modes say about each (score.h). */
#define _GNU_SOURCE
#include "policy/score_impl.h"
#include "util/json.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	if (r->devices.n && !strv_has(&r->devices, pf_json_string_get(dev, "type", NULL)))
		return false;
	if (r->transports.n &&
	    !strv_has(&r->transports, pf_json_string_get(dev, "transport", NULL)))
		return false;
	if (r->modes.n && !strv_has(&r->modes, pf_json_string_get(dev, "mode", NULL)))
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
			 pf_json_string_get(dev, "id", NULL), "type",
			 pf_json_string_get(dev, "type", NULL), "transport",
			 pf_json_string_get(dev, "transport", NULL), "why", why);
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
	const char *test = pf_json_string_get(res, "test", NULL),
		   *cls = pf_json_string_get(res, "class", NULL);
	const char *lvl = pf_json_string_get(res, "level", NULL);
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
		const char *rd = pf_json_string_get(res, "device", NULL);
		if (dev_id ? !rd || strcmp(rd, dev_id) : rd != NULL)
			continue;
		if (!result_matches(r, res))
			continue;
		matched++;
		enum pf_rv v = pf_rv_parse(pf_json_string_get(res, "verdict", NULL));
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
				 pf_json_string_get(res, "test", NULL)
					 ? pf_json_string_get(res, "test", NULL)
					 : "?",
				 pf_rv_name(v),
				 pf_json_string_get(res, "message", NULL) ? ": " : "",
				 pf_json_string_get(res, "message", NULL)
					 ? pf_json_string_get(res, "message", NULL)
					 : "");
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
		const char *mode = pf_json_string_get(dev, "mode", NULL);
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
		enum pf_outcome c = eval_checks(e, dev, pf_json_string_get(dev, "id", NULL));
		out = MAXO(out, c);
	}
	return out;
}

json_t *pf_score_counts_json(const unsigned *counts, size_t n, const char *(*name)(int))
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
const char *pf_score_outcome_name_i(int i)
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
json_t *pf_score_requirement(const json_t *results, const struct pf_profile *p,
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
			devs, json_pack("{s:s?, s:s?, s:s?, s:s, s:o, s:i}", "device",
					pf_json_string_get(d, "id", NULL), "type",
					pf_json_string_get(d, "type", NULL), "transport",
					pf_json_string_get(d, "transport", NULL), "outcome",
					pf_outcome_name(o), "checks",
					pf_score_counts_json(e.counts, PF_RV_COUNT, rv_name_i),
					"reasons", (int)(json_array_size(e.reasons) - before)));
	}
	/* results not tied to a device count for requirements without filters */
	if (!has_filters(r) && (r->checks.n || r->statements.n)) {
		bool any = false;
		const json_t *res;
		json_array_foreach (json_object_get(results, "results"), i, res)
			any = any || !pf_json_string_get(res, "device", NULL);
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

/* SPDX-License-Identifier: MIT */
#include "policy/coverage.h"

#include <stdbool.h>
#include <string.h>

#include "pf/catalogue.h"
#include "util/json.h"

const char *const pf_core_areas[] = { "basic", "split-ring", "packed-ring", "pci", "mmio", NULL };

/* Calls fn for each claim (statement id, full/partial, reason) of a
 * catalogue entry's reqs; a malformed qualifier is passed on as such. */
static void each_claim(const char *reqs,
		       void (*fn)(const char *id, int claim, const char *reason, void *ctx),
		       void *ctx)
{
	char word[128], reason[128];
	int k;

	while ((k = pf_catalogue_next_claim(&reqs, word, sizeof(word), reason, sizeof(reason))) !=
	       PF_CLAIM_END)
		fn(word, k, reason, ctx);
}

const char *pf_claim_name(int claim)
{
	return claim == PF_CLAIM_FULL	   ? "full"
	       : claim == PF_CLAIM_PARTIAL ? "partial"
					   : "malformed";
}

struct check_json_ctx {
	const struct pf_spec *spec;
	json_t *reqs, *labels, *sections, *unknown, *partial;
};

static void add_unique(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach (arr, i, v)
		if (!strcmp(json_string_value(v), s))
			return;
	json_array_append_new(arr, json_string(s));
}

static void check_req(const char *id, int claim, const char *reason, void *vctx)
{
	struct check_json_ctx *c = vctx;
	const struct pf_spec_entry *e = pf_spec_find(c->spec, id);

	json_array_append_new(c->reqs, json_string(id));
	if (claim != PF_CLAIM_FULL)
		json_object_set_new(
			c->partial, id,
			json_string(claim == PF_CLAIM_PARTIAL ? reason : "malformed claim"));
	if (!e) {
		json_array_append_new(c->unknown, json_string(id));
		return;
	}
	if (e->label)
		add_unique(c->labels, e->label);
	if (e->section)
		add_unique(c->sections, e->section);
}

json_t *pf_catalogue_to_json(const struct pf_spec *spec)
{
	json_t *arr = json_array();

	for (int i = 0; i < PF_CHK_COUNT; i++) {
		const struct pf_check_info *ci = &pf_catalogue[i];
		struct check_json_ctx c = { spec,	  json_array(), json_array(),
					    json_array(), json_array(), json_object() };
		json_t *o;

		each_claim(ci->reqs, check_req, &c);
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id", ci->id, "area",
			      ci->area, "level", pf_level_name(ci->level), "class",
			      pf_class_name(ci->cls), "title", ci->title, "reqs", c.reqs,
			      "partial_reqs", c.partial, "labels", c.labels, "sections",
			      c.sections);
		if (json_array_size(c.unknown))
			json_object_set_new(o, "unknown_reqs", c.unknown);
		else
			json_decref(c.unknown);
		json_array_append_new(arr, o);
	}
	return arr;
}

struct claims_ctx {
	const char *check;
	json_t *best;	/* statement id -> "full" or "partial" (the best claim) */
	json_t *claims; /* [{check, statement, claim, reason}] */
};

static void note_claim(const char *id, int claim, const char *reason, void *vctx)
{
	struct claims_ctx *c = vctx;
	const char *prev = pf_json_string_get(c->best, id, NULL);
	json_t *o = json_pack("{s:s, s:s, s:s}", "check", c->check, "statement", id, "claim",
			      pf_claim_name(claim));

	if (claim != PF_CLAIM_FULL)
		json_object_set_new(o, "reason",
				    json_string(claim == PF_CLAIM_PARTIAL ? reason : ""));
	json_array_append_new(c->claims, o);
	/* a malformed claim is no claim: the unit tests reject it */
	if (claim == PF_CLAIM_FULL)
		json_object_set_new(c->best, id, json_string("full"));
	else if (claim == PF_CLAIM_PARTIAL && !prev)
		json_object_set_new(c->best, id, json_string("partial"));
}

static bool is_must(const char *level)
{
	return level && (!strcmp(level, "must") || !strcmp(level, "must-not"));
}

static json_t *area_entry(json_t *areas, const char *area)
{
	size_t i;
	json_t *a;

	json_array_foreach (areas, i, a)
		if (!strcmp(pf_json_string_get(a, "area", NULL), area))
			return a;
	a = json_pack("{s:s, s:i, s:i, s:i, s:i, s:[], s:[]}", "area", area, "total", 0, "full", 0,
		      "partial", 0, "covered", 0, "partial_only", "uncovered");
	json_array_append_new(areas, a);
	return a;
}

static void bump(json_t *o, const char *key)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + 1));
}

static bool is_core(const char *area)
{
	for (int i = 0; pf_core_areas[i]; i++)
		if (!strcmp(area, pf_core_areas[i]))
			return true;
	return false;
}

static double percent(json_int_t covered, json_int_t total)
{
	return total ? 100.0 * (double)covered / (double)total : 100.0;
}

static json_int_t ival(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* What the partial claims on one statement leave out: "check: reason; ..." */
static json_t *partial_detail(const json_t *claims, const char *id)
{
	json_t *arr = json_array(), *v;
	size_t i;

	json_array_foreach (claims, i, v)
		if (!strcmp(pf_json_string_get(v, "statement", NULL), id))
			json_array_append_new(arr, json_pack("{s:s, s:s}", "check",
							     pf_json_string_get(v, "check", NULL),
							     "reason",
							     pf_json_string_get(v, "reason", "")));
	return arr;
}

json_t *pf_coverage_compute(const struct pf_spec *spec)
{
	json_t *best = json_object(), *claims = json_array(), *areas = json_array(),
	       *unknown = json_array();
	json_int_t core_total = 0, core_full = 0, core_partial = 0;
	size_t i;
	json_t *a;

	for (int c = 0; c < PF_CHK_COUNT; c++) {
		struct claims_ctx cc = { pf_catalogue[c].id, best, claims };

		each_claim(pf_catalogue[c].reqs, note_claim, &cc);
	}
	{
		const char *id;
		json_t *v;

		json_object_foreach (best, id, v)
			if (!pf_spec_find(spec, id))
				json_array_append_new(unknown, json_string(id));
	}
	/* Core areas first, in their fixed order, then the rest as met. */
	for (int k = 0; pf_core_areas[k]; k++)
		area_entry(areas, pf_core_areas[k]);
	for (size_t k = 0; k < pf_spec_count(spec); k++) {
		const struct pf_spec_entry *e = pf_spec_entry_at(spec, k);
		const char *how;

		if (!e->target || strcmp(e->target, "device") || !is_must(e->level) ||
		    !e->observable || strcmp(e->observable, "yes") || !e->area)
			continue;
		a = area_entry(areas, e->area);
		bump(a, "total");
		how = pf_json_string_get(best, e->id, NULL);
		if (how && !strcmp(how, "full")) {
			bump(a, "full");
		} else if (how) {
			bump(a, "partial");
			json_array_append_new(json_object_get(a, "partial_only"),
					      json_pack("{s:s, s:s, s:s, s:o}", "id", e->id,
							"section", e->section ? e->section : "",
							"summary", e->summary ? e->summary : "",
							"claims", partial_detail(claims, e->id)));
		} else {
			json_array_append_new(json_object_get(a, "uncovered"),
					      json_pack("{s:s, s:s, s:s, s:s}", "id", e->id,
							"section", e->section ? e->section : "",
							"level", e->level, "summary",
							e->summary ? e->summary : ""));
		}
	}
	json_array_foreach (areas, i, a) {
		json_int_t t = ival(a, "total"), f = ival(a, "full"), p = ival(a, "partial");

		json_object_set_new(a, "covered", json_integer(f + p));
		json_object_set_new(a, "percent", json_real(percent(f, t)));
		json_object_set_new(a, "percent_full", json_real(percent(f, t)));
		json_object_set_new(a, "percent_covered", json_real(percent(f + p, t)));
		if (is_core(pf_json_string_get(a, "area", NULL))) {
			core_total += t;
			core_full += f;
			core_partial += p;
		}
	}
	json_decref(best);
	return json_pack("{s:o, s:{s:I, s:I, s:I, s:I, s:f, s:f, s:f}, s:o, s:o, s:s}", "areas",
			 areas, "core", "total", core_total, "full", core_full, "partial",
			 core_partial, "covered", core_full + core_partial, "percent",
			 percent(core_full, core_total), "percent_full",
			 percent(core_full, core_total), "percent_covered",
			 percent(core_full + core_partial, core_total), "claims", claims,
			 "unknown_reqs", unknown, "criterion",
			 "device-targeted MUST/MUST NOT statements with observable_by_guest: yes; "
			 "full: a check exercises the whole statement, partial: only part of it");
}

/* reason keys are words joined by '-': print them as words */
static void print_reason(FILE *out, const char *r)
{
	for (; r && *r; r++)
		fputc(*r == '-' ? ' ' : *r, out);
}

void pf_coverage_print(const json_t *cov, FILE *out)
{
	const json_t *areas = json_object_get(cov, "areas");
	const json_t *core = json_object_get(cov, "core");
	size_t i, j, k;
	json_t *a, *u, *c;

	fprintf(out, "%-14s %7s %7s %7s %7s %7s\n", "area", "full", "partial", "total", "full%",
		"any%");
	json_array_foreach (areas, i, a)
		fprintf(out, "%-14s %7lld %7lld %7lld %6.1f%% %6.1f%%\n",
			pf_json_string_get(a, "area", NULL), (long long)ival(a, "full"),
			(long long)ival(a, "partial"), (long long)ival(a, "total"),
			json_real_value(json_object_get(a, "percent_full")),
			json_real_value(json_object_get(a, "percent_covered")));
	fprintf(out,
		"\ncore (basic, split-ring, packed-ring, pci, mmio): %lld of %lld fully covered "
		"(%.1f%%); "
		"%lld more partly (%.1f%% covered at all)\n",
		(long long)ival(core, "full"), (long long)ival(core, "total"),
		json_real_value(json_object_get(core, "percent_full")),
		(long long)ival(core, "partial"),
		json_real_value(json_object_get(core, "percent_covered")));
	fprintf(out, "\npartly covered in the core areas (what the claiming checks leave out):\n");
	json_array_foreach (areas, i, a) {
		if (!is_core(pf_json_string_get(a, "area", NULL)))
			continue;
		json_array_foreach (json_object_get(a, "partial_only"), j, u) {
			fprintf(out, "  %-8s %-48s %s\n", pf_json_string_get(u, "section", NULL),
				pf_json_string_get(u, "id", NULL),
				pf_json_string_get(u, "summary", NULL));
			json_array_foreach (json_object_get(u, "claims"), k, c) {
				fprintf(out, "  %-8s   %s: ", "",
					pf_json_string_get(c, "check", NULL));
				print_reason(out, pf_json_string_get(c, "reason", NULL));
				fputc('\n', out);
			}
		}
	}
	fprintf(out, "\nuncovered in the core areas:\n");
	json_array_foreach (areas, i, a) {
		if (!is_core(pf_json_string_get(a, "area", NULL)))
			continue;
		json_array_foreach (json_object_get(a, "uncovered"), j, u)
			fprintf(out, "  %-8s %-48s %s\n", pf_json_string_get(u, "section", NULL),
				pf_json_string_get(u, "id", NULL),
				pf_json_string_get(u, "summary", NULL));
	}
	json_array_foreach (json_object_get(cov, "unknown_reqs"), i, u)
		fprintf(out, "unknown statement id named by a check: %s\n", json_string_value(u));
}

struct unknown_ctx {
	const struct pf_spec *spec;
	const char *check;
	FILE *errlog;
	int n;
};

static void count_unknown(const char *id, int claim, const char *reason, void *vctx)
{
	struct unknown_ctx *c = vctx;

	(void)reason;
	if (claim == PF_CLAIM_MALFORMED) {
		c->n++;
		if (c->errlog)
			fprintf(c->errlog,
				"catalogue: %s: malformed claim on '%s' (want ~partial:<reason>)\n",
				c->check, id);
	}
	if (pf_spec_find(c->spec, id))
		return;
	c->n++;
	if (c->errlog)
		fprintf(c->errlog, "catalogue: %s: unknown statement '%s'\n", c->check, id);
}

int pf_catalogue_unknown_reqs(const struct pf_spec *spec, FILE *errlog)
{
	struct unknown_ctx c = { spec, NULL, errlog, 0 };

	for (int i = 0; i < PF_CHK_COUNT; i++) {
		c.check = pf_catalogue[i].id;
		each_claim(pf_catalogue[i].reqs, count_unknown, &c);
	}
	return c.n;
}

/* SPDX-License-Identifier: MIT */
#include "coverage.h"

#include <stdbool.h>
#include <string.h>

#include "pf/catalogue.h"

const char *const pf_core_areas[] = { "basic", "split-ring", "packed-ring", "pci", "mmio", NULL };

/* Calls fn for each statement id of a catalogue entry's reqs. */
static void each_req(const char *reqs, void (*fn)(const char *id, void *ctx), void *ctx)
{
	char word[128];

	while (pf_catalogue_next_req(&reqs, word, sizeof(word)))
		fn(word, ctx);
}

struct check_json_ctx {
	const struct pf_spec *spec;
	json_t *reqs, *labels, *sections, *unknown;
};

static void add_unique(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (!strcmp(json_string_value(v), s))
			return;
	json_array_append_new(arr, json_string(s));
}

static void check_req(const char *id, void *vctx)
{
	struct check_json_ctx *c = vctx;
	const struct pf_spec_entry *e = pf_spec_find(c->spec, id);

	json_array_append_new(c->reqs, json_string(id));
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
		struct check_json_ctx c = { spec, json_array(), json_array(), json_array(), json_array() };
		json_t *o;

		each_req(ci->reqs, check_req, &c);
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "id", ci->id, "area", ci->area,
			      "level", pf_level_name(ci->level), "class", pf_class_name(ci->cls),
			      "title", ci->title, "reqs", c.reqs, "labels", c.labels, "sections", c.sections);
		if (json_array_size(c.unknown))
			json_object_set_new(o, "unknown_reqs", c.unknown);
		else
			json_decref(c.unknown);
		json_array_append_new(arr, o);
	}
	return arr;
}

static void mark_covered(const char *id, void *ctx)
{
	json_t *covered = ctx;

	json_object_set_new(covered, id, json_true());
}

static bool is_must(const char *level)
{
	return level && (!strcmp(level, "must") || !strcmp(level, "must-not"));
}

static json_t *area_entry(json_t *areas, const char *area)
{
	size_t i;
	json_t *a;

	json_array_foreach(areas, i, a)
		if (!strcmp(json_string_value(json_object_get(a, "area")), area))
			return a;
	a = json_pack("{s:s, s:i, s:i, s:[]}", "area", area, "total", 0, "covered", 0, "uncovered");
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

json_t *pf_coverage_compute(const struct pf_spec *spec)
{
	json_t *covered = json_object(), *areas = json_array(), *unknown = json_array();
	json_int_t core_total = 0, core_covered = 0;
	size_t i;
	json_t *a;

	for (int c = 0; c < PF_CHK_COUNT; c++)
		each_req(pf_catalogue[c].reqs, mark_covered, covered);
	{
		const char *id;
		json_t *v;

		json_object_foreach(covered, id, v)
			if (!pf_spec_find(spec, id))
				json_array_append_new(unknown, json_string(id));
	}
	/* Core areas first, in their fixed order, then the rest as met. */
	for (int k = 0; pf_core_areas[k]; k++)
		area_entry(areas, pf_core_areas[k]);
	for (size_t k = 0; k < pf_spec_count(spec); k++) {
		const struct pf_spec_entry *e = pf_spec_entry_at(spec, k);

		if (!e->target || strcmp(e->target, "device") || !is_must(e->level) || !e->observable ||
		    strcmp(e->observable, "yes") || !e->area)
			continue;
		a = area_entry(areas, e->area);
		bump(a, "total");
		if (json_object_get(covered, e->id))
			bump(a, "covered");
		else
			json_array_append_new(json_object_get(a, "uncovered"),
					      json_pack("{s:s, s:s, s:s, s:s}", "id", e->id,
							"section", e->section ? e->section : "",
							"level", e->level, "summary", e->summary ? e->summary : ""));
	}
	json_array_foreach(areas, i, a) {
		json_int_t t = json_integer_value(json_object_get(a, "total"));
		json_int_t c = json_integer_value(json_object_get(a, "covered"));

		json_object_set_new(a, "percent", json_real(percent(c, t)));
		if (is_core(json_string_value(json_object_get(a, "area")))) {
			core_total += t;
			core_covered += c;
		}
	}
	json_decref(covered);
	return json_pack("{s:o, s:{s:I, s:I, s:f}, s:o, s:s}", "areas", areas, "core", "total",
			 core_total, "covered", core_covered, "percent", percent(core_covered, core_total),
			 "unknown_reqs", unknown, "criterion",
			 "device-targeted MUST/MUST NOT statements with observable_by_guest: yes");
}

void pf_coverage_print(const json_t *cov, FILE *out)
{
	const json_t *areas = json_object_get(cov, "areas");
	const json_t *core = json_object_get(cov, "core");
	size_t i, j;
	json_t *a, *u;

	fprintf(out, "%-14s %7s %7s %7s\n", "area", "covered", "total", "%");
	json_array_foreach(areas, i, a)
		fprintf(out, "%-14s %7lld %7lld %6.1f%%\n", json_string_value(json_object_get(a, "area")),
			(long long)json_integer_value(json_object_get(a, "covered")),
			(long long)json_integer_value(json_object_get(a, "total")),
			json_real_value(json_object_get(a, "percent")));
	fprintf(out, "\ncore (basic, split-ring, packed-ring, pci, mmio): %lld of %lld (%.1f%%)\n",
		(long long)json_integer_value(json_object_get(core, "covered")),
		(long long)json_integer_value(json_object_get(core, "total")),
		json_real_value(json_object_get(core, "percent")));
	fprintf(out, "\nuncovered in the core areas:\n");
	json_array_foreach(areas, i, a) {
		if (!is_core(json_string_value(json_object_get(a, "area"))))
			continue;
		json_array_foreach(json_object_get(a, "uncovered"), j, u)
			fprintf(out, "  %-8s %-48s %s\n", json_string_value(json_object_get(u, "section")),
				json_string_value(json_object_get(u, "id")),
				json_string_value(json_object_get(u, "summary")));
	}
	json_array_foreach(json_object_get(cov, "unknown_reqs"), i, u)
		fprintf(out, "unknown statement id named by a check: %s\n", json_string_value(u));
}

struct unknown_ctx {
	const struct pf_spec *spec;
	const char *check;
	FILE *errlog;
	int n;
};

static void count_unknown(const char *id, void *vctx)
{
	struct unknown_ctx *c = vctx;

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
		each_req(pf_catalogue[i].reqs, count_unknown, &c);
	}
	return c.n;
}

/* SPDX-License-Identifier: MIT */
/*
 * Fact-base loader over the YAML document layer (util/yaml_doc.h): a list
 * of flat maps; keys the runner does not use (features: [...]) are skipped.
 */
#define _POSIX_C_SOURCE 200809L

#include "policy/spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/yaml_doc.h"

/* Required fields first: F_REQUIRED of them. */
enum field {
	F_ID,
	F_SECTION,
	F_LEVEL,
	F_LABEL,
	F_TITLE,
	F_AREA,
	F_TARGET,
	F_OBSERVABLE,
	F_SUMMARY,
	F_COUNT
};

static const char *const field_keys[F_COUNT] = {
	[F_ID] = "id",		 [F_LABEL] = "label",
	[F_SECTION] = "section", [F_LEVEL] = "level",
	[F_TITLE] = "title",	 [F_AREA] = "area",
	[F_TARGET] = "target",	 [F_OBSERVABLE] = "observable_by_guest",
	[F_SUMMARY] = "summary",
};

/* Statements outside any Requirements block have no label (label: null). */
#define F_REQUIRED F_LABEL

struct entry {
	char *f[F_COUNT];
	struct pf_spec_entry pub;
	yaml_mark_t mark;
	size_t idx; /* position in the file's list, for messages */
};

struct pf_spec {
	struct entry *e;
	size_t n, cap;
};

static void free_entry(struct entry *e)
{
	for (int i = 0; i < F_COUNT; i++)
		free(e->f[i]);
}

void pf_spec_free(struct pf_spec *spec)
{
	if (!spec)
		return;
	for (size_t i = 0; i < spec->n; i++)
		free_entry(&spec->e[i]);
	free(spec->e);
	free(spec);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->f[F_ID], ((const struct entry *)b)->f[F_ID]);
}

#define PF_SPEC_MAX_FILE (64u << 20)

/* Reads the known fields of one statement; other keys are ignored (the fact
 * base carries more than the runner needs, e.g. features). */
static int read_entry(struct pf_ydoc *d, yaml_node_t *n, size_t idx, struct entry *e)
{
	char base[32], f[PF_ERROR_FIELD_MAX];

	snprintf(base, sizeof(base), "[%zu]", idx);
	e->mark = n->start_mark;
	e->idx = idx;
	if (n->type != YAML_MAPPING_NODE)
		return pf_y_fail(d, n, base, "list item is not a map");
	for (int i = 0; i < F_COUNT; i++) {
		yaml_node_t *v = pf_y_get(d, n, field_keys[i]);
		const char *text;

		pf_y_field(f, sizeof(f), base, field_keys[i]);
		if (!v || pf_y_is_null(v))
			continue; /* null counts as absent */
		if (!(text = pf_y_scalar(d, v, f)))
			return -1;
		if (!(e->f[i] = strdup(text)))
			return pf_y_fail(d, v, f, "out of memory");
	}
	for (int i = 0; i < F_REQUIRED; i++) {
		if (!e->f[i] || !*e->f[i]) {
			pf_y_field(f, sizeof(f), base, field_keys[i]);
			return pf_y_fail(d, n, f, "entry%s%s has no %s", e->f[F_ID] ? " " : "",
					 e->f[F_ID] ? e->f[F_ID] : "", field_keys[i]);
		}
	}
	return 0;
}

static int read_list(struct pf_ydoc *d, struct pf_spec *s)
{
	yaml_node_t *root = pf_ydoc_root(d);

	if (root->type != YAML_SEQUENCE_NODE)
		return pf_y_fail(d, root, NULL, "top level must be a list of statements");
	if (!pf_y_len(root))
		return pf_y_fail(d, root, NULL, "no statements (expected a YAML list of maps)");
	if (!(s->e = calloc(pf_y_len(root), sizeof(*s->e))))
		return pf_y_fail(d, root, NULL, "out of memory");
	for (size_t i = 0; i < pf_y_len(root); i++) {
		s->n = i + 1; /* counted first, so pf_spec_free frees it */
		if (read_entry(d, pf_y_item(d, root, i), i, &s->e[i]))
			return -1;
	}
	return 0;
}

/* Sorts by id for lookup; a duplicate id is an error naming both places. */
static int index_entries(struct pf_ydoc *d, struct pf_spec *s)
{
	qsort(s->e, s->n, sizeof(*s->e), cmp_entry);
	for (size_t i = 0; i < s->n; i++) {
		struct entry *e = &s->e[i];

		if (i && !strcmp(e->f[F_ID], s->e[i - 1].f[F_ID])) {
			struct entry *a = &s->e[i - 1];

			/* qsort is not stable: name the later one as the culprit. */
			if (a->mark.index > e->mark.index) {
				struct entry *t = a;

				a = e;
				e = t;
			}
			char f[64];

			snprintf(f, sizeof(f), "[%zu].id", e->idx);
			return pf_y_fail_mark(d, e->mark, f,
					      "duplicate id \"%s\" (first at line %zu)", e->f[F_ID],
					      a->mark.line + 1);
		}
		e->pub = (struct pf_spec_entry){
			.id = e->f[F_ID],
			.label = e->f[F_LABEL],
			.section = e->f[F_SECTION],
			.level = e->f[F_LEVEL],
			.title = e->f[F_TITLE],
			.area = e->f[F_AREA],
			.target = e->f[F_TARGET],
			.observable = e->f[F_OBSERVABLE],
			.summary = e->f[F_SUMMARY],
			.line = (unsigned)(e->mark.line + 1),
		};
	}
	return 0;
}

struct pf_spec *pf_spec_load(const char *path, struct pf_error *err)
{
	struct pf_ydoc d;
	struct pf_spec *s = calloc(1, sizeof(*s));

	pf_error_clear(err);
	if (!s) {
		pf_error_fill(err, path, 0, 0, NULL, "out of memory");
		return NULL;
	}
	if (pf_ydoc_load_file(&d, path, PF_SPEC_MAX_FILE, err) || read_list(&d, s) ||
	    index_entries(&d, s)) {
		pf_ydoc_free(&d);
		pf_spec_free(s);
		return NULL;
	}
	pf_ydoc_free(&d);
	return s;
}

static int cmp_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct entry *)elem)->f[F_ID]);
}

const struct pf_spec_entry *pf_spec_find(const struct pf_spec *spec, const char *id)
{
	const struct entry *e;

	if (!spec || !id)
		return NULL;
	e = bsearch(id, spec->e, spec->n, sizeof(*spec->e), cmp_key);
	return e ? &e->pub : NULL;
}

size_t pf_spec_count(const struct pf_spec *spec)
{
	return spec ? spec->n : 0;
}

const struct pf_spec_entry *pf_spec_entry_at(const struct pf_spec *spec, size_t i)
{
	return spec && i < spec->n ? &spec->e[i].pub : NULL;
}

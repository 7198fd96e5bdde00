/* SPDX-License-Identifier: MIT */
/*
 * Fact-base loader on libyaml's event parser: the file is a flat list of
 * flat maps, so a few states suffice and every error carries the mark of
 * the event that caused it. Nested values (features: [...]) are skipped.
 */
#define _POSIX_C_SOURCE 200809L

#include "policy/spec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

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
};

struct pf_spec {
	struct entry *e;
	size_t n, cap;
};

struct loader {
	const char *path;
	char *err;
	size_t errlen;
	yaml_parser_t parser;
	struct pf_spec *spec;
};

static void fail_at(struct loader *l, yaml_mark_t m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail_at(struct loader *l, yaml_mark_t m, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (!l->err || !l->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(l->err, l->errlen, "%s:%zu:%zu: %s", l->path, m.line + 1, m.column + 1, what);
}

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

static int next(struct loader *l, yaml_event_t *ev)
{
	if (yaml_parser_parse(&l->parser, ev))
		return 0;
	fail_at(l, l->parser.problem_mark, "YAML: %s%s%s",
		l->parser.problem ? l->parser.problem : "parse error", l->parser.context ? " " : "",
		l->parser.context ? l->parser.context : "");
	return -1;
}

/* Skip a nested value whose start event ev was just read. */
static int skip_nested(struct loader *l)
{
	int depth = 1;
	yaml_event_t ev;

	while (depth > 0) {
		if (next(l, &ev))
			return -1;
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		yaml_event_delete(&ev);
	}
	return 0;
}

/* YAML's spellings of null: such a value counts as absent. */
static bool is_null_scalar(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

static int field_of(const char *key)
{
	for (int i = 0; i < F_COUNT; i++)
		if (!strcmp(key, field_keys[i]))
			return i;
	return -1;
}

/* Read one map (its MAPPING_START already consumed) into e. */
static int read_entry(struct loader *l, struct entry *e)
{
	yaml_event_t k, v;

	for (;;) {
		int f;

		if (next(l, &k))
			return -1;
		if (k.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&k);
			break;
		}
		if (k.type != YAML_SCALAR_EVENT) {
			fail_at(l, k.start_mark, "map key is not a scalar");
			yaml_event_delete(&k);
			return -1;
		}
		f = field_of((const char *)k.data.scalar.value);
		if (next(l, &v)) {
			yaml_event_delete(&k);
			return -1;
		}
		if (v.type == YAML_SEQUENCE_START_EVENT || v.type == YAML_MAPPING_START_EVENT) {
			if (f >= 0) {
				fail_at(l, v.start_mark, "\"%s\" must be a scalar", field_keys[f]);
				goto bad;
			}
			if (skip_nested(l))
				goto bad;
		} else if (v.type == YAML_SCALAR_EVENT && f >= 0) {
			if (e->f[f]) {
				fail_at(l, k.start_mark, "duplicate key \"%s\"", field_keys[f]);
				goto bad;
			}
			if (!is_null_scalar(&v)) {
				e->f[f] = strdup((const char *)v.data.scalar.value);
				if (!e->f[f]) {
					fail_at(l, v.start_mark, "out of memory");
					goto bad;
				}
			}
		}
		/* Other scalars and aliases: unknown keys are ignored. */
		yaml_event_delete(&k);
		yaml_event_delete(&v);
		continue;
	bad:
		yaml_event_delete(&k);
		yaml_event_delete(&v);
		return -1;
	}
	for (int i = 0; i < F_REQUIRED; i++) {
		if (!e->f[i] || !*e->f[i]) {
			fail_at(l, e->mark, "entry%s%s has no %s", e->f[F_ID] ? " " : "",
				e->f[F_ID] ? e->f[F_ID] : "", field_keys[i]);
			return -1;
		}
	}
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->f[F_ID], ((const struct entry *)b)->f[F_ID]);
}

static int read_list(struct loader *l)
{
	struct pf_spec *s = l->spec;
	yaml_event_t ev;

	for (;;) {
		struct entry *e;

		if (next(l, &ev))
			return -1;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type != YAML_MAPPING_START_EVENT) {
			fail_at(l, ev.start_mark, "list item is not a map");
			yaml_event_delete(&ev);
			return -1;
		}
		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 256;
			struct entry *ne = realloc(s->e, cap * sizeof(*ne));

			if (!ne) {
				fail_at(l, ev.start_mark, "out of memory");
				yaml_event_delete(&ev);
				return -1;
			}
			s->e = ne;
			s->cap = cap;
		}
		e = &s->e[s->n++];
		memset(e, 0, sizeof(*e));
		e->mark = ev.start_mark;
		yaml_event_delete(&ev);
		if (read_entry(l, e))
			return -1;
	}
}

static int read_stream(struct loader *l)
{
	yaml_event_t ev;
	bool in_doc = false;
	int rc = -1;

	for (;;) {
		if (next(l, &ev))
			return -1;
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (in_doc || l->spec->n) {
				fail_at(l, ev.start_mark, "only one YAML document is expected");
				goto out;
			}
			in_doc = true;
			break;
		case YAML_SEQUENCE_START_EVENT:
			if (read_list(l))
				goto out;
			break;
		case YAML_DOCUMENT_END_EVENT:
			in_doc = false;
			break;
		case YAML_STREAM_END_EVENT:
			if (!l->spec->n) {
				fail_at(l, ev.start_mark,
					"no statements (expected a YAML list of maps)");
				goto out;
			}
			rc = 0;
			goto out;
		default:
			fail_at(l, ev.start_mark, "top level must be a list of statements");
			goto out;
		}
		yaml_event_delete(&ev);
	}
out:
	yaml_event_delete(&ev);
	return rc;
}

struct pf_spec *pf_spec_load(const char *path, char *err, size_t errlen)
{
	struct loader l = { .path = path, .err = err, .errlen = errlen };
	yaml_mark_t none = { 0, 0, 0 };
	struct pf_spec *s;
	FILE *f;

	if (err && errlen)
		err[0] = '\0';
	f = fopen(path, "rb");
	if (!f) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !yaml_parser_initialize(&l.parser)) {
		fail_at(&l, none, "out of memory");
		free(s);
		fclose(f);
		return NULL;
	}
	l.spec = s;
	yaml_parser_set_input_file(&l.parser, f);
	if (read_stream(&l))
		goto fail;
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
			fail_at(&l, e->mark, "duplicate id \"%s\" (first at line %zu)", e->f[F_ID],
				a->mark.line + 1);
			goto fail;
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
	yaml_parser_delete(&l.parser);
	fclose(f);
	return s;
fail:
	yaml_parser_delete(&l.parser);
	fclose(f);
	pf_spec_free(s);
	return NULL;
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

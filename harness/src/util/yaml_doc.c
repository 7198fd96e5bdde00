/* SPDX-License-Identifier: MIT */
/* The YAML document layer (util/yaml_doc.h): loading and typed getters. */
#define _GNU_SOURCE
#include "util/yaml_doc.h"

#include "util/fs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- errors ---------------------------------------------------------- */

static int vfail(struct pf_ydoc *d, const yaml_mark_t *m, const char *field, const char *fmt,
		 va_list ap)
{
	char msg[PF_ERROR_MESSAGE_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* libyaml marks are 0-based; people count from 1 */
	return pf_error_fill(d->err, d->file, m ? (int)m->line + 1 : 0, m ? (int)m->column + 1 : 0,
			     field, "%s", msg);
}

int pf_y_fail(struct pf_ydoc *d, const yaml_node_t *n, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(d, n ? &n->start_mark : NULL, field, fmt, ap);
	va_end(ap);
	return -1;
}

int pf_y_fail_mark(struct pf_ydoc *d, yaml_mark_t m, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(d, &m, field, fmt, ap);
	va_end(ap);
	return -1;
}

void pf_y_field(char *buf, size_t len, const char *base, const char *key)
{
	int n;

	if (!len)
		return;
	n = snprintf(buf, len, "%s%s%s", base, base[0] ? "." : "", key);
	if (n < 0)
		buf[0] = '\0';
	else if ((size_t)n >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
}

static int syntax_error(struct pf_ydoc *d, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "unknown problem";

	if (p->error == YAML_MEMORY_ERROR)
		return pf_error_fill(d->err, d->file, 0, 0, NULL, "out of memory");
	if (p->error == YAML_READER_ERROR) /* bad encoding: only a byte offset */
		return pf_error_fill(d->err, d->file, 0, 0, NULL, "unreadable YAML at byte %zu: %s",
				     p->problem_offset, problem);
	if (p->context)
		return pf_y_fail_mark(d, p->problem_mark, NULL,
				      "YAML syntax error: %s %s (line %d, column %d)", problem,
				      p->context, (int)p->context_mark.line + 1,
				      (int)p->context_mark.column + 1);
	return pf_y_fail_mark(d, p->problem_mark, NULL, "YAML syntax error: %s", problem);
}

/* ---- loading --------------------------------------------------------- */

/* Aliases could make the node graph cyclic (an anchor referenced from inside
 * itself) and let one edit silently change two places; the kit's files gain
 * nothing from them, so they are rejected up front with an event scan. */
static int reject_anchors(struct pf_ydoc *d, const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0;
	bool done = false;

	if (!yaml_parser_initialize(&p))
		return pf_error_fill(d->err, d->file, 0, 0, NULL, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = syntax_error(d, &p);
			break;
		}
		const unsigned char *anchor = NULL;
		if (ev.type == YAML_ALIAS_EVENT)
			anchor = ev.data.alias.anchor;
		else if (ev.type == YAML_SCALAR_EVENT)
			anchor = ev.data.scalar.anchor;
		else if (ev.type == YAML_SEQUENCE_START_EVENT)
			anchor = ev.data.sequence_start.anchor;
		else if (ev.type == YAML_MAPPING_START_EVENT)
			anchor = ev.data.mapping_start.anchor;
		if (anchor)
			rc = pf_y_fail_mark(d, ev.start_mark, NULL,
					    "YAML anchors and aliases are not allowed ('%s')",
					    anchor);
		done = ev.type == YAML_STREAM_END_EVENT || rc;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

/* Keys are strings, each at most once per mapping: libyaml keeps both copies
 * of a duplicate and a lookup would silently take one. path names n. */
static int check_keys(struct pf_ydoc *d, const yaml_node_t *n, const char *path, int depth)
{
	char f[PF_ERROR_FIELD_MAX];

	if (depth > PF_YAML_MAX_DEPTH)
		return pf_y_fail(d, n, path, "nesting deeper than %d levels", PF_YAML_MAX_DEPTH);
	if (n->type == YAML_SEQUENCE_NODE) {
		for (size_t i = 0; i < pf_y_len(n); i++) {
			snprintf(f, sizeof(f), "%s[%zu]", path, i);
			if (check_keys(d, pf_y_item(d, n, i), f, depth + 1))
				return -1;
		}
		return 0;
	}
	for (size_t i = 0; i < pf_y_npairs(n); i++) {
		yaml_node_t *k, *v;
		pf_y_pair(d, n, i, &k, &v);
		if (!k || !v)
			return pf_y_fail(d, n, path, "malformed document");
		if (k->type != YAML_SCALAR_NODE)
			return pf_y_fail(d, k, path, "keys must be strings, found %s",
					 pf_y_kind(k));
		pf_y_field(f, sizeof(f), path, (const char *)k->data.scalar.value);
		for (size_t j = 0; j < i; j++) {
			yaml_node_t *kj, *vj;
			pf_y_pair(d, n, j, &kj, &vj);
			if (!strcmp((const char *)kj->data.scalar.value,
				    (const char *)k->data.scalar.value))
				return pf_y_fail(d, k, f, "duplicate key (first given at line %d)",
						 (int)kj->start_mark.line + 1);
		}
		if (check_keys(d, v, f, depth + 1))
			return -1;
	}
	return 0;
}

int pf_ydoc_load(struct pf_ydoc *d, const char *buf, size_t len, const char *file,
		 struct pf_error *err)
{
	yaml_parser_t p;
	yaml_document_t extra;
	int rc = -1;

	memset(d, 0, sizeof(*d));
	d->file = file;
	d->err = err;
	pf_error_clear(err);
	if (reject_anchors(d, buf, len))
		return -1;
	if (!yaml_parser_initialize(&p))
		return pf_error_fill(err, file, 0, 0, NULL, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&p, &d->doc)) {
		syntax_error(d, &p);
		goto out;
	}
	d->loaded = true;
	if (!pf_ydoc_root(d)) {
		pf_error_fill(err, file, 0, 0, NULL, "empty file: no YAML document");
		goto out;
	}
	/* exactly one document: a second one would be silently ignored */
	if (!yaml_parser_load(&p, &extra)) {
		syntax_error(d, &p);
		goto out;
	}
	bool more = yaml_document_get_root_node(&extra) != NULL;
	yaml_mark_t at = extra.start_mark;
	yaml_document_delete(&extra);
	if (more) {
		at.column = 0;
		pf_y_fail_mark(d, at, NULL, "more than one YAML document");
		goto out;
	}
	rc = check_keys(d, pf_ydoc_root(d), "", 0);
out:
	yaml_parser_delete(&p);
	return rc;
}

char *pf_yaml_read_file(const char *path, size_t max_bytes, size_t *len, struct pf_error *err)
{
	struct pf_error rerr;
	struct stat st;
	char *buf;

	*len = 0;
	/* Checked before reading so that a directory or a FIFO is named as
	 * such (and a FIFO never blocks us), and an oversized file gives its
	 * size. */
	if (stat(path, &st) != 0) {
		pf_error_errno(err, path, "cannot open");
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		pf_error_fill(err, path, 0, 0, NULL, "not a regular file");
		return NULL;
	}
	if ((unsigned long long)st.st_size > max_bytes) {
		pf_error_fill(err, path, 0, 0, NULL, "file too large (%lld bytes; limit %zu)",
			      (long long)st.st_size, max_bytes);
		return NULL;
	}
	/* Capped at the size just seen: more than that means it grew. */
	if (pf_read_file(path, (size_t)st.st_size, &buf, len, &rerr) == 0)
		return buf;
	if (rerr.sys_errno == EFBIG)
		pf_error_fill(err, path, 0, 0, NULL, "file changed while it was read");
	else if (err)
		*err = rerr;
	return NULL;
}

int pf_ydoc_load_file(struct pf_ydoc *d, const char *path, size_t max_bytes, struct pf_error *err)
{
	size_t len;
	char *buf;
	int rc;

	memset(d, 0, sizeof(*d));
	if (!(buf = pf_yaml_read_file(path, max_bytes, &len, err)))
		return -1;
	rc = pf_ydoc_load(d, buf, len, path, err);
	free(buf);
	return rc;
}

void pf_ydoc_free(struct pf_ydoc *d)
{
	if (d->loaded)
		yaml_document_delete(&d->doc);
	d->loaded = false;
}

yaml_node_t *pf_ydoc_root(struct pf_ydoc *d)
{
	return d->loaded ? yaml_document_get_root_node(&d->doc) : NULL;
}

/* ---- shape ----------------------------------------------------------- */

static const char *type_name(yaml_node_type_t t)
{
	switch (t) {
	case YAML_SCALAR_NODE:
		return "a string";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

const char *pf_y_kind(const yaml_node_t *n)
{
	return type_name(n ? n->type : YAML_NO_NODE);
}

int pf_y_expect(struct pf_ydoc *d, const yaml_node_t *n, yaml_node_type_t t, const char *field)
{
	if (n->type == t)
		return 0;
	return pf_y_fail(d, n, field, "expected %s, found %s", type_name(t), pf_y_kind(n));
}

bool pf_y_is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *s = (const char *)n->data.scalar.value;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

int pf_y_missing(struct pf_ydoc *d, const yaml_node_t *map, const char *field, const char *key)
{
	char f[PF_ERROR_FIELD_MAX];

	pf_y_field(f, sizeof(f), field, key);
	return pf_y_fail(d, map, f, "required key missing");
}

int pf_y_map(struct pf_ydoc *d, yaml_node_t *map, const char *field, const char *const *allowed,
	     const char *const *required, yaml_node_t **vals)
{
	size_t na = 0;

	if (pf_y_expect(d, map, YAML_MAPPING_NODE, field))
		return -1;
	while (allowed[na])
		na++;
	for (size_t i = 0; vals && i < na; i++)
		vals[i] = NULL;
	for (size_t i = 0; i < pf_y_npairs(map); i++) {
		yaml_node_t *k, *v;
		size_t idx = na;
		pf_y_pair(d, map, i, &k, &v);
		/* keys are scalars: pf_ydoc_load checked */
		const char *key = (const char *)k->data.scalar.value;
		for (size_t a = 0; a < na; a++)
			if (!strcmp(key, allowed[a]))
				idx = a;
		if (idx == na) {
			char f[PF_ERROR_FIELD_MAX], list[400] = "";
			for (size_t a = 0; a < na; a++) {
				size_t o = strlen(list);
				snprintf(list + o, sizeof(list) - o, "%s%s", a ? ", " : "",
					 allowed[a]);
			}
			pf_y_field(f, sizeof(f), field, key);
			return pf_y_fail(d, k, f, "unknown key '%s' (expected one of: %s)", key,
					 list);
		}
		if (vals)
			vals[idx] = v;
	}
	for (const char *const *r = required; r && *r; r++)
		if (!pf_y_get(d, map, *r))
			return pf_y_missing(d, map, field, *r);
	return 0;
}

/* ---- navigation ------------------------------------------------------ */

/* The pair of map whose key is key: its key and value nodes, or NULLs. */
static void find_pair(struct pf_ydoc *d, const yaml_node_t *map, const char *key, yaml_node_t **k,
		      yaml_node_t **v)
{
	for (size_t i = 0; i < pf_y_npairs(map); i++) {
		pf_y_pair(d, map, i, k, v);
		if (*k && (*k)->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)(*k)->data.scalar.value, key))
			return;
	}
	*k = *v = NULL;
}

yaml_node_t *pf_y_key(struct pf_ydoc *d, const yaml_node_t *map, const char *key)
{
	yaml_node_t *k, *v;

	find_pair(d, map, key, &k, &v);
	return k;
}

yaml_node_t *pf_y_get(struct pf_ydoc *d, const yaml_node_t *map, const char *key)
{
	yaml_node_t *k, *v;

	find_pair(d, map, key, &k, &v);
	return v;
}

size_t pf_y_len(const yaml_node_t *seq)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return 0;
	return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *pf_y_item(struct pf_ydoc *d, const yaml_node_t *seq, size_t i)
{
	return yaml_document_get_node(&d->doc, seq->data.sequence.items.start[i]);
}

size_t pf_y_npairs(const yaml_node_t *map)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return 0;
	return (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
}

void pf_y_pair(struct pf_ydoc *d, const yaml_node_t *map, size_t i, yaml_node_t **key,
	       yaml_node_t **value)
{
	const yaml_node_pair_t *p = &map->data.mapping.pairs.start[i];

	*key = yaml_document_get_node(&d->doc, p->key);
	*value = yaml_document_get_node(&d->doc, p->value);
}

/* ---- values ---------------------------------------------------------- */

const char *pf_y_scalar(struct pf_ydoc *d, const yaml_node_t *n, const char *field)
{
	if (pf_y_expect(d, n, YAML_SCALAR_NODE, field))
		return NULL;
	if (pf_y_is_null(n)) {
		pf_y_fail(d, n, field, "must not be empty");
		return NULL;
	}
	/* a NUL inside ("\0") would silently cut the value */
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		pf_y_fail(d, n, field, "contains a NUL character");
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

int pf_y_string(struct pf_ydoc *d, const yaml_node_t *n, const char *field, bool allow_empty,
		char **out)
{
	const char *v = "";
	char *s;

	if (pf_y_expect(d, n, YAML_SCALAR_NODE, field))
		return -1;
	if (!allow_empty || !pf_y_is_null(n)) {
		if (!(v = pf_y_scalar(d, n, field)))
			return -1;
		if (!allow_empty && !*v)
			return pf_y_fail(d, n, field, "must not be empty");
	}
	if (!(s = strdup(v)))
		return pf_y_fail(d, n, field, "out of memory");
	free(*out); /* a default may be in place */
	*out = s;
	return 0;
}

int pf_y_str(struct pf_ydoc *d, const yaml_node_t *map, const char *key, const char *field,
	     bool required, char **out)
{
	char f[PF_ERROR_FIELD_MAX];
	const yaml_node_t *n = pf_y_get(d, map, key);
	const char *v;
	char *s;

	if (!n)
		return required ? pf_y_missing(d, map, field, key) : 0;
	pf_y_field(f, sizeof(f), field, key);
	if (!(v = pf_y_scalar(d, n, f)))
		return -1;
	if (!(s = strdup(v)))
		return pf_y_fail(d, n, f, "out of memory");
	free(*out);
	*out = s;
	return 0;
}

int pf_y_list(struct pf_ydoc *d, const yaml_node_t *map, const char *key, const char *field,
	      char *f, size_t flen, yaml_node_t **seq)
{
	yaml_node_t *n = pf_y_get(d, map, key);

	pf_y_field(f, flen, field, key);
	*seq = NULL;
	if (!n)
		return 0;
	if (pf_y_expect(d, n, YAML_SEQUENCE_NODE, f))
		return -1;
	if (!pf_y_len(n))
		return pf_y_fail(d, n, f, "list is empty (leave the key out instead)");
	*seq = n;
	return 0;
}

void pf_y_strings_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

int pf_y_strings(struct pf_ydoc *d, const yaml_node_t *n, const char *field, char ***out,
		 size_t *count)
{
	char f[PF_ERROR_FIELD_MAX];
	char **v;
	size_t cnt = pf_y_len(n);

	if (pf_y_expect(d, n, YAML_SEQUENCE_NODE, field))
		return -1;
	if (!(v = calloc(cnt + 1, sizeof(*v))))
		return pf_y_fail(d, n, field, "out of memory");
	for (size_t i = 0; i < cnt; i++) {
		yaml_node_t *e = pf_y_item(d, n, i);
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (pf_y_is_null(e)) {
			pf_y_fail(d, e, f, "expected a string, found null (quote it: \"\")");
			pf_y_strings_free(v);
			return -1;
		}
		if (pf_y_string(d, e, f, true, &v[i])) {
			pf_y_strings_free(v);
			return -1;
		}
	}
	pf_y_strings_free(*out);
	*out = v;
	if (count)
		*count = cnt;
	return 0;
}

static char **member_slot(const struct pf_y_member *m, void *base)
{
	return (char **)(void *)((char *)base + m->offset);
}

int pf_y_members(struct pf_ydoc *d, const yaml_node_t *map, const char *field,
		 const struct pf_y_member *m, size_t n, void *base)
{
	for (size_t i = 0; i < n; i++)
		if (pf_y_str(d, map, m[i].key, field, m[i].required, member_slot(&m[i], base)))
			return -1;
	return 0;
}

void pf_y_members_free(const struct pf_y_member *m, size_t n, void *base)
{
	for (size_t i = 0; i < n; i++) {
		char **s = member_slot(&m[i], base);

		free(*s);
		*s = NULL;
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * Profile loader. First half: the YAML document helpers shared
 * with waiver.c; second half: the "plugfest-profile/1" schema walk
 * (documented in docs/profiles.md).
 */
#define _GNU_SOURCE
#include "policy/profile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- YAML document helpers ------------------------------------------ */

int pf_y_fail(struct pf_ydoc *d, yaml_node_t *n, const char *field, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pf_error_fill(d->err, d->file, n ? (int)n->start_mark.line + 1 : 0,
			     n ? (int)n->start_mark.column + 1 : 0, field, "%s", msg);
}

/* Aliases could make the node graph cyclic (an anchor referenced from inside
 * itself) and would let one edit silently change two requirements; profiles
 * gain nothing from them, so they are rejected up front with an event scan. */
static int reject_anchors(const char *buf, size_t len, const char *file, struct pf_error *err)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0, done = 0;

	if (!yaml_parser_initialize(&p))
		return -1;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			pf_error_fill(err, file, (int)p.problem_mark.line + 1,
				      (int)p.problem_mark.column + 1, "",
				      "YAML syntax error: %s%s%s",
				      p.problem ? p.problem : "unknown", p.context ? " " : "",
				      p.context ? p.context : "");
			rc = -1;
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
		if (anchor) {
			pf_error_fill(err, file, (int)ev.start_mark.line + 1,
				      (int)ev.start_mark.column + 1, "",
				      "YAML anchors and aliases are not allowed ('%s')", anchor);
			rc = -1;
		}
		done = ev.type == YAML_STREAM_END_EVENT || rc;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

static int check_dup_keys(struct pf_ydoc *d, yaml_node_t *n, int depth)
{
	if (depth > 64)
		return pf_y_fail(d, n, "", "nesting too deep");
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++)
			if (check_dup_keys(d, yaml_document_get_node(&d->doc, *it), depth + 1))
				return -1;
	} else if (n->type == YAML_MAPPING_NODE) {
		yaml_node_pair_t *s = n->data.mapping.pairs.start, *t = n->data.mapping.pairs.top;
		for (yaml_node_pair_t *a = s; a < t; a++) {
			yaml_node_t *ka = yaml_document_get_node(&d->doc, a->key);
			if (ka->type != YAML_SCALAR_NODE)
				return pf_y_fail(d, ka, "", "mapping keys must be plain strings");
			for (yaml_node_pair_t *b = s; b < a; b++) {
				yaml_node_t *kb = yaml_document_get_node(&d->doc, b->key);
				if (!strcmp((char *)ka->data.scalar.value,
					    (char *)kb->data.scalar.value))
					return pf_y_fail(d, ka, (char *)ka->data.scalar.value,
							 "duplicate key (first at line %d)",
							 (int)kb->start_mark.line + 1);
			}
			if (check_dup_keys(d, yaml_document_get_node(&d->doc, a->value), depth + 1))
				return -1;
		}
	}
	return 0;
}

int pf_ydoc_load(struct pf_ydoc *d, const char *buf, size_t len, const char *file,
		 struct pf_error *err)
{
	yaml_parser_t p;
	yaml_document_t extra;

	memset(d, 0, sizeof(*d));
	d->file = file;
	d->err = err;
	if (reject_anchors(buf, len, file, err))
		return -1;
	if (!yaml_parser_initialize(&p)) {
		pf_error_fill(err, file, 0, 0, "", "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&p, &d->doc)) {
		pf_error_fill(err, file, (int)p.problem_mark.line + 1,
			      (int)p.problem_mark.column + 1, "", "YAML syntax error: %s",
			      p.problem ? p.problem : "unknown");
		yaml_parser_delete(&p);
		return -1;
	}
	d->loaded = true;
	if (!yaml_document_get_root_node(&d->doc)) {
		yaml_parser_delete(&p);
		pf_error_fill(err, file, 0, 0, "", "empty document");
		return -1;
	}
	/* exactly one document: a second one would be silently ignored */
	if (yaml_parser_load(&p, &extra)) {
		bool more = yaml_document_get_root_node(&extra) != NULL;
		int line = (int)extra.start_mark.line + 1;
		yaml_document_delete(&extra);
		if (more) {
			yaml_parser_delete(&p);
			pf_error_fill(err, file, line, 1, "", "more than one YAML document");
			return -1;
		}
	}
	yaml_parser_delete(&p);
	return check_dup_keys(d, yaml_document_get_root_node(&d->doc), 0);
}

void pf_ydoc_free(struct pf_ydoc *d)
{
	if (d->loaded)
		yaml_document_delete(&d->doc);
	d->loaded = false;
}

yaml_node_t *pf_ydoc_root(struct pf_ydoc *d)
{
	return yaml_document_get_root_node(&d->doc);
}

static const char *type_name(yaml_node_type_t t)
{
	switch (t) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

int pf_y_expect(struct pf_ydoc *d, yaml_node_t *n, yaml_node_type_t t, const char *field)
{
	if (n->type != t)
		return pf_y_fail(d, n, field, "expected %s, got %s", type_name(t),
				 type_name(n->type));
	return 0;
}

int pf_y_keys(struct pf_ydoc *d, yaml_node_t *map, const char *field, const char *const *allowed,
	      const char *const *required)
{
	if (pf_y_expect(d, map, YAML_MAPPING_NODE, field))
		return -1;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(&d->doc, p->key);
		const char *key = (const char *)k->data.scalar.value;
		bool ok = false;
		for (const char *const *a = allowed; *a; a++)
			ok = ok || !strcmp(*a, key);
		if (!ok) {
			char f[200];
			snprintf(f, sizeof(f), "%s%s%s", field, field[0] ? "." : "", key);
			return pf_y_fail(d, k, f, "unknown key '%s'", key);
		}
	}
	for (const char *const *r = required; r && *r; r++)
		if (!pf_y_get(d, map, *r))
			return pf_y_fail(d, map, field[0] ? field : "(top level)",
					 "missing required key '%s'", *r);
	return 0;
}

yaml_node_t *pf_y_get(struct pf_ydoc *d, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(&d->doc, p->key);
		if (k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return yaml_document_get_node(&d->doc, p->value);
	}
	return NULL;
}

yaml_node_t *pf_y_item(struct pf_ydoc *d, yaml_node_t *seq, size_t i)
{
	return yaml_document_get_node(&d->doc, seq->data.sequence.items.start[i]);
}

size_t pf_y_len(yaml_node_t *seq)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return 0;
	return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

/* A plain empty, "~" or "null" scalar is YAML's null: a missing value. */
static bool is_null(yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;
	return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!v[0] || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null"));
}

const char *pf_y_scalar(struct pf_ydoc *d, yaml_node_t *n, const char *field)
{
	if (pf_y_expect(d, n, YAML_SCALAR_NODE, field))
		return NULL;
	if (is_null(n)) {
		pf_y_fail(d, n, field, "value is empty");
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

int pf_y_str(struct pf_ydoc *d, yaml_node_t *map, const char *key, const char *field, bool required,
	     char **out)
{
	char f[200];
	yaml_node_t *n = pf_y_get(d, map, key);
	const char *v;

	snprintf(f, sizeof(f), "%s%s%s", field, field[0] ? "." : "", key);
	if (!n) {
		if (required)
			return pf_y_fail(d, map, field[0] ? field : "(top level)",
					 "missing required key '%s'", key);
		return 0;
	}
	if (!(v = pf_y_scalar(d, n, f)))
		return -1;
	free(*out);
	*out = strdup(v);
	return *out ? 0 : pf_y_fail(d, n, f, "out of memory");
}

/* ---- enumerations ---------------------------------------------------- */

const char *pf_req_level_name(enum pf_req_level l)
{
	return l == PF_REQ_MUST ? "must" : l == PF_REQ_SHOULD ? "should" : "may";
}

const char *pf_req_status_name(enum pf_req_status s)
{
	return s == PF_REQ_MANDATORY ? "mandatory" : "informational";
}

static const char *const evidence_names[] = {
	[PF_EV_SPEC] = "spec",
	[PF_EV_VERIFIED] = "verified",
	[PF_EV_DRAFT] = "draft",
	[PF_EV_UNVERIFIED] = "unverified",
	[PF_EV_KIT_POLICY] = "kit-policy",
};

const char *pf_evidence_name(enum pf_evidence e)
{
	return (unsigned)e < sizeof(evidence_names) / sizeof(*evidence_names) ? evidence_names[e]
									      : "?";
}

bool pf_requirement_wording_unverified(const struct pf_requirement *r)
{
	if (r->evidence == PF_EV_DRAFT || r->evidence == PF_EV_UNVERIFIED)
		return true;
	for (size_t i = 0; i < r->ncites; i++)
		if (r->cites[i].grade &&
		    (!strcmp(r->cites[i].grade, "D") || !strcmp(r->cites[i].grade, "R")))
			return true;
	return false;
}

/* The probe's device names (probes/lib/virtio/virtio.c), so a typo such as
 * "gpu2d" in applies_to is caught at load time, not scored as n/a. */
static const char *const device_types[] = {
	"net",		 "blk",		  "console",
	"rng",		 "balloon",	  "iomem",
	"rpmsg",	 "scsi",	  "9p",
	"mac80211-wlan", "rproc-serial",  "caif",
	"balloon-new",	 "gpu",		  "rtc",
	"input",	 "vsock",	  "crypto",
	"sdm",		 "pstore",	  "iommu",
	"mem",		 "sound",	  "fs",
	"pmem",		 "rpmb",	  "mac80211-hwsim",
	"video-encoder", "video-decoder", "scmi",
	"nsm",		 "i2c",		  "watchdog",
	"can",		 "param-server",  "audio-policy",
	"bluetooth",	 "gpio",	  "rdma",
	"camera",	 "ism",		  "spi",
	"tee",		 "cpu-balloon",	  "media",
	"usb",		 "unknown",	  NULL,
};

bool pf_device_type_known(const char *name)
{
	for (const char *const *t = device_types; *t; t++)
		if (!strcmp(*t, name))
			return true;
	return false;
}

/* ---- schema walk ----------------------------------------------------- */

#include "package/digest.h"

#define PF_PROFILE_SCHEMA "plugfest-profile/1"
#define PF_MAX_FILE (16u << 20)

typedef const char *(*validator)(const char *v);

static const char *valid_id(const char *v)
{
	if (!((v[0] >= 'a' && v[0] <= 'z') || (v[0] >= 'A' && v[0] <= 'Z') ||
	      (v[0] >= '0' && v[0] <= '9')))
		return "must start with a letter or digit";
	for (const char *c = v; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    *c))
			return "may contain only letters, digits, '.', '_' and '-'";
	return strlen(v) > 80 ? "is longer than 80 characters" : NULL;
}

static const char *valid_glob(const char *v)
{
	for (const char *c = v; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-*?",
			    *c))
			return "is not a check id glob (letters, digits, '.', '_', '-', '*', '?')";
	return NULL;
}

static const char *valid_statement(const char *v)
{
	for (const char *c = v; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._+-", *c))
			return "is not a spec statement id (lowercase dotted slug)";
	return NULL;
}

static const char *valid_device(const char *v)
{
	return pf_device_type_known(v) ? NULL : "is not a known device type (see docs/profiles.md)";
}

static const char *valid_transport(const char *v)
{
	return !strcmp(v, "mmio") || !strcmp(v, "pci") ? NULL : "must be 'mmio' or 'pci'";
}

static const char *valid_mode(const char *v)
{
	return !strcmp(v, "legacy") || !strcmp(v, "transitional") || !strcmp(v, "modern")
		       ? NULL
		       : "must be 'legacy', 'transitional' or 'modern'";
}

static const char *valid_level(const char *v)
{
	return !strcmp(v, "must") || !strcmp(v, "should") || !strcmp(v, "may")
		       ? NULL
		       : "must be 'must', 'should' or 'may'";
}

/* "1.2", "0.1.0", "1.0.0-rc1" */
static const char *valid_version(const char *v)
{
	int dots = 0;
	const char *c = v;

	if (*c < '0' || *c > '9')
		return "must look like MAJOR.MINOR[.PATCH][-suffix]";
	for (; *c && *c != '-' && *c != '+'; c++) {
		if (*c == '.')
			dots++;
		else if (*c < '0' || *c > '9')
			return "must look like MAJOR.MINOR[.PATCH][-suffix]";
	}
	return dots >= 1 && dots <= 2 && c[-1] != '.'
		       ? NULL
		       : "must look like MAJOR.MINOR[.PATCH][-suffix]";
}

static int field_fmt(char *buf, size_t len, const char *base, const char *key)
{
	int n = snprintf(buf, len, "%s%s%s", base, base[0] ? "." : "", key);

	/* an over-long field path is shown cut, and says so */
	if ((n < 0 || (size_t)n >= len) && len > 4)
		memcpy(buf + len - 4, "...", 4);
	return n;
}

static int check_str(struct pf_ydoc *d, yaml_node_t *map, const char *key, const char *field,
		     validator fn, const char *value)
{
	const char *why;
	char f[200];

	if (!value || !(why = fn(value)))
		return 0;
	field_fmt(f, sizeof(f), field, key);
	return pf_y_fail(d, pf_y_get(d, map, key), f, "'%s' %s", value, why);
}

static int parse_enum(struct pf_ydoc *d, yaml_node_t *map, const char *key, const char *field,
		      const char *const *names, int *out)
{
	char f[200];
	yaml_node_t *n = pf_y_get(d, map, key);
	const char *v;

	field_fmt(f, sizeof(f), field, key);
	if (!n)
		return 0;
	if (!(v = pf_y_scalar(d, n, f)))
		return -1;
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], v)) {
			*out = i;
			return 0;
		}
	char list[200] = "";
	for (int i = 0; names[i]; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s'%s'", i ? ", " : "",
			 names[i]);
	return pf_y_fail(d, n, f, "'%s' is not one of %s", v, list);
}

static int parse_strv(struct pf_ydoc *d, yaml_node_t *map, const char *key, const char *field,
		      validator fn, struct pf_strv *out)
{
	char f[200], fi[256];
	yaml_node_t *n = pf_y_get(d, map, key);

	field_fmt(f, sizeof(f), field, key);
	if (!n)
		return 0;
	if (pf_y_expect(d, n, YAML_SEQUENCE_NODE, f))
		return -1;
	if (!pf_y_len(n))
		return pf_y_fail(d, n, f, "list is empty (leave the key out instead)");
	out->v = calloc(pf_y_len(n), sizeof(char *));
	if (!out->v)
		return pf_y_fail(d, n, f, "out of memory");
	for (size_t i = 0; i < pf_y_len(n); i++) {
		yaml_node_t *it = pf_y_item(d, n, i);
		const char *v, *why;
		snprintf(fi, sizeof(fi), "%s[%zu]", f, i);
		if (!(v = pf_y_scalar(d, it, fi)))
			return -1;
		if (fn && (why = fn(v)))
			return pf_y_fail(d, it, fi, "'%s' %s", v, why);
		for (size_t j = 0; j < out->n; j++)
			if (!strcmp(out->v[j], v))
				return pf_y_fail(d, it, fi, "'%s' is listed twice", v);
		if (!(out->v[out->n++] = strdup(v)))
			return pf_y_fail(d, it, fi, "out of memory");
	}
	return 0;
}

static int parse_bit(struct pf_ydoc *d, yaml_node_t *n, const char *field, int *bit)
{
	const char *v = pf_y_scalar(d, n, field);
	char *end;
	long b;

	if (!v)
		return -1;
	errno = 0;
	b = strtol(v, &end, 10);
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || *end || end == v || errno || b < 0 ||
	    b > 127)
		return pf_y_fail(d, n, field, "'%s' is not a feature bit number (0..127)", v);
	*bit = (int)b;
	return 0;
}

/* A feature is a bare bit number or {bit: N, name: NAME}. */
static int parse_featv(struct pf_ydoc *d, yaml_node_t *map, const char *key, const char *field,
		       struct pf_featv *out)
{
	static const char *const keys[] = { "bit", "name", NULL };
	static const char *const req[] = { "bit", NULL };
	char f[200], fi[256], fb[300];
	yaml_node_t *n = pf_y_get(d, map, key);

	field_fmt(f, sizeof(f), field, key);
	if (!n)
		return 0;
	if (pf_y_expect(d, n, YAML_SEQUENCE_NODE, f))
		return -1;
	if (!pf_y_len(n))
		return pf_y_fail(d, n, f, "list is empty (leave the key out instead)");
	out->v = calloc(pf_y_len(n), sizeof(*out->v));
	if (!out->v)
		return pf_y_fail(d, n, f, "out of memory");
	for (size_t i = 0; i < pf_y_len(n); i++) {
		yaml_node_t *it = pf_y_item(d, n, i);
		struct pf_feature_ref *fr = &out->v[out->n++];
		snprintf(fi, sizeof(fi), "%s[%zu]", f, i);
		if (it->type == YAML_MAPPING_NODE) {
			if (pf_y_keys(d, it, fi, keys, req) ||
			    pf_y_str(d, it, "name", fi, false, &fr->name))
				return -1;
			snprintf(fb, sizeof(fb), "%s.bit", fi);
			if (parse_bit(d, pf_y_get(d, it, "bit"), fb, &fr->bit))
				return -1;
		} else if (parse_bit(d, it, fi, &fr->bit)) {
			return -1;
		}
		for (size_t j = 0; j + 1 < out->n; j++)
			if (out->v[j].bit == fr->bit)
				return pf_y_fail(d, it, fi, "feature bit %d is listed twice",
						 fr->bit);
	}
	return 0;
}

static int parse_docs(struct pf_ydoc *d, yaml_node_t *root, struct pf_profile *p)
{
	static const char *const keys[] = { "key", "title",   "version", "publisher",
					    "url", "license", NULL };
	static const char *const req[] = { "key", "title", NULL };
	yaml_node_t *n = pf_y_get(d, root, "references");
	char f[64];

	if (!n)
		return 0;
	if (pf_y_expect(d, n, YAML_SEQUENCE_NODE, "references"))
		return -1;
	p->docs = calloc(pf_y_len(n) + 1, sizeof(*p->docs));
	if (!p->docs)
		return pf_y_fail(d, n, "references", "out of memory");
	for (size_t i = 0; i < pf_y_len(n); i++) {
		yaml_node_t *it = pf_y_item(d, n, i);
		struct pf_doc *doc = &p->docs[p->ndocs++];
		snprintf(f, sizeof(f), "references[%zu]", i);
		if (pf_y_keys(d, it, f, keys, req) || pf_y_str(d, it, "key", f, true, &doc->key) ||
		    pf_y_str(d, it, "title", f, true, &doc->title) ||
		    pf_y_str(d, it, "version", f, false, &doc->version) ||
		    pf_y_str(d, it, "publisher", f, false, &doc->publisher) ||
		    pf_y_str(d, it, "url", f, false, &doc->url) ||
		    pf_y_str(d, it, "license", f, false, &doc->license) ||
		    check_str(d, it, "key", f, valid_id, doc->key))
			return -1;
		for (size_t j = 0; j + 1 < p->ndocs; j++)
			if (!strcmp(p->docs[j].key, doc->key))
				return pf_y_fail(d, pf_y_get(d, it, "key"), f,
						 "duplicate reference key '%s'", doc->key);
	}
	return 0;
}

static int parse_cites(struct pf_ydoc *d, yaml_node_t *rn, const char *field,
		       const struct pf_profile *p, struct pf_requirement *r)
{
	static const char *const keys[] = { "doc", "section", "grade", "note", NULL };
	static const char *const req[] = { "doc", "section", NULL };
	static const char *const grades[] = { "V", "D", "R", "P", NULL };
	yaml_node_t *n = pf_y_get(d, rn, "refs");
	char f[200], fi[256];

	if (!n)
		return 0;
	field_fmt(f, sizeof(f), field, "refs");
	if (pf_y_expect(d, n, YAML_SEQUENCE_NODE, f))
		return -1;
	r->cites = calloc(pf_y_len(n) + 1, sizeof(*r->cites));
	if (!r->cites)
		return pf_y_fail(d, n, f, "out of memory");
	for (size_t i = 0; i < pf_y_len(n); i++) {
		yaml_node_t *it = pf_y_item(d, n, i);
		struct pf_cite *c = &r->cites[r->ncites++];
		int g = -1;
		bool known = false;
		snprintf(fi, sizeof(fi), "%s[%zu]", f, i);
		if (pf_y_keys(d, it, fi, keys, req) || pf_y_str(d, it, "doc", fi, true, &c->doc) ||
		    pf_y_str(d, it, "section", fi, true, &c->section) ||
		    pf_y_str(d, it, "note", fi, false, &c->note) ||
		    parse_enum(d, it, "grade", fi, grades, &g))
			return -1;
		if (g >= 0 && !(c->grade = strdup(grades[g])))
			return pf_y_fail(d, it, fi, "out of memory");
		for (size_t j = 0; j < p->ndocs; j++)
			known = known || !strcmp(p->docs[j].key, c->doc);
		if (!known) {
			char fd[300];
			snprintf(fd, sizeof(fd), "%s.doc", fi);
			return pf_y_fail(d, pf_y_get(d, it, "doc"), fd,
					 "'%s' is not declared under top-level 'references'",
					 c->doc);
		}
	}
	return 0;
}

static int parse_applies(struct pf_ydoc *d, yaml_node_t *rn, const char *field,
			 struct pf_requirement *r)
{
	static const char *const keys[] = { "device", "transport", "mode", "features", NULL };
	yaml_node_t *n = pf_y_get(d, rn, "applies_to");
	char f[200];

	if (!n)
		return 0;
	field_fmt(f, sizeof(f), field, "applies_to");
	return pf_y_keys(d, n, f, keys, NULL) ||
			       parse_strv(d, n, "device", f, valid_device, &r->devices) ||
			       parse_strv(d, n, "transport", f, valid_transport, &r->transports) ||
			       parse_strv(d, n, "mode", f, valid_mode, &r->modes) ||
			       parse_featv(d, n, "features", f, &r->app_features)
		       ? -1
		       : 0;
}

static int parse_satisfied(struct pf_ydoc *d, yaml_node_t *rn, const char *field,
			   struct pf_requirement *r)
{
	static const char *const keys[] = { "checks", "statements", "features", "features_any",
					    "modes",  "class",	    "levels",	NULL };
	static const char *const classes[] = { "any", "conformance", "adversarial", NULL };
	yaml_node_t *n = pf_y_get(d, rn, "satisfied_by");
	struct pf_strv lv = { 0 };
	char f[200];
	int cls = 0, rc;

	if (!n)
		return 0;
	field_fmt(f, sizeof(f), field, "satisfied_by");
	if (pf_y_keys(d, n, f, keys, NULL) ||
	    parse_strv(d, n, "checks", f, valid_glob, &r->checks) ||
	    parse_strv(d, n, "statements", f, valid_statement, &r->statements) ||
	    parse_featv(d, n, "features", f, &r->features) ||
	    parse_featv(d, n, "features_any", f, &r->features_any) ||
	    parse_strv(d, n, "modes", f, valid_mode, &r->sat_modes) ||
	    parse_enum(d, n, "class", f, classes, &cls))
		return -1;
	r->cls = (enum pf_class_filter)cls;
	rc = parse_strv(d, n, "levels", f, valid_level, &lv);
	for (size_t i = 0; i < lv.n; i++) {
		r->levels |= 1u << (!strcmp(lv.v[i], "must")	 ? PF_REQ_MUST
				    : !strcmp(lv.v[i], "should") ? PF_REQ_SHOULD
								 : PF_REQ_MAY);
		free(lv.v[i]);
	}
	free(lv.v);
	if (rc)
		return -1;
	if ((pf_y_get(d, n, "class") || r->levels) && !r->checks.n && !r->statements.n)
		return pf_y_fail(d, n, f,
				 "'class' and 'levels' filter check results and need 'checks' or "
				 "'statements'");
	return 0;
}

static int parse_requirement(struct pf_ydoc *d, yaml_node_t *rn, size_t idx, struct pf_profile *p)
{
	static const char *const keys[] = { "id",	  "title",    "description",   "level",
					    "status",	  "evidence", "evidence_note", "refs",
					    "applies_to", "presence", "satisfied_by",  NULL };
	static const char *const req[] = { "id", "title", "level", "status", "evidence", NULL };
	static const char *const levels[] = { "must", "should", "may", NULL };
	static const char *const statuses[] = { "mandatory", "informational", NULL };
	static const char *const evidences[] = { "spec",       "verified",   "draft",
						 "unverified", "kit-policy", NULL };
	static const char *const presences[] = { "optional", "required", NULL };
	struct pf_requirement *r = &p->reqs[idx];
	char f[64];
	int lvl = 0, st = 0, ev = 0, pres = 0;

	snprintf(f, sizeof(f), "requirements[%zu]", idx);
	r->line = (int)rn->start_mark.line + 1;
	if (pf_y_keys(d, rn, f, keys, req) || pf_y_str(d, rn, "id", f, true, &r->id) ||
	    check_str(d, rn, "id", f, valid_id, r->id) ||
	    pf_y_str(d, rn, "title", f, true, &r->title) ||
	    pf_y_str(d, rn, "description", f, false, &r->description) ||
	    pf_y_str(d, rn, "evidence_note", f, false, &r->evidence_note) ||
	    parse_enum(d, rn, "level", f, levels, &lvl) ||
	    parse_enum(d, rn, "status", f, statuses, &st) ||
	    parse_enum(d, rn, "evidence", f, evidences, &ev) ||
	    parse_enum(d, rn, "presence", f, presences, &pres))
		return -1;
	r->level = (enum pf_req_level)lvl;
	r->status = (enum pf_req_status)st;
	r->evidence = (enum pf_evidence)ev;
	r->presence_required = pres == 1;
	for (size_t j = 0; j < idx; j++)
		if (!strcmp(p->reqs[j].id, r->id))
			return pf_y_fail(d, pf_y_get(d, rn, "id"), f,
					 "duplicate requirement id '%s' (first at line %d)", r->id,
					 p->reqs[j].line);
	if (parse_cites(d, rn, f, p, r) || parse_applies(d, rn, f, r) ||
	    parse_satisfied(d, rn, f, r))
		return -1;
	/* avps.md 0.1: unverified wording must not be shipped as normative */
	if (r->evidence == PF_EV_UNVERIFIED && r->status == PF_REQ_MANDATORY)
		return pf_y_fail(
			d, pf_y_get(d, rn, "status"), f,
			"requirement '%s' has evidence 'unverified' and cannot be 'mandatory'",
			r->id);
	if (r->presence_required && !r->devices.n)
		return pf_y_fail(d, pf_y_get(d, rn, "presence"), f,
				 "'presence: required' needs applies_to.device");
	if (!r->presence_required && !r->checks.n && !r->statements.n && !r->features.n &&
	    !r->features_any.n && !r->sat_modes.n)
		return pf_y_fail(d, rn, f,
				 "requirement '%s' can never be evaluated: give satisfied_by "
				 "or 'presence: required'",
				 r->id);
	return 0;
}

static int parse_profile(struct pf_ydoc *d, struct pf_profile *p)
{
	static const char *const keys[] = { "schema",  "id",	       "title",
					    "version", "maturity",     "description",
					    "spec",    "references",   "attribution",
					    "license", "requirements", NULL };
	static const char *const req[] = { "schema", "id",	     "title", "version",
					   "spec",   "requirements", NULL };
	static const char *const spec_keys[] = { "name", "version", "edition", NULL };
	static const char *const spec_req[] = { "name", "version", NULL };
	static const char *const maturities[] = { "draft", "trial", "release", NULL };
	yaml_node_t *root = pf_ydoc_root(d), *n;
	char *schema = NULL;
	int mat = 0, rc;

	if (pf_y_keys(d, root, "", keys, req))
		return -1;
	rc = pf_y_str(d, root, "schema", "", true, &schema);
	if (!rc && strcmp(schema, PF_PROFILE_SCHEMA))
		rc = pf_y_fail(d, pf_y_get(d, root, "schema"), "schema",
			       "'%s' is not supported (expected '%s')", schema, PF_PROFILE_SCHEMA);
	free(schema);
	if (rc || pf_y_str(d, root, "id", "", true, &p->id) ||
	    check_str(d, root, "id", "", valid_id, p->id) ||
	    pf_y_str(d, root, "title", "", true, &p->title) ||
	    pf_y_str(d, root, "version", "", true, &p->version) ||
	    check_str(d, root, "version", "", valid_version, p->version) ||
	    pf_y_str(d, root, "description", "", false, &p->description) ||
	    pf_y_str(d, root, "attribution", "", false, &p->attribution) ||
	    pf_y_str(d, root, "license", "", false, &p->license) ||
	    parse_enum(d, root, "maturity", "", maturities, &mat))
		return -1;
	if (!(p->maturity = strdup(maturities[mat])))
		return pf_y_fail(d, root, "maturity", "out of memory");
	n = pf_y_get(d, root, "spec");
	if (pf_y_keys(d, n, "spec", spec_keys, spec_req) ||
	    pf_y_str(d, n, "name", "spec", true, &p->spec_name) ||
	    pf_y_str(d, n, "version", "spec", true, &p->spec_version) ||
	    check_str(d, n, "version", "spec", valid_version, p->spec_version) ||
	    pf_y_str(d, n, "edition", "spec", false, &p->spec_edition) || parse_docs(d, root, p))
		return -1;
	/* CC BY-SA sources oblige us to carry attribution in every derived file */
	for (size_t i = 0; i < p->ndocs; i++) {
		const char *lic = p->docs[i].license;
		if (lic && strstr(lic, "BY-SA") &&
		    (!p->attribution ||
		     (!strstr(p->attribution, "CC BY-SA") && !strstr(p->attribution, "CC-BY-SA"))))
			return pf_y_fail(
				d, p->attribution ? pf_y_get(d, root, "attribution") : root,
				"attribution",
				"reference '%s' is licensed %s: an 'attribution' naming the "
				"licence (CC BY-SA) is required",
				p->docs[i].key, lic);
	}
	n = pf_y_get(d, root, "requirements");
	if (pf_y_expect(d, n, YAML_SEQUENCE_NODE, "requirements"))
		return -1;
	if (!pf_y_len(n))
		return pf_y_fail(d, n, "requirements", "a profile needs at least one requirement");
	if (!(p->reqs = calloc(pf_y_len(n), sizeof(*p->reqs))))
		return pf_y_fail(d, n, "requirements", "out of memory");
	for (size_t i = 0; i < pf_y_len(n); i++) {
		p->nreqs = i + 1; /* so pf_profile_free sees partially parsed entries */
		if (parse_requirement(d, pf_y_item(d, n, i), i, p))
			return -1;
	}
	return 0;
}

struct pf_profile *pf_profile_load_buffer(const char *buf, size_t len, const char *name,
					  struct pf_error *err)
{
	struct pf_ydoc d;
	struct pf_profile *p = calloc(1, sizeof(*p));

	pf_error_clear(err);
	if (!p || !(p->file = strdup(name ? name : "(buffer)"))) {
		free(p);
		pf_error_fill(err, name, 0, 0, "", "out of memory");
		return NULL;
	}
	pf_sha256_hex(buf, len, p->sha256);
	if (pf_ydoc_load(&d, buf, len, p->file, err) || parse_profile(&d, p)) {
		pf_ydoc_free(&d);
		pf_profile_free(p);
		return NULL;
	}
	pf_ydoc_free(&d);
	return p;
}

/* Reads a whole (small) file; used by the profile and waiver loaders. */
static char *slurp(const char *path, size_t *len, struct pf_error *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (!f) {
		pf_error_fill(err, path, 0, 0, "", "cannot open: %s", strerror(errno));
		return NULL;
	}
	do {
		if (*len == cap) {
			char *nb = cap >= PF_MAX_FILE ? NULL
						      : realloc(buf, cap = cap ? 2 * cap : 8192);
			if (!nb) {
				pf_error_fill(err, path, 0, 0, "",
					      "file too large or out of memory");
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	if (ferror(f)) {
		pf_error_fill(err, path, 0, 0, "", "read error: %s", strerror(errno));
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

struct pf_profile *pf_profile_load(const char *path, struct pf_error *err)
{
	size_t len;
	char *buf;
	struct pf_profile *p;

	pf_error_clear(err);
	if (!(buf = slurp(path, &len, err)))
		return NULL;
	p = pf_profile_load_buffer(buf, len, path, err);
	free(buf);
	return p;
}

static void strv_free(struct pf_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static void featv_free(struct pf_featv *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].name);
	free(f->v);
}

void pf_profile_free(struct pf_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nreqs; i++) {
		struct pf_requirement *r = &p->reqs[i];
		free(r->id);
		free(r->title);
		free(r->description);
		free(r->evidence_note);
		for (size_t j = 0; j < r->ncites; j++) {
			free(r->cites[j].doc);
			free(r->cites[j].section);
			free(r->cites[j].grade);
			free(r->cites[j].note);
		}
		free(r->cites);
		strv_free(&r->devices);
		strv_free(&r->transports);
		strv_free(&r->modes);
		strv_free(&r->checks);
		strv_free(&r->statements);
		strv_free(&r->sat_modes);
		featv_free(&r->app_features);
		featv_free(&r->features);
		featv_free(&r->features_any);
	}
	free(p->reqs);
	for (size_t i = 0; i < p->ndocs; i++) {
		struct pf_doc *d = &p->docs[i];
		free(d->key);
		free(d->title);
		free(d->version);
		free(d->publisher);
		free(d->url);
		free(d->license);
	}
	free(p->docs);
	free(p->file);
	free(p->id);
	free(p->title);
	free(p->version);
	free(p->maturity);
	free(p->description);
	free(p->spec_name);
	free(p->spec_version);
	free(p->spec_edition);
	free(p->attribution);
	free(p->license);
	free(p);
}

const struct pf_requirement *pf_profile_find(const struct pf_profile *p, const char *id)
{
	for (size_t i = 0; p && i < p->nreqs; i++)
		if (p->reqs[i].id && !strcmp(p->reqs[i].id, id))
			return &p->reqs[i];
	return NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * Profile loader: the "plugfest-profile/1" schema walk (documented in
 * docs/profiles.md) over the YAML document layer (util/yaml_doc.h).
 */
#define _GNU_SOURCE
#include "policy/profile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- schema walk ----------------------------------------------------- */

#include "policy/profile_yaml.h"
#include "package/digest.h"

#define PF_PROFILE_SCHEMA "plugfest-profile/1"
#define PF_MAX_FILE (16u << 20)

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

static int check_str(struct pf_ydoc *d, yaml_node_t *map, const char *key, const char *field,
		     pf_policy_validator fn, const char *value)
{
	const char *why;
	char f[200];

	if (!value || !(why = fn(value)))
		return 0;
	pf_y_field(f, sizeof(f), field, key);
	return pf_y_fail(d, pf_y_get(d, map, key), f, "'%s' %s", value, why);
}

static int parse_enum(struct pf_ydoc *d, yaml_node_t *map, const char *key, const char *field,
		      const char *const *names, int *out)
{
	char f[200];
	yaml_node_t *n = pf_y_get(d, map, key);
	const char *v;

	pf_y_field(f, sizeof(f), field, key);
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

int pf_policy_strv(struct pf_ydoc *d, yaml_node_t *map, const char *key, const char *field,
		   pf_policy_validator fn, bool unique, struct pf_strv *out)
{
	char f[200], fi[256];
	yaml_node_t *n;

	if (pf_y_list(d, map, key, field, f, sizeof(f), &n))
		return -1;
	if (!n)
		return 0;
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
		for (size_t j = 0; unique && j < out->n; j++)
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
	yaml_node_t *n;

	if (pf_y_list(d, map, key, field, f, sizeof(f), &n))
		return -1;
	if (!n)
		return 0;
	out->v = calloc(pf_y_len(n), sizeof(*out->v));
	if (!out->v)
		return pf_y_fail(d, n, f, "out of memory");
	for (size_t i = 0; i < pf_y_len(n); i++) {
		yaml_node_t *it = pf_y_item(d, n, i);
		struct pf_feature_ref *fr = &out->v[out->n++];
		snprintf(fi, sizeof(fi), "%s[%zu]", f, i);
		if (it->type == YAML_MAPPING_NODE) {
			if (pf_y_map(d, it, fi, keys, req, NULL) ||
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
		if (pf_y_map(d, it, f, keys, req, NULL) ||
		    pf_y_members(d, it, f, pf_doc_members, pf_doc_nmembers, doc) ||
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
	pf_y_field(f, sizeof(f), field, "refs");
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
		if (pf_y_map(d, it, fi, keys, req, NULL) ||
		    pf_y_str(d, it, "doc", fi, true, &c->doc) ||
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
	pf_y_field(f, sizeof(f), field, "applies_to");
	return pf_y_map(d, n, f, keys, NULL, NULL) ||
			       pf_policy_strv(d, n, "device", f, valid_device, true, &r->devices) ||
			       pf_policy_strv(d, n, "transport", f, valid_transport, true,
					      &r->transports) ||
			       pf_policy_strv(d, n, "mode", f, valid_mode, true, &r->modes) ||
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
	pf_y_field(f, sizeof(f), field, "satisfied_by");
	if (pf_y_map(d, n, f, keys, NULL, NULL) ||
	    pf_policy_strv(d, n, "checks", f, valid_glob, true, &r->checks) ||
	    pf_policy_strv(d, n, "statements", f, valid_statement, true, &r->statements) ||
	    parse_featv(d, n, "features", f, &r->features) ||
	    parse_featv(d, n, "features_any", f, &r->features_any) ||
	    pf_policy_strv(d, n, "modes", f, valid_mode, true, &r->sat_modes) ||
	    parse_enum(d, n, "class", f, classes, &cls))
		return -1;
	r->cls = (enum pf_class_filter)cls;
	rc = pf_policy_strv(d, n, "levels", f, valid_level, true, &lv);
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
	if (pf_y_map(d, rn, f, keys, req, NULL) || pf_y_str(d, rn, "id", f, true, &r->id) ||
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

	if (pf_y_map(d, root, "", keys, req, NULL))
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
	if (pf_y_map(d, n, "spec", spec_keys, spec_req, NULL) ||
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

struct pf_profile *pf_profile_load(const char *path, struct pf_error *err)
{
	size_t len;
	char *buf;
	struct pf_profile *p;

	pf_error_clear(err);
	if (!(buf = pf_yaml_read_file(path, PF_MAX_FILE, &len, err)))
		return NULL;
	p = pf_profile_load_buffer(buf, len, path, err);
	free(buf);
	return p;
}

/* SPDX-License-Identifier: MIT */
/* Known-failure / waiver files: the list, loading and validation. */
#define _GNU_SOURCE
#include "policy/waiver.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/score.h"
#include "package/digest.h"
#include "ingest/stream.h"
#include "policy/waiver_entry.h"
#include "policy/profile_yaml.h"

#define PF_WAIVER_SCHEMA "plugfest-known-failures/1"
#define PF_WAIVER_MAX_FILE (4u << 20)

struct pf_waivers *pf_waivers_new(void)
{
	return calloc(1, sizeof(struct pf_waivers));
}

/* An entry's string members, read in this order after its "kind" (the id
 * first, before it). */
static const struct pf_y_member entry_members[] = {
	{ "id", offsetof(struct pf_waiver_entry, id), true },
	{ "hypervisor", offsetof(struct pf_waiver_entry, hypervisor), true },
	{ "version", offsetof(struct pf_waiver_entry, version), false },
	{ "test", offsetof(struct pf_waiver_entry, test), true },
	{ "reason", offsetof(struct pf_waiver_entry, reason), true },
	{ "issue", offsetof(struct pf_waiver_entry, issue), true },
	{ "expires", offsetof(struct pf_waiver_entry, expires), true },
	{ "approved_by", offsetof(struct pf_waiver_entry, approved_by), false },
};

static void entry_free(struct pf_waiver_entry *e)
{
	pf_y_members_free(entry_members, sizeof(entry_members) / sizeof(entry_members[0]), e);
	free(e->file);
	pf_strv_free(&e->devices);
	pf_strv_free(&e->transports);
	pf_strv_free(&e->subcases);
}

void pf_waivers_free(struct pf_waivers *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		entry_free(&w->e[i]);
	for (size_t i = 0; i < w->nsrc; i++)
		free(w->src[i].file);
	free(w->src);
	free(w->e);
	free(w);
}

size_t pf_waivers_count(const struct pf_waivers *w)
{
	return w ? w->n : 0;
}

/* ---- loading --------------------------------------------------------- */

/* A fingerprint glob: the fingerprint alphabet plus '*', at most as long as
 * a fingerprint. */
static bool subcase_glob_ok(const char *v)
{
	size_t n = strlen(v);

	if (!n || n >= PF_FP_MAX_LEN || v[0] == '/' || v[n - 1] == '/')
		return false;
	for (; *v; v++)
		if (!((*v >= 'a' && *v <= 'z') || (*v >= '0' && *v <= '9') || strchr("-/*", *v)))
			return false;
	return true;
}

static const char *valid_subcases(const char *v)
{
	return subcase_glob_ok(v) ? NULL
				  : "is not a fingerprint glob (words of [a-z0-9-] joined by '/', "
				    "'*' as wildcard; \"*\" for the whole check)";
}

static const char *valid_device(const char *v)
{
	return pf_device_type_known(v) ? NULL : "is not a known device type";
}

static const char *valid_transport(const char *v)
{
	return !strcmp(v, "mmio") || !strcmp(v, "pci") ? NULL : "must be 'mmio' or 'pci'";
}

static int parse_entry(struct pf_ydoc *d, yaml_node_t *n, size_t idx, struct pf_waiver_entry *e,
		       const struct pf_waivers *w, const struct pf_waiver_entry *prev, size_t nprev)
{
	static const char *const keys[] = { "id",     "kind",	  "hypervisor", "version",
					    "test",   "subcases", "device",	"transport",
					    "reason", "issue",	  "expires",	"approved_by",
					    NULL };
	static const char *const req[] = { "id",     "kind",  "hypervisor", "test", "subcases",
					   "reason", "issue", "expires",    NULL };
	char f[64], fk[96];
	char *kind = NULL;

	snprintf(f, sizeof(f), "entries[%zu]", idx);
	e->line = (int)n->start_mark.line + 1;
	if (pf_y_map(d, n, f, keys, req, NULL) || pf_y_members(d, n, f, entry_members, 1, e) ||
	    pf_y_str(d, n, "kind", f, true, &kind) ||
	    pf_y_members(d, n, f, entry_members + 1,
			 sizeof(entry_members) / sizeof(entry_members[0]) - 1, e) ||
	    pf_policy_strv(d, n, "device", f, valid_device, false, &e->devices) ||
	    pf_policy_strv(d, n, "transport", f, valid_transport, false, &e->transports) ||
	    pf_policy_strv(d, n, "subcases", f, valid_subcases, false, &e->subcases)) {
		free(kind);
		return -1;
	}
	snprintf(fk, sizeof(fk), "%s.kind", f);
	if (!strcmp(kind, "known-failure"))
		e->kind = KIND_KNOWN_FAILURE;
	else if (!strcmp(kind, "waiver"))
		e->kind = KIND_WAIVER;
	else {
		int rc = pf_y_fail(d, pf_y_get(d, n, "kind"), fk,
				   "'%s' is not one of 'known-failure', 'waiver'", kind);
		free(kind);
		return rc;
	}
	free(kind);
	snprintf(fk, sizeof(fk), "%s.expires", f);
	if (!pf_date_valid(e->expires))
		return pf_y_fail(d, pf_y_get(d, n, "expires"), fk, "'%s' is not a date YYYY-MM-DD",
				 e->expires);
	snprintf(fk, sizeof(fk), "%s.version", f);
	if (e->version && pf_version_match(e->version, "0") < 0)
		return pf_y_fail(d, pf_y_get(d, n, "version"), fk,
				 "'%s' is not a version, glob or range (e.g. \">=7.2 <8.0\")",
				 e->version);
	snprintf(fk, sizeof(fk), "%s.issue", f);
	if (strncmp(e->issue, "https://", 8) && strncmp(e->issue, "http://", 7))
		return pf_y_fail(d, pf_y_get(d, n, "issue"), fk,
				 "'%s' is not an http(s) link to the tracking issue", e->issue);
	snprintf(fk, sizeof(fk), "%s.test", f);
	for (const char *c = e->test; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._-*?", *c))
			return pf_y_fail(d, pf_y_get(d, n, "test"), fk,
					 "'%s' is not a check id glob", e->test);
	snprintf(fk, sizeof(fk), "%s.id", f);
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->e[i].id, e->id))
			return pf_y_fail(d, pf_y_get(d, n, "id"), fk,
					 "duplicate entry id '%s' (already in %s:%d)", e->id,
					 w->e[i].file, w->e[i].line);
	for (size_t i = 0; i < nprev; i++)
		if (!strcmp(prev[i].id, e->id))
			return pf_y_fail(d, pf_y_get(d, n, "id"), fk,
					 "duplicate entry id '%s' (first at line %d)", e->id,
					 prev[i].line);
	return 0;
}

int pf_waivers_load_buffer(struct pf_waivers *w, const char *buf, size_t len, const char *name,
			   struct pf_error *err)
{
	static const char *const keys[] = { "schema", "description", "entries", NULL };
	static const char *const req[] = { "schema", "entries", NULL };
	struct pf_ydoc d;
	struct pf_waiver_entry *ne = NULL;
	size_t nn = 0;
	char *schema = NULL;
	yaml_node_t *root, *list;
	int rc = -1;

	pf_error_clear(err);
	if (pf_ydoc_load(&d, buf, len, name, err))
		goto out;
	root = pf_ydoc_root(&d);
	if (pf_y_map(&d, root, "", keys, req, NULL) ||
	    pf_y_str(&d, root, "schema", "", true, &schema))
		goto out;
	if (strcmp(schema, PF_WAIVER_SCHEMA)) {
		pf_y_fail(&d, pf_y_get(&d, root, "schema"), "schema",
			  "'%s' is not supported (expected '%s')", schema, PF_WAIVER_SCHEMA);
		goto out;
	}
	list = pf_y_get(&d, root, "entries");
	if (pf_y_expect(&d, list, YAML_SEQUENCE_NODE, "entries"))
		goto out;
	if (!(ne = calloc(pf_y_len(list) + 1, sizeof(*ne))))
		goto out;
	for (nn = 0; nn < pf_y_len(list); nn++) {
		if (parse_entry(&d, pf_y_item(&d, list, nn), nn, &ne[nn], w, ne, nn) ||
		    !(ne[nn].file = strdup(name))) {
			nn++;
			goto out;
		}
	}
	/* all parsed: append */
	struct pf_waiver_entry *grown = realloc(w->e, (w->n + nn + 1) * sizeof(*w->e));
	struct pf_waiver_source *src = realloc(w->src, (w->nsrc + 1) * sizeof(*w->src));
	if (grown)
		w->e = grown;
	if (src)
		w->src = src;
	if (!grown || !src || !(w->src[w->nsrc].file = strdup(name))) {
		pf_error_fill(err, name, 0, 0, "", "out of memory");
		goto out;
	}
	pf_sha256_hex(buf, len, w->src[w->nsrc++].sha256);
	memcpy(w->e + w->n, ne, nn * sizeof(*ne));
	w->n += nn;
	nn = 0;
	rc = 0;
out:
	for (size_t i = 0; i < nn; i++)
		entry_free(&ne[i]);
	free(ne);
	free(schema);
	pf_ydoc_free(&d);
	return rc;
}

int pf_waivers_load(struct pf_waivers *w, const char *path, struct pf_error *err)
{
	size_t len;
	char *buf = pf_yaml_read_file(path, PF_WAIVER_MAX_FILE, &len, err);
	int rc;

	if (!buf)
		return -1;
	rc = pf_waivers_load_buffer(w, buf, len, path, err);
	free(buf);
	return rc;
}

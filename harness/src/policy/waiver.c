/* SPDX-License-Identifier: MIT */
/* Known-failure / waiver files: loading, validation and application. */
#define _GNU_SOURCE
#include "policy/waiver.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/score.h"
#include "package/digest.h"
#include "ingest/stream.h"

#define PF_WAIVER_SCHEMA "plugfest-known-failures/1"

enum kind {
	KIND_KNOWN_FAILURE,
	KIND_WAIVER
};

struct entry {
	char *id, *hypervisor, *version, *test, *reason, *issue, *expires, *approved_by;
	struct pf_strv devices, transports;
	struct pf_strv subcases; /* fingerprint globs the entry excuses */
	enum kind kind;
	char *file;
	int line;
};

struct source {
	char *file;
	char sha256[65];
};

struct pf_waivers {
	struct entry *e;
	size_t n, cap;
	struct source *src;
	size_t nsrc;
};

struct pf_waivers *pf_waivers_new(void)
{
	return calloc(1, sizeof(struct pf_waivers));
}

static void strv_free(struct pf_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static void entry_free(struct entry *e)
{
	free(e->id);
	free(e->hypervisor);
	free(e->version);
	free(e->test);
	free(e->reason);
	free(e->issue);
	free(e->expires);
	free(e->approved_by);
	free(e->file);
	strv_free(&e->devices);
	strv_free(&e->transports);
	strv_free(&e->subcases);
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

/* ---- versions and dates ---------------------------------------------- */

/* Compares dotted versions by their numeric components ("7.2" == "7.2.0");
 * text after a component's digits ("2+dfsg") is ignored. */
static int vercmp(const char *a, const char *b)
{
	while (*a || *b) {
		unsigned long x = 0, y = 0;
		if (isdigit((unsigned char)*a))
			x = strtoul(a, (char **)&a, 10);
		if (isdigit((unsigned char)*b))
			y = strtoul(b, (char **)&b, 10);
		if (x != y)
			return x < y ? -1 : 1;
		while (*a && *a != '.' && !isspace((unsigned char)*a))
			a++;
		while (*b && *b != '.' && !isspace((unsigned char)*b))
			b++;
		if (isspace((unsigned char)*a))
			a = "";
		if (isspace((unsigned char)*b))
			b = "";
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
	}
	return 0;
}

static bool version_syntax(const char *v, size_t len)
{
	if (!len || !isdigit((unsigned char)v[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)v[i]) && !strchr(".-+~_", v[i]))
			return false;
	return true;
}

int pf_version_match(const char *spec, const char *version)
{
	if (!spec || !*spec)
		return 1;
	if (!version)
		version = "";
	if (strpbrk(spec, "*?["))
		return fnmatch(spec, version, 0) == 0;
	if (!strpbrk(spec, "<>=")) {
		/* plain: every component of spec equals the version's component */
		if (!version_syntax(spec, strlen(spec)))
			return -1;
		const char *s = spec, *v = version;
		while (*s) {
			if (!isdigit((unsigned char)*v))
				return 0;
			if (strtoul(s, (char **)&s, 10) != strtoul(v, (char **)&v, 10))
				return 0;
			while (*s && *s != '.')
				s++;
			while (*v && *v != '.' && !isspace((unsigned char)*v))
				v++;
			if (*s == '.' && *v != '.')
				return 0;
			if (*s == '.') {
				s++;
				v++;
			}
		}
		return 1;
	}
	int ok = 1;
	const char *p = spec;
	while (*p) {
		char op[3] = "";
		int oplen = 0;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		while (oplen < 2 && strchr("<>=", *p))
			op[oplen++] = *p++;
		op[oplen] = '\0';
		const char *v = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		char ver[64];
		size_t vl = (size_t)(p - v);
		if (!oplen || !version_syntax(v, vl) || vl >= sizeof(ver))
			return -1;
		memcpy(ver, v, vl);
		ver[vl] = '\0';
		int c = vercmp(version, ver);
		if (!strcmp(op, ">="))
			ok &= c >= 0;
		else if (!strcmp(op, ">"))
			ok &= c > 0;
		else if (!strcmp(op, "<="))
			ok &= c <= 0;
		else if (!strcmp(op, "<"))
			ok &= c < 0;
		else if (!strcmp(op, "==") || !strcmp(op, "="))
			ok &= c == 0;
		else
			return -1;
	}
	return ok;
}

static bool valid_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;
	char tail;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
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

static const char *valid_list_item(const char *key, const char *v)
{
	if (!strcmp(key, "subcases"))
		return subcase_glob_ok(v)
			       ? NULL
			       : "is not a fingerprint glob (words of [a-z0-9-] joined by '/', "
				 "'*' as wildcard; \"*\" for the whole check)";
	if (!strcmp(key, "device"))
		return pf_device_type_known(v) ? NULL : "is not a known device type";
	return !strcmp(v, "mmio") || !strcmp(v, "pci") ? NULL : "must be 'mmio' or 'pci'";
}

static int parse_list(struct pf_ydoc *d, yaml_node_t *map, const char *key, const char *field,
		      struct pf_strv *out)
{
	char f[160], fi[200];
	yaml_node_t *n = pf_y_get(d, map, key);

	snprintf(f, sizeof(f), "%s.%s", field, key);
	if (!n)
		return 0;
	if (pf_y_expect(d, n, YAML_SEQUENCE_NODE, f))
		return -1;
	if (!pf_y_len(n))
		return pf_y_fail(d, n, f, "list is empty (leave the key out instead)");
	if (!(out->v = calloc(pf_y_len(n), sizeof(char *))))
		return pf_y_fail(d, n, f, "out of memory");
	for (size_t i = 0; i < pf_y_len(n); i++) {
		yaml_node_t *it = pf_y_item(d, n, i);
		const char *v, *why;
		snprintf(fi, sizeof(fi), "%s[%zu]", f, i);
		if (!(v = pf_y_scalar(d, it, fi)))
			return -1;
		if ((why = valid_list_item(key, v)))
			return pf_y_fail(d, it, fi, "'%s' %s", v, why);
		if (!(out->v[out->n++] = strdup(v)))
			return pf_y_fail(d, it, fi, "out of memory");
	}
	return 0;
}

static int parse_entry(struct pf_ydoc *d, yaml_node_t *n, size_t idx, struct entry *e,
		       const struct pf_waivers *w, const struct entry *prev, size_t nprev)
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
	if (pf_y_keys(d, n, f, keys, req) || pf_y_str(d, n, "id", f, true, &e->id) ||
	    pf_y_str(d, n, "kind", f, true, &kind) ||
	    pf_y_str(d, n, "hypervisor", f, true, &e->hypervisor) ||
	    pf_y_str(d, n, "version", f, false, &e->version) ||
	    pf_y_str(d, n, "test", f, true, &e->test) ||
	    pf_y_str(d, n, "reason", f, true, &e->reason) ||
	    pf_y_str(d, n, "issue", f, true, &e->issue) ||
	    pf_y_str(d, n, "expires", f, true, &e->expires) ||
	    pf_y_str(d, n, "approved_by", f, false, &e->approved_by) ||
	    parse_list(d, n, "device", f, &e->devices) ||
	    parse_list(d, n, "transport", f, &e->transports) ||
	    parse_list(d, n, "subcases", f, &e->subcases)) {
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
	if (!valid_date(e->expires))
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
	struct entry *ne = NULL;
	size_t nn = 0;
	char *schema = NULL;
	yaml_node_t *root, *list;
	int rc = -1;

	pf_error_clear(err);
	if (pf_ydoc_load(&d, buf, len, name, err))
		goto out;
	root = pf_ydoc_root(&d);
	if (pf_y_keys(&d, root, "", keys, req) || pf_y_str(&d, root, "schema", "", true, &schema))
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
	struct entry *grown = realloc(w->e, (w->n + nn + 1) * sizeof(*w->e));
	struct source *src = realloc(w->src, (w->nsrc + 1) * sizeof(*w->src));
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
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int rc;

	pf_error_clear(err);
	if (!f) {
		pf_error_fill(err, path, 0, 0, "", "cannot open: %s", strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			char *nb =
				cap >= (4u << 20) ? NULL : realloc(buf, cap = cap ? 2 * cap : 8192);
			if (!nb) {
				free(buf);
				fclose(f);
				pf_error_fill(err, path, 0, 0, "",
					      "file too large or out of memory");
				return -1;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	rc = pf_waivers_load_buffer(w, buf, len, path, err);
	free(buf);
	return rc;
}

/* ---- application ----------------------------------------------------- */

static bool strv_has(const struct pf_strv *s, const char *v)
{
	for (size_t i = 0; v && i < s->n; i++)
		if (!strcmp(s->v[i], v))
			return true;
	return false;
}

static void today_utc(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static json_t *strv_json(const struct pf_strv *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

static json_t *entry_json(const struct entry *e)
{
	return json_pack("{s:s, s:s, s:s, s:s?, s:s, s:o, s:s, s:s, s:s, s:s?, s:s, s:i}", "id",
			 e->id, "kind", e->kind == KIND_WAIVER ? "waiver" : "known-failure",
			 "hypervisor", e->hypervisor, "version", e->version, "test", e->test,
			 "subcases", strv_json(&e->subcases), "reason", e->reason, "issue",
			 e->issue, "expires", e->expires, "approved_by", e->approved_by, "file",
			 e->file, "line", e->line);
}

/* Restores a result changed by an earlier application. */
static void restore(json_t *res)
{
	json_t *orig = json_object_get(res, "probe_verdict");

	if (json_is_string(orig))
		json_object_set(res, "verdict", orig);
	json_object_del(res, "probe_verdict");
	json_object_del(res, "waiver");
	json_object_del(res, "waiver_expired");
	json_object_del(res, "waiver_not_covered");
}

static bool whole_check(const struct entry *e)
{
	return strv_has(&e->subcases, "*");
}

/*
 * The failures of res that e does not excuse, appended to out (NULL: only
 * counted). Every fingerprint in "subs" must match one of e's globs; a
 * result that names none (error, crash, wedged, timeout) or whose list was
 * cut (subs_more) is excused only by the whole check, "*".
 */
static size_t not_covered(const struct entry *e, const json_t *res, json_t *out)
{
	const json_t *subs = json_object_get(res, "subs"), *fp;
	size_t i, n = 0;

	if (whole_check(e))
		return 0;
	if (!json_array_size(subs)) {
		if (out)
			json_array_append_new(out, json_string(PF_FP_UNNAMED));
		return 1;
	}
	json_array_foreach (subs, i, fp) {
		const char *s = json_string_value(fp);
		bool hit = false;

		for (size_t k = 0; s && !hit && k < e->subcases.n; k++)
			hit = !fnmatch(e->subcases.v[k], s, 0);
		if (hit)
			continue;
		n++;
		if (out)
			json_array_append_new(out, json_string(s ? s : PF_FP_UNNAMED));
	}
	if (json_is_true(json_object_get(res, "subs_more"))) {
		n++;
		if (out)
			json_array_append_new(out, json_string(PF_FP_MORE));
	}
	return n;
}

static bool entry_matches(const struct entry *e, const json_t *res, const json_t *dev)
{
	const char *test = pf_json_str(res, "test");

	if (!test || fnmatch(e->test, test, 0))
		return false;
	if (e->devices.n && !strv_has(&e->devices, pf_json_str(dev, "type")))
		return false;
	if (e->transports.n && !strv_has(&e->transports, pf_json_str(dev, "transport")))
		return false;
	return true;
}

int pf_waivers_apply(json_t *results, const struct pf_waivers *w, const char *today, char *err,
		     size_t errlen)
{
	const json_t *hv = json_object_get(json_object_get(results, "run"), "hypervisor");
	const char *hv_name = pf_json_str(hv, "name"), *hv_ver = pf_json_str(hv, "version");
	json_t *list = json_object_get(results, "results"), *res;
	char date[11];
	size_t i, nw = w ? w->n : 0;

	if (!json_is_object(results) || !json_is_array(list)) {
		snprintf(err, errlen,
			 "results: not a plugfest-results document (no 'results' array)");
		return -1;
	}
	/* PF_TODAY pins the date entries expire against, so a test or a
	 * re-scoring of an old run does not change verdict with the calendar. */
	if (!today && getenv("PF_TODAY") && *getenv("PF_TODAY"))
		today = getenv("PF_TODAY");
	if (today && !valid_date(today)) {
		snprintf(err, errlen,
			 "date '%s' (the re-scoring date or PF_TODAY) is not YYYY-MM-DD", today);
		return -1;
	}
	if (today)
		snprintf(date, sizeof(date), "%s", today);
	else
		today_utc(date);
	unsigned *applied = calloc(nw + 1, sizeof(unsigned)),
		 *xpass = calloc(nw + 1, sizeof(unsigned));
	unsigned *expired_hits = calloc(nw + 1, sizeof(unsigned)),
		 *passing = calloc(nw + 1, sizeof(unsigned));
	unsigned *uncovered = calloc(nw + 1, sizeof(unsigned));
	bool *hv_ok = calloc(nw + 1, sizeof(bool));
	if (!applied || !xpass || !expired_hits || !passing || !hv_ok || !uncovered) {
		free(applied);
		free(xpass);
		free(expired_hits);
		free(passing);
		free(hv_ok);
		free(uncovered);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t k = 0; k < nw; k++)
		hv_ok[k] = hv_name && !fnmatch(w->e[k].hypervisor, hv_name, FNM_CASEFOLD) &&
			   pf_version_match(w->e[k].version, hv_ver) == 1;
	json_array_foreach (list, i, res) {
		restore(res);
		const json_t *dev = pf_results_device(results, pf_json_str(res, "device"));
		enum pf_rv v = pf_rv_parse(pf_json_str(res, "verdict"));
		const struct entry *pick = NULL, *near = NULL;
		size_t pick_k = 0, near_k = 0;
		for (size_t k = 0; k < nw; k++) {
			const struct entry *e = &w->e[k];
			if (!hv_ok[k] || !entry_matches(e, res, dev))
				continue;
			/* the entry describes other failures of this check */
			if (pf_rv_is_failing(v) && not_covered(e, res, NULL)) {
				if (!near && strcmp(e->expires, date) >= 0) {
					near = e;
					near_k = k;
				}
				continue;
			}
			if (strcmp(e->expires, date) < 0) {
				/* expired: no effect, but the result remembers it */
				if (pf_rv_is_failing(v) || v == PF_RV_PASS) {
					expired_hits[k]++;
					if (!json_object_get(res, "waiver_expired"))
						json_object_set_new(res, "waiver_expired",
								    entry_json(e));
				}
				continue;
			}
			/* a waiver (formal acceptance) wins over a known failure */
			if (!pick || (pick->kind == KIND_KNOWN_FAILURE && e->kind == KIND_WAIVER)) {
				pick = e;
				pick_k = k;
			}
		}
		if (!pick && near) {
			json_t *nc = entry_json(near), *fps = json_array();

			not_covered(near, res, fps);
			json_object_set_new(nc, "not_covered", fps);
			json_object_set_new(res, "waiver_not_covered", nc);
			uncovered[near_k]++;
		}
		if (!pick)
			continue;
		const char *nv = NULL;
		if (pf_rv_is_failing(v))
			nv = pick->kind == KIND_WAIVER ? "waived" : "xfail";
		else if (v == PF_RV_PASS && pick->kind == KIND_KNOWN_FAILURE)
			nv = "xpass";
		else if (v == PF_RV_PASS)
			passing[pick_k]++; /* waiver no longer needed */
		if (!nv)
			continue;
		if (!strcmp(nv, "xpass"))
			xpass[pick_k]++;
		else
			applied[pick_k]++;
		json_object_set(res, "probe_verdict", json_object_get(res, "verdict"));
		json_object_set_new(res, "verdict", json_string(nv));
		json_object_set_new(res, "waiver", entry_json(pick));
	}
	json_t *entries = json_array(), *files = json_array();
	for (size_t k = 0; k < nw; k++) {
		const struct entry *e = &w->e[k];
		const char *status = !hv_ok[k]			    ? "other-hypervisor"
				     : strcmp(e->expires, date) < 0 ? "expired"
				     : applied[k]		    ? "applied"
				     : xpass[k]			    ? "stale"
				     : passing[k]		    ? "not-needed"
				     : uncovered[k]		    ? "not-covered"
								    : "unused";
		json_t *ej = entry_json(e);
		json_object_set_new(ej, "status", json_string(status));
		json_object_set_new(ej, "applied", json_integer(applied[k]));
		json_object_set_new(ej, "xpass", json_integer(xpass[k]));
		json_object_set_new(ej, "expired_matches", json_integer(expired_hits[k]));
		json_object_set_new(ej, "not_covered", json_integer(uncovered[k]));
		json_array_append_new(entries, ej);
	}
	for (size_t k = 0; w && k < w->nsrc; k++)
		json_array_append_new(files, json_pack("{s:s, s:s}", "file", w->src[k].file,
						       "sha256", w->src[k].sha256));
	json_object_set_new(
		results, "waivers",
		json_pack("{s:s, s:o, s:o}", "date", date, "files", files, "entries", entries));
	free(applied);
	free(xpass);
	free(expired_hits);
	free(passing);
	free(hv_ok);
	free(uncovered);
	return 0;
}

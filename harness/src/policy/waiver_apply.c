/* SPDX-License-Identifier: MIT */
/* Known-failure / waiver entries applied to a run: version and date
 * matching, verdict changes and the record in results["waivers"]. */
#define _GNU_SOURCE
#include "policy/waiver.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/score.h"
#include "policy/waiver_entry.h"
#include "util/json.h"

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

bool pf_date_valid(const char *s)
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

static json_t *entry_json(const struct pf_waiver_entry *e)
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

static bool whole_check(const struct pf_waiver_entry *e)
{
	return strv_has(&e->subcases, "*");
}

/*
 * The failures of res that e does not excuse, appended to out (NULL: only
 * counted). Every fingerprint in "subs" must match one of e's globs; a
 * result that names none (error, crash, wedged, timeout) or whose list was
 * cut (subs_more) is excused only by the whole check, "*".
 */
static size_t not_covered(const struct pf_waiver_entry *e, const json_t *res, json_t *out)
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

static bool entry_matches(const struct pf_waiver_entry *e, const json_t *res, const json_t *dev)
{
	const char *test = pf_json_string_get(res, "test", NULL);

	if (!test || fnmatch(e->test, test, 0))
		return false;
	if (e->devices.n && !strv_has(&e->devices, pf_json_string_get(dev, "type", NULL)))
		return false;
	if (e->transports.n &&
	    !strv_has(&e->transports, pf_json_string_get(dev, "transport", NULL)))
		return false;
	return true;
}

/* What happened to one entry during an application. */
struct tally {
	bool hv_ok; /* the run's hypervisor and version match */
	unsigned applied, xpass, expired_hits, passing, uncovered;
};

int pf_waivers_apply(json_t *results, const struct pf_waivers *w, const char *today,
		     struct pf_error *err)
{
	const json_t *hv = json_object_get(json_object_get(results, "run"), "hypervisor");
	const char *hv_name = pf_json_string_get(hv, "name", NULL),
		   *hv_ver = pf_json_string_get(hv, "version", NULL);
	json_t *list = json_object_get(results, "results"), *res;
	char date[11];
	size_t i, nw = w ? w->n : 0;

	if (!json_is_object(results) || !json_is_array(list)) {
		return pf_error_fill(err, "results", 0, 0, NULL,
				     "not a plugfest-results document (no 'results' array)");
	}
	/* PF_TODAY pins the date entries expire against, so a test or a
	 * re-scoring of an old run does not change verdict with the calendar. */
	if (!today && getenv("PF_TODAY") && *getenv("PF_TODAY"))
		today = getenv("PF_TODAY");
	if (today && !pf_date_valid(today)) {
		return pf_error_fill(err, NULL, 0, 0, "date",
				     "'%s' (the re-scoring date or PF_TODAY) is not YYYY-MM-DD",
				     today);
	}
	if (today)
		snprintf(date, sizeof(date), "%s", today);
	else
		today_utc(date);
	struct tally *t = calloc(nw + 1, sizeof(*t));
	if (!t)
		return pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
	for (size_t k = 0; k < nw; k++)
		t[k].hv_ok = hv_name && !fnmatch(w->e[k].hypervisor, hv_name, FNM_CASEFOLD) &&
			     pf_version_match(w->e[k].version, hv_ver) == 1;
	json_array_foreach (list, i, res) {
		restore(res);
		const json_t *dev =
			pf_results_device(results, pf_json_string_get(res, "device", NULL));
		enum pf_rv v = pf_rv_parse(pf_json_string_get(res, "verdict", NULL));
		const struct pf_waiver_entry *pick = NULL, *near = NULL;
		size_t pick_k = 0, near_k = 0;
		for (size_t k = 0; k < nw; k++) {
			const struct pf_waiver_entry *e = &w->e[k];
			if (!t[k].hv_ok || !entry_matches(e, res, dev))
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
					t[k].expired_hits++;
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
			t[near_k].uncovered++;
		}
		if (!pick)
			continue;
		const char *nv = NULL;
		if (pf_rv_is_failing(v))
			nv = pick->kind == KIND_WAIVER ? "waived" : "xfail";
		else if (v == PF_RV_PASS && pick->kind == KIND_KNOWN_FAILURE)
			nv = "xpass";
		else if (v == PF_RV_PASS)
			t[pick_k].passing++; /* waiver no longer needed */
		if (!nv)
			continue;
		if (!strcmp(nv, "xpass"))
			t[pick_k].xpass++;
		else
			t[pick_k].applied++;
		json_object_set(res, "probe_verdict", json_object_get(res, "verdict"));
		json_object_set_new(res, "verdict", json_string(nv));
		json_object_set_new(res, "waiver", entry_json(pick));
	}
	json_t *entries = json_array(), *files = json_array();
	for (size_t k = 0; k < nw; k++) {
		const struct pf_waiver_entry *e = &w->e[k];
		const char *status = !t[k].hv_ok		    ? "other-hypervisor"
				     : strcmp(e->expires, date) < 0 ? "expired"
				     : t[k].applied		    ? "applied"
				     : t[k].xpass		    ? "stale"
				     : t[k].passing		    ? "not-needed"
				     : t[k].uncovered		    ? "not-covered"
								    : "unused";
		json_t *ej = entry_json(e);
		json_object_set_new(ej, "status", json_string(status));
		json_object_set_new(ej, "applied", json_integer(t[k].applied));
		json_object_set_new(ej, "xpass", json_integer(t[k].xpass));
		json_object_set_new(ej, "expired_matches", json_integer(t[k].expired_hits));
		json_object_set_new(ej, "not_covered", json_integer(t[k].uncovered));
		json_array_append_new(entries, ej);
	}
	for (size_t k = 0; w && k < w->nsrc; k++)
		json_array_append_new(files, json_pack("{s:s, s:s}", "file", w->src[k].file,
						       "sha256", w->src[k].sha256));
	json_object_set_new(
		results, "waivers",
		json_pack("{s:s, s:o, s:o}", "date", date, "files", files, "entries", entries));
	free(t);
	return 0;
}

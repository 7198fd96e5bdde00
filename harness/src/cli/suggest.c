/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "cli/suggest.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/score.h"
#include "ingest/stream.h"
#include "util/json.h"

#define SUGGEST_EXPIRY_DAYS 180
#define SUGGEST_EXAMPLES 3 /* observed messages quoted per entry */

/* One check x device type x transport group. */
struct group {
	const char *test, *type, *transport; /* borrowed from the results */
	json_t *subs;			     /* fingerprint -> true, in order seen */
	json_t *examples;		     /* "device: message" */
	unsigned results;
	bool whole; /* a result without fingerprints or with a cut list */
};

static bool str_eq0(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int group_cmp(const void *pa, const void *pb)
{
	const struct group *a = pa, *b = pb;
	int c = strcmp(a->test, b->test);

	if (!c)
		c = strcmp(a->type ? a->type : "", b->type ? b->type : "");
	if (!c)
		c = strcmp(a->transport ? a->transport : "", b->transport ? b->transport : "");
	return c;
}

/* today + days as YYYY-MM-DD; -1 if today is not a date. */
static int date_add(const char *today, int days, char out[11])
{
	struct tm tm = { 0 };
	time_t t;

	if (today) {
		if (strlen(today) != 10 ||
		    sscanf(today, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
			return -1;
		int y = tm.tm_year, m = tm.tm_mon, d = tm.tm_mday;

		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		tm.tm_hour = 12; /* away from any day boundary */
		t = timegm(&tm);
		/* timegm() normalises: 2026-13-01 is not a date */
		if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 != y || tm.tm_mon + 1 != m ||
		    tm.tm_mday != d)
			return -1;
	} else {
		t = time(NULL);
	}
	t += (time_t)days * 86400;
	if (!gmtime_r(&t, &tm))
		return -1;
	strftime(out, 11, "%Y-%m-%d", &tm);
	return 0;
}

/* A YAML double-quoted scalar: backslash and quote escaped, controls as
 * spaces (messages come from the device under test). */
static void yaml_quoted(struct pf_buf *b, const char *s)
{
	pf_buf_puts(b, "\"");
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			pf_buf_printf(b, "\\%c", *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			pf_buf_puts(b, " ");
		else
			pf_buf_add(b, s, 1);
	}
	pf_buf_puts(b, "\"");
}

/* An entry id: HV + major.minor + check + type + transport, uppercased,
 * every other character a '-'. */
static void entry_id(struct pf_buf *b, const char *hv, const char *mm, const struct group *g)
{
	const char *parts[] = { hv, mm, g->test, g->type, g->transport };
	bool first = true;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (!parts[i] || !*parts[i])
			continue;
		if (!first && i != 1)
			pf_buf_puts(b, "-");
		first = false;
		for (const char *c = parts[i]; *c; c++) {
			if (isalnum((unsigned char)*c))
				pf_buf_printf(b, "%c", toupper((unsigned char)*c));
			else if (i != 1)
				pf_buf_puts(b, "-");
		}
	}
}

/* "7.2.0 (Debian ...)" -> "7.2" (what a plain version entry matches as
 * a prefix); "" if it does not start with a number. */
static void major_minor(const char *v, char *out, size_t cap)
{
	size_t n = 0;
	int dots = 0;

	for (; v && n + 1 < cap && (isdigit((unsigned char)*v) || (*v == '.' && dots < 1)); v++) {
		if (*v == '.' && (!isdigit((unsigned char)v[1]) || !n))
			break;
		dots += *v == '.';
		out[n++] = *v;
	}
	out[n] = 0;
}

static int collect(const json_t *results, struct group **gs, size_t *ng)
{
	const json_t *res;
	size_t i, cap = 0;

	json_array_foreach (json_object_get(results, "results"), i, res) {
		enum pf_rv v = pf_rv_parse(pf_json_string_get(res, "verdict", NULL));
		const char *test = pf_json_string_get(res, "test", NULL);
		const json_t *dev =
			pf_results_device(results, pf_json_string_get(res, "device", NULL));
		const char *type = pf_json_string_get(dev, "type", NULL),
			   *tr = pf_json_string_get(dev, "transport", NULL);
		const json_t *subs = json_object_get(res, "subs"), *fp;
		struct group *g = NULL;
		size_t k;

		if (!pf_rv_is_failing(v) || !test)
			continue;
		for (k = 0; k < *ng && !g; k++)
			if (!strcmp((*gs)[k].test, test) && str_eq0((*gs)[k].type, type) &&
			    str_eq0((*gs)[k].transport, tr))
				g = &(*gs)[k];
		if (!g) {
			if (*ng == cap) {
				struct group *n =
					realloc(*gs, (cap = cap ? 2 * cap : 16) * sizeof(**gs));

				if (!n)
					return -1;
				*gs = n;
			}
			g = &(*gs)[(*ng)++];
			*g =
				(struct group){ test,	      type, tr,	  json_object(),
						json_array(), 0,    false };
			if (!g->subs || !g->examples)
				return -1;
		}
		g->results++;
		if (!json_array_size(subs) || json_is_true(json_object_get(res, "subs_more")))
			g->whole = true;
		json_array_foreach (subs, k, fp) {
			/* results.json is input: only well-formed fingerprints
			 * go into the YAML unquoted */
			if (pf_fingerprint_ok(json_string_value(fp)))
				json_object_set_new(g->subs, json_string_value(fp), json_true());
			else
				g->whole = true;
		}
		if (json_array_size(g->examples) < SUGGEST_EXAMPLES) {
			char ex[400];

			snprintf(ex, sizeof(ex), "%s (%s): %s",
				 pf_json_string_get(res, "device", NULL)
					 ? pf_json_string_get(res, "device", NULL)
					 : "?",
				 pf_rv_name(v),
				 pf_json_string_get(res, "message", NULL)
					 ? pf_json_string_get(res, "message", NULL)
					 : "");
			json_array_append_new(g->examples, json_string(ex));
		}
	}
	return 0;
}

int pf_known_failures_suggest(const json_t *results, const char *today, struct pf_buf *out,
			      struct pf_error *err)
{
	const json_t *hv = json_object_get(json_object_get(results, "run"), "hypervisor");
	const char *hv_name = pf_json_string_get(hv, "name", NULL),
		   *hv_ver = pf_json_string_get(hv, "version", NULL);
	struct group *gs = NULL;
	size_t ng = 0;
	char expires[11], mm[32];
	int rc = -1;

	if (!json_is_object(results) || !json_is_array(json_object_get(results, "results"))) {
		return pf_error_fill(err, NULL, 0, 0, NULL,
				     "not a plugfest-results document (no 'results' array)");
	}
	if (date_add(today, SUGGEST_EXPIRY_DAYS, expires)) {
		return pf_error_fill(err, NULL, 0, 0, "date", "'%s' is not YYYY-MM-DD",
				     today ? today : "");
	}
	if (collect(results, &gs, &ng)) {
		pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (ng)
		qsort(gs, ng, sizeof(*gs), group_cmp);
	major_minor(hv_ver, mm, sizeof(mm));
	if (!hv_name || !*hv_name)
		hv_name = "*";

	pf_buf_puts(out,
		    "# Draft known-failure entries for the failures of this run that no entry\n"
		    "# excuses. Review each one before committing it: write the reason (the\n"
		    "# VIRTIO 1.4 statement and what the device does instead), link the\n"
		    "# tracking issue, check that the subcases name only the deviation the\n"
		    "# reason describes, and narrow or widen device/transport/version.\n");
	pf_buf_printf(out, "# From %s %s.\n", hv_name, hv_ver ? hv_ver : "(version unknown)");
	pf_buf_puts(out, "schema: plugfest-known-failures/1\n");
	pf_buf_puts(out, ng ? "entries:\n" : "entries: []\n");
	for (size_t i = 0; i < ng; i++) {
		const struct group *g = &gs[i];
		const char *key;
		json_t *v;
		size_t k;
		bool first = true;

		pf_buf_puts(out, "  - id: ");
		entry_id(out, hv_name, mm, g);
		pf_buf_puts(out, "\n    kind: known-failure\n    hypervisor: ");
		yaml_quoted(out, hv_name);
		pf_buf_puts(out, "\n");
		if (*mm) {
			pf_buf_puts(out, "    version: ");
			yaml_quoted(out, mm);
			pf_buf_puts(out, "\n");
		}
		pf_buf_printf(out, "    test: %s\n", g->test);
		if (g->type)
			pf_buf_printf(out, "    device: [%s]\n", g->type);
		if (g->transport)
			pf_buf_printf(out, "    transport: [%s]\n", g->transport);
		pf_buf_puts(out, "    subcases: [");
		if (g->whole) {
			/* a crash, hang or error names no fingerprint */
			pf_buf_puts(out, "\"*\"");
		} else {
			json_object_foreach (g->subs, key, v) {
				pf_buf_printf(out, "%s%s", first ? "" : ", ", key);
				first = false;
			}
		}
		pf_buf_printf(out, "]\n    # %u result(s), e.g.:\n", g->results);
		json_array_foreach (g->examples, k, v) {
			pf_buf_puts(out, "    #   ");
			for (const char *c = json_string_value(v); c && *c; c++)
				pf_buf_add(out, (unsigned char)*c < 0x20 ? " " : c, 1);
			pf_buf_puts(out, "\n");
		}
		pf_buf_puts(out, "    reason: \"TODO: the VIRTIO 1.4 statement violated and what "
				 "the device does "
				 "instead\"\n");
		pf_buf_puts(out,
			    "    issue: https://example.invalid/TODO-link-the-tracking-issue\n");
		pf_buf_printf(out, "    expires: %s\n", expires);
	}
	rc = out->oom ? -1 : (int)ng;
	if (out->oom)
		pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
out:
	for (size_t i = 0; i < ng; i++) {
		json_decref(gs[i].subs);
		json_decref(gs[i].examples);
	}
	free(gs);
	return rc;
}

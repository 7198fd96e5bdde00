/* SPDX-License-Identifier: MIT */
#include "cli/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pf/catalogue.h"
#include "policy/score.h"
#include "policy/waiver.h"
#include "util/json.h"

struct pf_progress {
	FILE *out;
	int verbose;
	int tty;
	unsigned boots;
	unsigned long results, fails, xfails, warns, diags;
	char last[160];
	double drawn; /* monotonic seconds of the last status line */
	/* known failures applied as results arrive: a one-result document in
	 * the results.json shape, so the matching is the report's own */
	const struct pf_waivers *known;
	json_t *kf;
};

struct pf_progress *pf_progress_new(FILE *out, int verbose)
{
	struct pf_progress *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->out = out;
	p->verbose = verbose;
	p->tty = isatty(fileno(out));
	return p;
}

void pf_progress_free(struct pf_progress *p)
{
	if (p)
		json_decref(p->kf);
	free(p);
}

int pf_progress_known_failures(struct pf_progress *p, const struct pf_waivers *w,
			       const char *hv_name, const char *hv_version)
{
	json_decref(p->kf);
	p->known = w;
	p->kf = json_pack("{s:{s:{s:s?, s:s?}}, s:[], s:[]}", "run", "hypervisor", "name", hv_name,
			  "version", hv_version, "devices", "results");
	return p->kf ? 0 : -1;
}

/* A result record in the results.json shape (results.c), with what the
 * catalogue adds, so that whatever an entry matches on is there. */
static json_t *result_of(const json_t *rec, const char *v)
{
	const char *test = pf_json_string_get(rec, "test", NULL);
	const char *level = pf_json_string_get(rec, "level", NULL);
	int ci = pf_catalogue_find(test ? test : "");
	const struct pf_check_info *c = ci >= 0 ? &pf_catalogue[ci] : NULL;

	if (!level && c)
		level = pf_level_name(c->level);
	/* the fingerprints too: a known failure excuses only the sub-cases
	 * it names, live as in results.json */
	return json_pack("{s:s?, s:O?, s:O?, s:s, s:s?, s:s?, s:s?, s:O?, s:O?, s:O?, s:O?, s:O?}",
			 "test", test, "device", json_object_get(rec, "dev"), "step",
			 json_object_get(rec, "step"), "verdict", v, "level", level, "class",
			 c ? pf_class_name(c->cls) : NULL, "area", c ? c->area : NULL, "reqs",
			 json_object_get(rec, "reqs"), "message", json_object_get(rec, "msg"),
			 "sub", json_object_get(rec, "sub"), "subs", json_object_get(rec, "subs"),
			 "subs_more", json_object_get(rec, "subs_more"));
}

/* The verdict of a result record after known failures and waivers. */
static const char *effective_verdict(struct pf_progress *p, const json_t *rec, const char *v)
{
	json_t *res, *list;
	struct pf_error err;

	if (!p->known || !p->kf)
		return v;
	res = result_of(rec, v);
	list = json_array();
	if (!res || !list || json_array_append_new(list, res) ||
	    json_object_set_new(p->kf, "results", list)) {
		json_decref(list);
		return v;
	}
	if (pf_waivers_apply(p->kf, p->known, NULL, &err))
		return v;
	return pf_json_string_get(res, "verdict", NULL);
}

/* The device as results.json lists it: the record's members, dev as id. */
static void known_device(struct pf_progress *p, const json_t *rec)
{
	json_t *d;

	if (!p->kf || !(d = json_deep_copy(rec)))
		return;
	json_object_set(d, "id", json_object_get(rec, "dev"));
	json_object_del(d, "dev");
	json_object_del(d, "t");
	json_array_append_new(json_object_get(p->kf, "devices"), d);
}

/* On a terminal, plain lines first wipe the status line. */
static void line_start(struct pf_progress *p)
{
	if (p->tty)
		fputs("\r\033[K", p->out);
}

static void status(struct pf_progress *p)
{
	struct timespec ts;
	double now;

	if (!p->tty)
		return;
	/* thousands of records a second: redraw at most ten times a second */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (now - p->drawn < 0.1)
		return;
	p->drawn = now;
	fprintf(p->out, "\r\033[K[boot %u] %lu checks: %lu fail, %lu xfail, %lu warn  %s", p->boots,
		p->results, p->fails, p->xfails, p->warns, p->last);
	fflush(p->out);
}

void pf_progress_start(struct pf_progress *p, const char *target, const char *hv_version,
		       const char *outdir)
{
	fprintf(p->out, "plugfest: target %s (%s), output in %s\n", target, hv_version, outdir);
	fflush(p->out);
}

void pf_progress_boot(struct pf_progress *p, pid_t pid)
{
	p->boots++;
	line_start(p);
	fprintf(p->out, "plugfest: boot %u, hypervisor pid %ld\n", p->boots, (long)pid);
	fflush(p->out);
}

static const char *str(const json_t *rec, const char *key)
{
	const char *s = pf_json_string_get(rec, key, NULL);

	return s ? s : "";
}

void pf_progress_record(struct pf_progress *p, const json_t *rec)
{
	const char *t = str(rec, "t");

	if (!strcmp(t, "device")) {
		known_device(p, rec);
		if (p->verbose || !p->tty) {
			line_start(p);
			fprintf(p->out, "  device %-20s %-8s %s %s\n", str(rec, "dev"),
				str(rec, "type"), str(rec, "transport"), str(rec, "mode"));
		}
	} else if (!strcmp(t, "begin")) {
		snprintf(p->last, sizeof(p->last), "%s on %s", str(rec, "test"), str(rec, "dev"));
	} else if (!strcmp(t, "result")) {
		const char *v = effective_verdict(p, rec, str(rec, "verdict"));
		int bad = !strcmp(v, "fail") || !strcmp(v, "error") || !strcmp(v, "xfail") ||
			  !strcmp(v, "xpass");

		p->results++;
		p->fails += !strcmp(v, "fail");
		p->xfails += !strcmp(v, "xfail");
		p->warns += !strcmp(v, "warn");
		if (bad || p->verbose) {
			line_start(p);
			const char *sub = str(rec, "sub");

			fprintf(p->out, "  %-5s %-32s %-20s %s%s%s%s\n", v, str(rec, "test"),
				str(rec, "dev"), str(rec, "msg"), *sub ? " [" : "", sub,
				*sub ? "]" : "");
		}
	} else if (!strcmp(t, "fault")) {
		line_start(p);
		fprintf(p->out, "  probe fault: %s\n", str(rec, "msg"));
	}
	status(p);
}

void pf_progress_diag(struct pf_progress *p, const struct pf_diag *d)
{
	p->diags++;
	if (p->verbose) {
		line_start(p);
		fprintf(p->out, "  stream: %s at line %llu: %s\n", pf_diag_kind_name(d->kind),
			(unsigned long long)d->line, d->message);
	}
}

void pf_progress_finding(struct pf_progress *p, const char *kind, const char *msg)
{
	line_start(p);
	fprintf(p->out, "  FINDING %s: %s\n", kind, msg);
	fflush(p->out);
}

/* n[]: pass, fail, warn, skipped, not applicable, known (xfail, waived) */
static void count_device(const json_t *results, const char *dev, int n[6], const char **verdict)
{
	size_t i;
	json_t *r;

	memset(n, 0, 6 * sizeof(int));
	json_array_foreach (results, i, r) {
		const char *v = str(r, "verdict");

		if (strcmp(str(r, "device"), dev))
			continue;
		if (!strcmp(v, "pass") || !strcmp(v, "xpass"))
			n[0]++;
		else if (!strcmp(v, "warn"))
			n[2]++;
		else if (!strcmp(v, "skip"))
			n[3]++;
		else if (!strcmp(v, "na"))
			n[4]++;
		else if (!strcmp(v, "xfail") || !strcmp(v, "waived"))
			n[5]++;
		else
			n[1]++; /* fail, error, crash, wedged, timeout */
	}
	*verdict = n[1]			   ? "non-conformant"
		   : !(n[0] + n[2] + n[5]) ? "nothing tested"
		   : n[5]		   ? "known failures only"
		   : n[2]		   ? "warnings"
					   : "conformant";
}

void pf_progress_summary(struct pf_progress *p, const json_t *doc)
{
	const json_t *devs = json_object_get(doc, "devices");
	const json_t *results = json_object_get(doc, "results");
	const json_t *counts = json_object_get(json_object_get(doc, "summary"), "counts");
	json_t *why = json_array(), *d;
	int h = pf_headline_eval(doc, why);
	size_t i;

	line_start(p);
	fprintf(p->out, "\n%-22s %-9s %-5s %5s %5s %5s %5s %5s %5s  %s\n", "device", "type", "bus",
		"pass", "fail", "warn", "skip", "n/a", "known", "verdict");
	json_array_foreach (devs, i, d) {
		int n[6];
		const char *v;

		count_device(results, str(d, "id"), n, &v);
		fprintf(p->out, "%-22s %-9s %-5s %5d %5d %5d %5d %5d %5d  %s\n", str(d, "id"),
			str(d, "type"), str(d, "transport"), n[0], n[1], n[2], n[3], n[4], n[5], v);
	}
	json_array_foreach (json_object_get(doc, "profiles"), i, d)
		fprintf(p->out, "%s profile %-18s %s\n", i ? "       " : "\nscored:", str(d, "id"),
			str(d, "verdict"));
	fprintf(p->out,
		"\nrun verdict: %s (%zu devices, %lld tested, %lld skipped, %lld not applicable, "
		"%lu results, %lu stream diagnostics)\n",
		pf_headline_name(h < 0 ? PF_HL_INCOMPLETE : (enum pf_headline)h),
		json_array_size(devs),
		(long long)json_integer_value(
			json_object_get(json_object_get(doc, "summary"), "tested")),
		(long long)json_integer_value(json_object_get(counts, "skip")),
		(long long)json_integer_value(json_object_get(counts, "na")), p->results, p->diags);
	json_array_foreach (why, i, d)
		fprintf(p->out, "  - %s\n", json_string_value(d));
	if (h == PF_HL_KNOWN_FAILURES)
		fprintf(p->out, "known failures of this hypervisor version keep the run verdict "
				"conformant; "
				"the profiles count them as failures\n");
	json_decref(why);
	fflush(p->out);
}

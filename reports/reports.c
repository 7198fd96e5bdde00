/* SPDX-License-Identifier: MIT */
/*
 * From a run's results document to everything written about it: known
 * failures and waivers applied for this hypervisor and version, every
 * shipped profile scored, the summary recomputed, then results.json and the
 * reports (docs/reports.md).
 */
#define _GNU_SOURCE
#include "reports/reports.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/paths.h"
#include "policy/profile.h"
#include "reports/report_write.h"
#include "ingest/results.h"
#include "policy/score.h"
#include "policy/waiver.h"

#define MAX_PROFILES 32

static int yaml_name(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 5 && !strcmp(e->d_name + n - 5, ".yaml");
}

/* Calls fn for every DIR/ *.yaml, in name order. */
static void each_yaml(const char *dir, void (*fn)(void *ctx, const char *path), void *ctx)
{
	struct dirent **list;
	int n = scandir(dir, &list, yaml_name, alphasort);
	char path[4096];

	for (int i = 0; i < n; i++) {
		fn(ctx, pf_path_join(path, sizeof(path), dir, list[i]->d_name));
		free(list[i]);
	}
	if (n >= 0)
		free(list);
}

struct load_ctx {
	FILE *errlog;
	struct pf_profile *profiles[MAX_PROFILES];
	size_t nprofiles;
	struct pf_waivers *waivers;
};

static void load_profile(void *vctx, const char *path)
{
	struct load_ctx *c = vctx;
	struct pf_error err;
	char buf[2048];
	struct pf_profile *p;

	if (c->nprofiles == MAX_PROFILES)
		return;
	pf_error_clear(&err);
	p = pf_profile_load(path, &err);
	if (!p) {
		fprintf(c->errlog, "plugfest: profile not used: %s\n",
			pf_error_format(&err, buf, sizeof(buf)));
		return;
	}
	c->profiles[c->nprofiles++] = p;
}

static void load_waivers(void *vctx, const char *path)
{
	struct load_ctx *c = vctx;
	struct pf_error err;
	char buf[2048];

	pf_error_clear(&err);
	if (pf_waivers_load(c->waivers, path, &err))
		fprintf(c->errlog, "plugfest: known-failure file not used: %s\n",
			pf_error_format(&err, buf, sizeof(buf)));
}

int pf_reports_check_inputs(const struct pf_score_inputs *in, FILE *errlog)
{
	struct pf_error err;
	char buf[2048];

	for (size_t i = 0; in && i < in->nprofiles; i++) {
		struct pf_profile *p;

		pf_error_clear(&err);
		p = pf_profile_load(in->profiles[i], &err);
		if (!p) {
			fprintf(errlog, "plugfest: %s\n", pf_error_format(&err, buf, sizeof(buf)));
			return -1;
		}
		pf_profile_free(p);
	}
	for (size_t i = 0; in && i < in->nknown; i++) {
		struct pf_waivers *w = pf_waivers_new();
		int rc;

		pf_error_clear(&err);
		rc = w ? pf_waivers_load(w, in->known[i], &err) : -1;
		pf_waivers_free(w);
		if (rc) {
			fprintf(errlog, "plugfest: %s\n", pf_error_format(&err, buf, sizeof(buf)));
			return -1;
		}
	}
	return 0;
}

struct pf_waivers *pf_reports_load_waivers(const struct pf_score_inputs *in, FILE *errlog)
{
	struct load_ctx c = { .errlog = errlog };
	char dir[4096];

	c.waivers = pf_waivers_new();
	if (!c.waivers)
		return NULL;
	each_yaml(pf_path_join(dir, sizeof(dir), pf_data_dir(), "known-failures"), load_waivers,
		  &c);
	for (size_t i = 0; in && i < in->nknown; i++)
		load_waivers(&c, in->known[i]);
	return c.waivers;
}

/* Collects the id of every profile file (for --gate). */
static void profile_id(void *vctx, const char *path)
{
	json_t *ids = vctx;
	struct pf_error err;
	struct pf_profile *p;

	pf_error_clear(&err);
	p = pf_profile_load(path, &err);
	if (p) {
		json_object_set_new(ids, p->id, json_string(path));
		pf_profile_free(p);
	}
}

int pf_reports_check_gate(const char *id, const struct pf_score_inputs *in, FILE *errlog)
{
	json_t *ids = json_object();
	const char *k;
	json_t *v;
	char list[1024] = "";
	int rc;

	if (!ids)
		return -1;
	each_yaml(pf_data_dir(), profile_id, ids);
	for (size_t i = 0; in && i < in->nprofiles; i++)
		profile_id(ids, in->profiles[i]);
	rc = json_object_get(ids, id) ? 0 : -1;
	if (rc) {
		json_object_foreach (ids, k, v) {
			size_t n = strlen(list);
			snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "", k);
		}
		fprintf(errlog, "plugfest: --gate: no profile '%s' (profiles: %s)\n", id,
			list[0] ? list : "none");
	}
	json_decref(ids);
	return rc;
}

int pf_reports_score(json_t *doc, const struct pf_score_inputs *in, FILE *errlog)
{
	struct load_ctx c = { .errlog = errlog };
	char err[1024];
	struct pf_error e;
	json_t *sum;
	int rc = 0;

	c.waivers = pf_reports_load_waivers(in, errlog);
	if (!c.waivers)
		return -1;
	each_yaml(pf_data_dir(), load_profile, &c);
	for (size_t i = 0; in && i < in->nprofiles; i++)
		load_profile(&c, in->profiles[i]);
	if (pf_waivers_apply(doc, c.waivers, NULL, &e)) {
		fprintf(errlog, "plugfest: known failures not applied: %s\n",
			pf_error_format(&e, err, sizeof(err)));
		rc = -1;
	}
	/* the run-level verdict after known failures: what CI gates on */
	sum = pf_results_summarize(doc);
	if (sum)
		json_object_set_new(doc, "summary", sum);
	if (c.nprofiles && pf_score_attach(doc, c.profiles, c.nprofiles, &e)) {
		fprintf(errlog, "plugfest: scoring failed: %s\n",
			pf_error_format(&e, err, sizeof(err)));
		rc = -1;
	}
	for (size_t i = 0; i < c.nprofiles; i++)
		pf_profile_free(c.profiles[i]);
	pf_waivers_free(c.waivers);
	return rc;
}

static const char *const all_formats[] = { "json", "junit", "md", "html", "pdf", NULL };
static const char *const file_names[] = { "results.json", "junit.xml",	"report.md",
					  "report.html",  "report.pdf", NULL };

int pf_reports_check_formats(const char *formats, FILE *errlog)
{
	for (const char *p = formats; *p;) {
		size_t n = strcspn(p, ",");
		int k;

		for (k = 0; all_formats[k]; k++)
			if (strlen(all_formats[k]) == n && !strncmp(all_formats[k], p, n))
				break;
		if (!all_formats[k]) {
			fprintf(errlog,
				"plugfest: unknown report format '%.*s' (json, junit, md, html, "
				"pdf)\n",
				(int)n, p);
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

int pf_reports_write(const json_t *doc, const char *outdir, const char *formats, FILE *out,
		     FILE *errlog)
{
	char path[4096], msg[2048];
	struct pf_error err;
	int rc = 0;

	if (!formats)
		formats = PF_REPORT_FORMATS_ALL;
	if (pf_reports_check_formats(formats, errlog))
		return PF_EXIT_USAGE;
	for (int k = 0; all_formats[k]; k++) {
		const char *p = strstr(formats, all_formats[k]);
		size_t n = strlen(all_formats[k]);

		/* whole words of the comma-separated list only */
		while (p && ((p != formats && p[-1] != ',') || (p[n] && p[n] != ',')))
			p = strstr(p + 1, all_formats[k]);
		if (!p)
			continue;
		pf_path_join(path, sizeof(path), outdir, file_names[k]);
		pf_error_clear(&err);
		int wrc = pf_report_write(doc, all_formats[k], path, &err);
		if (!wrc) {
			if (out)
				fprintf(out, "%s\n", path);
			continue;
		}
		fprintf(errlog, "plugfest: %s\n", pf_error_format(&err, msg, sizeof(msg)));
		/* losing results.json loses the run; a report can be re-rendered
		 * from it later, and a skipped one is not a failure */
		if (wrc != PF_REPORT_SKIPPED && k == 0)
			rc = PF_EXIT_INFRA;
	}
	return rc;
}

int pf_reports_write_all(json_t *doc, const struct pf_score_inputs *in, const char *outdir,
			 const char *formats, FILE *errlog)
{
	pf_reports_score(doc, in, errlog);
	/* results.json always: every other format can be made from it */
	if (pf_reports_write(doc, outdir, "json", NULL, errlog))
		return PF_EXIT_INFRA;
	if (!formats)
		formats = PF_REPORT_FORMATS_ALL;
	return pf_reports_write(doc, outdir, formats, NULL, errlog) == PF_EXIT_USAGE ? PF_EXIT_USAGE
										     : 0;
}

int pf_results_exit_code(const json_t *doc)
{
	return pf_headline_exit_code(pf_headline(doc));
}

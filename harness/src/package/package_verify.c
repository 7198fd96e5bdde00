/* SPDX-License-Identifier: MIT */
/*
 * Verifying a package read into memory (package_read.c): the manifest and
 * every member's hash, the journal against the run's nonce, the waivers
 * re-applied and the profiles re-scored, the signature. See package.h.
 */
#include "package/package_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/journal.h"
#include "policy/profile.h"
#include "policy/score.h"
#include "policy/waiver.h"
#include "reports/report_util.h"

void pkg_problem(json_t *list, const char *kind, const char *path, const char *detail)
{
	json_array_append_new(
		list, json_pack("{s:s, s:s?, s:s}", "kind", kind, "path", path, "detail", detail));
}

/* The member the manifest gives the results role, or NULL. */
static const struct pkg_member *results_member(const struct pkg_archive *a, const json_t *manifest)
{
	const struct pkg_member *rm = NULL;
	const json_t *fe;
	size_t i;

	json_array_foreach (json_object_get(manifest, "files"), i, fe)
		if (!strcmp(pf_jstr(fe, "role", ""), "results"))
			rm = pkg_member(a, pf_jstr(fe, "path", ""));
	return rm;
}

/* The journal must be the run's: every record verifies under the nonce the
 * manifest (and results.json) record, and every journal header names it.
 * A journal written for another run, re-checksummed, or without a nonce
 * is a problem. */
static void check_journal(const struct pkg_archive *a, const json_t *manifest, json_t *problems)
{
	const json_t *fe;
	const char *nonce = pf_jstr(json_object_get(manifest, "run"), "nonce", NULL);
	const struct pkg_member *rm = results_member(a, manifest);
	struct pf_replay_stats st;
	char msg[300];
	size_t i, n = 0;

	if (rm) {
		json_t *results = json_loadb((const char *)rm->data, rm->size, 0, NULL);
		const char *rn = pf_jstr(json_object_get(results, "run"), "nonce", NULL);

		if (nonce && (!rn || strcmp(rn, nonce)))
			pkg_problem(problems, "nonce", rm->name,
				    "run.nonce differs from the manifest's");
		json_decref(results);
	}
	if (!nonce) {
		pkg_problem(problems, "nonce", PKG_MANIFEST,
			    "no run nonce recorded: the journal cannot be shown to be this run's");
		return;
	}
	json_array_foreach (json_object_get(manifest, "files"), i, fe) {
		const char *path = pf_jstr(fe, "path", "");
		const struct pkg_member *m;

		if (strcmp(pf_jstr(fe, "role", ""), "journal") || !(m = pkg_member(a, path)))
			continue;
		n++;
		if (pf_journal_replay_mem(m->data, m->size, nonce, NULL, NULL, NULL, &st)) {
			pkg_problem(problems, "journal", path, "cannot be read as a journal");
			continue;
		}
		if (!st.headers || st.foreign_headers) {
			snprintf(msg, sizeof(msg),
				 "%llu of %llu journal header(s) do not name the run's nonce",
				 (unsigned long long)(st.headers ? st.foreign_headers : 1),
				 (unsigned long long)(st.headers ? st.headers : 1));
			pkg_problem(problems, "journal", path, msg);
		}
		if (st.bad_lines) {
			snprintf(msg, sizeof(msg),
				 "%llu line(s) unreadable or with a record that does not "
				 "verify under the run's nonce (%llu verify)",
				 (unsigned long long)st.bad_lines, (unsigned long long)st.records);
			pkg_problem(problems, "journal", path, msg);
		}
	}
	if (!n)
		pkg_problem(problems, "journal", NULL, "no journal in the package");
}

/* The packaged waivers, as of the date they were applied, onto results. */
static void reapply_waivers(const struct pkg_archive *a, const json_t *manifest, json_t *results,
			    json_t *problems)
{
	struct pf_waivers *w = pf_waivers_new();
	struct pf_error pe;
	char err[1024];
	const json_t *we;
	bool have = false;
	size_t i;

	json_array_foreach (json_object_get(manifest, "waivers"), i, we) {
		const struct pkg_member *m = pkg_member(a, pf_jstr(we, "path", ""));
		if (!m || pf_waivers_load_buffer(w, (const char *)m->data, m->size,
						 pf_jstr(we, "path", "?"), &pe)) {
			pkg_problem(problems, "rescore", pf_jstr(we, "path", NULL),
				    m ? pf_error_format(&pe, err, sizeof(err))
				      : "waiver file missing");
			continue;
		}
		have = true;
	}
	if (have && pf_waivers_apply(results, w, pf_jstr(manifest, "waivers_date", NULL), &pe))
		pkg_problem(problems, "rescore", NULL, pf_error_format(&pe, err, sizeof(err)));
	pf_waivers_free(w);
}

/* One packaged profile re-scored against results; a verdict other than
 * the recorded one (in results.json and the manifest) is a problem. */
static void rescore_profile(const struct pkg_archive *a, const json_t *manifest, const json_t *pe,
			    const json_t *results, const json_t *recorded, json_t *problems,
			    json_t *out)
{
	const char *path = pf_jstr(pe, "path", ""), *id = pf_jstr(pe, "id", "?");
	const struct pkg_member *m = pkg_member(a, path);
	struct pf_error e;
	char err[1024];
	struct pf_profile *p =
		m ? pf_profile_load_buffer((const char *)m->data, m->size, path, &e) : NULL;

	if (!p) {
		pkg_problem(problems, "rescore", path,
			    m ? pf_error_format(&e, err, sizeof(err)) : "profile file missing");
		return;
	}
	if (strcmp(p->id, id) || strcmp(p->version, pf_jstr(pe, "version", ""))) {
		snprintf(err, sizeof(err), "packaged profile is %s %s, manifest names %s %s", p->id,
			 p->version, id, pf_jstr(pe, "version", "?"));
		pkg_problem(problems, "rescore", path, err);
	}
	json_t *s = pf_score_profile(results, p, &e);
	const char *now = s ? pf_jstr(s, "verdict", "?") : "error";
	const char *rec = pf_jstr(recorded, id, NULL);
	const char *man =
		pf_jstr(json_object_get(json_object_get(manifest, "run"), "verdicts"), id, NULL);
	json_array_append_new(out, json_pack("{s:s, s:s, s:s?, s:s?, s:s}", "id", id, "version",
					     p->version, "recorded", rec, "manifest", man,
					     "rescored", now));
	if (!rec || strcmp(rec, now) || (man && strcmp(man, now))) {
		snprintf(err, sizeof(err),
			 "profile %s %s: recorded verdict %s (manifest %s), re-scored %s", id,
			 p->version, rec ? rec : "none", man ? man : "none", now);
		pkg_problem(problems, "verdict-mismatch", path, err);
	}
	json_decref(s);
	pf_profile_free(p);
}

/* Re-applies the packaged waivers and re-scores against the packaged
 * profiles; differences from the recorded verdicts are problems. */
static void rescore(const struct pkg_archive *a, const json_t *manifest, json_t *problems,
		    json_t *out)
{
	const struct pkg_member *rm = results_member(a, manifest);
	const json_t *pe;
	size_t i;
	json_error_t je;
	char err[300];

	if (!rm) {
		pkg_problem(problems, "rescore", NULL, "no results.json in the package");
		return;
	}
	json_t *results = json_loadb((const char *)rm->data, rm->size, 0, &je);
	if (!results) {
		snprintf(err, sizeof(err), "results.json does not parse: %s (line %d)", je.text,
			 je.line);
		pkg_problem(problems, "rescore", rm->name, err);
		return;
	}
	json_t *recorded = json_object();
	json_array_foreach (json_object_get(results, "profiles"), i, pe)
		json_object_set_new(recorded, pf_jstr(pe, "id", "?"),
				    json_string(pf_jstr(pe, "verdict", "?")));
	reapply_waivers(a, manifest, results, problems);
	json_array_foreach (json_object_get(manifest, "profiles"), i, pe)
		rescore_profile(a, manifest, pe, results, recorded, problems, out);
	json_decref(recorded);
	json_decref(results);
}

/* MANIFEST.json parsed, and every member listed in it; NULL + err. */
static json_t *load_manifest(const char *pkg_path, const struct pkg_archive *a,
			     struct pf_error *err)
{
	const struct pkg_member *mj = pkg_member(a, PKG_MANIFEST);
	json_t *manifest = mj ? json_loadb((const char *)mj->data, mj->size, 0, NULL) : NULL;
	char name[256];

	if (!manifest || strcmp(pf_jstr(manifest, "schema", ""), PKG_SCHEMA)) {
		pf_error_fill(err, pkg_path, 0, 0, NULL, "member '%s': %s", PKG_MANIFEST,
			      mj ? "not a valid " PKG_SCHEMA " manifest" : "missing");
		json_decref(manifest);
		return NULL;
	}
	for (size_t i = 0; i < a->n; i++)
		if (!pkg_manifest_lists(manifest, a->m[i].name)) {
			pf_error_fill(err, pkg_path, 0, 0, NULL,
				      "member '%s': not listed in " PKG_MANIFEST,
				      pkg_printable(a->m[i].name, name, sizeof(name)));
			json_decref(manifest);
			return NULL;
		}
	return manifest;
}

int pf_package_verify(const char *pkg_path, const struct pf_verify_opts *opts, json_t **report,
		      struct pf_error *err)
{
	struct pkg_archive a;
	json_t *problems, *profiles, *manifest;
	const struct pkg_member *mj, *sm;
	char hex[PF_SHA256_HEX];
	const char *sigv;

	pf_error_clear(err);
	if (report)
		*report = NULL;
	if (pkg_archive_read(
		    pkg_path, opts && opts->max_member ? opts->max_member : PF_PACKAGE_MAX_MEMBER,
		    opts && opts->max_total ? opts->max_total : PF_PACKAGE_MAX_TOTAL, &a, err))
		return -1;
	if (!(manifest = load_manifest(pkg_path, &a, err))) {
		pkg_archive_free(&a);
		return -1;
	}
	problems = json_array();
	profiles = json_array();
	mj = pkg_member(&a, PKG_MANIFEST);
	pkg_manifest_check(&a, mj, manifest, opts ? opts->expect_digest : NULL, problems, hex);
	check_journal(&a, manifest, problems);
	rescore(&a, manifest, problems, profiles);
	/* The signature covers MANIFEST.json, which hashes every member. */
	sm = pkg_member(&a, PKG_SIG);
	sigv = sm ? "not-checked" : "none";
	if (opts && opts->public_key)
		sigv = pkg_check_signature(opts->public_key, mj->data, mj->size,
					   sm ? sm->data : NULL, sm ? sm->size : 0, problems);
	int rc = json_array_size(problems) ? 1 : 0;
	if (report)
		*report = json_pack("{s:s, s:s, s:b, s:I, s:O?, s:o, s:o, s:b, s:s}", "package",
				    pkg_path, "manifest_sha256", hex, "ok", rc == 0, "files",
				    (json_int_t)json_array_size(json_object_get(manifest, "files")),
				    "run", json_object_get(manifest, "run"), "problems", problems,
				    "profiles", profiles, "signed", sm != NULL, "signature", sigv);
	else {
		json_decref(problems);
		json_decref(profiles);
	}
	json_decref(manifest);
	pkg_archive_free(&a);
	return rc;
}

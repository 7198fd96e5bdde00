/* SPDX-License-Identifier: MIT */
/*
 * MANIFEST.json: written from the collected files, and on verification the
 * list every member must be on and the hashes every member must match.
 */
#include "package/package_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "reports/report_util.h"

json_t *pkg_manifest_build(const json_t *results, const struct pkg_items *it,
			   struct pkg_collected *c, const char *created_by)
{
	const json_t *p, *run = json_object_get(results, "run");
	json_t *files = json_array(), *verdicts = json_object(), *manifest;
	char stamp[32], by[200];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	for (i = 0; i < it->n; i++)
		json_array_append_new(files,
				      json_pack("{s:s, s:I, s:s, s:s}", "path", it->v[i].name,
						"size", (json_int_t)it->v[i].size, "sha256",
						it->v[i].sha, "role", it->v[i].role));
	json_array_foreach (json_object_get(results, "profiles"), i, p)
		json_object_set_new(verdicts, pf_jstr(p, "id", "?"),
				    json_string(pf_jstr(p, "verdict", "?")));
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(by, sizeof(by), "%s %s",
		 pf_jstr(json_object_get(results, "tool"), "name", "plugfest"),
		 pf_jstr(json_object_get(results, "tool"), "version", "?"));
	manifest = json_pack(
		"{s:s, s:s, s:s, s:{s:s?, s:O?, s:s?, s:s?, s:O?, s:o}, s:o, s:o, s:s?, s:o, s:o, "
		"s:o}",
		"schema", PKG_SCHEMA, "created", stamp, "created_by", created_by ? created_by : by,
		"run", "target", pf_jstr(run, "target", NULL), "hypervisor",
		json_object_get(run, "hypervisor"), "started", pf_jstr(run, "started", NULL),
		"results_schema", pf_jstr(results, "schema", NULL), "probe",
		json_object_get(run, "probe"), "verdicts", verdicts, "profiles", c->profiles,
		"waivers", c->waivers, "waivers_date",
		pf_jstr(json_object_get(results, "waivers"), "date", NULL), "files", files,
		"skipped", c->skipped, "not_included", c->missing);
	/* "o" took the references, also when packing failed */
	c->profiles = c->waivers = c->skipped = c->missing = NULL;
	/* The run's nonce: what the journal's records must verify under. */
	if (manifest && pf_jstr(run, "nonce", NULL))
		json_object_set_new(json_object_get(manifest, "run"), "nonce",
				    json_string(pf_jstr(run, "nonce", NULL)));
	return manifest;
}

bool pkg_manifest_lists(const json_t *manifest, const char *name)
{
	const json_t *fe;
	size_t i;

	if (!strcmp(name, PKG_MANIFEST) || !strcmp(name, PKG_SEAL) || !strcmp(name, PKG_SIG))
		return true;
	json_array_foreach (json_object_get(manifest, "files"), i, fe)
		if (!strcmp(pf_jstr(fe, "path", ""), name))
			return true;
	return false;
}

void pkg_manifest_check(const struct pkg_archive *a, const struct pkg_member *mj,
			const json_t *manifest, const char *expect_digest, json_t *problems,
			char hex[PF_SHA256_HEX])
{
	const struct pkg_member *ms = pkg_member(a, PKG_SEAL);
	const json_t *fe;
	char msg[300];
	size_t i;

	pf_sha256_hex(mj->data, mj->size, hex);
	if (!ms)
		pkg_problem(problems, "manifest", PKG_SEAL,
			    "missing: the manifest cannot be checked");
	else if (ms->size < 64 || memcmp(ms->data, hex, 64))
		pkg_problem(problems, "manifest", PKG_MANIFEST,
			    "edited: its SHA-256 differs from MANIFEST.sha256");
	if (expect_digest && strcmp(expect_digest, hex)) {
		snprintf(msg, sizeof(msg), "manifest SHA-256 %s differs from the recorded %.64s",
			 hex, expect_digest);
		pkg_problem(problems, "manifest", PKG_MANIFEST, msg);
	}
	json_array_foreach (json_object_get(manifest, "files"), i, fe) {
		const char *path = pf_jstr(fe, "path", "?");
		const struct pkg_member *m = pkg_member(a, path);
		char h2[PF_SHA256_HEX];

		if (!m) {
			pkg_problem(problems, "missing", path,
				    "listed in the manifest, absent from the package");
			continue;
		}
		pf_sha256_hex(m->data, m->size, h2);
		if ((json_int_t)m->size != json_integer_value(json_object_get(fe, "size")) ||
		    strcmp(h2, pf_jstr(fe, "sha256", ""))) {
			snprintf(msg, sizeof(msg),
				 "content differs from the manifest (SHA-256 %.16s..., size %zu)",
				 h2, m->size);
			pkg_problem(problems, "changed", path, msg);
		}
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * What goes into a package: the run directory (regular files only, never
 * through a symlink) and the profile, known-failure and target files the
 * run was scored with, each hashed and held to the caps.
 */
#define _GNU_SOURCE
#include "package/package_int.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reports/report_util.h"

#define MAX_DEPTH 8

void pkg_items_free(struct pkg_items *it)
{
	for (size_t i = 0; i < it->n; i++) {
		free(it->v[i].src);
		free(it->v[i].name);
		free(it->v[i].role);
	}
	free(it->v);
}

const struct pkg_item *pkg_items_find(const struct pkg_items *it, const char *name)
{
	for (size_t i = 0; i < it->n; i++)
		if (!strcmp(it->v[i].name, name))
			return &it->v[i];
	return NULL;
}

static int items_add(struct pkg_items *it, const char *src, const char *name, const char *role,
		     struct pf_error *err)
{
	const struct pkg_item *dup = pkg_items_find(it, name);
	char sha[PF_SHA256_HEX];
	struct stat st;

	if (stat(src, &st) || !S_ISREG(st.st_mode))
		return pf_error_fill(err, src, 0, 0, NULL, "not a readable regular file");
	/* what the reader would refuse is not written */
	if (st.st_size < 0 || (unsigned long long)st.st_size > it->max_member)
		return pf_error_fill(err, src, 0, 0, NULL,
				     "%lld bytes, beyond the cap of %llu per package member",
				     (long long)st.st_size, it->max_member);
	if (pf_sha256_file_hex(src, sha))
		return pf_error_errno(err, src, "cannot hash");
	if (dup) {
		if (!strcmp(dup->sha, sha))
			return 0; /* the same file named twice */
		return pf_error_fill(err, src, 0, 0, NULL, "%s would also be packaged as %s",
				     dup->src, name);
	}
	if ((unsigned long long)st.st_size > it->max_total - it->total)
		return pf_error_fill(err, src, 0, 0, NULL,
				     "takes the package beyond the cap of %llu bytes in all",
				     it->max_total);
	if (it->n >= PF_PACKAGE_MAX_MEMBERS - 3) /* room for MANIFEST.* */
		return pf_error_fill(err, src, 0, 0, NULL, "more than %d files to package",
				     PF_PACKAGE_MAX_MEMBERS - 3);
	if (it->n == it->cap) {
		size_t cap = it->cap ? 2 * it->cap : 32;
		struct pkg_item *v = realloc(it->v, cap * sizeof(*v));

		if (!v)
			return pf_error_fill(err, src, 0, 0, NULL, "out of memory");
		it->v = v;
		it->cap = cap;
	}
	struct pkg_item *e = &it->v[it->n];
	e->src = strdup(src);
	e->name = strdup(name);
	e->role = strdup(role);
	e->size = (unsigned long long)st.st_size;
	memcpy(e->sha, sha, sizeof(sha));
	if (!e->src || !e->name || !e->role) {
		free(e->src);
		free(e->name);
		free(e->role);
		return pf_error_fill(err, src, 0, 0, NULL, "out of memory");
	}
	it->n++;
	it->total += e->size;
	return 0;
}

static const char *base_name(const char *p)
{
	return strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
}

static const char *role_of(const char *rel)
{
	const char *base = base_name(rel);

	if (!strcmp(rel, "results.json"))
		return "results";
	if (strstr(base, "journal"))
		return "journal";
	if (strstr(base, "console") || strstr(base, ".log"))
		return "log";
	if (!strncmp(base, "report.", 7) || !strcmp(base, "junit.xml"))
		return "report";
	return "other";
}

static int walk(const char *root, const char *rel, int depth, const char *skip_real,
		struct pkg_items *it, json_t *skipped, struct pf_error *err)
{
	char dir[PATH_MAX], path[PATH_MAX], relp[PATH_MAX], name[PATH_MAX + 8], real[PATH_MAX];
	struct dirent **ents;
	int n, rc = 0;

	snprintf(dir, sizeof(dir), "%s%s%s", root, rel[0] ? "/" : "", rel);
	if ((n = scandir(dir, &ents, NULL, alphasort)) < 0)
		return pf_error_errno(err, dir, "cannot list");
	for (int i = 0; i < n; i++) {
		struct stat st;
		const char *d = ents[i]->d_name;
		if (rc || !strcmp(d, ".") || !strcmp(d, "..") || strstr(d, ".tmp")) {
			free(ents[i]);
			continue;
		}
		if ((size_t)snprintf(relp, sizeof(relp), "%s%s%s", rel, rel[0] ? "/" : "", d) >=
			    sizeof(relp) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", root, relp) >= sizeof(path)) {
			rc = pf_error_fill(err, dir, 0, 0, NULL, "%s: path too long", d);
			free(ents[i]);
			continue;
		}
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && depth < MAX_DEPTH) {
			rc = walk(root, relp, depth + 1, skip_real, it, skipped, err);
		} else if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (!(skip_real && realpath(path, real) && !strcmp(real, skip_real))) {
				snprintf(name, sizeof(name), "run/%s", relp);
				rc = items_add(it, path, name, role_of(relp), err);
			}
		} else {
			/* symlinks, devices, too deep: never followed into the package */
			json_array_append_new(skipped, json_string(relp));
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

/* A file named in results.json: as given, relative to the run directory, or
 * by its base name inside the run directory. */
static bool locate(const char *run_dir, const char *given, char *out, size_t len)
{
	struct stat st;

	if (!given || !*given)
		return false;
	snprintf(out, len, "%s", given);
	if (!stat(out, &st) && S_ISREG(st.st_mode))
		return true;
	snprintf(out, len, "%s/%s", run_dir, given);
	if (given[0] != '/' && !stat(out, &st) && S_ISREG(st.st_mode))
		return true;
	snprintf(out, len, "%s/%s", run_dir, base_name(given));
	return !stat(out, &st) && S_ISREG(st.st_mode);
}

/* Adds a file under dir/ (profiles/, waivers/, target/); when expect_sha is
 * given the file must still be the one the run was scored with. */
static int add_named(struct pkg_items *it, const char *run_dir, const char *given, const char *dir,
		     const char *role, const char *expect_sha, json_t *list, struct pf_error *err)
{
	char src[PATH_MAX], name[PATH_MAX];

	if (!locate(run_dir, given, src, sizeof(src)))
		return pf_error_fill(err, given, 0, 0, NULL,
				     "%s file named in results.json not found; pass it explicitly",
				     role);
	snprintf(name, sizeof(name), "%s/%s", dir, base_name(given));
	if (items_add(it, src, name, role, err))
		return -1;
	const struct pkg_item *e = pkg_items_find(it, name);
	if (expect_sha && strcmp(expect_sha, e->sha))
		return pf_error_fill(err, src, 0, 0, NULL,
				     "changed since the run was scored (SHA-256 %.12s..., recorded "
				     "%.12s...)",
				     e->sha, expect_sha);
	if (list)
		json_array_append_new(list,
				      json_pack("{s:s, s:s}", "path", name, "sha256", e->sha));
	return 0;
}

static int collect_profiles(const char *run_dir, const json_t *results,
			    const struct pf_package_opts *o, struct pkg_items *it, json_t *profiles,
			    struct pf_error *err)
{
	const json_t *p;
	size_t i;

	json_array_foreach (json_object_get(results, "profiles"), i, p) {
		const char *file = pf_jstr(p, "file", NULL);
		if (!file)
			return pf_error_fill(err, "results.json", 0, 0, NULL,
					     "profile '%s' has no file name",
					     pf_jstr(p, "id", "?"));
		size_t before = json_array_size(profiles);
		if (add_named(it, run_dir, file, "profiles", "profile", pf_jstr(p, "sha256", NULL),
			      profiles, err))
			return -1;
		json_t *entry = json_array_get(profiles, before);
		json_object_set_new(entry, "id", json_string(pf_jstr(p, "id", "?")));
		json_object_set_new(entry, "version", json_string(pf_jstr(p, "version", "?")));
		json_object_set_new(entry, "verdict", json_string(pf_jstr(p, "verdict", "?")));
	}
	for (i = 0; o && i < o->nprofiles; i++)
		if (add_named(it, run_dir, o->profiles[i], "profiles", "profile", NULL, NULL, err))
			return -1;
	return 0;
}

int pkg_collect(const char *run_dir, const json_t *results, const struct pf_package_opts *o,
		const char *out_real, struct pkg_items *it, struct pkg_collected *c,
		struct pf_error *err)
{
	const json_t *w;
	size_t i;

	if (walk(run_dir, "", 0, out_real, it, c->skipped, err) ||
	    collect_profiles(run_dir, results, o, it, c->profiles, err))
		return -1;
	json_array_foreach (json_object_get(json_object_get(results, "waivers"), "files"), i, w)
		if (add_named(it, run_dir, pf_jstr(w, "file", "?"), "waivers", "waivers",
			      pf_jstr(w, "sha256", NULL), c->waivers, err))
			return -1;
	for (i = 0; o && i < o->nwaivers; i++)
		if (add_named(it, run_dir, o->waivers[i], "waivers", "waivers", NULL, c->waivers,
			      err))
			return -1;
	const char *target =
		o && o->target ? o->target
			       : pf_jstr(json_object_get(results, "run"), "target_file", NULL);
	char src[PATH_MAX];
	if (!target)
		return 0;
	if (locate(run_dir, target, src, sizeof(src)))
		return add_named(it, run_dir, target, "target", "target", NULL, NULL, err);
	if (o && o->target)
		return pf_error_fill(err, target, 0, 0, NULL, "target file not found");
	json_array_append_new(c->missing,
			      json_pack("{s:s, s:s, s:s}", "role", "target", "path", target, "why",
					"named in results.json but not found"));
	return 0;
}

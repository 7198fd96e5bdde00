/* SPDX-License-Identifier: MIT */
/*
 * Target definitions: loading a file, lookup by name, listing, freeing.
 * The schema walk is in target_load.c, ${placeholder} expansion in
 * target_expand.c.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launch/target_impl.h"

/* A target file is a page of text; refusing huge inputs keeps a mistaken
 * path (an image, a device) from being parsed at length. */
#define TARGET_MAX_FILE_BYTES (1024 * 1024)

const char *const pf_target_builtin_names[] = { "binary", "probe",   "bootargs",
						"outdir", "sockdir", NULL };

bool pf_target_in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

bool pf_target_is_identifier(const char *s, size_t n)
{
	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return false;
	return true;
}

/* Device type and transport names as the probe reports them: "9p",
 * "video-encoder", "mmio". */
bool pf_target_is_device_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '-' || *s == '_'))
			return false;
	return true;
}

/* Target names become file names: keep them to a portable, shell-safe set. */
bool pf_target_is_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > TARGET_MAX_NAME || !isalnum((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || strchr("._-", s[i])))
			return false;
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

void pf_argv_free(char **argv)
{
	pf_y_strings_free(argv);
}

/* Defaults first, so the file only overrides. */
static int set_defaults(struct pf_target *t)
{
	t->description = strdup("");
	t->hypervisor.version_args = calloc(2, sizeof(char *));
	t->hypervisor.packages = calloc(1, sizeof(char *));
	t->expect_devices = calloc(1, sizeof(char *));
	t->requires = calloc(1, sizeof(char *));
	if (!t->description || !t->hypervisor.version_args || !t->hypervisor.packages ||
	    !t->expect_devices || !t->requires)
		return -1;
	t->hypervisor.version_args[0] = strdup("--version");
	if (!t->hypervisor.version_args[0])
		return -1;
	t->overall_ms = (long)(PF_TARGET_DEFAULT_OVERALL_S * 1000);
	t->inactivity_ms = (long)(PF_TARGET_DEFAULT_INACTIVITY_S * 1000);
	t->boot_ms = (long)(PF_TARGET_DEFAULT_BOOT_S * 1000);
	return 0;
}

/* A name -> count list, ended by an entry without name. */
static void counts_free(struct pf_target_count *v)
{
	for (size_t i = 0; v && v[i].name; i++)
		free(v[i].name);
	free(v);
}

static void service_free(struct pf_target_service *s)
{
	free(s->name);
	pf_y_strings_free(s->argv);
	free(s->ready_socket);
	free(s->ready_path);
	pf_y_strings_free(s->packages);
}

void pf_target_free(struct pf_target *t)
{
	if (!t)
		return;
	free(t->path);
	free(t->name);
	free(t->description);
	free(t->arch);
	free(t->probe);
	free(t->hypervisor.name);
	free(t->hypervisor.binary);
	pf_y_strings_free(t->hypervisor.version_args);
	pf_y_strings_free(t->hypervisor.packages);
	pf_y_strings_free(t->argv);
	for (size_t i = 0; i < t->n_vars; i++) {
		free(t->vars[i].name);
		free(t->vars[i].value);
	}
	free(t->vars);
	pf_y_strings_free(t->expect_devices);
	pf_y_strings_free(t->requires);
	counts_free(t->expect_transports);
	counts_free(t->expect_types);
	for (size_t i = 0; i < t->n_services; i++)
		service_free(&t->services[i]);
	free(t->services);
	free(t->sockdir);
	free(t);
}

static struct pf_target *load_file(const char *path, struct pf_error *err)
{
	struct pf_ydoc d;
	struct pf_target *t = calloc(1, sizeof(*t));

	pf_error_clear(err);
	if (!t || set_defaults(t) < 0 || !(t->path = strdup(path))) {
		pf_target_free(t);
		pf_error_fill(err, path, 0, 0, NULL, "out of memory");
		return NULL;
	}
	if (pf_ydoc_load_file(&d, path, TARGET_MAX_FILE_BYTES, err) || pf_target_parse(&d, t)) {
		pf_ydoc_free(&d);
		pf_target_free(t);
		return NULL;
	}
	pf_ydoc_free(&d);
	return t;
}

/* ---- lookup and listing --------------------------------------------------- */

struct entry {
	char *name;
	char *path;
};

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static void entries_free(struct entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].path);
	}
	free(e);
}

/*
 * Collect NAME.yaml files of all search dirs, first dir winning, sorted by
 * name. Missing dirs are skipped: a search path may list optional places.
 * Returns 0, or -1 on OOM.
 */
static int collect(const char *const *dirs, struct entry **out, size_t *count)
{
	struct entry *e = NULL;
	size_t n = 0, cap = 0;
	*out = NULL;
	*count = 0;
	for (size_t d = 0; dirs && dirs[d]; d++) {
		DIR *dir = opendir(dirs[d]);
		if (!dir)
			continue;
		struct dirent *de;
		while ((de = readdir(dir)) != NULL) {
			const char *fn = de->d_name;
			if (fn[0] == '.' || !ends_with(fn, ".yaml"))
				continue;
			size_t nl = strlen(fn) - strlen(".yaml");
			char name[TARGET_MAX_NAME + 1];
			if (nl == 0 || nl > TARGET_MAX_NAME)
				continue;
			memcpy(name, fn, nl);
			name[nl] = '\0';
			if (!pf_target_is_name(name))
				continue;
			bool seen = false;
			for (size_t i = 0; i < n && !seen; i++)
				seen = strcmp(e[i].name, name) == 0;
			if (seen)
				continue;
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				struct entry *ne = realloc(e, nc * sizeof(*e));
				if (!ne)
					goto oom;
				e = ne;
				cap = nc;
			}
			size_t pl = strlen(dirs[d]) + strlen(fn) + 2;
			e[n].name = strdup(name);
			e[n].path = malloc(pl);
			if (!e[n].name || !e[n].path) {
				n++;
				goto oom;
			}
			snprintf(e[n].path, pl, "%s/%s", dirs[d], fn);
			n++;
		}
		closedir(dir);
		continue;
	oom:
		closedir(dir);
		entries_free(e, n);
		return -1;
	}
	if (n)
		qsort(e, n, sizeof(*e), entry_cmp);
	*out = e;
	*count = n;
	return 0;
}

static bool is_path_like(const char *s)
{
	return strchr(s, '/') != NULL || ends_with(s, ".yaml");
}

/* The list is cut where the message is (PF_ERROR_MESSAGE_MAX). */
static void append(char *buf, size_t len, const char *sep, const char *s)
{
	size_t o = strlen(buf);

	if (o < len)
		snprintf(buf + o, len - o, "%s%s", sep, s);
}

static struct pf_target *unknown_name(const char *name, const char *const *dirs,
				      struct pf_error *err)
{
	struct entry *e;
	size_t n;
	char list[PF_ERROR_MESSAGE_MAX] = "";

	if (collect(dirs, &e, &n) < 0) {
		pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
		return NULL;
	}
	append(list, sizeof(list), "", n ? "available: " : "no target files (*.yaml) in ");
	for (size_t i = 0; i < n; i++)
		append(list, sizeof(list), i ? ", " : "", e[i].name);
	for (size_t d = 0; !n && dirs && dirs[d]; d++)
		append(list, sizeof(list), d ? ", " : "", dirs[d]);
	pf_error_fill(err, NULL, 0, 0, NULL, "unknown target '%s'; %s", name, list);
	entries_free(e, n);
	return NULL;
}

struct pf_target *pf_target_load(const char *name_or_path, const char *const *search_dirs,
				 struct pf_error *err)
{
	pf_error_clear(err);
	if (!name_or_path || !*name_or_path) {
		pf_error_fill(err, NULL, 0, 0, NULL, "no target given");
		return NULL;
	}
	if (is_path_like(name_or_path))
		return load_file(name_or_path, err);
	if (!pf_target_is_name(name_or_path)) {
		pf_error_fill(err, NULL, 0, 0, NULL, "'%s' is not a valid target name",
			      name_or_path);
		return NULL;
	}
	if (!search_dirs || !search_dirs[0]) {
		pf_error_fill(err, NULL, 0, 0, NULL,
			      "unknown target '%s'; no target directories to search", name_or_path);
		return NULL;
	}
	for (size_t d = 0; search_dirs[d]; d++) {
		size_t pl = strlen(search_dirs[d]) + strlen(name_or_path) + 7;
		char *path = malloc(pl);
		if (!path) {
			pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
			return NULL;
		}
		snprintf(path, pl, "%s/%s.yaml", search_dirs[d], name_or_path);
		struct stat st;
		if (stat(path, &st) == 0) {
			struct pf_target *t = load_file(path, err);
			free(path);
			return t;
		}
		free(path);
	}
	return unknown_name(name_or_path, search_dirs, err);
}

int pf_target_list(const char *const *search_dirs, pf_target_list_fn fn, void *ctx)
{
	struct entry *e;
	size_t n;
	if (!fn || collect(search_dirs, &e, &n) < 0)
		return -1;
	int visited = 0;
	for (size_t i = 0; i < n; i++) {
		struct pf_error err;
		struct pf_target *t = load_file(e[i].path, &err);
		int stop = fn(ctx, e[i].name, e[i].path, t, t ? NULL : &err);
		pf_target_free(t);
		visited++;
		if (stop)
			break;
	}
	entries_free(e, n);
	return visited;
}

/* What a target may require of the host, and how to tell it is there. */
static const struct {
	const char *name;
	const char *path; /* must be readable and writable */
} host_facilities[] = {
	{ "kvm", "/dev/kvm" },
};

bool pf_target_requirement_known(const char *name)
{
	for (size_t i = 0; i < sizeof(host_facilities) / sizeof(host_facilities[0]); i++)
		if (!strcmp(host_facilities[i].name, name))
			return true;
	return false;
}

bool pf_target_unmet(const struct pf_target *t, char *why, size_t len)
{
	for (size_t k = 0; t->requires && t->requires[k]; k++)
		for (size_t i = 0; i < sizeof(host_facilities) / sizeof(host_facilities[0]); i++)
			if (!strcmp(host_facilities[i].name, t->requires[k]) &&
			    access(host_facilities[i].path, R_OK | W_OK)) {
				snprintf(why, len, "needs %s (%s), which this host lacks",
					 host_facilities[i].path, t->requires[k]);
				return true;
			}
	return false;
}

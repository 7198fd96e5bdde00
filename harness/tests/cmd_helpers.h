/* SPDX-License-Identifier: MIT */
/*
 * Shared by the command-layer tests: a scratch directory per test, files
 * written and read back, and the exit code of a command run in a child
 * process (for commands that install signal handlers or exit()).
 */
#ifndef PF_TEST_CMD_HELPERS_H
#define PF_TEST_CMD_HELPERS_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "util/fs.h"
#include "util/json.h"

/* A command's argv from string literals, and a call of it: CALL(pf_cmd_list,
 * "list", "--json"). */
#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define CALL(fn, ...) fn(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

static inline int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	chmod(p, 0700); /* a directory a test made read-only */
	return remove(p);
}

static inline void th_rmtree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh directory under $TMPDIR; caller frees. */
static inline char *th_scratch(void)
{
	const char *tmp = getenv("TMPDIR");
	char *d;

	if (asprintf(&d, "%s/pf-cmd.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
		return NULL;
	if (!mkdtemp(d)) {
		free(d);
		return NULL;
	}
	return d;
}

static inline int th_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Whole file as a NUL-terminated string (NULL if unreadable); caller frees. */
static inline char *th_read(const char *path)
{
	char *buf;

	return pf_read_file(path, 256u << 20, &buf, NULL, NULL) ? NULL : buf;
}

static inline json_t *th_json(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return json_load_file(path, 0, NULL);
}

/* Count `results` entries of a results.json with this test (and device, if
 * not NULL). */
static inline int th_count_results(const json_t *doc, const char *test, const char *dev)
{
	const json_t *r;
	size_t i;
	int n = 0;

	json_array_foreach (json_object_get(doc, "results"), i, r) {
		if (strcmp(pf_json_string_get(r, "test", ""), test))
			continue;
		if (dev && strcmp(pf_json_string_get(r, "device", ""), dev))
			continue;
		n++;
	}
	return n;
}

/* The verdict of the one result of test, or "" */
static inline const char *th_verdict(const json_t *doc, const char *test)
{
	const json_t *r;
	size_t i;

	json_array_foreach (json_object_get(doc, "results"), i, r)
		if (!strcmp(pf_json_string_get(r, "test", ""), test))
			return pf_json_string_get(r, "verdict", "");
	return "";
}

/* True when every (test, device) pair of results appears exactly once. */
static inline int th_pairs_unique(const json_t *doc)
{
	const json_t *a, *b;
	size_t i, k;

	json_array_foreach (json_object_get(doc, "results"), i, a) {
		json_array_foreach (json_object_get(doc, "results"), k, b) {
			if (k <= i)
				continue;
			if (json_equal(json_object_get(a, "test"), json_object_get(b, "test")) &&
			    json_equal(json_object_get(a, "device"), json_object_get(b, "device")))
				return 0;
		}
	}
	return 1;
}

/* Number of members of doc[list] whose "kind" is kind. */
static inline int th_count_kind(const json_t *doc, const char *list, const char *kind)
{
	const json_t *f;
	size_t i;
	int n = 0;

	json_array_foreach (json_object_get(doc, list), i, f)
		n += !strcmp(pf_json_string_get(f, "kind", ""), kind);
	return n;
}

/* Number of findings of this kind. */
static inline int th_findings(const json_t *doc, const char *kind)
{
	return th_count_kind(doc, "findings", kind);
}

/* Number of diagnostics of this kind. */
static inline int th_diags(const json_t *doc, const char *kind)
{
	return th_count_kind(doc, "diagnostics", kind);
}

/* Teardown of a scratch fixture: its directory tree, the path, the fixture. */
static inline int th_fixture_free(char *dir, void *fx)
{
	th_rmtree(dir);
	free(dir);
	free(fx);
	return 0;
}

/* Run a command with its stdout going to the file out; returns its exit
 * code. */
static inline int th_capture(int (*cmd)(int, char **), int argc, char **argv, const char *out)
{
	int saved, fd, rc;

	fflush(stdout);
	saved = dup(1);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (saved < 0 || fd < 0)
		return -1;
	dup2(fd, 1);
	close(fd);
	rc = cmd(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	return rc;
}

#endif

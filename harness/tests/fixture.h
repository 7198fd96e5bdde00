/* SPDX-License-Identifier: MIT */
/*
 * Shared by the policy and loader tests (profiles, scoring, waivers, spec,
 * targets, YAML layer): where the source tree is, fixture files in it, and
 * loaders that fail the test with the loader's own message. Include after
 * <cmocka.h>.
 */
#ifndef PF_TEST_FIXTURE_H
#define PF_TEST_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "policy/profile.h"
#include "util/error.h"
#include "util/fs.h"

/* Room for a formatted struct pf_error: file, field and message. */
#define FX_ERR_TEXT (PF_ERROR_FILE_MAX + PF_ERROR_FIELD_MAX + PF_ERROR_MESSAGE_MAX + 32)

/* The source tree: PF_SOURCE_DIR when set, else the working directory
 * (ctest runs from the repository root). */
static inline const char *fx_src_dir(void)
{
	const char *e = getenv("PF_SOURCE_DIR");
	return e && *e ? e : ".";
}

/* SRC/rel, malloc'd (free it). */
static inline char *fx_path(const char *rel)
{
	size_t n = strlen(fx_src_dir()) + strlen(rel) + 2;
	char *p = malloc(n);
	assert_non_null(p);
	snprintf(p, n, "%s/%s", fx_src_dir(), rel);
	return p;
}

/* The whole file at path, NUL-terminated (free it); fails the test when
 * it cannot be read. Fixtures and reports are far below the cap. */
#define FX_SLURP_MAX ((size_t)64 << 20)
static inline char *fx_slurp(const char *path)
{
	struct pf_error e;
	char *buf;

	if (pf_read_file(path, FX_SLURP_MAX, &buf, NULL, &e) != 0)
		fail_msg("%s: %s", path, e.message);
	return buf;
}

/* Asserts that text holds each of the NULL-terminated needles. */
static inline void fx_contains(const char *text, ...) __attribute__((sentinel));

static inline void fx_contains(const char *text, ...)
{
	const char *needle;
	va_list ap;

	assert_non_null(text);
	va_start(ap, text);
	while ((needle = va_arg(ap, const char *)))
		if (!strstr(text, needle))
			fail_msg("text lacks \"%s\"", needle);
	va_end(ap);
}

/* "FILE:LINE:COL: field 'x': message" of e, in a buffer of the caller. */
static inline const char *fx_err(const struct pf_error *e, char buf[FX_ERR_TEXT])
{
	return pf_error_format(e, buf, FX_ERR_TEXT);
}

/* A scratch directory (under $TMPDIR or /tmp) for tests that write one
 * file, fx_scratch_file(); fx_scratch_setup/teardown are cmocka fixtures. */
static char fx_scratch[256] __attribute__((unused));

static inline const char *fx_scratch_file(void)
{
	static char p[300];
	snprintf(p, sizeof(p), "%s/f.yaml", fx_scratch);
	return p;
}

static inline int fx_scratch_setup(void **state)
{
	const char *t = getenv("TMPDIR");
	(void)state;
	snprintf(fx_scratch, sizeof(fx_scratch), "%s/pf-test-XXXXXX", t && *t ? t : "/tmp");
	return mkdtemp(fx_scratch) ? 0 : -1;
}

static inline int fx_scratch_teardown(void **state)
{
	(void)state;
	unlink(fx_scratch_file());
	return rmdir(fx_scratch);
}

/* A teardown for tests that fill the scratch directory: removes it whole. */
static inline int fx_scratch_teardown_tree(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx_scratch);
	return system(cmd) == 0 ? 0 : -1;
}

/* A test that fills the scratch directory, made and removed around it. */
#define FX_SCRATCH_TEST(f) \
	cmocka_unit_test_setup_teardown(f, fx_scratch_setup, fx_scratch_teardown_tree)

/* harness/tests/data/results/NAME as JSON. */
static inline json_t *fx_results(const char *name)
{
	char rel[200];
	json_error_t je;
	snprintf(rel, sizeof(rel), "harness/tests/data/results/%s", name);
	char *p = fx_path(rel);
	json_t *r = json_load_file(p, 0, &je);
	if (!r)
		fail_msg("%s: %s", p, je.text);
	free(p);
	return r;
}

/* A profile from YAML text (named "inline.yaml") that must load. */
static inline struct pf_profile *fx_profile_text(const char *yaml)
{
	struct pf_error e;
	char buf[FX_ERR_TEXT];
	struct pf_profile *p = pf_profile_load_buffer(yaml, strlen(yaml), "inline.yaml", &e);
	if (!p)
		fail_msg("%s", fx_err(&e, buf));
	return p;
}

/* A profile file below the source tree that must load. */
static inline struct pf_profile *fx_profile_file(const char *rel)
{
	struct pf_error e;
	char buf[FX_ERR_TEXT];
	char *path = fx_path(rel);
	struct pf_profile *p = pf_profile_load(path, &e);
	if (!p)
		fail_msg("%s", fx_err(&e, buf));
	free(path);
	return p;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The target tests' fixtures: target files below data/targets, loaded and
 * expanded or the test fails with the loader's message. The data directory
 * comes from $PF_TEST_DATA_DIR, else the PF_TEST_DATA_DIR macro (set by the
 * build), else "harness/tests/data" relative to the repo root. Include after
 * <cmocka.h> and fixture.h.
 */
#ifndef PF_TEST_TARGET_FIXTURE_H
#define PF_TEST_TARGET_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launch/target.h"

#ifndef PF_TEST_DATA_DIR
#define PF_TEST_DATA_DIR "harness/tests/data"
#endif

static inline const char *data_dir(void)
{
	const char *d = getenv("PF_TEST_DATA_DIR");
	return d && *d ? d : PF_TEST_DATA_DIR;
}

/* Path of a fixture below data/targets; static buffers in rotation so a
 * test can hold a few at once. */
static inline const char *fx(const char *rel)
{
	static char bufs[4][1024];
	static int next;
	char *b = bufs[next++ % 4];
	snprintf(b, sizeof(bufs[0]), "%s/targets/%s", data_dir(), rel);
	return b;
}

/* A fixture target that must load; the loader's message otherwise. */
static inline struct pf_target *load_ok(const char *rel)
{
	struct pf_error err;
	char text[FX_ERR_TEXT];
	struct pf_target *t = pf_target_load(fx(rel), NULL, &err);
	if (!t)
		fail_msg("%s", fx_err(&err, text));
	return t;
}

/* t's command line for that probe, bootargs and output directory, which
 * must expand; the expander's message otherwise. */
static inline char **argv_ok(const struct pf_target *t, const char *probe, const char *bootargs,
			     const char *outdir, size_t *argc)
{
	struct pf_error err;
	char text[FX_ERR_TEXT];
	char **argv = pf_target_argv(t, probe, bootargs, outdir, argc, &err);

	if (!argv)
		fail_msg("%s", fx_err(&err, text));
	return argv;
}

/* A fixture target and its command line. */
struct cmdline {
	struct pf_target *t;
	char **argv;
	size_t argc;
};

/* The fixture target rel, loaded, and its command line (argv_ok); argc
 * starts as garbage so that a test sees it set. */
static inline struct cmdline cmdline_of(const char *rel, const char *probe, const char *bootargs,
					const char *outdir)
{
	struct cmdline c = { .argc = 99 };

	c.t = load_ok(rel);
	c.argv = argv_ok(c.t, probe, bootargs, outdir, &c.argc);
	return c;
}

static inline void cmdline_free(struct cmdline *c)
{
	pf_argv_free(c->argv);
	pf_target_free(c->t);
}

/* t's overall, inactivity and boot limits, in ms. */
static inline void assert_limits(const struct pf_target *t, long overall, long inactivity,
				 long boot)
{
	assert_int_equal(t->overall_ms, overall);
	assert_int_equal(t->inactivity_ms, inactivity);
	assert_int_equal(t->boot_ms, boot);
}

static inline bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static inline size_t strv_len(char **v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The fixture of the `plugfest run` tests: a scratch directory with a
 * target whose hypervisor is the test binary itself (fake_vmm.h), and
 * pf_cmd_run called on it.
 */
#ifndef PF_TEST_RUN_FIXTURE_H
#define PF_TEST_RUN_FIXTURE_H

#include "cmd_helpers.h"
#include "fake_vmm.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "cli/cli.h"

struct fx {
	char *dir;
	char target[1024], out[1024], bootlog[1024];
};

static char self_exe[4096];

/* A target running this binary as its hypervisor, with small timeouts. */
static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->dir = th_scratch();
	assert_non_null(fx->dir);
	snprintf(fx->target, sizeof(fx->target), "%s/fake.yaml", fx->dir);
	snprintf(fx->out, sizeof(fx->out), "%s/out", fx->dir);
	snprintf(fx->bootlog, sizeof(fx->bootlog), "%s/boots.log", fx->dir);
	assert_int_equal(fake_target_write(fx->target, self_exe), 0);
	setenv("FAKE_BOOTLOG", fx->bootlog, 1);
	unsetenv("FAKE_MODE");
	unsetenv("FAKE_AT");
	unsetenv("FAKE_FAIL_SUB");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	return th_fixture_free(fx->dir, fx);
}

/* A test with the fixture above. */
#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* How the fake hypervisor misbehaves (FAKE_MODE), and at which check
 * (FAKE_AT; NULL: its default). */
static inline void fake_mode(const char *mode, const char *at)
{
	setenv("FAKE_MODE", mode, 1);
	if (at)
		setenv("FAKE_AT", at, 1);
}

static inline int run_v(struct fx *fx, va_list ap)
{
	char *argv[48];
	int argc = 0;
	const char *a;

	argv[argc++] = "run";
	argv[argc++] = "-t";
	argv[argc++] = fx->target;
	argv[argc++] = "-o";
	argv[argc++] = fx->out;
	argv[argc++] = "--probe";
	argv[argc++] = fx->target;
	argv[argc++] = "--formats";
	argv[argc++] = "json";
	while ((a = va_arg(ap, const char *)) && argc < 47)
		argv[argc++] = (char *)a;
	argv[argc] = NULL;
	return pf_cmd_run(argc, argv);
}

/* pf_cmd_run with the fake target, its output dir, the probe image (any
 * readable file) and the given extra arguments (NULL-terminated). */
static inline int run(struct fx *fx, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fx);
	rc = run_v(fx, ap);
	va_end(ap);
	return rc;
}

static json_t *results(struct fx *fx)
{
	json_t *doc = th_json(fx->out, "results.json");

	assert_non_null(doc);
	return doc;
}

/* run(), which must exit with want, then its results.json. */
static inline json_t *run_doc(struct fx *fx, int want, ...)
{
	va_list ap;
	int rc;

	va_start(ap, want);
	rc = run_v(fx, ap);
	va_end(ap);
	assert_int_equal(rc, want);
	return results(fx);
}

/* run_doc() with the fake hypervisor misbehaving as fake_mode() says. */
static inline json_t *fake_run(struct fx *fx, const char *mode, const char *at, int want, ...)
{
	va_list ap;
	int rc;

	fake_mode(mode, at);
	va_start(ap, want);
	rc = run_v(fx, ap);
	va_end(ap);
	assert_int_equal(rc, want);
	return results(fx);
}

/* The verdicts of the fake's checks, in catalogue order (NCHECKS of them). */
static inline void assert_verdicts(const json_t *doc, ...)
{
	va_list ap;

	va_start(ap, doc);
	for (int i = 0; i < NCHECKS; i++) {
		const char *want = va_arg(ap, const char *);
		const char *got = th_verdict(doc, checks[i]);

		if (!got || strcmp(got, want))
			fail_msg("%s: verdict %s, want %s", checks[i], got ? got : "(none)", want);
	}
	va_end(ap);
}

static json_int_t run_int(const json_t *doc, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(doc, "run"), key));
}
/* main(): the fake hypervisor when started as one, else the tests. */
static int fixture_main(int argc, char **argv, const struct CMUnitTest *tests, size_t n)
{
	if (argc >= 2 && !strcmp(argv[1], "fake-vmm"))
		return fake_vmm(argc, argv);
	if (fake_self_setup(self_exe, sizeof(self_exe)))
		return 1;
	return _cmocka_run_group_tests("run", tests, n, NULL, NULL);
}

#endif

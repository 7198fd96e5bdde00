/* SPDX-License-Identifier: MIT */
/*
 * `plugfest run` options against the fake hypervisor (fake_vmm.h):
 * --known-failures, --filter, --gate, --max-log-bytes, usage errors, and a
 * journal that cannot be written.
 */
#include "run_fixture.h"

#include "policy/score.h"
#include "util/json.h"

static void write_known(struct fx *fx, char *path, size_t len)
{
	snprintf(path, len, "%s/known.yaml", fx->dir);
	assert_int_equal(th_write(path, fake_known_failures_yaml), 0);
}

/* --known-failures FILE: the fingerprint it names is excused, another
 * failure of the same check is not. */
static void known_failures_applied(void **state)
{
	struct fx *fx = *state;
	char known[4096];
	json_t *doc;

	write_known(fx, known, sizeof(known));
	setenv("FAKE_FAIL_SUB", "unoffered-accepted", 1);
	doc = run_doc(fx, PF_EXIT_NONCONFORMANT, NULL);
	assert_string_equal(th_verdict(doc, checks[3]), "fail");
	json_decref(doc);

	doc = run_doc(fx, PF_EXIT_CONFORMANT, "--known-failures", known, NULL);
	assert_string_equal(th_verdict(doc, checks[3]), "xfail");
	assert_string_equal(pf_json_string_get(json_object_get(doc, "summary"), "verdict", NULL),
			    "conformant-with-known-failures");
	json_decref(doc);

	setenv("FAKE_FAIL_SUB", "other-failure", 1);
	doc = run_doc(fx, PF_EXIT_NONCONFORMANT, "--known-failures", known, NULL);
	assert_string_equal(th_verdict(doc, checks[3]), "fail");
	json_decref(doc);
}

/* A write to console.log that fails (the disk is full) is reported and the
 * run does not claim a verdict on evidence it could not keep. */
static void journal_write_error_reported(void **state)
{
	struct fx *fx = *state;
	char path[4096];
	json_t *doc;

	assert_int_equal(mkdir(fx->out, 0755), 0);
	snprintf(path, sizeof(path), "%s/console.log", fx->out);
	assert_int_equal(symlink("/dev/full", path), 0);
	doc = run_doc(fx, PF_EXIT_INFRA, NULL);
	/* the records themselves were journaled and scored */
	assert_string_equal(th_verdict(doc, checks[0]), "pass");
	json_decref(doc);
}

/* journal.jsonl that cannot take even its header: the run is not started. */
static void journal_unwritable_refused(void **state)
{
	struct fx *fx = *state;
	char path[4096], *boots;

	assert_int_equal(mkdir(fx->out, 0755), 0);
	snprintf(path, sizeof(path), "%s/journal.jsonl", fx->out);
	assert_int_equal(symlink("/dev/full", path), 0);
	assert_int_equal(run(fx, NULL), PF_EXIT_INFRA);
	boots = th_read(fx->bootlog);
	assert_null(boots); /* never booted */
}

static void filter_passed_on(void **state)
{
	struct fx *fx = *state;
	json_t *doc;
	char *boots;

	doc = run_doc(fx, PF_EXIT_CONFORMANT, "-f", "features.no-*,basic.*", NULL);
	assert_int_equal(json_array_size(json_object_get(doc, "results")), 2);
	assert_string_equal(th_verdict(doc, checks[0]), "pass");
	assert_string_equal(th_verdict(doc, checks[2]), "pass");
	assert_int_equal(th_count_results(doc, checks[1], NULL), 0);
	boots = th_read(fx->bootlog);
	assert_non_null(strstr(boots, " pf.filter=features.no-*,basic.*"));
	free(boots);
	json_decref(doc);
}

/* --gate: the exit code follows the named profile's verdict. */
static void gate_profile(void **state)
{
	struct fx *fx = *state;
	json_t *doc, *p;
	size_t i;
	const char *verdict = NULL;
	int rc;

	rc = run(fx, "--gate", "virtio-1.4-core", NULL);
	doc = results(fx);
	json_array_foreach (json_object_get(doc, "profiles"), i, p)
		if (!strcmp(pf_json_string_get(p, "id", ""), "virtio-1.4-core"))
			verdict = pf_json_string_get(p, "verdict", NULL);
	assert_non_null(verdict);
	/* the headline verdict is conformant; four checks on one device do
	 * not pass the core profile, and the gate says so */
	assert_int_equal(pf_gate_exit_code(doc, "virtio-1.4-core"), rc);
	assert_int_not_equal(rc, PF_EXIT_CONFORMANT);
	json_decref(doc);
	assert_int_equal(run(fx, "--gate", "no-such-profile", NULL), PF_EXIT_USAGE);
}

/* --max-log-bytes: console.log, hypervisor.log and journal.jsonl stop at
 * the cap, each cut is diagnosed, a full journal stops the run. */
static void log_caps(void **state)
{
	struct fx *fx = *state;
	char path[4096];
	struct stat st;
	json_t *doc;

	fake_mode("chatty", NULL);
	setenv("FAKE_LOGS", "200", 1);
	assert_int_not_equal(run(fx, "--max-log-bytes", "4K", NULL), PF_EXIT_CONFORMANT);
	doc = results(fx);
	assert_true(th_diags(doc, "log-cut") >= 2);
	assert_int_equal(th_findings(doc, "protocol"), 1);
	snprintf(path, sizeof(path), "%s/console.log", fx->out);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size <= 4096 + 200);
	snprintf(path, sizeof(path), "%s/hypervisor.log", fx->out);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size <= 4096 + 200);
	json_decref(doc);

	/* no cap: the same run is clean */
	doc = run_doc(fx, PF_EXIT_CONFORMANT, "--max-log-bytes", "0", NULL);
	assert_int_equal(th_diags(doc, "log-cut"), 0);
	json_decref(doc);
}

static void usage_errors(void **state)
{
	struct fx *fx = *state;
	static const char *const bad[][2] = {
		{ "--max-restarts", "x" },
		{ "--max-restarts", "-1" },
		{ "--max-log-bytes", "1X" },
		{ "--max-log-bytes", "-1" },
		{ "--max-log-bytes", "" },
		{ "--max-log-bytes", "99999999999999999999G" },
		{ "--seed", "abc" },
		{ "--timeout", "0" },
		{ "--timeout", "1s" },
		{ "--filter", "a b" },
		{ "--formats", "json,nosuch" },
		{ "--gate", "nosuch" },
		{ "--set", "=x" },
		{ "--set", "novalue" },
		{ "--set", "binary=/bin/true" },
		{ "--set", "not-an-identifier=1" },
		{ "--profile", "/nonexistent/profile.yaml" },
		{ "--known-failures", "/nonexistent/known.yaml" },
		{ "-t", "/nonexistent/target.yaml" },
		{ "--nosuch-option", "x" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = run(fx, bad[i][0], bad[i][1], NULL);

		if (rc != PF_EXIT_USAGE)
			fail_msg("%s '%s': exit %d, want %d", bad[i][0], bad[i][1], rc,
				 PF_EXIT_USAGE);
	}
	/* a stray argument */
	assert_int_equal(run(fx, "extra", NULL), PF_EXIT_USAGE);
	/* usage errors boot nothing */
	assert_null(th_read(fx->bootlog));
	/* a probe image that is not there is an infrastructure error */
	assert_int_equal(run(fx, "--probe", "/nonexistent/probe.img", NULL), PF_EXIT_INFRA);
}

/* Options that are accepted: numbers with suffixes, --set, --dry-run. */
static void options_accepted(void **state)
{
	struct fx *fx = *state;
	char *boots;
	json_t *doc;

	assert_int_equal(run(fx, "--dry-run", "--seed", "42", "--bootargs", "pf.pace=0", NULL), 0);
	assert_null(th_read(fx->bootlog)); /* printed, not booted */
	assert_int_equal(run(fx, "--seed", "0x10", "--max-log-bytes", "1m", "--timeout", "30",
			     "--set", "extra=1", "--profile",
			     "harness/tests/data/profiles/minimal.yaml", "--bootargs", "pf.pace=0",
			     "-v", NULL),
			 PF_EXIT_CONFORMANT);
	boots = th_read(fx->bootlog);
	assert_non_null(boots);
	assert_non_null(strstr(boots, "pf.seed=16 pf.verbose=1"));
	assert_non_null(strstr(boots, " pf.pace=0"));
	free(boots);
	doc = results(fx);
	assert_int_equal(run_int(doc, "launches"), 1);
	json_decref(doc);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(known_failures_applied),
		FX_TEST(journal_write_error_reported),
		FX_TEST(journal_unwritable_refused),
		FX_TEST(filter_passed_on),
		FX_TEST(gate_profile),
		FX_TEST(log_caps),
		FX_TEST(usage_errors),
		FX_TEST(options_accepted),
	};

	return fixture_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}

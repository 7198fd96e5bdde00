/* SPDX-License-Identifier: MIT */
/*
 * `plugfest run` (pf_cmd_run) against a fake hypervisor (fake_vmm.h): this
 * test binary itself speaks protocol 2 the way the probe does, and crashes,
 * hangs, stops or signals the runner where a scenario asks. The restart
 * loop, the resume rules, the restart budget, signal forwarding and the
 * nonce are checked on what the runner writes: results.json, journal.jsonl.
 */
#include "run_fixture.h"
#include "util/json.h"

#include <sys/wait.h>

static void clean_run(void **state)
{
	struct fx *fx = *state;
	json_t *doc, *journal;
	char *boots;
	const char *nonce;

	doc = run_doc(fx, PF_EXIT_CONFORMANT, NULL);
	for (int i = 0; i < NCHECKS; i++) {
		assert_int_equal(th_count_results(doc, checks[i], DEV), 1);
		assert_string_equal(th_verdict(doc, checks[i]), "pass");
	}
	assert_int_equal(run_int(doc, "launches"), 1);
	assert_int_equal(run_int(doc, "boots"), 1);
	assert_int_equal(th_findings(doc, "crash"), 0);
	/* the run's nonce went to the guest and into results.json */
	nonce = pf_json_string_get(json_object_get(doc, "run"), "nonce", NULL);
	assert_non_null(nonce);
	assert_int_equal(strlen(nonce), 32);
	boots = th_read(fx->bootlog);
	assert_non_null(boots);
	assert_non_null(strstr(boots, nonce));
	assert_null(strstr(boots, "pf.from="));
	free(boots);
	/* the journal's first line names the same nonce */
	{
		char path[4096], *text;

		snprintf(path, sizeof(path), "%s/journal.jsonl", fx->out);
		text = th_read(path);
		assert_non_null(text);
		*strchr(text, '\n') = 0;
		journal = json_loads(text, 0, NULL);
		free(text);
		assert_non_null(journal);
		assert_string_equal(pf_json_string_get(journal, "nonce", NULL), nonce);
		json_decref(journal);
	}
	json_decref(doc);
}

/* Two runs never share a nonce, and the stream of one is not another's. */
static void nonce_fresh_per_run(void **state)
{
	struct fx *fx = *state;
	json_t *a, *b;

	a = run_doc(fx, PF_EXIT_CONFORMANT, NULL);
	b = run_doc(fx, PF_EXIT_CONFORMANT, NULL);
	assert_string_not_equal(pf_json_string_get(json_object_get(a, "run"), "nonce", NULL),
				pf_json_string_get(json_object_get(b, "run"), "nonce", NULL));
	json_decref(a);
	json_decref(b);
}

static void stale_nonce_rejected(void **state)
{
	json_t *doc = fake_run(*state, "stale", NULL, PF_EXIT_INFRA, NULL);
	assert_int_equal(json_array_size(json_object_get(doc, "results")), 0);
	assert_true(th_diags(doc, "nonce") > 0);
	assert_int_equal(th_findings(doc, "protocol"), 1);
	/* a rejected stream is not restarted: it would only replay */
	assert_int_equal(run_int(doc, "launches"), 1);
	json_decref(doc);
}

/* Every boot after the first resumes after the check in flight, with the
 * same nonce. */
static void crash_within_check_resumes(void **state)
{
	struct fx *fx = *state;
	json_t *doc;
	char *boots, *second;
	const char *nonce;

	doc = fake_run(fx, "crash-in", "1", PF_EXIT_NONCONFORMANT, NULL);
	assert_true(th_pairs_unique(doc));
	for (int i = 0; i < NCHECKS; i++)
		assert_int_equal(th_count_results(doc, checks[i], DEV), 1);
	assert_verdicts(doc, "pass", "crash", "pass", "pass");
	assert_int_equal(run_int(doc, "launches"), 2);
	assert_int_equal(run_int(doc, "boots"), 2);
	assert_int_equal(th_findings(doc, "crash"), 1);
	nonce = pf_json_string_get(json_object_get(doc, "run"), "nonce", NULL);
	boots = th_read(fx->bootlog);
	assert_non_null(boots);
	second = strchr(boots, '\n');
	assert_non_null(second);
	assert_null(memmem(boots, (size_t)(second - boots), "pf.from=", 8));
	assert_non_null(strstr(second, "pf.from=2"));
	assert_non_null(strstr(second, nonce));
	free(boots);
	json_decref(doc);
}

/* A crash after a result and before the next begin is pinned on no check:
 * the guest resumes after the last check that reported. */
static void crash_between_checks_resumes(void **state)
{
	struct fx *fx = *state;
	json_t *doc;
	char *boots;

	fake_mode("crash-between", "1");
	run(fx, NULL);
	doc = results(fx);
	assert_true(th_pairs_unique(doc));
	for (int i = 0; i < NCHECKS; i++) {
		assert_int_equal(th_count_results(doc, checks[i], DEV), 1);
		assert_string_equal(th_verdict(doc, checks[i]), "pass");
	}
	assert_int_equal(th_findings(doc, "crash"), 1);
	assert_int_equal(run_int(doc, "launches"), 2);
	boots = th_read(fx->bootlog);
	assert_non_null(boots);
	assert_non_null(strstr(boots, "pf.from=2"));
	free(boots);
	json_decref(doc);
}

/* A guest that stops talking within a check: the runner's timeout ends the
 * boot, the check gets the verdict `timeout`, the next boot resumes. */
static void hang_within_check_times_out(void **state)
{
	json_t *doc = fake_run(*state, "hang", "1", PF_EXIT_NONCONFORMANT, "--timeout", "2", NULL);
	assert_true(th_pairs_unique(doc));
	assert_verdicts(doc, "pass", "timeout", "pass", "pass");
	assert_int_equal(th_findings(doc, "timeout"), 1);
	assert_int_equal(run_int(doc, "launches"), 2);
	json_decref(doc);
}

/* A hypervisor that exits before any record: no-start, not restarted. */
static void no_hello(void **state)
{
	json_t *doc = fake_run(*state, "silent", NULL, PF_EXIT_INFRA, NULL);
	assert_int_equal(th_findings(doc, "no-start"), 1);
	assert_int_equal(run_int(doc, "launches"), 1);
	assert_int_equal(json_array_size(json_object_get(doc, "results")), 0);
	json_decref(doc);
}

/* A hypervisor binary that is not there: refused before anything is run. */
static void hypervisor_missing(void **state)
{
	struct fx *fx = *state;
	char target[1200];

	snprintf(target, sizeof(target), "%s/missing", fx->dir);
	assert_int_equal(mkdir(target, 0755), 0);
	snprintf(target, sizeof(target), "%s/missing/fake.yaml", fx->dir);
	assert_int_equal(fake_target_write(target, "/nonexistent/fake-vmm"), 0);
	{
		char *argv[] = { "run", "-t", target, "-o", fx->out, "--probe", target, NULL };

		assert_int_equal(pf_cmd_run(7, argv), PF_EXIT_INFRA);
	}
	assert_null(th_json(fx->out, "results.json"));
}

/* The target's expect section: one device where two are expected is an
 * incomplete run, and results.json records what was expected. */
static void expect_not_met(void **state)
{
	struct fx *fx = *state;
	FILE *f = fopen(fx->target, "a");
	json_t *doc, *e;

	assert_non_null(f);
	fputs("expect:\n  devices: 2\n  transports: {mmio: 1}\n  types: {blk: 1}\n", f);
	assert_int_equal(fclose(f), 0);
	doc = run_doc(fx, PF_EXIT_INFRA, NULL);
	assert_string_equal(pf_json_string_get(json_object_get(doc, "summary"), "verdict", NULL),
			    "incomplete");
	e = json_object_get(json_object_get(doc, "run"), "expect");
	assert_int_equal(json_integer_value(json_object_get(e, "devices")), 2);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(e, "transports"), "mmio")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "types"), "blk")),
			 1);
	json_decref(doc);
}

/* --max-restarts N: N+1 boots at most, then the run stops incomplete. */
static void restart_budget_exhausted(void **state)
{
	struct fx *fx = *state;
	json_t *doc;

	fake_mode("crash-always", NULL);
	assert_int_not_equal(run(fx, "--max-restarts", "1", NULL), PF_EXIT_CONFORMANT);
	doc = results(fx);
	assert_true(th_pairs_unique(doc));
	assert_int_equal(run_int(doc, "launches"), 2);
	assert_string_equal(th_verdict(doc, checks[0]), "crash");
	assert_string_equal(th_verdict(doc, checks[1]), "crash");
	assert_int_equal(th_count_results(doc, checks[2], DEV), 0);
	assert_int_equal(th_count_results(doc, checks[3], DEV), 0);
	assert_string_equal(pf_json_string_get(json_object_get(doc, "summary"), "verdict", NULL),
			    "incomplete");
	json_decref(doc);

	/* no restart at all */
	assert_int_not_equal(run(fx, "--max-restarts", "0", NULL), PF_EXIT_CONFORMANT);
	doc = results(fx);
	assert_int_equal(run_int(doc, "launches"), 1);
	json_decref(doc);
}

/* SIGTERM / SIGINT to the runner: the hypervisor's process group is ended,
 * results.json still written, exit 3. In a child process: the runner
 * installs its handlers for the process. */
static void signal_forwarded(struct fx *fx, const char *sig)
{
	char pidfile[4096], *text;
	pid_t child, vmm;
	int status;
	json_t *doc;

	snprintf(pidfile, sizeof(pidfile), "%s/vmm.pid", fx->dir);
	fake_mode("signal", NULL);
	setenv("FAKE_SIG", sig, 1);
	setenv("FAKE_PID", pidfile, 1);
	fflush(stdout);
	child = fork();
	assert_true(child >= 0);
	if (child == 0)
		exit(run(fx, NULL));
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), PF_EXIT_INFRA);
	text = th_read(pidfile);
	assert_non_null(text);
	vmm = (pid_t)atoi(text);
	free(text);
	assert_true(vmm > 0);
	/* reaped by the runner: no such process any more */
	assert_int_equal(kill(vmm, 0), -1);
	assert_int_equal(errno, ESRCH);
	doc = results(fx);
	assert_int_equal(th_findings(doc, "interrupted"), 1);
	assert_int_equal(run_int(doc, "launches"), 1); /* and not restarted */
	/* the user stopped the run: the check in flight is not a crash */
	assert_int_equal(th_count_results(doc, checks[0], NULL), 0);
	assert_string_equal(
		pf_json_string_get(json_object_get(json_object_get(doc, "run"), "in_flight"),
				   "test", NULL),
		checks[0]);
	assert_true(th_pairs_unique(doc));
	json_decref(doc);
}

static void sigterm_forwarded(void **state)
{
	signal_forwarded(*state, "TERM");
}

static void sigint_forwarded(void **state)
{
	signal_forwarded(*state, "INT");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(clean_run),
		FX_TEST(nonce_fresh_per_run),
		FX_TEST(stale_nonce_rejected),
		FX_TEST(crash_within_check_resumes),
		FX_TEST(crash_between_checks_resumes),
		FX_TEST(restart_budget_exhausted),
		FX_TEST(hang_within_check_times_out),
		FX_TEST(no_hello),
		FX_TEST(hypervisor_missing),
		FX_TEST(expect_not_met),
		FX_TEST(sigterm_forwarded),
		FX_TEST(sigint_forwarded),
	};

	return fixture_main(argc, argv, tests, sizeof(tests) / sizeof(tests[0]));
}

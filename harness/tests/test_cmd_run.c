/* SPDX-License-Identifier: MIT */
/*
 * `plugfest run` (pf_cmd_run) against a fake hypervisor: this test binary
 * itself, started as `<binary> fake-vmm BOOTARGS`, speaks protocol 2 on
 * its stdout (docs/protocol.md) the way the probe does, and crashes, stops
 * or signals the runner where a scenario asks (environment FAKE_*). The
 * runner's restart loop, resume rules, restart budget, signal forwarding,
 * known failures, journal errors, log caps, --filter and --gate are checked
 * on what it writes: results.json, journal.jsonl, console.log.
 */
#include "cmd_helpers.h"
#include "fake_vmm.h"

#include <fnmatch.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "cli.h"
#include "pf/proto.h"
#include "score.h"

/* ---- the runner side ---------------------------------------------------- */

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

	th_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

/* pf_cmd_run with the fake target, its output dir, the probe image (any
 * readable file) and the given extra arguments (NULL-terminated). */
static int run(struct fx *fx, ...)
{
	char *argv[48];
	int argc = 0;
	va_list ap;
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
	va_start(ap, fx);
	while ((a = va_arg(ap, const char *)) && argc < 47)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	return pf_cmd_run(argc, argv);
}

static json_t *results(struct fx *fx)
{
	json_t *doc = th_json(fx->out, "results.json");

	assert_non_null(doc);
	return doc;
}

static json_int_t run_int(const json_t *doc, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(doc, "run"), key));
}

static void clean_run(void **state)
{
	struct fx *fx = *state;
	json_t *doc, *journal;
	char *boots;
	const char *nonce;

	assert_int_equal(run(fx, NULL), PF_EXIT_CONFORMANT);
	doc = results(fx);
	for (int i = 0; i < NCHECKS; i++) {
		assert_int_equal(th_count_results(doc, checks[i], DEV), 1);
		assert_string_equal(th_verdict(doc, checks[i]), "pass");
	}
	assert_int_equal(run_int(doc, "launches"), 1);
	assert_int_equal(run_int(doc, "boots"), 1);
	assert_int_equal(th_findings(doc, "crash"), 0);
	/* the run's nonce went to the guest and into results.json */
	nonce = json_string_value(json_object_get(json_object_get(doc, "run"), "nonce"));
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
		assert_string_equal(json_string_value(json_object_get(journal, "nonce")), nonce);
		json_decref(journal);
	}
	json_decref(doc);
}

/* Two runs never share a nonce, and the stream of one is not another's. */
static void nonce_fresh_per_run(void **state)
{
	struct fx *fx = *state;
	json_t *a, *b;

	assert_int_equal(run(fx, NULL), PF_EXIT_CONFORMANT);
	a = results(fx);
	assert_int_equal(run(fx, NULL), PF_EXIT_CONFORMANT);
	b = results(fx);
	assert_string_not_equal(json_string_value(json_object_get(json_object_get(a, "run"), "nonce")),
				json_string_value(json_object_get(json_object_get(b, "run"), "nonce")));
	json_decref(a);
	json_decref(b);
}

static void stale_nonce_rejected(void **state)
{
	struct fx *fx = *state;
	json_t *doc;

	setenv("FAKE_MODE", "stale", 1);
	assert_int_equal(run(fx, NULL), PF_EXIT_INFRA);
	doc = results(fx);
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

	setenv("FAKE_MODE", "crash-in", 1);
	setenv("FAKE_AT", "1", 1);
	assert_int_equal(run(fx, NULL), PF_EXIT_NONCONFORMANT);
	doc = results(fx);
	assert_true(th_pairs_unique(doc));
	for (int i = 0; i < NCHECKS; i++)
		assert_int_equal(th_count_results(doc, checks[i], DEV), 1);
	assert_string_equal(th_verdict(doc, checks[0]), "pass");
	assert_string_equal(th_verdict(doc, checks[1]), "crash");
	assert_string_equal(th_verdict(doc, checks[2]), "pass");
	assert_string_equal(th_verdict(doc, checks[3]), "pass");
	assert_int_equal(run_int(doc, "launches"), 2);
	assert_int_equal(run_int(doc, "boots"), 2);
	assert_int_equal(th_findings(doc, "crash"), 1);
	nonce = json_string_value(json_object_get(json_object_get(doc, "run"), "nonce"));
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

	setenv("FAKE_MODE", "crash-between", 1);
	setenv("FAKE_AT", "1", 1);
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

/* --max-restarts N: N+1 boots at most, then the run stops incomplete. */
static void restart_budget_exhausted(void **state)
{
	struct fx *fx = *state;
	json_t *doc;

	setenv("FAKE_MODE", "crash-always", 1);
	assert_int_not_equal(run(fx, "--max-restarts", "1", NULL), PF_EXIT_CONFORMANT);
	doc = results(fx);
	assert_true(th_pairs_unique(doc));
	assert_int_equal(run_int(doc, "launches"), 2);
	assert_string_equal(th_verdict(doc, checks[0]), "crash");
	assert_string_equal(th_verdict(doc, checks[1]), "crash");
	assert_int_equal(th_count_results(doc, checks[2], DEV), 0);
	assert_int_equal(th_count_results(doc, checks[3], DEV), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "summary"), "verdict")),
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
	setenv("FAKE_MODE", "signal", 1);
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
	assert_string_equal(json_string_value(json_object_get(json_object_get(
				    json_object_get(doc, "run"), "in_flight"), "test")), checks[0]);
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

static void write_known(struct fx *fx, char *path, size_t len)
{
	snprintf(path, len, "%s/known.yaml", fx->dir);
	assert_int_equal(th_write(path,
		"schema: plugfest-known-failures/1\n"
		"description: a known failure of the fake hypervisor\n"
		"entries:\n"
		"  - id: FAKE-REFUSED\n"
		"    kind: known-failure\n"
		"    hypervisor: fake\n"
		"    version: \">=1.0 <2\"\n"
		"    test: features.features-ok-refused\n"
		"    subcases: [unoffered-accepted]\n"
		"    reason: the fake keeps FEATURES_OK for an unoffered bit\n"
		"    issue: https://example.invalid/fake/1\n"
		"    expires: 2099-12-31\n"), 0);
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
	assert_int_equal(run(fx, NULL), PF_EXIT_NONCONFORMANT);
	doc = results(fx);
	assert_string_equal(th_verdict(doc, checks[3]), "fail");
	json_decref(doc);

	assert_int_equal(run(fx, "--known-failures", known, NULL), PF_EXIT_CONFORMANT);
	doc = results(fx);
	assert_string_equal(th_verdict(doc, checks[3]), "xfail");
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "summary"), "verdict")),
			    "conformant-with-known-failures");
	json_decref(doc);

	setenv("FAKE_FAIL_SUB", "other-failure", 1);
	assert_int_equal(run(fx, "--known-failures", known, NULL), PF_EXIT_NONCONFORMANT);
	doc = results(fx);
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
	assert_int_equal(run(fx, NULL), PF_EXIT_INFRA);
	doc = results(fx);
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

	assert_int_equal(run(fx, "-f", "features.no-*,basic.*", NULL), PF_EXIT_CONFORMANT);
	doc = results(fx);
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
	json_array_foreach(json_object_get(doc, "profiles"), i, p)
		if (!strcmp(json_string_value(json_object_get(p, "id")) ?: "", "virtio-1.4-core"))
			verdict = json_string_value(json_object_get(p, "verdict"));
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

	setenv("FAKE_MODE", "chatty", 1);
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
	assert_int_equal(run(fx, "--max-log-bytes", "0", NULL), PF_EXIT_CONFORMANT);
	doc = results(fx);
	assert_int_equal(th_diags(doc, "log-cut"), 0);
	json_decref(doc);
}

static void usage_errors(void **state)
{
	struct fx *fx = *state;
	static const char *const bad[][2] = {
		{ "--max-restarts", "x" }, { "--max-restarts", "-1" },
		{ "--max-log-bytes", "1X" }, { "--max-log-bytes", "-1" },
		{ "--max-log-bytes", "" }, { "--max-log-bytes", "99999999999999999999G" },
		{ "--seed", "abc" }, { "--timeout", "0" }, { "--timeout", "1s" },
		{ "--filter", "a b" }, { "--formats", "json,nosuch" },
		{ "--gate", "nosuch" }, { "--set", "=x" }, { "--set", "novalue" },
		{ "--profile", "/nonexistent/profile.yaml" },
		{ "--known-failures", "/nonexistent/known.yaml" },
		{ "-t", "/nonexistent/target.yaml" }, { "--nosuch-option", "x" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = run(fx, bad[i][0], bad[i][1], NULL);

		if (rc != PF_EXIT_USAGE)
			fail_msg("%s '%s': exit %d, want %d", bad[i][0], bad[i][1], rc, PF_EXIT_USAGE);
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
			     "--bootargs", "pf.pace=0", "-v", NULL), PF_EXIT_CONFORMANT);
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
		cmocka_unit_test_setup_teardown(clean_run, setup, teardown),
		cmocka_unit_test_setup_teardown(nonce_fresh_per_run, setup, teardown),
		cmocka_unit_test_setup_teardown(stale_nonce_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(crash_within_check_resumes, setup, teardown),
		cmocka_unit_test_setup_teardown(crash_between_checks_resumes, setup, teardown),
		cmocka_unit_test_setup_teardown(restart_budget_exhausted, setup, teardown),
		cmocka_unit_test_setup_teardown(sigterm_forwarded, setup, teardown),
		cmocka_unit_test_setup_teardown(sigint_forwarded, setup, teardown),
		cmocka_unit_test_setup_teardown(known_failures_applied, setup, teardown),
		cmocka_unit_test_setup_teardown(journal_write_error_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(journal_unwritable_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(filter_passed_on, setup, teardown),
		cmocka_unit_test_setup_teardown(gate_profile, setup, teardown),
		cmocka_unit_test_setup_teardown(log_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(usage_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(options_accepted, setup, teardown),
	};
	ssize_t n;

	if (argc >= 2 && !strcmp(argv[1], "fake-vmm"))
		return fake_vmm(argc, argv);
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n <= 0)
		return 1;
	self_exe[n] = 0;
	/* known failures are checked against a fixed date */
	setenv("PF_TODAY", "2027-01-15", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Tests for target services: the `services:` section of a target file
 * (harness/src/launch/target.c: every validation error with its line, column and
 * field) and the runtime (harness/src/launch/services.c: start, readiness, the
 * infrastructure errors, stop by PID, services.log).
 *
 * Each case writes a small target file into a scratch directory, so the
 * YAML under test is right here next to what it must produce.
 */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launch/services.h"
#include "util/fs.h"
#include "launch/target.h"

#include "fixture.h"

/* The services section of the runtime tests: one service, dev. */
#define DEV_SERVICE "services:\n  - name: dev\n"

/* The common head of every target file: 6 lines, services start at line 7. */
static const char head[] = "name: svc\n"
			   "arch: aarch64\n"
			   "probe: probe.img\n"
			   "hypervisor: {name: fake, binary: /bin/true}\n"
			   "argv: [\"${binary}\"]\n"
			   "variables: {fault: \"\"}\n";

static const char *write_target(const char *services)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/svc.yaml", fx_scratch);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(head, f);
	fputs(services, f);
	fclose(f);
	return path;
}

struct bad_case {
	const char *yaml; /* from line 7 on */
	int line, column;
	const char *field;
	const char *text;
};

static const struct bad_case bad_cases[] = {
	{ "services: {a: b}\n", 7, 11, "services",
	  "expected a sequence of services, found a mapping" },
	{ "services:\n  - just-a-string\n", 8, 5, "services[0]",
	  "expected a mapping, found a string" },
	{ "services:\n  - argv: [x]\n", 8, 5, "services[0].name", "required key missing" },
	{ "services:\n  - name: a\n", 8, 5, "services[0].argv", "required key missing" },
	{ "services:\n  - name: a-b\n    argv: [x]\n", 8, 11, "services[0].name",
	  "not a service name" },
	{ "services:\n  - {name: a, argv: [x]}\n  - {name: a, argv: [y]}\n", 9, 12,
	  "services[1].name", "duplicate service name 'a'" },
	{ "services:\n  - name: a\n    argv: []\n", 9, 11, "services[0].argv",
	  "must start with a program" },
	{ "services:\n  - name: a\n    argv: x\n", 9, 11, "services[0].argv",
	  "expected a sequence, found a string" },
	{ "services:\n  - name: a\n    argv: [x, \"${nope}\"]\n", 9, 16, "services[0].argv[1]",
	  "unknown placeholder '${nope}'" },
	{ "services:\n  - name: a\n    argv: [x]\n    colour: red\n", 10, 5, "services[0].colour",
	  "unknown key" },
	{ "services:\n  - name: a\n    argv: [x]\n    ready: {}\n", 10, 12, "services[0].ready",
	  "exactly one of 'socket', 'path' or 'exited'" },
	{ "services:\n  - name: a\n    argv: [x]\n    ready: {socket: s, path: p}\n", 10, 12,
	  "services[0].ready", "exactly one of" },
	{ "services:\n  - name: a\n    argv: [x]\n    ready: {exited: yes}\n", 10, 21,
	  "services[0].ready.exited", "must be true" },
	{ "services:\n  - name: a\n    argv: [x]\n    ready: {socket: \"${outdir\"}\n", 10, 22,
	  "services[0].ready.socket", "unterminated placeholder" },
	{ "services:\n  - name: a\n    argv: [x]\n    ready: {path: p, timeout_s: 0}\n", 10, 33,
	  "services[0].ready.timeout_s", "positive" },
	{ "services:\n  - name: a\n    argv: [x]\n    stop_s: soon\n", 10, 13, "services[0].stop_s",
	  "'soon'" },
	{ "services:\n  - name: a\n    argv: [x]\n    packages: qemu-utils\n", 10, 15,
	  "services[0].packages", "expected a sequence" },
};

static void test_parse_errors(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		const char *path = write_target(c->yaml);
		struct pf_error err;
		char buf[2048];
		struct pf_target *t = pf_target_load(path, NULL, &err);
		print_message("case %zu: %s\n", i, pf_error_format(&err, buf, sizeof(buf)));
		assert_null(t);
		if (err.line != c->line || err.column != c->column || strcmp(err.field, c->field) ||
		    !strstr(err.message, c->text)) {
			print_error("case %zu: expected %d:%d field '%s' with '%s'\n", i, c->line,
				    c->column, c->field, c->text);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_parse_ok(void **state)
{
	(void)state;
	const char *path = write_target(
		"services:\n"
		"  - name: disk\n"
		"    argv: [qemu-img, create, \"${outdir}/d.img\", 1M]\n"
		"    ready: {exited: true}\n"
		"    packages: [qemu-utils]\n"
		"  - name: dev\n"
		"    argv: [dev, --socket, \"${sockdir}/a.sock\", --fault, \"${fault}\"]\n"
		"    ready: {socket: \"${sockdir}/a.sock\", timeout_s: 2.5}\n"
		"    stop_s: 0.5\n");
	struct pf_error err;
	struct pf_target *t = pf_target_load(path, NULL, &err);
	assert_non_null(t);
	assert_int_equal(t->n_services, 2);
	assert_string_equal(t->services[0].name, "disk");
	assert_true(t->services[0].ready_exited);
	assert_int_equal(t->services[0].ready_ms, 10000);
	assert_string_equal(t->services[0].packages[0], "qemu-utils");
	assert_string_equal(t->services[1].ready_socket, "${sockdir}/a.sock");
	assert_int_equal(t->services[1].ready_ms, 2500);
	assert_int_equal(t->services[1].stop_ms, 500);
	assert_null(t->services[1].packages[0]);
	/* ${sockdir} has no value until the runner gives it one */
	assert_null(pf_target_expand(t, t->services[1].argv[2], NULL, NULL, "/o", "f", &err));
	assert_non_null(strstr(err.message, "'${sockdir}' has no value"));
	assert_int_equal(pf_target_set_sockdir(t, "/tmp/pf-x", &err), 0);
	assert_int_equal(pf_target_set_variable(t, "fault", "a,b", &err), 0);
	char *s = pf_target_expand(t, t->services[1].argv[4], NULL, NULL, "/o", "f", &err);
	assert_string_equal(s, "a,b");
	free(s);
	s = pf_target_expand(t, t->services[1].argv[2], NULL, NULL, "/o", "f", &err);
	assert_string_equal(s, "/tmp/pf-x/a.sock");
	free(s);
	pf_target_free(t);
}

/* ---- runtime ---------------------------------------------------------------- */

static bool alive(pid_t pid)
{
	return pid > 0 && kill(pid, 0) == 0;
}

/* The file's text ("" if unreadable), valid until the next call. */
static const char *slurp(const char *path)
{
	static char *last;
	free(last);
	if (pf_read_file(path, 1u << 20, &last, NULL, NULL))
		last = NULL;
	return last ? last : "";
}

static struct pf_target *load(const char *services)
{
	struct pf_error err;
	char buf[2048];
	struct pf_target *t = pf_target_load(write_target(services), NULL, &err);
	if (!t)
		print_message("%s\n", pf_error_format(&err, buf, sizeof(buf)));
	assert_non_null(t);
	return t;
}

static void test_start_stop(void **state)
{
	(void)state;
	struct pf_target *t =
		load("services:\n"
		     "  - name: prep\n"
		     "    argv: [/bin/sh, -c, \"echo prepared > ${outdir}/prep.txt\"]\n"
		     "    ready: {exited: true}\n"
		     "  - name: dev\n"
		     "    argv: [/bin/sh, -c, \"echo hello from dev; touch ${sockdir}/up; exec "
		     "sleep 30\"]\n"
		     "    ready: {path: \"${sockdir}/up\", timeout_s: 5}\n"
		     "    stop_s: 1\n");
	struct pf_error err;
	struct pf_services *s = pf_services_new(t, fx_scratch, &err);
	assert_non_null(s);
	char sockdir[128];
	snprintf(sockdir, sizeof(sockdir), "%s", t->sockdir);
	assert_true(strlen(sockdir) < 40);
	for (int boot = 0; boot < 2; boot++) { /* services restart with each boot */
		pid_t pids[2] = { 0, 0 };
		char problem[512];
		assert_int_equal(pf_services_start(s, NULL, NULL, &err), 0);
		assert_int_equal(pf_services_pids(s, pids, 2), 2);
		assert_true(alive(pids[1]));
		assert_int_equal(pf_services_stop(s, problem, sizeof(problem)), 0);
		assert_string_equal(problem, "");
		assert_false(alive(pids[1])); /* stopped and reaped: no leftover */
	}
	pf_services_free(s);
	struct stat st;
	assert_int_not_equal(stat(sockdir, &st), 0); /* socket directory removed */
	char path[512];
	snprintf(path, sizeof(path), "%s/prep.txt", fx_scratch);
	assert_string_equal(slurp(path), "prepared\n");
	snprintf(path, sizeof(path), "%s/services.log", fx_scratch);
	const char *log = slurp(path);
	assert_non_null(strstr(log, "[dev] hello from dev"));
	assert_non_null(strstr(log, "service 'dev'"));
	pf_target_free(t);
}

/* Each infrastructure error names the target file and the service. */
static void start_fails(const char *services, const char *text)
{
	struct pf_target *t = load(services);
	struct pf_error err;
	char buf[2048];
	struct pf_services *s = pf_services_new(t, fx_scratch, &err);
	assert_non_null(s);
	assert_int_equal(pf_services_start(s, NULL, NULL, &err), -1);
	pf_error_format(&err, buf, sizeof(buf));
	print_message("%s\n", buf);
	assert_non_null(strstr(buf, "svc.yaml"));
	assert_string_equal(err.field, "services.dev");
	assert_non_null(strstr(err.message, text));
	pf_services_free(s);
	pf_target_free(t);
}

static void test_start_errors(void **state)
{
	(void)state;
	start_fails(DEV_SERVICE "    argv: [pf-no-such-program-x]\n"
				"    packages: [pf-pkg]\n",
		    "cannot start 'pf-no-such-program-x'");
	start_fails(DEV_SERVICE "    argv: [pf-no-such-program-x]\n"
				"    packages: [pf-pkg]\n",
		    "install the Debian package pf-pkg");
	start_fails(DEV_SERVICE "    argv: [/bin/sleep, \"30\"]\n"
				"    ready: {socket: \"${sockdir}/never.sock\", timeout_s: 0.3}\n",
		    "not ready within 0.3 s");
	start_fails(DEV_SERVICE "    argv: [/bin/sh, -c, \"exit 3\"]\n"
				"    ready: {path: \"${sockdir}/never\"}\n",
		    "exited before it was ready");
	start_fails(DEV_SERVICE "    argv: [/bin/sh, -c, \"exit 4\"]\n"
				"    ready: {exited: true}\n",
		    "failed before it was ready");
}

/* A service that dies during the boot is reported by stop. */
static void test_exit_during_boot(void **state)
{
	(void)state;
	struct pf_target *t = load(
		DEV_SERVICE
		"    argv: [/bin/sh, -c, \"touch ${sockdir}/up; sleep 0.2; kill -SEGV $$$$\"]\n"
		"    ready: {path: \"${sockdir}/up\"}\n");
	struct pf_error err;
	char problem[512];
	struct pf_services *s = pf_services_new(t, fx_scratch, &err);
	assert_non_null(s);
	assert_int_equal(pf_services_start(s, NULL, NULL, &err), 0);
	usleep(600 * 1000);
	assert_int_equal(pf_services_stop(s, problem, sizeof(problem)), 1);
	print_message("%s\n", problem);
	assert_non_null(strstr(problem, "service 'dev'"));
	assert_non_null(strstr(problem, "SIGSEGV"));
	pf_services_free(s);
	pf_target_free(t);
}

/* services.log stays within its bound however much a service prints. */
static void test_log_bounded(void **state)
{
	(void)state;
	struct pf_target *t =
		load(DEV_SERVICE "    argv: [/bin/sh, -c, \"touch ${sockdir}/up; head -c 6000000 "
				 "/dev/zero | tr '\\\\0' 'x' | fold -w 100\"]\n"
				 "    ready: {path: \"${sockdir}/up\"}\n");
	struct pf_error err;
	struct pf_services *s = pf_services_new(t, fx_scratch, &err);
	assert_non_null(s);
	assert_int_equal(pf_services_start(s, NULL, NULL, &err), 0);
	sleep(2);
	pf_services_stop(s, NULL, 0);
	pf_services_free(s);
	char path[512];
	struct stat st;
	snprintf(path, sizeof(path), "%s/services.log", fx_scratch);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > PF_SERVICES_LOG_MAX / 2);
	assert_true(st.st_size < PF_SERVICES_LOG_MAX + 4096);
	pf_target_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_SCRATCH_TEST(test_parse_errors),	FX_SCRATCH_TEST(test_parse_ok),
		FX_SCRATCH_TEST(test_start_stop),	FX_SCRATCH_TEST(test_start_errors),
		FX_SCRATCH_TEST(test_exit_during_boot), FX_SCRATCH_TEST(test_log_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

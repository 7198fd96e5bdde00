/* SPDX-License-Identifier: MIT */
/*
 * Tests for harness/src/launch/vmm.c and vmm_version.c: spawn, output
 * pumping, termination, reaping and the version query (supervision is in
 * test_vmm_supervise.c). One test boots the real qemu-system-aarch64 with
 * the reference target fixture and is skipped when QEMU is absent.
 */
#define _GNU_SOURCE /* memmem */

#include "vmm_helpers.h"
#include "util/spawn.h"

/* ---- spawn and basic I/O ---------------------------------------------------- */

static void test_output_and_exit_zero(void **state)
{
	(void)state;
	struct cap c = { 0 };
	struct pf_vmm *v = spawn_sh("printf 'hello\\nworld'");
	assert_true(pf_vmm_pid(v) > 0);
	long deadline = pf_now_ms() + 5000;
	int r = 0;
	while ((r & (PF_VMM_POLL_EOF | PF_VMM_POLL_EXITED)) !=
	       (PF_VMM_POLL_EOF | PF_VMM_POLL_EXITED)) {
		assert_true(pf_now_ms() < deadline);
		r = pf_vmm_poll(v, 100, cap_out, cap_err, &c);
		assert_true(r >= 0);
	}
	struct pf_vmm_exit ex;
	assert_int_equal(pf_vmm_wait(v, 1000, &ex), 0);
	assert_exit(&ex, PF_VMM_EXITED, 0, 0);
	assert_int_equal(ex.code, 0);
	assert_string_equal(out_str(&c), "hello\nworld");
	assert_string_equal(err_str(&c), "");
	/* Repeated wait gives the same answer; poll after reaping is harmless. */
	assert_int_equal(pf_vmm_wait(v, 0, &ex), 0);
	assert_int_equal(ex.code, 0);
	assert_int_equal(pf_vmm_poll(v, 0, NULL, NULL, NULL), PF_VMM_POLL_EOF | PF_VMM_POLL_EXITED);
	pf_vmm_free(v);
	cap_free(&c);
}

static void test_prints_then_exits_3(void **state)
{
	(void)state;
	struct sup s = { .o = opts(10000, 0, 0) };
	supervise(&s, "printf 'partial record'; exit 3", PF_SUP_EXIT_CODE);
	assert_int_equal(s.res.exit.how, PF_VMM_EXITED);
	assert_int_equal(s.res.exit.code, 3);
	assert_serial(&s, "partial record");
	assert_true(s.res.last_serial_ms >= 0);
	assert_true(s.res.exit_ms >= 0 && s.res.exit_ms <= s.res.elapsed_ms);
	assert_false(s.res.finished);
	assert_string_equal(pf_supervise_outcome_name(s.res.outcome), "exit-code");
	assert_string_equal(exit_text(&s), "exited 3");
	cap_free(&s.c);
}

static void test_stderr_separate(void **state)
{
	(void)state;
	struct sup s = { .o = opts(10000, 0, 0) };
	supervise(&s, "printf out1; printf 'qemu: warning' >&2; printf out2", PF_SUP_EXITED);
	assert_serial(&s, "out1out2");
	assert_stderr(&s, "qemu: warning");
	cap_free(&s.c);
}

static void test_stdin_is_dev_null(void **state)
{
	(void)state;
	struct sup s = { .o = opts(5000, 0, 0) };
	/* cat would block forever on a terminal or an inherited pipe. */
	supervise(&s, "cat; echo done", PF_SUP_EXITED);
	assert_serial(&s, "done\n");
	assert_true(s.took < SLACK_MS);
	cap_free(&s.c);
}

static void test_nonexistent_binary(void **state)
{
	(void)state;
	struct pf_error err;
	char b[1024];
	char *argv[] = { "pf-no-such-hypervisor-binary", "--version", NULL };
	assert_null(pf_vmm_spawn(argv, &err));
	assert_int_equal(err.sys_errno, ENOENT);
	pf_error_format(&err, b, sizeof(b));
	assert_non_null(strstr(b, "pf-no-such-hypervisor-binary"));
	assert_non_null(strstr(b, "not found in PATH"));

	char *argv2[] = { "/nonexistent-dir/qemu-system-aarch64", NULL };
	assert_null(pf_vmm_spawn(argv2, &err));
	assert_int_equal(err.sys_errno, ENOENT);

	char *argv3[] = { NULL };
	assert_null(pf_vmm_spawn(argv3, &err));
	assert_null(pf_vmm_spawn(NULL, &err));

	/* No child was left behind by the failures. */
	int st;
	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void test_exec_failure_is_an_error(void **state)
{
	(void)state;
	char dir[] = "/tmp/pf-vmm-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/not-a-program", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	assert_true(fd >= 0);
	/* No "#!": execve says ENOEXEC. execvp would run it with sh; we must not. */
	assert_int_equal(write(fd, "\x01\x02garbage", 9), 9);
	close(fd);
	struct pf_error err;
	char *argv[] = { path, NULL };
	assert_null(pf_vmm_spawn(argv, &err));
	assert_int_equal(err.sys_errno, ENOEXEC);
	assert_non_null(strstr(err.message, "cannot execute"));

	assert_int_equal(chmod(path, 0644), 0);
	assert_null(pf_vmm_spawn(argv, &err));
	assert_int_equal(err.sys_errno, EACCES);

	int st;
	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
	unlink(path);
	rmdir(dir);
}

static void test_large_output_fully_received(void **state)
{
	(void)state;
	/* Expected stdout of `seq 1 1000000`: about 6.9 MB. */
	struct pf_strbuf want = { 0 };
	char line[16];
	for (int i = 1; i <= 1000000; i++) {
		int n = snprintf(line, sizeof(line), "%d\n", i);
		buf_add(&want, line, (size_t)n);
	}
	struct sup s = { .o = opts(60000, 0, 0) };
	/* 2.5 MB on stderr first: were stderr not read concurrently, the child
     * would block on a full pipe and the run would time out. */
	supervise(&s, "seq 1 400000 >&2; seq 1 1000000; seq 1 10 >&2", PF_SUP_EXITED);
	assert_int_equal(s.c.out.len, want.len);
	assert_int_equal(s.res.serial_bytes, want.len);
	assert_memory_equal(s.c.out.p, want.p, want.len);
	assert_true(s.c.err.len > 2500000);
	assert_int_equal(s.res.stderr_bytes, s.c.err.len);
	assert_true(s.c.serial_calls > 1); /* it really was incremental */
	free(want.p);
	cap_free(&s.c);
}

static void test_terminate_wait_and_free(void **state)
{
	(void)state;
	struct pf_vmm *v = spawn_sh("exec sleep 1000");
	pid_t pid = pf_vmm_pid(v);
	struct pf_vmm_exit ex;
	long t0 = pf_now_ms();
	/* A bounded wait on a running VMM times out and reports it running. */
	assert_int_equal(pf_vmm_wait(v, 150, &ex), 1);
	long waited = pf_now_ms() - t0;
	assert_true(waited >= 150 && waited < 150 + SLACK_MS);
	assert_int_equal(ex.how, PF_VMM_RUNNING);
	/* Its own process group: killing it cannot touch the test runner. */
	assert_int_equal(getpgid(pid), pid);
	assert_int_not_equal(getpgid(0), pid);

	assert_int_equal(pf_vmm_terminate(v, 1000), 0);
	assert_int_equal(pf_vmm_wait(v, 1000, &ex), 0);
	assert_int_equal(ex.how, PF_VMM_KILLED);
	assert_int_equal(ex.signal, SIGTERM);
	/* Signalling after the reap is refused: the id may be recycled. */
	assert_int_equal(pf_vmm_kill(v, SIGTERM), -1);
	assert_int_equal(errno, ESRCH);
	pf_vmm_free(v);
	int st;
	assert_int_equal(waitpid(pid, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	assert_true(proc_gone(pid));
}

static void test_free_running_leaves_no_zombie(void **state)
{
	(void)state;
	struct pf_vmm *v = spawn_sh("exec sleep 1000");
	pid_t pid = pf_vmm_pid(v);
	pf_vmm_free(v); /* no terminate, no wait */
	int st;
	assert_int_equal(waitpid(pid, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	assert_true(proc_gone(pid));
	pf_vmm_free(NULL);
}

/* ---- version ----------------------------------------------------------------- */

static void test_hypervisor_version(void **state)
{
	(void)state;
	struct pf_error err;
	char line[128], num[32];
	const char *const ok[] = { "-c",
				   "echo; echo '  Fake VMM version 1.2.3 (build 7)  '; echo second",
				   NULL };
	assert_int_equal(pf_hypervisor_version("/bin/sh", ok, 5000, line, sizeof(line), &err), 0);
	assert_string_equal(line, "Fake VMM version 1.2.3 (build 7)");
	assert_int_equal(pf_version_number(line, num, sizeof(num)), 0);
	assert_string_equal(num, "1.2.3");

	/* Some tools print their version on stderr only. */
	const char *const on_err[] = { "-c", "echo 'tool v2.0' >&2", NULL };
	assert_int_equal(pf_hypervisor_version("sh", on_err, 5000, line, sizeof(line), &err), 0);
	assert_string_equal(line, "tool v2.0");

	const char *const bad[] = { "-c", "echo 'unknown option' >&2; exit 2", NULL };
	assert_int_equal(pf_hypervisor_version("/bin/sh", bad, 5000, line, sizeof(line), &err), -1);
	assert_non_null(strstr(err.message, "exited 2"));
	assert_non_null(strstr(err.message, "unknown option"));

	const char *const silent[] = { "-c", "true", NULL };
	assert_int_equal(pf_hypervisor_version("/bin/sh", silent, 5000, line, sizeof(line), &err),
			 -1);
	assert_non_null(strstr(err.message, "no version"));

	const char *const hang[] = { "-c", "exec sleep 100", NULL };
	long t0 = pf_now_ms();
	assert_int_equal(pf_hypervisor_version("/bin/sh", hang, 300, line, sizeof(line), &err), -1);
	assert_true(pf_now_ms() - t0 < 300 + SLACK_MS);
	assert_non_null(strstr(err.message, "did not answer"));

	assert_int_equal(
		pf_hypervisor_version("pf-no-such-vmm", NULL, 1000, line, sizeof(line), &err), -1);
	assert_int_equal(err.sys_errno, ENOENT);

	int st;
	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
}

static void test_version_number(void **state)
{
	(void)state;
	char n[32];
	assert_int_equal(pf_version_number("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7)", n,
					   sizeof(n)),
			 0);
	assert_string_equal(n, "7.2.22");
	assert_int_equal(pf_version_number("cloud-hypervisor v38.0", n, sizeof(n)), 0);
	assert_string_equal(n, "38.0");
	assert_int_equal(pf_version_number("crosvm 0.1.0", n, sizeof(n)), 0);
	assert_string_equal(n, "0.1.0");
	assert_int_equal(pf_version_number("build 7 of foo", n, sizeof(n)), -1);
	char tiny[4];
	assert_int_equal(pf_version_number("x 10.20.30", tiny, sizeof(tiny)), 0);
	assert_string_equal(tiny, "10.");
}

/* ---- the reference hypervisor ---------------------------------------------------- */

static bool in_path(const char *prog)
{
	char path[1024];
	return pf_find_program(prog, path, sizeof(path)) == 0;
}
static void test_real_qemu_accepts_reference_target(void **state)
{
	(void)state;
	if (!in_path("qemu-system-aarch64"))
		fail_msg("qemu-system-aarch64 not on PATH: it is a required test tool "
			 "(ci/setup.sh)");
	struct pf_error err;
	char b[1024];
	const char *dd = getenv("PF_TEST_DATA_DIR");
	char tpath[1024];
	snprintf(tpath, sizeof(tpath), "%s/targets/ok/qemu-aarch64-virt.yaml",
		 dd && *dd ? dd : PF_TEST_DATA_DIR);
	struct pf_target *t = pf_target_load(tpath, NULL, &err);
	if (!t)
		fail_msg("%s", pf_error_format(&err, b, sizeof(b)));

	char line[256];
	assert_int_equal(pf_hypervisor_version(t->hypervisor.binary,
					       (const char *const *)t->hypervisor.version_args,
					       10000, line, sizeof(line), &err),
			 0);
	assert_int_equal(strncmp(line, "QEMU emulator version ", 22), 0);

	/* A probe of zeros: QEMU accepts every option and runs, but the guest
     * never prints, so the run must end as a boot timeout. Had QEMU rejected
     * an option it would have exited 1 at once. */
	char dir[] = "/tmp/pf-qemu-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char probe[256];
	snprintf(probe, sizeof(probe), "%s/probe-aarch64.img", dir);
	int fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	static const char zeros[4096];
	assert_int_equal(write(fd, zeros, sizeof(zeros)), (ssize_t)sizeof(zeros));
	close(fd);
	size_t argc;
	char **argv = pf_target_argv(t, probe, "pf.seed=1 pf.verbose=2", dir, &argc, &err);
	assert_non_null(argv);

	struct cap c = { .first_marker = "@@PF2 " };
	struct pf_supervise_cbs cbs = { cap_out, cap_err, cap_first, NULL, &c, NULL };
	struct pf_supervise_opts o = opts(30000, 3000, 2000);
	struct pf_supervise_result res;
	struct pf_vmm *v = pf_vmm_spawn(argv, &err);
	if (!v)
		fail_msg("%s", pf_error_format(&err, b, sizeof(b)));
	assert_int_equal(pf_vmm_supervise(v, &o, &cbs, &res), 0);
	print_message("qemu: outcome %s, stderr: %s\n", pf_supervise_outcome_name(res.outcome),
		      err_str(&c));
	assert_int_equal(res.outcome, PF_SUP_TIMEOUT_BOOT);
	assert_int_equal(res.exit.how, PF_VMM_KILLED);
	assert_false(res.escalated); /* QEMU honours SIGTERM */
	/* QEMU's own message on SIGTERM, when it had installed its handler by
     * then, went to the separate stderr capture, never to the console
     * (on a loaded machine the kill can come first: no message at all). */
	assert_null(c.out.p ? strstr(c.out.p, "terminating on signal") : NULL);
	pf_vmm_free(v);
	pf_argv_free(argv);
	pf_target_free(t);
	unlink(probe);
	rmdir(dir);
	cap_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_and_exit_zero),
		cmocka_unit_test(test_prints_then_exits_3),
		cmocka_unit_test(test_stderr_separate),
		cmocka_unit_test(test_stdin_is_dev_null),
		cmocka_unit_test(test_nonexistent_binary),
		cmocka_unit_test(test_exec_failure_is_an_error),
		cmocka_unit_test(test_large_output_fully_received),
		cmocka_unit_test(test_terminate_wait_and_free),
		cmocka_unit_test(test_free_running_leaves_no_zombie),
		cmocka_unit_test(test_hypervisor_version),
		cmocka_unit_test(test_version_number),
		cmocka_unit_test(test_real_qemu_accepts_reference_target),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* util/spawn: posix_spawnp in its own process group, redirection, bounded
 * waits, group kills, PATH lookup; programs that cannot run. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "proc_helpers.h"
#include "util/spawn.h"

/* Everything the child wrote to FD until EOF (bounded by the buffer). */
static void read_all(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;
	while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
}

static void test_redirect_and_exit_code(void **state)
{
	(void)state;
	int out[2], errp[2];
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(errp), 0);
	char *const argv[] = { "sh", "-c", "echo out; echo err >&2; read x || echo eof; exit 3",
			       NULL };
	struct pf_spawn_io io = { -1, out[1], errp[1] };
	struct pf_error err;
	pid_t pid = 0;
	assert_int_equal(pf_spawn(argv, &io, &pid, &err), 0);
	close(out[1]);
	close(errp[1]);
	/* its own process group, led by itself */
	assert_int_equal(getpgid(pid), pid);
	char o[64], e[64];
	read_all(out[0], o, sizeof(o));
	read_all(errp[0], e, sizeof(e));
	assert_string_equal(o, "out\neof\n"); /* stdin was /dev/null */
	assert_string_equal(e, "err\n");
	int st = 0;
	assert_int_equal(pf_spawn_wait(pid, 10000, &st), 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 3);
	close(out[0]);
	close(errp[0]);
}

static void test_wait_is_bounded_and_kill_reaches_the_group(void **state)
{
	(void)state;
	int out[2];
	assert_int_equal(pipe(out), 0);
	/* the shell forks a grandchild that would outlive it, and prints its pid */
	char *const argv[] = { "sh", "-c", "sleep 60 & echo $!; wait", NULL };
	struct pf_spawn_io io = { -1, out[1], -1 };
	pid_t pid = 0;
	assert_int_equal(pf_spawn(argv, &io, &pid, NULL), 0);
	close(out[1]);
	char line[32] = "";
	size_t n = 0;
	while (n + 1 < sizeof(line) && read(out[0], line + n, 1) == 1 && line[n] != '\n')
		n++;
	line[n] = '\0';
	pid_t grandchild = (pid_t)atoi(line);
	assert_true(grandchild > 0);
	assert_int_equal(getpgid(grandchild), pid);

	/* still running: the wait gives up at the timeout, without reaping */
	assert_false(pf_spawn_exited(pid));
	assert_int_equal(pf_spawn_wait(pid, 100, NULL), 1);
	assert_int_equal(pf_spawn_kill(pid, SIGKILL), 0);
	int st = 0;
	assert_int_equal(pf_spawn_wait(pid, 10000, &st), 0);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGKILL);
	/* the grandchild went with the group (SIGKILL is asynchronous: give
	 * it a moment) */
	for (int i = 0; i < 200 && !proc_gone(grandchild); i++)
		usleep(10000);
	assert_true(proc_gone(grandchild));
	close(out[0]);
}

static void test_child_signal_state_is_default(void **state)
{
	(void)state;
	/* the runner ignores SIGINT and blocks SIGUSR1; the child must not */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int;
	sigset_t set, old_mask;
	sigaction(SIGINT, &ign, &old_int);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old_mask);
	int out[2];
	assert_int_equal(pipe(out), 0);
	char *const argv[] = { "grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status", NULL };
	struct pf_spawn_io io = { -1, out[1], -1 };
	pid_t pid = 0;
	int rc = pf_spawn(argv, &io, &pid, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	assert_int_equal(rc, 0);
	close(out[1]);
	char o[256];
	read_all(out[0], o, sizeof(o));
	close(out[0]);
	assert_int_equal(pf_spawn_wait(pid, 10000, NULL), 0);
	assert_non_null(strstr(o, "SigBlk:\t0000000000000000\n"));
	assert_non_null(strstr(o, "SigIgn:\t0000000000000000\n"));
}

static void test_missing_program(void **state)
{
	(void)state;
	char *const argv[] = { "pf-no-such-program-anywhere", NULL };
	struct pf_error err;
	pid_t pid = 0;
	assert_int_equal(pf_spawn(argv, NULL, &pid, &err), -1);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_non_null(strstr(err.message, "not found in PATH"));
	char *const abs[] = { "/nonexistent/pf-prog", NULL };
	assert_int_equal(pf_spawn(abs, NULL, &pid, &err), -1);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_non_null(strstr(err.message, "cannot execute '/nonexistent/pf-prog'"));
	char *const none[] = { NULL };
	assert_int_equal(pf_spawn(none, NULL, &pid, &err), -1);
	assert_non_null(strstr(err.message, "no program"));
}

static void test_not_executable(void **state)
{
	(void)state;
	char path[] = "/tmp/pf-test-spawn-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	char *const argv[] = { path, NULL };
	struct pf_error err;
	pid_t pid = 0;
	assert_int_equal(pf_spawn(argv, NULL, &pid, &err), -1);
	assert_int_equal(err.sys_errno, EACCES);
	unlink(path);
}

static void test_find_program(void **state)
{
	(void)state;
	char out[256];
	assert_int_equal(pf_find_program("sh", out, sizeof(out)), 0);
	assert_true(out[0] == '/');
	assert_int_equal(access(out, X_OK), 0);
	assert_int_equal(pf_find_program("pf-no-such-program-anywhere", out, sizeof(out)), -1);
	assert_int_equal(pf_find_program("/bin/sh", out, sizeof(out)), 0);
	assert_string_equal(out, "/bin/sh");
	assert_int_equal(pf_find_program("/nonexistent/x", out, sizeof(out)), -1);
	/* too small a buffer is "none", never a truncated path */
	assert_int_equal(pf_find_program("sh", out, 3), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redirect_and_exit_code),
		cmocka_unit_test(test_wait_is_bounded_and_kill_reaches_the_group),
		cmocka_unit_test(test_child_signal_state_is_default),
		cmocka_unit_test(test_missing_program),
		cmocka_unit_test(test_not_executable),
		cmocka_unit_test(test_find_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

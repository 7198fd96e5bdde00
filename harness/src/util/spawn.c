/* SPDX-License-Identifier: MIT */
/* Spawning helper programs; see spawn.h. */
#define _GNU_SOURCE /* posix_spawn_file_actions_addclosefrom_np */
#include "util/spawn.h"
#include "util/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Exit is noticed by polling waitid at this period. */
#define SPAWN_EXIT_POLL_MS 10

/* A copy of FD at 3 or above (close-on-exec): if the runner runs with one
 * of 0/1/2 closed, a pipe may sit there, and dup2 onto the child's 0/1/2 in
 * turn could overwrite a source before it is used. -1 opens /dev/null. */
static int high_fd(int fd, int flags)
{
	int nul = -1, r;

	if (fd < 0) {
		nul = open("/dev/null", flags | O_CLOEXEC);
		if (nul < 0)
			return -1;
		fd = nul;
	}
	r = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (nul >= 0)
		close(nul);
	return r;
}

static int spawn_error(struct pf_error *err, const char *prog, int e)
{
	if (e == ENOENT && !strchr(prog, '/')) {
		pf_error_fill(err, NULL, 0, 0, NULL, "cannot run '%s': not found in PATH", prog);
		if (err)
			err->sys_errno = e;
		return -1;
	}
	errno = e;
	return pf_error_errno(err, NULL, "cannot execute '%s'", prog);
}

int pf_spawn(char *const argv[], const struct pf_spawn_io *io, pid_t *pid, struct pf_error *err)
{
	static const struct pf_spawn_io all_null = { -1, -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t all, none;
	int fds[3] = { -1, -1, -1 }, rc = 0;

	pf_error_clear(err);
	if (!argv || !argv[0] || !argv[0][0])
		return pf_error_fill(err, NULL, 0, 0, NULL, "no program to run");
	if (!io)
		io = &all_null;
	fds[0] = high_fd(io->in_fd, O_RDONLY);
	fds[1] = high_fd(io->out_fd, O_WRONLY);
	fds[2] = high_fd(io->err_fd, O_WRONLY);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0) {
		pf_error_errno(err, NULL, "cannot set up '%s'", argv[0]);
		goto out_fds;
	}
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
		errno = rc;
		pf_error_errno(err, NULL, "cannot set up '%s'", argv[0]);
		goto out_fds;
	}
	if ((rc = posix_spawnattr_init(&attr)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		errno = rc;
		pf_error_errno(err, NULL, "cannot set up '%s'", argv[0]);
		goto out_fds;
	}
	for (int i = 0; i < 3 && !rc; i++)
		rc = posix_spawn_file_actions_adddup2(&fa, fds[i], i);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	/* descriptors the runner opened without O_CLOEXEC (journals, logs)
	 * must not leak into the child */
	if (!rc)
		rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	/* Ignored signals and the mask survive exec: the child gets defaults
	 * (a runner ignoring SIGPIPE must not make QEMU ignore it). */
	/* Every bit, not sigfillset(): glibc leaves its internal signals out of
	 * that, and posix_spawn then sets them to SIG_IGN in the child, where
	 * the setting survives exec. */
	memset(&all, 0xff, sizeof(all));
	sigemptyset(&none);
	if (!rc)
		rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
							     POSIX_SPAWN_SETSIGMASK);
	if (!rc)
		rc = posix_spawnattr_setpgroup(&attr, 0);
	if (!rc)
		rc = posix_spawnattr_setsigdefault(&attr, &all);
	if (!rc)
		rc = posix_spawnattr_setsigmask(&attr, &none);
	if (rc) {
		errno = rc;
		pf_error_errno(err, NULL, "cannot set up '%s'", argv[0]);
	} else {
		rc = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
		if (rc)
			spawn_error(err, argv[0], rc);
	}
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (!rc) {
		for (int i = 0; i < 3; i++)
			close(fds[i]);
		return 0;
	}
out_fds:
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return -1;
}

bool pf_spawn_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	/* WNOWAIT: the child stays a zombie, so its pid (and process group
	 * id) cannot be reused before we have signalled the group */
	return pid > 0 && waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       si.si_pid == pid;
}

int pf_spawn_kill(pid_t pid, int sig)
{
	if (pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (kill(-pid, sig) != 0 && errno != ESRCH)
		return -1;
	return 0;
}

int pf_spawn_wait(pid_t pid, long timeout_ms, int *status)
{
	long deadline = timeout_ms < 0 ? -1 : pf_now_ms() + timeout_ms;
	int st = 0;
	pid_t r;

	if (pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	while (!pf_spawn_exited(pid)) {
		long left = deadline < 0 ? SPAWN_EXIT_POLL_MS : deadline - pf_now_ms();

		if (left <= 0)
			return 1;
		pf_sleep_ms(left < SPAWN_EXIT_POLL_MS ? left : SPAWN_EXIT_POLL_MS);
	}
	/* leftovers in the group die now, while the zombie leader still pins
	 * the group id */
	kill(-pid, SIGKILL);
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (r != pid)
		return -1;
	if (status)
		*status = st;
	return 0;
}

static bool executable(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode) && !access(p, X_OK);
}

int pf_find_program(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");

	if (!name || !*name || !len)
		return -1;
	if (strchr(name, '/'))
		return (size_t)snprintf(out, len, "%s", name) < len && executable(out) ? 0 : -1;
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;;) {
		size_t n = strcspn(p, ":");

		/* an empty PATH element means the current directory */
		if ((size_t)snprintf(out, len, "%.*s/%s", (int)(n ? n : 1), n ? p : ".", name) <
			    len &&
		    executable(out))
			return 0;
		if (!p[n])
			break;
		p += n + 1;
	}
	out[0] = '\0';
	return -1;
}

void pf_exe_dir(char *buf, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
	char *slash;

	if (n <= 0) {
		buf[0] = 0;
		return;
	}
	buf[n] = 0;
	slash = strrchr(buf, '/');
	if (slash)
		*slash = 0;
}

int pf_find_companion(const char *name, char *out, size_t len)
{
	char dir[PATH_MAX];

	if (name && *name && !strchr(name, '/')) {
		pf_exe_dir(dir, sizeof(dir));
		if (dir[0] && (size_t)snprintf(out, len, "%s/%s", dir, name) < len &&
		    executable(out))
			return 0;
	}
	return pf_find_program(name, out, len);
}

/* SPDX-License-Identifier: MIT */
/*
 * Starting helper programs (the hypervisor, its version query, Chromium)
 * the one way the runner does it: posix_spawnp of an argv vector (never a
 * shell), the child in its own process group so that it and whatever it
 * forks can be signalled together, and waits that are always bounded.
 *
 * The child's process group id is its pid. Signals go to that group only
 * while the child is not yet reaped: an unreaped child pins the group id,
 * so a recycled id can never be hit. pf_spawn_wait() reaps.
 */
#ifndef PF_UTIL_SPAWN_H
#define PF_UTIL_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* Where the child's standard streams go. -1: /dev/null. The descriptors
 * stay the caller's (pf_spawn does not close them). */
struct pf_spawn_io {
	int in_fd;
	int out_fd;
	int err_fd;
};

/*
 * Starts argv[0] (looked up in PATH unless it contains '/') with ARGV. The
 * child gets IO (NULL: all /dev/null) as its stdin/stdout/stderr, no other
 * descriptor of ours, default signal dispositions and an empty signal mask.
 * A program that cannot be executed (not found, not executable, bad format)
 * is an error here, with sys_errno set, never a child that "exited 127".
 * Returns 0 with *pid set, or -1 with err filled.
 */
int pf_spawn(char *const argv[], const struct pf_spawn_io *io, pid_t *pid, struct pf_error *err);

/* True once the child PID has exited; it stays unreaped (a zombie). */
bool pf_spawn_exited(pid_t pid);

/* Sends SIG to the process group of the (unreaped) child PID. An already
 * empty group is not an error. Returns 0, or -1 with errno. */
int pf_spawn_kill(pid_t pid, int sig);

/*
 * Waits up to timeout_ms (negative: no limit; use it only after SIGKILL)
 * for the child PID to exit; then kills (SIGKILL) whatever it left in its
 * process group and reaps it. Returns 0 with *status (waitpid status; may be
 * NULL) once reaped, 1 if it is still running at the timeout (not reaped,
 * not signalled), -1 on error (errno).
 */
int pf_spawn_wait(pid_t pid, long timeout_ms, int *status);

/* The first executable regular file called NAME in $PATH (or NAME itself
 * when it contains '/') into out. Returns 0, or -1 if there is none (or it
 * does not fit). */
int pf_find_program(const char *name, char *out, size_t len);

/* The directory of the running executable into buf, or "" if unknown. */
void pf_exe_dir(char *buf, size_t cap);

/* A companion program: NAME beside the running executable when it is there
 * (built or installed with it), otherwise as pf_find_program() finds it. */
int pf_find_companion(const char *name, char *out, size_t len);

#endif

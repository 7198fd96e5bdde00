/* SPDX-License-Identifier: MIT */
/*
 * VMM process handling: spawn, non-blocking output pumping, termination
 * and reaping (supervision is in vmm_supervise.c, the version query in
 * vmm_version.c). See vmm.h for the contract; the comments here say why
 * things are done the way they are.
 */
#define _GNU_SOURCE /* pipe2, syscall numbers, sigabbrev_np */

#include "launch/vmm.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launch/vmm_internal.h"
#include "util/clock.h"
#include "util/spawn.h"

/* ---- spawn ---------------------------------------------------------------- */

static void ignore_sigpipe(void)
{
	struct sigaction old;
	if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_IGN;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGPIPE, &sa, NULL);
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	long fd = syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0)
		return (int)fd;
#else
	(void)pid;
#endif
	return -1; /* old kernel: exit is found by polling waitid */
}

struct pf_vmm *pf_vmm_spawn(char *const argv[], struct pf_error *err)
{
	pf_error_clear(err);
	if (!argv || !argv[0] || !argv[0][0]) {
		pf_error_fill(err, NULL, 0, 0, NULL, "no program to run");
		return NULL;
	}
	ignore_sigpipe();

	struct pf_vmm *v = calloc(1, sizeof(*v));
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	if (!v || !(v->buf = malloc(VMM_CHUNK))) {
		pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
		goto fail;
	}
	v->out_fd = v->err_fd = v->pidfd = -1;
	if (pipe2(outp, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
		pf_error_errno(err, NULL, "cannot set up '%s'", argv[0]);
		goto fail;
	}
	v->start_ms = pf_now_ms();
	struct pf_spawn_io io = { -1, outp[1], errp[1] };
	if (pf_spawn(argv, &io, &v->pid, err))
		goto fail;
	close_fd(&outp[1]);
	close_fd(&errp[1]);
	v->out_fd = outp[0];
	v->err_fd = errp[0];
	fcntl(v->out_fd, F_SETFL, fcntl(v->out_fd, F_GETFL) | O_NONBLOCK);
	fcntl(v->err_fd, F_SETFL, fcntl(v->err_fd, F_GETFL) | O_NONBLOCK);
	v->pidfd = open_pidfd(v->pid);
	return v;

fail:
	close_fd(&outp[0]);
	close_fd(&outp[1]);
	close_fd(&errp[0]);
	close_fd(&errp[1]);
	if (v)
		free(v->buf);
	free(v);
	return NULL;
}

pid_t pf_vmm_pid(const struct pf_vmm *v)
{
	return v ? v->pid : 0;
}

long pf_vmm_elapsed_ms(const struct pf_vmm *v)
{
	return v ? pf_now_ms() - v->start_ms : 0;
}

/* ---- polling -------------------------------------------------------------- */

/* Notice exit without reaping: the zombie keeps the pid and group id
 * reserved, which is what makes later group signals safe. */
static void check_exit(struct pf_vmm *v)
{
	if (v->exited || v->reaped)
		return;
	if (pf_spawn_exited(v->pid)) {
		v->exited = true;
		close_fd(&v->pidfd);
	}
}

/* Read what is available on *fd (bounded); closes it at EOF. Returns bytes
 * delivered, or -1 on a read error (the fd is then closed too). */
static long pump(struct pf_vmm *v, int *fd, pf_vmm_out_fn fn, void *ctx)
{
	long total = 0;
	for (int i = 0; i < VMM_READS_PER_POLL && *fd >= 0; i++) {
		ssize_t n = read(*fd, v->buf, VMM_CHUNK);
		if (n > 0) {
			if (fn)
				fn(ctx, v->buf, (size_t)n);
			total += n;
			continue;
		}
		if (n == 0) {
			close_fd(fd);
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		close_fd(fd);
		return -1;
	}
	return total;
}

/* Drains the pipe at pfd[i] (i < 0: not polled) when poll found it ready:
 * bit when bytes came, 0 when none did, -1 on a read error. */
static int pump_ready(struct pf_vmm *v, const struct pollfd *pfd, int i, int *fd, pf_vmm_out_fn fn,
		      void *ctx, int bit)
{
	long n;

	if (i < 0 || !pfd[i].revents)
		return 0;
	n = pump(v, fd, fn, ctx);
	if (n < 0)
		return -1;
	return n > 0 ? bit : 0;
}

static int state_bits(const struct pf_vmm *v)
{
	int r = 0;
	if (v->out_fd < 0 && v->err_fd < 0)
		r |= PF_VMM_POLL_EOF;
	if (v->exited || v->reaped)
		r |= PF_VMM_POLL_EXITED;
	return r;
}

int pf_vmm_poll(struct pf_vmm *v, int timeout_ms, pf_vmm_out_fn on_stdout, pf_vmm_out_fn on_stderr,
		void *ctx)
{
	if (!v) {
		errno = EINVAL;
		return -1;
	}
	long deadline = pf_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	for (;;) {
		int before = state_bits(v);
		struct pollfd pfd[3];
		int nfds = 0, i_out = -1, i_err = -1;
		if (v->out_fd >= 0) {
			i_out = nfds;
			pfd[nfds++] = (struct pollfd){ v->out_fd, POLLIN, 0 };
		}
		if (v->err_fd >= 0) {
			i_err = nfds;
			pfd[nfds++] = (struct pollfd){ v->err_fd, POLLIN, 0 };
		}
		if (v->pidfd >= 0 && !v->exited)
			pfd[nfds++] = (struct pollfd){ v->pidfd, POLLIN, 0 };
		if (before == (PF_VMM_POLL_EOF | PF_VMM_POLL_EXITED))
			return before; /* nothing left to wait for */

		long wait = deadline - pf_now_ms();
		if (wait < 0)
			wait = 0;
		if (v->pidfd < 0 && !v->exited && wait > VMM_EXIT_POLL_MS)
			wait = VMM_EXIT_POLL_MS;
		int pr = poll(pfd, (nfds_t)nfds, clamp_ms(wait));
		if (pr < 0 && errno != EINTR)
			return -1;

		int r = 0;
		if (pr > 0) {
			int out = pump_ready(v, pfd, i_out, &v->out_fd, on_stdout, ctx,
					     PF_VMM_POLL_OUT);
			if (out < 0)
				return -1;
			int err = pump_ready(v, pfd, i_err, &v->err_fd, on_stderr, ctx,
					     PF_VMM_POLL_ERR);
			if (err < 0)
				return -1;
			r = out | err;
		}
		check_exit(v);
		int after = state_bits(v);
		if (r || after != before || pf_now_ms() >= deadline)
			return r | after;
	}
}

/* ---- termination and reaping ---------------------------------------------- */

int pf_vmm_kill(struct pf_vmm *v, int sig)
{
	if (!v || v->pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	if (v->reaped) {
		errno = ESRCH; /* the group id may already be recycled: never touch it */
		return -1;
	}
	check_exit(v);
	/* A VMM that already exited on its own was not "killed by us"; the
     * signal still goes out, for anything it left in its group. */
	if (!v->exited)
		v->sent_signal = sig;
	return pf_spawn_kill(v->pid, sig);
}

/* Poll (delivering output) until exit or timeout; true if exited. */
static bool wait_exit_draining(struct pf_vmm *v, long timeout_ms, pf_vmm_out_fn on_stdout,
			       pf_vmm_out_fn on_stderr, void *ctx)
{
	long deadline = pf_now_ms() + timeout_ms;
	for (;;) {
		check_exit(v);
		if (v->exited || v->reaped)
			return true;
		long left = deadline - pf_now_ms();
		if (left <= 0)
			return false;
		if (pf_vmm_poll(v, clamp_ms(left), on_stdout, on_stderr, ctx) < 0)
			pf_sleep_ms(left < VMM_EXIT_POLL_MS ? left : VMM_EXIT_POLL_MS);
	}
}

int pf_vmm_terminate_drain(struct pf_vmm *v, int grace_ms, pf_vmm_out_fn on_stdout,
			   pf_vmm_out_fn on_stderr, void *ctx)
{
	if (!v) {
		errno = EINVAL;
		return -1;
	}
	check_exit(v);
	if (v->exited || v->reaped)
		return 0;
	pf_vmm_kill(v, SIGTERM);
	if (wait_exit_draining(v, grace_ms > 0 ? grace_ms : 0, on_stdout, on_stderr, ctx))
		return 0;
	pf_vmm_kill(v, SIGKILL);
	if (wait_exit_draining(v, VMM_KILL_WAIT_MS, on_stdout, on_stderr, ctx))
		return 0;
	errno = ETIMEDOUT;
	return -1;
}

int pf_vmm_terminate(struct pf_vmm *v, int grace_ms)
{
	return pf_vmm_terminate_drain(v, grace_ms, NULL, NULL, NULL);
}

static void fill_exit(const struct pf_vmm *v, struct pf_vmm_exit *out)
{
	if (!out)
		return;
	memset(out, 0, sizeof(*out));
	out->code = -1;
	out->sent_signal = v->sent_signal;
	if (!v->reaped) {
		out->how = PF_VMM_RUNNING;
		return;
	}
	if (WIFEXITED(v->status)) {
		out->code = WEXITSTATUS(v->status);
		out->how = PF_VMM_EXITED;
	} else if (WIFSIGNALED(v->status)) {
		out->signal = WTERMSIG(v->status);
#ifdef WCOREDUMP
		out->core_dumped = WCOREDUMP(v->status) != 0;
#endif
		out->how = PF_VMM_SIGNALLED;
	}
	if (v->sent_signal)
		out->how = PF_VMM_KILLED;
}

int pf_vmm_wait(struct pf_vmm *v, int timeout_ms, struct pf_vmm_exit *out)
{
	if (!v) {
		errno = EINVAL;
		return -1;
	}
	if (!v->reaped) {
		long deadline = timeout_ms < 0 ? -1 : pf_now_ms() + timeout_ms;
		for (;;) {
			check_exit(v);
			if (v->exited)
				break;
			long left = deadline < 0 ? 1000 : deadline - pf_now_ms();
			if (left <= 0) {
				fill_exit(v, out);
				return 1;
			}
			if (v->pidfd >= 0) {
				struct pollfd p = { v->pidfd, POLLIN, 0 };
				poll(&p, 1, clamp_ms(left));
			} else {
				pf_sleep_ms(left < VMM_EXIT_POLL_MS ? left : VMM_EXIT_POLL_MS);
			}
		}
		/* exited: this reaps at once, killing leftovers in the group */
		int st = 0;
		if (pf_spawn_wait(v->pid, -1, &st) != 0)
			return -1;
		v->status = st;
		v->reaped = true;
		close_fd(&v->pidfd);
	}
	fill_exit(v, out);
	return 0;
}

void pf_vmm_free(struct pf_vmm *v)
{
	if (!v)
		return;
	if (v->pid > 0 && !v->reaped) {
		check_exit(v);
		if (!v->exited)
			pf_vmm_kill(v, SIGKILL);
		pf_vmm_wait(v, -1, NULL);
	}
	close_fd(&v->out_fd);
	close_fd(&v->err_fd);
	close_fd(&v->pidfd);
	free(v->buf);
	free(v);
}

const char *pf_vmm_exit_describe(const struct pf_vmm_exit *e, char *buf, size_t len)
{
	if (!buf || len == 0)
		return buf;
	if (!e || e->how == PF_VMM_RUNNING) {
		snprintf(buf, len, "still running");
		return buf;
	}
	char what[96];
	if (e->signal)
		snprintf(what, sizeof(what), "killed by SIG%s%s",
			 sigabbrev_np(e->signal) ? sigabbrev_np(e->signal) : "?",
			 e->core_dumped ? " (core dumped)" : "");
	else
		snprintf(what, sizeof(what), "exited %d", e->code);
	if (e->how == PF_VMM_KILLED)
		snprintf(buf, len, "%s after we sent SIG%s", what,
			 sigabbrev_np(e->sent_signal) ? sigabbrev_np(e->sent_signal) : "?");
	else
		snprintf(buf, len, "%s", what);
	return buf;
}

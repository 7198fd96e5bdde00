/* SPDX-License-Identifier: MIT */
/*
 * What the VMM launcher's files (vmm.c: spawn, polling, reaping;
 * vmm_supervise.c; vmm_version.c) share and nobody else sees.
 */
#ifndef PF_VMM_INTERNAL_H
#define PF_VMM_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "launch/vmm.h"

/* One read; 64 KiB is a pipe's default capacity. */
#define VMM_CHUNK 65536
/* Reads per fd per pf_vmm_poll call: bounds the time spent on a flood so
 * the caller's timers keep running. */
#define VMM_READS_PER_POLL 16
/* Without a pidfd, exit is noticed by polling waitid at this period. */
#define VMM_EXIT_POLL_MS 20
/* After SIGKILL, exit should be immediate; more means stuck in the kernel. */
#define VMM_KILL_WAIT_MS 5000

struct pf_vmm {
	pid_t pid;  /* also the process group id */
	int out_fd; /* -1 once at EOF */
	int err_fd;
	int pidfd;   /* -1 when unsupported or after exit */
	bool exited; /* exit observed (zombie), maybe not reaped */
	bool reaped;
	int status; /* waitpid status, valid when reaped */
	int sent_signal;
	long start_ms;
	char *buf; /* VMM_CHUNK bytes */
};

static inline int clamp_ms(long ms)
{
	if (ms < 0)
		return 0;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

#endif

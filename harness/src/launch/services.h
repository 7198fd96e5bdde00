/* SPDX-License-Identifier: MIT */
/*
 * Companion processes of a target (`services:` in the target file, see
 * docs/targets.md): e.g. a vhost-user back-end the hypervisor connects to,
 * or a one-shot step that prepares a disk image.
 *
 * Every guest boot gets fresh services: they are started, in file order,
 * before the hypervisor and stopped once it has ended, also when the guest
 * is restarted after a crash or a hang. vhost-user back-ends commonly exit
 * when the front-end disconnects, and a device that crashed must not carry
 * its state into the next boot.
 *
 * Each service runs in its own process group (fork + execve, no shell,
 * stdin from /dev/null); its stdout and stderr go, line-prefixed with its
 * name, to `services.log` in the output directory, bounded in size. A
 * background thread drains them while the hypervisor runs. Stopping is
 * SIGTERM to the group, SIGKILL after the service's stop_s, then a bounded
 * wait: no service outlives the run.
 */
#ifndef PF_SERVICES_H
#define PF_SERVICES_H

#include <stddef.h>
#include <sys/types.h>

#include "launch/target.h"

/* services.log stops growing here (a marker line says so). */
#define PF_SERVICES_LOG_MAX (4L * 1024 * 1024)

struct pf_services;

/*
 * Prepare the services of T for a run writing into OUTDIR: opens
 * OUTDIR/services.log and creates the private socket directory that
 * ${sockdir} names (T's sockdir is set to it). Returns NULL with err filled
 * on failure. A target without services still gets an object (starting and
 * stopping then do nothing), so callers need no special case.
 */
struct pf_services *pf_services_new(struct pf_target *t, const char *outdir, struct pf_error *err);

/*
 * Start every service and wait, within its bound, until it is ready.
 * probe_path and bootargs are the values of ${probe} and ${bootargs} for
 * this boot. On failure (program missing, not ready in time, exited before
 * it was ready) the services already started are stopped and -1 is
 * returned with err naming the target file and the service.
 */
int pf_services_start(struct pf_services *s, const char *probe_path, const char *bootargs,
		      struct pf_error *err);

/*
 * Stop what is still running (SIGTERM, SIGKILL after the bound) and reap
 * everything. A service that ended by itself before this call with a
 * non-zero status or from a signal is described in PROBLEM (one sentence
 * per service) and counted in the return value; ending with status 0 on
 * its own is normal (a back-end whose front-end went away) and only logged.
 */
int pf_services_stop(struct pf_services *s, char *problem, size_t len);

/* PIDs of the services of the current (or last) boot, for tests and
 * diagnostics; 0 for a service not started. Returns the count. */
size_t pf_services_pids(const struct pf_services *s, pid_t *pids, size_t max);

/* Stops what runs, closes the log, removes the socket directory. NULL ok. */
void pf_services_free(struct pf_services *s);

#endif

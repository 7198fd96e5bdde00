/* SPDX-License-Identifier: MIT */
/*
 * Companion processes of a target: start, readiness, output to a bounded
 * services.log, stop. See services.h for the contract and docs/targets.md
 * for the file format. Processes are launched with the VMM machinery of
 * vmm.c and util/spawn (own process group, no shell, exec errors reported
 * by the spawn call itself), so a service is stopped exactly like a
 * hypervisor.
 */
#define _GNU_SOURCE

#include "launch/services.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "launch/vmm.h"
#include "util/clock.h"
#include "util/spawn.h"

/* Readiness is polled at this period (and output drained meanwhile). */
#define SVC_POLL_MS 20
/* After a one-shot step exits: time to collect the rest of its output. */
#define SVC_DRAIN_MS 500
/* A line longer than this is logged in pieces. */
#define SVC_LINE_MAX 512
/* After SIGKILL the process must be gone within this. */
#define SVC_REAP_MS 5000

struct svc {
	struct pf_services *owner;
	const struct pf_target_service *def;
	struct pf_vmm *vmm; /* NULL when not running */
	pid_t pid;
	bool done; /* ended on its own and its pipes are at EOF */
	char line[SVC_LINE_MAX];
	size_t line_len;
};

struct pf_services {
	struct pf_target *t;
	char *outdir;
	char sockdir[64];
	FILE *log;
	long log_bytes;
	bool log_capped;
	pthread_mutex_t lock; /* log and log_bytes */
	struct svc *svcs;
	size_t n;
	pthread_t pump;
	bool pump_running;
	volatile int pump_stop;
};

/* ---- small helpers -------------------------------------------------------- */

static int svc_fail(struct pf_services *s, const struct svc *v, struct pf_error *err,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int svc_fail(struct pf_services *s, const struct svc *v, struct pf_error *err,
		    const char *fmt, ...)
{
	char msg[PF_ERROR_MESSAGE_MAX];
	char field[PF_ERROR_FIELD_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(field, sizeof(field), "services.%s", v->def->name);
	return pf_error_fill(err, s->t->path, 0, 0, field, "%s", msg);
}

/* ---- the log -------------------------------------------------------------- */

/* Appends under the lock; past PF_SERVICES_LOG_MAX output is dropped after
 * one marker line, so a chatty service cannot fill the disk. */
static void log_write(struct pf_services *s, const char *prefix, const char *buf, size_t len)
{
	pthread_mutex_lock(&s->lock);
	if (s->log && !s->log_capped) {
		long need = (long)(strlen(prefix) + len + 1);
		if (s->log_bytes + need > PF_SERVICES_LOG_MAX) {
			fprintf(s->log,
				"[plugfest] services.log reached %ld bytes: "
				"further output is discarded\n",
				(long)PF_SERVICES_LOG_MAX);
			s->log_capped = true;
		} else {
			fputs(prefix, s->log);
			fwrite(buf, 1, len, s->log);
			fputc('\n', s->log);
			s->log_bytes += need;
		}
		fflush(s->log);
	}
	pthread_mutex_unlock(&s->lock);
}

static void log_note(struct pf_services *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void log_note(struct pf_services *s, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	log_write(s, "[plugfest] ", msg, strlen(msg));
}

static void svc_flush_line(struct svc *v)
{
	char prefix[64];
	if (!v->line_len)
		return;
	snprintf(prefix, sizeof(prefix), "[%s] ", v->def->name);
	log_write(v->owner, prefix, v->line, v->line_len);
	v->line_len = 0;
}

/* Output callback (stdout and stderr alike): split into lines. */
static void svc_output(void *ctx, const char *buf, size_t len)
{
	struct svc *v = ctx;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			svc_flush_line(v);
			continue;
		}
		if (buf[i] == '\r')
			continue;
		if (v->line_len == sizeof(v->line))
			svc_flush_line(v);
		v->line[v->line_len++] = buf[i];
	}
}

/* ---- socket directory ----------------------------------------------------- */

/* A unix socket path holds 107 bytes: output directories are often deeper,
 * so sockets get a short private directory of their own. */
static int make_sockdir(struct pf_services *s, struct pf_error *err)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > 40)
		tmp = "/tmp";
	snprintf(s->sockdir, sizeof(s->sockdir), "%s/pf-XXXXXX", tmp);
	if (!mkdtemp(s->sockdir)) {
		int e = errno;
		pf_error_fill(err, s->t->path, 0, 0, "sockdir",
			      "cannot create a socket directory in %s: %s", tmp, strerror(e));
		s->sockdir[0] = '\0';
		return -1;
	}
	return pf_target_set_sockdir(s->t, s->sockdir, err);
}

/* Only what services left there: the directory is ours (mkdtemp, 0700). */
static void remove_sockdir(struct pf_services *s)
{
	if (!s->sockdir[0])
		return;
	DIR *d = opendir(s->sockdir);
	if (d) {
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			char p[PATH_MAX];
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			snprintf(p, sizeof(p), "%s/%s", s->sockdir, de->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(s->sockdir);
	s->sockdir[0] = '\0';
}

/* ---- lifecycle ------------------------------------------------------------ */

struct pf_services *pf_services_new(struct pf_target *t, const char *outdir, struct pf_error *err)
{
	pf_error_clear(err);
	struct pf_services *s = calloc(1, sizeof(*s));
	if (!s || !(s->outdir = strdup(outdir))) {
		free(s);
		pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
		return NULL;
	}
	s->t = t;
	pthread_mutex_init(&s->lock, NULL);
	s->n = t->n_services;
	s->svcs = calloc(s->n ? s->n : 1, sizeof(*s->svcs));
	if (!s->svcs) {
		pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
		pf_services_free(s);
		return NULL;
	}
	for (size_t i = 0; i < s->n; i++) {
		s->svcs[i].owner = s;
		s->svcs[i].def = &t->services[i];
	}
	if (make_sockdir(s, err) < 0) {
		pf_services_free(s);
		return NULL;
	}
	if (s->n) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/services.log", outdir);
		s->log = fopen(path, "w");
		if (!s->log) {
			pf_error_fill(err, path, 0, 0, NULL, "cannot create: %s", strerror(errno));
			pf_services_free(s);
			return NULL;
		}
	}
	return s;
}

/* Drains the output of running services while the hypervisor runs. */
static void *pump_main(void *arg)
{
	struct pf_services *s = arg;
	while (!__atomic_load_n(&s->pump_stop, __ATOMIC_ACQUIRE)) {
		size_t live = 0;
		for (size_t i = 0; i < s->n; i++)
			if (s->svcs[i].vmm && !s->svcs[i].done)
				live++;
		if (!live) {
			pf_sleep_ms(SVC_POLL_MS);
			continue;
		}
		int slice = (int)(SVC_POLL_MS / (long)live);
		for (size_t i = 0; i < s->n; i++) {
			struct svc *v = &s->svcs[i];
			if (!v->vmm || v->done)
				continue;
			int r = pf_vmm_poll(v->vmm, slice ? slice : 1, svc_output, svc_output, v);
			if (r < 0 || ((r & PF_VMM_POLL_EXITED) && (r & PF_VMM_POLL_EOF)))
				v->done = true;
		}
	}
	return NULL;
}

/* Is the readiness condition of V met? */
static bool is_ready(const char *sock, const char *path)
{
	struct stat st;
	if (sock)
		return stat(sock, &st) == 0 && S_ISSOCK(st.st_mode);
	return stat(path, &st) == 0;
}

/* Collect the output of an exited service for a bounded time. */
static void drain(struct svc *v)
{
	long end = pf_now_ms() + SVC_DRAIN_MS;
	while (pf_now_ms() < end) {
		int r = pf_vmm_poll(v->vmm, SVC_POLL_MS, svc_output, svc_output, v);
		if (r < 0 || (r & PF_VMM_POLL_EOF))
			break;
	}
	svc_flush_line(v);
}

static int start_one(struct pf_services *s, struct svc *v, const char *probe, const char *bootargs,
		     struct pf_error *err)
{
	const struct pf_target_service *d = v->def;
	char **argv = calloc(d->argc + 1, sizeof(char *));
	char *sock = NULL, *path = NULL, field[PF_ERROR_FIELD_MAX], ebuf[2048];
	struct pf_error e2;
	int rc = -1;

	if (!argv)
		return svc_fail(s, v, err, "out of memory");
	for (size_t i = 0; i < d->argc; i++) {
		snprintf(field, sizeof(field), "services.%s.argv[%zu]", d->name, i);
		argv[i] =
			pf_target_expand(s->t, d->argv[i], probe, bootargs, s->outdir, field, err);
		if (!argv[i])
			goto out;
	}
	snprintf(field, sizeof(field), "services.%s.ready", d->name);
	if (d->ready_socket && !(sock = pf_target_expand(s->t, d->ready_socket, probe, bootargs,
							 s->outdir, field, err)))
		goto out;
	if (d->ready_path &&
	    !(path = pf_target_expand(s->t, d->ready_path, probe, bootargs, s->outdir, field, err)))
		goto out;
	/* A socket left by an earlier boot would look ready at once. */
	if (sock) {
		struct stat st;
		if (lstat(sock, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(sock);
	}

	/* a companion built or installed with the runner is found beside it */
	char prog[PATH_MAX];
	if (!pf_find_companion(argv[0], prog, sizeof(prog)) && strcmp(prog, argv[0])) {
		char *p = strdup(prog);
		if (!p) {
			svc_fail(s, v, err, "out of memory");
			goto out;
		}
		free(argv[0]);
		argv[0] = p;
	}
	log_note(s, "starting service '%s': %s", d->name, argv[0]);
	pf_error_clear(&e2);
	v->vmm = pf_vmm_spawn(argv, &e2);
	if (!v->vmm) {
		svc_fail(s, v, err, "cannot start '%s': %s%s%s", argv[0],
			 e2.message[0] ? e2.message : strerror(e2.sys_errno),
			 d->packages && d->packages[0] ? " (install the Debian package " : "",
			 d->packages && d->packages[0] ? d->packages[0] : "");
		if (d->packages && d->packages[0] &&
		    strlen(err->message) + 2 < sizeof(err->message))
			strcat(err->message, ")");
		goto out;
	}
	v->pid = pf_vmm_pid(v->vmm);
	v->done = false;
	log_note(s, "service '%s' started, pid %ld", d->name, (long)v->pid);

	long deadline = pf_now_ms() + d->ready_ms;
	for (;;) {
		int r = pf_vmm_poll(v->vmm, SVC_POLL_MS, svc_output, svc_output, v);
		if (r < 0) {
			svc_fail(s, v, err, "cannot read its output: %s", strerror(errno));
			goto out;
		}
		if (!d->ready_exited && !(r & PF_VMM_POLL_EXITED) &&
		    (!sock && !path ? true : is_ready(sock, path))) {
			rc = 0;
			break;
		}
		if (r & PF_VMM_POLL_EXITED) {
			struct pf_vmm_exit ex;
			drain(v);
			v->done = true;
			if (pf_vmm_wait(v->vmm, SVC_REAP_MS, &ex) != 0) {
				svc_fail(s, v, err, "exited but could not be reaped");
				goto out;
			}
			pf_vmm_exit_describe(&ex, ebuf, sizeof(ebuf));
			log_note(s, "service '%s' (pid %ld) %s", d->name, (long)v->pid, ebuf);
			if (d->ready_exited && ex.how == PF_VMM_EXITED && ex.code == 0) {
				rc = 0;
				break;
			}
			svc_fail(s, v, err,
				 "%s before it was ready (pid %ld, %s; see "
				 "services.log)",
				 d->ready_exited ? "failed" : "exited", (long)v->pid, ebuf);
			goto out;
		}
		if (pf_now_ms() >= deadline) {
			svc_fail(s, v, err,
				 "not ready within %.1f s (waiting for %s %s; "
				 "see services.log)",
				 (double)d->ready_ms / 1000.0,
				 d->ready_exited ? "it to exit"
				 : sock		 ? "socket"
						 : "path",
				 d->ready_exited ? "with status 0"
				 : sock		 ? sock
						 : path);
			goto out;
		}
	}
out:
	pf_argv_free(argv);
	free(sock);
	free(path);
	return rc;
}

int pf_services_start(struct pf_services *s, const char *probe_path, const char *bootargs,
		      struct pf_error *err)
{
	pf_error_clear(err);
	if (!s)
		return pf_error_fill(err, NULL, 0, 0, NULL, "no services object");
	if (!s->n)
		return 0;
	log_note(s, "--- boot: starting %zu service(s) ---", s->n);
	for (size_t i = 0; i < s->n; i++) {
		s->svcs[i].pid = 0;
		if (start_one(s, &s->svcs[i], probe_path, bootargs, err) < 0) {
			char ebuf[2048];
			log_note(s, "%s", pf_error_format(err, ebuf, sizeof(ebuf)));
			pf_services_stop(s, NULL, 0);
			return -1;
		}
	}
	__atomic_store_n(&s->pump_stop, 0, __ATOMIC_RELEASE);
	if (pthread_create(&s->pump, NULL, pump_main, s) != 0) {
		pf_services_stop(s, NULL, 0);
		return pf_error_fill(err, s->t->path, 0, 0, "services",
				     "cannot start the output thread");
	}
	s->pump_running = true;
	return 0;
}

int pf_services_stop(struct pf_services *s, char *problem, size_t len)
{
	int bad = 0;
	size_t used = 0;

	if (problem && len)
		problem[0] = '\0';
	if (!s)
		return 0;
	if (s->pump_running) {
		__atomic_store_n(&s->pump_stop, 1, __ATOMIC_RELEASE);
		pthread_join(s->pump, NULL);
		s->pump_running = false;
	}
	/* Last started, first stopped: a later service may depend on an
     * earlier one. */
	for (size_t k = s->n; k-- > 0;) {
		struct svc *v = &s->svcs[k];
		struct pf_vmm_exit ex;
		char ebuf[256];
		if (!v->vmm)
			continue;
		memset(&ex, 0, sizeof(ex));
		if (pf_vmm_wait(v->vmm, 0, &ex) == 1) {
			pf_vmm_terminate_drain(v->vmm, (int)v->def->stop_ms, svc_output, svc_output,
					       v);
			pf_vmm_wait(v->vmm, SVC_REAP_MS, &ex);
		}
		svc_flush_line(v);
		pf_vmm_exit_describe(&ex, ebuf, sizeof(ebuf));
		log_note(s, "service '%s' (pid %ld) %s", v->def->name, (long)v->pid, ebuf);
		bool own = ex.how == PF_VMM_EXITED || ex.how == PF_VMM_SIGNALLED;
		if (own && !(ex.how == PF_VMM_EXITED && ex.code == 0) &&
		    !(v->def->ready_exited && ex.code == 0)) {
			bad++;
			if (problem && used < len) {
				int n = snprintf(problem + used, len - used,
						 "%sservice '%s' (pid %ld) %s before it was "
						 "stopped (see services.log)",
						 used ? "; " : "", v->def->name, (long)v->pid,
						 ebuf);
				if (n > 0)
					used += (size_t)n < len - used ? (size_t)n : len - used - 1;
			}
		}
		pf_vmm_free(v->vmm);
		v->vmm = NULL;
	}
	return bad;
}

size_t pf_services_pids(const struct pf_services *s, pid_t *pids, size_t max)
{
	size_t i;
	if (!s)
		return 0;
	for (i = 0; i < s->n && i < max; i++)
		pids[i] = s->svcs[i].pid;
	return i;
}

void pf_services_free(struct pf_services *s)
{
	if (!s)
		return;
	if (s->svcs)
		pf_services_stop(s, NULL, 0);
	remove_sockdir(s);
	if (s->log)
		fclose(s->log);
	pthread_mutex_destroy(&s->lock);
	free(s->svcs);
	free(s->outdir);
	free(s);
}

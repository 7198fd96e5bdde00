/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's version: BINARY --version run through the VMM
 * launcher, bounded in time and output. See vmm.h for the contract.
 */
#define _GNU_SOURCE

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launch/vmm.h"
#include "launch/vmm_internal.h"
#include "util/clock.h"

/* ---- hypervisor version --------------------------------------------------- */

#define VERSION_CAPTURE 65536

struct capture {
	char buf[VERSION_CAPTURE];
	size_t len;
};

static void capture_fn(void *ctx, const char *buf, size_t len)
{
	struct capture *c = ctx;
	size_t room = sizeof(c->buf) - 1 - c->len;
	if (len > room)
		len = room; /* the first line is all we want; drop the rest */
	memcpy(c->buf + c->len, buf, len);
	c->len += len;
	c->buf[c->len] = '\0';
}

struct version_io {
	struct capture out, err;
};

static void version_out(void *ctx, const char *b, size_t n)
{
	capture_fn(&((struct version_io *)ctx)->out, b, n);
}

static void version_err(void *ctx, const char *b, size_t n)
{
	capture_fn(&((struct version_io *)ctx)->err, b, n);
}

/* First non-blank line of S, trailing blanks removed, into buf. */
static bool first_line(const char *s, char *buf, size_t len)
{
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		size_t n = strcspn(s, "\n");
		while (n > 0 && isspace((unsigned char)s[n - 1]))
			n--;
		if (n > 0) {
			if (n >= len)
				n = len - 1;
			memcpy(buf, s, n);
			buf[n] = '\0';
			return true;
		}
		s += strcspn(s, "\n");
		if (*s)
			s++;
	}
	return false;
}

int pf_hypervisor_version(const char *binary, const char *const *version_args, int timeout_ms,
			  char *buf, size_t len, struct pf_error *err)
{
	pf_error_clear(err);
	if (!binary || !*binary || !buf || len == 0)
		return pf_error_fill(err, NULL, 0, 0, NULL, "missing argument");
	buf[0] = '\0';
	if (timeout_ms <= 0)
		timeout_ms = 10000; /* never unbounded */
	size_t nargs = 0;
	while (version_args && version_args[nargs])
		nargs++;
	char **argv = calloc(nargs + 2, sizeof(*argv));
	struct version_io *io = calloc(1, sizeof(*io));
	if (!argv || !io) {
		free(argv);
		free(io);
		return pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
	}
	/* execve takes char *const[]; nothing writes through these. */
	argv[0] = (char *)binary;
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = (char *)version_args[i];

	int rc = -1;
	struct pf_vmm *v = pf_vmm_spawn(argv, err);
	if (!v)
		goto out;
	long deadline = pf_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	long exited_at = -1;
	bool timed_out = false;
	for (;;) {
		long now = pf_now_ms();
		if (now >= deadline) {
			timed_out = exited_at < 0;
			break;
		}
		int r = pf_vmm_poll(v, clamp_ms(deadline - now), version_out, version_err, io);
		if (r < 0 || (r & (PF_VMM_POLL_EXITED | PF_VMM_POLL_EOF)) ==
				     (PF_VMM_POLL_EXITED | PF_VMM_POLL_EOF))
			break;
		/* Exited, but something it forked holds the pipe open: what was
         * written before the exit is in by now. */
		if ((r & PF_VMM_POLL_EXITED) && exited_at < 0)
			exited_at = pf_now_ms();
		if (exited_at >= 0 && pf_now_ms() - exited_at >= 200)
			break;
	}
	if (timed_out)
		pf_vmm_terminate(v, 200);
	struct pf_vmm_exit ex;
	pf_vmm_wait(v, VMM_KILL_WAIT_MS, &ex);
	char what[128];
	if (timed_out) {
		pf_error_fill(err, NULL, 0, 0, NULL, "'%s' did not answer within %d ms", binary,
			      timeout_ms);
	} else if (ex.how != PF_VMM_EXITED || ex.code != 0) {
		char line[200] = "";
		first_line(io->err.buf, line, sizeof(line));
		pf_error_fill(err, NULL, 0, 0, NULL, "'%s' failed (%s)%s%s", binary,
			      pf_vmm_exit_describe(&ex, what, sizeof(what)), line[0] ? ": " : "",
			      line);
	} else if (!first_line(io->out.buf, buf, len) && !first_line(io->err.buf, buf, len)) {
		pf_error_fill(err, NULL, 0, 0, NULL, "'%s' printed no version", binary);
	} else {
		rc = 0;
	}
out:
	pf_vmm_free(v);
	free(argv);
	free(io);
	return rc;
}

int pf_version_number(const char *line, char *buf, size_t len)
{
	if (!line || !buf || len == 0)
		return -1;
	buf[0] = '\0';
	for (const char *p = line; *p;) {
		p += strspn(p, " \t(),;:");
		size_t n = strcspn(p, " \t(),;:");
		const char *w = p;
		size_t wn = n;
		if (wn > 1 && (w[0] == 'v' || w[0] == 'V') && isdigit((unsigned char)w[1])) {
			w++;
			wn--;
		}
		if (wn > 0 && isdigit((unsigned char)w[0]) && memchr(w, '.', wn)) {
			if (wn >= len)
				wn = len - 1;
			memcpy(buf, w, wn);
			buf[wn] = '\0';
			return 0;
		}
		p += n;
	}
	return -1;
}

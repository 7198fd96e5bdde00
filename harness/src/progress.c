/* SPDX-License-Identifier: MIT */
#include "progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct pf_progress {
	FILE *out;
	int verbose;
	int tty;
	unsigned boots;
	unsigned long results, fails, warns, diags;
	char last[160];
	double drawn;  /* monotonic seconds of the last status line */
};

struct pf_progress *pf_progress_new(FILE *out, int verbose)
{
	struct pf_progress *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->out = out;
	p->verbose = verbose;
	p->tty = isatty(fileno(out));
	return p;
}

void pf_progress_free(struct pf_progress *p)
{
	free(p);
}

/* On a terminal, plain lines first wipe the status line. */
static void line_start(struct pf_progress *p)
{
	if (p->tty)
		fputs("\r\033[K", p->out);
}

static void status(struct pf_progress *p)
{
	struct timespec ts;
	double now;

	if (!p->tty)
		return;
	/* thousands of records a second: redraw at most ten times a second */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if (now - p->drawn < 0.1)
		return;
	p->drawn = now;
	fprintf(p->out, "\r\033[K[boot %u] %lu checks: %lu fail, %lu warn  %s", p->boots, p->results,
		p->fails, p->warns, p->last);
	fflush(p->out);
}

void pf_progress_start(struct pf_progress *p, const char *target, const char *hv_version,
		       const char *outdir)
{
	fprintf(p->out, "plugfest: target %s (%s), output in %s\n", target, hv_version, outdir);
	fflush(p->out);
}

void pf_progress_boot(struct pf_progress *p, pid_t pid)
{
	p->boots++;
	line_start(p);
	fprintf(p->out, "plugfest: boot %u, hypervisor pid %ld\n", p->boots, (long)pid);
	fflush(p->out);
}

static const char *str(const json_t *rec, const char *key)
{
	const char *s = json_string_value(json_object_get(rec, key));

	return s ? s : "";
}

void pf_progress_record(struct pf_progress *p, const json_t *rec)
{
	const char *t = str(rec, "t");

	if (!strcmp(t, "device")) {
		if (p->verbose || !p->tty) {
			line_start(p);
			fprintf(p->out, "  device %-20s %-8s %s %s\n", str(rec, "dev"), str(rec, "type"),
				str(rec, "transport"), str(rec, "mode"));
		}
	} else if (!strcmp(t, "begin")) {
		snprintf(p->last, sizeof(p->last), "%s on %s", str(rec, "test"), str(rec, "dev"));
	} else if (!strcmp(t, "result")) {
		const char *v = str(rec, "verdict");
		int bad = !strcmp(v, "fail") || !strcmp(v, "error");

		p->results++;
		p->fails += !strcmp(v, "fail");
		p->warns += !strcmp(v, "warn");
		if (bad || p->verbose) {
			line_start(p);
			const char *sub = str(rec, "sub");

			fprintf(p->out, "  %-5s %-32s %-20s %s%s%s%s\n", v, str(rec, "test"), str(rec, "dev"),
				str(rec, "msg"), *sub ? " [" : "", sub, *sub ? "]" : "");
		}
	} else if (!strcmp(t, "fault")) {
		line_start(p);
		fprintf(p->out, "  probe fault: %s\n", str(rec, "msg"));
	}
	status(p);
}

void pf_progress_diag(struct pf_progress *p, const struct pf_diag *d)
{
	p->diags++;
	if (p->verbose) {
		line_start(p);
		fprintf(p->out, "  stream: %s at line %llu: %s\n", pf_diag_kind_name(d->kind),
			(unsigned long long)d->line, d->message);
	}
}

void pf_progress_finding(struct pf_progress *p, const char *kind, const char *msg)
{
	line_start(p);
	fprintf(p->out, "  FINDING %s: %s\n", kind, msg);
	fflush(p->out);
}

static void count_device(const json_t *results, const char *dev, int n[5], const char **verdict)
{
	size_t i;
	json_t *r;

	memset(n, 0, 5 * sizeof(int));
	json_array_foreach(results, i, r) {
		const char *v = str(r, "verdict");

		if (strcmp(str(r, "device"), dev))
			continue;
		if (!strcmp(v, "pass") || !strcmp(v, "xpass"))
			n[0]++;
		else if (!strcmp(v, "warn"))
			n[2]++;
		else if (!strcmp(v, "skip"))
			n[3]++;
		else if (!strcmp(v, "na"))
			continue; /* not applicable: neither tested nor failed */
		else if (!strcmp(v, "xfail") || !strcmp(v, "waived"))
			n[4]++;
		else
			n[1]++; /* fail, error, crash, wedged, timeout */
	}
	*verdict = n[1] ? "NON-CONFORMANT" : n[4] ? "known failures only" :
		   n[2] ? "conformant (warnings)" : "conformant";
}

void pf_progress_summary(struct pf_progress *p, const json_t *doc)
{
	const json_t *devs = json_object_get(doc, "devices");
	const json_t *results = json_object_get(doc, "results");
	const json_t *sum = json_object_get(doc, "summary");
	size_t i;
	json_t *d;

	line_start(p);
	fprintf(p->out, "\n%-22s %-9s %-5s %5s %5s %5s %5s %5s  %s\n", "device", "type", "bus", "pass",
		"fail", "warn", "skip", "known", "verdict");
	json_array_foreach(devs, i, d) {
		int n[5];
		const char *v;

		count_device(results, str(d, "id"), n, &v);
		fprintf(p->out, "%-22s %-9s %-5s %5d %5d %5d %5d %5d  %s\n", str(d, "id"), str(d, "type"),
			str(d, "transport"), n[0], n[1], n[2], n[3], n[4], v);
	}
	json_array_foreach(json_object_get(doc, "profiles"), i, d)
		fprintf(p->out, "%s profile %-18s %s\n", i ? "       " : "\nscored:", str(d, "id"),
			str(d, "verdict"));
	fprintf(p->out, "\nrun verdict: %s (%zu devices, %lu results, %lu stream diagnostics)%s\n",
		str(sum, "verdict"), json_array_size(devs), p->results, p->diags,
		json_integer_value(json_object_get(json_object_get(sum, "counts"), "xfail")) ?
			"; known failures of this hypervisor version do not count here, they do in the profiles" : "");
	fflush(p->out);
}

/* SPDX-License-Identifier: MIT */
/*
 * report.pdf: the HTML report printed by headless Chromium (docs/reports.md
 * explains the choice). Chromium runs as our child only: spawned with an
 * argv (no shell), its own process group so its helper processes can be
 * stopped with it, a fresh profile directory, no network features, and a
 * timeout. Without Chromium the PDF is skipped with a message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reports/report_write.h"
#include "util/spawn.h"

#define PF_PDF_TIMEOUT_S 90

static bool executable(const char *p)
{
	struct stat st;
	return p && !stat(p, &st) && S_ISREG(st.st_mode) && !access(p, X_OK);
}

/* $PF_CHROMIUM, else the first known name on $PATH, into out: 0, or
 * PF_REPORT_SKIPPED with err saying so (for the output file path). */
static int find_chromium(char *out, size_t len, const char *path, struct pf_error *err)
{
	static const char *const names[] = { "chromium", "chromium-browser", "google-chrome",
					     NULL };
	const char *env = getenv("PF_CHROMIUM");

	if (env && *env) {
		snprintf(out, len, "%s", env);
		if (executable(out))
			return 0;
	} else {
		for (const char *const *n = names; *n; n++)
			if (!pf_find_program(*n, out, len))
				return 0;
	}
	pf_error_fill(err, path, 0, 0, NULL,
		      "skipped: Chromium not found (install the Debian package 'chromium' "
		      "or set PF_CHROMIUM to its path)");
	return PF_REPORT_SKIPPED;
}

/* A new directory $TMPDIR/NAME-XXXXXX (under /tmp without TMPDIR) into out:
 * 0, or -1 with err saying what it was for (for the output file path). */
static int temp_dir(char *out, size_t len, const char *name, const char *path, const char *what,
		    struct pf_error *err)
{
	const char *tmpdir = getenv("TMPDIR");

	snprintf(out, len, "%s/%s-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp", name);
	if (!mkdtemp(out))
		return pf_error_errno(err, path, "%s", what);
	return 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(p);
	return 0;
}

/* Removes a directory tree this module created (mkdtemp), never following
 * symbolic links out of it. */
static void rm_tree(const char *dir)
{
	if (dir && *dir)
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int absolute(const char *in, char *out, size_t len)
{
	char cwd[PATH_MAX];

	if (in[0] == '/')
		return (size_t)snprintf(out, len, "%s", in) < len ? 0 : -1;
	if (!getcwd(cwd, sizeof(cwd)))
		return -1;
	return (size_t)snprintf(out, len, "%s/%s", cwd, in) < len ? 0 : -1;
}

static void tail_of(const char *file, char *out, size_t len)
{
	FILE *f = fopen(file, "rb");
	long sz;

	out[0] = '\0';
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, sz > (long)len - 1 ? sz - (long)len + 1 : 0, SEEK_SET);
	size_t n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
	for (char *c = out; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
}

int pf_html_to_pdf(const char *html_path, const char *pdf_path, int timeout_s, struct pf_error *err)
{
	char chromium[PATH_MAX], tmp[PATH_MAX], profile[PATH_MAX + 16], log[PATH_MAX + 16];
	char html_abs[PATH_MAX], pdf_abs[PATH_MAX], url[PATH_MAX + 16];
	char a_profile[PATH_MAX + 32], a_pdf[PATH_MAX + 32];
	int rc = -1;
	pid_t pid;

	if ((rc = find_chromium(chromium, sizeof(chromium), pdf_path, err)))
		return rc;
	if (absolute(html_path, html_abs, sizeof(html_abs)) ||
	    absolute(pdf_path, pdf_abs, sizeof(pdf_abs)))
		return pf_error_fill(err, pdf_path, 0, 0, NULL, "path too long");
	if (temp_dir(tmp, sizeof(tmp), "plugfest-chromium", pdf_path,
		     "cannot create a temporary Chromium profile", err))
		return -1;
	rc = -1;
	snprintf(profile, sizeof(profile), "%s/profile", tmp);
	snprintf(log, sizeof(log), "%s/chromium.log", tmp);
	snprintf(url, sizeof(url), "file://%s", html_abs);
	snprintf(a_profile, sizeof(a_profile), "--user-data-dir=%s", profile);
	snprintf(a_pdf, sizeof(a_pdf), "--print-to-pdf=%s", pdf_abs);
	char *const argv[] = {
		chromium,
		"--headless",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-quic",
		"--no-first-run",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--disable-extensions",
		"--disable-dev-shm-usage",
		"--no-default-browser-check",
		"--no-pdf-header-footer",
		"--print-to-pdf-no-header",
		a_profile,
		a_pdf,
		url,
		NULL,
	};
	unlink(pdf_abs); /* so a stale file is never mistaken for output */
	fflush(NULL);
	/* own process group (its helper processes are stopped with it), output
	 * to the log */
	struct pf_error perr;
	int logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	struct pf_spawn_io io = { -1, logfd, logfd };
	int spawned = pf_spawn(argv, &io, &pid, &perr);
	if (logfd >= 0)
		close(logfd);
	if (spawned) {
		pf_error_fill(err, pdf_path, 0, 0, NULL, "%s", perr.message);
		rm_tree(tmp);
		return -1;
	}
	int status = 0;
	bool timed_out = pf_spawn_wait(pid, timeout_s * 1000L, &status) == 1;
	if (timed_out) {
		pf_spawn_kill(pid, SIGKILL);
		pf_spawn_wait(pid, -1, &status);
	}
	char tail[400];
	tail_of(log, tail, sizeof(tail));
	if (timed_out) {
		pf_error_fill(err, pdf_path, 0, 0, NULL,
			      "Chromium did not finish within %d s (killed)", timeout_s);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		pf_error_fill(err, pdf_path, 0, 0, NULL, "Chromium failed (%s %d): %s",
			      WIFEXITED(status) ? "exit" : "signal",
			      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), tail);
	} else {
		FILE *f = fopen(pdf_abs, "rb");
		char magic[5] = "";
		if (f) {
			if (fread(magic, 1, 5, f) != 5)
				magic[0] = '\0';
			fclose(f);
		}
		if (!memcmp(magic, "%PDF-", 5))
			rc = 0;
		else
			pf_error_fill(err, pdf_path, 0, 0, NULL,
				      "Chromium exited but wrote no PDF: %s", tail);
	}
	rm_tree(tmp);
	return rc;
}

int pf_report_pdf(const json_t *results, const char *path, struct pf_error *err)
{
	char tmp[PATH_MAX], html[PATH_MAX + 16], probe[PATH_MAX];
	struct pf_buf b;
	int rc;

	/* skip early (and cheaply) when there is no Chromium */
	if ((rc = find_chromium(probe, sizeof(probe), path, err)))
		return rc;
	if (temp_dir(tmp, sizeof(tmp), "plugfest-pdf", path, "cannot create a temporary directory",
		     err))
		return -1;
	snprintf(html, sizeof(html), "%s/report.html", tmp);
	pf_buf_init(&b);
	pf_report_html_render_ex(results, &b, true);
	rc = pf_buf_write_file(&b, html, err);
	pf_buf_free(&b);
	if (!rc)
		rc = pf_html_to_pdf(html, path, PF_PDF_TIMEOUT_S, err);
	rm_tree(tmp);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/* Report helpers; see report_util.h. */
#define _GNU_SOURCE
#include "reports/report_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One escaper for both: HTML5 also treats raw C0 controls as parse errors,
 * and XML 1.0 cannot carry them at all, not even as character references.
 * In HTML the ':' of "://" is written as a character reference, so the
 * source of a report never contains a URL scheme (a one-line grep proves
 * the page references nothing outside itself); browsers still show it. */
static void escape(struct pf_buf *b, const char *s, bool html)
{
	static const char *const entity['>' + 1] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
	};

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (html && c == ':' && s[1] == '/' && s[2] == '/') {
			pf_buf_puts(b, "&#58;");
			continue;
		}
		if (c < sizeof(entity) / sizeof(entity[0]) && entity[c])
			pf_buf_puts(b, entity[c]);
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			pf_buf_puts(b, "\xef\xbf\xbd");
		else
			pf_buf_add(b, s, 1);
	}
}

void pf_buf_html(struct pf_buf *b, const char *s)
{
	escape(b, s, true);
}

void pf_buf_xml(struct pf_buf *b, const char *s)
{
	escape(b, s, false);
}

void pf_buf_md(struct pf_buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n' || c == '\r' || c == '\t')
			pf_buf_puts(b, " ");
		else if (c == '&')
			pf_buf_puts(b, "&amp;");
		else if (c == '<')
			pf_buf_puts(b, "&lt;");
		else if (c == '>')
			pf_buf_puts(b, "&gt;");
		else if (c < 0x20)
			pf_buf_puts(b, "\xef\xbf\xbd");
		else if (strchr("\\|`*_[]#~", c)) {
			pf_buf_puts(b, "\\");
			pf_buf_add(b, s, 1);
		} else
			pf_buf_add(b, s, 1);
	}
}

bool pf_buf_table_head(struct pf_buf *b, const json_t *rows, const char *head, const char *none)
{
	bool any = json_array_size(rows) > 0;

	pf_buf_puts(b, any ? head : none);
	return any;
}

int pf_buf_write_file(const struct pf_buf *b, const char *path, struct pf_error *err)
{
	char *tmp = NULL;
	FILE *f;
	int fd;

	if (b->oom)
		return pf_error_fill(err, path, 0, 0, NULL, "out of memory while rendering");
	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0)
		return pf_error_fill(err, path, 0, 0, NULL, "out of memory");
	if ((fd = mkstemp(tmp)) < 0 || !(f = fdopen(fd, "wb"))) {
		pf_error_errno(err, path, "cannot create");
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return -1;
	}
	/* mkstemp makes the file 0600; reports are meant to be shared */
	fchmod(fd, 0644);
	if ((b->len && fwrite(b->p, 1, b->len, f) != b->len) | (fclose(f) != 0)) {
		pf_error_errno(err, path, "write failed");
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		pf_error_errno(err, path, "cannot rename into place");
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

void pf_results_counts(const json_t *results, unsigned counts[PF_RV_COUNT])
{
	size_t i;
	const json_t *r;

	memset(counts, 0, PF_RV_COUNT * sizeof(*counts));
	json_array_foreach (json_object_get(results, "results"), i, r)
		counts[pf_rv_parse(pf_jstr(r, "verdict", NULL))]++;
}

void pf_device_counts(const json_t *results, const char *device, unsigned counts[PF_RV_COUNT])
{
	size_t i;
	const json_t *r;

	memset(counts, 0, PF_RV_COUNT * sizeof(*counts));
	json_array_foreach (json_object_get(results, "results"), i, r)
		if (!strcmp(pf_jstr(r, "device", ""), device))
			counts[pf_rv_parse(pf_jstr(r, "verdict", NULL))]++;
}

const char *pf_overall_verdict(const json_t *results)
{
	return pf_headline_name(pf_headline(results));
}

json_t *pf_overall_reasons(const json_t *results)
{
	json_t *a = json_array();

	if (a && pf_headline_eval(results, a) < 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

const char *pf_hypervisor_label(const json_t *results, char *buf, size_t len)
{
	const json_t *hv = json_object_get(json_object_get(results, "run"), "hypervisor");

	snprintf(buf, len, "%s %s", pf_jstr(hv, "name", "unknown"), pf_jstr(hv, "version", ""));
	return buf;
}

const char *pf_result_failure_text(const json_t *res, char *buf, size_t cap)
{
	const json_t *nc = json_object_get(res, "waiver_not_covered"), *fp;
	const char *sub = pf_jstr(res, "sub", NULL);
	size_t i, n;

	if (!cap)
		return buf;
	n = (size_t)snprintf(buf, cap, "%s", pf_jstr(res, "message", ""));
	if (sub && n < cap)
		n += (size_t)snprintf(buf + n, cap - n, "%s[%s]", buf[0] ? " " : "", sub);
	if (nc && n < cap) {
		n += (size_t)snprintf(buf + n, cap - n,
				      "; not excused by %s:", pf_jstr(nc, "id", "?"));
		json_array_foreach (json_object_get(nc, "not_covered"), i, fp)
			if (n < cap)
				n += (size_t)snprintf(buf + n, cap - n, "%s %s", i ? "," : "",
						      json_string_value(fp) ? json_string_value(fp)
									    : "?");
	}
	return buf;
}

double pf_result_seconds(const json_t *res)
{
	const json_t *us = json_object_get(res, "duration_us");

	return json_is_number(us) ? json_number_value(us) / 1e6 : 0.0;
}

/* SPDX-License-Identifier: MIT */
/* Report dispatch and the JSON writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_write.h"

static int write_json(const json_t *results, const char *path, char *err, size_t errlen)
{
	char *text = json_dumps(results, JSON_INDENT(2));
	struct pf_buf b;
	int rc;

	if (!text) {
		snprintf(err, errlen, "%.512s: cannot serialise results", path);
		return -1;
	}
	pf_buf_init(&b);
	pf_buf_puts(&b, text);
	pf_buf_puts(&b, "\n");
	free(text);
	rc = pf_buf_write_file(&b, path, err, errlen);
	pf_buf_free(&b);
	return rc;
}

int pf_report_write(const json_t *results, const char *format, const char *path, char *err,
		    size_t errlen)
{
	if (!json_is_object(results) || !format || !path) {
		snprintf(err, errlen, "report: missing results, format or path");
		return -1;
	}
	if (!strcmp(format, "json"))
		return write_json(results, path, err, errlen);
	if (!strcmp(format, "junit"))
		return pf_report_junit(results, path, err, errlen);
	if (!strcmp(format, "md"))
		return pf_report_md(results, path, err, errlen);
	if (!strcmp(format, "html"))
		return pf_report_html(results, path, err, errlen);
	if (!strcmp(format, "pdf"))
		return pf_report_pdf(results, path, err, errlen);
	snprintf(err, errlen, "report: unknown format '%s' (json, junit, md, html, pdf)", format);
	return -1;
}

int pf_report_write_all(const json_t *results, const char *dir, char *err, size_t errlen)
{
	static const char *const fmt[][2] = {
		{ "json", "results.json" }, { "junit", "junit.xml" }, { "md", "report.md" },
		{ "html", "report.html" },  { "pdf", "report.pdf" },
	};
	char path[4096], e[1024];
	int worst = 0;

	err[0] = '\0';
	for (size_t i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, fmt[i][1]);
		int rc = pf_report_write(results, fmt[i][0], path, e, sizeof(e));
		if (rc && (!err[0] || (rc < 0 && worst >= 0)))
			snprintf(err, errlen, "%s", e);
		if (rc < 0)
			worst = -1;
		else if (rc == PF_REPORT_SKIPPED && worst == 0)
			worst = PF_REPORT_SKIPPED;
	}
	return worst;
}

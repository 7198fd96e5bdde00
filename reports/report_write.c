/* SPDX-License-Identifier: MIT */
/* Report dispatch and the JSON writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_write.h"

static int write_json(const json_t *results, const char *path, struct pf_error *err)
{
	char *text = json_dumps(results, JSON_INDENT(2));
	struct pf_buf b;
	int rc;

	if (!text)
		return pf_error_fill(err, path, 0, 0, NULL, "cannot serialise results");
	pf_buf_init(&b);
	pf_buf_puts(&b, text);
	pf_buf_puts(&b, "\n");
	free(text);
	rc = pf_buf_write_file(&b, path, err);
	pf_buf_free(&b);
	return rc;
}

int pf_report_write(const json_t *results, const char *format, const char *path,
		    struct pf_error *err)
{
	if (!json_is_object(results) || !format || !path)
		return pf_error_fill(err, NULL, 0, 0, NULL,
				     "report: missing results, format or path");
	if (!strcmp(format, "json"))
		return write_json(results, path, err);
	if (!strcmp(format, "junit"))
		return pf_report_junit(results, path, err);
	if (!strcmp(format, "md"))
		return pf_report_md(results, path, err);
	if (!strcmp(format, "html"))
		return pf_report_html(results, path, err);
	if (!strcmp(format, "pdf"))
		return pf_report_pdf(results, path, err);
	return pf_error_fill(err, path, 0, 0, NULL,
			     "unknown report format '%s' (json, junit, md, html, pdf)", format);
}

int pf_report_write_all(const json_t *results, const char *dir, struct pf_error *err)
{
	static const char *const fmt[][2] = {
		{ "json", "results.json" }, { "junit", "junit.xml" }, { "md", "report.md" },
		{ "html", "report.html" },  { "pdf", "report.pdf" },
	};
	char path[4096];
	struct pf_error e;
	bool any = false;
	int worst = 0;

	pf_error_clear(err);
	for (size_t i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, fmt[i][1]);
		pf_error_clear(&e);
		int rc = pf_report_write(results, fmt[i][0], path, &e);
		/* the first failure, else the first skip */
		if (rc && err && (!any || (rc < 0 && worst >= 0)))
			*err = e;
		any |= rc != 0;
		if (rc < 0)
			worst = -1;
		else if (rc == PF_REPORT_SKIPPED && worst == 0)
			worst = PF_REPORT_SKIPPED;
	}
	return worst;
}

/* SPDX-License-Identifier: MIT */
#include "reports.h"

#include <string.h>

#include "cli.h"
#include "paths.h"

int pf_reports_write_all(json_t *doc, const char *outdir, FILE *errlog)
{
	char path[4096];

	pf_path_join(path, sizeof(path), outdir, "results.json");
	if (json_dump_file(doc, path, JSON_INDENT(2) | JSON_SORT_KEYS)) {
		fprintf(errlog, "plugfest: cannot write %s\n", path);
		return PF_EXIT_INFRA;
	}
	return 0;
}

int pf_results_exit_code(const json_t *doc)
{
	const char *v = json_string_value(json_object_get(json_object_get(doc, "summary"), "verdict"));

	if (!v)
		return PF_EXIT_INFRA;
	if (!strcmp(v, "conformant") || !strcmp(v, "conformant-with-warnings"))
		return PF_EXIT_CONFORMANT;
	if (!strcmp(v, "non-conformant"))
		return PF_EXIT_NONCONFORMANT;
	return PF_EXIT_INFRA; /* incomplete: no verdict could be reached */
}

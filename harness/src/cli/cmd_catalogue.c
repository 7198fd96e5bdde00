/* SPDX-License-Identifier: MIT */
/*
 * Commands that read the catalogue and the spec fact base, without booting
 * anything: `list`, `coverage`, `targets`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "policy/coverage.h"
#include "cli/paths.h"
#include "pf/catalogue.h"
#include "policy/spec.h"
#include "launch/target.h"
#include "util/json.h"

static int want_json(int argc, char **argv, const char *cmd)
{
	int json = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: plugfest %s [--json]\n", cmd);
			exit(0);
		} else {
			fprintf(stderr, "plugfest %s: unknown option '%s'\n", cmd, argv[i]);
			return -1;
		}
	}
	return json;
}

static struct pf_spec *load_spec(const char *cmd)
{
	char path[4096], err[PF_ERROR_MESSAGE_MAX + PF_ERROR_FILE_MAX + PF_ERROR_FIELD_MAX];
	struct pf_error e;
	struct pf_spec *spec;

	pf_path_join(path, sizeof(path), pf_data_dir(), "spec/virtio-1.4-normative.yaml");
	spec = pf_spec_load(path, &e);
	if (!spec)
		fprintf(stderr, "plugfest %s: %s\n", cmd, pf_error_format(&e, err, sizeof(err)));
	return spec;
}

static void print_list(const json_t *arr, FILE *out)
{
	size_t i;
	const json_t *c;

	json_array_foreach (arr, i, c) {
		fprintf(out, "%-40s %-11s %-6s %s\n", pf_json_string_get(c, "id", NULL),
			pf_json_string_get(c, "area", NULL), pf_json_string_get(c, "level", NULL),
			pf_json_string_get(c, "title", NULL));
	}
	fprintf(out, "%zu checks\n", json_array_size(arr));
}

/* `list` and `coverage`: a JSON view of the catalogue against the spec fact
 * base, dumped as is with --json or printed as text. */
static int spec_view(int argc, char **argv, const char *cmd,
		     json_t *(*compute)(const struct pf_spec *spec),
		     void (*print)(const json_t *view, FILE *out))
{
	int json = want_json(argc, argv, cmd);
	struct pf_spec *spec;
	json_t *view;

	if (json < 0)
		return PF_EXIT_USAGE;
	spec = load_spec(cmd);
	if (!spec)
		return PF_EXIT_INFRA;
	view = compute(spec);
	if (json) {
		json_dumpf(view, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		print(view, stdout);
	}
	json_decref(view);
	pf_spec_free(spec);
	return 0;
}

int pf_cmd_list(int argc, char **argv)
{
	return spec_view(argc, argv, "list", pf_catalogue_to_json, print_list);
}

int pf_cmd_coverage(int argc, char **argv)
{
	return spec_view(argc, argv, "coverage", pf_coverage_compute, pf_coverage_print);
}

static int print_target(void *ctx, const char *name, const char *path, const struct pf_target *t,
			const struct pf_error *err)
{
	char buf[2048];

	(void)ctx;
	(void)path;
	if (t && pf_target_unmet(t, buf, sizeof(buf)))
		printf("%-28s %s [untested here: %s]\n", name, t->description, buf);
	else if (t)
		printf("%-28s %s\n", name, t->description);
	else
		printf("%-28s (broken: %s)\n", name, pf_error_format(err, buf, sizeof(buf)));
	return 0;
}

int pf_cmd_targets(int argc, char **argv)
{
	char dir[4096];
	const char *dirs[2] = { dir, NULL };

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: plugfest targets\n");
		return PF_EXIT_USAGE;
	}
	pf_path_join(dir, sizeof(dir), pf_data_dir(), "targets");
	return pf_target_list(dirs, print_target, NULL) < 0 ? PF_EXIT_INFRA : 0;
}

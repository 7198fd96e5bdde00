/* SPDX-License-Identifier: MIT */
/* plugfest: the host runner of the Virtio Plug-fest Kit. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/paths.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "run", pf_cmd_run, "boot the probe on a target and write results and reports" },
	{ "attach", pf_cmd_attach,
	  "run on a guest started elsewhere: its stream from a socket, tty or file" },
	{ "list", pf_cmd_list, "print the check catalogue (--json)" },
	{ "coverage", pf_cmd_coverage, "spec statements covered by checks, per area (--json)" },
	{ "targets", pf_cmd_targets, "list the available target definitions" },
	{ "report", pf_cmd_report, "render reports from a results.json" },
	{ "matrix", pf_cmd_matrix, "merge several runs into a plug-fest matrix" },
	{ "package", pf_cmd_package, "bundle a run directory into a submission package" },
	{ "verify", pf_cmd_verify, "verify a submission package and re-score it" },
	{ "known-failures", pf_cmd_known_failures,
	  "suggest: draft known-failure entries from a results.json" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: plugfest COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].help);
	fprintf(f,
		"\n`plugfest COMMAND --help` for a command's options; exit codes in "
		"docs/exit-codes.md.\ndata: %s\nimages: %s\n",
		pf_data_dir(), pf_image_dir());
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return PF_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("plugfest %s\n", PF_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "plugfest: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return PF_EXIT_USAGE;
}

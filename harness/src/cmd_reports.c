/* SPDX-License-Identifier: MIT */
/* `report`, `matrix`, `package`, `verify`. */
#include <stdio.h>

#include "cli.h"

static int unavailable(const char *cmd)
{
	fprintf(stderr, "plugfest %s: not available in this version\n", cmd);
	return PF_EXIT_USAGE;
}

int pf_cmd_report(int argc, char **argv) { (void)argc; (void)argv; return unavailable("report"); }
int pf_cmd_matrix(int argc, char **argv) { (void)argc; (void)argv; return unavailable("matrix"); }
int pf_cmd_package(int argc, char **argv) { (void)argc; (void)argv; return unavailable("package"); }
int pf_cmd_verify(int argc, char **argv) { (void)argc; (void)argv; return unavailable("verify"); }

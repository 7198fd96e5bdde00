/* SPDX-License-Identifier: MIT */
/* Option parsing the commands share (cli.h). */
#define _GNU_SOURCE
#include <getopt.h>

#include "cli/cli.h"
#include "reports/reports.h"

int pf_cli_next_option(int argc, char **argv, const char *shortopts, const struct option *longopts,
		       const struct pf_cli_value *values)
{
	int c;

	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct pf_cli_value *v = values;

		while (v && v->opt && v->opt != c)
			v++;
		if (!v || !v->opt)
			return c;
		if (v->value)
			*v->value = optarg;
		else
			(*v->count)++;
	}
	return -1;
}

int pf_cli_score_option(struct pf_score_inputs *in, int opt, const char *path)
{
	const char **files = opt == 'p' ? in->profiles : in->known;
	size_t *n = opt == 'p' ? &in->nprofiles : &in->nknown;
	size_t cap = opt == 'p' ? sizeof(in->profiles) / sizeof(in->profiles[0])
				: sizeof(in->known) / sizeof(in->known[0]);

	if ((opt != 'p' && opt != 'k') || *n == cap)
		return -1;
	files[(*n)++] = path;
	return 0;
}

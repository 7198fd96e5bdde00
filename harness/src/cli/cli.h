/* SPDX-License-Identifier: MIT */
/* Subcommands of plugfest; each returns a process exit code
 * (docs/exit-codes.md). */
#ifndef PF_CLI_H
#define PF_CLI_H

#define PF_EXIT_CONFORMANT 0
#define PF_EXIT_NONCONFORMANT 1
#define PF_EXIT_USAGE 2
#define PF_EXIT_INFRA 3

int pf_cmd_run(int argc, char **argv);
int pf_cmd_attach(int argc, char **argv);
int pf_cmd_list(int argc, char **argv);
int pf_cmd_coverage(int argc, char **argv);
int pf_cmd_targets(int argc, char **argv);
int pf_cmd_report(int argc, char **argv);
int pf_cmd_matrix(int argc, char **argv);
int pf_cmd_package(int argc, char **argv);
int pf_cmd_verify(int argc, char **argv);
int pf_cmd_known_failures(int argc, char **argv);

/* The options `run` and `report` share to score against more files than the
 * shipped ones; pf_cli_score_option() takes their values. */
/* clang-format off */
#define PF_CLI_SCORE_LONGOPTS                                                                      \
	{ "profile", required_argument, 0, 'p' },                                                  \
	{ "known-failures", required_argument, 0, 'k' }
/* clang-format on */

/* An option a command only records: its argument kept as given (value), or,
 * for one without argument, the times it was given (count). */
struct pf_cli_value {
	int opt;
	const char **value;
	int *count;
};
struct option;
/* getopt_long() that records each option listed in values (up to an entry
 * with opt 0; values may be NULL) itself and returns the next other option,
 * or -1 at the end. The caller sets optind first. */
int pf_cli_next_option(int argc, char **argv, const char *shortopts, const struct option *longopts,
		       const struct pf_cli_value *values);

struct pf_score_inputs;
/* Adds the file of a --profile ('p') or --known-failures ('k') option to in.
 * Returns 0, or -1 when that list is full (or opt is neither). */
int pf_cli_score_option(struct pf_score_inputs *in, int opt, const char *path);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * `plugfest run` in three files: run_opts.c (the command line), run_boot.c
 * (one boot of the hypervisor: signals, stream plumbing, supervision) and
 * run.c (the run: nonce, restarts, results and reports). What they share,
 * with attach.c (`plugfest attach`: the same run on a stream the kit did
 * not start).
 */
#ifndef PF_CLI_RUN_INTERNAL_H
#define PF_CLI_RUN_INTERNAL_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "pf/proto.h"
#include "ingest/journal.h"
#include "cli/paths.h"
#include "cli/progress.h"
#include "reports/reports.h"
#include "ingest/results.h"
#include "policy/score.h"
#include "launch/services.h"
#include "package/digest.h"
#include "policy/spec.h"
#include "ingest/stream.h"
#include "launch/target.h"
#include "launch/vmm.h"
#include "policy/waiver.h"
#include "util/fs.h"

#define DEFAULT_TARGET "qemu-aarch64-virt"
/* Cap of console.log, hypervisor.log and journal.jsonl each (--max-log-bytes). */
#define DEFAULT_MAX_LOG_BYTES (64ull << 20)

struct run_opts {
	const char *target;
	const char *outdir;
	const char *probe; /* override of the target's image */
	const char *filter;
	unsigned long long seed;
	int verbose;
	int max_restarts;
	long overall_s; /* 0: target's */
	const char *sets[16];
	int nsets;
	const char *extra_bootargs;
	int dry_run;
	const char *formats;
	const char *gate;		  /* profile id whose verdict sets the exit code */
	unsigned long long max_log_bytes; /* 0: no cap */
	struct pf_score_inputs score;
};

/* hypervisor.log, capped like console.log. */
struct capped_log {
	FILE *f;
	unsigned long long cap, written, dropped, reported;
};

struct run_ctx {
	struct pf_stream *stream;
	struct pf_journal *journal;
	struct pf_results *results;
	struct pf_progress *progress;
	struct capped_log hvlog;
	unsigned long diags;
	char nonce[PF_PROTO_NONCE_HEX + 1]; /* this run's, for every boot */
	unsigned long long console_reported, records_reported;
	bool journal_full; /* records refused: the run stops */
};

struct boot_outcome {
	struct pf_supervise_result sup;
	bool spawned;
	char argv0_error[PF_ERROR_MESSAGE_MAX + PF_ERROR_FILE_MAX + 64];
};

/* The options of `plugfest run` into o; prints usage or the error itself.
 * Returns 0, or -1 for a usage error. */
int run_parse_opts(int argc, char **argv, struct run_opts *o);
/* The options `run` and `attach` share for what they write: --formats,
 * --profile, --known-failures, --gate, --max-log-bytes. */
/* clang-format off */
#define RUN_OUTPUT_LONGOPTS                                                                        \
	{ "formats", required_argument, 0, 'F' },                                                  \
	PF_CLI_SCORE_LONGOPTS,                                                                     \
	{ "gate", required_argument, 0, 'g' },                                                     \
	{ "max-log-bytes", required_argument, 0, 'L' }
/* clang-format on */
/* Takes option c of RUN_OUTPUT_LONGOPTS into o, printing errors prefixed by
 * cmd. Returns 1 when c was one of them, 0 when not, -1 on a bad value. */
int run_output_option(struct run_opts *o, int c, const char *arg, const char *cmd);
/* Refuses unreadable --profile / --known-failures files and an unknown
 * --gate profile before anything runs. Returns 0, or -1 (printed). */
int run_check_score_inputs(const struct run_opts *o);
/* "out/<name>-<UTC time>", the output directory when -o is not given. */
void run_default_outdir(char *buf, size_t len, const char *name);
/* A --max-log-bytes value (N, NK, NM, NG) into out; prints the error
 * prefixed by cmd. Returns 0, or -1. */
int run_parse_size(const char *cmd, const char *arg, unsigned long long *out);

/* Set by SIGINT/SIGTERM/SIGHUP: stop restarting, still write results. */
extern volatile sig_atomic_t run_interrupted;

/* Whether `plugfest run`'s arguments ask for several runs (-j, --variant,
 * more than one -t); run_matrix() runs them (run_matrix.c). */
bool run_matrix_requested(int argc, char **argv);
int run_matrix(int argc, char **argv);
/* A fresh 128-bit nonce in hex. Returns 0, or -1 with errno set. */
int run_make_nonce(char out[PF_PROTO_NONCE_HEX + 1]);
int run_ctx_open(struct run_ctx *ctx, const struct run_opts *o);
void run_ctx_close(struct run_ctx *ctx);
int run_conclude(struct run_ctx *ctx, const struct run_opts *o, const struct pf_spec *spec,
		 const char *cmd, bool no_verdict);
/* The target's expect section as results.json's run.expect. */
json_t *run_expect_json(const struct pf_target *t);
/* Serial bytes of the guest: into console.log and the stream parser. */
void run_on_serial(void *vctx, const char *buf, size_t len);

void run_add_finding(struct run_ctx *ctx, const char *kind, const char *msg, bool open_step);
void run_boot_once(struct run_ctx *ctx, const struct pf_target *t, char **argv, long overall_ms,
		   struct boot_outcome *bo);
bool run_finished(void *vctx);
void run_install_signals(void);
void run_iso_now(char *buf, size_t len);
double run_now_s(void);
void run_on_diag(void *vctx, const struct pf_diag *d);
void run_on_record(void *vctx, uint32_t seq, json_t *rec, const char *raw, size_t len);
bool run_stream_rejected(struct run_ctx *ctx, char *msg, size_t len);

#endif

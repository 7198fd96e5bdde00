/* SPDX-License-Identifier: MIT */
/*
 * The one API every check uses to say what it found. A check is a function
 * `void check_<SYMBOL>(struct pf_test *t)` for each PF_CHECK entry of
 * common/include/pf/catalogue.def; it inspects t->dev and calls report*().
 *
 * Verdict of a check: error if report_error() was called, else fail if a
 * failed report() at MUST level, warn if a failed report() at SHOULD level
 * (or report_should()), skip if report_skip() and nothing failed, else pass.
 * The first failure's message is the result's message; every failed
 * assertion is also logged when pf.verbose >= 1.
 */
#ifndef PF_REPORT_H
#define PF_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "pf/catalogue.h"

struct virtio_dev;

enum pf_verdict {
	PF_VERDICT_PASS,
	PF_VERDICT_FAIL,
	PF_VERDICT_WARN,
	PF_VERDICT_SKIP,
	PF_VERDICT_ERROR,
	PF_VERDICT_COUNT
};

struct pf_options {
	char filter[256]; /* comma-separated globs on check ids; "" = all */
	uint64_t seed;
	int verbose;
	uint32_t from;    /* first step to run (resume after a crash) */
	uint32_t pace_ms; /* pause after each check (tests of the runner) */
	char selftest[32];/* arch self-tests (e.g. "fault"), see docs/protocol.md */
	char nonce[65];   /* pf.nonce: the run's nonce, hex; "" = none */
};

struct pf_test {
	enum pf_check_id check;
	const struct pf_check_info *info;
	struct virtio_dev *dev;
	const struct pf_options *opt;
	uint32_t step;
	int failed;       /* failed MUST-level assertions */
	int warned;       /* failed SHOULD-level assertions */
	bool skipped;
	bool errored;
	const char *stage; /* what the check is doing now; prefixes messages */
	char msg[240];
};

/* Assert `ok` at the check's catalogue level. Returns ok. */
bool report(struct pf_test *t, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Assert `ok` at SHOULD level inside any check (a violation warns). */
bool report_should(struct pf_test *t, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Not applicable: device/feature not offered. */
void report_skip(struct pf_test *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The probe could not run the check (allocation, setup the driver owns). */
void report_error(struct pf_test *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A log record tied to the running check (shown at pf.verbose >= level). */
void report_log(struct pf_test *t, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void report_metric(struct pf_test *t, const char *name, uint64_t value, const char *unit);

enum pf_verdict pf_test_verdict(const struct pf_test *t);
const char *pf_verdict_name(enum pf_verdict v);

/* Glob match of a check id against the comma-separated filter ("" = all). */
bool pf_filter_match(const char *filter, const char *id);
/* Parses "pf.key=value" words of a kernel command line into opt. */
void pf_options_parse(struct pf_options *opt, const char *bootargs);

#endif

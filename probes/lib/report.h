/* SPDX-License-Identifier: MIT */
/*
 * The one API every check uses to say what it found. A check is a function
 * `void check_<SYMBOL>(struct pf_test *t)` for each PF_CHECK entry of
 * common/include/pf/catalogue.def; it inspects t->dev and calls report*().
 *
 * Verdict of a check: error if report_error() was called, else fail if a
 * failed report() at MUST level, warn if a failed report() at SHOULD level
 * (or report_should()), skip if report_skip() and nothing failed, na if
 * report_na() and nothing failed, else pass.
 * The first failure's message is the result's message; every failed
 * assertion is also logged when pf.verbose >= 1.
 *
 * Every assertion names what it asserts with a sub-case id: short,
 * lowercase [a-z0-9-], after the spec's names ("blk-status", "used-len").
 * report_case() names the part of the check now running ("whole-indirect")
 * and a human text that prefixes messages. A failed assertion's fingerprint
 * is "case-id/sub-id" inside a case, else "sub-id"; the result record
 * carries them (docs/protocol.md) so a known failure can excuse exactly the
 * failures it describes.
 *
 * The verdict state of struct pf_test (failed ... subs_more) belongs to
 * report.c: checks write it only through report*() and read it only through
 * report_failed(), report_warned(), report_errored(), report_stopped() and report_message()
 * (tests/unit/test_report.c holds probes/checks/ to that).
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
	PF_VERDICT_NA,
	PF_VERDICT_COUNT
};

struct pf_options {
	char filter[256]; /* comma-separated globs on check ids; "" = all */
	uint64_t seed;
	int verbose;
	uint32_t from;	   /* first step to run (resume after a crash) */
	uint32_t pace_ms;  /* pause after each check (tests of the runner) */
	char selftest[32]; /* arch self-tests (e.g. "fault"), see docs/protocol.md */
	char nonce[65];	   /* pf.nonce: the run's nonce, hex; "" = none */
};

#define PF_FP_LEN 48   /* "case-id/sub-id" and its NUL */
#define PF_MSG_LEN 240 /* a result's message and its NUL */
#define PF_SUBS_MAX 8  /* distinct fingerprints kept per result */

struct pf_test {
	enum pf_check_id check;
	const struct pf_check_info *info;
	struct virtio_dev *dev;
	const struct pf_options *opt;
	uint32_t step;
	int failed; /* failed MUST-level assertions */
	int warned; /* failed SHOULD-level assertions */
	bool skipped;
	bool na;
	bool errored;
	const char *case_id; /* report_case(): fingerprint prefix */
	const char *stage;   /* report_case(): prefixes messages */
	char msg[PF_MSG_LEN];
	char sub[PF_FP_LEN];		   /* fingerprint of the assertion behind msg */
	char subs[PF_SUBS_MAX][PF_FP_LEN]; /* distinct failing/warning ones */
	uint8_t nsubs;
	bool subs_more; /* more distinct fingerprints than PF_SUBS_MAX */
};

/* What report*() wrote so far, to take back (report_rollback()). */
struct pf_report_mark {
	int failed, warned;
	bool skipped, na, errored, subs_more;
	uint8_t nsubs;
	char msg[PF_MSG_LEN];
	char sub[PF_FP_LEN];
};

/* Assert `ok` at the check's catalogue level. Returns ok. */
bool report(struct pf_test *t, bool ok, const char *sub, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Assert `ok` at SHOULD level inside any check (a violation warns). */
bool report_should(struct pf_test *t, bool ok, const char *sub, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * From here on the check runs the case `id` ([a-z0-9-]), described by
 * `text` (prefixes messages). NULL id: back to no case. Both must outlive
 * the check (string literals).
 */
void report_case(struct pf_test *t, const char *id, const char *text);
/* Not applicable: the check does not concern this transport, device type
 * or feature set. */
void report_na(struct pf_test *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Applicable but not run (a precondition another check covers failed, a
 * workload the probe lacks); fmt says why. */
void report_skip(struct pf_test *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The probe could not run the check (allocation, setup the driver owns). */
void report_error(struct pf_test *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A log record tied to the running check (shown at pf.verbose >= level). */
void report_log(struct pf_test *t, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void report_metric(struct pf_test *t, const char *name, uint64_t value, const char *unit);

/*
 * report_mark() notes what was reported so far; report_rollback() forgets
 * everything reported since (a precondition tried and found missing is a
 * reason to skip, not a failure of this check).
 */
void report_mark(const struct pf_test *t, struct pf_report_mark *m);
void report_rollback(struct pf_test *t, const struct pf_report_mark *m);

/* A MUST-level assertion failed so far. */
bool report_failed(const struct pf_test *t);
/* A SHOULD-level (or descriptive) assertion failed so far. */
bool report_warned(const struct pf_test *t);
/* report_error() was called. */
bool report_errored(const struct pf_test *t);
/* Failed, errored or skipped: the rest of the check would add nothing. */
bool report_stopped(const struct pf_test *t);
/* The result's message so far ("" when nothing was reported). */
const char *report_message(const struct pf_test *t);

enum pf_verdict pf_test_verdict(const struct pf_test *t);
const char *pf_verdict_name(enum pf_verdict v);

/* Glob match of a check id against the comma-separated filter ("" = all). */
bool pf_filter_match(const char *filter, const char *id);
/* Parses "pf.key=value" words of a kernel command line into opt. */
void pf_options_parse(struct pf_options *opt, const char *bootargs);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The catalogue meta-test: every entry of the check catalogue is shown,
 * by the check tables of test_checks_*.c, both passing on a clean device
 * and failing for its own reason on a faulty one.
 *
 * A table exports its rows through struct ut_rows (where each row keeps
 * its check, expected verdict and fingerprint glob) and records what each
 * row really gave when it ran (ut_observe()). ut_meta_check() then judges
 * the catalogue against those observations, not against what the rows
 * merely claim, so a row that did not run, or failed for another reason,
 * proves nothing.
 */
#ifndef PF_UT_META_H
#define PF_UT_META_H

#include <stdbool.h>
#include <stddef.h>

#include "pf/catalogue.h"
#include "report.h"

/* What one row gave when it ran. */
struct ut_obs {
	bool ran;
	enum pf_verdict verdict;
	char sub[64]; /* the result's failure fingerprint, "" if none */
};

/* One table: n rows of `stride` bytes, each starting with its name
 * (const char *) and holding an enum pf_check_id, an enum pf_verdict and a
 * fingerprint glob (const char *) at the given offsets; obs[n]. */
struct ut_rows {
	const char *group;
	const void *rows;
	size_t n, stride;
	size_t check_off, expect_off, sub_off;
	struct ut_obs *obs;
};

/* Records that `row` (one of t's) gave verdict v with fingerprint sub. */
void ut_observe(const struct ut_rows *t, const void *row, enum pf_verdict v, const char *sub);
/* Forgets every observation of t. */
void ut_obs_clear(const struct ut_rows *t);

enum ut_meta_problem {
	/* about a row */
	UT_META_UNKNOWN_CHECK,	   /* its check is not in the catalogue */
	UT_META_NOT_RUN,	   /* nothing observed for it */
	UT_META_VERDICT,	   /* it gave another verdict than it expects */
	UT_META_NO_FINGERPRINT,	   /* fails or warns with no glob, or one that matches anything */
	UT_META_WRONG_FINGERPRINT, /* failed, but its fingerprint is not the glob's */
	/* about a catalogue entry */
	UT_META_NO_PASS,     /* no row where it passes */
	UT_META_NO_FAIL,     /* no row where it fails for its own reason */
	UT_META_WRONG_LEVEL, /* only fails with the other level's verdict
				  * (a MUST check that only warns, a SHOULD one that only fails) */
	UT_META_PROBLEM_COUNT
};

struct ut_meta_finding {
	enum ut_meta_problem what;
	unsigned check;	   /* catalogue index */
	const char *group; /* the row's table, NULL for an entry */
	const char *row;   /* the row's name, NULL for an entry */
};

typedef void (*ut_meta_sink)(void *ctx, const struct ut_meta_finding *f);

const char *ut_meta_problem_name(enum ut_meta_problem p);

/*
 * Judges catalogue cat[0..ncat) against the observed rows of the tables:
 * each entry needs a row that passed as expected, and a row that gave the
 * entry's level verdict (fail for MUST, warn for SHOULD and MAY) as
 * expected with a fingerprint matching its non-trivial glob. Rows whose
 * verdict is na, skip or error count for neither. Every problem goes to
 * sink (may be NULL); returns how many there were.
 */
unsigned ut_meta_check(const struct pf_check_info *cat, unsigned ncat,
		       const struct ut_rows *const *tables, unsigned ntables, ut_meta_sink sink,
		       void *ctx);

/* A sink that prints each finding to stderr; ctx: the catalogue judged
 * (for the checks' ids) or NULL. */
void ut_meta_print(void *ctx, const struct ut_meta_finding *f);

#endif

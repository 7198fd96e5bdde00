/* SPDX-License-Identifier: MIT */
/*
 * `plugfest known-failures suggest`: draft known-failure entries for the
 * failures of a run that nothing excuses yet, for a maintainer to review
 * (docs/profiles.md).
 */
#ifndef PF_SUGGEST_H
#define PF_SUGGEST_H

#include <jansson.h>

#include "reports/report_util.h"
#include "util/error.h"

/*
 * Appends a "plugfest-known-failures/1" document to out: one entry per
 * check x device type x transport with a failing verdict (fail, warn,
 * error, crash, wedged, timeout), naming exactly the fingerprints seen
 * ("*" when a result has none or a cut list), the run's hypervisor and
 * major.minor version, placeholder reason and issue, and expiry
 * today + 180 days (today "YYYY-MM-DD"; NULL = the current UTC date).
 * Returns the number of entries, or -1 with err filled.
 */
int pf_known_failures_suggest(const json_t *results, const char *today, struct pf_buf *out,
			      struct pf_error *err);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Inside the known-failure / waiver list: shared by loading (waiver.c) and
 * application (waiver_apply.c). Not for use elsewhere.
 */
#ifndef PF_WAIVER_ENTRY_H
#define PF_WAIVER_ENTRY_H

#include <stdbool.h>

#include "policy/profile.h"

enum kind {
	KIND_KNOWN_FAILURE,
	KIND_WAIVER
};

struct pf_waiver_entry {
	char *id, *hypervisor, *version, *test, *reason, *issue, *expires, *approved_by;
	struct pf_strv devices, transports;
	struct pf_strv subcases; /* fingerprint globs the entry excuses */
	enum kind kind;
	char *file;
	int line;
};

struct pf_waiver_source {
	char *file;
	char sha256[65];
};

struct pf_waivers {
	struct pf_waiver_entry *e;
	size_t n, cap;
	struct pf_waiver_source *src;
	size_t nsrc;
};

/* "YYYY-MM-DD" naming a real calendar day. */
bool pf_date_valid(const char *s);

#endif

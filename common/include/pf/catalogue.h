/* SPDX-License-Identifier: MIT */
/*
 * The check catalogue: the one source of truth for every check's id, area,
 * level and the VIRTIO normative statements it checks. Compiled into the
 * probe (which runs the checks) and the runner (which lists, scores and
 * traces them without booting anything). Entries live in catalogue.def.
 */
#ifndef PF_CATALOGUE_H
#define PF_CATALOGUE_H

#include <stdbool.h>

enum pf_level {
	PF_LEVEL_MUST,	 /* MUST / MUST NOT: a violation is a failure */
	PF_LEVEL_SHOULD, /* SHOULD / SHOULD NOT: a violation is a warning */
	PF_LEVEL_MAY,	 /* informational */
};

/* Positive checks test what the device MUST do; adversarial checks feed the
 * device hostile input and only ask that it survives (own verdict class). */
enum pf_class {
	PF_CLASS_CONFORMANCE,
	PF_CLASS_ADVERSARIAL,
};

enum pf_check_id {
#define PF_CHECK(sym, id, area, level, cls, title, reqs) PF_CHK_##sym,
#include "pf/catalogue.def"
#undef PF_CHECK
	PF_CHK_COUNT
};

struct pf_check_info {
	const char *id;	  /* stable dotted id, e.g. "basic.init.sequence" */
	const char *area; /* basic, split-ring, packed-ring, pci, mmio, <device> */
	enum pf_level level;
	enum pf_class cls;
	const char *title; /* one line, what is checked */
	const char *reqs;  /* space-separated claims: statement ids of the spec fact
			    * base, each optionally ~partial:<reason-key> */
};

extern const struct pf_check_info pf_catalogue[PF_CHK_COUNT];

const char *pf_level_name(enum pf_level level);
const char *pf_class_name(enum pf_class cls);
/*
 * Walks the space-separated statement ids of a `reqs` string: copies the
 * next one, without its claim qualifier, into word (truncated to cap - 1)
 * and advances *cursor. Returns false when there is none left.
 */
bool pf_catalogue_next_req(const char **cursor, char *word, unsigned cap);

/*
 * How fully a check exercises one statement it claims. A claim is written
 * "stmt-id" (full: a device violating the statement fails or warns in the
 * check) or "stmt-id~partial:reason-key" (the check exercises part of the
 * statement; reason-key, words joined by '-', says what it leaves out).
 */
enum pf_claim {
	PF_CLAIM_END, /* no claim left */
	PF_CLAIM_FULL,
	PF_CLAIM_PARTIAL,
	PF_CLAIM_MALFORMED, /* a '~' qualifier other than ~partial:<reason> */
};

/*
 * Like pf_catalogue_next_req, and also reports whether the claim is full or
 * partial; reason (truncated to rcap - 1) gets the reason key of a partial
 * claim, "" for a full one.
 */
int pf_catalogue_next_claim(const char **cursor, char *word, unsigned cap, char *reason,
			    unsigned rcap);

/* Index of the check with this id, or -1. */
int pf_catalogue_find(const char *id);

#endif

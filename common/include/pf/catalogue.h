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
	PF_LEVEL_MUST,   /* MUST / MUST NOT: a violation is a failure */
	PF_LEVEL_SHOULD, /* SHOULD / SHOULD NOT: a violation is a warning */
	PF_LEVEL_MAY,    /* informational */
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
	const char *id;    /* stable dotted id, e.g. "basic.init.sequence" */
	const char *area;  /* basic, split-ring, packed-ring, pci, mmio, <device> */
	enum pf_level level;
	enum pf_class cls;
	const char *title; /* one line, what is checked */
	const char *reqs;  /* space-separated statement ids of the spec fact base */
};

extern const struct pf_check_info pf_catalogue[PF_CHK_COUNT];

const char *pf_level_name(enum pf_level level);
const char *pf_class_name(enum pf_class cls);
/*
 * Walks the space-separated statement ids of a `reqs` string: copies the
 * next one into word (truncated to cap - 1) and advances *cursor. Returns
 * false when there is none left.
 */
bool pf_catalogue_next_req(const char **cursor, char *word, unsigned cap);

/* Index of the check with this id, or -1. */
int pf_catalogue_find(const char *id);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Table rows and lines that print several string members of a results
 * object, each after a fixed piece of markup, are written as a table of
 * fields printed by one loop instead of a run of alternating calls.
 */
#ifndef PF_REPORT_FIELDS_H
#define PF_REPORT_FIELDS_H

#include <stddef.h>

#include <jansson.h>

#include "reports/report_util.h"

/* Writes s into b escaped for the output format (pf_buf_md, pf_buf_html). */
typedef void (*pf_escape_fn)(struct pf_buf *b, const char *s);

struct pf_field {
	const char *before; /* literal markup written before the value */
	const char *sub;    /* member object holding key; NULL: the object itself */
	const char *key;
	const char *dflt; /* written when the member is missing */
};

#define PF_FIELDS_N(a) (sizeof(a) / sizeof((a)[0]))

/* For each field: its markup, then its value from o escaped by esc. */
void pf_buf_fields(struct pf_buf *b, const json_t *o, const struct pf_field *f, size_t n,
		   pf_escape_fn esc);

#endif

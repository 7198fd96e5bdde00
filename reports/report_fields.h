/* SPDX-License-Identifier: MIT */
/*
 * Markup with the members of a results object in it is written from one
 * template string per row or line, instead of a run of alternating calls
 * that write a piece of markup and then an escaped member.
 */
#ifndef PF_REPORT_FIELDS_H
#define PF_REPORT_FIELDS_H

#include <jansson.h>

#include "reports/report_util.h"

/* Writes s into b escaped for the output format (pf_buf_md, pf_buf_html). */
typedef void (*pf_escape_fn)(struct pf_buf *b, const char *s);

/*
 * Writes tpl into b: its text as it is (it is markup), and each field in
 * braces as a member of o:
 *   {key}          o's string member key escaped by esc, "" when missing
 *   {key|text}     the same, text when the member is missing or no string
 *   {sub.key}      member key of the object o["sub"] (any depth)
 *   {#key}         an integer member in decimal, 0 when missing
 * Templates are the writers' own constants; a brace without its closing
 * one, or a field name longer than 127 bytes, is written as text.
 */
void pf_buf_template(struct pf_buf *b, const json_t *o, const char *tpl, pf_escape_fn esc);

#endif

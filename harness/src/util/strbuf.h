/* SPDX-License-Identifier: MIT */
/*
 * A growable NUL-terminated string. An allocation failure is sticky (oom):
 * later appends do nothing, so a caller checks once at the end instead of
 * after every append.
 *
 * Ownership: the buffer owns p until pf_strbuf_take() hands it to the
 * caller; pf_strbuf_free() releases it.
 */
#ifndef PF_UTIL_STRBUF_H
#define PF_UTIL_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct pf_strbuf {
	char *p; /* NULL until something was appended */
	size_t len, cap;
	bool oom;
};

void pf_strbuf_init(struct pf_strbuf *b);
/* Releases the text and resets b to empty (it can be used again). */
void pf_strbuf_free(struct pf_strbuf *b);

/* Appends N bytes of S (S may hold NULs). Returns 0, -1 once out of memory. */
int pf_strbuf_add(struct pf_strbuf *b, const char *s, size_t n);
/* Appends the string S; NULL appends nothing. */
int pf_strbuf_puts(struct pf_strbuf *b, const char *s);
int pf_strbuf_printf(struct pf_strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int pf_strbuf_vprintf(struct pf_strbuf *b, const char *fmt, va_list ap);

/* The text so far, never NULL ("" when empty); owned by b. */
const char *pf_strbuf_str(const struct pf_strbuf *b);

/* Hands the text to the caller (free() it) and empties b. Returns "" as a
 * malloc'd string when nothing was appended, NULL when out of memory. */
char *pf_strbuf_take(struct pf_strbuf *b);

#endif

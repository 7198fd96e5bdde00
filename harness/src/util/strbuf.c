/* SPDX-License-Identifier: MIT */
/* Growable string; see strbuf.h. */
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pf_strbuf_init(struct pf_strbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void pf_strbuf_free(struct pf_strbuf *b)
{
	free(b->p);
	pf_strbuf_init(b);
}

/* Room for EXTRA more bytes and the terminating NUL. */
static int reserve(struct pf_strbuf *b, size_t extra)
{
	if (b->oom)
		return -1;
	if (extra >= (size_t)-1 - b->len - 1) {
		b->oom = true;
		return -1;
	}
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap = cap > (size_t)-1 / 2 ? b->len + extra + 1 : cap * 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

int pf_strbuf_add(struct pf_strbuf *b, const char *s, size_t n)
{
	if (reserve(b, n))
		return -1;
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int pf_strbuf_puts(struct pf_strbuf *b, const char *s)
{
	return s ? pf_strbuf_add(b, s, strlen(s)) : (b->oom ? -1 : 0);
}

int pf_strbuf_vprintf(struct pf_strbuf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0 || reserve(b, (size_t)n))
		return -1;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int pf_strbuf_printf(struct pf_strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = pf_strbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *pf_strbuf_str(const struct pf_strbuf *b)
{
	return b->p && !b->oom ? b->p : "";
}

char *pf_strbuf_take(struct pf_strbuf *b)
{
	char *p = NULL;

	if (!b->oom)
		p = b->p ? b->p : strdup("");
	else
		free(b->p);
	b->p = NULL;
	pf_strbuf_free(b);
	return p;
}

/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "util/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void copy_trunc(char *dst, size_t cap, const char *src)
{
	if (!src)
		src = "";
	size_t n = strlen(src);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int pf_error_fill(struct pf_error *err, const char *file, int line, int column, const char *field,
		  const char *fmt, ...)
{
	if (!err)
		return -1;
	memset(err, 0, sizeof(*err)); /* callers set sys_errno afterwards */
	copy_trunc(err->file, sizeof(err->file), file);
	copy_trunc(err->field, sizeof(err->field), field);
	err->line = line > 0 ? line : 0;
	err->column = column > 0 ? column : 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

int pf_error_errno(struct pf_error *err, const char *file, const char *fmt, ...)
{
	int saved = errno;
	if (!err)
		return -1;
	char what[PF_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	pf_error_fill(err, file, 0, 0, NULL, "%s: %s", what, strerror(saved));
	err->sys_errno = saved;
	return -1;
}

const char *pf_error_format(const struct pf_error *err, char *buf, size_t len)
{
	if (!buf || len == 0)
		return buf;
	buf[0] = '\0';
	if (!err)
		return buf;
	size_t off = 0;
#define APPEND(...)                                                           \
	do {                                                                  \
		if (off < len) {                                              \
			int n_ = snprintf(buf + off, len - off, __VA_ARGS__); \
			if (n_ > 0)                                           \
				off += (size_t)n_;                            \
		}                                                             \
	} while (0)
	if (err->file[0]) {
		APPEND("%s:", err->file);
		if (err->line > 0) {
			APPEND("%d:", err->line);
			if (err->column > 0)
				APPEND("%d:", err->column);
		}
		APPEND(" ");
	}
	if (err->field[0])
		APPEND("field '%s': ", err->field);
	APPEND("%s", err->message[0] ? err->message : "unknown error");
#undef APPEND
	return buf;
}

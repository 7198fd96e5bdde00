/* SPDX-License-Identifier: MIT */
/*
 * Freestanding subset of <stdio.h>: formatting into buffers only. Output
 * goes through record.h (records) or con_puts (plain text).
 *
 * Conversions: d i u o x X c s p %; flags '-' '0' '+' ' ' '#'; width and
 * precision (also '*'); length hh h l ll z j t.
 */
#ifndef PF_LIBC_STDIO_H
#define PF_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

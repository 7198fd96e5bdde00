/* SPDX-License-Identifier: MIT */
/* Freestanding subset of <stdlib.h> for the probe (probes/lib/libc). */
#ifndef PF_LIBC_STDLIB_H
#define PF_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end, int base);
long strtol(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);

int abs(int v);
long labs(long v);

/* Reports a fault record and powers off (there is nothing to return to). */
void abort(void) __attribute__((noreturn));

#endif

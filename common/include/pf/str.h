/* SPDX-License-Identifier: MIT */
/* String helpers for code built into both the freestanding probe (which has
 * no string.h of its own to lean on here) and the runner. */
#ifndef PF_STR_H
#define PF_STR_H

#include <stdbool.h>

static inline bool pf_str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

#endif

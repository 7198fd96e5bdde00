/* SPDX-License-Identifier: MIT */
/* Enumeration names kept in one array indexed by value, so that the name of
 * a value and the value of a name are looked up in the same table. */
#ifndef PF_UTIL_NAMES_H
#define PF_UTIL_NAMES_H

#include <stddef.h>

#define PF_NAMES_LEN(names) (sizeof(names) / sizeof((names)[0]))

/* names[v], or fallback when v is outside the n entries or has no name. */
const char *pf_name_of(const char *const *names, size_t n, int v, const char *fallback);
/* The index of s among the n names; -1 when s is NULL or not one of them. */
int pf_name_index(const char *const *names, size_t n, const char *s);

#endif

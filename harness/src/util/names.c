/* SPDX-License-Identifier: MIT */
#include "util/names.h"

#include <string.h>

const char *pf_name_of(const char *const *names, size_t n, int v, const char *fallback)
{
	if (v < 0 || (size_t)v >= n || !names[v])
		return fallback;
	return names[v];
}

int pf_name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (int)i;
	return -1;
}

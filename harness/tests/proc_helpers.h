/* SPDX-License-Identifier: MIT */
/* Looking at a process from outside, for tests that kill process groups. */
#ifndef PF_TEST_PROC_HELPERS_H
#define PF_TEST_PROC_HELPERS_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

/* Gone, or a zombie waiting for a reaper that is not us: dead either way. */
static inline bool proc_gone(pid_t pid)
{
	char path[64], st[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return true;
	size_t n = fread(st, 1, sizeof(st) - 1, f);
	fclose(f);
	st[n] = '\0';
	const char *p = strrchr(st, ')');
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

#endif

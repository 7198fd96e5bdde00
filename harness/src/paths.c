/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char data_dir[PATH_MAX];
static char image_dir[PATH_MAX];

char *pf_path_join(char *dst, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(dst, cap, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= cap)
		dst[0] = 0;
	return dst;
}

/* Directory of the running executable, or "" if unknown. */
static void exe_dir(char *buf, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
	char *slash;

	if (n <= 0) {
		buf[0] = 0;
		return;
	}
	buf[n] = 0;
	slash = strrchr(buf, '/');
	if (slash)
		*slash = 0;
}

static int same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

static void resolve(void)
{
	char exe[PATH_MAX];
	const char *env;

	if (data_dir[0])
		return;
	exe_dir(exe, sizeof(exe));
	if (exe[0] && same_dir(exe, PF_BUILD_BINDIR)) {
		snprintf(data_dir, sizeof(data_dir), "%s", PF_BUILD_DATADIR);
		snprintf(image_dir, sizeof(image_dir), "%s", PF_BUILD_IMAGEDIR);
	} else {
		snprintf(data_dir, sizeof(data_dir), "%s/../%s", exe, PF_INSTALL_REL_DATADIR);
		snprintf(image_dir, sizeof(image_dir), "%s/../%s", exe, PF_INSTALL_REL_IMAGEDIR);
	}
	env = getenv("PLUGFEST_DATA_DIR");
	if (env && *env)
		snprintf(data_dir, sizeof(data_dir), "%s", env);
	env = getenv("PLUGFEST_IMAGE_DIR");
	if (env && *env)
		snprintf(image_dir, sizeof(image_dir), "%s", env);
}

const char *pf_data_dir(void)
{
	resolve();
	return data_dir;
}

const char *pf_image_dir(void)
{
	resolve();
	return image_dir;
}

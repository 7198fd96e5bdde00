/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "cli/paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/spawn.h"

static char data_dir[PATH_MAX];
static char image_dir[PATH_MAX];

char *pf_path_join(char *dst, size_t cap, const char *dir, const char *name)
{
	int n = snprintf(dst, cap, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= cap)
		dst[0] = 0;
	return dst;
}

static int same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

/* dst (PATH_MAX) = a b, or "" when it would not fit: a truncated path
 * would silently point somewhere else. */
static void set_dir(char *dst, const char *a, const char *b)
{
	char canon[PATH_MAX];
	int n = snprintf(dst, PATH_MAX, "%s%s", a, b);

	if (n < 0 || n >= PATH_MAX) {
		dst[0] = 0;
		return;
	}
	/* reports name these paths: say /opt/x/lib, not /opt/x/bin/../lib */
	if (realpath(dst, canon))
		memcpy(dst, canon, strlen(canon) + 1);
}

static void resolve(void)
{
	char exe[PATH_MAX];
	const char *env;

	if (data_dir[0])
		return;
	pf_exe_dir(exe, sizeof(exe));
	if (exe[0] && same_dir(exe, PF_BUILD_BINDIR)) {
		set_dir(data_dir, PF_BUILD_DATADIR, "");
		set_dir(image_dir, PF_BUILD_IMAGEDIR, "");
	} else {
		set_dir(data_dir, exe, "/../" PF_INSTALL_REL_DATADIR);
		set_dir(image_dir, exe, "/../" PF_INSTALL_REL_IMAGEDIR);
	}
	env = getenv("PLUGFEST_DATA_DIR");
	if (env && *env)
		set_dir(data_dir, env, "");
	env = getenv("PLUGFEST_IMAGE_DIR");
	if (env && *env)
		set_dir(image_dir, env, "");
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

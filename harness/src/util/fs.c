/* SPDX-License-Identifier: MIT */
/* File system helpers; see fs.h. */
#include "util/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int pf_read_file(const char *path, size_t max, char **data, size_t *len, struct pf_error *err)
{
	FILE *f;
	char *buf = NULL;
	size_t n = 0, cap = 0;

	*data = NULL;
	if (len)
		*len = 0;
	if (max > (size_t)-1 / 4)
		max = (size_t)-1 / 4; /* so max + 1 and the doubling cannot wrap */
	f = fopen(path, "rb");
	if (!f)
		return pf_error_errno(err, path, "cannot open");
	for (;;) {
		if (n == cap) {
			/* grow by doubling, but never past max + 1: one byte more
			 * than allowed is enough to know the file is too large */
			size_t want = cap ? 2 * cap : 8192;
			if (want > max + 1)
				want = max + 1;
			if (want <= cap) {
				free(buf);
				fclose(f);
				errno = EFBIG;
				return pf_error_errno(err, path, "larger than %zu bytes", max);
			}
			char *nb = realloc(buf, want + 1);
			if (!nb) {
				free(buf);
				fclose(f);
				return pf_error_fill(err, path, 0, 0, NULL, "out of memory");
			}
			buf = nb;
			cap = want;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > max) {
			free(buf);
			fclose(f);
			errno = EFBIG;
			return pf_error_errno(err, path, "larger than %zu bytes", max);
		}
		if (got == 0) {
			if (ferror(f)) {
				int e = errno ? errno : EIO;
				free(buf);
				fclose(f);
				errno = e;
				return pf_error_errno(err, path, "cannot read");
			}
			break;
		}
	}
	fclose(f);
	buf[n] = '\0';
	*data = buf;
	if (len)
		*len = n;
	return 0;
}

/* One level: created, or already there as a directory. */
static int mkdir_one(const char *dir, mode_t mode, struct pf_error *err)
{
	struct stat st;

	if (mkdir(dir, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return pf_error_errno(err, dir, "cannot create directory");
	if (stat(dir, &st) != 0)
		return pf_error_errno(err, dir, "cannot create directory");
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return pf_error_errno(err, dir, "cannot create directory");
	}
	return 0;
}

int pf_mkdir_p(const char *path, mode_t mode, struct pf_error *err)
{
	size_t n = path ? strlen(path) : 0;
	char *buf;
	int rc = 0;

	if (n == 0)
		return pf_error_fill(err, NULL, 0, 0, NULL, "cannot create directory: empty path");
	buf = strdup(path);
	if (!buf)
		return pf_error_fill(err, path, 0, 0, NULL, "out of memory");
	for (char *p = buf + 1; *p && !rc; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		rc = mkdir_one(buf, mode, err);
		*p = '/';
	}
	if (!rc)
		rc = mkdir_one(buf, mode, err);
	free(buf);
	return rc;
}

int pf_copy_file(const char *from, const char *to, struct pf_error *err)
{
	char buf[65536];
	size_t n;
	FILE *in = fopen(from, "rb"), *out;
	int rc = 0;

	if (!in)
		return pf_error_errno(err, from, "cannot open");
	out = fopen(to, "wb");
	if (!out) {
		rc = pf_error_errno(err, to, "cannot create");
		fclose(in);
		return rc;
	}
	while (!rc && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = pf_error_errno(err, to, "cannot write");
	if (!rc && ferror(in))
		rc = pf_error_errno(err, from, "cannot read");
	fclose(in);
	if (fclose(out) && !rc)
		rc = pf_error_errno(err, to, "cannot write");
	return rc;
}

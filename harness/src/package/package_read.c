/* SPDX-License-Identifier: MIT */
/*
 * Reading an untrusted package with libarchive: every member into memory,
 * bounded by the caps, nothing extracted. Anything a package written by
 * plugfest never holds is refused, naming the archive and the member.
 */
#define _GNU_SOURCE
#include "package/package_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

/* Raw bytes a member may take besides its data: its header, a pax header
 * for a long name, padding. Bounds the file before anything is parsed. */
#define PER_MEMBER_OVERHEAD (8u << 10)

const char *pkg_printable(const char *name, char *out, size_t len)
{
	size_t i = 0;

	if (!len)
		return out;
	for (; name && name[i] && i + 1 < len; i++)
		out[i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ? '?' : name[i];
	out[i] = '\0';
	return out;
}

void pkg_archive_free(struct pkg_archive *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->m[i].name);
		free(a->m[i].data);
	}
	free(a->m);
	a->m = NULL;
	a->n = 0;
}

const struct pkg_member *pkg_member(const struct pkg_archive *a, const char *name)
{
	for (size_t i = 0; i < a->n; i++)
		if (!strcmp(a->m[i].name, name))
			return &a->m[i];
	return NULL;
}

/* NULL when name is safe to use as a relative path, else why not. */
static const char *unsafe_name(const char *name)
{
	const char *p = name;

	if (!*name)
		return "has an empty name";
	if (name[0] == '/')
		return "has an absolute name";
	for (;;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && !strncmp(p, "..", 2))
			return "has a '..' component";
		if (n == 0 || (n == 1 && *p == '.'))
			return "has an empty or '.' component";
		if (!p[n])
			return NULL;
		p += n + 1;
	}
}

/* NULL when e is a regular file, else what it is. */
static const char *odd_type(struct archive_entry *e, char *buf, size_t len)
{
	char t[200];

	if (archive_entry_hardlink(e)) {
		snprintf(buf, len, "is a hardlink (to '%s')",
			 pkg_printable(archive_entry_hardlink(e), t, sizeof(t)));
		return buf;
	}
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		return archive_entry_sparse_count(e) ? "is a sparse file" : NULL;
	case AE_IFLNK:
		snprintf(buf, len, "is a symlink (to '%s')",
			 pkg_printable(archive_entry_symlink(e), t, sizeof(t)));
		return buf;
	case AE_IFCHR:
	case AE_IFBLK:
		return "is a device";
	case AE_IFDIR:
		return "is a directory entry";
	case AE_IFIFO:
		return "is a FIFO";
	default:
		return "is not a regular file";
	}
}

struct reader {
	const char *path;
	struct archive *ar;
	struct pkg_archive *a;
	unsigned long long max_member, max_total, total;
	struct pf_error *err;
};

/* The member's data into memory; size was checked against the caps. */
static int read_data(struct reader *r, const char *name, size_t size, unsigned char **out)
{
	unsigned char *data = malloc(size ? size : 1);
	size_t got = 0;
	la_ssize_t n = 1;

	if (!data)
		return pf_error_fill(r->err, r->path, 0, 0, NULL, "member '%s': out of memory",
				     name);
	while (got < size && (n = archive_read_data(r->ar, data + got, size - got)) > 0)
		got += (size_t)n;
	if (got < size) {
		free(data);
		return pf_error_fill(r->err, r->path, 0, 0, NULL,
				     "member '%s': truncated archive: the file ends within its "
				     "%zu bytes of data (%s)",
				     name, size,
				     n < 0 && archive_error_string(r->ar)
					     ? archive_error_string(r->ar)
					     : "end of file");
	}
	*out = data;
	return 0;
}

/* One member: checked, then appended to r->a. */
static int read_member(struct reader *r, struct archive_entry *e)
{
	const char *raw = archive_entry_pathname(e), *why;
	char name[256], buf[300];
	la_int64_t size = archive_entry_size(e);
	struct pkg_member *grown;
	unsigned char *data = NULL;

	pkg_printable(raw, name, sizeof(name));
	if (!raw)
		return pf_error_fill(r->err, r->path, 0, 0, NULL, "member %zu has no readable name",
				     r->a->n + 1);
	if (r->a->n >= PF_PACKAGE_MAX_MEMBERS)
		return pf_error_fill(r->err, r->path, 0, 0, NULL,
				     "member '%s': more than %d members", name,
				     PF_PACKAGE_MAX_MEMBERS);
	if ((why = odd_type(e, buf, sizeof(buf))) || (why = unsafe_name(raw)))
		return pf_error_fill(r->err, r->path, 0, 0, NULL, "member '%s': %s", name, why);
	if (pkg_member(r->a, raw))
		return pf_error_fill(r->err, r->path, 0, 0, NULL,
				     "member '%s': appears more than once", name);
	if (!archive_entry_size_is_set(e) || size < 0)
		return pf_error_fill(r->err, r->path, 0, 0, NULL, "member '%s': no size", name);
	if ((unsigned long long)size > r->max_member)
		return pf_error_fill(r->err, r->path, 0, 0, NULL,
				     "member '%s': %lld bytes, beyond the cap of %llu per member",
				     name, (long long)size, r->max_member);
	if ((unsigned long long)size > r->max_total - r->total)
		return pf_error_fill(r->err, r->path, 0, 0, NULL,
				     "member '%s': takes the package beyond the cap of %llu bytes "
				     "in all",
				     name, r->max_total);
	if (read_data(r, name, (size_t)size, &data))
		return -1;
	grown = realloc(r->a->m, (r->a->n + 1) * sizeof(*grown));
	if (grown)
		r->a->m = grown;
	if (!grown || !(grown[r->a->n].name = strdup(raw))) {
		free(data);
		return pf_error_fill(r->err, r->path, 0, 0, NULL, "member '%s': out of memory",
				     name);
	}
	grown[r->a->n].data = data;
	grown[r->a->n].size = (size_t)size;
	r->a->n++;
	r->total += (unsigned long long)size;
	return 0;
}

/* A tar ends with two zero blocks; without them it was cut short at a
 * member boundary, which libarchive accepts as the end. */
static int check_end(struct reader *r, int fd, off_t fsize)
{
	unsigned char tail[1024];
	char name[256];

	if (fsize < (off_t)sizeof(tail) ||
	    pread(fd, tail, sizeof(tail), fsize - (off_t)sizeof(tail)) != (ssize_t)sizeof(tail))
		goto cut;
	for (size_t i = 0; i < sizeof(tail); i++)
		if (tail[i])
			goto cut;
	return 0;
cut:
	return pf_error_fill(
		r->err, r->path, 0, 0, NULL,
		"member '%s': no end-of-archive blocks after it (truncated, or bytes appended)",
		r->a->n ? pkg_printable(r->a->m[r->a->n - 1].name, name, sizeof(name)) : "(none)");
}

int pkg_archive_read(const char *path, unsigned long long max_member, unsigned long long max_total,
		     struct pkg_archive *a, struct pf_error *err)
{
	struct reader r = { path, NULL, a, max_member, max_total, 0, err };
	const unsigned long long headroom =
		(unsigned long long)PF_PACKAGE_MAX_MEMBERS * PER_MEMBER_OVERHEAD;
	struct archive_entry *e;
	struct stat st;
	char last[256];
	int fd, rc = -1, st_rd;

	memset(a, 0, sizeof(*a));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return pf_error_errno(err, path, "cannot open");
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		pf_error_fill(err, path, 0, 0, NULL, "not a regular file");
		goto out;
	}
	if ((unsigned long long)st.st_size > headroom &&
	    (unsigned long long)st.st_size - headroom > max_total) {
		pf_error_fill(err, path, 0, 0, NULL,
			      "%lld bytes: beyond the cap of %llu bytes of members",
			      (long long)st.st_size, max_total);
		goto out;
	}
	if (!(r.ar = archive_read_new()) || archive_read_support_format_tar(r.ar) != ARCHIVE_OK ||
	    archive_read_open_fd(r.ar, fd, 65536) != ARCHIVE_OK) {
		pf_error_fill(err, path, 0, 0, NULL, "not a tar archive: %s",
			      r.ar && archive_error_string(r.ar) ? archive_error_string(r.ar)
								 : "out of memory");
		goto out;
	}
	while ((st_rd = archive_read_next_header(r.ar, &e)) != ARCHIVE_EOF) {
		if (st_rd != ARCHIVE_OK) {
			/* a damaged header, a truncated one, garbage bytes */
			pf_error_fill(err, path, 0, 0, NULL,
				      "member '%s': damaged or truncated archive after it: %s",
				      a->n ? pkg_printable(a->m[a->n - 1].name, last, sizeof(last))
					   : "(none, at the start)",
				      archive_error_string(r.ar) ? archive_error_string(r.ar)
								 : "unreadable header");
			goto out;
		}
		if (read_member(&r, e))
			goto out;
	}
	if (!a->n) {
		pf_error_fill(err, path, 0, 0, NULL, "member '(none)': an empty archive");
		goto out;
	}
	rc = check_end(&r, fd, st.st_size);
out:
	if (r.ar)
		archive_read_free(r.ar);
	close(fd);
	if (rc)
		pkg_archive_free(a);
	return rc;
}

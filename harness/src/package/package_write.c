/* SPDX-License-Identifier: MIT */
/*
 * Writing a package with libarchive: ustar, with a pax header only where a
 * name needs one, so any tar lists it. MANIFEST.json first, the files,
 * MANIFEST.sig when signing, MANIFEST.sha256 last; written to a temporary
 * file and renamed into place when complete.
 */
#define _GNU_SOURCE
#include "package/package_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "reports/report_util.h"

struct writer {
	struct archive *ar;
	const char *out; /* for messages */
	time_t now;
	struct pf_error *err;
};

static int add_header(struct writer *w, const char *name, unsigned long long size)
{
	struct archive_entry *e = archive_entry_new();
	int rc;

	if (!e)
		return pf_error_fill(w->err, w->out, 0, 0, NULL, "out of memory");
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, w->now, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_uname(e, "plugfest");
	archive_entry_set_gname(e, "plugfest");
	rc = archive_write_header(w->ar, e);
	archive_entry_free(e);
	if (rc != ARCHIVE_OK)
		return pf_error_fill(w->err, w->out, 0, 0, NULL, "member '%s': %s", name,
				     archive_error_string(w->ar));
	return 0;
}

static int add_buffer(struct writer *w, const char *name, const char *data, size_t len)
{
	if (add_header(w, name, len))
		return -1;
	if (len && archive_write_data(w->ar, data, len) != (la_ssize_t)len)
		return pf_error_fill(w->err, w->out, 0, 0, NULL, "member '%s': %s", name,
				     archive_error_string(w->ar));
	return 0;
}

/* Copies a file into the archive, hashing it again on the way: a file that
 * changed since the manifest was computed fails the package. */
static int add_file(struct writer *w, const struct pkg_item *item)
{
	FILE *in = fopen(item->src, "rb");
	struct pf_sha256 *c = pf_sha256_new();
	unsigned char buf[65536];
	unsigned long long done = 0;
	char again[PF_SHA256_HEX];
	size_t n;
	int rc = -1;

	if (!in) {
		pf_error_errno(w->err, item->src, "cannot open");
		goto out;
	}
	if (!c) {
		pf_error_fill(w->err, item->src, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (add_header(w, item->name, item->size))
		goto out;
	while (done < item->size &&
	       (n = fread(buf, 1,
			  item->size - done < sizeof(buf) ? (size_t)(item->size - done)
							  : sizeof(buf),
			  in)) > 0) {
		if (archive_write_data(w->ar, buf, n) != (la_ssize_t)n) {
			pf_error_fill(w->err, w->out, 0, 0, NULL, "member '%s': %s", item->name,
				      archive_error_string(w->ar));
			goto out;
		}
		pf_sha256_update(c, buf, n);
		done += n;
	}
	if (pf_sha256_final_hex(c, again) || done != item->size || strcmp(again, item->sha) ||
	    fgetc(in) != EOF) {
		pf_error_fill(w->err, item->src, 0, 0, NULL, "changed while it was being packaged");
		c = NULL;
		goto out;
	}
	c = NULL;
	rc = 0;
out:
	if (c)
		pf_sha256_final_hex(c, again);
	if (in)
		fclose(in);
	return rc;
}

/* The whole archive into the open file descriptor fd. */
static int write_archive(struct writer *w, int fd, const char *mtext, const char *sigtext,
			 const char *mhex, const struct pkg_items *it)
{
	char seal[100];
	int rc = -1;

	if (!(w->ar = archive_write_new()))
		return pf_error_fill(w->err, w->out, 0, 0, NULL, "out of memory");
	if (archive_write_set_format_pax_restricted(w->ar) != ARCHIVE_OK ||
	    archive_write_open_fd(w->ar, fd) != ARCHIVE_OK) {
		pf_error_fill(w->err, w->out, 0, 0, NULL, "%s", archive_error_string(w->ar));
		goto out;
	}
	if (add_buffer(w, PKG_MANIFEST, mtext, strlen(mtext)))
		goto out;
	for (size_t i = 0; i < it->n; i++)
		if (add_file(w, &it->v[i]))
			goto out;
	if (sigtext && add_buffer(w, PKG_SIG, sigtext, strlen(sigtext)))
		goto out;
	snprintf(seal, sizeof(seal), "%s  %s\n", mhex, PKG_MANIFEST);
	if (add_buffer(w, PKG_SEAL, seal, strlen(seal)))
		goto out;
	if (archive_write_close(w->ar) != ARCHIVE_OK) {
		pf_error_fill(w->err, w->out, 0, 0, NULL, "%s", archive_error_string(w->ar));
		goto out;
	}
	rc = 0;
out:
	archive_write_free(w->ar);
	return rc;
}

/* The real path out_path will have (its directory must exist), so that a
 * package written into the run directory leaves itself out. */
static int out_realpath(const char *out_path, char *out_real, size_t len, struct pf_error *err)
{
	char dir[PATH_MAX], dir_real[PATH_MAX];
	const char *slash = strrchr(out_path, '/');

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - out_path) : 1,
		 slash ? out_path : ".");
	if (!realpath(dir[0] ? dir : "/", dir_real))
		return pf_error_errno(err, out_path, "directory of the package");
	snprintf(out_real, len, "%.*s/%s", PATH_MAX - 256, dir_real, slash ? slash + 1 : out_path);
	return 0;
}

/* Manifest, signature and seal from the collected files, then the archive
 * through a temporary file. */
static int write_package(const char *out_path, const struct pf_package_opts *opts,
			 const struct pkg_items *it, const json_t *manifest, char mhex[65],
			 struct pf_error *err)
{
	struct writer w = { NULL, out_path, time(NULL), err };
	char *mtext = json_dumps(manifest, JSON_INDENT(2)), *sigtext = NULL, tmp[PATH_MAX + 16];
	int fd = -1, rc = -1;

	if (!mtext || pf_sha256_hex(mtext, strlen(mtext), mhex)) {
		pf_error_fill(err, out_path, 0, 0, NULL, "cannot build the manifest");
		goto out;
	}
	if (opts && opts->sign_key &&
	    !(sigtext = pkg_sign_manifest(opts->sign_key, mtext, strlen(mtext), err)))
		goto out;
	/* the manifest, signature and seal count towards the total cap too */
	if (strlen(mtext) + (sigtext ? strlen(sigtext) : 0) + 100 > it->max_total - it->total) {
		pf_error_fill(err, out_path, 0, 0, NULL, "beyond the cap of %llu bytes in all",
			      it->max_total);
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", out_path, (int)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		pf_error_errno(err, tmp, "cannot create");
		goto out;
	}
	if (write_archive(&w, fd, mtext, sigtext, mhex, it))
		goto out;
	if (close(fd)) {
		fd = -1;
		pf_error_errno(err, out_path, "cannot write");
		goto out;
	}
	fd = -1;
	if (rename(tmp, out_path)) {
		pf_error_errno(err, out_path, "cannot rename %s to it", tmp);
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(mtext);
	free(sigtext);
	return rc;
}

int pf_package_create(const char *run_dir, const char *out_path, const struct pf_package_opts *opts,
		      char digest[65], struct pf_error *err)
{
	struct pkg_items it = { 0 };
	struct pkg_collected c = { json_array(), json_array(), json_array(), json_array() };
	json_t *results, *manifest = NULL;
	char path[PATH_MAX], out_real[PATH_MAX], mhex[PF_SHA256_HEX];
	json_error_t je;
	int rc = -1;

	pf_error_clear(err);
	it.max_member = opts && opts->max_member ? opts->max_member : PF_PACKAGE_MAX_MEMBER;
	it.max_total = opts && opts->max_total ? opts->max_total : PF_PACKAGE_MAX_TOTAL;
	snprintf(path, sizeof(path), "%s/results.json", run_dir);
	if (!(results = json_load_file(path, 0, &je))) {
		pf_error_fill(err, path, je.line, je.column, NULL, "%s", je.text);
		goto out;
	}
	if (out_realpath(out_path, out_real, sizeof(out_real), err) ||
	    pkg_collect(run_dir, results, opts, out_real, &it, &c, err))
		goto out;
	if (!pkg_items_find(&it, "run/results.json")) {
		pf_error_fill(err, path, 0, 0, NULL, "missing");
		goto out;
	}
	if (!(manifest = pkg_manifest_build(results, &it, &c,
					    opts && opts->created_by ? opts->created_by : NULL))) {
		pf_error_fill(err, out_path, 0, 0, NULL, "cannot build the manifest");
		goto out;
	}
	if (write_package(out_path, opts, &it, manifest, mhex, err))
		goto out;
	if (digest)
		memcpy(digest, mhex, PF_SHA256_HEX);
	rc = 0;
out:
	json_decref(manifest);
	json_decref(results);
	json_decref(c.profiles);
	json_decref(c.waivers);
	json_decref(c.skipped);
	json_decref(c.missing);
	pkg_items_free(&it);
	return rc;
}

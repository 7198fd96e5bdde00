/* SPDX-License-Identifier: MIT */
/*
 * Untrusted archives that plugfest verify refuses before looking inside:
 * truncated (within a member, and at a member boundary), oversized (one
 * member, and all of them), an absolute name, a ".." component, a
 * symlink, a hardlink, a device, a duplicate member, a member the manifest
 * does not list, garbage bytes. Each refusal names the archive and the
 * member; the untouched package, rewritten the same way, still verifies.
 *
 * Run from the repository root, or set PF_SOURCE_DIR.
 */
#include "package_fixture.h"
#include "util/fs.h"

/* pf_package_verify on path refuses (-1); the error is about the archive
 * and its text names the archive, the member and why. */
static void expect_refused_caps(const char *path, unsigned long long max_member,
				unsigned long long max_total, const char *member, const char *why)
{
	struct pf_verify_opts o = { .max_member = max_member, .max_total = max_total };
	struct pf_error e;
	json_t *rep = NULL;
	char msg[1400], quoted[400];

	assert_int_equal(pf_package_verify(path, &o, &rep, &e), -1);
	assert_null(rep);
	pf_error_format(&e, msg, sizeof(msg));
	snprintf(quoted, sizeof(quoted), "member '%s'", member);
	if (strcmp(e.file, path) || !strstr(msg, path) || !strstr(msg, quoted) || !strstr(msg, why))
		fail_msg("expected a refusal of %s naming %s (%s), got: %s", path, quoted, why,
			 msg);
}

static void expect_refused(const char *path, const char *member, const char *why)
{
	expect_refused_caps(path, 0, 0, member, why);
}

/* The package rewritten with edit, then refused naming member and why. */
static void refuse(const char *what, void (*edit)(struct mem *, size_t *), const char *member,
		   const char *why)
{
	char out[500];

	tamper_to(pkg, what, edit, out, sizeof(out));
	expect_refused(out, member, why);
}

static void edit_none(struct mem *m, size_t *n)
{
	(void)m;
	(void)n;
}

static void edit_absolute(struct mem *m, size_t *n)
{
	insert_member(m, n, "/etc/cron.d/evil", "* * * * * root sh\n");
}

static void edit_dotdot(struct mem *m, size_t *n)
{
	insert_member(m, n, "run/../../evil.sh", "#!/bin/sh\n");
}

static void edit_symlink(struct mem *m, size_t *n)
{
	struct mem *s = insert_member(m, n, "run/link", "");
	s->type = AE_IFLNK;
	snprintf(s->link, sizeof(s->link), "/etc/passwd");
}

static void edit_hardlink(struct mem *m, size_t *n)
{
	struct mem *s = insert_member(m, n, "run/hard", "");
	s->hardlink = true;
	snprintf(s->link, sizeof(s->link), "run/console.log");
}

static void edit_device(struct mem *m, size_t *n)
{
	insert_member(m, n, "run/null", "")->type = AE_IFCHR;
}

static void edit_directory(struct mem *m, size_t *n)
{
	insert_member(m, n, "run/dir", "")->type = AE_IFDIR;
}

static void edit_fifo(struct mem *m, size_t *n)
{
	insert_member(m, n, "run/fifo", "")->type = AE_IFIFO;
}

static void edit_duplicate(struct mem *m, size_t *n)
{
	insert_member(m, n, "run/console.log", "forged console\n");
}

static void edit_extra(struct mem *m, size_t *n)
{
	insert_member(m, n, "run/extra.sh", "#!/bin/sh\n");
}

static void test_unsafe_members(void **state)
{
	(void)state;
	char out[500];
	struct pf_error e;

	/* the same rewrite without an edit verifies: the refusals are the edits' */
	tamper_to(pkg, "rewritten", edit_none, out, sizeof(out));
	assert_int_equal(pf_package_verify(out, NULL, NULL, &e), 0);

	refuse("absolute", edit_absolute, "/etc/cron.d/evil", "absolute name");
	refuse("dotdot", edit_dotdot, "run/../../evil.sh", "'..' component");
	refuse("symlink", edit_symlink, "run/link", "is a symlink (to '/etc/passwd')");
	refuse("hardlink", edit_hardlink, "run/hard", "is a hardlink (to 'run/console.log')");
	refuse("device", edit_device, "run/null", "is a device");
	refuse("directory", edit_directory, "run/dir/", "is a directory entry");
	refuse("fifo", edit_fifo, "run/fifo", "is a FIFO");
	refuse("duplicate", edit_duplicate, "run/console.log", "appears more than once");
	refuse("extra", edit_extra, "run/extra.sh", "not listed in MANIFEST.json");
}

/* ---- truncation, caps, garbage ------------------------------------------------ */

/* The first len bytes of pkg into tmpdir/NAME.tar (out). */
static void cut_to(const char *name, long len, char *out, size_t outlen)
{
	struct pf_error e;
	char *buf;
	size_t have;
	FILE *f;

	snprintf(out, outlen, "%s/%s.tar", tmpdir, name);
	assert_int_equal(pf_read_file(pkg, (size_t)64 << 20, &buf, &have, &e), 0);
	assert_true(len >= 0 && (size_t)len <= have);
	assert_non_null(f = fopen(out, "wb"));
	assert_int_equal(fwrite(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	free(buf);
}

/* Where the data of member name starts in pkg, from its ustar header. */
static long data_offset(const char *name)
{
	FILE *f = fopen(pkg, "rb");
	unsigned char h[512];
	long off = 0;

	assert_non_null(f);
	while (fread(h, 1, 512, f) == 512 && h[0]) {
		long size = strtol((char *)h + 124, NULL, 8);
		off += 512;
		if (!strncmp((char *)h, name, 100)) {
			fclose(f);
			return off;
		}
		off += (size + 511) / 512 * 512;
		fseek(f, off, SEEK_SET);
	}
	fclose(f);
	fail_msg("no member %s", name);
	return -1;
}

static void test_truncated(void **state)
{
	(void)state;
	char out[500];

	/* within a member's data */
	cut_to("cut-in-member", data_offset("run/results.json") + 100, out, sizeof(out));
	expect_refused(out, "run/results.json", "truncated archive: the file ends within its");
	/* right after the last member's data: no end-of-archive blocks */
	cut_to("cut-at-end", data_offset("MANIFEST.sha256") + 512, out, sizeof(out));
	expect_refused(out, "MANIFEST.sha256", "no end-of-archive blocks");
	/* within the header after MANIFEST.json: that member is named */
	cut_to("cut-in-header", data_offset("run/console.log") - 200, out, sizeof(out));
	expect_refused(out, "MANIFEST.json", "truncated");
}

/* A tar of the given members (regular files of size bytes of 'x'). */
static void small_tar(const char *name, const char *const *names, const size_t *sizes, size_t n,
		      char *out, size_t len)
{
	struct mem m[4] = { 0 };

	assert_true(n <= 4);
	for (size_t i = 0; i < n; i++) {
		snprintf(m[i].name, sizeof(m[i].name), "%s", names[i]);
		m[i].data = malloc(sizes[i] + 1);
		assert_non_null(m[i].data);
		memset(m[i].data, 'x', sizes[i]);
		m[i].size = sizes[i];
	}
	snprintf(out, len, "%s/%s.tar", tmpdir, name);
	tar_save(out, m, n);
	mems_free(m, n);
}

static void test_oversized(void **state)
{
	(void)state;
	static const char *const names[] = { "run/a.log", "run/b.log" };
	static const size_t sizes[] = { 3000, 5000 };
	char out[500], msg[1400];
	struct pf_verify_opts o = { .max_total = 1 };
	struct pf_error e;
	FILE *f;

	small_tar("caps", names, sizes, 2, out, sizeof(out));
	expect_refused_caps(out, 4096, 0, "run/b.log", "5000 bytes, beyond the cap of 4096");
	expect_refused_caps(out, 0, 7000, "run/b.log", "beyond the cap of 7000 bytes in all");
	/* within the caps, the same archive is read, then refused for its content */
	expect_refused_caps(out, 5000, 8000, "MANIFEST.json", "missing");
	/* the cap is checked on the header, before any data is read */
	small_tar("caps-cut", names, sizes, 2, out, sizeof(out));
	assert_int_equal(truncate(out, 512 + 3072 + 512 + 100), 0);
	expect_refused_caps(out, 4096, 0, "run/b.log", "beyond the cap of 4096");
	/* one member more than PF_PACKAGE_MAX_MEMBERS */
	struct archive *a = archive_write_new();
	snprintf(out, sizeof(out), "%s/many.tar", tmpdir);
	assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, out), ARCHIVE_OK);
	for (int i = 0; i <= PF_PACKAGE_MAX_MEMBERS; i++) {
		struct archive_entry *ae = archive_entry_new();
		char name[32];
		snprintf(name, sizeof(name), "run/%d", i);
		archive_entry_set_pathname(ae, name);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, 0);
		assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
		archive_entry_free(ae);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	snprintf(msg, sizeof(msg), "run/%d", PF_PACKAGE_MAX_MEMBERS);
	expect_refused(out, msg, "more than 4096 members");
	/* a file far larger than the caps allow is refused before parsing */
	snprintf(out, sizeof(out), "%s/huge.tar", tmpdir);
	assert_non_null(f = fopen(out, "wb"));
	fclose(f);
	assert_int_equal(truncate(out, 64ll << 20), 0); /* sparse: no disk used */
	assert_int_equal(pf_package_verify(out, &o, NULL, &e), -1);
	pf_error_format(&e, msg, sizeof(msg));
	assert_non_null(strstr(msg, out));
	assert_non_null(strstr(msg, "beyond the cap of 1 bytes of members"));
}

static void test_garbage(void **state)
{
	(void)state;
	char out[500], msg[1400];
	unsigned char junk[4096];
	struct pf_error e;
	FILE *f;

	/* the header after MANIFEST.json overwritten */
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 151 + 7);
	struct stat st;
	assert_int_equal(stat(pkg, &st), 0);
	cut_to("garbage-header", st.st_size, out, sizeof(out));
	assert_non_null(f = fopen(out, "r+b"));
	assert_int_equal(fseek(f, data_offset("run/console.log") - 512, SEEK_SET), 0);
	assert_int_equal(fwrite(junk, 1, 512, f), 512);
	fclose(f);
	expect_refused(out, "MANIFEST.json", "damaged or truncated archive after it");
	/* not a tar at all: nothing to name but the archive */
	snprintf(out, sizeof(out), "%s/garbage.tar", tmpdir);
	assert_non_null(f = fopen(out, "wb"));
	assert_int_equal(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	fclose(f);
	assert_int_equal(pf_package_verify(out, NULL, NULL, &e), -1);
	assert_string_equal(e.file, out);
	assert_non_null(strstr(pf_error_format(&e, msg, sizeof(msg)), "not a tar archive"));
	/* results.json is no archive either; a missing file is an errno error */
	snprintf(out, sizeof(out), "%s/results.json", run_dir);
	assert_int_equal(pf_package_verify(out, NULL, NULL, &e), -1);
	assert_string_equal(e.file, out);
	assert_int_equal(pf_package_verify("/no/such.tar", NULL, NULL, &e), -1);
	assert_int_equal(e.sys_errno, ENOENT);
	assert_non_null(strstr(pf_error_format(&e, msg, sizeof(msg)), "/no/such.tar"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unsafe_members),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

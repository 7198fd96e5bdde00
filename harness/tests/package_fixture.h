/* SPDX-License-Identifier: MIT */
/*
 * The fixture of the package tests: a scratch directory, a scored run
 * directory as `plugfest run` leaves it, its package, and archive surgery
 * (members read into memory with libarchive, edited, written back with
 * any entry type or name) for the tamper and refusal tests.
 */
#ifndef PF_TEST_PACKAGE_FIXTURE_H
#define PF_TEST_PACKAGE_FIXTURE_H

#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "package/digest.h"
#include "package/package.h"
#include "pf/proto.h"
#include "policy/profile.h"
#include "policy/score.h"
#include "policy/waiver.h"
#include "reports/report_util.h"
#include "util/json.h"

#define RUN_NONCE "00112233445566778899aabbccddeeff"
#define OTHER_NONCE "ffeeddccbbaa99887766554433221100"
#define MAX_MEMS 40

static char tmpdir[256], run_dir[400], pkg[400], digest[65];

static inline char *path_of(const char *rel)
{
	const char *e = getenv("PF_SOURCE_DIR");
	char *p;

	assert_true(asprintf(&p, "%s/%s", e && *e ? e : ".", rel) > 0);
	return p;
}

static inline void write_file(const char *dir, const char *name, const char *text)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A journal as a run bound to NONCE writes it: header and one hello
 * record checksummed with the nonce (caller frees). */
/* noinline: GCC 12 at -O2 otherwise takes strstr() on the result for a pointer
 * into this function's local (a false -Wdangling-pointer). */
static __attribute__((noinline)) char *journal_text(const char *nonce)
{
	static const char hello[] =
		"{\"t\":\"hello\",\"proto\":2,\"probe\":\"0.1\",\"arch\":\"aarch64\"}";
	uint32_t crc =
		pf_crc32_update(pf_crc32_update(pf_proto_crc_seed(nonce, strlen(nonce)), "0 ", 2),
				hello, strlen(hello));
	char *t = NULL;

	assert_true(asprintf(&t,
			     "{\"journal\":\"plugfest-journal/1\",\"proto\":2,\"nonce\":\"%s\"}\n"
			     "{\"seq\":0,\"line\":1,\"offset\":0,\"crc\":\"%08x\",\"rec\":%s}\n",
			     nonce, crc, hello) > 0);
	return t;
}

/* A scored run of the legacy QEMU fixture, as `plugfest run` leaves it. */
static inline void make_run_dir(const char *dir)
{
	static const char *const ids[] = { "virtio-1.4-core", "avps-ivi" };
	struct pf_profile *ps[2];
	struct pf_error e;
	char rel[200], path[600];
	json_error_t je;

	assert_int_equal(mkdir(dir, 0755), 0);
	for (int i = 0; i < 2; i++) {
		snprintf(rel, sizeof(rel), "profiles/%s.yaml", ids[i]);
		char *p = path_of(rel);
		ps[i] = pf_profile_load(p, &e);
		free(p);
		assert_non_null(ps[i]);
	}
	char *p = path_of("harness/tests/data/results/qemu-7.2-legacy.json");
	json_t *r = json_load_file(p, 0, &je);
	free(p);
	assert_non_null(r);
	struct pf_waivers *w = pf_waivers_new();
	p = path_of("harness/tests/data/profiles/waivers-fixture.yaml");
	assert_int_equal(pf_waivers_load(w, p, &e), 0);
	free(p);
	assert_int_equal(pf_waivers_apply(r, w, "2026-11-25", &e), 0);
	assert_int_equal(pf_score_attach(r, ps, 2, &e), 0);
	json_object_set_new(json_object_get(r, "run"), "target_file", json_string("target.yaml"));
	json_object_set_new(json_object_get(r, "run"), "nonce", json_string(RUN_NONCE));
	snprintf(path, sizeof(path), "%s/results.json", dir);
	assert_int_equal(json_dump_file(r, path, JSON_INDENT(2)), 0);
	char *jt = journal_text(RUN_NONCE);
	write_file(dir, "journal.jsonl", jt);
	free(jt);
	write_file(dir, "console.log", "@@PF2 0 {\"t\":\"hello\"} *00000000\n");
	write_file(dir, "target.yaml", "name: qemu-virt-aarch64-default\n");
	write_file(dir, "report.md", "# report\n");
	json_decref(r);
	pf_waivers_free(w);
	pf_profile_free(ps[0]);
	pf_profile_free(ps[1]);
}

static inline int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* A scratch directory holding a run directory and its package (pkg, with
 * its manifest digest). */
static inline int setup(void **state)
{
	struct pf_error e;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/pf-test-package-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(run_dir, sizeof(run_dir), "%s/run", tmpdir);
	snprintf(pkg, sizeof(pkg), "%s/submission.tar", tmpdir);
	make_run_dir(run_dir);
	if (pf_package_create(run_dir, pkg, NULL, digest, &e)) {
		char msg[1400];
		fprintf(stderr, "package: %s\n", pf_error_format(&e, msg, sizeof(msg)));
		return -1;
	}
	return 0;
}

static inline int teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* ---- archive surgery ------------------------------------------------------ */

struct mem {
	char name[300];
	unsigned char *data;
	size_t size;
	unsigned type;	/* AE_IFREG (0 means the same), AE_IFLNK, AE_IFCHR, ... */
	char link[100]; /* symlink target, or hardlink target when hardlink */
	bool hardlink;
};

static inline size_t tar_load(const char *path, struct mem *m, size_t max)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	size_t n = 0;

	assert_non_null(a);
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, path, 10240), ARCHIVE_OK);
	while (n < max && archive_read_next_header(a, &e) == ARCHIVE_OK) {
		memset(&m[n], 0, sizeof(m[n]));
		snprintf(m[n].name, sizeof(m[n].name), "%s", archive_entry_pathname(e));
		m[n].size = (size_t)archive_entry_size(e);
		m[n].data = malloc(m[n].size + 1);
		assert_non_null(m[n].data);
		assert_int_equal(archive_read_data(a, m[n].data, m[n].size), (la_ssize_t)m[n].size);
		n++;
	}
	archive_read_free(a);
	return n;
}

static inline void tar_save(const char *path, const struct mem *m, size_t n)
{
	struct archive *a = archive_write_new();

	assert_non_null(a);
	assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		bool reg = !m[i].type || m[i].type == AE_IFREG;

		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_filetype(e, m[i].type ? m[i].type : AE_IFREG);
		archive_entry_set_perm(e, 0644);
		if (m[i].hardlink)
			archive_entry_set_hardlink(e, m[i].link);
		else if (m[i].type == AE_IFLNK)
			archive_entry_set_symlink(e, m[i].link);
		archive_entry_set_size(e, reg && !m[i].hardlink ? (la_int64_t)m[i].size : 0);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (reg && !m[i].hardlink && m[i].size)
			assert_int_equal(archive_write_data(a, m[i].data, m[i].size),
					 (la_ssize_t)m[i].size);
		archive_entry_free(e);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static inline void mems_free(struct mem *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i].data);
}

static inline struct mem *find(struct mem *m, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(m[i].name, name))
			return &m[i];
	fail_msg("member %s not in the package", name);
	return NULL;
}

static inline void set_data(struct mem *m, const char *text)
{
	free(m->data);
	m->data = (unsigned char *)strdup(text);
	m->size = strlen(text);
}

/* MANIFEST.sha256 rewritten to match MANIFEST.json. */
static inline void reseal_manifest(struct mem *m, size_t n)
{
	struct mem *man = find(m, n, "MANIFEST.json");
	char hex[65], line[100];

	assert_int_equal(pf_sha256_hex(man->data, man->size, hex), 0);
	snprintf(line, sizeof(line), "%s  MANIFEST.json\n", hex);
	set_data(find(m, n, "MANIFEST.sha256"), line);
}

/* Rewrites manifest hash/size of one file and MANIFEST.sha256 to match. */
static inline void reseal(struct mem *m, size_t n, const char *name)
{
	struct mem *man = find(m, n, "MANIFEST.json"), *f = find(m, n, name);
	json_error_t je;
	json_t *j = json_loadb((char *)man->data, man->size, 0, &je), *fe;
	size_t i;
	char hex[65];
	assert_non_null(j);
	pf_sha256_hex(f->data, f->size, hex);
	json_array_foreach (json_object_get(j, "files"), i, fe)
		if (!strcmp(pf_json_string_get(fe, "path", NULL), name)) {
			json_object_set_new(fe, "sha256", json_string(hex));
			json_object_set_new(fe, "size", json_integer((json_int_t)f->size));
		}
	char *text = json_dumps(j, JSON_INDENT(2));
	set_data(man, text);
	free(text);
	json_decref(j);
	reseal_manifest(m, n);
}

/* Appends a member before the last one (MANIFEST.sha256 stays last). */
static inline struct mem *insert_member(struct mem *m, size_t *n, const char *name,
					const char *text)
{
	assert_true(*n < MAX_MEMS);
	m[*n] = m[*n - 1];
	memset(&m[*n - 1], 0, sizeof(m[0]));
	snprintf(m[*n - 1].name, sizeof(m[0].name), "%s", name);
	set_data(&m[*n - 1], text);
	(*n)++;
	return &m[*n - 2];
}

/* The package at src edited by edit and written to tmpdir/NAME.tar (out). */
static inline void tamper_to(const char *src, const char *name,
			     void (*edit)(struct mem *, size_t *), char *out, size_t len)
{
	struct mem m[MAX_MEMS];
	size_t n = tar_load(src, m, MAX_MEMS);

	edit(m, &n);
	snprintf(out, len, "%s/%s.tar", tmpdir, name);
	tar_save(out, m, n);
	mems_free(m, n);
}

#endif

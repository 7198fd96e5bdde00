/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 against the FIPS 180-4 / NIST vectors; submission packages:
 * create, verify, and detect every kind of tampering (changed, missing and
 * extra members, an edited manifest, a consistent rewrite caught by the
 * out-of-band digest and by re-scoring, a corrupt archive).
 *
 * Build: package.c report_util.c score.c profile.c waiver.c target.c
 * sha256.c; -ljansson -lyaml -lm -lcmocka. Run from the repository root, or
 * set PF_SOURCE_DIR. Uses tar(1) when installed to check interoperability.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "package/package.h"
#include "pf/proto.h"
#include "policy/profile.h"
#include "reports/report_util.h"
#include "policy/score.h"
#include "package/sha256.h"
#include "policy/waiver.h"

static const char *src_dir(void)
{
	const char *e = getenv("PF_SOURCE_DIR");
#ifdef PF_SOURCE_DIR
	return e && *e ? e : PF_SOURCE_DIR;
#else
	return e && *e ? e : ".";
#endif
}

static char *path_of(const char *rel)
{
	char *p;
	assert_true(asprintf(&p, "%s/%s", src_dir(), rel) > 0);
	return p;
}

static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/pf-test-package-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* ---- SHA-256 ------------------------------------------------------------ */

static void test_sha256_vectors(void **state)
{
	(void)state;
	static const struct {
		const char *msg, *hex;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
		  "klmnopqrlmnopqrs"
		  "mnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	char hex[65];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		pf_sha256_hex(v[i].msg, strlen(v[i].msg), hex);
		assert_string_equal(hex, v[i].hex);
	}
	/* one million 'a', fed in uneven pieces */
	struct pf_sha256 c;
	unsigned char d[32], chunk[997];
	memset(chunk, 'a', sizeof(chunk));
	pf_sha256_init(&c);
	size_t left = 1000000;
	while (left) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);
		pf_sha256_update(&c, chunk, n);
		left -= n;
	}
	pf_sha256_final(&c, d);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	assert_string_equal(hex,
			    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* padding boundaries: split updates agree with one-shot */
	unsigned char buf[130];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 1);
	for (size_t len = 50; len <= 130; len++) {
		char a[65], b[65];
		pf_sha256_hex(buf, len, a);
		pf_sha256_init(&c);
		pf_sha256_update(&c, buf, len / 3);
		pf_sha256_update(&c, buf + len / 3, len - len / 3);
		pf_sha256_final(&c, d);
		for (int i = 0; i < 32; i++)
			snprintf(b + 2 * i, 3, "%02x", d[i]);
		assert_string_equal(a, b);
	}
	char file[512], fh[65];
	snprintf(file, sizeof(file), "%s/abc.txt", tmpdir);
	FILE *f = fopen(file, "wb");
	fputs("abc", f);
	fclose(f);
	assert_int_equal(pf_sha256_file_hex(file, fh), 0);
	assert_string_equal(fh, v[1].hex);
	assert_int_equal(pf_sha256_file_hex("/no/such/file", fh), -1);
}

/* ---- a run directory ----------------------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#define RUN_NONCE "00112233445566778899aabbccddeeff"
#define OTHER_NONCE "ffeeddccbbaa99887766554433221100"

/* A journal as a run bound to NONCE writes it: header and one hello
 * record checksummed with the nonce (caller frees). */
static char *journal_text(const char *nonce)
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
static void make_run_dir(const char *dir)
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

/* ---- archive surgery for the tamper tests --------------------------------- */

struct mem {
	char name[260];
	unsigned char *data;
	size_t size;
};

static size_t tar_load(const char *path, struct mem *m, size_t max)
{
	FILE *f = fopen(path, "rb");
	unsigned char h[512];
	size_t n = 0;
	assert_non_null(f);
	while (fread(h, 1, 512, f) == 512 && h[0] && n < max) {
		size_t size = strtoul((char *)h + 124, NULL, 8);
		if (h[345])
			snprintf(m[n].name, sizeof(m[n].name), "%.155s/%.100s", (char *)h + 345,
				 (char *)h);
		else
			snprintf(m[n].name, sizeof(m[n].name), "%.100s", (char *)h);
		m[n].data = malloc(size + 1);
		assert_int_equal(fread(m[n].data, 1, size, f), size);
		m[n].size = size;
		fseek(f, (long)((512 - size % 512) % 512), SEEK_CUR);
		n++;
	}
	fclose(f);
	return n;
}

static void tar_save(const char *path, struct mem *m, size_t n)
{
	FILE *f = fopen(path, "wb");
	static const unsigned char zero[1024];
	assert_non_null(f);
	for (size_t i = 0; i < n; i++) {
		unsigned char h[512] = { 0 };
		unsigned sum = 0;
		memcpy(h, m[i].name, strlen(m[i].name));
		snprintf((char *)h + 100, 8, "%07o", 0644);
		snprintf((char *)h + 108, 8, "%07o", 0);
		snprintf((char *)h + 116, 8, "%07o", 0);
		snprintf((char *)h + 124, 12, "%011zo", m[i].size);
		snprintf((char *)h + 136, 12, "%011o", 0);
		memset(h + 148, ' ', 8);
		h[156] = '0';
		memcpy(h + 257, "ustar", 6);
		memcpy(h + 263, "00", 2);
		for (int k = 0; k < 512; k++)
			sum += h[k];
		snprintf((char *)h + 148, 7, "%06o", sum);
		h[155] = ' ';
		fwrite(h, 1, 512, f);
		fwrite(m[i].data, 1, m[i].size, f);
		fwrite(zero, 1, (512 - m[i].size % 512) % 512, f);
	}
	fwrite(zero, 1, 1024, f);
	fclose(f);
}

static void mems_free(struct mem *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i].data);
}

static struct mem *find(struct mem *m, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(m[i].name, name))
			return &m[i];
	fail_msg("member %s not in the package", name);
	return NULL;
}

static void set_data(struct mem *m, const char *text)
{
	free(m->data);
	m->data = (unsigned char *)strdup(text);
	m->size = strlen(text);
}

/* Rewrites manifest hash/size of one file and MANIFEST.sha256 to match. */
static void reseal(struct mem *m, size_t n, const char *name)
{
	struct mem *man = find(m, n, "MANIFEST.json"), *f = find(m, n, name);
	json_error_t je;
	json_t *j = json_loadb((char *)man->data, man->size, 0, &je), *fe;
	size_t i;
	char hex[65], line[100];
	assert_non_null(j);
	pf_sha256_hex(f->data, f->size, hex);
	json_array_foreach (json_object_get(j, "files"), i, fe)
		if (!strcmp(pf_json_str(fe, "path"), name)) {
			json_object_set_new(fe, "sha256", json_string(hex));
			json_object_set_new(fe, "size", json_integer((json_int_t)f->size));
		}
	char *text = json_dumps(j, JSON_INDENT(2));
	set_data(man, text);
	free(text);
	json_decref(j);
	pf_sha256_hex(man->data, man->size, hex);
	snprintf(line, sizeof(line), "%s  MANIFEST.json\n", hex);
	set_data(find(m, n, "MANIFEST.sha256"), line);
}

static bool has_problem(const json_t *rep, const char *kind, const char *path)
{
	size_t i;
	const json_t *p;
	json_array_foreach (json_object_get(rep, "problems"), i, p)
		if (!strcmp(pf_json_str(p, "kind"), kind) &&
		    (!path || (pf_json_str(p, "path") && !strcmp(pf_json_str(p, "path"), path))))
			return true;
	return false;
}

static int verify(const char *pkg, const char *digest, json_t **rep)
{
	char err[1200];
	struct pf_verify_opts o = { .expect_digest = digest };
	int rc = pf_package_verify(pkg, &o, rep, err, sizeof(err));
	if (rc < 0)
		print_message("verify: %s\n", err);
	return rc;
}

/* ---- tests ---------------------------------------------------------------- */

static char run_dir[400], pkg[400], digest[65];

static void test_create_and_verify(void **state)
{
	(void)state;
	char err[1200];
	json_t *rep;

	snprintf(run_dir, sizeof(run_dir), "%s/run", tmpdir);
	snprintf(pkg, sizeof(pkg), "%s/submission.tar", tmpdir);
	make_run_dir(run_dir);
	if (pf_package_create(run_dir, pkg, NULL, digest, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(strlen(digest), 64);
	assert_int_equal(verify(pkg, digest, &rep), 0);
	assert_true(json_is_true(json_object_get(rep, "ok")));
	assert_string_equal(pf_json_str(rep, "manifest_sha256"), digest);
	assert_int_equal(json_array_size(json_object_get(rep, "profiles")), 2);
	const json_t *p0 = json_array_get(json_object_get(rep, "profiles"), 0);
	assert_string_equal(pf_json_str(p0, "recorded"), pf_json_str(p0, "rescored"));
	assert_string_equal(pf_json_str(p0, "rescored"), "non-conformant");
	json_decref(rep);

	struct mem m[32];
	size_t n = tar_load(pkg, m, 32);
	assert_string_equal(m[0].name, "MANIFEST.json");
	assert_string_equal(m[n - 1].name, "MANIFEST.sha256");
	find(m, n, "run/results.json");
	find(m, n, "run/journal.jsonl");
	find(m, n, "run/console.log");
	find(m, n, "profiles/virtio-1.4-core.yaml");
	find(m, n, "profiles/avps-ivi.yaml");
	find(m, n, "waivers/waivers-fixture.yaml");
	find(m, n, "target/target.yaml");
	const struct mem *man = find(m, n, "MANIFEST.json");
	assert_non_null(strstr((char *)man->data, "\"schema\": \"plugfest-package/1\""));
	assert_non_null(strstr((char *)man->data, "\"role\": \"journal\""));
	assert_non_null(strstr((char *)man->data, "\"nonce\": \"" RUN_NONCE "\""));
	mems_free(m, n);

	/* GNU tar (when present) lists the same members */
	if (access("/usr/bin/tar", X_OK) == 0 || access("/bin/tar", X_OK) == 0) {
		pid_t pid = fork();
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);
			dup2(fd, 1);
			execl(access("/usr/bin/tar", X_OK) == 0 ? "/usr/bin/tar" : "/bin/tar",
			      "tar", "-tf", pkg, (char *)NULL);
			_exit(127);
		}
		int st;
		waitpid(pid, &st, 0);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	/* the package may be written into the run directory: it skips itself */
	char inside[500];
	snprintf(inside, sizeof(inside), "%s/self.tar", run_dir);
	assert_int_equal(pf_package_create(run_dir, inside, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(pf_package_create(run_dir, inside, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(verify(inside, NULL, &rep), 0);
	json_decref(rep);
	unlink(inside);
	/* errors: no results.json, a profile changed since scoring */
	assert_int_equal(pf_package_create(tmpdir, inside, NULL, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "results.json"));
}

static void tamper(const char *what, void (*edit)(struct mem *, size_t *), const char *kind,
		   const char *path, const char *use_digest)
{
	struct mem m[40];
	size_t n = tar_load(pkg, m, 40);
	char out[500];
	json_t *rep = NULL;

	edit(m, &n);
	snprintf(out, sizeof(out), "%s/tampered-%s.tar", tmpdir, what);
	tar_save(out, m, n);
	mems_free(m, n);
	assert_int_equal(verify(out, use_digest, &rep), 1);
	if (!has_problem(rep, kind, path)) {
		char *s = json_dumps(json_object_get(rep, "problems"), JSON_INDENT(1));
		fail_msg("%s: expected problem %s on %s, got %s", what, kind, path ? path : "-", s);
	}
	assert_false(json_is_true(json_object_get(rep, "ok")));
	json_decref(rep);
}

static void edit_change(struct mem *m, size_t *n)
{
	set_data(find(m, *n, "run/console.log"), "forged console\n");
}

static void edit_remove(struct mem *m, size_t *n)
{
	struct mem *j = find(m, *n, "run/journal.jsonl");
	free(j->data);
	memmove(j, j + 1, (size_t)(&m[*n] - (j + 1)) * sizeof(*m));
	(*n)--;
}

static void edit_extra(struct mem *m, size_t *n)
{
	m[*n] = m[*n - 1]; /* keep MANIFEST.sha256 last */
	snprintf(m[*n - 1].name, sizeof(m[0].name), "run/extra.sh");
	m[*n - 1].data = (unsigned char *)strdup("#!/bin/sh\n");
	m[*n - 1].size = 10;
	(*n)++;
}

/* changes a file and its manifest entry, but not MANIFEST.sha256 */
static void edit_manifest_only(struct mem *m, size_t *n)
{
	set_data(find(m, *n, "run/console.log"), "forged console\n");
	struct mem saved = *find(m, *n, "MANIFEST.sha256");
	saved.data = (unsigned char *)strndup((char *)saved.data, saved.size);
	reseal(m, *n, "run/console.log");
	struct mem *s = find(m, *n, "MANIFEST.sha256");
	free(s->data);
	*s = saved;
}

/* a consistent rewrite: results say "conformant", hashes resealed */
static void edit_results_resealed(struct mem *m, size_t *n)
{
	struct mem *r = find(m, *n, "run/results.json");
	json_error_t je;
	json_t *j = json_loadb((char *)r->data, r->size, 0, &je);
	assert_non_null(j);
	json_object_set_new(json_array_get(json_object_get(j, "profiles"), 0), "verdict",
			    json_string("conformant"));
	char *text = json_dumps(j, JSON_INDENT(2));
	set_data(r, text);
	free(text);
	json_decref(j);
	reseal(m, *n, "run/results.json");
}

/* the journal of another run (its own nonce), resealed */
static void edit_journal_other_run(struct mem *m, size_t *n)
{
	char *t = journal_text(OTHER_NONCE);
	set_data(find(m, *n, "run/journal.jsonl"), t);
	free(t);
	reseal(m, *n, "run/journal.jsonl");
}

/* the run's journal header, records checksummed with another nonce */
static void edit_journal_rechecksummed(struct mem *m, size_t *n)
{
	char *t = journal_text(OTHER_NONCE), *o = strstr(t, OTHER_NONCE);
	memcpy(o, RUN_NONCE, strlen(RUN_NONCE));
	set_data(find(m, *n, "run/journal.jsonl"), t);
	free(t);
	reseal(m, *n, "run/journal.jsonl");
}

/* the manifest without the run's nonce, resealed */
static void edit_manifest_no_nonce(struct mem *m, size_t *n)
{
	struct mem *man = find(m, *n, "MANIFEST.json");
	json_t *j = json_loadb((char *)man->data, man->size, 0, NULL);
	char hex[65], line[100];
	assert_non_null(j);
	assert_int_equal(json_object_del(json_object_get(j, "run"), "nonce"), 0);
	char *text = json_dumps(j, JSON_INDENT(2));
	set_data(man, text);
	free(text);
	json_decref(j);
	pf_sha256_hex(man->data, man->size, hex);
	snprintf(line, sizeof(line), "%s  MANIFEST.json\n", hex);
	set_data(find(m, *n, "MANIFEST.sha256"), line);
}

static void edit_drop_seal(struct mem *m, size_t *n)
{
	(void)m;
	free(m[*n - 1].data);
	(*n)--;
}

static void test_tamper_detection(void **state)
{
	(void)state;
	tamper("changed", edit_change, "changed", "run/console.log", NULL);
	tamper("missing", edit_remove, "missing", "run/journal.jsonl", NULL);
	tamper("extra", edit_extra, "extra", "run/extra.sh", NULL);
	tamper("manifest", edit_manifest_only, "manifest", "MANIFEST.json", NULL);
	tamper("noseal", edit_drop_seal, "manifest", "MANIFEST.sha256", NULL);
	/* resealed: hashes agree, but re-scoring and the recorded digest do not */
	tamper("rescore", edit_results_resealed, "verdict-mismatch", NULL, NULL);
	tamper("digest", edit_results_resealed, "manifest", "MANIFEST.json", digest);
	/* the journal must be this run's: records verify under its nonce */
	tamper("journal-other-run", edit_journal_other_run, "journal", "run/journal.jsonl", NULL);
	tamper("journal-rechecksummed", edit_journal_rechecksummed, "journal", "run/journal.jsonl",
	       NULL);
	tamper("no-nonce", edit_manifest_no_nonce, "nonce", "MANIFEST.json", NULL);
}

/* A fresh Ed25519 key pair as PEM files NAME.pem / NAME.pub.pem. */
static void make_key(const char *name, char *priv, char *pub, size_t len)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	FILE *f;

	assert_non_null(k);
	snprintf(priv, len, "%s/%s.pem", tmpdir, name);
	snprintf(pub, len, "%s/%s.pub.pem", tmpdir, name);
	assert_non_null(f = fopen(priv, "w"));
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
	assert_non_null(f = fopen(pub, "w"));
	assert_int_equal(PEM_write_PUBKEY(f, k), 1);
	fclose(f);
	EVP_PKEY_free(k);
}

static void expect_signature(const char *pkgpath, const char *key, int rc, const char *verdict,
			     const char *problem_detail)
{
	struct pf_verify_opts o = { .public_key = key };
	char err[1200];
	json_t *rep = NULL;

	assert_int_equal(pf_package_verify(pkgpath, &o, &rep, err, sizeof(err)), rc);
	assert_string_equal(pf_json_str(rep, "signature"), verdict);
	if (problem_detail) {
		const json_t *p;
		size_t i;
		bool found = false;
		json_array_foreach (json_object_get(rep, "problems"), i, p)
			found = found || (!strcmp(pf_json_str(p, "kind"), "signature") &&
					  strstr(pf_json_str(p, "detail"), problem_detail));
		if (!found) {
			char *t = json_dumps(json_object_get(rep, "problems"), 0);
			fail_msg("expected a signature problem '%s', got %s", problem_detail, t);
		}
	}
	json_decref(rep);
}

static void edit_manifest_resealed(struct mem *m, size_t *n)
{
	reseal(m, *n, "run/console.log"); /* re-serialised: same content, new bytes */
	struct mem *man = find(m, *n, "MANIFEST.json");
	char *t = strndup((char *)man->data, man->size), *p = strstr(t, "\"created\": \"");
	assert_non_null(p);
	p[12] = p[12] == '1' ? '2' : '1'; /* another creation year */
	set_data(man, t);
	free(t);
	char hex[65], line[100];
	pf_sha256_hex(man->data, man->size, hex);
	snprintf(line, sizeof(line), "%s  MANIFEST.json\n", hex);
	set_data(find(m, *n, "MANIFEST.sha256"), line);
}

/* --sign / --key: a signed package verifies with the signer's key only;
 * a manifest resealed after signing, another key, an unsigned package and
 * a damaged signature are problems. */
static void test_signatures(void **state)
{
	(void)state;
	char priv[400], pub[400], opriv[400], opub[400], signed_pkg[500], err[1200], out[500];
	struct pf_package_opts po = { 0 };

	make_key("signer", priv, pub, sizeof(priv));
	make_key("other", opriv, opub, sizeof(opriv));
	snprintf(signed_pkg, sizeof(signed_pkg), "%s/signed.tar", tmpdir);
	po.sign_key = priv;
	if (pf_package_create(run_dir, signed_pkg, &po, NULL, err, sizeof(err)))
		fail_msg("%s", err);
	expect_signature(signed_pkg, pub, 0, "verified", NULL);
	expect_signature(signed_pkg, NULL, 0, "not-checked", NULL);
	expect_signature(signed_pkg, opub, 1, "bad", "signed by another key");
	expect_signature(pkg, pub, 1, "bad", "not signed");
	expect_signature(signed_pkg, priv, 1, "bad", "not a PEM public key");

	struct mem m[40];
	size_t n = tar_load(signed_pkg, m, 40);
	find(m, n, "MANIFEST.sig");
	assert_string_equal(m[n - 1].name, "MANIFEST.sha256");
	edit_manifest_resealed(m, &n);
	snprintf(out, sizeof(out), "%s/resealed-signed.tar", tmpdir);
	tar_save(out, m, n);
	mems_free(m, n);
	expect_signature(out, NULL, 0, "not-checked", NULL); /* consistent without the key */
	expect_signature(out, pub, 1, "bad", "does not verify");

	n = tar_load(signed_pkg, m, 40);
	set_data(find(m, n, "MANIFEST.sig"), "{\"alg\":\"ed25519\",\"signature\":\"00\"}");
	tar_save(out, m, n);
	mems_free(m, n);
	expect_signature(out, pub, 1, "bad", "malformed");

	/* a key that is not Ed25519, or no key file at all, refuses to sign */
	po.sign_key = "/nonexistent/key.pem";
	assert_int_equal(pf_package_create(run_dir, out, &po, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "key.pem"));
}

static void test_corrupt_archives(void **state)
{
	(void)state;
	char out[500], err[1200];
	FILE *f;
	struct stat st;

	/* a flipped byte in a header: checksum mismatch */
	snprintf(out, sizeof(out), "%s/corrupt.tar", tmpdir);
	struct mem m[40];
	size_t n = tar_load(pkg, m, 40);
	tar_save(out, m, n);
	mems_free(m, n);
	f = fopen(out, "r+b");
	fseek(f, 5, SEEK_SET);
	fputc('X', f);
	fclose(f);
	assert_int_equal(pf_package_verify(out, NULL, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "corrupt tar header"));
	/* truncated in the middle of a member */
	stat(pkg, &st);
	snprintf(out, sizeof(out), "%s/truncated.tar", tmpdir);
	FILE *in = fopen(pkg, "rb");
	f = fopen(out, "wb");
	char *buf = malloc((size_t)st.st_size);
	assert_int_equal(fread(buf, 1, (size_t)st.st_size, in), (size_t)st.st_size);
	fwrite(buf, 1, (size_t)st.st_size / 2 + 100, f);
	fclose(f);
	fclose(in);
	free(buf);
	assert_int_equal(pf_package_verify(out, NULL, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "truncated"));
	/* not a package at all */
	snprintf(out, sizeof(out), "%s/run/results.json", tmpdir);
	assert_int_equal(pf_package_verify(out, NULL, NULL, err, sizeof(err)), -1);
	assert_int_equal(pf_package_verify("/no/such.tar", NULL, NULL, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),	 cmocka_unit_test(test_create_and_verify),
		cmocka_unit_test(test_tamper_detection), cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_corrupt_archives),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

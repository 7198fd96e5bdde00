/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 known answers on the function the runner uses; submission
 * packages: create, verify, list with tar(1), and detect tampering that
 * leaves a readable package (changed and missing members, an edited
 * manifest, a consistent rewrite caught by the out-of-band digest and by
 * re-scoring, a journal of another run). Refused archives:
 * test_package_refuse.c; signatures: test_package_sign.c.
 *
 * Run from the repository root, or set PF_SOURCE_DIR.
 */
#include "package_fixture.h"
#include "util/json.h"

#include <sys/wait.h>

/* ---- SHA-256 (libcrypto) ---------------------------------------------------- */

static void test_sha256_known_answers(void **state)
{
	(void)state;
	static const struct {
		const char *msg, *hex;
	} v[] = {
		/* FIPS 180-2 appendix B.1 and the empty message */
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		/* FIPS 180-2 appendix B.2 */
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	char hex[PF_SHA256_HEX], file[512];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(pf_sha256_hex(v[i].msg, strlen(v[i].msg), hex), 0);
		assert_string_equal(hex, v[i].hex);
	}
	/* incremental, in uneven pieces: one million 'a' (FIPS 180-2 B.3) */
	struct pf_sha256 *c = pf_sha256_new();
	unsigned char chunk[997];
	assert_non_null(c);
	memset(chunk, 'a', sizeof(chunk));
	for (size_t left = 1000000; left;) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);
		assert_int_equal(pf_sha256_update(c, chunk, n), 0);
		left -= n;
	}
	assert_int_equal(pf_sha256_final_hex(c, hex), 0);
	assert_string_equal(hex,
			    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* files: "abc" and the empty file; a missing one fails with errno */
	snprintf(file, sizeof(file), "%s/abc.txt", tmpdir);
	write_file(tmpdir, "abc.txt", "abc");
	assert_int_equal(pf_sha256_file_hex(file, hex), 0);
	assert_string_equal(hex, v[0].hex);
	write_file(tmpdir, "abc.txt", "");
	assert_int_equal(pf_sha256_file_hex(file, hex), 0);
	assert_string_equal(hex, v[1].hex);
	unlink(file);
	errno = 0;
	assert_int_equal(pf_sha256_file_hex("/no/such/file", hex), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(hex, "");
}

/* ---- create and verify ------------------------------------------------------- */

static int verify(const char *path, const char *want_digest, json_t **rep)
{
	struct pf_verify_opts o = { .expect_digest = want_digest };
	struct pf_error e;
	char msg[1400];
	int rc = pf_package_verify(path, &o, rep, &e);

	if (rc < 0)
		print_message("verify: %s\n", pf_error_format(&e, msg, sizeof(msg)));
	return rc;
}

/* tar -tf PATH's exit status; its listing in out (may be NULL). */
static int tar_list(const char *path, char *out, size_t len)
{
	char cmd[600];
	FILE *p;
	size_t got = 0;

	snprintf(cmd, sizeof(cmd), "tar -tf '%s' 2>/dev/null", path);
	assert_non_null(p = popen(cmd, "r"));
	if (out) {
		got = fread(out, 1, len - 1, p);
		out[got] = '\0';
	}
	return pclose(p);
}

static void test_create_and_verify(void **state)
{
	(void)state;
	struct pf_error e;
	json_t *rep;

	assert_int_equal(strlen(digest), 64);
	assert_int_equal(verify(pkg, digest, &rep), 0);
	assert_true(json_is_true(json_object_get(rep, "ok")));
	assert_string_equal(pf_json_string_get(rep, "manifest_sha256", NULL), digest);
	assert_int_equal(json_array_size(json_object_get(rep, "profiles")), 2);
	const json_t *p0 = json_array_get(json_object_get(rep, "profiles"), 0);
	assert_string_equal(pf_json_string_get(p0, "recorded", NULL),
			    pf_json_string_get(p0, "rescored", NULL));
	assert_string_equal(pf_json_string_get(p0, "rescored", NULL), "non-conformant");
	json_decref(rep);

	struct mem m[MAX_MEMS];
	size_t n = tar_load(pkg, m, MAX_MEMS);
	assert_string_equal(m[0].name, "MANIFEST.json");
	assert_string_equal(m[n - 1].name, "MANIFEST.sha256");
	static const char *const want[] = {
		"run/results.json",	  "run/journal.jsonl",
		"run/console.log",	  "profiles/virtio-1.4-core.yaml",
		"profiles/avps-ivi.yaml", "waivers/waivers-fixture.yaml",
		"target/target.yaml",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		find(m, n, want[i]);
	const struct mem *man = find(m, n, "MANIFEST.json");
	assert_non_null(strstr((char *)man->data, "\"schema\": \"plugfest-package/1\""));
	assert_non_null(strstr((char *)man->data, "\"role\": \"journal\""));
	assert_non_null(strstr((char *)man->data, "\"nonce\": \"" RUN_NONCE "\""));
	mems_free(m, n);

	/* any tar lists the same members */
	char listing[4096];
	assert_int_equal(tar_list(pkg, listing, sizeof(listing)), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_non_null(strstr(listing, want[i]));
	assert_true(!strncmp(listing, "MANIFEST.json\n", 14));

	/* the package may be written into the run directory: it skips itself */
	char inside[500];
	snprintf(inside, sizeof(inside), "%s/self.tar", run_dir);
	assert_int_equal(pf_package_create(run_dir, inside, NULL, NULL, &e), 0);
	assert_int_equal(pf_package_create(run_dir, inside, NULL, NULL, &e), 0);
	assert_int_equal(verify(inside, NULL, &rep), 0);
	json_decref(rep);
	unlink(inside);
	/* a name too long for ustar gets a pax header; tar and verify read it */
	char longname[200], longpath[700];
	memset(longname, 'n', 150);
	strcpy(longname + 150, ".log");
	write_file(run_dir, longname, "long\n");
	assert_int_equal(pf_package_create(run_dir, inside, NULL, NULL, &e), 0);
	assert_int_equal(verify(inside, NULL, &rep), 0);
	json_decref(rep);
	assert_int_equal(tar_list(inside, listing, sizeof(listing)), 0);
	snprintf(longpath, sizeof(longpath), "run/%s\n", longname);
	assert_non_null(strstr(listing, longpath));
	snprintf(longpath, sizeof(longpath), "%s/%s", run_dir, longname);
	unlink(longpath);
	unlink(inside);
	/* errors: no results.json; a file beyond the member cap is not packaged */
	assert_int_equal(pf_package_create(tmpdir, inside, NULL, NULL, &e), -1);
	assert_non_null(strstr(e.file, "results.json"));
	struct pf_package_opts small = { .max_member = 64 };
	assert_int_equal(pf_package_create(run_dir, inside, &small, NULL, &e), -1);
	assert_non_null(strstr(e.message, "beyond the cap of 64"));
	assert_int_equal(access(inside, F_OK), -1);
}

static void tamper(const char *what, void (*edit)(struct mem *, size_t *), const char *kind,
		   const char *path, const char *use_digest)
{
	char out[500];
	json_t *rep = NULL;
	const json_t *p;
	size_t i;
	bool found = false;

	tamper_to(pkg, what, edit, out, sizeof(out));
	assert_int_equal(verify(out, use_digest, &rep), 1);
	json_array_foreach (json_object_get(rep, "problems"), i, p)
		found = found || (!strcmp(pf_json_string_get(p, "kind", NULL), kind) &&
				  (!path || (pf_json_string_get(p, "path", NULL) &&
					     !strcmp(pf_json_string_get(p, "path", NULL), path))));
	if (!found) {
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
	assert_non_null(j);
	assert_int_equal(json_object_del(json_object_get(j, "run"), "nonce"), 0);
	char *text = json_dumps(j, JSON_INDENT(2));
	set_data(man, text);
	free(text);
	json_decref(j);
	reseal_manifest(m, *n);
}

static void edit_drop_seal(struct mem *m, size_t *n)
{
	free(m[*n - 1].data);
	(*n)--;
}

static void test_tamper_detection(void **state)
{
	(void)state;
	tamper("changed", edit_change, "changed", "run/console.log", NULL);
	tamper("missing", edit_remove, "missing", "run/journal.jsonl", NULL);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_known_answers),
		cmocka_unit_test(test_create_and_verify),
		cmocka_unit_test(test_tamper_detection),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

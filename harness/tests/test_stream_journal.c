/* SPDX-License-Identifier: MIT */
/*
 * Journal: write, replay, damage detection, append mode, nonce binding and
 * size caps.
 */
#define _POSIX_C_SOURCE 200809L

#include "journal_dir.h"
#include "stream_helpers.h"

/* ---- journal -------------------------------------------------------- */

static char tmpdir[256];

static int journal_setup(void **state)
{
	const char *t = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/pf-test-XXXXXX", t && *t ? t : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int journal_teardown(void **state)
{
	(void)state;
	journal_dir_remove(tmpdir);
	return 0;
}

static void note_cb(void *ctx, json_t *note)
{
	json_array_append(((struct cap *)ctx)->notes, note);
}

/* noinline: inlined, GCC 12 at -O2 reports a false -Wdangling-pointer on
 * pointers into the result. */
static __attribute__((noinline)) char *slurp(const char *path, size_t *len)
{
	char *buf = NULL;

	assert_int_equal(pf_read_file(path, 256u << 20, &buf, len, NULL), 0);
	return buf;
}

static void journal_round_trip(void **state)
{
	struct cap *live = cap_new(), *back = cap_new();
	char path[512], *text, *bad, *cons;
	size_t clen;
	json_t *note;
	struct pf_replay_stats st;
	FILE *f;

	(void)state;
	live->j = pf_journal_open(tmpdir, 0);
	assert_non_null(live->j);
	/* A session with damage: a checksum error and a gap. */
	text = session_text("noise ", "\r\n");
	bad = strstr(text, "@@PF2 4 ");
	bad[10] ^= 1;
	assert_int_equal(pf_journal_console(live->j, text, strlen(text)), 0);
	feed_str(live, text);
	pf_stream_finish(live->s);
	note = json_pack("{s:s, s:s}", "event", "restart", "why", "wedged");
	assert_int_equal(pf_journal_note(live->j, note), 0);
	assert_int_equal(pf_journal_errors(live->j), 0);
	assert_int_equal(pf_journal_sync(live->j), 0);
	pf_journal_close(live->j);
	assert_int_equal(live->nrec, NSESSION - 1);
	assert_int_equal(live->ndiag, 2);

	/* console.log holds the bytes exactly. */
	snprintf(path, sizeof(path), "%s/" PF_JOURNAL_CONSOLE, tmpdir);
	cons = slurp(path, &clen);
	assert_int_equal(clen, strlen(text));
	assert_memory_equal(cons, text, clen);
	free(cons);

	snprintf(path, sizeof(path), "%s/" PF_JOURNAL_FILE, tmpdir);
	assert_int_equal(pf_journal_replay(path, &cbs, NULL, back, &st), 0);
	assert_int_equal(st.records, NSESSION - 1);
	assert_int_equal(st.diags, 2);
	assert_int_equal(st.headers, 1);
	assert_int_equal(st.bad_lines, 0);
	assert_false(st.truncated_tail);
	assert_int_equal(back->nrec, live->nrec);
	assert_true(json_equal(back->recs, live->recs));
	assert_true(json_equal(back->raws, live->raws));
	for (size_t i = 0; i < live->nrec; i++)
		assert_int_equal(back->seqs[i], live->seqs[i]);
	for (size_t i = 0; i < live->ndiag; i++) {
		assert_int_equal(back->diags[i].kind, live->diags[i].kind);
		assert_int_equal(back->diags[i].seq, live->diags[i].seq);
		assert_int_equal(back->diags[i].line, live->diags[i].line);
		assert_string_equal(back->diags[i].msg, live->diags[i].msg);
	}
	assert_int_equal(back->diags[0].kind, PF_DIAG_CHECKSUM);

	/* Notes come back; a torn last entry is tolerated and reported. */
	f = fopen(path, "ab");
	fputs("{\"seq\":9,\"line\":1,\"offset\":0,\"crc\":\"0000", f);
	fclose(f);
	cap_free(back);
	back = cap_new();
	assert_int_equal(pf_journal_replay(path, &cbs, note_cb, back, &st), 0);
	assert_true(st.truncated_tail);
	assert_int_equal(st.notes, 1);
	assert_int_equal(st.records, NSESSION - 1);
	assert_int_equal(back->nrec, NSESSION - 1);
	assert_true(json_equal(json_array_get(back->notes, 0), note));

	json_decref(note);
	free(text);
	cap_free(live);
	cap_free(back);
}

/* A damaged journal cannot smuggle in a record: the CRC is checked again. */
static void journal_damage_detected(void **state)
{
	struct cap *live = cap_new(), *back = cap_new();
	char path[512], *buf, *p;
	size_t len;
	struct pf_replay_stats st;
	FILE *f;

	(void)state;
	live->j = pf_journal_open(tmpdir, 0);
	feed_line(live, 0, HELLO);
	feed_line(live, 1, LOG);
	/* Arguments that are not a stream record are refused. */
	assert_int_equal(pf_journal_record(live->j, 1, "@@PF2 2 {} *00000000", 20, 1, 0), -1);
	assert_int_equal(pf_journal_record(live->j, 1, "@@PF2 1 {\n} *00000000", 21, 1, 0), -1);
	pf_journal_close(live->j);
	snprintf(path, sizeof(path), "%s/" PF_JOURNAL_FILE, tmpdir);
	buf = slurp(path, &len);
	p = strstr(buf, "hello \\\"world");
	assert_non_null(p);
	p[0] = 'j'; /* still valid JSON, wrong content */
	f = fopen(path, "wb");
	fwrite(buf, 1, len, f);
	fputs("not json\n{\"future\":1}\n", f);
	fclose(f);
	free(buf);
	assert_int_equal(pf_journal_replay(path, &cbs, NULL, back, &st), 0);
	assert_int_equal(back->nrec, 1);
	assert_int_equal(st.bad_lines, 2);
	assert_int_equal(st.unknown, 1);
	assert_false(st.truncated_tail);
	cap_free(live);
	cap_free(back);
}

/* Tab is JSON whitespace: the record is valid, journaled and replayed. */
static void tab_in_record_journaled(void **state)
{
	struct cap *live = cap_new(), *back = cap_new();
	char path[512];
	struct pf_replay_stats st;

	(void)state;
	live->j = pf_journal_open(tmpdir, 0);
	assert_non_null(live->j);
	feed_line(live, 0, "{\"t\":\"hello\",\t\"proto\":2,\"probe\":\"0.1\",\"arch\":\"x\"}");
	assert_int_equal(live->nrec, 1);
	assert_int_equal(live->ndiag, 0);
	pf_journal_close(live->j);
	snprintf(path, sizeof(path), "%s/" PF_JOURNAL_FILE, tmpdir);
	assert_int_equal(pf_journal_replay(path, &cbs, NULL, back, &st), 0);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.bad_lines, 0);
	assert_true(json_equal(back->raws, live->raws));
	cap_free(live);
	cap_free(back);
}

static void journal_append_mode(void **state)
{
	struct pf_journal *j;
	char path[512];
	struct pf_replay_stats st;
	struct cap *back = cap_new();
	char *l = mkline(0, HELLO);

	(void)state;
	l[strlen(l) - 1] = '\0';
	for (int i = 0; i < 2; i++) {
		j = pf_journal_open(tmpdir, i ? PF_JOURNAL_APPEND : 0);
		assert_non_null(j);
		assert_int_equal(pf_journal_record(j, 0, l, strlen(l), 1, 0), 0);
		pf_journal_close(j);
	}
	snprintf(path, sizeof(path), "%s/" PF_JOURNAL_FILE, tmpdir);
	assert_int_equal(pf_journal_replay(path, &cbs, NULL, back, &st), 0);
	assert_int_equal(st.headers, 2);
	assert_int_equal(st.records, 2);
	assert_null(pf_journal_open("/nonexistent-dir-for-pf-test", 0));
	assert_int_equal(pf_journal_replay("/nonexistent-dir-for-pf-test/j", &cbs, NULL, back, &st),
			 -1);
	free(l);
	cap_free(back);
}

/* A run's journal names its nonce; its records verify under it, and
 * under no other. */
static void journal_nonce(void **state)
{
	struct cap *live = cap_new_nonce(NONCE_A), *back = cap_new();
	struct pf_replay_stats st;
	char path[512], *text;
	size_t len;

	(void)state;
	live->j = pf_journal_open_run(tmpdir, 0, NONCE_A);
	assert_non_null(live->j);
	feed_session_n(live, HELLO_N(NONCE_A), NONCE_A);
	pf_journal_close(live->j);
	assert_int_equal(live->nrec, NSESSION);
	snprintf(path, sizeof(path), "%s/" PF_JOURNAL_FILE, tmpdir);
	text = slurp(path, &len);
	assert_non_null(strstr(text, "\"proto\":2,\"nonce\":\"" NONCE_A "\""));

	/* the header's nonce is used */
	assert_int_equal(pf_journal_replay(path, &cbs, NULL, back, &st), 0);
	assert_int_equal(st.records, NSESSION);
	assert_int_equal(st.bad_lines, 0);
	assert_string_equal(st.nonce, NONCE_A);
	/* imposed: the right one verifies, another fails every record */
	assert_int_equal(pf_journal_replay_mem(text, len, NONCE_A, NULL, NULL, NULL, &st), 0);
	assert_int_equal(st.records, NSESSION);
	assert_int_equal(st.foreign_headers, 0);
	assert_int_equal(pf_journal_replay_mem(text, len, NONCE_B, NULL, NULL, NULL, &st), 0);
	assert_int_equal(st.records, 0);
	assert_int_equal(st.bad_lines, NSESSION);
	assert_int_equal(st.foreign_headers, 1);
	assert_int_equal(pf_journal_replay_mem(text, len, "xyz", NULL, NULL, NULL, &st), -1);
	assert_null(pf_journal_open_run(tmpdir, 0, "NOTHEX0123456789"));
	free(text);
	cap_free(live);
	cap_free(back);
}

/* console.log keeps its first bytes up to the cap; journal.jsonl refuses
 * records past its cap but still takes diagnostics and notes. */
static void journal_caps(void **state)
{
	struct pf_journal *j = pf_journal_open(tmpdir, 0);
	char path[512], chunk[1000], *text, *l = mkline(0, HELLO);
	size_t len, ll;
	int refused = 0;
	struct pf_diag d = { .kind = PF_DIAG_CHECKSUM, .seq = -1, .message = "m" };

	(void)state;
	assert_non_null(j);
	pf_journal_set_caps(j, 2500, 4096);
	memset(chunk, 'x', sizeof(chunk));
	for (int i = 0; i < 5; i++)
		assert_int_equal(pf_journal_console(j, chunk, sizeof(chunk)), 0);
	assert_int_equal(pf_journal_console_dropped(j), 2500);
	ll = strlen(l) - 1;
	for (int i = 0; i < 100; i++)
		if (pf_journal_record(j, 0, l, ll, 1, 0)) {
			assert_int_equal(errno, ENOSPC);
			refused++;
		}
	assert_true(refused > 50 && refused < 100);
	assert_int_equal(pf_journal_records_dropped(j), (uint64_t)refused);
	assert_int_equal(pf_journal_diag(j, &d), 0);
	pf_journal_close(j);
	snprintf(path, sizeof(path), "%s/" PF_JOURNAL_CONSOLE, tmpdir);
	text = slurp(path, &len);
	assert_true(len > 2500 && len < 2500 + 200);
	assert_non_null(strstr(text, "reached its size cap"));
	assert_int_equal(strspn(text, "x"), 2500);
	free(text);
	snprintf(path, sizeof(path), "%s/" PF_JOURNAL_FILE, tmpdir);
	text = slurp(path, &len);
	assert_true(len <= 4096 + 200);
	assert_non_null(strstr(text, "\"diag\""));
	free(text);
	free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(journal_round_trip, journal_setup,
						journal_teardown),
		cmocka_unit_test_setup_teardown(journal_damage_detected, journal_setup,
						journal_teardown),
		cmocka_unit_test_setup_teardown(tab_in_record_journaled, journal_setup,
						journal_teardown),
		cmocka_unit_test_setup_teardown(journal_append_mode, journal_setup,
						journal_teardown),
		cmocka_unit_test_setup_teardown(journal_nonce, journal_setup, journal_teardown),
		cmocka_unit_test_setup_teardown(journal_caps, journal_setup, journal_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Stream parser: sequence tracking, random input, the run nonce and
 * checksums, protocol versions, diagnostic floods and names.
 */
#define _POSIX_C_SOURCE 200809L

#include "stream_helpers.h"
#include "util/json.h"

/* ---- tests: sequence ------------------------------------------------ */

static void duplicate_seq(void **state)
{
	struct cap *c = cap_new();

	(void)state;
	feed_lines_n(c, NULL, 0, HELLO, DEVICE, LOG, NULL);
	feed_line(c, 2, LOG);	 /* identical */
	feed_line(c, 1, METRIC); /* same number, other content */
	feed_line(c, 3, END);
	assert_tally(c, 4, 2);
	assert_diag(c, 0, PF_DIAG_DUPLICATE, 2);
	assert_diag(c, 1, PF_DIAG_DUPLICATE, 1);
	assert_string_equal(rec_type(c, 3), "end");
	cap_free(c);
}

static void gap_seq(void **state)
{
	struct cap *c = cap_new();

	(void)state;
	feed_lines_n(c, NULL, 0, HELLO, DEVICE, NULL);
	feed_lines_n(c, NULL, 4, LOG, END, NULL);
	assert_int_equal(c->nrec, 4);
	assert_int_equal(c->seqs[2], 4);
	assert_int_equal(c->ndiag, 1);
	assert_int_equal(c->diags[0].kind, PF_DIAG_GAP);
	assert_int_equal(c->diags[0].missing, 2);
	assert_int_equal(c->diags[0].seq, 4);
	cap_free(c);
}

static void out_of_order_seq(void **state)
{
	struct cap *c = cap_new();

	(void)state;
	feed_lines_n(c, NULL, 0, HELLO, DEVICE, NULL);
	feed_line(c, 4, LOG);	 /* gap: 2, 3 */
	feed_line(c, 2, METRIC); /* late: backwards, dropped */
	feed_line(c, 3, METRIC); /* late: backwards, dropped */
	feed_line(c, 1, METRIC); /* was received: duplicate */
	feed_line(c, 5, END);
	assert_int_equal(c->nrec, 4);
	assert_int_equal(c->seqs[3], 5);
	assert_int_equal(count_kind(c, PF_DIAG_GAP), 1);
	assert_int_equal(count_kind(c, PF_DIAG_OUT_OF_ORDER), 2);
	assert_int_equal(count_kind(c, PF_DIAG_DUPLICATE), 1);
	assert_diag(c, 1, PF_DIAG_OUT_OF_ORDER, 2);
	assert_int_equal(c->diags[3].kind, PF_DIAG_DUPLICATE);
	cap_free(c);
}

static void second_hello_resets(void **state)
{
	struct cap *c = cap_new();

	(void)state;
	feed_lines_n(c, NULL, 0, HELLO, DEVICE, BEGIN, NULL);
	/* Guest restarted mid-check: numbering starts again; the first boot
	 * is reported as never ended, nothing else. */
	feed_str(c, "\nreset\n");
	feed_lines_n(c, NULL, 0, HELLO, DEVICE, END, NULL);
	pf_stream_finish(c->s);
	assert_tally(c, 6, 1);
	assert_int_equal(c->diags[0].kind, PF_DIAG_NO_END);
	assert_int_equal(c->diags[0].line, 6);
	assert_non_null(strstr(c->diags[0].msg, "next seq would have been 3"));
	/* After an end, a new hello is an ordinary new boot. */
	feed_lines_n(c, NULL, 0, HELLO, END, NULL);
	pf_stream_finish(c->s);
	assert_int_equal(c->ndiag, 1);
	assert_int_equal(pf_stream_counters(c->s)->boots, 3);
	assert_int_equal(pf_stream_counters(c->s)->by_type[PF_REC_HELLO], 3);
	cap_free(c);
}

static void no_hello_first(void **state)
{
	struct cap *c = cap_new();

	(void)state;
	/* Attached to a running guest: its first record is seq 5. */
	feed_lines_n(c, NULL, 5, LOG, END, NULL);
	pf_stream_finish(c->s);
	assert_tally(c, 2, 1);
	assert_int_equal(c->diags[0].kind, PF_DIAG_GAP);
	assert_int_equal(c->diags[0].missing, 5);
	cap_free(c);
}

/* ---- tests: random input -------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*: fixed seed, same bytes on every run and machine. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static void fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(rng() >> 56);
}

/* Feeds n bytes in chunks of 1 to max bytes, sized at random, then ends
 * the stream. */
static void feed_in_chunks(struct cap *c, const void *buf, size_t n, size_t max)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < n;) {
		size_t k = 1 + (size_t)(rng() % max);

		if (k > n - i)
			k = n - i;
		pf_stream_feed(c->s, p + i, k);
		i += k;
	}
	pf_stream_finish(c->s);
}

static void random_bytes(void **state)
{
	const size_t n = 1u << 20;
	unsigned char *buf = malloc(n);
	struct cap *c = cap_new();
	size_t want = 0, lines = 0;

	(void)state;
	rng_state = 0x9e3779b97f4a7c15ull;
	fill_random(buf, n);
	/* Expected console payload: every byte but newlines and the CR that
	 * ends a line. */
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			lines++;
			if (i && buf[i - 1] == '\r')
				want--;
		} else {
			want++;
		}
	}
	feed_in_chunks(c, buf, n, 4096);
	assert_tally(c, 0, 1);
	assert_int_equal(c->diags[0].kind, PF_DIAG_NO_END);
	assert_int_equal(pf_stream_counters(c->s)->lines, lines);
	assert_int_equal(c->con_bytes, want);
	assert_true(c->con_max <= PF_STREAM_CONSOLE_CHUNK);
	free(buf);
	cap_free(c);
}

static void random_bytes_with_records(void **state)
{
	const size_t n = 1u << 20, nrec = 300;
	unsigned char *noise = malloc(n);
	size_t cap = n + nrec * 512, len = 0, pos = 0;
	char *buf = malloc(cap);
	struct cap *c = cap_new();

	(void)state;
	rng_state = 0x0123456789abcdefull;
	fill_random(noise, n);
	for (uint32_t r = 0; r < nrec; r++) {
		size_t take = (size_t)(rng() % (2 * n / nrec));
		char json[256], *l;

		if (take > n - pos)
			take = n - pos;
		memcpy(buf + len, noise + pos, take);
		len += take;
		pos += take;
		if (r == 0)
			snprintf(json, sizeof(json), "%s", HELLO);
		else if (r == nrec - 1)
			snprintf(json, sizeof(json), "%s", END);
		else
			snprintf(json, sizeof(json),
				 "{\"t\":\"metric\",\"name\":\"m%u\",\"value\":%u}", r, r * 7);
		l = mkline(r, json);
		memcpy(buf + len, l, strlen(l));
		len += strlen(l);
		free(l);
	}
	memcpy(buf + len, noise + pos, n - pos);
	len += n - pos;
	feed_in_chunks(c, buf, len, 977);
	assert_int_equal(c->nrec, nrec);
	for (uint32_t r = 0; r < nrec; r++)
		assert_int_equal(c->seqs[r], r);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(c->recs, 150), "value")),
			 150 * 7);
	assert_int_equal(c->ndiag, 0);
	free(noise);
	free(buf);
	cap_free(c);
}

/* ---- tests: names and JSON form of diagnostics ----------------------- */

static void crc32_known_answers(void **state)
{
	static const struct {
		const char *msg;
		uint32_t crc;
	} v[] = {
		{ "", 0x00000000u },
		{ "a", 0xe8b7be43u },
		{ "123456789", 0xcbf43926u },
		{ "The quick brown fox jumps over the lazy dog", 0x414fa339u },
	};
	unsigned char all[256];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(pf_crc32_update(0, v[i].msg, strlen(v[i].msg)), v[i].crc);
	for (size_t i = 0; i < sizeof(all); i++)
		all[i] = (unsigned char)i;
	assert_int_equal(pf_crc32_update(0, all, sizeof(all)), 0x29058c73u);
	/* incremental: the seed form continues a CRC, it is not a restart */
	assert_int_equal(pf_crc32_update(pf_crc32_update(0, "1234", 4), "56789", 5), 0xcbf43926u);
	/* the protocol's seed: CRC-32 of the nonce's ASCII text; no nonce, 0 */
	assert_int_equal(pf_proto_crc_seed(NONCE_A, strlen(NONCE_A)), 0x7759b50eu);
	assert_int_equal(pf_proto_crc_seed(NULL, 0), 0);
}

/* A complete protocol-2 line whose trailer was computed independently
 * (zlib.crc32 of NONCE_A "0 " HELLO_N(NONCE_A)): accepted under NONCE_A,
 * rejected under another nonce. */
#define KAT_LINE "@@PF2 0 " HELLO_N(NONCE_A) " *dd65d9bb\n"

static void crc32_known_line(void **state)
{
	struct cap *c = cap_new_nonce(NONCE_A);
	char *l = mkline_n(NONCE_A, 0, HELLO_N(NONCE_A));

	(void)state;
	/* the test's line builder agrees with the independent value */
	assert_string_equal(l, KAT_LINE);
	free(l);
	/* no finish: a session without an end would add its own diagnostic */
	feed_str(c, KAT_LINE);
	assert_tally(c, 1, 0);
	cap_free(c);

	c = cap_new_nonce(NONCE_B);
	feed_str(c, KAT_LINE);
	assert_tally_kind(c, 0, PF_DIAG_NONCE, 1);
	cap_free(c);
}

static void nonce_right_accepted(void **state)
{
	struct cap *c = cap_new_nonce(NONCE_A);

	(void)state;
	feed_session_n(c, HELLO_N(NONCE_A), NONCE_A);
	pf_stream_finish(c->s);
	assert_tally(c, NSESSION, 0);
	assert_string_equal(pf_json_string_get(json_array_get(c->recs, 0), "nonce", NULL), NONCE_A);
	cap_free(c);
}

static void nonce_malformed_refused(void **state)
{
	struct cap *c = cap_new();

	(void)state;
	assert_int_equal(pf_stream_set_nonce(c->s, NULL), -1);
	assert_int_equal(pf_stream_set_nonce(c->s, "0123456789abcde"), -1);  /* 60 bits */
	assert_int_equal(pf_stream_set_nonce(c->s, "0123456789ABCDEF"), -1); /* upper case */
	assert_int_equal(pf_stream_set_nonce(c->s, "0123456789abcdeg"), -1);
	assert_int_equal(pf_stream_set_nonce(c->s, "0123456789abcdef"), 0); /* 64 bits */
	cap_free(c);
}

/* The hello is checksummed with the run's nonce but does not say it. */
static void nonce_missing_in_hello(void **state)
{
	struct cap *c = cap_new_nonce(NONCE_A);
	const struct cdiag *d;

	(void)state;
	feed_line_n(c, NONCE_A, 0, HELLO);
	assert_tally(c, 0, 1);
	d = first_kind(c, PF_DIAG_NONCE);
	assert_string_equal(d->field, "nonce");
	assert_non_null(strstr(d->msg, "hello has no nonce"));
	assert_int_equal(pf_stream_counters(c->s)->boots, 0);
	cap_free(c);
}

static void nonce_wrong_in_hello(void **state)
{
	struct cap *c = cap_new_nonce(NONCE_A);

	(void)state;
	feed_line_n(c, NONCE_A, 0, HELLO_N(NONCE_B));
	assert_tally_kind(c, 0, PF_DIAG_NONCE, 1);
	assert_non_null(strstr(first_kind(c, PF_DIAG_NONCE)->msg, "carries nonce fedcba987654"));
	cap_free(c);
}

/* A probe that did not get pf.nonce checksums without one. */
static void checksum_without_nonce(void **state)
{
	struct cap *c = cap_new_nonce(NONCE_A);

	(void)state;
	feed_session_n(c, HELLO_N(NONCE_A), NULL);
	assert_tally_kind(c, 0, PF_DIAG_NONCE, NSESSION);
	assert_int_equal(count_kind(c, PF_DIAG_CHECKSUM), 0);
	assert_non_null(strstr(c->diags[0].msg, "without a nonce"));
	cap_free(c);
}

/* A whole recorded run played back in another: every line is named as
 * another run's, nothing reaches the run. */
static void replayed_run_rejected(void **state)
{
	struct cap *c = cap_new_nonce(NONCE_A);

	(void)state;
	feed_str(c, "firmware banner\n");
	feed_session_n(c, HELLO_N(NONCE_B), NONCE_B);
	pf_stream_finish(c->s);
	assert_int_equal(c->nrec, 0);
	assert_int_equal(pf_stream_counters(c->s)->by_kind[PF_DIAG_NONCE], NSESSION);
	assert_int_equal(count_kind(c, PF_DIAG_CHECKSUM), 0);
	assert_non_null(strstr(c->diags[0].msg, "hello of another run (nonce fedcba987654"));
	assert_non_null(strstr(c->diags[1].msg, "another run's nonce"));
	assert_int_equal(c->diags[1].seq, 1);
	/* and a damaged line of it is still only a checksum error */
	feed_str(c, "@@PF2 9 {\"t\":\"log\",\"level\":\"info\",\"msg\":\"x\"} *00000000\n");
	assert_int_equal(count_kind(c, PF_DIAG_CHECKSUM), 1);
	cap_free(c);
}

/* Records of the run's nonce after the hello of another run: only the
 * foreign lines go. */
static void foreign_records_among_fresh_ones(void **state)
{
	struct cap *c = cap_new_nonce(NONCE_A);

	(void)state;
	feed_line_n(c, NONCE_A, 0, HELLO_N(NONCE_A));
	feed_lines_n(c, NONCE_B, 0, HELLO_N(NONCE_B), DEVICE, NULL);
	feed_line_n(c, NONCE_A, 1, DEVICE);
	assert_tally_kind(c, 2, PF_DIAG_NONCE, 2);
	cap_free(c);
}

/* A guest restarted within the run keeps the run's nonce: both boots are
 * accepted; a restart that comes back with another nonce is not. */
static void restart_keeps_nonce(void **state)
{
	struct cap *c = cap_new_nonce(NONCE_A);

	(void)state;
	feed_lines_n(c, NONCE_A, 0, HELLO_N(NONCE_A), DEVICE, BEGIN, NULL);
	pf_stream_finish(c->s); /* the VMM died mid-check */
	feed_lines_n(c, NONCE_A, 0, HELLO_N(NONCE_A), DEVICE, END, NULL);
	pf_stream_finish(c->s);
	assert_int_equal(c->nrec, 6);
	assert_int_equal(pf_stream_counters(c->s)->boots, 2);
	assert_int_equal(count_kind(c, PF_DIAG_NONCE), 0);
	assert_int_equal(count_kind(c, PF_DIAG_NO_END), 1);

	feed_line_n(c, NONCE_B, 0, HELLO_N(NONCE_B));
	assert_int_equal(pf_stream_counters(c->s)->boots, 2);
	assert_int_equal(count_kind(c, PF_DIAG_NONCE), 1);
	cap_free(c);
}

/* Records of another protocol version are named, not taken for noise;
 * text that only resembles a marker stays console text. */
static void old_version_stream(void **state)
{
	struct cap *c = cap_new_nonce(NONCE_A);
	char *l = mkline(0, HELLO);

	(void)state;
	l[4] = '1'; /* "@@PF1 ": a protocol 1 probe */
	feed_str(c, l);
	feed_str(c, "@@PF9 3 {} *00000000\n");
	feed_str(c, "@@PF1x @@PFx @@PF 1\n");
	feed_str(c, "@@@PF1 0 {} *00000000\n");
	assert_tally_kind(c, 0, PF_DIAG_VERSION, 3);
	assert_non_null(strstr(c->diags[0].msg, "protocol version 1"));
	assert_non_null(strstr(c->diags[1].msg, "protocol version 9"));
	assert_int_equal(c->diags[0].seq, 0);
	assert_int_equal(c->ncon, 2);
	assert_string_equal(c->con[0], "@@PF1x @@PFx @@PF 1");
	assert_string_equal(c->con[1], "@");
	free(l);
	/* byte by byte, with the current version after an old one */
	l = mkline_n(NONCE_A, 0, HELLO_N(NONCE_A));
	for (const char *p = "@@PF1@@PF2"; *p; p++)
		pf_stream_feed(c->s, p, 1);
	for (const char *p = l + PF_PROTO_MARKER_LEN - 1; *p; p++)
		pf_stream_feed(c->s, p, 1);
	assert_int_equal(c->nrec, 1);
	free(l);
	cap_free(c);
}

/* A flood of broken lines yields a bounded number of diagnostics: the
 * rest is counted and summed up once. */
static void diag_flood_bounded(void **state)
{
	struct cap *c = cap_new();
	const size_t n = 20000;

	(void)state;
	for (size_t i = 0; i < n; i++)
		feed_str(c, "@@PF2 x\n");
	assert_int_equal(c->ndiag, PF_STREAM_DIAG_LIMIT);
	pf_stream_finish(c->s);
	assert_int_equal(pf_stream_counters(c->s)->by_kind[PF_DIAG_MALFORMED], n);
	assert_int_equal(pf_stream_counters(c->s)->suppressed[PF_DIAG_MALFORMED],
			 n - PF_STREAM_DIAG_LIMIT);
	assert_int_equal(count_kind(c, PF_DIAG_SUPPRESSED), 1);
	assert_string_equal(first_kind(c, PF_DIAG_SUPPRESSED)->field, "malformed");
	assert_non_null(strstr(first_kind(c, PF_DIAG_SUPPRESSED)->msg, "19744 further"));
	/* other kinds are still itemised */
	assert_int_equal(count_kind(c, PF_DIAG_NO_END), 1);
	cap_free(c);
}

static void diag_names_round_trip(void **state)
{
	(void)state;
	for (int k = 0; k < PF_DIAG_KIND_COUNT; k++) {
		struct pf_diag d = { .kind = (enum pf_diag_kind)k,
				     .line = 3,
				     .offset = 40,
				     .seq = 7,
				     .missing = 2,
				     .field = "verdict",
				     .message = "m\xff" /* not UTF-8 */ };
		struct pf_diag back;
		json_t *j = pf_diag_to_json(&d);

		assert_non_null(j);
		assert_int_equal(pf_diag_kind_from_name(pf_diag_kind_name(d.kind)), k);
		assert_int_equal(pf_diag_from_json(j, &back), 0);
		assert_int_equal(back.kind, k);
		assert_int_equal(back.line, 3);
		assert_int_equal(back.offset, 40);
		assert_int_equal(back.seq, 7);
		assert_int_equal(back.missing, k == PF_DIAG_GAP ? 2 : 0);
		assert_int_equal(back.count, 0);
		assert_string_equal(back.field, "verdict");
		assert_string_equal(back.message, "m?");
		json_decref(j);
	}
	assert_string_equal(pf_diag_kind_name(PF_DIAG_OUT_OF_ORDER), "out-of-order");
	assert_null(pf_diag_kind_name(PF_DIAG_KIND_COUNT));
	assert_int_equal(pf_diag_kind_from_name("nope"), -1);
	assert_int_equal(pf_rec_type_from_name("end"), PF_REC_END);
	assert_int_equal(pf_rec_type_from_name("End"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc32_known_answers),
		cmocka_unit_test(crc32_known_line),
		cmocka_unit_test(duplicate_seq),
		cmocka_unit_test(gap_seq),
		cmocka_unit_test(out_of_order_seq),
		cmocka_unit_test(second_hello_resets),
		cmocka_unit_test(no_hello_first),
		cmocka_unit_test(random_bytes),
		cmocka_unit_test(random_bytes_with_records),
		cmocka_unit_test(nonce_right_accepted),
		cmocka_unit_test(nonce_malformed_refused),
		cmocka_unit_test(nonce_missing_in_hello),
		cmocka_unit_test(nonce_wrong_in_hello),
		cmocka_unit_test(checksum_without_nonce),
		cmocka_unit_test(replayed_run_rejected),
		cmocka_unit_test(foreign_records_among_fresh_ones),
		cmocka_unit_test(restart_keeps_nonce),
		cmocka_unit_test(old_version_stream),
		cmocka_unit_test(diag_flood_bounded),
		cmocka_unit_test(diag_names_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

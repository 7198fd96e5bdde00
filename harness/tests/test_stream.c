/* SPDX-License-Identifier: MIT */
/*
 * Stream parser: valid sessions, noise tolerance, damaged and oversized
 * lines, bounded memory.
 */
#define _POSIX_C_SOURCE 200809L

#include "stream_helpers.h"
#include "util/json.h"

/* ---- tests: valid input --------------------------------------------- */

static void valid_one_feed(void **state)
{
	struct cap *c = cap_new();
	char *text = session_text("", "\n");
	const struct pf_stream_counters *k = pf_stream_counters(c->s);

	(void)state;
	feed_str(c, text);
	pf_stream_finish(c->s);
	assert_session(c);
	assert_int_equal(c->ndiag, 0);
	assert_int_equal(c->ncon, 0);
	assert_int_equal(k->records, NSESSION);
	assert_int_equal(k->boots, 1);
	assert_int_equal(k->by_type[PF_REC_RESULT], 1);
	assert_int_equal(k->lines, NSESSION);
	assert_int_equal(k->bytes, strlen(text));
	assert_int_equal(k->diags, 0);
	/* Raw line: marker to checksum, no newline. */
	{
		char *l = mkline(0, HELLO);

		l[strlen(l) - 1] = '\0';
		assert_string_equal(json_string_value(json_array_get(c->raws, 0)), l);
		free(l);
	}
	/* Positions: record 2 starts on line 3, right after two lines. */
	assert_int_equal(c->rec_line[2], 3);
	{
		char *l0 = mkline(0, HELLO), *l1 = mkline(1, DEVICE);

		assert_int_equal(c->rec_off[2], strlen(l0) + strlen(l1));
		free(l0);
		free(l1);
	}
	free(text);
	cap_free(c);
}

static void valid_byte_by_byte(void **state)
{
	char *text = session_text("", "\n");
	size_t len = strlen(text);
	static const size_t chunks[] = { 1, 2, 3, 5, 7, 13, 64, 1000 };

	(void)state;
	for (size_t k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
		struct cap *c = cap_new();

		for (size_t i = 0; i < len; i += chunks[k])
			pf_stream_feed(c->s, text + i, len - i < chunks[k] ? len - i : chunks[k]);
		pf_stream_finish(c->s);
		assert_session(c);
		assert_int_equal(c->ndiag, 0);
		assert_int_equal(c->ncon, 0);
		cap_free(c);
	}
	free(text);
}

static void noise_around_records(void **state)
{
	struct cap *c = cap_new();
	char *l = mkline(0, HELLO), *l1 = mkline(1, END);

	(void)state;
	feed_str(c, "U-Boot 2024.01\n\n[    0.000] booting\n");
	feed_str(c, "[ 0.1] vmm: virtio-blk ready "); /* no newline: record follows */
	feed_str(c, l);
	feed_str(c, "@@PF garbage @@PF2x not a marker\n");
	feed_str(c, "@@@PF2 "); /* marker after a stray '@' */
	feed_str(c, l1 + PF_PROTO_MARKER_LEN);
	feed_str(c, "trailing text without newline");
	pf_stream_finish(c->s);

	assert_int_equal(c->nrec, 2);
	assert_string_equal(rec_type(c, 0), "hello");
	assert_string_equal(rec_type(c, 1), "end");
	assert_int_equal(c->ndiag, 0);
	assert_int_equal(c->ncon, 7);
	assert_string_equal(c->con[0], "U-Boot 2024.01");
	assert_int_equal(c->con_len[1], 0); /* blank line */
	assert_string_equal(c->con[2], "[    0.000] booting");
	assert_string_equal(c->con[3], "[ 0.1] vmm: virtio-blk ready ");
	assert_string_equal(c->con[4], "@@PF garbage @@PF2x not a marker");
	assert_string_equal(c->con[5], "@");
	assert_string_equal(c->con[6], "trailing text without newline");
	/* The hello is on line 4, its marker after the noise prefix. */
	assert_int_equal(c->rec_line[0], 4);
	assert_int_equal(c->rec_off[0], strlen("U-Boot 2024.01\n\n[    0.000] booting\n"
					       "[ 0.1] vmm: virtio-blk ready "));
	free(l);
	free(l1);
	cap_free(c);
}

static void crlf_line_endings(void **state)
{
	struct cap *c = cap_new();
	char *text = session_text("", "\r\n");

	(void)state;
	feed_str(c, "noise\r\n");
	feed_str(c, text);
	pf_stream_finish(c->s);
	assert_session(c);
	assert_int_equal(c->ndiag, 0);
	assert_int_equal(c->ncon, 1);
	assert_string_equal(c->con[0], "noise");
	assert_null(strchr(json_string_value(json_array_get(c->raws, 0)), '\r'));
	free(text);
	cap_free(c);
}

/* A record whose JSON string quotes the marker is still one valid record. */
static void marker_inside_json_string(void **state)
{
	struct cap *c = cap_new();

	(void)state;
	feed_line(c, 0, HELLO);
	feed_line(c, 1,
		  "{\"t\":\"log\",\"level\":\"debug\",\"msg\":\"echo @@PF2 7 {} *00000000\"}");
	assert_tally(c, 2, 0);
	cap_free(c);
}

/* ---- tests: damaged lines ------------------------------------------- */

static void bad_checksum(void **state)
{
	struct cap *c = cap_new();
	char *l = mkline(1, LOG);
	char *crc = strstr(l, " *") + 2;
	const struct cdiag *d;

	(void)state;
	crc[7] = crc[7] == '0' ? '1' : '0';
	feed_line(c, 0, HELLO);
	feed_str(c, "noise\n");
	feed_str(c, l);
	feed_line(c, 2, END);
	assert_tally(c, 2, 2);
	d = first_kind(c, PF_DIAG_CHECKSUM);
	assert_int_equal(d->seq, 1);
	assert_int_equal(d->line, 3);
	assert_non_null(strstr(d->msg, "checksum mismatch"));
	/* Record 1 is gone: record 2 reports it missing, and is kept. */
	d = first_kind(c, PF_DIAG_GAP);
	assert_int_equal(d->seq, 2);
	assert_int_equal(d->missing, 1);
	assert_int_equal(c->seqs[1], 2);
	assert_int_equal(pf_stream_counters(c->s)->by_kind[PF_DIAG_CHECKSUM], 1);
	free(l);
	cap_free(c);
}

/* Feed one line, expect exactly one diagnostic of kind k naming field. */
static void expect_one(const char *line, enum pf_diag_kind k, const char *field,
		       const char *msg_part)
{
	struct cap *c = cap_new();

	feed_line(c, 0, HELLO);
	feed_str(c, line);
	assert_int_equal(c->nrec, 1);
	if (c->ndiag != 1)
		fail_msg("line %s: %zu diagnostics, first %s", line, c->ndiag,
			 c->ndiag ? c->diags[0].msg : "-");
	assert_int_equal(c->diags[0].kind, k);
	assert_string_equal(c->diags[0].field, field ? field : "");
	if (msg_part && !strstr(c->diags[0].msg, msg_part))
		fail_msg("message \"%s\" lacks \"%s\"", c->diags[0].msg, msg_part);
	assert_int_equal(c->diags[0].line, 2);
	cap_free(c);
}

static void expect_json(const char *json, enum pf_diag_kind k, const char *field,
			const char *msg_part)
{
	char *l = mkline(1, json);

	expect_one(l, k, field, msg_part);
	free(l);
}

static void malformed_framing(void **state)
{
	(void)state;
	expect_one("@@PF2 {\"t\":\"log\"} *00000000\n", PF_DIAG_MALFORMED, "seq", "no sequence");
	expect_one("@@PF2 1{\"t\":\"log\"} *00000000\n", PF_DIAG_MALFORMED, "seq", "no space");
	expect_one("@@PF2 99999999999 {} *00000000\n", PF_DIAG_MALFORMED, "seq", "range");
	expect_one("@@PF2 01 {\"t\":\"log\"} *00000000\n", PF_DIAG_MALFORMED, "seq", "leading");
	expect_one("@@PF2 1 {\"t\":\"log\",\"level\":\"info\",\"msg\":\"x\"}\n", PF_DIAG_MALFORMED,
		   "crc", "trailer");
	expect_one("@@PF2 1 {\"t\":\"log\",\"level\":\"info\",\"msg\":\"x\"} *ABCDEF01\n",
		   PF_DIAG_MALFORMED, "crc", "lowercase");
	expect_one("@@PF2 1 {} *0\n", PF_DIAG_MALFORMED, "crc", "short");
	expect_one("@@PF2 \n", PF_DIAG_MALFORMED, "seq", NULL);
}

static void malformed_json(void **state)
{
	(void)state;
	expect_json("{\"t\":\"log\",\"level\":\"info\",\"msg\":}", PF_DIAG_MALFORMED, NULL, "JSON");
	expect_json("{\"t\":\"log\",\"t\":\"log\",\"level\":\"info\",\"msg\":\"\"}",
		    PF_DIAG_MALFORMED, NULL, "JSON");
	expect_json("[1,2]", PF_DIAG_MALFORMED, NULL, "not a JSON object");
	expect_json("{\"level\":\"info\"}", PF_DIAG_MALFORMED, "t", "\"t\"");
	expect_json("{\"t\":3}", PF_DIAG_MALFORMED, "t", NULL);
	/* Trailing bytes after the object are not JSON either. */
	expect_json("{\"t\":\"log\",\"level\":\"info\",\"msg\":\"\"} x", PF_DIAG_MALFORMED, NULL,
		    "JSON");
}

/* na (not applicable) is a verdict of its own, apart from skip. */
static void verdict_na_accepted(void **state)
{
	struct cap *c = cap_new();

	(void)state;
	feed_line(c, 0, HELLO);
	feed_line(c, 1, "{\"t\":\"result\",\"test\":\"a\",\"dev\":\"d\",\"verdict\":\"na\"}");
	assert_int_equal(c->ndiag, 0);
	assert_int_equal(c->nrec, 2);
	assert_string_equal(pf_json_string_get(json_array_get(c->recs, 1), "verdict", NULL), "na");
	cap_free(c);
}

static void missing_members(void **state)
{
	(void)state;
	expect_json("{\"t\":\"result\",\"test\":\"a\",\"dev\":\"d\"}", PF_DIAG_MALFORMED, "verdict",
		    "missing");
	expect_json("{\"t\":\"result\",\"test\":\"a\",\"dev\":\"d\",\"verdict\":\"maybe\"}",
		    PF_DIAG_MALFORMED, "verdict", "unknown value");
	expect_json("{\"t\":\"result\",\"test\":\"\",\"dev\":\"d\",\"verdict\":\"pass\"}",
		    PF_DIAG_MALFORMED, "test", "non-empty");
	expect_json(
		"{\"t\":\"result\",\"test\":\"a\",\"dev\":\"d\",\"verdict\":\"pass\",\"us\":-1}",
		PF_DIAG_MALFORMED, "us", "non-negative");
	expect_json(
		"{\"t\":\"result\",\"test\":\"a\",\"dev\":\"d\",\"verdict\":\"pass\",\"reqs\":[1]}",
		PF_DIAG_MALFORMED, "reqs", "array of strings");
	expect_json("{\"t\":\"begin\",\"step\":\"1\",\"test\":\"a\",\"dev\":\"d\"}",
		    PF_DIAG_MALFORMED, "step", NULL);
	expect_json("{\"t\":\"device\",\"dev\":\"x\",\"type\":\"blk\",\"device_id\":2,"
		    "\"transport\":\"mmio\",\"feature_bits\":[64]}",
		    PF_DIAG_MALFORMED, "feature_bits", NULL);
	expect_json("{\"t\":\"device\",\"dev\":\"x\",\"type\":\"blk\",\"device_id\":2,"
		    "\"transport\":\"mmio\",\"features\":\"12\"}",
		    PF_DIAG_MALFORMED, "features", "hex");
	expect_json("{\"t\":\"device\",\"dev\":\"x\",\"type\":\"blk\",\"device_id\":2,"
		    "\"transport\":\"mmio\",\"queues\":[{\"index\":0}]}",
		    PF_DIAG_MALFORMED, "queues", NULL);
	expect_json("{\"t\":\"device\",\"dev\":\"x\",\"type\":\"blk\",\"device_id\":2,"
		    "\"transport\":\"ccw\"}",
		    PF_DIAG_MALFORMED, "transport", NULL);
	expect_json("{\"t\":\"metric\",\"name\":\"x\",\"value\":\"1\"}", PF_DIAG_MALFORMED, "value",
		    "number");
	expect_json("{\"t\":\"log\",\"level\":\"loud\",\"msg\":\"x\"}", PF_DIAG_MALFORMED, "level",
		    NULL);
	expect_json("{\"t\":\"end\"}", PF_DIAG_MALFORMED, "status", "missing");
	expect_json("{\"t\":\"fault\"}", PF_DIAG_MALFORMED, "kind", "missing");
	/* failure fingerprints: [a-z0-9-] words joined by '/', at most 8 */
#define R_FP "{\"t\":\"result\",\"test\":\"a\",\"dev\":\"d\",\"verdict\":\"fail\","
	expect_json(R_FP "\"sub\":\"Whole-Indirect\"}", PF_DIAG_MALFORMED, "sub", "fingerprint");
	expect_json(R_FP "\"sub\":\"a//b\"}", PF_DIAG_MALFORMED, "sub", "fingerprint");
	expect_json(R_FP "\"sub\":\"a/\"}", PF_DIAG_MALFORMED, "sub", "fingerprint");
	expect_json(R_FP "\"sub\":\"\"}", PF_DIAG_MALFORMED, "sub", "fingerprint");
	expect_json(R_FP "\"subs\":[\"a\",\"b c\"]}", PF_DIAG_MALFORMED, "subs", "fingerprints");
	expect_json(R_FP "\"subs\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]}",
		    PF_DIAG_MALFORMED, "subs", "at most 8");
	expect_json(R_FP "\"subs_more\":1}", PF_DIAG_MALFORMED, "subs_more", "true or false");
	expect_json("{\"t\":\"result\",\"test\":\"a\",\"dev\":\"d\",\"verdict\":\"skipped\"}",
		    PF_DIAG_MALFORMED, "verdict", "unknown value");
#undef R_FP
}

/* A result with fingerprints and verdict na is accepted. */
static void fingerprints_accepted(void **state)
{
	const char *ok[] = {
		"{\"t\":\"result\",\"test\":\"a\",\"dev\":\"d\",\"verdict\":\"na\"}",
		"{\"t\":\"result\",\"test\":\"a\",\"dev\":\"d\",\"verdict\":\"fail\","
		"\"sub\":\"whole-indirect/blk-status\",\"subs\":[\"whole-indirect/"
		"blk-status\",\"reset-2\"],"
		"\"subs_more\":true}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		json_t *rec = json_loads(ok[i], 0, NULL);
		const char *field;
		char msg[256];

		assert_non_null(rec);
		if (pf_record_validate(rec, &field, msg, sizeof(msg)) != PF_DIAG_KIND_COUNT)
			fail_msg("%s refused: %s", ok[i], msg);
		json_decref(rec);
	}
	assert_false(pf_fingerprint_ok("x/y/"));
	assert_true(pf_fingerprint_ok("direct-then-indirect/no-used"));
}

static void hello_rules(void **state)
{
	struct cap *c = cap_new();

	(void)state;
	/* Protocol 3 content under a version 2 marker. */
	feed_line(c, 0, "{\"t\":\"hello\",\"proto\":3,\"probe\":\"0.1\",\"arch\":\"x\"}");
	/* A hello must start a sequence. */
	feed_line(c, 3, HELLO);
	assert_tally(c, 0, 2);
	assert_int_equal(c->diags[0].kind, PF_DIAG_MALFORMED);
	assert_string_equal(c->diags[0].field, "proto");
	assert_int_equal(c->diags[1].kind, PF_DIAG_MALFORMED);
	assert_string_equal(c->diags[1].field, "seq");
	assert_int_equal(c->diags[1].seq, 3);
	cap_free(c);
}

static void unknown_type(void **state)
{
	(void)state;
	expect_json("{\"t\":\"bogus\",\"x\":1}", PF_DIAG_UNKNOWN_TYPE, "t", "bogus");
}

/* Unknown members are ignored: forward compatibility. */
static void unknown_members_kept(void **state)
{
	struct cap *c = cap_new();

	(void)state;
	feed_line(c, 0,
		  "{\"t\":\"hello\",\"proto\":2,\"probe\":\"0.1\",\"arch\":\"x\",\"new\":[1]}");
	assert_tally(c, 1, 0);
	cap_free(c);
}

/* A line of `size` bytes from marker to checksum, valid in every other way. */
static char *sized_line(uint32_t seq, size_t size)
{
	static const char pre[] = "{\"t\":\"log\",\"level\":\"info\",\"msg\":\"";
	char head[16];
	size_t hn = (size_t)snprintf(head, sizeof(head), "%u ", seq);
	size_t fixed = PF_PROTO_MARKER_LEN + hn + strlen(pre) + 2 + 10;
	size_t pad = size - fixed;
	char *json = malloc(strlen(pre) + pad + 3), *l;

	strcpy(json, pre);
	memset(json + strlen(pre), 'x', pad);
	strcpy(json + strlen(pre) + pad, "\"}");
	l = mkline(seq, json);
	free(json);
	assert_int_equal(strlen(l), size + 1);
	return l;
}

static void oversized(void **state)
{
	struct cap *c = cap_new();
	char *big = sized_line(1, 100 * 1024);
	char *max = sized_line(2, PF_PROTO_MAX_LINE);
	char *over = sized_line(3, PF_PROTO_MAX_LINE + 1);
	const struct cdiag *d;

	(void)state;
	feed_line(c, 0, HELLO);
	/* Byte by byte too: the limit must hold however it is fed. */
	for (size_t i = 0; big[i]; i++)
		pf_stream_feed(c->s, &big[i], 1);
	feed_str(c, max);  /* exactly the limit: fine */
	feed_str(c, over); /* one more: dropped */
	feed_line(c, 4, END);
	assert_int_equal(c->nrec, 3);
	assert_int_equal(c->seqs[1], 2);
	assert_int_equal(count_kind(c, PF_DIAG_OVERSIZED), 2);
	d = first_kind(c, PF_DIAG_OVERSIZED);
	assert_int_equal(d->seq, 1);
	assert_non_null(strstr(d->msg, "102400"));
	assert_diag(c, 2, PF_DIAG_OVERSIZED, 3);
	assert_non_null(strstr(c->diags[2].msg, "8193"));
	/* Records 1 and 3 are missing from the kept sequence. */
	assert_int_equal(count_kind(c, PF_DIAG_GAP), 2);
	assert_int_equal(c->ndiag, 4);
	free(big);
	free(max);
	free(over);
	cap_free(c);
}

/* An oversized line that ends in a new record: the record survives. */
static void oversized_then_marker(void **state)
{
	struct cap *c = cap_new();
	char *big = sized_line(1, 20000), *l = mkline(2, END);

	(void)state;
	feed_line(c, 0, HELLO);
	big[strlen(big) - 1] = '\0'; /* no newline */
	feed_str(c, big);
	feed_str(c, l);
	assert_int_equal(c->nrec, 2);
	assert_string_equal(rec_type(c, 1), "end");
	assert_int_equal(count_kind(c, PF_DIAG_OVERSIZED), 1);
	assert_int_equal(count_kind(c, PF_DIAG_GAP), 1);
	free(big);
	free(l);
	cap_free(c);
}

static void long_noise_is_chunked(void **state)
{
	struct cap *c = cap_new();
	char *noise = malloc(10001);

	(void)state;
	memset(noise, 'n', 10000);
	noise[10000] = '\n';
	pf_stream_feed(c->s, noise, 10001);
	assert_int_equal(c->ncon, 3);
	assert_int_equal(c->con_len[0], PF_STREAM_CONSOLE_CHUNK);
	assert_int_equal(c->con_len[1], PF_STREAM_CONSOLE_CHUNK);
	assert_int_equal(c->con_len[2], 10000 - 2 * PF_STREAM_CONSOLE_CHUNK);
	assert_int_equal(c->con_bytes, 10000);
	free(noise);
	cap_free(c);
}

static void truncated_last_line(void **state)
{
	struct cap *c = cap_new();
	char *l = mkline(2, LOG);
	const struct cdiag *d;

	(void)state;
	feed_lines_n(c, NULL, 0, HELLO, DEVICE, NULL);
	pf_stream_feed(c->s, l, strlen(l) / 2);
	pf_stream_finish(c->s);
	assert_tally(c, 2, 2);
	d = first_kind(c, PF_DIAG_TRUNCATED);
	assert_int_equal(d->seq, 2);
	assert_int_equal(d->line, 3);
	d = first_kind(c, PF_DIAG_NO_END);
	assert_non_null(strstr(d->msg, "without an end"));
	free(l);
	cap_free(c);
}

static void finish_without_records(void **state)
{
	struct cap *c = cap_new();

	(void)state;
	feed_str(c, "firmware only\n");
	pf_stream_finish(c->s);
	assert_int_equal(c->ndiag, 1);
	assert_int_equal(c->diags[0].kind, PF_DIAG_NO_END);
	assert_non_null(strstr(c->diags[0].msg, "without any record"));
	cap_free(c);
}

/* A record cut short by a new one on the same line (guest reset, aborted
 * record): the second is recovered, the first diagnosed. */
static void interrupted_record(void **state)
{
	struct cap *c = cap_new();
	char *l = mkline(2, END);

	(void)state;
	feed_line(c, 0, HELLO);
	feed_str(c, "@@PF2 1 {\"t\":\"log\",\"level\":\"in");
	feed_str(c, l);
	assert_int_equal(c->nrec, 2);
	assert_int_equal(c->seqs[1], 2);
	assert_int_equal(c->ndiag, 2);
	assert_diag(c, 0, PF_DIAG_MALFORMED, 1);
	assert_non_null(strstr(c->diags[0].msg, "interrupted"));
	assert_int_equal(c->diags[1].kind, PF_DIAG_GAP);
	/* The recovered record's position is its own marker. */
	free(l);
	l = mkline(0, HELLO);
	assert_int_equal(c->rec_off[1] - c->rec_off[0],
			 strlen(l) + strlen("@@PF2 1 {\"t\":\"log\",\"level\":\"in"));
	free(l);
	cap_free(c);
}

static void embedded_nuls(void **state)
{
	struct cap *c = cap_new();
	static const char noise[] = "ab\0cd\0\n";
	char *l = mkline(1, LOG);
	const struct cdiag *d;

	(void)state;
	feed_line(c, 0, HELLO);
	pf_stream_feed(c->s, noise, sizeof(noise) - 1);
	l[20] = '\0'; /* inside the JSON */
	pf_stream_feed(c->s, l, strlen(l + 21) + 21);
	feed_line(c, 1, END);
	assert_int_equal(c->ncon, 1);
	assert_int_equal(c->con_len[0], 6);
	assert_int_equal(memcmp(c->con[0], "ab\0cd\0", 6), 0);
	assert_int_equal(c->nrec, 2);
	assert_int_equal(c->seqs[1], 1);
	assert_int_equal(c->ndiag, 1);
	d = first_kind(c, PF_DIAG_BINARY);
	assert_int_equal(d->seq, 1);
	assert_non_null(strstr(d->msg, "0x00"));
	free(l);
	cap_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_one_feed),
		cmocka_unit_test(valid_byte_by_byte),
		cmocka_unit_test(noise_around_records),
		cmocka_unit_test(crlf_line_endings),
		cmocka_unit_test(marker_inside_json_string),
		cmocka_unit_test(bad_checksum),
		cmocka_unit_test(malformed_framing),
		cmocka_unit_test(malformed_json),
		cmocka_unit_test(fingerprints_accepted),
		cmocka_unit_test(missing_members),
		cmocka_unit_test(verdict_na_accepted),
		cmocka_unit_test(hello_rules),
		cmocka_unit_test(unknown_type),
		cmocka_unit_test(unknown_members_kept),
		cmocka_unit_test(oversized),
		cmocka_unit_test(oversized_then_marker),
		cmocka_unit_test(long_noise_is_chunked),
		cmocka_unit_test(truncated_last_line),
		cmocka_unit_test(finish_without_records),
		cmocka_unit_test(interrupted_record),
		cmocka_unit_test(embedded_nuls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

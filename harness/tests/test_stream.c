/* SPDX-License-Identifier: MIT */
/*
 * Stream parser and journal: framing, checksums, validation, sequence
 * tracking, noise tolerance, bounded memory, journal write and replay.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ingest/journal.h"
#include "pf/proto.h"
#include "ingest/stream.h"
#include "util/fs.h"

/* ---- capture -------------------------------------------------------- */

#define MAX_DIAGS 1024
#define MAX_CON 64

struct cdiag {
	enum pf_diag_kind kind;
	int64_t seq;
	uint32_t missing;
	uint64_t line, offset;
	char field[32];
	char msg[256];
};

struct cap {
	json_t *recs; /* copies of the records */
	json_t *raws; /* raw lines as strings */
	uint32_t seqs[4096];
	size_t nrec;
	struct cdiag diags[MAX_DIAGS];
	size_t ndiag;
	char *con[MAX_CON]; /* first console lines, NUL-terminated copies */
	size_t con_len[MAX_CON];
	size_t ncon;
	size_t con_bytes, con_max;
	struct pf_stream *s; /* for pf_stream_position */
	uint64_t rec_line[4096], rec_off[4096];
	struct pf_journal *j; /* optional: journal everything */
	json_t *notes;	      /* replayed notes */
};

static void on_record(void *ctx, uint32_t seq, json_t *rec, const char *raw, size_t len)
{
	struct cap *c = ctx;

	assert_true(c->nrec < 4096);
	assert_int_equal(memcmp(raw, PF_PROTO_MARKER, PF_PROTO_MARKER_LEN), 0);
	assert_null(memchr(raw, '\n', len));
	c->seqs[c->nrec] = seq;
	if (c->s)
		pf_stream_position(c->s, &c->rec_line[c->nrec], &c->rec_off[c->nrec]);
	if (c->j) {
		assert_int_equal(pf_journal_record(c->j, seq, raw, len, c->rec_line[c->nrec],
						   c->rec_off[c->nrec]),
				 0);
	}
	c->nrec++;
	json_array_append_new(c->recs, json_deep_copy(rec));
	json_array_append_new(c->raws, json_stringn(raw, len));
}

static void on_diag(void *ctx, const struct pf_diag *d)
{
	struct cap *c = ctx;
	struct cdiag *x;

	assert_non_null(d->message);
	if (c->j)
		assert_int_equal(pf_journal_diag(c->j, d), 0);
	if (c->ndiag == MAX_DIAGS)
		return;
	x = &c->diags[c->ndiag++];
	x->kind = d->kind;
	x->seq = d->seq;
	x->missing = d->missing;
	x->line = d->line;
	x->offset = d->offset;
	snprintf(x->field, sizeof(x->field), "%s", d->field ? d->field : "");
	snprintf(x->msg, sizeof(x->msg), "%s", d->message);
}

static void on_console(void *ctx, const char *line, size_t len)
{
	struct cap *c = ctx;

	assert_true(len <= PF_STREAM_CONSOLE_CHUNK);
	c->con_bytes += len;
	if (len > c->con_max)
		c->con_max = len;
	if (c->ncon < MAX_CON) {
		c->con[c->ncon] = malloc(len + 1);
		memcpy(c->con[c->ncon], line, len);
		c->con[c->ncon][len] = '\0';
		c->con_len[c->ncon] = len;
	}
	c->ncon++;
}

static const struct pf_stream_callbacks cbs = { on_record, on_diag, on_console };

static struct cap *cap_new(void)
{
	struct cap *c = calloc(1, sizeof(*c));

	c->recs = json_array();
	c->raws = json_array();
	c->notes = json_array();
	c->s = pf_stream_new(&cbs, c);
	assert_non_null(c->s);
	return c;
}

static void cap_free(struct cap *c)
{
	for (size_t i = 0; i < c->ncon && i < MAX_CON; i++)
		free(c->con[i]);
	json_decref(c->recs);
	json_decref(c->raws);
	json_decref(c->notes);
	pf_stream_free(c->s);
	free(c);
}

static size_t count_kind(const struct cap *c, enum pf_diag_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < c->ndiag; i++)
		n += c->diags[i].kind == k;
	return n;
}

static const struct cdiag *first_kind(const struct cap *c, enum pf_diag_kind k)
{
	for (size_t i = 0; i < c->ndiag; i++)
		if (c->diags[i].kind == k)
			return &c->diags[i];
	fail_msg("no diagnostic of kind %s", pf_diag_kind_name(k));
	return NULL;
}

static const char *rec_type(const struct cap *c, size_t i)
{
	return json_string_value(json_object_get(json_array_get(c->recs, i), "t"));
}

static void feed_str(struct cap *c, const char *s)
{
	pf_stream_feed(c->s, s, strlen(s));
}

/* ---- line builders -------------------------------------------------- */

/* "@@PF2 <seq> <json> *<crc>\n", CRC computed like the probe does: over
 * the nonce (none: NULL) and then "<seq> <json>". */
static char *mkline_n(const char *nonce, uint32_t seq, const char *json)
{
	char head[16];
	int hn = snprintf(head, sizeof(head), "%u ", seq);
	uint32_t seed = pf_proto_crc_seed(nonce, nonce ? strlen(nonce) : 0);
	uint32_t crc = pf_crc32_update(pf_crc32_update(seed, head, (size_t)hn), json, strlen(json));
	size_t n = PF_PROTO_MARKER_LEN + (size_t)hn + strlen(json) + 12;
	char *l = malloc(n);

	snprintf(l, n, "%s%s%s *%08x\n", PF_PROTO_MARKER, head, json, crc);
	return l;
}

static char *mkline(uint32_t seq, const char *json)
{
	return mkline_n(NULL, seq, json);
}

static void feed_line(struct cap *c, uint32_t seq, const char *json)
{
	char *l = mkline(seq, json);

	feed_str(c, l);
	free(l);
}

#define HELLO                                                                  \
	"{\"t\":\"hello\",\"proto\":2,\"probe\":\"0.1\",\"arch\":\"aarch64\"," \
	"\"image\":\"abc123\",\"options\":{\"seed\":1}}"
#define DEVICE                                                               \
	"{\"t\":\"device\",\"dev\":\"mmio@0a000000\",\"type\":\"blk\","      \
	"\"device_id\":2,\"transport\":\"mmio\",\"address\":\"0x0a000000\"," \
	"\"vendor_id\":1363365455,\"version\":2,\"mode\":\"modern\","        \
	"\"features\":\"0x130000064\",\"feature_bits\":[2,5,6,32],"          \
	"\"queues\":[{\"index\":0,\"max_size\":256}]}"
#define BEGIN \
	"{\"t\":\"begin\",\"step\":1,\"test\":\"basic.init.sequence\",\"dev\":\"mmio@0a000000\"}"
#define RESULT                                                               \
	"{\"t\":\"result\",\"step\":1,\"test\":\"basic.init.sequence\","     \
	"\"dev\":\"mmio@0a000000\",\"verdict\":\"pass\",\"level\":\"must\"," \
	"\"reqs\":[\"basic.reset.status-zero\"],\"msg\":\"ok\",\"us\":120}"
#define METRIC "{\"t\":\"metric\",\"name\":\"boot_us\",\"value\":1234.5,\"unit\":\"us\"}"
#define LOG "{\"t\":\"log\",\"level\":\"info\",\"msg\":\"hello \\\"world\\\"\"}"
#define END "{\"t\":\"end\",\"counts\":{\"pass\":1},\"records\":6,\"status\":\"ok\"}"

static const char *const session[] = { HELLO, DEVICE, BEGIN, RESULT, METRIC, LOG, END };
#define NSESSION (sizeof(session) / sizeof(session[0]))

/* The whole session as one buffer (caller frees). */
static char *session_text(const char *sep_before, const char *eol)
{
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap);

	buf[0] = '\0';
	for (size_t i = 0; i < NSESSION; i++) {
		char *l = mkline((uint32_t)i, session[i]);
		size_t ll = strlen(l);

		l[ll - 1] = '\0';
		n += (size_t)snprintf(buf + n, cap - n, "%s%s%s", sep_before, l, eol);
		free(l);
	}
	assert_true(n < cap);
	return buf;
}

static void assert_session(const struct cap *c)
{
	assert_int_equal(c->nrec, NSESSION);
	for (size_t i = 0; i < NSESSION; i++) {
		json_t *want = json_loads(session[i], 0, NULL);

		assert_int_equal(c->seqs[i], i);
		assert_true(json_equal(want, json_array_get(c->recs, i)));
		json_decref(want);
	}
	assert_string_equal(rec_type(c, 3), "result");
}

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
	assert_int_equal(c->nrec, 2);
	assert_int_equal(c->ndiag, 0);
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
	assert_int_equal(c->nrec, 2);
	assert_int_equal(c->ndiag, 2);
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
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(c->recs, 1), "verdict")), "na");
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
	assert_int_equal(c->nrec, 0);
	assert_int_equal(c->ndiag, 2);
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
	assert_int_equal(c->nrec, 1);
	assert_int_equal(c->ndiag, 0);
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
	assert_int_equal(c->diags[2].kind, PF_DIAG_OVERSIZED);
	assert_int_equal(c->diags[2].seq, 3);
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
	feed_line(c, 0, HELLO);
	feed_line(c, 1, DEVICE);
	pf_stream_feed(c->s, l, strlen(l) / 2);
	pf_stream_finish(c->s);
	assert_int_equal(c->nrec, 2);
	assert_int_equal(c->ndiag, 2);
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
	assert_int_equal(c->diags[0].kind, PF_DIAG_MALFORMED);
	assert_int_equal(c->diags[0].seq, 1);
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

/* ---- tests: sequence ------------------------------------------------ */

static void duplicate_seq(void **state)
{
	struct cap *c = cap_new();

	(void)state;
	feed_line(c, 0, HELLO);
	feed_line(c, 1, DEVICE);
	feed_line(c, 2, LOG);
	feed_line(c, 2, LOG);	 /* identical */
	feed_line(c, 1, METRIC); /* same number, other content */
	feed_line(c, 3, END);
	assert_int_equal(c->nrec, 4);
	assert_int_equal(c->ndiag, 2);
	assert_int_equal(c->diags[0].kind, PF_DIAG_DUPLICATE);
	assert_int_equal(c->diags[0].seq, 2);
	assert_int_equal(c->diags[1].kind, PF_DIAG_DUPLICATE);
	assert_int_equal(c->diags[1].seq, 1);
	assert_string_equal(rec_type(c, 3), "end");
	cap_free(c);
}

static void gap_seq(void **state)
{
	struct cap *c = cap_new();

	(void)state;
	feed_line(c, 0, HELLO);
	feed_line(c, 1, DEVICE);
	feed_line(c, 4, LOG);
	feed_line(c, 5, END);
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
	feed_line(c, 0, HELLO);
	feed_line(c, 1, DEVICE);
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
	assert_int_equal(c->diags[1].kind, PF_DIAG_OUT_OF_ORDER);
	assert_int_equal(c->diags[1].seq, 2);
	assert_int_equal(c->diags[3].kind, PF_DIAG_DUPLICATE);
	cap_free(c);
}

static void second_hello_resets(void **state)
{
	struct cap *c = cap_new();

	(void)state;
	feed_line(c, 0, HELLO);
	feed_line(c, 1, DEVICE);
	feed_line(c, 2, BEGIN);
	/* Guest restarted mid-check: numbering starts again; the first boot
	 * is reported as never ended, nothing else. */
	feed_str(c, "\nreset\n");
	feed_line(c, 0, HELLO);
	feed_line(c, 1, DEVICE);
	feed_line(c, 2, END);
	pf_stream_finish(c->s);
	assert_int_equal(c->nrec, 6);
	assert_int_equal(c->ndiag, 1);
	assert_int_equal(c->diags[0].kind, PF_DIAG_NO_END);
	assert_int_equal(c->diags[0].line, 6);
	assert_non_null(strstr(c->diags[0].msg, "next seq would have been 3"));
	/* After an end, a new hello is an ordinary new boot. */
	feed_line(c, 0, HELLO);
	feed_line(c, 1, END);
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
	feed_line(c, 5, LOG);
	feed_line(c, 6, END);
	pf_stream_finish(c->s);
	assert_int_equal(c->nrec, 2);
	assert_int_equal(c->ndiag, 1);
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
	for (size_t i = 0; i < n;) {
		size_t k = 1 + (size_t)(rng() % 4096);

		if (k > n - i)
			k = n - i;
		pf_stream_feed(c->s, buf + i, k);
		i += k;
	}
	pf_stream_finish(c->s);
	assert_int_equal(c->nrec, 0);
	assert_int_equal(c->ndiag, 1);
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
	for (size_t i = 0; i < len;) {
		size_t k = 1 + (size_t)(rng() % 977);

		if (k > len - i)
			k = len - i;
		pf_stream_feed(c->s, buf + i, k);
		i += k;
	}
	pf_stream_finish(c->s);
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

/* ---- tests: run nonce and protocol version ---------------------------- */

#define NONCE_A "0123456789abcdef0123456789abcdef"
#define NONCE_B "fedcba9876543210fedcba9876543210"
#define HELLO_N(n)                                                            \
	"{\"t\":\"hello\",\"proto\":2,\"nonce\":\"" n "\",\"probe\":\"0.1\"," \
	"\"arch\":\"aarch64\",\"image\":\"abc123\",\"options\":{\"seed\":1}}"

static void feed_line_n(struct cap *c, const char *nonce, uint32_t seq, const char *json)
{
	char *l = mkline_n(nonce, seq, json);

	feed_str(c, l);
	free(l);
}

/* The session of one run: a hello carrying hello_nonce, the records
 * checksummed with crc_nonce. */
static void feed_session_n(struct cap *c, const char *hello, const char *crc_nonce)
{
	feed_line_n(c, crc_nonce, 0, hello);
	for (size_t i = 1; i < NSESSION; i++)
		feed_line_n(c, crc_nonce, (uint32_t)i, session[i]);
}

static struct cap *cap_new_nonce(const char *nonce)
{
	struct cap *c = cap_new();

	assert_int_equal(pf_stream_set_nonce(c->s, nonce), 0);
	return c;
}

/* CRC-32 known answers. The values were computed once with an independent
 * implementation (zlib's crc32 via Python, and gzip's trailer for
 * "123456789") and pasted here, so an error shared by the framing code and
 * the test's own line builder cannot pass unnoticed. */
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
	assert_int_equal(c->nrec, 1);
	assert_int_equal(c->ndiag, 0);
	cap_free(c);

	c = cap_new_nonce(NONCE_B);
	feed_str(c, KAT_LINE);
	assert_int_equal(c->nrec, 0);
	assert_int_equal(count_kind(c, PF_DIAG_NONCE), 1);
	cap_free(c);
}

static void nonce_right_accepted(void **state)
{
	struct cap *c = cap_new_nonce(NONCE_A);

	(void)state;
	feed_session_n(c, HELLO_N(NONCE_A), NONCE_A);
	pf_stream_finish(c->s);
	assert_int_equal(c->nrec, NSESSION);
	assert_int_equal(c->ndiag, 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(c->recs, 0), "nonce")),
			    NONCE_A);
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
	assert_int_equal(c->nrec, 0);
	assert_int_equal(c->ndiag, 1);
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
	assert_int_equal(c->nrec, 0);
	assert_int_equal(count_kind(c, PF_DIAG_NONCE), 1);
	assert_non_null(strstr(first_kind(c, PF_DIAG_NONCE)->msg, "carries nonce fedcba987654"));
	cap_free(c);
}

/* A probe that did not get pf.nonce checksums without one. */
static void checksum_without_nonce(void **state)
{
	struct cap *c = cap_new_nonce(NONCE_A);

	(void)state;
	feed_session_n(c, HELLO_N(NONCE_A), NULL);
	assert_int_equal(c->nrec, 0);
	assert_int_equal(count_kind(c, PF_DIAG_NONCE), NSESSION);
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
	feed_line_n(c, NONCE_B, 0, HELLO_N(NONCE_B));
	feed_line_n(c, NONCE_B, 1, DEVICE);
	feed_line_n(c, NONCE_A, 1, DEVICE);
	assert_int_equal(c->nrec, 2);
	assert_int_equal(count_kind(c, PF_DIAG_NONCE), 2);
	cap_free(c);
}

/* A guest restarted within the run keeps the run's nonce: both boots are
 * accepted; a restart that comes back with another nonce is not. */
static void restart_keeps_nonce(void **state)
{
	struct cap *c = cap_new_nonce(NONCE_A);

	(void)state;
	feed_line_n(c, NONCE_A, 0, HELLO_N(NONCE_A));
	feed_line_n(c, NONCE_A, 1, DEVICE);
	feed_line_n(c, NONCE_A, 2, BEGIN);
	pf_stream_finish(c->s); /* the VMM died mid-check */
	feed_line_n(c, NONCE_A, 0, HELLO_N(NONCE_A));
	feed_line_n(c, NONCE_A, 1, DEVICE);
	feed_line_n(c, NONCE_A, 2, END);
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
	assert_int_equal(c->nrec, 0);
	assert_int_equal(count_kind(c, PF_DIAG_VERSION), 3);
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
	char p[512];

	(void)state;
	snprintf(p, sizeof(p), "%s/" PF_JOURNAL_FILE, tmpdir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/" PF_JOURNAL_CONSOLE, tmpdir);
	unlink(p);
	rmdir(tmpdir);
	return 0;
}

static void note_cb(void *ctx, json_t *note)
{
	json_array_append(((struct cap *)ctx)->notes, note);
}

static char *slurp(const char *path, size_t *len)
{
	char *buf;

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
		cmocka_unit_test(valid_one_feed),
		cmocka_unit_test(crc32_known_answers),
		cmocka_unit_test(crc32_known_line),
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

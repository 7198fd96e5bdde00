/* SPDX-License-Identifier: MIT */
/*
 * What the stream parser's tests share: a capture of everything the parser
 * delivers, builders of framed record lines (with or without a run nonce)
 * and a small valid session.
 */
#ifndef PF_TEST_STREAM_HELPERS_H
#define PF_TEST_STREAM_HELPERS_H

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
#include "util/json.h"

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

static inline void on_record(void *ctx, uint32_t seq, json_t *rec, const char *raw, size_t len)
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

static inline void on_diag(void *ctx, const struct pf_diag *d)
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

static inline void on_console(void *ctx, const char *line, size_t len)
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

static const struct pf_stream_callbacks cbs
	__attribute__((unused)) = { on_record, on_diag, on_console };

static inline struct cap *cap_new(void)
{
	struct cap *c = calloc(1, sizeof(*c));

	c->recs = json_array();
	c->raws = json_array();
	c->notes = json_array();
	c->s = pf_stream_new(&cbs, c);
	assert_non_null(c->s);
	return c;
}

static inline void cap_free(struct cap *c)
{
	for (size_t i = 0; i < c->ncon && i < MAX_CON; i++)
		free(c->con[i]);
	json_decref(c->recs);
	json_decref(c->raws);
	json_decref(c->notes);
	pf_stream_free(c->s);
	free(c);
}

static inline size_t count_kind(const struct cap *c, enum pf_diag_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < c->ndiag; i++)
		n += c->diags[i].kind == k;
	return n;
}

static inline const struct cdiag *first_kind(const struct cap *c, enum pf_diag_kind k)
{
	for (size_t i = 0; i < c->ndiag; i++)
		if (c->diags[i].kind == k)
			return &c->diags[i];
	fail_msg("no diagnostic of kind %s", pf_diag_kind_name(k));
	return NULL;
}

static inline const char *rec_type(const struct cap *c, size_t i)
{
	return pf_json_string_get(json_array_get(c->recs, i), "t", NULL);
}

static inline void feed_str(struct cap *c, const char *s)
{
	pf_stream_feed(c->s, s, strlen(s));
}

/* ---- line builders -------------------------------------------------- */

/* "@@PF2 <seq> <json> *<crc>\n", CRC computed like the probe does: over
 * the nonce (none: NULL) and then "<seq> <json>". */
static inline char *mkline_n(const char *nonce, uint32_t seq, const char *json)
{
	char head[16];
	int hn = snprintf(head, sizeof(head), "%u ", seq);
	uint32_t seed = pf_proto_crc_seed(nonce, nonce ? strlen(nonce) : 0);
	uint32_t crc = pf_crc32_update(pf_crc32_update(seed, head, (size_t)hn), json, strlen(json));
	int n = snprintf(NULL, 0, "%s%s%s *%08x\n", PF_PROTO_MARKER, head, json, crc);
	char *l = malloc((size_t)n + 1);

	if (l)
		snprintf(l, (size_t)n + 1, "%s%s%s *%08x\n", PF_PROTO_MARKER, head, json, crc);
	return l;
}

static inline char *mkline(uint32_t seq, const char *json)
{
	return mkline_n(NULL, seq, json);
}

static inline void feed_line(struct cap *c, uint32_t seq, const char *json)
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

static const char *const session[]
	__attribute__((unused)) = { HELLO, DEVICE, BEGIN, RESULT, METRIC, LOG, END };
#define NSESSION (sizeof(session) / sizeof(session[0]))

/* The whole session as one buffer (caller frees). */
static inline char *session_text(const char *sep_before, const char *eol)
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

static inline void assert_session(const struct cap *c)
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

/* ---- tests: run nonce and protocol version ---------------------------- */

#define NONCE_A "0123456789abcdef0123456789abcdef"
#define NONCE_B "fedcba9876543210fedcba9876543210"
#define HELLO_N(n)                                                            \
	"{\"t\":\"hello\",\"proto\":2,\"nonce\":\"" n "\",\"probe\":\"0.1\"," \
	"\"arch\":\"aarch64\",\"image\":\"abc123\",\"options\":{\"seed\":1}}"

static inline void feed_line_n(struct cap *c, const char *nonce, uint32_t seq, const char *json)
{
	char *l = mkline_n(nonce, seq, json);

	feed_str(c, l);
	free(l);
}

/* Feeds the NULL-terminated records as lines numbered from seq up,
 * checksummed with nonce (none: NULL). */
static inline void feed_lines_n(struct cap *c, const char *nonce, uint32_t seq, ...)
	__attribute__((sentinel));

static inline void feed_lines_n(struct cap *c, const char *nonce, uint32_t seq, ...)
{
	const char *json;
	va_list ap;

	va_start(ap, seq);
	while ((json = va_arg(ap, const char *)))
		feed_line_n(c, nonce, seq++, json);
	va_end(ap);
}

/* c received nrec records and raised ndiag diagnostics. */
static inline void assert_tally(const struct cap *c, size_t nrec, size_t ndiag)
{
	assert_int_equal(c->nrec, nrec);
	assert_int_equal(c->ndiag, ndiag);
}

/* c received nrec records and raised n diagnostics of that kind. */
static inline void assert_tally_kind(const struct cap *c, size_t nrec, enum pf_diag_kind kind,
				     size_t n)
{
	assert_int_equal(c->nrec, nrec);
	assert_int_equal(count_kind(c, kind), n);
}

/* c's i-th diagnostic is of that kind, about the line numbered seq. */
static inline void assert_diag(const struct cap *c, size_t i, enum pf_diag_kind kind, uint32_t seq)
{
	assert_int_equal(c->diags[i].kind, kind);
	assert_int_equal(c->diags[i].seq, seq);
}

/* The session of one run: a hello carrying hello_nonce, the records
 * checksummed with crc_nonce. */
static inline void feed_session_n(struct cap *c, const char *hello, const char *crc_nonce)
{
	feed_line_n(c, crc_nonce, 0, hello);
	for (size_t i = 1; i < NSESSION; i++)
		feed_line_n(c, crc_nonce, (uint32_t)i, session[i]);
}

static inline struct cap *cap_new_nonce(const char *nonce)
{
	struct cap *c = cap_new();

	assert_int_equal(pf_stream_set_nonce(c->s, nonce), 0);
	return c;
}

/* CRC-32 known answers. The values were computed once with an independent
 * implementation (zlib's crc32 via Python, and gzip's trailer for
 * "123456789") and pasted here, so an error shared by the framing code and
 * the test's own line builder cannot pass unnoticed. */

#endif

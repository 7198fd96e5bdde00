/* SPDX-License-Identifier: MIT */
/*
 * One complete record line of the console stream: version, binary bytes,
 * framing (seq, trailer), checksum over the run's nonce and the body, JSON,
 * type, members, hello nonce, then the sequence (gaps, late records,
 * duplicates). Only a line that passes all of them reaches on_record.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/stream_internal.h"
#include "util/json.h"

/* ---- framing -------------------------------------------------------- */

struct frame {
	uint32_t seq;
	int64_t claimed_seq; /* what the digits say, -1 if none */
	const char *json;
	size_t json_len;
	const char *field;
	char msg[MSG_LEN];
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* the protocol says lowercase: anything else is damage */
}

/* Leading sequence digits of a body, for diagnostics of broken lines. */
int64_t pf_stream_peek_seq(const char *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n && i < 10 && p[i] >= '0' && p[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(p[i] - '0');
	return i && v <= UINT32_MAX ? (int64_t)v : -1;
}

/* First 12 hex digits of a nonce, for messages. */
static const char *nonce_short(const char *n, size_t len, char buf[16])
{
	snprintf(buf, 16, "%.*s%s", (int)(len < 12 ? len : 12), n, len > 12 ? "..." : "");
	return buf;
}

/*
 * A hello that fails the checksum under this run's nonce but verifies under
 * the nonce it carries is another run's hello: remember that nonce so the
 * rest of the replayed stream is recognised. Returns true when it is one.
 */
static bool foreign_hello(struct pf_stream *s, const char *body, size_t tail, const struct frame *f,
			  uint32_t want)
{
	json_t *rec = json_loadb(f->json, f->json_len, 0, NULL);
	const char *t = pf_json_string_get(rec, "t", NULL);
	const char *n = pf_json_string_get(rec, "nonce", NULL);
	size_t nl = n ? strlen(n) : 0;
	bool yes = false;

	if (t && n && strcmp(t, "hello") == 0 && pf_proto_nonce_ok(n, nl) &&
	    pf_crc32_update(pf_proto_crc_seed(n, nl), body, tail) == want) {
		memcpy(s->foreign, n, nl + 1);
		s->foreign_len = nl;
		s->foreign_seed = pf_proto_crc_seed(n, nl);
		yes = true;
	}
	json_decref(rec);
	return yes;
}

/*
 * Check version, binary bytes, framing and checksum of raw[0..len) (marker
 * included, CR/LF removed). Returns PF_DIAG_KIND_COUNT when the line is a
 * well-framed record with a good checksum, else the diagnostic kind, f->msg
 * filled.
 */
static enum pf_diag_kind check_frame(struct pf_stream *s, const char *raw, size_t len,
				     struct frame *f)
{
	const char *body = raw + PF_PROTO_MARKER_LEN;
	size_t blen = len - PF_PROTO_MARKER_LEN;
	size_t nd = 0, tail;
	uint64_t seq = 0;
	uint32_t want = 0, got;
	char a[16], b[16];

	f->field = NULL;
	f->claimed_seq = pf_stream_peek_seq(body, blen);
	if (raw[PF_PROTO_MARKER_DIGIT] != PF_PROTO_MARKER[PF_PROTO_MARKER_DIGIT]) {
		snprintf(f->msg, sizeof(f->msg),
			 "record of protocol version %c (marker @@PF%c): this runner "
			 "reads version %d only; use a probe image and runner of the "
			 "same release",
			 raw[PF_PROTO_MARKER_DIGIT], raw[PF_PROTO_MARKER_DIGIT], PF_PROTO_VERSION);
		return PF_DIAG_VERSION;
	}
	for (size_t i = 0; i < blen; i++) {
		unsigned char c = (unsigned char)body[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			snprintf(f->msg, sizeof(f->msg),
				 "record line holds binary byte 0x%02x at column %zu", c,
				 PF_PROTO_MARKER_LEN + i + 1);
			return PF_DIAG_BINARY;
		}
	}
	while (nd < blen && nd < 11 && body[nd] >= '0' && body[nd] <= '9')
		seq = seq * 10 + (uint64_t)(body[nd++] - '0');
	f->field = "seq";
	if (nd == 0 || nd > 10 || seq > UINT32_MAX) {
		snprintf(f->msg, sizeof(f->msg), "%s",
			 nd ? "sequence number out of range"
			    : "no sequence number after the marker");
		return PF_DIAG_MALFORMED;
	}
	if (nd > 1 && body[0] == '0') {
		snprintf(f->msg, sizeof(f->msg), "sequence number has leading zeros");
		return PF_DIAG_MALFORMED;
	}
	if (nd >= blen || body[nd] != ' ') {
		snprintf(f->msg, sizeof(f->msg), "no space after the sequence number");
		return PF_DIAG_MALFORMED;
	}
	f->field = "crc";
	/* Smallest record: "<seq> {} *xxxxxxxx". */
	if (blen < nd + 1 + 2 + TRAILER_LEN) {
		snprintf(f->msg, sizeof(f->msg), "line too short for a record");
		return PF_DIAG_MALFORMED;
	}
	tail = blen - TRAILER_LEN;
	if (body[tail] != ' ' || body[tail + 1] != '*') {
		snprintf(f->msg, sizeof(f->msg), "no ' *<crc32>' trailer at the end of the line");
		return PF_DIAG_MALFORMED;
	}
	for (size_t i = tail + 2; i < blen; i++) {
		int h = hexval(body[i]);

		if (h < 0) {
			snprintf(f->msg, sizeof(f->msg), "checksum is not 8 lowercase hex digits");
			return PF_DIAG_MALFORMED;
		}
		want = want << 4 | (uint32_t)h;
	}
	f->seq = (uint32_t)seq;
	f->json = body + nd + 1;
	f->json_len = tail - nd - 1;
	got = pf_crc32_update(s->seed, body, tail);
	if (got == want) {
		f->field = NULL;
		return PF_DIAG_KIND_COUNT;
	}
	if (s->nonce_len) {
		/* Name a stream that is not this run's rather than call it
		 * line noise: checksummed without a nonce, or with another
		 * run's (a recorded stream played back). */
		f->field = "nonce";
		nonce_short(s->nonce, s->nonce_len, a);
		if (pf_crc32_update(0, body, tail) == want) {
			snprintf(f->msg, sizeof(f->msg),
				 "checksum verifies without a nonce, not with this run's "
				 "(%s): the probe did not get pf.nonce or the stream was "
				 "recorded elsewhere; rejected",
				 a);
			return PF_DIAG_NONCE;
		}
		if (s->foreign_len && pf_crc32_update(s->foreign_seed, body, tail) == want) {
			snprintf(f->msg, sizeof(f->msg),
				 "record checksummed with another run's nonce (%s, this "
				 "run's is %s): a replayed stream; rejected",
				 nonce_short(s->foreign, s->foreign_len, b), a);
			return PF_DIAG_NONCE;
		}
		if (foreign_hello(s, body, tail, f, want)) {
			snprintf(f->msg, sizeof(f->msg),
				 "hello of another run (nonce %s, this run's is %s): a "
				 "recorded stream played back as a fresh run; rejected",
				 nonce_short(s->foreign, s->foreign_len, b), a);
			return PF_DIAG_NONCE;
		}
	}
	snprintf(f->msg, sizeof(f->msg), "checksum mismatch: line says %08x, content gives %08x",
		 want, got);
	return PF_DIAG_CHECKSUM;
}

/* Does p[0..k) match the first k bytes of a marker "@@PF<digit> "? */
bool pf_stream_marker_prefix(const char *p, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		if (i == PF_PROTO_MARKER_DIGIT) {
			if (p[i] < '0' || p[i] > '9')
				return false;
		} else if (p[i] != PF_PROTO_MARKER[i]) {
			return false;
		}
	}
	return true;
}

/* Position of the next marker (any version) in p[from..n), or n. */
size_t pf_stream_find_marker(const char *p, size_t n, size_t from)
{
	for (size_t i = from; i + PF_PROTO_MARKER_LEN <= n; i++)
		if (p[i] == '@' && pf_stream_marker_prefix(p + i, PF_PROTO_MARKER_LEN))
			return i;
	return n;
}

/* ---- sequence ------------------------------------------------------- */

static bool in_gap(const struct pf_stream *s, uint32_t seq)
{
	for (size_t i = 0; i < s->ngaps; i++)
		if (seq >= s->gaps[i].from && seq < s->gaps[i].to)
			return true;
	return false;
}

static void remember_gap(struct pf_stream *s, uint32_t from, uint32_t to)
{
	if (s->ngaps == s->gaps_cap) {
		size_t cap = s->gaps_cap ? s->gaps_cap * 2 : 16;
		struct gap *g;

		if (cap > MAX_GAPS)
			return;
		g = realloc(s->gaps, cap * sizeof(*g));
		if (!g)
			return; /* classification degrades, nothing else */
		s->gaps = g;
		s->gaps_cap = cap;
	}
	s->gaps[s->ngaps++] = (struct gap){ from, to };
}

/* Decide whether a record with this seq is kept; diagnose if not or if
 * records are missing before it. */
static bool sequence_accept(struct pf_stream *s, uint32_t seq, int type)
{
	uint64_t ln = s->rec_line, off = s->rec_offset;

	if (type == PF_REC_HELLO) {
		/* A guest restart: a new boot, a new sequence space. The boot
		 * before it never said `end`: it died or was reset. */
		if (s->need_end)
			pf_stream_diag(s, PF_DIAG_NO_END, ln, off, -1, 0, NULL,
				       "boot restarted (new hello) without an end record "
				       "(next seq would have been %u)",
				       s->expected);
		s->have_base = true;
		s->expected = 1;
		s->ngaps = 0;
		s->need_end = true;
		return true;
	}
	if (!s->have_base) {
		/* Attached mid-run, or the hello was lost. */
		if (seq > 0)
			pf_stream_diag(s, PF_DIAG_GAP, ln, off, seq, seq, NULL,
				       "%u record(s) missing before seq %u (no hello received)",
				       seq, seq);
		s->have_base = true;
		s->expected = seq + 1;
		s->need_end = true;
		return true;
	}
	if (seq == s->expected) {
		s->expected++;
		return true;
	}
	if (seq > s->expected) {
		uint32_t missing = seq - s->expected;

		pf_stream_diag(s, PF_DIAG_GAP, ln, off, seq, missing, NULL,
			       "%u record(s) missing: expected seq %u, got %u", missing,
			       s->expected, seq);
		remember_gap(s, s->expected, seq);
		s->expected = seq + 1;
		return true;
	}
	if (in_gap(s, seq))
		pf_stream_diag(s, PF_DIAG_OUT_OF_ORDER, ln, off, seq, 0, NULL,
			       "seq %u arrived after seq %u (went backwards); dropped", seq,
			       s->expected - 1);
	else
		pf_stream_diag(s, PF_DIAG_DUPLICATE, ln, off, seq, 0, NULL,
			       "seq %u was already received in this boot; dropped", seq);
	return false;
}

/* ---- a complete record line ----------------------------------------- */

/* Everything after framing and checksum: JSON, type, members, sequence. */
static void accept_framed(struct pf_stream *s, const char *raw, size_t len, const struct frame *f)
{
	char msg[MSG_LEN];
	const char *field = NULL;
	json_error_t err;
	enum pf_diag_kind k;
	json_t *rec;
	int type;

	rec = json_loadb(f->json, f->json_len, JSON_REJECT_DUPLICATES, &err);
	if (!rec) {
		pf_stream_diag(s, PF_DIAG_MALFORMED, s->rec_line, s->rec_offset, f->seq, 0, NULL,
			       "JSON: %s (at byte %d of the JSON)", err.text, err.position);
		return;
	}
	k = pf_record_validate(rec, &field, msg, sizeof(msg));
	if (k != PF_DIAG_KIND_COUNT) {
		pf_stream_diag(s, k, s->rec_line, s->rec_offset, f->seq, 0, field, "%s", msg);
		goto out;
	}
	type = pf_rec_type_from_name(pf_json_string_get(rec, "t", NULL));
	if (type == PF_REC_HELLO && f->seq != 0) {
		pf_stream_diag(s, PF_DIAG_MALFORMED, s->rec_line, s->rec_offset, f->seq, 0, "seq",
			       "hello must carry seq 0, got %u", f->seq);
		goto out;
	}
	if (type == PF_REC_HELLO && s->nonce_len) {
		const char *n = pf_json_string_get(rec, "nonce", NULL);
		char a[16], b[16];

		nonce_short(s->nonce, s->nonce_len, a);
		if (!n || !*n) {
			pf_stream_diag(s, PF_DIAG_NONCE, s->rec_line, s->rec_offset, f->seq, 0,
				       "nonce", "hello has no nonce (this run's is %s); rejected",
				       a);
			goto out;
		}
		if (strlen(n) != s->nonce_len || memcmp(n, s->nonce, s->nonce_len)) {
			pf_stream_diag(s, PF_DIAG_NONCE, s->rec_line, s->rec_offset, f->seq, 0,
				       "nonce",
				       "hello carries nonce %s, this run's is %s; rejected",
				       nonce_short(n, strlen(n), b), a);
			goto out;
		}
	}
	if (!sequence_accept(s, f->seq, type))
		goto out;
	if (type == PF_REC_HELLO)
		s->cnt.boots++;
	if (type == PF_REC_END)
		s->need_end = false;
	s->cnt.records++;
	s->cnt.by_type[type]++;
	s->since_finish++;
	s->cur_line = s->rec_line;
	s->cur_offset = s->rec_offset;
	if (s->cb.on_record)
		s->cb.on_record(s->ctx, f->seq, rec, raw, len);
out:
	json_decref(rec);
}

void pf_stream_record_line(struct pf_stream *s)
{
	const char *raw = s->rec;
	size_t len = s->rec_len;
	struct frame f, g;
	enum pf_diag_kind k;

	if (len && raw[len - 1] == '\r')
		len--;
	if (len > PF_PROTO_MAX_LINE) {
		pf_stream_diag(
			s, PF_DIAG_OVERSIZED, s->rec_line, s->rec_offset,
			pf_stream_peek_seq(raw + PF_PROTO_MARKER_LEN, len - PF_PROTO_MARKER_LEN), 0,
			NULL, "record line of %zu bytes exceeds %d; dropped", len,
			PF_PROTO_MAX_LINE);
		return;
	}
	k = check_frame(s, raw, len, &f);
	if (k == PF_DIAG_KIND_COUNT) {
		accept_framed(s, raw, len, &f);
		return;
	}
	/*
	 * A broken line may be a record cut short by a newer one (a guest that
	 * reset mid-record, an aborted record): if a later marker starts a
	 * well-framed record, the earlier part is what is lost. Only tried
	 * after failure, so a marker quoted inside a valid record is harmless.
	 */
	for (size_t p = pf_stream_find_marker(raw, len, PF_PROTO_MARKER_LEN); p < len;
	     p = pf_stream_find_marker(raw, len, p + 1)) {
		if (check_frame(s, raw + p, len - p, &g) != PF_DIAG_KIND_COUNT)
			continue;
		pf_stream_diag(s, PF_DIAG_MALFORMED, s->rec_line, s->rec_offset, f.claimed_seq, 0,
			       NULL, "record interrupted by a new marker at column %zu", p + 1);
		s->rec_offset += p;
		accept_framed(s, raw + p, len - p, &g);
		return;
	}
	pf_stream_diag(s, k, s->rec_line, s->rec_offset, f.claimed_seq, 0, f.field, "%s", f.msg);
}

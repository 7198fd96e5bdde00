/* SPDX-License-Identifier: MIT */
/*
 * Console stream parser. Bytes go through a small state machine:
 *
 *   NOISE      console text; the marker is matched incrementally so it is
 *              found wherever it starts, across any chunking
 *   RECORD     marker seen: bytes are kept (bounded by PF_PROTO_MAX_LINE)
 *              until the newline, then the line is checked as a whole
 *   OVERSIZED  the record outgrew the limit: bytes are only counted until
 *              the newline (or a new marker), then the line is diagnosed
 *
 * The marker is matched with any version digit ("@@PF<digit> ") so that a
 * stream of another protocol version is diagnosed as such instead of being
 * taken for noise.
 *
 * Checking order for a record line: version, binary bytes, framing (seq,
 * trailer), checksum (over the run's nonce and the body), JSON, type,
 * members, hello nonce, sequence. Only a line that passes all of them
 * reaches on_record (stream_line.c).
 */
#include "ingest/stream.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/stream_internal.h"

/* ---- delivery ------------------------------------------------------- */

void pf_stream_diag(struct pf_stream *s, enum pf_diag_kind kind, uint64_t line, uint64_t offset,
		    int64_t seq, uint32_t missing, const char *field, const char *fmt, ...)
{
	char msg[MSG_LEN];
	struct pf_diag d = {
		.kind = kind,
		.line = line,
		.offset = offset,
		.seq = seq,
		.missing = missing,
		.field = field,
		.message = msg,
	};
	va_list ap;

	s->cnt.diags++;
	if (++s->cnt.by_kind[kind] > PF_STREAM_DIAG_LIMIT) {
		/* Counted, summed up at finish: a flood stays bounded. */
		s->cnt.suppressed[kind]++;
		s->pending_suppressed[kind]++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->cb.on_diag)
		s->cb.on_diag(s->ctx, &d);
}

/* One summary per kind whose diagnostics were not all itemised. */
static void emit_suppressed(struct pf_stream *s)
{
	char msg[MSG_LEN];

	for (int k = 0; k < PF_DIAG_KIND_COUNT; k++) {
		struct pf_diag d = {
			.kind = PF_DIAG_SUPPRESSED,
			.seq = -1,
			.count = s->pending_suppressed[k],
			.field = pf_diag_kind_name((enum pf_diag_kind)k),
			.message = msg,
		};

		if (!d.count)
			continue;
		s->pending_suppressed[k] = 0;
		snprintf(msg, sizeof(msg),
			 "%llu further '%s' diagnostic(s) counted but not itemised "
			 "(at most %d per kind are)",
			 (unsigned long long)d.count, d.field, PF_STREAM_DIAG_LIMIT);
		if (s->cb.on_diag)
			s->cb.on_diag(s->ctx, &d);
	}
}

static void emit_console(struct pf_stream *s, const char *p, size_t n)
{
	s->cnt.console_lines++;
	s->line_spoke = true;
	if (s->cb.on_console_line)
		s->cb.on_console_line(s->ctx, p, n);
}

/* ---- byte state machine --------------------------------------------- */

/*
 * Advance the marker matcher with byte c. The pending bytes are
 * mbuf[0..mpos) followed by c; the longest suffix of them that can still
 * start a marker is kept in mbuf, and the leading bytes that cannot are
 * handed to noise_put when spill is true (dropped otherwise).
 */
static void noise_put(struct pf_stream *s, char c);

static void marker_feed(struct pf_stream *s, char c, bool spill)
{
	char pend[PF_PROTO_MARKER_LEN + 1];
	size_t n = s->mpos, k;

	if (n == 0 && c != '@') { /* the common case: plain text */
		if (spill)
			noise_put(s, c);
		return;
	}
	memcpy(pend, s->mbuf, n);
	pend[n++] = c;
	for (k = n < PF_PROTO_MARKER_LEN ? n : PF_PROTO_MARKER_LEN; k > 0; k--)
		if (pf_stream_marker_prefix(pend + n - k, k))
			break;
	if (spill)
		for (size_t i = 0; i < n - k; i++)
			noise_put(s, pend[i]);
	memcpy(s->mbuf, pend + n - k, k);
	s->mpos = k;
}

static void noise_put(struct pf_stream *s, char c)
{
	if (s->noise_len == sizeof(s->noise)) {
		emit_console(s, s->noise, s->noise_len);
		s->noise_len = 0;
	}
	s->noise[s->noise_len++] = c;
}

static void noise_flush_line(struct pf_stream *s)
{
	size_t n = s->noise_len;

	if (n && s->noise[n - 1] == '\r')
		n--;
	if (n || !s->line_spoke)
		emit_console(s, s->noise, n);
	s->noise_len = 0;
}

static void start_record(struct pf_stream *s)
{
	/* The marker's last byte is the current one. */
	s->state = ST_RECORD;
	s->mpos = 0;
	memcpy(s->rec, s->mbuf, PF_PROTO_MARKER_LEN);
	s->rec_len = PF_PROTO_MARKER_LEN;
	s->rec_line = s->line;
	s->rec_offset = s->offset + 1 - PF_PROTO_MARKER_LEN;
}

static void end_of_line(struct pf_stream *s)
{
	switch (s->state) {
	case ST_NOISE:
		for (size_t i = 0; i < s->mpos; i++)
			noise_put(s, s->mbuf[i]);
		noise_flush_line(s);
		break;
	case ST_RECORD:
		pf_stream_record_line(s);
		break;
	case ST_OVERSIZED:
		pf_stream_diag(s, PF_DIAG_OVERSIZED, s->rec_line, s->rec_offset,
			       pf_stream_peek_seq(s->rec + PF_PROTO_MARKER_LEN,
						  s->rec_len - PF_PROTO_MARKER_LEN),
			       0, NULL, "record line of %llu bytes exceeds %d; dropped",
			       (unsigned long long)s->over_len, PF_PROTO_MAX_LINE);
		break;
	}
	s->state = ST_NOISE;
	s->mpos = 0;
	s->noise_len = 0;
	s->line_spoke = false;
}

/* The record buffer is full and c does not end the line. */
static void record_overflow(struct pf_stream *s, char c)
{
	size_t last = s->rec_len, p;

	/* A newer marker inside the buffer: the older record was cut short. */
	for (p = pf_stream_find_marker(s->rec, s->rec_len, PF_PROTO_MARKER_LEN); p < s->rec_len;
	     p = pf_stream_find_marker(s->rec, s->rec_len, p + 1))
		last = p;
	if (last < s->rec_len) {
		pf_stream_diag(s, PF_DIAG_MALFORMED, s->rec_line, s->rec_offset,
			       pf_stream_peek_seq(s->rec + PF_PROTO_MARKER_LEN,
						  last - PF_PROTO_MARKER_LEN),
			       0, NULL, "record interrupted by a new marker at column %zu",
			       last + 1);
		memmove(s->rec, s->rec + last, s->rec_len - last);
		s->rec_len -= last;
		s->rec_offset += last;
		s->rec[s->rec_len++] = c;
		return;
	}
	/* Keep the first bytes (for the seq in the diagnostic), count the rest,
	 * and keep watching for a marker: a partial one may end the buffer. */
	s->state = ST_OVERSIZED;
	s->over_len = s->rec_len + 1;
	s->mpos = 0;
	for (size_t k = PF_PROTO_MARKER_LEN - 1; k > 0; k--) {
		if (pf_stream_marker_prefix(s->rec + s->rec_len - k, k)) {
			memcpy(s->mbuf, s->rec + s->rec_len - k, k);
			s->mpos = k;
			break;
		}
	}
	marker_feed(s, c, false);
}

static void feed_byte(struct pf_stream *s, char c)
{
	if (c == '\n') {
		end_of_line(s);
		s->cnt.lines++;
		s->line++;
		return;
	}
	switch (s->state) {
	case ST_NOISE: {
		marker_feed(s, c, true);
		if (s->mpos == PF_PROTO_MARKER_LEN) {
			if (s->noise_len)
				emit_console(s, s->noise, s->noise_len);
			s->noise_len = 0;
			start_record(s);
		}
		break;
	}
	case ST_RECORD:
		if (s->rec_len < REC_CAP)
			s->rec[s->rec_len++] = c;
		else
			record_overflow(s, c);
		break;
	case ST_OVERSIZED:
		s->over_len++;
		marker_feed(s, c, false);
		if (s->mpos == PF_PROTO_MARKER_LEN) {
			pf_stream_diag(
				s, PF_DIAG_OVERSIZED, s->rec_line, s->rec_offset,
				pf_stream_peek_seq(s->rec + PF_PROTO_MARKER_LEN,
						   s->rec_len - PF_PROTO_MARKER_LEN),
				0, NULL,
				"record line of more than %d bytes, cut by a new marker; dropped",
				PF_PROTO_MAX_LINE);
			start_record(s);
		}
		break;
	}
}

/* ---- public --------------------------------------------------------- */

struct pf_stream *pf_stream_new(const struct pf_stream_callbacks *cb, void *ctx)
{
	struct pf_stream *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (cb)
		s->cb = *cb;
	s->ctx = ctx;
	s->line = 1;
	s->state = ST_NOISE;
	return s;
}

void pf_stream_feed(struct pf_stream *s, const void *buf, size_t len)
{
	const char *p = buf;

	if (!s || !p)
		return;
	for (size_t i = 0; i < len; i++) {
		feed_byte(s, p[i]);
		s->offset++;
		s->cnt.bytes++;
	}
}

void pf_stream_finish(struct pf_stream *s)
{
	if (!s)
		return;
	switch (s->state) {
	case ST_NOISE:
		for (size_t i = 0; i < s->mpos; i++)
			noise_put(s, s->mbuf[i]);
		if (s->noise_len) {
			size_t n = s->noise_len;

			if (s->noise[n - 1] == '\r')
				n--;
			emit_console(s, s->noise, n);
		}
		break;
	case ST_RECORD:
	case ST_OVERSIZED:
		pf_stream_diag(
			s, PF_DIAG_TRUNCATED, s->rec_line, s->rec_offset,
			pf_stream_peek_seq(s->rec + PF_PROTO_MARKER_LEN,
					   s->rec_len - PF_PROTO_MARKER_LEN),
			0, NULL, "stream ended inside a record (%llu bytes, no newline)",
			(unsigned long long)(s->state == ST_RECORD ? s->rec_len : s->over_len));
		break;
	}
	s->state = ST_NOISE;
	s->mpos = 0;
	s->noise_len = 0;
	s->line_spoke = false;

	if (s->need_end)
		pf_stream_diag(s, PF_DIAG_NO_END, 0, 0, -1, 0, NULL,
			       "stream ended without an end record (next seq would be %u)",
			       s->expected);
	else if (!s->since_finish)
		pf_stream_diag(s, PF_DIAG_NO_END, 0, 0, -1, 0, NULL,
			       "stream ended without any record");
	/* Sequence tracking survives: a reconnect may continue the same boot,
	 * and a new boot starts with hello, which resets it anyway. */
	s->need_end = false;
	s->since_finish = 0;
	emit_suppressed(s);
}

int pf_stream_set_nonce(struct pf_stream *s, const char *nonce)
{
	size_t n = nonce ? strlen(nonce) : 0;

	if (!s || !pf_proto_nonce_ok(nonce, n))
		return -1;
	memcpy(s->nonce, nonce, n + 1);
	s->nonce_len = n;
	s->seed = pf_proto_crc_seed(nonce, n);
	return 0;
}

void pf_stream_free(struct pf_stream *s)
{
	if (!s)
		return;
	free(s->gaps);
	free(s);
}

const struct pf_stream_counters *pf_stream_counters(const struct pf_stream *s)
{
	return &s->cnt;
}

void pf_stream_position(const struct pf_stream *s, uint64_t *line, uint64_t *offset)
{
	if (line)
		*line = s->cur_line;
	if (offset)
		*offset = s->cur_offset;
}

/* SPDX-License-Identifier: MIT */
/*
 * The console stream parser's state, shared by its files: stream.c (the
 * byte state machine and the public calls), stream_line.c (a complete
 * record line: framing, checksum, sequence) and the diagnostics they emit.
 * Nothing outside ingest/stream*.c includes this.
 */
#ifndef PF_STREAM_INTERNAL_H
#define PF_STREAM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingest/stream.h"
#include "pf/proto.h"

/* Room for marker + body + one '\r' that the newline will strip. */
#define REC_CAP (PF_PROTO_MAX_LINE + 1)
/* " *" + 8 hex digits */
#define TRAILER_LEN 10
/* Gap intervals remembered per boot to tell "late" from "duplicate"; past
 * this a late record in an old gap is reported as a duplicate (still
 * dropped, still diagnosed). */
#define MAX_GAPS 4096
#define MSG_LEN 256

enum state {
	ST_NOISE,
	ST_RECORD,
	ST_OVERSIZED
};

struct gap {
	uint32_t from, to; /* missing: from <= seq < to */
};

struct pf_stream {
	struct pf_stream_callbacks cb;
	void *ctx;
	struct pf_stream_counters cnt;

	uint64_t offset; /* offset of the byte being processed */
	uint64_t line;	 /* 1-based line of that byte */
	enum state state;

	size_t mpos;			/* marker bytes matched, held back from the noise buffer */
	char mbuf[PF_PROTO_MARKER_LEN]; /* those bytes (the digit varies) */
	char noise[PF_STREAM_CONSOLE_CHUNK];
	size_t noise_len;
	bool line_spoke; /* this physical line already produced output */

	char rec[REC_CAP]; /* marker + body of the record being received */
	size_t rec_len;
	uint64_t rec_line, rec_offset; /* where its marker started */
	uint64_t over_len;	       /* OVERSIZED: bytes of the line so far */

	/* Sequence tracking, per boot (reset by hello). */
	bool have_base;
	uint32_t expected;
	bool need_end;
	uint64_t since_finish; /* records accepted since the last finish */
	struct gap *gaps;
	size_t ngaps, gaps_cap;

	uint64_t cur_line, cur_offset; /* record being delivered */

	/* Run binding (pf_stream_set_nonce). */
	char nonce[PF_PROTO_NONCE_MAX + 1];
	size_t nonce_len; /* 0: no nonce */
	uint32_t seed;	  /* CRC-32 of the nonce */
	/* The nonce of another run's hello seen in this stream (a replay), so
	 * its records are named as such rather than as line noise. */
	char foreign[PF_PROTO_NONCE_MAX + 1];
	size_t foreign_len;
	uint32_t foreign_seed;

	uint64_t pending_suppressed[PF_DIAG_KIND_COUNT]; /* since last summary */
};

/* A diagnostic to on_diag (counted; itemised up to PF_STREAM_DIAG_LIMIT per
 * kind, then only summed up at finish). */
void pf_stream_diag(struct pf_stream *s, enum pf_diag_kind kind, uint64_t line, uint64_t offset,
		    int64_t seq, uint32_t missing, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* The sequence number of a framed line (after the marker), -1 if none. */
int64_t pf_stream_peek_seq(const char *p, size_t n);
/* Do the K bytes at P start a marker ("@@PF" and a version digit)? */
bool pf_stream_marker_prefix(const char *p, size_t k);
/* Offset of the next marker in P[from..n), n if none. */
size_t pf_stream_find_marker(const char *p, size_t n, size_t from);
/* The record in s->rec is complete: check it and deliver it (or a
 * diagnostic). */
void pf_stream_record_line(struct pf_stream *s);

#endif

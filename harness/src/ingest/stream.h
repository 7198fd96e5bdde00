/* SPDX-License-Identifier: MIT */
/*
 * Incremental parser for the probe's console stream (docs/protocol.md).
 *
 *   struct pf_stream *s = pf_stream_new(&callbacks, ctx);
 *   pf_stream_feed(s, buf, n);      any chunking, down to one byte at a time
 *   pf_stream_finish(s);            end of this connection (EOF / VMM died)
 *   pf_stream_free(s);
 *
 * The parser never trusts the line: it recognises records by the marker,
 * verifies framing, checksum, JSON shape, record type, required members and
 * sequence numbers, and reports everything it drops through on_diag. Memory
 * is O(PF_PROTO_MAX_LINE) whatever the input: an oversized record line is
 * dropped and diagnosed, long noise lines are split into bounded chunks.
 *
 * Ownership: every pointer handed to a callback (record, raw line, console
 * line, diagnostic and its strings) is borrowed and valid only for the
 * duration of the call; json_incref() / copy what you keep. Callbacks must
 * not call pf_stream_feed/finish/free on the stream that called them.
 */
#ifndef PF_STREAM_H
#define PF_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Noise (non-record console text) is delivered in chunks of at most this
 * many bytes; a longer physical line arrives as several chunks. */
#define PF_STREAM_CONSOLE_CHUNK 4096

/* Diagnostics of one kind delivered per stream; the rest are counted and
 * summed up in one `suppressed` diagnostic at pf_stream_finish(), so a flood
 * of broken lines cannot grow the journal or the results without bound. */
#define PF_STREAM_DIAG_LIMIT 256

enum pf_diag_kind {
	/* Stream level (pf_stream). */
	PF_DIAG_CHECKSUM,     /* CRC-32 does not match */
	PF_DIAG_MALFORMED,    /* framing, JSON, missing/invalid member (field) */
	PF_DIAG_OVERSIZED,    /* record line longer than PF_PROTO_MAX_LINE */
	PF_DIAG_UNKNOWN_TYPE, /* "t" is a string but not a known record type */
	PF_DIAG_DUPLICATE,    /* sequence number already received this boot */
	PF_DIAG_GAP,	      /* records missing before this one (kept) */
	PF_DIAG_OUT_OF_ORDER, /* sequence number went backwards (dropped) */
	PF_DIAG_TRUNCATED,    /* stream ended inside a record line */
	PF_DIAG_BINARY,	      /* record line holds NUL/control bytes: line noise */
	PF_DIAG_NO_END,	      /* stream ended, or a new hello came, without
			       * an `end` record */
	PF_DIAG_VERSION,      /* record of another protocol version (marker
			       * @@PF<digit>): a probe image the runner does
			       * not speak; dropped */
	PF_DIAG_NONCE,	      /* hello without this run's nonce, or a record
			       * whose checksum verifies without it or with
			       * another run's nonce: not this run's stream */
	PF_DIAG_LOG_CUT,      /* a raw log (console.log, hypervisor.log,
			       * journal.jsonl) reached its size cap; count =
			       * bytes not written (the runner's, not pf_stream) */
	PF_DIAG_SUPPRESSED,   /* more than PF_STREAM_DIAG_LIMIT diagnostics of
			       * one kind: field names the kind, count how
			       * many were counted but not itemised */
	/* Run-model level (pf_results); same shape, reported in results.json. */
	PF_DIAG_DUPLICATE_RESULT, /* second result for one (test, dev): dropped */
	PF_DIAG_INCONSISTENT,	  /* records disagree (device re-announced
				   * differently, begin/result mismatch...) */
	PF_DIAG_KIND_COUNT
};

/* Stable names used in journal.jsonl and results.json ("checksum",
 * "unknown-type", "out-of-order", ...). NULL for an out-of-range kind. */
const char *pf_diag_kind_name(enum pf_diag_kind kind);
/* Inverse of pf_diag_kind_name; -1 when unknown. */
int pf_diag_kind_from_name(const char *name);

struct pf_diag {
	enum pf_diag_kind kind;
	uint64_t line;	     /* 1-based console line; 0 when not applicable */
	uint64_t offset;     /* byte offset in the console stream of the record
			      * marker (or of the line); 0 when not applicable */
	int64_t seq;	     /* sequence number the line claims, -1 unknown */
	uint32_t missing;    /* PF_DIAG_GAP: number of records missing */
	uint64_t count;	     /* PF_DIAG_LOG_CUT: bytes not written;
			      * PF_DIAG_SUPPRESSED: diagnostics not itemised */
	const char *field;   /* member at fault (malformed), or NULL */
	const char *message; /* human-readable, never NULL */
};

/* JSON form of a diagnostic: {"kind","line","offset","seq","missing",
 * "count","field","message"}; members that do not apply are left out.
 * Returns a new reference (NULL on allocation failure). */
json_t *pf_diag_to_json(const struct pf_diag *d);
/* Parse the JSON form back. The strings in *out are borrowed from obj.
 * Returns 0, or -1 when obj is not a diagnostic. */
int pf_diag_from_json(const json_t *obj, struct pf_diag *out);

enum pf_rec_type {
	PF_REC_HELLO,
	PF_REC_DEVICE,
	PF_REC_BEGIN,
	PF_REC_RESULT,
	PF_REC_METRIC,
	PF_REC_LOG,
	PF_REC_FAULT,
	PF_REC_END,
	PF_REC_TYPE_COUNT
};

const char *pf_rec_type_name(enum pf_rec_type t);
/* -1 when the name is not a record type of the protocol version. */
int pf_rec_type_from_name(const char *name);

/* Failure fingerprints of a result record ("case-id/sub-id", docs/protocol.md). */
#define PF_FP_MAX_LEN 64 /* characters, with the NUL */
#define PF_FP_MAX_SUBS 8 /* entries of "subs" */
bool pf_fingerprint_ok(const char *s);

/* Validate a decoded record against docs/protocol.md: an object whose "t"
 * names a known type, with every required member present and every known
 * member of the right JSON type and value set. Returns PF_DIAG_KIND_COUNT
 * when valid, else PF_DIAG_MALFORMED or PF_DIAG_UNKNOWN_TYPE with *field set
 * to the offending member and msg filled in. Used by the stream; exposed for
 * replay and tests. */
enum pf_diag_kind pf_record_validate(const json_t *rec, const char **field, char *msg,
				     size_t msglen);

struct pf_stream_callbacks {
	/* A valid record, after every check passed. raw_line is the record from
	 * the marker up to and including the checksum, without CR/LF. */
	void (*on_record)(void *ctx, uint32_t seq, json_t *record, const char *raw_line,
			  size_t len);
	/* Something was dropped or is missing. */
	void (*on_diag)(void *ctx, const struct pf_diag *d);
	/* Console text that is not a record: noise lines, the text before a
	 * marker on the same line, chunks of long lines. CR/LF removed; may
	 * contain any byte including NUL; len <= PF_STREAM_CONSOLE_CHUNK. */
	void (*on_console_line)(void *ctx, const char *line, size_t len);
};

struct pf_stream_counters {
	uint64_t bytes;				 /* bytes fed */
	uint64_t lines;				 /* newline characters seen */
	uint64_t console_lines;			 /* on_console_line calls */
	uint64_t records;			 /* on_record calls */
	uint64_t by_type[PF_REC_TYPE_COUNT];	 /* records per type */
	uint64_t boots;				 /* hello records accepted */
	uint64_t diags;				 /* diagnostics found, itemised or not (see
				 * PF_STREAM_DIAG_LIMIT) */
	uint64_t by_kind[PF_DIAG_KIND_COUNT];	 /* diagnostics per kind, itemised
					       * or not */
	uint64_t suppressed[PF_DIAG_KIND_COUNT]; /* counted, not delivered */
};

/* cb is copied; any callback may be NULL. Returns NULL on ENOMEM. */
struct pf_stream *pf_stream_new(const struct pf_stream_callbacks *cb, void *ctx);
/*
 * Bind the stream to a run: every record's checksum must verify over the
 * nonce (hex text, docs/protocol.md) followed by "<seq> <json>", and every
 * hello must carry it in "nonce". Anything checksummed without it or with
 * another run's nonce is diagnosed as PF_DIAG_NONCE and dropped. Without a
 * call the stream checks plain checksums and no hello nonce (tools reading
 * a stream that belongs to no run). Returns 0, or -1 for a malformed nonce.
 */
int pf_stream_set_nonce(struct pf_stream *s, const char *nonce);
void pf_stream_feed(struct pf_stream *s, const void *buf, size_t len);
/*
 * End of the current connection: a partial record line is diagnosed as
 * truncated (a partial noise line is delivered), and a boot that sent
 * records but no `end` is diagnosed as no-end (also when nothing at all
 * arrived since the previous finish). Feeding may continue afterwards (a
 * restarted guest on a new connection); line numbers and offsets go on.
 */
void pf_stream_finish(struct pf_stream *s);
void pf_stream_free(struct pf_stream *s);

/* Live counters, owned by the stream. */
const struct pf_stream_counters *pf_stream_counters(const struct pf_stream *s);
/* Inside on_record: console line and byte offset of the record's marker. */
void pf_stream_position(const struct pf_stream *s, uint64_t *line, uint64_t *offset);

#endif

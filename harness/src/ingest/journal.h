/* SPDX-License-Identifier: MIT */
/*
 * Append-only run journal, written as things arrive so that nothing is lost
 * when the runner or the hypervisor dies:
 *
 *   <dir>/journal.jsonl  one JSON object per line, one write(2) per entry:
 *       {"journal":"plugfest-journal/1","proto":2,"nonce":"..."}  at each open
 *       {"seq":N,"line":L,"offset":O,"crc":"xxxxxxxx","rec":{...}}
 *                                     a valid record; "rec" is the record's
 *                                     JSON byte for byte as received, and
 *                                     always the last member
 *       {"diag":{"kind":...,"message":...,...}}              a diagnostic
 *       {"note":{...}}                a runner event (finding, restart, ...)
 *   <dir>/console.log    the raw console bytes, unfiltered
 *
 * pf_journal_replay() reads journal.jsonl back, re-verifying each record's
 * checksum (under the nonce of the header before it), and tolerates a
 * truncated last line (the writer died mid-entry).
 *
 * Bounds (pf_journal_set_caps): console.log keeps its first console_cap
 * bytes, then one notice line; the rest is counted, not written (the
 * stream still parses it). journal.jsonl takes record entries up to
 * journal_cap, diagnostics and notes up to PF_JOURNAL_RESERVE more: a
 * record is at most PF_PROTO_MAX_LINE bytes and diagnostics are limited
 * per kind by the stream, so the file stays bounded whatever arrives.
 */
#ifndef PF_JOURNAL_H
#define PF_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "pf/proto.h"
#include "ingest/stream.h"

#define PF_JOURNAL_FILE "journal.jsonl"
#define PF_JOURNAL_CONSOLE "console.log"
#define PF_JOURNAL_FORMAT "plugfest-journal/1"

/* pf_journal_open flags */
#define PF_JOURNAL_APPEND \
	0x1 /* keep existing files (resume a run);
			       * default: start both files empty */

/* Room past journal_cap for diagnostics and notes. */
#define PF_JOURNAL_RESERVE (1u << 20)

struct pf_journal;

/* Open (create) both files in dir, which must exist. NULL with errno set on
 * failure. The journal owns its file descriptors. */
struct pf_journal *pf_journal_open(const char *dir, unsigned flags);
/* The same for a run bound to nonce (hex, docs/protocol.md), recorded in
 * the header; NULL nonce: none. EINVAL for a malformed nonce. */
struct pf_journal *pf_journal_open_run(const char *dir, unsigned flags, const char *nonce);
/* Size caps in bytes, 0 = none (see above). */
void pf_journal_set_caps(struct pf_journal *j, uint64_t console_cap, uint64_t journal_cap);
/* Console bytes not written to console.log because of its cap. */
uint64_t pf_journal_console_dropped(const struct pf_journal *j);
/* Record entries refused because journal.jsonl reached its cap. */
uint64_t pf_journal_records_dropped(const struct pf_journal *j);

/*
 * Each writer returns 0, or -1 with errno set (EINVAL for an argument that
 * is not what the stream delivers; the journal is left unchanged). Failed
 * writes are also counted, see pf_journal_errors().
 */
/* raw_line as given to pf_stream_callbacks.on_record; line/offset from
 * pf_stream_position(). -1 with ENOSPC when journal.jsonl is at its cap. */
int pf_journal_record(struct pf_journal *j, uint32_t seq, const char *raw_line, size_t len,
		      uint64_t line, uint64_t offset);
int pf_journal_diag(struct pf_journal *j, const struct pf_diag *d);
/* note is borrowed; it must be a JSON object. */
int pf_journal_note(struct pf_journal *j, const json_t *note);
int pf_journal_console(struct pf_journal *j, const void *buf, size_t len);
/* fsync both files (page cache survives a process crash, not power loss). */
int pf_journal_sync(struct pf_journal *j);
unsigned long pf_journal_errors(const struct pf_journal *j);
void pf_journal_close(struct pf_journal *j);

struct pf_replay_stats {
	uint64_t lines;			    /* journal lines read */
	uint64_t records;		    /* delivered to on_record */
	uint64_t diags;			    /* delivered to on_diag */
	uint64_t notes;			    /* delivered to on_note */
	uint64_t headers;		    /* {"journal":...} lines (one per open) */
	uint64_t unknown;		    /* well-formed entries of a kind this version does
			     * not know (skipped, forward compatibility) */
	uint64_t bad_lines;		    /* unparsable, oversized or failing the checksum */
	bool truncated_tail;		    /* last line had no newline and did not parse */
	uint64_t foreign_headers;	    /* pf_journal_replay_mem with expect_nonce:
				   * headers without it or with another */
	char nonce[PF_PROTO_NONCE_MAX + 1]; /* nonce of the last header, or "" */
};

/*
 * Read a journal and call cb->on_record / cb->on_diag (cb->on_console_line
 * is not used) and on_note for each entry, in order. All pointers passed to
 * callbacks are borrowed for the duration of the call. st may be NULL.
 * Returns 0 (bad lines are counted, not fatal), or -1 with errno when the
 * file cannot be read.
 */
int pf_journal_replay(const char *path, const struct pf_stream_callbacks *cb,
		      void (*on_note)(void *ctx, json_t *note), void *ctx,
		      struct pf_replay_stats *st);
/* The same over a journal in memory. With expect_nonce every record must
 * verify under it (else it is a bad line) and headers naming another nonce
 * or none are counted in foreign_headers: what a package check needs. */
int pf_journal_replay_mem(const void *data, size_t len, const char *expect_nonce,
			  const struct pf_stream_callbacks *cb,
			  void (*on_note)(void *ctx, json_t *note), void *ctx,
			  struct pf_replay_stats *st);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Append-only run journal, written as things arrive so that nothing is lost
 * when the runner or the hypervisor dies:
 *
 *   <dir>/journal.jsonl  one JSON object per line, one write(2) per entry:
 *       {"journal":"plugfest-journal/1","proto":1}            at each open
 *       {"seq":N,"line":L,"offset":O,"crc":"xxxxxxxx","rec":{...}}
 *                                     a valid record; "rec" is the record's
 *                                     JSON byte for byte as received, and
 *                                     always the last member
 *       {"diag":{"kind":...,"message":...,...}}              a diagnostic
 *       {"note":{...}}                a runner event (finding, restart, ...)
 *   <dir>/console.log    the raw console bytes, unfiltered
 *
 * pf_journal_replay() reads journal.jsonl back, re-verifying each record's
 * checksum, and tolerates a truncated last line (the writer died mid-entry).
 */
#ifndef PF_JOURNAL_H
#define PF_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "stream.h"

#define PF_JOURNAL_FILE "journal.jsonl"
#define PF_JOURNAL_CONSOLE "console.log"
#define PF_JOURNAL_FORMAT "plugfest-journal/1"

/* pf_journal_open flags */
#define PF_JOURNAL_APPEND 0x1 /* keep existing files (resume a run);
			       * default: start both files empty */

struct pf_journal;

/* Open (create) both files in dir, which must exist. NULL with errno set on
 * failure. The journal owns its file descriptors. */
struct pf_journal *pf_journal_open(const char *dir, unsigned flags);

/*
 * Each writer returns 0, or -1 with errno set (EINVAL for an argument that
 * is not what the stream delivers; the journal is left unchanged). Failed
 * writes are also counted, see pf_journal_errors().
 */
/* raw_line as given to pf_stream_callbacks.on_record; line/offset from
 * pf_stream_position(). */
int pf_journal_record(struct pf_journal *j, uint32_t seq, const char *raw_line,
		      size_t len, uint64_t line, uint64_t offset);
int pf_journal_diag(struct pf_journal *j, const struct pf_diag *d);
/* note is borrowed; it must be a JSON object. */
int pf_journal_note(struct pf_journal *j, const json_t *note);
int pf_journal_console(struct pf_journal *j, const void *buf, size_t len);
/* fsync both files (page cache survives a process crash, not power loss). */
int pf_journal_sync(struct pf_journal *j);
unsigned long pf_journal_errors(const struct pf_journal *j);
void pf_journal_close(struct pf_journal *j);

struct pf_replay_stats {
	uint64_t lines;     /* journal lines read */
	uint64_t records;   /* delivered to on_record */
	uint64_t diags;     /* delivered to on_diag */
	uint64_t notes;     /* delivered to on_note */
	uint64_t headers;   /* {"journal":...} lines (one per open) */
	uint64_t unknown;   /* well-formed entries of a kind this version does
			     * not know (skipped, forward compatibility) */
	uint64_t bad_lines; /* unparsable, oversized or failing the checksum */
	bool truncated_tail; /* last line had no newline and did not parse */
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

#endif

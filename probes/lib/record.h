/* SPDX-License-Identifier: MIT */
/*
 * Streaming writer for protocol records (docs/protocol.md). A record is built
 * member by member and sent byte by byte, the CRC computed on the way, so no
 * record is ever buffered whole.
 *
 *   rec_begin("log");
 *   rec_str("level", "info");
 *   rec_str("msg", "hello");
 *   rec_end();
 *
 * Not re-entrant: one record at a time (the probe is single-threaded; the
 * exception handler calls rec_abort() before writing its fault record).
 */
#ifndef PF_RECORD_H
#define PF_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where bytes go. Default: arch_putc. Host tests capture into a buffer. */
typedef void (*rec_sink_fn)(void *ctx, char c);
void rec_set_sink(rec_sink_fn fn, void *ctx);

/* The run's nonce (pf.nonce=, hex): folded into every later record's
 * checksum. Returns false, and checksums go on without a nonce, when it is
 * not a well-formed nonce. */
bool rec_set_nonce(const char *nonce, size_t len);

void rec_begin(const char *type);
void rec_str(const char *key, const char *val);
void rec_u64(const char *key, uint64_t val);
void rec_i64(const char *key, int64_t val);
void rec_hex(const char *key, uint64_t val); /* "0x..." as a JSON string */
void rec_bool(const char *key, bool val);
void rec_key(const char *key);	     /* then a value or a nested container */
void rec_obj_begin(const char *key); /* key NULL inside an array */
void rec_obj_end(void);
void rec_arr_begin(const char *key);
void rec_arr_end(void);
void rec_val_u64(uint64_t val);	   /* array element */
void rec_val_str(const char *val); /* array element */
void rec_end(void);
/* Close whatever record is open (used by the fault handler). */
void rec_abort(void);

/* Sequence number the next record will carry; records sent so far. */
uint32_t rec_next_seq(void);

/* Plain text on the console, outside any record (banners, debugging). */
void con_puts(const char *s);

#endif

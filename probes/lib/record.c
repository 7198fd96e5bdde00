/* SPDX-License-Identifier: MIT */
#include "record.h"

#include "pf/proto.h"
#include "platform.h"

#define REC_MAX_DEPTH 8

static void sink_arch(void *ctx, char c)
{
	(void)ctx;
	arch_putc(c);
}

static rec_sink_fn sink = sink_arch;
static void *sink_ctx;
static uint32_t seq;
static uint32_t crc;
/* CRC-32 of the run's nonce: every record's checksum starts from it. */
static uint32_t crc_seed;
static bool open_rec;
/* Per nesting level: does the next member need a leading comma? */
static bool need_comma[REC_MAX_DEPTH];
static char closer[REC_MAX_DEPTH]; /* '}' or ']' per open container */
static int depth;

void rec_set_sink(rec_sink_fn fn, void *ctx)
{
	sink = fn ? fn : sink_arch;
	sink_ctx = fn ? ctx : 0;
	seq = 0;
	open_rec = false;
	depth = 0;
}

bool rec_set_nonce(const char *nonce, size_t len)
{
	if (!pf_proto_nonce_ok(nonce, len)) {
		crc_seed = 0;
		return false;
	}
	crc_seed = pf_proto_crc_seed(nonce, len);
	return true;
}

uint32_t rec_next_seq(void)
{
	return seq;
}

/* Bytes that are part of the checksummed body. */
static void put_body(char c)
{
	crc = pf_crc32_update(crc, &c, 1);
	sink(sink_ctx, c);
}

static void put_body_s(const char *s)
{
	while (*s)
		put_body(*s++);
}

static void put_raw_s(const char *s)
{
	while (*s)
		sink(sink_ctx, *s++);
}

static void put_dec(uint64_t v)
{
	char buf[21];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		put_body(buf[--n]);
}

static const char hexdig[] = "0123456789abcdef";

/* JSON string with escapes; bytes >= 0x7f are escaped too so a record stays
 * 7-bit clean on any serial line. */
static void put_json_str(const char *s)
{
	put_body('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			put_body('\\');
			put_body((char)c);
		} else if (c < 0x20 || c >= 0x7f) {
			put_body_s("\\u00");
			put_body(hexdig[c >> 4]);
			put_body(hexdig[c & 15]);
		} else {
			put_body((char)c);
		}
	}
	put_body('"');
}

static void member(const char *key)
{
	if (need_comma[depth])
		put_body(',');
	need_comma[depth] = true;
	if (key) {
		put_json_str(key);
		put_body(':');
	}
}

void rec_begin(const char *type)
{
	if (open_rec)
		rec_abort();
	open_rec = true;
	crc = crc_seed;
	depth = 0;
	put_raw_s(PF_PROTO_MARKER);
	put_dec(seq);
	put_body(' ');
	put_body('{');
	need_comma[0] = false;
	member("t");
	put_json_str(type);
}

void rec_key(const char *key)
{
	member(key);
}

void rec_str(const char *key, const char *val)
{
	member(key);
	put_json_str(val);
}

void rec_u64(const char *key, uint64_t val)
{
	member(key);
	put_dec(val);
}

void rec_i64(const char *key, int64_t val)
{
	member(key);
	if (val < 0) {
		put_body('-');
		put_dec((uint64_t)0 - (uint64_t)val);
	} else {
		put_dec((uint64_t)val);
	}
}

void rec_hex(const char *key, uint64_t val)
{
	char buf[19];
	int n = 0;

	member(key);
	do {
		buf[n++] = hexdig[val & 15];
		val >>= 4;
	} while (val);
	put_body_s("\"0x");
	while (n)
		put_body(buf[--n]);
	put_body('"');
}

void rec_bool(const char *key, bool val)
{
	member(key);
	put_body_s(val ? "true" : "false");
}

static void open_container(const char *key, char open, char close)
{
	if (depth + 1 >= REC_MAX_DEPTH)
		return; /* too deep: the record stays well-formed, just flatter */
	member(key);
	put_body(open);
	depth++;
	need_comma[depth] = false;
	closer[depth] = close;
}

static void close_container(void)
{
	if (depth == 0)
		return;
	put_body(closer[depth]);
	depth--;
}

void rec_obj_begin(const char *key)
{
	open_container(key, '{', '}');
}
void rec_obj_end(void)
{
	close_container();
}
void rec_arr_begin(const char *key)
{
	open_container(key, '[', ']');
}
void rec_arr_end(void)
{
	close_container();
}

void rec_val_u64(uint64_t val)
{
	member(0);
	put_dec(val);
}

void rec_val_str(const char *val)
{
	member(0);
	put_json_str(val);
}

void rec_end(void)
{
	uint32_t c;

	if (!open_rec)
		return;
	while (depth > 0)
		close_container();
	put_body('}');
	c = crc;
	put_raw_s(" *");
	for (int i = 7; i >= 0; i--)
		sink(sink_ctx, hexdig[(c >> (i * 4)) & 15]);
	sink(sink_ctx, '\n');
	open_rec = false;
	seq++;
}

void rec_abort(void)
{
	/* An unterminated record must not swallow the next one: end the line
	 * without a checksum so the runner diagnoses it as malformed. */
	if (open_rec) {
		sink(sink_ctx, '\n');
		open_rec = false;
		seq++;
	}
}

void con_puts(const char *s)
{
	while (*s)
		sink(sink_ctx, *s++);
}

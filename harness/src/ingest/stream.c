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
 * reaches on_record.
 */
#include "ingest/stream.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- names ---------------------------------------------------------- */

static const char *const diag_names[PF_DIAG_KIND_COUNT] = {
	[PF_DIAG_CHECKSUM] = "checksum",
	[PF_DIAG_MALFORMED] = "malformed",
	[PF_DIAG_OVERSIZED] = "oversized",
	[PF_DIAG_UNKNOWN_TYPE] = "unknown-type",
	[PF_DIAG_DUPLICATE] = "duplicate",
	[PF_DIAG_GAP] = "gap",
	[PF_DIAG_OUT_OF_ORDER] = "out-of-order",
	[PF_DIAG_TRUNCATED] = "truncated",
	[PF_DIAG_BINARY] = "binary",
	[PF_DIAG_NO_END] = "no-end",
	[PF_DIAG_VERSION] = "version",
	[PF_DIAG_NONCE] = "nonce",
	[PF_DIAG_LOG_CUT] = "log-cut",
	[PF_DIAG_SUPPRESSED] = "suppressed",
	[PF_DIAG_DUPLICATE_RESULT] = "duplicate-result",
	[PF_DIAG_INCONSISTENT] = "inconsistent",
};

const char *pf_diag_kind_name(enum pf_diag_kind kind)
{
	if ((unsigned)kind >= PF_DIAG_KIND_COUNT)
		return NULL;
	return diag_names[kind];
}

int pf_diag_kind_from_name(const char *name)
{
	for (int i = 0; name && i < PF_DIAG_KIND_COUNT; i++)
		if (strcmp(diag_names[i], name) == 0)
			return i;
	return -1;
}

static const char *const rec_names[PF_REC_TYPE_COUNT] = {
	[PF_REC_HELLO] = "hello",   [PF_REC_DEVICE] = "device", [PF_REC_BEGIN] = "begin",
	[PF_REC_RESULT] = "result", [PF_REC_METRIC] = "metric", [PF_REC_LOG] = "log",
	[PF_REC_FAULT] = "fault",   [PF_REC_END] = "end",
};

const char *pf_rec_type_name(enum pf_rec_type t)
{
	if ((unsigned)t >= PF_REC_TYPE_COUNT)
		return NULL;
	return rec_names[t];
}

int pf_rec_type_from_name(const char *name)
{
	for (int i = 0; name && i < PF_REC_TYPE_COUNT; i++)
		if (strcmp(rec_names[i], name) == 0)
			return i;
	return -1;
}

/* ---- record members ------------------------------------------------- */

/* What a member's value must look like. */
enum vt {
	V_STR,	  /* string */
	V_NESTR,  /* non-empty string (ids, names) */
	V_UINT,	  /* integer >= 0 */
	V_NUM,	  /* any number */
	V_OBJ,	  /* object */
	V_HEX,	  /* "0x" followed by 1..16 hex digits */
	V_STRS,	  /* array of strings */
	V_BITS,	  /* array of integers 0..63 (feature bit numbers) */
	V_QUEUES, /* array of {index, max_size} with non-negative integers */
	V_BOOL,	  /* true or false */
	V_FP,	  /* failure fingerprint: [a-z0-9-] words joined by '/' */
	V_FPS,	  /* array of at most PF_FP_MAX_SUBS fingerprints */
};

struct rule {
	const char *name;
	enum vt type;
	bool required;
	const char *const *values; /* allowed string values, NULL-terminated */
};

static const char *const v_transport[] = { "mmio", "pci", NULL };
static const char *const v_mode[] = { "legacy", "transitional", "modern", NULL };
static const char *const v_verdict[] = { "pass", "fail", "warn", "skip", "error", "na", NULL };
static const char *const v_level[] = { "must", "should", "may", NULL };
static const char *const v_loglevel[] = { "error", "warn", "info", "debug", NULL };
static const char *const v_status[] = { "ok", "aborted", NULL };

/* Required members are what the runner cannot do without; the others are
 * type-checked when present so a consumer never meets a surprise type.
 * Unknown members are ignored (forward compatibility). */
static const struct rule r_hello[] = {
	{ "proto", V_UINT, true, NULL },   { "probe", V_NESTR, true, NULL },
	{ "arch", V_NESTR, true, NULL },   { "image", V_STR, false, NULL },
	{ "options", V_OBJ, false, NULL }, { "nonce", V_STR, false, NULL },
	{ NULL, V_STR, false, NULL },
};
static const struct rule r_device[] = {
	{ "dev", V_NESTR, true, NULL },	     { "type", V_NESTR, true, NULL },
	{ "device_id", V_UINT, true, NULL }, { "transport", V_STR, true, v_transport },
	{ "address", V_HEX, false, NULL },   { "vendor_id", V_UINT, false, NULL },
	{ "version", V_UINT, false, NULL },  { "mode", V_STR, false, v_mode },
	{ "features", V_HEX, false, NULL },  { "feature_bits", V_BITS, false, NULL },
	{ "queues", V_QUEUES, false, NULL }, { NULL, V_STR, false, NULL },
};
static const struct rule r_begin[] = {
	{ "step", V_UINT, true, NULL },
	{ "test", V_NESTR, true, NULL },
	{ "dev", V_NESTR, true, NULL },
	{ NULL, V_STR, false, NULL },
};
static const struct rule r_result[] = {
	{ "test", V_NESTR, true, NULL },       { "dev", V_NESTR, true, NULL },
	{ "verdict", V_STR, true, v_verdict }, { "step", V_UINT, false, NULL },
	{ "level", V_STR, false, v_level },    { "reqs", V_STRS, false, NULL },
	{ "msg", V_STR, false, NULL },	       { "us", V_UINT, false, NULL },
	{ "sub", V_FP, false, NULL },	       { "subs", V_FPS, false, NULL },
	{ "subs_more", V_BOOL, false, NULL },  { NULL, V_STR, false, NULL },
};
static const struct rule r_metric[] = {
	{ "name", V_NESTR, true, NULL }, { "value", V_NUM, true, NULL },
	{ "unit", V_STR, false, NULL },	 { "dev", V_STR, false, NULL },
	{ "test", V_STR, false, NULL },	 { NULL, V_STR, false, NULL },
};
static const struct rule r_log[] = {
	{ "level", V_STR, true, v_loglevel }, { "msg", V_STR, true, NULL },
	{ "dev", V_STR, false, NULL },	      { "test", V_STR, false, NULL },
	{ NULL, V_STR, false, NULL },
};
/* A fault is the probe's last word: accept any kind rather than lose it. */
static const struct rule r_fault[] = {
	{ "kind", V_NESTR, true, NULL },
	{ "msg", V_STR, false, NULL },
	{ NULL, V_STR, false, NULL },
};
static const struct rule r_end[] = {
	{ "status", V_STR, true, v_status },
	{ "counts", V_OBJ, false, NULL },
	{ "records", V_UINT, false, NULL },
	{ NULL, V_STR, false, NULL },
};

static const struct rule *const rules[PF_REC_TYPE_COUNT] = {
	[PF_REC_HELLO] = r_hello,   [PF_REC_DEVICE] = r_device, [PF_REC_BEGIN] = r_begin,
	[PF_REC_RESULT] = r_result, [PF_REC_METRIC] = r_metric, [PF_REC_LOG] = r_log,
	[PF_REC_FAULT] = r_fault,   [PF_REC_END] = r_end,
};

static const char *const vt_what[] = {
	[V_STR] = "a string",
	[V_NESTR] = "a non-empty string",
	[V_UINT] = "a non-negative integer",
	[V_NUM] = "a number",
	[V_OBJ] = "an object",
	[V_HEX] = "a hex string \"0x...\" of at most 16 digits",
	[V_STRS] = "an array of strings",
	[V_BITS] = "an array of bit numbers 0..63",
	[V_QUEUES] = "an array of {\"index\",\"max_size\"} objects",
	[V_BOOL] = "true or false",
	[V_FP] = "a fingerprint (words of [a-z0-9-] joined by '/', at most 63 characters)",
	[V_FPS] = "an array of at most 8 fingerprints",
};

static bool is_uint(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

static bool hex_ok(const char *p)
{
	size_t n = 0;

	if (!p || p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return false;
	for (p += 2; *p; p++, n++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
		      (*p >= 'A' && *p <= 'F')))
			return false;
	return n >= 1 && n <= 16;
}

bool pf_fingerprint_ok(const char *p)
{
	size_t n = 0;
	bool word = false;

	if (!p)
		return false;
	for (; *p; p++, n++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')
			word = true;
		else if (*p == '/' && word)
			word = false;
		else
			return false;
	}
	return word && n < PF_FP_MAX_LEN;
}

static bool value_ok(const json_t *v, enum vt type)
{
	size_t i;
	json_t *e;

	switch (type) {
	case V_STR:
		return json_is_string(v);
	case V_NESTR:
		return json_is_string(v) && json_string_length(v) > 0;
	case V_UINT:
		return is_uint(v);
	case V_NUM:
		return json_is_number(v);
	case V_OBJ:
		return json_is_object(v);
	case V_HEX:
		return hex_ok(json_string_value(v));
	case V_STRS:
		if (!json_is_array(v))
			return false;
		json_array_foreach (v, i, e)
			if (!json_is_string(e))
				return false;
		return true;
	case V_BITS:
		if (!json_is_array(v))
			return false;
		json_array_foreach (v, i, e)
			if (!is_uint(e) || json_integer_value(e) > 63)
				return false;
		return true;
	case V_QUEUES:
		if (!json_is_array(v))
			return false;
		json_array_foreach (v, i, e)
			if (!json_is_object(e) || !is_uint(json_object_get(e, "index")) ||
			    !is_uint(json_object_get(e, "max_size")))
				return false;
		return true;
	case V_BOOL:
		return json_is_boolean(v);
	case V_FP:
		return pf_fingerprint_ok(json_string_value(v));
	case V_FPS:
		if (!json_is_array(v) || json_array_size(v) > PF_FP_MAX_SUBS)
			return false;
		json_array_foreach (v, i, e)
			if (!pf_fingerprint_ok(json_string_value(e)))
				return false;
		return true;
	}
	return false;
}

static bool in_set(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

enum pf_diag_kind pf_record_validate(const json_t *rec, const char **field, char *msg,
				     size_t msglen)
{
	const struct rule *r;
	const char *t;
	int type;

	*field = NULL;
	if (!json_is_object(rec)) {
		snprintf(msg, msglen, "record is not a JSON object");
		return PF_DIAG_MALFORMED;
	}
	*field = "t";
	t = json_string_value(json_object_get(rec, "t"));
	if (!t) {
		snprintf(msg, msglen, "record has no string member \"t\"");
		return PF_DIAG_MALFORMED;
	}
	type = pf_rec_type_from_name(t);
	if (type < 0) {
		snprintf(msg, msglen, "unknown record type \"%.64s\"", t);
		return PF_DIAG_UNKNOWN_TYPE;
	}
	for (r = rules[type]; r->name; r++) {
		const json_t *v = json_object_get(rec, r->name);

		*field = r->name;
		if (!v) {
			if (!r->required)
				continue;
			snprintf(msg, msglen, "%s: member \"%s\" is missing", t, r->name);
			return PF_DIAG_MALFORMED;
		}
		if (!value_ok(v, r->type)) {
			snprintf(msg, msglen, "%s: member \"%s\" must be %s", t, r->name,
				 vt_what[r->type]);
			return PF_DIAG_MALFORMED;
		}
		if (r->values && !in_set(json_string_value(v), r->values)) {
			snprintf(msg, msglen, "%s: member \"%s\" has unknown value \"%.32s\"", t,
				 r->name, json_string_value(v));
			return PF_DIAG_MALFORMED;
		}
	}
	if (type == PF_REC_HELLO &&
	    json_integer_value(json_object_get(rec, "proto")) != PF_PROTO_VERSION) {
		*field = "proto";
		snprintf(msg, msglen, "hello: protocol %lld under a version %d marker",
			 (long long)json_integer_value(json_object_get(rec, "proto")),
			 PF_PROTO_VERSION);
		return PF_DIAG_MALFORMED;
	}
	*field = NULL;
	return PF_DIAG_KIND_COUNT;
}

/* ---- diagnostics as JSON -------------------------------------------- */

/* Messages quote bytes from the line, which may be any bytes: json_string()
 * refuses invalid UTF-8, so fall back to ASCII with '?' for the rest. */
static json_t *json_string_lossy(const char *s)
{
	json_t *j;
	char *copy;
	size_t n;

	if (!s)
		s = "";
	j = json_string(s);
	if (j)
		return j;
	n = strlen(s);
	copy = malloc(n + 1);
	if (!copy)
		return NULL;
	for (size_t i = 0; i <= n; i++)
		copy[i] = (unsigned char)s[i] >= 0x80 ? '?' : s[i];
	j = json_string(copy);
	free(copy);
	return j;
}

json_t *pf_diag_to_json(const struct pf_diag *d)
{
	const char *kind = pf_diag_kind_name(d->kind);
	json_t *o = json_object();

	if (!o || !kind)
		goto fail;
	if (json_object_set_new(o, "kind", json_string(kind)))
		goto fail;
	if (d->line && json_object_set_new(o, "line", json_integer((json_int_t)d->line)))
		goto fail;
	if (d->line && json_object_set_new(o, "offset", json_integer((json_int_t)d->offset)))
		goto fail;
	if (d->seq >= 0 && json_object_set_new(o, "seq", json_integer(d->seq)))
		goto fail;
	if (d->kind == PF_DIAG_GAP && json_object_set_new(o, "missing", json_integer(d->missing)))
		goto fail;
	if ((d->kind == PF_DIAG_LOG_CUT || d->kind == PF_DIAG_SUPPRESSED) &&
	    json_object_set_new(o, "count", json_integer((json_int_t)d->count)))
		goto fail;
	if (d->field && json_object_set_new(o, "field", json_string(d->field)))
		goto fail;
	if (json_object_set_new(o, "message", json_string_lossy(d->message)))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

static uint64_t uint_member(const json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));

	return v > 0 ? (uint64_t)v : 0;
}

int pf_diag_from_json(const json_t *obj, struct pf_diag *out)
{
	const json_t *seq;
	int kind;

	if (!json_is_object(obj))
		return -1;
	kind = pf_diag_kind_from_name(json_string_value(json_object_get(obj, "kind")));
	if (kind < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	out->kind = (enum pf_diag_kind)kind;
	out->line = uint_member(obj, "line");
	out->offset = uint_member(obj, "offset");
	seq = json_object_get(obj, "seq");
	out->seq = json_is_integer(seq) && json_integer_value(seq) >= 0
			   ? (int64_t)json_integer_value(seq)
			   : -1;
	out->missing = (uint32_t)(uint_member(obj, "missing") & 0xffffffffu);
	out->count = uint_member(obj, "count");
	out->field = json_string_value(json_object_get(obj, "field"));
	out->message = json_string_value(json_object_get(obj, "message"));
	if (!out->message)
		out->message = "";
	return 0;
}

/* ---- delivery ------------------------------------------------------- */

static void emit_diag(struct pf_stream *s, enum pf_diag_kind kind, uint64_t line, uint64_t offset,
		      int64_t seq, uint32_t missing, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

static void emit_diag(struct pf_stream *s, enum pf_diag_kind kind, uint64_t line, uint64_t offset,
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
static int64_t peek_seq(const char *p, size_t n)
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
	const char *t = json_string_value(json_object_get(rec, "t"));
	const char *n = json_string_value(json_object_get(rec, "nonce"));
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
	f->claimed_seq = peek_seq(body, blen);
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
static bool marker_prefix(const char *p, size_t k)
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
static size_t find_marker(const char *p, size_t n, size_t from)
{
	for (size_t i = from; i + PF_PROTO_MARKER_LEN <= n; i++)
		if (p[i] == '@' && marker_prefix(p + i, PF_PROTO_MARKER_LEN))
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
			emit_diag(s, PF_DIAG_NO_END, ln, off, -1, 0, NULL,
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
			emit_diag(s, PF_DIAG_GAP, ln, off, seq, seq, NULL,
				  "%u record(s) missing before seq %u (no hello received)", seq,
				  seq);
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

		emit_diag(s, PF_DIAG_GAP, ln, off, seq, missing, NULL,
			  "%u record(s) missing: expected seq %u, got %u", missing, s->expected,
			  seq);
		remember_gap(s, s->expected, seq);
		s->expected = seq + 1;
		return true;
	}
	if (in_gap(s, seq))
		emit_diag(s, PF_DIAG_OUT_OF_ORDER, ln, off, seq, 0, NULL,
			  "seq %u arrived after seq %u (went backwards); dropped", seq,
			  s->expected - 1);
	else
		emit_diag(s, PF_DIAG_DUPLICATE, ln, off, seq, 0, NULL,
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
		emit_diag(s, PF_DIAG_MALFORMED, s->rec_line, s->rec_offset, f->seq, 0, NULL,
			  "JSON: %s (at byte %d of the JSON)", err.text, err.position);
		return;
	}
	k = pf_record_validate(rec, &field, msg, sizeof(msg));
	if (k != PF_DIAG_KIND_COUNT) {
		emit_diag(s, k, s->rec_line, s->rec_offset, f->seq, 0, field, "%s", msg);
		goto out;
	}
	type = pf_rec_type_from_name(json_string_value(json_object_get(rec, "t")));
	if (type == PF_REC_HELLO && f->seq != 0) {
		emit_diag(s, PF_DIAG_MALFORMED, s->rec_line, s->rec_offset, f->seq, 0, "seq",
			  "hello must carry seq 0, got %u", f->seq);
		goto out;
	}
	if (type == PF_REC_HELLO && s->nonce_len) {
		const char *n = json_string_value(json_object_get(rec, "nonce"));
		char a[16], b[16];

		nonce_short(s->nonce, s->nonce_len, a);
		if (!n || !*n) {
			emit_diag(s, PF_DIAG_NONCE, s->rec_line, s->rec_offset, f->seq, 0, "nonce",
				  "hello has no nonce (this run's is %s); rejected", a);
			goto out;
		}
		if (strlen(n) != s->nonce_len || memcmp(n, s->nonce, s->nonce_len)) {
			emit_diag(s, PF_DIAG_NONCE, s->rec_line, s->rec_offset, f->seq, 0, "nonce",
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

static void process_record_line(struct pf_stream *s)
{
	const char *raw = s->rec;
	size_t len = s->rec_len;
	struct frame f, g;
	enum pf_diag_kind k;

	if (len && raw[len - 1] == '\r')
		len--;
	if (len > PF_PROTO_MAX_LINE) {
		emit_diag(s, PF_DIAG_OVERSIZED, s->rec_line, s->rec_offset,
			  peek_seq(raw + PF_PROTO_MARKER_LEN, len - PF_PROTO_MARKER_LEN), 0, NULL,
			  "record line of %zu bytes exceeds %d; dropped", len, PF_PROTO_MAX_LINE);
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
	for (size_t p = find_marker(raw, len, PF_PROTO_MARKER_LEN); p < len;
	     p = find_marker(raw, len, p + 1)) {
		if (check_frame(s, raw + p, len - p, &g) != PF_DIAG_KIND_COUNT)
			continue;
		emit_diag(s, PF_DIAG_MALFORMED, s->rec_line, s->rec_offset, f.claimed_seq, 0, NULL,
			  "record interrupted by a new marker at column %zu", p + 1);
		s->rec_offset += p;
		accept_framed(s, raw + p, len - p, &g);
		return;
	}
	emit_diag(s, k, s->rec_line, s->rec_offset, f.claimed_seq, 0, f.field, "%s", f.msg);
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
		if (marker_prefix(pend + n - k, k))
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
		process_record_line(s);
		break;
	case ST_OVERSIZED:
		emit_diag(s, PF_DIAG_OVERSIZED, s->rec_line, s->rec_offset,
			  peek_seq(s->rec + PF_PROTO_MARKER_LEN, s->rec_len - PF_PROTO_MARKER_LEN),
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
	for (p = find_marker(s->rec, s->rec_len, PF_PROTO_MARKER_LEN); p < s->rec_len;
	     p = find_marker(s->rec, s->rec_len, p + 1))
		last = p;
	if (last < s->rec_len) {
		emit_diag(s, PF_DIAG_MALFORMED, s->rec_line, s->rec_offset,
			  peek_seq(s->rec + PF_PROTO_MARKER_LEN, last - PF_PROTO_MARKER_LEN), 0,
			  NULL, "record interrupted by a new marker at column %zu", last + 1);
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
		if (marker_prefix(s->rec + s->rec_len - k, k)) {
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
			emit_diag(s, PF_DIAG_OVERSIZED, s->rec_line, s->rec_offset,
				  peek_seq(s->rec + PF_PROTO_MARKER_LEN,
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
		emit_diag(s, PF_DIAG_TRUNCATED, s->rec_line, s->rec_offset,
			  peek_seq(s->rec + PF_PROTO_MARKER_LEN, s->rec_len - PF_PROTO_MARKER_LEN),
			  0, NULL, "stream ended inside a record (%llu bytes, no newline)",
			  (unsigned long long)(s->state == ST_RECORD ? s->rec_len : s->over_len));
		break;
	}
	s->state = ST_NOISE;
	s->mpos = 0;
	s->noise_len = 0;
	s->line_spoke = false;

	if (s->need_end)
		emit_diag(s, PF_DIAG_NO_END, 0, 0, -1, 0, NULL,
			  "stream ended without an end record (next seq would be %u)", s->expected);
	else if (!s->since_finish)
		emit_diag(s, PF_DIAG_NO_END, 0, 0, -1, 0, NULL, "stream ended without any record");
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

/* SPDX-License-Identifier: MIT */
/*
 * What a record must hold: the names of record types and diagnostic kinds,
 * the members each record type requires (pf_record_validate), and
 * diagnostics as JSON (for the journal). No stream state here.
 */
#include "ingest/stream.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf/proto.h"
#include "util/json.h"
#include "util/names.h"

#define MSG_LEN 256

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
	return pf_name_of(diag_names, PF_DIAG_KIND_COUNT, (int)kind, NULL);
}

int pf_diag_kind_from_name(const char *name)
{
	return pf_name_index(diag_names, PF_DIAG_KIND_COUNT, name);
}

static const char *const rec_names[PF_REC_TYPE_COUNT] = {
	[PF_REC_HELLO] = "hello",   [PF_REC_DEVICE] = "device", [PF_REC_BEGIN] = "begin",
	[PF_REC_RESULT] = "result", [PF_REC_METRIC] = "metric", [PF_REC_LOG] = "log",
	[PF_REC_FAULT] = "fault",   [PF_REC_END] = "end",
};

const char *pf_rec_type_name(enum pf_rec_type t)
{
	return pf_name_of(rec_names, PF_REC_TYPE_COUNT, (int)t, NULL);
}

int pf_rec_type_from_name(const char *name)
{
	return pf_name_index(rec_names, PF_REC_TYPE_COUNT, name);
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
	{ "proto", V_UINT, true, NULL },	{ "probe", V_NESTR, true, NULL },
	{ "arch", V_NESTR, true, NULL },	{ "image", V_STR, false, NULL },
	{ "options", V_OBJ, false, NULL },	{ "nonce", V_STR, false, NULL },
	{ "load_address", V_HEX, false, NULL }, { NULL, V_STR, false, NULL },
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
	t = pf_json_string_get(rec, "t", NULL);
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
	kind = pf_diag_kind_from_name(pf_json_string_get(obj, "kind", NULL));
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
	out->field = pf_json_string_get(obj, "field", NULL);
	out->message = pf_json_string_get(obj, "message", NULL);
	if (!out->message)
		out->message = "";
	return 0;
}

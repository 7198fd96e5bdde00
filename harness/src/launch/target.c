/* SPDX-License-Identifier: MIT */
/*
 * Target definitions: YAML loading (libyaml document API), validation,
 * lookup by name, listing and ${placeholder} expansion. Format and rules are
 * documented in docs/targets.md; keep the two in step.
 *
 * The document API is used (not the event API) because every node keeps its
 * start mark, which is what the FILE:LINE:COL diagnostics need.
 */
#define _POSIX_C_SOURCE 200809L

#include "launch/target.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

/* A target file is a page of text; refusing huge inputs keeps a mistaken
 * path (an image, a device) from being parsed at length. */
#define TARGET_MAX_FILE_BYTES (1024 * 1024)
#define TARGET_MAX_NAME 64
/* Timeouts above a week are a typo, and the bound keeps ms in a long. */
#define TARGET_MAX_SECONDS (7.0 * 24 * 3600)

static const char *const builtin_names[] = { "binary", "probe",	  "bootargs",
					     "outdir", "sockdir", NULL };
static const char *const known_arches[] = { "aarch64", "x86_64", "riscv64", NULL };

/* ---- errors ------------------------------------------------------------- */

/* ---- small helpers -------------------------------------------------------- */

/* Growable string; on OOM it records the failure and stops growing, so
 * callers check once at the end. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_adds(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Takes ownership of the buffer out of b ("" if nothing was added). */
static char *sb_take(struct sbuf *b)
{
	if (b->oom) {
		free(b->p);
		b->p = NULL;
		return NULL;
	}
	char *p = b->p ? b->p : strdup("");
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static bool is_identifier(const char *s, size_t n)
{
	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return false;
	return true;
}

/* Device type and transport names as the probe reports them: "9p",
 * "video-encoder", "mmio". */
static bool is_device_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '-' || *s == '_'))
			return false;
	return true;
}

/* Target names become file names: keep them to a portable, shell-safe set. */
static bool is_target_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > TARGET_MAX_NAME || !isalnum((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || strchr("._-", s[i])))
			return false;
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void pf_argv_free(char **argv)
{
	strv_free(argv);
}

/* ---- placeholders --------------------------------------------------------- */

/*
 * Expansion context. In validation mode (values == NULL) only names are
 * checked. Otherwise values[i] belongs to builtin_names[i] and NULL there
 * means "not available". User variables are only visible from argv, not
 * from other variables, so expansion can never recurse.
 */
struct expander {
	const char *const *values;
	const struct pf_target_var *vars;
	size_t n_vars;
	bool allow_vars;
};

static const struct pf_target_var *find_var(const struct pf_target_var *vars, size_t n,
					    const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
			return &vars[i];
	return NULL;
}

/*
 * Expand S into OUT (out may be NULL: validate only). On error returns -1,
 * *bad_off is the byte offset in S of the offending '$' and WHY says what.
 */
static int expand(const struct expander *x, const char *s, struct sbuf *out, size_t *bad_off,
		  char *why, size_t whylen)
{
	size_t i = 0, n = strlen(s);
	while (i < n) {
		const char *d = memchr(s + i, '$', n - i);
		size_t lit = d ? (size_t)(d - (s + i)) : n - i;
		if (out)
			sb_add(out, s + i, lit);
		i += lit;
		if (i >= n)
			break;
		/* s[i] == '$' */
		if (s[i + 1] == '$') { /* "$$" is a literal dollar */
			if (out)
				sb_add(out, "$", 1);
			i += 2;
			continue;
		}
		*bad_off = i;
		if (s[i + 1] != '{') {
			snprintf(why, whylen,
				 "stray '$' (write '$$' for a literal dollar, "
				 "'${name}' for a placeholder)");
			return -1;
		}
		const char *close = memchr(s + i + 2, '}', n - i - 2);
		if (!close) {
			snprintf(why, whylen, "unterminated placeholder '${' (missing '}')");
			return -1;
		}
		const char *name = s + i + 2;
		size_t len = (size_t)(close - name);
		if (!is_identifier(name, len)) {
			snprintf(why, whylen, "invalid placeholder name '%.*s'",
				 (int)(len > 64 ? 64 : len), name);
			return -1;
		}
		int bi = -1;
		for (int k = 0; builtin_names[k]; k++)
			if (strlen(builtin_names[k]) == len &&
			    memcmp(builtin_names[k], name, len) == 0)
				bi = k;
		if (bi >= 0) {
			if (x->values) {
				const char *v = x->values[bi];
				if (!v) {
					snprintf(why, whylen,
						 "placeholder '${%s}' has no value here",
						 builtin_names[bi]);
					return -1;
				}
				if (out)
					sb_adds(out, v);
			}
		} else {
			const struct pf_target_var *var =
				x->allow_vars ? find_var(x->vars, x->n_vars, name, len) : NULL;
			if (!var) {
				if (x->allow_vars)
					snprintf(why, whylen,
						 "unknown placeholder '${%.*s}' (known: binary, "
						 "probe, bootargs, outdir, sockdir and the keys "
						 "of 'variables')",
						 (int)len, name);
				else if (find_var(x->vars, x->n_vars, name, len))
					snprintf(why, whylen,
						 "a variable's value may not use another variable "
						 "('${%.*s}'), only binary, probe, bootargs, "
						 "outdir, "
						 "sockdir",
						 (int)len, name);
				else
					snprintf(
						why, whylen,
						"unknown placeholder '${%.*s}' (a variable's value "
						"may use binary, probe, bootargs, outdir, sockdir)",
						(int)len, name);
				return -1;
			}
			if (x->values) {
				/* A variable's value may use builtins only: expand it with
                 * variables switched off. Its own errors were caught at load
                 * or set time, so the offset is not meaningful here. */
				struct expander inner = *x;
				inner.allow_vars = false;
				size_t dummy;
				if (expand(&inner, var->value, out, &dummy, why, whylen) < 0)
					return -1;
			}
		}
		i = (size_t)(close - s) + 1;
	}
	return 0;
}

/* ---- YAML walking --------------------------------------------------------- */

struct loader {
	yaml_document_t doc;
	const char *file;
	struct pf_error *err;
};

static yaml_node_t *node_at(struct loader *L, int id)
{
	return yaml_document_get_node(&L->doc, id);
}

static int fail_at_mark(struct loader *L, yaml_mark_t m, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail_at_mark(struct loader *L, yaml_mark_t m, const char *field, const char *fmt, ...)
{
	char msg[PF_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* libyaml marks are 0-based; people count from 1. */
	return pf_error_fill(L->err, L->file, (int)m.line + 1, (int)m.column + 1, field, "%s", msg);
}

#define fail_at(L, node, field, ...) fail_at_mark((L), (node)->start_mark, (field), __VA_ARGS__)

static const char *kind_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_SCALAR_NODE:
		return "a string";
	default:
		return "nothing";
	}
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* YAML's null: an empty plain scalar, "~" or "null" unquoted. */
static bool is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *s = scalar(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

/* A string value. allow_empty: null and "" become "" instead of an error.
 * NUL bytes inside a scalar (possible via "\0") would truncate silently. */
static int get_string(struct loader *L, yaml_node_t *n, const char *field, bool allow_empty,
		      char **out)
{
	if (n->type != YAML_SCALAR_NODE)
		return fail_at(L, n, field, "expected a string, found %s", kind_name(n));
	bool null = is_null(n);
	if (!allow_empty && (null || !*scalar(n)))
		return fail_at(L, n, field, "must not be empty");
	if (strlen(scalar(n)) != n->data.scalar.length)
		return fail_at(L, n, field, "contains a NUL character");
	char *s = strdup(null ? "" : scalar(n));
	if (!s)
		return fail_at(L, n, field, "out of memory");
	free(*out); /* a default may be in place */
	*out = s;
	return 0;
}

/* A sequence of strings (elements may be empty strings, not null). */
static int get_string_seq(struct loader *L, yaml_node_t *n, const char *field, char ***out,
			  size_t *count)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_at(L, n, field, "expected a sequence, found %s", kind_name(n));
	size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	char **v = calloc(cnt + 1, sizeof(*v));
	if (!v)
		return fail_at(L, n, field, "out of memory");
	for (size_t i = 0; i < cnt; i++) {
		yaml_node_t *e = node_at(L, n->data.sequence.items.start[i]);
		char f[PF_ERROR_FIELD_MAX];
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		if (e->type == YAML_SCALAR_NODE && is_null(e)) {
			strv_free(v);
			return fail_at(L, e, f, "expected a string, found null (quote it: \"\")");
		}
		if (get_string(L, e, f, true, &v[i]) < 0) {
			strv_free(v);
			return -1;
		}
	}
	strv_free(*out);
	*out = v;
	if (count)
		*count = cnt;
	return 0;
}

/* A positive number of seconds (integer or decimal) converted to ms. */
static int get_seconds(struct loader *L, yaml_node_t *n, const char *field, long *ms)
{
	if (n->type != YAML_SCALAR_NODE || is_null(n))
		return fail_at(L, n, field, "expected a number of seconds, found %s",
			       n->type == YAML_SCALAR_NODE ? "null" : kind_name(n));
	const char *s = scalar(n);
	/* strtod alone would also take hex, "inf" and "nan". */
	bool ok = *s != '\0' && strspn(s, "0123456789.+-eE") == strlen(s);
	char *end = NULL;
	errno = 0;
	double v = ok ? strtod(s, &end) : 0;
	if (!ok || errno || !end || *end || !isfinite(v))
		return fail_at(L, n, field, "expected a number of seconds, found '%s'", s);
	if (v <= 0)
		return fail_at(L, n, field, "must be a positive number of seconds, not %s", s);
	if (v > TARGET_MAX_SECONDS)
		return fail_at(L, n, field, "%s s is more than a week", s);
	long r = (long)(v * 1000.0 + 0.5);
	*ms = r > 0 ? r : 1; /* 0.0001 s still means "a positive time" */
	return 0;
}

static int get_count(struct loader *L, yaml_node_t *n, const char *field, int max, int *out)
{
	if (n->type != YAML_SCALAR_NODE || is_null(n))
		return fail_at(L, n, field, "expected a whole number, found %s",
			       n->type == YAML_SCALAR_NODE ? "null" : kind_name(n));
	const char *s = scalar(n);
	const char *digits = s[0] == '-' ? s + 1 : s;
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	/* strtol would also accept "+3", " 3" or "0x3". */
	if (!*digits || strspn(digits, "0123456789") != strlen(digits) || errno || *end)
		return fail_at(L, n, field, "expected a whole number, found '%s'", s);
	if (v < 0 || v > max)
		return fail_at(L, n, field, "must be between 0 and %d, not %ld", max, v);
	*out = (int)v;
	return 0;
}

/*
 * Check that N is a mapping whose keys are scalars from ALLOWED (NULL-
 * terminated), each at most once; vals[i] receives the value node of
 * allowed[i] (NULL if absent). PREFIX names the mapping in field paths
 * ("" at the top).
 */
static void join_field(char *buf, size_t len, const char *prefix, const char *key)
{
	/* a field path only names a place in an error message: a path cut at
     * len is still useful, so truncation is accepted, not an error */
	int n = snprintf(buf, len, "%s%s%s", prefix, *prefix ? "." : "", key);

	if (n < 0 && len)
		buf[0] = '\0';
}

static int walk_mapping(struct loader *L, yaml_node_t *n, const char *prefix,
			const char *const *allowed, yaml_node_t **vals, yaml_node_t **keys)
{
	if (n->type != YAML_MAPPING_NODE)
		return fail_at(L, n, *prefix ? prefix : NULL, "expected a mapping, found %s",
			       kind_name(n));
	size_t na = 0;
	while (allowed[na])
		na++;
	for (size_t i = 0; i < na; i++)
		vals[i] = keys[i] = NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node_at(L, p->key);
		yaml_node_t *v = node_at(L, p->value);
		if (!k || !v)
			return pf_error_fill(L->err, L->file, 0, 0, prefix, "malformed document");
		if (k->type != YAML_SCALAR_NODE)
			return fail_at(L, k, *prefix ? prefix : NULL,
				       "keys must be strings, found %s", kind_name(k));
		char field[PF_ERROR_FIELD_MAX];
		join_field(field, sizeof(field), prefix, scalar(k));
		size_t idx = na;
		for (size_t i = 0; i < na; i++)
			if (strcmp(scalar(k), allowed[i]) == 0)
				idx = i;
		if (idx == na) {
			char list[256] = "";
			for (size_t i = 0; i < na; i++) {
				size_t o = strlen(list);
				snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
					 allowed[i]);
			}
			return fail_at(L, k, field, "unknown key (expected one of: %s)", list);
		}
		if (vals[idx])
			return fail_at(L, k, field, "duplicate key (first given at line %d)",
				       (int)keys[idx]->start_mark.line + 1);
		vals[idx] = v;
		keys[idx] = k;
	}
	return 0;
}

static int missing(struct loader *L, yaml_node_t *map, const char *prefix, const char *key)
{
	char field[PF_ERROR_FIELD_MAX];
	join_field(field, sizeof(field), prefix, key);
	return fail_at(L, map, field, "required key missing");
}

/*
 * Line and column of byte OFF inside scalar N. Exact when the scalar sits on
 * one line without escapes (its source span is then the value, plus the
 * quotes if quoted); otherwise the scalar's own start is the honest answer.
 */
static yaml_mark_t mark_in_scalar(const yaml_node_t *n, size_t off)
{
	yaml_mark_t m = n->start_mark;
	size_t span = n->end_mark.index - n->start_mark.index;
	size_t len = n->data.scalar.length;
	yaml_scalar_style_t st = n->data.scalar.style;
	bool quoted =
		st == YAML_SINGLE_QUOTED_SCALAR_STYLE || st == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	bool one_line = n->start_mark.line == n->end_mark.line;
	if (one_line &&
	    ((st == YAML_PLAIN_SCALAR_STYLE && span == len) || (quoted && span == len + 2)))
		m.column += off + (quoted ? 1 : 0);
	return m;
}

/* Validate placeholders of scalar N (already copied to S). */
static int check_placeholders(struct loader *L, const yaml_node_t *n, const char *s,
			      const char *field, const struct pf_target *t, bool allow_vars)
{
	struct expander x = { NULL, t->vars, t->n_vars, allow_vars };
	size_t off = 0;
	char why[300];
	if (expand(&x, s, NULL, &off, why, sizeof(why)) == 0)
		return 0;
	return fail_at_mark(L, mark_in_scalar(n, off), field, "%s", why);
}

/* ---- section loaders ------------------------------------------------------ */

static int load_hypervisor(struct loader *L, yaml_node_t *n, struct pf_target *t)
{
	static const char *const keys[] = { "name", "binary", "version_args", "packages", NULL };
	yaml_node_t *v[4] = { 0 }, *k[4] = { 0 };
	if (walk_mapping(L, n, "hypervisor", keys, v, k) < 0)
		return -1;
	if (!v[0])
		return missing(L, n, "hypervisor", "name");
	if (!v[1])
		return missing(L, n, "hypervisor", "binary");
	struct pf_hypervisor *h = &t->hypervisor;
	if (get_string(L, v[0], "hypervisor.name", false, &h->name) < 0 ||
	    get_string(L, v[1], "hypervisor.binary", false, &h->binary) < 0)
		return -1;
	if (v[2] && get_string_seq(L, v[2], "hypervisor.version_args", &h->version_args, NULL) < 0)
		return -1;
	if (v[3] && get_string_seq(L, v[3], "hypervisor.packages", &h->packages, NULL) < 0)
		return -1;
	return 0;
}

static int load_timeouts(struct loader *L, yaml_node_t *n, struct pf_target *t)
{
	static const char *const keys[] = { "overall_s", "inactivity_s", "boot_s", NULL };
	yaml_node_t *v[3] = { 0 }, *k[3] = { 0 };
	if (walk_mapping(L, n, "timeouts", keys, v, k) < 0)
		return -1;
	if (v[0] && get_seconds(L, v[0], "timeouts.overall_s", &t->overall_ms) < 0)
		return -1;
	if (v[1] && get_seconds(L, v[1], "timeouts.inactivity_s", &t->inactivity_ms) < 0)
		return -1;
	if (v[2] && get_seconds(L, v[2], "timeouts.boot_s", &t->boot_ms) < 0)
		return -1;
	return 0;
}

/* A mapping of name -> whole number (expect.transports, expect.types). */
static int get_count_map(struct loader *L, yaml_node_t *n, const char *field,
			 struct pf_target_count **out, size_t *count)
{
	if (n->type != YAML_MAPPING_NODE)
		return fail_at(L, n, field, "expected a mapping of name: count, found %s",
			       kind_name(n));
	size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	struct pf_target_count *v = calloc(cnt + 1, sizeof(*v));
	if (!v)
		return fail_at(L, n, field, "out of memory");
	*out = v;
	*count = 0;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node_at(L, p->key);
		yaml_node_t *val = node_at(L, p->value);
		char f[PF_ERROR_FIELD_MAX];
		if (!k || !val)
			return pf_error_fill(L->err, L->file, 0, 0, field, "malformed document");
		if (k->type != YAML_SCALAR_NODE || !is_device_name(scalar(k)))
			return fail_at(L, k, field,
				       "keys must be names (mmio, pci, net, blk, ...)");
		join_field(f, sizeof(f), field, scalar(k));
		for (size_t i = 0; i < *count; i++)
			if (!strcmp(v[i].name, scalar(k)))
				return fail_at(L, k, f, "duplicate key");
		v[*count].name = strdup(scalar(k));
		if (!v[*count].name)
			return fail_at(L, k, f, "out of memory");
		(*count)++;
		if (get_count(L, val, f, 4096, &v[*count - 1].min) < 0)
			return -1;
	}
	return 0;
}

/*
 * expect: what a complete run of this target finds (docs/targets.md).
 * devices is a count (at least this many devices) or, as in earlier
 * versions, a sequence of types each found at least once; min_devices is
 * the older spelling of the count.
 */
static int load_expect(struct loader *L, yaml_node_t *n, struct pf_target *t)
{
	static const char *const keys[] = { "min_devices", "devices", "transports", "types", NULL };
	yaml_node_t *v[4] = { 0 }, *k[4] = { 0 };
	if (walk_mapping(L, n, "expect", keys, v, k) < 0)
		return -1;
	if (v[0] && get_count(L, v[0], "expect.min_devices", 4096, &t->expect_min_devices) < 0)
		return -1;
	t->expect_min_given = v[0] != NULL;
	if (v[1] && v[1]->type == YAML_SCALAR_NODE) {
		if (v[0])
			return fail_at(L, k[1], "expect.devices",
				       "give the device count once: devices or min_devices");
		if (get_count(L, v[1], "expect.devices", 4096, &t->expect_min_devices) < 0)
			return -1;
		t->expect_min_given = true;
	} else if (v[1]) {
		if (get_string_seq(L, v[1], "expect.devices", &t->expect_devices, NULL) < 0)
			return -1;
		for (size_t i = 0; t->expect_devices[i]; i++) {
			yaml_node_t *e = node_at(L, v[1]->data.sequence.items.start[i]);
			if (!is_device_name(t->expect_devices[i])) {
				char f[PF_ERROR_FIELD_MAX];
				snprintf(f, sizeof(f), "expect.devices[%zu]", i);
				return fail_at(L, e, f,
					       "'%s' is not a device type name (net, blk, ...)",
					       t->expect_devices[i]);
			}
		}
	}
	if (v[2] && get_count_map(L, v[2], "expect.transports", &t->expect_transports,
				  &t->n_expect_transports) < 0)
		return -1;
	if (v[3] &&
	    get_count_map(L, v[3], "expect.types", &t->expect_types, &t->n_expect_types) < 0)
		return -1;
	return 0;
}

static int load_variables(struct loader *L, yaml_node_t *n, struct pf_target *t)
{
	if (n->type != YAML_MAPPING_NODE)
		return fail_at(L, n, "variables", "expected a mapping, found %s", kind_name(n));
	size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	t->vars = calloc(cnt ? cnt : 1, sizeof(*t->vars));
	if (!t->vars)
		return fail_at(L, n, "variables", "out of memory");
	for (size_t i = 0; i < cnt; i++) {
		yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
		yaml_node_t *k = node_at(L, p->key), *v = node_at(L, p->value);
		if (k->type != YAML_SCALAR_NODE)
			return fail_at(L, k, "variables", "keys must be strings, found %s",
				       kind_name(k));
		char field[PF_ERROR_FIELD_MAX];
		join_field(field, sizeof(field), "variables", scalar(k));
		const char *name = scalar(k);
		if (!is_identifier(name, strlen(name)))
			return fail_at(L, k, field,
				       "variable names are identifiers ([A-Za-z_][A-Za-z0-9_]*)");
		if (in_list(name, builtin_names))
			return fail_at(L, k, field,
				       "'%s' is a built-in placeholder and "
				       "cannot be redefined",
				       name);
		for (size_t j = 0; j < t->n_vars; j++)
			if (strcmp(t->vars[j].name, name) == 0) {
				/* Find the first occurrence's line for the message. */
				yaml_node_t *k0 = node_at(L, n->data.mapping.pairs.start[j].key);
				return fail_at(L, k, field,
					       "duplicate key (first given at line %d)",
					       (int)k0->start_mark.line + 1);
			}
		char *value = NULL;
		if (get_string(L, v, field, true, &value) < 0)
			return -1;
		/* Count the slot before checking, so pf_target_free frees both. */
		t->vars[t->n_vars].value = value;
		t->vars[t->n_vars].name = strdup(name);
		if (!t->vars[t->n_vars++].name)
			return fail_at(L, k, field, "out of memory");
	}
	/* Values are checked once all names are known, so the message for a
     * variable using another variable can say exactly that. */
	for (size_t i = 0; i < cnt; i++) {
		yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
		char field[PF_ERROR_FIELD_MAX];
		join_field(field, sizeof(field), "variables", t->vars[i].name);
		if (check_placeholders(L, node_at(L, p->value), t->vars[i].value, field, t, false) <
		    0)
			return -1;
	}
	return 0;
}

static int load_argv(struct loader *L, yaml_node_t *n, struct pf_target *t)
{
	if (get_string_seq(L, n, "argv", &t->argv, &t->argc) < 0)
		return -1;
	if (t->argc == 0)
		return fail_at(L, n, "argv",
			       "must not be empty (the first element is "
			       "the program, usually \"${binary}\")");
	if (!t->argv[0][0]) {
		yaml_node_t *e = node_at(L, n->data.sequence.items.start[0]);
		return fail_at(L, e, "argv[0]", "the program must not be empty");
	}
	for (size_t i = 0; i < t->argc; i++) {
		char f[PF_ERROR_FIELD_MAX];
		snprintf(f, sizeof(f), "argv[%zu]", i);
		if (check_placeholders(L, node_at(L, n->data.sequence.items.start[i]), t->argv[i],
				       f, t, true) < 0)
			return -1;
	}
	return 0;
}

/* ---- services (docs/targets.md, "Services") ------------------------------ */

static int load_ready(struct loader *L, yaml_node_t *n, const char *prefix, struct pf_target *t,
		      struct pf_target_service *s)
{
	static const char *const keys[] = { "socket", "path", "exited", "timeout_s", NULL };
	yaml_node_t *v[4] = { 0 }, *k[4] = { 0 };
	char f[PF_ERROR_FIELD_MAX];
	if (walk_mapping(L, n, prefix, keys, v, k) < 0)
		return -1;
	if (!!v[0] + !!v[1] + !!v[2] != 1)
		return fail_at(L, n, prefix,
			       "give exactly one of 'socket', 'path' "
			       "or 'exited'");
	if (v[0] || v[1]) {
		char **dst = v[0] ? &s->ready_socket : &s->ready_path;
		join_field(f, sizeof(f), prefix, v[0] ? "socket" : "path");
		if (get_string(L, v[0] ? v[0] : v[1], f, false, dst) < 0 ||
		    check_placeholders(L, v[0] ? v[0] : v[1], *dst, f, t, true) < 0)
			return -1;
	}
	if (v[2]) {
		char *b = NULL;
		join_field(f, sizeof(f), prefix, "exited");
		if (get_string(L, v[2], f, false, &b) < 0)
			return -1;
		bool yes = strcmp(b, "true") == 0;
		free(b);
		if (!yes)
			return fail_at(L, v[2], f,
				       "must be true (a one-shot step, ready "
				       "once it exited with status 0)");
		s->ready_exited = true;
	}
	join_field(f, sizeof(f), prefix, "timeout_s");
	if (v[3] && get_seconds(L, v[3], f, &s->ready_ms) < 0)
		return -1;
	return 0;
}

static int load_service(struct loader *L, yaml_node_t *n, size_t idx, struct pf_target *t,
			struct pf_target_service *s)
{
	static const char *const keys[] = { "name", "argv", "ready", "stop_s", "packages", NULL };
	yaml_node_t *v[5] = { 0 }, *k[5] = { 0 };
	char prefix[PF_ERROR_FIELD_MAX], f[PF_ERROR_FIELD_MAX];
	snprintf(prefix, sizeof(prefix), "services[%zu]", idx);
	if (walk_mapping(L, n, prefix, keys, v, k) < 0)
		return -1;
	if (!v[0])
		return missing(L, n, prefix, "name");
	if (!v[1])
		return missing(L, n, prefix, "argv");
	join_field(f, sizeof(f), prefix, "name");
	if (get_string(L, v[0], f, false, &s->name) < 0)
		return -1;
	if (!is_identifier(s->name, strlen(s->name)) || strlen(s->name) > 32)
		return fail_at(L, v[0], f,
			       "'%s' is not a service name (an identifier "
			       "of at most 32 characters)",
			       s->name);
	for (size_t i = 0; i < idx; i++)
		if (strcmp(t->services[i].name, s->name) == 0)
			return fail_at(L, v[0], f, "duplicate service name '%s'", s->name);
	join_field(f, sizeof(f), prefix, "argv");
	if (get_string_seq(L, v[1], f, &s->argv, &s->argc) < 0)
		return -1;
	if (s->argc == 0 || !s->argv[0][0])
		return fail_at(L, v[1], f, "must start with a program to run");
	for (size_t i = 0; i < s->argc; i++) {
		/* prefix is "services[N]": short, so this never truncates */
		snprintf(f, sizeof(f), "services[%zu].argv[%zu]", idx, i);
		if (check_placeholders(L, node_at(L, v[1]->data.sequence.items.start[i]),
				       s->argv[i], f, t, true) < 0)
			return -1;
	}
	if (v[2]) {
		join_field(f, sizeof(f), prefix, "ready");
		if (load_ready(L, v[2], f, t, s) < 0)
			return -1;
	}
	join_field(f, sizeof(f), prefix, "stop_s");
	if (v[3] && get_seconds(L, v[3], f, &s->stop_ms) < 0)
		return -1;
	join_field(f, sizeof(f), prefix, "packages");
	if (v[4] && get_string_seq(L, v[4], f, &s->packages, NULL) < 0)
		return -1;
	return 0;
}

static int load_services(struct loader *L, yaml_node_t *n, struct pf_target *t)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return fail_at(L, n, "services",
			       "expected a sequence of services, "
			       "found %s",
			       kind_name(n));
	size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	t->services = calloc(cnt ? cnt : 1, sizeof(*t->services));
	if (!t->services)
		return fail_at(L, n, "services", "out of memory");
	for (size_t i = 0; i < cnt; i++) {
		struct pf_target_service *s = &t->services[i];
		s->ready_ms = (long)(PF_SERVICE_DEFAULT_READY_S * 1000);
		s->stop_ms = (long)(PF_SERVICE_DEFAULT_STOP_S * 1000);
		t->n_services = i + 1; /* counted first, so pf_target_free frees it */
		if (load_service(L, node_at(L, n->data.sequence.items.start[i]), i, t, s) < 0)
			return -1;
		if (!s->packages && !(s->packages = calloc(1, sizeof(char *))))
			return fail_at(L, n, "services", "out of memory");
	}
	return 0;
}

/* The probe is looked up under the image directory: keep it there. */
static bool is_safe_relative(const char *p)
{
	if (p[0] == '/')
		return false;
	for (const char *s = p; *s;) {
		size_t n = strcspn(s, "/");
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return false;
		s += n;
		if (*s == '/')
			s++;
	}
	return true;
}

static int load_root(struct loader *L, yaml_node_t *root, struct pf_target *t)
{
	enum {
		K_NAME,
		K_DESC,
		K_ARCH,
		K_PROBE,
		K_HV,
		K_TIMEOUTS,
		K_ARGV,
		K_VARS,
		K_EXPECT,
		K_SERVICES,
		K_N
	};
	static const char *const keys[] = { "name",	  "description", "arch", "probe",
					    "hypervisor", "timeouts",	 "argv", "variables",
					    "expect",	  "services",	 NULL };
	yaml_node_t *v[K_N] = { 0 }, *k[K_N] = { 0 };
	if (walk_mapping(L, root, "", keys, v, k) < 0)
		return -1;
	static const int required[] = { K_NAME, K_ARCH, K_PROBE, K_HV, K_ARGV };
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!v[required[i]])
			return missing(L, root, "", keys[required[i]]);

	if (get_string(L, v[K_NAME], "name", false, &t->name) < 0)
		return -1;
	if (!is_target_name(t->name))
		return fail_at(L, v[K_NAME], "name",
			       "'%s' is not a valid target name (letters, digits, "
			       "'.', '_', '-'; at most %d)",
			       t->name, TARGET_MAX_NAME);
	if (v[K_DESC] && get_string(L, v[K_DESC], "description", true, &t->description) < 0)
		return -1;
	if (get_string(L, v[K_ARCH], "arch", false, &t->arch) < 0)
		return -1;
	if (!in_list(t->arch, known_arches))
		return fail_at(L, v[K_ARCH], "arch",
			       "unknown architecture '%s' (expected aarch64, x86_64 "
			       "or riscv64)",
			       t->arch);
	if (get_string(L, v[K_PROBE], "probe", false, &t->probe) < 0)
		return -1;
	if (!is_safe_relative(t->probe))
		return fail_at(L, v[K_PROBE], "probe",
			       "must be a path relative to the image directory, "
			       "without '..'");
	if (load_hypervisor(L, v[K_HV], t) < 0)
		return -1;
	if (v[K_TIMEOUTS] && load_timeouts(L, v[K_TIMEOUTS], t) < 0)
		return -1;
	/* Variables before argv: argv placeholders are checked against them. */
	if (v[K_VARS] && load_variables(L, v[K_VARS], t) < 0)
		return -1;
	if (load_argv(L, v[K_ARGV], t) < 0)
		return -1;
	if (v[K_EXPECT] && load_expect(L, v[K_EXPECT], t) < 0)
		return -1;
	if (v[K_SERVICES] && load_services(L, v[K_SERVICES], t) < 0)
		return -1;

	/* Lookup is by file name and listing shows `name`: they must agree or
     * `plugfest targets` would offer names that cannot be loaded. */
	const char *base = strrchr(L->file, '/');
	base = base ? base + 1 : L->file;
	if (ends_with(base, ".yaml")) {
		size_t bl = strlen(base) - strlen(".yaml");
		if (strlen(t->name) != bl || strncmp(base, t->name, bl) != 0)
			return fail_at(L, v[K_NAME], "name",
				       "'%s' does not match the file name '%s' (name "
				       "must be the file name without .yaml)",
				       t->name, base);
	}
	return 0;
}

/* Defaults first, so the file only overrides. */
static int set_defaults(struct pf_target *t)
{
	t->description = strdup("");
	t->hypervisor.version_args = calloc(2, sizeof(char *));
	t->hypervisor.packages = calloc(1, sizeof(char *));
	t->expect_devices = calloc(1, sizeof(char *));
	if (!t->description || !t->hypervisor.version_args || !t->hypervisor.packages ||
	    !t->expect_devices)
		return -1;
	t->hypervisor.version_args[0] = strdup("--version");
	if (!t->hypervisor.version_args[0])
		return -1;
	t->overall_ms = (long)(PF_TARGET_DEFAULT_OVERALL_S * 1000);
	t->inactivity_ms = (long)(PF_TARGET_DEFAULT_INACTIVITY_S * 1000);
	t->boot_ms = (long)(PF_TARGET_DEFAULT_BOOT_S * 1000);
	return 0;
}

void pf_target_free(struct pf_target *t)
{
	if (!t)
		return;
	free(t->path);
	free(t->name);
	free(t->description);
	free(t->arch);
	free(t->probe);
	free(t->hypervisor.name);
	free(t->hypervisor.binary);
	strv_free(t->hypervisor.version_args);
	strv_free(t->hypervisor.packages);
	strv_free(t->argv);
	for (size_t i = 0; i < t->n_vars; i++) {
		free(t->vars[i].name);
		free(t->vars[i].value);
	}
	free(t->vars);
	strv_free(t->expect_devices);
	for (size_t i = 0; t->expect_transports && t->expect_transports[i].name; i++)
		free(t->expect_transports[i].name);
	free(t->expect_transports);
	for (size_t i = 0; t->expect_types && t->expect_types[i].name; i++)
		free(t->expect_types[i].name);
	free(t->expect_types);
	for (size_t i = 0; i < t->n_services; i++) {
		struct pf_target_service *s = &t->services[i];
		free(s->name);
		strv_free(s->argv);
		free(s->ready_socket);
		free(s->ready_path);
		strv_free(s->packages);
	}
	free(t->services);
	free(t->sockdir);
	free(t);
}

static int syntax_error(struct loader *L, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "unknown problem";
	if (p->error == YAML_MEMORY_ERROR)
		return pf_error_fill(L->err, L->file, 0, 0, NULL, "out of memory");
	if (p->error == YAML_READER_ERROR)
		/* Reader errors (bad encoding) only carry a byte offset. */
		return pf_error_fill(L->err, L->file, 0, 0, NULL, "unreadable YAML at byte %zu: %s",
				     p->problem_offset, problem);
	if (p->context)
		return pf_error_fill(L->err, L->file, (int)p->problem_mark.line + 1,
				     (int)p->problem_mark.column + 1, NULL,
				     "YAML syntax error: %s %s (line %d, column %d)", problem,
				     p->context, (int)p->context_mark.line + 1,
				     (int)p->context_mark.column + 1);
	return pf_error_fill(L->err, L->file, (int)p->problem_mark.line + 1,
			     (int)p->problem_mark.column + 1, NULL, "YAML syntax error: %s",
			     problem);
}

static FILE *open_regular(const char *path, struct pf_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		int e = errno;
		pf_error_fill(err, path, 0, 0, NULL, "cannot open: %s", strerror(e));
		if (err)
			err->sys_errno = e;
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		pf_error_fill(err, path, 0, 0, NULL, "not a regular file");
		return NULL;
	}
	if (st.st_size > TARGET_MAX_FILE_BYTES) {
		fclose(f);
		pf_error_fill(err, path, 0, 0, NULL, "file too large (%lld bytes; limit %d)",
			      (long long)st.st_size, TARGET_MAX_FILE_BYTES);
		return NULL;
	}
	return f;
}

static struct pf_target *load_file(const char *path, struct pf_error *err)
{
	pf_error_clear(err);
	FILE *f = open_regular(path, err);
	if (!f)
		return NULL;
	struct pf_target *t = calloc(1, sizeof(*t));
	struct loader L = { .file = path, .err = err };
	yaml_parser_t parser;
	bool parser_ok = false, doc_ok = false;
	int rc = -1;
	if (!t || set_defaults(t) < 0 || !(t->path = strdup(path))) {
		pf_error_fill(err, path, 0, 0, NULL, "out of memory");
		goto out;
	}
	if (!yaml_parser_initialize(&parser)) {
		pf_error_fill(err, path, 0, 0, NULL, "out of memory");
		goto out;
	}
	parser_ok = true;
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &L.doc)) {
		syntax_error(&L, &parser);
		goto out;
	}
	doc_ok = true;
	yaml_node_t *root = yaml_document_get_root_node(&L.doc);
	if (!root) {
		pf_error_fill(err, path, 0, 0, NULL,
			      "empty file: expected a mapping "
			      "(see docs/targets.md)");
		goto out;
	}
	if (load_root(&L, root, t) < 0)
		goto out;
	/* A second document would be silently ignored: refuse it. */
	yaml_document_t next;
	if (!yaml_parser_load(&parser, &next)) {
		syntax_error(&L, &parser);
		goto out;
	}
	yaml_node_t *r2 = yaml_document_get_root_node(&next);
	if (r2) {
		fail_at(&L, r2, NULL, "more than one YAML document in a target file");
		yaml_document_delete(&next);
		goto out;
	}
	yaml_document_delete(&next);
	rc = 0;
out:
	if (doc_ok)
		yaml_document_delete(&L.doc);
	if (parser_ok)
		yaml_parser_delete(&parser);
	fclose(f);
	if (rc < 0) {
		pf_target_free(t);
		return NULL;
	}
	return t;
}

/* ---- lookup and listing --------------------------------------------------- */

struct entry {
	char *name;
	char *path;
};

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static void entries_free(struct entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].path);
	}
	free(e);
}

/*
 * Collect NAME.yaml files of all search dirs, first dir winning, sorted by
 * name. Missing dirs are skipped: a search path may list optional places.
 * Returns 0, or -1 on OOM.
 */
static int collect(const char *const *dirs, struct entry **out, size_t *count)
{
	struct entry *e = NULL;
	size_t n = 0, cap = 0;
	*out = NULL;
	*count = 0;
	for (size_t d = 0; dirs && dirs[d]; d++) {
		DIR *dir = opendir(dirs[d]);
		if (!dir)
			continue;
		struct dirent *de;
		while ((de = readdir(dir)) != NULL) {
			const char *fn = de->d_name;
			if (fn[0] == '.' || !ends_with(fn, ".yaml"))
				continue;
			size_t nl = strlen(fn) - strlen(".yaml");
			char name[TARGET_MAX_NAME + 1];
			if (nl == 0 || nl > TARGET_MAX_NAME)
				continue;
			memcpy(name, fn, nl);
			name[nl] = '\0';
			if (!is_target_name(name))
				continue;
			bool seen = false;
			for (size_t i = 0; i < n && !seen; i++)
				seen = strcmp(e[i].name, name) == 0;
			if (seen)
				continue;
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				struct entry *ne = realloc(e, nc * sizeof(*e));
				if (!ne)
					goto oom;
				e = ne;
				cap = nc;
			}
			size_t pl = strlen(dirs[d]) + strlen(fn) + 2;
			e[n].name = strdup(name);
			e[n].path = malloc(pl);
			if (!e[n].name || !e[n].path) {
				n++;
				goto oom;
			}
			snprintf(e[n].path, pl, "%s/%s", dirs[d], fn);
			n++;
		}
		closedir(dir);
		continue;
	oom:
		closedir(dir);
		entries_free(e, n);
		return -1;
	}
	if (n)
		qsort(e, n, sizeof(*e), entry_cmp);
	*out = e;
	*count = n;
	return 0;
}

static bool is_path_like(const char *s)
{
	return strchr(s, '/') != NULL || ends_with(s, ".yaml");
}

static struct pf_target *unknown_name(const char *name, const char *const *dirs,
				      struct pf_error *err)
{
	struct entry *e;
	size_t n;
	struct sbuf b = { 0 };
	if (collect(dirs, &e, &n) < 0) {
		pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
		return NULL;
	}
	if (n == 0) {
		sb_adds(&b, "no target files (*.yaml) in ");
		for (size_t d = 0; dirs && dirs[d]; d++) {
			sb_adds(&b, d ? ", " : "");
			sb_adds(&b, dirs[d]);
		}
	} else {
		sb_adds(&b, "available: ");
		for (size_t i = 0; i < n; i++) {
			sb_adds(&b, i ? ", " : "");
			sb_adds(&b, e[i].name);
		}
	}
	char *list = sb_take(&b);
	pf_error_fill(err, NULL, 0, 0, NULL, "unknown target '%s'; %s", name,
		      list ? list : "(out of memory)");
	free(list);
	entries_free(e, n);
	return NULL;
}

struct pf_target *pf_target_load(const char *name_or_path, const char *const *search_dirs,
				 struct pf_error *err)
{
	pf_error_clear(err);
	if (!name_or_path || !*name_or_path) {
		pf_error_fill(err, NULL, 0, 0, NULL, "no target given");
		return NULL;
	}
	if (is_path_like(name_or_path))
		return load_file(name_or_path, err);
	if (!is_target_name(name_or_path)) {
		pf_error_fill(err, NULL, 0, 0, NULL, "'%s' is not a valid target name",
			      name_or_path);
		return NULL;
	}
	if (!search_dirs || !search_dirs[0]) {
		pf_error_fill(err, NULL, 0, 0, NULL,
			      "unknown target '%s'; no target directories to search", name_or_path);
		return NULL;
	}
	for (size_t d = 0; search_dirs[d]; d++) {
		size_t pl = strlen(search_dirs[d]) + strlen(name_or_path) + 7;
		char *path = malloc(pl);
		if (!path) {
			pf_error_fill(err, NULL, 0, 0, NULL, "out of memory");
			return NULL;
		}
		snprintf(path, pl, "%s/%s.yaml", search_dirs[d], name_or_path);
		struct stat st;
		if (stat(path, &st) == 0) {
			struct pf_target *t = load_file(path, err);
			free(path);
			return t;
		}
		free(path);
	}
	return unknown_name(name_or_path, search_dirs, err);
}

int pf_target_list(const char *const *search_dirs, pf_target_list_fn fn, void *ctx)
{
	struct entry *e;
	size_t n;
	if (!fn || collect(search_dirs, &e, &n) < 0)
		return -1;
	int visited = 0;
	for (size_t i = 0; i < n; i++) {
		struct pf_error err;
		struct pf_target *t = load_file(e[i].path, &err);
		int stop = fn(ctx, e[i].name, e[i].path, t, t ? NULL : &err);
		pf_target_free(t);
		visited++;
		if (stop)
			break;
	}
	entries_free(e, n);
	return visited;
}

/* ---- variables, expansion, probe path ------------------------------------ */

const char *pf_target_variable(const struct pf_target *t, const char *name)
{
	if (!t || !name)
		return NULL;
	const struct pf_target_var *v = find_var(t->vars, t->n_vars, name, strlen(name));
	return v ? v->value : NULL;
}

int pf_target_set_variable(struct pf_target *t, const char *name, const char *value,
			   struct pf_error *err)
{
	pf_error_clear(err);
	char field[PF_ERROR_FIELD_MAX];
	snprintf(field, sizeof(field), "variables.%s", name ? name : "");
	if (!t || !name || !value)
		return pf_error_fill(err, NULL, 0, 0, field, "missing argument");
	if (!is_identifier(name, strlen(name)))
		return pf_error_fill(err, NULL, 0, 0, field,
				     "variable names are identifiers ([A-Za-z_][A-Za-z0-9_]*)");
	if (in_list(name, builtin_names))
		return pf_error_fill(err, NULL, 0, 0, field,
				     "'%s' is a built-in placeholder and cannot be set", name);
	struct expander x = { NULL, t->vars, t->n_vars, false };
	size_t off;
	char why[300];
	if (expand(&x, value, NULL, &off, why, sizeof(why)) < 0)
		return pf_error_fill(err, NULL, 0, 0, field, "%s (at offset %zu)", why, off);
	char *copy = strdup(value);
	if (!copy)
		return pf_error_fill(err, NULL, 0, 0, field, "out of memory");
	for (size_t i = 0; i < t->n_vars; i++)
		if (strcmp(t->vars[i].name, name) == 0) {
			free(t->vars[i].value);
			t->vars[i].value = copy;
			return 0;
		}
	struct pf_target_var *nv = realloc(t->vars, (t->n_vars + 1) * sizeof(*nv));
	char *ncopy = strdup(name);
	if (!nv || !ncopy) {
		if (nv)
			t->vars = nv;
		free(copy);
		free(ncopy);
		return pf_error_fill(err, NULL, 0, 0, field, "out of memory");
	}
	t->vars = nv;
	t->vars[t->n_vars].name = ncopy;
	t->vars[t->n_vars].value = copy;
	t->n_vars++;
	return 0;
}

char **pf_target_argv(const struct pf_target *t, const char *probe_path, const char *bootargs,
		      const char *outdir, size_t *argc, struct pf_error *err)
{
	pf_error_clear(err);
	if (argc)
		*argc = 0;
	if (!t || !t->argv || t->argc == 0) {
		pf_error_fill(err, NULL, 0, 0, "argv", "no target");
		return NULL;
	}
	const char *values[] = { t->hypervisor.binary, probe_path, bootargs, outdir, t->sockdir };
	struct expander x = { values, t->vars, t->n_vars, true };
	char **out = calloc(t->argc + 1, sizeof(*out));
	if (!out) {
		pf_error_fill(err, t->path, 0, 0, "argv", "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < t->argc; i++) {
		struct sbuf b = { 0 };
		size_t off = 0;
		char why[300];
		char field[32];
		snprintf(field, sizeof(field), "argv[%zu]", i);
		if (expand(&x, t->argv[i], &b, &off, why, sizeof(why)) < 0) {
			free(b.p);
			pf_error_fill(err, t->path, 0, 0, field, "%s", why);
			strv_free(out);
			return NULL;
		}
		out[i] = sb_take(&b);
		if (!out[i]) {
			pf_error_fill(err, t->path, 0, 0, field, "out of memory");
			strv_free(out);
			return NULL;
		}
	}
	if (!out[0][0]) {
		pf_error_fill(err, t->path, 0, 0, "argv[0]", "expands to an empty program name");
		strv_free(out);
		return NULL;
	}
	if (argc)
		*argc = t->argc;
	return out;
}

char *pf_target_expand(const struct pf_target *t, const char *templ, const char *probe_path,
		       const char *bootargs, const char *outdir, const char *field,
		       struct pf_error *err)
{
	pf_error_clear(err);
	if (!t || !templ) {
		pf_error_fill(err, NULL, 0, 0, field, "missing argument");
		return NULL;
	}
	const char *values[] = { t->hypervisor.binary, probe_path, bootargs, outdir, t->sockdir };
	struct expander x = { values, t->vars, t->n_vars, true };
	struct sbuf b = { 0 };
	size_t off = 0;
	char why[300];
	if (expand(&x, templ, &b, &off, why, sizeof(why)) < 0) {
		free(b.p);
		pf_error_fill(err, t->path, 0, 0, field, "%s", why);
		return NULL;
	}
	char *out = sb_take(&b);
	if (!out)
		pf_error_fill(err, t->path, 0, 0, field, "out of memory");
	return out;
}

int pf_target_set_sockdir(struct pf_target *t, const char *dir, struct pf_error *err)
{
	pf_error_clear(err);
	if (!t || !dir)
		return pf_error_fill(err, NULL, 0, 0, "sockdir", "missing argument");
	char *copy = strdup(dir);
	if (!copy)
		return pf_error_fill(err, NULL, 0, 0, "sockdir", "out of memory");
	free(t->sockdir);
	t->sockdir = copy;
	return 0;
}

int pf_target_probe_path(const struct pf_target *t, const char *image_dir, char *buf, size_t len,
			 struct pf_error *err)
{
	pf_error_clear(err);
	if (!t || !image_dir || !buf || len == 0)
		return pf_error_fill(err, NULL, 0, 0, "probe", "missing argument");
	int n = snprintf(buf, len, "%s/%s", image_dir, t->probe);
	if (n < 0 || (size_t)n >= len)
		return pf_error_fill(err, t->path, 0, 0, "probe", "path too long");
	struct stat st;
	if (stat(buf, &st) != 0) {
		int e = errno;
		pf_error_fill(err, t->path, 0, 0, "probe", "probe image %s: %s", buf, strerror(e));
		if (err)
			err->sys_errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		return pf_error_fill(err, t->path, 0, 0, "probe",
				     "probe image %s is not a regular file", buf);
	if (access(buf, R_OK) != 0) {
		int e = errno;
		pf_error_fill(err, t->path, 0, 0, "probe", "probe image %s: %s", buf, strerror(e));
		if (err)
			err->sys_errno = e;
		return -1;
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
#include "report.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "record.h"
#include "virtio/virtio.h"

static const char *const verdict_names[PF_VERDICT_COUNT] = {
	[PF_VERDICT_PASS] = "pass", [PF_VERDICT_FAIL] = "fail",	  [PF_VERDICT_WARN] = "warn",
	[PF_VERDICT_SKIP] = "skip", [PF_VERDICT_ERROR] = "error", [PF_VERDICT_NA] = "na",
};

const char *pf_verdict_name(enum pf_verdict v)
{
	return (unsigned)v < PF_VERDICT_COUNT ? verdict_names[v] : "error";
}

enum pf_verdict pf_test_verdict(const struct pf_test *t)
{
	if (t->errored)
		return PF_VERDICT_ERROR;
	if (t->failed)
		return PF_VERDICT_FAIL;
	if (t->warned)
		return PF_VERDICT_WARN;
	if (t->skipped)
		return PF_VERDICT_SKIP;
	if (t->na)
		return PF_VERDICT_NA;
	return PF_VERDICT_PASS;
}

static void emit_log(const struct pf_test *t, const char *level, const char *msg)
{
	rec_begin("log");
	rec_str("level", level);
	rec_str("msg", msg);
	if (t) {
		rec_str("test", t->info->id);
		if (t->dev)
			rec_str("dev", t->dev->name);
	}
	rec_end();
}

/* "case-id/sub-id", or "sub-id" outside a case; cut to fit, in the
 * fingerprint alphabet and never ending in '/' (the runner refuses a
 * malformed fingerprint with its record). */
static void fingerprint(const struct pf_test *t, const char *sub, char *out)
{
	size_t n;

	if (!sub || !*sub)
		sub = "unnamed";
	if (t->case_id)
		snprintf(out, PF_FP_LEN, "%s/%s", t->case_id, sub);
	else
		snprintf(out, PF_FP_LEN, "%s", sub);
	/* ids are literals in the checks; a slip must not cost the record */
	for (char *c = out; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '/'))
			*c = (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : '-';
	n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = 0;
}

static void add_sub(struct pf_test *t, const char *fp)
{
	for (unsigned i = 0; i < t->nsubs; i++)
		if (!strcmp(t->subs[i], fp))
			return;
	if (t->nsubs >= PF_SUBS_MAX) {
		t->subs_more = true;
		return;
	}
	memcpy(t->subs[t->nsubs++], fp, PF_FP_LEN);
}

/* What a message is about, by weight: a warning's replaces a skip's. */
enum {
	SEV_NONE,
	SEV_SKIP,
	SEV_WARN,
	SEV_FAIL,
	SEV_ERROR
};

static int severity_now(const struct pf_test *t)
{
	return t->errored	       ? SEV_ERROR
	       : t->failed	       ? SEV_FAIL
	       : t->warned	       ? SEV_WARN
	       : (t->skipped || t->na) ? SEV_SKIP
				       : SEV_NONE;
}

/* Keeps the first message of the most severe kind seen so far: a failure's
 * message replaces a warning's, never the other way round. fp is the
 * failed assertion's fingerprint (NULL for skip, na, error). */
static void note(struct pf_test *t, int severity, const char *fp, const char *fmt, va_list ap)
{
	char buf[sizeof(t->msg)];
	int cur = severity_now(t);
	int n = 0;

	if (t->stage)
		n = snprintf(buf, sizeof(buf), "%s: ", t->stage);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	if (severity > cur || t->msg[0] == 0) {
		memcpy(t->msg, buf, sizeof(buf));
		if (fp)
			memcpy(t->sub, fp, PF_FP_LEN);
		else
			t->sub[0] = 0;
	}
	if (fp)
		add_sub(t, fp);
	if (t->opt && t->opt->verbose >= 1 && severity >= SEV_WARN)
		emit_log(t, severity >= SEV_FAIL ? "error" : "warn", buf);
}

/* A failed assertion at severity sev (SEV_FAIL or SEV_WARN). */
static void assert_failed(struct pf_test *t, int sev, const char *sub, const char *fmt, va_list ap)
{
	char fp[PF_FP_LEN];

	fingerprint(t, sub, fp);
	note(t, sev, fp, fmt, ap);
	if (sev == SEV_FAIL)
		t->failed++;
	else
		t->warned++;
}

/* A message that ends the check one way (error, skip, na): the flag is set
 * after the message so that the message is weighed against what was before. */
static void note_end(struct pf_test *t, int severity, bool *flag, const char *fmt, va_list ap)
{
	note(t, severity, NULL, fmt, ap);
	*flag = true;
}

bool report(struct pf_test *t, bool ok, const char *sub, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return true;
	va_start(ap, fmt);
	assert_failed(t, t->info->level == PF_LEVEL_MUST ? SEV_FAIL : SEV_WARN, sub, fmt, ap);
	va_end(ap);
	return false;
}

bool report_should(struct pf_test *t, bool ok, const char *sub, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return true;
	va_start(ap, fmt);
	assert_failed(t, SEV_WARN, sub, fmt, ap);
	va_end(ap);
	return false;
}

void report_case(struct pf_test *t, const char *id, const char *text)
{
	t->case_id = id;
	t->stage = id ? text : NULL;
}

void report_na(struct pf_test *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note_end(t, SEV_SKIP, &t->na, fmt, ap);
	va_end(ap);
}

void report_skip(struct pf_test *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note_end(t, SEV_SKIP, &t->skipped, fmt, ap);
	va_end(ap);
}

/* The fields of a pf_test that a mark keeps: where each is in the test and
 * in the mark, and its size (the same in both). */
#define MARK_FIELD(f)                                                            \
	{                                                                        \
		offsetof(struct pf_test, f), offsetof(struct pf_report_mark, f), \
			sizeof(((struct pf_report_mark *)0)->f)                  \
	}
static const struct mark_field {
	size_t test_off, mark_off, size;
} mark_fields[] = {
	MARK_FIELD(failed), MARK_FIELD(warned),	 MARK_FIELD(skipped),
	MARK_FIELD(na),	    MARK_FIELD(errored), MARK_FIELD(subs_more),
	MARK_FIELD(nsubs),  MARK_FIELD(msg),	 MARK_FIELD(sub),
};

_Static_assert(sizeof(((struct pf_test *)0)->msg) == sizeof(((struct pf_report_mark *)0)->msg),
	       "a mark keeps the whole message");
_Static_assert(sizeof(((struct pf_test *)0)->sub) == sizeof(((struct pf_report_mark *)0)->sub),
	       "a mark keeps the whole fingerprint");

/* Copies the marked fields from a test to a mark (to_mark) or back. */
static void mark_copy(void *dst, const void *src, bool to_mark)
{
	for (unsigned i = 0; i < sizeof(mark_fields) / sizeof(mark_fields[0]); i++) {
		const struct mark_field *f = &mark_fields[i];

		memcpy((char *)dst + (to_mark ? f->mark_off : f->test_off),
		       (const char *)src + (to_mark ? f->test_off : f->mark_off), f->size);
	}
}

void report_mark(const struct pf_test *t, struct pf_report_mark *m)
{
	mark_copy(m, t, true);
}

void report_rollback(struct pf_test *t, const struct pf_report_mark *m)
{
	mark_copy(t, m, false);
}

bool report_failed(const struct pf_test *t)
{
	return t->failed != 0;
}

bool report_warned(const struct pf_test *t)
{
	return t->warned != 0;
}

bool report_errored(const struct pf_test *t)
{
	return t->errored;
}

bool report_stopped(const struct pf_test *t)
{
	return t->failed || t->errored || t->skipped;
}

const char *report_message(const struct pf_test *t)
{
	return t->msg;
}

void report_error(struct pf_test *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note_end(t, SEV_ERROR, &t->errored, fmt, ap);
	va_end(ap);
}

void report_log(struct pf_test *t, int level, const char *fmt, ...)
{
	char buf[PF_MSG_LEN];
	va_list ap;

	if (!t->opt || t->opt->verbose < level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	emit_log(t, level >= 2 ? "debug" : "info", buf);
}

void report_metric(struct pf_test *t, const char *name, uint64_t value, const char *unit)
{
	rec_begin("metric");
	rec_str("name", name);
	rec_u64("value", value);
	rec_str("unit", unit);
	rec_str("test", t->info->id);
	if (t->dev)
		rec_str("dev", t->dev->name);
	rec_end();
}

/* '*' matches any run of characters; everything else literally. */
static bool glob_match(const char *pat, size_t plen, const char *s)
{
	size_t i = 0;

	for (; i < plen; i++) {
		if (pat[i] == '*') {
			for (;; s++) {
				if (glob_match(pat + i + 1, plen - i - 1, s))
					return true;
				if (!*s)
					return false;
			}
		}
		if (*s != pat[i])
			return false;
		s++;
	}
	return *s == 0;
}

bool pf_filter_match(const char *filter, const char *id)
{
	const char *p = filter;

	if (!filter || !*filter)
		return true;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len && glob_match(p, len, id))
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

static uint64_t parse_u64(const char *s, size_t len)
{
	uint64_t v = 0;

	for (size_t i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

static void copy_val(char *dst, size_t cap, const char *s, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, s, len);
	dst[len] = 0;
}

void pf_options_parse(struct pf_options *opt, const char *bootargs)
{
	const char *p = bootargs ? bootargs : "";

	memset(opt, 0, sizeof(*opt));
	while (*p) {
		const char *w, *eq;
		size_t wlen, klen, vlen;

		while (*p == ' ' || *p == '\t')
			p++;
		w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		wlen = (size_t)(p - w);
		if (wlen < 4 || memcmp(w, "pf.", 3) != 0)
			continue;
		eq = memchr(w, '=', wlen);
		if (!eq)
			continue;
		klen = (size_t)(eq - w);
		vlen = wlen - klen - 1;
		if (klen == 9 && !memcmp(w, "pf.filter", 9))
			copy_val(opt->filter, sizeof(opt->filter), eq + 1, vlen);
		else if (klen == 7 && !memcmp(w, "pf.seed", 7))
			opt->seed = parse_u64(eq + 1, vlen);
		else if (klen == 10 && !memcmp(w, "pf.verbose", 10))
			opt->verbose = (int)parse_u64(eq + 1, vlen);
		else if (klen == 7 && !memcmp(w, "pf.from", 7))
			opt->from = (uint32_t)parse_u64(eq + 1, vlen);
		else if (klen == 7 && !memcmp(w, "pf.pace", 7))
			opt->pace_ms = (uint32_t)parse_u64(eq + 1, vlen);
		else if (klen == 11 && !memcmp(w, "pf.selftest", 11))
			copy_val(opt->selftest, sizeof(opt->selftest), eq + 1, vlen);
		else if (klen == 8 && !memcmp(w, "pf.nonce", 8) && vlen < sizeof(opt->nonce))
			copy_val(opt->nonce, sizeof(opt->nonce), eq + 1, vlen);
	}
}

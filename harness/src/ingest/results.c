/* SPDX-License-Identifier: MIT */
/*
 * Run model. Everything is kept as jansson values in the shape it will be
 * written, except results, which are enriched (catalogue, spec labels) only
 * when the document is rendered, because the fact base may be loaded later
 * than the records arrive, or re-rendered from a journal with another one.
 */
#define _POSIX_C_SOURCE 200809L

#include "ingest/results.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf/catalogue.h"
#include "policy/score.h"
#include "util/json.h"

#include "ingest/results_internal.h"

static const char *const finding_kinds[] = { "crash",	 "wedged",   "timeout",	    "fault",
					     "protocol", "no-start", "interrupted", NULL };
static const char *const open_fail_kinds[] = { "crash", "wedged", "timeout", NULL };

static bool in_set(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

static bool str_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* ---- lifecycle ------------------------------------------------------ */

struct pf_results *pf_results_new(void)
{
	struct pf_results *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->devices = json_array();
	r->dev_index = json_object();
	r->results = json_array();
	r->res_index = json_object();
	r->findings = json_array();
	r->diags = json_array();
	r->metrics = json_array();
	r->logs = json_array();
	r->last_step = -1;
	if (!r->devices || !r->dev_index || !r->results || !r->res_index || !r->findings ||
	    !r->diags || !r->metrics || !r->logs) {
		pf_results_free(r);
		return NULL;
	}
	return r;
}

void pf_results_free(struct pf_results *r)
{
	if (!r)
		return;
	json_decref(r->run);
	json_decref(r->hello);
	json_decref(r->end);
	json_decref(r->devices);
	json_decref(r->dev_index);
	json_decref(r->results);
	json_decref(r->res_index);
	json_decref(r->findings);
	json_decref(r->diags);
	json_decref(r->metrics);
	json_decref(r->logs);
	json_decref(r->open);
	free(r);
}

void pf_results_set_run(struct pf_results *r, json_t *run)
{
	if (!r) {
		json_decref(run);
		return;
	}
	json_decref(r->run);
	r->run = json_is_object(run) ? run : NULL;
	if (run && !r->run)
		json_decref(run);
}

/* ---- helpers -------------------------------------------------------- */

static int run_diag(struct pf_results *r, enum pf_diag_kind kind, int64_t seq, const char *field,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int run_diag(struct pf_results *r, enum pf_diag_kind kind, int64_t seq, const char *field,
		    const char *fmt, ...)
{
	char msg[256];
	struct pf_diag d = { .kind = kind, .seq = seq, .field = field, .message = msg };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pf_results_add_diag(r, &d);
}

/* dst[dkey] = deep copy of src[skey], when src has it. Deep, so nothing
 * here shares a value with a record the caller may still change. */
int pf_results_copy_member(json_t *dst, const char *dkey, const json_t *src, const char *skey)
{
	json_t *v = json_object_get(src, skey);

	if (!v)
		return 0;
	return json_object_set_new(dst, dkey, json_deep_copy(v));
}

/* json_string() refuses invalid UTF-8; messages may quote probe text. */
static json_t *text(const char *s)
{
	json_t *j = json_string(s ? s : "");

	return j ? j : json_string("(text not valid UTF-8)");
}

json_t *pf_results_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *step_json(int64_t step)
{
	return step >= 0 ? json_integer(step) : json_null();
}

static int64_t step_of(const json_t *rec)
{
	const json_t *v = json_object_get(rec, "step");

	return json_is_integer(v) && json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
}

static void note_step(struct pf_results *r, int64_t step)
{
	if (step > r->last_step)
		r->last_step = step;
}

/* Index key of a (test, dev) pair; NULL on ENOMEM. Caller frees. */
static char *pair_key(const char *test, const char *dev)
{
	size_t a = strlen(test), b = strlen(dev);
	char *k = malloc(a + b + 2);

	if (!k)
		return NULL;
	memcpy(k, test, a);
	k[a] = '\n'; /* cannot occur in either: both come from JSON strings
		      * the probe escapes, but even if it did, only the pairing
		      * of two pathological ids would be affected */
	memcpy(k + a + 1, dev, b + 1);
	return k;
}

/* ---- findings and results ------------------------------------------- */

int pf_results_add_diag(struct pf_results *r, const struct pf_diag *d)
{
	if (!r || !d)
		return -1;
	return json_array_append_new(r->diags, pf_diag_to_json(d));
}

int pf_results_add_finding(struct pf_results *r, const char *kind, const char *msg,
			   const char *test, const char *dev, int64_t step)
{
	json_t *f;

	if (!r || !in_set(kind, finding_kinds) || !msg) {
		errno = EINVAL;
		return -1;
	}
	f = json_pack("{s:s, s:o, s:o, s:o, s:o, s:I}", "kind", kind, "message", text(msg), "test",
		      pf_results_str_or_null(test), "device", pf_results_str_or_null(dev), "step",
		      step_json(step), "boot", (json_int_t)r->boots);
	return json_array_append_new(r->findings, f);
}

/* A result in internal form: the record's facts only. */
static json_t *new_result(const char *test, const char *dev, int64_t step, const char *verdict,
			  unsigned boot)
{
	return json_pack("{s:s, s:s, s:o, s:s, s:I}", "test", test, "device", dev, "step",
			 step_json(step), "verdict", verdict, "boot", (json_int_t)boot);
}

/* Append a result unless (test, dev) already has one. Steals res.
 * Returns 1 when added, 0 when a duplicate (diagnosed), -1 on error. */
static int put_result(struct pf_results *r, json_t *res, int64_t seq)
{
	const char *test = pf_json_string_get(res, "test", NULL),
		   *dev = pf_json_string_get(res, "device", NULL);
	char *key;
	json_t *have;
	int rc = -1;

	if (!res || !test || !dev)
		goto out;
	key = pair_key(test, dev);
	if (!key)
		goto out;
	have = json_object_get(r->res_index, key);
	if (have) {
		const json_t *first = json_array_get(r->results, (size_t)json_integer_value(have));

		run_diag(r, PF_DIAG_DUPLICATE_RESULT, seq, NULL,
			 "second result for %.80s on %.60s (verdict %s); kept the first (verdict "
			 "%s)",
			 test, dev, pf_json_string_get(res, "verdict", NULL),
			 pf_json_string_get(first, "verdict", NULL));
		rc = 0;
	} else if (json_object_set_new(r->res_index, key,
				       json_integer((json_int_t)json_array_size(r->results))) ==
			   0 &&
		   json_array_append(r->results, res) == 0) {
		rc = 1;
	}
	free(key);
out:
	json_decref(res);
	return rc;
}

bool pf_results_open_step(const struct pf_results *r, struct pf_open_step *out)
{
	if (!r || !r->open)
		return false;
	if (out) {
		out->test = pf_json_string_get(r->open, "test", NULL);
		out->dev = pf_json_string_get(r->open, "dev", NULL);
		out->step = step_of(r->open);
		out->seq = (uint32_t)json_integer_value(json_object_get(r->open, "seq"));
	}
	return true;
}

static void close_open(struct pf_results *r)
{
	json_decref(r->open);
	r->open = NULL;
}

/* Finding of `finding` kind and a result with `verdict` for the open step. */
static int fail_open(struct pf_results *r, const char *finding, const char *verdict,
		     const char *msg)
{
	struct pf_open_step o;
	json_t *res;
	int rc;

	if (!pf_results_open_step(r, &o))
		return 0;
	rc = pf_results_add_finding(r, finding, msg, o.test, o.dev, o.step);
	res = new_result(o.test, o.dev, o.step, verdict, r->boots);
	if (res)
		json_object_set_new(res, "message", text(msg));
	if (put_result(r, res, -1) < 0)
		rc = -1;
	close_open(r);
	return rc < 0 ? -1 : 1;
}

int pf_results_fail_open_step(struct pf_results *r, const char *kind, const char *msg)
{
	if (!r || !in_set(kind, open_fail_kinds) || !msg) {
		errno = EINVAL;
		return -1;
	}
	return fail_open(r, kind, kind, msg);
}

/* ---- records -------------------------------------------------------- */

static int on_hello(struct pf_results *r, uint32_t seq, const json_t *rec)
{
	if (r->open) {
		char msg[256];

		snprintf(msg, sizeof(msg),
			 "guest restarted (new hello) while %.80s on %.60s was running",
			 pf_json_string_get(r->open, "test", NULL),
			 pf_json_string_get(r->open, "dev", NULL));
		fail_open(r, "crash", "crash", msg);
	} else if (r->boots && !r->end && json_array_size(r->findings) == r->findings_at_hello) {
		/* The runner records a finding before it restarts a guest; a
		 * boot that ended without `end` and without one restarted on
		 * its own, between checks. */
		char msg[128];

		snprintf(msg, sizeof(msg),
			 "guest restarted (new hello) between checks; boot %u sent no end record",
			 r->boots);
		pf_results_add_finding(r, "crash", msg, NULL, NULL, -1);
	}
	r->findings_at_hello = json_array_size(r->findings);
	r->boots++;
	json_decref(r->end);
	r->end = NULL;
	if (!r->hello) {
		r->hello = json_deep_copy(rec);
		return r->hello ? 0 : -1;
	}
	/* One run, one probe: a different image means the run is mixed. */
	if (!json_equal(json_object_get(r->hello, "image"), json_object_get(rec, "image")) ||
	    !json_equal(json_object_get(r->hello, "probe"), json_object_get(rec, "probe")) ||
	    !json_equal(json_object_get(r->hello, "arch"), json_object_get(rec, "arch")))
		run_diag(r, PF_DIAG_INCONSISTENT, seq, "image",
			 "boot %u runs a different probe (version/arch/image) than boot 1",
			 r->boots);
	return 0;
}

static const char *const device_members[] = { "type",	      "device_id", "transport", "address",
					      "vendor_id",    "version",   "mode",	"features",
					      "feature_bits", "queues",	   "irq",	NULL };

static int on_device(struct pf_results *r, uint32_t seq, const json_t *rec)
{
	const char *id = pf_json_string_get(rec, "dev", NULL);
	json_t *d, *have;
	int rc = 0;

	if (!id)
		return -1;
	d = json_pack("{s:s}", "id", id);
	for (int i = 0; d && device_members[i]; i++)
		rc |= pf_results_copy_member(d, device_members[i], rec, device_members[i]);
	if (!d || rc) {
		json_decref(d);
		return -1;
	}
	have = json_object_get(r->dev_index, id);
	if (have) {
		/* A restarted guest announces its devices again: expected, and
		 * only worth a word when the device changed meanwhile. */
		if (!json_equal(d, json_array_get(r->devices, (size_t)json_integer_value(have))))
			run_diag(r, PF_DIAG_INCONSISTENT, seq, "dev",
				 "device %.80s re-announced with different properties; kept the "
				 "first",
				 id);
		json_decref(d);
		return 0;
	}
	if (json_object_set_new(r->dev_index, id,
				json_integer((json_int_t)json_array_size(r->devices))) ||
	    json_array_append_new(r->devices, d))
		return -1;
	return 0;
}

static int on_begin(struct pf_results *r, uint32_t seq, const json_t *rec)
{
	const char *test = pf_json_string_get(rec, "test", NULL),
		   *dev = pf_json_string_get(rec, "dev", NULL);

	if (!test || !dev)
		return -1;
	if (r->open)
		run_diag(r, PF_DIAG_INCONSISTENT, seq, "test",
			 "begin of %.80s on %.60s while %.80s on %.60s has no result", test, dev,
			 pf_json_string_get(r->open, "test", NULL),
			 pf_json_string_get(r->open, "dev", NULL));
	close_open(r);
	note_step(r, step_of(rec));
	r->open = json_pack("{s:s, s:s, s:o, s:I}", "test", test, "dev", dev, "step",
			    step_json(step_of(rec)), "seq", (json_int_t)seq);
	return r->open ? 0 : -1;
}

static int on_result(struct pf_results *r, uint32_t seq, const json_t *rec)
{
	const char *test = pf_json_string_get(rec, "test", NULL),
		   *dev = pf_json_string_get(rec, "dev", NULL);
	const char *verdict = pf_json_string_get(rec, "verdict", NULL);
	json_t *res;
	int rc = 0;

	if (!test || !dev || !verdict)
		return -1;
	if (r->open) {
		if (!str_eq(test, pf_json_string_get(r->open, "test", NULL)) ||
		    !str_eq(dev, pf_json_string_get(r->open, "dev", NULL)))
			run_diag(r, PF_DIAG_INCONSISTENT, seq, "test",
				 "result for %.80s on %.60s while %.80s on %.60s was in flight",
				 test, dev, pf_json_string_get(r->open, "test", NULL),
				 pf_json_string_get(r->open, "dev", NULL));
		close_open(r);
	}
	note_step(r, step_of(rec));
	res = new_result(test, dev, step_of(rec), verdict, r->boots);
	if (!res)
		return -1;
	rc |= pf_results_copy_member(res, "level", rec, "level");
	rc |= pf_results_copy_member(res, "reqs", rec, "reqs");
	rc |= pf_results_copy_member(res, "message", rec, "msg");
	rc |= pf_results_copy_member(res, "duration_us", rec, "us");
	rc |= pf_results_copy_member(res, "sub", rec, "sub");
	rc |= pf_results_copy_member(res, "subs", rec, "subs");
	rc |= pf_results_copy_member(res, "subs_more", rec, "subs_more");
	rc |= json_object_set_new(res, "seq", json_integer(seq));
	if (rc) {
		json_decref(res);
		return -1;
	}
	return put_result(r, res, seq) < 0 ? -1 : 0;
}

/* metric and log: the record minus "t", "dev" renamed to "device". */
static int on_plain(json_t *list, const json_t *rec, const char *const *members)
{
	json_t *o = json_object();
	int rc = 0;

	if (!o)
		return -1;
	for (int i = 0; members[i]; i += 2)
		rc |= pf_results_copy_member(o, members[i + 1], rec, members[i]);
	if (rc) {
		json_decref(o);
		return -1;
	}
	return json_array_append_new(list, o);
}

static const char *const metric_members[] = { "name", "name",	"value", "value", "unit", "unit",
					      "dev",  "device", "test",	 "test",  NULL };
static const char *const log_members[] = { "level",  "level", "msg",  "message", "dev",
					   "device", "test",  "test", NULL };

static int on_metric(struct pf_results *r, uint32_t seq, const json_t *rec)
{
	(void)seq;
	return on_plain(r->metrics, rec, metric_members);
}

static int on_log(struct pf_results *r, uint32_t seq, const json_t *rec)
{
	(void)seq;
	return on_plain(r->logs, rec, log_members);
}

static int on_fault(struct pf_results *r, uint32_t seq, const json_t *rec)
{
	(void)seq;
	char msg[512];

	snprintf(msg, sizeof(msg), "probe fault (%.40s): %.400s",
		 pf_json_string_get(rec, "kind", NULL),
		 pf_json_string_get(rec, "msg", "no message"));
	/* The probe stops after a fault: the check in flight died with it. */
	if (r->open)
		return fail_open(r, "fault", "crash", msg) < 0 ? -1 : 0;
	return pf_results_add_finding(r, "fault", msg, NULL, NULL, -1);
}

static int on_end(struct pf_results *r, uint32_t seq, const json_t *rec)
{
	if (r->open) {
		run_diag(r, PF_DIAG_INCONSISTENT, seq, "test",
			 "end while %.80s on %.60s has no result",
			 pf_json_string_get(r->open, "test", NULL),
			 pf_json_string_get(r->open, "dev", NULL));
		close_open(r);
	}
	json_decref(r->end);
	r->end = json_object();
	if (!r->end || pf_results_copy_member(r->end, "status", rec, "status") ||
	    pf_results_copy_member(r->end, "records", rec, "records") ||
	    pf_results_copy_member(r->end, "counts", rec, "counts"))
		return -1;
	return 0;
}

/* What each record type adds to the model: 0, or -1 when it cannot. */
static int (*const on_record[PF_REC_TYPE_COUNT])(struct pf_results *r, uint32_t seq,
						 const json_t *rec) = {
	[PF_REC_HELLO] = on_hello,   [PF_REC_DEVICE] = on_device, [PF_REC_BEGIN] = on_begin,
	[PF_REC_RESULT] = on_result, [PF_REC_METRIC] = on_metric, [PF_REC_LOG] = on_log,
	[PF_REC_FAULT] = on_fault,   [PF_REC_END] = on_end,
};

int pf_results_add_record(struct pf_results *r, uint32_t seq, const json_t *rec)
{
	int type, rc;

	if (!r)
		return -1;
	type = pf_rec_type_from_name(pf_json_string_get(rec, "t", NULL));
	if (type < 0) {
		run_diag(r, PF_DIAG_MALFORMED, seq, "t",
			 "record without a known type given to the run model");
		return -1;
	}
	rc = on_record[type](r, seq, rec);
	/* Records from pf_stream only fail here on ENOMEM; records from
	 * elsewhere (a foreign journal) may lack what the model needs. */
	if (rc < 0)
		run_diag(r, PF_DIAG_MALFORMED, seq, NULL, "%s record not usable by the run model",
			 pf_rec_type_name(type));
	return rc;
}

void pf_results_state(const struct pf_results *r, struct pf_results_state *st)
{
	memset(st, 0, sizeof(*st));
	st->last_step = -1;
	if (!r)
		return;
	st->boots = r->boots;
	st->ended = r->end != NULL;
	st->end_ok = str_eq(pf_json_string_get(r->end, "status", NULL), "ok");
	st->last_step = r->last_step;
	st->devices = json_array_size(r->devices);
	st->results = json_array_size(r->results);
	st->findings = json_array_size(r->findings);
	st->diagnostics = json_array_size(r->diags);
}

/* SPDX-License-Identifier: MIT */
/* The run's headline verdict and exit codes (score.h, docs/exit-codes.md). */
#define _GNU_SOURCE
#include "policy/score.h"

#include "cli/cli.h"
#include "util/json.h"
#include "util/names.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the headline verdict ---------------------------------------------- */

static const char *const hl_names[PF_HL_COUNT] = {
	"conformant",
	"conformant-with-warnings",
	"conformant-with-known-failures",
	"non-conformant",
	"incomplete",
};

const char *pf_headline_name(enum pf_headline h)
{
	return pf_name_of(hl_names, PF_HL_COUNT, (int)h, "incomplete");
}

int pf_headline_parse(const char *s)
{
	return pf_name_index(hl_names, PF_HL_COUNT, s);
}

/* Findings that make a run non-conformant (unless waived). */
static bool fatal_finding(const json_t *f)
{
	static const char *const kinds[] = { "crash", "wedged", "timeout", "fault", NULL };
	const char *k = pf_json_string_get(f, "kind", NULL);

	if (!k || json_is_true(json_object_get(f, "waived")))
		return false;
	for (int i = 0; kinds[i]; i++)
		if (!strcmp(kinds[i], k))
			return true;
	return false;
}

static int add_why(json_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int add_why(json_t *a, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!a)
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return json_array_append_new(a, json_string(buf));
}

/* A whole number >= 0 from a JSON value, -1 when it is not one. */
static json_int_t min_count(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
}

/* Devices whose member key equals val. */
static json_int_t count_devices(const json_t *devs, const char *key, const char *val)
{
	json_int_t n = 0;
	size_t i;
	const json_t *d;

	json_array_foreach (devs, i, d) {
		const char *s = pf_json_string_get(d, key, NULL);
		n += s && !strcmp(s, val);
	}
	return n;
}

/* Reasons why the devices found fall short of run.expect (docs/targets.md). */
static int check_expect(const json_t *doc, json_t *why, bool *short_of)
{
	const json_t *devs = json_object_get(doc, "devices");
	const json_t *exp = json_object_get(json_object_get(doc, "run"), "expect");
	json_int_t ndev = (json_int_t)json_array_size(devs), want = 1;
	static const char *const groups[][2] = { { "transports", "transport" },
						 { "types", "type" } };
	int rc = 0;

	if (json_is_object(exp) && min_count(json_object_get(exp, "devices")) >= 0)
		want = min_count(json_object_get(exp, "devices"));
	if (ndev < want) {
		*short_of = true;
		if (!ndev)
			rc |= add_why(why,
				      "no virtio device found (the target expects at least %lld)",
				      (long long)want);
		else
			rc |= add_why(
				why,
				"%lld virtio device(s) found, the target expects at least %lld",
				(long long)ndev, (long long)want);
	}
	for (size_t g = 0; g < 2; g++) {
		const char *name;
		const json_t *v;

		json_object_foreach ((json_t *)json_object_get(exp, groups[g][0]), name, v) {
			json_int_t n = count_devices(devs, groups[g][1], name), w = min_count(v);

			if (w < 0 || n >= w)
				continue;
			*short_of = true;
			rc |= add_why(why,
				      "%lld %s device(s) found, the target expects at least %lld",
				      (long long)n, name, (long long)w);
		}
	}
	return rc;
}

int pf_headline_eval(const json_t *doc, json_t *reasons)
{
	const json_t *run = json_object_get(doc, "run"), *end = json_object_get(run, "end"), *v;
	json_t *why[PF_HL_COUNT] = { NULL };
	unsigned c[PF_RV_COUNT] = { 0 };
	size_t i, must_failed = 0, lesser_fail = 0, fatal = 0, tested = 0, nres;
	bool incomplete = false;
	int rc = 0, h;

	if (!json_is_object(doc))
		return -1;
	for (h = 0; reasons && h < PF_HL_COUNT; h++)
		if (!(why[h] = json_array()))
			rc = -1;
	nres = json_array_size(json_object_get(doc, "results"));
	json_array_foreach (json_object_get(doc, "results"), i, v) {
		enum pf_rv r = pf_rv_parse(pf_json_string_get(v, "verdict", NULL));
		const char *lv = pf_json_string_get(v, "level", NULL);

		c[r]++;
		tested += pf_rv_is_tested(r);
		/* a fail at a lesser level (the check says so) only warns */
		if (r == PF_RV_FAIL && (!lv || !strcmp(lv, "must")))
			must_failed++;
		else if (r == PF_RV_FAIL)
			lesser_fail++;
	}
	json_array_foreach (json_object_get(doc, "findings"), i, v) {
		if (!fatal_finding(v))
			continue;
		fatal++;
		rc |= add_why(why[PF_HL_NON_CONFORMANT], "%s: %s",
			      pf_json_string_get(v, "kind", NULL),
			      pf_json_string_get(v, "message", NULL)
				      ? pf_json_string_get(v, "message", NULL)
				      : "");
	}

	/* incomplete: the run does not cover what it was meant to test */
	if (json_integer_value(json_object_get(run, "boots")) <= 0) {
		incomplete = true;
		rc |= add_why(why[PF_HL_INCOMPLETE], "no hello: the probe never reported");
	} else {
		if (!json_is_object(end)) {
			incomplete = true;
			rc |= add_why(why[PF_HL_INCOMPLETE], "the last boot sent no end record");
		} else if (!pf_json_string_get(end, "status", NULL) ||
			   strcmp(pf_json_string_get(end, "status", NULL), "ok")) {
			incomplete = true;
			rc |= add_why(why[PF_HL_INCOMPLETE], "the probe ended with status %s",
				      pf_json_string_get(end, "status", NULL)
					      ? pf_json_string_get(end, "status", NULL)
					      : "(none)");
		}
		rc |= check_expect(doc, why[PF_HL_INCOMPLETE], &incomplete);
		if (!tested) {
			incomplete = true;
			if (!nres)
				rc |= add_why(why[PF_HL_INCOMPLETE],
					      "nothing was tested: no check result");
			else
				rc |= add_why(
					why[PF_HL_INCOMPLETE],
					"nothing was tested: of %zu check result(s), %u skipped, "
					"%u not applicable, %u error",
					nres, c[PF_RV_SKIP], c[PF_RV_NA],
					c[PF_RV_ERROR] + c[PF_RV_UNKNOWN]);
		}
	}
	if (must_failed)
		rc |= add_why(why[PF_HL_NON_CONFORMANT], "%zu MUST-level failure(s)", must_failed);
	if (c[PF_RV_XFAIL])
		rc |= add_why(why[PF_HL_KNOWN_FAILURES],
			      "%u known failure(s) of this hypervisor version (xfail)",
			      c[PF_RV_XFAIL]);
	if (c[PF_RV_WARN] || lesser_fail)
		rc |= add_why(why[PF_HL_WARNINGS], "%zu SHOULD-level warning(s)",
			      (size_t)c[PF_RV_WARN] + lesser_fail);
	if (c[PF_RV_ERROR])
		rc |= add_why(why[PF_HL_WARNINGS], "%u check(s) could not be run (error)",
			      c[PF_RV_ERROR]);
	if (c[PF_RV_XPASS])
		rc |= add_why(why[PF_HL_WARNINGS], "%u known failure(s) now pass (xpass)",
			      c[PF_RV_XPASS]);
	if (c[PF_RV_WAIVED])
		rc |= add_why(why[PF_HL_WARNINGS], "%u waived deviation(s)", c[PF_RV_WAIVED]);

	h = incomplete		   ? PF_HL_INCOMPLETE
	    : must_failed || fatal ? PF_HL_NON_CONFORMANT
	    : c[PF_RV_XFAIL]	   ? PF_HL_KNOWN_FAILURES
	    : c[PF_RV_WARN] || lesser_fail || c[PF_RV_ERROR] || c[PF_RV_XPASS] || c[PF_RV_WAIVED]
		    ? PF_HL_WARNINGS
		    : PF_HL_CONFORMANT;
	/* the verdict's own rule first, then whatever else is worth knowing */
	if (reasons && !rc) {
		for (int k = h; k >= 0; k--)
			rc |= json_array_extend(reasons, why[k]);
		for (int k = PF_HL_COUNT - 1; k > h; k--)
			rc |= json_array_extend(reasons, why[k]);
	}
	for (int k = 0; k < PF_HL_COUNT; k++)
		json_decref(why[k]);
	return rc ? -1 : h;
}

enum pf_headline pf_headline(const json_t *doc)
{
	int h = pf_headline_eval(doc, NULL);

	return h < 0 ? PF_HL_INCOMPLETE : (enum pf_headline)h;
}

int pf_headline_exit_code(enum pf_headline h)
{
	switch (h) {
	case PF_HL_CONFORMANT:
	case PF_HL_WARNINGS:
	case PF_HL_KNOWN_FAILURES:
		return PF_EXIT_CONFORMANT;
	case PF_HL_NON_CONFORMANT:
		return PF_EXIT_NONCONFORMANT;
	default:
		return PF_EXIT_INFRA;
	}
}

int pf_gate_exit_code(const json_t *doc, const char *profile_id)
{
	const json_t *p;
	size_t i;

	json_array_foreach (json_object_get(doc, "profiles"), i, p) {
		const char *id = pf_json_string_get(p, "id", NULL);

		if (!id || !profile_id || strcmp(id, profile_id))
			continue;
		if (pf_headline(doc) == PF_HL_INCOMPLETE)
			return PF_EXIT_INFRA;
		switch (pf_pverdict_parse(pf_json_string_get(p, "verdict", NULL))) {
		case PF_PV_CONFORMANT:
		case PF_PV_WARNINGS:
			return PF_EXIT_CONFORMANT;
		case PF_PV_NON_CONFORMANT:
			return PF_EXIT_NONCONFORMANT;
		default:
			return PF_EXIT_INFRA;
		}
	}
	return -1;
}

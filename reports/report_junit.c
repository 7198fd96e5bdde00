/* SPDX-License-Identifier: MIT */
/*
 * JUnit XML for CI systems: one testsuite per device (testcase per check),
 * one per scored profile (testcase per requirement) and one for run-level
 * findings. Verdict mapping (virtio-villain's, see docs/reports.md):
 *   fail, xpass            -> <failure>  (xpass: remove the stale entry)
 *   error, crash, wedged,
 *   timeout                -> <error>
 *   skip, na, xfail, waived -> <skipped>  (with the reason)
 *   pass, warn             -> passed; warn adds <system-out> and a property
 * A first suite "run verdict" holds the headline verdict (score.h) as one
 * testcase: incomplete -> <error>, non-conformant -> <failure>, otherwise
 * passed; the reasons are its message.
 */
#include <stdio.h>
#include <string.h>

#include "reports/report_write.h"

static void prop(struct pf_buf *b, const char *ind, const char *name, const char *value)
{
	if (!value)
		return;
	pf_buf_printf(b, "%s<property name=\"", ind);
	pf_buf_xml(b, name);
	pf_buf_puts(b, "\" value=\"");
	pf_buf_xml(b, value);
	pf_buf_puts(b, "\"/>\n");
}

static void prop_array(struct pf_buf *b, const char *ind, const char *name, const json_t *arr)
{
	size_t i;
	const json_t *v;

	json_array_foreach (arr, i, v)
		prop(b, ind, name, json_string_value(v));
}

enum jkind {
	J_PASS,
	J_FAIL,
	J_ERROR,
	J_SKIP
};

/* How JUnit counts each verdict; pass and warn are passes. */
static const enum jkind jkind_by_rv[PF_RV_COUNT] = {
	[PF_RV_FAIL] = J_FAIL,	   [PF_RV_XPASS] = J_FAIL,   [PF_RV_ERROR] = J_ERROR,
	[PF_RV_CRASH] = J_ERROR,   [PF_RV_WEDGED] = J_ERROR, [PF_RV_TIMEOUT] = J_ERROR,
	[PF_RV_UNKNOWN] = J_ERROR, [PF_RV_SKIP] = J_SKIP,    [PF_RV_NA] = J_SKIP,
	[PF_RV_XFAIL] = J_SKIP,	   [PF_RV_WAIVED] = J_SKIP,
};

static enum jkind jkind_of(enum pf_rv v)
{
	return (unsigned)v < PF_RV_COUNT ? jkind_by_rv[v] : J_PASS;
}

static void testcase(struct pf_buf *b, const json_t *res, const char *classname)
{
	enum pf_rv v = pf_rv_parse(pf_jstr(res, "verdict", NULL));
	const json_t *w = json_object_get(res, "waiver");
	char msg[1024];
	char detail[1200];

	pf_result_failure_text(res, msg, sizeof(msg));
	pf_buf_puts(b, "    <testcase name=\"");
	pf_buf_xml(b, pf_jstr(res, "test", "?"));
	pf_buf_puts(b, "\" classname=\"");
	pf_buf_xml(b, classname);
	pf_buf_printf(b, "\" time=\"%.6f\">\n      <properties>\n", pf_result_seconds(res));
	prop(b, "        ", "verdict", pf_rv_name(v));
	prop(b, "        ", "probe_verdict", pf_jstr(res, "probe_verdict", NULL));
	prop(b, "        ", "level", pf_jstr(res, "level", NULL));
	prop(b, "        ", "fingerprint", pf_jstr(res, "sub", NULL));
	prop(b, "        ", "class", pf_jstr(res, "class", NULL));
	prop(b, "        ", "title", pf_jstr(res, "title", NULL));
	prop_array(b, "        ", "spec.section", json_object_get(res, "sections"));
	prop_array(b, "        ", "spec.label", json_object_get(res, "labels"));
	prop_array(b, "        ", "spec.statement", json_object_get(res, "reqs"));
	if (w) {
		prop(b, "        ", "waiver", pf_jstr(w, "id", NULL));
		prop(b, "        ", "waiver.kind", pf_jstr(w, "kind", NULL));
		prop(b, "        ", "waiver.issue", pf_jstr(w, "issue", NULL));
		prop(b, "        ", "waiver.expires", pf_jstr(w, "expires", NULL));
	}
	if (json_object_get(res, "waiver_expired"))
		prop(b, "        ", "waiver.expired",
		     pf_jstr(json_object_get(res, "waiver_expired"), "id", NULL));
	pf_buf_puts(b, "      </properties>\n");
	snprintf(detail, sizeof(detail), "%s%s%s", v == PF_RV_NA ? "not applicable" : pf_rv_name(v),
		 msg[0] ? ": " : "", msg);
	switch (jkind_of(v)) {
	case J_FAIL:
	case J_ERROR:
		pf_buf_printf(b, "      <%s type=\"%s\" message=\"",
			      jkind_of(v) == J_FAIL ? "failure" : "error", pf_rv_name(v));
		pf_buf_xml(b, v == PF_RV_XPASS ? "unexpected pass: the known-failure entry is stale"
					       : detail);
		pf_buf_puts(b, "\">");
		pf_buf_xml(b, detail);
		if (w) {
			pf_buf_puts(b, "\nknown failure ");
			pf_buf_xml(b, pf_jstr(w, "id", ""));
			pf_buf_puts(b, ": ");
			pf_buf_xml(b, pf_jstr(w, "issue", ""));
		}
		pf_buf_printf(b, "</%s>\n", jkind_of(v) == J_FAIL ? "failure" : "error");
		break;
	case J_SKIP:
		pf_buf_puts(b, "      <skipped message=\"");
		if (w) {
			char wm[900];
			snprintf(wm, sizeof(wm), "%s %s: %s (%s, expires %s)", pf_rv_name(v),
				 pf_jstr(w, "id", ""), pf_jstr(w, "reason", ""),
				 pf_jstr(w, "issue", ""), pf_jstr(w, "expires", ""));
			pf_buf_xml(b, wm);
		} else if (v == PF_RV_NA) {
			char nm[1200];
			snprintf(nm, sizeof(nm), "not applicable%s%s", msg[0] ? ": " : "", msg);
			pf_buf_xml(b, nm);
		} else {
			pf_buf_xml(b, detail);
		}
		pf_buf_puts(b, "\"/>\n");
		break;
	default:
		if (v == PF_RV_WARN) {
			pf_buf_puts(b, "      <system-out>");
			pf_buf_xml(b, detail);
			pf_buf_puts(b, "</system-out>\n");
		}
	}
	pf_buf_puts(b, "    </testcase>\n");
}

struct tally {
	unsigned tests, failures, errors, skipped;
	double time;
};

/* Closes a suite's properties, appends its testcases (freed) and adds its
 * tally to the run's. */
static void suite_end(struct pf_buf *b, struct pf_buf *cases, const struct tally *t,
		      struct tally *all)
{
	pf_buf_puts(b, "    </properties>\n");
	pf_buf_add(b, cases->p ? cases->p : "", cases->len);
	b->oom |= cases->oom;
	pf_buf_puts(b, "  </testsuite>\n");
	pf_buf_free(cases);
	all->tests += t->tests;
	all->failures += t->failures;
	all->errors += t->errors;
	all->skipped += t->skipped;
	all->time += t->time;
}

static void tally_add(struct tally *t, enum pf_rv v, double secs)
{
	t->tests++;
	t->time += secs;
	switch (jkind_of(v)) {
	case J_FAIL:
		t->failures++;
		break;
	case J_ERROR:
		t->errors++;
		break;
	case J_SKIP:
		t->skipped++;
		break;
	default:
		break;
	}
}

static void suite_head(struct pf_buf *b, const char *name, const struct tally *t, const char *stamp)
{
	pf_buf_puts(b, "  <testsuite name=\"");
	pf_buf_xml(b, name);
	pf_buf_printf(b,
		      "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"%.6f\"",
		      t->tests, t->failures, t->errors, t->skipped, t->time);
	if (stamp) {
		pf_buf_puts(b, " timestamp=\"");
		pf_buf_xml(b, stamp);
		pf_buf_puts(b, "\"");
	}
	pf_buf_puts(b, ">\n");
}

static void device_suite(struct pf_buf *b, const json_t *results, const json_t *dev,
			 struct tally *all)
{
	const char *id = json_is_object(dev) ? pf_jstr(dev, "id", "?") : NULL;
	struct tally t = { 0 };
	struct pf_buf cases;
	size_t i;
	const json_t *res;
	char name[256], cls[256], bits[32];

	pf_buf_init(&cases);
	if (id) {
		snprintf(name, sizeof(name), "%s (%s, %s, %s)", id, pf_jstr(dev, "type", "?"),
			 pf_jstr(dev, "transport", "?"), pf_jstr(dev, "mode", "?"));
		snprintf(cls, sizeof(cls), "plugfest.%s.%s", pf_jstr(dev, "type", "unknown"), id);
	} else {
		snprintf(name, sizeof(name), "run-level checks");
		snprintf(cls, sizeof(cls), "plugfest.run");
	}
	json_array_foreach (json_object_get(results, "results"), i, res) {
		const char *rd = pf_jstr(res, "device", NULL);
		if (id ? !rd || strcmp(rd, id) : rd != NULL)
			continue;
		tally_add(&t, pf_rv_parse(pf_jstr(res, "verdict", NULL)), pf_result_seconds(res));
		testcase(&cases, res, cls);
	}
	if (!id && !t.tests) {
		pf_buf_free(&cases);
		return;
	}
	suite_head(b, name, &t, pf_jstr(json_object_get(results, "run"), "started", NULL));
	pf_buf_puts(b, "    <properties>\n");
	if (id) {
		prop(b, "      ", "device.id", id);
		prop(b, "      ", "device.type", pf_jstr(dev, "type", NULL));
		prop(b, "      ", "device.transport", pf_jstr(dev, "transport", NULL));
		prop(b, "      ", "device.address", pf_jstr(dev, "address", NULL));
		prop(b, "      ", "device.mode", pf_jstr(dev, "mode", NULL));
		prop(b, "      ", "device.features", pf_jstr(dev, "features", NULL));
		snprintf(bits, sizeof(bits), "%lld",
			 (long long)json_integer_value(json_object_get(dev, "device_id")));
		prop(b, "      ", "device.device_id", bits);
	}
	char hv[160];
	prop(b, "      ", "hypervisor", pf_hypervisor_label(results, hv, sizeof(hv)));
	prop(b, "      ", "target", pf_jstr(json_object_get(results, "run"), "target", NULL));
	suite_end(b, &cases, &t, all);
}

/* Profile requirements as testcases: mandatory fail -> failure, incomplete
 * -> error, n/a -> skipped; informational outcomes never fail the suite. */
static void profile_suite(struct pf_buf *b, const json_t *p, struct tally *all)
{
	struct tally t = { 0 };
	struct pf_buf cases;
	size_t i, j;
	const json_t *r, *rs;
	char name[300], cls[200];

	pf_buf_init(&cases);
	snprintf(cls, sizeof(cls), "plugfest.profile.%s", pf_jstr(p, "id", "?"));
	json_array_foreach (json_object_get(p, "requirements"), i, r) {
		const char *out = pf_jstr(r, "outcome", "");
		bool mand = !strcmp(pf_jstr(r, "status", ""), "mandatory");
		enum pf_rv v = !strcmp(out, "not-applicable")			       ? PF_RV_SKIP
			       : !mand || !strcmp(out, "pass") || !strcmp(out, "warn") ? PF_RV_PASS
			       : !strcmp(out, "fail")				       ? PF_RV_FAIL
						      : PF_RV_ERROR;
		tally_add(&t, v, 0);
		snprintf(name, sizeof(name), "%s: %s", pf_jstr(r, "id", "?"),
			 pf_jstr(r, "title", ""));
		pf_buf_puts(&cases, "    <testcase name=\"");
		pf_buf_xml(&cases, name);
		pf_buf_puts(&cases, "\" classname=\"");
		pf_buf_xml(&cases, cls);
		pf_buf_puts(&cases, "\" time=\"0\">\n      <properties>\n");
		prop(&cases, "        ", "outcome", out);
		prop(&cases, "        ", "level", pf_jstr(r, "level", NULL));
		prop(&cases, "        ", "status", pf_jstr(r, "status", NULL));
		prop(&cases, "        ", "evidence", pf_jstr(r, "evidence", NULL));
		if (json_is_true(json_object_get(r, "wording_unverified")))
			prop(&cases, "        ", "wording_unverified", "true");
		pf_buf_puts(&cases, "      </properties>\n");
		struct pf_buf why;
		pf_buf_init(&why);
		json_array_foreach (json_object_get(r, "reasons"), j, rs) {
			pf_buf_puts(&why, pf_jstr(rs, "device", "platform"));
			pf_buf_puts(&why, ": ");
			pf_buf_puts(&why, pf_jstr(rs, "why", ""));
			pf_buf_puts(&why, "\n");
		}
		if (v == PF_RV_FAIL || v == PF_RV_ERROR) {
			const char *tag = v == PF_RV_FAIL ? "failure" : "error";
			pf_buf_printf(&cases, "      <%s type=\"%s\" message=\"requirement %s\">",
				      tag, out, out);
			pf_buf_xml(&cases, why.p);
			pf_buf_printf(&cases, "</%s>\n", tag);
		} else if (v == PF_RV_SKIP) {
			pf_buf_puts(&cases, "      <skipped message=\"not applicable\"/>\n");
		} else if (why.len) {
			pf_buf_puts(&cases, "      <system-out>");
			pf_buf_xml(&cases, out);
			pf_buf_puts(&cases, mand ? "\n" : " (informational)\n");
			pf_buf_xml(&cases, why.p);
			pf_buf_puts(&cases, "</system-out>\n");
		}
		cases.oom |= why.oom;
		pf_buf_free(&why);
		pf_buf_puts(&cases, "    </testcase>\n");
	}
	snprintf(name, sizeof(name), "profile %s %s: %s", pf_jstr(p, "id", "?"),
		 pf_jstr(p, "version", ""), pf_jstr(p, "verdict", "?"));
	suite_head(b, name, &t, NULL);
	pf_buf_puts(b, "    <properties>\n");
	prop(b, "      ", "profile.verdict", pf_jstr(p, "verdict", NULL));
	prop(b, "      ", "profile.sha256", pf_jstr(p, "sha256", NULL));
	prop(b, "      ", "spec.version", pf_jstr(json_object_get(p, "spec"), "version", NULL));
	suite_end(b, &cases, &t, all);
}

/* Findings not tied to a check (no-start, protocol, fault) would otherwise
 * be invisible to CI: one <error> testcase each. */
static void findings_suite(struct pf_buf *b, const json_t *results, struct tally *all)
{
	struct tally t = { 0 };
	struct pf_buf cases;
	size_t i;
	const json_t *f;

	pf_buf_init(&cases);
	json_array_foreach (json_object_get(results, "findings"), i, f) {
		if (pf_jstr(f, "test", NULL))
			continue; /* already an <error> on its check */
		tally_add(&t, PF_RV_ERROR, 0);
		pf_buf_printf(&cases, "    <testcase name=\"finding %zu: ", i);
		pf_buf_xml(&cases, pf_jstr(f, "kind", "?"));
		pf_buf_puts(&cases,
			    "\" classname=\"plugfest.findings\" time=\"0\">\n      <error type=\"");
		pf_buf_xml(&cases, pf_jstr(f, "kind", "?"));
		pf_buf_puts(&cases, "\" message=\"");
		pf_buf_xml(&cases, pf_jstr(f, "message", ""));
		pf_buf_puts(&cases, "\"/>\n    </testcase>\n");
	}
	if (t.tests) {
		suite_head(b, "run findings", &t, NULL);
		pf_buf_add(b, cases.p, cases.len);
		pf_buf_puts(b, "  </testsuite>\n");
		all->tests += t.tests;
		all->errors += t.errors;
	}
	b->oom |= cases.oom;
	pf_buf_free(&cases);
}

/* The headline verdict as a suite of its own, first, so a CI page shows it. */
static void headline_suite(struct pf_buf *b, const json_t *results, struct tally *all)
{
	enum pf_headline h = pf_headline(results);
	json_t *why = pf_overall_reasons(results), *w;
	struct tally t = { .tests = 1 };
	unsigned c[PF_RV_COUNT], tested = 0;
	const char *tag = h == PF_HL_INCOMPLETE	      ? "error"
			  : h == PF_HL_NON_CONFORMANT ? "failure"
						      : NULL;
	struct pf_buf text;
	char num[32];
	size_t i;

	pf_results_counts(results, c);
	for (int k = 0; k < PF_RV_COUNT; k++)
		tested += pf_rv_is_tested((enum pf_rv)k) ? c[k] : 0;
	pf_buf_init(&text);
	pf_buf_puts(&text, pf_headline_name(h));
	json_array_foreach (why, i, w) {
		pf_buf_puts(&text, i ? "; " : ": ");
		pf_buf_puts(&text, json_string_value(w));
	}
	t.failures = h == PF_HL_NON_CONFORMANT;
	t.errors = h == PF_HL_INCOMPLETE;
	suite_head(b, "run verdict", &t, NULL);
	pf_buf_puts(b, "    <testcase name=\"run verdict\" classname=\"plugfest.run\" time=\"0\">\n"
		       "      <properties>\n");
	prop(b, "        ", "verdict", pf_headline_name(h));
	snprintf(num, sizeof(num), "%u", tested);
	prop(b, "        ", "tested", num);
	snprintf(num, sizeof(num), "%u", c[PF_RV_SKIP]);
	prop(b, "        ", "skipped", num);
	snprintf(num, sizeof(num), "%u", c[PF_RV_NA]);
	prop(b, "        ", "not_applicable", num);
	json_array_foreach (why, i, w)
		prop(b, "        ", "reason", json_string_value(w));
	pf_buf_puts(b, "      </properties>\n");
	if (tag) {
		pf_buf_printf(b, "      <%s type=\"%s\" message=\"", tag, pf_headline_name(h));
		pf_buf_xml(b, text.p ? text.p : "");
		pf_buf_printf(b, "\"/>\n");
	} else {
		pf_buf_puts(b, "      <system-out>");
		pf_buf_xml(b, text.p ? text.p : "");
		pf_buf_puts(b, "</system-out>\n");
	}
	pf_buf_puts(b, "    </testcase>\n  </testsuite>\n");
	b->oom |= text.oom;
	pf_buf_free(&text);
	json_decref(why);
	all->tests += t.tests;
	all->failures += t.failures;
	all->errors += t.errors;
}

int pf_report_junit(const json_t *results, const char *path, struct pf_error *err)
{
	struct pf_buf body, out;
	struct tally all = { 0 };
	size_t i;
	const json_t *d, *p;
	char hv[160], name[400];
	int rc;

	pf_buf_init(&body);
	pf_buf_init(&out);
	headline_suite(&body, results, &all);
	json_array_foreach (json_object_get(results, "devices"), i, d)
		device_suite(&body, results, d, &all);
	device_suite(&body, results, NULL, &all);
	json_array_foreach (json_object_get(results, "profiles"), i, p)
		profile_suite(&body, p, &all);
	findings_suite(&body, results, &all);
	snprintf(name, sizeof(name), "plugfest %s on %s",
		 pf_jstr(json_object_get(results, "run"), "target", "?"),
		 pf_hypervisor_label(results, hv, sizeof(hv)));
	pf_buf_puts(&out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
	pf_buf_xml(&out, name);
	pf_buf_printf(
		&out,
		"\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"%.6f\">\n",
		all.tests, all.failures, all.errors, all.skipped, all.time);
	pf_buf_add(&out, body.p ? body.p : "", body.len);
	out.oom |= body.oom;
	pf_buf_puts(&out, "</testsuites>\n");
	rc = pf_buf_write_file(&out, path, err);
	pf_buf_free(&body);
	pf_buf_free(&out);
	return rc;
}

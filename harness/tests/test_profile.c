/* SPDX-License-Identifier: MIT */
/*
 * Profile loader: the shipped profiles load and are consistent with the spec
 * fact base and the check catalogue; every validation error names
 * file:line:column and the field.
 *
 * Run from the repository root, or set PF_SOURCE_DIR.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pf/catalogue.h"
#include "policy/profile.h"

#include "fixture.h"

static const char *const shipped[] = {
	"virtio-1.4-core", "avps-base", "avps-ivi", "avps-cluster",
	"avps-telematics", "avps-adas", NULL,
};

static struct pf_profile *load_shipped(const char *id)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "profiles/%s.yaml", id);
	return fx_profile_file(rel);
}

/* ---- shipped profiles ------------------------------------------------- */

static void test_shipped_profiles_load(void **state)
{
	(void)state;
	for (const char *const *id = shipped; *id; id++) {
		struct pf_profile *p = load_shipped(*id);
		assert_string_equal(p->id, *id);
		assert_true(p->nreqs >= 10);
		assert_string_equal(p->spec_version, "1.4");
		assert_int_equal(strlen(p->sha256), 64);
		for (size_t i = 0; i < p->nreqs; i++) {
			/* avps.md 0.1: unverified wording never mandatory */
			if (p->reqs[i].evidence == PF_EV_UNVERIFIED)
				assert_int_equal(p->reqs[i].status, PF_REQ_INFORMATIONAL);
		}
		pf_profile_free(p);
	}
}

/* Statement ids of the spec fact base ("- id: x" lines). */
static char *spec_text(void)
{
	char *p = fx_path("profiles/spec/virtio-1.4-normative.yaml");
	char *buf = fx_slurp(p);
	free(p);
	return buf;
}

static bool spec_has(const char *text, const char *id)
{
	char needle[256];
	snprintf(needle, sizeof(needle), "\n- id: %s\n", id);
	return strstr(text, needle) != NULL;
}

static void test_shipped_statements_exist(void **state)
{
	(void)state;
	char *spec = spec_text();
	assert_true(spec_has(spec, "features.version1-offered"));
	assert_false(spec_has(spec, "no.such.statement"));
	for (const char *const *id = shipped; *id; id++) {
		struct pf_profile *p = load_shipped(*id);
		for (size_t i = 0; i < p->nreqs; i++)
			for (size_t j = 0; j < p->reqs[i].statements.n; j++)
				if (!spec_has(spec, p->reqs[i].statements.v[j]))
					fail_msg("%s %s: statement %s not in the fact base", *id,
						 p->reqs[i].id, p->reqs[i].statements.v[j]);
		pf_profile_free(p);
	}
	free(spec);
}

/* Every conformance check of the catalogue is covered by some requirement
 * of the core profile: a new check area must not silently fall outside. */
static void test_core_covers_catalogue(void **state)
{
	(void)state;
	struct pf_profile *p = load_shipped("virtio-1.4-core");
	for (int c = 0; c < PF_CHK_COUNT; c++) {
		bool hit = false;
		if (pf_catalogue[c].cls != PF_CLASS_CONFORMANCE)
			continue;
		for (size_t i = 0; i < p->nreqs && !hit; i++)
			for (size_t g = 0; g < p->reqs[i].checks.n && !hit; g++)
				hit = !fnmatch(p->reqs[i].checks.v[g], pf_catalogue[c].id, 0) &&
				      p->reqs[i].cls != PF_CLASS_ONLY_ADVERSARIAL;
		if (!hit)
			fail_msg("catalogue check %s is not covered by virtio-1.4-core",
				 pf_catalogue[c].id);
	}
	/* one requirement per device type the fixtures use */
	static const char *const types[] = { "net", "blk", "console", "rng", "gpu", "input", NULL };
	for (const char *const *t = types; *t; t++) {
		char id[64];
		snprintf(id, sizeof(id), "CORE-%s-01", *t);
		for (char *c = id; *c; c++)
			*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		const struct pf_requirement *r = pf_profile_find(p, id);
		assert_non_null(r);
		assert_string_equal(r->devices.v[0], *t);
		assert_false(r->presence_required);
	}
	pf_profile_free(p);
}

static void test_avps_attribution_and_evidence(void **state)
{
	(void)state;
	for (const char *const *id = shipped + 1; *id; id++) {
		struct pf_profile *p = load_shipped(*id);
		bool avps = false, unverified = false;
		for (size_t i = 0; i < p->ndocs; i++)
			if (!strcmp(p->docs[i].key, "avps-2.0")) {
				avps = true;
				assert_string_equal(p->docs[i].license, "CC-BY-SA-4.0");
			}
		assert_true(avps);
		assert_non_null(p->attribution);
		assert_non_null(strstr(p->attribution, "CC BY-SA 4.0"));
		assert_non_null(strstr(p->attribution, "GENIVI"));
		assert_string_equal(p->license, "CC-BY-SA-4.0");
		for (size_t i = 0; i < p->nreqs; i++) {
			const struct pf_requirement *r = &p->reqs[i];
			for (size_t c = 0; c < r->ncites; c++)
				if (r->cites[c].grade && !strcmp(r->cites[c].grade, "R"))
					assert_true(pf_requirement_wording_unverified(r));
			unverified = unverified || pf_requirement_wording_unverified(r);
		}
		assert_true(unverified);
		pf_profile_free(p);
	}
	/* IVI needs a display, touch and audio: missing = non-conformant */
	struct pf_profile *ivi = load_shipped("avps-ivi");
	static const char *const need[] = { "gpu", "input", "sound", "rng", "blk", "net", NULL };
	for (const char *const *t = need; *t; t++) {
		bool found = false;
		for (size_t i = 0; i < ivi->nreqs; i++) {
			const struct pf_requirement *r = &ivi->reqs[i];
			found = found ||
				(r->presence_required && r->level == PF_REQ_MUST &&
				 r->status == PF_REQ_MANDATORY && !strcmp(r->devices.v[0], *t));
		}
		if (!found)
			fail_msg("avps-ivi does not require a %s device", *t);
	}
	pf_profile_free(ivi);
}

static void test_minimal_profile_file(void **state)
{
	(void)state;
	char *p = fx_path("harness/tests/data/profiles/minimal.yaml");
	struct pf_error e;
	struct pf_profile *pr = pf_profile_load(p, &e);
	assert_non_null(pr);
	assert_string_equal(pr->maturity, "draft");
	assert_int_equal(pr->nreqs, 1);
	assert_true(pr->reqs[0].presence_required);
	assert_int_equal(pr->reqs[0].line, 8);
	assert_null(pf_profile_find(pr, "nope"));
	pf_profile_free(pr);
	free(p);
}

/* ---- error paths ------------------------------------------------------- */

#define HEAD                                                                                   \
	"schema: plugfest-profile/1\nid: t\ntitle: T\nversion: \"1.0\"\nspec: {name: VIRTIO, " \
	"version: \"1.4\"}\n"
#define REQ1                                                                                      \
	"requirements:\n  - id: R-01\n    title: X\n    level: must\n    status: mandatory\n    " \
	"evidence: kit-policy\n"
#define PRES "    applies_to: {device: [rng]}\n    presence: required\n"

/* Column of token on 1-based line of text. */
static int column_of(const char *text, int line, const char *token)
{
	const char *l = text;
	for (int i = 1; i < line; i++)
		l = strchr(l, '\n') + 1;
	const char *end = strchr(l, '\n');
	const char *t = strstr(l, token);
	assert_non_null(t);
	assert_true(!end || t < end);
	return (int)(t - l) + 1;
}

static void expect_error_at(const char *name, const char *yaml, int line, const char *token,
			    const char *field, const char *msg)
{
	struct pf_error e;
	char text[1200], loc[300];
	struct pf_profile *p = pf_profile_load_buffer(yaml, strlen(yaml), name, &e);

	if (p)
		fail_msg("%s: loaded, expected an error about %s", name, field);
	pf_error_format(&e, text, sizeof(text));
	if (line > 0) {
		int col = token ? column_of(yaml, line, token) : 1;
		snprintf(loc, sizeof(loc), "%s:%d:%d:", name, line, col);
		if (strncmp(text, loc, strlen(loc)))
			fail_msg("expected location %s in: %s", loc, text);
	}
	if (field && !strstr(text, field))
		fail_msg("expected field %s in: %s", field, text);
	if (msg && !strstr(text, msg))
		fail_msg("expected '%s' in: %s", msg, text);
}

static void test_error_paths(void **state)
{
	(void)state;
	expect_error_at("a.yaml", HEAD "colour: red\n" REQ1 PRES, 6, "colour", "field 'colour'",
			"unknown key");
	expect_error_at("b.yaml",
			HEAD "requirements:\n  - id: R-01\n    title: X\n    levle: must\n    "
			     "status: mandatory\n"
			     "    evidence: kit-policy\n" PRES,
			9, "levle", "requirements[0].levle", "unknown key 'levle'");
	expect_error_at("c.yaml",
			HEAD REQ1 PRES
			"  - id: R-01\n    title: Y\n    level: must\n    status: mandatory\n"
			"    evidence: kit-policy\n" PRES,
			14, "R-01", "requirements[1]",
			"duplicate requirement id 'R-01' (first at line 7)");
	expect_error_at(
		"d.yaml",
		HEAD
		"requirements:\n  - id: R-01\n    title: X\n    level: mst\n    status: mandatory\n"
		"    evidence: kit-policy\n" PRES,
		9, "mst", "requirements[0].level", "'mst' is not one of");
	expect_error_at("e.yaml",
			HEAD "requirements:\n  - id: R-01\n    title: X\n    level: must\n    "
			     "status: mandatory\n"
			     "    evidence: unverified\n" PRES,
			10, "mandatory", "requirements[0]",
			"evidence 'unverified' and cannot be 'mandatory'");
	expect_error_at("f.yaml",
			HEAD "requirements:\n  - id: R-01\n    level: must\n    status: mandatory\n"
			     "    evidence: kit-policy\n" PRES,
			7, "id: R-01", "field 'requirements[0].title'", "required key missing");
	expect_error_at("g.yaml",
			"schema: plugfest-profile/1\nid: t\ntitle: T\nversion: \"1.0\"\n" REQ1 PRES,
			1, "schema", "field 'spec'", "required key missing");
	expect_error_at("h.yaml",
			"schema: plugfest-profile/9\nid: t\ntitle: T\nversion: \"1.0\"\n"
			"spec: {name: VIRTIO, version: \"1.4\"}\n" REQ1 PRES,
			1, "plugfest-profile/9", "field 'schema'", "not supported");
	expect_error_at("i.yaml", HEAD "requirements: {a: b}\n", 6, "{a", "field 'requirements'",
			"expected a sequence, found a mapping");
	expect_error_at("j.yaml",
			HEAD REQ1 "    applies_to: {device: [gpu2d]}\n    presence: required\n", 12,
			"gpu2d", "requirements[0].applies_to.device[0]", "not a known device type");
	expect_error_at("k.yaml", HEAD REQ1 "    satisfied_by: {features: [200]}\n", 12, "200",
			"requirements[0].satisfied_by.features[0]", "not a feature bit number");
	expect_error_at("l.yaml", HEAD REQ1 "    refs: [{doc: avps, section: \"2.1\"}]\n" PRES, 12,
			"avps", "requirements[0].refs[0].doc",
			"not declared under top-level 'references'");
	expect_error_at("m.yaml",
			HEAD "references: [{key: k, title: K}]\n" REQ1
			     "    refs: [{doc: k, section: \"1\", grade: X}]\n" PRES,
			13, "X}", "requirements[0].refs[0].grade", "'X' is not one of");
	expect_error_at("n.yaml",
			HEAD
			"requirements:\n  - id: R-01\n    title: X\n    title: Y\n    level: must\n"
			"    status: mandatory\n    evidence: kit-policy\n" PRES,
			9, "title", "field 'requirements[0].title'",
			"duplicate key (first given at line 8)");
	expect_error_at("o.yaml",
			HEAD "requirements:\n  - id: R-01\n    title: &t X\n    level: must\n"
			     "    status: mandatory\n    evidence: kit-policy\n" PRES,
			8, "&t", NULL, "anchors and aliases");
	expect_error_at("q.yaml", HEAD REQ1 "    presence: required\n", 12, "required",
			"requirements[0]", "needs applies_to.device");
	expect_error_at("r.yaml", HEAD REQ1, 7, "id: R-01", "requirements[0]",
			"can never be evaluated");
	expect_error_at("s.yaml",
			HEAD REQ1 "    satisfied_by: {class: conformance, features: [1]}\n", 12,
			"{class", "requirements[0].satisfied_by", "need 'checks' or 'statements'");
	expect_error_at("t.yaml",
			HEAD REQ1 "    applies_to: {device: []}\n    presence: required\n", 12,
			"[]", "requirements[0].applies_to.device", "list is empty");
	expect_error_at("u.yaml",
			"schema: plugfest-profile/1\nid: t\ntitle: T\nversion: \"1\"\n"
			"spec: {name: VIRTIO, version: \"1.4\"}\n" REQ1 PRES,
			4, "\"1\"", "field 'version'", "MAJOR.MINOR");
	expect_error_at("v.yaml",
			HEAD
			"references: [{key: avps, title: AVPS, license: CC-BY-SA-4.0}]\n" REQ1 PRES,
			1, "schema", "field 'attribution'", "CC BY-SA");
	expect_error_at("w.yaml", HEAD REQ1 "    satisfied_by: {checks: [\"net/*\"]}\n", 12,
			"\"net/*\"", "requirements[0].satisfied_by.checks[0]",
			"not a check id glob");
	expect_error_at("x.yaml",
			HEAD REQ1 "    applies_to: {device: [rng, rng]}\n    presence: required\n",
			12, "rng]", "requirements[0].applies_to.device[1]", "listed twice");
	expect_error_at(
		"y.yaml",
		HEAD
		"requirements:\n  - id: R-01\n    title:\n    level: must\n    status: mandatory\n"
		"    evidence: kit-policy\n" PRES,
		0, NULL, "requirements[0].title", "must not be empty");
	expect_error_at("z.yaml", HEAD REQ1 PRES "---\nid: again\n", 14, "---", NULL,
			"more than one YAML document");
	expect_error_at("aa.yaml", HEAD REQ1 "    satisfied_by: {modes: [ancient]}\n", 12,
			"ancient", "requirements[0].satisfied_by.modes[0]", "must be 'legacy'");
	expect_error_at("ab.yaml",
			HEAD REQ1 "    satisfied_by: {checks: [\"*\"], class: hostile}\n", 12,
			"hostile", "requirements[0].satisfied_by.class", "is not one of");
	expect_error_at("ac.yaml", HEAD "requirements: []\n", 6, "[]", "field 'requirements'",
			"at least one requirement");
	expect_error_at("ad.yaml", HEAD REQ1 "    satisfied_by: {features: [{bit: 3, nom: MTU}]}\n",
			12, "nom", "requirements[0].satisfied_by.features[0].nom", "unknown key");
	expect_error_at("ae.yaml",
			HEAD REQ1
			"    applies_to: {transport: [ccw]}\n    satisfied_by: {checks: [\"*\"]}\n",
			12, "ccw", "requirements[0].applies_to.transport[0]", "'mmio' or 'pci'");
}

static void test_syntax_error_has_position(void **state)
{
	(void)state;
	const char *y = HEAD "requirements:\n  - id: R-01\n    title: [unclosed\n";
	struct pf_error e;
	char text[1200];
	assert_null(pf_profile_load_buffer(y, strlen(y), "syn.yaml", &e));
	pf_error_format(&e, text, sizeof(text));
	assert_true(e.line >= 8);
	assert_true(e.column > 0);
	assert_non_null(strstr(text, "syn.yaml:"));
	assert_non_null(strstr(text, "YAML syntax error"));
}

static void test_error_files(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		int line, col;
		const char *field, *msg;
	} cases[] = {
		{ "bad-unknown-key.yaml", 9, 5, "requirements[0].levle", "unknown key" },
		{ "bad-duplicate-id.yaml", 14, 9, "requirements[1]",
		  "duplicate requirement id 'T-01'" },
		{ "bad-unverified-mandatory.yaml", 13, 13, "requirements[0]",
		  "cannot be 'mandatory'" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char rel[200], text[1200], loc[400];
		struct pf_error e;
		snprintf(rel, sizeof(rel), "harness/tests/data/profiles/%s", cases[i].file);
		char *p = fx_path(rel);
		assert_null(pf_profile_load(p, &e));
		pf_error_format(&e, text, sizeof(text));
		snprintf(loc, sizeof(loc), "%s:%d:%d: field '%s'", p, cases[i].line, cases[i].col,
			 cases[i].field);
		if (strncmp(text, loc, strlen(loc)) || !strstr(text, cases[i].msg))
			fail_msg("%s: got '%s'", cases[i].file, text);
		free(p);
	}
	struct pf_error e;
	assert_null(pf_profile_load("no/such/profile.yaml", &e));
	assert_int_equal(e.line, 0);
	assert_non_null(strstr(e.message, "cannot open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_profiles_load),
		cmocka_unit_test(test_shipped_statements_exist),
		cmocka_unit_test(test_core_covers_catalogue),
		cmocka_unit_test(test_avps_attribution_and_evidence),
		cmocka_unit_test(test_minimal_profile_file),
		cmocka_unit_test(test_error_paths),
		cmocka_unit_test(test_syntax_error_has_position),
		cmocka_unit_test(test_error_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

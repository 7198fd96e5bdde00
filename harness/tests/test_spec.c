/* SPDX-License-Identifier: MIT */
/*
 * Fact-base loader: the real file loads and resolves every requirement id
 * the catalogue names; broken files are rejected with FILE:LINE:COLUMN.
 *
 * The real file comes from $PF_SPEC_FILE, -DPF_SPEC_FILE="...",
 * $PF_SOURCE_DIR or the current directory (ctest runs in the source tree);
 * when none has it, that test is skipped.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

#include "pf/catalogue.h"
#include "policy/spec.h"

#define SPEC_REL "profiles/spec/virtio-1.4-normative.yaml"

static const char *real_spec(void)
{
	static char buf[4096];
	const char *p = getenv("PF_SPEC_FILE");

	if (p && *p)
		return p;
#ifdef PF_SPEC_FILE
	return PF_SPEC_FILE;
#endif
	/* ctest sets PF_SOURCE_DIR; a run from the source tree finds it too. */
	p = getenv("PF_SOURCE_DIR");
	if (p && *p && (size_t)snprintf(buf, sizeof(buf), "%s/" SPEC_REL, p) < sizeof(buf))
		return buf;
	return access(SPEC_REL, R_OK) == 0 ? SPEC_REL : NULL;
}

static void real_fact_base(void **state)
{
	const char *path = real_spec();
	char text[FX_ERR_TEXT];
	struct pf_error err;
	struct pf_spec *s;
	const struct pf_spec_entry *e;

	(void)state;
	if (!path)
		fail_msg("the shipped fact base %s is missing (set PF_SOURCE_DIR)", SPEC_REL);
	s = pf_spec_load(path, &err);
	if (!s)
		fail_msg("%s", pf_error_format(&err, text, sizeof(text)));
	assert_true(pf_spec_count(s) >= 1500);
	e = pf_spec_find(s, "basic.reset.status-zero");
	assert_non_null(e);
	assert_string_equal(e->section, "2.4.1");
	assert_string_equal(e->level, "must");
	assert_string_equal(e->target, "device");
	assert_string_equal(e->observable, "yes");
	assert_string_equal(e->label,
			    "devicenormative:Basic Facilities of a Virtio Device / Device Reset");
	assert_true(e->line > 1);
	/* Informal statements have no label. */
	e = pf_spec_find(s, "basic.export.uuid-v4");
	assert_non_null(e);
	assert_null(e->label);
	assert_string_equal(e->level, "should");
	assert_null(pf_spec_find(s, "no.such.id"));
	assert_null(pf_spec_find(s, NULL));
	/* Sorted, unique, and every entry findable. */
	for (size_t i = 0; i < pf_spec_count(s); i++) {
		const struct pf_spec_entry *x = pf_spec_entry_at(s, i);

		if (i)
			assert_true(strcmp(pf_spec_entry_at(s, i - 1)->id, x->id) < 0);
		assert_ptr_equal(pf_spec_find(s, x->id), x);
	}
	assert_null(pf_spec_entry_at(s, pf_spec_count(s)));
	/* Traceability: every statement a check claims exists, and every
	 * claim is full or ~partial:<reason>. */
	for (int c = 0; c < PF_CHK_COUNT; c++) {
		const char *p = pf_catalogue[c].reqs;
		char id[128], reason[128];
		int k;

		while ((k = pf_catalogue_next_claim(&p, id, sizeof(id), reason, sizeof(reason))) !=
		       PF_CLAIM_END) {
			assert_true(strlen(id) + 1 < sizeof(id));
			if (k == PF_CLAIM_MALFORMED)
				fail_msg("check %s: malformed claim on %s", pf_catalogue[c].id, id);
			if (!pf_spec_find(s, id))
				fail_msg("check %s names unknown statement %s", pf_catalogue[c].id,
					 id);
		}
	}
	pf_spec_free(s);
}

/* Load text; expect failure with "PATH:want" as the message prefix. */
static void expect_error(const char *yaml, const char *want)
{
	char path[512], text[FX_ERR_TEXT], full[640];
	struct pf_error err;
	FILE *f;
	struct pf_spec *s;

	snprintf(path, sizeof(path), "%s", fx_scratch_file());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(yaml, f);
	fclose(f);
	s = pf_spec_load(path, &err);
	if (s)
		fail_msg("accepted: %s", yaml);
	assert_string_equal(err.file, path);
	pf_error_format(&err, text, sizeof(text));
	snprintf(full, sizeof(full), "%s:%s", path, want);
	if (strncmp(text, full, strlen(full)))
		fail_msg("error \"%s\", want prefix \"%s\"", text, full);
}

#define OK1 "- id: a\n  section: '1'\n  level: must\n  label: x\n"

static void errors_name_line_and_column(void **state)
{
	(void)state;
	expect_error(OK1 "- id: b\n  label: [x\n", "7:1: YAML syntax error");
	expect_error(OK1 "- id: b\n  section: 2\n  level: may\n  label: [x]\n",
		     "8:10: field '[1].label': expected a string, found a sequence");
	expect_error(OK1 "- id: a\n  section: '2'\n  level: may\n",
		     "5:3: field '[1].id': duplicate id \"a\" (first at line 1)");
	expect_error(OK1 "- id: c\n  level: must\n",
		     "5:3: field '[1].section': entry c has no section");
	expect_error(OK1 "- section: '3'\n  level: must\n", "5:3: field '[1].id': entry has no id");
	expect_error(OK1 "- id: d\n  section: ''\n  level: must\n",
		     "5:3: field '[1].section': entry d has no section");
	expect_error(OK1 "- just a string\n", "5:3: field '[1]': list item is not a map");
	expect_error("id: a\nsection: 1\n", "1:1: top level must be a list");
	expect_error("# only a comment\n", " empty file");
	expect_error("[]\n", "1:1: no statements");
	expect_error(OK1 "- id: e\n  id: f\n  section: '1'\n  level: must\n",
		     "6:3: field '[1].id': duplicate key (first given at line 5)");
	expect_error(OK1 "---\n" OK1, "5:1: more than one YAML document");
	expect_error(OK1 "- id: b\n  section: &s '2'\n  level: may\n", "6:12: YAML anchors");
	expect_error(OK1 "- id: b\n  section: \"2\\0\"\n  level: may\n",
		     "6:12: field '[1].section': contains a NUL");
}

static void accepts_extras_and_nulls(void **state)
{
	char path[512], text[FX_ERR_TEXT];
	struct pf_error err;
	FILE *f;
	struct pf_spec *s;
	const struct pf_spec_entry *e;

	(void)state;
	snprintf(path, sizeof(path), "%s", fx_scratch_file());
	f = fopen(path, "w");
	fputs("# header\n"
	      "- id: z.last\n  section: '2.1'\n  level: should\n  label: null\n"
	      "  features: [VIRTIO_F_VERSION_1]\n  nested: {a: [1, 2]}\n  summary: ~\n"
	      "- id: a.first\n  section: 1.1\n  level: must\n  label: 'L: x / y'\n"
	      "  observable_by_guest: 'yes'\n  area: basic\n  target: device\n"
	      "  title: 'Device Requirements: X'\n  summary: Does a thing.\n",
	      f);
	fclose(f);
	s = pf_spec_load(path, &err);
	if (!s)
		fail_msg("%s", pf_error_format(&err, text, sizeof(text)));
	assert_int_equal(pf_spec_count(s), 2);
	assert_string_equal(pf_spec_entry_at(s, 0)->id, "a.first");
	e = pf_spec_find(s, "z.last");
	assert_non_null(e);
	assert_null(e->label);
	assert_null(e->summary);
	assert_int_equal(e->line, 2);
	e = pf_spec_find(s, "a.first");
	assert_string_equal(e->label, "L: x / y");
	assert_string_equal(e->section, "1.1");
	assert_string_equal(e->observable, "yes");
	assert_string_equal(e->summary, "Does a thing.");
	assert_int_equal(e->line, 9);
	pf_spec_free(s);

	assert_null(pf_spec_load("/nonexistent-dir-for-pf-test/spec.yaml", &err));
	assert_string_equal(err.file, "/nonexistent-dir-for-pf-test/spec.yaml");
	assert_int_equal(err.sys_errno, ENOENT);
	assert_null(pf_spec_load("/nonexistent-dir-for-pf-test/spec.yaml", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_fact_base),
		cmocka_unit_test_setup_teardown(errors_name_line_and_column, fx_scratch_setup,
						fx_scratch_teardown),
		cmocka_unit_test_setup_teardown(accepts_extras_and_nulls, fx_scratch_setup,
						fx_scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

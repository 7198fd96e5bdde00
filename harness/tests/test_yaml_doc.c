/* SPDX-License-Identifier: MIT */
/*
 * The YAML document layer (util/yaml_doc.h) on its own: what loading
 * refuses (malformed YAML, anchors, duplicate and non-string keys, a second
 * document, an empty or truncated file, a file too large or not regular) and
 * what the getters refuse (wrong types, unknown and missing keys, null, NUL
 * bytes), each error naming file, line, column and field.
 */
#define _GNU_SOURCE
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

#include "util/yaml_doc.h"

#include "fixture.h"

/* Loads text as "t.yaml"; expects an error at line:col (0: none) whose
 * formatted text holds field (NULL: no field) and msg. */
static void expect_load_error(const char *yaml, int line, int col, const char *field,
			      const char *msg)
{
	struct pf_ydoc d;
	struct pf_error e;
	char text[FX_ERR_TEXT], want[300];

	assert_int_equal(pf_ydoc_load(&d, yaml, strlen(yaml), "t.yaml", &e), -1);
	pf_ydoc_free(&d);
	fx_err(&e, text);
	assert_string_equal(e.file, "t.yaml");
	if (e.line != line || e.column != col)
		fail_msg("want %d:%d, got: %s", line, col, text);
	if (field) {
		snprintf(want, sizeof(want), "field '%s': ", field);
		if (!strstr(text, want))
			fail_msg("want %s in: %s", want, text);
	} else if (e.field[0]) {
		fail_msg("want no field in: %s", text);
	}
	if (!strstr(text, msg))
		fail_msg("want '%s' in: %s", msg, text);
}

static void test_load_refuses(void **state)
{
	(void)state;
	expect_load_error("a: [1, 2\nb: 3\n", 2, 2, NULL, "YAML syntax error");
	expect_load_error("a: \"open\n", 2, 1, NULL, "YAML syntax error");
	expect_load_error("a: &x 1\nb: *x\n", 1, 4, NULL, "anchors and aliases");
	expect_load_error("a: 1\nb: 2\na: 3\n", 3, 1, "a", "duplicate key (first given at line 1)");
	expect_load_error("m:\n  - k: 1\n    k: 2\n", 3, 5, "m[0].k",
			  "duplicate key (first given at line 2)");
	expect_load_error("? [x]\n: 1\n", 1, 3, NULL, "keys must be strings, found a sequence");
	expect_load_error("a: 1\n---\nb: 2\n", 2, 1, NULL, "more than one YAML document");
	expect_load_error("", 0, 0, NULL, "empty file");
	expect_load_error("# nothing but a comment\n", 0, 0, NULL, "empty file");
	/* a file cut in the middle of a flow mapping */
	expect_load_error("a: {b: 1, c:", 2, 1, NULL, "YAML syntax error");
}

static void test_nesting_bound(void **state)
{
	(void)state;
	char deep[400];
	size_t n = 0;

	for (int i = 0; i < PF_YAML_MAX_DEPTH + 2; i++)
		deep[n++] = '[';
	for (int i = 0; i < PF_YAML_MAX_DEPTH + 2; i++)
		deep[n++] = ']';
	deep[n] = '\0';
	struct pf_ydoc d;
	struct pf_error e;
	assert_int_equal(pf_ydoc_load(&d, deep, n, "deep.yaml", &e), -1);
	pf_ydoc_free(&d);
	assert_non_null(strstr(e.message, "nesting deeper than"));
	assert_true(e.line > 0);
}

/* A loaded document for the getter tests. */
static const char doc_text[] = "name: box\n"	      /* 1 */
			       "size: ~\n"	      /* 2 */
			       "tags: [a, \"\", ~]\n" /* 3 */
			       "inner:\n"	      /* 4 */
			       "  colour: red\n"      /* 5 */
			       "  list: {x: 1}\n"     /* 6 */
			       "nul: \"a\\0b\"\n"     /* 7 */
			       "blank: \"\"\n"	      /* 8 */
			       "words: [one, two]\n"; /* 9 */

static void with_doc(struct pf_ydoc *d, struct pf_error *e)
{
	if (pf_ydoc_load(d, doc_text, strlen(doc_text), "g.yaml", e))
		fail_msg("fixture does not load: %s", e->message);
}

static void expect_err(const struct pf_error *e, int line, int col, const char *field,
		       const char *msg)
{
	char text[FX_ERR_TEXT];

	fx_err(e, text);
	assert_string_equal(e->file, "g.yaml");
	if (e->line != line || e->column != col || strcmp(e->field, field) ||
	    !strstr(e->message, msg))
		fail_msg("want g.yaml:%d:%d: field '%s': ...%s..., got: %s", line, col, field, msg,
			 text);
}

static void test_getters(void **state)
{
	(void)state;
	struct pf_ydoc d;
	struct pf_error e;
	char *s = NULL, **v = NULL;
	size_t n = 0;

	with_doc(&d, &e);
	yaml_node_t *root = pf_ydoc_root(&d);
	yaml_node_t *inner = pf_y_get(&d, root, "inner");

	/* good values */
	assert_int_equal(pf_y_str(&d, root, "name", "", true, &s), 0);
	assert_string_equal(s, "box");
	assert_int_equal(pf_y_strings(&d, pf_y_get(&d, root, "words"), "words", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[1], "two");
	assert_null(v[2]);
	assert_int_equal(pf_y_string(&d, pf_y_get(&d, root, "size"), "size", true, &s), 0);
	assert_string_equal(s, ""); /* null allowed as empty */
	assert_int_equal(pf_y_str(&d, root, "absent", "", false, &s), 0);
	assert_string_equal(s, ""); /* untouched */

	/* wrong types, with the field path */
	assert_int_equal(pf_y_str(&d, inner, "list", "inner", true, &s), -1);
	expect_err(&e, 6, 9, "inner.list", "expected a string, found a mapping");
	assert_int_equal(pf_y_strings(&d, inner, "inner", &v, &n), -1);
	expect_err(&e, 5, 3, "inner", "expected a sequence, found a mapping");
	assert_int_equal(pf_y_expect(&d, pf_y_get(&d, root, "tags"), YAML_MAPPING_NODE, "tags"),
			 -1);
	expect_err(&e, 3, 7, "tags", "expected a mapping, found a sequence");

	/* null, "", NUL */
	assert_null(pf_y_scalar(&d, pf_y_get(&d, root, "size"), "size"));
	expect_err(&e, 2, 7, "size", "must not be empty");
	assert_int_equal(pf_y_string(&d, pf_y_get(&d, root, "blank"), "blank", false, &s), -1);
	expect_err(&e, 8, 8, "blank", "must not be empty");
	assert_int_equal(pf_y_str(&d, root, "nul", "", true, &s), -1);
	expect_err(&e, 7, 6, "nul", "contains a NUL character");
	assert_int_equal(pf_y_strings(&d, pf_y_get(&d, root, "tags"), "tags", &v, &n), -1);
	expect_err(&e, 3, 15, "tags[2]", "found null");
	assert_string_equal(v[0], "one"); /* a failed read leaves the old value */

	/* a missing required member names the key as the field, at the map */
	assert_int_equal(pf_y_str(&d, inner, "size", "inner", true, &s), -1);
	expect_err(&e, 5, 3, "inner.size", "required key missing");

	pf_y_strings_free(v);
	free(s);
	pf_ydoc_free(&d);
}

static void test_keys(void **state)
{
	(void)state;
	static const char *const inner_keys[] = { "colour", "list", NULL };
	static const char *const need[] = { "colour", "shape", NULL };
	static const char *const top_keys[] = { "name", "size", "tags", "inner", "nul", NULL };
	struct pf_ydoc d;
	struct pf_error e;
	yaml_node_t *vals[2];

	with_doc(&d, &e);
	yaml_node_t *root = pf_ydoc_root(&d);
	yaml_node_t *inner = pf_y_get(&d, root, "inner");

	assert_int_equal(pf_y_map(&d, inner, "inner", inner_keys, NULL, vals), 0);
	assert_string_equal((const char *)vals[0]->data.scalar.value, "red");
	assert_int_equal(vals[1]->type, YAML_MAPPING_NODE);
	assert_int_equal(pf_y_map(&d, inner, "inner", inner_keys, need, NULL), -1);
	expect_err(&e, 5, 3, "inner.shape", "required key missing");
	assert_int_equal(pf_y_map(&d, root, "", top_keys, NULL, NULL), -1);
	expect_err(&e, 8, 1, "blank", "unknown key 'blank' (expected one of: name, size");
	assert_int_equal(pf_y_map(&d, pf_y_get(&d, root, "tags"), "tags", inner_keys, NULL, NULL),
			 -1);
	expect_err(&e, 3, 7, "tags", "expected a mapping, found a sequence");
	/* the key's own node, for errors about the key */
	assert_int_equal((int)pf_y_key(&d, root, "inner")->start_mark.line, 3);
	assert_null(pf_y_key(&d, root, "nope"));
	assert_null(pf_y_get(&d, pf_y_get(&d, root, "tags"), "a"));
	pf_ydoc_free(&d);
}

static void test_field_paths(void **state)
{
	(void)state;
	char f[16];

	pf_y_field(f, sizeof(f), "", "top");
	assert_string_equal(f, "top");
	pf_y_field(f, sizeof(f), "a[1]", "b");
	assert_string_equal(f, "a[1].b");
	pf_y_field(f, sizeof(f), "a-rather-long", "path");
	assert_string_equal(f, "a-rather-lon..."); /* cut, and says so */
}

static void test_files(void **state)
{
	(void)state;
	char path[300];
	struct pf_ydoc d;
	struct pf_error e;
	FILE *f;

	snprintf(path, sizeof(path), "%s", fx_scratch_file());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("name: file\nlist: [1, 2\n", f); /* truncated: the list never closes */
	fclose(f);
	assert_int_equal(pf_ydoc_load_file(&d, path, 1024, &e), -1);
	pf_ydoc_free(&d);
	assert_string_equal(e.file, path);
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.message, "YAML syntax error"));

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("name: file\n", f);
	fclose(f);
	assert_int_equal(pf_ydoc_load_file(&d, path, 1024, &e), 0);
	assert_string_equal((const char *)pf_y_get(&d, pf_ydoc_root(&d), "name")->data.scalar.value,
			    "file");
	pf_ydoc_free(&d);
	assert_int_equal(pf_ydoc_load_file(&d, path, 4, &e), -1);
	assert_non_null(strstr(e.message, "file too large"));

	assert_int_equal(pf_ydoc_load_file(&d, fx_scratch, 1024, &e), -1);
	assert_non_null(strstr(e.message, "not a regular file"));
	snprintf(path, sizeof(path), "%s/none.yaml", fx_scratch);
	assert_int_equal(pf_ydoc_load_file(&d, path, 1024, &e), -1);
	assert_string_equal(e.file, path);
	assert_int_equal(e.sys_errno, ENOENT);
	assert_non_null(strstr(e.message, "cannot open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_refuses),
		cmocka_unit_test(test_nesting_bound),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_field_paths),
		cmocka_unit_test_setup_teardown(test_files, fx_scratch_setup, fx_scratch_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Report formats from the fixture runs (JSON, JUnit, Markdown, HTML, PDF),
 * escaping of hostile probe messages, and the plug-fest matrix of 4 runs.
 *
 * Built with the runner's library (jansson, libyaml, libcrypto) and cmocka.
 * Uses xmllint and chromium when installed.
 * Run from the repository root, or set PF_SOURCE_DIR.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy/matrix.h"
#include "policy/profile.h"
#include "reports/report_write.h"
#include "policy/score.h"
#include "policy/waiver.h"
#include "util/spawn.h"
#include "fixture.h"
#include "util/json.h"

static const char *src_dir(void)
{
	const char *e = getenv("PF_SOURCE_DIR");
#ifdef PF_SOURCE_DIR
	return e && *e ? e : PF_SOURCE_DIR;
#else
	return e && *e ? e : ".";
#endif
}

static char *path_of(const char *rel)
{
	char *p;
	assert_true(asprintf(&p, "%s/%s", src_dir(), rel) > 0);
	return p;
}

static const char *const profile_ids[] = {
	"virtio-1.4-core", "avps-base", "avps-ivi", "avps-cluster", "avps-telematics", "avps-adas",
};
static const char *const fixtures[] = {
	"qemu-7.2-modern.json",
	"qemu-7.2-legacy.json",
	"acrn-3.2-crash.json",
	"firecracker-1.9-incomplete.json",
};

/* A fixture with the shipped known failures + the fixture waivers applied
 * and every shipped profile scored, as `plugfest run` would leave it. */
static json_t *scored(const char *fixture)
{
	struct pf_profile *ps[6];
	struct pf_error e;
	char rel[200], err[1200];
	json_error_t je;

	for (int i = 0; i < 6; i++) {
		snprintf(rel, sizeof(rel), "profiles/%s.yaml", profile_ids[i]);
		char *p = path_of(rel);
		ps[i] = pf_profile_load(p, &e);
		free(p);
		if (!ps[i])
			fail_msg("%s", pf_error_format(&e, err, sizeof(err)));
	}
	snprintf(rel, sizeof(rel), "harness/tests/data/results/%s", fixture);
	char *p = path_of(rel);
	json_t *r = json_load_file(p, 0, &je);
	free(p);
	assert_non_null(r);
	struct pf_waivers *w = pf_waivers_new();
	static const char *const wf[] = { "harness/tests/data/profiles/known-failures-fixture.yaml",
					  "harness/tests/data/profiles/waivers-fixture.yaml" };
	for (int i = 0; i < 2; i++) {
		p = path_of(wf[i]);
		assert_int_equal(pf_waivers_load(w, p, &e), 0);
		free(p);
	}
	assert_int_equal(pf_waivers_apply(r, w, "2026-11-25", &e), 0);
	assert_int_equal(pf_score_attach(r, ps, 6, &e), 0);
	pf_waivers_free(w);
	for (int i = 0; i < 6; i++)
		pf_profile_free(ps[i]);
	return r;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/pf-test-reports-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* ---- a minimal XML well-formedness checker ----------------------------- */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == ':';
}

static const char *entity(const char *p)
{
	static const char *const ok[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", NULL };
	for (const char *const *e = ok; *e; e++)
		if (!strncmp(p, *e, strlen(*e)))
			return p + strlen(*e);
	if (p[1] == '#') {
		const char *q = p + 2 + (p[2] == 'x');
		while ((*q >= '0' && *q <= '9') ||
		       (p[2] == 'x' && ((*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F'))))
			q++;
		if (*q == ';' && q > p + 2)
			return q + 1;
	}
	return NULL;
}

/* Returns NULL when well-formed, else a description of the first problem. */
static const char *xml_check(const char *s)
{
	const char *stack[64];
	size_t len[64], depth = 0;
	bool root_seen = false;

	if (!strncmp(s, "<?xml", 5) && !(s = strstr(s, "?>")))
		return "unterminated XML declaration";
	if (!strncmp(s, "?>", 2))
		s += 2;
	while (*s) {
		if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\r' && *s != '\t')
			return "control character";
		if (*s == '&') {
			if (!(s = entity(s)))
				return "bad entity reference";
			continue;
		}
		if (*s != '<') {
			if (!depth && *s != '\n' && *s != ' ')
				return "text outside the root element";
			s++;
			continue;
		}
		if (s[1] == '/') {
			const char *n = s + 2, *e = n;
			while (name_char(*e))
				e++;
			if (!depth || (size_t)(e - n) != len[depth - 1] ||
			    strncmp(n, stack[depth - 1], len[depth - 1]))
				return "mismatched end tag";
			if (*e != '>')
				return "bad end tag";
			depth--;
			s = e + 1;
			continue;
		}
		const char *n = s + 1, *e = n;
		while (name_char(*e))
			e++;
		if (e == n)
			return "bad start tag";
		size_t nlen = (size_t)(e - n);
		if (!depth && root_seen)
			return "second root element";
		root_seen = true;
		while (*e == ' ') {
			const char *a = ++e;
			while (name_char(*e))
				e++;
			if (e == a)
				break;
			if (e[0] != '=' || e[1] != '"')
				return "attribute without a quoted value";
			e += 2;
			while (*e && *e != '"') {
				if (*e == '<')
					return "'<' in an attribute value";
				if (*e != '&')
					e++;
				else if (!(e = entity(e)))
					return "bad entity in an attribute";
			}
			if (*e != '"')
				return "unterminated attribute";
			e++;
		}
		if (e[0] == '/' && e[1] == '>') {
			s = e + 2;
			continue;
		}
		if (*e != '>')
			return "bad start tag end";
		if (depth == 64)
			return "too deep";
		stack[depth] = n;
		len[depth++] = nlen;
		s = e + 1;
	}
	return depth ? "unclosed element" : root_seen ? NULL : "no root element";
}

static bool have_tool(const char *name, char *out, size_t len)
{
	return pf_find_program(name, out, len) == 0;
}

/* xmllint --noout FILE, without a shell; its exit status, -2 when it is
 * not installed, -1 when it could not be run or did not finish in time. */
static int run_xmllint(const char *file)
{
	/* its complaints go to the test log, as they did from a fork */
	const struct pf_spawn_io io = { -1, STDOUT_FILENO, STDERR_FILENO };
	char tool[512];
	struct pf_error err;
	pid_t pid;
	int st;

	if (!have_tool("xmllint", tool, sizeof(tool)))
		return -2;
	char *argv[] = { tool, "--noout", (char *)file, NULL };
	if (pf_spawn(argv, &io, &pid, &err) != 0)
		return -1;
	if (pf_spawn_wait(pid, 60000, &st) != 0) {
		pf_spawn_kill(pid, SIGKILL);
		pf_spawn_wait(pid, -1, NULL);
		return -1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- tests --------------------------------------------------------------- */

static void test_xml_checker_itself(void **state)
{
	(void)state;
	assert_null(xml_check("<?xml version=\"1.0\"?>\n<a x=\"1 &amp; 2\"><b/>t&#xfffd;</a>\n"));
	assert_non_null(xml_check("<a><b></a></b>"));
	assert_non_null(xml_check("<a x=\"<\"/>"));
	assert_non_null(xml_check("<a>&nope;</a>"));
	assert_non_null(xml_check("<a></a><b></b>"));
	assert_non_null(xml_check("<a x=1/>"));
}

static void test_escapers(void **state)
{
	(void)state;
	struct pf_buf b;
	pf_buf_init(&b);
	pf_buf_html(&b, "<script>\"x\" & 'y' https://evil\x01");
	assert_string_equal(
		b.p, "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39; https&#58;//evil\xef\xbf\xbd");
	pf_buf_free(&b);
	pf_buf_xml(&b, "a\x02<b>&\"c\" http://x");
	assert_string_equal(b.p, "a\xef\xbf\xbd&lt;b&gt;&amp;&quot;c&quot; http://x");
	pf_buf_free(&b);
	pf_buf_md(&b, "a|b *c* _d_ <e> [f](g)\nh `i`");
	assert_string_equal(b.p, "a\\|b \\*c\\* \\_d\\_ &lt;e&gt; \\[f\\](g) h \\`i\\`");
	pf_buf_free(&b);
	pf_buf_printf(&b, "%d-%s", 42, "x");
	assert_string_equal(b.p, "42-x");
	pf_buf_free(&b);
}

static void test_all_formats_from_fixtures(void **state)
{
	(void)state;
	char path[512];
	struct pf_error rerr;

	for (size_t f = 0; f < 4; f++) {
		json_t *r = scored(fixtures[f]);
		char dir[400];
		snprintf(dir, sizeof(dir), "%s/run%zu", tmpdir, f);
		assert_int_equal(mkdir(dir, 0755), 0);

		/* JSON: round trip, profiles embedded */
		snprintf(path, sizeof(path), "%s/results.json", dir);
		assert_int_equal(pf_report_write(r, "json", path, &rerr), 0);
		json_error_t je;
		json_t *back = json_load_file(path, 0, &je);
		assert_non_null(back);
		assert_int_equal(json_array_size(json_object_get(back, "profiles")), 6);
		assert_true(json_equal(back, r));
		json_decref(back);

		/* JUnit: well-formed, counts consistent, mapping */
		snprintf(path, sizeof(path), "%s/junit.xml", dir);
		assert_int_equal(pf_report_write(r, "junit", path, &rerr), 0);
		char *x = fx_slurp(path);
		const char *why = xml_check(x);
		if (why)
			fail_msg("%s: %s", path, why);
		int lint = run_xmllint(path);
		assert_true(lint == 0 || lint == -2);
		assert_int_equal(count(x, "<testsuites "), 1);
		assert_true(count(x, "<testcase ") > 30);
		fx_contains(x, "name=\"spec.label\" value=\"devicenormative:",
			    "name=\"profile virtio-1.4-core 0.1.0: ", NULL);
		if (f == 1) {
			fx_contains(x, "<skipped message=\"xfail FIX-KF-DISCARD",
				    "<skipped message=\"waived FIX-WAIVE-GPU-FENCE",
				    "<failure type=\"xpass\"",
				    "&lt;&amp;&gt; &quot;quoted&quot; &lt;/script&gt;", NULL);
		}
		if (f == 2) {
			fx_contains(x, "<error type=\"crash\"", "<error type=\"wedged\"",
				    "<error type=\"timeout\"", NULL);
		}
		free(x);

		/* Markdown */
		snprintf(path, sizeof(path), "%s/report.md", dir);
		assert_int_equal(pf_report_write(r, "md", path, &rerr), 0);
		char *md = fx_slurp(path);
		fx_contains(md,
			    "# Virtio conformance: ", "| virtio-1.4-core | 0.1.0 | VIRTIO 1.4 | **",
			    "## Environment", NULL);
		if (f == 1) {
			assert_non_null(strstr(md, "&lt;&amp;&gt;"));
			assert_null(strstr(md, "</script>"));
			assert_non_null(
				strstr(md, "FIX-EXPIRED-MTU | waiver | net.cfg.mtu-min | expired"));
		}
		free(md);

		/* HTML: self-contained, escaped, complete */
		snprintf(path, sizeof(path), "%s/report.html", dir);
		assert_int_equal(pf_report_write(r, "html", path, &rerr), 0);
		char *h = fx_slurp(path);
		static const char *const forbidden[] = { "://",	   "src=",    "<script", "<link",
							 "url(",   "@import", "<iframe", "<object",
							 "<embed", NULL };
		for (const char *const *fb = forbidden; *fb; fb++)
			if (strstr(h, *fb))
				fail_msg("%s contains '%s'", path, *fb);
		fx_contains(h, "Content-Security-Policy",
			    "5f0c6a8e0d2b7c31a94e3f7d8b1c2a6e9f4d3b2a1c0e9f8d7c6b5a4f3e2d1c0b",
			    "plugfest 0.3.0", "<svg class=\"chart donut\"", NULL);
		for (int i = 0; i < 6; i++)
			assert_non_null(strstr(h, profile_ids[i]));
		fx_contains(h, "wording unverified", "CC BY-SA 4.0", NULL);
		if (f == 1) {
			fx_contains(h, "&lt;/script&gt;", "FIX-WAIVE-GPU-FENCE", "entry expired",
				    "devicenormative:Virtio Transport Options / Virtio Over MMIO",
				    "7.2.11", NULL);
		}
		if (f == 2)
			assert_non_null(strstr(h, "SIGABRT"));
		free(h);
		json_decref(r);
	}
}

/* The PDF's document carries what whoever signs off a device reads (verdicts,
 * each check not passed with its statements and sub-case, known failures,
 * per-device counts, environment) and not the table of every check. */
static void test_print_document(void **state)
{
	(void)state;
	json_t *r = scored("qemu-7.2-legacy.json"), *res;
	struct pf_buf full, print;
	size_t i;

	json_object_set_new(json_object_get(r, "run"), "nonce",
			    json_string("0123456789abcdef0123456789abcdef"));
	json_array_foreach (json_object_get(r, "results"), i, res)
		if (!strcmp(pf_json_string_get(res, "test", NULL), "features.version-1-offered"))
			json_object_set_new(res, "sub", json_string("legacy-window"));
	pf_buf_init(&full);
	pf_buf_init(&print);
	pf_report_html_render(r, &full);
	pf_report_html_render_ex(r, &print, true);
	assert_false(full.oom || print.oom);
	for (int k = 0; k < 2; k++) {
		const char *h = k ? print.p : full.p;
		fx_contains(h, "Verdict per profile", "non-conformant",
			    "features.version-1-offered", "devicenormative:Reserved Feature Bits",
			    "[legacy-window]", "Waivers and known failures",
			    "Environment and reproduction", "0123456789abcdef0123456789abcdef",
			    "Kit version", "7.2.11", NULL);
	}
	/* the PDF: counts per device and each check not passed, once */
	assert_non_null(strstr(print.p, "Verdicts per device"));
	assert_non_null(strstr(print.p, "Checks not passed"));
	assert_null(strstr(print.p, "Devices and checks"));
	assert_null(strstr(print.p, "All requirements per profile"));
	/* a passed check appears only in report.html */
	assert_non_null(strstr(full.p, "Devices and checks"));
	assert_non_null(strstr(full.p, "All requirements per profile"));
	assert_non_null(strstr(full.p, "basic.init.sequence"));
	assert_null(strstr(print.p, "basic.init.sequence"));
	assert_true(print.len < full.len / 2);
	pf_buf_free(&full);
	pf_buf_free(&print);
	json_decref(r);
}

static void test_pdf_and_write_all(void **state)
{
	(void)state;
	char path[512], tool[512];
	struct pf_error rerr;
	json_t *r = scored("qemu-7.2-legacy.json");

	/* Chromium named but absent: skipped with a message, not a crash */
	setenv("PF_CHROMIUM", "/nonexistent/chromium", 1);
	snprintf(path, sizeof(path), "%s/skipped.pdf", tmpdir);
	assert_int_equal(pf_report_write(r, "pdf", path, &rerr), PF_REPORT_SKIPPED);
	assert_non_null(strstr(rerr.message, "Chromium not found"));
	assert_string_equal(rerr.file, path);
	assert_int_equal(access(path, F_OK), -1);
	unsetenv("PF_CHROMIUM");

	snprintf(path, sizeof(path), "%s/all", tmpdir);
	assert_int_equal(mkdir(path, 0755), 0);
	int rc = pf_report_write_all(r, path, &rerr);
	bool chromium = have_tool("chromium", tool, sizeof(tool));
	assert_int_equal(rc, chromium ? 0 : PF_REPORT_SKIPPED);
	static const char *const files[] = { "results.json", "junit.xml", "report.md",
					     "report.html", NULL };
	for (const char *const *f = files; *f; f++) {
		char p[600];
		snprintf(p, sizeof(p), "%s/%s", path, *f);
		assert_int_equal(access(p, R_OK), 0);
	}
	if (chromium) {
		char p[600];
		snprintf(p, sizeof(p), "%s/report.pdf", path);
		char *pdf = fx_slurp(p);
		assert_int_equal(memcmp(pdf, "%PDF-", 5), 0);
		free(pdf);
	} else {
		print_message("chromium not installed: PDF rendering not exercised\n");
	}
	assert_int_equal(pf_report_write(r, "docx", path, &rerr), -1);
	assert_non_null(strstr(rerr.message, "unknown report format 'docx'"));
	snprintf(path, sizeof(path), "%s/no/such/dir/report.html", tmpdir);
	assert_int_equal(pf_report_write(r, "html", path, &rerr), -1);
	json_decref(r);
}

static const json_t *row_of(const json_t *rows, const char *k, const char *v, const char *k2,
			    const char *v2)
{
	size_t i;
	const json_t *row;
	json_array_foreach (rows, i, row)
		if (!strcmp(pf_jstr(row, k, ""), v) && (!k2 || !strcmp(pf_jstr(row, k2, ""), v2)))
			return row;
	fail_msg("no row %s=%s", k, v);
	return NULL;
}

static void test_matrix_of_four_runs(void **state)
{
	(void)state;
	json_t *runs[4];
	struct pf_error e;
	char dir[512];

	for (int i = 0; i < 4; i++)
		runs[i] = scored(fixtures[i]);
	json_t *m = pf_matrix_build(runs, fixtures, 4, &e);
	assert_non_null(m);
	assert_string_equal(pf_jstr(m, "schema", ""), "plugfest-matrix/1");
	assert_int_equal(json_array_size(json_object_get(m, "runs")), 4);
	assert_int_equal(json_array_size(json_object_get(m, "profiles")), 6);
	const json_t *core =
		row_of(json_object_get(m, "profiles"), "id", "virtio-1.4-core", NULL, NULL);
	const json_t *cells = json_object_get(core, "cells");
	assert_string_equal(json_string_value(json_array_get(cells, 0)), "conformant");
	assert_string_equal(json_string_value(json_array_get(cells, 1)), "non-conformant");
	const json_t *rq = row_of(json_object_get(m, "requirements"), "profile", "avps-ivi", "id",
				  "IVI-SOUND-01");
	assert_string_equal(pf_jstr(json_array_get(json_object_get(rq, "cells"), 0), "outcome", ""),
			    "fail");
	assert_non_null(strstr(pf_jstr(json_array_get(json_object_get(rq, "cells"), 0), "why", ""),
			       "no sound device"));
	const json_t *gpu = row_of(json_object_get(m, "devices"), "type", "gpu", NULL, NULL);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(gpu, "cells"), 0)), 1);
	assert_true(json_is_null(
		json_array_get(json_object_get(gpu, "cells"), 3))); /* firecracker: none */
	const json_t *run2 = json_array_get(json_object_get(m, "runs"), 2);
	assert_string_equal(pf_jstr(json_object_get(run2, "hypervisor"), "name", ""), "acrn");
	assert_int_equal(json_integer_value(json_object_get(run2, "findings")), 2);
	json_decref(m);

	snprintf(dir, sizeof(dir), "%s/matrix", tmpdir);
	assert_int_equal(pf_matrix_write(runs, fixtures, 4, dir, &e), 0);
	char p[600];
	snprintf(p, sizeof(p), "%s/matrix.html", dir);
	char *h = fx_slurp(p);
	assert_null(strstr(h, "://"));
	assert_null(strstr(h, "src="));
	assert_non_null(strstr(h, "Hypervisor &#215; requirement"));
	free(h);
	snprintf(p, sizeof(p), "%s/matrix.md", dir);
	char *md = fx_slurp(p);
	assert_non_null(strstr(md, "| virtio-1.4-core 0.1.0 | conformant | non-conformant | "
				   "non-conformant | non-conformant |"));
	free(md);
	snprintf(p, sizeof(p), "%s/matrix.json", dir);
	json_error_t je;
	json_t *back = json_load_file(p, 0, &je);
	assert_non_null(back);
	json_decref(back);
	assert_null(pf_matrix_build(runs, NULL, 0, &e));
	for (int i = 0; i < 4; i++)
		json_decref(runs[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_checker_itself),
		cmocka_unit_test(test_escapers),
		cmocka_unit_test(test_all_formats_from_fixtures),
		cmocka_unit_test(test_print_document),
		cmocka_unit_test(test_pdf_and_write_all),
		cmocka_unit_test(test_matrix_of_four_runs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

/* SPDX-License-Identifier: MIT */
/*
 * Tests for harness/src/launch/target.c: loading, validation diagnostics (file,
 * line, column, field), lookup by name, listing and argv expansion.
 *
 * Fixtures live in harness/tests/data/targets/{ok,ok2,bad} (target_fixture.h).
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launch/target.h"

#include "fixture.h"
#include "target_fixture.h"

/* ---- happy paths ---------------------------------------------------------- */

static void test_load_reference(void **state)
{
	(void)state;
	struct pf_target *t = load_ok("ok/qemu-aarch64-virt.yaml");
	assert_string_equal(t->name, "qemu-aarch64-virt");
	assert_string_equal(t->arch, "aarch64");
	assert_string_equal(t->probe, "probe-aarch64.img");
	assert_true(strstr(t->description, "virtio-mmio") != NULL);
	assert_string_equal(t->hypervisor.name, "qemu");
	assert_string_equal(t->hypervisor.binary, "qemu-system-aarch64");
	assert_int_equal(strv_len(t->hypervisor.version_args), 1);
	assert_string_equal(t->hypervisor.version_args[0], "--version");
	assert_int_equal(strv_len(t->hypervisor.packages), 1);
	assert_string_equal(t->hypervisor.packages[0], "qemu-system-arm");
	assert_limits(t, 300000, 30000, 20000);
	assert_int_equal(t->n_vars, 3);
	assert_string_equal(pf_target_variable(t, "cpu"), "cortex-a57");
	assert_string_equal(pf_target_variable(t, "memory"), "512M");
	assert_null(pf_target_variable(t, "nope"));
	assert_string_equal(t->argv[0], "${binary}");
	assert_int_equal(t->argc, strv_len(t->argv));
	assert_int_equal(t->expect_min_devices, 2);
	assert_int_equal(strv_len(t->expect_devices), 2);
	assert_string_equal(t->expect_devices[1], "blk");
	assert_string_equal(t->path, fx("ok/qemu-aarch64-virt.yaml"));
	pf_target_free(t);
}

static void test_defaults(void **state)
{
	(void)state;
	struct pf_target *t = load_ok("ok/minimal.yaml");
	assert_string_equal(t->description, "");
	assert_int_equal(strv_len(t->hypervisor.version_args), 1);
	assert_string_equal(t->hypervisor.version_args[0], "--version");
	assert_int_equal(strv_len(t->hypervisor.packages), 0);
	assert_limits(t, (long)(PF_TARGET_DEFAULT_OVERALL_S * 1000),
		      (long)(PF_TARGET_DEFAULT_INACTIVITY_S * 1000),
		      (long)(PF_TARGET_DEFAULT_BOOT_S * 1000));
	assert_int_equal(t->n_vars, 0);
	assert_int_equal(t->expect_min_devices, 0);
	assert_false(t->expect_min_given);
	assert_int_equal(strv_len(t->expect_devices), 0);
	assert_int_equal(t->n_expect_transports, 0);
	assert_int_equal(t->n_expect_types, 0);
	assert_int_equal(t->argc, 3);
	pf_target_free(t);
}

static void test_fractional_timeouts_and_empty_version_args(void **state)
{
	(void)state;
	struct pf_target *t = load_ok("ok/features.yaml");
	assert_limits(t, 1500, 250, 2000);
	assert_int_equal(strv_len(t->hypervisor.version_args), 0);
	assert_int_equal(strv_len(t->hypervisor.packages), 2);
	assert_string_equal(t->description, "expansion: concatenation, $$, variables, spaces");
	pf_target_free(t);
}

/* ---- expansion ------------------------------------------------------------ */

static void test_argv_expansion(void **state)
{
	(void)state;
	struct cmdline c = cmdline_of("ok/features.yaml", "/img/riscv/probe.elf",
				      "pf.filter=virtio.* pf.seed=7  pf.verbose=1", "/out dir");
	static const char *const want[] = {
		"/opt/fake/bin/vmm",
		"--kernel=/img/riscv/probe.elf",
		"--cmdline",
		"pf.filter=virtio.* pf.seed=7  pf.verbose=1", /* one element, spaces kept */
		"--log=/out dir/serial log.txt",	      /* variable using ${outdir} */
		"cost: 5$ and ${literal}",		      /* $$ in a variable and in argv */
		"",					      /* empty stays an element */
		"/out dir/out dir",
	};
	assert_int_equal(c.argc, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < c.argc; i++)
		assert_string_equal(c.argv[i], want[i]);
	assert_null(c.argv[c.argc]);
	cmdline_free(&c);
}

static void test_argv_reference_bootargs_one_element(void **state)
{
	const char *bootargs = "pf.filter=blk.*,net.* pf.seed=42";
	struct cmdline c = cmdline_of("ok/qemu-aarch64-virt.yaml", "/images/probe-aarch64.img",
				      bootargs, "/tmp/o");
	char **argv = c.argv;
	size_t argc = c.argc;

	(void)state;
	assert_int_equal(argc, c.t->argc);
	assert_string_equal(argv[0], "qemu-system-aarch64");
	int seen_append = 0, seen_kernel = 0;
	for (size_t i = 0; i < argc; i++) {
		assert_null(strstr(argv[i], "${"));
		if (strcmp(argv[i], "-append") == 0) {
			assert_true(i + 1 < argc);
			assert_string_equal(argv[i + 1], bootargs);
			seen_append++;
		}
		if (strcmp(argv[i], "-kernel") == 0) {
			assert_string_equal(argv[i + 1], "/images/probe-aarch64.img");
			seen_kernel++;
		}
		if (strcmp(argv[i], "-cpu") == 0)
			assert_string_equal(argv[i + 1], "cortex-a57");
	}
	assert_int_equal(seen_append, 1);
	assert_int_equal(seen_kernel, 1);
	cmdline_free(&c);
}

static void test_argv_unavailable_value(void **state)
{
	(void)state;
	struct pf_error err;
	char buf[1024];
	struct pf_target *t = load_ok("ok/minimal.yaml");
	size_t argc = 7;
	char **argv = pf_target_argv(t, NULL, "", "/o", &argc, &err);
	assert_null(argv);
	assert_int_equal(argc, 0);
	assert_string_equal(err.field, "argv[2]");
	assert_non_null(strstr(err.message, "${probe}"));
	assert_true(ends_with(err.file, "ok/minimal.yaml"));
	pf_error_format(&err, buf, sizeof(buf));
	assert_non_null(strstr(buf, "field 'argv[2]'"));
	pf_target_free(t);
}

static void test_set_variable(void **state)
{
	(void)state;
	struct pf_error err;
	struct pf_target *t = load_ok("ok/qemu-aarch64-virt.yaml");
	assert_int_equal(pf_target_set_variable(t, "cpu", "max", &err), 0);
	assert_int_equal(pf_target_set_variable(t, "machine", "virt,gic-version=3", &err), 0);
	assert_int_equal(pf_target_set_variable(t, "fresh", "${outdir}/x", &err), 0);
	assert_string_equal(pf_target_variable(t, "fresh"), "${outdir}/x");

	assert_int_equal(pf_target_set_variable(t, "probe", "x", &err), -1);
	assert_string_equal(err.field, "variables.probe");
	assert_int_equal(pf_target_set_variable(t, "9lives", "x", &err), -1);
	assert_int_equal(pf_target_set_variable(t, "cpu", "${memory}", &err), -1);
	assert_non_null(strstr(err.message, "another variable"));
	assert_int_equal(pf_target_set_variable(t, "cpu", "${nope}", &err), -1);
	assert_int_equal(pf_target_set_variable(t, "cpu", "$", &err), -1);
	assert_string_equal(pf_target_variable(t, "cpu"), "max"); /* unchanged */

	size_t argc;
	char **argv = argv_ok(t, "p", "", "o", &argc);
	bool cpu = false, machine = false;
	for (size_t i = 0; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "-cpu") && !strcmp(argv[i + 1], "max"))
			cpu = true;
		if (!strcmp(argv[i], "-M") && !strcmp(argv[i + 1], "virt,gic-version=3"))
			machine = true;
	}
	assert_true(cpu);
	assert_true(machine);
	pf_argv_free(argv);
	pf_target_free(t);
}

/* ---- diagnostics ------------------------------------------------------------ */

struct bad_case {
	const char *file;  /* below bad/ */
	int line, column;  /* 0: none expected */
	const char *field; /* "" : none expected */
	const char *text;  /* must occur in the message */
};

static const struct bad_case bad_cases[] = {
	{ "syntax.yaml", 4, 6, "", "YAML syntax error" },
	{ "missing-argv.yaml", 1, 1, "argv", "required key missing" },
	{ "missing-binary.yaml", 5, 3, "hypervisor.binary", "required key missing" },
	{ "argv-mapping.yaml", 5, 7, "argv", "expected a sequence, found a mapping" },
	{ "argv-item-mapping.yaml", 7, 5, "argv[1]", "expected a string, found a mapping" },
	{ "version-args-string.yaml", 7, 17, "hypervisor.version_args",
	  "expected a sequence, found a string" },
	{ "timeouts-sequence.yaml", 6, 11, "timeouts", "expected a mapping, found a sequence" },
	{ "unknown-key.yaml", 6, 1, "colour", "unknown key" },
	{ "unknown-nested-key.yaml", 7, 3, "hypervisor.bin", "unknown key" },
	{ "empty-argv.yaml", 5, 7, "argv", "must not be empty" },
	{ "zero-timeout.yaml", 8, 17, "timeouts.inactivity_s", "positive" },
	{ "negative-timeout.yaml", 6, 21, "timeouts.boot_s", "positive" },
	{ "bad-timeout.yaml", 7, 14, "timeouts.overall_s", "'soon'" },
	{ "duplicate-key.yaml", 6, 1, "arch", "duplicate key (first given at line 2)" },
	{ "duplicate-nested.yaml", 8, 3, "timeouts.boot_s",
	  "duplicate key (first given at line 7)" },
	/* Column of the "${" inside the quoted scalar, not of the scalar. */
	{ "unknown-placeholder.yaml", 8, 24, "argv[2]", "unknown placeholder '${node}'" },
	{ "unterminated.yaml", 5, 31, "argv[2]", "unterminated placeholder" },
	{ "stray-dollar.yaml", 5, 26, "argv[2]", "stray '$'" },
	{ "shadow-builtin.yaml", 7, 3, "variables.probe", "built-in placeholder" },
	{ "var-uses-var.yaml", 8, 7, "variables.b", "another variable ('${a}')" },
	{ "name-mismatch.yaml", 1, 7, "name", "does not match the file name" },
	{ "empty-name.yaml", 1, 7, "name", "must not be empty" },
	{ "two-docs.yaml", 6, 1, "", "more than one YAML document" },
	{ "empty.yaml", 0, 0, "", "empty file" },
	{ "root-list.yaml", 1, 1, "", "expected a mapping, found a sequence" },
	{ "bad-arch.yaml", 2, 7, "arch", "unknown architecture 'aarch46'" },
	{ "probe-escape.yaml", 3, 8, "probe", "without '..'" },
	{ "bad-min-devices.yaml", 7, 16, "expect.min_devices", "whole number" },
	{ "expect-transport-negative.yaml", 7, 30, "expect.transports.pci", "between 0 and 4096" },
	{ "expect-devices-twice.yaml", 8, 3, "expect.devices", "devices or min_devices" },
	{ "expect-types-sequence.yaml", 7, 10, "expect.types", "expected a mapping" },
};

/* The shipped reference target states what a complete run finds. */
static void test_shipped_expect(void **state)
{
	(void)state;
	struct pf_error err;
	const char *dirs[] = { "profiles/targets", NULL };
	struct pf_target *t = pf_target_load("qemu-aarch64-virt", dirs, &err);
	assert_non_null(t);
	assert_true(t->expect_min_given);
	assert_int_equal(t->expect_min_devices, 25);
	assert_int_equal(t->n_expect_transports, 2);
	assert_string_equal(t->expect_transports[0].name, "mmio");
	assert_int_equal(t->expect_transports[0].min, 13);
	assert_string_equal(t->expect_transports[1].name, "pci");
	assert_int_equal(t->expect_transports[1].min, 12);
	int sum = 0;
	for (size_t i = 0; i < t->n_expect_types; i++)
		sum += t->expect_types[i].min;
	assert_int_equal(sum, 25);
	pf_target_free(t);
}

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		char rel[256], buf[2048], prefix[1400];
		snprintf(rel, sizeof(rel), "bad/%s", c->file);
		const char *path = fx(rel);
		struct pf_error err;
		memset(&err, 0x5a, sizeof(err)); /* load must clear stale content */
		struct pf_target *t = pf_target_load(path, NULL, &err);
		pf_error_format(&err, buf, sizeof(buf));
		print_message("%s\n", buf);
		assert_null(t);
		assert_string_equal(err.file, path);
		assert_int_equal(err.line, c->line);
		assert_int_equal(err.column, c->column);
		assert_string_equal(err.field, c->field);
		assert_non_null(strstr(err.message, c->text));
		/* The formatted form leads with FILE:LINE:COL: field 'x': */
		if (c->line && c->field[0])
			snprintf(prefix, sizeof(prefix), "%s:%d:%d: field '%s': ", path, c->line,
				 c->column, c->field);
		else if (c->line)
			snprintf(prefix, sizeof(prefix), "%s:%d:%d: ", path, c->line, c->column);
		else
			snprintf(prefix, sizeof(prefix), "%s: ", path);
		assert_int_equal(strncmp(buf, prefix, strlen(prefix)), 0);
	}
}

static void test_missing_file(void **state)
{
	(void)state;
	struct pf_error err;
	const char *path = fx("ok/does-not-exist.yaml");
	assert_null(pf_target_load(path, NULL, &err));
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, 0);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_non_null(strstr(err.message, "cannot open"));

	/* A directory is not a target file. */
	char dir[1100];
	snprintf(dir, sizeof(dir), "%s/", fx("ok"));
	assert_null(pf_target_load(dir, NULL, &err));
	assert_non_null(strstr(err.message, "not a regular file"));
}

static void test_error_format(void **state)
{
	(void)state;
	struct pf_error e;
	char buf[256];
	pf_error_fill(&e, "f.yaml", 3, 9, "argv[1]", "bad %s", "thing");
	assert_string_equal(pf_error_format(&e, buf, sizeof(buf)),
			    "f.yaml:3:9: field 'argv[1]': bad thing");
	pf_error_fill(&e, "f.yaml", 0, 0, NULL, "gone");
	assert_string_equal(pf_error_format(&e, buf, sizeof(buf)), "f.yaml: gone");
	pf_error_fill(&e, NULL, 0, 0, "x", "m");
	assert_string_equal(pf_error_format(&e, buf, sizeof(buf)), "field 'x': m");
	pf_error_fill(&e, "f", 4, 0, NULL, "m");
	assert_string_equal(pf_error_format(&e, buf, sizeof(buf)), "f:4: m");
	/* Truncation stays terminated. */
	char small[8];
	pf_error_fill(&e, "a-long-file-name", 1, 1, NULL, "m");
	pf_error_format(&e, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(pf_error_fill(NULL, "f", 1, 1, NULL, "x"), -1);
}

/* ---- lookup and listing ----------------------------------------------------- */

static void test_lookup_by_name(void **state)
{
	(void)state;
	struct pf_error err;
	const char *const dirs[] = { fx("ok"), fx("ok2"), NULL };
	struct pf_target *t = pf_target_load("minimal", dirs, &err);
	assert_non_null(t);
	assert_true(ends_with(t->path, "/ok/minimal.yaml")); /* first dir wins */
	assert_string_equal(t->description, "");
	pf_target_free(t);

	t = pf_target_load("extra", dirs, &err);
	assert_non_null(t);
	assert_true(ends_with(t->path, "/ok2/extra.yaml"));
	assert_string_equal(t->hypervisor.binary, "lkvm");
	pf_target_free(t);
}

static void test_unknown_name_lists_available(void **state)
{
	(void)state;
	struct pf_error err;
	char buf[2048];
	const char *const dirs[] = { fx("ok"), fx("ok2"), NULL };
	assert_null(pf_target_load("qemu-riscv64-virt", dirs, &err));
	pf_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "unknown target 'qemu-riscv64-virt'; available: "
				 "extra, features, minimal, qemu-aarch64-virt");

	const char *const none[] = { fx("no-such-dir"), NULL };
	assert_null(pf_target_load("x", none, &err));
	assert_non_null(strstr(err.message, "unknown target 'x'; no target files"));

	assert_null(pf_target_load("x", NULL, &err));
	assert_non_null(strstr(err.message, "unknown target 'x'"));

	/* Not a valid name, not a path: refused before touching the disk. */
	assert_null(pf_target_load("bad name", dirs, &err));
	assert_non_null(strstr(err.message, "not a valid target name"));
	assert_null(pf_target_load("", dirs, &err));
}

struct listed {
	int n;
	char names[16][80];
	char descs[16][80];
	int errors;
	int first_error_line;
	int stop_after;
};

static int collect_fn(void *ctx, const char *name, const char *path, const struct pf_target *t,
		      const struct pf_error *err)
{
	struct listed *l = ctx;
	assert_non_null(path);
	if (l->n < 16) {
		snprintf(l->names[l->n], sizeof(l->names[0]), "%s", name);
		snprintf(l->descs[l->n], sizeof(l->descs[0]), "%s", t ? t->description : "");
	}
	if (!t) {
		assert_non_null(err);
		assert_true(err->message[0] != '\0');
		if (!l->errors)
			l->first_error_line = err->line;
		l->errors++;
	} else {
		assert_null(err);
		assert_string_equal(t->name, name);
	}
	l->n++;
	return l->stop_after && l->n >= l->stop_after;
}

static void test_list(void **state)
{
	(void)state;
	struct listed l;
	memset(&l, 0, sizeof(l));
	const char *const dirs[] = { fx("ok"), fx("ok2"), fx("no-such-dir"), NULL };
	assert_int_equal(pf_target_list(dirs, collect_fn, &l), 4);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.errors, 0);
	assert_string_equal(l.names[0], "extra");
	assert_string_equal(l.descs[0], "only in the second directory");
	assert_string_equal(l.names[1], "features");
	assert_string_equal(l.names[2], "minimal");
	assert_string_equal(l.descs[2], ""); /* from ok/, not the shadowed ok2/ */
	assert_string_equal(l.names[3], "qemu-aarch64-virt");

	memset(&l, 0, sizeof(l));
	l.stop_after = 2;
	assert_int_equal(pf_target_list(dirs, collect_fn, &l), 2);

	assert_int_equal(pf_target_list(dirs, NULL, NULL), -1);
}

static void test_list_reports_broken_files(void **state)
{
	(void)state;
	struct listed l;
	memset(&l, 0, sizeof(l));
	const char *const dirs[] = { fx("bad"), NULL };
	size_t n_cases = sizeof(bad_cases) / sizeof(bad_cases[0]);
	/* Every fixture in bad/ fails, and every one is in the bad_cases
     * table (so none sits there untested). */
	assert_int_equal(pf_target_list(dirs, collect_fn, &l), (int)n_cases);
	assert_int_equal(l.errors, (int)n_cases);
	/* Sorted: "argv-item-mapping" comes first; its error is on line 7. */
	assert_string_equal(l.names[0], "argv-item-mapping");
	assert_int_equal(l.first_error_line, 7);
}

/* ---- probe path --------------------------------------------------------------- */

static void test_probe_path(void **state)
{
	(void)state;
	struct pf_error err;
	char tmpl[] = "/tmp/pf-target-test-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	char sub[300], file[400], buf[512];
	snprintf(sub, sizeof(sub), "%s/riscv", tmpl);
	assert_int_equal(mkdir(sub, 0755), 0);

	struct pf_target *t = load_ok("ok/features.yaml");
	/* Missing image: error names the path, errno kept. */
	assert_int_equal(pf_target_probe_path(t, tmpl, buf, sizeof(buf), &err), -1);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_string_equal(err.field, "probe");

	snprintf(file, sizeof(file), "%s/probe.elf", sub);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs("x", f);
	fclose(f);
	assert_int_equal(pf_target_probe_path(t, tmpl, buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, file);

	/* Too small a buffer is an error, not a truncated path. */
	char tiny[8];
	assert_int_equal(pf_target_probe_path(t, tmpl, tiny, sizeof(tiny), &err), -1);

	unlink(file);
	assert_int_equal(mkdir(file, 0755), 0); /* a directory named like the image */
	assert_int_equal(pf_target_probe_path(t, tmpl, buf, sizeof(buf), &err), -1);
	assert_non_null(strstr(err.message, "not a regular file"));
	rmdir(file);
	rmdir(sub);
	rmdir(tmpl);
	pf_target_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_reference),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_fractional_timeouts_and_empty_version_args),
		cmocka_unit_test(test_argv_expansion),
		cmocka_unit_test(test_argv_reference_bootargs_one_element),
		cmocka_unit_test(test_argv_unavailable_value),
		cmocka_unit_test(test_set_variable),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_lookup_by_name),
		cmocka_unit_test(test_unknown_name_lists_available),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_reports_broken_files),
		cmocka_unit_test(test_probe_path),
		cmocka_unit_test(test_shipped_expect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

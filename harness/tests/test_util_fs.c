/* SPDX-License-Identifier: MIT */
/* util/fs: whole-file reads with a cap, mkdir -p that checks every level,
 * file copies; their error paths. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/fs.h"

#include "fixture.h"

static void put(const char *path, const char *text, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void test_read_file(void **state)
{
	(void)state;
	char path[320], *data;
	size_t len;
	struct pf_error err;
	snprintf(path, sizeof(path), "%s/a.bin", fx_scratch);
	put(path, "ab\0cd", 5);
	assert_int_equal(pf_read_file(path, 5, &data, &len, &err), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(data, "ab\0cd", 6); /* NUL-terminated past the end */
	free(data);
	/* an empty file is "" */
	put(path, "", 0);
	assert_int_equal(pf_read_file(path, 10, &data, NULL, &err), 0);
	assert_string_equal(data, "");
	free(data);
	/* larger than a few growth steps */
	char *big = malloc(100000);
	memset(big, 'x', 100000);
	put(path, big, 100000);
	assert_int_equal(pf_read_file(path, 100000, &data, &len, &err), 0);
	assert_int_equal(len, 100000);
	assert_memory_equal(data, big, 100000);
	free(data);
	free(big);
}

static void test_read_file_errors(void **state)
{
	(void)state;
	char path[320], *data = (char *)1;
	size_t len = 7;
	struct pf_error err;
	snprintf(path, sizeof(path), "%s/missing", fx_scratch);
	assert_int_equal(pf_read_file(path, 100, &data, &len, &err), -1);
	assert_null(data);
	assert_int_equal(len, 0);
	assert_int_equal(err.sys_errno, ENOENT);
	assert_string_equal(err.file, path);
	/* one byte over the cap */
	snprintf(path, sizeof(path), "%s/six", fx_scratch);
	put(path, "123456", 6);
	assert_int_equal(pf_read_file(path, 5, &data, &len, &err), -1);
	assert_null(data);
	assert_int_equal(err.sys_errno, EFBIG);
	assert_non_null(strstr(err.message, "larger than 5 bytes"));
	/* a directory cannot be read */
	assert_int_equal(pf_read_file(fx_scratch, 100, &data, &len, &err), -1);
	assert_int_equal(err.sys_errno, EISDIR);
}

static void test_mkdir_p(void **state)
{
	(void)state;
	char path[320];
	struct stat st;
	struct pf_error err;
	snprintf(path, sizeof(path), "%s/a/b//c/", fx_scratch);
	assert_int_equal(pf_mkdir_p(path, 0755, &err), 0);
	snprintf(path, sizeof(path), "%s/a/b/c", fx_scratch);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* already there: fine */
	assert_int_equal(pf_mkdir_p(path, 0755, &err), 0);
}

static void test_mkdir_p_errors(void **state)
{
	(void)state;
	char file[320], path[340];
	struct pf_error err;
	snprintf(file, sizeof(file), "%s/f", fx_scratch);
	put(file, "x", 1);
	/* the last level is a file */
	assert_int_equal(pf_mkdir_p(file, 0755, &err), -1);
	assert_int_equal(err.sys_errno, ENOTDIR);
	assert_string_equal(err.file, file);
	/* a middle level is a file */
	snprintf(path, sizeof(path), "%s/sub/dir", file);
	assert_int_equal(pf_mkdir_p(path, 0755, &err), -1);
	assert_int_equal(err.sys_errno, ENOTDIR);
	assert_int_equal(pf_mkdir_p("", 0755, &err), -1);
	assert_int_equal(pf_mkdir_p(NULL, 0755, &err), -1);
}

static void test_copy_file(void **state)
{
	(void)state;
	char from[320], to[320], *data;
	size_t len;
	struct pf_error err;
	snprintf(from, sizeof(from), "%s/from", fx_scratch);
	snprintf(to, sizeof(to), "%s/to", fx_scratch);
	put(from, "copy me", 7);
	assert_int_equal(pf_copy_file(from, to, &err), 0);
	assert_int_equal(pf_read_file(to, 100, &data, &len, &err), 0);
	assert_string_equal(data, "copy me");
	free(data);
	snprintf(from, sizeof(from), "%s/none", fx_scratch);
	assert_int_equal(pf_copy_file(from, to, &err), -1);
	assert_int_equal(err.sys_errno, ENOENT);
	snprintf(from, sizeof(from), "%s/to", fx_scratch);
	snprintf(to, sizeof(to), "%s/no/such/dir", fx_scratch);
	assert_int_equal(pf_copy_file(from, to, &err), -1);
	assert_string_equal(err.file, to);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_file), cmocka_unit_test(test_read_file_errors),
		cmocka_unit_test(test_mkdir_p),	  cmocka_unit_test(test_mkdir_p_errors),
		cmocka_unit_test(test_copy_file),
	};
	return cmocka_run_group_tests(tests, fx_scratch_setup, fx_scratch_teardown_tree);
}

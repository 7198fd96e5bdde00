/* SPDX-License-Identifier: MIT */
/*
 * `plugfest list`, `coverage` and `targets`, and where the runner finds its
 * data (paths.c). The coverage output itself is tested where it is
 * computed; here: exit codes, the JSON parses, the catalogue's ids are in it.
 */
#include "cmd_helpers.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "cli/paths.h"
#include "pf/catalogue.h"
#include "util/json.h"

static char *scratch;

static int group_setup(void **state)
{
	(void)state;
	scratch = th_scratch();
	return scratch ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	th_rmtree(scratch);
	free(scratch);
	return 0;
}

/* stdout of a command as JSON */
static json_t *json_of(int (*cmd)(int, char **), int argc, char **argv)
{
	char out[4096], *text;
	json_t *j;

	snprintf(out, sizeof(out), "%s/out.json", scratch);
	assert_int_equal(th_capture(cmd, argc, argv, out), 0);
	text = th_read(out);
	assert_non_null(text);
	j = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(j);
	return j;
}

static void list_json_has_every_check(void **state)
{
	json_t *arr = json_of(pf_cmd_list, 2, ARGV("list", "--json")), *c;
	size_t i;
	int seen = 0;

	(void)state;
	assert_true(json_is_array(arr));
	assert_int_equal(json_array_size(arr), PF_CHK_COUNT);
	json_array_foreach (arr, i, c) {
		const char *id = pf_json_string_get(c, "id", NULL);

		assert_non_null(id);
		seen += !strcmp(id, "basic.init.sequence") || !strcmp(id, "split.indirect");
	}
	assert_int_equal(seen, 2);
	json_decref(arr);
}

/* The text `plugfest NAME` (no arguments) prints, which must succeed;
 * caller frees. */
static char *text_of(int (*cmd)(int, char **), char *name)
{
	char out[4096], *text;

	snprintf(out, sizeof(out), "%s/%s.txt", scratch, name);
	assert_int_equal(th_capture(cmd, 1, ARGV(name), out), 0);
	text = th_read(out);
	assert_non_null(text);
	return text;
}

/* `plugfest NAME` prints want; `plugfest NAME bad` is a usage error. */
static void lists(int (*cmd)(int, char **), char *name, const char *want, char *bad)
{
	char *text = text_of(cmd, name);

	assert_non_null(strstr(text, want));
	free(text);
	assert_int_equal(cmd(2, ARGV(name, bad)), PF_EXIT_USAGE);
}

static void list_text(void **state)
{
	(void)state;
	lists(pf_cmd_list, "list", "basic.init.sequence", "--nosuch");
}

static void coverage_json_parses(void **state)
{
	json_t *cov = json_of(pf_cmd_coverage, 2, ARGV("coverage", "--json"));
	char *text;

	(void)state;
	/* the areas of the catalogue are named in it */
	{
		const json_t *a;
		size_t i;
		int basic = 0;

		assert_true(json_is_object(cov));
		assert_true(json_array_size(json_object_get(cov, "areas")) > 0);
		json_array_foreach (json_object_get(cov, "areas"), i, a)
			basic += !strcmp(pf_json_string_get(a, "area", ""), "basic");
		assert_int_equal(basic, 1);
	}
	json_decref(cov);
	text = text_of(pf_cmd_coverage, "coverage");
	assert_true(strlen(text) > 0);
	free(text);
	assert_int_equal(CALL(pf_cmd_coverage, "coverage", "extra"), PF_EXIT_USAGE);
}

static void targets_listed(void **state)
{
	(void)state;
	lists(pf_cmd_targets, "targets", "qemu-aarch64-virt", "extra");
}

/* In a fresh process (paths are resolved once per process), with
 * PLUGFEST_DATA_DIR and PLUGFEST_IMAGE_DIR set to dir: 0 when both are
 * taken and list and coverage fail for want of the fact base. */
static int data_dir_child(const char *dir)
{
	char real[PATH_MAX];
	int bad = 0;

	if (!realpath(dir, real))
		return 1;
	bad |= strcmp(pf_data_dir(), real) != 0;
	bad |= (strcmp(pf_image_dir(), real) != 0) << 1;
	bad |= (CALL(pf_cmd_list, "list") != PF_EXIT_INFRA) << 2;
	bad |= (CALL(pf_cmd_coverage, "coverage", "--json") != PF_EXIT_INFRA) << 3;
	/* no targets directory: none to list */
	bad |= (CALL(pf_cmd_targets, "targets") != 0) << 4;
	return bad;
}

static char self_exe[4096];

/* PLUGFEST_DATA_DIR / PLUGFEST_IMAGE_DIR override the built-in paths; a
 * data directory without the fact base is an infrastructure error. */
static void data_dir_override(void **state)
{
	char empty[4096];
	pid_t pid;
	int status;

	(void)state;
	snprintf(empty, sizeof(empty), "%s/data", scratch);
	assert_int_equal(mkdir(empty, 0755), 0);
	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("PLUGFEST_DATA_DIR", empty, 1);
		setenv("PLUGFEST_IMAGE_DIR", empty, 1);
		execl(self_exe, self_exe, "data-dir-child", empty, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Without an override, from the build tree: the source's profiles. */
static void data_dir_build_tree(void **state)
{
	char want[PATH_MAX];

	(void)state;
	assert_non_null(realpath(PF_BUILD_DATADIR, want));
	assert_string_equal(pf_data_dir(), want);
}

static void path_join_bounds(void **state)
{
	char small[8];

	(void)state;
	assert_string_equal(pf_path_join(small, sizeof(small), "ab", "cd"), "ab/cd");
	/* too long: empty, never a truncated path to somewhere else */
	assert_string_equal(pf_path_join(small, sizeof(small), "abcd", "efgh"), "");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_json_has_every_check), cmocka_unit_test(list_text),
		cmocka_unit_test(coverage_json_parses),	     cmocka_unit_test(targets_listed),
		cmocka_unit_test(data_dir_override),	     cmocka_unit_test(data_dir_build_tree),
		cmocka_unit_test(path_join_bounds),
	};

	ssize_t n;

	if (argc == 3 && !strcmp(argv[1], "data-dir-child"))
		return data_dir_child(argv[2]);
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n <= 0)
		return 1;
	self_exe[n] = 0;
	unsetenv("PLUGFEST_DATA_DIR");
	unsetenv("PLUGFEST_IMAGE_DIR");
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

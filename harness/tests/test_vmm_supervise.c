/* SPDX-License-Identifier: MIT */
/*
 * Tests for harness/src/launch/vmm_supervise.c: exit reporting, signals,
 * the boot, inactivity and overall timeouts, escalation to SIGKILL and
 * leftover children.
 */
#define _GNU_SOURCE

#include "vmm_helpers.h"

/* ---- exits, signals, termination ------------------------------------------- */

static void test_child_sigsegv_is_a_crash(void **state)
{
	(void)state;
	struct sup s = { .o = opts(10000, 0, 0) };
	supervise(&s, "printf 'before'; kill -SEGV $$", PF_SUP_CRASHED);
	assert_exit(&s.res.exit, PF_VMM_SIGNALLED, SIGSEGV, 0);
	assert_int_equal(s.res.exit.code, -1);
	assert_serial(&s, "before");
	assert_string_equal(pf_supervise_outcome_name(s.res.outcome), "crash");
	assert_non_null(strstr(exit_text(&s), "killed by SIGSEGV"));
	cap_free(&s.c);
}

static void test_inactivity_timeout_kills(void **state)
{
	(void)state;
	struct sup s = { .c = { .first_marker = "READY" }, .o = opts(30000, 5000, 300) };
	supervise(&s, "printf 'READY\\n'; exec sleep 1000", PF_SUP_TIMEOUT_INACTIVITY);
	assert_string_equal(pf_supervise_outcome_name(s.res.outcome), "wedged");
	assert_true(s.res.first_record);
	assert_true(s.res.first_record_ms >= 0);
	assert_exit(&s.res.exit, PF_VMM_KILLED, SIGTERM, SIGTERM);
	assert_false(s.res.escalated);
	assert_took(&s, 300, 300 + SLACK_MS);
	cap_free(&s.c);
}

/* Output that never holds a valid record is no sign of life: with a
 * progress counter the flood is wedged after inactivity_ms; counting bytes
 * (no progress callback) it would run to the overall timeout. */
static void test_flood_without_progress_is_wedged(void **state)
{
	(void)state;
	static const char script[] =
		"printf 'TICK\\n'; while :; do printf 'noise noise noise noise\\n'; done";
	struct sup s = { .c = { .first_marker = "TICK", .progress_marker = "TICK" },
			 .o = opts(20000, 5000, 500) };
	supervise(&s, script, PF_SUP_TIMEOUT_INACTIVITY);
	assert_int_equal(s.c.progress, 1);
	assert_true(s.res.last_progress_ms >= 0);
	/* bytes kept coming after the last record */
	assert_true(s.res.last_serial_ms > s.res.last_progress_ms);
	assert_true(s.res.serial_bytes > 1000);
	assert_took(&s, 500, 500 + 2 * SLACK_MS);
	cap_free(&s.c);

	struct sup d = { .c = { .first_marker = "TICK" }, .o = opts(1500, 5000, 500) };
	supervise(&d, script, PF_SUP_TIMEOUT_OVERALL);
	cap_free(&d.c);
}

static void test_sigterm_ignored_escalates_to_sigkill(void **state)
{
	(void)state;
	struct sup s = { .c = { .first_marker = "READY" }, .o = opts(30000, 5000, 200) };
	s.o.term_grace_ms = 300;
	/* An ignored signal stays ignored across exec: sleep ignores SIGTERM. */
	supervise(&s, "trap '' TERM; printf 'READY\\n'; exec sleep 1000",
		  PF_SUP_TIMEOUT_INACTIVITY);
	assert_true(s.res.escalated);
	assert_exit(&s.res.exit, PF_VMM_KILLED, SIGKILL, SIGKILL);
	assert_took(&s, 200 + 300, 200 + 300 + SLACK_MS);
	cap_free(&s.c);
}

static void test_boot_timeout(void **state)
{
	(void)state;
	/* Noise that is not a record must not count as the first record, and
     * the inactivity limit must not apply before the first record. */
	struct sup s = { .c = { .first_marker = "@@PF2 " }, .o = opts(30000, 500, 100) };
	supervise(&s, "printf 'firmware banner\\n'; exec sleep 1000", PF_SUP_TIMEOUT_BOOT);
	assert_string_equal(pf_supervise_outcome_name(s.res.outcome), "boot-timeout");
	assert_false(s.res.first_record);
	assert_int_equal(s.res.first_record_ms, -1);
	assert_serial(&s, "firmware banner\n");
	assert_took(&s, 500, 500 + SLACK_MS);
	cap_free(&s.c);
}

static void test_overall_timeout(void **state)
{
	(void)state;
	struct sup s = { .c = { .first_marker = "tick" }, .o = opts(600, 5000, 1000) };
	/* Always talking, never done: only the overall limit can end it. */
	supervise(&s, "while :; do printf 'tick\\n'; sleep 0.05; done", PF_SUP_TIMEOUT_OVERALL);
	assert_int_equal(s.res.exit.how, PF_VMM_KILLED);
	assert_true(s.res.serial_bytes >= 5 * 3);
	assert_took(&s, 600, 600 + SLACK_MS);
	cap_free(&s.c);
}

static void test_finished_then_exits(void **state)
{
	(void)state;
	struct sup s = { .c = { .first_marker = "hello", .finish_marker = "END" },
			 .o = opts(10000, 5000, 5000) };
	supervise(&s, "printf 'hello\\n'; printf 'END\\n'; exit 0", PF_SUP_EXITED);
	assert_true(s.res.first_record);
	assert_true(s.res.finished);
	assert_true(s.res.finished_ms >= 0);
	assert_int_equal(s.res.exit.sent_signal, 0);
	cap_free(&s.c);
}

static void test_finished_then_lingers_is_stopped(void **state)
{
	(void)state;
	struct sup s = { .c = { .first_marker = "hello", .finish_marker = "END" },
			 .o = opts(30000, 5000, 100) };
	s.o.exit_grace_ms = 400;
	/* After `end` the inactivity limit (100 ms) is off: the outcome must be
     * "stopped" after the exit grace, not "wedged". */
	supervise(&s, "printf 'hello\\nEND\\n'; exec sleep 1000", PF_SUP_STOPPED);
	assert_true(s.res.finished);
	assert_int_equal(s.res.exit.how, PF_VMM_KILLED);
	assert_took(&s, 400, 400 + SLACK_MS);
	cap_free(&s.c);
}

static void test_leftover_child_holding_pipe(void **state)
{
	(void)state;
	struct sup s = { .o = opts(30000, 0, 0) };
	s.o.drain_ms = 300;
	/* The shell exits at once but its background sleep keeps stdout open:
     * supervision must not wait for EOF forever, and must kill the sleep. */
	supervise(&s, "sleep 1000 & echo $!; exit 0", PF_SUP_EXITED);
	assert_true(s.took < 300 + SLACK_MS);
	pid_t sleeper = (pid_t)atoi(out_str(&s.c));
	assert_true(sleeper > 0);
	long until = pf_now_ms() + SLACK_MS;
	while (!proc_gone(sleeper) && pf_now_ms() < until)
		usleep(10000);
	assert_true(proc_gone(sleeper));
	cap_free(&s.c);
}

static void test_signal_state_of_runner_and_child(void **state)
{
	(void)state;
	struct sup s = { .o = opts(10000, 0, 0) };
	/* Even if the runner ignores SIGINT and blocks SIGUSR1, the VMM starts
     * with default dispositions and an empty mask. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int;
	sigaction(SIGINT, &ign, &old_int);
	sigset_t set, old_mask;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old_mask);
	supervise(&s, "grep -E '^Sig(Ign|Blk):' /proc/self/status", PF_SUP_EXITED);
	sigaction(SIGINT, &old_int, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	assert_non_null(strstr(out_str(&s.c), "SigBlk:\t0000000000000000"));
	assert_non_null(strstr(out_str(&s.c), "SigIgn:\t0000000000000000"));

	/* The runner itself now ignores SIGPIPE: a write to a closed pipe is an
     * EPIPE error, not death. */
	struct sigaction cur;
	sigaction(SIGPIPE, NULL, &cur);
	assert_true(cur.sa_handler == SIG_IGN);
	int p[2];
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	assert_int_equal(write(p[1], "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	close(p[1]);
	cap_free(&s.c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_child_sigsegv_is_a_crash),
		cmocka_unit_test(test_inactivity_timeout_kills),
		cmocka_unit_test(test_flood_without_progress_is_wedged),
		cmocka_unit_test(test_sigterm_ignored_escalates_to_sigkill),
		cmocka_unit_test(test_boot_timeout),
		cmocka_unit_test(test_overall_timeout),
		cmocka_unit_test(test_finished_then_exits),
		cmocka_unit_test(test_finished_then_lingers_is_stopped),
		cmocka_unit_test(test_leftover_child_holding_pipe),
		cmocka_unit_test(test_signal_state_of_runner_and_child),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* util/clock: monotonic milliseconds and sleeping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "util/clock.h"

static void test_sleep_advances_the_clock(void **state)
{
	(void)state;
	long t0 = pf_now_ms();
	pf_sleep_ms(60);
	long t1 = pf_now_ms();
	assert_true(t1 - t0 >= 60);
	/* nothing to sleep: returns at once */
	pf_sleep_ms(0);
	pf_sleep_ms(-5);
	assert_true(pf_now_ms() - t1 < 50);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sleep_advances_the_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

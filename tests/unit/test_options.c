/* SPDX-License-Identifier: MIT */
/*
 * The probe's run options from the guest command line (pf_options_parse,
 * docs/protocol.md "Run options"): what the runner sends is read back, and
 * malformed or foreign words change nothing they do not name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"

#define NONCE "0123456789abcdef0123456789abcdef"

/* A command line as plugfest run builds it, resuming after a crash. */
static void runner_bootargs(void **state)
{
	struct pf_options o;

	(void)state;
	pf_options_parse(&o, "console=ttyAMA0 pf.nonce=" NONCE " pf.seed=1234 pf.verbose=2"
			     " pf.from=17 pf.filter=split.*,basic.init.sequence pf.pace=5");
	assert_string_equal(o.nonce, NONCE);
	assert_int_equal(o.seed, 1234);
	assert_int_equal(o.verbose, 2);
	assert_int_equal(o.from, 17);
	assert_string_equal(o.filter, "split.*,basic.init.sequence");
	assert_int_equal(o.pace_ms, 5);
	assert_string_equal(o.selftest, "");
}

/* Nothing given: every check from the first step, no filter, no nonce. */
static void defaults(void **state)
{
	struct pf_options o;

	(void)state;
	memset(&o, 0xa5, sizeof(o));
	pf_options_parse(&o, NULL);
	assert_int_equal(o.from, 0);
	assert_string_equal(o.filter, "");
	assert_string_equal(o.nonce, "");
	assert_int_equal(o.seed, 0);
	memset(&o, 0xa5, sizeof(o));
	pf_options_parse(&o, "");
	assert_int_equal(o.from, 0);
	assert_string_equal(o.filter, "");
	pf_options_parse(&o, "   \t  ");
	assert_int_equal(o.verbose, 0);
}

static void from_values(void **state)
{
	struct pf_options o;

	(void)state;
	pf_options_parse(&o, "pf.from=0");
	assert_int_equal(o.from, 0);
	pf_options_parse(&o, "pf.from=4294967295");
	assert_int_equal(o.from, 4294967295u);
	/* digits up to the first non-digit */
	pf_options_parse(&o, "pf.from=12abc");
	assert_int_equal(o.from, 12);
	/* no number at all: from the start, never a random step */
	pf_options_parse(&o, "pf.from=");
	assert_int_equal(o.from, 0);
	pf_options_parse(&o, "pf.from=-3");
	assert_int_equal(o.from, 0);
	pf_options_parse(&o, "pf.from=x7");
	assert_int_equal(o.from, 0);
	/* the last word wins, as the runner appends its own */
	pf_options_parse(&o, "pf.from=3 pf.from=9");
	assert_int_equal(o.from, 9);
	/* a word is separated by blanks and tabs only */
	pf_options_parse(&o, "pf.from=5\tpf.seed=6");
	assert_int_equal(o.from, 5);
	assert_int_equal(o.seed, 6);
}

static void filter_values(void **state)
{
	struct pf_options o;
	char line[600];

	(void)state;
	pf_options_parse(&o, "pf.filter=");
	assert_string_equal(o.filter, "");
	pf_options_parse(&o, "pf.filter=*");
	assert_string_equal(o.filter, "*");
	/* a value with '=' in it is kept whole */
	pf_options_parse(&o, "pf.filter=a=b");
	assert_string_equal(o.filter, "a=b");
	/* longer than the buffer: cut, and still terminated */
	memcpy(line, "pf.filter=", 10);
	memset(line + 10, 'x', sizeof(line) - 11);
	line[sizeof(line) - 1] = 0;
	pf_options_parse(&o, line);
	assert_int_equal(strlen(o.filter), sizeof(o.filter) - 1);
}

static void nonce_values(void **state)
{
	struct pf_options o;
	char line[100];

	(void)state;
	pf_options_parse(&o, "pf.nonce=");
	assert_string_equal(o.nonce, "");
	/* 64 hex digits fit, 65 do not: too long to be a nonce is ignored
	 * rather than cut into a wrong one */
	memcpy(line, "pf.nonce=", 9);
	memset(line + 9, 'a', 64);
	line[9 + 64] = 0;
	pf_options_parse(&o, line);
	assert_int_equal(strlen(o.nonce), 64);
	memset(line + 9, 'a', 65);
	line[9 + 65] = 0;
	pf_options_parse(&o, line);
	assert_string_equal(o.nonce, "");
}

/* Words that are not pf. options, or only look like them, are ignored. */
static void foreign_words(void **state)
{
	struct pf_options o;

	(void)state;
	pf_options_parse(&o, "pf.fromage=3 pf.fro=4 pf.filters=x xpf.from=5 pf. pf.from 3 "
			     "PF.from=6 pf.=7 root=/dev/vda pf.seedx=8 pf.verbosity=9");
	assert_int_equal(o.from, 0);
	assert_string_equal(o.filter, "");
	assert_int_equal(o.seed, 0);
	assert_int_equal(o.verbose, 0);
	pf_options_parse(&o, "pf.selftest=fault@3 pf.unknown=1");
	assert_string_equal(o.selftest, "fault@3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(runner_bootargs), cmocka_unit_test(defaults),
		cmocka_unit_test(from_values),	   cmocka_unit_test(filter_values),
		cmocka_unit_test(nonce_values),	   cmocka_unit_test(foreign_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The probe's record writer and its run options on the host: pf.nonce is
 * parsed from the command line, and every record's checksum starts from
 * the nonce, exactly as the runner verifies it (docs/protocol.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pf/proto.h"
#include "record.h"
#include "report.h"

#define NONCE "0123456789abcdef0123456789abcdef"

struct out {
	char buf[4096];
	size_t len;
};

static void sink(void *ctx, char c)
{
	struct out *o = ctx;

	assert_true(o->len + 1 < sizeof(o->buf));
	o->buf[o->len++] = c;
	o->buf[o->len] = 0;
}

/* One log record through the writer; returns the checksum the line
 * carries and the one expected over nonce + "<seq> <json>". */
static void one_record(uint32_t *carried, uint32_t *expected, const char *nonce)
{
	struct out o = { .len = 0 };
	const char *body, *star;

	rec_set_sink(sink, &o);
	rec_begin("log");
	rec_str("level", "info");
	rec_str("msg", "x");
	rec_end();
	rec_set_sink(0, 0);
	assert_int_equal(strncmp(o.buf, PF_PROTO_MARKER, PF_PROTO_MARKER_LEN), 0);
	body = o.buf + PF_PROTO_MARKER_LEN;
	star = strstr(body, " *");
	assert_non_null(star);
	assert_int_equal(sscanf(star + 2, "%8x", carried), 1);
	*expected = pf_crc32_update(pf_proto_crc_seed(nonce, nonce ? strlen(nonce) : 0), body,
				    (size_t)(star - body));
}

static void nonce_option_parsed(void **state)
{
	struct pf_options o;
	char longer[200];

	(void)state;
	pf_options_parse(&o, "console=ttyAMA0 pf.nonce=" NONCE " pf.seed=3");
	assert_string_equal(o.nonce, NONCE);
	assert_int_equal(o.seed, 3);
	pf_options_parse(&o, "pf.seed=3");
	assert_string_equal(o.nonce, "");
	/* too long to be a nonce: ignored rather than cut to a wrong one */
	memset(longer, 'a', sizeof(longer));
	memcpy(longer, "pf.nonce=", 9);
	longer[sizeof(longer) - 1] = 0;
	pf_options_parse(&o, longer);
	assert_string_equal(o.nonce, "");
}

static void checksum_starts_from_nonce(void **state)
{
	uint32_t carried, expected, plain, plain_expected;

	(void)state;
	assert_true(rec_set_nonce(NONCE, strlen(NONCE)));
	one_record(&carried, &expected, NONCE);
	assert_int_equal(carried, expected);
	/* and not from nothing: the nonce changes the checksum */
	assert_false(rec_set_nonce("not hex at all!!", 16));
	one_record(&plain, &plain_expected, NULL);
	assert_int_equal(plain, plain_expected);
	assert_int_not_equal(plain, carried);
	assert_false(rec_set_nonce(NONCE, 15)); /* under 64 bits */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nonce_option_parsed),
		cmocka_unit_test(checksum_starts_from_nonce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

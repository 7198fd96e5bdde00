/* SPDX-License-Identifier: MIT */
/*
 * `plugfest coverage`: claims are full or partial; the per-area and core
 * figures count them apart, the headline being the full one; --json lists
 * every claim with its reason. Runs on the real catalogue and fact base
 * (ctest sets PF_SOURCE_DIR).
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy/coverage.h"
#include "pf/catalogue.h"
#include "policy/spec.h"

#include "fixture.h"
#include "util/json.h"

static struct pf_spec *load(void)
{
	char path[4096], err[FX_ERR_TEXT];
	struct pf_error perr;
	const char *src = getenv("PF_SOURCE_DIR");
	struct pf_spec *s;

	snprintf(path, sizeof(path), "%s/profiles/spec/virtio-1.4-normative.yaml",
		 src && *src ? src : ".");
	s = pf_spec_load(path, &perr);
	if (!s)
		fail_msg("cannot load the fact base: %s", fx_err(&perr, err));
	return s;
}

static void test_claim_syntax(void **state)
{
	const char *p = "a.b  c.d~partial:no-irq-pending e.f~full g.h~partial:";
	char w[16], r[16];

	(void)state;
	assert_int_equal(pf_catalogue_next_claim(&p, w, sizeof(w), r, sizeof(r)), PF_CLAIM_FULL);
	assert_string_equal(w, "a.b");
	assert_string_equal(r, "");
	assert_int_equal(pf_catalogue_next_claim(&p, w, sizeof(w), r, sizeof(r)), PF_CLAIM_PARTIAL);
	assert_string_equal(w, "c.d");
	assert_string_equal(r, "no-irq-pending");
	/* only ~partial:<reason> is a qualifier */
	assert_int_equal(pf_catalogue_next_claim(&p, w, sizeof(w), r, sizeof(r)),
			 PF_CLAIM_MALFORMED);
	assert_string_equal(w, "e.f");
	assert_int_equal(pf_catalogue_next_claim(&p, w, sizeof(w), r, sizeof(r)),
			 PF_CLAIM_MALFORMED);
	assert_string_equal(w, "g.h");
	assert_int_equal(pf_catalogue_next_claim(&p, w, sizeof(w), r, sizeof(r)), PF_CLAIM_END);

	/* the plain walker gives statement ids without their qualifier */
	p = "c.d~partial:no-irq-pending a.b";
	assert_true(pf_catalogue_next_req(&p, w, sizeof(w)));
	assert_string_equal(w, "c.d");
	assert_true(pf_catalogue_next_req(&p, w, sizeof(w)));
	assert_string_equal(w, "a.b");
	assert_false(pf_catalogue_next_req(&p, w, sizeof(w)));
}

/* The claim of check on statement in coverage's "claims", or NULL. */
static const json_t *claim(const json_t *cov, const char *check, const char *stmt)
{
	size_t i;
	const json_t *c;

	json_array_foreach (json_object_get(cov, "claims"), i, c)
		if (!strcmp(pf_json_string_get(c, "check", NULL), check) &&
		    !strcmp(pf_json_string_get(c, "statement", NULL), stmt))
			return c;
	return NULL;
}

static json_int_t ival(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void test_figures(void **state)
{
	struct pf_spec *s = load();
	json_t *cov = pf_coverage_compute(s);
	const json_t *core = json_object_get(cov, "core"), *a, *c;
	json_int_t full = 0, partial = 0, total = 0;
	size_t i;

	(void)state;
	assert_int_equal(pf_catalogue_unknown_reqs(s, stderr), 0);
	json_array_foreach (json_object_get(cov, "areas"), i, a) {
		assert_int_equal(
			ival(a, "full") + ival(a, "partial") +
				(json_int_t)json_array_size(json_object_get(a, "uncovered")),
			ival(a, "total"));
		assert_int_equal((json_int_t)json_array_size(json_object_get(a, "partial_only")),
				 ival(a, "partial"));
		if (i < 5) { /* the core areas come first */
			full += ival(a, "full");
			partial += ival(a, "partial");
			total += ival(a, "total");
		}
	}
	assert_int_equal(ival(core, "full"), full);
	assert_int_equal(ival(core, "partial"), partial);
	assert_int_equal(ival(core, "total"), total);
	/* the headline is the full figure */
	assert_true(json_real_value(json_object_get(core, "percent")) ==
		    100.0 * (double)full / (double)total);
	assert_true(partial > 0 && full < total);

	/* a partial claim carries its reason; a full one has none */
	c = claim(cov, "basic.reset.after-driver-ok", "mmio.reset.clears-isr-and-ready");
	assert_non_null(c);
	assert_string_equal(pf_json_string_get(c, "claim", NULL), "partial");
	assert_non_null(strstr(pf_json_string_get(c, "reason", NULL), "no-interrupt-pending"));
	c = claim(cov, "basic.reset.after-driver-ok", "basic.reset.status-zero");
	assert_non_null(c);
	assert_string_equal(pf_json_string_get(c, "claim", NULL), "full");
	assert_null(json_object_get(c, "reason"));
	/* processing order shows only with IN_ORDER: no plain packed check claims it */
	assert_null(claim(cov, "packed.used-descriptors", "packed.order.process-in-ring-order"));
	assert_non_null(claim(cov, "features.in-order", "packed.order.process-in-ring-order"));
	json_decref(cov);
	pf_spec_free(s);
}

static void test_print(void **state)
{
	struct pf_spec *s = load();
	json_t *cov = pf_coverage_compute(s);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char want[128];

	(void)state;
	assert_non_null(f);
	pf_coverage_print(cov, f);
	fclose(f);
	snprintf(want, sizeof(want), "%lld of %lld fully covered",
		 (long long)ival(json_object_get(cov, "core"), "full"),
		 (long long)ival(json_object_get(cov, "core"), "total"));
	assert_non_null(strstr(buf, want));
	/* partial statements are listed with the checks and their reasons as words */
	assert_non_null(strstr(buf, "partly covered in the core areas"));
	assert_non_null(strstr(buf, "basic.reset.after-driver-ok: no interrupt pending"));
	free(buf);
	json_decref(cov);
	pf_spec_free(s);
}

static void test_list_json(void **state)
{
	struct pf_spec *s = load();
	json_t *arr = pf_catalogue_to_json(s), *c;
	size_t i;
	int seen = 0;

	(void)state;
	json_array_foreach (arr, i, c) {
		const json_t *p = json_object_get(c, "partial_reqs");

		assert_true(json_is_object(p));
		if (!strcmp(pf_json_string_get(c, "id", NULL), "mmio.queue-registers")) {
			assert_non_null(json_object_get(p, "mmio.reset.clears-isr-and-ready"));
			seen++;
		}
	}
	assert_int_equal(seen, 1);
	json_decref(arr);
	pf_spec_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claim_syntax),
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_list_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

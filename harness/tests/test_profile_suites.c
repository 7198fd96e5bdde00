/* SPDX-License-Identifier: MIT */
/*
 * The shipped profiles score the device suites as they exist: a
 * requirement satisfied by one device type's suite ("blk.*") is
 * informational exactly while the catalogue has no check of that suite,
 * and mandatory once it has one (docs/profiles.md, "New requirements start
 * informational"). A suite landing without its requirement moving, or a
 * mandatory requirement that nothing in the catalogue can satisfy, fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "pf/catalogue.h"
#include "pf/device_types.h"
#include "policy/profile.h"

#include "fixture.h"

static const char *const shipped[] = {
	"virtio-1.4-core", "avps-base", "avps-ivi", "avps-cluster", "avps-telematics", "avps-adas",
};

/* A pattern naming one device type's whole suite: "<type>.*". */
static bool is_suite_pattern(const char *pat)
{
	char type[32];
	size_t n = strlen(pat);

	if (n < 3 || n - 2 >= sizeof(type) || strcmp(pat + n - 2, ".*"))
		return false;
	memcpy(type, pat, n - 2);
	type[n - 2] = '\0';
	return pf_device_type_id(type) != 0;
}

/* The catalogue checks the requirement's suite patterns match. */
static int suite_checks(const struct pf_requirement *r, bool *suite_only)
{
	int n = 0;

	*suite_only = r->checks.n > 0;
	for (size_t k = 0; k < r->checks.n; k++)
		if (!is_suite_pattern(r->checks.v[k]))
			*suite_only = false;
	for (int c = 0; c < PF_CHK_COUNT; c++)
		for (size_t k = 0; k < r->checks.n; k++)
			if (!fnmatch(r->checks.v[k], pf_catalogue[c].id, 0)) {
				n++;
				break;
			}
	return n;
}

static void test_suite_requirements_follow_the_catalogue(void **state)
{
	int judged = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		char rel[128];
		struct pf_profile *p;

		snprintf(rel, sizeof(rel), "profiles/%s.yaml", shipped[i]);
		p = fx_profile_file(rel);
		for (size_t k = 0; k < p->nreqs; k++) {
			const struct pf_requirement *r = &p->reqs[k];
			bool suite_only;
			int n = suite_checks(r, &suite_only);

			if (!suite_only)
				continue;
			judged++;
			if (n && r->status == PF_REQ_INFORMATIONAL)
				fail_msg("%s:%d: %s is informational although the catalogue has %d "
					 "check(s) of its suite (%s): make it mandatory",
					 rel, r->line, r->id, n, r->checks.v[0]);
			if (!n && r->status == PF_REQ_MANDATORY)
				fail_msg(
					"%s:%d: %s is mandatory but no catalogue check matches %s: "
					"nothing could satisfy it",
					rel, r->line, r->id, r->checks.v[0]);
		}
		pf_profile_free(p);
	}
	/* the core profile alone has one such requirement per device type */
	assert_true(judged >= 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suite_requirements_follow_the_catalogue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

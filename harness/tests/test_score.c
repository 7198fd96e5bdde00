/* SPDX-License-Identifier: MIT */
/*
 * Scoring (per requirement, device and profile) and known failures /
 * waivers: n/a devices, required missing devices, informational
 * requirements, warnings, not-tested, expiry, precedence, idempotence.
 *
 * Run from the repository root, or set PF_SOURCE_DIR.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/profile.h"
#include "policy/score.h"
#include "policy/waiver.h"

#include "fixture.h"
#include "json_helpers.h"
#include "util/json.h"

static const json_t *req_of(const json_t *score, const char *id)
{
	size_t i;
	const json_t *r;
	json_array_foreach (json_object_get(score, "requirements"), i, r)
		if (!strcmp(pf_json_string_get(r, "id", NULL), id))
			return r;
	fail_msg("requirement %s not in score", id);
	return NULL;
}

static const char *outcome(const json_t *score, const char *id)
{
	return pf_json_string_get(req_of(score, id), "outcome", NULL);
}

static json_t *score(const json_t *results, const struct pf_profile *p)
{
	struct pf_error err;
	char buf[FX_ERR_TEXT];
	json_t *s = pf_score_profile(results, p, &err);
	if (!s)
		fail_msg("%s", fx_err(&err, buf));
	return s;
}

/* Frees what a scoring test built: the score, the run and the profile. */
static void score_done(json_t *s, json_t *run, struct pf_profile *p)
{
	json_decref(s);
	json_decref(run);
	pf_profile_free(p);
}

/* Two devices (blk on mmio, net on pci) and a handful of results. */
static json_t *small_run(const char *blk_verdict, const char *net_verdict, const char *summary)
{
	json_t *r = json_pack(
		"{s:s, s:{s:{s:s, s:s}}, s:[{s:s, s:s, s:s, s:s, s:[i,i]}, {s:s, s:s, s:s, s:s, "
		"s:[i,i,i]}],"
		" s:[{s:s, s:s, s:s, s:s, s:s, s:[s]}, {s:s, s:s, s:s, s:s, s:s, s:[s], s:s},"
		"    {s:s, s:s, s:s, s:s, s:s, s:[]}, {s:s, s:s, s:s, s:s, s:s, s:[]}],"
		" s:{s:s}}",
		"schema", "plugfest-results/1", "run", "hypervisor", "name", "qemu", "version",
		"7.2.11", "devices", "id", "mmio@1", "type", "blk", "transport", "mmio", "mode",
		"modern", "feature_bits", 9, 32, "id", "pci@2", "type", "net", "transport", "pci",
		"mode", "transitional", "feature_bits", 5, 16, 32, "results", "test", "blk.flush",
		"device", "mmio@1", "verdict", blk_verdict, "level", "must", "class", "conformance",
		"reqs", "blk.features.flush-offered", "test", "net.cfg.mtu", "device", "pci@2",
		"verdict", net_verdict, "level", "must", "class", "conformance", "reqs",
		"net.cfg.mtu-range", "message", "mtu out of range", "test", "basic.reset", "device",
		"mmio@1", "verdict", "pass", "level", "must", "class", "conformance", "reqs",
		"test", "adv.loop", "device", "pci@2", "verdict", "crash", "level", "must", "class",
		"adversarial", "reqs", "summary", "verdict", summary);
	assert_non_null(r);
	return r;
}

#define P_HEAD                                                                                 \
	"schema: plugfest-profile/1\nid: t\ntitle: T\nversion: \"1.0\"\nspec: {name: VIRTIO, " \
	"version: \"1.4\"}\nrequirements:\n"
#define R(id, lvl, st, rest)                                                     \
	"  - id: " id "\n    title: " id "\n    level: " lvl "\n    status: " st \
	"\n    evidence: spec\n" rest

static void test_outcomes_and_verdicts(void **state)
{
	(void)state;
	struct pf_profile *p = fx_profile_text(
		P_HEAD R("BLK", "must", "mandatory",
			 "    applies_to: {device: [blk]}\n    satisfied_by: {checks: "
			 "[\"blk.*\"]}\n") R("NET", "must", "mandatory",
					     "    applies_to: {device: [net]}\n    satisfied_by: "
					     "{checks: [\"net.*\"]}\n")
			R("GPU", "must", "mandatory",
			  "    applies_to: {device: [gpu]}\n    satisfied_by: {checks: "
			  "[\"gpu.*\"]}\n")
				R("ROBUST", "should", "informational",
				  "    applies_to: {device: [net]}\n"
				  "    satisfied_by: {checks: [\"*\"], class: adversarial}\n"));
	json_t *run = small_run("pass", "pass", "conformant");
	json_t *s = score(run, p);
	assert_string_equal(pf_json_string_get(s, "verdict", NULL), "conformant");
	assert_string_equal(outcome(s, "GPU"), "not-applicable"); /* not offered, not required */
	/* a crash, capped at warn by the SHOULD level, and only informational */
	assert_string_equal(outcome(s, "ROBUST"), "warn");
	assert_string_equal(pf_json_string_get(req_of(s, "ROBUST"), "observed", NULL), "warn");
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(json_object_get(s, "counts"), "informational_outcomes"),
			"warn")),
		1);
	/* per device verdicts */
	const json_t *devs = json_object_get(s, "devices");
	assert_string_equal(pf_json_string_get(json_array_get(devs, 0), "verdict", NULL),
			    "conformant");
	json_decref(s);
	json_decref(run);

	/* a SHOULD-level result (warn) -> conformant-with-warnings */
	run = small_run("pass", "warn", "conformant-with-warnings");
	s = score(run, p);
	assert_string_equal(pf_json_string_get(s, "verdict", NULL), "conformant-with-warnings");
	assert_string_equal(outcome(s, "NET"), "warn");
	const json_t *rs = json_array_get(json_object_get(s, "reasons"), 0);
	assert_members(rs, "requirement", "NET", "device", "pci@2", "test", "net.cfg.mtu",
		       "message", "mtu out of range", NULL);
	json_decref(s);
	json_decref(run);

	/* fail, crash-like verdicts -> non-conformant, reason names check and device */
	static const char *const failing[] = { "fail", "crash", "wedged", "timeout", "xfail" };
	for (size_t i = 0; i < 5; i++) {
		run = small_run(failing[i], "pass", "non-conformant");
		s = score(run, p);
		assert_string_equal(pf_json_string_get(s, "verdict", NULL), "non-conformant");
		assert_string_equal(outcome(s, "BLK"), "fail");
		rs = json_array_get(json_object_get(s, "reasons"), 0);
		assert_members(rs, "test", "blk.flush", "device", "mmio@1", "outcome", "fail",
			       NULL);
		json_decref(s);
		json_decref(run);
	}
	/* probe error -> incomplete; skip -> n/a (nothing applicable passed);
	 * waived -> warning; a run that did not finish is incomplete */
	static const struct {
		const char *blk, *net, *summary, *verdict, *first_reason;
	} t[] = {
		{ "error", "pass", "incomplete", "incomplete", NULL },
		{ "skip", "skip", "conformant", "incomplete", "nothing-applicable" },
		{ "waived", "pass", "conformant", "conformant-with-warnings", NULL },
		{ "pass", "pass", "incomplete", "incomplete", "run-incomplete" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		run = small_run(t[i].blk, t[i].net, t[i].summary);
		s = score(run, p);
		assert_string_equal(pf_json_string_get(s, "verdict", NULL), t[i].verdict);
		if (t[i].first_reason)
			assert_string_equal(
				pf_json_string_get(json_array_get(json_object_get(s, "reasons"), 0),
						   "kind", NULL),
				t[i].first_reason);
		if (!strcmp(t[i].blk, "skip"))
			assert_string_equal(outcome(s, "BLK"), "not-applicable");
		json_decref(s);
		json_decref(run);
	}
	pf_profile_free(p);
}

static void test_presence_features_modes(void **state)
{
	(void)state;
	struct pf_profile *p = fx_profile_text(
		P_HEAD R("GPU-PRESENT", "must", "mandatory",
			 "    applies_to: {device: [gpu]}\n    presence: required\n")
			R("SND-PRESENT", "should", "mandatory",
			  "    applies_to: {device: [sound]}\n    presence: required\n")
				R("BLK-FLUSH", "must", "mandatory",
				  "    applies_to: {device: [blk]}\n    satisfied_by: {features: "
				  "[{bit: 9, name: FLUSH}]}\n") R("NET-ANY", "must", "mandatory",
								  "    applies_to: {device: "
								  "[net]}\n    satisfied_by: "
								  "{features_any: [3, 5]}\n")
					R("MODERN", "must", "mandatory",
					  "    satisfied_by: {modes: [modern]}\n")
						R("PCI-ONLY", "must", "mandatory",
						  "    applies_to: {transport: [pci]}\n    "
						  "satisfied_by: {checks: [\"net.*\"]}\n")
							R("FEAT-GATED", "must", "mandatory",
							  "    applies_to: {features: [34]}\n    "
							  "satisfied_by: {checks: [\"*\"]}\n")
								R("BY-STMT", "must", "mandatory",
								  "    applies_to: {device: "
								  "[blk]}\n"
								  "    satisfied_by: {statements: "
								  "[blk.features.flush-offered], "
								  "levels: [must]}\n")
									R("ALL-DEVS", "must",
									  "mandatory",
									  "    satisfied_by: "
									  "{statements: "
									  "[blk.features.flush-"
									  "offered]}\n"));
	json_t *run = small_run("pass", "pass", "conformant");
	json_t *s = score(run, p);
	assert_string_equal(outcome(s, "GPU-PRESENT"), "fail");
	const json_t *r = req_of(s, "GPU-PRESENT");
	assert_string_equal(
		pf_json_string_get(json_array_get(json_object_get(r, "reasons"), 0), "kind", NULL),
		"missing-device");
	assert_non_null(strstr(
		pf_json_string_get(json_array_get(json_object_get(r, "reasons"), 0), "why", NULL),
		"no gpu device"));
	assert_string_equal(outcome(s, "SND-PRESENT"), "warn"); /* should: capped */
	assert_string_equal(pf_json_string_get(req_of(s, "SND-PRESENT"), "observed", NULL), "fail");
	assert_string_equal(outcome(s, "BLK-FLUSH"), "pass");
	assert_string_equal(outcome(s, "NET-ANY"), "pass");
	assert_string_equal(outcome(s, "MODERN"), "fail"); /* net is transitional */
	assert_non_null(
		strstr(pf_json_string_get(
			       json_array_get(json_object_get(req_of(s, "MODERN"), "reasons"), 0),
			       "why", NULL),
		       "transitional"));
	assert_string_equal(outcome(s, "PCI-ONLY"), "pass");
	assert_string_equal(outcome(s, "FEAT-GATED"), "not-applicable");
	assert_string_equal(outcome(s, "BY-STMT"), "pass");
	assert_int_equal(
		json_integer_value(json_object_get(req_of(s, "BY-STMT"), "statements_exercised")),
		1);
	assert_string_equal(outcome(s, "ALL-DEVS"),
			    "incomplete"); /* no such result on the net device */
	assert_string_equal(pf_json_string_get(s, "verdict", NULL), "non-conformant");
	score_done(s, run, p);
}

static void test_not_tested_is_incomplete(void **state)
{
	(void)state;
	struct pf_profile *p = fx_profile_text(
		P_HEAD R("BLK", "must", "mandatory",
			 "    applies_to: {device: [blk]}\n    satisfied_by: {checks: "
			 "[\"blk.zoned.*\"]}\n"));
	json_t *run = small_run("pass", "pass", "conformant");
	json_t *s = score(run, p);
	assert_string_equal(outcome(s, "BLK"), "incomplete");
	assert_string_equal(pf_json_string_get(s, "verdict", NULL), "incomplete");
	assert_string_equal(
		pf_json_string_get(json_array_get(json_object_get(s, "reasons"), 0), "kind", NULL),
		"not-tested");
	score_done(s, run, p);
}

static void test_fixtures_against_shipped(void **state)
{
	(void)state;
	struct pf_profile *core = fx_profile_file("profiles/virtio-1.4-core.yaml");
	struct pf_profile *ivi = fx_profile_file("profiles/avps-ivi.yaml");
	json_t *r = fx_results("qemu-7.2-modern.json");
	json_t *s = score(r, core);
	assert_string_equal(pf_json_string_get(s, "verdict", NULL), "conformant");
	assert_true(json_integer_value(json_object_get(s, "statements_exercised")) > 20);
	json_decref(s);
	s = score(r, ivi);
	assert_string_equal(pf_json_string_get(s, "verdict", NULL), "non-conformant");
	assert_string_equal(outcome(s, "IVI-SOUND-01"), "fail"); /* QEMU 7.2 has no virtio-sound */
	assert_string_equal(outcome(s, "IVI-GPU-01"), "pass");
	assert_string_equal(outcome(s, "IVI-GPU-03"), "fail"); /* no VIRGL / CONTEXT_INIT */
	assert_string_equal(outcome(s, "IVI-CAN-01"), "not-applicable");
	json_decref(s);
	json_decref(r);

	r = fx_results("qemu-7.2-legacy.json");
	s = score(r, core);
	assert_string_equal(pf_json_string_get(s, "verdict", NULL), "non-conformant");
	assert_string_equal(outcome(s, "CORE-MODERN-01"), "fail");
	assert_string_equal(outcome(s, "CORE-NET-01"), "warn");
	assert_string_equal(outcome(s, "CORE-SPLIT-01"), "incomplete"); /* probe error on rng */
	json_decref(s);
	json_decref(r);

	r = fx_results("acrn-3.2-crash.json");
	s = score(r, core);
	assert_string_equal(pf_json_string_get(s, "verdict", NULL), "non-conformant");
	assert_string_equal(outcome(s, "CORE-ROBUST-01"), "warn"); /* crash, informational SHOULD */
	assert_string_equal(outcome(s, "CORE-RNG-01"), "fail");	   /* timeout */
	json_decref(s);
	json_decref(r);

	r = fx_results("firecracker-1.9-incomplete.json");
	s = score(r, core);
	assert_string_equal(outcome(s, "CORE-BLK-01"), "incomplete");
	assert_string_equal(outcome(s, "CORE-BASIC-01"), "fail");
	json_decref(s);
	/* attach all, and the worst verdict */
	struct pf_profile *both[] = { core, ivi };
	struct pf_error perr;
	assert_int_equal(pf_score_attach(r, both, 2, &perr), 0);
	assert_int_equal(json_array_size(json_object_get(r, "profiles")), 2);
	assert_int_equal(pf_score_worst(r), PF_PV_NON_CONFORMANT);
	json_decref(r);
	pf_profile_free(core);
	pf_profile_free(ivi);
}

/* ---- known failures and waivers --------------------------------------- */

static const json_t *result_of(const json_t *results, const char *test, const char *dev)
{
	size_t i;
	const json_t *r;
	json_array_foreach (json_object_get(results, "results"), i, r)
		if (!strcmp(pf_json_string_get(r, "test", NULL), test) &&
		    (!dev || !strcmp(pf_json_string_get(r, "device", NULL), dev)))
			return r;
	fail_msg("no result %s", test);
	return NULL;
}

static const json_t *entry_of(const json_t *results, const char *id)
{
	size_t i;
	const json_t *e;
	json_array_foreach (json_object_get(json_object_get(results, "waivers"), "entries"), i, e)
		if (!strcmp(pf_json_string_get(e, "id", NULL), id))
			return e;
	fail_msg("no entry %s", id);
	return NULL;
}

static struct pf_waivers *fixture_waivers(void)
{
	struct pf_waivers *w = pf_waivers_new();
	struct pf_error e;
	char buf[1200];
	char *p = fx_path("harness/tests/data/profiles/waivers-fixture.yaml");
	if (pf_waivers_load(w, p, &e))
		fail_msg("%s", pf_error_format(&e, buf, sizeof(buf)));
	free(p);
	p = fx_path("harness/tests/data/profiles/known-failures-fixture.yaml");
	if (pf_waivers_load(w, p, &e))
		fail_msg("%s", pf_error_format(&e, buf, sizeof(buf)));
	free(p);
	assert_int_equal(pf_waivers_count(w), 10);
	return w;
}

static void test_waivers_apply(void **state)
{
	(void)state;
	struct pf_waivers *w = fixture_waivers();
	json_t *r = fx_results("qemu-7.2-legacy.json");
	struct pf_error perr;

	assert_int_equal(pf_waivers_apply(r, w, "2026-11-25", &perr), 0);
	const json_t *x = result_of(r, "blk.discard.unknown-flags", NULL);
	assert_members(x, "verdict", "xfail", "probe_verdict", "fail", NULL);
	assert_string_equal(pf_json_string_get(json_object_get(x, "waiver"), "id", NULL),
			    "FIX-KF-DISCARD");
	x = result_of(r, "gpu.fence", NULL); /* waiver wins over the overlapping known failure */
	assert_string_equal(pf_json_string_get(x, "verdict", NULL), "waived");
	assert_string_equal(pf_json_string_get(json_object_get(x, "waiver"), "id", NULL),
			    "FIX-WAIVE-GPU-FENCE");
	assert_string_equal(pf_json_string_get(json_object_get(x, "waiver"), "approved_by", NULL),
			    "OEM procurement, plug-fest review board");
	x = result_of(r, "net.cfg.mtu-min", NULL); /* expired waiver: no effect, remembered */
	assert_string_equal(pf_json_string_get(x, "verdict", NULL), "warn");
	assert_null(json_object_get(x, "probe_verdict"));
	assert_string_equal(pf_json_string_get(json_object_get(x, "waiver_expired"), "id", NULL),
			    "FIX-EXPIRED-MTU");
	x = result_of(r, "rng.fill", NULL); /* known failure that passes: stale */
	assert_string_equal(pf_json_string_get(x, "verdict", NULL), "xpass");
	x = result_of(r, "mmio.magic-and-version", "mmio@0a003e00"); /* shipped QEMU 7.2 list */
	assert_string_equal(pf_json_string_get(x, "verdict", NULL), "xfail");
	assert_string_equal(pf_json_string_get(json_object_get(x, "waiver"), "id", NULL),
			    "QEMU72-MMIO-LEGACY-01");
	x = result_of(r, "pci.caps.present", NULL);
	assert_string_equal(pf_json_string_get(x, "verdict", NULL), "pass");

	assert_string_equal(pf_json_string_get(entry_of(r, "FIX-KF-DISCARD"), "status", NULL),
			    "applied");
	assert_string_equal(pf_json_string_get(entry_of(r, "FIX-EXPIRED-MTU"), "status", NULL),
			    "expired");
	assert_int_equal(json_integer_value(json_object_get(entry_of(r, "FIX-EXPIRED-MTU"),
							    "expired_matches")),
			 1);
	assert_string_equal(pf_json_string_get(entry_of(r, "FIX-OTHER-HV"), "status", NULL),
			    "other-hypervisor");
	assert_string_equal(pf_json_string_get(entry_of(r, "FIX-KF-STALE-RNG"), "status", NULL),
			    "stale");
	assert_string_equal(
		pf_json_string_get(entry_of(r, "QEMU72-PACKED-LIVELOCK"), "status", NULL),
		"unused");
	assert_string_equal(pf_json_string_get(json_object_get(r, "waivers"), "date", NULL),
			    "2026-11-25");
	assert_int_equal(json_array_size(json_object_get(json_object_get(r, "waivers"), "files")),
			 2);

	/* idempotent: applying again changes nothing */
	json_t *copy = json_deep_copy(r);
	assert_int_equal(pf_waivers_apply(r, w, "2026-11-25", &perr), 0);
	assert_true(json_equal(copy, r));
	json_decref(copy);

	/* scoring: the waived gpu failure is a warning, the xfail still fails */
	struct pf_profile *core = fx_profile_file("profiles/virtio-1.4-core.yaml");
	json_t *s = score(r, core);
	assert_string_equal(outcome(s, "CORE-GPU-01"), "warn");
	assert_string_equal(outcome(s, "CORE-BLK-01"), "fail");
	/* 1 waiver, 1 + 3 + 3 known failures (discard, mmio.magic-and-version, version-1-offered) */
	assert_int_equal(json_array_size(json_object_get(s, "waivers")), 8);
	json_decref(s);

	/* a later date: everything expired, verdicts restored */
	assert_int_equal(pf_waivers_apply(r, w, "2027-12-01", &perr), 0);
	x = result_of(r, "gpu.fence", NULL);
	assert_string_equal(pf_json_string_get(x, "verdict", NULL), "fail");
	assert_null(json_object_get(x, "waiver"));
	assert_string_equal(pf_json_string_get(json_object_get(x, "waiver_expired"), "id", NULL),
			    "FIX-WAIVE-GPU-FENCE");
	s = score(r, core);
	assert_string_equal(outcome(s, "CORE-GPU-01"), "fail");
	json_decref(s);
	assert_int_equal(pf_waivers_apply(r, w, "2026-13-01", &perr), -1);
	assert_non_null(strstr(perr.message, "YYYY-MM-DD"));

	/* other hypervisor version: nothing applies */
	json_object_set_new(json_object_get(json_object_get(r, "run"), "hypervisor"), "version",
			    json_string("8.2.0"));
	assert_int_equal(pf_waivers_apply(r, w, "2026-11-25", &perr), 0);
	assert_string_equal(pf_json_string_get(result_of(r, "blk.discard.unknown-flags", NULL),
					       "verdict", NULL),
			    "fail");
	/* the waiver is for >=7.2 <8; only the version-less known failure is left */
	assert_string_equal(pf_json_string_get(result_of(r, "gpu.fence", NULL), "verdict", NULL),
			    "xfail");
	assert_string_equal(
		pf_json_string_get(json_object_get(result_of(r, "gpu.fence", NULL), "waiver"), "id",
				   NULL),
		"FIX-WAIVE-AND-KF");
	json_decref(r);
	pf_profile_free(core);
	pf_waivers_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outcomes_and_verdicts),
		cmocka_unit_test(test_presence_features_modes),
		cmocka_unit_test(test_not_tested_is_incomplete),
		cmocka_unit_test(test_fixtures_against_shipped),
		cmocka_unit_test(test_waivers_apply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * A fake hypervisor for the command-layer tests: the test binary itself,
 * started as `<binary> fake-vmm BOOTARGS` (main() hands over to fake_vmm()),
 * speaks protocol 2 on its stdout (docs/protocol.md) as the probe does, with
 * the run's nonce from pf.nonce=, and honours pf.from= and pf.filter=.
 */
#ifndef PF_TEST_FAKE_VMM_H
#define PF_TEST_FAKE_VMM_H

#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pf/proto.h"

#define DEV "mmio@0a000000"

/* The fake probe's check list, in run order: step = index. */
static const char *const checks[] = {
	"basic.init.sequence",
	"features.version-1-offered",
	"features.no-reserved-bits",
	"features.features-ok-refused",
};
#define NCHECKS ((int)(sizeof(checks) / sizeof(checks[0])))

/* ---- the fake hypervisor (a child process) ------------------------------- */

static char fake_nonce[80];
static uint32_t fake_seq;

static void rec(const char *fmt, ...)
{
	char json[1024], body[1200];
	va_list ap;
	uint32_t crc;
	int n;

	va_start(ap, fmt);
	vsnprintf(json, sizeof(json), fmt, ap);
	va_end(ap);
	n = snprintf(body, sizeof(body), "%u %s", fake_seq++, json);
	crc = pf_crc32_update(pf_proto_crc_seed(fake_nonce, strlen(fake_nonce)), body, (size_t)n);
	printf("%s%s *%08x\n", PF_PROTO_MARKER, body, crc);
	fflush(stdout);
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

static int filter_match(const char *filter, const char *id)
{
	char buf[256], *save = NULL;

	if (!*filter)
		return 1;
	snprintf(buf, sizeof(buf), "%s", filter);
	for (char *g = strtok_r(buf, ",", &save); g; g = strtok_r(NULL, ",", &save))
		if (!fnmatch(g, id, 0))
			return 1;
	return 0;
}

static void fake_exit(int code)
{
	fflush(stdout);
	fflush(stderr);
	_exit(code);
}

/* A known-failure file that excuses the fake's refused FEATURES_OK subcase
 * (FAKE_FAIL_SUB=unoffered-accepted) on its version. */
static const char fake_known_failures_yaml[] __attribute__((unused)) =
	"schema: plugfest-known-failures/1\n"
	"description: a known failure of the fake hypervisor\n"
	"entries:\n"
	"  - id: FAKE-REFUSED\n"
	"    kind: known-failure\n"
	"    hypervisor: fake\n"
	"    version: \">=1.0 <2\"\n"
	"    test: features.features-ok-refused\n"
	"    subcases: [unoffered-accepted]\n"
	"    reason: the fake keeps FEATURES_OK for an unoffered bit\n"
	"    issue: https://example.invalid/fake/1\n"
	"    expires: 2099-12-31\n";

/* For main(): this binary's path into self (targets run it as the
 * hypervisor) and the fixed date known failures are checked against.
 * Returns 0, or -1 if the path cannot be read. */
static inline int fake_self_setup(char *self, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", self, len - 1);

	if (n <= 0)
		return -1;
	self[n] = 0;
	setenv("PF_TODAY", "2027-01-15", 1);
	return 0;
}

/*
 * FAKE_MODE:
 *   clean          every check passes, then `end`
 *   crash-in       first boot exits after `begin` of step FAKE_AT
 *   crash-between  first boot exits after `result` of step FAKE_AT
 *   crash-always   every boot exits after `begin` of its first step
 *   hang           first boot goes silent after `begin` of step FAKE_AT
 *   silent         exits at once without a record
 *   signal         after `begin` of step 0, sends FAKE_SIG (TERM/INT) to
 *                  the runner, writes its pid to FAKE_PID, then waits
 *   chatty         FAKE_LOGS log records and as many stderr lines, then clean
 *   stale          a clean run checksummed with another run's nonce
 * FAKE_FAIL_SUB: the last check fails with this fingerprint.
 * FAKE_BOOTLOG:  every boot appends its bootargs here.
 */
static int fake_vmm(int argc, char **argv)
{
	const char *mode = env_or("FAKE_MODE", "clean");
	const char *fail_sub = env_or("FAKE_FAIL_SUB", "");
	const char *bootlog = getenv("FAKE_BOOTLOG");
	int at = atoi(env_or("FAKE_AT", "1"));
	char filter[256] = "", args[1024];
	long from = 0;
	char *save = NULL;

	if (argc >= 3 && !strcmp(argv[2], "--version")) {
		printf("fake-vmm version 1.0.0\n");
		fake_exit(0);
	}
	if (argc < 3)
		fake_exit(9);
	if (bootlog) {
		FILE *f = fopen(bootlog, "a");

		if (f) {
			fprintf(f, "%s\n", argv[2]);
			fclose(f);
		}
	}
	snprintf(args, sizeof(args), "%s", argv[2]);
	for (char *w = strtok_r(args, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (!strncmp(w, "pf.nonce=", 9))
			snprintf(fake_nonce, sizeof(fake_nonce), "%s", w + 9);
		else if (!strncmp(w, "pf.from=", 8))
			from = atol(w + 8);
		else if (!strncmp(w, "pf.filter=", 10))
			snprintf(filter, sizeof(filter), "%s", w + 10);
	}
	if (!strcmp(mode, "silent"))
		fake_exit(0);
	if (!strcmp(mode, "stale"))
		snprintf(fake_nonce, sizeof(fake_nonce), "0123456789abcdef0123456789abcdef");

	rec("{\"t\":\"hello\",\"proto\":2,\"nonce\":\"%s\",\"probe\":\"0.1.0\",\"arch\":"
	    "\"aarch64\","
	    "\"image\":\"fake\",\"options\":{\"filter\":\"%s\",\"from\":%ld}}",
	    fake_nonce, filter, from);
	rec("{\"t\":\"device\",\"dev\":\"" DEV "\",\"type\":\"blk\",\"device_id\":2,"
	    "\"transport\":\"mmio\",\"mode\":\"modern\"}");
	if (!strcmp(mode, "chatty")) {
		int n = atoi(env_or("FAKE_LOGS", "100"));

		for (int i = 0; i < n; i++) {
			rec("{\"t\":\"log\",\"level\":\"info\",\"msg\":\"record %d of a guest that "
			    "talks too much\"}",
			    i);
			fprintf(stderr, "hypervisor chatter line %d of a noisy hypervisor\n", i);
		}
	}
	for (int step = (int)from; step < NCHECKS; step++) {
		bool fail = step == NCHECKS - 1 && *fail_sub;

		if (!filter_match(filter, checks[step]))
			continue;
		rec("{\"t\":\"begin\",\"step\":%d,\"test\":\"%s\",\"dev\":\"" DEV "\"}", step,
		    checks[step]);
		if ((!strcmp(mode, "crash-in") && from == 0 && step == at) ||
		    !strcmp(mode, "crash-always"))
			fake_exit(7);
		if (!strcmp(mode, "hang") && from == 0 && step == at)
			for (;;)
				pause(); /* until the runner's timeout ends it */
		if (!strcmp(mode, "signal")) {
			FILE *f = fopen(env_or("FAKE_PID", "/dev/null"), "w");

			if (f) {
				fprintf(f, "%d\n", (int)getpid());
				fclose(f);
			}
			kill(getppid(),
			     !strcmp(env_or("FAKE_SIG", "TERM"), "INT") ? SIGINT : SIGTERM);
			for (;;)
				pause(); /* until the runner ends this process group */
		}
		if (fail)
			rec("{\"t\":\"result\",\"step\":%d,\"test\":\"%s\",\"dev\":\"" DEV "\","
			    "\"verdict\":\"fail\",\"level\":\"must\",\"msg\":\"m\",\"sub\":\"%s\","
			    "\"subs\":[\"%s\"],\"us\":1}",
			    step, checks[step], fail_sub, fail_sub);
		else
			rec("{\"t\":\"result\",\"step\":%d,\"test\":\"%s\",\"dev\":\"" DEV "\","
			    "\"verdict\":\"pass\",\"level\":\"must\",\"msg\":\"ok\",\"us\":1}",
			    step, checks[step]);
		if (!strcmp(mode, "crash-between") && from == 0 && step == at)
			fake_exit(7);
	}
	rec("{\"t\":\"end\",\"counts\":{},\"records\":%u,\"status\":\"ok\"}", fake_seq);
	fake_exit(0);
	return 0;
}

/* A target definition running exe as its hypervisor, small timeouts. */
static inline int fake_target_write(const char *path, const char *exe)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f,
		"name: fake\n"
		"description: a test binary as a hypervisor\n"
		"arch: aarch64\n"
		"probe: probe-aarch64.img\n"
		"hypervisor:\n"
		"  name: fake\n"
		"  binary: %s\n"
		"  version_args: [fake-vmm, --version]\n"
		"timeouts:\n"
		"  overall_s: 20\n"
		"  inactivity_s: 5\n"
		"  boot_s: 5\n"
		"argv: [\"${binary}\", fake-vmm, \"${bootargs}\"]\n",
		exe);
	return fclose(f);
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Failure injection for testing the runner (and this port) against a guest
 * that goes wrong. Boot argument:
 *
 *   pf.selftest=WHAT[@N]
 *
 * fires after the N-th line the console completes (default 1: right after
 * the hello record), so the stream is well-formed up to that point. WHAT:
 *
 *   fault  load from an unmapped address: `fault` (data abort) + `end`
 *   undef  undefined instruction: `fault` + `end`
 *   stack  unbounded recursion into the stack guard page: `fault` + `end`
 *   smash  overrun a stack buffer: stack protector `fault` (assert) + `end`
 *   hang   stop talking, interrupts masked (the runner sees "wedged")
 *   off    power off mid-run without `end` (truncated stream)
 *   reset  PSCI SYSTEM_RESET: the guest reboots and starts a new stream
 *          (with the same arguments: use QEMU -no-reboot, or N > 1 lines)
 */
#include <stdlib.h>
#include <string.h>

#include "a64.h"
#include "arch.h"
#include "irq.h"
#include "platform.h"

enum selftest {
	ST_NONE,
	ST_FAULT,
	ST_UNDEF,
	ST_STACK,
	ST_SMASH,
	ST_HANG,
	ST_OFF,
	ST_RESET
};

static const char *const names[] = {
	[ST_FAULT] = "fault", [ST_UNDEF] = "undef", [ST_STACK] = "stack", [ST_SMASH] = "smash",
	[ST_HANG] = "hang",   [ST_OFF] = "off",	    [ST_RESET] = "reset",
};

bool a64_selftest_armed;
static enum selftest what;
static unsigned long lines_left;

void a64_selftest_init(const char *args)
{
	const char *p = args, *v;

	/* the option must start a word */
	while ((p = strstr(p, "pf.selftest=")) && p != args && p[-1] != ' ')
		p++;
	if (!p)
		return;
	v = p + strlen("pf.selftest=");
	for (unsigned i = 1; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);

		if (!strncmp(v, names[i], n) && (v[n] == '\0' || v[n] == ' ' || v[n] == '@')) {
			what = (enum selftest)i;
			lines_left = v[n] == '@' ? strtoul(v + n + 1, NULL, 0) : 1;
			if (!lines_left)
				lines_left = 1;
			a64_selftest_armed = true;
		}
	}
}

static volatile unsigned long recurse_limit = ~0UL;

static unsigned long __attribute__((noinline)) recurse(unsigned long depth)
{
	volatile char pad[512];

	pad[0] = (char)depth;
	if (depth >= recurse_limit)
		return pad[0];
	return recurse(depth + 1) + pad[0];
}

static volatile size_t smash_len = 64;

static void __attribute__((noinline)) smash(void)
{
	char buf[16];

	memset(buf, 0x5a, smash_len);
	__asm__ volatile("" : : "r"(buf) : "memory"); /* keep buf alive */
}

void a64_selftest_newline(void)
{
	if (--lines_left)
		return;
	a64_selftest_armed = false; /* never twice: the fault path prints too */
	switch (what) {
	case ST_FAULT:
		/* upper half of the 48-bit VA space: never mapped */
		(void)*(volatile uint32_t *)(uintptr_t)0x0000ffff00000000ULL;
		break;
	case ST_UNDEF:
		__asm__ volatile("udf #0");
		break;
	case ST_STACK:
		recurse(0);
		break;
	case ST_SMASH:
		smash();
		break;
	case ST_HANG:
		a64_park();
	case ST_OFF:
		arch_poweroff();
	case ST_RESET:
		a64_psci_reset();
		arch_poweroff();
	case ST_NONE:
		break;
	}
	arch_fatal("pf.selftest: the injected failure did not happen");
}

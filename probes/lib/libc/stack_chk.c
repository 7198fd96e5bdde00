/* SPDX-License-Identifier: MIT */
/*
 * Fatal paths of the C library: the stack protector (libfdt is built with
 * it, and so is the probe), assert() and abort(). Each ends the run with a
 * `fault` record through arch_fatal().
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "arch.h"

/* A fixed canary: there is no entropy before the first function runs, and
 * the guard catches overruns, not attackers. The 0x00 byte stops string
 * overruns from reproducing it. */
uintptr_t __stack_chk_guard = (uintptr_t)0x595e9fbd94fda700ULL;

void __stack_chk_fail(void) __attribute__((noreturn));
void __stack_chk_fail(void)
{
	arch_fatal("stack protector: stack smashing detected");
}

void __pf_assert_fail(const char *expr, const char *file, int line)
{
	static char msg[160];

	snprintf(msg, sizeof(msg), "assertion failed: %s (%s:%d)", expr, file, line);
	arch_fatal(msg);
}

void abort(void)
{
	arch_fatal("abort() called");
}

/* SPDX-License-Identifier: MIT */
/* assert(): a failed assertion becomes a `fault` record (kind "assert") and
 * ends the run; NDEBUG disables it as usual. */
#ifndef PF_LIBC_ASSERT_H
#define PF_LIBC_ASSERT_H

void __pf_assert_fail(const char *expr, const char *file, int line) __attribute__((noreturn));

#ifdef NDEBUG
#define assert(x) ((void)0)
#else
#define assert(x) ((x) ? (void)0 : __pf_assert_fail(#x, __FILE__, __LINE__))
#endif

#endif

/* SPDX-License-Identifier: MIT */
/* printf format macros for <stdint.h> types (LP64 and ILP32 targets). */
#ifndef PF_LIBC_INTTYPES_H
#define PF_LIBC_INTTYPES_H

#include <stdint.h>

#if __SIZEOF_LONG__ == 8
#define __PF_PRI64 "l"
#else
#define __PF_PRI64 "ll"
#endif

#define PRId8 "d"
#define PRId16 "d"
#define PRId32 "d"
#define PRId64 __PF_PRI64 "d"
#define PRIi64 __PF_PRI64 "i"
#define PRIu8 "u"
#define PRIu16 "u"
#define PRIu32 "u"
#define PRIu64 __PF_PRI64 "u"
#define PRIx8 "x"
#define PRIx16 "x"
#define PRIx32 "x"
#define PRIx64 __PF_PRI64 "x"
#define PRIX32 "X"
#define PRIX64 __PF_PRI64 "X"

#endif

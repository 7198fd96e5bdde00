/* SPDX-License-Identifier: MIT */
/* Monotonic milliseconds for the runner's timeouts (never the wall clock:
 * it can jump). */
#ifndef PF_UTIL_CLOCK_H
#define PF_UTIL_CLOCK_H

/* Milliseconds on CLOCK_MONOTONIC (an arbitrary origin: use differences). */
long pf_now_ms(void);

/* Sleeps MS milliseconds (nothing if MS <= 0), resuming after signals. */
void pf_sleep_ms(long ms);

#endif

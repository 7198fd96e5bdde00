/* SPDX-License-Identifier: MIT */
/*
 * Waits that decide a verdict, calibrated against the target. A check that
 * fails because something did not happen within a fixed time fails on a
 * loaded host too: a TCG vCPU and the device model are threads that a busy
 * machine deschedules for milliseconds. So the ring helpers time every
 * request from its notification to its used buffer, and the waits are a
 * generous multiple of the slowest recent round trip, between a floor and
 * a ceiling. A negative observation ("no used buffer", "no interrupt") is
 * re-tried with the ceiling before it becomes a failure.
 *
 * Quiet windows (nothing may happen meanwhile) scale the same way, so a
 * slow target gets the time to show a wrong interrupt.
 */
#ifndef PF_CHECKS_TIMING_H
#define PF_CHECKS_TIMING_H

#include <stdint.h>

#define CHK_WAIT_MULT 50u	       /* round trips a wait allows */
#define CHK_WAIT_FLOOR_NS 100000000ull /* 100 ms: never shorter */
#define CHK_WAIT_CEIL_NS 1000000000ull /* 1 s: the re-try */
#define CHK_QUIET_MULT 8u
#define CHK_QUIET_FLOOR_NS 5000000ull /* 5 ms */
#define CHK_QUIET_CEIL_NS 50000000ull /* 50 ms */

/* A request was made available and notified / its used buffer was seen:
 * the interval updates the round-trip estimate. */
void chk_rtt_start(void);
void chk_rtt_end(void);
/* A measured round trip (ns), e.g. by a check's own warm-up. */
void chk_rtt_note(uint64_t ns);
/* The estimate: the slowest recent round trip (decays by 1/8 a sample). */
uint64_t chk_rtt_ns(void);
/* Forget every sample (a new device; the host tests). */
void chk_rtt_reset(void);

/* First wait for something that must happen, and the re-try after it. */
uint64_t chk_wait_ns(void);
uint64_t chk_retry_ns(void);
/* Window in which something must not happen. */
uint64_t chk_quiet_ns(void);

#endif

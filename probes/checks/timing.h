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
/*
 * The watch of an old ring after a device or queue reset. A reset device
 * must not use the old ring at all (2.4.1, 2.6.1.1.2), so a conforming
 * device never ends the watch early and a longer watch costs only time.
 * A device that keeps running a stopped ring for a while does so within
 * milliseconds of the notification, but a loaded host deschedules it for
 * as long: a quiet window of 5 ms missed such a device in some runs.
 */
#define CHK_OLD_RING_FLOOR_NS 50000000ull /* 50 ms */
#define CHK_OLD_RING_CEIL_NS 200000000ull /* 200 ms */

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
/* How long an old ring is watched after a reset (CHK_OLD_RING_*). */
uint64_t chk_old_ring_watch_ns(void);

#endif

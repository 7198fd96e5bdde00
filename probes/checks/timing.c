/* SPDX-License-Identifier: MIT */
/* Calibrated waits (timing.h). */
#include "timing.h"

#include "platform.h"

static uint64_t rtt_est; /* slowest recent round trip, decaying */
static uint64_t rtt_t0;	 /* start of the round trip being timed, 0: none */

void chk_rtt_reset(void)
{
	rtt_est = 0;
	rtt_t0 = 0;
}

void chk_rtt_note(uint64_t ns)
{
	uint64_t decayed = rtt_est - rtt_est / 8;

	rtt_est = ns > decayed ? ns : decayed;
}

void chk_rtt_start(void)
{
	rtt_t0 = arch_now_ns();
}

void chk_rtt_end(void)
{
	uint64_t now = arch_now_ns();

	if (rtt_t0 && now >= rtt_t0)
		chk_rtt_note(now - rtt_t0);
	rtt_t0 = 0;
}

uint64_t chk_rtt_ns(void)
{
	return rtt_est;
}

static uint64_t clamp_mult(uint64_t mult, uint64_t lo, uint64_t hi)
{
	/* an estimate past hi / mult saturates (and cannot overflow) */
	if (rtt_est >= hi / mult)
		return hi;
	return rtt_est * mult < lo ? lo : rtt_est * mult;
}

uint64_t chk_wait_ns(void)
{
	return clamp_mult(CHK_WAIT_MULT, CHK_WAIT_FLOOR_NS, CHK_WAIT_CEIL_NS);
}

uint64_t chk_retry_ns(void)
{
	return CHK_WAIT_CEIL_NS;
}

uint64_t chk_quiet_ns(void)
{
	return clamp_mult(CHK_QUIET_MULT, CHK_QUIET_FLOOR_NS, CHK_QUIET_CEIL_NS);
}

uint64_t chk_old_ring_watch_ns(void)
{
	return clamp_mult(CHK_QUIET_MULT, CHK_OLD_RING_FLOOR_NS, CHK_OLD_RING_CEIL_NS);
}

/* SPDX-License-Identifier: MIT */
/* The RTC device suite (5.23): reading clocks, status codes, buffers. */
#include <string.h>

#include "dev_rtc.h"
#include "report.h"

#define RTC_BATCH 6 /* reads of one clock in flight together */

/* One READ of clock id: its reading, or false (reported). */
static bool rtc_read(struct pf_test *t, struct chk_dev *c, uint16_t id, uint64_t *v)
{
	struct rtc_resp resp;
	struct rtc_req r;
	int st;

	rtc_req_init(&r, RTC_REQ_READ, id);
	st = rtc_call(t, c, &r, 16, &resp, "READ");
	if (st < 0)
		return false;
	if (!report(t, st == RTC_S_OK, "read-failed", "READ of clock %u: status %d, OK expected",
		    id, st))
		return false;
	*v = rtc_get(&resp, 8, 8);
	return true;
}

/* Reads of clock id in flight together: used in order, and for a
 * MONOTONIC clock never going back. */
static void rtc_read_batch(struct pf_test *t, struct chk_dev *c, uint16_t id, bool monotonic)
{
	unsigned n = c->vq[RTC_REQUESTQ].num < RTC_BATCH ? c->vq[RTC_REQUESTQ].num : RTC_BATCH;
	int slot[RTC_BATCH];
	uint64_t prev = 0;
	struct rtc_req r;

	rtc_req_init(&r, RTC_REQ_READ, id);
	for (unsigned i = 0; i < n; i++) {
		slot[i] = chk_dev_post(t, c, RTC_REQUESTQ, r.b, r.len, 16);
		if (slot[i] < 0)
			return;
	}
	chk_dev_kick(c, RTC_REQUESTQ);
	for (unsigned i = 0; i < n && !report_stopped(t); i++) {
		uint32_t len;
		uint64_t v;
		int s, rc = chk_dev_wait(t, c, RTC_REQUESTQ, &s, &len);

		if (rc == PF_ETIMEDOUT)
			report(t, false, "batch/no-used",
			       "%u of %u READs in flight never came back", n - i, n);
		if (rc != 1)
			return;
		if (!report(t, s == slot[i], "used-order",
			    "clock %u: READ %u of %u in flight was used before an earlier one", id,
			    i + 1, n))
			return;
		memcpy(&v, chk_dev_in(c, RTC_REQUESTQ, s) + 8, 8);
		if (monotonic && i)
			report(t, v >= prev, "monotonic-back",
			       "MONOTONIC clock %u went back from %llu to %llu ns", id,
			       (unsigned long long)prev, (unsigned long long)v);
		prev = v;
	}
}

/* READ_CROSS of a counter CROSS_CAP offers: counter_cycles never back. */
static void rtc_read_cross(struct pf_test *t, struct chk_dev *c, uint16_t id, unsigned *tried)
{
	for (uint8_t hw = 0; hw < 2; hw++) {
		struct rtc_resp resp;
		struct rtc_req r;
		uint64_t prev = 0;
		int st;

		rtc_req_init(&r, RTC_REQ_CROSS_CAP, id);
		r.b[10] = hw;
		st = rtc_call(t, c, &r, 16, &resp, "CROSS_CAP");
		if (st < 0)
			return;
		if (st != RTC_S_OK || !(resp.b[8] & RTC_FLAG_CROSS_CAP))
			continue;
		(*tried)++;
		rtc_req_init(&r, RTC_REQ_READ_CROSS, id);
		r.b[10] = hw;
		for (unsigned i = 0; i < 3; i++) {
			st = rtc_call(t, c, &r, 24, &resp, "READ_CROSS");
			if (st < 0)
				return;
			if (!report(t, st == RTC_S_OK, "read-failed",
				    "READ_CROSS of clock %u counter %u: status %d, OK expected", id,
				    hw, st))
				break;
			report(t, rtc_get(&resp, 16, 8) >= prev, "cross-back",
			       "clock %u: counter_cycles went back from %llu to %llu", id,
			       (unsigned long long)prev, (unsigned long long)rtc_get(&resp, 16, 8));
			prev = rtc_get(&resp, 16, 8);
		}
	}
}

void check_RTC_READ(struct pf_test *t)
{
	unsigned cross = 0;
	struct chk_dev c;
	int n;

	if (!chk_dev_open(t, &c, 0, 1, true))
		return;
	n = rtc_num_clocks(t, &c);
	if (n <= 0) {
		if (n == 0)
			report_na(t, "the device has no clock");
		goto out;
	}
	for (uint16_t id = 0; id < n && id < RTC_MAX_CLOCKS && !report_stopped(t); id++) {
		struct rtc_resp cap;
		uint64_t a, b;
		bool mono;

		if (!rtc_clock_cap(t, &c, id, &cap))
			break;
		mono = cap.b[8] == RTC_CLOCK_MONOTONIC;
		if (!rtc_read(t, &c, id, &a) || !rtc_read(t, &c, id, &b))
			break;
		if (mono)
			report(t, b >= a, "monotonic-back",
			       "MONOTONIC clock %u went back from %llu to %llu ns", id,
			       (unsigned long long)a, (unsigned long long)b);
		rtc_read_batch(t, &c, id, mono);
		rtc_read_cross(t, &c, id, &cross);
	}
	report_log(t, 1, "%u clock/counter pairs with cross-timestamping", cross);
out:
	chk_dev_close(&c);
}

/* A request whose answer must be `want`; false: stop. */
static bool rtc_expect(struct pf_test *t, struct chk_dev *c, const struct rtc_req *r,
		       uint32_t in_len, int want, const char *sub, const char *what)
{
	struct rtc_resp resp;
	int st = rtc_call(t, c, r, in_len, &resp, what);

	if (st < 0)
		return false;
	report(t, st == want, sub, "%s: status %d, %d expected", what, st, want);
	return true;
}

/* Extra device-readable or -writable bytes: the same answer. */
static void rtc_extra_space(struct pf_test *t, struct chk_dev *c)
{
	struct rtc_resp plain, more;
	struct rtc_req r;

	rtc_req_init(&r, RTC_REQ_CLOCK_CAP, 0);
	if (rtc_call(t, c, &r, 16, &plain, "CLOCK_CAP") < 0)
		return;
	r.len += 8;
	memset(r.b + 16, 0xff, 8);
	if (rtc_call(t, c, &r, 16, &more, "CLOCK_CAP with 8 more readable bytes") < 0)
		return;
	report(t, !memcmp(plain.b, more.b, 16), "extra-read",
	       "CLOCK_CAP: 8 more device-readable bytes changed the answer (status %u)", more.b[0]);
	r.len -= 8;
	if (rtc_call(t, c, &r, 32, &more, "CLOCK_CAP with 16 more writable bytes") < 0)
		return;
	report(t, !memcmp(plain.b, more.b, 16), "extra-write",
	       "CLOCK_CAP: 16 more device-writable bytes changed the answer (status %u)",
	       more.b[0]);
}

void check_RTC_ERRORS(struct pf_test *t)
{
	struct chk_dev c;
	struct rtc_req r;
	int n;

	if (!chk_dev_open(t, &c, 0, 1, true))
		return;
	n = rtc_num_clocks(t, &c);
	if (n < 0)
		goto out;
	rtc_req_init(&r, 0x0fff, 0);
	if (!rtc_expect(t, &c, &r, 16, RTC_S_EOPNOTSUPP, "unknown-msg", "msg_type 0x0fff"))
		goto out;
	rtc_req_init(&r, RTC_REQ_CFG, 0);
	if (!rtc_expect(t, &c, &r, 8, RTC_S_EINVAL, "short-response",
			"CFG with 8 device-writable bytes of 16"))
		goto out;
	if (n == 0) {
		report_log(t, 1, "no clock: the per-clock requests are not tried");
		goto out;
	}
	rtc_req_init(&r, RTC_REQ_CROSS_CAP, 0);
	r.b[10] = 0x7f;
	if (!rtc_expect(t, &c, &r, 16, RTC_S_EOPNOTSUPP, "unknown-hw-counter",
			"CROSS_CAP with hw_counter 0x7f"))
		goto out;
	rtc_req_init(&r, RTC_REQ_READ, 0);
	if (!rtc_expect(t, &c, &r, 8, RTC_S_EINVAL, "short-response",
			"READ with 8 device-writable bytes of 16"))
		goto out;
	r.len = 10;
	if (!rtc_expect(t, &c, &r, 16, RTC_S_EINVAL, "short-request",
			"READ with 10 device-readable bytes of 16"))
		goto out;
	rtc_req_init(&r, RTC_REQ_CLOCK_CAP, 0);
	r.len = 8;
	if (!rtc_expect(t, &c, &r, 16, RTC_S_EINVAL, "short-request",
			"CLOCK_CAP with the head only"))
		goto out;
	rtc_extra_space(t, &c);
out:
	chk_dev_close(&c);
}

void check_RTC_ALARM_OFF(struct pf_test *t)
{
	static const uint16_t types[] = { RTC_REQ_READ_ALARM, RTC_REQ_SET_ALARM,
					  RTC_REQ_SET_ALARM_ENABLED };
	struct chk_dev c;
	int n;

	if (!chk_dev_open(t, &c, 0, 1, true))
		return;
	n = rtc_num_clocks(t, &c);
	for (uint16_t id = 0; id < n && id < RTC_MAX_CLOCKS && !report_stopped(t); id++)
		for (unsigned k = 0; k < 3; k++) {
			struct rtc_req r;

			/* alarm time far ahead and disabled: nothing to expire */
			rtc_req_init(&r, types[k], id);
			if (types[k] == RTC_REQ_SET_ALARM)
				memset(r.b + 8, 0x7f, 8);
			if (!rtc_expect(t, &c, &r, 24, RTC_S_ENODEV, "alarm-without-feature",
					"an alarm request without VIRTIO_RTC_F_ALARM"))
				goto out;
		}
	if (n == 0)
		report_na(t, "the device has no clock");
out:
	chk_dev_close(&c);
}

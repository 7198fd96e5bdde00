/* SPDX-License-Identifier: MIT */
/* The RTC device suite (5.23): alarms, with VIRTIO_RTC_F_ALARM. */
#include <string.h>

#include "dev_rtc.h"
#include "report.h"
#include "timing.h"

#define RTC_NOTIF_LEN 16
#define RTC_FUTURE_NS 1000000000000ull /* 1000 s ahead: never expires here */

/* One alarm request; its status or -1 (reported). `resp` may be NULL. */
static int rtc_alarm_req(struct pf_test *t, struct chk_dev *c, uint16_t type, uint16_t id,
			 uint64_t time, bool enabled, struct rtc_resp *resp, const char *what)
{
	struct rtc_resp r;
	struct rtc_req q;

	rtc_req_init(&q, type, id);
	if (type == RTC_REQ_SET_ALARM) {
		memcpy(q.b + 8, &time, 8);
		q.b[18] = enabled ? RTC_FLAG_ALARM_ENABLED : 0;
	} else if (type == RTC_REQ_SET_ALARM_ENABLED) {
		q.b[10] = enabled ? RTC_FLAG_ALARM_ENABLED : 0;
	}
	return rtc_call(t, c, &q, 24, resp ? resp : &r, what);
}

/* SET_ALARM / SET_ALARM_ENABLED that must answer OK; false: stop. */
static bool rtc_alarm_set(struct pf_test *t, struct chk_dev *c, uint16_t type, uint16_t id,
			  uint64_t time, bool enabled, const char *what)
{
	int st = rtc_alarm_req(t, c, type, id, time, enabled, NULL, what);

	return st >= 0 &&
	       report(t, st == RTC_S_OK, "set-failed", "%s of clock %u: status %d", what, id, st);
}

/* READ_ALARM gives `time`, enabled or not as `enabled`. */
static bool rtc_alarm_is(struct pf_test *t, struct chk_dev *c, uint16_t id, uint64_t time,
			 bool enabled, const char *after)
{
	struct rtc_resp r;
	int st = rtc_alarm_req(t, c, RTC_REQ_READ_ALARM, id, 0, false, &r, "READ_ALARM");

	if (st < 0 ||
	    !report(t, st == RTC_S_OK, "set-failed", "READ_ALARM of clock %u: status %d", id, st))
		return false;
	report(t, rtc_get(&r, 8, 8) == time, "alarm-time",
	       "after %s: alarm_time %llu, %llu expected", after,
	       (unsigned long long)rtc_get(&r, 8, 8), (unsigned long long)time);
	report(t, (r.b[16] & RTC_FLAG_ALARM_ENABLED) == (enabled ? RTC_FLAG_ALARM_ENABLED : 0),
	       "alarm-enabled", "after %s: flags 0x%02x, the alarm should be %s", after, r.b[16],
	       enabled ? "enabled" : "disabled");
	return true;
}

/* Waits for one NOTIF_ALARM of clock id (a buffer is posted); 1 when it
 * came, 0 when none did, -1 on error. */
static int rtc_notified(struct pf_test *t, struct chk_dev *c, uint16_t id)
{
	uint16_t msg, clock;
	const uint8_t *in;
	uint32_t len;
	int s, rc = chk_dev_wait(t, c, RTC_ALARMQ, &s, &len);

	if (rc == PF_ETIMEDOUT)
		return 0;
	if (rc != 1)
		return -1;
	in = chk_dev_in(c, RTC_ALARMQ, s);
	memcpy(&msg, in, 2);
	memcpy(&clock, in + 8, 2);
	report(t, len >= 10 && msg == RTC_NOTIF_ALARM && clock == id, "notif-clock",
	       "alarmq: len %u, msg_type 0x%04x, clock %u (NOTIF_ALARM of clock %u expected)", len,
	       msg, clock, id);
	return 1;
}

/* The request rules of 5.23.6.6.2 on an alarm-capable clock. */
static bool rtc_alarm_requests(struct pf_test *t, struct chk_dev *c, uint16_t id)
{
	struct rtc_resp now;
	struct rtc_req r;
	uint64_t t1, t2;
	int st;

	/* alarm times well ahead of the clock: nothing expires here */
	rtc_req_init(&r, RTC_REQ_READ, id);
	st = rtc_call(t, c, &r, 16, &now, "READ");
	if (st < 0 ||
	    !report(t, st == RTC_S_OK, "read-failed", "READ of clock %u: status %d", id, st))
		return false;
	t1 = rtc_get(&now, 8, 8) + RTC_FUTURE_NS;
	t2 = t1 + RTC_FUTURE_NS;
	return rtc_alarm_set(t, c, RTC_REQ_SET_ALARM, id, t1, true, "SET_ALARM") &&
	       rtc_alarm_is(t, c, id, t1, true, "SET_ALARM enabled") &&
	       rtc_alarm_set(t, c, RTC_REQ_SET_ALARM_ENABLED, id, 0, false, "SET_ALARM_ENABLED") &&
	       rtc_alarm_is(t, c, id, t1, false, "SET_ALARM_ENABLED off") &&
	       rtc_alarm_set(t, c, RTC_REQ_SET_ALARM_ENABLED, id, 0, true, "SET_ALARM_ENABLED") &&
	       rtc_alarm_is(t, c, id, t1, true, "SET_ALARM_ENABLED on") &&
	       rtc_alarm_set(t, c, RTC_REQ_SET_ALARM, id, t2, false, "SET_ALARM") &&
	       rtc_alarm_is(t, c, id, t2, false, "SET_ALARM disabled") &&
	       rtc_alarm_set(t, c, RTC_REQ_SET_ALARM, id, ~0ull, false, "SET_ALARM at 2^64-1") &&
	       rtc_alarm_is(t, c, id, ~0ull, false, "SET_ALARM at 2^64-1");
}

/* Expiration events of 5.23.6.6.1: each notified once; a disable drops one
 * that is still waiting for an alarmq buffer. */
static void rtc_alarm_expiry(struct pf_test *t, struct chk_dev *c, uint16_t id)
{
	int got;

	if (chk_dev_post(t, c, RTC_ALARMQ, NULL, 0, RTC_NOTIF_LEN) < 0)
		return;
	chk_dev_kick(c, RTC_ALARMQ);
	if (!rtc_alarm_set(t, c, RTC_REQ_SET_ALARM, id, 1, true, "SET_ALARM in the past"))
		return;
	got = rtc_notified(t, c, id);
	if (got < 0 ||
	    !report(t, got, "no-notification", "an enabled alarm set in the past never notified"))
		return;
	/* one more buffer: the same event must not come again */
	if (chk_dev_post(t, c, RTC_ALARMQ, NULL, 0, RTC_NOTIF_LEN) < 0)
		return;
	chk_dev_kick(c, RTC_ALARMQ);
	got = rtc_notified(t, c, id);
	if (got < 0 || !report(t, !got, "second-notification", "one expiration notified twice"))
		return;
	if (!rtc_alarm_set(t, c, RTC_REQ_SET_ALARM, id, 1, false, "SET_ALARM in the past") ||
	    !rtc_alarm_set(t, c, RTC_REQ_SET_ALARM_ENABLED, id, 0, true, "SET_ALARM_ENABLED"))
		return;
	got = rtc_notified(t, c, id);
	if (got < 0 || !report(t, got, "no-notification-enable",
			       "enabling an alarm whose time has passed never notified"))
		return;
	/* an event with no buffer to go to, then disabled: never notified */
	if (!rtc_alarm_set(t, c, RTC_REQ_SET_ALARM, id, 2, true, "SET_ALARM in the past") ||
	    !rtc_alarm_set(t, c, RTC_REQ_SET_ALARM_ENABLED, id, 0, false, "SET_ALARM_ENABLED") ||
	    chk_dev_post(t, c, RTC_ALARMQ, NULL, 0, RTC_NOTIF_LEN) < 0)
		return;
	chk_dev_kick(c, RTC_ALARMQ);
	got = rtc_notified(t, c, id);
	report(t, got <= 0, "disable-kept-event",
	       "an alarm disabled before a buffer was available still notified");
}

void check_RTC_ALARM(struct pf_test *t)
{
	static const uint16_t types[] = { RTC_REQ_READ_ALARM, RTC_REQ_SET_ALARM,
					  RTC_REQ_SET_ALARM_ENABLED };
	int n, capable = -1;
	struct chk_dev c;

	if (!chk_dev_open(t, &c, VIRTIO_BIT(VIRTIO_RTC_F_ALARM), 2, true))
		return;
	if (!chk_dev_has(&c, VIRTIO_RTC_F_ALARM)) {
		report_na(t, "VIRTIO_RTC_F_ALARM not offered");
		goto out;
	}
	n = rtc_num_clocks(t, &c);
	for (uint16_t id = 0; id < n && id < RTC_MAX_CLOCKS && !report_stopped(t); id++) {
		struct rtc_resp cap;

		if (!rtc_clock_cap(t, &c, id, &cap))
			goto out;
		if (cap.b[10] & RTC_FLAG_ALARM_CAP) {
			if (capable < 0)
				capable = id;
			continue;
		}
		for (unsigned k = 0; k < 3; k++) {
			int st = rtc_alarm_req(t, &c, types[k], id, RTC_FUTURE_NS, false, NULL,
					       "an alarm request");

			if (st < 0)
				goto out;
			report(t, st == RTC_S_ENODEV, "enodev-unsupported-clock",
			       "message 0x%04x for clock %u without ALARM_CAP: status %d", types[k],
			       id, st);
		}
	}
	if (n < 0 || report_stopped(t))
		goto out;
	if (!report(t, capable >= 0, "no-alarm-clock",
		    "VIRTIO_RTC_F_ALARM negotiated and none of %d clocks has ALARM_CAP", n))
		goto out;
	if (rtc_alarm_requests(t, &c, (uint16_t)capable))
		rtc_alarm_expiry(t, &c, (uint16_t)capable);
	/* leave it off: nothing to expire after the check */
	rtc_alarm_req(t, &c, RTC_REQ_SET_ALARM_ENABLED, (uint16_t)capable, 0, false, NULL,
		      "SET_ALARM_ENABLED");
out:
	chk_dev_close(&c);
}

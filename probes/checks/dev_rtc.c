/* SPDX-License-Identifier: MIT */
/* The RTC device suite (5.23): the request helper and the capabilities. */
#include <string.h>

#include "dev_rtc.h"
#include "report.h"

/* Request and response sizes of each message type (5.23.6). */
static void rtc_sizes(uint16_t type, uint32_t *req, uint32_t *resp, unsigned *rsvd)
{
	*req = 16;
	*resp = 16;
	*rsvd = 16; /* first reserved byte after the head (16: none) */
	switch (type) {
	case RTC_REQ_CFG:
		*req = 8;
		*rsvd = 10;
		break;
	case RTC_REQ_CLOCK_CAP:
		*rsvd = 11;
		break;
	case RTC_REQ_CROSS_CAP:
		*rsvd = 9;
		break;
	case RTC_REQ_READ_CROSS:
		*resp = 24;
		*rsvd = 24;
		break;
	case RTC_REQ_READ_ALARM:
		*resp = 24;
		*rsvd = 17;
		break;
	case RTC_REQ_SET_ALARM:
		*req = 24;
		*resp = 8;
		*rsvd = 8;
		break;
	case RTC_REQ_SET_ALARM_ENABLED:
		*resp = 8;
		*rsvd = 8;
		break;
	default:
		break;
	}
}

void rtc_req_init(struct rtc_req *r, uint16_t msg_type, uint16_t clock_id)
{
	uint32_t resp;
	unsigned rsvd;
	unsigned at = msg_type == RTC_REQ_SET_ALARM ? 16 : 8;

	memset(r, 0, sizeof(*r));
	memcpy(r->b, &msg_type, 2);
	memcpy(r->b + at, &clock_id, 2);
	rtc_sizes(msg_type, &r->len, &resp, &rsvd);
}

uint64_t rtc_get(const struct rtc_resp *r, unsigned off, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = width; i-- > 0;)
		v = v << 8 | r->b[off + i];
	return v;
}

int rtc_call(struct pf_test *t, struct chk_dev *c, const struct rtc_req *r, uint32_t in_len,
	     struct rtc_resp *resp, const char *what)
{
	uint32_t req_len, resp_len;
	unsigned rsvd;
	uint16_t type;

	memcpy(&type, r->b, 2);
	rtc_sizes(type, &req_len, &resp_len, &rsvd);
	memset(resp, 0, sizeof(*resp));
	if (in_len > sizeof(resp->b))
		in_len = sizeof(resp->b);
	if (chk_dev_request(t, c, RTC_REQUESTQ, r->b, r->len, resp->b, in_len, &resp->len, what) !=
	    1)
		return -1;
	if (!report(t, resp->len >= 1, "no-status", "%s: used len 0, no status", what))
		return -1;
	for (unsigned i = 1; i < 8 && i < resp->len; i++)
		if (!report(t, !resp->b[i], "reserved", "%s: response head byte %u is 0x%02x", what,
			    i, resp->b[i]))
			break;
	if (resp->b[0] != RTC_S_OK)
		return resp->b[0];
	for (unsigned i = rsvd; i < resp_len && i < resp->len; i++)
		if (!report(t, !resp->b[i], "reserved", "%s: reserved response byte %u is 0x%02x",
			    what, i, resp->b[i]))
			break;
	return RTC_S_OK;
}

int rtc_num_clocks(struct pf_test *t, struct chk_dev *c)
{
	struct rtc_resp resp;
	struct rtc_req r;
	int st;

	rtc_req_init(&r, RTC_REQ_CFG, 0);
	st = rtc_call(t, c, &r, 16, &resp, "CFG");
	if (st < 0)
		return -1;
	if (!report(t, st == RTC_S_OK, "status", "CFG: status %d, OK expected", st))
		return -1;
	return (int)rtc_get(&resp, 8, 2);
}

bool rtc_clock_cap(struct pf_test *t, struct chk_dev *c, uint16_t id, struct rtc_resp *resp)
{
	struct rtc_req r;
	int st;

	rtc_req_init(&r, RTC_REQ_CLOCK_CAP, id);
	st = rtc_call(t, c, &r, 16, resp, "CLOCK_CAP");
	if (st < 0)
		return false;
	return report(t, st == RTC_S_OK, "clock-id",
		      "CLOCK_CAP of clock %u (below num_clocks): status %d, OK expected", id, st);
}

/* A clock's capabilities as 5.23.6.4 lays them down. */
static void rtc_cap_rules(struct pf_test *t, const struct chk_dev *c, uint16_t id,
			  const struct rtc_resp *cap)
{
	uint8_t type = cap->b[8], smear = cap->b[9], flags = cap->b[10];
	uint8_t allowed = chk_dev_has(c, VIRTIO_RTC_F_ALARM) ? RTC_FLAG_ALARM_CAP : 0;

	if (type == RTC_CLOCK_UTC_SMEARED)
		report(t, smear <= RTC_SMEAR_UTC_SLS || smear >= 0xf0, "smear",
		       "clock %u (UTC_SMEARED): leap_second_smearing %u is undefined", id, smear);
	else
		report(t, smear == 0, "smear",
		       "clock %u of type %u: leap_second_smearing %u, SMEAR_UNSPECIFIED expected",
		       id, type, smear);
	report(t, !(flags & ~allowed), "flags", "clock %u: CLOCK_CAP flags 0x%02x, 0x%02x allowed",
	       id, flags, allowed);
}

/* CROSS_CAP of clock id for both hw_counter values; false: stop. */
static bool rtc_cross_caps(struct pf_test *t, struct chk_dev *c, uint16_t id,
			   struct rtc_resp out[2])
{
	for (uint8_t hw = 0; hw < 2; hw++) {
		struct rtc_req r;
		int st;

		rtc_req_init(&r, RTC_REQ_CROSS_CAP, id);
		r.b[10] = hw;
		st = rtc_call(t, c, &r, 16, &out[hw], "CROSS_CAP");
		if (st < 0)
			return false;
		if (st == RTC_S_OK)
			report(t, !(out[hw].b[8] & ~RTC_FLAG_CROSS_CAP), "flags",
			       "clock %u counter %u: CROSS_CAP flags 0x%02x", id, hw, out[hw].b[8]);
	}
	return true;
}

/* The caps of every clock, asked once (keep) or again (compared). */
static bool rtc_caps_pass(struct pf_test *t, struct chk_dev *c, unsigned n,
			  struct rtc_resp caps[][3], bool again)
{
	for (uint16_t id = 0; id < n && !report_stopped(t); id++) {
		struct rtc_resp now[3];

		if (!rtc_clock_cap(t, c, id, &now[0]) || !rtc_cross_caps(t, c, id, &now[1]))
			return false;
		if (!again) {
			rtc_cap_rules(t, c, id, &now[0]);
			memcpy(caps[id], now, sizeof(now));
			continue;
		}
		for (unsigned k = 0; k < 3; k++)
			report(t,
			       now[k].len == caps[id][k].len &&
				       !memcmp(now[k].b, caps[id][k].b, sizeof(now[k].b)),
			       "caps-changed", "clock %u: %s answered differently the second time",
			       id, k ? "CROSS_CAP" : "CLOCK_CAP");
	}
	return true;
}

/* Unknown clock ids: ENODEV whatever the request. */
static void rtc_unknown_clocks(struct pf_test *t, struct chk_dev *c, uint16_t n)
{
	static const uint16_t types[] = { RTC_REQ_CLOCK_CAP, RTC_REQ_CROSS_CAP, RTC_REQ_READ,
					  RTC_REQ_READ_CROSS };
	const uint16_t ids[2] = { n, 0xffff };

	for (unsigned k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		for (unsigned i = 0; i < 2; i++) {
			struct rtc_resp resp;
			struct rtc_req r;
			int st;

			rtc_req_init(&r, types[k], ids[i]);
			st = rtc_call(t, c, &r, 24, &resp, "a request for an unknown clock");
			if (st < 0)
				return;
			report(t, st == RTC_S_ENODEV, "enodev",
			       "message 0x%04x for clock %u (num_clocks %u): status %d, ENODEV "
			       "expected",
			       types[k], ids[i], n, st);
		}
}

void check_RTC_CAPS(struct pf_test *t)
{
	struct rtc_resp caps[RTC_MAX_CLOCKS][3];
	struct chk_dev c;
	int n, again;

	if (!chk_dev_open(t, &c, 0, 1, true))
		return;
	n = rtc_num_clocks(t, &c);
	if (n < 0)
		goto out;
	report_log(t, 1, "%d clocks", n);
	if (!rtc_caps_pass(t, &c, n < RTC_MAX_CLOCKS ? n : RTC_MAX_CLOCKS, caps, false))
		goto out;
	again = rtc_num_clocks(t, &c);
	if (again < 0)
		goto out;
	report(t, again == n, "caps-changed", "CFG: num_clocks %d, then %d", n, again);
	if (!rtc_caps_pass(t, &c, n < RTC_MAX_CLOCKS ? n : RTC_MAX_CLOCKS, caps, true))
		goto out;
	rtc_unknown_clocks(t, &c, (uint16_t)n);
out:
	chk_dev_close(&c);
}

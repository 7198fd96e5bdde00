/* SPDX-License-Identifier: MIT */
/*
 * The RTC suite (common/include/pf/checks_rtc.def) on the simulated RTC
 * device of sim_rtc.c, clean and with each of its faults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host_platform.h"
#include "pf/catalogue.h"
#include "report.h"
#include "sim_rtc.h"
#include "unit_helpers.h"
#include "ut_table.h"

#define RTC 17
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define F_ALARM VIRTIO_BIT(0)

struct rtc_case {
	const char *name;
	enum pf_check_id check;
	uint64_t features;
	enum rtc_fault fault;
	uint64_t sim_faults;
	enum pf_verdict expect;
	const char *sub;
};

#define CAPS PF_CHK_RTC_CAPS
#define READ PF_CHK_RTC_READ
#define ERRS PF_CHK_RTC_ERRORS
#define AOFF PF_CHK_RTC_ALARM_OFF
#define ALRM PF_CHK_RTC_ALARM, F_ALARM
#define PASS PF_VERDICT_PASS
#define FAIL PF_VERDICT_FAIL

static const struct rtc_case cases[] = {
	{ "rtc caps clean", CAPS, 0, RTF_NONE, 0, PASS, NULL },
	{ "rtc caps clean, alarm offered", CAPS, F_ALARM, RTF_NONE, 0, PASS, NULL },
	{ "rtc: CFG reserved byte", CAPS, 0, RTF_RESERVED, 0, FAIL, "reserved" },
	{ "rtc: head reserved byte", CAPS, 0, RTF_HEAD_RESERVED, 0, FAIL, "reserved" },
	{ "rtc: ALARM_CAP without F_ALARM", CAPS, 0, RTF_ALARM_FLAG, 0, FAIL, "flags" },
	{ "rtc: undefined CROSS_CAP flag", CAPS, 0, RTF_CROSS_FLAGS, 0, FAIL, "flags" },
	{ "rtc: smeared UTC clock", CAPS, 0, RTF_SMEAR, 0, FAIL, "smear" },
	{ "rtc: undefined smearing variant", CAPS, 0, RTF_SMEAR_VALUE, 0, FAIL, "smear" },
	{ "rtc: caps change while live", CAPS, 0, RTF_CAPS_CHANGE, 0, FAIL, "caps-changed" },
	{ "rtc: unknown clock EINVAL", CAPS, 0, RTF_ENODEV, 0, FAIL, "enodev" },
	{ "rtc: last clock missing", CAPS, 0, RTF_LAST_CLOCK, 0, FAIL, "clock-id" },
	{ "rtc read clean", READ, 0, RTF_NONE, 0, PASS, NULL },
	{ "rtc: READ fails", READ, 0, RTF_READ_FAIL, 0, FAIL, "read-failed" },
	{ "rtc: MONOTONIC goes back", READ, 0, RTF_MONO_BACK, 0, FAIL, "monotonic-back" },
	{ "rtc: counter goes back", READ, 0, RTF_CROSS_BACK, 0, FAIL, "cross-back" },
	{ "rtc: reads used out of order", READ, 0, RTF_NONE, SIM_F_OUT_OF_ORDER, FAIL,
	  "used-order" },
	{ "rtc errors clean", ERRS, 0, RTF_NONE, 0, PASS, NULL },
	{ "rtc: unknown msg_type EINVAL", ERRS, 0, RTF_UNKNOWN_TYPE, 0, FAIL, "unknown-msg" },
	{ "rtc: unknown hw_counter OK", ERRS, 0, RTF_HW_COUNTER, 0, FAIL, "unknown-hw-counter" },
	{ "rtc: short request served", ERRS, 0, RTF_SHORT_REQ, 0, FAIL, "short-request" },
	{ "rtc: short response OK", ERRS, 0, RTF_SHORT_RESP, 0, FAIL, "short-response" },
	{ "rtc: extra readable bytes refused", ERRS, 0, RTF_EXTRA_READ, 0, FAIL, "extra-read" },
	{ "rtc: extra writable bytes refused", ERRS, 0, RTF_EXTRA_WRITE, 0, FAIL, "extra-write" },
	{ "rtc alarm off clean", AOFF, F_ALARM, RTF_NONE, 0, PASS, NULL },
	{ "rtc: alarm served without F_ALARM", AOFF, F_ALARM, RTF_ALARM_NO_FEATURE, 0, FAIL,
	  "alarm-without-feature" },
	{ "rtc alarm clean", ALRM, RTF_NONE, 0, PASS, NULL },
	{ "rtc alarm not offered", PF_CHK_RTC_ALARM, 0, RTF_NONE, 0, PF_VERDICT_NA, NULL },
	{ "rtc: no clock with an alarm", ALRM, RTF_NO_ALARM_CLOCK, 0, FAIL, "no-alarm-clock" },
	{ "rtc: alarm requests on any clock", ALRM, RTF_ALARM_ENODEV, 0, FAIL,
	  "enodev-unsupported-clock" },
	{ "rtc: SET_ALARM stores nothing", ALRM, RTF_ALARM_KEEPS, 0, FAIL, "alarm-*" },
	{ "rtc: enable moves the time", ALRM, RTF_ENABLE_MOVES_TIME, 0, FAIL, "alarm-time" },
	{ "rtc: READ_ALARM always enabled", ALRM, RTF_READ_ENABLED, 0, FAIL, "alarm-enabled" },
	{ "rtc: alarm time range", ALRM, RTF_TIME_RANGE, 0, FAIL, "set-failed" },
	{ "rtc: passed alarm never notifies", ALRM, RTF_ALARM_SILENT, 0, FAIL, "no-notification" },
	{ "rtc: one expiration notified twice", ALRM, RTF_ALARM_TWICE, 0, FAIL,
	  "second-notification" },
	{ "rtc: notification names another clock", ALRM, RTF_ALARM_WRONG_CLOCK, 0, FAIL,
	  "notif-clock" },
	{ "rtc: enabling a passed alarm", ALRM, RTF_NO_ENABLE_EXPIRY, 0, FAIL,
	  "no-notification-enable" },
	{ "rtc: disable keeps the event", ALRM, RTF_DISABLE_KEEPS, 0, FAIL, "disable-kept-event" },
};

static struct ut_dev U;

static void test_case(void **state)
{
	const struct rtc_case *c = *state;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open(&U, SIM_MMIO_V2, RTC, V1 | c->features, 2, 64), 0);
	U.sim.faults = c->sim_faults;
	sim_rtc_attach(&U.sim, c->fault);
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_rtc, c, v);
}

UT_CHECK_TABLE_N(ut_checks_rtc, "checks_rtc", cases, struct rtc_case, test_case, ut_setup, NULL,
		 NULL, 0);

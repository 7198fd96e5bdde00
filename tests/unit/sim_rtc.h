/* SPDX-License-Identifier: MIT */
/*
 * A simulated RTC device (5.23): four clocks (UTC, TAI, MONOTONIC and
 * UTC_SMEARED with noon-linear smearing), cross-timestamping of the
 * MONOTONIC clock with the Arm counter, an alarm on the UTC clock when
 * VIRTIO_RTC_F_ALARM is negotiated. Each fault breaks one rule.
 */
#ifndef PF_SIM_RTC_H
#define PF_SIM_RTC_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_device.h"

enum rtc_fault {
	RTF_NONE,
	RTF_RESERVED,	       /* CFG: a reserved byte set */
	RTF_HEAD_RESERVED,     /* every response head: reserved[0] set */
	RTF_ALARM_FLAG,	       /* CLOCK_CAP: ALARM_CAP without F_ALARM */
	RTF_CROSS_FLAGS,       /* CROSS_CAP: undefined flag 0x80 */
	RTF_SMEAR,	       /* UTC clock with NOON_LINEAR smearing */
	RTF_SMEAR_VALUE,       /* UTC_SMEARED clock with smearing variant 5 */
	RTF_CAPS_CHANGE,       /* CLOCK_CAP of clock 1 differs when asked again */
	RTF_ENODEV,	       /* an unknown clock id answers EINVAL */
	RTF_LAST_CLOCK,	       /* the last clock below num_clocks answers ENODEV */
	RTF_READ_FAIL,	       /* READ of clock 1 answers EIO */
	RTF_MONO_BACK,	       /* the MONOTONIC clock steps back every third read */
	RTF_CROSS_BACK,	       /* counter_cycles steps back */
	RTF_UNKNOWN_TYPE,      /* an unknown msg_type answers EINVAL */
	RTF_HW_COUNTER,	       /* an unknown hw_counter answers OK */
	RTF_SHORT_REQ,	       /* a short request is served */
	RTF_SHORT_RESP,	       /* a short response buffer gets what fits, OK */
	RTF_EXTRA_READ,	       /* extra device-readable bytes: EINVAL */
	RTF_EXTRA_WRITE,       /* extra device-writable bytes: EINVAL */
	RTF_ALARM_NO_FEATURE,  /* alarm requests served without F_ALARM */
	RTF_ALARM_KEEPS,       /* SET_ALARM / _ENABLED do not change the alarm */
	RTF_ALARM_ENODEV,      /* clocks without alarm answer OK to alarm requests */
	RTF_ALARM_SILENT,      /* an alarm in the past never notifies */
	RTF_ALARM_TWICE,       /* an expiration notifies twice */
	RTF_ALARM_WRONG_CLOCK, /* the notification names clock 1 */
	RTF_NO_ALARM_CLOCK,    /* F_ALARM offered, no clock with ALARM_CAP */
	RTF_ENABLE_MOVES_TIME, /* SET_ALARM_ENABLED sets the alarm time to 0 */
	RTF_NO_ENABLE_EXPIRY,  /* enabling a passed alarm is no expiration */
	RTF_DISABLE_KEEPS,     /* a disable keeps a waiting event */
	RTF_READ_ENABLED,      /* READ_ALARM always says enabled */
	RTF_TIME_RANGE,	       /* SET_ALARM refuses times of 2^63 and up */
};

/* Installs the model on s (after sim_init / ut_mmio_open). */
void sim_rtc_attach(struct sim_dev *s, enum rtc_fault fault);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The RTC device suite (5.23): message types, status codes, clock types
 * and the request helper its checks share.
 */
#ifndef PF_CHECKS_DEV_RTC_H
#define PF_CHECKS_DEV_RTC_H

#include <stdint.h>

#include "dev_queue.h"

#define RTC_REQUESTQ 0
#define RTC_ALARMQ 1
#define VIRTIO_RTC_F_ALARM 0

/* message types */
#define RTC_REQ_READ 0x0001
#define RTC_REQ_READ_CROSS 0x0002
#define RTC_REQ_CFG 0x1000
#define RTC_REQ_CLOCK_CAP 0x1001
#define RTC_REQ_CROSS_CAP 0x1002
#define RTC_REQ_READ_ALARM 0x1003
#define RTC_REQ_SET_ALARM 0x1004
#define RTC_REQ_SET_ALARM_ENABLED 0x1005
#define RTC_NOTIF_ALARM 0x2000

/* status codes */
#define RTC_S_OK 0
#define RTC_S_EOPNOTSUPP 2
#define RTC_S_ENODEV 3
#define RTC_S_EINVAL 4

#define RTC_CLOCK_MONOTONIC 2
#define RTC_CLOCK_UTC_SMEARED 3
#define RTC_SMEAR_UTC_SLS 2

#define RTC_FLAG_ALARM_CAP 0x01	    /* resp_clock_cap.flags */
#define RTC_FLAG_CROSS_CAP 0x01	    /* resp_cross_cap.flags */
#define RTC_FLAG_ALARM_ENABLED 0x01 /* alarm requests and read_alarm */

#define RTC_MAX_CLOCKS 16 /* clocks a check looks at */

/*
 * A request: 8-byte head (msg_type, reserved) then le16 clock_id at 8 and
 * the message's fields, as the 5.23.6 structures lay them out.
 */
struct rtc_req {
	uint8_t b[24];
	uint32_t len;
};

void rtc_req_init(struct rtc_req *r, uint16_t msg_type, uint16_t clock_id);

/*
 * Sends r with a device-writable part of in_len bytes and returns the
 * status byte, or -1 when the check cannot go on (reported). Every
 * response's reserved bytes (resp_len: how long the message's response is,
 * those of the head and, from `rsvd`, the message's own) are checked to be
 * 0 (rtc.resp.reserved-zero), except when the status is not OK.
 */
struct rtc_resp {
	uint8_t b[32];
	uint32_t len; /* used len */
};
int rtc_call(struct pf_test *t, struct chk_dev *c, const struct rtc_req *r, uint32_t in_len,
	     struct rtc_resp *resp, const char *what);

/* Little-endian fields of a response. */
uint64_t rtc_get(const struct rtc_resp *r, unsigned off, unsigned width);

/* CFG: num_clocks, or -1. */
int rtc_num_clocks(struct pf_test *t, struct chk_dev *c);

/* CLOCK_CAP of clock id: its response, or false. */
bool rtc_clock_cap(struct pf_test *t, struct chk_dev *c, uint16_t id, struct rtc_resp *resp);

#endif

/* SPDX-License-Identifier: MIT */
/* A simulated RTC device (sim_rtc.h), serving requests as 5.23.6 says. */
#include <string.h>

#include "sim_rtc.h"

#define NCLOCKS 4
#define F_ALARM (1ull << 0)
#define S_OK 0
#define S_EOPNOTSUPP 2
#define S_ENODEV 3
#define S_EINVAL 4
#define S_EIO 5

static const uint8_t clock_type[NCLOCKS] = { 0, 1, 2, 3 };

static struct rtc_model {
	enum rtc_fault fault;
	uint64_t now, cycles;
	unsigned reads, caps_asked;
	uint64_t alarm_time;
	bool alarm_on, fired;
	unsigned pending; /* notifications owed */
} M;

/* Request and response sizes of a message type; false: unknown. */
static bool sizes(uint16_t type, uint32_t *req, uint32_t *resp)
{
	*req = 16;
	*resp = 16;
	switch (type) {
	case 0x1000:
		*req = 8;
		return true;
	case 0x0001:
	case 0x1001:
	case 0x1002:
		return true;
	case 0x0002:
	case 0x1003:
		*resp = 24;
		return true;
	case 0x1004:
		*req = 24;
		*resp = 8;
		return true;
	case 0x1005:
		*resp = 8;
		return true;
	default:
		return false;
	}
}

static bool alarm_negotiated(const struct sim_dev *s)
{
	return s->driver_features & F_ALARM;
}

/* An expiration when an enabled alarm's time is not in the future. */
static void alarm_check(void)
{
	if (!M.alarm_on || M.fired || M.alarm_time > M.now || M.fault == RTF_ALARM_SILENT)
		return;
	M.fired = true;
	M.pending = M.fault == RTF_ALARM_TWICE ? 2 : 1;
}

static uint8_t serve_alarm(const struct sim_dev *s, uint16_t type, uint16_t id, const uint8_t *req,
			   uint8_t *resp)
{
	uint64_t at;

	if (!alarm_negotiated(s) && M.fault != RTF_ALARM_NO_FEATURE)
		return S_ENODEV;
	if ((id != 0 && M.fault != RTF_ALARM_ENODEV) || M.fault == RTF_NO_ALARM_CLOCK)
		return S_ENODEV;
	if (type == 0x1003) {
		memcpy(resp + 8, &M.alarm_time, 8);
		resp[16] = M.alarm_on || M.fault == RTF_READ_ENABLED;
		return S_OK;
	}
	if (M.fault == RTF_ALARM_KEEPS)
		return S_OK;
	if (type == 0x1004) {
		memcpy(&at, req + 8, 8);
		if ((at >> 63) && M.fault == RTF_TIME_RANGE)
			return S_EINVAL;
		M.alarm_time = at;
		M.alarm_on = req[18] & 1;
	} else {
		M.alarm_on = req[10] & 1;
		if (M.fault == RTF_ENABLE_MOVES_TIME)
			M.alarm_time = 0;
		if (M.fault == RTF_NO_ENABLE_EXPIRY)
			M.fired = true;
	}
	if (type == 0x1004 || M.fault != RTF_NO_ENABLE_EXPIRY)
		M.fired = false;
	if (!M.alarm_on && M.fault != RTF_DISABLE_KEEPS)
		M.pending = 0;
	alarm_check();
	return S_OK;
}

static uint8_t serve_clock(const struct sim_dev *s, uint16_t type, uint16_t id, const uint8_t *req,
			   uint8_t *resp)
{
	switch (type) {
	case 0x1001:
		resp[8] = clock_type[id];
		if (id == 1 && M.fault == RTF_CAPS_CHANGE && ++M.caps_asked > 1)
			resp[8] = 0;
		resp[9] = clock_type[id] == 3 ? (M.fault == RTF_SMEAR_VALUE ? 5 : 1) : 0;
		if (id == 0 && M.fault == RTF_SMEAR)
			resp[9] = 1;
		resp[10] = (id == 0 && alarm_negotiated(s) && M.fault != RTF_NO_ALARM_CLOCK) ||
			   M.fault == RTF_ALARM_FLAG;
		return S_OK;
	case 0x1002:
		if (req[10] > 1 && M.fault != RTF_HW_COUNTER)
			return S_EOPNOTSUPP;
		resp[8] = id == 2 && req[10] == 0;
		if (M.fault == RTF_CROSS_FLAGS)
			resp[8] |= 0x80;
		return S_OK;
	case 0x0001:
	case 0x0002:
		if (id == 1 && M.fault == RTF_READ_FAIL)
			return S_EIO;
		M.now += 1000;
		M.cycles += 24;
		if (M.fault == RTF_MONO_BACK && ++M.reads % 3 == 0)
			M.now -= 5000;
		if (M.fault == RTF_CROSS_BACK && type == 0x0002)
			M.cycles -= 100;
		alarm_check();
		memcpy(resp + 8, &M.now, 8);
		if (type == 0x0001)
			return S_OK;
		if (id != 2 || req[10] != 0)
			return S_EOPNOTSUPP;
		memcpy(resp + 16, &M.cycles, 8);
		return S_OK;
	default:
		return serve_alarm(s, type, id, req, resp);
	}
}

/* The status (and fields) of one request, by 5.23.6.2's order of errors. */
static uint8_t serve_req(const struct sim_dev *s, const struct sim_req *r, uint8_t *resp,
			 uint32_t *resp_len)
{
	uint32_t rd = sim_req_readable(r), wr = sim_req_writable(r), req_len;
	uint8_t req[24] = { 0 };
	uint16_t type = 0, id = 0;

	sim_req_read(r, 0, req, sizeof(req));
	memcpy(&type, req, 2);
	if (!sizes(type, &req_len, resp_len))
		return M.fault == RTF_UNKNOWN_TYPE ? S_EINVAL : S_EOPNOTSUPP;
	if ((rd < req_len && M.fault != RTF_SHORT_REQ) ||
	    (rd > req_len && M.fault == RTF_EXTRA_READ) ||
	    (wr > *resp_len && M.fault == RTF_EXTRA_WRITE))
		return S_EINVAL;
	if (wr < *resp_len && M.fault != RTF_SHORT_RESP)
		return S_EINVAL;
	if (type == 0x1000) {
		resp[8] = NCLOCKS;
		if (M.fault == RTF_RESERVED)
			resp[12] = 1;
		return S_OK;
	}
	memcpy(&id, req + (type == 0x1004 ? 16 : 8), 2);
	if (id >= NCLOCKS)
		return M.fault == RTF_ENODEV ? S_EINVAL : S_ENODEV;
	if (id == NCLOCKS - 1 && M.fault == RTF_LAST_CLOCK)
		return S_ENODEV;
	return serve_clock(s, type, id, req, resp);
}

static uint32_t rtc_serve(struct sim_dev *s, const struct sim_req *r)
{
	uint8_t resp[32] = { 0 };
	uint32_t resp_len = 8, wr = sim_req_writable(r);
	uint16_t note[8] = { 0x2000, 0, 0, 0, 0, 0, 0, 0 };

	if (r->queue == 1) {
		M.pending--;
		note[4] = M.fault == RTF_ALARM_WRONG_CLOCK;
		return sim_req_write(r, 0, note, 16);
	}
	if (!wr)
		return 0;
	resp[0] = serve_req(s, r, resp, &resp_len);
	if (M.fault == RTF_HEAD_RESERVED)
		resp[1] = 1;
	if (resp[0] != S_OK)
		resp_len = 8;
	return sim_req_write(r, 0, resp, resp_len < wr ? resp_len : wr);
}

/* The alarmq keeps its buffers until an expiration is pending. */
static bool rtc_hold(struct sim_dev *s, uint16_t q)
{
	(void)s;
	return q == 1 && !M.pending;
}

void sim_rtc_attach(struct sim_dev *s, enum rtc_fault fault)
{
	memset(&M, 0, sizeof(M));
	M.fault = fault;
	M.now = 1700000000000000000ull;
	s->serve = rtc_serve;
	s->hold = rtc_hold;
}

/* SPDX-License-Identifier: MIT */
/* The SCMI device suite (5.17): the Arm SCMI BASE protocol over the cmdq. */
#include <string.h>

#include "dev_queue.h"
#include "report.h"

#define SCMI_CMDQ 0

#define SCMI_BASE 0x10
#define SCMI_PROTOCOL_VERSION 0x0
#define SCMI_PROTOCOL_MESSAGE_ATTRIBUTES 0x2
#define SCMI_BASE_NOTIFY_ERRORS 0x8
#define SCMI_SENSOR 0x15
#define SCMI_SENSOR_READING_GET 0x6
#define SCMI_SENSOR_ASYNC 0x1 /* flags: answer with a delayed response */

#define SCMI_SUCCESS 0
#define SCMI_NOT_SUPPORTED (-1)
#define SCMI_NOT_FOUND (-4)

/* message_id [7:0], type 0 (command) [9:8], protocol_id [17:10], token [27:18] */
static uint32_t scmi_hdr(uint8_t protocol, uint8_t msg, uint16_t token)
{
	return msg | (uint32_t)protocol << 10 | (uint32_t)(token & 0x3ff) << 18;
}

struct scmi_resp {
	uint32_t hdr;
	int32_t status;
	uint32_t ret[2];
};

/* One command with nparam 32-bit parameters (at most 2); *len the used len. */
static bool scmi_cmd_n(struct pf_test *t, struct chk_dev *c, uint8_t protocol, uint8_t msg,
		       const uint32_t *param, unsigned nparam, struct scmi_resp *r, uint32_t *len,
		       const char *what)
{
	static uint16_t token;
	uint32_t req[3] = { 0 };

	req[0] = scmi_hdr(protocol, msg, ++token);
	for (unsigned i = 0; i < nparam && i < 2; i++)
		req[1 + i] = param[i];
	memset(r, 0, sizeof(*r));
	if (chk_dev_request(t, c, SCMI_CMDQ, req, 4 + 4 * nparam, r, sizeof(*r), len, what) != 1)
		return false;
	report_should(t, *len < 4 || r->hdr == req[0], "hdr",
		      "%s: response header 0x%08x, the command's 0x%08x expected", what, r->hdr,
		      req[0]);
	return report(t, *len >= 8, "short-response", "%s: used len %u, no status", what, *len);
}

static bool scmi_cmd(struct pf_test *t, struct chk_dev *c, uint8_t protocol, uint8_t msg,
		     const uint32_t *param, struct scmi_resp *r, uint32_t *len, const char *what)
{
	return scmi_cmd_n(t, c, protocol, msg, param, param ? 1 : 0, r, len, what);
}

/* 5.17.6.1.1: an error status comes with no return values. */
static bool scmi_error(struct pf_test *t, struct chk_dev *c, uint8_t protocol, uint8_t msg,
		       const uint32_t *param, int32_t want, const char *sub, const char *what)
{
	struct scmi_resp r;
	uint32_t len;

	if (!scmi_cmd(t, c, protocol, msg, param, &r, &len, what))
		return false;
	if (want)
		report(t, r.status == want, sub, "%s: status %d, %d expected", what, r.status,
		       want);
	report(t, r.status == SCMI_SUCCESS || len == 8, "error-size",
	       "%s: status %d with used len %u, only the status (8) may follow the header", what,
	       r.status, len);
	return true;
}

/* Several commands in flight at once, every one answered. */
static void scmi_burst(struct pf_test *t, struct chk_dev *c)
{
	uint16_t n = c->vq[SCMI_CMDQ].num < CHK_DEV_SLOTS ? c->vq[SCMI_CMDQ].num : CHK_DEV_SLOTS;
	uint32_t req, len;
	int s;

	for (uint16_t i = 0; i < n; i++) {
		req = scmi_hdr(SCMI_BASE, SCMI_PROTOCOL_VERSION, (uint16_t)(0x200 + i));
		if (chk_dev_post(t, c, SCMI_CMDQ, &req, 4, sizeof(struct scmi_resp)) < 0)
			return;
	}
	chk_dev_kick(c, SCMI_CMDQ);
	for (uint16_t i = 0; i < n && !report_stopped(t); i++) {
		int rc = chk_dev_wait(t, c, SCMI_CMDQ, &s, &len);

		if (rc == PF_ETIMEDOUT)
			report(t, false, "burst/no-used",
			       "%u of %u commands in flight never answered", n - i, n);
		if (rc != 1)
			return;
	}
}

void check_SCMI_BASE(struct pf_test *t)
{
	uint32_t param = 1, len;
	struct scmi_resp r;
	struct chk_dev c;

	/* no feature: P2A_CHANNELS left out on purpose */
	if (!chk_dev_open(t, &c, 0, 1, true))
		return;
	if (!scmi_cmd(t, &c, SCMI_BASE, SCMI_PROTOCOL_VERSION, NULL, &r, &len,
		      "BASE PROTOCOL_VERSION"))
		goto out;
	report_log(t, 1, "BASE protocol version 0x%08x (status %d)", r.ret[0], r.status);
	report_should(t, r.status == SCMI_SUCCESS && len == 12, "version",
		      "BASE PROTOCOL_VERSION: status %d, used len %u (SUCCESS, 12 expected)",
		      r.status, len);
	scmi_burst(t, &c);
	if (report_stopped(t) ||
	    !scmi_error(t, &c, SCMI_BASE, 0x7f, NULL, SCMI_NOT_SUPPORTED, "unknown-message",
			"BASE message 0x7f") ||
	    !scmi_error(t, &c, 0xff, SCMI_PROTOCOL_VERSION, NULL, 0, "", "protocol 0xff") ||
	    !scmi_error(t, &c, SCMI_BASE, SCMI_BASE_NOTIFY_ERRORS, &param, SCMI_NOT_SUPPORTED,
			"notify-without-p2a", "BASE_NOTIFY_ERRORS without P2A_CHANNELS"))
		goto out;
	/* a delayed response asked for: SENSOR_READING_GET, async */
	{
		const uint32_t sensor[2] = { 0, SCMI_SENSOR_ASYNC };

		if (!scmi_cmd_n(t, &c, SCMI_SENSOR, SCMI_SENSOR_READING_GET, sensor, 2, &r, &len,
				"async SENSOR_READING_GET without P2A_CHANNELS"))
			goto out;
		report(t, r.status == SCMI_NOT_SUPPORTED, "delayed-without-p2a",
		       "a delayed response asked for without P2A_CHANNELS: status %d, "
		       "NOT_SUPPORTED expected",
		       r.status);
	}
	param = SCMI_BASE_NOTIFY_ERRORS;
	if (!scmi_cmd(t, &c, SCMI_BASE, SCMI_PROTOCOL_MESSAGE_ATTRIBUTES, &param, &r, &len,
		      "PROTOCOL_MESSAGE_ATTRIBUTES(BASE_NOTIFY_ERRORS)"))
		goto out;
	report(t, r.status != SCMI_SUCCESS, "advertised-without-p2a",
	       "BASE_NOTIFY_ERRORS is advertised (SUCCESS) without P2A_CHANNELS");
	report(t, r.status == SCMI_SUCCESS || len == 8, "error-size",
	       "PROTOCOL_MESSAGE_ATTRIBUTES: status %d with used len %u", r.status, len);
out:
	chk_dev_close(&c);
}

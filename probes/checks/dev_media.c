/* SPDX-License-Identifier: MIT */
/* The media device suite (5.22): V4L2 over the commandq. */
#include <string.h>

#include "dev_queue.h"
#include "report.h"

#define MEDIA_COMMANDQ 0

#define MEDIA_CMD_OPEN 1
#define MEDIA_CMD_CLOSE 2
#define MEDIA_CMD_IOCTL 3

#define MEDIA_ENOTTY 25

/* ioctl codes: the second argument of videodev2.h's _IO* macros */
#define VIDIOC_QUERYCAP 0 /* _IOR, struct v4l2_capability */
#define V4L2_CAPABILITY_SIZE 104u
#define VIDIOC_LOG_STATUS 70 /* _IO, driver-only (5.22.6.1.5.7) */
#define VIDIOC_UNKNOWN 0xfe  /* no ioctl of videodev2.h */

struct media_resp {
	uint32_t status;
	uint32_t reserved;
	uint32_t session_id; /* OPEN */
	uint32_t reserved2;
};

/* A command of `out_len` bytes answered in `in_cap` bytes; false when the
 * check cannot go on (reported). */
static bool media_cmd(struct pf_test *t, struct chk_dev *c, const void *out, uint32_t out_len,
		      void *in, uint32_t in_cap, uint32_t *len, const char *what)
{
	if (chk_dev_request(t, c, MEDIA_COMMANDQ, out, out_len, in, in_cap, len, what) != 1)
		return false;
	return report(t, *len >= 8, "short-response", "%s: used len %u, no response header", what,
		      *len);
}

static bool media_open(struct pf_test *t, struct chk_dev *c, uint32_t *session)
{
	uint32_t cmd[2] = { MEDIA_CMD_OPEN, 0 }, len;
	struct media_resp r;

	memset(&r, 0, sizeof(r));
	if (!media_cmd(t, c, cmd, sizeof(cmd), &r, sizeof(r), &len, "OPEN"))
		return false;
	if (r.status) {
		report_skip(t, "OPEN failed with status %u", r.status);
		return false;
	}
	*session = r.session_id;
	return report(t, len == sizeof(r), "open-len", "OPEN: used len %u, 16 expected", len);
}

static void media_close(struct pf_test *t, struct chk_dev *c, uint32_t session)
{
	uint32_t cmd[4] = { MEDIA_CMD_CLOSE, 0, session, 0 }, len;
	struct media_resp r;

	media_cmd(t, c, cmd, sizeof(cmd), &r, 8, &len, "CLOSE");
}

/* An ioctl without a device-readable payload; *status its status. */
static bool media_ioctl(struct pf_test *t, struct chk_dev *c, uint32_t session, uint32_t code,
			uint8_t *payload, uint32_t size, uint32_t *status, uint32_t *len,
			const char *what)
{
	uint32_t cmd[4] = { MEDIA_CMD_IOCTL, 0, session, code };
	uint8_t in[8 + V4L2_CAPABILITY_SIZE];

	if (!media_cmd(t, c, cmd, sizeof(cmd), in, 8 + size, len, what))
		return false;
	memcpy(status, in, 4);
	if (size)
		memcpy(payload, in + 8, size);
	return true;
}

void check_MEDIA_SESSION(struct pf_test *t)
{
	uint8_t cap[V4L2_CAPABILITY_SIZE];
	uint32_t s1, s2, status, len, cmd[2] = { 0x7f, 0 };
	struct chk_dev c;
	struct media_resp r;

	if (!chk_dev_open(t, &c, 0, 1, true))
		return;
	if (!media_open(t, &c, &s1))
		goto out;
	if (!media_open(t, &c, &s2))
		goto close1;
	report(t, s1 != s2, "session-reused", "two open sessions both have session_id %u", s1);
	if (!media_ioctl(t, &c, s1, VIDIOC_QUERYCAP, cap, sizeof(cap), &status, &len,
			 "VIDIOC_QUERYCAP"))
		goto close2;
	report_log(t, 1, "VIDIOC_QUERYCAP: status %u, driver \"%.16s\"", status, cap);
	report(t, status || len == 8 + sizeof(cap), "payload-not-written",
	       "VIDIOC_QUERYCAP succeeded with used len %u: the %u-byte payload not written", len,
	       (unsigned)sizeof(cap));
	if (!media_ioctl(t, &c, s1, VIDIOC_UNKNOWN, NULL, 0, &status, &len, "ioctl code 0xfe"))
		goto close2;
	report(t, status == MEDIA_ENOTTY, "unsupported-ioctl",
	       "unknown ioctl code 0xfe: status %u, ENOTTY (25) expected", status);
	if (!media_ioctl(t, &c, s2, VIDIOC_LOG_STATUS, NULL, 0, &status, &len, "VIDIOC_LOG_STATUS"))
		goto close2;
	report(t, status == MEDIA_ENOTTY, "unsupported-ioctl",
	       "VIDIOC_LOG_STATUS (driver-only): status %u, ENOTTY (25) expected", status);
	if (media_cmd(t, &c, cmd, sizeof(cmd), &r, 8, &len, "command 0x7f"))
		report_should(t, r.status != 0, "unknown-command",
			      "unknown command 0x7f answered status 0");
close2:
	media_close(t, &c, s2);
close1:
	media_close(t, &c, s1);
out:
	chk_dev_close(&c);
}

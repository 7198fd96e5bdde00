/* SPDX-License-Identifier: MIT */
/*
 * The file system device suite (5.11): configuration, and FUSE requests on
 * the first request queue as a FUSE driver starts a session.
 */
#include <string.h>

#include "dev_queue.h"
#include "helpers.h"
#include "report.h"

#define FS_CFG_TAG 0
#define FS_TAG_LEN 36
#define FS_CFG_NUM_REQUEST_QUEUES 36
#define FS_HIPRIO 0
#define FS_REQUESTQ 1 /* VIRTIO_FS_F_NOTIFICATION is never negotiated */

#define FUSE_LOOKUP 1
#define FUSE_GETATTR 3
#define FUSE_INIT 26
#define FUSE_IN_HDR 40u
#define FUSE_OUT_HDR 16u
#define FUSE_ROOT_ID 1
#define FUSE_KERNEL_VERSION 7
#define FUSE_MINOR 31
#define FS_ENOENT 2
#define FS_S_IFMT 0170000u
#define FS_S_IFDIR 0040000u
#define FS_REPLY_MAX 256u

void check_FS_CONFIG(struct pf_test *t)
{
	struct chk_dev c;
	uint32_t nrq;

	if (!chk_dev_open(t, &c, 0, 0, true))
		return;
	nrq = (uint32_t)chk_dev_cfg(&c, FS_CFG_NUM_REQUEST_QUEUES, 4);
	/* 5.11.4: at least one request queue, after hiprio */
	if (report(t, nrq >= 1, "num-request-queues", "num_request_queues is 0"))
		report(t, c.nqueues >= 1 + nrq, "queues",
		       "num_request_queues %u, but the device has %u queues in all", nrq,
		       c.nqueues);
	report_should(t, chk_dev_cfg(&c, FS_CFG_TAG, 1) != 0, "tag-empty",
		      "the tag's first byte is NUL: no name to mount by");
	chk_dev_close(&c);
}

static uint64_t fs_unique = 0x100;

/*
 * One FUSE request: `in_len` bytes of argument after the in header, reply
 * into out (header first). Checks the reply's header against the request:
 * len equal to the used len (known-device-bugs B33: a used len of 0),
 * unique echoed. Returns the reply's error (0 or a negative errno), or 1
 * if the check must end.
 */
static int fuse(struct pf_test *t, struct chk_dev *c, uint32_t opcode, uint64_t nodeid,
		const void *arg, uint32_t arg_len, uint8_t *out, uint32_t out_cap, const char *what)
{
	uint8_t in[FUSE_IN_HDR + 64];
	uint32_t len, rlen;
	int32_t err;

	if (arg_len > sizeof(in) - FUSE_IN_HDR)
		return 1;
	memset(in, 0, sizeof(in));
	chk_put_le(in, FUSE_IN_HDR + arg_len, 4);
	chk_put_le(in + 4, opcode, 4);
	chk_put_le(in + 8, ++fs_unique, 8);
	chk_put_le(in + 16, nodeid, 8);
	memcpy(in + FUSE_IN_HDR, arg, arg_len);
	memset(out, 0, out_cap);
	if (chk_dev_request(t, c, FS_REQUESTQ, in, FUSE_IN_HDR + arg_len, out, out_cap, &len,
			    what) != 1)
		return 1;
	rlen = (uint32_t)chk_le(out, 4);
	err = (int32_t)chk_le(out + 4, 4);
	if (!report_should(t, len >= FUSE_OUT_HDR && rlen == len, "reply-len",
			   "%s: reply header len %u, used len %u", what, rlen, len) ||
	    !report_should(t, chk_le(out + 8, 8) == fs_unique, "unique",
			   "%s: reply unique 0x%llx, request 0x%llx", what,
			   (unsigned long long)chk_le(out + 8, 8), (unsigned long long)fs_unique))
		return 1;
	return err > 0 ? 1 : err;
}

void check_FS_REQUEST(struct pf_test *t)
{
	static uint8_t out[FS_REPLY_MAX];
	uint8_t arg[64];
	struct chk_dev c;
	uint32_t mode;
	int err;

	if (!chk_dev_open(t, &c, 0, 0, true))
		return;
	if (c.nqueues < 2) {
		report_error(t, "no request queue set up (%u queues)", c.nqueues);
		goto out;
	}
	memset(arg, 0, sizeof(arg));
	chk_put_le(arg, FUSE_KERNEL_VERSION, 4);
	chk_put_le(arg + 4, FUSE_MINOR, 4);
	err = fuse(t, &c, FUSE_INIT, 0, arg, 64, out, FUSE_OUT_HDR + 64, "FUSE_INIT");
	if (err > 0 || !report_should(t, !err, "init-error", "FUSE_INIT failed with %d", err) ||
	    !report_should(t, chk_le(out + FUSE_OUT_HDR, 4) == FUSE_KERNEL_VERSION, "init-major",
			   "FUSE_INIT answered major %u", (unsigned)chk_le(out + FUSE_OUT_HDR, 4)))
		goto out;
	/* the root is a directory (struct fuse_attr_out: mode at 16 + 60) */
	memset(arg, 0, sizeof(arg));
	err = fuse(t, &c, FUSE_GETATTR, FUSE_ROOT_ID, arg, 16, out, FUSE_OUT_HDR + 104,
		   "FUSE_GETATTR of the root");
	if (err > 0 || !report_should(t, !err, "getattr-error", "FUSE_GETATTR failed with %d", err))
		goto out;
	mode = (uint32_t)chk_le(out + FUSE_OUT_HDR + 76, 4);
	if (!report_should(t, (mode & FS_S_IFMT) == FS_S_IFDIR, "root-not-dir",
			   "the root's mode is 0%o", mode))
		goto out;
	err = fuse(t, &c, FUSE_LOOKUP, FUSE_ROOT_ID, "pf-no-such-name", 16, out, FUSE_OUT_HDR + 128,
		   "FUSE_LOOKUP of a missing name");
	if (err <= 0)
		report_should(t, err == -FS_ENOENT, "lookup-missing",
			      "FUSE_LOOKUP of a missing name gave %d, not -ENOENT", err);
out:
	chk_dev_close(&c);
}

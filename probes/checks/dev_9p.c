/* SPDX-License-Identifier: MIT */
/*
 * The 9P transport suite (virtio-9p): the mount tag, and a 9P2000.L
 * session on the request queue as a 9P client starts one.
 */
#include <string.h>

#include "dev_queue.h"
#include "helpers.h"
#include "report.h"

#define P9_REQUESTQ 0
#define VIRTIO_9P_MOUNT_TAG 0
#define P9_MSIZE 8192u
#define P9_REPLY_MAX 512u
#define P9_NOTAG 0xffffu
#define P9_NOFID 0xffffffffu
#define P9_ENOENT 2
#define P9_QTDIR 0x80

enum {
	P9_RLERROR = 7,
	P9_TLOPEN = 12,
	P9_TREADDIR = 40,
	P9_TVERSION = 100,
	P9_TATTACH = 104,
	P9_TWALK = 110,
	P9_TREAD = 116,
	P9_TCLUNK = 120,
	P9_EACCES = 13,
	P9_EROFS = 30,
	P9_DT_REG = 8,
	P9_NAME_MAX = 64,
	P9_READ_COUNT = 256,
};

void check_P9_CONFIG(struct pf_test *t)
{
	struct chk_dev c;
	uint16_t len;

	if (!chk_drivable(t))
		return;
	if (!(t->dev->features & VIRTIO_BIT(VIRTIO_9P_MOUNT_TAG))) {
		report_na(t, "MOUNT_TAG not offered");
		return;
	}
	if (!chk_dev_open(t, &c, VIRTIO_BIT(VIRTIO_9P_MOUNT_TAG), 1, true))
		return;
	len = (uint16_t)chk_dev_cfg(&c, 0, 2);
	if (report_should(t, len >= 1 && len <= 256, "tag-len", "tag_len is %u", len)) {
		for (uint16_t i = 0; i < len; i++) {
			uint8_t b = (uint8_t)chk_dev_cfg(&c, 2u + i, 1);

			if (!report_should(t, b >= 0x20 && b < 0x7f, "tag-byte",
					   "tag byte %u is 0x%02x", i, b))
				break;
		}
	}
	chk_dev_close(&c);
}

/* A 9P message being built: size[4] type[1] tag[2] then the fields. */
struct p9_msg {
	uint8_t b[128];
	uint32_t n;
};

static void p9_begin(struct p9_msg *m, uint8_t type, uint16_t tag)
{
	m->n = 7;
	m->b[4] = type;
	chk_put_le(m->b + 5, tag, 2);
}

static void p9_int(struct p9_msg *m, uint64_t v, unsigned w)
{
	if (m->n + w <= sizeof(m->b))
		chk_put_le(m->b + m->n, v, w);
	m->n += w;
}

static void p9_str(struct p9_msg *m, const char *s)
{
	uint16_t l = (uint16_t)strlen(s);

	p9_int(m, l, 2);
	if (m->n + l <= sizeof(m->b))
		memcpy(m->b + m->n, s, l);
	m->n += l;
}

static uint8_t p9_reply[P9_REPLY_MAX];

/*
 * Sends m and checks the reply's frame: size equal to the used len, the
 * tag echoed. Returns the reply type (the reply in p9_reply), or -1 if the
 * check must end.
 */
static int p9_rpc(struct pf_test *t, struct chk_dev *c, struct p9_msg *m, const char *what)
{
	uint32_t len, size;
	uint16_t tag = (uint16_t)chk_le(m->b + 5, 2);

	if (m->n > sizeof(m->b)) {
		report_error(t, "%s: message too long for the suite", what);
		return -1;
	}
	chk_put_le(m->b, m->n, 4);
	memset(p9_reply, 0, sizeof(p9_reply));
	if (chk_dev_request(t, c, P9_REQUESTQ, m->b, m->n, p9_reply, sizeof(p9_reply), &len,
			    what) != 1)
		return -1;
	size = (uint32_t)chk_le(p9_reply, 4);
	if (!report_should(t, len >= 7 && size == len, "reply-size",
			   "%s: reply size %u, used len %u", what, size, len) ||
	    !report_should(t, chk_le(p9_reply + 5, 2) == tag, "tag",
			   "%s: reply tag %u, request tag %u", what,
			   (unsigned)chk_le(p9_reply + 5, 2), tag))
		return -1;
	return p9_reply[4];
}

/* A reply that must be of `type` (else reported on sub, -1). */
static bool p9_expect(struct pf_test *t, int rt, uint8_t type, const char *sub, const char *what)
{
	if (rt < 0)
		return false;
	if (rt == P9_RLERROR)
		return report_should(t, false, sub, "%s: Rlerror %u", what,
				     (unsigned)chk_le(p9_reply + 7, 4));
	return report_should(t, rt == type, sub, "%s: reply type %d, not %u", what, rt, type);
}

/* Tversion and Tattach (root as fid 1): false if the check ends. */
static bool p9_attach(struct pf_test *t, struct chk_dev *c)
{
	struct p9_msg m;
	int rt;

	p9_begin(&m, P9_TVERSION, P9_NOTAG);
	p9_int(&m, P9_MSIZE, 4);
	p9_str(&m, "9P2000.L");
	rt = p9_rpc(t, c, &m, "Tversion");
	if (!p9_expect(t, rt, P9_TVERSION + 1, "version", "Tversion") ||
	    !report_should(t, chk_le(p9_reply + 7, 4) <= P9_MSIZE, "msize",
			   "Rversion msize %u is more than the %u asked",
			   (unsigned)chk_le(p9_reply + 7, 4), P9_MSIZE) ||
	    !report_should(t,
			   chk_le(p9_reply + 11, 2) == 8 && !memcmp(p9_reply + 13, "9P2000.L", 8),
			   "version-string", "Rversion does not agree on 9P2000.L"))
		return false;
	p9_begin(&m, P9_TATTACH, 1);
	p9_int(&m, 1, 4); /* fid */
	p9_int(&m, P9_NOFID, 4);
	p9_str(&m, "pf");
	p9_str(&m, "");
	p9_int(&m, 0, 4); /* n_uname */
	rt = p9_rpc(t, c, &m, "Tattach");
	return p9_expect(t, rt, P9_TATTACH + 1, "attach", "Tattach") &&
	       report_should(t, p9_reply[7] & P9_QTDIR, "root-not-dir",
			     "the attached root's qid type is 0x%02x", p9_reply[7]);
}

void check_P9_SESSION(struct pf_test *t)
{
	struct chk_dev c;
	struct p9_msg m;
	int rt;

	if (!chk_dev_open(t, &c, VIRTIO_BIT(VIRTIO_9P_MOUNT_TAG), 1, true))
		return;
	if (!p9_attach(t, &c))
		goto out;
	/* a missing name: Rlerror ENOENT, nothing walked */
	p9_begin(&m, P9_TWALK, 2);
	p9_int(&m, 1, 4);
	p9_int(&m, 2, 4);
	p9_int(&m, 1, 2);
	p9_str(&m, "pf-no-such-name");
	rt = p9_rpc(t, &c, &m, "Twalk to a missing name");
	if (rt < 0 ||
	    !report_should(t, rt == P9_RLERROR && chk_le(p9_reply + 7, 4) == P9_ENOENT,
			   "walk-missing", "Twalk to a missing name gave type %d (ecode %u)", rt,
			   (unsigned)chk_le(p9_reply + 7, 4)))
		goto out;
	p9_begin(&m, P9_TCLUNK, 3);
	p9_int(&m, 1, 4);
	p9_expect(t, p9_rpc(t, &c, &m, "Tclunk"), P9_TCLUNK + 1, "clunk", "Tclunk");
out:
	chk_dev_close(&c);
}

/* Twalk from the root (fid 1) to `name` (NULL: a clone) as newfid. */
static int p9_walk(struct pf_test *t, struct chk_dev *c, uint32_t newfid, const char *name)
{
	struct p9_msg m;

	p9_begin(&m, P9_TWALK, (uint16_t)(10 + newfid));
	p9_int(&m, 1, 4);
	p9_int(&m, newfid, 4);
	p9_int(&m, name ? 1 : 0, 2);
	if (name)
		p9_str(&m, name);
	return p9_rpc(t, c, &m, "Twalk");
}

static int p9_lopen(struct pf_test *t, struct chk_dev *c, uint32_t fid, uint32_t flags)
{
	struct p9_msg m;

	p9_begin(&m, P9_TLOPEN, (uint16_t)(20 + fid));
	p9_int(&m, fid, 4);
	p9_int(&m, flags, 4);
	return p9_rpc(t, c, &m, "Tlopen");
}

/* The first regular file Rreaddir (in p9_reply) names, into name. */
static bool p9_first_file(char *name)
{
	uint32_t count = (uint32_t)chk_le(p9_reply + 7, 4), off = 0;
	const uint8_t *e = p9_reply + 11;

	if (count > sizeof(p9_reply) - 11)
		count = sizeof(p9_reply) - 11;
	/* qid[13] offset[8] type[1] name[s] */
	while (off + 24 <= count) {
		uint16_t len = (uint16_t)chk_le(e + off + 22, 2);

		if (off + 24 + len > count)
			break;
		if (e[off + 21] == P9_DT_REG && len < P9_NAME_MAX) {
			memcpy(name, e + off + 24, len);
			name[len] = 0;
			return true;
		}
		off += 24u + len;
	}
	return false;
}

void check_P9_READ(struct pf_test *t)
{
	struct chk_dev c;
	struct p9_msg m;
	char name[P9_NAME_MAX];
	uint32_t count;
	int rt;

	if (!chk_dev_open(t, &c, VIRTIO_BIT(VIRTIO_9P_MOUNT_TAG), 1, true))
		return;
	if (!p9_attach(t, &c) ||
	    !p9_expect(t, p9_walk(t, &c, 2, NULL), P9_TWALK + 1, "walk",
		       "Twalk (clone of the root)") ||
	    !p9_expect(t, p9_lopen(t, &c, 2, 0), P9_TLOPEN + 1, "lopen", "Tlopen of the root"))
		goto out;
	p9_begin(&m, P9_TREADDIR, 30);
	p9_int(&m, 2, 4);
	p9_int(&m, 0, 8);
	p9_int(&m, sizeof(p9_reply) - 11, 4);
	if (!p9_expect(t, p9_rpc(t, &c, &m, "Treaddir"), P9_TREADDIR + 1, "readdir", "Treaddir"))
		goto out;
	if (!p9_first_file(name)) {
		report_skip(t, "the export's first directory entries name no regular file");
		goto out;
	}
	report_log(t, 2, "reading \"%s\"", name);
	if (!p9_expect(t, p9_walk(t, &c, 3, name), P9_TWALK + 1, "walk", "Twalk to a file") ||
	    !p9_expect(t, p9_lopen(t, &c, 3, 0), P9_TLOPEN + 1, "lopen", "Tlopen of a file"))
		goto out;
	p9_begin(&m, P9_TREAD, 31);
	p9_int(&m, 3, 4);
	p9_int(&m, 0, 8);
	p9_int(&m, P9_READ_COUNT, 4);
	rt = p9_rpc(t, &c, &m, "Tread");
	if (!p9_expect(t, rt, P9_TREAD + 1, "read", "Tread"))
		goto out;
	count = (uint32_t)chk_le(p9_reply + 7, 4);
	if (!report_should(t, count <= P9_READ_COUNT && chk_le(p9_reply, 4) == 11 + count,
			   "read-count", "Rread count %u for %u asked, size %u", count,
			   P9_READ_COUNT, (unsigned)chk_le(p9_reply, 4)))
		goto out;
	/* opening for writing (O_WRONLY): refused on a read-only export */
	if (!p9_expect(t, p9_walk(t, &c, 4, name), P9_TWALK + 1, "walk", "Twalk to a file"))
		goto out;
	rt = p9_lopen(t, &c, 4, 1);
	if (rt == P9_TLOPEN + 1)
		report_log(t, 2, "the export is writable: no refusal to check");
	else if (rt >= 0)
		report_should(t,
			      rt == P9_RLERROR && (chk_le(p9_reply + 7, 4) == P9_EROFS ||
						   chk_le(p9_reply + 7, 4) == P9_EACCES),
			      "write-refused", "Tlopen for writing gave type %d (ecode %u)", rt,
			      (unsigned)chk_le(p9_reply + 7, 4));
out:
	chk_dev_close(&c);
}

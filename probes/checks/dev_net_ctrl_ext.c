/* SPDX-License-Identifier: MIT */
/*
 * The network device suite (5.1): the control queue's notification
 * coalescing (VQ_NOTF_COAL) and device statistics (DEVICE_STATS).
 */
#include <string.h>

#include "dev_net.h"
#include "helpers.h"
#include "report.h"

#define NET_CTRL_STATS 8
#define NET_STATS_QUERY 0
#define NET_STATS_GET 1
#define NET_STATS_RX_BASIC (1ull << 0)
#define NET_STATS_CVQ (1ull << 32)
/* every type 5.1.6.5.10 defines: RX and TX basic, csum, gso, speed; CVQ */
#define NET_STATS_KNOWN (0xfull | 0xfull << 16 | NET_STATS_CVQ)
#define NET_STATS_RX_BASIC_SIZE 56 /* header and six counters */
#define NET_STATS_CVQ_SIZE 24	   /* header and two counters */
#define NET_CTRLQ 2		   /* MQ left out: the control queue follows pair 1 */

/*
 * Brings the device up with CTRL_VQ and the feature `bit` (n/a when not
 * offered) and the control queue at index 2 (MQ left out: it follows
 * pair 1). False when the check ends here.
 */
static bool net_ctrl_open(struct pf_test *t, struct chk_dev *c, unsigned bit, const char *name)
{
	if (!chk_offered(t, bit, name))
		return false;
	if (!chk_dev_open(t, c, VIRTIO_BIT(VIRTIO_NET_F_CTRL_VQ) | VIRTIO_BIT(bit), 3, true))
		return false;
	if (chk_dev_has(c, VIRTIO_NET_F_CTRL_VQ) && c->nqueues > NET_CTRLQ && c->vq[NET_CTRLQ].num)
		return true;
	report_error(t, "%s negotiated but no control queue at index %u", name, NET_CTRLQ);
	return false;
}

#define NET_CTRL_NOTF_COAL 6
#define NET_COAL_VQ_SET 2
#define NET_COAL_VQ_GET 3

/* struct virtio_net_ctrl_coal_vq: vq_index, reserved, max_packets, max_usecs */
static uint32_t coal_vq(uint8_t *d, uint16_t vq, uint32_t packets, uint32_t usecs)
{
	memset(d, 0, 12);
	d[0] = (uint8_t)vq;
	d[1] = (uint8_t)(vq >> 8);
	for (unsigned i = 0; i < 4; i++) {
		d[4 + i] = (uint8_t)(packets >> (8 * i));
		d[8 + i] = (uint8_t)(usecs >> (8 * i));
	}
	return 12;
}

static int coal_set(struct pf_test *t, struct chk_dev *c, uint16_t q, uint16_t vq, uint32_t packets,
		    uint32_t usecs)
{
	uint8_t d[12];

	return net_ctrl_cmd(t, c, q, NET_CTRL_NOTF_COAL, NET_COAL_VQ_SET, d,
			    coal_vq(d, vq, packets, usecs), NULL, 0);
}

/* VQ_GET of vq: 1 with the parameters in coal[8], 0 for ERR, -1 hung. */
static int coal_get(struct pf_test *t, struct chk_dev *c, uint16_t q, uint16_t vq, uint8_t *coal)
{
	uint8_t d[12];
	int ack;

	coal_vq(d, vq, 0, 0);
	ack = net_ctrl_cmd(t, c, q, NET_CTRL_NOTF_COAL, NET_COAL_VQ_GET, d, 4, coal, 8);
	return ack < 0 ? -1 : ack == VIRTIO_NET_OK;
}

/* The parameters of receiveq1 and transmitq1 read back as zero. */
static bool coal_zero(struct pf_test *t, struct chk_dev *c, uint16_t q, const char *when)
{
	static const uint8_t zero[8];
	uint8_t coal[8];

	for (uint16_t vq = 0; vq < 2; vq++) {
		int rc = coal_get(t, c, q, vq, coal);

		if (rc < 0)
			return false;
		report(t, rc == 1 && !memcmp(coal, zero, 8), "zero-on-reset",
		       "VQ_GET of queue %u %s: %s (every parameter must be 0 after a reset)", vq,
		       when, rc == 1 ? "non-zero parameters" : "VIRTIO_NET_ERR");
	}
	return !report_stopped(t);
}

/* VQ_SET and VQ_GET of a queue that is no enabled transmit or receive
 * queue: the control queue itself, and one the device does not have. */
static void coal_invalid(struct pf_test *t, struct chk_dev *c, uint16_t q)
{
	const uint16_t bad[2] = { q, 0x7fff };
	uint8_t coal[8];

	for (unsigned i = 0; i < 2 && !report_stopped(t); i++) {
		int ack = coal_set(t, c, q, bad[i], 4, 40);
		int get = ack < 0 ? -1 : coal_get(t, c, q, bad[i], coal);

		if (get < 0)
			return;
		report(t, ack == VIRTIO_NET_ERR && get == 0, "invalid-vq",
		       "VQ_SET / VQ_GET of queue %u (no enabled transmit or receive queue) "
		       "answered %d / %s (both must be VIRTIO_NET_ERR)",
		       bad[i], ack, get ? "VIRTIO_NET_OK" : "VIRTIO_NET_ERR");
	}
}

void check_NET_COALESCING(struct pf_test *t)
{
	const uint16_t q = NET_CTRLQ;
	struct chk_dev c;

	memset(&c, 0, sizeof(c));
	if (!chk_drivable(t))
		return;
	if (!net_ctrl_open(t, &c, VIRTIO_NET_F_VQ_NOTF_COAL, "VIRTIO_NET_F_VQ_NOTF_COAL"))
		goto out;
	if (!coal_zero(t, &c, q, "after a reset"))
		goto out;
	coal_invalid(t, &c, q);
	/* parameters set, then a device reset: all back to 0 */
	if (report_stopped(t) || coal_set(t, &c, q, 0, 8, 80) < 0 ||
	    coal_set(t, &c, q, 1, 7, 70) < 0)
		goto out;
	chk_dev_close(&c);
	if (chk_dev_open(t, &c,
			 VIRTIO_BIT(VIRTIO_NET_F_CTRL_VQ) | VIRTIO_BIT(VIRTIO_NET_F_VQ_NOTF_COAL),
			 3, true))
		coal_zero(t, &c, q, "after parameters were set and the device reset");
out:
	chk_dev_close(&c);
}

/* ---- device statistics (5.1.6.5.10) ---- */

/* struct virtio_net_ctrl_queue_stats entries: vq_index, reserved[3], types */
static uint32_t stats_entry(uint8_t *d, uint16_t vq, uint64_t types)
{
	memset(d, 0, 16);
	d[0] = (uint8_t)vq;
	d[1] = (uint8_t)(vq >> 8);
	for (unsigned i = 0; i < 8; i++)
		d[8 + i] = (uint8_t)(types >> (8 * i));
	return 16;
}

/* A request the device must refuse as a whole (sub-case `sub`). */
static bool stats_refused(struct pf_test *t, struct chk_dev *c, const char *sub, const uint8_t *d,
			  uint32_t len, const char *what)
{
	uint8_t reply[NET_STATS_RX_BASIC_SIZE * 2];
	int ack = net_ctrl_cmd(t, c, NET_CTRLQ, NET_CTRL_STATS, NET_STATS_GET, d, len, reply,
			       sizeof(reply));

	if (ack < 0)
		return false;
	report(t, ack == VIRTIO_NET_ERR, sub,
	       "STATS_GET with %s answered %d (must be VIRTIO_NET_ERR)", what, ack);
	return true;
}

/* Walks the replies of a valid GET: each header names the type and
 * queue asked for and gives the size it occupies. */
static void stats_replies(struct pf_test *t, const uint8_t *r, const uint8_t *types,
			  const uint16_t *vqs, const uint16_t *sizes, unsigned n)
{
	uint32_t off = 0;

	for (unsigned i = 0; i < n; i++) {
		const uint8_t *h = r + off;

		report(t, h[0] == types[i] && net_le16(h + 2) == vqs[i], "reply-type-vq",
		       "reply %u: type %u for queue %u, asked type %u for queue %u", i + 1, h[0],
		       net_le16(h + 2), types[i], vqs[i]);
		report(t, net_le16(h + 6) == sizes[i], "reply-size",
		       "reply %u (type %u): size %u, the reply occupies %u bytes", i + 1, types[i],
		       net_le16(h + 6), sizes[i]);
		off += sizes[i];
	}
}

static void stats_get(struct pf_test *t, struct chk_dev *c, uint64_t caps)
{
	uint8_t d[32], r[NET_STATS_RX_BASIC_SIZE + NET_STATS_CVQ_SIZE], types[2];
	uint16_t vqs[2], sizes[2];
	uint32_t len = 0, rlen = 0;
	unsigned n = 0;
	int ack;

	if (caps & NET_STATS_RX_BASIC) {
		len += stats_entry(d + len, NET_RXQ, NET_STATS_RX_BASIC);
		types[n] = 0;
		vqs[n] = NET_RXQ;
		sizes[n++] = NET_STATS_RX_BASIC_SIZE;
	}
	if (caps & NET_STATS_CVQ) {
		len += stats_entry(d + len, NET_CTRLQ, NET_STATS_CVQ);
		types[n] = 32;
		vqs[n] = NET_CTRLQ;
		sizes[n++] = NET_STATS_CVQ_SIZE;
	}
	for (unsigned i = 0; i < n; i++)
		rlen += sizes[i];
	if (!n)
		return;
	ack = net_ctrl_cmd(t, c, NET_CTRLQ, NET_CTRL_STATS, NET_STATS_GET, d, len, r, rlen);
	if (ack < 0 || !report(t, ack == VIRTIO_NET_OK, "get",
			       "STATS_GET of supported types answered %d", ack))
		return;
	stats_replies(t, r, types, vqs, sizes, n);
}

void check_NET_STATS(struct pf_test *t)
{
	uint8_t d[32], capb[8];
	uint64_t caps = 0;
	struct chk_dev c;
	int ack;

	memset(&c, 0, sizeof(c));
	if (!chk_drivable(t))
		return;
	if (!net_ctrl_open(t, &c, VIRTIO_NET_F_DEVICE_STATS, "VIRTIO_NET_F_DEVICE_STATS"))
		goto out;
	ack = net_ctrl_cmd(t, &c, NET_CTRLQ, NET_CTRL_STATS, NET_STATS_QUERY, NULL, 0, capb, 8);
	if (ack < 0 || !report(t, ack == VIRTIO_NET_OK, "cap-query",
			       "STATS_QUERY answered %d (must be VIRTIO_NET_OK)", ack))
		goto out;
	for (unsigned i = 0; i < 8; i++)
		caps |= (uint64_t)capb[i] << (8 * i);
	report(t, !(caps & ~NET_STATS_KNOWN), "cap-query",
	       "supported_stats_types 0x%llx has types 5.1.6.5.10 does not define",
	       (unsigned long long)caps);
	stats_get(t, &c, caps);
	/* 5.1.6.5.10: a queue out of range, an unknown type, a receive type
	 * for a transmit queue; then one good entry with a bad one */
	if (report_stopped(t) ||
	    !stats_refused(t, &c, "invalid-request", d, stats_entry(d, 0x7fff, NET_STATS_RX_BASIC),
			   "queue 0x7fff") ||
	    !stats_refused(t, &c, "invalid-request", d, stats_entry(d, NET_RXQ, 1ull << 60),
			   "the unknown type bit 60") ||
	    !stats_refused(t, &c, "invalid-request", d, stats_entry(d, NET_TXQ, NET_STATS_RX_BASIC),
			   "RX_BASIC for transmitq1"))
		goto out;
	if (caps & NET_STATS_RX_BASIC) {
		stats_entry(d, NET_RXQ, NET_STATS_RX_BASIC);
		stats_entry(d + 16, 0x7fff, NET_STATS_RX_BASIC);
		stats_refused(t, &c, "whole-command", d, 32,
			      "a valid entry and one for queue 0x7fff");
	}
out:
	chk_dev_close(&c);
}

/* SPDX-License-Identifier: MIT */
/*
 * The network device suite (5.1): device configuration per offered
 * feature and the control queue. Frames are in dev_net_rx.c, coalescing
 * and statistics in dev_net_ctrl_ext.c.
 */
#include <string.h>

#include "dev_net.h"
#include "helpers.h"
#include "report.h"

#define F(b) VIRTIO_BIT(VIRTIO_NET_F_##b)

/* Features whose configuration fields net.config reads. */
#define NET_CFG_FEATURES (F(MQ) | F(MTU) | F(SPEED_DUPLEX) | F(RSS) | F(HASH_REPORT))

static void cfg_mq(struct pf_test *t, const struct chk_dev *c)
{
	uint16_t pairs = (uint16_t)chk_dev_cfg(c, NET_CFG_MAX_VQ_PAIRS, 2);

	report(t, pairs >= 1 && pairs <= 0x8000, "max-vq-pairs",
	       "max_virtqueue_pairs %u with MQ (must be 1 to 0x8000)", pairs);
}

static void cfg_speed_duplex(struct pf_test *t, const struct chk_dev *c)
{
	uint32_t speed = (uint32_t)chk_dev_cfg(c, NET_CFG_SPEED, 4);
	uint8_t duplex = (uint8_t)chk_dev_cfg(c, NET_CFG_DUPLEX, 1);

	report(t, speed <= 0x7fffffffu || speed == 0xffffffffu, "speed",
	       "speed 0x%08x Mbit/s (must be 0 to 0x7fffffff, or 0xffffffff for unknown)", speed);
	report(t, duplex == 0 || duplex == 1 || duplex == 0xff, "duplex",
	       "duplex 0x%02x (must be 0x00 full, 0x01 half or 0xff unknown)", duplex);
}

static void cfg_rss(struct pf_test *t, const struct chk_dev *c)
{
	uint8_t key = (uint8_t)chk_dev_cfg(c, NET_CFG_RSS_KEY, 1);
	uint16_t indir = (uint16_t)chk_dev_cfg(c, NET_CFG_RSS_INDIR, 2);

	report(t, key >= 40, "rss-key", "rss_max_key_size %u (must be at least 40)", key);
	if (chk_dev_has(c, VIRTIO_NET_F_RSS))
		report(t, indir >= 128, "rss-indir",
		       "rss_max_indirection_table_length %u with RSS (must be at least 128)",
		       indir);
}

void check_NET_CONFIG(struct pf_test *t)
{
	struct chk_dev c;
	uint16_t mtu = 0;

	if (!chk_drivable(t))
		return;
	if (!(t->dev->features & NET_CFG_FEATURES)) {
		report_na(t, "none of MQ, MTU, SPEED_DUPLEX, RSS, HASH_REPORT offered");
		return;
	}
	/* MQ, RSS and HASH_REPORT need the control queue (5.1.3.1) */
	if (!chk_dev_open(t, &c, NET_CFG_FEATURES | F(CTRL_VQ), 1, true))
		goto out;
	if (chk_dev_has(&c, VIRTIO_NET_F_MQ))
		cfg_mq(t, &c);
	if (chk_dev_has(&c, VIRTIO_NET_F_MTU)) {
		mtu = (uint16_t)chk_dev_cfg(&c, NET_CFG_MTU, 2);
		report(t, mtu >= 68, "mtu", "mtu %u with MTU (must be at least 68)", mtu);
	}
	if (chk_dev_has(&c, VIRTIO_NET_F_SPEED_DUPLEX))
		cfg_speed_duplex(t, &c);
	if (chk_dev_has(&c, VIRTIO_NET_F_RSS) || chk_dev_has(&c, VIRTIO_NET_F_HASH_REPORT))
		cfg_rss(t, &c);
	if (!chk_dev_has(&c, VIRTIO_NET_F_MTU) || report_stopped(t))
		goto out;
	/* the mtu must not change: a reset is where a device would reload it */
	chk_dev_close(&c);
	if (!chk_dev_open(t, &c, NET_CFG_FEATURES | F(CTRL_VQ), 1, true))
		goto out;
	report(t, chk_dev_cfg(&c, NET_CFG_MTU, 2) == mtu, "mtu-changed",
	       "mtu read %u, then %u after a reset (must never change)", mtu,
	       (unsigned)chk_dev_cfg(&c, NET_CFG_MTU, 2));
out:
	chk_dev_close(&c);
}

/* ---- control queue (5.1.6.5) ---- */

static uint8_t ctrl_buf[2 + 64];

int net_ctrl_cmd(struct pf_test *t, struct chk_dev *c, uint16_t q, uint8_t cls, uint8_t cmd,
		 const void *data, uint32_t len, void *reply, uint32_t rlen)
{
	static uint8_t in[1 + NET_CTRL_REPLY_MAX];
	uint32_t used;
	uint8_t ack;

	if (len > sizeof(ctrl_buf) - 2 || rlen > sizeof(in) - 1)
		return -1;
	ctrl_buf[0] = cls;
	ctrl_buf[1] = cmd;
	if (len)
		memcpy(ctrl_buf + 2, data, len);
	if (chk_dev_request(t, c, q, ctrl_buf, 2 + len, in, rlen + 1, &used, "control command") !=
	    1)
		return -1;
	ack = in[rlen];
	if (rlen)
		memcpy(reply, in, rlen);
	report(t, used == rlen + 1 && (ack == VIRTIO_NET_OK || ack == VIRTIO_NET_ERR), "ack",
	       "class %u command %u: ack 0x%02x, used len %u (the device must write "
	       "VIRTIO_NET_OK or VIRTIO_NET_ERR)",
	       cls, cmd, ack, used);
	return ack;
}

static int ctrl_cmd(struct pf_test *t, struct chk_dev *c, uint16_t q, uint8_t cls, uint8_t cmd,
		    const void *data, uint32_t len)
{
	return net_ctrl_cmd(t, c, q, cls, cmd, data, len, NULL, 0);
}

/* A command that must be acknowledged OK (a MUST of the chapter). */
static bool ctrl_ok(struct pf_test *t, struct chk_dev *c, uint16_t q, const char *sub, uint8_t cls,
		    uint8_t cmd, const void *data, uint32_t len)
{
	int ack = ctrl_cmd(t, c, q, cls, cmd, data, len);

	if (ack < 0)
		return false;
	report(t, ack == VIRTIO_NET_OK, sub, "class %u command %u answered %d, not VIRTIO_NET_OK",
	       cls, cmd, ack);
	return true;
}

/* A command whose answer 5.1.6.5 describes but no device MUST states. */
static bool ctrl_expect(struct pf_test *t, struct chk_dev *c, uint16_t q, const char *sub,
			uint8_t want, uint8_t cls, uint8_t cmd, const void *data, uint32_t len)
{
	int ack = ctrl_cmd(t, c, q, cls, cmd, data, len);

	if (ack < 0)
		return false;
	report_should(t, ack == want, sub, "class %u command %u answered %d, expected %s", cls, cmd,
		      ack, want == VIRTIO_NET_OK ? "VIRTIO_NET_OK" : "VIRTIO_NET_ERR");
	return true;
}

static bool ctrl_rx(struct pf_test *t, struct chk_dev *c, uint16_t q)
{
	static const uint8_t on = 1, off = 0;
	bool ok = true;

	/* promisc and allmulti always (CTRL_RX); the rest with RX_EXTRA */
	for (uint8_t cmd = 0; cmd < 6 && ok && !report_stopped(t); cmd++) {
		const char *sub = cmd < 2 ? "rx-mode" : "rx-extra";

		if (cmd >= 2 && !chk_dev_has(c, VIRTIO_NET_F_CTRL_RX_EXTRA))
			break;
		ok = ctrl_ok(t, c, q, sub, VIRTIO_NET_CTRL_RX, cmd, &on, 1) &&
		     ctrl_ok(t, c, q, sub, VIRTIO_NET_CTRL_RX, cmd, &off, 1);
	}
	return ok;
}

static bool ctrl_mac(struct pf_test *t, struct chk_dev *c, uint16_t q)
{
	static const uint8_t mac[6] = { 0x02, 0x70, 0x66, 0x00, 0x00, 0x02 };
	/* one unicast, one multicast entry (struct virtio_net_ctrl_mac) */
	static const uint8_t table[] = { 1, 0, 0, 0, 0x02, 0x70, 0x66, 0, 0, 0x03,
					 1, 0, 0, 0, 0x01, 0x00, 0x5e, 0, 0, 0x01 };
	uint8_t now[6];

	if (chk_dev_has(c, VIRTIO_NET_F_CTRL_MAC_ADDR) && chk_dev_has(c, VIRTIO_NET_F_MAC)) {
		if (!ctrl_ok(t, c, q, "mac-addr-set", VIRTIO_NET_CTRL_MAC, 1, mac, 6))
			return false;
		/* 5.1.6.5.2: mac reflects it by the time the command is used */
		for (unsigned i = 0; i < 6; i++)
			now[i] = (uint8_t)chk_dev_cfg(c, NET_CFG_MAC + i, 1);
		report(t, !memcmp(now, mac, 6), "mac-config",
		       "mac reads %02x:%02x:%02x:%02x:%02x:%02x after MAC_ADDR_SET of "
		       "02:70:66:00:00:02",
		       now[0], now[1], now[2], now[3], now[4], now[5]);
	}
	return !chk_dev_has(c, VIRTIO_NET_F_CTRL_RX) ||
	       ctrl_expect(t, c, q, "mac-table", VIRTIO_NET_OK, VIRTIO_NET_CTRL_MAC, 0, table,
			   sizeof(table));
}

static bool ctrl_vlan_announce(struct pf_test *t, struct chk_dev *c, uint16_t q)
{
	static const uint8_t vid[2] = { 100, 0 };

	if (chk_dev_has(c, VIRTIO_NET_F_CTRL_VLAN) &&
	    (!ctrl_expect(t, c, q, "vlan", VIRTIO_NET_OK, VIRTIO_NET_CTRL_VLAN, 0, vid, 2) ||
	     !ctrl_expect(t, c, q, "vlan", VIRTIO_NET_OK, VIRTIO_NET_CTRL_VLAN, 1, vid, 2)))
		return false;
	if (chk_dev_has(c, VIRTIO_NET_F_GUEST_ANNOUNCE) && chk_dev_has(c, VIRTIO_NET_F_STATUS)) {
		/* the answer depends on whether an announcement was pending;
		 * what must hold is that none is afterwards */
		if (ctrl_cmd(t, c, q, VIRTIO_NET_CTRL_ANNOUNCE, 0, NULL, 0) < 0)
			return false;
		report(t, !(chk_dev_cfg(c, NET_CFG_STATUS, 2) & VIRTIO_NET_S_ANNOUNCE),
		       "announce-ack", "status still has ANNOUNCE after ANNOUNCE_ACK was used");
	}
	return true;
}

static bool ctrl_mq(struct pf_test *t, struct chk_dev *c, uint16_t q, uint16_t pairs)
{
	uint8_t v[2];

	if (!chk_dev_has(c, VIRTIO_NET_F_MQ))
		return true;
	for (unsigned i = 0; i < 3; i++) {
		/* 1 (valid), 0 and max + 1 (out of range: 5.1.6.5.6.1) */
		uint32_t n = i == 0 ? 1u : i == 1 ? 0u : pairs + 1u;

		v[0] = (uint8_t)n;
		v[1] = (uint8_t)(n >> 8);
		if (!ctrl_expect(t, c, q, "mq-pairs", i ? VIRTIO_NET_ERR : VIRTIO_NET_OK,
				 VIRTIO_NET_CTRL_MQ, 0, v, 2))
			return false;
	}
	return true;
}

/*
 * 5.1.6.5.6: with RSS, VIRTIO_NET_CTRL_MQ_RSS_CONFIG must be
 * supported; with HASH_REPORT alone, VIRTIO_NET_CTRL_MQ_HASH_CONFIG. Each
 * is sent valid: every supported hash type, a one-entry indirection table
 * to queue 0, a key of rss_max_key_size bytes (at most 40 sent).
 */
static bool ctrl_hash(struct pf_test *t, struct chk_dev *c, uint16_t q)
{
	uint8_t d[24 + 40], klen = (uint8_t)chk_dev_cfg(c, NET_CFG_RSS_KEY, 1);
	uint32_t types = (uint32_t)chk_dev_cfg(c, NET_CFG_HASH_TYPES, 4), n;
	bool rss = chk_dev_has(c, VIRTIO_NET_F_RSS);

	if (!rss && !chk_dev_has(c, VIRTIO_NET_F_HASH_REPORT))
		return true;
	if (klen > 40)
		klen = 40;
	memset(d, 0, sizeof(d));
	for (unsigned i = 0; i < 4; i++)
		d[i] = (uint8_t)(types >> (8 * i));
	/* RSS: mask 0, unclassified queue 0, table {0}, max_tx_vq 1; hash
	 * configuration: reserved[4]. Either way the key length is at 12. */
	if (rss)
		d[10] = 1;
	n = 12;
	d[n++] = klen;
	for (unsigned i = 0; i < klen; i++)
		d[n++] = (uint8_t)(0x6d + 3 * i);
	return ctrl_ok(t, c, q, rss ? "rss-config" : "hash-config", VIRTIO_NET_CTRL_MQ, rss ? 1 : 2,
		       d, n);
}

void check_NET_CTRL(struct pf_test *t)
{
	uint64_t want = F(CTRL_VQ) | F(CTRL_RX) | F(CTRL_RX_EXTRA) | F(CTRL_VLAN) |
			F(CTRL_MAC_ADDR) | F(GUEST_ANNOUNCE) | F(MAC) | F(STATUS) | F(MQ) | F(RSS) |
			F(HASH_REPORT);
	uint16_t pairs = 1, q;
	struct chk_dev c;

	if (!chk_drivable(t))
		return;
	if (!chk_offered(t, VIRTIO_NET_F_CTRL_VQ, "VIRTIO_NET_F_CTRL_VQ"))
		return;
	/* with MQ the control queue comes after every pair: only when the
	 * probe can set them all up */
	if (t->dev->num_queues > VIRTIO_MAX_QUEUES)
		want &= ~F(MQ);
	if (!chk_dev_open(t, &c, want, 0, true))
		goto out;
	if (chk_dev_has(&c, VIRTIO_NET_F_MQ))
		pairs = (uint16_t)chk_dev_cfg(&c, NET_CFG_MAX_VQ_PAIRS, 2);
	q = (uint16_t)(2u * pairs);
	if (q >= c.nqueues || !c.vq[q].num) {
		report_error(t, "no control queue at index %u (%u queues)", q, c.nqueues);
		goto out;
	}
	if (chk_dev_has(&c, VIRTIO_NET_F_CTRL_RX) && !ctrl_rx(t, &c, q))
		goto out;
	if (!ctrl_mac(t, &c, q) || !ctrl_vlan_announce(t, &c, q) || !ctrl_mq(t, &c, q, pairs) ||
	    !ctrl_hash(t, &c, q))
		goto out;
	/* an unknown class, and an unknown command of a known class */
	if (ctrl_expect(t, &c, q, "unknown-class", VIRTIO_NET_ERR, 0x7f, 0, NULL, 0))
		ctrl_expect(t, &c, q, "unknown-command", VIRTIO_NET_ERR, VIRTIO_NET_CTRL_RX, 0x7f,
			    NULL, 0);
out:
	chk_dev_close(&c);
}

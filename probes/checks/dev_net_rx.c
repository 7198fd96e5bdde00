/* SPDX-License-Identifier: MIT */
/*
 * The network device suite (5.1), frames both ways: the probe transmits a
 * frame, the runner's echo peer (tools/net-peer) sends it back with its
 * addresses swapped, and the receive side is checked against 5.1.6.4.
 */
#include <string.h>

#include "dev_net.h"
#include "platform.h"
#include "helpers.h"
#include "report.h"

/* The peer's address: locally administered, never a real station's. */
static const uint8_t net_peer_mac[6] = { 0x02, 0x70, 0x66, 0x00, 0x00, 0xfe };

#define NET_ETHERTYPE 0x88b5 /* IEEE local experimental */
#define NET_RX_BUF 1526u     /* 5.1.6.3.1: 1514 + the header, without MRG_RXBUF */
#define NET_MRG_BUF 256u     /* receive buffers the merged frame must span */
#define NET_MRG_FRAME 1000u
#define NET_RX_POSTED 4

static uint8_t net_tx[NET_HDR_LEN + 1514];
static uint8_t net_sent[1514], net_got[1514];

uint32_t net_hdr_len(const struct chk_dev *c)
{
	return chk_dev_has(c, VIRTIO_F_VERSION_1) || chk_dev_has(c, VIRTIO_NET_F_MRG_RXBUF)
		       ? NET_HDR_LEN
		       : NET_HDR_LEN_LEGACY;
}

void net_src_mac(const struct chk_dev *c, uint8_t mac[6])
{
	static const uint8_t local[6] = { 0x02, 0x70, 0x66, 0x00, 0x00, 0x01 };

	if (!chk_dev_has(c, VIRTIO_NET_F_MAC)) {
		memcpy(mac, local, 6);
		return;
	}
	for (unsigned i = 0; i < 6; i++)
		mac[i] = (uint8_t)chk_dev_cfg(c, NET_CFG_MAC + i, 1);
}

void net_frame(uint8_t *f, uint32_t len, const uint8_t src[6], uint8_t seed)
{
	memcpy(f, net_peer_mac, 6);
	memcpy(f + 6, src, 6);
	f[12] = NET_ETHERTYPE >> 8;
	f[13] = NET_ETHERTYPE & 0xff;
	for (uint32_t i = NET_ETH_HDR; i < len; i++)
		f[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

int net_send(struct pf_test *t, struct chk_dev *c, const uint8_t *f, uint32_t len)
{
	uint32_t hl = net_hdr_len(c), used;

	/* 5.1.6.2: a plain frame, no offload asked; num_buffers 0 */
	memset(net_tx, 0, hl);
	memcpy(net_tx + hl, f, len);
	return chk_dev_request(t, c, NET_TXQ, net_tx, hl + len, NULL, 0, &used, "transmit");
}

bool net_check_echo(struct pf_test *t, const char *sub, const uint8_t *sent, const uint8_t *got,
		    uint32_t len)
{
	bool ok = !memcmp(got, sent + 6, 6) && !memcmp(got + 6, sent, 6) &&
		  !memcmp(got + 12, sent + 12, len - 12);

	return report(t, ok, sub, "the %u-byte frame received is not the one sent, echoed", len);
}

/* Opens the device for frames: the receive and transmit queues of pair 0,
 * STATUS read to see the link. */
static bool net_open(struct pf_test *t, struct chk_dev *c, uint64_t want)
{
	uint16_t status;

	if (!chk_dev_open(t, c,
			  want | VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS), 2,
			  true))
		return false;
	if (c->nqueues < 2 || !c->vq[NET_RXQ].num || !c->vq[NET_TXQ].num) {
		report_error(t, "the device has no receiveq1/transmitq1 pair");
		return false;
	}
	if (!chk_dev_has(c, VIRTIO_NET_F_STATUS))
		return true;
	status = (uint16_t)chk_dev_cfg(c, NET_CFG_STATUS, 2);
	/* 5.1.4 defines two bits; no device MUST forbids others */
	report_should(t, !(status & ~(VIRTIO_NET_S_LINK_UP | VIRTIO_NET_S_ANNOUNCE)),
		      "status-reserved", "status 0x%04x sets bits other than LINK_UP and ANNOUNCE",
		      status);
	if (!(status & VIRTIO_NET_S_LINK_UP)) {
		report_skip(t, "the link is down (status without LINK_UP): no frame can pass");
		return false;
	}
	return true;
}

/* A received frame crosses the host: the echo peer is a host process, and
 * on a loaded host it is scheduled later than a device inside the
 * hypervisor answers, which is what the calibrated wait measures. The wait
 * for it therefore goes on, in calibrated steps, up to this bound. */
#define NET_ECHO_MAX_NS (5ULL * 1000 * 1000 * 1000)

/* Waits for the next received buffer; a frame that never comes back is a
 * failure naming the peer, and the check ends. */
static int net_rx_wait(struct pf_test *t, struct chk_dev *c, int *slot, uint32_t *len)
{
	uint64_t start = arch_now_ns();
	int rc;

	do
		rc = chk_dev_wait(t, c, NET_RXQ, slot, len);
	while (rc == PF_ETIMEDOUT && arch_now_ns() - start < NET_ECHO_MAX_NS);
	if (rc == PF_ETIMEDOUT)
		report(t, false, "no-echo",
		       "no frame came back on receiveq1 within %llu ms (is the target's echo "
		       "peer connected?)",
		       (unsigned long long)((arch_now_ns() - start) / 1000000));
	return rc;
}

/* 5.1.6.4.1: a header without any negotiated receive offload. */
static void check_plain_hdr(struct pf_test *t, const struct chk_dev *c, const uint8_t *h)
{
	uint8_t flags = h[NET_HDR_FLAGS], gso = h[NET_HDR_GSO_TYPE];

	report(t, !(flags & VIRTIO_NET_HDR_F_RSC_INFO), "flags-rsc-info",
	       "RSC_INFO set in flags 0x%02x without RSC_EXT", flags);
	report(t, !(flags & VIRTIO_NET_HDR_F_UDP_TUNNEL_CSUM), "flags-tunnel-csum",
	       "UDP_TUNNEL_CSUM set in flags 0x%02x without GUEST_UDP_TUNNEL_GSO_CSUM", flags);
	report(t, flags == 0 || chk_dev_has(c, VIRTIO_NET_F_GUEST_CSUM), "flags",
	       "flags 0x%02x without GUEST_CSUM negotiated (must be 0)", flags);
	report(t, gso == VIRTIO_NET_HDR_GSO_NONE, "gso-type",
	       "gso_type 0x%02x without any GUEST_TSO4/TSO6/UFO/USO4/USO6 or tunnel GSO "
	       "feature negotiated (must be GSO_NONE)",
	       gso);
}

/* At most this many frames that are not the echo are passed over while
 * waiting for it. */
#define NET_FOREIGN_MAX 32

/* Whether a received frame is the echo of `sent` (its ethertype and the
 * first payload bytes, which carry the frame's seed), not another frame on
 * the link: the peer also echoes what earlier checks transmitted, and the
 * hypervisor may hold those for a receive queue that was not ready. A
 * corrupted or cut echo is still recognised, and judged. */
static bool is_echo_of(const uint8_t *sent, uint32_t flen, const uint8_t *got, uint32_t got_len)
{
	return got_len >= NET_ETH_HDR + 2 && flen >= NET_ETH_HDR + 2 &&
	       !memcmp(got + 12, sent + 12, 4);
}

/* One frame of `flen` bytes out and back, in one receive buffer. */
static bool loop_one(struct pf_test *t, struct chk_dev *c, uint32_t flen, uint8_t seed)
{
	uint32_t hl = net_hdr_len(c), len;
	const uint8_t *in;
	uint8_t src[6];
	int slot, rc;
	unsigned foreign = 0;

	net_src_mac(c, src);
	net_frame(net_sent, flen, src, seed);
	if (net_send(t, c, net_sent, flen) != 1)
		return false;
	for (;;) {
		rc = net_rx_wait(t, c, &slot, &len);
		if (rc != 1)
			return false;
		in = chk_dev_in(c, NET_RXQ, slot);
		if (len <= hl || is_echo_of(net_sent, flen, in + hl, len - hl) ||
		    foreign == NET_FOREIGN_MAX)
			break;
		/* another frame: its buffer goes back, the wait goes on */
		foreign++;
		if (chk_dev_post(t, c, NET_RXQ, NULL, 0, NET_RX_BUF) < 0)
			return false;
		chk_dev_kick(c, NET_RXQ);
	}
	if (foreign)
		report_log(t, 1, "%u frame(s) on the link before the echo were passed over",
			   foreign);
	check_plain_hdr(t, c, in);
	if (hl == NET_HDR_LEN)
		report(t, net_le16(in + NET_HDR_NUM_BUFFERS) == 1, "num-buffers",
		       "num_buffers %u without MRG_RXBUF (must be 1)",
		       net_le16(in + NET_HDR_NUM_BUFFERS));
	/* 5.1.6.4: the whole packet in this one descriptor */
	report(t, len == hl + flen, "used-len-frame",
	       "used len %u for a %u-byte frame behind a %u-byte header (must be %u: the "
	       "whole packet in one buffer)",
	       len, flen, hl, hl + flen);
	if (len == hl + flen)
		net_check_echo(t, "echo-content", net_sent, in + hl, flen);
	/* the buffer goes back for the next frame */
	return chk_dev_post(t, c, NET_RXQ, NULL, 0, NET_RX_BUF) >= 0;
}

/* Posts the receive buffers and loops frames of the given sizes. */
static bool loop_frames(struct pf_test *t, struct chk_dev *c, const uint32_t *sizes, unsigned n,
			uint8_t seed)
{
	for (unsigned i = 0; i < NET_RX_POSTED; i++)
		if (chk_dev_post(t, c, NET_RXQ, NULL, 0, NET_RX_BUF) < 0)
			return false;
	chk_dev_kick(c, NET_RXQ);
	for (unsigned i = 0; i < n && !report_stopped(t); i++) {
		if (!loop_one(t, c, sizes[i], (uint8_t)(seed + i)))
			return false;
		chk_dev_kick(c, NET_RXQ);
	}
	return !report_stopped(t);
}

/*
 * CTRL_VQ is negotiated where offered but its queue never set up: a
 * driver may leave queues alone (known-device-bugs #28: devices that touch
 * rings never set up). After a reset the device is brought up again and
 * a frame must still pass (#3: a device that cannot be re-initialised).
 */
void check_NET_LOOPBACK(struct pf_test *t)
{
	static const uint32_t sizes[] = { 60, 1514, 61, 1000 };
	uint64_t want = VIRTIO_BIT(VIRTIO_NET_F_CTRL_VQ);
	struct chk_dev c;

	if (!chk_drivable(t))
		return;
	if (!net_open(t, &c, want) || !loop_frames(t, &c, sizes, 4, 0x30))
		goto out;
	chk_dev_close(&c);
	if (net_open(t, &c, want))
		loop_frames(t, &c, sizes, 1, 0x40);
out:
	chk_dev_close(&c);
}

/* The rest of a merged packet: nb - 1 more buffers, all used with the
 * first (5.1.6.4.2), each but the last full. Returns the bytes gathered. */
static uint32_t mrg_gather(struct pf_test *t, struct chk_dev *c, uint16_t nb, uint32_t first)
{
	uint32_t got = first, len;
	int slot;

	for (uint16_t k = 1; k < nb && !report_stopped(t); k++) {
		if (net_rx_wait(t, c, &slot, &len) != 1)
			return 0;
		if (got + len > sizeof(net_got)) {
			report(t, false, "num-buffers",
			       "num_buffers %u: the buffers hold more than the frame", nb);
			return 0;
		}
		memcpy(net_got + got, chk_dev_in(c, NET_RXQ, slot), len);
		got += len;
		if (k + 1 < nb)
			report(t, len == NET_MRG_BUF, "fill-full",
			       "buffer %u of %u holds %u of its %u bytes (all but the last must "
			       "be full)",
			       k + 1, nb, len, NET_MRG_BUF);
	}
	return got;
}

void check_NET_MRG_RXBUF(struct pf_test *t)
{
	uint32_t total = NET_HDR_LEN + NET_MRG_FRAME, len, got;
	uint16_t nb, want_nb = (uint16_t)((total + NET_MRG_BUF - 1) / NET_MRG_BUF);
	struct chk_dev c;
	const uint8_t *in;
	uint8_t src[6];
	int slot;

	if (!chk_drivable(t))
		return;
	if (!chk_offered(t, VIRTIO_NET_F_MRG_RXBUF, "VIRTIO_NET_F_MRG_RXBUF"))
		return;
	if (!net_open(t, &c, VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF)))
		goto out;
	for (unsigned i = 0; i < CHK_DEV_SLOTS && i < c.vq[NET_RXQ].num; i++)
		if (chk_dev_post(t, &c, NET_RXQ, NULL, 0, NET_MRG_BUF) < 0)
			goto out;
	chk_dev_kick(&c, NET_RXQ);
	net_src_mac(&c, src);
	net_frame(net_sent, NET_MRG_FRAME, src, 0x5c);
	if (net_send(t, &c, net_sent, NET_MRG_FRAME) != 1 || net_rx_wait(t, &c, &slot, &len) != 1)
		goto out;
	in = chk_dev_in(&c, NET_RXQ, slot);
	nb = net_le16(in + NET_HDR_NUM_BUFFERS);
	check_plain_hdr(t, &c, in);
	/* 256-byte buffers: the packet needs exactly this many */
	if (!report(t, nb == want_nb, "num-buffers",
		    "num_buffers %u for a %u-byte packet in %u-byte buffers (must be %u)", nb,
		    total, NET_MRG_BUF, want_nb))
		goto out;
	report(t, len == NET_MRG_BUF, "fill-full",
	       "buffer 1 of %u holds %u of its %u bytes (all but the last must be full)", nb, len,
	       NET_MRG_BUF);
	report(t, virtq_split_pending(&c.vq[NET_RXQ]) >= nb - 1, "used-together",
	       "only %u of the packet's %u buffers were used together",
	       virtq_split_pending(&c.vq[NET_RXQ]) + 1, nb);
	memcpy(net_got, in, len);
	got = mrg_gather(t, &c, nb, len);
	if (!got || report_stopped(t))
		goto out;
	if (report(t, got == total, "total-len",
		   "the %u buffers hold %u bytes for a %u-byte packet", nb, got, total))
		net_check_echo(t, "echo-content", net_sent, net_got + NET_HDR_LEN, NET_MRG_FRAME);
out:
	chk_dev_close(&c);
}

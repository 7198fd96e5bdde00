/* SPDX-License-Identifier: MIT */
/*
 * A network device model written from 5.1 with an echo peer behind it:
 * every frame transmitted comes back with its addresses swapped, placed
 * in receive buffers as 5.1.6.4 says; the control queue answers as
 * 5.1.6.5 says. The SIM_NET_* faults each break one rule.
 */
#include "sim_net.h"

#include <string.h>

#include "virtio/virtio.h"

enum {
	F_MRG_RXBUF = 15,
	F_CTRL_RX_EXTRA = 20,
	F_DEVICE_STATS = 50,
	F_VQ_NOTF_COAL = 52,
	F_HASH = 57,
	F_RSS = 60,
	HDR_LEN = 12,
	HDR_LEN_LEGACY = 10,
	Q_RX = 0,
	Q_TX = 1,
	S_LINK_UP = 1,
	S_ANNOUNCE = 2,
	OK = 0,
	ERR = 1,
};

static const uint8_t sim_net_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static bool drv_has(const struct sim_dev *s, unsigned bit)
{
	return (s->driver_features & VIRTIO_BIT(bit)) != 0;
}

static uint32_t hdr_len(const struct sim_dev *s)
{
	return drv_has(s, VIRTIO_F_VERSION_1) || drv_has(s, F_MRG_RXBUF) ? HDR_LEN : HDR_LEN_LEGACY;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* The echo of a transmitted frame, behind the receive header. */
static uint32_t net_tx(struct sim_net *n, const struct sim_req *r)
{
	uint32_t hl = hdr_len(n->s), len = sim_req_readable(r);
	uint8_t *f = n->pkt + hl, mac[6];

	if (len <= hl || len - hl > sizeof(n->pkt) - HDR_LEN || (n->faults & SIM_NET_NO_PEER) ||
	    ((n->faults & SIM_NET_RESET_WEDGE) && n->features_ok > 1))
		return 0;
	len -= hl;
	sim_req_read(r, hl, f, len);
	memcpy(mac, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, mac, 6);
	memset(n->pkt, 0, hl);
	if (n->faults & SIM_NET_RX_FLAGS)
		n->pkt[0] = 2; /* DATA_VALID */
	if (n->faults & SIM_NET_RX_RSC)
		n->pkt[0] = 4;
	if (n->faults & SIM_NET_RX_TUNNEL_CSUM)
		n->pkt[0] = 8;
	if (n->faults & SIM_NET_RX_GSO)
		n->pkt[1] = 1; /* GSO_TCPV4 */
	if (n->faults & SIM_NET_RX_CORRUPT)
		f[len - 1] ^= 0x40;
	n->pkt_len = hl + len;
	n->pkt_off = 0;
	n->nb = 0;
	n->pending = true;
	return 0;
}

/* One receive buffer's share of the pending packet. */
static uint32_t net_rx(struct sim_net *n, const struct sim_req *r)
{
	uint32_t full = sim_req_writable(r), room = full, take;
	bool mrg = drv_has(n->s, F_MRG_RXBUF);

	if (n->faults & SIM_NET_RX_SPLIT)
		room = full = full > 512 ? 512 : full;
	if (!n->pkt_off) {
		uint32_t nb;

		if ((n->faults & SIM_NET_MRG_NOT_FULL) && room > 8)
			room -= 8;
		/* every buffer the driver gives is as large as the first */
		nb = !mrg || n->pkt_len <= room ? 1 : 1 + (n->pkt_len - room + full - 1) / full;
		if (n->faults & SIM_NET_MRG_COUNT)
			nb++;
		if (n->faults & SIM_NET_RX_NUM_BUFFERS)
			nb = 0;
		n->nb = (uint16_t)nb;
		if (hdr_len(n->s) == HDR_LEN)
			put16(n->pkt + 10, nb);
	}
	take = n->pkt_len - n->pkt_off;
	if (take > room)
		take = room;
	/* without MRG_RXBUF a packet larger than the buffer is dropped,
	 * unless the model splits it (the fault) */
	if (!mrg && take < n->pkt_len && !(n->faults & SIM_NET_RX_SPLIT)) {
		n->pending = false;
		return 0;
	}
	sim_req_write(r, 0, n->pkt + n->pkt_off, take);
	n->pkt_off += take;
	if (n->pkt_off >= n->pkt_len)
		n->pending = false;
	else if (n->faults & SIM_NET_MRG_STALL)
		n->stalled = true;
	return take;
}

static uint8_t net_ctrl_ack(struct sim_net *n, uint8_t cls, uint8_t cmd, const uint8_t *d,
			    uint32_t len)
{
	struct sim_dev *s = n->s;
	uint32_t v;

	switch (cls) {
	case 0: /* RX */
		if (len != 1 || cmd > 5 || (cmd >= 2 && !drv_has(s, F_CTRL_RX_EXTRA)))
			return ERR;
		if ((cmd == 0 && (n->faults & SIM_NET_CTRL_PROMISC)) ||
		    (cmd == 5 && (n->faults & SIM_NET_CTRL_EXTRA)))
			return ERR;
		return OK;
	case 1: /* MAC */
		if (cmd == 1 && len == 6) {
			if (!(n->faults & SIM_NET_CTRL_MAC_STALE))
				memcpy(s->config, d, 6);
			return OK;
		}
		return cmd == 0 ? OK : ERR;
	case 2: /* VLAN */
		return cmd > 1 || len != 2 || (cmd == 0 && (n->faults & SIM_NET_CTRL_VLAN)) ? ERR
											    : OK;
	case 3: /* ANNOUNCE */
		if (cmd != 0 || !(s->config[6] & S_ANNOUNCE))
			return ERR;
		if (!(n->faults & SIM_NET_CTRL_ANNOUNCE))
			s->config[6] &= (uint8_t)~S_ANNOUNCE;
		return OK;
	case 4:				  /* MQ */
		if (cmd == 1 || cmd == 2) /* RSS_CONFIG, HASH_CONFIG */
			return len > 12 && len == 13u + d[12] &&
					       drv_has(s, cmd == 1 ? F_RSS : F_HASH) &&
					       !(n->faults & SIM_NET_CTRL_HASH)
				       ? OK
				       : ERR;
		v = len == 2 ? (uint32_t)(d[0] | d[1] << 8) : 0;
		if (n->faults & SIM_NET_CTRL_MQ_ANY)
			return OK;
		return cmd == 0 && v >= 1 && v <= (uint32_t)(s->config[8] | s->config[9] << 8)
			       ? OK
			       : ERR;
	}
	return (n->faults & SIM_NET_CTRL_UNKNOWN_OK) ? OK : ERR;
}

/* VQ_SET / VQ_GET (notification coalescing): receiveq1 and transmitq1. */
static uint8_t net_coal(struct sim_net *n, uint8_t cmd, const uint8_t *d, uint32_t len,
			const struct sim_req *r)
{
	uint16_t vq = len >= 2 ? (uint16_t)(d[0] | d[1] << 8) : 0xffff;

	if (!drv_has(n->s, F_VQ_NOTF_COAL) || (cmd != 2 && cmd != 3))
		return ERR;
	if (vq > 1 && !((n->faults & SIM_NET_COAL_ANY_VQ) && vq < 3))
		return ERR;
	if (cmd == 2 && len == 12)
		memcpy(n->coal[vq], d + 4, 8);
	else if (cmd == 3 && len == 4)
		sim_req_write(r, 0, n->coal[vq], 8);
	else
		return ERR;
	return OK;
}

/* Whether one virtio_net_ctrl_queue_stats entry is valid (5.1.6.5.10):
 * RX_BASIC for receiveq1, CVQ for the control queue. */
static bool stats_valid(const struct sim_net *n, uint16_t vq, uint64_t types)
{
	if (n->faults & SIM_NET_STATS_ANY)
		return true;
	if (!types || (types & ~SIM_NET_STATS_CAPS))
		return false;
	return vq == 0 ? types == 1 : vq == 2 ? types == 1ull << 32 : false;
}

static uint8_t net_stats(struct sim_net *n, uint8_t cmd, const uint8_t *d, uint32_t len,
			 const struct sim_req *r)
{
	uint8_t rep[56];
	uint32_t off = 0, valid = 0;

	if (!drv_has(n->s, F_DEVICE_STATS))
		return ERR;
	if (cmd == 0) {
		uint64_t caps = SIM_NET_STATS_CAPS;

		sim_req_write(r, 0, &caps, 8);
		return OK;
	}
	if (cmd != 1 || !len || len % 16)
		return ERR;
	for (uint32_t e = 0; e < len; e += 16) {
		uint64_t types;

		memcpy(&types, d + e + 8, 8);
		valid += stats_valid(n, (uint16_t)(d[e] | d[e + 1] << 8), types);
	}
	/* one bad entry fails the whole command, unless the fault */
	if (valid < len / 16 && !(valid && (n->faults & SIM_NET_STATS_PARTIAL)))
		return ERR;
	for (uint32_t e = 0; e < len; e += 16) {
		uint16_t vq = (uint16_t)(d[e] | d[e + 1] << 8);
		uint16_t size = vq == 0 ? 56 : 24;

		if (!stats_valid(n, vq, 1) && !stats_valid(n, vq, 1ull << 32))
			continue;
		memset(rep, 0, sizeof(rep));
		rep[0] = vq == 0 ? 0 : 32;
		put16(rep + 2, (n->faults & SIM_NET_STATS_VQ) ? 0 : vq);
		put16(rep + 6, size + ((n->faults & SIM_NET_STATS_SIZE) ? 8 : 0));
		sim_req_write(r, off, rep, size);
		off += size;
	}
	return OK;
}

static uint32_t net_ctrl(struct sim_net *n, const struct sim_req *r)
{
	uint8_t buf[2 + 64], ack;
	uint32_t len = sim_req_readable(r), w = sim_req_writable(r);

	if (len < 2 || len > sizeof(buf) || w < 1)
		return 0;
	sim_req_read(r, 0, buf, len);
	if (buf[0] == 6)
		ack = net_coal(n, buf[1], buf + 2, len - 2, r);
	else if (buf[0] == 8)
		ack = net_stats(n, buf[1], buf + 2, len - 2, r);
	else
		ack = net_ctrl_ack(n, buf[0], buf[1], buf + 2, len - 2);
	if (n->faults & SIM_NET_CTRL_NO_ACK)
		return w;
	/* the ack is the last byte, after any reply */
	sim_req_write(r, w - 1, &ack, 1);
	return w;
}

static uint32_t net_serve(struct sim_dev *s, const struct sim_req *r)
{
	struct sim_net *n = s->model;

	if (r->queue == Q_TX)
		return net_tx(n, r);
	if (r->queue == Q_RX)
		return n->pending ? net_rx(n, r) : 0;
	return net_ctrl(n, r);
}

/* Receive buffers wait for a frame; a stalled packet waits one round. */
static bool net_hold(struct sim_dev *s, uint16_t q)
{
	struct sim_net *n = s->model;

	if (q != Q_RX)
		return false;
	if (n->stalled) {
		n->stalled = false;
		return true;
	}
	return !n->pending;
}

static bool net_features_ok(const struct sim_dev *s, uint64_t f)
{
	struct sim_net *n = s->model;

	(void)f;
	n->features_ok++;
	/* 5.1.6.5.9: every coalescing parameter 0 after a reset */
	if (!(n->faults & SIM_NET_COAL_KEEP))
		memset(n->coal, 0, sizeof(n->coal));
	if (n->faults & SIM_NET_MTU_RELOAD)
		put16(n->s->config + 10, SIM_NET_MTU + n->features_ok);
	return true;
}

void sim_net_attach(struct sim_dev *s, struct sim_net *n, uint32_t faults)
{
	uint8_t *c = s->config;

	memset(n, 0, sizeof(*n));
	n->s = s;
	n->faults = faults;
	memset(c, 0, sizeof(s->config));
	memcpy(c, sim_net_mac, 6);
	put16(c + 6, S_LINK_UP);
	put16(c + 8, 1);
	put16(c + 10, SIM_NET_MTU);
	c[12] = 0xe8; /* speed 1000 */
	c[13] = 0x03;
	c[16] = 0; /* full duplex */
	c[17] = 40;
	put16(c + 18, 128);
	put16(c + 20, 0x1ff); /* supported_hash_types */
	s->config_len = 28;
	if (faults & SIM_NET_TX_USED_LEN)
		s->faults |= SIM_F_USED_LEN_LONG;
	s->model = n;
	s->serve = net_serve;
	s->hold = net_hold;
	s->features_ok = net_features_ok;
}

/* SPDX-License-Identifier: MIT */
/* A simulated network device (5.1) for the net suite's unit table. */
#ifndef PF_SIM_NET_H
#define PF_SIM_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "sim_device.h"

/* Faults of the model, each breaking one rule of 5.1 */
#define SIM_NET_NO_PEER (1u << 0)	   /* frames sent vanish: nothing comes back */
#define SIM_NET_RX_FLAGS (1u << 1)	   /* DATA_VALID set without GUEST_CSUM */
#define SIM_NET_RX_GSO (1u << 2)	   /* gso_type TCPV4 without GUEST_TSO4 */
#define SIM_NET_RX_RSC (1u << 3)	   /* RSC_INFO set without RSC_EXT */
#define SIM_NET_RX_TUNNEL_CSUM (1u << 4)   /* UDP_TUNNEL_CSUM set without the feature */
#define SIM_NET_RX_NUM_BUFFERS (1u << 5)   /* num_buffers 0 */
#define SIM_NET_RX_SPLIT (1u << 6)	   /* without MRG_RXBUF, 512 bytes per buffer */
#define SIM_NET_RX_CORRUPT (1u << 7)	   /* one payload byte changed */
#define SIM_NET_MRG_COUNT (1u << 8)	   /* MRG: num_buffers one more than used */
#define SIM_NET_MRG_NOT_FULL (1u << 9)	   /* MRG: buffers filled 8 bytes short */
#define SIM_NET_MRG_STALL (1u << 10)	   /* MRG: the first buffer used alone */
#define SIM_NET_CTRL_PROMISC (1u << 11)	   /* RX_PROMISC answered ERR */
#define SIM_NET_CTRL_EXTRA (1u << 12)	   /* RX_NOBCAST answered ERR */
#define SIM_NET_CTRL_MAC_STALE (1u << 13)  /* MAC_ADDR_SET OK, mac unchanged */
#define SIM_NET_CTRL_ANNOUNCE (1u << 14)   /* ANNOUNCE_ACK leaves the bit set */
#define SIM_NET_CTRL_NO_ACK (1u << 15)	   /* the ack byte never written */
#define SIM_NET_CTRL_UNKNOWN_OK (1u << 16) /* an unknown class answered OK */
#define SIM_NET_CTRL_MQ_ANY (1u << 17)	   /* any VQ_PAIRS_SET answered OK */
#define SIM_NET_CTRL_VLAN (1u << 18)	   /* VLAN_ADD answered ERR */
#define SIM_NET_MTU_RELOAD (1u << 19)	   /* mtu changes at every reset */
#define SIM_NET_CTRL_HASH (1u << 20)	   /* RSS_CONFIG and HASH_CONFIG answered ERR */
#define SIM_NET_TX_USED_LEN (1u << 21)	   /* used len 1 for a transmit buffer (and every other) */
#define SIM_NET_RESET_WEDGE (1u << 22)	   /* after a reset, frames sent vanish */
#define SIM_NET_COAL_KEEP (1u << 23)	   /* coalescing parameters survive a reset */
#define SIM_NET_COAL_ANY_VQ (1u << 24)	   /* VQ_SET/VQ_GET accept the control queue */
#define SIM_NET_STATS_ANY (1u << 25)	   /* STATS_GET accepts any entry */
#define SIM_NET_STATS_PARTIAL (1u << 26)   /* STATS_GET answers the good entries of a bad request */
#define SIM_NET_STATS_SIZE (1u << 27)	   /* reply size 8 more than it occupies */
#define SIM_NET_STATS_VQ (1u << 28)	   /* reply vq_index always 0 */

/* DEVICE_STATS: RX_BASIC and CVQ */
#define SIM_NET_STATS_CAPS (1ull | 1ull << 32)

struct sim_net {
	struct sim_dev *s;
	uint32_t faults;
	uint8_t pkt[12 + 2048]; /* the echo waiting for receive buffers */
	uint32_t pkt_len, pkt_off;
	bool pending, stalled;
	uint16_t nb;	      /* MRG: buffers the pending packet takes */
	unsigned features_ok; /* FEATURES_OK writes seen */
	uint8_t coal[3][8];   /* VQ_NOTF_COAL: max_packets, max_usecs per queue */
};

/* Clean configuration: mac 52:54:00:12:34:56, LINK_UP, one queue pair,
 * mtu 1500, 1000 Mbit/s full duplex, RSS sizes 40 and 128. */
#define SIM_NET_MTU 1500

/* Makes s (opened as device type 1 with its features, three queues) a
 * network device with an echo peer: s->serve, hold and model set. */
void sim_net_attach(struct sim_dev *s, struct sim_net *n, uint32_t faults);

#endif

/* SPDX-License-Identifier: MIT */
/* The network device suite (5.1): layout, features and shared helpers. */
#ifndef PF_CHECKS_DEV_NET_H
#define PF_CHECKS_DEV_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "dev_queue.h"

/* feature bits (5.1.3) */
#define VIRTIO_NET_F_CSUM 0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_MTU 3
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_GUEST_TSO4 7
#define VIRTIO_NET_F_GUEST_TSO6 8
#define VIRTIO_NET_F_GUEST_UFO 10
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_F_CTRL_VQ 17
#define VIRTIO_NET_F_CTRL_RX 18
#define VIRTIO_NET_F_CTRL_VLAN 19
#define VIRTIO_NET_F_CTRL_RX_EXTRA 20
#define VIRTIO_NET_F_GUEST_ANNOUNCE 21
#define VIRTIO_NET_F_MQ 22
#define VIRTIO_NET_F_CTRL_MAC_ADDR 23
#define VIRTIO_NET_F_DEVICE_STATS 50
#define VIRTIO_NET_F_VQ_NOTF_COAL 52
#define VIRTIO_NET_F_GUEST_USO4 54
#define VIRTIO_NET_F_GUEST_USO6 55
#define VIRTIO_NET_F_HASH_REPORT 57
#define VIRTIO_NET_F_RSS 60
#define VIRTIO_NET_F_RSC_EXT 61
#define VIRTIO_NET_F_SPEED_DUPLEX 63

/* struct virtio_net_config offsets (5.1.4) */
#define NET_CFG_MAC 0
#define NET_CFG_STATUS 6
#define NET_CFG_MAX_VQ_PAIRS 8
#define NET_CFG_MTU 10
#define NET_CFG_SPEED 12
#define NET_CFG_DUPLEX 16
#define NET_CFG_RSS_KEY 17
#define NET_CFG_RSS_INDIR 18
#define NET_CFG_HASH_TYPES 20

#define VIRTIO_NET_S_LINK_UP 1
#define VIRTIO_NET_S_ANNOUNCE 2

/* struct virtio_net_hdr (5.1.6) */
#define NET_HDR_FLAGS 0
#define NET_HDR_GSO_TYPE 1
#define NET_HDR_GSO_SIZE 4
#define NET_HDR_NUM_BUFFERS 10
#define NET_HDR_LEN 12	      /* VERSION_1 or MRG_RXBUF */
#define NET_HDR_LEN_LEGACY 10 /* neither: no num_buffers */

#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
#define VIRTIO_NET_HDR_F_RSC_INFO 4
#define VIRTIO_NET_HDR_F_UDP_TUNNEL_CSUM 8
#define VIRTIO_NET_HDR_GSO_NONE 0
#define VIRTIO_NET_HDR_GSO_TCPV4 1
#define VIRTIO_NET_HDR_GSO_UDP 3
#define VIRTIO_NET_HDR_GSO_TCPV6 4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#define VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV4 0x20
#define VIRTIO_NET_HDR_GSO_UDP_TUNNEL_IPV6 0x40
#define VIRTIO_NET_HDR_GSO_ECN 0x80

/* control queue (5.1.6.5) */
#define VIRTIO_NET_OK 0
#define VIRTIO_NET_ERR 1
#define VIRTIO_NET_CTRL_RX 0
#define VIRTIO_NET_CTRL_MAC 1
#define VIRTIO_NET_CTRL_VLAN 2
#define VIRTIO_NET_CTRL_ANNOUNCE 3
#define VIRTIO_NET_CTRL_MQ 4

#define NET_RXQ 0
#define NET_TXQ 1
#define NET_ETH_HDR 14

/* The header size for the negotiated features (5.1.6). */
uint32_t net_hdr_len(const struct chk_dev *c);

/* The MAC the suite sends from: the device's with MAC, else a locally
 * administered one. */
void net_src_mac(const struct chk_dev *c, uint8_t mac[6]);

/*
 * Builds a frame of `len` bytes (>= NET_ETH_HDR) from src to a fixed peer
 * address, with a local experimental EtherType and a payload pattern
 * seeded by `seed`.
 */
void net_frame(uint8_t *f, uint32_t len, const uint8_t src[6], uint8_t seed);

/*
 * Sends frame f of `len` bytes on the transmit queue behind a zeroed
 * header and waits for its used buffer. Returns 1 or a negative code
 * (reported, `no-used` for a transmit never completed).
 */
int net_send(struct pf_test *t, struct chk_dev *c, const uint8_t *f, uint32_t len);

/* Whether `got` is the echo of `sent` (addresses swapped, rest equal);
 * fails sub-case `echo-content` otherwise. */
bool net_check_echo(struct pf_test *t, const char *sub, const uint8_t *sent, const uint8_t *got,
		    uint32_t len);

/*
 * One control command: class, command, `len` bytes of data device-readable;
 * `rlen` reply bytes (copied to reply, at most NET_CTRL_REPLY_MAX) and the
 * ack byte device-writable. Returns the ack, or -1 when the check cannot
 * go on (a hung queue, reported). An ack byte the device left unwritten or
 * set to neither OK nor ERR, or a used len not reaching it, fails sub-case
 * `ack`.
 */
#define NET_CTRL_REPLY_MAX 128
int net_ctrl_cmd(struct pf_test *t, struct chk_dev *c, uint16_t q, uint8_t cls, uint8_t cmd,
		 const void *data, uint32_t len, void *reply, uint32_t rlen);

static inline uint16_t net_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

#endif

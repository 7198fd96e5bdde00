/* SPDX-License-Identifier: MIT */
/*
 * The network device suite (common/include/pf/checks_net.def) on the
 * simulated network device of sim_net.c, whose echo peer sends every
 * frame back: clean, with a configuration field out of range, and with
 * each SIM_NET_* fault breaking one rule of 5.1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host_platform.h"
#include "pf/catalogue.h"
#include "report.h"
#include "sim_net.h"
#include "unit_helpers.h"
#include "ut_table.h"

#define NET 1
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define NF(b) (1ull << (b))
#define MTU NF(3)
#define MAC NF(5)
#define MRG NF(15)
#define STATUS NF(16)
#define CTRL NF(17)
#define CRX NF(18)
#define VLAN NF(19)
#define RXX NF(20)
#define ANN NF(21)
#define MQ NF(22)
#define MACA NF(23)
#define HASH NF(57)
#define RSS NF(60)
#define SPD NF(63)
#define COAL NF(52)
#define STATS NF(50)
/* what QEMU 7.2 offers on a stream netdev, and the rest of the layout */
#define QEMU_F (V1 | MAC | MRG | STATUS | CTRL | CRX | VLAN | RXX | ANN | MACA | SPD)
#define ALL_F (QEMU_F | MTU | MQ | RSS | HASH)

#define CFG PF_CHK_NET_CONFIG
#define LOOP PF_CHK_NET_LOOPBACK
#define MRGC PF_CHK_NET_MRG_RXBUF
#define CTL PF_CHK_NET_CTRL
#define COALC PF_CHK_NET_COALESCING
#define STC PF_CHK_NET_STATS
#define PASS PF_VERDICT_PASS
#define FAIL PF_VERDICT_FAIL
#define WARN PF_VERDICT_WARN

struct net_case {
	const char *name;
	enum pf_check_id check;
	enum sim_transport transport;
	uint64_t features;
	uint32_t faults;
	uint8_t cfg_off, cfg_w; /* a configuration field set to cfg_val (cfg_w 0: none) */
	uint32_t cfg_val;
	enum pf_verdict expect;
	const char *sub;
};

static const struct net_case cases[] = {
	/* net.config */
	{ "net config clean mmio", CFG, SIM_MMIO_V2, ALL_F, 0, 0, 0, 0, PASS, NULL },
	{ "net config clean pci", CFG, SIM_PCI, ALL_F, 0, 0, 0, 0, PASS, NULL },
	{ "net config as QEMU offers", CFG, SIM_MMIO_V2, QEMU_F, 0, 0, 0, 0, PASS, NULL },
	{ "net config unknown speed and duplex", CFG, SIM_MMIO_V2, QEMU_F, 0, 12, 4, 0xffffffff,
	  PASS, NULL },
	{ "net config status only", CFG, SIM_MMIO_V2, V1 | STATUS, 0, 0, 0, 0, PF_VERDICT_NA,
	  NULL },
	{ "net config nothing to read", CFG, SIM_MMIO_V2, V1 | MAC, 0, 0, 0, 0, PF_VERDICT_NA,
	  NULL },
	{ "net config: max_virtqueue_pairs 0", CFG, SIM_MMIO_V2, ALL_F, 0, 8, 2, 0, FAIL,
	  "max-vq-pairs" },
	{ "net config: max_virtqueue_pairs 0x8001", CFG, SIM_MMIO_V2, ALL_F, 0, 8, 2, 0x8001, FAIL,
	  "max-vq-pairs" },
	{ "net config: mtu 67", CFG, SIM_MMIO_V2, ALL_F, 0, 10, 2, 67, FAIL, "mtu" },
	{ "net config: mtu changes at reset", CFG, SIM_MMIO_V2, ALL_F, SIM_NET_MTU_RELOAD, 0, 0, 0,
	  FAIL, "mtu-changed" },
	{ "net config: speed 0x80000000", CFG, SIM_MMIO_V2, QEMU_F, 0, 12, 4, 0x80000000, FAIL,
	  "speed" },
	{ "net config: duplex 2", CFG, SIM_MMIO_V2, QEMU_F, 0, 16, 1, 2, FAIL, "duplex" },
	{ "net config: rss_max_key_size 39", CFG, SIM_MMIO_V2, ALL_F, 0, 17, 1, 39, FAIL,
	  "rss-key" },
	{ "net config: rss_max_key_size 39, HASH_REPORT only", CFG, SIM_MMIO_V2, V1 | CTRL | HASH,
	  0, 17, 1, 39, FAIL, "rss-key" },
	{ "net config: indirection table 64", CFG, SIM_MMIO_V2, ALL_F, 0, 18, 2, 64, FAIL,
	  "rss-indir" },
	/* net.loopback */
	{ "net loopback clean mmio", LOOP, SIM_MMIO_V2, QEMU_F, 0, 0, 0, 0, PASS, NULL },
	{ "net loopback clean pci", LOOP, SIM_PCI, QEMU_F, 0, 0, 0, 0, PASS, NULL },
	{ "net loopback without MAC or STATUS", LOOP, SIM_MMIO_V2, V1, 0, 0, 0, 0, PASS, NULL },
	{ "net loopback: status bit 2", LOOP, SIM_MMIO_V2, QEMU_F, 0, 6, 2, 5, WARN,
	  "status-reserved" },
	{ "net loopback link down", LOOP, SIM_MMIO_V2, QEMU_F, 0, 6, 2, 0, PF_VERDICT_SKIP, NULL },
	{ "net loopback: no peer", LOOP, SIM_MMIO_V2, QEMU_F, SIM_NET_NO_PEER, 0, 0, 0, FAIL,
	  "no-echo" },
	{ "net loopback: DATA_VALID without GUEST_CSUM", LOOP, SIM_MMIO_V2, QEMU_F,
	  SIM_NET_RX_FLAGS, 0, 0, 0, FAIL, "flags" },
	{ "net loopback: GSO_TCPV4 without GUEST_TSO4", LOOP, SIM_MMIO_V2, QEMU_F, SIM_NET_RX_GSO,
	  0, 0, 0, FAIL, "gso-type" },
	{ "net loopback: RSC_INFO without RSC_EXT", LOOP, SIM_MMIO_V2, QEMU_F, SIM_NET_RX_RSC, 0, 0,
	  0, FAIL, "flags-rsc-info" },
	{ "net loopback: UDP_TUNNEL_CSUM", LOOP, SIM_MMIO_V2, QEMU_F, SIM_NET_RX_TUNNEL_CSUM, 0, 0,
	  0, FAIL, "flags-tunnel-csum" },
	{ "net loopback: num_buffers 0", LOOP, SIM_MMIO_V2, QEMU_F, SIM_NET_RX_NUM_BUFFERS, 0, 0, 0,
	  FAIL, "num-buffers" },
	{ "net loopback: a frame split without MRG_RXBUF", LOOP, SIM_MMIO_V2, QEMU_F,
	  SIM_NET_RX_SPLIT, 0, 0, 0, FAIL, "used-len-frame" },
	{ "net loopback: a byte changed", LOOP, SIM_MMIO_V2, QEMU_F, SIM_NET_RX_CORRUPT, 0, 0, 0,
	  FAIL, "echo-content" },
	/* known-device-bugs #31: a used len for a transmit buffer */
	{ "net loopback: transmit used len 1", LOOP, SIM_MMIO_V2, QEMU_F, SIM_NET_TX_USED_LEN, 0, 0,
	  0, FAIL, "used-len" },
	/* known-device-bugs #3: no working device after a reset */
	{ "net loopback: wedged after a reset", LOOP, SIM_MMIO_V2, QEMU_F, SIM_NET_RESET_WEDGE, 0,
	  0, 0, FAIL, "no-echo" },
	/* net.mrg-rxbuf */
	{ "net mrg clean mmio", MRGC, SIM_MMIO_V2, QEMU_F, 0, 0, 0, 0, PASS, NULL },
	{ "net mrg clean pci", MRGC, SIM_PCI, QEMU_F, 0, 0, 0, 0, PASS, NULL },
	{ "net mrg not offered", MRGC, SIM_MMIO_V2, V1 | MAC, 0, 0, 0, 0, PF_VERDICT_NA, NULL },
	{ "net mrg: no peer", MRGC, SIM_MMIO_V2, QEMU_F, SIM_NET_NO_PEER, 0, 0, 0, FAIL,
	  "no-echo" },
	{ "net mrg: num_buffers one too many", MRGC, SIM_MMIO_V2, QEMU_F, SIM_NET_MRG_COUNT, 0, 0,
	  0, FAIL, "num-buffers" },
	{ "net mrg: first buffer not full", MRGC, SIM_MMIO_V2, QEMU_F, SIM_NET_MRG_NOT_FULL, 0, 0,
	  0, FAIL, "fill-full" },
	{ "net mrg: buffers used one by one", MRGC, SIM_MMIO_V2, QEMU_F, SIM_NET_MRG_STALL, 0, 0, 0,
	  FAIL, "used-together" },
	{ "net mrg: a byte changed", MRGC, SIM_MMIO_V2, QEMU_F, SIM_NET_RX_CORRUPT, 0, 0, 0, FAIL,
	  "echo-content" },
	{ "net mrg: DATA_VALID without GUEST_CSUM", MRGC, SIM_MMIO_V2, QEMU_F, SIM_NET_RX_FLAGS, 0,
	  0, 0, FAIL, "flags" },
	/* net.ctrl */
	{ "net ctrl clean", CTL, SIM_MMIO_V2, ALL_F, 0, 0, 0, 0, PASS, NULL },
	{ "net ctrl as QEMU offers", CTL, SIM_MMIO_V2, QEMU_F, 0, 0, 0, 0, PASS, NULL },
	{ "net ctrl announcement pending", CTL, SIM_MMIO_V2, QEMU_F, 0, 6, 2, 3, PASS, NULL },
	{ "net ctrl HASH_REPORT without RSS", CTL, SIM_MMIO_V2, V1 | CTRL | HASH, 0, 0, 0, 0, PASS,
	  NULL },
	{ "net ctrl: RSS_CONFIG refused", CTL, SIM_MMIO_V2, ALL_F, SIM_NET_CTRL_HASH, 0, 0, 0, FAIL,
	  "rss-config" },
	{ "net ctrl: HASH_CONFIG refused", CTL, SIM_MMIO_V2, V1 | CTRL | HASH, SIM_NET_CTRL_HASH, 0,
	  0, 0, FAIL, "hash-config" },
	{ "net ctrl not offered", CTL, SIM_MMIO_V2, V1 | MAC, 0, 0, 0, 0, PF_VERDICT_NA, NULL },
	{ "net ctrl: RX_PROMISC refused", CTL, SIM_MMIO_V2, QEMU_F, SIM_NET_CTRL_PROMISC, 0, 0, 0,
	  FAIL, "rx-mode" },
	{ "net ctrl: RX_NOBCAST refused", CTL, SIM_MMIO_V2, QEMU_F, SIM_NET_CTRL_EXTRA, 0, 0, 0,
	  FAIL, "rx-extra" },
	{ "net ctrl: MAC_ADDR_SET not in mac", CTL, SIM_MMIO_V2, QEMU_F, SIM_NET_CTRL_MAC_STALE, 0,
	  0, 0, FAIL, "mac-config" },
	{ "net ctrl: ANNOUNCE kept after ANNOUNCE_ACK", CTL, SIM_MMIO_V2, QEMU_F,
	  SIM_NET_CTRL_ANNOUNCE, 6, 2, 3, FAIL, "announce-ack" },
	{ "net ctrl: ack never written", CTL, SIM_MMIO_V2, QEMU_F, SIM_NET_CTRL_NO_ACK, 0, 0, 0,
	  FAIL, "ack" },
	{ "net ctrl: unknown class OK", CTL, SIM_MMIO_V2, QEMU_F, SIM_NET_CTRL_UNKNOWN_OK, 0, 0, 0,
	  WARN, "unknown-class" },
	{ "net ctrl: VQ_PAIRS_SET out of range OK", CTL, SIM_MMIO_V2, ALL_F, SIM_NET_CTRL_MQ_ANY, 0,
	  0, 0, WARN, "mq-pairs" },
	{ "net ctrl: VLAN_ADD refused", CTL, SIM_MMIO_V2, QEMU_F, SIM_NET_CTRL_VLAN, 0, 0, 0, WARN,
	  "vlan" },
	/* net.coalescing */
	{ "net coalescing clean", COALC, SIM_MMIO_V2, QEMU_F | COAL, 0, 0, 0, 0, PASS, NULL },
	{ "net coalescing not offered", COALC, SIM_MMIO_V2, QEMU_F, 0, 0, 0, 0, PF_VERDICT_NA,
	  NULL },
	{ "net coalescing: parameters kept over a reset", COALC, SIM_MMIO_V2, QEMU_F | COAL,
	  SIM_NET_COAL_KEEP, 0, 0, 0, FAIL, "zero-on-reset" },
	{ "net coalescing: the control queue accepted", COALC, SIM_MMIO_V2, QEMU_F | COAL,
	  SIM_NET_COAL_ANY_VQ, 0, 0, 0, FAIL, "invalid-vq" },
	{ "net coalescing: ack never written", COALC, SIM_MMIO_V2, QEMU_F | COAL,
	  SIM_NET_CTRL_NO_ACK, 0, 0, 0, FAIL, "ack" },
	/* net.stats */
	{ "net stats clean", STC, SIM_MMIO_V2, QEMU_F | STATS, 0, 0, 0, 0, PASS, NULL },
	{ "net stats not offered", STC, SIM_MMIO_V2, QEMU_F, 0, 0, 0, 0, PF_VERDICT_NA, NULL },
	{ "net stats: bad entries answered", STC, SIM_MMIO_V2, QEMU_F | STATS, SIM_NET_STATS_ANY, 0,
	  0, 0, FAIL, "invalid-request" },
	{ "net stats: good part of a bad request answered", STC, SIM_MMIO_V2, QEMU_F | STATS,
	  SIM_NET_STATS_PARTIAL, 0, 0, 0, FAIL, "whole-command" },
	{ "net stats: reply size too large", STC, SIM_MMIO_V2, QEMU_F | STATS, SIM_NET_STATS_SIZE,
	  0, 0, 0, FAIL, "reply-size" },
	{ "net stats: reply for the wrong queue", STC, SIM_MMIO_V2, QEMU_F | STATS,
	  SIM_NET_STATS_VQ, 0, 0, 0, FAIL, "reply-type-vq" },
	{ "net stats: ack never written", STC, SIM_MMIO_V2, QEMU_F | STATS, SIM_NET_CTRL_NO_ACK, 0,
	  0, 0, FAIL, "ack" },
};

static struct ut_dev U;
static struct sim_net M;

static void test_case(void **state)
{
	const struct net_case *c = *state;
	struct virtio_dev *d = &U.dev;
	enum pf_verdict v;

	if (c->transport == SIM_PCI) {
		d = ut_pci_open(&U, NET, c->features, 0, 0);
		assert_non_null(d);
	} else {
		assert_int_equal(ut_mmio_open(&U, c->transport, NET, c->features, 3, 64), 0);
	}
	sim_net_attach(&U.sim, &M, c->faults);
	for (unsigned i = 0; i < c->cfg_w; i++)
		U.sim.config[c->cfg_off + i] = (uint8_t)(c->cfg_val >> (8 * i));
	ut_auto_progress(&U);
	v = ut_run_check(c->check, d);
	UT_CHECK_ROW(&ut_checks_net, c, v);
}

UT_CHECK_TABLE_N(ut_checks_net, "checks_net", cases, struct net_case, test_case, ut_setup, NULL,
		 NULL, 0);

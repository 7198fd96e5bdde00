/* SPDX-License-Identifier: MIT */
/*
 * Every Virtio over PCI check (common/include/pf/checks_pci.def) passes on
 * the clean simulated PCI function and fails on the fault meant for it.
 *
 * The function is reached through discovery (ECAM, BAR assignment,
 * capability walk), as on a real machine. Faults come from three places:
 * sim_dev.faults (generic device misbehaviour), the PCI faults of
 * sim_pci_faults.h (BAR and PCI_CFG window), and "pokes" below, which
 * rewrite the function's configuration space. All are in place before
 * discovery runs, so discovery and the checks see the function a machine
 * would show them; only P_VENDOR_LATE changes it afterwards (late_change()).
 * test_checks_catalogue.c runs the table and holds the catalogue to it.
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
#include "sim_pci_faults.h"
#include "sim_world.h"
#include "suite.h"
#include "unit_helpers.h"
#include "ut_table.h"
#include "virtio/discover.h"
#include "virtio/virtio_pci.h"

#define F(b) VIRTIO_BIT(b)
#define V1 F(VIRTIO_F_VERSION_1)
#define RR F(VIRTIO_F_RING_RESET)
#define ND F(VIRTIO_F_NOTIFICATION_DATA)
#define ADM F(VIRTIO_F_ADMIN_VQ)
#define NET 1
#define BLK 2
#define RNG 4

/* Capability offsets sim_pci_attach() uses. */
#define CAP_COMMON 0x40u
#define CAP_ISR 0x50u
#define CAP_DEVICE 0x60u
#define CAP_NOTIFY 0x70u

enum poke {
	P_NONE,
	P_VENDOR_LATE,	     /* Vendor ID 0x1af4 at enumeration, 0x1af5 after it */
	P_DEVID_TYPE0,	     /* 0x1040: reserved device type 0 */
	P_DEVID_UNLISTED,    /* 0x1006: transitional range, not in the table */
	P_DEVID_MISMATCH,    /* 0x1001 (blk) with Subsystem Device ID 4 */
	P_DEVID_TRANS,	     /* 0x1005 with Subsystem ID 4, no I/O BAR0 */
	P_REV0,		     /* Revision ID 0 on a modern ID */
	P_SUBSYS_LOW,	     /* Subsystem Device ID 0x10 */
	P_NO_CAPLIST,	     /* Status.Capabilities List clear */
	P_CAPPTR_MISALIGNED, /* Capabilities Pointer 0x41 */
	P_NO_ISR,	     /* ISR capability turned into a reserved type */
	P_NO_PCI_CFG,	     /* PCI_CFG capability turned into a reserved type */
	P_NO_DEVICE_CFG,     /* DEVICE_CFG capability turned into a reserved type */
	P_COMMON_SHORT,	     /* common length 0x30 */
	P_COMMON_38,	     /* common length 0x38: the VIRTIO 1.0 layout */
	P_COMMON_BAR6,	     /* common bar 6 (reserved) */
	P_NOTIFY_CAPLEN16,   /* notify cap_len 16: no multiplier */
	P_CAP_PAST_END,	     /* a capability at 0xf0 with cap_len 20 */
	P_COMMON_MISALIGNED, /* common offset 0x2 */
	P_DEVICE_MISALIGNED, /* device offset 0x2002 */
	P_NOTIFY_ODD,	     /* notify offset 0x3001 */
	P_NOTIFY_OFF2,	     /* notify offset 0x3002 (fine without NOTIFICATION_DATA) */
	P_MULT_0,
	P_MULT_1,
	P_MULT_2,
	P_MULT_3,
	P_NOTIFY_LEN_4, /* length 4: queue 1 (offset 4) needs 6 */
	P_NOTIFY_LEN_1,
	P_SHM_OK,
	P_SHM_OUTSIDE,
	P_SHM_DUP,
	P_SHM_SHORT,
	P_VNDR_OK,
	P_VNDR_1AF4,
	P_VNDR_LEN7,
};

struct pci_case {
	const char *name;
	enum pf_check_id check;
	uint32_t device_id;
	uint64_t features;
	uint16_t qmax;
	uint32_t sim_faults;
	uint32_t pci_faults;
	enum poke poke;
	enum pf_verdict expect;
	const char *sub; /* fingerprint glob of the failure (not a PASS) */
};

#define PASS PF_VERDICT_PASS
#define FAIL PF_VERDICT_FAIL
#define WARN PF_VERDICT_WARN
#define SKIP PF_VERDICT_SKIP
#define NA PF_VERDICT_NA
#define C(sym) PF_CHK_PCI_##sym

static const struct pci_case cases[] = {
	{ "header clean", C(HEADER), RNG, V1, 0, 0, 0, P_NONE, PASS, NULL },
	{ "header: capability loop", C(HEADER), RNG, V1, 0, SIM_F_PCI_CAP_LOOP, 0, P_NONE, FAIL,
	  "capability-list" },
	{ "header: no capability list bit", C(HEADER), RNG, V1, 0, 0, 0, P_NO_CAPLIST, FAIL,
	  "capabilities-list-bit" },
	{ "header: misaligned pointer", C(HEADER), RNG, V1, 0, 0, 0, P_CAPPTR_MISALIGNED, FAIL,
	  "capability-pointer" },
	{ "vendor clean", C(VENDOR_ID), RNG, V1, 0, 0, 0, P_NONE, PASS, NULL },
	{ "vendor id changes after enumeration", C(VENDOR_ID), RNG, V1, 0, 0, 0, P_VENDOR_LATE,
	  FAIL, "vendor-id" },
	{ "device id clean", C(DEVICE_ID), BLK, V1, 0, 0, 0, P_NONE, PASS, NULL },
	{ "device id transitional", C(DEVICE_ID), RNG, V1, 0, 0, 0, P_DEVID_TRANS, PASS, NULL },
	{ "device id type 0", C(DEVICE_ID), RNG, V1, 0, 0, 0, P_DEVID_TYPE0, FAIL,
	  "device-id-zero" },
	{ "device id unlisted transitional", C(DEVICE_ID), RNG, V1, 0, 0, 0, P_DEVID_UNLISTED, FAIL,
	  "device-id" },
	{ "device id vs subsystem id", C(DEVICE_ID), RNG, V1, 0, 0, 0, P_DEVID_MISMATCH, FAIL,
	  "subsystem-id" },
	{ "modern ids clean", C(MODERN_IDS), RNG, V1, 0, 0, 0, P_NONE, PASS, NULL },
	{ "modern ids: revision 0", C(MODERN_IDS), RNG, V1, 0, 0, 0, P_REV0, WARN, "revision-id" },
	{ "modern ids: subsystem id low", C(MODERN_IDS), RNG, V1, 0, 0, 0, P_SUBSYS_LOW, WARN,
	  "subsystem-device-id" },
	{ "modern ids: transitional id, no I/O BAR", C(MODERN_IDS), RNG, V1, 0, 0, 0, P_DEVID_TRANS,
	  WARN, "transitional-id" },
	{ "present clean", C(CAPS_PRESENT), BLK, V1, 0, 0, 0, P_NONE, PASS, NULL },
	{ "present: rng needs no device cfg", C(CAPS_PRESENT), RNG, V1, 0, 0, 0, P_NO_DEVICE_CFG,
	  PASS, NULL },
	{ "present: blk without device cfg", C(CAPS_PRESENT), BLK, V1, 0, 0, 0, P_NO_DEVICE_CFG,
	  FAIL, "missing" },
	{ "present: net with MAC without device cfg", C(CAPS_PRESENT), NET, V1 | F(5), 0, 0, 0,
	  P_NO_DEVICE_CFG, FAIL, "missing" },
	{ "present: no ISR", C(CAPS_PRESENT), RNG, V1, 0, 0, 0, P_NO_ISR, FAIL, "missing" },
	{ "present: no PCI_CFG", C(CAPS_PRESENT), RNG, V1, 0, 0, 0, P_NO_PCI_CFG, FAIL, "missing" },
	{ "present: no common", C(CAPS_PRESENT), RNG, V1, 0, SIM_F_PCI_NO_COMMON, 0, P_NONE, FAIL,
	  "missing" },
	{ "present: notify past the BAR", C(CAPS_PRESENT), RNG, V1, 0, SIM_F_PCI_CAP_OUTSIDE_BAR, 0,
	  P_NONE, FAIL, "unusable" },
	{ "present: common too short", C(CAPS_PRESENT), RNG, V1, 0, 0, 0, P_COMMON_SHORT, FAIL,
	  "unusable" },
	{ "present: 1.0 common layout", C(CAPS_PRESENT), RNG, V1, 0, 0, 0, P_COMMON_38, PASS,
	  NULL },
	{ "present: 1.0 common layout with RING_RESET", C(CAPS_PRESENT), RNG, V1 | RR, 0, 0, 0,
	  P_COMMON_38, FAIL, "unusable" },
	{ "present: common in reserved BAR", C(CAPS_PRESENT), RNG, V1, 0, 0, 0, P_COMMON_BAR6, FAIL,
	  "unusable" },
	{ "cap len clean", C(CAP_LEN), RNG, V1, 0, 0, 0, P_NONE, PASS, NULL },
	{ "cap len: notify 16", C(CAP_LEN), RNG, V1, 0, 0, 0, P_NOTIFY_CAPLEN16, FAIL, "cap-len" },
	{ "cap len: past config space", C(CAP_LEN), RNG, V1, 0, 0, 0, P_CAP_PAST_END, FAIL,
	  "past-config-space" },
	{ "cap len: shm 16", C(CAP_LEN), RNG, V1, 0, 0, 0, P_SHM_SHORT, FAIL, "cap-len" },
	{ "cap len: vendor data 7", C(CAP_LEN), RNG, V1, 0, 0, 0, P_VNDR_LEN7, PASS, NULL },
	{ "align clean", C(CAP_ALIGN), RNG, V1, 0, 0, 0, P_NONE, PASS, NULL },
	{ "align clean with NOTIFICATION_DATA", C(CAP_ALIGN), RNG, V1 | ND, 0, 0, 0, P_NONE, PASS,
	  NULL },
	{ "align: notify at 2", C(CAP_ALIGN), RNG, V1, 0, 0, 0, P_NOTIFY_OFF2, PASS, NULL },
	{ "align: notify at 2 with NOTIFICATION_DATA", C(CAP_ALIGN), RNG, V1 | ND, 0, 0, 0,
	  P_NOTIFY_OFF2, FAIL, "alignment" },
	{ "align: notify odd", C(CAP_ALIGN), RNG, V1, 0, 0, 0, P_NOTIFY_ODD, FAIL, "alignment" },
	{ "align: common", C(CAP_ALIGN), RNG, V1, 0, 0, 0, P_COMMON_MISALIGNED, FAIL, "alignment" },
	{ "align: device", C(CAP_ALIGN), BLK, V1, 0, 0, 0, P_DEVICE_MISALIGNED, FAIL, "alignment" },
	{ "multiplier clean", C(NOTIFY_MULT), RNG, V1, 0, 0, 0, P_NONE, PASS, NULL },
	{ "multiplier 0", C(NOTIFY_MULT), RNG, V1, 0, 0, 0, P_MULT_0, PASS, NULL },
	{ "multiplier 2", C(NOTIFY_MULT), RNG, V1, 0, 0, 0, P_MULT_2, PASS, NULL },
	{ "multiplier 1", C(NOTIFY_MULT), RNG, V1, 0, 0, 0, P_MULT_1, FAIL, "multiplier-even" },
	{ "multiplier 3", C(NOTIFY_MULT), RNG, V1, 0, 0, 0, P_MULT_3, FAIL, "multiplier-even" },
	{ "multiplier 4 with NOTIFICATION_DATA", C(NOTIFY_MULT), RNG, V1 | ND, 0, 0, 0, P_NONE,
	  PASS, NULL },
	{ "multiplier 2 with NOTIFICATION_DATA", C(NOTIFY_MULT), RNG, V1 | ND, 0, 0, 0, P_MULT_2,
	  FAIL, "multiplier-power-of-2" },
	{ "notify length clean", C(NOTIFY_LENGTH), RNG, V1, 0, 0, 0, P_NONE, PASS, NULL },
	{ "notify length clean with NOTIFICATION_DATA", C(NOTIFY_LENGTH), RNG, V1 | ND, 0, 0, 0,
	  P_NONE, PASS, NULL },
	{ "notify length: queue 1 outside", C(NOTIFY_LENGTH), RNG, V1, 0, 0, 0, P_NOTIFY_LEN_4,
	  FAIL, "length-doorbell" },
	{ "notify length: below 2", C(NOTIFY_LENGTH), RNG, V1, 0, 0, 0, P_NOTIFY_LEN_1, FAIL,
	  "length-min" },
	{ "notify length: multiplier 0 covers all", C(NOTIFY_LENGTH), RNG, V1, 0, 0, 0, P_MULT_0,
	  PASS, NULL },
	{ "shm none", C(SHM), RNG, V1, 0, 0, 0, P_NONE, NA, NULL },
	{ "shm clean", C(SHM), RNG, V1, 0, 0, 0, P_SHM_OK, PASS, NULL },
	{ "shm outside the BAR", C(SHM), RNG, V1, 0, 0, 0, P_SHM_OUTSIDE, FAIL, "shm-outside-bar" },
	{ "shm duplicate id", C(SHM), RNG, V1, 0, 0, 0, P_SHM_DUP, FAIL, "shm-id-reused" },
	{ "vendor data none", C(VENDOR_DATA), RNG, V1, 0, 0, 0, P_NONE, NA, NULL },
	{ "vendor data clean", C(VENDOR_DATA), RNG, V1, 0, 0, 0, P_VNDR_OK, PASS, NULL },
	{ "vendor data 0x1af4", C(VENDOR_DATA), RNG, V1, 0, 0, 0, P_VNDR_1AF4, FAIL, "vendor-id" },
	{ "vendor data size 7", C(VENDOR_DATA), RNG, V1, 0, 0, 0, P_VNDR_LEN7, FAIL,
	  "vendor-size" },
	{ "pci_cfg read clean", C(CFG_READ), BLK, V1 | RR, 0, 0, 0, P_NONE, PASS, NULL },
	{ "pci_cfg read: stale data", C(CFG_READ), BLK, V1 | RR, 0, 0, SIM_PCI_F_CFG_READ_STALE,
	  P_NONE, FAIL, "device-feature" },
	{ "pci_cfg read: fields read-only", C(CFG_READ), BLK, V1 | RR, 0, 0,
	  SIM_PCI_F_CFG_FIELDS_RO, P_NONE, FAIL, "window-fields" },
	{ "pci_cfg read: no capability", C(CFG_READ), BLK, V1, 0, 0, 0, P_NO_PCI_CFG, SKIP, NULL },
	{ "pci_cfg write clean", C(CFG_WRITE), BLK, V1 | RR, 0, 0, 0, P_NONE, PASS, NULL },
	{ "pci_cfg write: dropped", C(CFG_WRITE), BLK, V1 | RR, 0, 0, SIM_PCI_F_CFG_WRITE_DROP,
	  P_NONE, FAIL, "feature-select-write" },
	{ "reset clean", C(COMMON_RESET), RNG, V1, 0, 0, 0, P_NONE, PASS, NULL },
	{ "reset: status kept", C(COMMON_RESET), RNG, V1, 0, SIM_F_RESET_KEEPS_STATUS, 0, P_NONE,
	  FAIL, "device-status" },
	{ "reset: queue_enable kept", C(COMMON_RESET), RNG, V1, 0, SIM_F_RESET_KEEPS_READY, 0,
	  P_NONE, FAIL, "queue-enable" },
	{ "reset: legacy-looking function", C(COMMON_RESET), RNG, V1, 0, SIM_F_PCI_NO_COMMON, 0,
	  P_NONE, SKIP, NULL },
	{ "queue size clean", C(QUEUE_SIZE), RNG, V1, 0, 0, 0, P_NONE, PASS, NULL },
	{ "queue size: not a power of 2", C(QUEUE_SIZE), RNG, V1, 100, 0, 0, P_NONE, FAIL,
	  "queue-size-power-of-2" },
	{ "queue size: high selections ignored", C(QUEUE_SIZE), RNG, V1, 0, 0, SIM_PCI_F_QSEL_LIMIT,
	  P_NONE, FAIL, "select-ignored" },
	{ "queue address clean", C(QUEUE_ADDR), RNG, V1, 0, 0, 0, P_NONE, PASS, NULL },
	{ "queue address: low half clears high", C(QUEUE_ADDR), RNG, V1, 0, 0,
	  SIM_PCI_F_ADDR_LO_CLEARS_HI, P_NONE, FAIL, "low-half" },
	{ "admin queue not offered", C(ADMIN_QUEUE), RNG, V1, 0, 0, 0, P_NONE, NA, NULL },
	{ "admin queue clean", C(ADMIN_QUEUE), RNG, V1 | ADM, 0, 0, 0, P_NONE, PASS, NULL },
	{ "admin queue index low", C(ADMIN_QUEUE), RNG, V1 | ADM, 0, 0, SIM_PCI_F_ADMIN_IDX_LOW,
	  P_NONE, FAIL, "admin-queue-index" },
	/* driver_feature (4.1.4.3.1) is PCI's: a subset must read back as written */
	{ "feature windows clean", PF_CHK_FEAT_WINDOWS, RNG, V1 | F(VIRTIO_F_INDIRECT_DESC), 0, 0,
	  0, P_NONE, PASS, NULL },
	{ "feature windows: driver_feature echoes the offer", PF_CHK_FEAT_WINDOWS, RNG,
	  V1 | F(VIRTIO_F_INDIRECT_DESC), 0, 0, SIM_PCI_F_DRIVER_FEAT_ECHO, P_NONE, FAIL,
	  "driver-features-subset-readback" },
	{ "feature windows: reserved windows repeat window 1", PF_CHK_FEAT_WINDOWS, RNG,
	  V1 | F(VIRTIO_F_INDIRECT_DESC), 0, 0, SIM_PCI_F_FEAT_WINDOW_ALIAS, P_NONE, FAIL,
	  "reserved-window" },
};

/* The checks this file is responsible for. */
static const enum pf_check_id covered[] = {
#define PF_CHECK(sym, id, area, level, cls, title, reqs) PF_CHK_##sym,
#include "pf/checks_pci.def"
#undef PF_CHECK
};

static struct sim_dev S;
static struct sim_world W;
static char fdt[16384];
static struct virtio_dev *devs[VIRTIO_DISCOVER_MAX];

static void put(uint32_t off, uint32_t v, unsigned w)
{
	for (unsigned i = 0; i < w; i++)
		S.pci_cfg[off + i] = (uint8_t)(v >> (8 * i));
}

/* A capability of cfg_type `type` at `off`, linked from the PCI_CFG one
 * (the last of the list). */
static void add_cap(uint32_t off, uint8_t len, uint8_t type, uint8_t bar, uint8_t id,
		    uint32_t offset, uint32_t length)
{
	put(SIM_PCI_CFG_CAP + 1, off, 1);
	put(off, PCI_CAP_ID_VNDR, 1);
	put(off + 1, 0, 1);
	put(off + 2, len, 1);
	put(off + 3, type, 1);
	put(off + 4, bar, 1);
	put(off + 5, id, 1);
	put(off + 8, offset, 4);
	put(off + 12, length, 4);
}

static void shm(uint32_t off, uint8_t id, uint64_t offset, uint64_t length, uint8_t len)
{
	add_cap(off, len, VIRTIO_PCI_CAP_SHARED_MEMORY_CFG, SIM_PCI_BAR, id, (uint32_t)offset,
		(uint32_t)length);
	put(off + 16, (uint32_t)(offset >> 32), 4);
	put(off + 20, (uint32_t)(length >> 32), 4);
}

static void vendor_data(uint16_t vendor, uint8_t len)
{
	put(SIM_PCI_CFG_CAP + 1, SIM_PCI_FREE_CAP, 1);
	put(SIM_PCI_FREE_CAP, PCI_CAP_ID_VNDR, 1);
	put(SIM_PCI_FREE_CAP + 1, 0, 1);
	put(SIM_PCI_FREE_CAP + 2, len, 1);
	put(SIM_PCI_FREE_CAP + 3, VIRTIO_PCI_CAP_VENDOR_CFG, 1);
	put(SIM_PCI_FREE_CAP + 4, vendor, 2);
	put(SIM_PCI_FREE_CAP + 6, 0x5aa5, 2);
}

static void apply(enum poke p)
{
	switch (p) {
	case P_NONE:
		break;
	case P_VENDOR_LATE:
		break; /* late_change() */
	case P_DEVID_TYPE0:
		put(PCI_DEVICE_ID, 0x1040, 2);
		break;
	case P_DEVID_UNLISTED:
		put(PCI_DEVICE_ID, 0x1006, 2);
		break;
	case P_DEVID_MISMATCH:
		put(PCI_DEVICE_ID, 0x1001, 2);
		put(PCI_SUBSYSTEM_ID, 4, 2);
		break;
	case P_DEVID_TRANS:
		put(PCI_DEVICE_ID, 0x1005, 2);
		put(PCI_SUBSYSTEM_ID, 4, 2);
		break;
	case P_REV0:
		put(PCI_REVISION_ID, 0, 1);
		break;
	case P_SUBSYS_LOW:
		put(PCI_SUBSYSTEM_ID, 0x10, 2);
		break;
	case P_NO_CAPLIST:
		put(PCI_STATUS, 0, 2);
		break;
	case P_CAPPTR_MISALIGNED:
		put(PCI_CAPABILITY_LIST, 0x41, 1);
		break;
	case P_NO_ISR:
		put(CAP_ISR + 3, 7, 1);
		break;
	case P_NO_PCI_CFG:
		put(SIM_PCI_CFG_CAP + 3, 7, 1);
		break;
	case P_NO_DEVICE_CFG:
		put(CAP_DEVICE + 3, 7, 1);
		break;
	case P_COMMON_SHORT:
		put(CAP_COMMON + 12, 0x30, 4);
		break;
	case P_COMMON_38:
		put(CAP_COMMON + 12, 0x38, 4);
		break;
	case P_COMMON_BAR6:
		put(CAP_COMMON + 4, 6, 1);
		break;
	case P_NOTIFY_CAPLEN16:
		put(CAP_NOTIFY + 2, 16, 1);
		break;
	case P_CAP_PAST_END:
		add_cap(0xf0, 20, 7, 0, 0, 0, 0);
		break;
	case P_COMMON_MISALIGNED:
		put(CAP_COMMON + 8, 2, 4);
		break;
	case P_DEVICE_MISALIGNED:
		put(CAP_DEVICE + 8, SIM_PCI_DEVICE_OFF + 2, 4);
		break;
	case P_NOTIFY_ODD:
		put(CAP_NOTIFY + 8, SIM_PCI_NOTIFY_OFF + 1, 4);
		break;
	case P_NOTIFY_OFF2:
		put(CAP_NOTIFY + 8, SIM_PCI_NOTIFY_OFF + 2, 4);
		break;
	case P_MULT_0:
		put(CAP_NOTIFY + 16, 0, 4);
		break;
	case P_MULT_1:
		put(CAP_NOTIFY + 16, 1, 4);
		break;
	case P_MULT_2:
		put(CAP_NOTIFY + 16, 2, 4);
		break;
	case P_MULT_3:
		put(CAP_NOTIFY + 16, 3, 4);
		break;
	case P_NOTIFY_LEN_4:
		put(CAP_NOTIFY + 12, 4, 4);
		break;
	case P_NOTIFY_LEN_1:
		put(CAP_NOTIFY + 12, 1, 4);
		break;
	case P_SHM_OK:
		shm(SIM_PCI_FREE_CAP, 1, 0x3800, 0x800, 24);
		put(SIM_PCI_FREE_CAP + 1, 0xc0, 1);
		shm(0xc0, 2, 0x3000, 0x100, 24);
		put(SIM_PCI_CFG_CAP + 1, SIM_PCI_FREE_CAP, 1);
		break;
	case P_SHM_OUTSIDE:
		shm(SIM_PCI_FREE_CAP, 1, 0x1ull << 32, 0x1000, 24);
		break;
	case P_SHM_DUP:
		shm(SIM_PCI_FREE_CAP, 3, 0x3800, 0x800, 24);
		put(SIM_PCI_FREE_CAP + 1, 0xc0, 1);
		shm(0xc0, 3, 0x3000, 0x100, 24);
		put(SIM_PCI_CFG_CAP + 1, SIM_PCI_FREE_CAP, 1);
		break;
	case P_SHM_SHORT:
		shm(SIM_PCI_FREE_CAP, 1, 0x3800, 0x800, 16);
		break;
	case P_VNDR_OK:
		vendor_data(0x1234, 8);
		break;
	case P_VNDR_1AF4:
		vendor_data(VIRTIO_PCI_VENDOR_ID, 8);
		break;
	case P_VNDR_LEN7:
		vendor_data(0x1234, 7);
		break;
	}
}

/*
 * What changes after enumeration. A function whose Vendor ID is not 0x1af4
 * is no virtio device to discovery (test_wrong_vendor_not_discovered), so
 * the one way pci.vendor-id can see another is a function whose ID reads
 * differently once enumerated.
 */
static void late_change(enum poke p)
{
	if (p == P_VENDOR_LATE)
		put(PCI_VENDOR_ID, 0x1af5, 2);
}

/* Discovery of one simulated function at 00:01.0, its faults in place. */
static struct virtio_dev *open_pci(const struct pci_case *c)
{
	sim_world_init(&W);
	virtio_discover_set_mapper(sim_world_map, &W);
	sim_init(&S, SIM_PCI, c->device_id, c->features, 2, c->qmax ? c->qmax : 256);
	S.faults = c->sim_faults;
	sim_pci_attach(&S); /* attach-time faults (SIM_F_PCI_*) shape config space */
	sim_pci_set_faults(&S, c->pci_faults);
	apply(c->poke);
	W.ecam.dev[1] = &S;
	W.pci = true;
	assert_int_equal(sim_world_fdt(&W, fdt, sizeof(fdt)), 0);
	assert_int_equal(virtio_discover(fdt, devs, VIRTIO_DISCOVER_MAX), 1);
	late_change(c->poke);
	return devs[0];
}

static int teardown(void **state)
{
	(void)state;
	virtio_discover_set_mapper(0, 0);
	sim_pci_set_faults(&S, 0);
	return 0;
}

static void test_case(void **state)
{
	const struct pci_case *c = *state;
	struct virtio_dev *d = open_pci(c);
	enum pf_verdict v = ut_run_check(c->check, d);

	UT_CHECK_ROW(&ut_checks_pci, c, v);
	/* a check that passes leaves the device reset */
	if (v == PF_VERDICT_PASS)
		assert_int_equal(S.status, 0);
}

/* The PCI checks have nothing to say about another transport. */
static void test_mmio_not_applicable(void **state)
{
	struct ut_dev *u = test_malloc(sizeof(*u));

	(void)state;
	assert_int_equal(ut_mmio_open(u, SIM_MMIO_V2, BLK, V1 | RR, 2, 256), 0);
	for (unsigned k = 0; k < sizeof(covered) / sizeof(covered[0]); k++)
		assert_int_equal(ut_run_check(covered[k], &u->dev), PF_VERDICT_NA);
	test_free(u);
}

/* A function with another Vendor ID is not discovered: no check sees it. */
static void test_wrong_vendor_not_discovered(void **state)
{
	(void)state;
	sim_world_init(&W);
	virtio_discover_set_mapper(sim_world_map, &W);
	sim_init(&S, SIM_PCI, RNG, V1, 2, 256);
	sim_pci_attach(&S);
	put(PCI_VENDOR_ID, 0x1af5, 2);
	W.ecam.dev[1] = &S;
	W.pci = true;
	assert_int_equal(sim_world_fdt(&W, fdt, sizeof(fdt)), 0);
	assert_int_equal(virtio_discover(fdt, devs, VIRTIO_DISCOVER_MAX), 0);
}

static const struct CMUnitTest extra[] = {
	cmocka_unit_test_setup(test_mmio_not_applicable, ut_setup),
	cmocka_unit_test_setup_teardown(test_wrong_vendor_not_discovered, ut_setup, teardown),
};

UT_CHECK_TABLE(ut_checks_pci, "checks_pci", cases, struct pci_case, test_case, ut_setup, teardown,
	       extra);

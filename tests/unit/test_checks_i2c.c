/* SPDX-License-Identifier: MIT */
/*
 * The I2C adapter suite (common/include/pf/checks_i2c.def) on the simulated
 * device: a clean adapter with an EEPROM-like target at 0x50 (5.16.6) and
 * faulty variants, each breaking one rule of the chapter.
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
#include "unit_helpers.h"
#include "ut_table.h"

#define I2C 34
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define ZL VIRTIO_BIT(0) /* VIRTIO_I2C_F_ZERO_LENGTH_REQUEST */
#define FAIL_NEXT 1u
#define M_RD 2u
#define TARGET 0x50
#define MAX_PENDING 8

enum i2c_fault {
	IF_NONE,
	IF_NO_TARGET,	    /* nothing at 0x50 */
	IF_ABSENT_WRITE_OK, /* writes to an absent address answered OK */
	IF_HDR_CHANGED,	    /* clears flags in the out_hdr */
	IF_WBUF_CHANGED,    /* rewrites a write's buf */
	IF_READ_ZERO,	    /* reads answer OK but leave buf as it was */
	IF_REORDER,	    /* writes take effect in reverse order, at the next read */
	IF_IGNORE_FAIL_NEXT,
	IF_ZL_ERR,	   /* zero-length requests answered ERR */
	IF_ACCEPT_WITHOUT, /* keeps FEATURES_OK without ZERO_LENGTH_REQUEST */
	IF_NO_ANSWER,	   /* the request queue never completes */
	IF_ALL_PRESENT,	   /* every address answers */
};

static struct {
	enum i2c_fault fault;
	uint8_t mem[256];
	uint8_t ptr;
	bool fail_next;
	uint8_t pend_reg[MAX_PENDING], pend_val[MAX_PENDING];
	unsigned npend;
} M;

static void apply_pending(void)
{
	while (M.npend) {
		M.npend--;
		M.mem[M.pend_reg[M.npend]] = M.pend_val[M.npend];
	}
}

/* A write at the target: first byte the register pointer, then data. */
static void target_write(const uint8_t *b, uint32_t n)
{
	if (!n)
		return;
	M.ptr = b[0];
	for (uint32_t i = 1; i < n; i++, M.ptr++) {
		if (M.fault == IF_REORDER && M.npend < MAX_PENDING) {
			M.pend_reg[M.npend] = M.ptr;
			M.pend_val[M.npend++] = b[i];
		} else {
			M.mem[M.ptr] = b[i];
		}
	}
}

static bool present(uint8_t addr)
{
	return M.fault == IF_ALL_PRESENT || (addr == TARGET && M.fault != IF_NO_TARGET);
}

static uint32_t i2c_serve(struct sim_dev *s, const struct sim_req *r)
{
	uint8_t hdr[8], buf[64], st = 1;
	uint32_t rd = sim_req_readable(r), wr = sim_req_writable(r), n;
	uint32_t flags;
	uint8_t addr;
	bool ok;

	(void)s;
	if (rd < 8 || !wr)
		return 0;
	sim_req_read(r, 0, hdr, 8);
	addr = (uint8_t)(hdr[0] >> 1);
	flags = hdr[4] | (uint32_t)hdr[5] << 8;
	n = flags & M_RD ? wr - 1 : rd - 8;
	if (n > sizeof(buf))
		return 0;
	ok = present(addr) || (M.fault == IF_ABSENT_WRITE_OK && !(flags & M_RD));
	if (M.fail_next && M.fault != IF_IGNORE_FAIL_NEXT)
		ok = false; /* the group failed before this request */
	else if (!n && M.fault == IF_ZL_ERR)
		ok = false;
	if (ok && flags & M_RD) {
		apply_pending();
		for (uint32_t i = 0; i < n; i++)
			buf[i] = M.mem[M.ptr++];
		if (M.fault != IF_READ_ZERO)
			sim_req_write(r, 0, buf, n);
	} else if (ok && present(addr)) {
		sim_req_read(r, 8, buf, n);
		target_write(buf, n);
	}
	M.fail_next = !ok && (flags & FAIL_NEXT);
	if (ok)
		st = 0;
	if (M.fault == IF_HDR_CHANGED)
		r->seg[0].p[4] = 0;
	if (M.fault == IF_WBUF_CHANGED && !(flags & M_RD) && n)
		r->seg[0].p[8] ^= 0xff;
	sim_req_write(r, wr - 1, &st, 1);
	return wr;
}

static bool i2c_hold(struct sim_dev *s, uint16_t q)
{
	(void)s;
	return q == 0 && M.fault == IF_NO_ANSWER;
}

static bool i2c_features_ok(const struct sim_dev *s, uint64_t f)
{
	(void)s;
	return M.fault == IF_ACCEPT_WITHOUT || (f & ZL);
}

struct i2c_case {
	const char *name;
	enum pf_check_id check;
	enum sim_transport transport;
	uint64_t features;
	enum i2c_fault fault;
	enum pf_verdict expect;
	const char *sub;
};

#define ROW(n, chk, tr, f, fault, v, sub)                    \
	{                                                    \
		n, PF_CHK_##chk, tr, V1 | (f), fault, v, sub \
	}

static const struct i2c_case cases[] = {
	/* MMIO rows: a 4-entry ring, as QEMU 7.2's vhost-user-i2c has */
	ROW("features clean", I2C_FEATURES, SIM_MMIO_V2, ZL, IF_NONE, PF_VERDICT_PASS, NULL),
	ROW("features clean pci", I2C_FEATURES, SIM_PCI, ZL, IF_NONE, PF_VERDICT_PASS, NULL),
	ROW("features: ZERO_LENGTH not offered", I2C_FEATURES, SIM_MMIO_V2, 0, IF_NONE,
	    PF_VERDICT_FAIL, "not-offered"),
	ROW("features: accepted without ZERO_LENGTH", I2C_FEATURES, SIM_MMIO_V2, ZL,
	    IF_ACCEPT_WITHOUT, PF_VERDICT_FAIL, "accepted-without"),
	ROW("write-read clean", I2C_WRITE_READ, SIM_MMIO_V2, ZL, IF_NONE, PF_VERDICT_PASS, NULL),
	ROW("write-read clean pci", I2C_WRITE_READ, SIM_PCI, ZL, IF_NONE, PF_VERDICT_PASS, NULL),
	ROW("write-read: no target", I2C_WRITE_READ, SIM_MMIO_V2, ZL, IF_NO_TARGET, PF_VERDICT_NA,
	    NULL),
	ROW("write-read: ZERO_LENGTH not offered", I2C_WRITE_READ, SIM_MMIO_V2, 0, IF_NONE,
	    PF_VERDICT_NA, NULL),
	ROW("write-read: hdr changed", I2C_WRITE_READ, SIM_MMIO_V2, ZL, IF_HDR_CHANGED,
	    PF_VERDICT_FAIL, "hdr-changed"),
	ROW("write-read: write buf changed", I2C_WRITE_READ, SIM_MMIO_V2, ZL, IF_WBUF_CHANGED,
	    PF_VERDICT_FAIL, "write-buf-changed"),
	ROW("write-read: read leaves buf", I2C_WRITE_READ, SIM_MMIO_V2, ZL, IF_READ_ZERO,
	    PF_VERDICT_FAIL, "read-data"),
	ROW("write-read: no answer", I2C_WRITE_READ, SIM_MMIO_V2, ZL, IF_NO_ANSWER, PF_VERDICT_FAIL,
	    "no-used"),
	ROW("in-order clean", I2C_IN_ORDER, SIM_MMIO_V2, ZL, IF_NONE, PF_VERDICT_PASS, NULL),
	ROW("in-order clean pci", I2C_IN_ORDER, SIM_PCI, ZL, IF_NONE, PF_VERDICT_PASS, NULL),
	ROW("in-order: writes reordered", I2C_IN_ORDER, SIM_MMIO_V2, ZL, IF_REORDER,
	    PF_VERDICT_FAIL, "read-not-last"),
	ROW("fail-next clean", I2C_FAIL_NEXT, SIM_MMIO_V2, ZL, IF_NONE, PF_VERDICT_PASS, NULL),
	ROW("fail-next clean pci", I2C_FAIL_NEXT, SIM_PCI, ZL, IF_NONE, PF_VERDICT_PASS, NULL),
	ROW("fail-next: absent write OK", I2C_FAIL_NEXT, SIM_MMIO_V2, ZL, IF_ABSENT_WRITE_OK,
	    PF_VERDICT_FAIL, "first-status"),
	ROW("fail-next: FAIL_NEXT ignored", I2C_FAIL_NEXT, SIM_MMIO_V2, ZL, IF_IGNORE_FAIL_NEXT,
	    PF_VERDICT_WARN, "next-executed"),
	ROW("fail-next: every address answers", I2C_FAIL_NEXT, SIM_MMIO_V2, ZL, IF_ALL_PRESENT,
	    PF_VERDICT_NA, NULL),
	ROW("zero-length clean", I2C_ZERO_LENGTH, SIM_MMIO_V2, ZL, IF_NONE, PF_VERDICT_PASS, NULL),
	ROW("zero-length: answered ERR", I2C_ZERO_LENGTH, SIM_MMIO_V2, ZL, IF_ZL_ERR,
	    PF_VERDICT_WARN, "target-err"),
	ROW("zero-length: absent answered OK", I2C_ZERO_LENGTH, SIM_MMIO_V2, ZL, IF_ABSENT_WRITE_OK,
	    PF_VERDICT_WARN, "absent-ok"),
};

static struct ut_dev U;

static void test_case(void **state)
{
	const struct i2c_case *c = *state;
	struct virtio_dev *d = &U.dev;
	enum pf_verdict v;

	if (c->transport == SIM_PCI) {
		d = ut_pci_open(&U, I2C, c->features, 0, 0);
		assert_non_null(d);
	} else {
		assert_int_equal(ut_mmio_open(&U, c->transport, I2C, c->features, 1, 4), 0);
	}
	memset(&M, 0, sizeof(M));
	M.fault = c->fault;
	for (unsigned i = 0; i < sizeof(M.mem); i++)
		M.mem[i] = (uint8_t)(i * 7 + 3);
	U.sim.serve = i2c_serve;
	U.sim.hold = i2c_hold;
	U.sim.features_ok = i2c_features_ok;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, d);
	UT_CHECK_ROW(&ut_checks_i2c, c, v);
}

UT_CHECK_TABLE_N(ut_checks_i2c, "checks_i2c", cases, struct i2c_case, test_case, ut_setup, NULL,
		 NULL, 0);

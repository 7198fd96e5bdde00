/* SPDX-License-Identifier: MIT */
/*
 * The I2C adapter device suite (5.16). A request is out_hdr (addr, padding,
 * flags) and, for a write, its buf: device-readable; then, for a read, its
 * buf and the status byte: device-writable. The data checks drive an
 * EEPROM-like target (24Cxx: a write's first byte sets the register
 * pointer, further bytes are stored from there, a read returns bytes from
 * the pointer on) at the customary address 0x50.
 */
#include <string.h>

#include "dev_queue.h"
#include "helpers.h"
#include "report.h"
#include "ring.h"

#define I2C_REQUESTQ 0
#define VIRTIO_I2C_F_ZERO_LENGTH_REQUEST 0
#define VIRTIO_I2C_FLAGS_FAIL_NEXT (1u << 0)
#define VIRTIO_I2C_FLAGS_M_RD (1u << 1)
#define VIRTIO_I2C_MSG_OK 0
#define VIRTIO_I2C_MSG_ERR 1
#define I2C_OUT_HDR 8 /* le16 addr, le16 padding, le32 flags */

#define I2C_TARGET 0x50 /* 7-bit address of the EEPROM-like target */
#define I2C_PAGE 8	/* bytes of one write */
#define I2C_MAX_GROUP 2 /* requests of one group: 4 descriptors */
#define I2C_SCAN_FIRST 0x08
#define I2C_SCAN_LAST 0x77 /* 0x00-0x07 and 0x78-0x7f are reserved */

struct i2c_msg {
	uint8_t addr; /* 7-bit */
	uint32_t flags;
	uint32_t len;	    /* bytes of buf (0: zero-length request) */
	const uint8_t *out; /* a write's buf */
	uint8_t *in;	    /* a read's buf, filled on completion */
	uint8_t status;
};

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static bool is_read(const struct i2c_msg *m)
{
	return m->flags & VIRTIO_I2C_FLAGS_M_RD;
}

/* The device-readable part of a request as the driver writes it. */
static uint32_t i2c_out_bytes(const struct i2c_msg *m, uint8_t *out)
{
	put_le16(out, (uint16_t)(m->addr << 1)); /* 7-bit mode: A6..A0 in bits 7..1 */
	put_le16(out + 2, 0);
	put_le32(out + 4, m->flags);
	if (is_read(m) || !m->len)
		return I2C_OUT_HDR;
	memcpy(out + I2C_OUT_HDR, m->out, m->len);
	return I2C_OUT_HDR + m->len;
}

/*
 * The device-readable part of slot s after completion: the device must not
 * change addr, the reserved flag bits (5.16.6) or a write's buf.
 */
static void i2c_verify_out(struct pf_test *t, const struct chk_dev *c, int s, const uint8_t *sent,
			   uint32_t n)
{
	const uint8_t *now = c->slot[I2C_REQUESTQ][s].mem + CHK_GUARD_LEN;

	report(t, !memcmp(now, sent, I2C_OUT_HDR), "hdr-changed",
	       "the device changed out_hdr (addr 0x%02x%02x flags 0x%02x%02x%02x%02x after)",
	       now[1], now[0], now[7], now[6], now[5], now[4]);
	report(t,
	       n == I2C_OUT_HDR || !memcmp(now + I2C_OUT_HDR, sent + I2C_OUT_HDR, n - I2C_OUT_HDR),
	       "write-buf-changed", "the device changed the buf of a %u-byte write",
	       n - I2C_OUT_HDR);
}

/*
 * Makes the n requests of m[] available together, notifies once and waits
 * for each. Sets each status (and a read's buf). Returns 1, or a negative
 * code with the failure reported.
 */
static int i2c_group(struct pf_test *t, struct chk_dev *c, struct i2c_msg *m, unsigned n)
{
	static uint8_t sent[I2C_MAX_GROUP][I2C_OUT_HDR + I2C_PAGE + 1];
	uint32_t out_len[I2C_MAX_GROUP];
	int slot[I2C_MAX_GROUP];

	for (unsigned i = 0; i < n; i++) {
		uint32_t in_len = (is_read(&m[i]) ? m[i].len : 0) + 1;

		out_len[i] = i2c_out_bytes(&m[i], sent[i]);
		slot[i] = chk_dev_post(t, c, I2C_REQUESTQ, sent[i], out_len[i], in_len);
		if (slot[i] < 0)
			return slot[i];
	}
	chk_dev_kick(c, I2C_REQUESTQ);
	for (unsigned done = 0; done < n; done++) {
		uint32_t len;
		int s, rc = chk_dev_wait(t, c, I2C_REQUESTQ, &s, &len);

		if (rc == PF_ETIMEDOUT)
			report(t, false, "no-used",
			       "%u of %u requests to address 0x%02x never came back", n - done, n,
			       m[0].addr);
		if (rc != 1)
			return rc;
		for (unsigned i = 0; i < n; i++) {
			const uint8_t *in = chk_dev_in(c, I2C_REQUESTQ, s);

			if (slot[i] != s)
				continue;
			if (is_read(&m[i]))
				memcpy(m[i].in, in, m[i].len);
			m[i].status = in[is_read(&m[i]) ? m[i].len : 0];
			i2c_verify_out(t, c, s, sent[i], out_len[i]);
		}
	}
	return 1;
}

/* One read of n bytes at register reg of the target, as a write of the
 * register number grouped with the read (FAIL_NEXT on the first). */
static int i2c_read_reg(struct pf_test *t, struct chk_dev *c, uint8_t reg, uint8_t *buf, uint32_t n,
			uint8_t *status)
{
	struct i2c_msg m[2] = {
		{ I2C_TARGET, VIRTIO_I2C_FLAGS_FAIL_NEXT, 1, &reg, NULL, 0xff },
		{ I2C_TARGET, VIRTIO_I2C_FLAGS_M_RD, n, NULL, buf, 0xff },
	};
	int rc = i2c_group(t, c, m, 2);

	*status = m[0].status == VIRTIO_I2C_MSG_OK ? m[1].status : m[0].status;
	return rc;
}

static int i2c_write_reg(struct pf_test *t, struct chk_dev *c, uint8_t addr, uint8_t reg,
			 const uint8_t *data, uint32_t n, uint8_t *status)
{
	uint8_t buf[I2C_PAGE + 1];
	struct i2c_msg m = { addr, 0, n + 1, buf, NULL, 0xff };
	int rc;

	buf[0] = reg;
	memcpy(buf + 1, data, n);
	rc = i2c_group(t, c, &m, 1);
	*status = m.status;
	return rc;
}

/* Status of a one-byte read at addr (a present target answers OK). */
static int i2c_probe_addr(struct pf_test *t, struct chk_dev *c, uint8_t addr, uint8_t *status)
{
	uint8_t b;
	struct i2c_msg m = { addr, VIRTIO_I2C_FLAGS_M_RD, 1, NULL, &b, 0xff };
	int rc = i2c_group(t, c, &m, 1);

	*status = m.status;
	return rc;
}

/*
 * Opens the device with ZERO_LENGTH_REQUEST (a device that does not offer
 * it is i2c.features' failure, the others are n/a) and, if `target`, makes
 * sure the EEPROM-like target answers.
 */
static bool i2c_open(struct pf_test *t, struct chk_dev *c, bool target)
{
	uint8_t st;

	c->dev = NULL;
	if (!(t->dev->features & VIRTIO_BIT(VIRTIO_I2C_F_ZERO_LENGTH_REQUEST))) {
		report_na(t,
			  "VIRTIO_I2C_F_ZERO_LENGTH_REQUEST not offered (i2c.features fails it)");
		return false;
	}
	if (!chk_dev_open(t, c, VIRTIO_BIT(VIRTIO_I2C_F_ZERO_LENGTH_REQUEST), 1, true))
		return false;
	if (!target)
		return true;
	if (i2c_probe_addr(t, c, I2C_TARGET, &st) != 1)
		return false;
	if (st != VIRTIO_I2C_MSG_OK) {
		report_na(t, "no target answers a read at address 0x%02x (status %u)", I2C_TARGET,
			  st);
		return false;
	}
	return true;
}

void check_I2C_FEATURES(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	uint64_t f;
	uint8_t st;

	if (!chk_drivable(t))
		return;
	report(t, d->features & VIRTIO_BIT(VIRTIO_I2C_F_ZERO_LENGTH_REQUEST), "not-offered",
	       "VIRTIO_I2C_F_ZERO_LENGTH_REQUEST (bit 0) is not offered (features 0x%llx)",
	       (unsigned long long)d->features);
	f = chk_split_features(d, 0) & ~VIRTIO_BIT(VIRTIO_I2C_F_ZERO_LENGTH_REQUEST);
	st = chk_try_features(t, f);
	if (st != 0xff)
		report(t, !(st & VIRTIO_STATUS_FEATURES_OK), "accepted-without",
		       "FEATURES_OK kept for features 0x%llx, without ZERO_LENGTH_REQUEST "
		       "(status 0x%02x)",
		       (unsigned long long)f, st);
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

void check_I2C_WRITE_READ(struct pf_test *t)
{
	struct chk_dev c;
	uint8_t old[I2C_PAGE], val[I2C_PAGE], got[I2C_PAGE], st;
	const uint8_t reg = 0x10;

	if (!i2c_open(t, &c, true))
		goto out;
	if (i2c_read_reg(t, &c, reg, old, I2C_PAGE, &st) != 1)
		goto out;
	if (!report(t, st == VIRTIO_I2C_MSG_OK, "read-status",
		    "a register read of the target at 0x%02x: status %u", I2C_TARGET, st))
		goto out;
	/* a value the register did not hold, so a stale read shows */
	for (unsigned i = 0; i < I2C_PAGE; i++)
		val[i] = (uint8_t)(~old[i] ^ i);
	if (i2c_write_reg(t, &c, I2C_TARGET, reg, val, I2C_PAGE, &st) != 1)
		goto out;
	if (!report(t, st == VIRTIO_I2C_MSG_OK, "write-status",
		    "a %u-byte write to the target at 0x%02x: status %u", I2C_PAGE + 1, I2C_TARGET,
		    st))
		goto out;
	if (i2c_read_reg(t, &c, reg, got, I2C_PAGE, &st) != 1)
		goto out;
	if (report(t, st == VIRTIO_I2C_MSG_OK, "read-status",
		   "the read back from 0x%02x: status %u", I2C_TARGET, st))
		report(t, !memcmp(got, val, I2C_PAGE), "read-data",
		       "register 0x%02x read back %02x %02x %02x %02x.. after writing "
		       "%02x %02x %02x %02x..",
		       reg, got[0], got[1], got[2], got[3], val[0], val[1], val[2], val[3]);
out:
	chk_dev_close(&c);
}

/*
 * Two writes of one register made available together (four descriptors:
 * what QEMU 7.2's 4-entry vhost-user-i2c ring holds), then a read: the
 * later write must be the one that stays.
 */
void check_I2C_IN_ORDER(struct pf_test *t)
{
	struct chk_dev c;
	const uint8_t reg = 0x20;
	uint8_t old, got = 0, st, a[2], b[2];

	if (!i2c_open(t, &c, true))
		goto out;
	if (i2c_read_reg(t, &c, reg, &old, 1, &st) != 1)
		goto out;
	a[0] = b[0] = reg;
	a[1] = (uint8_t)(old ^ 0x55);
	b[1] = (uint8_t)(old ^ 0xaa);
	{
		struct i2c_msg m[2] = {
			{ I2C_TARGET, 0, 2, a, NULL, 0xff },
			{ I2C_TARGET, 0, 2, b, NULL, 0xff },
		};

		if (i2c_group(t, &c, m, 2) != 1)
			goto out;
		for (unsigned i = 0; i < 2; i++)
			report(t, m[i].status == VIRTIO_I2C_MSG_OK, "status",
			       "write %u of 2 to the target: status %u", i, m[i].status);
	}
	if (i2c_read_reg(t, &c, reg, &got, 1, &st) != 1)
		goto out;
	report(t, st == VIRTIO_I2C_MSG_OK && got == b[1], "read-not-last",
	       "writes of 0x%02x then 0x%02x to register 0x%02x, made available together, "
	       "read back 0x%02x (status %u): not processed in ring order",
	       a[1], b[1], reg, got, st);
out:
	chk_dev_close(&c);
}

/* The first address in the scan range no target answers, or 0. */
static uint8_t i2c_absent_addr(struct pf_test *t, struct chk_dev *c)
{
	for (uint8_t a = I2C_SCAN_FIRST; a <= I2C_SCAN_LAST && !report_stopped(t); a++) {
		uint8_t st;

		if (a == I2C_TARGET)
			continue;
		if (i2c_probe_addr(t, c, a, &st) != 1)
			return 0;
		if (st == VIRTIO_I2C_MSG_ERR)
			return a;
	}
	return 0;
}

void check_I2C_FAIL_NEXT(struct pf_test *t)
{
	struct chk_dev c;
	const uint8_t reg = 0x30;
	uint8_t old, now, st, absent, w[2];

	if (!i2c_open(t, &c, true))
		goto out;
	absent = i2c_absent_addr(t, &c);
	if (!absent) {
		if (!report_stopped(t))
			report_na(t, "every address from 0x%02x to 0x%02x answers a read",
				  I2C_SCAN_FIRST, I2C_SCAN_LAST);
		goto out;
	}
	if (i2c_read_reg(t, &c, reg, &old, 1, &st) != 1)
		goto out;
	w[0] = reg;
	w[1] = (uint8_t)~old;
	{
		struct i2c_msg m[2] = {
			{ absent, VIRTIO_I2C_FLAGS_FAIL_NEXT, 1, &reg, NULL, 0xff },
			{ I2C_TARGET, 0, 2, w, NULL, 0xff },
		};

		if (i2c_group(t, &c, m, 2) != 1)
			goto out;
		report(t, m[0].status == VIRTIO_I2C_MSG_ERR, "first-status",
		       "a write to absent address 0x%02x, first of a group, got status %u, "
		       "not VIRTIO_I2C_MSG_ERR",
		       absent, m[0].status);
	}
	if (i2c_read_reg(t, &c, reg, &now, 1, &st) != 1)
		goto out;
	report_should(t, now == old, "next-executed",
		      "the write grouped after a failed request was executed (register 0x%02x "
		      "0x%02x -> 0x%02x)",
		      reg, old, now);
out:
	chk_dev_close(&c);
}

void check_I2C_ZERO_LENGTH(struct pf_test *t)
{
	struct chk_dev c;
	uint8_t absent;
	struct i2c_msg m = { I2C_TARGET, 0, 0, NULL, NULL, 0xff };

	if (!i2c_open(t, &c, true))
		goto out;
	if (i2c_group(t, &c, &m, 1) != 1)
		goto out;
	report_should(t, m.status == VIRTIO_I2C_MSG_OK, "target-err",
		      "a zero-length request to the target at 0x%02x: status %u", I2C_TARGET,
		      m.status);
	absent = i2c_absent_addr(t, &c);
	if (!absent)
		goto out;
	m.addr = absent;
	m.status = 0xff;
	if (i2c_group(t, &c, &m, 1) != 1)
		goto out;
	report_should(t, m.status == VIRTIO_I2C_MSG_ERR, "absent-ok",
		      "a zero-length request to absent address 0x%02x: status %u", absent,
		      m.status);
out:
	chk_dev_close(&c);
}

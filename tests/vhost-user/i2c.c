/* SPDX-License-Identifier: MIT */
/*
 * virtio-i2c (VIRTIO 1.4, 5.16): an adapter with one target, an EEPROM-like
 * register file (24Cxx) at 7-bit address 0x50. A write's first byte sets
 * the register pointer and further bytes are stored from there; a read
 * returns bytes from the pointer on. Any other address does not answer:
 * VIRTIO_I2C_MSG_ERR. A request that follows a failed one flagged
 * FAIL_NEXT fails without being executed.
 */
#include <string.h>

#include "vu.h"

#define I2C_OUT_HDR 8 /* le16 addr, le16 padding, le32 flags */
#define FLAGS_FAIL_NEXT (1u << 0)
#define FLAGS_M_RD (1u << 1)
#define MSG_OK 0
#define MSG_ERR 1
#define I2C_TARGET 0x50

uint64_t vu_i2c_features(const struct vu_dev *d)
{
	return fault(d, F_I2C_NO_ZERO_LENGTH) ? 0 : 1ull << VIRTIO_I2C_F_ZERO_LENGTH_REQUEST;
}

/* i2c-writes-reordered keeps a request's bytes back and stores them, in
 * reverse order of arrival, when the next read comes. */
static void apply_pending(struct vu_dev *d)
{
	while (d->i2c_npend) {
		d->i2c_npend--;
		d->i2c_mem[d->i2c_pend[d->i2c_npend].reg] = d->i2c_pend[d->i2c_npend].val;
	}
}

static void target_write(struct vu_dev *d, const uint8_t *b, size_t n)
{
	if (!n)
		return;
	d->i2c_ptr = b[0];
	for (size_t i = 1; i < n; i++, d->i2c_ptr++) {
		if (fault(d, F_I2C_WRITES_REORDERED) && d->i2c_npend < VU_I2C_PENDING) {
			d->i2c_pend[d->i2c_npend].reg = d->i2c_ptr;
			d->i2c_pend[d->i2c_npend++].val = b[i];
		} else {
			d->i2c_mem[d->i2c_ptr] = b[i];
		}
	}
}

int vu_i2c_handle(struct vu_dev *d, struct vu_req *r)
{
	uint8_t hdr[I2C_OUT_HDR], buf[256], status = MSG_ERR;
	uint32_t flags;
	uint64_t n;
	uint8_t addr;
	bool read, ok;

	/* out_hdr readable, the status byte the last writable one */
	if (r->rd_len < I2C_OUT_HDR || !r->wr_len)
		return -1;
	vu_req_read(r, 0, hdr, sizeof(hdr));
	addr = (uint8_t)((hdr[0] | hdr[1] << 8) >> 1);
	flags = hdr[4] | (uint32_t)hdr[5] << 8 | (uint32_t)hdr[6] << 16 | (uint32_t)hdr[7] << 24;
	read = flags & FLAGS_M_RD;
	n = read ? r->wr_len - 1 : r->rd_len - I2C_OUT_HDR;
	if (n > sizeof(buf))
		return -1;
	ok = addr == I2C_TARGET || (!read && fault(d, F_I2C_ABSENT_WRITE_OK));
	if (d->i2c_fail_next)
		ok = false; /* the group already failed: not executed */
	if (ok && read) {
		apply_pending(d);
		for (uint64_t i = 0; i < n; i++)
			buf[i] = d->i2c_mem[d->i2c_ptr++];
		vu_req_write(r, 0, buf, n);
	} else if (ok && addr == I2C_TARGET) {
		vu_req_read(r, I2C_OUT_HDR, buf, n);
		target_write(d, buf, n);
	}
	d->i2c_fail_next = !ok && (flags & FLAGS_FAIL_NEXT);
	if (ok)
		status = MSG_OK;
	if (fault(d, F_I2C_HDR_CHANGED) && r->rd[0].len >= I2C_OUT_HDR)
		r->rd[0].p[4] = 0; /* clears the flags the driver set */
	vu_req_write(r, r->wr_len - 1, &status, 1);
	r->written = (uint32_t)r->wr_len;
	return 0;
}

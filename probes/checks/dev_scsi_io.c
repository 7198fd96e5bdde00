/* SPDX-License-Identifier: MIT */
/*
 * The SCSI host device suite (5.6), on a real LUN: data round trips and the
 * response code each outcome a driver can bring about must give
 * (5.6.6.1.1): OK for a completed command, OVERRUN when the CDB asks for
 * more data than the buffers hold, FAILURE for data-out and data-in in one
 * request without INOUT, BAD_TARGET for a target that does not exist.
 */
#include <string.h>

#include "dev_queue.h"
#include "dev_scsi.h"
#include "helpers.h"
#include "report.h"

#define SCSI_OP_READ_10 0x28
#define SCSI_OP_WRITE_10 0x2a
#define SCSI_OP_READ_CAPACITY_10 0x25
#define SAM_STAT_GOOD 0x00

/* A READ(10) or WRITE(10) of one block at lba. */
static void cdb_rw10(uint8_t *cdb, uint8_t op, uint32_t lba)
{
	memset(cdb, 0, 10);
	cdb[0] = op;
	cdb[2] = (uint8_t)(lba >> 24);
	cdb[3] = (uint8_t)(lba >> 16);
	cdb[4] = (uint8_t)(lba >> 8);
	cdb[5] = (uint8_t)lba;
	cdb[8] = 1;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* READ CAPACITY(10): the response code; the last LBA and block size. */
static int scsi_capacity(struct pf_test *t, struct chk_dev *c, uint8_t target, bool one_desc,
			 uint32_t *lba, uint32_t *bs, uint8_t *status)
{
	static const uint8_t read_cap[10] = { SCSI_OP_READ_CAPACITY_10 };
	const struct scsi_cmd cmd = { .target = target,
				      .cdb = read_cap,
				      .cdb_len = sizeof(read_cap),
				      .din_len = 8,
				      .one_desc = one_desc,
				      .what = "READ CAPACITY(10)" };
	uint8_t data[8];
	int r;

	*status = 0xff;
	r = scsi_exec(t, c, &cmd, data, status);
	*lba = get_be32(data);
	*bs = get_be32(data + 4);
	return r;
}

/*
 * Finds the LUN and its block. 2.6.4: with VERSION_1 the driver frames
 * requests as it likes; a device that takes the first writable descriptor
 * for the response alone sees no room for data in it (QEMU 7.2 without
 * the legacy ANY_LAYOUT bit, which it does not offer to a VERSION_1 driver).
 */
static bool scsi_lun_block(struct pf_test *t, struct chk_dev *c, int *lun, uint32_t *lba,
			   uint32_t *bs)
{
	unsigned no_lun;
	uint8_t status;
	int r;

	*lun = scsi_find_lun(t, c, &no_lun);
	if (*lun == -1)
		report_na(t, "no LUN on targets 0-%u (the controller has no disk attached)",
			  SCSI_TARGETS - 1);
	if (*lun < 0 || report_failed(t))
		return false;
	r = scsi_capacity(t, c, (uint8_t)*lun, true, lba, bs, &status);
	if (r == VIRTIO_SCSI_S_OVERRUN && !chk_dev_has(c, VIRTIO_F_ANY_LAYOUT)) {
		report(t, !chk_dev_has(c, VIRTIO_F_VERSION_1), "framing",
		       "READ CAPACITY(10) with the response and its 8 data bytes in one descriptor "
		       "answered OVERRUN: the device assumes the response has a descriptor of its "
		       "own");
		/* the rest as drivers frame it: header and data apart */
		r = scsi_capacity(t, c, (uint8_t)*lun, false, lba, bs, &status);
	}
	if (r < 0)
		return false;
	if (r != VIRTIO_SCSI_S_OK || status != SAM_STAT_GOOD || *bs < 2 || *bs > SCSI_DATA_MAX) {
		report_na(t,
			  "READ CAPACITY(10) of target %d: response %d status 0x%02x block size "
			  "%u: no block to move",
			  *lun, r, status, *bs);
		return false;
	}
	return true;
}

/* WRITE then READ of the last block: OK, GOOD and the data read back. */
static bool scsi_round_trip(struct pf_test *t, struct chk_dev *c, uint8_t target, uint32_t lba,
			    uint32_t bs)
{
	static uint8_t out[SCSI_DATA_MAX], back[SCSI_DATA_MAX];
	uint8_t cdb[10], status = 0xff;
	struct scsi_cmd cmd = { .target = target, .cdb = cdb, .cdb_len = sizeof(cdb) };
	int r;

	for (uint32_t i = 0; i < bs; i++)
		out[i] = (uint8_t)(i * 7 + 0x3c);
	cdb_rw10(cdb, SCSI_OP_WRITE_10, lba);
	cmd.dout = out;
	cmd.dout_len = bs;
	cmd.what = "WRITE(10)";
	r = scsi_exec(t, c, &cmd, NULL, &status);
	if (r < 0)
		return false;
	report(t, r == VIRTIO_SCSI_S_OK, "write-response",
	       "WRITE(10) of one block to target %u: response %d, not OK", target, r);
	report_should(t, status == SAM_STAT_GOOD, "write-status",
		      "WRITE(10) of one block to target %u: status 0x%02x, not GOOD", target,
		      status);
	cdb_rw10(cdb, SCSI_OP_READ_10, lba);
	cmd.dout = NULL;
	cmd.dout_len = 0;
	cmd.din_len = bs;
	cmd.what = "READ(10)";
	r = scsi_exec(t, c, &cmd, back, &status);
	if (r < 0)
		return false;
	report(t, r == VIRTIO_SCSI_S_OK, "read-response",
	       "READ(10) of one block from target %u: response %d, not OK", target, r);
	/* that a disk keeps its data is SBC's, not a virtio MUST: a warning */
	if (r == VIRTIO_SCSI_S_OK && status == SAM_STAT_GOOD)
		report_should(t, memcmp(out, back, bs) == 0, "read-back",
			      "block %u of target %u does not read back what was written", lba,
			      target);
	return true;
}

/* 5.6.6.1.1: the CDB wants more data than the buffers hold: OVERRUN. */
static bool scsi_overrun(struct pf_test *t, struct chk_dev *c, uint8_t target, uint32_t lba,
			 uint32_t bs)
{
	static uint8_t out[SCSI_DATA_MAX];
	uint8_t cdb[10];
	struct scsi_cmd cmd = { .target = target, .cdb = cdb, .cdb_len = sizeof(cdb) };
	int r;

	cdb_rw10(cdb, SCSI_OP_READ_10, lba);
	cmd.din_len = bs / 2;
	cmd.what = "READ(10) of one block into half a block";
	r = scsi_exec(t, c, &cmd, NULL, NULL);
	if (r < 0)
		return false;
	report(t, r == VIRTIO_SCSI_S_OVERRUN, "overrun-in", "%s: response %d, not OVERRUN",
	       cmd.what, r);
	memset(out, 0x5a, sizeof(out));
	cdb_rw10(cdb, SCSI_OP_WRITE_10, lba);
	cmd.din_len = 0;
	cmd.dout = out;
	cmd.dout_len = bs / 2;
	cmd.what = "WRITE(10) of one block from half a block";
	r = scsi_exec(t, c, &cmd, NULL, NULL);
	if (r < 0)
		return false;
	report(t, r == VIRTIO_SCSI_S_OVERRUN, "overrun-out", "%s: response %d, not OVERRUN",
	       cmd.what, r);
	return true;
}

/* 5.6.6.1.1: data-out and data-in in one request without INOUT: FAILURE. */
static bool scsi_inout(struct pf_test *t, struct chk_dev *c, uint8_t target, uint32_t lba,
		       uint32_t bs)
{
	static uint8_t out[SCSI_DATA_MAX];
	uint8_t cdb[10];
	const struct scsi_cmd cmd = { .target = target,
				      .cdb = cdb,
				      .cdb_len = sizeof(cdb),
				      .dout = out,
				      .dout_len = bs,
				      .din_len = bs,
				      .what = "WRITE(10) with data-in too, INOUT not negotiated" };
	int r;

	memset(out, 0xc3, sizeof(out));
	cdb_rw10(cdb, SCSI_OP_WRITE_10, lba);
	r = scsi_exec(t, c, &cmd, NULL, NULL);
	if (r < 0)
		return false;
	report(t, r == VIRTIO_SCSI_S_FAILURE, "inout-failure", "%s: response %d, not FAILURE",
	       cmd.what, r);
	return true;
}

/* 5.6.6.1.1: a request to a target that does not exist: BAD_TARGET. A
 * target that answers OK exists (its LUN 0 may not: CHECK CONDITION). */
static bool scsi_bad_target(struct pf_test *t, struct chk_dev *c)
{
	static const uint8_t tur[6] = { 0 };
	uint16_t max_target = (uint16_t)chk_dev_cfg(c, SCSI_CFG_MAX_TARGET, 2);
	struct scsi_cmd cmd = { .cdb = tur, .cdb_len = sizeof(tur), .what = "TEST UNIT READY" };
	unsigned absent = 0;

	for (unsigned tg = 0; tg < SCSI_TARGETS && tg <= max_target; tg++) {
		int r;

		cmd.target = (uint8_t)tg;
		r = scsi_exec(t, c, &cmd, NULL, NULL);
		if (r < 0)
			return false;
		if (r == VIRTIO_SCSI_S_OK)
			continue;
		absent++;
		report(t, r == VIRTIO_SCSI_S_BAD_TARGET, "bad-target",
		       "TEST UNIT READY to target %u: response %d, neither OK (the target "
		       "exists) nor BAD_TARGET",
		       tg, r);
	}
	report_log(t, 1, "targets 0-%u: %u absent", SCSI_TARGETS - 1, absent);
	return true;
}

void check_SCSI_LUN_IO(struct pf_test *t)
{
	struct chk_dev c;
	uint32_t lba, bs;
	int lun;

	if (!scsi_open(t, &c, 0))
		return;
	if (!scsi_lun_block(t, &c, &lun, &lba, &bs))
		goto out;
	if (chk_dev_has(&c, VIRTIO_SCSI_F_INOUT)) {
		report_error(t, "INOUT negotiated although not asked for");
		goto out;
	}
	/* each step stands alone: a wrong answer does not end the check, a
	 * request that failed (reported) does */
	if (scsi_round_trip(t, &c, (uint8_t)lun, lba, bs) &&
	    scsi_overrun(t, &c, (uint8_t)lun, lba, bs) && scsi_inout(t, &c, (uint8_t)lun, lba, bs))
		scsi_bad_target(t, &c);
out:
	chk_dev_close(&c);
}

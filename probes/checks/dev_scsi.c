/* SPDX-License-Identifier: MIT */
/* The SCSI host device suite (5.6). */
#include <string.h>

#include "dev_queue.h"
#include "dev_scsi.h"
#include "helpers.h"
#include "report.h"

void scsi_put_le32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint32_t scsi_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* 5.6.6.1: first byte 1, then the target, then a single-level LUN. */
void scsi_lun(uint8_t *lun, uint8_t target, uint16_t l)
{
	memset(lun, 0, 8);
	lun[0] = 1;
	lun[1] = target;
	lun[2] = (uint8_t)(0x40 | (l >> 8));
	lun[3] = (uint8_t)l;
}

/* SAM-5 status codes (obsolete ones included: a device may still use them). */
bool scsi_sam_status(uint8_t s)
{
	switch (s) {
	case 0x00: /* GOOD */
	case 0x02: /* CHECK CONDITION */
	case 0x04: /* CONDITION MET */
	case 0x08: /* BUSY */
	case 0x10: /* INTERMEDIATE (obsolete) */
	case 0x14: /* INTERMEDIATE-CONDITION MET (obsolete) */
	case 0x18: /* RESERVATION CONFLICT */
	case 0x22: /* COMMAND TERMINATED (obsolete) */
	case 0x28: /* TASK SET FULL */
	case 0x30: /* ACA ACTIVE */
	case 0x40: /* TASK ABORTED */
		return true;
	}
	return false;
}

bool scsi_open(struct pf_test *t, struct chk_dev *c, uint64_t want)
{
	if (!chk_dev_open(t, c, want, 0, true))
		return false;
	if (c->nqueues <= SCSI_REQUESTQ) {
		report(t, false, "queues",
		       "%u queues, fewer than controlq, eventq and one requestq", c->nqueues);
		chk_dev_close(c);
		return false;
	}
	return true;
}

void check_SCSI_CONFIG(struct pf_test *t)
{
	struct chk_dev c;
	uint32_t sense, cdb, nq, max_lun;
	uint16_t max_channel, max_target;

	if (!chk_dev_open(t, &c, 0, 0, false))
		return;
	/* chk_dev_open reset the device: these are the reset values */
	sense = (uint32_t)chk_dev_cfg(&c, SCSI_CFG_SENSE_SIZE, 4);
	cdb = (uint32_t)chk_dev_cfg(&c, SCSI_CFG_CDB_SIZE, 4);
	nq = (uint32_t)chk_dev_cfg(&c, SCSI_CFG_NUM_QUEUES, 4);
	max_channel = (uint16_t)chk_dev_cfg(&c, SCSI_CFG_MAX_CHANNEL, 2);
	max_target = (uint16_t)chk_dev_cfg(&c, SCSI_CFG_MAX_TARGET, 2);
	max_lun = (uint32_t)chk_dev_cfg(&c, SCSI_CFG_MAX_LUN, 4);
	report(t, sense == SCSI_SENSE_DEFAULT, "sense-size", "sense_size is %u, not the default 96",
	       sense);
	report(t, cdb == SCSI_CDB_DEFAULT, "cdb-size", "cdb_size is %u, not the default 32", cdb);
	/* 5.6.2: at least one request queue (the queue count is the transport's) */
	report(t, nq >= 1, "num-queues", "num_queues is 0: no request queue");
	report_should(t, max_channel == 0, "max-channel", "max_channel is %u, advised 0",
		      max_channel);
	report_should(t, max_target <= 255, "max-target", "max_target is %u, advised at most 255",
		      max_target);
	report_should(t, max_lun <= 16383, "max-lun", "max_lun is %u, advised at most 16383",
		      max_lun);
	chk_dev_close(&c);
}

void check_SCSI_CONFIG_RESET(struct pf_test *t)
{
	struct chk_dev c;
	uint32_t sense, cdb;
	int rc;

	if (!chk_dev_open(t, &c, 0, 0, false))
		return;
	/* 5.6.4: the driver may change both; smaller values are always usable */
	c.dev->ops->config_write(c.dev, SCSI_CFG_SENSE_SIZE, 32, 4);
	c.dev->ops->config_write(c.dev, SCSI_CFG_CDB_SIZE, 16, 4);
	rc = virtio_reset(c.dev, CHK_RESET_TIMEOUT_NS);
	if (rc) {
		report_error(t, "reset after writing the sizes: %s", pf_strerror(rc));
		return;
	}
	sense = (uint32_t)chk_dev_cfg(&c, SCSI_CFG_SENSE_SIZE, 4);
	cdb = (uint32_t)chk_dev_cfg(&c, SCSI_CFG_CDB_SIZE, 4);
	report(t, sense == SCSI_SENSE_DEFAULT, "sense-size",
	       "sense_size reads %u after reset, not 96 (the driver wrote 32)", sense);
	report(t, cdb == SCSI_CDB_DEFAULT, "cdb-size",
	       "cdb_size reads %u after reset, not 32 (the driver wrote 16)", cdb);
	chk_dev_close(&c);
}

int scsi_exec(struct pf_test *t, struct chk_dev *c, const struct scsi_cmd *cmd, uint8_t *din,
	      uint8_t *status)
{
	/* static: a block of data is too much for the probe's stack */
	static uint8_t req[SCSI_REQ_LEN + SCSI_DATA_MAX], in[SCSI_RESP_LEN + SCSI_DATA_MAX];
	uint32_t len;
	uint8_t response, st;
	int rc;

	if (cmd->dout_len > SCSI_DATA_MAX || cmd->din_len > SCSI_DATA_MAX ||
	    cmd->cdb_len > SCSI_CDB_DEFAULT) {
		report_error(t, "%s: %u/%u data bytes, more than the check's buffers", cmd->what,
			     cmd->dout_len, cmd->din_len);
		return -1;
	}
	memset(req, 0, SCSI_REQ_LEN);
	scsi_lun(req, cmd->target, cmd->lun);
	req[8] = (uint8_t)(cmd->target + 1); /* id: any tag */
	memcpy(req + 19, cmd->cdb, cmd->cdb_len);
	if (cmd->dout_len)
		memcpy(req + SCSI_REQ_LEN, cmd->dout, cmd->dout_len);
	/* header and response in descriptors of their own, as drivers send
	 * them: a device may need that without ANY_LAYOUT (lun-io tries both) */
	c->split_out = cmd->one_desc ? 0 : SCSI_REQ_LEN;
	c->split_in = cmd->one_desc ? 0 : SCSI_RESP_LEN;
	rc = chk_dev_request(t, c, SCSI_REQUESTQ, req, SCSI_REQ_LEN + cmd->dout_len, in,
			     SCSI_RESP_LEN + cmd->din_len, &len, cmd->what);
	c->split_out = c->split_in = 0;
	if (rc != 1)
		return -1;
	if (!report(t, len >= SCSI_RESP_LEN - SCSI_SENSE_DEFAULT, "short-response",
		    "%s to target %u: used len %u does not cover the response header", cmd->what,
		    cmd->target, len))
		return -1;
	response = in[SCSI_RESP_RESPONSE];
	st = in[SCSI_RESP_STATUS];
	if (!report(t, response <= VIRTIO_SCSI_S_LAST, "response-code",
		    "%s to target %u: response %u is no VIRTIO_SCSI_S_* code", cmd->what,
		    cmd->target, response))
		return -1;
	/* 5.6.6.1.1: the status byte holds a SAM status code */
	if (response == VIRTIO_SCSI_S_OK)
		report(t, scsi_sam_status(st), "status-sam",
		       "%s to target %u: status 0x%02x is no SAM status code", cmd->what,
		       cmd->target, st);
	else if (response == VIRTIO_SCSI_S_BAD_TARGET || response == VIRTIO_SCSI_S_INCORRECT_LUN)
		report(t, scsi_sam_status(st), "status-sam",
		       "%s to target %u (response %u): status 0x%02x is no SAM status code",
		       cmd->what, cmd->target, response, st);
	if (din)
		memcpy(din, in + SCSI_RESP_LEN, cmd->din_len);
	if (status)
		*status = st;
	return response;
}

/* A command without data-out: `data_in` bytes offered, copied to `data`. */
static int scsi_command(struct pf_test *t, struct chk_dev *c, uint8_t target, uint16_t lun,
			const uint8_t *cdb, unsigned cdb_len, uint32_t data_in, uint8_t *data,
			const char *what)
{
	const struct scsi_cmd cmd = { .target = target,
				      .lun = lun,
				      .cdb = cdb,
				      .cdb_len = cdb_len,
				      .din_len = data_in,
				      .what = what };

	return scsi_exec(t, c, &cmd, data, NULL);
}

static const uint8_t cdb_tur[6] = { 0x00 };

int scsi_find_lun(struct pf_test *t, struct chk_dev *c, unsigned *no_lun)
{
	uint16_t max_target = (uint16_t)chk_dev_cfg(c, SCSI_CFG_MAX_TARGET, 2);
	int found = -1;

	*no_lun = 0;
	for (unsigned tg = 0; tg < SCSI_TARGETS && tg <= max_target && !report_stopped(t); tg++) {
		int r = scsi_command(t, c, (uint8_t)tg, 0, cdb_tur, sizeof(cdb_tur), 0, NULL,
				     "TEST UNIT READY");

		if (r < 0)
			return -2;
		if (r == VIRTIO_SCSI_S_OK && found < 0)
			found = (int)tg;
		else if (r == VIRTIO_SCSI_S_BAD_TARGET || r == VIRTIO_SCSI_S_INCORRECT_LUN)
			(*no_lun)++;
		else if (r != VIRTIO_SCSI_S_OK)
			/* 5.6.6.1.1: no LUN there is BAD_TARGET, whatever else failed */
			report(t, false, "no-lun-response",
			       "TEST UNIT READY to target %u: response %d, neither OK nor "
			       "BAD_TARGET/INCORRECT_LUN",
			       tg, r);
	}
	return found;
}

void check_SCSI_REQUEST_RESPONSE(struct pf_test *t)
{
	struct chk_dev c;
	unsigned no_lun;
	int lun;

	if (!scsi_open(t, &c, 0))
		return;
	lun = scsi_find_lun(t, &c, &no_lun);
	if (lun >= -1 && !report_failed(t))
		report_log(t, 1, "targets 0-%u: %u without LUN 0, first LUN %d", SCSI_TARGETS - 1,
			   no_lun, lun);
	chk_dev_close(&c);
}

void check_SCSI_LUN_COMMANDS(struct pf_test *t)
{
	static const uint8_t inquiry[6] = { 0x12, 0, 0, 0, SCSI_DATA_IN, 0 };
	static const uint8_t read_cap[10] = { 0x25 };
	uint8_t data[SCSI_DATA_IN];
	struct chk_dev c;
	unsigned no_lun;
	int lun, r;

	if (!scsi_open(t, &c, 0))
		return;
	lun = scsi_find_lun(t, &c, &no_lun);
	if (lun == -1) {
		report_na(t, "no LUN on targets 0-%u (the controller has no disk attached)",
			  SCSI_TARGETS - 1);
		goto out;
	}
	if (lun < 0 || report_stopped(t))
		goto out;
	/* what a disk answers is SPC's and SBC's business, not a virtio MUST:
	 * warnings; the response and status bytes are checked as everywhere */
	r = scsi_command(t, &c, (uint8_t)lun, 0, inquiry, sizeof(inquiry), SCSI_DATA_IN, data,
			 "INQUIRY");
	if (r == VIRTIO_SCSI_S_OK)
		/* SPC: ADDITIONAL LENGTH (byte 4) gives at least the 36-byte standard data */
		report_should(
			t, data[4] + 5 >= 36, "inquiry-length",
			"INQUIRY data of target %d: additional length %u, shorter than 36 bytes",
			lun, data[4]);
	else if (r >= 0)
		report_should(t, false, "inquiry", "INQUIRY to target %d: response %d, not OK", lun,
			      r);
	r = scsi_command(t, &c, (uint8_t)lun, 0, read_cap, sizeof(read_cap), 8, data,
			 "READ CAPACITY(10)");
	if (r >= 0)
		report_should(t, r == VIRTIO_SCSI_S_OK, "read-capacity",
			      "READ CAPACITY(10) to target %d: response %d, not OK", lun, r);
out:
	chk_dev_close(&c);
}

void check_SCSI_TMF(struct pf_test *t)
{
	static const uint32_t subtype[] = { VIRTIO_SCSI_T_TMF_LOGICAL_UNIT_RESET,
					    VIRTIO_SCSI_T_TMF_ABORT_TASK_SET,
					    VIRTIO_SCSI_T_TMF_I_T_NEXUS_RESET };
	static const char *const name[] = { "LOGICAL UNIT RESET", "ABORT TASK SET",
					    "I_T NEXUS RESET" };
	struct chk_dev c;
	uint8_t req[24], resp[4];
	uint32_t len;

	if (!scsi_open(t, &c, 0))
		return;
	for (unsigned i = 0; i < 3 && !report_stopped(t); i++) {
		memset(req, 0, sizeof(req));
		scsi_put_le32(req, VIRTIO_SCSI_T_TMF);
		scsi_put_le32(req + 4, subtype[i]);
		scsi_lun(req + 8, 0, 0);
		if (chk_dev_request(t, &c, SCSI_CONTROLQ, req, sizeof(req), resp, 1, &len,
				    name[i]) != 1)
			break;
		if (!report(t, len >= 1, "tmf-short", "%s: used len 0, no response byte", name[i]))
			continue;
		report(t, resp[0] <= VIRTIO_SCSI_S_LAST, "tmf-response",
		       "%s: response %u is no VIRTIO_SCSI_S_* code", name[i], resp[0]);
	}
	chk_dev_close(&c);
}

void check_SCSI_EVENTQ(struct pf_test *t)
{
	struct chk_dev c;
	unsigned posted = 0, no_lun;
	uint32_t len;
	int slot, rc;

	if (!scsi_open(t, &c, 0))
		return;
	if (chk_dev_has(&c, VIRTIO_SCSI_F_HOTPLUG)) {
		report_error(t, "HOTPLUG negotiated although not asked for");
		goto out;
	}
	for (unsigned i = 0; i < 4 && i < c.vq[SCSI_EVENTQ].num; i++) {
		if (chk_dev_post(t, &c, SCSI_EVENTQ, NULL, 0, SCSI_EVENT_LEN) < 0)
			goto out;
		posted++;
	}
	chk_dev_kick(&c, SCSI_EVENTQ);
	/* traffic the device might answer with events */
	if (scsi_find_lun(t, &c, &no_lun) < -1)
		goto out;
	/* every event sent comes back now; one calibrated wait when none */
	for (unsigned i = 0; i < posted && !report_stopped(t); i++) {
		const uint8_t *ev;
		uint32_t event, reason;

		rc = chk_dev_wait(t, &c, SCSI_EVENTQ, &slot, &len);
		if (rc != 1)
			break;
		if (!report(t, len >= SCSI_EVENT_LEN, "event-short",
			    "event of used len %u, shorter than struct virtio_scsi_event", len))
			continue;
		ev = chk_dev_in(&c, SCSI_EVENTQ, slot);
		event = scsi_get_le32(ev) & ~VIRTIO_SCSI_T_EVENTS_MISSED;
		reason = scsi_get_le32(ev + 12);
		report_log(t, 1, "event 0x%08x reason %u", scsi_get_le32(ev), reason);
		/* 5.6.6.3.2: REMOVED and RESCAN resets only with HOTPLUG */
		report(t,
		       !(event == VIRTIO_SCSI_T_TRANSPORT_RESET &&
			 (reason == VIRTIO_SCSI_EVT_RESET_REMOVED ||
			  reason == VIRTIO_SCSI_EVT_RESET_RESCAN)),
		       "hotplug-event", "TRANSPORT_RESET event with reason %u without HOTPLUG",
		       reason);
	}
out:
	chk_dev_close(&c);
}

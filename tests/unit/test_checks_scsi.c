/* SPDX-License-Identifier: MIT */
/*
 * The SCSI host device suite (common/include/pf/checks_scsi.def) on the
 * simulated device. The clean model is a controller as 5.6 describes it:
 * default sense_size 96 and cdb_size 32, BAD_TARGET for a target without
 * LUN, FUNCTION COMPLETE for task management, T_NO_EVENT events; optionally
 * with one disk at target 0. Each faulty model breaks one rule.
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

#define SCSI 8
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)

/* 5.6.4 config offsets, 5.6.6.1 request and response layout */
#define CFG_SENSE 20
#define CFG_CDB 24
#define CFG_MAX_TARGET 30
#define REQ_LEN 51
#define RESP_LEN 108
#define S_OK 0
#define S_OVERRUN 1
#define S_BAD_TARGET 3
#define S_TARGET_FAILURE 7
#define S_FAILURE 9
#define S_INCORRECT_LUN 12
#define BLOCK 512

enum scsi_model {
	M_CLEAN,
	M_LUN,		   /* a disk at target 0, LUN 0 */
	M_SENSE_64,	   /* sense_size 64 after reset */
	M_CDB_16,	   /* cdb_size 16 after reset */
	M_KEEPS_SIZES,	   /* the driver's sizes survive a reset */
	M_MAX_TARGET_300,  /* max_target past the advised 255 */
	M_BAD_RESPONSE,	   /* response 0x42 */
	M_BAD_STATUS,	   /* BAD_TARGET with status 0x03 */
	M_FAILURE_NO_LUN,  /* FAILURE where no LUN is */
	M_TMF_BAD,	   /* task management response 0x55 */
	M_HOTPLUG_EVENT,   /* TRANSPORT_RESET RESCAN without HOTPLUG */
	M_SHORT_EVENT,	   /* event buffers back with used len 4 */
	M_LUN_SHORT_INQ,   /* disk: INQUIRY additional length 10 */
	M_LUN_BAD_STATUS,  /* disk: status 0x01 */
	M_LUN_NO_READ_CAP, /* disk: READ CAPACITY answered FAILURE */
	M_LUN_NO_OVERRUN,  /* disk: a short buffer answered OK, the data cut */
	M_LUN_INOUT,	   /* disk: data-out with data-in served without INOUT */
	M_LUN_FORGETS,	   /* disk: reads give zeroes whatever was written */
	M_LUN_WRITE_FAILS, /* disk: WRITE answered TARGET_FAILURE */
	M_LUN_INCORRECT,   /* disk: absent targets answered INCORRECT_LUN */
	M_LUN_LAYOUT,	   /* disk: without ANY_LAYOUT the first writable descriptor is
			    * the response alone (QEMU 7.2, also with VERSION_1) */
};

static enum scsi_model model;
static uint64_t negotiated;

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The reset values of the configuration (5.6.4). */
static void scsi_config_defaults(struct sim_dev *s)
{
	memset(s->config, 0, 36);
	s->config_len = 36;
	put32(s->config + 0, 1);      /* num_queues */
	put32(s->config + 4, 128);    /* seg_max */
	put32(s->config + 8, 0xffff); /* max_sectors */
	put32(s->config + 12, 128);   /* cmd_per_lun */
	put32(s->config + 16, 16);    /* event_info_size */
	put32(s->config + CFG_SENSE, model == M_SENSE_64 ? 64 : 96);
	put32(s->config + CFG_CDB, model == M_CDB_16 ? 16 : 32);
	s->config[CFG_MAX_TARGET] = model == M_MAX_TARGET_300 ? 0x2c : 0xff;
	s->config[CFG_MAX_TARGET + 1] = model == M_MAX_TARGET_300 ? 1 : 0;
	put32(s->config + 32, 16383); /* max_lun */
}

/*
 * The model sees no reset, only config writes: a device that keeps the
 * driver's sizes until reset reads as one that ignores them once the
 * check has reset it, except the faulty one, which stores them for good.
 */
static void scsi_config_write(struct sim_dev *s, uint32_t off, uint32_t len)
{
	(void)off;
	(void)len;
	if (model != M_KEEPS_SIZES)
		scsi_config_defaults(s);
}

/* The disk's one stored block (the check writes one), others read zeroes. */
static uint8_t disk_block[BLOCK];
static uint32_t disk_lba = UINT32_MAX;

/*
 * READ(10) and WRITE(10) (5.6.6.1.1): OVERRUN when the transfer length
 * needs more than the buffers hold, FAILURE for data both ways without
 * INOUT. Returns the data-in bytes written after the response.
 */
static uint32_t scsi_rw10(const struct sim_req *r, const uint8_t *req, uint8_t *resp)
{
	uint32_t lba = (uint32_t)req[21] << 24 | (uint32_t)req[22] << 16 | (uint32_t)req[23] << 8 |
		       req[24];
	uint32_t xfer = (uint32_t)(req[26] << 8 | req[27]) * BLOCK;
	uint32_t dout = sim_req_readable(r) - REQ_LEN, din = sim_req_writable(r) - RESP_LEN;
	bool write = req[19] == 0x2a;

	if (dout && din && model != M_LUN_INOUT) {
		resp[11] = S_FAILURE;
		return 0;
	}
	if (write && model == M_LUN_WRITE_FAILS) {
		resp[11] = S_TARGET_FAILURE;
		return 0;
	}
	if ((write ? dout : din) < xfer || xfer != BLOCK) {
		if (model != M_LUN_NO_OVERRUN || xfer != BLOCK) {
			resp[11] = S_OVERRUN;
			return 0;
		}
		xfer = write ? dout : din;
	}
	if (write) {
		sim_req_read(r, REQ_LEN, disk_block, xfer);
		disk_lba = model == M_LUN_FORGETS ? UINT32_MAX : lba;
		return 0;
	}
	if (lba == disk_lba)
		memcpy(resp + RESP_LEN, disk_block, xfer);
	return xfer;
}

/* The length of the request's first device-writable element. */
static uint32_t first_writable(const struct sim_req *r)
{
	for (unsigned i = 0; i < r->nseg; i++)
		if (r->seg[i].write)
			return r->seg[i].len;
	return 0;
}

static uint32_t scsi_command(const struct sim_req *r)
{
	uint8_t req[REQ_LEN], resp[RESP_LEN + BLOCK];
	bool lun = model >= M_LUN_SHORT_INQ || model == M_LUN;
	uint32_t data = 0;

	memset(req, 0, sizeof(req));
	memset(resp, 0, sizeof(resp));
	sim_req_read(r, 0, req, sizeof(req));
	if (lun && req[0] == 1 && req[1] == 0 && (req[2] & 0x3f) == 0 && req[3] == 0) {
		resp[11] = S_OK;
		if (model == M_LUN_LAYOUT && first_writable(r) > RESP_LEN &&
		    !(negotiated & VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT))) {
			resp[11] = S_OVERRUN;
			return sim_req_write(r, 0, resp, RESP_LEN);
		}
		switch (req[19]) {
		case 0x12: /* INQUIRY: a direct-access device, SPC-3 */
			data = 36;
			resp[RESP_LEN + 2] = 5;
			resp[RESP_LEN + 3] = 2;
			resp[RESP_LEN + 4] = model == M_LUN_SHORT_INQ ? 10 : 31;
			memcpy(resp + RESP_LEN + 8, "SIM     DISK", 12);
			break;
		case 0x28: /* READ(10) */
		case 0x2a: /* WRITE(10) */
			data = scsi_rw10(r, req, resp);
			break;
		case 0x25: /* READ CAPACITY(10): 2048 blocks of 512 bytes */
			if (model == M_LUN_NO_READ_CAP) {
				resp[11] = S_FAILURE;
				break;
			}
			data = 8;
			resp[RESP_LEN + 2] = 0x07;
			resp[RESP_LEN + 3] = 0xff;
			resp[RESP_LEN + 6] = 0x02;
			break;
		}
		if (model == M_LUN_BAD_STATUS)
			resp[10] = 0x01;
	} else {
		resp[11] = model == M_FAILURE_NO_LUN  ? S_FAILURE
			   : model == M_LUN_INCORRECT ? S_INCORRECT_LUN
						      : S_BAD_TARGET;
		if (model == M_BAD_STATUS)
			resp[10] = 0x03;
	}
	if (model == M_BAD_RESPONSE)
		resp[11] = 0x42;
	return sim_req_write(r, 0, resp, RESP_LEN + data);
}

static uint32_t scsi_serve(struct sim_dev *s, const struct sim_req *r)
{
	uint8_t b[16];

	negotiated = s->driver_features;
	memset(b, 0, sizeof(b));
	if (r->queue == 0) { /* controlq: task management */
		b[0] = model == M_TMF_BAD ? 0x55 : S_OK;
		return sim_req_write(r, 0, b, 1);
	}
	if (r->queue == 1) { /* eventq: T_NO_EVENT, or the fault's event */
		if (model == M_HOTPLUG_EVENT) {
			put32(b, 1);	  /* TRANSPORT_RESET */
			b[4] = 1;	  /* lun: target 0 */
			put32(b + 12, 1); /* RESCAN */
		}
		return sim_req_write(r, 0, b, model == M_SHORT_EVENT ? 4 : 16);
	}
	return scsi_command(r);
}

struct scsi_case {
	const char *name;
	enum pf_check_id check;
	enum sim_transport transport;
	enum scsi_model model;
	enum pf_verdict expect;
	const char *sub;
};

#define PASS PF_VERDICT_PASS
#define FAIL PF_VERDICT_FAIL
#define WARN PF_VERDICT_WARN
#define NA PF_VERDICT_NA
#define C(x) PF_CHK_SCSI_##x

static const struct scsi_case cases[] = {
	{ "scsi config clean", C(CONFIG), SIM_MMIO_V2, M_CLEAN, PASS, NULL },
	{ "scsi config clean, legacy mmio", C(CONFIG), SIM_MMIO_V1, M_CLEAN, PASS, NULL },
	{ "scsi config: sense_size 64", C(CONFIG), SIM_MMIO_V2, M_SENSE_64, FAIL, "sense-size" },
	{ "scsi config: cdb_size 16", C(CONFIG), SIM_MMIO_V2, M_CDB_16, FAIL, "cdb-size" },
	{ "scsi config: max_target 300", C(CONFIG), SIM_MMIO_V2, M_MAX_TARGET_300, WARN,
	  "max-target" },
	{ "scsi config-reset clean", C(CONFIG_RESET), SIM_MMIO_V2, M_CLEAN, PASS, NULL },
	{ "scsi config-reset: sizes kept", C(CONFIG_RESET), SIM_MMIO_V2, M_KEEPS_SIZES, FAIL,
	  "sense-size" },
	{ "scsi config-reset: sense_size 64", C(CONFIG_RESET), SIM_MMIO_V2, M_SENSE_64, FAIL,
	  "sense-size" },
	{ "scsi config-reset: cdb_size 16", C(CONFIG_RESET), SIM_MMIO_V2, M_CDB_16, FAIL,
	  "cdb-size" },
	{ "scsi request clean", C(REQUEST_RESPONSE), SIM_MMIO_V2, M_CLEAN, PASS, NULL },
	{ "scsi request clean with a disk", C(REQUEST_RESPONSE), SIM_MMIO_V2, M_LUN, PASS, NULL },
	{ "scsi request: response 0x42", C(REQUEST_RESPONSE), SIM_MMIO_V2, M_BAD_RESPONSE, FAIL,
	  "response-code" },
	{ "scsi request: status 0x03", C(REQUEST_RESPONSE), SIM_MMIO_V2, M_BAD_STATUS, FAIL,
	  "status-sam" },
	{ "scsi request: FAILURE for no LUN", C(REQUEST_RESPONSE), SIM_MMIO_V2, M_FAILURE_NO_LUN,
	  FAIL, "no-lun-response" },
	{ "scsi lun commands without a disk", C(LUN_COMMANDS), SIM_MMIO_V2, M_CLEAN, NA, NULL },
	{ "scsi lun commands with a disk", C(LUN_COMMANDS), SIM_MMIO_V2, M_LUN, PASS, NULL },
	{ "scsi lun commands: short INQUIRY", C(LUN_COMMANDS), SIM_MMIO_V2, M_LUN_SHORT_INQ, WARN,
	  "inquiry-length" },
	{ "scsi lun commands: status 0x01", C(LUN_COMMANDS), SIM_MMIO_V2, M_LUN_BAD_STATUS, FAIL,
	  "status-sam" },
	{ "scsi lun commands: READ CAPACITY fails", C(LUN_COMMANDS), SIM_MMIO_V2, M_LUN_NO_READ_CAP,
	  WARN, "read-capacity" },
	{ "scsi lun-io without a disk", C(LUN_IO), SIM_MMIO_V2, M_CLEAN, NA, NULL },
	{ "scsi lun-io with a disk", C(LUN_IO), SIM_MMIO_V2, M_LUN, PASS, NULL },
	{ "scsi lun-io with a disk, legacy mmio", C(LUN_IO), SIM_MMIO_V1, M_LUN, PASS, NULL },
	{ "scsi lun-io: READ CAPACITY fails", C(LUN_IO), SIM_MMIO_V2, M_LUN_NO_READ_CAP, NA, NULL },
	{ "scsi lun-io: no OVERRUN", C(LUN_IO), SIM_MMIO_V2, M_LUN_NO_OVERRUN, FAIL, "overrun-in" },
	{ "scsi lun-io: data both ways served", C(LUN_IO), SIM_MMIO_V2, M_LUN_INOUT, FAIL,
	  "inout-failure" },
	{ "scsi lun-io: data forgotten", C(LUN_IO), SIM_MMIO_V2, M_LUN_FORGETS, WARN, "read-back" },
	{ "scsi lun-io: WRITE fails", C(LUN_IO), SIM_MMIO_V2, M_LUN_WRITE_FAILS, FAIL,
	  "write-response" },
	{ "scsi lun-io: INCORRECT_LUN for no target", C(LUN_IO), SIM_MMIO_V2, M_LUN_INCORRECT, FAIL,
	  "bad-target" },
	{ "scsi lun-io: status 0x01", C(LUN_IO), SIM_MMIO_V2, M_LUN_BAD_STATUS, FAIL,
	  "status-sam" },
	{ "scsi lun-io: response and data in one descriptor", C(LUN_IO), SIM_MMIO_V2, M_LUN_LAYOUT,
	  FAIL, "framing" },
	{ "scsi lun-io: legacy, response and data in one descriptor", C(LUN_IO), SIM_MMIO_V1,
	  M_LUN_LAYOUT, PASS, NULL },
	{ "scsi tmf clean", C(TMF), SIM_MMIO_V2, M_CLEAN, PASS, NULL },
	{ "scsi tmf: response 0x55", C(TMF), SIM_MMIO_V2, M_TMF_BAD, FAIL, "tmf-response" },
	{ "scsi eventq clean", C(EVENTQ), SIM_MMIO_V2, M_CLEAN, PASS, NULL },
	{ "scsi eventq: RESCAN without HOTPLUG", C(EVENTQ), SIM_MMIO_V2, M_HOTPLUG_EVENT, FAIL,
	  "hotplug-event" },
	{ "scsi eventq: 4-byte event", C(EVENTQ), SIM_MMIO_V2, M_SHORT_EVENT, FAIL, "event-short" },
};

static struct ut_dev U;

static void test_case(void **state)
{
	const struct scsi_case *c = *state;
	enum pf_verdict v;

	model = c->model;
	disk_lba = UINT32_MAX;
	assert_int_equal(ut_mmio_open(&U, c->transport, SCSI,
				      (c->transport == SIM_MMIO_V1 ? 0 : V1) |
					      VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT),
				      3, 64),
			 0);
	scsi_config_defaults(&U.sim);
	U.sim.serve = scsi_serve;
	U.sim.config_write = scsi_config_write;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_scsi, c, v);
}

UT_CHECK_TABLE_N(ut_checks_scsi, "checks_scsi", cases, struct scsi_case, test_case, ut_setup, NULL,
		 NULL, 0);

/* SPDX-License-Identifier: MIT */
/* What the SCSI host device suite's files (5.6) share. */
#ifndef PF_CHECKS_DEV_SCSI_H
#define PF_CHECKS_DEV_SCSI_H

#include <stdbool.h>
#include <stdint.h>

#include "dev_queue.h"
#include "report.h"

/* 5.6.2: controlq, eventq, then the request queues */
#define SCSI_CONTROLQ 0
#define SCSI_EVENTQ 1
#define SCSI_REQUESTQ 2

#define VIRTIO_SCSI_F_INOUT 0
#define VIRTIO_SCSI_F_HOTPLUG 1

/* 5.6.4: struct virtio_scsi_config, offsets */
#define SCSI_CFG_NUM_QUEUES 0
#define SCSI_CFG_SENSE_SIZE 20
#define SCSI_CFG_CDB_SIZE 24
#define SCSI_CFG_MAX_CHANNEL 28
#define SCSI_CFG_MAX_TARGET 30
#define SCSI_CFG_MAX_LUN 32

#define SCSI_SENSE_DEFAULT 96
#define SCSI_CDB_DEFAULT 32

/* 5.6.6.1: response codes */
#define VIRTIO_SCSI_S_OK 0
#define VIRTIO_SCSI_S_OVERRUN 1
#define VIRTIO_SCSI_S_BAD_TARGET 3
#define VIRTIO_SCSI_S_FAILURE 9
#define VIRTIO_SCSI_S_FUNCTION_SUCCEEDED 10
#define VIRTIO_SCSI_S_INCORRECT_LUN 12
#define VIRTIO_SCSI_S_LAST 12

/* 5.6.6.2: task management */
#define VIRTIO_SCSI_T_TMF 0
#define VIRTIO_SCSI_T_TMF_ABORT_TASK_SET 1
#define VIRTIO_SCSI_T_TMF_I_T_NEXUS_RESET 4
#define VIRTIO_SCSI_T_TMF_LOGICAL_UNIT_RESET 5

/* 5.6.6.3: events */
#define VIRTIO_SCSI_T_TRANSPORT_RESET 1
#define VIRTIO_SCSI_EVT_RESET_RESCAN 1
#define VIRTIO_SCSI_EVT_RESET_REMOVED 2
#define VIRTIO_SCSI_T_EVENTS_MISSED 0x80000000u
#define SCSI_EVENT_LEN 16

/*
 * A command request with the default cdb_size (lun, id, task_attr, prio,
 * crn, cdb) and its response with the default sense_size (sense_len,
 * residual, status_qualifier, status, response, sense).
 */
#define SCSI_REQ_LEN (8 + 8 + 3 + SCSI_CDB_DEFAULT)
#define SCSI_RESP_LEN (4 + 4 + 2 + 1 + 1 + SCSI_SENSE_DEFAULT)
#define SCSI_RESP_STATUS 10
#define SCSI_RESP_RESPONSE 11
#define SCSI_DATA_IN 96

/* Targets the request checks address (LUN 0 of each). */
#define SCSI_TARGETS 8

/* Data bytes one command moves at most (one block of a disk). */
#define SCSI_DATA_MAX 4096

/* One command on the first request queue. */
struct scsi_cmd {
	uint8_t target;
	uint16_t lun;
	const uint8_t *cdb;
	unsigned cdb_len;
	const uint8_t *dout; /* data-out bytes after the request header */
	uint32_t dout_len;
	uint32_t din_len; /* data-in bytes offered after the response, <= SCSI_DATA_MAX */
	bool one_desc;	  /* header and data in one descriptor each way (else two) */
	const char *what;
};

void scsi_put_le32(uint8_t *p, uint32_t v);
uint32_t scsi_get_le32(const uint8_t *p);
/* 5.6.6.1: the lun field for (target, single-level LUN l). */
void scsi_lun(uint8_t *lun, uint8_t target, uint16_t l);
/* Whether s is a SAM status code. */
bool scsi_sam_status(uint8_t s);
/* Brings the device up with `want`; false (reported) if it cannot go on. */
bool scsi_open(struct pf_test *t, struct chk_dev *c, uint64_t want);
/*
 * Sends cmd and checks the response byte (a VIRTIO_SCSI_S_* code) and, on
 * OK, BAD_TARGET or INCORRECT_LUN, the status byte (SAM). Returns the
 * response (-1 if the request failed, already reported); the data-in bytes
 * go to din (may be NULL), the status byte to *status (may be NULL).
 */
int scsi_exec(struct pf_test *t, struct chk_dev *c, const struct scsi_cmd *cmd, uint8_t *din,
	      uint8_t *status);
/* The first target with LUN 0 present (TEST UNIT READY answered OK), -1 if
 * none, -2 if a request failed; *no_lun counts targets without LUN 0. */
int scsi_find_lun(struct pf_test *t, struct chk_dev *c, unsigned *no_lun);

#endif

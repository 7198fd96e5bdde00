/* SPDX-License-Identifier: MIT */
/*
 * The console device suite (common/include/pf/checks_console.def) on a
 * simulated console: a model of 5.3 with two ports (port 0 a console,
 * port 1 named), the multiport control protocol answered as the chapter
 * describes, and faulty variants that break one rule each.
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

#define CONSOLE 3
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define F_MULTIPORT VIRTIO_BIT(1)
#define F_EMERG VIRTIO_BIT(2)
#define ALL_F (V1 | F_MULTIPORT | F_EMERG)

enum con_fault {
	CF_NONE,
	CF_ADD_DUP,	     /* DEVICE_ADD for port 0 twice */
	CF_ADD_RANGE,	     /* DEVICE_ADD for port max_nr_ports */
	CF_REMOVE_UNKNOWN,   /* DEVICE_REMOVE of a port never added */
	CF_NO_ADD,	     /* no port: DEVICE_READY brings nothing */
	CF_OPEN_UNKNOWN,     /* PORT_OPEN for a port not added */
	CF_BAD_NAME,	     /* PORT_NAME with a control character */
	CF_SHORT_MSG,	     /* a 6-byte control message */
	CF_TX_HOLD,	     /* port 0 output never returned */
	CF_EMERG_RESET,	     /* a write to emerg_wr sets DEVICE_NEEDS_RESET */
	CF_EMERG_EARLY,	     /* ... only before DRIVER_OK */
	CF_EMERG_CONFIGURED, /* ... only between FEATURES_OK and DRIVER_OK */
	CF_EMERG_LATE,	     /* ... only after DRIVER_OK */
	CF_DRIVER_EVENT,     /* sends PORT_READY (a driver's event) back */
};

#define CON_MSG_MAX 96
#define CON_PENDING 16

struct con_model {
	enum con_fault fault;
	uint32_t nports;
	uint8_t msg[CON_PENDING][CON_MSG_MAX];
	uint32_t len[CON_PENDING];
	unsigned head, tail;
};

static struct con_model M;

static void con_queue(uint32_t id, uint16_t event, uint16_t value, const char *name)
{
	uint8_t *m;
	uint32_t n = 8;

	if (M.tail - M.head == CON_PENDING)
		return;
	m = M.msg[M.tail % CON_PENDING];
	memset(m, 0, CON_MSG_MAX);
	memcpy(m, &id, 4);
	memcpy(m + 4, &event, 2);
	memcpy(m + 6, &value, 2);
	if (name) {
		memcpy(m + 8, name, strlen(name) + 1);
		n += (uint32_t)strlen(name) + 1;
	}
	if (M.fault == CF_SHORT_MSG)
		n = 6;
	M.len[M.tail++ % CON_PENDING] = n;
}

/* 5.3.6.2: the device's side of the control protocol. */
static void con_control(struct sim_dev *s, const struct sim_req *r)
{
	uint8_t m[8];
	uint32_t id;
	uint16_t event, value;

	if (sim_req_read(r, 0, m, sizeof(m)) < sizeof(m))
		return;
	memcpy(&id, m, 4);
	memcpy(&event, m + 4, 2);
	memcpy(&value, m + 6, 2);
	if (event == 0 && value == 1 && M.fault != CF_NO_ADD) { /* DEVICE_READY */
		for (uint32_t p = 0; p < M.nports; p++)
			con_queue(p, 1, 1, NULL);
		if (M.fault == CF_ADD_DUP)
			con_queue(0, 1, 1, NULL);
		if (M.fault == CF_ADD_RANGE)
			con_queue(s->config[4], 1, 1, NULL);
		if (M.fault == CF_REMOVE_UNKNOWN)
			con_queue(M.nports, 2, 1, NULL);
	} else if (event == 3 && id < M.nports) { /* PORT_READY */
		if (id == 0)
			con_queue(0, 4, 1, NULL); /* CONSOLE_PORT */
		else
			con_queue(id, 7, 1, M.fault == CF_BAD_NAME ? "org.pf\001" : "org.pf.port1");
		con_queue(M.fault == CF_OPEN_UNKNOWN ? 9 : id, 6, 1, NULL); /* PORT_OPEN */
		if (M.fault == CF_DRIVER_EVENT)
			con_queue(id, 3, 1, NULL);
	}
}

static uint32_t con_serve(struct sim_dev *s, const struct sim_req *r)
{
	uint32_t n;

	if (r->queue == 3) {
		con_control(s, r);
		return 0;
	}
	if (r->queue == 2 && M.head != M.tail) {
		n = M.len[M.head % CON_PENDING];
		sim_req_write(r, 0, M.msg[M.head % CON_PENDING], n);
		M.head++;
		return n;
	}
	return 0; /* output consumed; receive queues stay empty (hold) */
}

static bool con_hold(struct sim_dev *s, uint16_t q)
{
	(void)s;
	if (q == 2)
		return M.head == M.tail;
	if (q == 1)
		return M.fault == CF_TX_HOLD;
	return q == 0 || (q >= 4 && q % 2 == 0); /* nothing to receive */
}

static void con_config_write(struct sim_dev *s, uint32_t off, uint32_t len)
{
	(void)len;
	if (off != 8)
		return;
	if (M.fault == CF_EMERG_RESET ||
	    (M.fault == CF_EMERG_EARLY && !(s->status & VIRTIO_STATUS_DRIVER_OK)) ||
	    (M.fault == CF_EMERG_CONFIGURED && (s->status & VIRTIO_STATUS_FEATURES_OK) &&
	     !(s->status & VIRTIO_STATUS_DRIVER_OK)) ||
	    (M.fault == CF_EMERG_LATE && (s->status & VIRTIO_STATUS_DRIVER_OK)))
		s->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
}

struct con_case {
	const char *name;
	enum pf_check_id check;
	uint64_t features;
	uint32_t max_ports; /* config max_nr_ports */
	uint16_t queues;
	enum con_fault fault;
	uint64_t sim_faults;
	enum pf_verdict expect;
	const char *sub;
};

#define CLEAN ALL_F, 2, 6, CF_NONE, 0

static const struct con_case cases[] = {
	/* console.config */
	{ "console config clean", PF_CHK_CONSOLE_CONFIG, CLEAN, PF_VERDICT_PASS, NULL },
	{ "console config without MULTIPORT", PF_CHK_CONSOLE_CONFIG, V1, 1, 2, CF_NONE, 0,
	  PF_VERDICT_NA, NULL },
	{ "console config: max_nr_ports 0", PF_CHK_CONSOLE_CONFIG, ALL_F, 0, 6, CF_NONE, 0,
	  PF_VERDICT_WARN, "max-nr-ports-zero" },
	{ "console config: port 1's queues missing", PF_CHK_CONSOLE_CONFIG, ALL_F, 2, 4, CF_NONE, 0,
	  PF_VERDICT_WARN, "queues-missing" },
	/* console.port0-output */
	{ "console output clean", PF_CHK_CONSOLE_PORT0_OUTPUT, CLEAN, PF_VERDICT_PASS, NULL },
	{ "console output, single port", PF_CHK_CONSOLE_PORT0_OUTPUT, V1, 1, 2, CF_NONE, 0,
	  PF_VERDICT_PASS, NULL },
	{ "console output: never returned", PF_CHK_CONSOLE_PORT0_OUTPUT, ALL_F, 2, 6, CF_TX_HOLD, 0,
	  PF_VERDICT_FAIL, "no-used" },
	{ "console output: used len past the buffer", PF_CHK_CONSOLE_PORT0_OUTPUT, ALL_F, 2, 6,
	  CF_NONE, SIM_F_USED_LEN_LONG, PF_VERDICT_FAIL, "used-len" },
	/* console.emerg-write */
	{ "console emerg_wr clean", PF_CHK_CONSOLE_EMERG_WRITE, CLEAN, PF_VERDICT_PASS, NULL },
	{ "console emerg_wr not offered", PF_CHK_CONSOLE_EMERG_WRITE, V1 | F_MULTIPORT, 2, 6,
	  CF_NONE, 0, PF_VERDICT_NA, NULL },
	{ "console emerg_wr: needs reset", PF_CHK_CONSOLE_EMERG_WRITE, ALL_F, 2, 6, CF_EMERG_RESET,
	  0, PF_VERDICT_FAIL, "unconfigured" },
	{ "console emerg_wr: refused before DRIVER_OK", PF_CHK_CONSOLE_EMERG_WRITE, ALL_F, 2, 6,
	  CF_EMERG_EARLY, 0, PF_VERDICT_FAIL, "unconfigured" },
	{ "console emerg_wr: refused with queues set up", PF_CHK_CONSOLE_EMERG_WRITE, ALL_F, 2, 6,
	  CF_EMERG_CONFIGURED, 0, PF_VERDICT_FAIL, "before-driver-ok" },
	{ "console emerg_wr: refused once live", PF_CHK_CONSOLE_EMERG_WRITE, ALL_F, 2, 6,
	  CF_EMERG_LATE, 0, PF_VERDICT_FAIL, "after-driver-ok" },
	{ "console emerg_wr: output stops after it", PF_CHK_CONSOLE_EMERG_WRITE, ALL_F, 2, 6,
	  CF_TX_HOLD, 0, PF_VERDICT_FAIL, "no-used" },
	/* console.multiport.add-valid */
	{ "console multiport clean", PF_CHK_CONSOLE_MULTIPORT, CLEAN, PF_VERDICT_PASS, NULL },
	{ "console multiport, one port", PF_CHK_CONSOLE_MULTIPORT, ALL_F, 1, 4, CF_NONE, 0,
	  PF_VERDICT_PASS, NULL },
	{ "console multiport not offered", PF_CHK_CONSOLE_MULTIPORT, V1 | F_EMERG, 1, 2, CF_NONE, 0,
	  PF_VERDICT_NA, NULL },
	{ "console multiport: port added twice", PF_CHK_CONSOLE_MULTIPORT, ALL_F, 2, 6, CF_ADD_DUP,
	  0, PF_VERDICT_FAIL, "add-duplicate" },
	{ "console multiport: port id max_nr_ports", PF_CHK_CONSOLE_MULTIPORT, ALL_F, 2, 6,
	  CF_ADD_RANGE, 0, PF_VERDICT_FAIL, "add-id-range" },
	{ "console multiport: unknown port removed", PF_CHK_CONSOLE_MULTIPORT, ALL_F, 2, 6,
	  CF_REMOVE_UNKNOWN, 0, PF_VERDICT_FAIL, "remove-unknown" },
	{ "console multiport, no port on the bus", PF_CHK_CONSOLE_MULTIPORT, ALL_F, 2, 6, CF_NO_ADD,
	  0, PF_VERDICT_PASS, NULL },
	{ "console multiport: PORT_OPEN for an unknown port", PF_CHK_CONSOLE_MULTIPORT, ALL_F, 2, 6,
	  CF_OPEN_UNKNOWN, 0, PF_VERDICT_WARN, "unknown-port" },
	{ "console multiport: bad port name", PF_CHK_CONSOLE_MULTIPORT, ALL_F, 2, 6, CF_BAD_NAME, 0,
	  PF_VERDICT_WARN, "port-name-bytes" },
	{ "console multiport: short control message", PF_CHK_CONSOLE_MULTIPORT, ALL_F, 2, 6,
	  CF_SHORT_MSG, 0, PF_VERDICT_WARN, "ctrl-short" },
	{ "console multiport: driver event from the device", PF_CHK_CONSOLE_MULTIPORT, ALL_F, 2, 6,
	  CF_DRIVER_EVENT, 0, PF_VERDICT_WARN, "bad-event" },
};

static struct ut_dev U;

static void test_case(void **state)
{
	const struct con_case *c = *state;
	enum pf_verdict v;

	assert_int_equal(ut_mmio_open_faulty(&U, SIM_MMIO_V2, CONSOLE, c->features, c->queues, 64,
					     c->sim_faults),
			 0);
	memset(&M, 0, sizeof(M));
	M.fault = c->fault;
	M.nports = c->max_ports;
	memset(U.sim.config, 0, sizeof(U.sim.config));
	U.sim.config_len = 12;
	memcpy(U.sim.config + 4, &c->max_ports, 4);
	U.sim.serve = con_serve;
	U.sim.hold = con_hold;
	U.sim.config_write = con_config_write;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, &U.dev);
	UT_CHECK_ROW(&ut_checks_console, c, v);
}

UT_CHECK_TABLE_N(ut_checks_console, "checks_console", cases, struct con_case, test_case, ut_setup,
		 NULL, NULL, 0);

/* SPDX-License-Identifier: MIT */
/*
 * The GPIO suite (common/include/pf/checks_gpio.def) on the simulated
 * device: a clean 8-line device with names and interrupts (5.18) and
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

#define GPIO 41
#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define IRQ VIRTIO_BIT(0) /* VIRTIO_GPIO_F_IRQ */
#define NGPIO 8
#define OOO SIM_F_OUT_OF_ORDER

enum gpio_fault {
	GF_NONE,
	GF_PADDING,	   /* config padding not zero */
	GF_NO_NAMES,	   /* gpio_names_size 0 */
	GF_NAMES_UNTERM,   /* the last name runs to the end of the block */
	GF_NAMES_DUP,	   /* two lines share a name */
	GF_NAMES_SIZE_BIG, /* gpio_names_size larger than the names */
	GF_VALUE_UNSET,	   /* the response value byte is never written */
	GF_BAD_LINE_OK,	   /* a line past ngpio answered OK */
	GF_BAD_DIR_OK,	   /* direction 3 accepted */
	GF_BAD_TYPE_OK,	   /* an unknown message answered OK */
	GF_OUT_NOT_READ,   /* GET_VALUE of an output reads 0 */
	GF_NONE_KEEPS_DIR, /* SET_DIRECTION NONE leaves the direction */
	GF_EVT_WHILE_OFF,  /* eventq buffers returned VALID at once */
	GF_NONE_KEEPS_EVT, /* SET_IRQ_TYPE NONE keeps the eventq buffer */
	GF_NONE_VALID,	   /* ... returns it with status VALID */
};

static const char names_ok[] = "led-red\0\0button\0\0\0reset\0\0\0";
static const char names_dup[] = "led-red\0\0led-red\0\0\0reset\0\0\0";
static const char names_unterm[] = "led-red\0\0button\0\0\0reset\0\0x";

static struct {
	enum gpio_fault fault;
	const char *names;
	uint32_t names_len;  /* bytes of names */
	uint32_t block_size; /* gpio_names_size */
	uint8_t dir[NGPIO], val[NGPIO], irq[NGPIO];
	bool release; /* return the held eventq buffer (SET_IRQ_TYPE NONE) */
} M;

static void respond(const struct sim_req *r, uint8_t status, uint8_t value)
{
	sim_req_write(r, 0, &status, 1);
	if (M.fault != GF_VALUE_UNSET)
		sim_req_write(r, 1, &value, 1);
}

static uint32_t gpio_request(struct sim_dev *s, const struct sim_req *r)
{
	uint8_t q[8], st = 0, v = 0;
	uint16_t type, line;
	uint32_t value;

	if (sim_req_readable(r) != 8 || sim_req_writable(r) < 2)
		return 0;
	sim_req_read(r, 0, q, 8);
	type = (uint16_t)(q[0] | q[1] << 8);
	line = (uint16_t)(q[2] | q[3] << 8);
	value = q[4] | (uint32_t)q[5] << 8 | (uint32_t)q[6] << 16 | (uint32_t)q[7] << 24;
	if (type == 1) { /* GET_LINE_NAMES */
		st = sim_req_writable(r) == M.block_size + 1 ? 0 : 1;
		sim_req_write(r, 0, &st, 1);
		if (!st)
			sim_req_write(r, 1, M.names, M.names_len);
		return sim_req_writable(r);
	}
	if (line >= NGPIO && M.fault != GF_BAD_LINE_OK) {
		respond(r, 1, 0);
		return 2;
	}
	line %= NGPIO;
	switch (type) {
	case 2:
		v = M.dir[line];
		break;
	case 3:
		if (value > 2 && M.fault != GF_BAD_DIR_OK) {
			st = 1;
			break;
		}
		if (value == 0 && M.fault == GF_NONE_KEEPS_DIR)
			break;
		M.dir[line] = (uint8_t)value;
		if (!value)
			M.val[line] = 0; /* NONE discards the line's state */
		break;
	case 4:
		v = M.dir[line] == 1 && M.fault != GF_OUT_NOT_READ ? M.val[line] : 0;
		break;
	case 5:
		M.val[line] = value & 1;
		break;
	case 6:
		if (!(s->driver_features & IRQ)) {
			st = 1;
			break;
		}
		if (!value && M.irq[line] && M.fault != GF_NONE_KEEPS_EVT)
			M.release = true;
		M.irq[line] = (uint8_t)value;
		break;
	default:
		st = M.fault == GF_BAD_TYPE_OK ? 0 : 1;
	}
	respond(r, st, v);
	return 2;
}

static uint32_t gpio_event(const struct sim_req *r)
{
	uint8_t st = M.fault == GF_EVT_WHILE_OFF || M.fault == GF_NONE_VALID;

	M.release = false;
	return sim_req_write(r, 0, &st, 1);
}

static uint32_t gpio_serve(struct sim_dev *s, const struct sim_req *r)
{
	return r->queue == 0 ? gpio_request(s, r) : gpio_event(r);
}

/* The eventq keeps its buffers until an interrupt is disabled. */
static bool gpio_hold(struct sim_dev *s, uint16_t q)
{
	(void)s;
	return q == 1 && !M.release && M.fault != GF_EVT_WHILE_OFF;
}

struct gpio_case {
	const char *name;
	enum pf_check_id check;
	enum sim_transport transport;
	uint64_t features;
	uint64_t sim_faults;
	enum gpio_fault fault;
	enum pf_verdict expect;
	const char *sub;
};

#define ROW(n, chk, tr, f, sf, fault, v, sub)                    \
	{                                                        \
		n, PF_CHK_##chk, tr, V1 | (f), sf, fault, v, sub \
	}
#define MMIO SIM_MMIO_V2
#define PASS PF_VERDICT_PASS
#define FAIL PF_VERDICT_FAIL
#define WARN PF_VERDICT_WARN
#define NA PF_VERDICT_NA

static const struct gpio_case cases[] = {
	ROW("config clean", GPIO_CONFIG, MMIO, IRQ, 0, GF_NONE, PASS, NULL),
	ROW("config clean pci", GPIO_CONFIG, SIM_PCI, IRQ, 0, GF_NONE, PASS, NULL),
	ROW("config: padding set", GPIO_CONFIG, MMIO, 0, 0, GF_PADDING, FAIL, "padding"),
	ROW("names clean", GPIO_NAMES, MMIO, 0, 0, GF_NONE, PASS, NULL),
	ROW("names clean pci", GPIO_NAMES, SIM_PCI, 0, 0, GF_NONE, PASS, NULL),
	ROW("names: none", GPIO_NAMES, MMIO, 0, 0, GF_NO_NAMES, NA, NULL),
	ROW("names: not terminated", GPIO_NAMES, MMIO, 0, 0, GF_NAMES_UNTERM, FAIL,
	    "not-terminated"),
	ROW("names: duplicate", GPIO_NAMES, MMIO, 0, 0, GF_NAMES_DUP, FAIL, "not-unique"),
	ROW("names: size too big", GPIO_NAMES, MMIO, 0, 0, GF_NAMES_SIZE_BIG, FAIL,
	    "size-mismatch"),
	ROW("requests clean", GPIO_REQUESTS, MMIO, 0, 0, GF_NONE, PASS, NULL),
	ROW("requests clean pci", GPIO_REQUESTS, SIM_PCI, IRQ, 0, GF_NONE, PASS, NULL),
	ROW("requests: value unset", GPIO_REQUESTS, MMIO, 0, 0, GF_VALUE_UNSET, FAIL, "resp-value"),
	ROW("requests: bad line OK", GPIO_REQUESTS, MMIO, 0, 0, GF_BAD_LINE_OK, FAIL, "bad-line"),
	ROW("requests: bad direction OK", GPIO_REQUESTS, MMIO, 0, 0, GF_BAD_DIR_OK, FAIL,
	    "bad-direction"),
	ROW("requests: unknown type OK", GPIO_REQUESTS, MMIO, 0, 0, GF_BAD_TYPE_OK, FAIL,
	    "bad-type"),
	ROW("set-get clean", GPIO_SET_GET, MMIO, 0, 0, GF_NONE, PASS, NULL),
	ROW("set-get clean pci", GPIO_SET_GET, SIM_PCI, 0, 0, GF_NONE, PASS, NULL),
	ROW("set-get: output not read back", GPIO_SET_GET, MMIO, 0, 0, GF_OUT_NOT_READ, FAIL,
	    "value-readback"),
	ROW("set-get: NONE keeps direction", GPIO_SET_GET, MMIO, 0, 0, GF_NONE_KEEPS_DIR, FAIL,
	    "none-readback"),
	ROW("set-get: answered out of order", GPIO_SET_GET, MMIO, 0, OOO, GF_NONE, FAIL,
	    "batch/answer-order"),
	ROW("set-get: value unset", GPIO_SET_GET, MMIO, 0, 0, GF_VALUE_UNSET, FAIL, "resp-value"),
	ROW("irq clean", GPIO_IRQ, MMIO, IRQ, 0, GF_NONE, PASS, NULL),
	ROW("irq clean pci", GPIO_IRQ, SIM_PCI, IRQ, 0, GF_NONE, PASS, NULL),
	ROW("irq: not offered", GPIO_IRQ, MMIO, 0, 0, GF_NONE, NA, NULL),
	ROW("irq: event while disabled", GPIO_IRQ, MMIO, IRQ, 0, GF_EVT_WHILE_OFF, FAIL,
	    "event-while-disabled"),
	ROW("irq: NONE keeps the buffer", GPIO_IRQ, MMIO, IRQ, 0, GF_NONE_KEEPS_EVT, FAIL,
	    "not-returned"),
	ROW("irq: NONE returns it VALID", GPIO_IRQ, MMIO, IRQ, 0, GF_NONE_VALID, FAIL,
	    "none-status"),
};

static struct ut_dev U;

static void put_config(void)
{
	uint32_t size = M.fault == GF_NAMES_SIZE_BIG ? M.names_len + 4 : M.names_len;

	memset(U.sim.config, 0, sizeof(U.sim.config));
	U.sim.config_len = 8;
	U.sim.config[0] = NGPIO;
	U.sim.config[2] = M.fault == GF_PADDING ? 0x5a : 0;
	if (M.fault != GF_NO_NAMES)
		memcpy(&U.sim.config[4], &size, 4); /* little-endian host */
	M.block_size = size;
}

static void test_case(void **state)
{
	const struct gpio_case *c = *state;
	struct virtio_dev *d = &U.dev;
	enum pf_verdict v;

	if (c->transport == SIM_PCI) {
		d = ut_pci_open(&U, GPIO, c->features, c->sim_faults, 0);
		assert_non_null(d);
	} else {
		assert_int_equal(ut_mmio_open_faulty(&U, c->transport, GPIO, c->features, 2, 64,
						     c->sim_faults),
				 0);
	}
	memset(&M, 0, sizeof(M));
	M.fault = c->fault;
	M.names = c->fault == GF_NAMES_DUP	? names_dup
		  : c->fault == GF_NAMES_UNTERM ? names_unterm
						: names_ok;
	M.names_len = c->fault == GF_NAMES_UNTERM ? sizeof(names_unterm) - 1 : sizeof(names_ok) - 1;
	put_config();
	U.sim.serve = gpio_serve;
	U.sim.hold = gpio_hold;
	ut_auto_progress(&U);
	v = ut_run_check(c->check, d);
	UT_CHECK_ROW(&ut_checks_gpio, c, v);
}

UT_CHECK_TABLE_N(ut_checks_gpio, "checks_gpio", cases, struct gpio_case, test_case, ut_setup, NULL,
		 NULL, 0);

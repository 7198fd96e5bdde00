/* SPDX-License-Identifier: MIT */
/*
 * intr.h on the host, for the unit tests: a model of an interrupt
 * controller. Simulated devices raise lines with host_intr_raise() or write
 * MSI doorbells with host_intr_msi_write(); the probe code under test sees
 * the same counting, callbacks and level masking as on a GIC. Until a test
 * calls host_intr_reset(), intr_init() reports that there is no controller
 * (so checks skip, as on a machine without one).
 *
 * Doorbells: one fake address, data = the line's INTID, lines from
 * HOST_MSI_BASE. DT look-ups answer from a small table (host_intr_map()).
 */
#include <string.h>

#include "intr.h"
#include "platform.h"

#define HOST_LINES 1024
#define HOST_MSI_BASE 64u
#define HOST_MSI_NUM 64u
#define HOST_MSI_ADDR 0x08020040ull
#define HOST_MAP_MAX 32

struct hline {
	uint32_t count;
	bool wired, edge, enabled, pending;
	intr_handler_fn fn;
	void *ctx;
};

static struct hline lines[HOST_LINES];
static uint32_t stray;
static int init_rc = PF_ENODEV;
static bool msi_used[HOST_MSI_NUM];
static struct {
	uint64_t addr;
	struct intr_line line;
} map[HOST_MAP_MAX];
static unsigned nmap;

static struct hline *hl(uint32_t intid)
{
	return intid < HOST_LINES ? &lines[intid] : NULL;
}

void host_intr_reset(int rc)
{
	memset(lines, 0, sizeof(lines));
	memset(msi_used, 0, sizeof(msi_used));
	stray = 0;
	nmap = 0;
	init_rc = rc;
}

void host_intr_map(uint64_t addr, uint32_t intid, bool edge)
{
	if (nmap < HOST_MAP_MAX) {
		map[nmap].addr = addr;
		map[nmap].line.intid = intid;
		map[nmap].line.edge = edge;
		nmap++;
	}
}

static void deliver(uint32_t intid, struct hline *l)
{
	bool quiet = false;

	l->pending = false;
	l->count++;
	if (l->fn)
		quiet = l->fn(l->ctx, intid);
	if (!l->edge && !quiet)
		l->enabled = false; /* as the GIC handler: masked until unmasked */
}

void host_intr_raise(uint32_t intid)
{
	struct hline *l = hl(intid);

	if (!l)
		return;
	if (!l->wired) {
		stray++;
		return;
	}
	if (l->enabled)
		deliver(intid, l);
	else
		l->pending = true;
}

bool host_intr_msi_write(uint64_t addr, uint32_t data)
{
	if (addr != HOST_MSI_ADDR || data < HOST_MSI_BASE || data >= HOST_MSI_BASE + HOST_MSI_NUM)
		return false;
	host_intr_raise(data);
	return true;
}

bool host_intr_enabled(uint32_t intid)
{
	struct hline *l = hl(intid);

	return l && l->wired && l->enabled;
}

bool host_intr_edge(uint32_t intid)
{
	struct hline *l = hl(intid);

	return l && l->edge;
}

int intr_init(const void *fdt)
{
	(void)fdt;
	return init_rc;
}

const char *intr_describe(void)
{
	return init_rc ? "host: no interrupt controller" : "host: simulated controller";
}

int intr_wire(uint32_t intid, bool edge)
{
	struct hline *l = hl(intid);

	if (init_rc)
		return PF_ENODEV;
	if (!l || intid < 32)
		return PF_EINVAL;
	memset(l, 0, sizeof(*l)); /* like the GIC: a stale pending edge is dropped */
	l->wired = true;
	l->edge = edge;
	l->enabled = true;
	return 0;
}

void intr_unwire(uint32_t intid)
{
	struct hline *l = hl(intid);

	if (l) {
		l->wired = false;
		l->enabled = false;
		l->fn = NULL;
	}
}

void intr_unmask(uint32_t intid)
{
	struct hline *l = hl(intid);

	if (l && l->wired && !l->enabled) {
		l->enabled = true;
		if (l->pending)
			deliver(intid, l);
	}
}

void intr_set_callback(uint32_t intid, intr_handler_fn fn, void *ctx)
{
	struct hline *l = hl(intid);

	if (l) {
		l->fn = fn;
		l->ctx = ctx;
	}
}

uint32_t intr_count(uint32_t intid)
{
	struct hline *l = hl(intid);

	return l ? l->count : 0;
}

uint32_t intr_stray_count(void)
{
	return stray;
}

bool intr_wait(uint32_t intid, uint32_t old_count, uint64_t timeout_ns)
{
	uint64_t t0 = arch_now_ns();

	if (init_rc)
		return false;
	/* arch_delay_ns() runs the host delay hook: the simulated device
	 * makes progress (and raises lines) while we wait */
	while (intr_count(intid) == old_count && arch_now_ns() - t0 < timeout_ns)
		arch_delay_ns(1000);
	return intr_count(intid) != old_count;
}

void intr_idle(uint64_t ns)
{
	arch_delay_ns(ns);
}

static int lookup(uint64_t addr, struct intr_line *out)
{
	if (init_rc)
		return PF_ENODEV;
	for (unsigned i = 0; i < nmap; i++) {
		if (map[i].addr == addr) {
			*out = map[i].line;
			return 0;
		}
	}
	return PF_EINVAL;
}

int intr_dt_irq_by_reg(uint64_t reg_addr, unsigned index, struct intr_line *out)
{
	return index ? PF_EINVAL : lookup(reg_addr, out);
}

int intr_pci_intx(uint64_t cfg_addr, uint8_t pin, struct intr_line *out)
{
	return pin < 1 || pin > 4 ? PF_EINVAL : lookup(cfg_addr, out);
}

int intr_msi_alloc(uint64_t cfg_addr, unsigned n, struct intr_msi *out)
{
	unsigned got = 0;

	(void)cfg_addr;
	if (init_rc)
		return PF_ENODEV;
	if (n == 0 || n > INTR_MSI_MAX)
		return PF_EINVAL;
	for (unsigned i = 0; i < HOST_MSI_NUM && got < n; i++) {
		if (msi_used[i])
			continue;
		out[got].addr = HOST_MSI_ADDR;
		out[got].data = HOST_MSI_BASE + i;
		out[got].intid = HOST_MSI_BASE + i;
		got++;
	}
	if (got < n)
		return PF_ENOSPC;
	for (unsigned i = 0; i < n; i++) {
		msi_used[out[i].intid - HOST_MSI_BASE] = true;
		intr_wire(out[i].intid, true);
	}
	return 0;
}

void intr_msi_free(const struct intr_msi *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (v[i].intid >= HOST_MSI_BASE && v[i].intid < HOST_MSI_BASE + HOST_MSI_NUM) {
			intr_unwire(v[i].intid);
			msi_used[v[i].intid - HOST_MSI_BASE] = false;
		}
	}
}

const char *intr_msi_controller(void)
{
	return init_rc ? NULL : "host";
}

/* SPDX-License-Identifier: MIT */
/* Simulated PCI-to-PCI bridges and config/BAR routing through them
 * (sim_pci_bridge.h). */
#include "sim_pci_bridge.h"

#include <string.h>

#include "virtio/pci.h"

#define MAX_HOPS 64 /* bound on routing through (possibly looping) bridges */

static uint32_t get(const uint8_t *c, uint32_t off, unsigned w)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < w; i++)
		v |= (uint32_t)c[off + i] << (8 * i);
	return v;
}

static void put(uint8_t *c, uint32_t off, uint32_t v, unsigned w)
{
	for (unsigned i = 0; i < w; i++)
		c[off + i] = (uint8_t)(v >> (8 * i));
}

static bool pref64(const struct sim_bridge *b)
{
	return !(b->faults & (SIM_BR_F_NO_PREF | SIM_BR_F_PREF32));
}

void sim_bridge_init(struct sim_bridge *b, enum sim_bridge_kind kind, uint32_t faults)
{
	static const uint16_t ids[] = { 0x000c, 0x000e, 0x0001 }; /* QEMU's */
	uint8_t *c = b->cfg, *m = b->wmask;

	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->faults = faults;
	put(c, PCI_VENDOR_ID, 0x1b36, 2);
	put(c, PCI_DEVICE_ID, ids[kind], 2);
	put(c, 0x0a, 0x0604, 2); /* class: PCI-to-PCI bridge */
	c[PCI_HEADER_TYPE] = 1;
	c[PCI_INTERRUPT_PIN] = 1;
	m[PCI_COMMAND] = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | 0x40;
	m[PCI_COMMAND + 1] = 0x05;
	if (kind == SIM_BRIDGE_ROOT_PORT)
		put(m, PCI_BAR0, 0xfffff000u, 4); /* 4 KiB, 32-bit, non-prefetchable */
	put(m, PCI_PRIMARY_BUS, 0xffffffffu, 4);  /* bus numbers, latency timer */
	m[PCI_IO_BASE] = 0xf0;
	m[PCI_IO_BASE + 1] = 0xf0;
	put(m, PCI_MEMORY_BASE, 0xfff0fff0u, 4);
	if (!(faults & SIM_BR_F_NO_PREF)) {
		put(m, PCI_PREF_MEMORY_BASE, 0xfff0fff0u, 4);
		if (pref64(b)) {
			put(c, PCI_PREF_MEMORY_BASE, 0x00010001u, 4);
			put(m, PCI_PREF_BASE_UPPER32, 0xffffffffu, 4);
			put(m, PCI_PREF_LIMIT_UPPER32, 0xffffffffu, 4);
		}
	}
	m[PCI_INTERRUPT_LINE] = 0xff;
	put(m, PCI_BRIDGE_CONTROL, 0x0fff, 2);
	if (kind != SIM_BRIDGE_PCI) {
		/* PCI Express capability: version 2, the port type */
		put(c, PCI_STATUS, PCI_STATUS_CAP_LIST, 2);
		c[PCI_CAPABILITY_LIST] = 0x40;
		c[0x40] = PCI_CAP_ID_EXP;
		put(c, 0x42, (kind == SIM_BRIDGE_ROOT_PORT ? 4u : 7u) << 4 | 2u, 2);
	}
}

static uint32_t br_read(const struct sim_bridge *b, uint32_t reg, unsigned w)
{
	uint32_t v = 0;

	if (reg >= sizeof(b->cfg) || w > sizeof(b->cfg) - reg)
		return 0; /* no extended capabilities */
	for (unsigned i = 0; i < w; i++) {
		uint32_t at = reg + i;
		uint8_t byte = b->cfg[at];

		if ((b->faults & SIM_BR_F_DEAD) && at >= 4 && at != PCI_HEADER_TYPE)
			byte = 0xff;
		v |= (uint32_t)byte << (8 * i);
	}
	return v;
}

static void br_write(struct sim_bridge *b, uint32_t reg, uint32_t v, unsigned w)
{
	if ((b->faults & SIM_BR_F_DEAD) || reg >= sizeof(b->cfg) || w > sizeof(b->cfg) - reg)
		return;
	for (unsigned i = 0; i < w; i++) {
		uint8_t m = b->wmask[reg + i];

		b->cfg[reg + i] = (uint8_t)((b->cfg[reg + i] & ~m) | ((v >> (8 * i)) & m));
	}
}

uint8_t sim_bridge_bus(const struct sim_bridge *b, unsigned which)
{
	return which < 3 ? b->cfg[PCI_PRIMARY_BUS + which] : 0;
}

uint16_t sim_bridge_command(const struct sim_bridge *b)
{
	return (uint16_t)get(b->cfg, PCI_COMMAND, 2);
}

uint32_t sim_bridge_bar0(const struct sim_bridge *b)
{
	return get(b->cfg, PCI_BAR0, 4);
}

bool sim_bridge_mem(const struct sim_bridge *b, uint64_t *base, uint64_t *limit)
{
	*base = (uint64_t)(get(b->cfg, PCI_MEMORY_BASE, 2) & 0xfff0) << 16;
	*limit = (uint64_t)(get(b->cfg, PCI_MEMORY_BASE + 2, 2) & 0xfff0) << 16 | 0xfffff;
	return *base <= *limit;
}

bool sim_bridge_pref(const struct sim_bridge *b, uint64_t *base, uint64_t *limit)
{
	*base = (uint64_t)(get(b->cfg, PCI_PREF_MEMORY_BASE, 2) & 0xfff0) << 16;
	*limit = (uint64_t)(get(b->cfg, PCI_PREF_MEMORY_BASE + 2, 2) & 0xfff0) << 16 | 0xfffff;
	if (pref64(b)) {
		*base |= (uint64_t)get(b->cfg, PCI_PREF_BASE_UPPER32, 4) << 32;
		*limit |= (uint64_t)get(b->cfg, PCI_PREF_LIMIT_UPPER32, 4) << 32;
	}
	return !(b->faults & SIM_BR_F_NO_PREF) && *base <= *limit;
}

/* Bus `nr` as the root bus reaches it: each hop takes the bridge whose
 * secondary..subordinate range holds nr. */
static const struct sim_bus *find_bus(const struct sim_bus *root, unsigned nr)
{
	const struct sim_bus *cur = root;
	unsigned cur_nr = 0;

	for (int hop = 0; hop < MAX_HOPS; hop++) {
		const struct sim_bridge *next = 0;

		if (nr == cur_nr)
			return cur;
		for (int d = 0; d < 32 && !next; d++) {
			const struct sim_bridge *b = cur->bridge[d];

			if (b && !(b->faults & SIM_BR_F_DEAD) && sim_bridge_bus(b, 1) <= nr &&
			    nr <= sim_bridge_bus(b, 2))
				next = b;
		}
		if (!next)
			return 0;
		cur = &next->sec;
		cur_nr = sim_bridge_bus(next, 1);
	}
	return 0;
}

static bool route(const struct sim_bus *root, uint64_t off, struct sim_dev **s,
		  struct sim_bridge **b, uint32_t *reg)
{
	const struct sim_bus *bus = find_bus(root, (unsigned)(off >> 20));
	unsigned dev = (unsigned)(off >> 15) & 31, fn = (unsigned)(off >> 12) & 7;

	*reg = (uint32_t)(off & 0xfff);
	*s = 0;
	*b = 0;
	if (!bus || fn != 0)
		return false;
	*s = bus->dev[dev];
	*b = *s ? 0 : bus->bridge[dev];
	return *s || *b;
}

uint64_t sim_bus_cfg_read(const struct sim_bus *root, uint64_t off, unsigned w)
{
	struct sim_dev *s;
	struct sim_bridge *b;
	uint32_t reg;

	if (!route(root, off, &s, &b, &reg) || w > 4)
		return w >= 8 ? ~0ull : (1ull << (8 * w)) - 1;
	return s ? sim_pci_cfg_read(s, reg, w) : br_read(b, reg, w);
}

void sim_bus_cfg_write(const struct sim_bus *root, uint64_t off, uint64_t v, unsigned w)
{
	struct sim_dev *s;
	struct sim_bridge *b;
	uint32_t reg;

	if (!route(root, off, &s, &b, &reg) || w > 4)
		return;
	if (s)
		sim_pci_cfg_write(s, reg, (uint32_t)v, w);
	else
		br_write(b, reg, (uint32_t)v, w);
}

static bool inside(uint64_t addr, uint64_t size, uint64_t base, uint64_t limit)
{
	return addr >= base && addr + size >= addr && addr + size - 1 <= limit;
}

static bool forwards(const struct sim_bridge *b, uint64_t addr, uint64_t size)
{
	uint64_t base, limit;

	if ((b->faults & SIM_BR_F_DEAD) || !(sim_bridge_command(b) & PCI_COMMAND_MEMORY))
		return false;
	return (sim_bridge_mem(b, &base, &limit) && inside(addr, size, base, limit)) ||
	       (sim_bridge_pref(b, &base, &limit) && inside(addr, size, base, limit));
}

static struct sim_dev *owner(const struct sim_bus *bus, uint64_t addr, uint64_t size,
			     unsigned depth)
{
	for (int d = 0; d < 32; d++) {
		struct sim_dev *s = bus->dev[d];

		if (s && s->bar_addr &&
		    inside(addr, size, s->bar_addr, s->bar_addr + s->bar_size - 1))
			return s;
	}
	if (depth >= MAX_HOPS)
		return 0;
	for (int d = 0; d < 32; d++) {
		const struct sim_bridge *b = bus->bridge[d];
		struct sim_dev *s;

		if (b && forwards(b, addr, size) && (s = owner(&b->sec, addr, size, depth + 1)))
			return s;
	}
	return 0;
}

struct sim_dev *sim_bus_bar_owner(const struct sim_bus *root, uint64_t addr, uint64_t size)
{
	return size ? owner(root, addr, size, 0) : 0;
}

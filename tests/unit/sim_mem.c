/* SPDX-License-Identifier: MIT */
/*
 * A memory device model written from 5.15: the configuration layout, and
 * PLUG / UNPLUG / UNPLUG ALL / STATE served against a block bitmap with the
 * response types the chapter gives. The SIM_MEM_* faults each break one rule.
 */
#include "sim_mem.h"

#include <string.h>

#include "host_platform.h"
#include "platform.h"
#include "virtio/virtio.h"

enum {
	R_PLUG,
	R_UNPLUG,
	R_UNPLUG_ALL,
	R_STATE
};
enum {
	ACK,
	NACK,
	BUSY,
	ERROR
};
enum {
	ST_PLUGGED,
	ST_UNPLUGGED,
	ST_MIXED
};
enum {
	C_BS = 0,
	C_ADDR = 16,
	C_REGION = 24,
	C_USABLE = 32,
	C_PLUGGED = 40,
	C_REQUESTED = 48
};

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void sim_mem_cfg_put(struct sim_dev *s, uint32_t off, uint64_t v, unsigned w)
{
	for (unsigned i = 0; i < w; i++)
		s->config[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t cfg(const struct sim_dev *s, uint32_t off)
{
	return le(s->config + off, 8);
}

static unsigned nplugged(const struct sim_mem *m)
{
	unsigned n = 0;

	for (unsigned i = 0; i < SIM_MEM_BLOCKS; i++)
		n += m->plugged[i];
	return n;
}

/* The blocks [*first, *first + *nb) a request names, if valid (5.15.6.3.2). */
static bool range(const struct sim_dev *s, const struct sim_mem *m, unsigned type, uint64_t addr,
		  uint64_t *first, uint64_t *nb)
{
	uint64_t bs = cfg(s, C_BS), base = cfg(s, C_ADDR), ub = cfg(s, C_USABLE) / bs;
	bool lax_end = (m->faults & SIM_MEM_NO_END_CHECK) ||
		       (type == R_STATE && (m->faults & SIM_MEM_LAX_STATE));

	if (addr % bs) {
		if (!(m->faults & SIM_MEM_NO_ALIGN))
			return false;
		addr -= addr % bs;
	}
	if (addr < base || (addr - base) / bs >= ub)
		return false;
	*first = (addr - base) / bs;
	if (*nb > ub - *first) {
		if (!lax_end)
			return false;
		*nb = ub - *first;
	}
	return true;
}

/* Block i's memory as the model reaches it (NULL outside the DMA arena). */
static uint8_t *block_mem(const struct sim_dev *s, unsigned i)
{
	uint64_t bs = cfg(s, C_BS);

	return host_dma_range(cfg(s, C_ADDR) + i * bs, bs);
}

static uint16_t change(struct sim_dev *s, struct sim_mem *m, bool plug, uint64_t first, uint64_t nb)
{
	uint64_t bs = cfg(s, C_BS);
	unsigned n = nplugged(m);

	if (plug && (m->faults & SIM_MEM_PLUG_NACK))
		return NACK;
	if (!plug && (m->faults & SIM_MEM_UNPLUG_NACK))
		return NACK;
	if (plug && n + nb > cfg(s, C_REQUESTED) / bs && !(m->faults & SIM_MEM_NO_NACK))
		return NACK;
	for (uint64_t i = first; i < first + nb; i++)
		if (m->plugged[i] == plug &&
		    !(m->faults & (plug ? SIM_MEM_REPLUG_OK : SIM_MEM_REUNPLUG_OK)))
			return ERROR;
	for (uint64_t i = first; i < first + nb; i++)
		m->plugged[i] = plug;
	if (!(m->faults & (plug ? SIM_MEM_PLUG_NO_SIZE : SIM_MEM_UNPLUG_NO_SIZE)))
		sim_mem_cfg_put(s, C_PLUGGED, (uint64_t)nplugged(m) * bs, 8);
	if (plug && (m->faults & SIM_MEM_PLUG_GROWS_REGION))
		sim_mem_cfg_put(s, C_REGION, cfg(s, C_REGION) + bs, 8);
	if (!plug && (m->faults & SIM_MEM_SCRIBBLE) && m->plugged[0] && block_mem(s, 0))
		block_mem(s, 0)[cfg(s, C_BS) / 2] ^= 0x40;
	if (!plug && (m->faults & SIM_MEM_UNPLUG_SHRINKS))
		sim_mem_cfg_put(s, C_USABLE, cfg(s, C_USABLE) - bs, 8);
	return ACK;
}

static uint16_t unplug_all(struct sim_dev *s, struct sim_mem *m)
{
	if ((m->faults & SIM_MEM_UNPLUG_ALL_NACK) && nplugged(m))
		return NACK;
	if (m->faults & SIM_MEM_UNPLUG_ALL_KEEPS)
		return ACK;
	if (!(m->faults & SIM_MEM_UNPLUG_ALL_STALE))
		memset(m->plugged, 0, sizeof(m->plugged));
	sim_mem_cfg_put(s, C_PLUGGED, 0, 8);
	return ACK;
}

static uint16_t state(struct sim_dev *s, struct sim_mem *m, uint64_t first, uint64_t nb,
		      uint16_t *st)
{
	unsigned n = 0;

	(void)s;
	if (m->faults & SIM_MEM_STATE_NACK)
		return NACK;
	if (m->faults & SIM_MEM_STATE_FIRST_ONLY)
		nb = 1;
	for (uint64_t i = first; i < first + nb; i++)
		n += m->plugged[i];
	*st = n == nb ? ST_PLUGGED : n ? ST_MIXED : ST_UNPLUGGED;
	if (*st == ST_PLUGGED && (m->faults & SIM_MEM_STATE_NO_PLUGGED))
		*st = ST_MIXED;
	return ACK;
}

static uint16_t handle(struct sim_dev *s, struct sim_mem *m, const uint8_t *req, uint32_t len,
		       uint16_t *st)
{
	unsigned type = (unsigned)le(req, 2);
	uint64_t addr = le(req + 8, 8), first = 0;
	uint64_t nb = le(req + 16, (m->faults & SIM_MEM_NB_32) ? 4 : 2);
	bool zero_ok = (m->faults & SIM_MEM_ZERO_OK) ||
		       (type == R_UNPLUG && (m->faults & SIM_MEM_LAX_UNPLUG));

	if ((m->faults & SIM_MEM_HDR_PAD_STRICT) && le(req + 2, 6))
		return ERROR;
	if ((m->faults & SIM_MEM_TRAILING_STRICT) && len > 24)
		return ERROR;
	if ((m->faults & SIM_MEM_BUSY_ONCE) && !(m->busy_seen & (1u << (type & 3)))) {
		m->busy_seen |= 1u << (type & 3);
		return BUSY;
	}
	if ((m->faults & SIM_MEM_BUSY_ALWAYS) && type == R_PLUG)
		return BUSY;
	if (type == R_UNPLUG_ALL && !((m->faults & SIM_MEM_UNPLUG_ALL_DATA) && addr))
		return unplug_all(s, m);
	if (type == R_UNPLUG_ALL)
		type = R_UNPLUG;
	if (type > R_STATE)
		return ERROR;
	if (!nb)
		return zero_ok && type != R_STATE ? ACK : ERROR;
	if (!range(s, m, type, addr, &first, &nb))
		return ERROR;
	if (type == R_STATE)
		return state(s, m, first, nb, st);
	return change(s, m, type == R_PLUG, first, nb);
}

static uint32_t mem_serve(struct sim_dev *s, const struct sim_req *r)
{
	struct sim_mem *m = s->model;
	uint8_t req[24], resp[10];
	uint16_t st = 0, type;

	/* QEMU takes a short request or response buffer for a broken driver */
	if (sim_req_read(r, 0, req, sizeof(req)) < sizeof(req) ||
	    sim_req_writable(r) < sizeof(resp))
		return 0;
	type = handle(s, m, req, sim_req_readable(r), &st);
	memset(resp, 0, sizeof(resp));
	resp[0] = (uint8_t)type;
	resp[8] = (uint8_t)st;
	sim_req_write(r, 0, resp, sizeof(resp));
	return (m->faults & SIM_MEM_RESP_SHORT) ? 2 : sizeof(resp);
}

/* Each FEATURES_OK after the first follows a device reset: the faults that
 * break 5.15.5.2 (or the fixed fields) act there. UNPLUGGED_INACCESSIBLE,
 * when offered, must be accepted (as QEMU asks). */
static bool mem_features_ok(const struct sim_dev *cs, uint64_t f)
{
	struct sim_mem *m = cs->model;
	struct sim_dev *s = m->dev;

	if (m->features_ok_seen++) {
		if (m->faults & (SIM_MEM_RESET_UNPLUGS | SIM_MEM_RESET_FORGETS))
			memset(m->plugged, 0, sizeof(m->plugged));
		if (m->faults & SIM_MEM_RESET_UNPLUGS)
			sim_mem_cfg_put(s, C_PLUGGED, 0, 8);
		for (unsigned i = 0; i < SIM_MEM_BLOCKS && (m->faults & SIM_MEM_RESET_ZEROES); i++)
			if (m->plugged[i] && block_mem(s, i))
				memset(block_mem(s, i), 0, SIM_MEM_BS);
		if (m->faults & SIM_MEM_RESET_MOVES)
			sim_mem_cfg_put(s, C_ADDR, cfg(s, C_ADDR) + SIM_MEM_BLOCKS * SIM_MEM_BS, 8);
	}
	return !(cs->features & VIRTIO_BIT(1)) || (f & VIRTIO_BIT(1));
}

void sim_mem_attach(struct sim_dev *s, struct sim_mem *m, uint32_t faults)
{
	memset(m, 0, sizeof(*m));
	m->dev = s;
	m->faults = faults;
	s->model = m;
	s->serve = mem_serve;
	s->features_ok = mem_features_ok;
	memset(s->config, 0, 56);
	s->config_len = 56;
	sim_mem_cfg_put(s, C_BS, SIM_MEM_BS, 8);
	sim_mem_cfg_put(s, C_ADDR, SIM_MEM_ADDR, 8);
	sim_mem_cfg_put(s, C_REGION, SIM_MEM_BLOCKS * SIM_MEM_BS, 8);
	sim_mem_cfg_put(s, C_USABLE, SIM_MEM_USABLE * SIM_MEM_BS, 8);
	sim_mem_cfg_put(s, C_REQUESTED, SIM_MEM_REQUESTED * SIM_MEM_BS, 8);
}

void sim_mem_attach_reachable(struct sim_dev *s, struct sim_mem *m, uint32_t faults)
{
	void *region = arch_dma_alloc(SIM_MEM_BLOCKS * SIM_MEM_BS, SIM_MEM_BS);

	sim_mem_attach(s, m, faults);
	if (region)
		sim_mem_cfg_put(s, C_ADDR, arch_dma_addr(region), 8);
}

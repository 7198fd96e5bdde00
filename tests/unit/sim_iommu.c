/* SPDX-License-Identifier: MIT */
/*
 * A simulated IOMMU device (5.13): endpoints attach to domains (a domain
 * exists while an endpoint is attached to it), mappings per domain, PROBE
 * with two RESV_MEM properties (an MSI doorbell and a reserved hole). The
 * SIM_IOMMU_* faults break one rule each.
 */
#include <string.h>

#include "sim_iommu.h"
#include "virtio/virtio.h"

#define T_ATTACH 1
#define T_DETACH 2
#define T_MAP 3
#define T_UNMAP 4
#define T_PROBE 5
#define S_OK 0
#define S_UNSUPP 2
#define S_INVAL 4
#define S_RANGE 5
#define S_NOENT 6
#define PAGE 0x1000ull
#define PROBE_SIZE 256u

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr64(uint8_t *p, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static bool any_nonzero(const uint8_t *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (p[i])
			return true;
	return false;
}

static int ep_index(const struct sim_iommu *m, uint32_t ep)
{
	for (int i = 0; i < SIM_IOMMU_EPS; i++)
		if (m->ep[i] == ep)
			return i;
	return -1;
}

/* The first endpoint attached to dom, -1 if none (no such domain). */
static int domain_ep(const struct sim_iommu *m, uint32_t dom)
{
	for (int i = 0; i < SIM_IOMMU_EPS; i++)
		if (m->ep_attached[i] && m->ep_dom[i] == dom)
			return i;
	return -1;
}

static bool domain_exists(const struct sim_iommu *m, uint32_t dom)
{
	return domain_ep(m, dom) >= 0;
}

/* MAP and UNMAP are refused on a bypass domain (INVAL) or a missing one. */
static uint8_t domain_mappable(const struct sim_iommu *m, uint32_t dom)
{
	int i = domain_ep(m, dom);

	if (i < 0)
		return S_NOENT;
	return m->ep_bypass[i] && !(m->faults & SIM_IOMMU_BYPASS_MAP) ? S_INVAL : S_OK;
}

/* The last endpoint left a domain: the domain and its mappings go. */
static void leave(struct sim_iommu *m, int i)
{
	uint32_t dom = m->ep_dom[i];

	m->ep_attached[i] = false;
	if (domain_exists(m, dom))
		return;
	for (int k = 0; k < SIM_IOMMU_MAPS; k++)
		if (m->map[k].dom == dom)
			m->map[k].used = false;
}

static uint8_t attach(struct sim_iommu *m, const uint8_t *r)
{
	uint32_t dom = rd32(r + 4), ep = rd32(r + 8), flags = rd32(r + 12);
	int i = ep_index(m, ep);

	if (flags & ~1u && !(m->faults & SIM_IOMMU_ATTACH_FLAGS))
		return S_INVAL;
	if (any_nonzero(r + 16, 4) && !(m->faults & SIM_IOMMU_ATTACH_RESERVED))
		return S_INVAL;
	if (i < 0)
		return m->faults & SIM_IOMMU_ATTACH_ANY_EP ? S_OK : S_NOENT;
	if (m->ep_attached[i] && m->ep_dom[i] != dom) {
		if (m->faults & SIM_IOMMU_NO_MOVE_INVAL)
			return S_INVAL;
		if (m->faults & SIM_IOMMU_NO_MOVE_UNSUPP)
			return S_UNSUPP;
		leave(m, i);
	}
	if (domain_exists(m, dom) && !(m->ep_attached[i] && m->ep_dom[i] == dom)) {
		if (m->ep_bypass[domain_ep(m, dom)] != (flags & 1) &&
		    !(m->faults & SIM_IOMMU_BYPASS_MIX))
			return S_INVAL;
		if (m->faults & SIM_IOMMU_NO_SHARE_INVAL)
			return S_INVAL;
		if (m->faults & SIM_IOMMU_NO_SHARE_UNSUPP)
			return S_UNSUPP;
	}
	m->ep_dom[i] = dom;
	m->ep_attached[i] = true;
	m->ep_bypass[i] = flags & 1;
	return S_OK;
}

static uint8_t detach(struct sim_iommu *m, const uint8_t *r)
{
	uint32_t dom = rd32(r + 4);
	int i = ep_index(m, rd32(r + 8));

	if (i < 0)
		return m->faults & SIM_IOMMU_DETACH_INVAL ? S_INVAL : S_NOENT;
	if (any_nonzero(r + 12, 8) && (m->faults & SIM_IOMMU_DETACH_RESERVED))
		return S_INVAL;
	if (!m->ep_attached[i] || m->ep_dom[i] != dom)
		return S_INVAL;
	leave(m, i);
	return S_OK;
}

static uint8_t map(struct sim_iommu *m, const uint8_t *r)
{
	uint32_t dom = rd32(r + 4), flags = rd32(r + 32);
	uint64_t lo = rd64(r + 8), hi = rd64(r + 16);
	int slot = -1;

	if (flags & ~3u && !(m->faults & SIM_IOMMU_MAP_FLAGS))
		return S_INVAL;
	if (domain_mappable(m, dom) != S_OK)
		return domain_mappable(m, dom);
	if (lo & (PAGE - 1) || (hi + 1) & (PAGE - 1) || hi < lo)
		return S_RANGE;
	for (int k = 0; k < SIM_IOMMU_MAPS; k++) {
		const struct sim_iommu_map *p = &m->map[k];

		if (!p->used) {
			slot = slot < 0 ? k : slot;
			continue;
		}
		if (p->dom == dom && !(hi < p->lo || lo > p->hi))
			return S_INVAL;
	}
	if (slot < 0)
		return 8; /* NOMEM */
	m->map[slot] = (struct sim_iommu_map){ dom, lo, hi, true };
	return S_OK;
}

static uint8_t unmap(struct sim_iommu *m, const uint8_t *r)
{
	uint32_t dom = rd32(r + 4);
	uint64_t lo = rd64(r + 8), hi = rd64(r + 16);

	if (domain_mappable(m, dom) != S_OK)
		return domain_mappable(m, dom);
	for (int k = 0; k < SIM_IOMMU_MAPS; k++) {
		struct sim_iommu_map *p = &m->map[k];

		if (!p->used || p->dom != dom || hi < p->lo || lo > p->hi)
			continue;
		if ((p->lo < lo || p->hi > hi) && !(m->faults & SIM_IOMMU_MAP_SPLIT))
			return S_RANGE;
		p->used = false;
	}
	return S_OK;
}

/* RESV_MEM property at p: 4-byte header, subtype, reserved, start, end. */
static uint32_t resv_mem(const struct sim_iommu *m, uint8_t *p, uint8_t subtype, uint64_t lo,
			 uint64_t hi)
{
	uint16_t len = m->faults & SIM_IOMMU_PROBE_LEN_HDR ? 24 : 20;

	p[0] = 1;
	p[1] = 0;
	p[2] = (uint8_t)len;
	p[3] = 0;
	p[4] = subtype;
	wr64(p + 8, lo);
	wr64(p + 16, hi);
	return 24 + (m->faults & SIM_IOMMU_PROBE_PAD ? 4 : 0);
}

static uint32_t probe(struct sim_dev *s, struct sim_iommu *m, const struct sim_req *r,
		      const uint8_t *req, uint8_t *out)
{
	uint32_t n = sim_req_writable(r), off = 0;

	(void)s;
	if (n < PROBE_SIZE + 4)
		return 0;
	memset(out, m->faults & SIM_IOMMU_PROBE_STALE ? 0xee : 0, PROBE_SIZE);
	if (any_nonzero(req + 8, 64) && (m->faults & SIM_IOMMU_PROBE_RESERVED))
		out[PROBE_SIZE] = S_INVAL;
	else if (ep_index(m, rd32(req + 4)) < 0)
		out[PROBE_SIZE] = S_NOENT;
	else
		out[PROBE_SIZE] = S_OK;
	if (out[PROBE_SIZE] == S_OK && !(m->faults & SIM_IOMMU_PROBE_NONE)) {
		memset(out, 0, 2 * 28);
		off += resv_mem(m, out + off, 1, 0x08000000, 0x080fffff);
		off += resv_mem(m, out + off, 0, 0xfee00000, 0xfeefffff);
		memset(out + off, 0, 4); /* the NONE terminator */
	}
	return PROBE_SIZE + 4;
}

static uint32_t iommu_serve(struct sim_dev *s, const struct sim_req *r)
{
	struct sim_iommu *m = s->model;
	uint8_t req[72], out[PROBE_SIZE + 4];
	uint32_t rd = sim_req_readable(r), n = sim_req_writable(r), len = 4;
	uint8_t *tail = out;

	memset(req, 0, sizeof(req));
	memset(out, 0, sizeof(out));
	sim_req_read(r, 0, req, sizeof(req));
	if (n < 4 || rd < 4)
		return 0;
	if (any_nonzero(req + 1, 3) && (m->faults & SIM_IOMMU_HEAD_RESERVED)) {
		out[0] = S_INVAL;
	} else if (req[0] == T_ATTACH && rd >= 20) {
		out[0] = attach(m, req);
	} else if (req[0] == T_DETACH && rd >= 20) {
		out[0] = detach(m, req);
	} else if (req[0] == T_MAP && rd >= 36) {
		out[0] = map(m, req);
	} else if (req[0] == T_UNMAP && rd >= 28) {
		out[0] = unmap(m, req);
	} else if (req[0] == T_PROBE && rd >= 72) {
		len = probe(s, m, r, req, out);
		tail = out + PROBE_SIZE;
	} else if (m->faults & SIM_IOMMU_UNKNOWN_UNSUPP) {
		out[0] = S_UNSUPP;
	} else {
		return 0; /* an unknown type: returned unwritten (5.13.6.2) */
	}
	if (!len)
		return 0;
	if (m->faults & SIM_IOMMU_TAIL_RESERVED)
		memset(tail + 1, 0xff, 3);
	/* the tail ends the writable part */
	if (len == 4)
		return sim_req_write(r, n - 4, out, 4) ? n : 0;
	return sim_req_write(r, 0, out, len);
}

uint64_t sim_iommu_features(void)
{
	/* INPUT_RANGE, DOMAIN_RANGE, MAP_UNMAP, PROBE, BYPASS_CONFIG */
	return VIRTIO_BIT(VIRTIO_F_VERSION_1) | 0x57;
}

void sim_iommu_attach(struct sim_dev *s, struct sim_iommu *m, uint32_t faults, uint32_t ep0,
		      uint32_t ep1)
{
	memset(m, 0, sizeof(*m));
	m->faults = faults;
	m->ep[0] = ep0;
	m->ep[1] = ep1;
	memset(s->config, 0, 40);
	wr64(s->config, faults & SIM_IOMMU_PAGE_MASK_ZERO ? 0 : ~(PAGE - 1));
	wr64(s->config + 8, 0); /* input_range */
	wr64(s->config + 16, (1ull << 48) - 1);
	wr64(s->config + 24, 1ull | 1023ull << 32); /* domain_range 1..1023 */
	s->config[32] = PROBE_SIZE & 0xff;
	s->config[33] = PROBE_SIZE >> 8;
	s->config[36] = faults & SIM_IOMMU_BYPASS_2 ? 2 : 1;
	s->config_len = 40;
	s->serve = iommu_serve;
	s->model = m;
}

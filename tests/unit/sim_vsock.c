/* SPDX-License-Identifier: MIT */
/*
 * A socket device model written from 5.10: the host at CID 2 answers
 * packets of an unknown type with OP_RST, refuses connections to ports
 * nobody listens on, and runs one service on SIM_VSOCK_SVC_PORT that sends
 * SIM_VSOCK_DATA bytes as soon as connected, within the driver's credit.
 */
#include "sim_vsock.h"

#include <string.h>

enum {
	HDR = 44,
	CID_HOST = 2,
	TYPE_STREAM = 1,
	OP_REQUEST = 1,
	OP_RESPONSE = 2,
	OP_RST = 3,
	OP_SHUTDOWN = 4,
	OP_RW = 5,
	OP_CREDIT_UPDATE = 6,
	CHUNK = 32,
	HOST_BUF = 4096,
};

/* A packet from the host's `port` to the driver's `dport`. */
static void make(const struct sim_vsock *v, uint8_t *p, uint32_t port, uint32_t dport,
		 uint16_t type, uint16_t op, uint32_t len)
{
	memset(p, 0, HDR);
	sim_put_le(p, CID_HOST, 8);
	sim_put_le(p + 8, SIM_VSOCK_CID, 8);
	sim_put_le(p + 16, port, 4);
	sim_put_le(p + 20, dport, 4);
	sim_put_le(p + 24, len, 4);
	sim_put_le(p + 28, type, 2);
	sim_put_le(p + 30, op, 2);
	sim_put_le(p + 36, HOST_BUF, 4);
	sim_put_le(p + 40, (v->faults & SIM_VSOCK_BAD_FWD) ? 7 : 0, 4);
}

static void queue(struct sim_vsock *v, uint32_t port, uint32_t dport, uint16_t type, uint16_t op)
{
	if (v->npending < 4)
		make(v, v->pending[v->npending++], port, dport, type, op, 0);
}

/* Bytes the service may send now: all of them, or what the credit allows. */
static uint32_t sendable(const struct sim_vsock *v)
{
	uint32_t left = SIM_VSOCK_DATA - v->sent, credit;

	if (!v->connected || !left)
		return 0;
	if (v->faults & SIM_VSOCK_IGNORE_CREDIT)
		return left;
	credit = v->peer_buf_alloc - (v->sent - v->peer_fwd_cnt);
	return credit < left ? credit : left;
}

static void tx(struct sim_vsock *v, const struct sim_req *r)
{
	uint8_t h[HDR];
	uint32_t sport, dport;
	uint16_t type, op;

	if (sim_req_read(r, 0, h, HDR) != HDR || sim_le(h + 8, 8) != CID_HOST)
		return;
	sport = (uint32_t)sim_le(h + 16, 4);
	dport = (uint32_t)sim_le(h + 20, 4);
	type = (uint16_t)sim_le(h + 28, 2);
	op = (uint16_t)sim_le(h + 30, 2);
	if (type != TYPE_STREAM) {
		if (!(v->faults & SIM_VSOCK_NO_RST))
			queue(v, dport, sport, type, OP_RST);
		return;
	}
	if (dport != SIM_VSOCK_SVC_PORT || (v->faults & SIM_VSOCK_NO_SERVICE)) {
		if (op != OP_RST)
			queue(v, dport, sport, type, OP_RST);
		return;
	}
	v->peer_buf_alloc = (uint32_t)sim_le(h + 36, 4);
	v->peer_fwd_cnt = (uint32_t)sim_le(h + 40, 4);
	if (op == OP_REQUEST) {
		v->connected = true;
		v->peer_port = sport;
		v->sent = 0;
		queue(v, dport, sport, type, OP_RESPONSE);
	} else if (op == OP_RST || op == OP_SHUTDOWN) {
		v->connected = false;
	}
}

static uint32_t rx(struct sim_vsock *v, const struct sim_req *r)
{
	uint8_t p[HDR + CHUNK];
	uint32_t n;

	if (sim_req_writable(r) < sizeof(p))
		return 0;
	if (v->npending) {
		sim_req_write(r, 0, v->pending[0], HDR);
		memmove(v->pending[0], v->pending[1], sizeof(v->pending) - HDR);
		v->npending--;
		return HDR;
	}
	n = sendable(v);
	n = n < CHUNK ? n : CHUNK;
	make(v, p, SIM_VSOCK_SVC_PORT, v->peer_port, TYPE_STREAM, OP_RW, n);
	for (uint32_t i = 0; i < n; i++)
		p[HDR + i] = (uint8_t)(v->sent + i);
	v->sent += n;
	return sim_req_write(r, 0, p, HDR + n);
}

static uint32_t vsock_serve(struct sim_dev *s, const struct sim_req *r)
{
	struct sim_vsock *v = s->model;

	if (r->queue == 1)
		tx(v, r);
	else if (r->queue == 0)
		return rx(v, r);
	return 0;
}

/* rx buffers wait until the host has something to say; the event queue
 * keeps its buffers (no transport reset happens). */
static bool vsock_hold(struct sim_dev *s, uint16_t q)
{
	const struct sim_vsock *v = s->model;

	if (q == 0)
		return !v->npending && !sendable(v);
	return q == 2;
}

void sim_vsock_attach(struct sim_dev *s, struct sim_vsock *v, uint32_t faults)
{
	memset(v, 0, sizeof(*v));
	v->faults = faults;
	s->model = v;
	s->serve = vsock_serve;
	s->hold = vsock_hold;
	memset(s->config, 0, 8);
	sim_put_le(s->config, SIM_VSOCK_CID, 8);
	s->config_len = 8;
}

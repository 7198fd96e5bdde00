/* SPDX-License-Identifier: MIT */
/*
 * A file system device model written from 5.11 and the FUSE messages a
 * driver starts a session with: FUSE_INIT, FUSE_GETATTR of the root (a
 * directory) and FUSE_LOOKUP (an empty root: every name is ENOENT).
 */
#include "sim_fs.h"

#include <string.h>

enum {
	IN_HDR = 40,
	OUT_HDR = 16,
	OP_LOOKUP = 1,
	OP_GETATTR = 3,
	OP_INIT = 26,
	E_NOENT = 2,
	E_NOSYS = 38,
};

static uint32_t reply(struct sim_fs *f, const struct sim_req *r, uint64_t unique, int32_t err,
		      const uint8_t *body, uint32_t body_len)
{
	uint8_t h[OUT_HDR];
	uint32_t len = OUT_HDR + body_len;

	if (sim_req_writable(r) < len)
		return 0;
	sim_put_le(h, len, 4);
	sim_put_le(h + 4, (uint32_t)err, 4);
	sim_put_le(h + 8, (f->faults & SIM_FS_UNIQUE) ? unique + 1 : unique, 8);
	sim_req_write(r, 0, h, OUT_HDR);
	if (body_len)
		sim_req_write(r, OUT_HDR, body, body_len);
	return (f->faults & SIM_FS_USED_LEN_ZERO) ? 0 : len;
}

static uint32_t fs_serve(struct sim_dev *s, const struct sim_req *r)
{
	struct sim_fs *f = s->model;
	uint8_t in[IN_HDR], body[128];
	uint64_t unique, nodeid;

	if (r->queue == 0 || sim_req_read(r, 0, in, IN_HDR) != IN_HDR)
		return 0;
	unique = sim_le(in + 8, 8);
	nodeid = sim_le(in + 16, 8);
	memset(body, 0, sizeof(body));
	switch (sim_le(in + 4, 4)) {
	case OP_INIT:
		sim_put_le(body, 7, 4);
		sim_put_le(body + 4, 31, 4);
		return reply(f, r, unique, 0, body, 64);
	case OP_GETATTR:
		if (nodeid != 1)
			return reply(f, r, unique, -E_NOENT, NULL, 0);
		sim_put_le(body + 16, 1, 8); /* ino */
		sim_put_le(body + 16 + 60, (f->faults & SIM_FS_ROOT_FILE) ? 0100644 : 040755, 4);
		return reply(f, r, unique, 0, body, 104);
	case OP_LOOKUP:
		if (f->faults & SIM_FS_LOOKUP_ANY) {
			sim_put_le(body, 2, 8);
			return reply(f, r, unique, 0, body, 128);
		}
		return reply(f, r, unique, -E_NOENT, NULL, 0);
	default:
		return reply(f, r, unique, -E_NOSYS, NULL, 0);
	}
}

void sim_fs_attach(struct sim_dev *s, struct sim_fs *f, uint32_t faults)
{
	memset(f, 0, sizeof(*f));
	f->faults = faults;
	s->model = f;
	s->serve = fs_serve;
	memset(s->config, 0, 44);
	memcpy(s->config, "pf-share", 8);
	sim_put_le(s->config + 36, 1, 4); /* num_request_queues */
	s->config_len = 44;
}

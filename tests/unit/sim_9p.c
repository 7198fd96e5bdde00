/* SPDX-License-Identifier: MIT */
/*
 * A 9P2000.L server behind a virtio-9p request queue: Tversion, Tattach
 * (a directory root holding one file, "hello"), Twalk (other names ENOENT),
 * Tlopen (read-only: writing is EROFS), Treaddir, Tread, Tclunk;
 * anything else Rlerror ENOSYS.
 */
#include "sim_9p.h"

#include <string.h>

enum {
	RLERROR = 7,
	TLOPEN = 12,
	TREADDIR = 40,
	TREAD = 116,
	TVERSION = 100,
	TATTACH = 104,
	TWALK = 110,
	TCLUNK = 120,
	E_NOENT = 2,
	E_IO = 5,
	E_ROFS = 30,
	E_NOSYS = 38,
};

static const char file_data[] = "hello from the export\n";

/* Rreaddir entries: "." (a directory) and "hello" (a regular file). */
static uint32_t readdir_entries(uint8_t *p)
{
	static const struct {
		const char *name;
		uint8_t type;
	} ent[] = { { ".", 4 }, { "hello", 8 } };
	uint32_t n = 0;

	for (unsigned i = 0; i < 2; i++) {
		uint16_t l = (uint16_t)strlen(ent[i].name);

		memset(p + n, 0, 24);
		sim_put_le(p + n + 13, i + 1, 8);
		p[n + 21] = ent[i].type;
		sim_put_le(p + n + 22, l, 2);
		memcpy(p + n + 24, ent[i].name, l);
		n += 24u + l;
	}
	return n;
}

static uint32_t p9_serve(struct sim_dev *s, const struct sim_req *r)
{
	struct sim_9p *p = s->model;
	uint8_t in[64], out[128];
	uint32_t n = 7, size;
	uint16_t tag;

	memset(in, 0, sizeof(in));
	if (sim_req_read(r, 0, in, sizeof(in)) < 7)
		return 0;
	tag = (uint16_t)sim_le(in + 5, 2);
	memset(out, 0, sizeof(out));
	out[4] = (uint8_t)(in[4] + 1);
	switch (in[4]) {
	case TVERSION:
		sim_put_le(out + 7, sim_le(in + 7, 4) + ((p->faults & SIM_9P_MSIZE_UP) ? 1 : 0), 4);
		sim_put_le(out + 11, 8, 2);
		memcpy(out + 13, "9P2000.L", 8);
		n = 21;
		break;
	case TATTACH:
		out[7] = 0x80; /* qid: a directory */
		n = 20;
		break;
	case TWALK:
		if (sim_le(in + 15, 2) == 0 ||
		    (sim_le(in + 17, 2) == 5 && !memcmp(in + 19, "hello", 5))) {
			sim_put_le(out + 7, sim_le(in + 15, 2), 2);
			n = sim_le(in + 15, 2) ? 22 : 9;
			break;
		}
		if (p->faults & SIM_9P_WALK_ANY) {
			sim_put_le(out + 7, 1, 2);
			n = 22;
			break;
		}
		out[4] = RLERROR;
		sim_put_le(out + 7, E_NOENT, 4);
		n = 11;
		break;
	case TCLUNK:
		break;
	case TLOPEN:
		if (sim_le(in + 11, 4) & 3) { /* a read-only export */
			out[4] = RLERROR;
			sim_put_le(out + 7, (p->faults & SIM_9P_WRITE_EIO) ? E_IO : E_ROFS, 4);
			n = 11;
			break;
		}
		n = 24;
		break;
	case TREADDIR:
		n = readdir_entries(out + 11);
		sim_put_le(out + 7, n, 4);
		n += 11;
		break;
	case TREAD:
		n = (uint32_t)sizeof(file_data) - 1;
		sim_put_le(out + 7, n, 4);
		memcpy(out + 11, file_data, n);
		n += 11;
		break;
	default:
		out[4] = RLERROR;
		sim_put_le(out + 7, E_NOSYS, 4);
		n = 11;
	}
	size = n + ((p->faults & SIM_9P_SIZE_WRONG) ? 1 : 0);
	sim_put_le(out, size, 4);
	sim_put_le(out + 5, (p->faults & SIM_9P_TAG_WRONG) ? tag + 1u : tag, 2);
	return sim_req_write(r, 0, out, n);
}

void sim_9p_attach(struct sim_dev *s, struct sim_9p *p, uint32_t faults)
{
	memset(p, 0, sizeof(*p));
	p->faults = faults;
	s->model = p;
	s->serve = p9_serve;
	memset(s->config, 0, 8);
	sim_put_le(s->config, 3, 2);
	memcpy(s->config + 2, "pf0", 3);
	s->config_len = 5;
}

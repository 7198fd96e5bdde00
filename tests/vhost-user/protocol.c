/* SPDX-License-Identifier: MIT */
/*
 * The vhost-user protocol, back-end side: the messages QEMU's front-ends
 * send for a block or entropy device. Message layout: u32 request, u32
 * flags (version 1 in bits 0-1, REPLY 0x4, NEED_REPLY 0x8), u32 size, then
 * size bytes of payload; file descriptors travel as SCM_RIGHTS with the
 * header. Sizes are checked against each request's payload before use.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vu.h"

enum {
	GET_FEATURES = 1,
	SET_FEATURES = 2,
	SET_OWNER = 3,
	RESET_OWNER = 4,
	SET_MEM_TABLE = 5,
	SET_LOG_BASE = 6,
	SET_LOG_FD = 7,
	SET_VRING_NUM = 8,
	SET_VRING_ADDR = 9,
	SET_VRING_BASE = 10,
	GET_VRING_BASE = 11,
	SET_VRING_KICK = 12,
	SET_VRING_CALL = 13,
	SET_VRING_ERR = 14,
	GET_PROTOCOL_FEATURES = 15,
	SET_PROTOCOL_FEATURES = 16,
	GET_QUEUE_NUM = 17,
	SET_VRING_ENABLE = 18,
	GET_CONFIG = 24,
	SET_CONFIG = 25,
	RESET_DEVICE = 34,
	GET_MAX_MEM_SLOTS = 36,
};

#define VHOST_USER_VERSION 1
#define FLAG_REPLY 0x4
#define FLAG_NEED_REPLY 0x8
#define VRING_IDX_MASK 0xff
#define VRING_NOFD 0x100

#define VHOST_USER_F_PROTOCOL_FEATURES 30
#define PROTOCOL_F_REPLY_ACK 3
#define PROTOCOL_F_CONFIG 9
#define PROTOCOL_F_RESET_DEVICE 13

#define MAX_PAYLOAD 4096
#define MAX_FDS 8

struct msg {
	uint32_t request, flags, size;
	uint8_t payload[MAX_PAYLOAD];
	int fds[MAX_FDS];
	unsigned nfds;
};

static struct msg m;

uint64_t vu_device_features(const struct vu_dev *d)
{
	uint64_t f = 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_RING_PACKED |
		     1ull << VIRTIO_F_EVENT_IDX | 1ull << VIRTIO_F_INDIRECT_DESC |
		     1ull << VHOST_USER_F_PROTOCOL_FEATURES;

	if (d->type == VU_I2C)
		return f | vu_i2c_features(d);
	if (d->type == VU_GPIO)
		return f | vu_gpio_features(d);
	return d->type == VU_BLK ? f | vu_blk_features(d) : f;
}

static uint64_t protocol_features(const struct vu_dev *d)
{
	uint64_t f = 1ull << PROTOCOL_F_REPLY_ACK | 1ull << PROTOCOL_F_RESET_DEVICE;

	return d->type == VU_BLK || d->type == VU_GPIO ? f | 1ull << PROTOCOL_F_CONFIG : f;
}

static void close_fds(void)
{
	for (unsigned i = 0; i < m.nfds; i++)
		if (m.fds[i] >= 0)
			close(m.fds[i]);
	m.nfds = 0;
}

/* Read exactly n bytes (the first call may carry fds). 1: EOF; -1: error. */
static int read_full(int sock, void *buf, size_t n, bool take_fds)
{
	size_t got = 0;

	while (got < n) {
		char cbuf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
		struct iovec iov = { (uint8_t *)buf + got, n - got };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t r;

		if (take_fds && got == 0) {
			mh.msg_control = cbuf;
			mh.msg_controllen = sizeof(cbuf);
		}
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 1;
		if (mh.msg_controllen) {
			for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
				size_t k;

				if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
					continue;
				k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				for (size_t i = 0; i < k; i++) {
					int fd;

					memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
					if (m.nfds < MAX_FDS)
						m.fds[m.nfds++] = fd;
					else
						close(fd);
				}
			}
		}
		got += (size_t)r;
	}
	return 0;
}

static int reply(struct vu_dev *d, const void *payload, uint32_t size)
{
	uint8_t buf[12 + MAX_PAYLOAD];
	uint32_t hdr[3] = { m.request, VHOST_USER_VERSION | FLAG_REPLY, size };
	size_t n = 12 + size, off = 0;

	memcpy(buf, hdr, 12);
	memcpy(buf + 12, payload, size);
	while (off < n) {
		ssize_t r = send(d->sock, buf + off, n - off, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		off += (size_t)r;
	}
	return 0;
}

static int reply_u64(struct vu_dev *d, uint64_t v)
{
	return reply(d, &v, sizeof(v));
}

static struct vu_vring *ring_of(struct vu_dev *d, uint32_t index)
{
	return index < d->nvq ? &d->vq[index] : NULL;
}

static void ring_reset(struct vu_vring *vq, unsigned index)
{
	if (vq->kick_fd >= 0)
		close(vq->kick_fd);
	if (vq->call_fd >= 0)
		close(vq->call_fd);
	if (vq->err_fd >= 0)
		close(vq->err_fd);
	memset(vq, 0, sizeof(*vq));
	vq->index = index;
	vq->kick_fd = vq->call_fd = vq->err_fd = -1;
	vq->prev_used_slot = -1;
}

void vu_rings_init(struct vu_dev *d, bool first)
{
	for (unsigned i = 0; i < VU_MAX_QUEUES; i++) {
		if (first) /* nothing open yet: do not close fd 0 */
			d->vq[i].kick_fd = d->vq[i].call_fd = d->vq[i].err_fd = -1;
		ring_reset(&d->vq[i], i);
	}
}

/* Start (or restart) the ring: where the driver left off (SET_VRING_BASE)
 * and where the used index stands in guest memory. */
static void ring_start(struct vu_dev *d, struct vu_vring *vq)
{
	vq->features = d->features;
	if (has_feature(vq->features, VIRTIO_F_RING_PACKED)) {
		/* the device event suppression area is ours: ask for kicks */
		uint16_t *dev_area = vu_uva(&d->mem, vq->used_uva, 4);

		if (dev_area && !(vq->used_uva & 3))
			__atomic_store_n(&dev_area[1], RING_EVENT_FLAGS_ENABLE, __ATOMIC_RELEASE);
	} else {
		uint16_t *used = vu_uva(&d->mem, vq->used_uva, 4);

		vq->used_idx = used ? __atomic_load_n(&used[1], __ATOMIC_ACQUIRE) : 0;
	}
	vq->ghost = false;
}

static void process(struct vu_dev *d, struct vu_vring *vq)
{
	if (has_feature(vq->features, VIRTIO_F_RING_PACKED))
		vu_packed_process(d, vq);
	else
		vu_split_process(d, vq);
}

/* SET_VRING_KICK/CALL/ERR: u64 index | NOFD flag, fd alongside. */
static int set_fd(struct vu_dev *d, int which)
{
	uint64_t v;
	struct vu_vring *vq;
	int fd = -1, *slot;

	if (m.size < 8)
		return -1;
	memcpy(&v, m.payload, 8);
	vq = ring_of(d, v & VRING_IDX_MASK);
	if (!vq)
		return -1;
	if (!(v & VRING_NOFD)) {
		if (m.nfds != 1)
			return -1;
		fd = m.fds[0];
		m.nfds = 0;
	}
	slot = which == SET_VRING_KICK	 ? &vq->kick_fd
	       : which == SET_VRING_CALL ? &vq->call_fd
					 : &vq->err_fd;
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
	if (which == SET_VRING_KICK) {
		vq->kick_set = true;
		ring_start(d, vq);
		/* Without protocol features a ring starts enabled. */
		if (!has_feature(d->features, VHOST_USER_F_PROTOCOL_FEATURES))
			vq->enabled = true;
		process(d, vq);
	}
	return 0;
}

static int set_mem_table(struct vu_dev *d)
{
	struct vu_region in[VU_MAX_REGIONS];
	uint32_t n;

	if (m.size < 8)
		return -1;
	memcpy(&n, m.payload, 4);
	if (n == 0 || n > VU_MAX_REGIONS || m.size < 8 + 32 * n || m.nfds != n)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *p = m.payload + 8 + 32 * i;

		memset(&in[i], 0, sizeof(in[i]));
		memcpy(&in[i].gpa, p, 8);
		memcpy(&in[i].size, p + 8, 8);
		memcpy(&in[i].uva, p + 16, 8);
		memcpy(&in[i].map_len, p + 24, 8); /* mmap_offset */
	}
	m.nfds = 0; /* vu_mem_set owns them now */
	return vu_mem_set(&d->mem, in, n, m.fds);
}

/* Returns 0 handled, -1 failed (NEED_REPLY gets a non-zero status). Sets
 * *replied when the request has its own reply. */
static int dispatch(struct vu_dev *d, bool *replied)
{
	struct vu_vring *vq;
	uint32_t st[2];
	uint64_t v;

	*replied = false;
	switch (m.request) {
	case GET_FEATURES:
		*replied = true;
		return reply_u64(d, vu_device_features(d));
	case SET_FEATURES:
		if (m.size < 8)
			return -1;
		memcpy(&d->features, m.payload, 8);
		return 0;
	case GET_PROTOCOL_FEATURES:
		*replied = true;
		return reply_u64(d, protocol_features(d));
	case SET_PROTOCOL_FEATURES:
		if (m.size < 8)
			return -1;
		memcpy(&v, m.payload, 8);
		d->protocol_features = v & protocol_features(d);
		return 0;
	case SET_OWNER:
		return 0;
	case RESET_OWNER:
	case RESET_DEVICE:
		vu_rings_init(d, false);
		d->features = 0;
		return 0;
	case SET_MEM_TABLE:
		return set_mem_table(d);
	case GET_QUEUE_NUM:
		*replied = true;
		return reply_u64(d, d->nvq);
	case GET_MAX_MEM_SLOTS:
		*replied = true;
		return reply_u64(d, VU_MAX_REGIONS);
	case SET_VRING_NUM:
	case SET_VRING_BASE:
	case GET_VRING_BASE:
	case SET_VRING_ENABLE:
		if (m.size < 8)
			return -1;
		memcpy(st, m.payload, 8);
		vq = ring_of(d, st[0]);
		if (!vq)
			return -1;
		if (m.request == SET_VRING_NUM) {
			if (st[1] == 0 || st[1] > VU_MAX_QUEUE_SIZE)
				return -1;
			vq->num = (uint16_t)st[1];
		} else if (m.request == SET_VRING_BASE) {
			vq->last_avail = (uint16_t)st[1];
			vu_packed_set_base(vq, st[1]);
		} else if (m.request == SET_VRING_ENABLE) {
			vq->enabled = st[1] != 0;
			if (vq->enabled && vq->kick_set)
				process(d, vq);
		} else {
			/* GET_VRING_BASE stops the ring (it is reset or suspended). */
			bool packed = has_feature(vq->features, VIRTIO_F_RING_PACKED);

			st[1] = packed ? vu_packed_get_base(vq) : vq->last_avail;
			if (fault(d, F_OLD_RING_AFTER_RESET) && !packed && vq->kick_set) {
				vq->ghost = true;
				/* from 1 ms on: after the reset has completed */
				vq->ghost_from_ms = vu_now_ms() + 1;
				vq->ghost_until_ms = vu_now_ms() + 20;
				vq->ghost_desc = vq->desc_uva;
				vq->ghost_avail = vq->avail_uva;
				vq->ghost_used = vq->used_uva;
				vq->ghost_num = vq->num;
				vq->ghost_last_avail = vq->last_avail;
				vq->ghost_used_idx = vq->used_idx;
			}
			vq->kick_set = false;
			vq->enabled = false;
			if (vq->kick_fd >= 0)
				close(vq->kick_fd);
			vq->kick_fd = -1;
			*replied = true;
			return reply(d, st, 8);
		}
		return 0;
	case SET_VRING_ADDR: {
		uint32_t idx;

		if (m.size < 40)
			return -1;
		memcpy(&idx, m.payload, 4);
		vq = ring_of(d, idx);
		if (!vq)
			return -1;
		memcpy(&vq->desc_uva, m.payload + 8, 8);
		memcpy(&vq->used_uva, m.payload + 16, 8);
		memcpy(&vq->avail_uva, m.payload + 24, 8);
		return 0;
	}
	case SET_VRING_KICK:
	case SET_VRING_CALL:
	case SET_VRING_ERR:
		return set_fd(d, (int)m.request);
	case GET_CONFIG: {
		uint8_t out[12 + 256];
		uint32_t off, size;

		if ((d->type != VU_BLK && d->type != VU_GPIO) || m.size < 12)
			return -1;
		memcpy(&off, m.payload, 4);
		memcpy(&size, m.payload + 4, 4);
		if (size > 256 || off != 0)
			return -1;
		memcpy(out, m.payload, 12);
		if (d->type == VU_GPIO)
			vu_gpio_config(d, out + 12, size);
		else
			vu_blk_config(d, out + 12, size);
		*replied = true;
		return reply(d, out, 12 + size);
	}
	case SET_CONFIG:
		return 0; /* nothing writable in this device's configuration */
	default:
		vu_log("unhandled vhost-user request %u", m.request);
		return -1;
	}
}

int vu_handle_message(struct vu_dev *d)
{
	bool replied;
	int rc;

	m.nfds = 0;
	rc = read_full(d->sock, &m, 12, true);
	if (rc)
		goto out;
	if ((m.flags & 3) != VHOST_USER_VERSION || m.size > MAX_PAYLOAD) {
		vu_log("bad message header (request %u, flags %#x, size %u)", m.request, m.flags,
		       m.size);
		rc = -1;
		goto out;
	}
	if (m.size) {
		rc = read_full(d->sock, m.payload, m.size, false);
		if (rc)
			goto out;
	}
	rc = dispatch(d, &replied);
	if (rc < 0)
		vu_log("request %u failed", m.request);
	if (!replied && (m.flags & FLAG_NEED_REPLY) &&
	    (d->protocol_features >> PROTOCOL_F_REPLY_ACK) & 1) {
		if (reply_u64(d, rc < 0 ? 1 : 0) < 0) {
			rc = 1;
			goto out;
		}
	}
	rc = 0; /* a refused request is answered, not fatal */
out:
	close_fds();
	return rc;
}

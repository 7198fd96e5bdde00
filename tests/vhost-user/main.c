/* SPDX-License-Identifier: MIT */
/*
 * pf-vhost-user-dev --type rng|blk|i2c|gpio --socket PATH [--fault NAME[,NAME]]
 *                   [--seed N] [--size BYTES] [--accept-timeout SECONDS]
 * pf-vhost-user-dev --list-faults
 *
 * Listens on PATH, serves one front-end connection and exits 0 when the
 * front-end goes away (a new hypervisor gets a new back-end). Messages go
 * to stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vu.h"

#define MAX_DISK (1ull << 30)
/* How often rings are looked at without a kick, when something needs it
 * (a kick-less ring, the stale avail_event control, a stopped ring that a
 * fault keeps using). */
#define POLL_MS 5

long vu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void vu_log(const char *fmt, ...)
{
	va_list ap;

	fputs("pf-vhost-user-dev: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void vu_notify(struct vu_dev *d, struct vu_vring *vq)
{
	uint64_t one = 1;

	(void)d;
	if (vq->call_fd >= 0 && write(vq->call_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		vu_log("queue %u: call notifier: %s", vq->index, strerror(errno));
}

static void usage(FILE *f)
{
	fprintf(f, "usage: pf-vhost-user-dev --type rng|blk|i2c|gpio --socket PATH [--fault "
		   "NAME[,NAME]]\n"
		   "                         [--seed N] [--size BYTES] [--accept-timeout SECONDS]\n"
		   "       pf-vhost-user-dev --list-faults\n");
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int s;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		vu_log("socket path too long (%zu bytes, limit %zu)", strlen(path),
		       sizeof(sa.sun_path) - 1);
		return -1;
	}
	strcpy(sa.sun_path, path);
	/* Only a stale socket is replaced, never another kind of file. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 1)) {
		vu_log("%s: %s", path, strerror(errno));
		if (s >= 0)
			close(s);
		return -1;
	}
	return s;
}

static bool needs_polling(const struct vu_dev *d)
{
	for (unsigned i = 0; i < d->nvq; i++) {
		const struct vu_vring *vq = &d->vq[i];

		if (vq->ghost)
			return true;
		if (vq->kick_set && vq->enabled &&
		    (vq->kick_fd < 0 || fault(d, C_AVAIL_EVENT_STALE)))
			return true;
	}
	return false;
}

static bool ghost_active(const struct vu_dev *d)
{
	for (unsigned i = 0; i < d->nvq; i++)
		if (d->vq[i].ghost)
			return true;
	return false;
}

static int serve(struct vu_dev *d)
{
	for (;;) {
		struct pollfd pfd[1 + VU_MAX_QUEUES];
		unsigned n = 1;
		int rc;

		pfd[0] = (struct pollfd){ .fd = d->sock, .events = POLLIN };
		for (unsigned i = 0; i < d->nvq; i++)
			if (d->vq[i].kick_fd >= 0)
				pfd[n++] =
					(struct pollfd){ .fd = d->vq[i].kick_fd, .events = POLLIN };
		rc = poll(pfd, n, ghost_active(d) ? 1 : needs_polling(d) ? POLL_MS : 1000);
		if (rc < 0 && errno != EINTR)
			return -1;
		if (rc > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			rc = vu_handle_message(d);
			if (rc > 0)
				return 0; /* the front-end went away */
			if (rc < 0)
				return -1;
			continue; /* ring state may have changed: rebuild the set */
		}
		for (unsigned i = 0; i < d->nvq; i++) {
			struct vu_vring *vq = &d->vq[i];
			uint64_t cnt;

			if (vq->kick_fd >= 0) {
				for (unsigned k = 1; k < n; k++)
					if (pfd[k].fd == vq->kick_fd && (pfd[k].revents & POLLIN) &&
					    read(vq->kick_fd, &cnt, sizeof(cnt)) < 0 &&
					    errno != EAGAIN)
						vu_log("queue %u: kick: %s", i, strerror(errno));
			}
			if (vq->ghost)
				vu_split_ghost_poll(d, vq);
			if (!vq->kick_set || !vq->enabled)
				continue;
			if (has_feature(vq->features, VIRTIO_F_RING_PACKED))
				vu_packed_process(d, vq);
			else
				vu_split_process(d, vq);
		}
	}
}

int main(int argc, char **argv)
{
	static struct vu_dev dev;
	const char *type = NULL, *path = NULL, *faults = "", *bad = NULL;
	unsigned long long seed = 1, size = 16ull << 20;
	long accept_s = 60;
	int ls, rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;

		if (!strcmp(a, "--list-faults")) {
			vu_faults_print();
			return 0;
		}
		if (!strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		}
		if (!v) {
			usage(stderr);
			return 2;
		}
		i++;
		errno = 0;
		if (!strcmp(a, "--type"))
			type = v;
		else if (!strcmp(a, "--socket"))
			path = v;
		else if (!strcmp(a, "--fault"))
			faults = v;
		else if (!strcmp(a, "--seed"))
			seed = strtoull(v, &end, 0);
		else if (!strcmp(a, "--size"))
			size = strtoull(v, &end, 0);
		else if (!strcmp(a, "--accept-timeout"))
			accept_s = strtol(v, &end, 10);
		else {
			usage(stderr);
			return 2;
		}
		if (end && (*end || errno)) {
			fprintf(stderr, "pf-vhost-user-dev: %s: not a number: '%s'\n", a, v);
			return 2;
		}
	}
	if (!type || !path ||
	    (strcmp(type, "rng") && strcmp(type, "blk") && strcmp(type, "i2c") &&
	     strcmp(type, "gpio"))) {
		usage(stderr);
		return 2;
	}
	if (vu_faults_parse(faults, &dev.faults, &bad)) {
		fprintf(stderr,
			"pf-vhost-user-dev: unknown fault '%s' (--list-faults lists them)\n", bad);
		return 2;
	}
	if (size < 512 || size > MAX_DISK || size % 512 || accept_s <= 0) {
		fprintf(stderr, "pf-vhost-user-dev: --size must be a multiple of 512 up to 1 GiB, "
				"--accept-timeout positive\n");
		return 2;
	}
	dev.type = VU_RNG;
	if (!strcmp(type, "blk"))
		dev.type = VU_BLK;
	else if (!strcmp(type, "i2c"))
		dev.type = VU_I2C;
	else if (!strcmp(type, "gpio"))
		dev.type = VU_GPIO;
	dev.nvq = dev.type == VU_GPIO ? 2 : 1; /* gpio: requestq, eventq */
	dev.rng_state = seed ? seed : 1;
	if (dev.type == VU_BLK) {
		dev.disk = calloc(1, size);
		dev.disk_size = size;
		if (!dev.disk)
			return 1;
	}
	vu_rings_init(&dev, true);
	signal(SIGPIPE, SIG_IGN);

	ls = listen_on(path);
	if (ls < 0)
		return 1;
	vu_log("%s device listening on %s (faults: %s)", type, path, *faults ? faults : "none");
	{
		struct pollfd p = { .fd = ls, .events = POLLIN };

		rc = poll(&p, 1, (int)(accept_s * 1000));
		if (rc <= 0) {
			vu_log("no front-end connected within %ld s", accept_s);
			unlink(path);
			return 1;
		}
	}
	dev.sock = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	close(ls);
	unlink(path);
	if (dev.sock < 0) {
		vu_log("accept: %s", strerror(errno));
		return 1;
	}
	rc = serve(&dev);
	vu_log("front-end %s", rc ? "connection failed" : "disconnected");
	vu_rings_init(&dev, false);
	vu_mem_clear(&dev.mem);
	close(dev.sock);
	free(dev.disk);
	return rc ? 1 : 0;
}

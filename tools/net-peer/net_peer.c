/* SPDX-License-Identifier: MIT */
/*
 * pf-net-peer: the network peer of the default target. It listens on a
 * unix socket for QEMU `-netdev stream` clients and sends every frame back
 * to the client it came from, with the source and destination addresses
 * swapped, so the probe's network suite sees its own frames return. It
 * never touches a real network.
 *
 *	pf-net-peer --socket PATH
 *
 * QEMU's stream framing: a 4-byte big-endian length, then the frame.
 * Runs until SIGTERM (the runner stops it when the boot ends).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define PEER_CLIENTS 8
#define PEER_ETH_ADDRS 12      /* destination and source address */
#define PEER_FRAME_MAX (69632) /* QEMU's NET_BUFSIZE: no frame is longer */
#define PEER_POLL_MS 1000

struct client {
	int fd;
	uint8_t buf[4 + PEER_FRAME_MAX];
	size_t have;
	uint8_t out[4 + PEER_FRAME_MAX]; /* the rest of a frame a full socket took in part */
	size_t out_off, out_len;
	unsigned long frames, dropped;
};

static volatile sig_atomic_t stop;
static struct client clients[PEER_CLIENTS];

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int listen_on(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "pf-net-peer: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("pf-net-peer: socket");
		return -1;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, PEER_CLIENTS)) {
		fprintf(stderr, "pf-net-peer: %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Sends what is left of the frame in c->out without blocking: QEMU stops
 * reading while the guest has no receive buffer, and a peer blocked on one
 * client would stall the others. -1: the client is gone.
 */
static int flush_out(struct client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

/* Queues one framed echo; while an earlier one is still going out the
 * frame is dropped, as a full link would. */
static int send_frame(struct client *c, const uint8_t *p, size_t len)
{
	if (c->out_len) {
		c->dropped++;
		return 0;
	}
	memcpy(c->out, p, len);
	c->out_len = len;
	return flush_out(c);
}

/* Echoes every complete frame in c's buffer; -1 drops the client. */
static int echo_frames(struct client *c)
{
	size_t off = 0;

	while (c->have - off >= 4) {
		uint8_t *p = c->buf + off, mac[6];
		uint32_t len =
			(uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];

		if (len > PEER_FRAME_MAX) {
			fprintf(stderr, "pf-net-peer: client %d: frame length %u, dropping it\n",
				c->fd, len);
			return -1;
		}
		if (c->have - off < 4 + (size_t)len)
			break;
		/* anything shorter than the two addresses goes back as it came */
		if (len >= PEER_ETH_ADDRS) {
			memcpy(mac, p + 4, 6);
			memcpy(p + 4, p + 10, 6);
			memcpy(p + 10, mac, 6);
		}
		if (send_frame(c, p, 4 + (size_t)len))
			return -1;
		c->frames++;
		off += 4 + len;
	}
	memmove(c->buf, c->buf + off, c->have - off);
	c->have -= off;
	return 0;
}

static void drop(struct client *c)
{
	printf("pf-net-peer: client %d gone after %lu frames echoed, %lu dropped\n", c->fd,
	       c->frames, c->dropped);
	close(c->fd);
	c->fd = -1;
}

static void accept_one(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (unsigned i = 0; i < PEER_CLIENTS; i++)
		if (clients[i].fd < 0) {
			clients[i].fd = fd;
			clients[i].have = clients[i].out_len = clients[i].out_off = 0;
			clients[i].frames = clients[i].dropped = 0;
			printf("pf-net-peer: client %d connected\n", fd);
			fflush(stdout);
			return;
		}
	fprintf(stderr, "pf-net-peer: more than %d clients, refusing one\n", PEER_CLIENTS);
	close(fd);
}

static int serve(int lfd)
{
	while (!stop) {
		struct pollfd p[1 + PEER_CLIENTS];
		unsigned n = 1;
		int r;

		p[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (unsigned i = 0; i < PEER_CLIENTS; i++)
			p[n++] = (struct pollfd){
				.fd = clients[i].fd,
				.events = (short)(POLLIN | (clients[i].out_len ? POLLOUT : 0))
			};
		r = poll(p, n, PEER_POLL_MS);
		if (r < 0 && errno != EINTR) {
			perror("pf-net-peer: poll");
			return 1;
		}
		if (r <= 0)
			continue;
		if (p[0].revents & POLLIN)
			accept_one(lfd);
		for (unsigned i = 0; i < PEER_CLIENTS; i++) {
			struct client *c = &clients[i];
			ssize_t got;

			if (c->fd >= 0 && (p[1 + i].revents & POLLOUT) && flush_out(c) < 0) {
				drop(c);
				continue;
			}
			if (c->fd < 0 || !(p[1 + i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = read(c->fd, c->buf + c->have, sizeof(c->buf) - c->have);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0 || (c->have += (size_t)got, echo_frames(c) < 0))
				drop(c);
		}
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_term };
	const char *path = NULL;
	int lfd, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
			path = argv[++i];
		} else {
			fprintf(stderr, "usage: pf-net-peer --socket PATH\n");
			return 2;
		}
	}
	if (!path) {
		fprintf(stderr, "usage: pf-net-peer --socket PATH\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (unsigned i = 0; i < PEER_CLIENTS; i++)
		clients[i].fd = -1;
	lfd = listen_on(path);
	if (lfd < 0)
		return 1;
	printf("pf-net-peer: listening on %s\n", path);
	fflush(stdout);
	rc = serve(lfd);
	for (unsigned i = 0; i < PEER_CLIENTS; i++)
		if (clients[i].fd >= 0)
			drop(&clients[i]);
	close(lfd);
	unlink(path);
	return rc;
}

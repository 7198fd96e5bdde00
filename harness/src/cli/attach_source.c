/* SPDX-License-Identifier: MIT */
/* Opening the stream of `plugfest attach`: see attach_source.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/attach_source.h"

enum kind {
	SRC_FILE,
	SRC_UNIX,
	SRC_TCP,
	SRC_TTY
};

/* The kind of source and where its address starts. */
static enum kind parse_kind(const char *source, const char **addr)
{
	static const struct {
		const char *prefix;
		enum kind kind;
	} kinds[] = {
		{ "unix:", SRC_UNIX },
		{ "tcp:", SRC_TCP },
		{ "tty:", SRC_TTY },
		{ "file:", SRC_FILE },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i].prefix);

		if (!strncmp(source, kinds[i].prefix, n)) {
			*addr = source + n;
			return kinds[i].kind;
		}
	}
	*addr = source;
	return SRC_FILE;
}

/* "HOST:PORT" (HOST may be a bracketed IPv6 address) into host and port. */
static int split_host_port(const char *addr, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *colon = strrchr(addr, ':');
	const char *h = addr;
	size_t hl;
	char *end;
	long p;

	if (!colon)
		return -1;
	hl = (size_t)(colon - addr);
	if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']')
		h++, hl -= 2;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (!hl || hl >= hostlen || errno || end == colon + 1 || *end || p < 1 || p > 65535)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	snprintf(port, portlen, "%ld", p);
	return 0;
}

int pf_attach_source_check(const char *source, struct pf_error *err)
{
	const char *addr;
	enum kind k = parse_kind(source, &addr);
	char host[256], port[8];

	if (!*addr)
		return pf_error_fill(err, NULL, 0, 0, "SOURCE", "'%s' names no address", source);
	if (k == SRC_UNIX && strlen(addr) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return pf_error_fill(err, NULL, 0, 0, "SOURCE",
				     "'%s': socket path longer than a unix socket allows", source);
	if (k == SRC_TCP && split_host_port(addr, host, sizeof(host), port, sizeof(port)))
		return pf_error_fill(err, NULL, 0, 0, "SOURCE",
				     "'%s': want tcp:HOST:PORT with a port in 1..65535", source);
	return 0;
}

static speed_t baud_constant(long baud)
{
	static const struct {
		long baud;
		speed_t c;
	} speeds[] = {
		{ 9600, B9600 },       { 19200, B19200 },     { 38400, B38400 },
		{ 57600, B57600 },     { 115200, B115200 },   { 230400, B230400 },
		{ 460800, B460800 },   { 921600, B921600 },   { 1000000, B1000000 },
		{ 1500000, B1500000 }, { 2000000, B2000000 }, { 3000000, B3000000 },
		{ 4000000, B4000000 },
	};

	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (speeds[i].baud == baud)
			return speeds[i].c;
	return B0;
}

static int open_tty(const char *dev, long baud, struct pf_error *err)
{
	struct termios tio;
	speed_t speed = baud_constant(baud);
	int fd;

	if (speed == B0)
		return pf_error_fill(err, dev, 0, 0, "--baud",
				     "%ld is not a line speed this "
				     "host supports (9600 ... 4000000)",
				     baud);
	fd = open(dev, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return pf_error_errno(err, dev, "cannot open the serial line");
	if (tcgetattr(fd, &tio) == 0) {
		/* Raw 8N1 at the given speed: the stream is bytes, not a
		 * terminal session. */
		cfmakeraw(&tio);
		tio.c_cflag |= CLOCAL | CREAD;
		cfsetispeed(&tio, speed);
		cfsetospeed(&tio, speed);
		if (tcsetattr(fd, TCSANOW, &tio)) {
			pf_error_errno(err, dev, "cannot set the serial line to %ld baud", baud);
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* One connection attempt; errno tells whether to retry. */
static int connect_once(enum kind k, const char *addr)
{
	if (k == SRC_UNIX) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -1;
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", addr);
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		return fd;
	} else {
		struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
		struct addrinfo *res, *ai;
		char host[256], port[8];
		int fd = -1, e = ECONNREFUSED;

		if (split_host_port(addr, host, sizeof(host), port, sizeof(port))) {
			errno = EINVAL;
			return -1;
		}
		if (getaddrinfo(host, port, &hints, &res)) {
			errno = EHOSTUNREACH;
			return -1;
		}
		for (ai = res; ai; ai = ai->ai_next) {
			fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
			if (fd < 0) {
				e = errno;
				continue;
			}
			if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
				break;
			e = errno;
			close(fd);
			fd = -1;
		}
		freeaddrinfo(res);
		errno = e;
		return fd;
	}
}

static int open_socket(enum kind k, const char *source, const char *addr, long connect_ms,
		       struct pf_error *err)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	long waited = 0;

	for (;;) {
		int fd = connect_once(k, addr);

		if (fd >= 0)
			return fd;
		/* Nothing listens yet (the hypervisor is starting): retry
		 * within the bound; any other error is final. */
		if ((errno != ENOENT && errno != ECONNREFUSED) || waited >= connect_ms)
			return pf_error_errno(err, source, "cannot connect (tried for %ld ms)",
					      waited);
		nanosleep(&pause, NULL);
		waited += 100;
	}
}

int pf_attach_source_open(const char *source, long baud, long connect_ms, struct pf_error *err)
{
	const char *addr;
	enum kind k = parse_kind(source, &addr);
	int fd;

	if (pf_attach_source_check(source, err))
		return -1;
	switch (k) {
	case SRC_TTY:
		return open_tty(addr, baud, err);
	case SRC_UNIX:
	case SRC_TCP:
		return open_socket(k, source, addr, connect_ms, err);
	default:
		fd = open(addr, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return pf_error_errno(err, addr, "cannot open the recorded stream");
		return fd;
	}
}

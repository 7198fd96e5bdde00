/* SPDX-License-Identifier: MIT */
/*
 * The sources `plugfest attach` reads a guest's serial stream from:
 * "unix:PATH", "tcp:HOST:PORT", "tty:DEVICE" and "file:PATH" (or a plain
 * path). The stream is only read: the kit sends nothing to the guest.
 */
#ifndef PF_CLI_ATTACH_SOURCE_H
#define PF_CLI_ATTACH_SOURCE_H

#include "util/error.h"

/* Whether source names a known kind with a non-empty address (and, for
 * tcp:, a port in 1..65535). Returns 0, or -1 with err filled. */
int pf_attach_source_check(const char *source, struct pf_error *err);

/* A readable descriptor for source. Sockets are retried while nothing
 * listens yet, for up to connect_ms; a tty is set raw at baud. Returns the
 * descriptor (the caller closes it), or -1 with err filled. */
int pf_attach_source_open(const char *source, long baud, long connect_ms, struct pf_error *err);

#endif

/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the transports and discovery (not for checks). */
#ifndef PF_VIRTIO_UTIL_H
#define PF_VIRTIO_UTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Emits a `log` record (docs/protocol.md): level "error", "warn", "info" or
 * "debug"; dev may be NULL. The message is truncated to 200 bytes.
 */
void virtio_log(const char *level, const char *dev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Appends v in lowercase hex, at least `digits` digits, to buf[pos..size)
 * keeping buf NUL-terminated; returns the new position. Used for device
 * names so they do not depend on the libc's snprintf supporting %llx.
 */
size_t virtio_fmt_hex(char *buf, size_t size, size_t pos, uint64_t v, unsigned digits);
/* Appends a NUL-terminated string likewise. */
size_t virtio_fmt_str(char *buf, size_t size, size_t pos, const char *s);

#endif

/* SPDX-License-Identifier: MIT */
#include "virtio_util.h"

#include <stdarg.h>
#include <stdio.h>

#include "record.h"

void virtio_log(const char *level, const char *dev, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rec_begin("log");
	rec_str("level", level);
	rec_str("msg", msg);
	if (dev)
		rec_str("dev", dev);
	rec_end();
}

size_t virtio_fmt_str(char *buf, size_t size, size_t pos, const char *s)
{
	if (!size)
		return 0;
	while (*s && pos + 1 < size)
		buf[pos++] = *s++;
	buf[pos < size ? pos : size - 1] = 0;
	return pos;
}

size_t virtio_fmt_hex(char *buf, size_t size, size_t pos, uint64_t v, unsigned digits)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[17];
	unsigned n = 0;

	do {
		tmp[n++] = hex[v & 15];
		v >>= 4;
	} while (v && n < 16);
	while (n < digits && n < 16)
		tmp[n++] = '0';
	if (!size)
		return 0;
	while (n && pos + 1 < size)
		buf[pos++] = tmp[--n];
	buf[pos < size ? pos : size - 1] = 0;
	return pos;
}

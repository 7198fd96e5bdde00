/* SPDX-License-Identifier: MIT */
/* CRC-32 for record framing; bitwise, because records are short and the
 * probe has no room to spare for a table it would build at boot. */
#include "pf/proto.h"

uint32_t pf_crc32_update(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

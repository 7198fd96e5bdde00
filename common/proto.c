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

bool pf_proto_nonce_ok(const char *nonce, size_t len)
{
	if (!nonce || len < PF_PROTO_NONCE_MIN || len > PF_PROTO_NONCE_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((nonce[i] >= '0' && nonce[i] <= '9') || (nonce[i] >= 'a' && nonce[i] <= 'f')))
			return false;
	return true;
}

uint32_t pf_proto_crc_seed(const char *nonce, size_t len)
{
	return nonce && len ? pf_crc32_update(0, nonce, len) : 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * virtio-rng (VIRTIO 1.4, 5.4): fill the device-writable buffer with
 * random bytes. The device MAY write fewer bytes than offered (control
 * rng-short-write does): used len then says how many.
 */
#include "vu.h"

/* xorshift64*: deterministic for a given --seed, plenty for a test device. */
static uint8_t next_byte(struct vu_dev *d)
{
	uint64_t x = d->rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	d->rng_state = x;
	return (uint8_t)((x * 0x2545f4914f6cdd1dull) >> 56);
}

int vu_rng_handle(struct vu_dev *d, struct vu_req *r)
{
	uint64_t n = r->wr_len, off = 0;
	uint8_t buf[256];

	if (fault(d, C_RNG_SHORT_WRITE) && n > 1)
		n = (n + 1) / 2;
	if (fault(d, F_RNG_NO_ENTROPY))
		n = 0;
	while (off < n) {
		size_t k = n - off < sizeof(buf) ? (size_t)(n - off) : sizeof(buf);

		for (size_t i = 0; i < k; i++)
			buf[i] = next_byte(d);
		vu_req_write(r, off, buf, k);
		off += k;
	}
	r->written = (uint32_t)n;
	return 0;
}

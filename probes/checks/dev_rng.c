/* SPDX-License-Identifier: MIT */
/* The entropy device suite (5.4). */
#include <string.h>

#include "dev_queue.h"
#include "report.h"

#define RNG_REQUESTQ 0

/* Request sizes: a single byte, odd sizes, and a whole page. */
static const uint32_t rng_sizes[] = { 1, 2, 7, 64, 512, 4096 };
#define RNG_SIZES (sizeof(rng_sizes) / sizeof(rng_sizes[0]))

/*
 * A used len of 0 gives the driver nothing (5.4.6: at least one byte per
 * request). A len that claims bytes the device left as the driver filled
 * them is the ring checks' concern (split.used-len-and-id), not repeated.
 */
static void check_len(struct pf_test *t, const char *sub, uint32_t size, uint32_t len)
{
	report(t, len >= 1, sub, "a %u-byte request came back with used len 0, no entropy", size);
}

void check_RNG_ENTROPY(struct pf_test *t)
{
	struct chk_dev c;
	uint32_t len;
	int slot[RNG_SIZES], rc;
	unsigned batch;

	if (!chk_dev_open(t, &c, 0, 1, true))
		return;
	/* one at a time, each size twice */
	for (unsigned i = 0; i < 2 * RNG_SIZES && !report_stopped(t); i++) {
		uint32_t size = rng_sizes[i % RNG_SIZES];

		rc = chk_dev_request(t, &c, RNG_REQUESTQ, NULL, 0, NULL, size, &len,
				     "entropy request");
		if (rc != 1)
			goto out;
		check_len(t, "len-zero", size, len);
	}
	/* as many sizes in flight together as the ring holds (QEMU's
	 * vhost-user-rng has 4 entries), completed in whatever order */
	batch = c.vq[RNG_REQUESTQ].num < RNG_SIZES ? c.vq[RNG_REQUESTQ].num : RNG_SIZES;
	for (unsigned i = 0; i < batch; i++) {
		slot[i] = chk_dev_post(t, &c, RNG_REQUESTQ, NULL, 0, rng_sizes[i]);
		if (slot[i] < 0)
			goto out;
	}
	chk_dev_kick(&c, RNG_REQUESTQ);
	for (unsigned i = 0; i < batch && !report_stopped(t); i++) {
		int s;

		rc = chk_dev_wait(t, &c, RNG_REQUESTQ, &s, &len);
		if (rc == PF_ETIMEDOUT)
			report(t, false, "batch/no-used",
			       "%u of %u requests in flight never came back",
			       (unsigned)RNG_SIZES - i, (unsigned)RNG_SIZES);
		if (rc != 1)
			goto out;
		for (unsigned k = 0; k < batch; k++)
			if (slot[k] == s)
				check_len(t, "batch/len-zero", rng_sizes[k], len);
	}
out:
	chk_dev_close(&c);
}

/* SPDX-License-Identifier: MIT */
#include "suite.h"

#include <string.h>

#include "pf/device_types.h"
#include "platform.h"
#include "record.h"
#include "virtio/virtio.h"

const pf_check_fn pf_check_fns[PF_CHK_COUNT] = {
#define PF_CHECK(sym, id, area, level, cls, title, reqs) [PF_CHK_##sym] = check_##sym,
#include "pf/catalogue.def"
#undef PF_CHECK
};

/* "a b c" -> ["a","b","c"] */
static void emit_reqs(const char *reqs)
{
	char word[96];

	rec_arr_begin("reqs");
	while (pf_catalogue_next_req(&reqs, word, sizeof(word)))
		rec_val_str(word);
	rec_arr_end();
}

enum pf_verdict pf_run_check(enum pf_check_id id, struct virtio_dev *dev,
			     const struct pf_options *opt, uint32_t step)
{
	struct pf_test t;
	size_t mark = arch_dma_mark();
	uint64_t t0, us;
	enum pf_verdict v;

	memset(&t, 0, sizeof(t));
	t.check = id;
	t.info = &pf_catalogue[id];
	t.dev = dev;
	t.opt = opt;
	t.step = step;

	rec_begin("begin");
	rec_u64("step", step);
	rec_str("test", t.info->id);
	rec_str("dev", dev->name);
	rec_end();

	t0 = arch_now_ns();
	pf_check_fns[id](&t);
	us = (arch_now_ns() - t0) / 1000;
	arch_dma_release(mark);
	/* pf.pace: a pause while the check is still open, so the runner's
	 * tests can stop the guest in a known check */
	if (opt->pace_ms)
		arch_delay_ns((uint64_t)opt->pace_ms * 1000000u);

	v = pf_test_verdict(&t);
	rec_begin("result");
	rec_u64("step", step);
	rec_str("test", t.info->id);
	rec_str("dev", dev->name);
	rec_str("verdict", pf_verdict_name(v));
	rec_str("level", pf_level_name(t.info->level));
	emit_reqs(t.info->reqs);
	rec_str("msg", t.msg);
	if (t.nsubs) {
		rec_str("sub", t.sub[0] ? t.sub : t.subs[0]);
		rec_arr_begin("subs");
		for (unsigned i = 0; i < t.nsubs; i++)
			rec_val_str(t.subs[i]);
		rec_arr_end();
		if (t.subs_more)
			rec_bool("subs_more", true);
	}
	rec_u64("us", us);
	rec_end();
	/* and once more after the result: a stop there falls between checks */
	if (opt->pace_ms)
		arch_delay_ns((uint64_t)opt->pace_ms * 1000000u);
	return v;
}

void pf_suite_run(struct virtio_dev *const *devs, int ndevs, const struct pf_options *opt,
		  struct pf_suite_counts *counts)
{
	uint32_t step = 0;

	for (int d = 0; d < ndevs; d++) {
		for (int c = 0; c < PF_CHK_COUNT; c++, step++) {
			enum pf_verdict v;

			if (step < opt->from || !pf_filter_match(opt->filter, pf_catalogue[c].id))
				continue;
			/* another type's device suite: no record at all, the pair is
			 * not part of the run (docs/results-schema.md) */
			if (!pf_check_area_applies(pf_catalogue[c].area, devs[d]->device_id))
				continue;
			v = pf_run_check((enum pf_check_id)c, devs[d], opt, step);
			counts->verdicts[v]++;
		}
	}
}

static const char *transport_name(enum virtio_transport_kind k)
{
	return k == VIRTIO_TRANSPORT_PCI ? "pci" : "mmio";
}

static const char *mode_name(enum virtio_mode m)
{
	switch (m) {
	case VIRTIO_MODE_LEGACY:
		return "legacy";
	case VIRTIO_MODE_TRANSITIONAL:
		return "transitional";
	case VIRTIO_MODE_MODERN:
		return "modern";
	}
	return "unknown";
}

void pf_emit_device(const struct virtio_dev *d)
{
	rec_begin("device");
	rec_str("dev", d->name);
	rec_str("type", virtio_device_name(d->device_id));
	rec_u64("device_id", d->device_id);
	rec_str("transport", transport_name(d->transport));
	rec_hex("address", d->address);
	rec_u64("vendor_id", d->vendor_id);
	rec_u64("version", d->version);
	rec_str("mode", mode_name(d->mode));
	rec_hex("features", d->features);
	rec_arr_begin("feature_bits");
	for (int b = 0; b < 64; b++)
		if (d->features & VIRTIO_BIT(b))
			rec_val_u64((uint64_t)b);
	rec_arr_end();
	rec_arr_begin("queues");
	for (int q = 0; q < d->num_queues && q < VIRTIO_MAX_QUEUES; q++) {
		rec_obj_begin(0);
		rec_u64("index", (uint64_t)q);
		rec_u64("max_size", d->queue_max[q]);
		rec_obj_end();
	}
	rec_arr_end();
	if (d->irq)
		rec_u64("irq", d->irq);
	rec_end();
}

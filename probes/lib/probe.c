/* SPDX-License-Identifier: MIT */
#include "probe.h"

#include <string.h>

#include "arch.h"
#include "intr.h"
#include "record.h"
#include "report.h"
#include "suite.h"
#include "virtio/discover.h"
#include "pf/proto.h"

static struct pf_options options;
static struct virtio_dev *devices[VIRTIO_DISCOVER_MAX];

static void emit_hello(const char *bootargs)
{
	rec_begin("hello");
	rec_u64("proto", PF_PROTO_VERSION);
	rec_str("nonce", options.nonce);
	rec_str("probe", PF_PROBE_VERSION);
	rec_str("arch", arch_name());
	rec_str("image", arch_image_id());
	rec_hex("load_address", arch_image_base());
	rec_obj_begin("options");
	rec_str("filter", options.filter);
	rec_u64("seed", options.seed);
	rec_u64("verbose", (uint64_t)options.verbose);
	rec_u64("from", options.from);
	rec_str("bootargs", bootargs);
	rec_obj_end();
	rec_end();
}

static void emit_end(const struct pf_suite_counts *c, const char *status)
{
	rec_begin("end");
	rec_obj_begin("counts");
	for (int v = 0; v < PF_VERDICT_COUNT; v++)
		rec_u64(pf_verdict_name((enum pf_verdict)v), c->verdicts[v]);
	rec_obj_end();
	rec_u64("records", rec_next_seq());
	rec_str("status", status);
	rec_end();
}

void probe_main(const void *fdt, const char *bootargs)
{
	struct pf_suite_counts counts = { { 0 } };
	int n;

	pf_options_parse(&options, bootargs);
	/* From here on every record is bound to this run (docs/protocol.md). */
	rec_set_nonce(options.nonce, strlen(options.nonce));
	emit_hello(bootargs ? bootargs : "");
	n = virtio_discover(fdt, devices, VIRTIO_DISCOVER_MAX);
	for (int i = 0; i < n; i++)
		pf_emit_device(devices[i]);
	/* The interrupt controller once, up front: its set-up time is not
	 * charged to the first check, and the report says what was found. */
	{
		int rc = intr_init(fdt);

		rec_begin("log");
		rec_str("level", rc ? "warn" : "info");
		rec_str("msg", rc ? intr_strerror(rc) : intr_describe());
		rec_end();
	}
	pf_suite_run(devices, n, &options, &counts);
	emit_end(&counts, "ok");
}

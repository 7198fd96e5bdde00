/* SPDX-License-Identifier: MIT */
/*
 * TEMPORARY stand-in for the portable probe (probes/lib/probe.c), so the
 * port boots and can be tested alone. Weak: the real probe_main overrides
 * it, and then this file can go.
 */
#include <stdio.h>

#include "a64.h"
#include "arch.h"
#include "platform.h"
#include "record.h"

__attribute__((weak)) void probe_main(const void *fdt, const char *args)
{
	char msg[200];
	uint64_t dma_base, dma_size;

	a64_dma_info(&dma_base, &dma_size);
	rec_begin("hello");
	rec_u64("proto", 1);
	rec_str("probe", "aarch64-port-selftest");
	rec_str("arch", arch_name());
	rec_str("image", arch_image_id());
	rec_obj_begin("options");
	rec_str("bootargs", args);
	rec_obj_end();
	rec_end();

	snprintf(msg, sizeof(msg),
		 "fdt %p, console: %s, dma arena 0x%llx+0x%llx, timer %llu Hz, up %llu us",
		 fdt, a64_uart_desc(), (unsigned long long)dma_base,
		 (unsigned long long)dma_size,
		 (unsigned long long)a64_counter_freq(),
		 (unsigned long long)(arch_now_ns() / 1000));
	rec_begin("log");
	rec_str("level", "info");
	rec_str("msg", msg);
	rec_end();

	rec_begin("end");
	rec_obj_begin("counts");
	rec_obj_end();
	rec_u64("records", rec_next_seq());
	rec_str("status", "ok");
	rec_end();
}

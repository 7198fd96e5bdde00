/* SPDX-License-Identifier: MIT */
#ifndef PF_PROBE_H
#define PF_PROBE_H

#define PF_PROBE_VERSION "0.1.0"

/* The portable probe: hello, discovery, the suite, end. Called by the
 * architecture's start code once the MMU, UART and timer are up; the
 * architecture powers off when it returns. */
void probe_main(const void *fdt, const char *bootargs);

#endif

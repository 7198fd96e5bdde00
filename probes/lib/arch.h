/* SPDX-License-Identifier: MIT */
/*
 * What an architecture port tells the portable probe about the machine it
 * booted, beyond platform.h's services. Declared here, implemented in
 * probes/lib/<arch>/ (the host unit-test build may stub it).
 */
#ifndef PF_ARCH_H
#define PF_ARCH_H

#include <stdint.h>

/* The flattened device tree the boot loader passed, or NULL (none/invalid). */
const void *arch_fdt(void);

/* "aarch64", "x86_64", "riscv64": the hello record's `arch`. */
const char *arch_name(void);

/* The kernel command line (/chosen/bootargs on DT machines), "" if none. */
const char *arch_bootargs(void);

/* The image's GNU build-id as lowercase hex, "" if the link had none. */
const char *arch_image_id(void);

/* Where the image runs (its first byte): the loader chose it, so the hello
 * record says it (`load_address`). */
uint64_t arch_image_base(void);

/*
 * End the run on an internal error of the probe: a `fault` record (kind
 * "assert", msg), an `end` record with status "aborted", power off.
 * Used by assert(), abort() and the stack protector.
 */
void arch_fatal(const char *msg) __attribute__((noreturn));

#endif

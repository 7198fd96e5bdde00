/* SPDX-License-Identifier: MIT */
/*
 * File system helpers shared by the loaders and the run command. Errors go
 * through struct pf_error with the failing path as its file and errno kept
 * in sys_errno.
 */
#ifndef PF_UTIL_FS_H
#define PF_UTIL_FS_H

#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/*
 * Reads the whole of PATH into a malloc'd buffer (the caller frees *data),
 * NUL-terminated one byte past *len so text can be used as a string. A file
 * larger than MAX bytes is refused (sys_errno EFBIG) instead of read, so an
 * untrusted or runaway file cannot exhaust memory. len may be NULL.
 * Returns 0, or -1 with err filled and *data NULL.
 */
int pf_read_file(const char *path, size_t max, char **data, size_t *len, struct pf_error *err);

/*
 * Creates PATH and every missing parent with MODE (as mkdir -p). Each
 * level must end up a directory: an existing file in the way is an error
 * (ENOTDIR), not silently accepted. Returns 0, or -1 with err filled.
 */
int pf_mkdir_p(const char *path, mode_t mode, struct pf_error *err);

/* Copies FROM to TO (created or truncated). Returns 0, or -1 with err
 * filled (a short write or a failed close counts). */
int pf_copy_file(const char *from, const char *to, struct pf_error *err);

#endif

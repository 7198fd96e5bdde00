/* SPDX-License-Identifier: MIT */
/*
 * Where and why loading or launching something failed, shared by every
 * loader (targets, profiles, known-failure files) and the VMM launcher, so
 * that every message reads "FILE:LINE:COL: field 'x': message".
 */
#ifndef PF_ERROR_H
#define PF_ERROR_H

#include <stddef.h>
#include <string.h>

#define PF_ERROR_FILE_MAX 512
#define PF_ERROR_FIELD_MAX 128
#define PF_ERROR_MESSAGE_MAX 768

/*
 * Where and why something failed. line/column are 1-based; 0 means unknown
 * (then they are not printed). An empty file or field is not printed either.
 * sys_errno keeps the errno of a failed system call (0 if none).
 */
struct pf_error {
	char file[PF_ERROR_FILE_MAX];
	int line;
	int column;
	char field[PF_ERROR_FIELD_MAX];
	char message[PF_ERROR_MESSAGE_MAX];
	int sys_errno;
};

/* Reset to "no error". Accepts NULL. */
static inline void pf_error_clear(struct pf_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

/* Fill err (if not NULL); strings are truncated to fit. file/field may be
 * NULL. Returns -1 so callers can write `return pf_error_fill(...);`. */
int pf_error_fill(struct pf_error *err, const char *file, int line, int column, const char *field,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* A failed system call on FILE (may be NULL): fills err with the message
 * from fmt followed by ": " and strerror(errno), and keeps errno in
 * sys_errno. Reads errno before anything else can change it. Returns -1. */
int pf_error_errno(struct pf_error *err, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "FILE:LINE:COL: field 'x': message" (parts that are unknown are left
 * out) into buf; returns buf. */
const char *pf_error_format(const struct pf_error *err, char *buf, size_t len);

#endif

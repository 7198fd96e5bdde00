/* SPDX-License-Identifier: MIT */
/*
 * Inside the target loader: shared by target.c (files, lookup, listing),
 * target_load.c (schema walk) and target_expand.c (placeholders). Not for
 * use elsewhere.
 */
#ifndef PF_TARGET_IMPL_H
#define PF_TARGET_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "launch/target.h"
#include "util/yaml_doc.h"

#define TARGET_MAX_NAME 64

/* ${binary} ${probe} ${bootargs} ${outdir} ${sockdir}, NULL-terminated. */
extern const char *const pf_target_builtin_names[];

bool pf_target_in_list(const char *s, const char *const *list);
/* [A-Za-z_][A-Za-z0-9_]*, n bytes of s. */
bool pf_target_is_identifier(const char *s, size_t n);
/* Device type and transport names as the probe reports them: "9p", "mmio". */
bool pf_target_is_device_name(const char *s);
/* Whether NAME is a host facility `requires:` may name. */
bool pf_target_requirement_known(const char *name);
/* Target names become file names: a portable, shell-safe set. */
bool pf_target_is_name(const char *s);

/* Fills t (defaults already in place) from the document's root; the file
 * name d->file must agree with the target's name. */
int pf_target_parse(struct pf_ydoc *d, struct pf_target *t);

/*
 * Checks the placeholders of template s without expanding: allow_vars says
 * whether the keys of 'variables' may be used (argv, services) or only the
 * built-ins (a variable's own value). On error returns -1 with *bad_off the
 * byte offset of the offending '$' and why saying what is wrong.
 */
int pf_target_check_template(const struct pf_target *t, const char *s, bool allow_vars,
			     size_t *bad_off, char *why, size_t whylen);

#endif

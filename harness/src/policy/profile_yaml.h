/* SPDX-License-Identifier: MIT */
/*
 * YAML readers shared by the profile loader (profile.c) and the
 * known-failure loader (waiver.c), on the YAML document layer
 * (util/yaml_doc.h). Not for use elsewhere.
 */
#ifndef PF_PROFILE_YAML_H
#define PF_PROFILE_YAML_H

#include <stdbool.h>

#include "policy/profile.h"
#include "util/yaml_doc.h"

/* NULL when v is acceptable, else why not (completes "'v' ..."). */
typedef const char *(*pf_policy_validator)(const char *v);

/* Member key of map as a non-empty list of strings into out, each passing
 * fn (may be NULL); unique: an item listed twice is an error. Absent: 0
 * and out untouched. */
int pf_policy_strv(struct pf_ydoc *d, yaml_node_t *map, const char *key, const char *field,
		   pf_policy_validator fn, bool unique, struct pf_strv *out);

/* The string members of a reference (struct pf_doc), read and freed alike. */
extern const struct pf_y_member pf_doc_members[];
extern const size_t pf_doc_nmembers;

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The VIRTIO normative-statement fact base (the YAML files in profiles/spec): a YAML
 * list of maps, one per statement, with at least id, section and level
 * (and label, except for the few statements outside a Requirements
 * block). The runner resolves a check's requirement ids to the spec's
 * LaTeX labels (stable across renumbering) and section numbers through it.
 *
 * Ownership: the spec owns every entry and string; pointers stay valid
 * until pf_spec_free().
 */
#ifndef PF_SPEC_H
#define PF_SPEC_H

#include <stddef.h>

#include "util/error.h"

struct pf_spec_entry {
	const char *id;		/* stable slug, e.g. "basic.reset.status-zero" */
	const char *label;	/* LaTeX label, "devicenormative:Basic ... / ...",
				 * NULL for statements outside a Requirements
				 * block */
	const char *section;	/* section number, "2.1.2" */
	const char *level;	/* must | must-not | should | should-not | may */
	const char *title;	/* heading text, or NULL */
	const char *area;	/* or NULL */
	const char *target;	/* device | driver, or NULL */
	const char *observable; /* observable_by_guest: yes | partly | no | n/a,
				 * or NULL */
	const char *summary;	/* paraphrase, or NULL */
	unsigned line;		/* 1-based line of the entry in the file */
};

struct pf_spec;

/*
 * Load a fact base. On failure returns NULL and fills err (may be NULL)
 * with file, line, column and field. Rejected: what the YAML document layer
 * rejects (util/yaml_doc.h), a top level that is not a list, an entry that
 * is not a map, a known field that is not a string, a missing or empty id,
 * section or level, a duplicate id.
 */
struct pf_spec *pf_spec_load(const char *path, struct pf_error *err);
/* Entry with this id, or NULL. O(log n). */
const struct pf_spec_entry *pf_spec_find(const struct pf_spec *spec, const char *id);
size_t pf_spec_count(const struct pf_spec *spec);
/* Entries are sorted by id. NULL when i is out of range. */
const struct pf_spec_entry *pf_spec_entry_at(const struct pf_spec *spec, size_t i);
void pf_spec_free(struct pf_spec *spec);

#endif

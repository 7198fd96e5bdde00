/* SPDX-License-Identifier: MIT */
/*
 * The runner's one YAML front-end: targets, profiles, known-failure files
 * and the spec fact base are all read through it, so every file the user
 * writes is held to the same rules and every error reads
 * "FILE:LINE:COL: field 'x': message" (struct pf_error, util/error.h).
 *
 * A file is loaded into a libyaml document (every node keeps its start mark,
 * which the diagnostics need). Loading refuses what YAML accepts but a
 * silently misread file would turn into a wrong verdict: anchors and aliases
 * (one edit changing two places), duplicate mapping keys ("last one wins"),
 * non-string keys, more than one document, an empty file.
 *
 * Field names are paths: "hypervisor.binary", "requirements[2].refs[0].doc".
 * Every getter that fails fills the document's error and returns -1 (or
 * NULL), so loaders can chain them with ||.
 */
#ifndef PF_YAML_DOC_H
#define PF_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "util/error.h"

/* Deepest nesting accepted; files of the kit need a handful of levels. */
#define PF_YAML_MAX_DEPTH 64

struct pf_ydoc {
	yaml_document_t doc;
	const char *file; /* borrowed: must outlive the document */
	struct pf_error *err;
	bool loaded;
};

/* Parses a buffer holding exactly one YAML document. FILE names it in
 * errors. 0, or -1 with err filled; pf_ydoc_free() is safe either way. */
int pf_ydoc_load(struct pf_ydoc *d, const char *buf, size_t len, const char *file,
		 struct pf_error *err);

/* Reads a whole regular file of at most max_bytes (a mistaken path to an
 * image or a device is refused, not parsed at length). Returns a malloc'd,
 * NUL-terminated buffer and its length, or NULL with err filled (sys_errno
 * kept when a system call failed). */
char *pf_yaml_read_file(const char *path, size_t max_bytes, size_t *len, struct pf_error *err);

/* pf_yaml_read_file + pf_ydoc_load; path is also the name used in errors. */
int pf_ydoc_load_file(struct pf_ydoc *d, const char *path, size_t max_bytes, struct pf_error *err);

void pf_ydoc_free(struct pf_ydoc *d);
yaml_node_t *pf_ydoc_root(struct pf_ydoc *d);

/* Reports an error located at node n (NULL: no position) or at mark m.
 * Always returns -1. */
int pf_y_fail(struct pf_ydoc *d, const yaml_node_t *n, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int pf_y_fail_mark(struct pf_ydoc *d, yaml_mark_t m, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "base.key" ("key" when base is empty) into buf; an over-long path is cut
 * and ends in "...": it only names a place in a message. */
void pf_y_field(char *buf, size_t len, const char *base, const char *key);

/* "a string", "a sequence", "a mapping". */
const char *pf_y_kind(const yaml_node_t *n);
/* Fails (with an error at n) unless n is of type t. */
int pf_y_expect(struct pf_ydoc *d, const yaml_node_t *n, yaml_node_type_t t, const char *field);
/* YAML's null: an empty plain scalar, "~" or plain null/Null/NULL. */
bool pf_y_is_null(const yaml_node_t *n);

/*
 * map must be a mapping whose every key is in allowed (NULL-terminated);
 * "unknown key" otherwise, naming the allowed ones. When vals is not NULL,
 * vals[i] receives the value of allowed[i] or NULL. Every key in required
 * (NULL-terminated, may be NULL) must be present.
 */
int pf_y_map(struct pf_ydoc *d, yaml_node_t *map, const char *field, const char *const *allowed,
	     const char *const *required, yaml_node_t **vals);
/* "required key missing" for key of map (field names the map). */
int pf_y_missing(struct pf_ydoc *d, const yaml_node_t *map, const char *field, const char *key);

/* Member key of map, or NULL (also when map is not a mapping); pf_y_key
 * gives the key's own node (for errors about the key, not its value). */
yaml_node_t *pf_y_get(struct pf_ydoc *d, const yaml_node_t *map, const char *key);
yaml_node_t *pf_y_key(struct pf_ydoc *d, const yaml_node_t *map, const char *key);
/* Sequence length (0 for anything else) and item i (i < length). */
size_t pf_y_len(const yaml_node_t *seq);
yaml_node_t *pf_y_item(struct pf_ydoc *d, const yaml_node_t *seq, size_t i);
/* Mapping size (0 for anything else) and pair i's key and value. */
size_t pf_y_npairs(const yaml_node_t *map);
void pf_y_pair(struct pf_ydoc *d, const yaml_node_t *map, size_t i, yaml_node_t **key,
	       yaml_node_t **value);

/* The text of a scalar (borrowed) that is not null and holds no NUL byte,
 * or NULL after an error. */
const char *pf_y_scalar(struct pf_ydoc *d, const yaml_node_t *n, const char *field);
/* A string copy into *out (replacing what was there). allow_empty: null and
 * "" give ""; otherwise both are "must not be empty". */
int pf_y_string(struct pf_ydoc *d, const yaml_node_t *n, const char *field, bool allow_empty,
		char **out);
/* Member key of map as a string copy; absent is an error only if required. */
int pf_y_str(struct pf_ydoc *d, const yaml_node_t *map, const char *key, const char *field,
	     bool required, char **out);
/* A sequence of strings (elements may be "", not null) as a NULL-terminated
 * vector into *out (replacing and freeing what was there); count may be NULL. */
int pf_y_strings(struct pf_ydoc *d, const yaml_node_t *n, const char *field, char ***out,
		 size_t *count);
/* Member key of map as a list that, when present, is a non-empty sequence:
 * 0 with *seq NULL when absent, 0 with *seq set, or -1 after an error. The
 * member's field path ("field.key") is written to f. */
int pf_y_list(struct pf_ydoc *d, const yaml_node_t *map, const char *key, const char *field,
	      char *f, size_t flen, yaml_node_t **seq);
/* Frees a NULL-terminated vector from pf_y_strings. */
void pf_y_strings_free(char **v);

/* A string member of a mapping kept in a char * member of a C struct: one
 * table serves reading (pf_y_members) and freeing (pf_y_members_free), so a
 * member added to it is read and freed alike. */
struct pf_y_member {
	const char *key;
	size_t offset; /* offsetof() the char * in the struct */
	bool required;
};

/* pf_y_str for each of the n members in turn, into the struct at base;
 * stops at the first that fails (-1). */
int pf_y_members(struct pf_ydoc *d, const yaml_node_t *map, const char *field,
		 const struct pf_y_member *m, size_t n, void *base);
/* Frees the strings of the n members of the struct at base. */
void pf_y_members_free(const struct pf_y_member *m, size_t n, void *base);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Conformance profiles (docs/profiles.md): a named, versioned set of
 * requirements, each satisfied by catalogue checks, spec statements and/or
 * offered features on the devices it applies to. Profiles are YAML
 * ("plugfest-profile/1"), parsed with libyaml and validated strictly: an
 * unknown key, a wrong type, a duplicate id is an error that names the file,
 * line, column and field, because a silently ignored typo in a profile would
 * change a compliance verdict.
 */
#ifndef PF_PROFILE_H
#define PF_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* ---- profiles -------------------------------------------------------- */

enum pf_req_level {
	PF_REQ_MUST,
	PF_REQ_SHOULD,
	PF_REQ_MAY
};
enum pf_req_status {
	PF_REQ_MANDATORY,
	PF_REQ_INFORMATIONAL
};
/* Where a requirement comes from and how sure we are of its wording
 * (grades of avps.md 0.1). draft/unverified => "wording unverified". */
enum pf_evidence {
	PF_EV_SPEC,	  /* VIRTIO spec statement (fact base) */
	PF_EV_VERIFIED,	  /* checked against the cited source */
	PF_EV_DRAFT,	  /* seen in a draft of the cited source */
	PF_EV_UNVERIFIED, /* recollection; must stay informational */
	PF_EV_KIT_POLICY, /* the kit's own choice, not "source says" */
};
enum pf_class_filter {
	PF_CLASS_ANY,
	PF_CLASS_ONLY_CONFORMANCE,
	PF_CLASS_ONLY_ADVERSARIAL
};

struct pf_strv {
	char **v;
	size_t n;
};

/* Frees the strings and the vector; leaves s empty. */
void pf_strv_free(struct pf_strv *s);

struct pf_feature_ref {
	int bit;    /* 0..127 */
	char *name; /* may be NULL */
};

struct pf_featv {
	struct pf_feature_ref *v;
	size_t n;
};

/* A document the profile cites (profile-level "references"). */
struct pf_doc {
	char *key, *title, *version, *publisher, *url, *license;
};

/* A citation on a requirement: doc key + section, with an evidence grade. */
struct pf_cite {
	char *doc, *section, *grade /* V D R P or NULL */, *note;
};

struct pf_requirement {
	char *id, *title, *description;
	enum pf_req_level level;
	enum pf_req_status status;
	enum pf_evidence evidence;
	char *evidence_note;
	struct pf_cite *cites;
	size_t ncites;
	/* applicability; empty list = any */
	struct pf_strv devices, transports, modes;
	struct pf_featv app_features; /* applies only to devices offering all */
	bool presence_required;	      /* no applicable device => failure */
	/* satisfied_by */
	struct pf_strv checks;	      /* globs on check ids */
	struct pf_strv statements;    /* spec statement ids */
	struct pf_featv features;     /* device must offer all of these */
	struct pf_featv features_any; /* ... and at least one of these */
	struct pf_strv sat_modes;     /* device mode must be one of these */
	enum pf_class_filter cls;
	unsigned levels; /* bit per check level (1<<PF_REQ_*); 0 = any */
	int line;	 /* where it was defined, for messages */
};

struct pf_profile {
	char *file; /* path or name as given to the loader */
	char *id, *title, *version, *maturity, *description;
	char *spec_name, *spec_version, *spec_edition;
	char *attribution, *license;
	struct pf_doc *docs;
	size_t ndocs;
	struct pf_requirement *reqs;
	size_t nreqs;
	char sha256[65]; /* hex digest of the file's bytes */
};

/* Loads and validates a profile. Returns NULL and fills err on failure.
 * The caller owns the result (pf_profile_free). */
struct pf_profile *pf_profile_load(const char *path, struct pf_error *err);
/* Same from memory; name is used in messages and as p->file. */
struct pf_profile *pf_profile_load_buffer(const char *buf, size_t len, const char *name,
					  struct pf_error *err);
void pf_profile_free(struct pf_profile *p);

const struct pf_requirement *pf_profile_find(const struct pf_profile *p, const char *id);
const char *pf_req_level_name(enum pf_req_level l);
const char *pf_req_status_name(enum pf_req_status s);
const char *pf_evidence_name(enum pf_evidence e);
/* True when the requirement's wording is not verified against its source. */
bool pf_requirement_wording_unverified(const struct pf_requirement *r);
/* Device type names the kit knows (the probe's names, e.g. "rng", "sound"). */
bool pf_device_type_known(const char *name);

#endif

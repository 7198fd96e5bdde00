/* SPDX-License-Identifier: MIT */
/*
 * The profile model outside loading: enumeration names, the device type
 * names profiles may use, lookup and freeing.
 */
#include "policy/profile.h"
#include "pf/device_types.h"

#include "policy/profile_yaml.h"
#include "util/names.h"

#include <stdlib.h>
#include <string.h>

/* A reference's members (references[] of docs/profiles.md). */
const struct pf_y_member pf_doc_members[] = {
	{ "key", offsetof(struct pf_doc, key), true },
	{ "title", offsetof(struct pf_doc, title), true },
	{ "version", offsetof(struct pf_doc, version), false },
	{ "publisher", offsetof(struct pf_doc, publisher), false },
	{ "url", offsetof(struct pf_doc, url), false },
	{ "license", offsetof(struct pf_doc, license), false },
};
const size_t pf_doc_nmembers = sizeof(pf_doc_members) / sizeof(pf_doc_members[0]);

/* ---- enumerations ---------------------------------------------------- */

const char *pf_req_level_name(enum pf_req_level l)
{
	return l == PF_REQ_MUST ? "must" : l == PF_REQ_SHOULD ? "should" : "may";
}

const char *pf_req_status_name(enum pf_req_status s)
{
	return s == PF_REQ_MANDATORY ? "mandatory" : "informational";
}

/* in the order of enum pf_evidence */
static const char *const evidence_names[] = { "spec", "verified", "draft", "unverified",
					      "kit-policy" };

const char *pf_evidence_name(enum pf_evidence e)
{
	return pf_name_of(evidence_names, PF_NAMES_LEN(evidence_names), (int)e, "?");
}

bool pf_requirement_wording_unverified(const struct pf_requirement *r)
{
	if (r->evidence == PF_EV_DRAFT || r->evidence == PF_EV_UNVERIFIED)
		return true;
	for (size_t i = 0; i < r->ncites; i++)
		if (r->cites[i].grade &&
		    (!strcmp(r->cites[i].grade, "D") || !strcmp(r->cites[i].grade, "R")))
			return true;
	return false;
}

/* The probe's device names (common/device_types.c), so a typo such as
 * "gpu2d" in applies_to is caught at load time, not scored as n/a. */
bool pf_device_type_known(const char *name)
{
	return !strcmp(name, "unknown") || pf_device_type_id(name) != 0;
}

void pf_strv_free(struct pf_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static void featv_free(struct pf_featv *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].name);
	free(f->v);
}

void pf_profile_free(struct pf_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nreqs; i++) {
		struct pf_requirement *r = &p->reqs[i];
		free(r->id);
		free(r->title);
		free(r->description);
		free(r->evidence_note);
		for (size_t j = 0; j < r->ncites; j++) {
			free(r->cites[j].doc);
			free(r->cites[j].section);
			free(r->cites[j].grade);
			free(r->cites[j].note);
		}
		free(r->cites);
		pf_strv_free(&r->devices);
		pf_strv_free(&r->transports);
		pf_strv_free(&r->modes);
		pf_strv_free(&r->checks);
		pf_strv_free(&r->statements);
		pf_strv_free(&r->sat_modes);
		featv_free(&r->app_features);
		featv_free(&r->features);
		featv_free(&r->features_any);
	}
	free(p->reqs);
	for (size_t i = 0; i < p->ndocs; i++)
		pf_y_members_free(pf_doc_members, pf_doc_nmembers, &p->docs[i]);
	free(p->docs);
	free(p->file);
	free(p->id);
	free(p->title);
	free(p->version);
	free(p->maturity);
	free(p->description);
	free(p->spec_name);
	free(p->spec_version);
	free(p->spec_edition);
	free(p->attribution);
	free(p->license);
	free(p);
}

const struct pf_requirement *pf_profile_find(const struct pf_profile *p, const char *id)
{
	for (size_t i = 0; p && i < p->nreqs; i++)
		if (p->reqs[i].id && !strcmp(p->reqs[i].id, id))
			return &p->reqs[i];
	return NULL;
}

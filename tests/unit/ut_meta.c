/* SPDX-License-Identifier: MIT */
#include "ut_meta.h"

#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ut_observe(const struct ut_rows *t, const void *row, enum pf_verdict v, const char *sub)
{
	uintptr_t base = (uintptr_t)t->rows, at = (uintptr_t)row;
	struct ut_obs *o;

	/* a row of another table is not one of t's */
	if (at < base || (at - base) % t->stride || (at - base) / t->stride >= t->n)
		return;
	o = &t->obs[(at - base) / t->stride];
	o->ran = true;
	o->verdict = v;
	snprintf(o->sub, sizeof(o->sub), "%s", sub ? sub : "");
}

void ut_obs_clear(const struct ut_rows *t)
{
	memset(t->obs, 0, t->n * sizeof(t->obs[0]));
}

const char *ut_meta_problem_name(enum ut_meta_problem p)
{
	static const char *const names[UT_META_PROBLEM_COUNT] = {
		[UT_META_UNKNOWN_CHECK] = "check not in the catalogue",
		[UT_META_NOT_RUN] = "row not run",
		[UT_META_VERDICT] = "row gave another verdict",
		[UT_META_NO_FINGERPRINT] = "no fingerprint glob that could fail",
		[UT_META_WRONG_FINGERPRINT] = "failed for another reason (fingerprint)",
		[UT_META_NO_PASS] = "no passing row",
		[UT_META_NO_FAIL] = "no row failing for its own reason",
		[UT_META_WRONG_LEVEL] = "fails only with the other level's verdict",
	};

	return p < UT_META_PROBLEM_COUNT ? names[p] : "?";
}

/* A glob every fingerprint matches asserts nothing: "", "*", "**", ... */
static bool glob_trivial(const char *g)
{
	if (!g)
		return true;
	for (; *g; g++)
		if (*g != '*')
			return false;
	return true;
}

struct row_view {
	const char *name;
	unsigned check;
	enum pf_verdict expect;
	const char *sub;
};

static struct row_view view(const struct ut_rows *t, size_t i)
{
	const char *r = (const char *)t->rows + i * t->stride;
	struct row_view v;
	enum pf_check_id check;

	memcpy(&v.name, r, sizeof(v.name));
	memcpy(&check, r + t->check_off, sizeof(check));
	memcpy(&v.expect, r + t->expect_off, sizeof(v.expect));
	memcpy(&v.sub, r + t->sub_off, sizeof(v.sub));
	v.check = (unsigned)check;
	return v;
}

static unsigned emit(ut_meta_sink sink, void *ctx, enum ut_meta_problem what, unsigned check,
		     const char *group, const char *row)
{
	struct ut_meta_finding f = { what, check, group, row };

	if (sink)
		sink(ctx, &f);
	return 1;
}

/* Per entry: bit 0 passed, bit 1 failed at its level, bit 2 failed at the
 * other level (both for their own reason). */
#define M_PASS 1u
#define M_LEVEL 2u
#define M_OTHER 4u

unsigned ut_meta_check(const struct pf_check_info *cat, unsigned ncat,
		       const struct ut_rows *const *tables, unsigned ntables, ut_meta_sink sink,
		       void *ctx)
{
	unsigned char *seen = calloc(ncat ? ncat : 1, 1);
	unsigned problems = 0;

	if (!seen)
		return emit(sink, ctx, UT_META_NO_PASS, 0, NULL,
			    NULL); /* cannot judge: a problem */
	for (unsigned t = 0; t < ntables; t++) {
		const struct ut_rows *tab = tables[t];

		for (size_t i = 0; i < tab->n; i++) {
			struct row_view r = view(tab, i);
			const struct ut_obs *o = &tab->obs[i];
			enum pf_verdict need;

			if (r.check >= ncat) {
				problems += emit(sink, ctx, UT_META_UNKNOWN_CHECK, r.check,
						 tab->group, r.name);
				continue;
			}
			if (!o->ran) {
				problems += emit(sink, ctx, UT_META_NOT_RUN, r.check, tab->group,
						 r.name);
				continue;
			}
			if (o->verdict != r.expect) {
				problems += emit(sink, ctx, UT_META_VERDICT, r.check, tab->group,
						 r.name);
				continue;
			}
			if (r.expect == PF_VERDICT_PASS) {
				seen[r.check] |= M_PASS;
				continue;
			}
			if (r.expect != PF_VERDICT_FAIL && r.expect != PF_VERDICT_WARN)
				continue; /* na, skip, error: neither */
			if (glob_trivial(r.sub)) {
				problems += emit(sink, ctx, UT_META_NO_FINGERPRINT, r.check,
						 tab->group, r.name);
				continue;
			}
			if (fnmatch(r.sub, o->sub, 0)) {
				problems += emit(sink, ctx, UT_META_WRONG_FINGERPRINT, r.check,
						 tab->group, r.name);
				continue;
			}
			need = cat[r.check].level == PF_LEVEL_MUST ? PF_VERDICT_FAIL
								   : PF_VERDICT_WARN;
			seen[r.check] |= r.expect == need ? M_LEVEL : M_OTHER;
		}
	}
	for (unsigned k = 0; k < ncat; k++) {
		if (!(seen[k] & M_PASS))
			problems += emit(sink, ctx, UT_META_NO_PASS, k, NULL, NULL);
		if (!(seen[k] & M_LEVEL))
			problems +=
				emit(sink, ctx,
				     (seen[k] & M_OTHER) ? UT_META_WRONG_LEVEL : UT_META_NO_FAIL, k,
				     NULL, NULL);
	}
	free(seen);
	return problems;
}

void ut_meta_print(void *ctx, const struct ut_meta_finding *f)
{
	const struct pf_check_info *cat = ctx;
	char id[32];
	const char *name = id;

	snprintf(id, sizeof(id), "check #%u", f->check);
	if (cat && f->what != UT_META_UNKNOWN_CHECK)
		name = cat[f->check].id;
	if (f->row)
		fprintf(stderr, "%s: row \"%s\" (%s): %s\n", f->group, f->row, name,
			ut_meta_problem_name(f->what));
	else
		fprintf(stderr, "%s: %s\n", name, ut_meta_problem_name(f->what));
}

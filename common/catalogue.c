/* SPDX-License-Identifier: MIT */
#include "pf/catalogue.h"
#include "pf/str.h"

const struct pf_check_info pf_catalogue[PF_CHK_COUNT] = {
#define PF_CHECK(sym, id, area, level, cls, title, reqs) \
	[PF_CHK_##sym] = { id, area, level, cls, title, reqs },
#include "pf/catalogue.def"
#undef PF_CHECK
};

const char *pf_level_name(enum pf_level level)
{
	static const char *const names[] = {
		[PF_LEVEL_MUST] = "must",
		[PF_LEVEL_SHOULD] = "should",
		[PF_LEVEL_MAY] = "may",
	};

	return (unsigned)level < sizeof(names) / sizeof(names[0]) ? names[level] : "?";
}

const char *pf_class_name(enum pf_class cls)
{
	return cls == PF_CLASS_ADVERSARIAL ? "adversarial" : "conformance";
}

int pf_catalogue_find(const char *id)
{
	for (int i = 0; i < PF_CHK_COUNT; i++)
		if (pf_str_eq(pf_catalogue[i].id, id))
			return i;
	return -1;
}

int pf_catalogue_next_claim(const char **cursor, char *word, unsigned cap, char *reason,
			    unsigned rcap)
{
	static const char tag[] = "~partial:";
	const char *p = *cursor;
	unsigned n = 0, r = 0;
	int ret = PF_CLAIM_FULL;

	while (*p == ' ')
		p++;
	if (!*p)
		return PF_CLAIM_END;
	while (*p && *p != ' ' && *p != '~') {
		if (n + 1 < cap)
			word[n++] = *p;
		p++;
	}
	word[n] = 0;
	if (*p == '~') {
		unsigned k = 0;

		while (tag[k] && p[k] == tag[k])
			k++;
		ret = tag[k] ? PF_CLAIM_MALFORMED : PF_CLAIM_PARTIAL;
		if (ret == PF_CLAIM_PARTIAL)
			p += k;
		while (*p && *p != ' ') {
			if (r + 1 < rcap)
				reason[r++] = *p;
			p++;
		}
		if (ret == PF_CLAIM_PARTIAL && !r)
			ret = PF_CLAIM_MALFORMED;
	}
	if (rcap)
		reason[r] = 0;
	*cursor = p;
	return ret;
}

bool pf_catalogue_next_req(const char **cursor, char *word, unsigned cap)
{
	/* the claim's qualifier (~partial:reason) is not part of the id */
	return pf_catalogue_next_claim(cursor, word, cap, 0, 0) != PF_CLAIM_END;
}

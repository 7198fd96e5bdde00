/* SPDX-License-Identifier: MIT */
#include "reports/report_fields.h"

void pf_buf_fields(struct pf_buf *b, const json_t *o, const struct pf_field *f, size_t n,
		   pf_escape_fn esc)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const json_t *src = f[i].sub ? json_object_get(o, f[i].sub) : o;

		pf_buf_puts(b, f[i].before);
		esc(b, pf_jstr(src, f[i].key, f[i].dflt));
	}
}

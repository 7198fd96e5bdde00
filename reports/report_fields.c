/* SPDX-License-Identifier: MIT */
#include "reports/report_fields.h"

#include <string.h>

/* Follows the dotted path in name (written over) from o: the object that
 * holds the last part, whose name is left in *key. */
static const json_t *walk(const json_t *o, char *name, const char **key)
{
	char *dot;

	while ((dot = strchr(name, '.'))) {
		*dot = '\0';
		o = json_object_get(o, name);
		name = dot + 1;
	}
	*key = name;
	return o;
}

/* Writes one field from its text between the braces, len bytes. */
static void field(struct pf_buf *b, const json_t *o, const char *spec, size_t len, pf_escape_fn esc)
{
	char name[128];
	const char *key, *dflt = "";
	char *bar;
	bool integer = spec[0] == '#';

	memcpy(name, spec + integer, len - integer);
	name[len - integer] = '\0';
	if ((bar = strchr(name, '|'))) {
		*bar = '\0';
		dflt = bar + 1;
	}
	o = walk(o, name, &key);
	if (integer)
		pf_buf_printf(b, "%lld", json_integer_value(json_object_get(o, key)));
	else
		esc(b, pf_jstr(o, key, dflt));
}

void pf_buf_template(struct pf_buf *b, const json_t *o, const char *tpl, pf_escape_fn esc)
{
	const char *open, *close;

	while ((open = strchr(tpl, '{')) && (close = strchr(open, '}')) &&
	       (size_t)(close - open - 1) < 128) {
		pf_buf_add(b, tpl, (size_t)(open - tpl));
		field(b, o, open + 1, (size_t)(close - open - 1), esc);
		tpl = close + 1;
	}
	pf_buf_puts(b, tpl);
}

/* SPDX-License-Identifier: MIT */
/*
 * Inline SVG charts for the HTML reports, generated in C so a report needs
 * no script and no external asset (and prints the same in the PDF). Colours
 * come from the report's CSS variables via class names.
 */
#ifndef PF_REPORT_SVG_H
#define PF_REPORT_SVG_H

#include <stddef.h>

#include "reports/report_util.h"

extern const char pf_report_css[];

struct pf_svg_slice {
	const char *name; /* legend text and CSS colour class suffix (v-<name>) */
	unsigned value;
};

/* Donut of slices with a legend; centre is a count shown over "checks". */
void pf_svg_donut(struct pf_buf *b, const char *title, const struct pf_svg_slice *s, size_t n,
		  const char *centre);

/* One labelled horizontal stacked bar per row; every row has n slices in the
 * same order. Rows are scaled to the largest total. */
struct pf_svg_row {
	const char *label;
	const struct pf_svg_slice *s;
};
void pf_svg_bars(struct pf_buf *b, const char *title, const struct pf_svg_row *rows, size_t nrows,
		 size_t n);

/* Hex colour of a verdict/outcome name, for SVG fills (CSS variables are not
 * reliable inside SVG presentation attributes when printed). */
const char *pf_svg_colour(const char *name);

#endif

/* SPDX-License-Identifier: MIT */
/* Inline SVG charts; see report_svg.h. */
#include "reports/report_svg.h"

#include <string.h>

static const struct {
	const char *name, *hex;
} colours[] = {
	{ "pass", "#2e7d32" },
	{ "conformant", "#2e7d32" },
	{ "fail", "#c62828" },
	{ "non-conformant", "#c62828" },
	{ "warn", "#e65100" },
	{ "conformant-with-warnings", "#e65100" },
	{ "skip", "#8a8a8a" },
	{ "na", "#9e9e9e" },
	{ "error", "#6a1b9a" },
	{ "incomplete", "#6a1b9a" },
	{ "crash", "#3e2723" },
	{ "wedged", "#ad1457" },
	{ "timeout", "#5d4037" },
	{ "xfail", "#b28704" },
	{ "xpass", "#1565c0" },
	{ "waived", "#00838f" },
	{ "not-applicable", "#9e9e9e" },
	{ "na", "#bdbdbd" },
	{ "conformant-with-known-failures", "#b28704" },
};

const char *pf_svg_colour(const char *name)
{
	for (size_t i = 0; name && i < sizeof(colours) / sizeof(colours[0]); i++)
		if (!strcmp(colours[i].name, name))
			return colours[i].hex;
	return "#757575";
}

/* The donut uses the stroke-dasharray trick on circles of circumference 100
 * (r = 100 / 2pi), so segment lengths are percentages and no trigonometry
 * (nor libm) is needed. */
void pf_svg_donut(struct pf_buf *b, const char *title, const struct pf_svg_slice *s, size_t n,
		  const char *centre)
{
	unsigned total = 0;
	double at = 0;

	for (size_t i = 0; i < n; i++)
		total += s[i].value;
	pf_buf_printf(b,
		      "<svg class=\"chart donut\" role=\"img\" width=\"%u\" height=\"150\" "
		      "viewBox=\"0 0 %u 150\"><title>",
		      170 + 10, 170 + 10);
	pf_buf_html(b, title);
	pf_buf_puts(b, "</title><g transform=\"translate(4,4) scale(3.2)\">"
		       "<circle cx=\"21\" cy=\"21\" r=\"15.9155\" fill=\"#fff\" stroke=\"#e6e9eb\" "
		       "stroke-width=\"6\"/>");
	for (size_t i = 0; total && i < n; i++) {
		if (!s[i].value)
			continue;
		double pct = 100.0 * s[i].value / total;
		/* dashoffset 25 starts at 12 o'clock; segments run clockwise */
		pf_buf_printf(b,
			      "<circle cx=\"21\" cy=\"21\" r=\"15.9155\" fill=\"none\" "
			      "stroke=\"%s\" stroke-width=\"6\" "
			      "stroke-dasharray=\"%.3f %.3f\" stroke-dashoffset=\"%.3f\"><title>",
			      pf_svg_colour(s[i].name), pct, 100 - pct, 25 - at);
		pf_buf_html(b, s[i].name);
		pf_buf_printf(b, ": %u</title></circle>", s[i].value);
		at += pct;
	}
	pf_buf_puts(b, "<text x=\"21\" y=\"22\" text-anchor=\"middle\" font-size=\"7\" "
		       "font-weight=\"600\" fill=\"#1d2327\">");
	pf_buf_html(b, centre);
	pf_buf_puts(b, "</text><text x=\"21\" y=\"27\" text-anchor=\"middle\" font-size=\"3.2\" "
		       "fill=\"#5f6b73\">checks</text></g>");
	/* legend to the right */
	pf_buf_puts(b, "</svg>");
	pf_buf_puts(b, "<svg class=\"chart legend\" role=\"img\" width=\"150\" height=\"150\" "
		       "viewBox=\"0 0 150 150\"><title>legend</title>");
	unsigned row = 0;
	for (size_t i = 0; i < n; i++) {
		if (!s[i].value)
			continue;
		unsigned y = 10 + row++ * 16;
		pf_buf_printf(
			b,
			"<rect x=\"2\" y=\"%u\" width=\"11\" height=\"11\" rx=\"2\" fill=\"%s\"/>"
			"<text x=\"19\" y=\"%u\" font-size=\"12\" fill=\"#1d2327\">",
			y, pf_svg_colour(s[i].name), y + 10);
		pf_buf_html(b, s[i].name);
		pf_buf_printf(b, " %u</text>", s[i].value);
	}
	pf_buf_puts(b, "</svg>");
}

void pf_svg_bars(struct pf_buf *b, const char *title, const struct pf_svg_row *rows, size_t nrows,
		 size_t n)
{
	const unsigned label_w = 230, bar_w = 420, row_h = 22;
	unsigned max = 1, h = (unsigned)nrows * row_h + 24;

	for (size_t r = 0; r < nrows; r++) {
		unsigned t = 0;
		for (size_t i = 0; i < n; i++)
			t += rows[r].s[i].value;
		max = t > max ? t : max;
	}
	pf_buf_printf(b,
		      "<svg class=\"chart bars\" role=\"img\" width=\"%u\" height=\"%u\" "
		      "viewBox=\"0 0 %u %u\"><title>",
		      label_w + bar_w + 60, h, label_w + bar_w + 60, h);
	pf_buf_html(b, title);
	pf_buf_puts(b, "</title>");
	for (size_t r = 0; r < nrows; r++) {
		unsigned y = 4 + (unsigned)r * row_h, t = 0;
		double x = label_w;
		pf_buf_printf(b,
			      "<text x=\"%u\" y=\"%u\" font-size=\"12\" text-anchor=\"end\" "
			      "fill=\"#1d2327\">",
			      label_w - 6, y + 13);
		pf_buf_html(b, rows[r].label);
		pf_buf_puts(b, "</text>");
		for (size_t i = 0; i < n; i++) {
			const struct pf_svg_slice *s = &rows[r].s[i];
			if (!s->value)
				continue;
			double w = (double)bar_w * s->value / max;
			pf_buf_printf(b,
				      "<rect x=\"%.2f\" y=\"%u\" width=\"%.2f\" height=\"16\" "
				      "fill=\"%s\"><title>",
				      x, y + 1, w, pf_svg_colour(s->name));
			pf_buf_html(b, rows[r].label);
			pf_buf_puts(b, ": ");
			pf_buf_html(b, s->name);
			pf_buf_printf(b, " %u</title></rect>", s->value);
			x += w;
			t += s->value;
		}
		pf_buf_printf(
			b, "<text x=\"%.2f\" y=\"%u\" font-size=\"11\" fill=\"#5f6b73\">%u</text>",
			x + 4, y + 13, t);
	}
	/* legend of the slice names present */
	double lx = label_w;
	for (size_t i = 0; i < n; i++) {
		bool any = false;
		for (size_t r = 0; r < nrows; r++)
			any = any || rows[r].s[i].value;
		if (!any)
			continue;
		unsigned y = (unsigned)nrows * row_h + 8;
		pf_buf_printf(b,
			      "<rect x=\"%.1f\" y=\"%u\" width=\"10\" height=\"10\" rx=\"2\" "
			      "fill=\"%s\"/>"
			      "<text x=\"%.1f\" y=\"%u\" font-size=\"11\" fill=\"#1d2327\">",
			      lx, y, pf_svg_colour(rows[0].s[i].name), lx + 13, y + 9);
		pf_buf_html(b, rows[0].s[i].name);
		pf_buf_puts(b, "</text>");
		lx += 20 + 7.0 * (double)strlen(rows[0].s[i].name);
	}
	pf_buf_puts(b, "</svg>");
}

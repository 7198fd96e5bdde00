/* SPDX-License-Identifier: MIT */
/*
 * Renders report.html (and optionally matrix.html) from a fixture run the
 * way `plugfest run` would: shipped known failures + a waiver file applied,
 * every shipped profile scored. Used by test_html_report.sh when no
 * plugfest binary is given.
 *
 *   render_fixture SOURCE_DIR RESULTS.json OUT.html [WAIVERS.yaml...]
 */
#include <stdio.h>

#include "policy/profile.h"
#include "reports/report_write.h"
#include "policy/score.h"
#include "policy/waiver.h"

int main(int argc, char **argv)
{
	static const char *const ids[] = { "virtio-1.4-core", "avps-base",	 "avps-ivi",
					   "avps-cluster",    "avps-telematics", "avps-adas" };
	struct pf_profile *ps[6] = { 0 };
	struct pf_error e, rerr;
	char path[4096], err[1200];
	json_error_t je;
	int rc = 1;

	if (argc < 4) {
		fprintf(stderr, "usage: %s SOURCE_DIR RESULTS.json OUT.html [WAIVERS.yaml...]\n",
			argv[0]);
		return 2;
	}
	json_t *r = json_load_file(argv[2], 0, &je);
	struct pf_waivers *w = pf_waivers_new();
	if (!r) {
		fprintf(stderr, "%s: %s\n", argv[2], je.text);
		goto out;
	}
	for (int i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "%s/profiles/%s.yaml", argv[1], ids[i]);
		if (!(ps[i] = pf_profile_load(path, &e))) {
			fprintf(stderr, "%s\n", pf_error_format(&e, err, sizeof(err)));
			goto out;
		}
	}
	for (int i = 4; i < argc; i++)
		if (pf_waivers_load(w, argv[i], &e)) {
			fprintf(stderr, "%s\n", pf_error_format(&e, err, sizeof(err)));
			goto out;
		}
	if (pf_waivers_apply(r, w, NULL, err, sizeof(err)) ||
	    pf_score_attach(r, ps, 6, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	if (pf_report_write(r, "html", argv[3], &rerr)) {
		fprintf(stderr, "%s\n", pf_error_format(&rerr, err, sizeof(err)));
		goto out;
	}
	rc = 0;
out:
	json_decref(r);
	pf_waivers_free(w);
	for (int i = 0; i < 6; i++)
		pf_profile_free(ps[i]);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * The run model's state, shared by results.c (records in) and
 * results_render.c (the results document out). Nothing outside
 * ingest/results*.c includes this.
 */
#ifndef PF_RESULTS_INTERNAL_H
#define PF_RESULTS_INTERNAL_H

#include <stdint.h>

#include <jansson.h>

#include "ingest/results.h"

struct pf_results {
	json_t *run;   /* caller's run object, or NULL */
	json_t *hello; /* first hello record (copy), or NULL */
	unsigned boots;
	json_t *end;	   /* end record of the latest boot, or NULL */
	json_t *devices;   /* array, output form */
	json_t *dev_index; /* device id -> index in devices */
	json_t *results;   /* array, internal form (see new_result) */
	json_t *res_index; /* "test\ndev" -> index in results */
	json_t *findings, *diags, *metrics, *logs;
	json_t *open;		  /* {"test","dev","step","seq"}: check in flight */
	size_t findings_at_hello; /* findings recorded before the latest hello */
	int64_t last_step;
};

/* dst[dkey] = deep copy of src[skey], when src has it. */
int pf_results_copy_member(json_t *dst, const char *dkey, const json_t *src, const char *skey);
/* A JSON string, or null for NULL. */
json_t *pf_results_str_or_null(const char *s);

#endif

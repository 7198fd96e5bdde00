/* SPDX-License-Identifier: MIT */
/*
 * Where plugfest finds its data (profiles/, targets/, spec/) and its probe
 * images, without flags: next to the build tree when the binary runs from
 * it, else relative to the installed binary (<prefix>/bin/plugfest ->
 * <prefix>/share/plugfest, <prefix>/lib/plugfest). PLUGFEST_DATA_DIR and
 * PLUGFEST_IMAGE_DIR override both.
 */
#ifndef PF_PATHS_H
#define PF_PATHS_H

#include <stddef.h>

/* Both return a static string, never NULL. */
const char *pf_data_dir(void);
const char *pf_image_dir(void);

/* dst = dir "/" name; returns dst, truncation-safe (result empty if it
 * would not fit). */
char *pf_path_join(char *dst, size_t cap, const char *dir, const char *name);

#endif

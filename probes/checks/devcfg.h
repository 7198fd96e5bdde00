/* SPDX-License-Identifier: MIT */
/*
 * Device-specific configuration layouts (spec chapter 5), as far as checks of
 * the generic configuration rules need them: where the fields are, how wide,
 * which feature makes them exist, and whether the device may change them on
 * its own (dynamic) or the driver writes them.
 */
#ifndef PF_DEVCFG_H
#define PF_DEVCFG_H

#include <stdint.h>

#define DEVCFG_STATIC 0	 /* identity/capability data: never changes */
#define DEVCFG_DYNAMIC 1 /* device may change it (status, sizes...) */
#define DEVCFG_DRIVER 2	 /* written by the driver: not compared */

#define DEVCFG_NO_FEATURE (-1)

struct devcfg_field {
	const char *name;
	uint16_t off;
	uint8_t width; /* 1, 2, 4, 8 (bytes), or the length of a byte array */
	uint8_t kind;  /* DEVCFG_* */
	int feature;   /* bit that makes the field exist, or DEVCFG_NO_FEATURE */
};

struct devcfg_layout {
	uint32_t device_id;
	const struct devcfg_field *fields;
	int nfields;
};

/* Layout of a device type, or NULL when the probe knows none. */
const struct devcfg_layout *devcfg_layout(uint32_t device_id);

/* The field is a scalar the transport can read in one access (1/2/4/8). */
static inline int devcfg_is_scalar(const struct devcfg_field *f)
{
	return f->width == 1 || f->width == 2 || f->width == 4 || f->width == 8;
}

#endif

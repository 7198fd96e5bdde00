/* SPDX-License-Identifier: MIT */
/* Device configuration space: availability before FEATURES_OK, the
 * generation counter, and access widths (2.5, 4.1.3.2, 4.2.2). */
#include <string.h>

#include "devcfg.h"
#include "helpers.h"

#define CFG_MAX 64 /* fields compared per device */

static uint64_t read_field(struct virtio_dev *d, const struct devcfg_field *f)
{
	uint64_t v = 0;

	switch (f->width) {
	case 1:
	case 2:
	case 4:
		return d->ops->config_read(d, f->off, f->width);
	case 8:
		v = d->ops->config_read(d, f->off, 4);
		return v | (uint64_t)d->ops->config_read(d, f->off + 4u, 4) << 32;
	default:
		/* byte arrays: a cheap fingerprint is enough to compare */
		for (unsigned i = 0; i < f->width; i++)
			v = v * 131 + d->ops->config_read(d, f->off + i, 1);
		return v;
	}
}

/* Fields that exist for this device's offered features. */
static bool field_present(const struct virtio_dev *d, const struct devcfg_field *f)
{
	return f->feature == DEVCFG_NO_FEATURE || (d->features & VIRTIO_BIT(f->feature));
}

static uint64_t gating_features(const struct virtio_dev *d, const struct devcfg_layout *l)
{
	uint64_t g = 0;

	for (int i = 0; i < l->nfields; i++)
		if (l->fields[i].feature != DEVCFG_NO_FEATURE)
			g |= VIRTIO_BIT(l->fields[i].feature);
	return g & d->features;
}

static const struct devcfg_layout *layout_or_skip(struct pf_test *t)
{
	const struct devcfg_layout *l;

	if (!chk_drivable(t))
		return 0;
	l = devcfg_layout(t->dev->device_id);
	if (!l)
		report_skip(t, "no configuration layout known for device type %u",
			    t->dev->device_id);
	return l;
}

void check_CONFIG_BEFORE_FEATURES_OK(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	const struct devcfg_layout *l = layout_or_skip(t);
	uint64_t before[CFG_MAX], after[CFG_MAX] = { 0 };
	int n, gen_before, gen_after;
	uint8_t st;

	if (!l)
		return;
	n = l->nfields < CFG_MAX ? l->nfields : CFG_MAX;
	if (virtio_reset(d, CHK_RESET_TIMEOUT_NS)) {
		report(t, false, "reset", "reset did not complete");
		return;
	}
	virtio_add_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_add_status(d, VIRTIO_STATUS_DRIVER);
	gen_before = d->ops->config_generation(d);
	for (int i = 0; i < n; i++)
		before[i] = read_field(d, &l->fields[i]);
	/* Negotiate the features the fields depend on, so every field we
	 * compare exists afterwards too. */
	st = chk_try_features(t, chk_default_features(d) | gating_features(d, l));
	if (chk_uses_features_ok(d) && !(st & VIRTIO_STATUS_FEATURES_OK)) {
		report_error(
			t,
			"device refused the features its config fields depend on (status 0x%02x)",
			st);
		virtio_reset(d, CHK_RESET_TIMEOUT_NS);
		return;
	}
	for (int i = 0; i < n; i++) {
		const struct devcfg_field *f = &l->fields[i];

		if (f->kind != DEVCFG_STATIC || !field_present(d, f))
			continue;
		after[i] = read_field(d, f);
	}
	gen_after = d->ops->config_generation(d);
	for (int i = 0; i < n; i++) {
		const struct devcfg_field *f = &l->fields[i];

		if (f->kind != DEVCFG_STATIC || !field_present(d, f) || before[i] == after[i])
			continue;
		/* A change the device announced with a new generation is a
		 * configuration change (2.5), not an unreadable field. */
		if (gen_before != gen_after) {
			report_log(t, 1,
				   "%s changed (0x%llx -> 0x%llx) with the generation (%d -> %d)",
				   f->name, (unsigned long long)before[i],
				   (unsigned long long)after[i], gen_before, gen_after);
			continue;
		}
		/* basic.config.readable-before-features-ok (MUST, 2.5.2): an
		 * unannounced difference means the early read did not give the
		 * field's value */
		report(t, false, "config-changed-by-features-ok",
		       "%s reads 0x%llx before FEATURES_OK but 0x%llx after, generation %d "
		       "unchanged",
		       f->name, (unsigned long long)before[i], (unsigned long long)after[i],
		       gen_after);
	}
	virtio_reset(d, CHK_RESET_TIMEOUT_NS);
}

/* One pass over every present field, framed by two generation reads. */
static void snapshot(struct virtio_dev *d, const struct devcfg_layout *l, uint64_t *vals, int n,
		     int *gen_before, int *gen_after)
{
	*gen_before = d->ops->config_generation(d);
	for (int i = 0; i < n; i++)
		vals[i] = field_present(d, &l->fields[i]) ? read_field(d, &l->fields[i]) : 0;
	*gen_after = d->ops->config_generation(d);
}

void check_CONFIG_GENERATION(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	const struct devcfg_layout *l = layout_or_skip(t);
	uint64_t a[CFG_MAX], b[CFG_MAX];
	int g0, g1, g2, g3, n;

	if (!l)
		return;
	if (d->ops->config_generation(d) < 0) {
		report_na(t, "transport has no config generation (legacy)");
		return;
	}
	n = l->nfields < CFG_MAX ? l->nfields : CFG_MAX;
	snapshot(d, l, a, n, &g0, &g1);
	snapshot(d, l, b, n, &g2, &g3);
	for (int i = 0; i < n; i++) {
		const struct devcfg_field *f = &l->fields[i];

		if (!field_present(d, f) || f->kind == DEVCFG_DRIVER || a[i] == b[i])
			continue;
		/* The configuration changed: a generation that stayed put
		 * hides torn reads from the driver (MUST, 2.5.1 / 4.1.4.3.1). */
		report(t, g1 != g2 || g0 != g1 || g2 != g3, "generation-unchanged",
		       "%s changed (0x%llx -> 0x%llx) but the generation stayed %d", f->name,
		       (unsigned long long)a[i], (unsigned long long)b[i], g2);
		return;
	}
	/* Nothing changed: a moving generation would make a driver's read
	 * loop spin for nothing (2.5.1 wants it stable). */
	report_should(t, g0 == g1 && g1 == g2 && g2 == g3, "generation-spurious",
		      "generation changes without a configuration change: %d, %d, %d, %d", g0, g1,
		      g2, g3);
}

/* Little-endian value of `width` bytes read one byte at a time. */
static uint64_t read_bytes(struct virtio_dev *d, uint32_t off, unsigned width)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint64_t)d->ops->config_read(d, off + i, 1) << (8 * i);
	return v;
}

void check_CONFIG_WIDTHS(struct pf_test *t)
{
	struct virtio_dev *d = t->dev;
	const struct devcfg_layout *l = layout_or_skip(t);
	int checked = 0;

	if (!l)
		return;
	if (d->mode == VIRTIO_MODE_LEGACY) {
		report_na(
			t,
			"legacy configuration is guest-endian; width rules are for modern devices");
		return;
	}
	for (int i = 0; i < l->nfields; i++) {
		const struct devcfg_field *f = &l->fields[i];
		uint64_t nat, bytes;

		if (f->kind != DEVCFG_STATIC || !field_present(d, f) || !devcfg_is_scalar(f) ||
		    f->width == 1)
			continue;
		checked++;
		if (f->width == 8) {
			/* 4.1.3.2: halves are independent: either order reads the same */
			uint64_t lo = d->ops->config_read(d, f->off, 4);
			uint64_t hi = d->ops->config_read(d, f->off + 4u, 4);
			uint64_t hi2 = d->ops->config_read(d, f->off + 4u, 4);
			uint64_t lo2 = d->ops->config_read(d, f->off, 4);

			nat = lo | hi << 32;
			report(t, lo == lo2 && hi == hi2, "access-order",
			       "%s: 32-bit halves differ with the access order (0x%llx vs 0x%llx)",
			       f->name, (unsigned long long)nat,
			       (unsigned long long)(lo2 | hi2 << 32));
		} else {
			nat = d->ops->config_read(d, f->off, f->width);
		}
		/* Byte-wise reads of a wider field: 4.1.3.1 and 4.2.2.2 bind
		 * the driver to natural widths and no device MUST covers other
		 * widths, so a difference is a warning, not a failure. */
		bytes = read_bytes(d, f->off, f->width);
		report_should(t, nat == bytes, "access-width",
			      "%s reads 0x%llx at %u bits but 0x%llx byte by byte", f->name,
			      (unsigned long long)nat, f->width == 8 ? 32u : f->width * 8u,
			      (unsigned long long)bytes);
	}
	if (!checked)
		report_na(t, "no multi-byte static field in this device's configuration");
}

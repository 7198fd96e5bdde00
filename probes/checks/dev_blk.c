/* SPDX-License-Identifier: MIT */
/*
 * The block device suite (5.2): the request helper, and the checks that
 * read configuration or ask for information (layout, writeback, lifetime).
 * Requests that move data are in dev_blk_io.c.
 */
#include "dev_blk.h"

#include <string.h>

#include "helpers.h"

static uint8_t blk_out[BLK_HDR + BLK_MAX_DATA];
static uint8_t blk_in[BLK_MAX_DATA + 1];

static void put_le32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

int blk_request(struct pf_test *t, struct chk_dev *c, struct blk_req *r, const char *what)
{
	int rc;

	if (r->out_len > BLK_MAX_DATA || r->in_len > BLK_MAX_DATA) {
		report_error(t, "%s: %u + %u data bytes are more than the suite sends", what,
			     r->out_len, r->in_len);
		return PF_EINVAL;
	}
	put_le32(blk_out, r->type);
	put_le32(blk_out + 4, 0);
	put_le64(blk_out + 8, r->sector);
	if (r->out_len)
		memcpy(blk_out + BLK_HDR, r->out, r->out_len);
	rc = chk_dev_request(t, c, BLK_REQUESTQ, blk_out, BLK_HDR + r->out_len, blk_in,
			     r->in_len + 1, &r->used, what);
	if (rc != 1)
		return rc;
	if (r->in_len && r->in)
		memcpy(r->in, blk_in, r->in_len);
	r->status = blk_in[r->in_len];
	return 1;
}

bool blk_open(struct pf_test *t, struct chk_dev *c, bool applies, const char *na_why, uint64_t want)
{
	if (!chk_drivable(t))
		return false;
	if (!applies) {
		report_na(t, "%s", na_why);
		return false;
	}
	return chk_dev_open(t, c, want, 1, true);
}

uint64_t blk_capacity(const struct chk_dev *c)
{
	return chk_dev_cfg(c, BLK_CFG_CAPACITY, 8);
}

uint32_t blk_unit(const struct chk_dev *c)
{
	uint32_t bs;

	if (!chk_dev_has(c, VIRTIO_BLK_F_BLK_SIZE))
		return BLK_SECTOR;
	bs = (uint32_t)chk_dev_cfg(c, BLK_CFG_BLK_SIZE, 4);
	if (bs < BLK_SECTOR || bs > 4096 || (bs & (bs - 1)))
		return BLK_SECTOR;
	return bs;
}

const char *blk_status_name(uint8_t s)
{
	switch (s) {
	case VIRTIO_BLK_S_OK:
		return "OK";
	case VIRTIO_BLK_S_IOERR:
		return "IOERR";
	case VIRTIO_BLK_S_UNSUPP:
		return "UNSUPP";
	case CHK_DEV_FILL:
		return "never written";
	default:
		return "not a status";
	}
}

/* Every device-type feature bit (0-23) the device offers. */
static uint64_t blk_offered(const struct virtio_dev *d)
{
	return d->features & 0xffffffull;
}

static bool offers(const struct virtio_dev *d, unsigned bit)
{
	return (d->features & VIRTIO_BIT(bit)) != 0;
}

/* Reports on `sub` unless `len` bytes of config at `off` all read 0. */
static void check_zero(struct pf_test *t, const struct chk_dev *c, uint32_t off, uint32_t len,
		       const char *sub, const char *field)
{
	for (uint32_t i = 0; i < len; i++) {
		uint8_t v = (uint8_t)chk_dev_cfg(c, off + i, 1);

		if (!report(t, v == 0, sub, "%s byte %u reads 0x%02x, not 0", field, i, v))
			return;
	}
}

void check_BLK_CONFIG(struct pf_test *t)
{
	const struct virtio_dev *d = t->dev;
	/* padding inside the structure: a field after it is offered (a
	 * device may end its configuration space at the last field it has,
	 * where trailing padding is not there to read) */
	uint64_t after_unused0 = VIRTIO_BIT(VIRTIO_BLK_F_MQ) | VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) |
				 VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES) |
				 VIRTIO_BIT(VIRTIO_BLK_F_SECURE_ERASE) |
				 VIRTIO_BIT(VIRTIO_BLK_F_ZONED);
	uint64_t after_unused1 =
		VIRTIO_BIT(VIRTIO_BLK_F_SECURE_ERASE) | VIRTIO_BIT(VIRTIO_BLK_F_ZONED);
	struct chk_dev c;
	uint8_t model = 0;

	if (!chk_drivable(t))
		return;
	/* 5.2.5.2: CONFIG_WCE only together with FLUSH */
	report(t, !offers(d, VIRTIO_BLK_F_CONFIG_WCE) || offers(d, VIRTIO_BLK_F_FLUSH),
	       "wce-without-flush", "CONFIG_WCE offered without FLUSH");
	/* every offered field present: negotiate what is offered, no queue */
	if (!chk_dev_open(t, &c, blk_offered(d), 1, false))
		return;
	if (d->features & after_unused0)
		check_zero(t, &c, BLK_CFG_UNUSED0, 1, "unused0", "unused0");
	if (d->features & after_unused1)
		check_zero(t, &c, BLK_CFG_UNUSED1, 3, "unused1", "unused1");
	if (offers(d, VIRTIO_BLK_F_ZONED)) {
		check_zero(t, &c, BLK_CFG_UNUSED2, 3, "unused2", "zoned.unused2");
		model = (uint8_t)chk_dev_cfg(&c, BLK_CFG_ZONED_MODEL, 1);
		if (offers(d, VIRTIO_BLK_F_SEG_MAX) && offers(d, VIRTIO_BLK_F_SIZE_MAX)) {
			uint64_t bound = chk_dev_cfg(&c, BLK_CFG_SEG_MAX, 4) *
					 chk_dev_cfg(&c, BLK_CFG_SIZE_MAX, 4) / BLK_SECTOR;
			uint32_t app = (uint32_t)chk_dev_cfg(&c, BLK_CFG_MAX_APPEND, 4);

			report(t, app <= bound, "max-append",
			       "max_append_sectors %u exceeds seg_max * size_max (%llu sectors)",
			       app, (unsigned long long)bound);
		}
		if (offers(d, VIRTIO_BLK_F_SECURE_ERASE)) {
			uint32_t zs = (uint32_t)chk_dev_cfg(&c, BLK_CFG_ZONE_SECTORS, 4);
			uint32_t al = (uint32_t)chk_dev_cfg(&c, BLK_CFG_SE_ALIGN, 4);

			/* a secure erase acts on whole zones (5.2.6.2) */
			report(t, !zs || al % zs == 0, "secure-erase-align",
			       "secure_erase_sector_alignment %u is not a multiple of zone_sectors "
			       "%u",
			       al, zs);
		}
	}
	chk_dev_close(&c);
	/* 5.2.5.2: a host-managed device cannot work without ZONED */
	if (model == VIRTIO_BLK_Z_HM) {
		uint8_t st = chk_try_features(t, chk_default_features(d) & d->features);

		report(t, !(st & VIRTIO_STATUS_FEATURES_OK), "hm-accepted",
		       "host-managed zoned device kept FEATURES_OK without ZONED");
		virtio_reset(t->dev, CHK_RESET_TIMEOUT_NS);
	}
}

void check_BLK_WRITEBACK(struct pf_test *t)
{
	struct chk_dev c;
	uint8_t wb;

	/* FLUSH left out on purpose: writeback caching without a way to
	 * flush would lose data, so the device starts in writethrough */
	if (!blk_open(t, &c, offers(t->dev, VIRTIO_BLK_F_CONFIG_WCE), "CONFIG_WCE not offered",
		      VIRTIO_BIT(VIRTIO_BLK_F_CONFIG_WCE)))
		return;
	wb = (uint8_t)chk_dev_cfg(&c, BLK_CFG_WRITEBACK, 1);
	report(t, wb == 0, "writeback-set",
	       "writeback reads %u with CONFIG_WCE negotiated and FLUSH not", wb);
	chk_dev_close(&c);
}

void check_BLK_LIFETIME(struct pf_test *t)
{
	struct chk_dev c;
	struct blk_req r;
	uint8_t lt[6];
	uint16_t eol, a, b;

	if (!blk_open(t, &c, offers(t->dev, VIRTIO_BLK_F_LIFETIME), "LIFETIME not offered",
		      VIRTIO_BIT(VIRTIO_BLK_F_LIFETIME)))
		return;
	memset(&r, 0, sizeof(r));
	r.type = VIRTIO_BLK_T_GET_LIFETIME;
	r.in = lt;
	r.in_len = sizeof(lt);
	if (blk_request(t, &c, &r, "GET_LIFETIME") == 1 &&
	    report_should(t, r.status == VIRTIO_BLK_S_OK, "lifetime-status",
			  "GET_LIFETIME with LIFETIME negotiated completed with %s (%u)",
			  blk_status_name(r.status), r.status)) {
		eol = (uint16_t)(lt[0] | lt[1] << 8);
		a = (uint16_t)(lt[2] | lt[3] << 8);
		b = (uint16_t)(lt[4] | lt[5] << 8);
		/* pre_eol_info 0-3, estimates 0x00-0x0b: the rest is reserved */
		report(t, eol <= 3, "pre-eol-reserved", "pre_eol_info %u is reserved", eol);
		report(t, a <= 0x0b && b <= 0x0b, "estimate-reserved",
		       "lifetime estimates 0x%x / 0x%x: above 0x0b is reserved", a, b);
	}
	chk_dev_close(&c);
}

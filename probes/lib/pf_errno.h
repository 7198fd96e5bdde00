/* SPDX-License-Identifier: MIT */
/*
 * The probe's error codes: one space of distinct negative values, in the
 * manner of libfdt. 0 is success; every probe module returns these.
 *
 *   -1 .. -99     infrastructure: the probe could not do something (no
 *                 device, bad argument, out of space, a wait expired, a
 *                 malformed device-tree property). enum pf_err below.
 *   -100 .. -199  device rules: the device broke a normative statement and
 *                 the code names which (VQ_E_DEV_* in virtio/virtqueue.h;
 *                 vq_error_is_device_fault()). A check reports these as
 *                 failures, never as the probe's own error.
 *
 * pf_strerror() gives a short stable name ("timeout", "no-device") for
 * reports and logs; modules keep their own longer texts where a message
 * needs context (virtq_strerror(), intr_strerror(), msix_strerror()).
 */
#ifndef PF_ERRNO_H
#define PF_ERRNO_H

enum pf_err {
	PF_OK = 0,
	PF_EIO = -1,	   /* a device or controller did something impossible or stalled */
	PF_ETIMEDOUT = -2, /* a bounded wait expired */
	PF_ENODEV = -3,	   /* no such device, controller, DT node or doorbell */
	PF_EINVAL = -4,	   /* bad argument, or device-tree data that makes no sense */
	PF_ENOSPC = -5,	   /* out of descriptors, ids, lines, vectors or table space */
	PF_ENOMEM = -6,	   /* DMA arena or a fixed pool exhausted */
	PF_ENOTSUP = -7,   /* a configuration the transport, device or probe cannot drive */
	PF_EBADPROP = -8,  /* device-tree property missing or too short */
	PF_EBADCELLS = -9, /* #address-cells / #size-cells outside what the probe reads */
	PF_ENOTPCI = -10,  /* not a PCI virtio device */
	PF_ENOCAP = -11,   /* PCI capability absent */
	PF_ECAPLIST = -12, /* malformed PCI capability list or capability */
	PF_EBAR = -13,	   /* structure not inside an assigned memory BAR */
	PF_ESTUCK = -14,   /* a control bit (Enable, Function Mask) did not take */
	PF_EBUSY = -15,	   /* too many users of a resource at once */
	PF_E_INFRA_LAST = PF_EBUSY,
};

/* The device-rule range (see above). */
#define PF_EDEV_FIRST (-100)
#define PF_EDEV_LAST (-199)

static inline int pf_err_is_device_rule(int err)
{
	return err <= PF_EDEV_FIRST && err >= PF_EDEV_LAST;
}

/* Short stable name of err: "ok", "timeout", "device-rule" for the device
 * range, "unknown" for anything else. */
const char *pf_strerror(int err);

/* A module's texts for the codes it returns. */
struct pf_err_text {
	int err;
	const char *text;
};

/* The text of err in tab[0..n), or NULL when tab does not know it. */
const char *pf_err_lookup(const struct pf_err_text *tab, unsigned n, int err);

#endif

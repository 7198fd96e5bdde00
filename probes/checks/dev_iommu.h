/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU device suite (5.13): what its checks share. Requests go on the
 * requestq as a device-readable head and body and a device-writable tail
 * (PROBE: properties then tail). Endpoint ids are PCI requester ids (bus,
 * device, function), as the device tree's iommu-map gives them 1:1 on the
 * machines the kit targets; the endpoints are the virtio functions beside
 * the IOMMU on its host bridge.
 */
#ifndef PF_CHECKS_DEV_IOMMU_H
#define PF_CHECKS_DEV_IOMMU_H

#include <stdbool.h>
#include <stdint.h>

#include "dev_queue.h"
#include "report.h"

/* feature bits (5.13.3) */
#define VIRTIO_IOMMU_F_INPUT_RANGE 0
#define VIRTIO_IOMMU_F_DOMAIN_RANGE 1
#define VIRTIO_IOMMU_F_MAP_UNMAP 2
#define VIRTIO_IOMMU_F_BYPASS 3
#define VIRTIO_IOMMU_F_PROBE 4
#define VIRTIO_IOMMU_F_MMIO 5
#define VIRTIO_IOMMU_F_BYPASS_CONFIG 6

/* device configuration offsets (5.13.4) */
#define IOMMU_CFG_PAGE_SIZE_MASK 0
#define IOMMU_CFG_INPUT_START 8
#define IOMMU_CFG_INPUT_END 16
#define IOMMU_CFG_DOMAIN_START 24
#define IOMMU_CFG_DOMAIN_END 28
#define IOMMU_CFG_PROBE_SIZE 32
#define IOMMU_CFG_BYPASS 36

/* request types and status values (5.13.6) */
#define VIRTIO_IOMMU_T_ATTACH 1
#define VIRTIO_IOMMU_T_DETACH 2
#define VIRTIO_IOMMU_T_MAP 3
#define VIRTIO_IOMMU_T_UNMAP 4
#define VIRTIO_IOMMU_T_PROBE 5
#define VIRTIO_IOMMU_S_OK 0
#define VIRTIO_IOMMU_S_IOERR 1
#define VIRTIO_IOMMU_S_UNSUPP 2
#define VIRTIO_IOMMU_S_DEVERR 3
#define VIRTIO_IOMMU_S_INVAL 4
#define VIRTIO_IOMMU_S_RANGE 5
#define VIRTIO_IOMMU_S_NOENT 6
#define VIRTIO_IOMMU_ATTACH_F_BYPASS 1u
#define VIRTIO_IOMMU_MAP_F_READ 1u
#define VIRTIO_IOMMU_MAP_F_WRITE 2u

/* request sizes without the 4-byte tail (5.13.6.3 - 5.13.6.7) */
#define IOMMU_ATTACH_LEN 20
#define IOMMU_DETACH_LEN 20
#define IOMMU_MAP_LEN 36
#define IOMMU_UNMAP_LEN 28
#define IOMMU_PROBE_LEN 72
#define IOMMU_TAIL_LEN 4

/* PROBE properties (5.13.6.8) */
#define VIRTIO_IOMMU_PROBE_T_NONE 0
#define VIRTIO_IOMMU_PROBE_T_RESV_MEM 1
#define IOMMU_RESV_MEM_LEN 20 /* subtype, reserved[3], start, end */
#define VIRTIO_IOMMU_RESV_MEM_T_MSI 1

#define IOMMU_REQUESTQ 0
#define IOMMU_MAX_EP 2

struct iommu_ctx {
	struct chk_dev c;
	uint32_t ep[IOMMU_MAX_EP]; /* endpoints that exist */
	unsigned nep;
	uint32_t noent_ep; /* an id no endpoint has */
	bool have_noent;
	uint32_t dom[2]; /* two domain ids within domain_range */
	unsigned ndom;
	uint8_t tail[IOMMU_TAIL_LEN]; /* the last request's tail */
	uint32_t used_len;	      /* and its used len */
	bool dead;		      /* a request never completed: send no more */
};

/* Brings the device up with the suite's features and learns endpoints and
 * domain ids; false (reported) if the check cannot go on. */
bool iommu_open(struct pf_test *t, struct iommu_ctx *x);
void iommu_close(struct iommu_ctx *x);

/*
 * One request: `req` (head and body, `len` bytes) and a writable part of
 * `in_len` bytes whose last 4 are the tail (props may be NULL; else gets
 * the in_len - 4 bytes before the tail). Returns the status, or a negative
 * code when the request did not complete or wrote no tail (reported).
 */
int iommu_request(struct pf_test *t, struct iommu_ctx *x, const uint8_t *req, uint32_t len,
		  uint32_t in_len, uint8_t *props, const char *what);

/* ATTACH / DETACH with the given flags and a reserved field set or not. */
int iommu_attach(struct pf_test *t, struct iommu_ctx *x, uint32_t dom, uint32_t ep, uint32_t flags,
		 bool dirty);
int iommu_detach(struct pf_test *t, struct iommu_ctx *x, uint32_t dom, uint32_t ep, bool dirty);

/*
 * iommu_open(), then feature bit `feature` negotiated (-1: none needed),
 * `eps` endpoints and `doms` domain ids known; else the check is n/a (or
 * failed, as reported), the device is closed and the result false.
 */
bool iommu_open_need(struct pf_test *t, struct iommu_ctx *x, int feature, const char *fname,
		     unsigned eps, unsigned doms);

/* Reports `sub` unless `got` is `want` (MUST level unless `should`). */
bool iommu_expect(struct pf_test *t, bool should, int got, int want, const char *sub,
		  const char *what);

/* Little-endian fields of a request or property. */
void iommu_put32(uint8_t *p, uint32_t v);
void iommu_put64(uint8_t *p, uint64_t v);
uint16_t iommu_get16(const uint8_t *p);
uint64_t iommu_get64(const uint8_t *p);

#endif

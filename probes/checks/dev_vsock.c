/* SPDX-License-Identifier: MIT */
/*
 * The socket device suite (5.10): guest_cid, the answer to a packet of an
 * unknown type, and credit on a stream connection to a host service.
 */
#include <string.h>

#include "dev_queue.h"
#include "helpers.h"
#include "report.h"

#define VSOCK_RXQ 0
#define VSOCK_TXQ 1
#define VIRTIO_VSOCK_F_STREAM 0

#define VSOCK_HDR 44u
#define VSOCK_CID_HOST 2
#define VSOCK_SVC_PORT 5000u /* the host's test service: sends data on connect */
#define VSOCK_OUR_PORT 40000u
#define VSOCK_RX_BUF (VSOCK_HDR + 512u)
#define VSOCK_RX_POSTED 4
#define VSOCK_BUF_ALLOC 64u /* the driver's receive buffer for the credit check */

#define VIRTIO_VSOCK_TYPE_STREAM 1
#define VIRTIO_VSOCK_OP_REQUEST 1
#define VIRTIO_VSOCK_OP_RESPONSE 2
#define VIRTIO_VSOCK_OP_RST 3
#define VIRTIO_VSOCK_OP_SHUTDOWN 4
#define VIRTIO_VSOCK_OP_RW 5
#define VIRTIO_VSOCK_OP_CREDIT_UPDATE 6

/* struct virtio_vsock_hdr */
struct vsock_hdr {
	uint64_t src_cid, dst_cid;
	uint32_t src_port, dst_port, len;
	uint16_t type, op;
	uint32_t flags, buf_alloc, fwd_cnt;
};

static void hdr_pack(uint8_t *p, const struct vsock_hdr *h)
{
	chk_put_le(p, h->src_cid, 8);
	chk_put_le(p + 8, h->dst_cid, 8);
	chk_put_le(p + 16, h->src_port, 4);
	chk_put_le(p + 20, h->dst_port, 4);
	chk_put_le(p + 24, h->len, 4);
	chk_put_le(p + 28, h->type, 2);
	chk_put_le(p + 30, h->op, 2);
	chk_put_le(p + 32, h->flags, 4);
	chk_put_le(p + 36, h->buf_alloc, 4);
	chk_put_le(p + 40, h->fwd_cnt, 4);
}

static void hdr_unpack(const uint8_t *p, struct vsock_hdr *h)
{
	h->src_cid = chk_le(p, 8);
	h->dst_cid = chk_le(p + 8, 8);
	h->src_port = (uint32_t)chk_le(p + 16, 4);
	h->dst_port = (uint32_t)chk_le(p + 20, 4);
	h->len = (uint32_t)chk_le(p + 24, 4);
	h->type = (uint16_t)chk_le(p + 28, 2);
	h->op = (uint16_t)chk_le(p + 30, 2);
	h->flags = (uint32_t)chk_le(p + 32, 4);
	h->buf_alloc = (uint32_t)chk_le(p + 36, 4);
	h->fwd_cnt = (uint32_t)chk_le(p + 40, 4);
}

void check_VSOCK_CONFIG(struct pf_test *t)
{
	struct chk_dev c;
	uint64_t cid;
	uint32_t lo;

	if (!chk_dev_open(t, &c, VIRTIO_BIT(VIRTIO_VSOCK_F_STREAM), 0, true))
		return;
	cid = chk_dev_cfg(&c, 0, 8);
	lo = (uint32_t)cid;
	/* 5.10.4: the upper 32 bits are reserved and zeroed; 5.10.6: CIDs
	 * 0, 1, 2 and 0xffffffff are reserved */
	if (report(t, cid >> 32 == 0, "cid-upper", "guest_cid 0x%llx has upper bits set",
		   (unsigned long long)cid))
		report(t, lo > VSOCK_CID_HOST && lo != 0xffffffffu, "cid-reserved",
		       "guest_cid %u is a reserved CID", lo);
	chk_dev_close(&c);
}

/* Opens the device with rx buffers posted; the guest's CID in *cid. */
static bool vsock_open(struct pf_test *t, struct chk_dev *c, uint64_t *cid)
{
	if (!chk_dev_open(t, c, VIRTIO_BIT(VIRTIO_VSOCK_F_STREAM), 3, true))
		return false;
	if (c->nqueues < 2) {
		report_error(t, "the device set up %u queues, not rx and tx", c->nqueues);
		chk_dev_close(c);
		return false;
	}
	*cid = chk_dev_cfg(c, 0, 8);
	for (unsigned i = 0; i < VSOCK_RX_POSTED; i++)
		if (chk_dev_post(t, c, VSOCK_RXQ, NULL, 0, VSOCK_RX_BUF) < 0) {
			chk_dev_close(c);
			return false;
		}
	chk_dev_kick(c, VSOCK_RXQ);
	return true;
}

/* Sends one packet with no payload: our port to the host's `port`. */
static bool vsock_send(struct pf_test *t, struct chk_dev *c, uint64_t cid, uint32_t port,
		       uint16_t type, uint16_t op, uint32_t fwd_cnt, const char *what)
{
	struct vsock_hdr h;
	uint8_t p[VSOCK_HDR];
	uint32_t len;

	memset(&h, 0, sizeof(h));
	h.src_cid = cid;
	h.dst_cid = VSOCK_CID_HOST;
	h.src_port = VSOCK_OUR_PORT;
	h.dst_port = port;
	h.type = type;
	h.op = op;
	h.buf_alloc = VSOCK_BUF_ALLOC;
	h.fwd_cnt = fwd_cnt;
	hdr_pack(p, &h);
	return chk_dev_request(t, c, VSOCK_TXQ, p, sizeof(p), NULL, 0, &len, what) == 1;
}

/*
 * The next received packet: 1 (its header in *h, the buffer posted again),
 * 0 if none came within the calibrated wait, -1 if the check must end.
 */
static int vsock_recv(struct pf_test *t, struct chk_dev *c, struct vsock_hdr *h)
{
	uint32_t len;
	int slot, rc = chk_dev_wait(t, c, VSOCK_RXQ, &slot, &len);

	if (rc == PF_ETIMEDOUT)
		return 0;
	if (rc != 1)
		return -1;
	if (!report(t, len >= VSOCK_HDR, "short-packet", "a received packet of %u bytes", len))
		return -1;
	hdr_unpack(chk_dev_in(c, VSOCK_RXQ, slot), h);
	if (!report(t, h->len <= len - VSOCK_HDR, "rx-len",
		    "packet header says %u payload bytes in a used len of %u", h->len, len))
		return -1;
	if (chk_dev_post(t, c, VSOCK_RXQ, NULL, 0, VSOCK_RX_BUF) < 0)
		return -1;
	chk_dev_kick(c, VSOCK_RXQ);
	return 1;
}

/* Whether h comes from the host's `port` to this driver's port. */
static bool addressed_back(const struct vsock_hdr *h, uint64_t cid, uint32_t port)
{
	return h->src_cid == VSOCK_CID_HOST && h->dst_cid == cid && h->src_port == port &&
	       h->dst_port == VSOCK_OUR_PORT;
}

void check_VSOCK_RST(struct pf_test *t)
{
	struct chk_dev c;
	struct vsock_hdr h;
	uint64_t cid;
	int rc;

	if (!vsock_open(t, &c, &cid))
		return;
	/* socket type 0x7f is none the device knows (5.10.6.4) */
	if (!vsock_send(t, &c, cid, VSOCK_SVC_PORT, 0x7f, VIRTIO_VSOCK_OP_REQUEST, 0,
			"request of unknown type"))
		goto out;
	rc = vsock_recv(t, &c, &h);
	if (rc < 0)
		goto out;
	if (report(t, rc == 1, "no-rst", "no answer to a packet of unknown type 0x7f"))
		report(t, h.op == VIRTIO_VSOCK_OP_RST && addressed_back(&h, cid, VSOCK_SVC_PORT),
		       "not-rst",
		       "a packet of unknown type was answered with op %u from %llu:%u to %llu:%u",
		       h.op, (unsigned long long)h.src_cid, h.src_port,
		       (unsigned long long)h.dst_cid, h.dst_port);
out:
	chk_dev_close(&c);
}

/*
 * Receives what the service sends until nothing more comes: the payload
 * bytes in *got. Every packet within the credit the driver gave (`allowed`
 * bytes in all) and carrying valid credit fields. False if the check ends.
 */
static bool drain(struct pf_test *t, struct chk_dev *c, uint64_t cid, uint32_t allowed,
		  uint32_t *got)
{
	struct vsock_hdr h;
	int rc;

	while (!report_stopped(t)) {
		rc = vsock_recv(t, c, &h);
		if (rc <= 0)
			return rc == 0;
		if (!report(t, addressed_back(&h, cid, VSOCK_SVC_PORT), "address",
			    "a packet of the connection is addressed %llu:%u to %llu:%u",
			    (unsigned long long)h.src_cid, h.src_port,
			    (unsigned long long)h.dst_cid, h.dst_port) ||
		    /* the driver sent no payload: nothing can have been forwarded */
		    !report(t, h.fwd_cnt == 0 && h.buf_alloc != 0, "credit-fields",
			    "op %u carries buf_alloc %u and fwd_cnt %u with no byte sent", h.op,
			    h.buf_alloc, h.fwd_cnt))
			return false;
		if (h.op == VIRTIO_VSOCK_OP_RST || h.op == VIRTIO_VSOCK_OP_SHUTDOWN)
			return true;
		if (h.op != VIRTIO_VSOCK_OP_RW)
			continue;
		*got += h.len;
		if (!report(t, *got <= allowed, "credit-exceeded",
			    "the device sent %u bytes with %u bytes of credit given", *got,
			    allowed))
			return false;
	}
	return false;
}

void check_VSOCK_CREDIT(struct pf_test *t)
{
	struct chk_dev c;
	struct vsock_hdr h;
	uint64_t cid;
	uint32_t got = 0;
	int rc;

	if (!vsock_open(t, &c, &cid))
		return;
	if (!vsock_send(t, &c, cid, VSOCK_SVC_PORT, VIRTIO_VSOCK_TYPE_STREAM,
			VIRTIO_VSOCK_OP_REQUEST, 0, "connection request"))
		goto out;
	rc = vsock_recv(t, &c, &h);
	if (rc < 0)
		goto out;
	if (!report(t, rc == 1, "no-response", "no answer to a connection request"))
		goto out;
	if (h.op == VIRTIO_VSOCK_OP_RST) {
		report_skip(t, "no service listens on host port %u", VSOCK_SVC_PORT);
		goto out;
	}
	if (!report(t, h.op == VIRTIO_VSOCK_OP_RESPONSE, "not-response",
		    "a connection request was answered with op %u", h.op) ||
	    !report(t, h.fwd_cnt == 0 && h.buf_alloc != 0, "credit-fields",
		    "the response carries buf_alloc %u and fwd_cnt %u", h.buf_alloc, h.fwd_cnt))
		goto out;
	/* the service sends as soon as connected: at most buf_alloc bytes */
	if (!drain(t, &c, cid, VSOCK_BUF_ALLOC, &got))
		goto out;
	if (!got) {
		report_skip(t, "the service on port %u sent no data", VSOCK_SVC_PORT);
		goto close;
	}
	/* all of it consumed: the whole buffer is free again */
	if (!vsock_send(t, &c, cid, VSOCK_SVC_PORT, VIRTIO_VSOCK_TYPE_STREAM,
			VIRTIO_VSOCK_OP_CREDIT_UPDATE, got, "credit update"))
		goto out;
	drain(t, &c, cid, got + VSOCK_BUF_ALLOC, &got);
close:
	vsock_send(t, &c, cid, VSOCK_SVC_PORT, VIRTIO_VSOCK_TYPE_STREAM, VIRTIO_VSOCK_OP_RST, got,
		   "reset of the connection");
out:
	chk_dev_close(&c);
}

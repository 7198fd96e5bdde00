/* SPDX-License-Identifier: MIT */
#include "virtqueue.h"

#include "platform.h"

const char *virtq_strerror(int err)
{
	switch (err) {
	case VQ_OK:
		return "ok";
	case VQ_E_INVAL:
		return "invalid argument";
	case VQ_E_NOSPACE:
		return "no free descriptors";
	case VQ_E_NOMEM:
		return "DMA arena exhausted";
	case VQ_E_TIMEDOUT:
		return "no used buffer within the timeout";
	case VQ_E_DEV_ID_RANGE:
		return "device returned a used id beyond the queue size";
	case VQ_E_DEV_ID_NOT_INFLIGHT:
		return "device returned a used id that is not an available buffer";
	case VQ_E_DEV_LEN:
		return "device reported a used len larger than the writable buffer";
	case VQ_E_DEV_USED_IDX:
		return "device advanced the used index beyond the buffers in flight";
	case VQ_E_DEV_DESC_WRITTEN:
		return "device modified a descriptor";
	case VQ_E_DEV_RO_WRITTEN:
		return "device wrote into a device-readable buffer";
	case VQ_E_DEV_ORDER:
		return "device used buffers out of order although IN_ORDER was negotiated";
	case VQ_E_DEV_WRAP:
		return "device marked a descriptor used with the wrong wrap counter";
	case VQ_E_DEV_FLAGS:
		return "device left a descriptor with invalid AVAIL/USED flags";
	default:
		return "unknown error";
	}
}

const char *virtq_error_id(int err)
{
	switch (err) {
	case VQ_OK:
		return "ok";
	case VQ_E_INVAL:
		return "invalid";
	case VQ_E_NOSPACE:
		return "no-space";
	case VQ_E_NOMEM:
		return "no-memory";
	case VQ_E_TIMEDOUT:
		return "timeout";
	case VQ_E_DEV_ID_RANGE:
		return "used-id-range";
	case VQ_E_DEV_ID_NOT_INFLIGHT:
		return "used-id-not-in-flight";
	case VQ_E_DEV_LEN:
		return "used-len";
	case VQ_E_DEV_USED_IDX:
		return "used-idx";
	case VQ_E_DEV_DESC_WRITTEN:
		return "desc-written";
	case VQ_E_DEV_RO_WRITTEN:
		return "readable-written";
	case VQ_E_DEV_ORDER:
		return "order";
	case VQ_E_DEV_WRAP:
		return "wrap";
	case VQ_E_DEV_FLAGS:
		return "flags";
	default:
		return "unknown";
	}
}

uint64_t virtq_hash_sg(const struct virtq_sg *sg, unsigned n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (unsigned i = 0; i < n; i++) {
		const volatile uint8_t *p;

		if (sg[i].write)
			continue;
		p = arch_dma_ptr(sg[i].addr);
		if (!p)
			continue;
		for (uint32_t k = 0; k < sg[i].len; k++) {
			h ^= p[k];
			h *= 0x100000001b3ull;
		}
	}
	return h;
}

int virtq_poll_bounded(int (*get_used)(void *vq, struct virtq_used_info *out), void *vq,
		       struct virtq_used_info *out, uint64_t timeout_ns)
{
	uint64_t start = arch_now_ns();

	for (;;) {
		int rc = get_used(vq, out);

		if (rc != 0)
			return rc;
		if (arch_now_ns() - start > timeout_ns)
			return VQ_E_TIMEDOUT;
		arch_delay_ns(VQ_POLL_DELAY_NS);
	}
}

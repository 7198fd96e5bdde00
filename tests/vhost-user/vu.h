/* SPDX-License-Identifier: MIT */
/*
 * pf-vhost-user-dev: a small vhost-user back-end (rng, blk, i2c or gpio) with seedable
 * faults, written from the VIRTIO 1.4 specification and QEMU's vhost-user
 * protocol description. It is a test instrument for the conformance kit: a
 * device the checks were not written against, that is conformant by default
 * and breaks one named spec statement on request (faults.c).
 *
 * Everything that comes from the front-end or the guest (message sizes,
 * ring addresses, descriptor addresses and lengths, indices) is validated;
 * a hostile driver gets its request ignored, never a crash of the back-end.
 */
#ifndef PF_VU_H
#define PF_VU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- VIRTIO (2.7, 2.8, 6) ------------------------------------------------- */

#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_RING_PACKED 34

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_DESC_F_AVAIL (1u << 7)
#define VIRTQ_DESC_F_USED (1u << 15)

#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

/* Packed ring event suppression flags (2.8.10). */
#define RING_EVENT_FLAGS_ENABLE 0
#define RING_EVENT_FLAGS_DISABLE 1
#define RING_EVENT_FLAGS_DESC 2

#define VU_MAX_QUEUE_SIZE 32768
#define VU_MAX_SEGS 1024 /* descriptors per request, direct + indirect */
#define VU_MAX_QUEUES 2

static inline bool has_feature(uint64_t f, unsigned bit)
{
	return (f >> bit) & 1;
}

/* ---- guest memory (memory.c) ---------------------------------------------- */

#define VU_MAX_REGIONS 8

struct vu_region {
	uint64_t gpa; /* guest physical address */
	uint64_t size;
	uint64_t uva;  /* the front-end's virtual address of the same bytes */
	uint8_t *host; /* our mapping of gpa */
	void *map;     /* what mmap returned (host - mmap_offset) */
	size_t map_len;
};

struct vu_mem {
	struct vu_region r[VU_MAX_REGIONS];
	unsigned n;
};

/* Host pointer to [gpa, gpa+len) if it lies in one region, else NULL. */
void *vu_gpa(const struct vu_mem *m, uint64_t gpa, uint64_t len);
/* The same for a front-end virtual address (ring addresses). */
void *vu_uva(const struct vu_mem *m, uint64_t uva, uint64_t len);
/* Replace the table; takes the fds (closes them). Returns 0 or -1. */
int vu_mem_set(struct vu_mem *m, const struct vu_region *in, unsigned n, const int *fds);
void vu_mem_clear(struct vu_mem *m);

/* ---- requests ---------------------------------------------------------------- */

struct vu_seg {
	uint8_t *p;
	uint32_t len;
	uint64_t gpa;
};

/* One popped request: its segments in chain order, split by direction. */
struct vu_req {
	uint16_t head;	/* split: head index; packed: Buffer ID */
	uint16_t ndesc; /* packed: ring slots the request occupies */
	struct vu_seg rd[VU_MAX_SEGS];
	unsigned nrd;
	struct vu_seg wr[VU_MAX_SEGS];
	unsigned nwr;
	uint64_t rd_len, wr_len;
	uint32_t *table_len; /* split: len field of the head descriptor (faults) */
	uint8_t *indirect;   /* an indirect table of this request, or NULL */
	uint32_t written;    /* bytes the device wrote from the first writable byte */
};

size_t vu_req_read(const struct vu_req *r, uint64_t off, void *dst, size_t len);
size_t vu_req_write(struct vu_req *r, uint64_t off, const void *src, size_t len);

/* ---- virtqueues (split.c, packed.c, vring.c) ------------------------------- */

struct vu_dev;

struct vu_vring {
	unsigned index;
	uint16_t num;
	uint64_t desc_uva, avail_uva, used_uva; /* packed: ring, driver, device area */
	int kick_fd, call_fd, err_fd;
	bool kick_set; /* SET_VRING_KICK seen: started */
	bool enabled;
	uint64_t features; /* negotiated when the ring started */
	/* split */
	uint16_t last_avail; /* next avail->ring index to take */
	uint16_t used_idx;   /* our used->idx */
	uint16_t signalled_used;
	bool signalled_valid;
	/* packed */
	uint16_t next_avail, next_used;
	bool avail_wrap, used_wrap;
	int prev_used_slot; /* faults: the last used descriptor written */
	/* the old ring of a stopped queue (fault old-ring-after-reset) */
	bool ghost;
	long ghost_from_ms, ghost_until_ms;
	uint64_t ghost_desc, ghost_avail, ghost_used;
	uint16_t ghost_num, ghost_last_avail, ghost_used_idx;
};

/* Process what the driver made available; returns requests completed. */
int vu_split_process(struct vu_dev *d, struct vu_vring *vq);
int vu_packed_process(struct vu_dev *d, struct vu_vring *vq);
/* Start state of a packed ring from SET_VRING_BASE's num. */
void vu_packed_set_base(struct vu_vring *vq, uint32_t num);
uint32_t vu_packed_get_base(const struct vu_vring *vq);
void vu_split_ghost_poll(struct vu_dev *d, struct vu_vring *vq);
void vu_notify(struct vu_dev *d, struct vu_vring *vq);
/* used len for a handled request, after the len faults and controls */
uint32_t vu_used_len(const struct vu_dev *d, const struct vu_req *r);

/* Shared by both ring formats (vring.c). A new request with `head` (split:
 * head index; packed: Buffer ID, until its last descriptor is seen). */
void vu_req_begin(struct vu_req *r, uint16_t head);
/*
 * One descriptor of r's chain: its buffer becomes a segment (0), or, if it
 * is indirect (unless the fault ignores that), its table is mapped into
 * *table and r->indirect and the entry count returned for the ring format
 * to walk; -1: malformed (an indirect table inside one when `nested`).
 */
int vu_req_desc(struct vu_dev *d, struct vu_req *r, uint64_t addr, uint32_t len, uint16_t flags,
		bool nested, void **table);
/* Takes the next request of `ring` into r: 1, 0 when none is available,
 * -1 for a malformed one (skipped). */
typedef int vu_pop_fn(struct vu_dev *d, struct vu_vring *vq, void *ring, struct vu_req *r);
/* Pops and runs up to `max` requests through the device (with the faults
 * that write where it must not); returns how many are to be used. */
unsigned vu_take(struct vu_dev *d, struct vu_vring *vq, void *ring, vu_pop_fn *pop,
		 struct vu_req *reqs, unsigned max);

/* ---- faults (faults.c) -------------------------------------------------------- */

enum vu_fault {
	F_USED_LEN_OVER,
	F_USED_ID_BOGUS,
	F_WRITE_READABLE,
	F_WRITE_DESC_TABLE,
	F_WRITE_PAST_END,
	F_USED_IDX_SKIP,
	F_NO_USED_NOTIFY,
	F_NOTIFY_DESPITE_NO_INTERRUPT,
	F_EVENT_IDX_USES_FLAGS,
	F_USED_EVENT_WITHOUT_EVENT_IDX,
	F_USED_FLAGS_BAD,
	F_INDIRECT_IGNORED,
	F_OLD_RING_AFTER_RESET,
	F_PACKED_USED_FLAGS_BAD,
	F_PACKED_AVAIL_FLIP_IGNORED,
	F_PACKED_REWRITE_USED,
	/* device suites: one device type's rules */
	F_RNG_NO_ENTROPY,
	F_BLK_ZONE_ACCEPTED,
	F_BLK_RO_WRITE_ACCEPTED,
	F_BLK_DISCARD_UNMAP_ACCEPTED,
	F_BLK_UNKNOWN_FLAGS_IGNORED,
	F_BLK_WRITE_ZEROES_NOOP,
	F_BLK_WRITEBACK_WITHOUT_FLUSH,
	F_BLK_CONFIG_PADDING,
	/* conformant controls: MAY behaviours that must not be flagged */
	C_RNG_SHORT_WRITE,
	C_LEN_UNDER,
	C_OUT_OF_ORDER,
	C_BATCH,
	C_AVAIL_EVENT_STALE,
	F_I2C_NO_ZERO_LENGTH,
	F_I2C_ABSENT_WRITE_OK,
	F_I2C_HDR_CHANGED,
	F_I2C_WRITES_REORDERED,
	F_GPIO_CONFIG_PADDING,
	F_GPIO_NAMES_UNTERMINATED,
	F_GPIO_VALUE_UNSET,
	F_COUNT
};
_Static_assert(F_COUNT <= 64, "a fault set is a 64-bit mask");

struct vu_fault_info {
	const char *name;
	bool control;
	const char *device;    /* rng, blk or any */
	const char *ring;      /* split, packed or any */
	const char *statement; /* id in profiles/spec/virtio-1.4-normative.yaml */
	const char *checks;    /* checks expected to fail (controls: "") */
	const char *missed_in; /* configurations where the kit misses it today */
	const char *comment;
};

extern const struct vu_fault_info vu_faults[F_COUNT];

/* Parse "a,b,c" into a bit set; returns 0 or -1 (unknown name in *bad). */
int vu_faults_parse(const char *list, uint64_t *set, const char **bad);
void vu_faults_print(void);

/* ---- the device (main.c, blk.c, rng.c) ------------------------------------ */

enum vu_type {
	VU_RNG,
	VU_BLK,
	VU_I2C,
	VU_GPIO
};

#define VIRTIO_GPIO_F_IRQ 0
#define VU_GPIO_LINES 8

#define VIRTIO_I2C_F_ZERO_LENGTH_REQUEST 0
#define VU_I2C_PENDING 16

struct vu_dev {
	enum vu_type type;
	uint64_t faults;
	uint64_t rng_state;
	uint8_t *disk;
	uint64_t disk_size;
	/* i2c: the target's registers (i2c.c) */
	uint8_t i2c_mem[256];
	uint8_t i2c_ptr;
	bool i2c_fail_next;
	struct {
		uint8_t reg, val;
	} i2c_pend[VU_I2C_PENDING];
	unsigned i2c_npend;
	/* gpio: the lines (gpio.c) */
	uint8_t gpio_dir[VU_GPIO_LINES], gpio_val[VU_GPIO_LINES], gpio_irq[VU_GPIO_LINES];
	bool gpio_release; /* the eventq returns what it holds */
	struct vu_mem mem;
	struct vu_vring vq[VU_MAX_QUEUES];
	unsigned nvq;
	uint64_t features;	    /* SET_FEATURES */
	uint64_t protocol_features; /* SET_PROTOCOL_FEATURES */
	int sock;
};

static inline bool fault(const struct vu_dev *d, enum vu_fault f)
{
	return (d->faults >> f) & 1;
}

uint64_t vu_device_features(const struct vu_dev *d);
uint64_t vu_blk_features(const struct vu_dev *d);
/* Handle one request: fills r->written. Returns 0, or -1 to drop it. */
int vu_blk_handle(struct vu_dev *d, struct vu_req *r);
int vu_rng_handle(struct vu_dev *d, struct vu_req *r);
int vu_i2c_handle(struct vu_dev *d, struct vu_req *r);
uint64_t vu_i2c_features(const struct vu_dev *d);
int vu_gpio_handle(struct vu_dev *d, unsigned queue, struct vu_req *r);
uint64_t vu_gpio_features(const struct vu_dev *d);
size_t vu_gpio_config(const struct vu_dev *d, uint8_t *buf, size_t len);
/* Whether the eventq keeps its buffers for now; vu_gpio_released() after
 * it handed them back. */
bool vu_gpio_holds(const struct vu_dev *d, unsigned queue);
void vu_gpio_released(struct vu_dev *d, unsigned queue);
/* virtio_blk_config bytes for GET_CONFIG. */
size_t vu_blk_config(const struct vu_dev *d, uint8_t *buf, size_t len);

/* The front-end connection (protocol.c): returns 0 on a handled message,
 * 1 when the front-end went away, -1 on a protocol error. */
int vu_handle_message(struct vu_dev *d);
void vu_rings_init(struct vu_dev *d, bool first);

long vu_now_ms(void);
void vu_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

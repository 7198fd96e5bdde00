/* SPDX-License-Identifier: MIT */
/*
 * Virtio over MMIO (VIRTIO 1.4, 4.2), Version 2 and legacy Version 1.
 *
 * Control registers are only ever accessed 32 bits wide and aligned (the
 * driver MUST, 4.2.2.2); the device-specific configuration at 0x100 with the
 * width of the field (8, 16 or 32 bits). Every register access goes through
 * io.h, so the same code drives real MMIO and the host tests' model.
 */
#include "virtio_mmio.h"

#include <string.h>

#include "io.h"
#include "virtio_util.h"

static inline uint32_t rd(struct virtio_dev *d, uint32_t off)
{
	return io_read32(&d->regs, off);
}

static inline void wr(struct virtio_dev *d, uint32_t off, uint32_t v)
{
	io_write32(&d->regs, off, v);
}

static struct virtio_mmio_priv *priv(struct virtio_dev *d)
{
	return d->priv;
}

/* ---- operations common to both versions ---- */

static uint8_t mmio_get_status(struct virtio_dev *d)
{
	return (uint8_t)rd(d, VIRTIO_MMIO_STATUS);
}

static void mmio_set_status(struct virtio_dev *d, uint8_t status)
{
	wr(d, VIRTIO_MMIO_STATUS, status);
}

static uint32_t mmio_get_features_window(struct virtio_dev *d, uint32_t sel)
{
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, sel);
	return rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
}

static void mmio_set_driver_features_window(struct virtio_dev *d, uint32_t sel, uint32_t val)
{
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, sel);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, val);
}

/* Natural alignment and inside the window: a wrong request reads as 0. */
static bool config_ok(struct virtio_dev *d, uint32_t off, unsigned width)
{
	uint64_t room;

	if (width != 1 && width != 2 && width != 4)
		return false;
	if (off & (width - 1))
		return false;
	if (d->regs.size <= VIRTIO_MMIO_CONFIG)
		return false;
	room = d->regs.size - VIRTIO_MMIO_CONFIG;
	return (uint64_t)off + width <= room;
}

static uint32_t mmio_config_read(struct virtio_dev *d, uint32_t off, unsigned width)
{
	uint64_t a = (uint64_t)VIRTIO_MMIO_CONFIG + off;

	if (!config_ok(d, off, width))
		return 0;
	return io_read(&d->regs, a, width);
}

static void mmio_config_write(struct virtio_dev *d, uint32_t off, uint32_t val, unsigned width)
{
	uint64_t a = (uint64_t)VIRTIO_MMIO_CONFIG + off;

	if (!config_ok(d, off, width))
		return;
	io_write(&d->regs, a, val, width);
}

/* Neither ring format allows more than 2^15 entries (2.7, 2.8). */
static uint16_t clamp_qmax(uint32_t v)
{
	return v > 32768u ? 32768u : (uint16_t)v;
}

static uint16_t mmio_queue_max_size(struct virtio_dev *d, uint16_t q)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	return clamp_qmax(rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX));
}

static void mmio_queue_notify(struct virtio_dev *d, uint16_t q, uint32_t data)
{
	/* Without VIRTIO_F_NOTIFICATION_DATA the caller passes q itself. */
	(void)q;
	wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, data);
}

static uint32_t mmio_isr_read(struct virtio_dev *d)
{
	return rd(d, VIRTIO_MMIO_INTERRUPT_STATUS);
}

static void mmio_isr_ack(struct virtio_dev *d, uint32_t bits)
{
	wr(d, VIRTIO_MMIO_INTERRUPT_ACK, bits);
}

/* ---- Version 2 ---- */

static int mmio2_config_generation(struct virtio_dev *d)
{
	return (int)(rd(d, VIRTIO_MMIO_CONFIG_GENERATION) & 0x7fffffffu);
}

static int mmio2_queue_setup(struct virtio_dev *d, uint16_t q, uint16_t size, uint64_t desc,
			     uint64_t driver, uint64_t device)
{
	if (size == 0)
		return PF_EINVAL;
	wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	wr(d, VIRTIO_MMIO_QUEUE_NUM, size);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)driver);
	wr(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(driver >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)device);
	wr(d, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(device >> 32));
	return 0;
}

static bool mmio2_queue_ready(struct virtio_dev *d, uint16_t q)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	return (rd(d, VIRTIO_MMIO_QUEUE_READY) & 1u) != 0;
}

static void mmio2_queue_enable(struct virtio_dev *d, uint16_t q)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
}

static void mmio2_queue_reset_start(struct virtio_dev *d, uint16_t q)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	wr(d, VIRTIO_MMIO_QUEUE_RESET, 1);
}

static int mmio2_queue_reset_state(struct virtio_dev *d, uint16_t q)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	return (int)(rd(d, VIRTIO_MMIO_QUEUE_RESET) & 1u);
}

const struct virtio_transport_ops virtio_mmio_ops_v2 = {
	.get_status = mmio_get_status,
	.set_status = mmio_set_status,
	.get_features_window = mmio_get_features_window,
	.set_driver_features_window = mmio_set_driver_features_window,
	.get_driver_features_window = 0, /* DriverFeatures is write-only */
	.config_read = mmio_config_read,
	.config_write = mmio_config_write,
	.config_generation = mmio2_config_generation,
	.queue_max_size = mmio_queue_max_size,
	.queue_setup = mmio2_queue_setup,
	.queue_ready = mmio2_queue_ready,
	.queue_enable = mmio2_queue_enable,
	.queue_notify = mmio_queue_notify,
	.queue_reset_start = mmio2_queue_reset_start,
	.queue_reset_state = mmio2_queue_reset_state,
	.isr_read = mmio_isr_read,
	.isr_ack = mmio_isr_ack,
	.release = 0,
};

/* ---- legacy Version 1 (4.2.4) ---- */

static int mmio1_config_generation(struct virtio_dev *d)
{
	(void)d;
	return PF_ENOTSUP; /* no ConfigGeneration register */
}

/*
 * The legacy interface has one address, QueuePFN, for the whole ring: the
 * descriptor table at the page, the available ring right after it, the used
 * ring at the next QueueAlign boundary (2.7.2 legacy interface). Anything
 * else cannot be expressed, so it is refused rather than silently moved.
 */
static int mmio1_queue_setup(struct virtio_dev *d, uint16_t q, uint16_t size, uint64_t desc,
			     uint64_t driver, uint64_t device)
{
	const uint64_t align = VIRTIO_MMIO_LEGACY_ALIGN;
	uint64_t avail_end, used;

	if (size == 0 || q >= VIRTIO_MAX_QUEUES || !d->priv)
		return PF_EINVAL;
	if (desc % VIRTIO_MMIO_LEGACY_PAGE || desc / VIRTIO_MMIO_LEGACY_PAGE > 0xffffffffull)
		return PF_EINVAL;
	if (driver != desc + 16ull * size)
		return PF_EINVAL;
	avail_end = driver + 6ull + 2ull * size; /* flags, idx, ring[N], used_event */
	used = (avail_end + align - 1) & ~(align - 1);
	if (device != used)
		return PF_EINVAL;
	wr(d, VIRTIO_MMIO_GUEST_PAGE_SIZE, VIRTIO_MMIO_LEGACY_PAGE);
	wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	wr(d, VIRTIO_MMIO_QUEUE_NUM, size);
	wr(d, VIRTIO_MMIO_QUEUE_ALIGN, (uint32_t)align);
	priv(d)->legacy_pfn[q] = (uint32_t)(desc / VIRTIO_MMIO_LEGACY_PAGE);
	return 0;
}

static bool mmio1_queue_ready(struct virtio_dev *d, uint16_t q)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	return rd(d, VIRTIO_MMIO_QUEUE_PFN) != 0;
}

/* Writing QueuePFN is what activates a legacy queue. */
static void mmio1_queue_enable(struct virtio_dev *d, uint16_t q)
{
	if (q >= VIRTIO_MAX_QUEUES || !d->priv || !priv(d)->legacy_pfn[q])
		return;
	wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	wr(d, VIRTIO_MMIO_QUEUE_PFN, priv(d)->legacy_pfn[q]);
}

const struct virtio_transport_ops virtio_mmio_ops_v1 = {
	.get_status = mmio_get_status,
	.set_status = mmio_set_status,
	.get_features_window = mmio_get_features_window,
	.set_driver_features_window = mmio_set_driver_features_window,
	.get_driver_features_window = 0,
	.config_read = mmio_config_read,
	.config_write = mmio_config_write,
	.config_generation = mmio1_config_generation,
	.queue_max_size = mmio_queue_max_size,
	.queue_setup = mmio1_queue_setup,
	.queue_ready = mmio1_queue_ready,
	.queue_enable = mmio1_queue_enable,
	.queue_notify = mmio_queue_notify,
	.queue_reset_start = 0, /* no QueueReset in Version 1 */
	.queue_reset_state = 0,
	.isr_read = mmio_isr_read,
	.isr_ack = mmio_isr_ack,
	.release = 0,
};

/* ---- discovery of one window ---- */

enum virtio_mmio_probe_result virtio_mmio_probe(struct virtio_dev *d, struct virtio_mmio_priv *pv,
						const struct pf_region *regs, uint64_t address,
						uint32_t irq, uint32_t *raw_magic,
						uint32_t *raw_version)
{
	uint32_t magic, version, device_id;
	size_t n;

	if (raw_magic)
		*raw_magic = 0;
	if (raw_version)
		*raw_version = 0;
	if (regs->size < VIRTIO_MMIO_MIN_SIZE)
		return VIRTIO_MMIO_TOO_SMALL;
	magic = io_read32(regs, VIRTIO_MMIO_MAGIC_VALUE);
	if (raw_magic)
		*raw_magic = magic;
	if (magic != VIRTIO_MMIO_MAGIC)
		return VIRTIO_MMIO_BAD_MAGIC;
	version = io_read32(regs, VIRTIO_MMIO_VERSION);
	if (raw_version)
		*raw_version = version;
	if (version != 1 && version != 2)
		return VIRTIO_MMIO_BAD_VERSION;
	device_id = io_read32(regs, VIRTIO_MMIO_DEVICE_ID);
	if (device_id == 0)
		return VIRTIO_MMIO_EMPTY;

	memset(d, 0, sizeof(*d));
	memset(pv, 0, sizeof(*pv));
	n = virtio_fmt_str(d->name, sizeof(d->name), 0, "mmio@");
	virtio_fmt_hex(d->name, sizeof(d->name), n, address, 8);
	d->transport = VIRTIO_TRANSPORT_MMIO;
	d->mode = version == 1 ? VIRTIO_MODE_LEGACY : VIRTIO_MODE_MODERN;
	d->address = address;
	d->device_id = device_id;
	d->vendor_id = io_read32(regs, VIRTIO_MMIO_VENDOR_ID);
	d->version = version;
	d->irq = irq;
	d->ops = version == 1 ? &virtio_mmio_ops_v1 : &virtio_mmio_ops_v2;
	d->regs = *regs;
	d->priv = pv;
	d->features = virtio_read_device_features(d);
	for (uint16_t q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		uint32_t raw;

		wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
		raw = rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
		if (raw == 0)
			break;
		pv->raw_queue_max[q] = raw;
		d->queue_max[q] = clamp_qmax(raw);
		d->num_queues = (uint16_t)(q + 1);
	}
	return VIRTIO_MMIO_OK;
}

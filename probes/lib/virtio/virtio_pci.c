/* SPDX-License-Identifier: MIT */
/*
 * Virtio over PCI (VIRTIO 1.4, 4.1): capability discovery and the modern
 * transport over common_cfg. 64-bit fields are written as two 32-bit halves
 * (4.1.3.1: the driver accesses 64-bit fields as two 32-bit accesses).
 */
#include "virtio_pci.h"

static struct virtio_pci_priv *pp(struct virtio_dev *d)
{
	return d->priv;
}

/* ---- transport ops ---- */

static uint8_t pci_get_status(struct virtio_dev *d)
{
	return io_read8(&pp(d)->common, VIRTIO_PCI_COMMON_STATUS);
}

static void pci_set_status(struct virtio_dev *d, uint8_t status)
{
	io_write8(&pp(d)->common, VIRTIO_PCI_COMMON_STATUS, status);
}

static uint32_t pci_get_features_window(struct virtio_dev *d, uint32_t sel)
{
	io_write32(&pp(d)->common, VIRTIO_PCI_COMMON_DFSELECT, sel);
	return io_read32(&pp(d)->common, VIRTIO_PCI_COMMON_DF);
}

static void pci_set_driver_features_window(struct virtio_dev *d, uint32_t sel, uint32_t val)
{
	if (sel < 2)
		pp(d)->driver_features[sel] = val;
	io_write32(&pp(d)->common, VIRTIO_PCI_COMMON_GFSELECT, sel);
	io_write32(&pp(d)->common, VIRTIO_PCI_COMMON_GF, val);
}

static uint32_t pci_get_driver_features_window(struct virtio_dev *d, uint32_t sel)
{
	io_write32(&pp(d)->common, VIRTIO_PCI_COMMON_GFSELECT, sel);
	return io_read32(&pp(d)->common, VIRTIO_PCI_COMMON_GF);
}

static bool cfg_ok(const struct pf_region *r, uint32_t off, unsigned width)
{
	if (width != 1 && width != 2 && width != 4)
		return false;
	return !(off & (width - 1)) && (uint64_t)off + width <= r->size;
}

static uint32_t pci_config_read(struct virtio_dev *d, uint32_t off, unsigned width)
{
	const struct pf_region *r = &pp(d)->device;

	if (!cfg_ok(r, off, width))
		return 0;
	return io_read(r, off, width);
}

static void pci_config_write(struct virtio_dev *d, uint32_t off, uint32_t val, unsigned width)
{
	const struct pf_region *r = &pp(d)->device;

	if (!cfg_ok(r, off, width))
		return;
	io_write(r, off, val, width);
}

static int pci_config_generation(struct virtio_dev *d)
{
	return io_read8(&pp(d)->common, VIRTIO_PCI_COMMON_CFGGENERATION);
}

static void select_queue(struct virtio_dev *d, uint16_t q)
{
	io_write16(&pp(d)->common, VIRTIO_PCI_COMMON_Q_SELECT, q);
}

/* queue_size reads the maximum until the driver writes a smaller size, and
 * again after a reset. */
static uint16_t pci_queue_max_size(struct virtio_dev *d, uint16_t q)
{
	uint16_t v;

	select_queue(d, q);
	v = io_read16(&pp(d)->common, VIRTIO_PCI_COMMON_Q_SIZE);
	return v > 32768u ? 32768u : v;
}

static void write64(struct virtio_dev *d, uint32_t off, uint64_t v)
{
	io_write32(&pp(d)->common, off, (uint32_t)v);
	io_write32(&pp(d)->common, off + 4, (uint32_t)(v >> 32));
}

static int pci_queue_setup(struct virtio_dev *d, uint16_t q, uint16_t size, uint64_t desc,
			   uint64_t driver, uint64_t device)
{
	struct virtio_pci_priv *pv = pp(d);

	if (size == 0)
		return PF_EINVAL;
	select_queue(d, q);
	io_write16(&pv->common, VIRTIO_PCI_COMMON_Q_SIZE, size);
	write64(d, VIRTIO_PCI_COMMON_Q_DESCLO, desc);
	write64(d, VIRTIO_PCI_COMMON_Q_AVAILLO, driver);
	write64(d, VIRTIO_PCI_COMMON_Q_USEDLO, device);
	if (q < VIRTIO_MAX_QUEUES)
		pv->queue_notify_off[q] = io_read16(&pv->common, VIRTIO_PCI_COMMON_Q_NOFF);
	return 0;
}

static bool pci_queue_ready(struct virtio_dev *d, uint16_t q)
{
	select_queue(d, q);
	return (io_read16(&pp(d)->common, VIRTIO_PCI_COMMON_Q_ENABLE) & 1u) != 0;
}

/* The driver never writes 0 to queue_enable (4.1.4.3.2). */
static void pci_queue_enable(struct virtio_dev *d, uint16_t q)
{
	select_queue(d, q);
	io_write16(&pp(d)->common, VIRTIO_PCI_COMMON_Q_ENABLE, 1);
}

/*
 * The doorbell of queue q sits at cap.offset + queue_notify_off *
 * notify_off_multiplier (4.1.4.4); 16-bit vq index, or 32-bit data with
 * VIRTIO_F_NOTIFICATION_DATA. A doorbell outside the capability is not
 * written (the device broke 4.1.4.4.1; checks test that separately).
 */
static void pci_queue_notify(struct virtio_dev *d, uint16_t q, uint32_t data)
{
	struct virtio_pci_priv *pv = pp(d);
	bool wide = pv->driver_features[1] & (1u << (VIRTIO_F_NOTIFICATION_DATA - 32));
	uint64_t noff, at;

	if (q < VIRTIO_MAX_QUEUES) {
		noff = pv->queue_notify_off[q];
	} else {
		select_queue(d, q);
		noff = io_read16(&pv->common, VIRTIO_PCI_COMMON_Q_NOFF);
	}
	at = noff * pv->notify_off_multiplier;
	if (wide)
		io_write32(&pv->notify, at, data);
	else
		io_write16(&pv->notify, at, (uint16_t)data);
}

static void pci_queue_reset_start(struct virtio_dev *d, uint16_t q)
{
	select_queue(d, q);
	io_write16(&pp(d)->common, VIRTIO_PCI_COMMON_Q_RESET, 1);
}

static int pci_queue_reset_state(struct virtio_dev *d, uint16_t q)
{
	select_queue(d, q);
	return io_read16(&pp(d)->common, VIRTIO_PCI_COMMON_Q_RESET) & 1;
}

/* Reading the ISR clears it (4.1.4.5). */
static uint32_t pci_isr_read(struct virtio_dev *d)
{
	return io_read8(&pp(d)->isr, 0);
}

static void pci_isr_ack(struct virtio_dev *d, uint32_t bits)
{
	(void)d;
	(void)bits; /* nothing to do: the read acknowledged */
}

const struct virtio_transport_ops virtio_pci_modern_ops = {
	.get_status = pci_get_status,
	.set_status = pci_set_status,
	.get_features_window = pci_get_features_window,
	.set_driver_features_window = pci_set_driver_features_window,
	.get_driver_features_window = pci_get_driver_features_window,
	.config_read = pci_config_read,
	.config_write = pci_config_write,
	.config_generation = pci_config_generation,
	.queue_max_size = pci_queue_max_size,
	.queue_setup = pci_queue_setup,
	.queue_ready = pci_queue_ready,
	.queue_enable = pci_queue_enable,
	.queue_notify = pci_queue_notify,
	.queue_reset_start = pci_queue_reset_start,
	.queue_reset_state = pci_queue_reset_state,
	.isr_read = pci_isr_read,
	.isr_ack = pci_isr_ack,
	.release = 0,
};

/* SPDX-License-Identifier: MIT */
#include "unit_helpers.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "host_platform.h"
#include "platform.h"
#include "record.h"
#include "suite.h"
#include "sim_world.h"
#include "virtio/discover.h"

int ut_setup(void **state)
{
	(void)state;
	host_dma_reset();
	host_console_clear();
	host_set_delay_hook(0, 0);
	rec_set_sink(0, 0);
	return 0;
}

int ut_mmio_open(struct ut_dev *u, enum sim_transport t, uint32_t device_id, uint64_t features,
		 uint16_t queues, uint16_t qmax)
{
	memset(u, 0, sizeof(*u));
	sim_init(&u->sim, t, device_id, features, queues, qmax);
	return (int)virtio_mmio_probe(&u->dev, &u->priv, &u->sim.mmio, 0x0a000000, 48, 0, 0);
}

int ut_mmio_open_faulty(struct ut_dev *u, enum sim_transport t, uint32_t device_id,
			uint64_t features, uint16_t queues, uint16_t qmax, uint64_t faults)
{
	memset(u, 0, sizeof(*u));
	sim_init(&u->sim, t, device_id, features, queues, qmax);
	u->sim.faults = faults;
	return (int)virtio_mmio_probe(&u->dev, &u->priv, &u->sim.mmio, 0x0a000000, 48, 0, 0);
}

int ut_negotiate(struct ut_dev *u, uint64_t features)
{
	return virtio_negotiate(&u->dev, features);
}

void ut_driver_ok(struct ut_dev *u)
{
	virtio_add_status(&u->dev, VIRTIO_STATUS_DRIVER_OK);
}

void *ut_buf(uint32_t len, uint8_t fill)
{
	void *p = arch_dma_alloc(len ? len : 1, 16);

	if (p)
		memset(p, fill, len);
	return p;
}

int ut_count_records(const char *type)
{
	char needle[64];
	const char *p = host_console();
	int n = 0;

	snprintf(needle, sizeof(needle), "{\"t\":\"%s\"", type);
	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p++;
	}
	return n;
}

const char *ut_result_sub(void)
{
	static char sub[64];
	const char *p = host_console(), *last = NULL, *end, *s;
	size_t n;

	while ((p = strstr(p, "{\"t\":\"result\"")) != NULL)
		last = p++;
	sub[0] = 0;
	if (!last)
		return sub;
	end = strchr(last, '\n');
	s = strstr(last, "\"sub\":\"");
	if (!s || (end && s > end))
		return sub;
	s += 7;
	n = strcspn(s, "\"");
	if (n >= sizeof(sub))
		n = sizeof(sub) - 1;
	memcpy(sub, s, n);
	sub[n] = 0;
	return sub;
}

bool ut_result_sub_is(const char *case_name, const char *glob)
{
	const char *sub = ut_result_sub();

	if (!fnmatch(glob, sub, 0))
		return true;
	fprintf(stderr, "%s: failure fingerprint \"%s\", expected \"%s\"\n", case_name, sub, glob);
	return false;
}

static void progress(void *ctx)
{
	struct sim_dev *s = ctx;

	for (uint16_t q = 0; q < SIM_MAX_QUEUES; q++)
		sim_process(s, q);
}

void ut_auto_progress(struct ut_dev *u)
{
	host_set_delay_hook(progress, &u->sim);
}

struct virtio_dev *ut_pci_open(struct ut_dev *u, uint32_t device_id, uint64_t features,
			       uint64_t faults, uint8_t initial_status)
{
	static struct sim_world w;
	static char fdt[16384];
	static struct virtio_dev *devs[VIRTIO_DISCOVER_MAX];
	int n;

	memset(u, 0, sizeof(*u));
	sim_world_init(&w);
	virtio_discover_set_mapper(sim_world_map, &w);
	sim_init(&u->sim, SIM_PCI, device_id, features, 2, 256);
	u->sim.faults = faults;
	sim_pci_attach(&u->sim); /* attach-time faults (SIM_F_PCI_*) shape config space */
	u->sim.status = initial_status;
	w.ecam.dev[1] = &u->sim;
	w.pci = true;
	n = sim_world_fdt(&w, fdt, sizeof(fdt)) == 0
		    ? virtio_discover(fdt, devs, VIRTIO_DISCOVER_MAX)
		    : 0;
	virtio_discover_set_mapper(0, 0);
	return n == 1 ? devs[0] : NULL;
}

enum pf_verdict ut_run_check(enum pf_check_id id, struct virtio_dev *d)
{
	struct pf_options opt;

	memset(&opt, 0, sizeof(opt));
	opt.verbose = 1;
	return pf_run_check(id, d, &opt, 0);
}

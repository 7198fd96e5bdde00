/* SPDX-License-Identifier: MIT */
/*
 * The Virtio over PCI interrupt checks (pci.irq.intx, pci.irq.msix-mapping,
 * pci.irq.msix-delivery in common/include/pf/checks_irq.def) pass on the
 * clean simulated PCI function and fail on the fault meant for them.
 *
 * The function is reached through discovery (ECAM, BAR assignment,
 * capability walk), as in test_checks_pci.c, with an MSI-X capability
 * (sim_pci_add_msix()). Interrupts go through the host model of the
 * interrupt controller (host_intr.c): the host bridge's interrupt-map
 * answer for the function's INTx pin is host_intr_map(), and while the
 * driver waits (the delay hook) the function delivers what it owes:
 * MSI-X messages to the doorbells msix.c programmed, or its INTx line.
 * Faults are sim_dev.faults bits and the PCI faults of sim_pci_faults.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host_platform.h"
#include "intr.h"
#include "pf/catalogue.h"
#include "report.h"
#include "sim_pci_faults.h"
#include "sim_world.h"
#include "suite.h"
#include "unit_helpers.h"
#include "ut_table.h"
#include "virtio/discover.h"
#include "virtio/virtio_pci.h"

#define V1 VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define RNG 4	      /* a peer-free workload (probes/checks/ring.h) */
#define QUEUES 3      /* Table Size 4: three queues and configuration */
#define SLOT 1	      /* the function is 00:01.0 */
#define INTX_INTID 37 /* what the interrupt-map gives its INTA# */
#define CFG_ADDR (SIM_WORLD_ECAM_BASE + ((uint64_t)SLOT << 15))

/* What the machine around the function looks like. */
enum env {
	E_FULL,	    /* interrupt controller with MSI, INTx routed, MSI-X capability */
	E_NO_MSIX,  /* the function has no MSI-X capability */
	E_NO_INTC,  /* no interrupt controller the probe drives */
	E_NO_ROUTE, /* the interrupt-map has no entry for the function */
};

struct irq_case {
	const char *name;
	enum pf_check_id check;
	uint32_t sim_faults; /* SIM_F_* */
	uint32_t pci_faults; /* SIM_PCI_F_* */
	enum env env;
	enum pf_verdict expect;
	const char *why; /* in what the check reported (not a PASS) */
	const char *sub; /* fingerprint glob of the failure (not a PASS) */
};

#define PASS PF_VERDICT_PASS
#define FAIL PF_VERDICT_FAIL
#define SKIP PF_VERDICT_SKIP
#define NA PF_VERDICT_NA
#define ERR PF_VERDICT_ERROR
#define INTX PF_CHK_IRQ_PCI_INTX
#define MAP PF_CHK_IRQ_MSIX_MAPPING
#define DLV PF_CHK_IRQ_MSIX_DELIVERY

static const struct irq_case cases[] = {
	{ "intx clean", INTX, 0, 0, E_FULL, PASS, 0, NULL },
	{ "intx clean without MSI-X", INTX, 0, 0, E_NO_MSIX, PASS, 0, NULL },
	{ "intx: no interrupt controller", INTX, 0, 0, E_NO_INTC, SKIP, "no interrupt controller",
	  NULL },
	{ "intx: pin not in the interrupt-map", INTX, 0, 0, E_NO_ROUTE, ERR,
	  "not resolved through the host bridge's interrupt-map", NULL },
	{ "intx: line never raised", INTX, 0, SIM_PCI_F_INTX_NONE, E_FULL, FAIL,
	  "no INTx on INTID 37", "no-intx" },
	{ "intx: no used-buffer interrupt", INTX, SIM_F_NO_IRQ, 0, E_FULL, FAIL,
	  "no INTx on INTID 37", "no-intx" },
	{ "intx: ISR not cleared by reading", INTX, SIM_F_ISR_NO_CLEAR, 0, E_FULL, FAIL,
	  "reading did not clear it", "isr-read-clears" },
	{ "intx: Interrupt Status stuck at 0", INTX, 0, SIM_PCI_F_INT_STATUS_STUCK0, E_FULL, FAIL,
	  "Status.Interrupt Status reads 0 while the ISR status is 0x01", "pci-status-interrupt" },
	{ "msix mapping clean", MAP, 0, 0, E_FULL, PASS, 0, NULL },
	{ "msix mapping clean without a controller", MAP, 0, 0, E_NO_INTC, PASS, 0, NULL },
	{ "msix mapping: no MSI-X capability", MAP, 0, 0, E_NO_MSIX, NA, "no MSI-X capability",
	  NULL },
	{ "msix mapping: vector not read back", MAP, 0, SIM_PCI_F_MSIX_NO_READBACK, E_FULL, FAIL,
	  "config_msix_vector reads 0xffff after writing vector 0", "config-vector-write" },
	{ "msix mapping: vector beyond the table kept", MAP, 0, SIM_PCI_F_MSIX_ACCEPT_RANGE, E_FULL,
	  FAIL, "reads 0x0004 after writing vector 4 beyond the 4-entry table",
	  "config-vector-beyond" },
	{ "msix mapping: reset keeps vectors", MAP, 0, SIM_PCI_F_MSIX_RESET_KEEPS, E_FULL, FAIL,
	  "config_msix_vector reads 0x0000 after a device reset", "config-vector" },
	{ "msix delivery clean", DLV, 0, 0, E_FULL, PASS, 0, NULL },
	{ "msix delivery: no interrupt controller", DLV, 0, 0, E_NO_INTC, SKIP,
	  "no interrupt controller", NULL },
	{ "msix delivery: no MSI-X capability", DLV, 0, 0, E_NO_MSIX, NA, "no MSI-X capability",
	  NULL },
	{ "msix delivery: wrong vector", DLV, 0, SIM_PCI_F_MSIX_WRONG_VECTOR, E_FULL, FAIL,
	  "the queue mapped to vector 0 raised vector 1 too", "mapped/no-interrupt" },
	{ "msix delivery: sent on NO_VECTOR", DLV, 0, SIM_PCI_F_MSIX_IGNORE_NO_VECTOR, E_FULL, FAIL,
	  "queue_msix_vector is NO_VECTOR, yet a used buffer raised vector 0",
	  "unmapped/no-vector-raised" },
	{ "msix delivery: vector not read back", DLV, 0, SIM_PCI_F_MSIX_NO_READBACK, E_FULL, FAIL,
	  "queue_msix_vector reads 0xffff after writing 0x0000", "mapped/queue-vector-write" },
	{ "msix delivery: no used-buffer interrupt", DLV, SIM_F_NO_IRQ, 0, E_FULL, FAIL,
	  "no interrupt on MSI-X vector 0", "mapped/no-interrupt" },
};

static struct sim_dev S;
static struct sim_world W;
static char fdt[16384];
static struct virtio_dev *devs[VIRTIO_DISCOVER_MAX];

/* While the driver waits, the device works and interrupts. */
static void service_hook(void *ctx)
{
	sim_pci_service(ctx);
}

/* Discovery of the simulated function at 00:01.0 and its interrupt wiring. */
static struct virtio_dev *open_pci(const struct irq_case *c)
{
	sim_world_init(&W);
	virtio_discover_set_mapper(sim_world_map, &W);
	sim_init(&S, SIM_PCI, RNG, V1, QUEUES, 256);
	S.faults = c->sim_faults;
	sim_pci_attach(&S);
	if (c->env != E_NO_MSIX)
		sim_pci_add_msix(&S);
	sim_pci_set_faults(&S, c->pci_faults);
	W.ecam.dev[SLOT] = &S;
	W.pci = true;
	assert_int_equal(sim_world_fdt(&W, fdt, sizeof(fdt)), 0);
	assert_int_equal(virtio_discover(fdt, devs, VIRTIO_DISCOVER_MAX), 1);
	assert_true(devs[0]->address == CFG_ADDR);

	host_intr_reset(c->env == E_NO_INTC ? PF_ENODEV : 0);
	if (c->env != E_NO_ROUTE)
		host_intr_map(CFG_ADDR, INTX_INTID, false); /* level, as PCI INTx */
	assert_true(sim_pci_irq_attach(&S, CFG_ADDR));
	host_set_delay_hook(service_hook, &S);
	return devs[0];
}

static int teardown(void **state)
{
	(void)state;
	host_set_delay_hook(0, 0);
	virtio_discover_set_mapper(0, 0);
	host_intr_reset(PF_ENODEV); /* back to "no controller" */
	sim_pci_attach(&S);	    /* frees its faults and interrupt slot */
	return 0;
}

static void test_case(void **state)
{
	const struct irq_case *c = *state;
	struct virtio_dev *d = open_pci(c);
	enum pf_verdict v = ut_run_check(c->check, d);

	UT_CHECK_ROW(&ut_checks_irq, c, v);
	if (v != PF_VERDICT_PASS) {
		/* ... and for the reason the fault is about */
		if (c->why && !strstr(host_console(), c->why))
			print_error("%s: \"%s\" not reported\n%s\n", c->name, c->why,
				    host_console());
		assert_true(!c->why || strstr(host_console(), c->why));
		return;
	}
	/* a check that passes leaves the device reset, and nothing strayed */
	assert_int_equal(S.status, 0);
	assert_int_equal(intr_stray_count(), 0);
	/* ... and the interrupts really went the way the check meant */
	if (c->check == INTX)
		assert_true(sim_pci_intx_raised(&S) >= 1);
	if (c->check == DLV)
		assert_int_equal(sim_pci_msi_sent(&S), QUEUES + 1); /* one per vector */
	if (c->check == MAP)
		assert_int_equal(sim_pci_msi_sent(&S), 0); /* all masked */
}

/* The simulated function itself: vector registers, table, PBA and masking
 * behave as the checks assume (4.1.5.1.2 and the MSI-X rules). */
static void test_sim_msix_model(void **state)
{
	struct irq_case c = { "model", MAP, 0, 0, E_FULL, PASS, 0, NULL };
	struct virtio_dev *d;
	struct pf_region *bar = &S.bar;
	uint32_t ctrl_off = SIM_PCI_MSIX_CAP + 2;

	(void)state;
	d = open_pci(&c);
	assert_non_null(d);
	/* Table Size field: 4 entries, disabled, unmasked */
	assert_int_equal(sim_pci_cfg_read(&S, ctrl_off, 2), QUEUES);
	/* vectors: inside the table kept, beyond it NO_VECTOR */
	io_write16(bar, SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_MSIX, 3);
	assert_int_equal(io_read16(bar, SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_MSIX), 3);
	io_write16(bar, SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_MSIX, 4);
	assert_int_equal(io_read16(bar, SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_MSIX),
			 VIRTIO_MSI_NO_VECTOR);
	/* entry 1 -> a host doorbell (host_intr.c: data = INTID); enabled,
	 * function masked */
	io_write32(bar, SIM_PCI_MSIX_TABLE_OFF + 16, 0x08020040u);
	io_write32(bar, SIM_PCI_MSIX_TABLE_OFF + 20, 0);
	io_write32(bar, SIM_PCI_MSIX_TABLE_OFF + 24, 70);
	io_write32(bar, SIM_PCI_MSIX_TABLE_OFF + 28, 0);
	assert_int_equal(intr_wire(70, true), 0);
	io_write16(bar, SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_Q_SELECT, 0);
	io_write16(bar, SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_Q_MSIX, 1);
	assert_int_equal(io_read16(bar, SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_Q_MSIX), 1);
	sim_pci_cfg_write(&S, ctrl_off, 0xc000, 2);
	/* a configuration change (as sim_config_change() counts it) on
	 * vector 1, with the ISR bit it sets */
	io_write16(bar, SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_MSIX, 1);
	S.config_irqs++;
	S.isr |= VIRTIO_ISR_CONFIG;
	sim_pci_service(&S);
	assert_int_equal(intr_count(70), 0); /* function masked: pending */
	assert_int_equal(io_read32(bar, SIM_PCI_MSIX_PBA_OFF), 2);
	assert_int_equal(sim_pci_cfg_read(&S, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	sim_pci_cfg_write(&S, ctrl_off, 0x8000, 2); /* function mask off */
	sim_pci_service(&S);
	assert_int_equal(intr_count(70), 1);
	assert_int_equal(io_read32(bar, SIM_PCI_MSIX_PBA_OFF), 0);
	/* MSI-X off: INTx follows the ISR, so does Status.Interrupt Status */
	sim_pci_cfg_write(&S, ctrl_off, 0, 2);
	assert_int_equal(sim_pci_cfg_read(&S, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT,
			 PCI_STATUS_INTERRUPT);
	assert_int_equal(intr_wire(INTX_INTID, false), 0);
	sim_pci_service(&S);
	assert_int_equal(intr_count(INTX_INTID), 1);
	sim_pci_service(&S); /* level: masked by the handler, no storm */
	assert_int_equal(intr_count(INTX_INTID), 1);
	(void)io_read8(bar, SIM_PCI_ISR_OFF); /* read to clear: deasserts */
	intr_unmask(INTX_INTID);
	sim_pci_service(&S);
	assert_int_equal(intr_count(INTX_INTID), 1);
	assert_int_equal(sim_pci_cfg_read(&S, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	/* a device reset unmaps every vector */
	io_write8(bar, SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_STATUS, 0);
	assert_int_equal(io_read16(bar, SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_MSIX),
			 VIRTIO_MSI_NO_VECTOR);
	assert_int_equal(io_read16(bar, SIM_PCI_COMMON_OFF + VIRTIO_PCI_COMMON_Q_MSIX),
			 VIRTIO_MSI_NO_VECTOR);
	assert_int_equal(S.bad_access, 0);
}

static const struct CMUnitTest extra[] = {
	cmocka_unit_test_setup_teardown(test_sim_msix_model, ut_setup, teardown),
};

UT_CHECK_TABLE(ut_checks_irq, "checks_irq", cases, struct irq_case, test_case, ut_setup, teardown,
	       extra);

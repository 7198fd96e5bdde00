/* SPDX-License-Identifier: MIT */
/*
 * Console UART: the one /chosen/stdout-path names. An Arm PL011 (QEMU virt,
 * most Arm VMMs) or, as a courtesy to VMMs that emulate one on arm64
 * (Firecracker, crosvm), an 8250/16550. Until the DT is read, and when it
 * names nothing usable, QEMU virt's PL011 at 0x09000000.
 *
 * The UART is used as firmware left it: no baud rate or FIFO programming.
 * Every wait is bounded, so a stuck UART costs time, never the run.
 */
#include <libfdt.h>

#include "a64.h"
#include "platform.h"

/* PL011 (Arm DDI 0183) */
#define UARTDR 0x00
#define UARTFR 0x18
#define UARTFR_BUSY (1u << 3)
#define UARTFR_TXFF (1u << 5)
/* 16550 */
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE (1u << 5)
#define UART_LSR_TEMT (1u << 6)

#define SPIN_MAX 1000000
#define SPIN_STUCK 1000 /* once a wait timed out, until the UART recovers */

enum uart_kind {
	UART_PL011,
	UART_16550
};

static uintptr_t uart_base = 0x09000000;
static enum uart_kind uart_kind = UART_PL011;
static unsigned uart_shift, uart_width = 1; /* 16550 reg-shift, reg-io-width */
static bool uart_stuck;
static const char *uart_how = "default PL011 at 0x09000000";

static uint32_t reg_read(unsigned reg)
{
	uintptr_t a = uart_base + ((uintptr_t)reg << uart_shift);

	if (uart_kind == UART_PL011 || uart_width == 4)
		return *(volatile uint32_t *)a;
	return *(volatile uint8_t *)a;
}

static void reg_write(unsigned reg, uint32_t v)
{
	uintptr_t a = uart_base + ((uintptr_t)reg << uart_shift);

	if (uart_kind == UART_PL011 || uart_width == 4)
		*(volatile uint32_t *)a = v;
	else
		*(volatile uint8_t *)a = (uint8_t)v;
}

static bool tx_full(void)
{
	if (uart_kind == UART_PL011)
		return reg_read(UARTFR) & UARTFR_TXFF;
	return !(reg_read(UART_LSR) & UART_LSR_THRE);
}

static bool tx_busy(void)
{
	if (uart_kind == UART_PL011)
		return reg_read(UARTFR) & UARTFR_BUSY;
	return !(reg_read(UART_LSR) & UART_LSR_TEMT);
}

void arch_putc(char c)
{
	unsigned spin = uart_stuck ? SPIN_STUCK : SPIN_MAX;

	while (tx_full()) {
		if (!spin--) {
			uart_stuck = true;
			return;
		}
	}
	uart_stuck = false;
	reg_write(uart_kind == UART_PL011 ? UARTDR : UART_THR, (uint8_t)c);
	if (c == '\n' && a64_selftest_armed)
		a64_selftest_newline();
}

/* Let the last bytes leave before power-off (real UARTs lose their FIFO). */
void a64_uart_flush(void)
{
	for (unsigned spin = SPIN_MAX; tx_busy() && spin; spin--)
		;
}

const char *a64_uart_desc(void)
{
	return uart_how;
}

void a64_uart_init(const void *fdt)
{
	int node = fdt ? a64_dt_stdout(fdt) : -1;
	uint64_t addr, size;
	enum uart_kind kind;
	const fdt32_t *p;

	if (node < 0) {
		uart_how = "no usable /chosen/stdout-path: default PL011 at 0x09000000";
		return;
	}
	if (!fdt_node_check_compatible(fdt, node, "arm,pl011") ||
	    !fdt_node_check_compatible(fdt, node, "arm,sbsa-uart"))
		kind = UART_PL011;
	else if (!fdt_node_check_compatible(fdt, node, "ns16550a") ||
		 !fdt_node_check_compatible(fdt, node, "ns16550"))
		kind = UART_16550;
	else {
		uart_how = "stdout-path UART not PL011/16550: default PL011 at 0x09000000";
		return;
	}
	if (a64_dt_reg(fdt, node, 0, &addr, &size) || !a64_mmu_covered(addr, size ? size : 1)) {
		uart_how = "stdout-path UART reg unusable: default PL011 at 0x09000000";
		return;
	}
	a64_uart_flush(); /* nothing half-sent on the old one */
	uart_kind = kind;
	uart_base = (uintptr_t)addr;
	if (kind == UART_16550) {
		p = fdt_getprop(fdt, node, "reg-shift", NULL);
		uart_shift = p ? fdt32_ld(p) & 3 : 0;
		p = fdt_getprop(fdt, node, "reg-io-width", NULL);
		uart_width = p && fdt32_ld(p) == 4 ? 4 : 1;
	}
	uart_how = kind == UART_PL011 ? "PL011 from /chosen/stdout-path"
				      : "16550 from /chosen/stdout-path";
}

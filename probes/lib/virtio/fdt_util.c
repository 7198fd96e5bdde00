/* SPDX-License-Identifier: MIT */
#include "fdt_util.h"

#include <libfdt.h>
#include <string.h>

uint64_t fdt_util_read_cells(const void *p, int cells)
{
	const unsigned char *b = p;
	uint64_t v = 0;

	for (int i = 0; i < cells * 4; i++)
		v = v << 8 | b[i];
	return v;
}

int fdt_util_reg_cells(const void *fdt, int node, int *ac, int *sc)
{
	int parent = fdt_parent_offset(fdt, node);

	if (parent < 0)
		return PF_EBADCELLS;
	*ac = fdt_address_cells(fdt, parent);
	*sc = fdt_size_cells(fdt, parent);
	if (*ac < 1 || *ac > 2 || *sc < 0 || *sc > 2)
		return PF_EBADCELLS;
	return 0;
}

int fdt_util_reg(const void *fdt, int node, int idx, uint64_t *addr, uint64_t *size)
{
	const unsigned char *p;
	int ac, sc, len, entry;

	if (fdt_util_reg_cells(fdt, node, &ac, &sc))
		return PF_EBADCELLS;
	p = fdt_getprop(fdt, node, "reg", &len);
	entry = (ac + sc) * 4;
	if (!p || len < 0 || idx < 0 || (long)(idx + 1) * entry > len)
		return PF_EBADPROP;
	p += idx * entry;
	*addr = fdt_util_read_cells(p, ac);
	*size = fdt_util_read_cells(p + ac * 4, sc);
	return 0;
}

bool fdt_util_enabled(const void *fdt, int node)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "status", &len);

	if (!s || len <= 0)
		return true;
	return (len >= 5 && !memcmp(s, "okay", 5)) || (len >= 3 && !memcmp(s, "ok", 3));
}

/* The interrupt-parent in effect for a node: its own or an ancestor's. */
static int irq_parent(const void *fdt, int node)
{
	for (int depth = 0; node >= 0 && depth < 64; depth++) {
		int len;
		const unsigned char *p = fdt_getprop(fdt, node, "interrupt-parent", &len);

		if (p && len == 4)
			return fdt_node_offset_by_phandle(fdt, (uint32_t)fdt_util_read_cells(p, 1));
		node = fdt_parent_offset(fdt, node);
	}
	return -1;
}

uint32_t fdt_util_irq(const void *fdt, int node)
{
	const unsigned char *p, *c;
	int len, clen, cells, parent;

	p = fdt_getprop(fdt, node, "interrupts", &len);
	if (!p || len < 4)
		return 0;
	parent = irq_parent(fdt, node);
	if (parent < 0)
		return 0;
	c = fdt_getprop(fdt, parent, "#interrupt-cells", &clen);
	if (!c || clen != 4)
		return 0;
	cells = (int)fdt_util_read_cells(c, 1);
	if (cells == 1)
		return (uint32_t)fdt_util_read_cells(p, 1);
	if (cells == 3 && len >= 12) {
		uint32_t type = (uint32_t)fdt_util_read_cells(p, 1);
		uint32_t num = (uint32_t)fdt_util_read_cells(p + 4, 1);

		if (type == 0 && num < 988)
			return 32 + num;
		if (type == 1 && num < 16)
			return 16 + num;
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* Device tree look-ups of the aarch64 port (libfdt, MMU on). */
#include <libfdt.h>
#include <string.h>

#include "a64.h"

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0) /* keeps the low 64 bits */
		v = (v << 32) | fdt32_ld(p++);
	return v;
}

/*
 * Translate a bus address of a child of `bus` to its parent's address
 * space through bus's "ranges". Returns 0, or -1 when it does not map
 * (or the bus has no "ranges" at all: not memory-mapped).
 */
static int translate(const void *fdt, int bus, uint64_t *addr)
{
	int parent = fdt_parent_offset(fdt, bus);
	int ac = fdt_address_cells(fdt, bus), sc = fdt_size_cells(fdt, bus);
	int pac = parent >= 0 ? fdt_address_cells(fdt, parent) : 2;
	const fdt32_t *r;
	int len, tuple;

	r = fdt_getprop(fdt, bus, "ranges", &len);
	if (!r)
		return -1;
	if (len == 0)
		return 0; /* identity */
	if (ac < 1 || pac < 1 || sc < 0)
		return -1;
	tuple = (ac + pac + sc) * 4;
	for (; len >= tuple; len -= tuple, r += tuple / 4) {
		uint64_t child = cells(r, ac), par = cells(r + ac, pac);
		uint64_t size = cells(r + ac + pac, sc);

		if (*addr >= child && *addr - child < size) {
			*addr = *addr - child + par;
			return 0;
		}
	}
	return -1;
}

int a64_dt_reg(const void *fdt, int node, int idx, uint64_t *addr, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac, sc, len;
	const fdt32_t *reg;

	if (parent < 0)
		return -1;
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || ac < 1 || sc < 0 || idx < 0 || (ac + sc) * 4 * (idx + 1) > len)
		return -1;
	reg += (ac + sc) * idx;
	*addr = cells(reg, ac);
	*size = cells(reg + ac, sc);
	/* walk up to the root, through each bus's ranges */
	for (int bus = parent; bus > 0; bus = fdt_parent_offset(fdt, bus))
		if (translate(fdt, bus, addr))
			return -1;
	return 0;
}

/* The node /chosen/stdout-path (or linux,stdout-path) names, or < 0. */
int a64_dt_stdout(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len;
	const char *path, *colon;

	if (chosen < 0)
		return -1;
	path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path)
		path = fdt_getprop(fdt, chosen, "linux,stdout-path", &len);
	if (!path || len < 1 || strnlen(path, (size_t)len) == (size_t)len)
		return -1;
	/* "serial0:115200n8": options after ':' */
	colon = strchr(path, ':');
	len = colon ? (int)(colon - path) : (int)strlen(path);
	if (path[0] != '/') {
		path = fdt_get_alias_namelen(fdt, path, len);
		if (!path)
			return -1;
		len = (int)strlen(path);
	}
	return fdt_path_offset_namelen(fdt, path, len);
}

const char *a64_dt_bootargs(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len;
	const char *s;

	if (chosen < 0)
		return "";
	s = fdt_getprop(fdt, chosen, "bootargs", &len);
	if (!s || len < 1 || strnlen(s, (size_t)len) == (size_t)len)
		return "";
	return s;
}

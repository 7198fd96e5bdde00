/* SPDX-License-Identifier: MIT */
/*
 * Device tree scan for what must be known before the MMU is on: the RAM
 * ranges (/memory nodes) and the PSCI conduit (so even an early fault can
 * power off). With the MMU off every access is Device memory and faults if
 * unaligned, so this walks the structure block with aligned 32-bit loads
 * only (the FDT format keeps every token and property value 4-byte
 * aligned), instead of libfdt, which is used once the MMU is on.
 */
#include "a64.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define FDT_MAX_SIZE (64u << 20) /* sanity bound on totalsize */

struct fdt_hdr {
	uint32_t magic, totalsize, off_dt_struct, off_dt_strings;
	uint32_t off_mem_rsvmap, version, last_comp_version;
	uint32_t boot_cpuid_phys, size_dt_strings, size_dt_struct;
};

static uint32_t be32(const uint32_t *p)
{
	return __builtin_bswap32(*p);
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* "memory" or "memory@..." */
static bool node_is(const char *name, const char *base)
{
	while (*base && *name == *base) {
		name++;
		base++;
	}
	return !*base && (!*name || *name == '@');
}

/* Bytes of the NUL-terminated string at s within [s, end), -1 if none. */
static long str_len(const char *s, const char *end)
{
	for (const char *p = s; p < end; p++)
		if (!*p)
			return p - s;
	return -1;
}

static uint64_t read_cells(const uint32_t *p, uint32_t n)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < n; i++) /* keeps the low 64 bits */
		v = (v << 32) | be32(p + i);
	return v;
}

static void add_ram(struct a64_boot_info *bi, const uint32_t *reg, uint32_t len, uint32_t ac,
		    uint32_t sc)
{
	uint32_t cells = ac + sc;

	if (!cells || ac > 2 || sc > 2)
		return;
	for (uint32_t i = 0; i + cells * 4 <= len && bi->nram < A64_MAX_RAM; i += cells * 4) {
		const uint32_t *c = reg + i / 4;
		uint64_t size = read_cells(c + ac, sc);

		if (size) {
			bi->ram[bi->nram].base = read_cells(c, ac);
			bi->ram[bi->nram].size = size;
			bi->nram++;
		}
	}
}

int a64_early_dt(const void *fdt, struct a64_boot_info *bi)
{
	const struct fdt_hdr *h = fdt;
	const char *base = fdt, *strings, *end;
	const uint32_t *p, *pend;
	uint32_t total, ac = 2, sc = 1; /* the spec's defaults */
	int depth = 0;
	/* state of the current child of / */
	bool is_mem = false, is_psci = false;
	const uint32_t *reg = 0;
	uint32_t reg_len = 0;

	if (!fdt || ((uintptr_t)fdt & 3) || be32(&h->magic) != FDT_MAGIC)
		return -1;
	total = be32(&h->totalsize);
	if (total < sizeof(*h) || total > FDT_MAX_SIZE || be32(&h->last_comp_version) > 17 ||
	    be32(&h->version) < 16)
		return -1;
	if (be32(&h->off_dt_struct) >= total || (be32(&h->off_dt_struct) & 3) ||
	    be32(&h->off_dt_strings) >= total)
		return -1;
	bi->fdt_size = total;
	end = base + total;
	strings = base + be32(&h->off_dt_strings);
	p = (const uint32_t *)(base + be32(&h->off_dt_struct));
	pend = (const uint32_t *)(end - ((uintptr_t)end & 3));

	while (p < pend) {
		uint32_t tok = be32(p++);

		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;
			long n = str_len(name, end);

			if (n < 0)
				return -1;
			p += (n + 4) / 4;
			if (++depth == 2) {
				is_mem = node_is(name, "memory");
				is_psci = node_is(name, "psci");
				reg = 0;
			}
		} else if (tok == FDT_END_NODE) {
			if (depth == 2 && is_mem && reg)
				add_ram(bi, reg, reg_len, ac, sc);
			if (--depth <= 0)
				return 0;
		} else if (tok == FDT_PROP) {
			uint32_t len, nameoff;
			const char *pname;
			const uint32_t *val;

			if (pend - p < 2)
				return -1;
			len = be32(p++);
			nameoff = be32(p++);
			val = p;
			if (len > (uintptr_t)((const char *)pend - (const char *)p) ||
			    nameoff >= (uintptr_t)(end - strings))
				return -1;
			p += (len + 3) / 4;
			pname = strings + nameoff;
			if (str_len(pname, end) < 0)
				return -1;
			if (depth == 1 && len == 4 && str_eq(pname, "#address-cells"))
				ac = be32(val);
			else if (depth == 1 && len == 4 && str_eq(pname, "#size-cells"))
				sc = be32(val);
			else if (depth == 2 && str_eq(pname, "reg")) {
				reg = val;
				reg_len = len;
			} else if (depth == 2 && str_eq(pname, "device_type") &&
				   str_len((const char *)val, (const char *)val + len) >= 0 &&
				   str_eq((const char *)val, "memory")) {
				is_mem = true;
			} else if (depth == 2 && is_psci && str_eq(pname, "method") &&
				   str_len((const char *)val, (const char *)val + len) >= 0) {
				if (str_eq((const char *)val, "hvc"))
					bi->psci = CONDUIT_HVC;
				else if (str_eq((const char *)val, "smc"))
					bi->psci = CONDUIT_SMC;
			}
		} else if (tok == FDT_END) {
			break;
		} else if (tok != FDT_NOP) {
			return -1;
		}
	}
	return depth == 0 ? 0 : -1;
}

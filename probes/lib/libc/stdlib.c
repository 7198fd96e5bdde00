/* SPDX-License-Identifier: MIT */
/* <stdlib.h> number parsing for the freestanding probe (libfdt needs
 * strtoul; bootarg parsing uses the rest). No errno: out-of-range values
 * saturate as the standard says. */
#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

static int digit_val(int c)
{
	if (isdigit(c))
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* Magnitude of the number at s; *neg tells the sign, *ovf overflow past
 * ULLONG_MAX. */
static unsigned long long parse(const char *s, char **end, int base, bool *neg, bool *ovf)
{
	const char *p = s;
	unsigned long long v = 0;
	bool any = false;

	*neg = false;
	*ovf = false;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    isxdigit((unsigned char)p[2])) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	if (base < 2 || base > 36) {
		if (end)
			*end = (char *)s;
		return 0;
	}
	for (;; p++) {
		int d = digit_val((unsigned char)*p);

		if (d >= base)
			break;
		any = true;
		if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
			*ovf = true;
		else
			v = v * (unsigned)base + (unsigned)d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	return v;
}

unsigned long long strtoull(const char *restrict s, char **restrict end, int base)
{
	bool neg, ovf;
	unsigned long long v = parse(s, end, base, &neg, &ovf);

	if (ovf)
		return ULLONG_MAX;
	return neg ? 0ULL - v : v;
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
	bool neg, ovf;
	unsigned long long v = parse(s, end, base, &neg, &ovf);

	if (ovf || v > ULONG_MAX)
		return ULONG_MAX;
	return neg ? 0UL - (unsigned long)v : (unsigned long)v;
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
	bool neg, ovf;
	unsigned long long v = parse(s, end, base, &neg, &ovf);

	if (neg)
		return (ovf || v > (unsigned long long)LLONG_MAX + 1) ? LLONG_MIN
								      : (long long)(0ULL - v);
	return (ovf || v > LLONG_MAX) ? LLONG_MAX : (long long)v;
}

long strtol(const char *restrict s, char **restrict end, int base)
{
	long long v = strtoll(s, end, base);

	if (v > LONG_MAX)
		return LONG_MAX;
	if (v < LONG_MIN)
		return LONG_MIN;
	return (long)v;
}

int abs(int v)
{
	return v < 0 ? -v : v;
}

long labs(long v)
{
	return v < 0 ? -v : v;
}

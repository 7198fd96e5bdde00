/* SPDX-License-Identifier: MIT */
/*
 * vsnprintf/snprintf for the freestanding probe: the integer, string and
 * pointer conversions, no floating point (see include/stdio.h). Returns the
 * length the full output would have, as C99 does, and always terminates the
 * buffer when size > 0.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct out {
	char *buf;
	size_t size;
	size_t len; /* would-be length */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int prec; /* -1: none */
};

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - n);
}

static void put_num(struct out *o, const struct spec *sp, uint64_t v, bool neg, unsigned base,
		    bool upper, const char *prefix)
{
	const char *digs = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = 0, zeros, total;
	char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;

	/* "%.0d" of 0 prints no digits, as C says */
	if (!(v == 0 && sp->prec == 0)) {
		do {
			tmp[n++] = digs[v % base];
			v /= base;
		} while (v);
	}
	while (prefix && prefix[plen])
		plen++;
	zeros = sp->prec > n ? sp->prec - n : 0;
	total = n + zeros + plen + (sign ? 1 : 0);
	/* '0' pads between sign/prefix and digits; ignored with a precision */
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!sp->left)
		pad(o, ' ', sp->width - total);
	if (sign)
		put(o, sign);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', sp->width - total);
}

enum len {
	L_INT,
	L_CHAR,
	L_SHORT,
	L_LONG,
	L_LLONG,
	L_SIZE,
	L_MAX,
	L_PTRDIFF
};

static uint64_t get_unsigned(va_list *ap, enum len l)
{
	switch (l) {
	case L_CHAR:
		return (unsigned char)va_arg(*ap, unsigned);
	case L_SHORT:
		return (unsigned short)va_arg(*ap, unsigned);
	case L_LONG:
		return va_arg(*ap, unsigned long);
	case L_LLONG:
		return va_arg(*ap, unsigned long long);
	case L_SIZE:
		return va_arg(*ap, size_t);
	case L_MAX:
		return va_arg(*ap, uintmax_t);
	case L_PTRDIFF:
		return (uint64_t)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned);
	}
}

static int64_t get_signed(va_list *ap, enum len l)
{
	switch (l) {
	case L_CHAR:
		return (signed char)va_arg(*ap, int);
	case L_SHORT:
		return (short)va_arg(*ap, int);
	case L_LONG:
		return va_arg(*ap, long);
	case L_LLONG:
		return va_arg(*ap, long long);
	case L_SIZE:
		return (int64_t)va_arg(*ap, size_t);
	case L_MAX:
		return va_arg(*ap, intmax_t);
	case L_PTRDIFF:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static int get_int(const char **f, va_list *ap)
{
	int v = 0;

	if (**f == '*') {
		(*f)++;
		return va_arg(*ap, int);
	}
	while (**f >= '0' && **f <= '9')
		v = v * 10 + (*(*f)++ - '0');
	return v;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap_in)
{
	struct out o = { buf, size, 0 };
	va_list ap;

	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		struct spec sp = { .prec = -1 };
		enum len l = L_INT;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		for (;; f++) {
			char c = f[1];

			if (c == '-')
				sp.left = true;
			else if (c == '0')
				sp.zero = true;
			else if (c == '+')
				sp.plus = true;
			else if (c == ' ')
				sp.space = true;
			else if (c == '#')
				sp.alt = true;
			else
				break;
		}
		f++;
		sp.width = get_int(&f, &ap);
		if (sp.width < 0) { /* a negative '*' width means left-aligned */
			sp.left = true;
			sp.width = -sp.width;
		}
		if (*f == '.') {
			f++;
			sp.prec = get_int(&f, &ap);
			if (sp.prec < 0)
				sp.prec = -1;
		}
		switch (*f) {
		case 'h':
			l = (f[1] == 'h') ? (f++, L_CHAR) : L_SHORT;
			f++;
			break;
		case 'l':
			l = (f[1] == 'l') ? (f++, L_LLONG) : L_LONG;
			f++;
			break;
		case 'z':
			l = L_SIZE;
			f++;
			break;
		case 'j':
			l = L_MAX;
			f++;
			break;
		case 't':
			l = L_PTRDIFF;
			f++;
			break;
		}
		switch (*f) {
		case 'd':
		case 'i': {
			int64_t v = get_signed(&ap, l);

			put_num(&o, &sp, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0, 10, false,
				NULL);
			break;
		}
		case 'u':
			put_num(&o, &sp, get_unsigned(&ap, l), false, 10, false, NULL);
			break;
		case 'o':
			put_num(&o, &sp, get_unsigned(&ap, l), false, 8, false,
				sp.alt ? "0" : NULL);
			break;
		case 'x':
		case 'X': {
			uint64_t v = get_unsigned(&ap, l);

			put_num(&o, &sp, v, false, 16, *f == 'X',
				sp.alt && v ? (*f == 'X' ? "0X" : "0x") : NULL);
			break;
		}
		case 'p':
			put_num(&o, &sp, (uintptr_t)va_arg(ap, void *), false, 16, false, "0x");
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			if (!sp.left)
				pad(&o, ' ', sp.width - 1);
			put(&o, c);
			if (sp.left)
				pad(&o, ' ', sp.width - 1);
			break;
		}
		case 's':
			put_str(&o, &sp, va_arg(ap, const char *));
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			f--; /* a lone '%' at the end: stop */
			break;
		default: /* unknown conversion: print it verbatim */
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

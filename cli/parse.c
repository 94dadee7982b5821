// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "parse.h"

const char *vg_err_prefix = "vgate";
unsigned long vg_err_line;
bool vg_err_quiet;

void vg_err(const char *fmt, ...)
{
	va_list ap;

	if (vg_err_quiet)
		return;
	if (vg_err_line)
		fprintf(stderr, "%s:%lu: ", vg_err_prefix, vg_err_line);
	else
		fprintf(stderr, "%s: ", vg_err_prefix);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Decimal, or hex with 0x.  No sign, no octal, no trailing junk. */
int parse_u64(const char *s, uint64_t *v)
{
	unsigned long long r;
	char *end;
	int base = 10;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!isxdigit((unsigned char)*s))
			return -EINVAL;
	} else if (!isdigit((unsigned char)*s)) {
		return -EINVAL;
	}
	errno = 0;
	r = strtoull(s, &end, base);
	if (errno || *end)
		return -EINVAL;
	*v = r;
	return 0;
}

int parse_u32(const char *s, uint32_t *v)
{
	uint64_t r;

	if (parse_u64(s, &r) || r > UINT32_MAX)
		return -EINVAL;
	*v = r;
	return 0;
}

int parse_spi(const char *what, const char *s, uint32_t *spi)
{
	uint32_t v;

	if (parse_u32(s, &v)) {
		vg_err("bad %s \"%s\" (expected 256..0xffffffff, decimal or 0x hex)",
		       what, s);
		return -EINVAL;
	}
	if (v < 256) {
		vg_err("bad %s \"%s\" (SPI 0..255 are reserved, RFC 4303)", what, s);
		return -EINVAL;
	}
	*spi = v;
	return 0;
}

int parse_num32(const char *what, const char *s, uint32_t min, uint32_t max,
		uint32_t *v)
{
	uint32_t r;

	if (parse_u32(s, &r) || r < min || r > max) {
		vg_err("bad %s \"%s\" (expected %u..%u)", what, s, min, max);
		return -EINVAL;
	}
	*v = r;
	return 0;
}

int parse_num64(const char *what, const char *s, uint64_t *v)
{
	if (parse_u64(s, v)) {
		vg_err("bad %s \"%s\" (expected an unsigned 64-bit number)", what, s);
		return -EINVAL;
	}
	return 0;
}

int addr_family_len(int family)
{
	switch (family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	}
	return 0;
}

int parse_addr(const char *what, const char *s, struct vg_addr *a)
{
	if (!parse_addr_quiet(s, a))
		return 0;
	vg_err("bad %s \"%s\" (expected an IPv4 or IPv6 address)", what, s);
	return -EINVAL;
}

int parse_prefix(const char *what, const char *s, struct vg_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	uint32_t plen;
	int i, r;

	if (strlen(s) >= sizeof(buf)) {
		vg_err("bad %s \"%s\" (expected ADDR[/LEN] or any)", what, s);
		return -EINVAL;
	}
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	r = parse_addr(what, buf, &p->addr);
	if (r)
		return r;
	p->plen = p->addr.len * 8;
	if (slash) {
		if (parse_u32(slash + 1, &plen) || plen > p->addr.len * 8U ||
		    (slash[1] == '0' && slash[2] == 'x')) {
			vg_err("bad %s \"%s\" (prefix length must be 0..%u)",
			       what, s, p->addr.len * 8U);
			return -EINVAL;
		}
		p->plen = plen;
	}
	for (i = 0; i < p->addr.len; i++) {
		int bits = (int)p->plen - i * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 :
			       (uint8_t)(0xff << (8 - bits));

		if (p->addr.a[i] & ~mask) {
			vg_err("bad %s \"%s\" (host bits set beyond /%u)",
			       what, s, p->plen);
			return -EINVAL;
		}
	}
	return 0;
}

int parse_ports(const char *what, const char *s, struct vg_ports *p)
{
	char buf[16];
	char *dash;
	uint32_t a, b;

	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (parse_u32(buf, &a) || a > 65535)
		goto bad;
	b = a;
	if (dash && (parse_u32(dash + 1, &b) || b > 65535))
		goto bad;
	if (a > b) {
		vg_err("bad %s \"%s\" (range start above its end)", what, s);
		return -EINVAL;
	}
	p->min = a;
	p->max = b;
	return 0;
bad:
	vg_err("bad %s \"%s\" (expected PORT or PORT-PORT, 0..65535)", what, s);
	return -EINVAL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int parse_hex_key(const char *what, const char *s, uint8_t *buf, size_t max,
		  size_t *len)
{
	size_t n, i;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	n = strlen(s);
	for (i = 0; i < n; i++) {
		if (hexval(s[i]) < 0) {
			vg_err("bad %s: not a hex string (character %zu)", what,
			       i + 1);
			return -EINVAL;
		}
	}
	if (n == 0 || n % 2) {
		vg_err("bad %s: %zu hex digits, need an even number", what, n);
		return -EINVAL;
	}
	if (n / 2 > max) {
		vg_err("bad %s: %zu bytes, at most %zu", what, n / 2, max);
		return -EINVAL;
	}
	for (i = 0; i < n / 2; i++)
		buf[i] = hexval(s[2 * i]) << 4 | hexval(s[2 * i + 1]);
	*len = n / 2;
	return 0;
}

int parse_onoff(const char *what, const char *s, bool *on)
{
	if (!strcmp(s, "on") || !strcmp(s, "1")) {
		*on = true;
		return 0;
	}
	if (!strcmp(s, "off") || !strcmp(s, "0")) {
		*on = false;
		return 0;
	}
	vg_err("bad %s \"%s\" (expected on or off)", what, s);
	return -EINVAL;
}

const char *fmt_addr(const struct vg_addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, a->a, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

/* Quiet address parse: parse_addr() without the message. */
int parse_addr_quiet(const char *s, struct vg_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = AF_INET;
		a->len = 4;
		return 0;
	}
	if (strchr(s, ':') && inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = AF_INET6;
		a->len = 16;
		return 0;
	}
	return -EINVAL;
}

int parse_range(const char *what, const char *s, struct vg_range *r)
{
	char buf[2 * INET6_ADDRSTRLEN + 8];
	char *dash;

	memset(r, 0, sizeof(*r));
	if (!strcmp(s, "any"))
		return 0;
	if (strlen(s) >= sizeof(buf)) {
		vg_err("bad %s \"%s\" (expected any, ADDR, ADDR/PLEN or ADDR-ADDR)",
		       what, s);
		return -EINVAL;
	}
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash) {
		*dash = '\0';
		if (parse_addr_quiet(buf, &r->addr) || parse_addr_quiet(dash + 1, &r->end)) {
			vg_err("bad %s \"%s\" (expected ADDR-ADDR, two IPv4 or two IPv6 addresses)",
			       what, s);
			return -EINVAL;
		}
		if (r->addr.family != r->end.family) {
			vg_err("bad %s \"%s\" (range mixes IPv4 and IPv6)", what, s);
			return -EINVAL;
		}
		if (memcmp(r->addr.a, r->end.a, r->addr.len) > 0) {
			vg_err("bad %s \"%s\" (range start above its end)", what, s);
			return -EINVAL;
		}
		r->kind = VG_RANGE_RANGE;
		return 0;
	}
	if (strchr(buf, '/')) {
		struct vg_prefix p;

		if (parse_prefix(what, s, &p))
			return -EINVAL;
		r->addr = p.addr;
		r->plen = p.plen;
		if (p.plen == 0) {
			memset(r, 0, sizeof(*r));	/* A/0 is any */
			return 0;
		}
		r->kind = p.plen == p.addr.len * 8 ? VG_RANGE_HOST : VG_RANGE_NET;
		return 0;
	}
	if (parse_addr_quiet(buf, &r->addr)) {
		vg_err("bad %s \"%s\" (expected any, ADDR, ADDR/PLEN or ADDR-ADDR)",
		       what, s);
		return -EINVAL;
	}
	r->kind = VG_RANGE_HOST;
	r->plen = r->addr.len * 8;
	return 0;
}

int parse_peer_name(const char *what, const char *s)
{
	struct vg_addr a;
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!isalnum((unsigned char)c) && c != '_' && c != '.' && c != '-')
			break;
	}
	if (n == 0 || n > VG_NAME_MAX || i < n) {
		vg_err("bad %s \"%s\" (expected a peer name: 1..%d characters of A-Z a-z 0-9 _ . -)",
		       what, s, VG_NAME_MAX);
		return -EINVAL;
	}
	if (!parse_addr_quiet(s, &a)) {
		vg_err("bad %s \"%s\" (an address, not a peer name: create the peer with \"ipsec peer add NAME addr %s\" and use its NAME)",
		       what, s, s);
		return -EINVAL;
	}
	return 0;
}

int parse_descr(const char *what, const char *s)
{
	const unsigned char *p;

	if (strlen(s) > VG_DESCR_MAX) {
		vg_err("bad %s \"%.20s...\" (%zu bytes, at most %d)", what, s,
		       strlen(s), VG_DESCR_MAX);
		return -EINVAL;
	}
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			vg_err("bad %s \"%s\" (control characters are not allowed)",
			       what, s);
			return -EINVAL;
		}
	}
	return 0;
}

int parse_ifname(const char *what, const char *s)
{
	const unsigned char *p;
	size_t n = strlen(s);

	for (p = (const unsigned char *)s; *p; p++)
		if (*p == '/' || *p == ':' || isspace(*p) || *p < 0x20 ||
		    *p == 0x7f)
			break;
	if (n == 0 || n > 15 || *p || !strcmp(s, ".") || !strcmp(s, "..")) {
		vg_err("bad %s \"%s\" (expected an interface name: 1..15 characters, no /, : or white space)",
		       what, s);
		return -EINVAL;
	}
	return 0;
}

int range_family(const struct vg_range *r)
{
	return r->kind == VG_RANGE_ANY ? 0 : r->addr.family;
}

const char *fmt_range(const struct vg_range *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	switch (r->kind) {
	case VG_RANGE_HOST:
		snprintf(buf, len, "%s", fmt_addr(&r->addr, a, sizeof(a)));
		break;
	case VG_RANGE_NET:
		if (r->plen == 0)
			snprintf(buf, len, "any");
		else if (r->plen >= r->addr.len * 8)
			snprintf(buf, len, "%s", fmt_addr(&r->addr, a, sizeof(a)));
		else
			snprintf(buf, len, "%s/%u",
				 fmt_addr(&r->addr, a, sizeof(a)), r->plen);
		break;
	case VG_RANGE_RANGE:
		snprintf(buf, len, "%s-%s", fmt_addr(&r->addr, a, sizeof(a)),
			 fmt_addr(&r->end, b, sizeof(b)));
		break;
	default:
		snprintf(buf, len, "any");
	}
	return buf;
}

void range_bounds(const struct vg_range *r, int family, uint8_t lo[16],
		  uint8_t hi[16])
{
	int len = addr_family_len(family), i;

	memset(lo, 0, 16);
	memset(hi, 0, 16);
	switch (r->kind) {
	case VG_RANGE_HOST:
		memcpy(lo, r->addr.a, len);
		memcpy(hi, r->addr.a, len);
		return;
	case VG_RANGE_NET:
		for (i = 0; i < len; i++) {
			int bits = (int)r->plen - i * 8;
			uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 :
				       (uint8_t)(0xff << (8 - bits));

			lo[i] = r->addr.a[i] & mask;
			hi[i] = r->addr.a[i] | (uint8_t)~mask;
		}
		return;
	case VG_RANGE_RANGE:
		memcpy(lo, r->addr.a, len);
		memcpy(hi, r->end.a, len);
		return;
	default:
		memset(hi, 0xff, len);
	}
}

bool range_covers(const struct vg_range *a, const struct vg_range *b,
		  int family)
{
	uint8_t alo[16], ahi[16], blo[16], bhi[16];

	range_bounds(a, family, alo, ahi);
	range_bounds(b, family, blo, bhi);
	return memcmp(alo, blo, 16) <= 0 && memcmp(bhi, ahi, 16) <= 0;
}

bool range_holds(const struct vg_range *r, const struct vg_addr *x)
{
	uint8_t lo[16], hi[16], v[16] = { 0 };

	if (r->kind != VG_RANGE_ANY && r->addr.family != x->family)
		return false;
	range_bounds(r, x->family, lo, hi);
	memcpy(v, x->a, x->len);
	return memcmp(lo, v, 16) <= 0 && memcmp(v, hi, 16) <= 0;
}

bool range_overlaps(const struct vg_range *a, const struct vg_range *b,
		    int family)
{
	uint8_t alo[16], ahi[16], blo[16], bhi[16];

	range_bounds(a, family, alo, ahi);
	range_bounds(b, family, blo, bhi);
	return memcmp(alo, bhi, 16) <= 0 && memcmp(blo, ahi, 16) <= 0;
}

const char *fmt_word(const char *s, char *buf, size_t len)
{
	size_t o = 0;
	const char *p;
	bool quote = !*s || *s == '#' || *s == '?';

	for (p = s; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '"' || *p == '\\' ||
		    *p == '#')
			quote = true;
	if (!quote) {
		snprintf(buf, len, "%s", s);
		return buf;
	}
	if (len < 3)
		return "\"\"";
	buf[o++] = '"';
	for (p = s; *p && o + 3 < len; p++) {
		if (*p == '"' || *p == '\\')
			buf[o++] = '\\';
		buf[o++] = *p;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The value parsers one by one: the first byte picks one, the rest is
 * the token.  Besides memory errors each checks what the parser promises
 * and that what the CLI writes reads back the same (config save, then
 * vgate -f): a number, a port range, a rule's RANGE, a bm RATE and a
 * quoted word (fmt_word() read by cmd_split() and the command parser).
 * A broken promise aborts.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bwm.h"
#include "../cmd.h"
#include "../file.h"
#include "../nl.h"
#include "../parse.h"
#include "fuzz.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_values: %s:%d: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static bool range_eq(const struct vg_range *a, const struct vg_range *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == VG_RANGE_ANY)
		return true;
	if (a->addr.family != b->addr.family || a->addr.len != b->addr.len ||
	    memcmp(a->addr.a, b->addr.a, a->addr.len))
		return false;
	if (a->kind == VG_RANGE_NET && a->plen != b->plen)
		return false;
	if (a->kind == VG_RANGE_RANGE &&
	    memcmp(a->end.a, b->end.a, a->addr.len))
		return false;
	return true;
}

static void numbers(const char *s)
{
	char buf[32];
	uint64_t v, w;
	uint32_t u;

	if (!parse_u64(s, &v)) {
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
		CHECK(!parse_u64(buf, &w) && w == v);
		snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
		CHECK(!parse_u64(buf, &w) && w == v);
		CHECK(!parse_u32(s, &u) == (v <= UINT32_MAX));
	}
	if (!parse_spi("SPI", s, &u))
		CHECK(u >= 256);
	if (!parse_num32("N", s, 10, 4096, &u))
		CHECK(u >= 10 && u <= 4096);
	parse_num64("N", s, &v);
}

static void addresses(const char *s)
{
	struct vg_prefix p;
	struct vg_addr a;
	char buf[64];

	if (!parse_addr("addr", s, &a)) {
		CHECK(a.len == addr_family_len(a.family));
		fmt_addr(&a, buf, sizeof(buf));
		CHECK(!parse_addr_quiet(buf, &p.addr) &&
		      !memcmp(&p.addr, &a, sizeof(a)));
	}
	if (!parse_prefix("prefix", s, &p))
		CHECK(p.plen <= p.addr.len * 8 &&
		      p.addr.len == addr_family_len(p.addr.family));
}

static void ranges(const char *s)
{
	struct vg_range r, r2;
	char buf[2 * 64 + 8];

	if (parse_range("local", s, &r))
		return;
	fmt_range(&r, buf, sizeof(buf));
	CHECK(!parse_range("local", buf, &r2));
	CHECK(range_eq(&r, &r2));
	if (r.kind != VG_RANGE_ANY)
		CHECK(range_holds(&r, &r.addr));
	CHECK(range_covers(&r, &r, range_family(&r) ? range_family(&r) :
			   AF_INET));
}

static void ports(const char *s)
{
	struct vg_ports p, q;
	char buf[16];

	if (parse_ports("lport", s, &p))
		return;
	CHECK(p.min <= p.max);
	snprintf(buf, sizeof(buf), "%u-%u", p.min, p.max);
	CHECK(!parse_ports("lport", buf, &q) && q.min == p.min &&
	      q.max == p.max);
}

static void key(const char *s)
{
	uint8_t buf[VGATE_KEY_MAX_LEN];
	size_t len;

	if (!parse_hex_key("encKey", s, buf, sizeof(buf), &len))
		CHECK(len >= 1 && len <= sizeof(buf));
}

static void names(const char *s)
{
	bool on;

	parse_peer_name("peer", s);
	parse_descr("descr", s);
	parse_ifname("interface", s);
	parse_onoff("esn", s, &on);
}

static void rate(const char *s)
{
	uint64_t v, w;
	char buf[32];

	if (bwm_parse_rate(s, &v))
		return;
	bwm_fmt_rate(v, buf, sizeof(buf));
	CHECK(!bwm_parse_rate(buf, &w) && w == v);
}

/*
 * A description as config save writes it (fmt_word()), read back as
 * vgate -f does: one word, and the rule gets the same text.
 */
static void word(const char *s)
{
	char q[2 * VG_DESCR_MAX + 4], line[2 * VG_DESCR_MAX + 64];
	char *argv[FILE_MAX_WORDS];
	const struct cmd *c;
	struct vg_req *req;
	int argc, r;

	if (parse_descr("descr", s))
		return;
	fmt_word(s, q, sizeof(q));
	snprintf(line, sizeof(line), "ipsec rule add 1 descr %s action pass",
		 q);
	argc = cmd_split(line, argv, FILE_MAX_WORDS);
	CHECK(argc == 8 && !strcmp(argv[5], s));
	req = malloc(sizeof(*req));
	if (!req)
		abort();
	r = cmd_parse(argc, argv, &c, req);
	CHECK(!r && c && !strcmp(req->rule.descr, s));
	free(req);
}

static void one(const uint8_t *data, size_t size)
{
	static void (*const fns[])(const char *) = {
		numbers, addresses, ranges, ports, key, names, rate, word,
	};
	char *s;

	if (!size)
		return;
	fuzz_reset(true);
	vg_err_quiet = true;	/* every bad token would print */
	s = fuzz_str(data + 1, size - 1);
	fns[data[0] % (sizeof(fns) / sizeof(fns[0]))](s);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_each(data, size, one);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * "bm ...": the bandwidth manager of vgate_bwm.ko, in the style of ZyNOS's
 * bm commands.  Grammar (Documentation/cli-reference.md):
 *
 *   bm interface IF enable bandwidth RATE [fairness|priority]
 *        [overhead BYTES] [esp none|tunnel|udp] [limit PACKETS]
 *        [default CLASS]
 *   bm interface IF disable
 *   bm class IF add ID bandwidth RATE [parent ID] [priority 0-7]
 *        [borrow on|off] [ceiling RATE] [name NAME]
 *   bm class IF set ID [bandwidth RATE] [parent ID] [priority 0-7]
 *        [borrow on|off] [ceiling RATE|default] [name NAME]
 *   bm class IF del ID
 *   bm filter IF add ID class CLASS [service SERVICE] [protocol PROTO]
 *        [src ADDR[/LEN]|ADDR-ADDR] [dst ...] [sport P[-P]] [dport P[-P]]
 *   bm filter IF del ID
 *   bm show interface [IF] | bm show class IF | bm show filter IF
 *
 * RATE: bit/s with an optional k, m or g (1000, 10^6, 10^9): 100k, 1.5m.
 * Parsing fills struct vg_bwm_req; bwm_run() talks to the family
 * "vgate_bwm" through libvgate (cli_bwm_*() of nl.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "bwm.h"
#include "cmd.h"
#include "names.h"
#include "nl.h"
#include "parse.h"
#include "print.h"
#include "show.h"
#include "values.h"

/* ---- vocabularies ---- */

static const char *const esp_choices[] = { "none", "tunnel", "udp", NULL };

/* Services and protocols: libvgate's tables (lib/vocab.h, cli/names.h). */
static const char *svc_name(uint32_t svc)
{
	return vg_value_name(vg_bwm_services, vg_n_bwm_services, svc,
			     "unknown");
}

static const char *bwm_proto_name(uint8_t p)
{
	return vg_value_name(vg_protocols, vg_n_protocols, p, NULL);
}

/* ---- values ---- */

int bwm_parse_rate(const char *s, uint64_t *out)
{
	unsigned long long ip = 0, mult = 1, frac = 0, fdiv = 1;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (ip > UINT64_MAX / 10 - 10)
			return -ERANGE;
		ip = ip * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (fdiv >= 1000000000ULL)
				return -EINVAL;
			frac = frac * 10 + (*p - '0');
			fdiv *= 10;
		}
	}
	switch (*p) {
	case 'k': case 'K':
		mult = 1000ULL;
		p++;
		break;
	case 'm': case 'M':
		mult = 1000000ULL;
		p++;
		break;
	case 'g': case 'G':
		mult = 1000000000ULL;
		p++;
		break;
	}
	if (!strcmp(p, "bps") || !strcmp(p, "bit"))
		p += strlen(p);
	if (*p)
		return -EINVAL;
	if (ip > UINT64_MAX / mult / 2)
		return -ERANGE;
	if (frac * mult % fdiv)
		return -EINVAL;	/* below one bit/s */
	*out = ip * mult + frac * mult / fdiv;
	return 0;
}

const char *bwm_fmt_rate(uint64_t bps, char *buf, size_t n)
{
	if (bps && bps % 1000000000ULL == 0)
		snprintf(buf, n, "%" PRIu64 "g", (uint64_t)(bps / 1000000000ULL));
	else if (bps && bps % 1000000ULL == 0)
		snprintf(buf, n, "%" PRIu64 "m", (uint64_t)(bps / 1000000ULL));
	else if (bps && bps % 1000ULL == 0)
		snprintf(buf, n, "%" PRIu64 "k", (uint64_t)(bps / 1000ULL));
	else
		snprintf(buf, n, "%" PRIu64, bps);
	return buf;
}

static int v_rate(const struct cmd_arg *a, const char *s)
{
	uint64_t r;

	if (a->choices && !strcmp(s, "default"))
		return 0;
	if (bwm_parse_rate(s, &r)) {
		vg_err("bad %s \"%s\" (RATE: bit/s with k, m or g: 100k, 10m, 1g)",
		       a->kw ? a->kw : a->meta, s);
		return -EINVAL;
	}
	return 0;
}

static int num_in(const char *what, const char *s, uint32_t min, uint32_t max,
		  uint32_t *v)
{
	return parse_num32(what, s, min, max, v);
}

static int v_classid(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	if (a->kw && !strcmp(a->kw, "class") && !strcmp(s, "default"))
		return 0;
	return num_in(a->kw ? a->kw : "class ID", s, 0, VGATE_BWM_CLASS_ID_MAX,
		      &v);
}

static int v_bwm_id(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	(void)a;
	return num_in("ID", s, 1, 65535, &v);
}

static int v_prio(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	(void)a;
	return num_in("priority", s, 0, VGATE_BWM_PRIO_MAX, &v);
}

static int v_overhead(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	(void)a;
	return num_in("overhead", s, 0, VGATE_BWM_OVERHEAD_MAX, &v);
}

static int v_limit(const struct cmd_arg *a, const char *s)
{
	uint32_t v;

	(void)a;
	return num_in("limit", s, 1, VGATE_BWM_LIMIT_MAX, &v);
}

static int v_bwm_choice(const struct cmd_arg *a, const char *s)
{
	const char *const *c;

	for (c = a->choices; *c; c++)
		if (!strcmp(*c, s))
			return 0;
	vg_err("bad %s \"%s\" (one of: %s)", a->kw, s, a->meta);
	return -EINVAL;
}

static int parse_proto(const char *s, uint8_t *out)
{
	uint32_t v;

	const struct vg_name *p = vg_name_find(vg_protocols, vg_n_protocols, s);

	if (p) {
		*out = p->value;
		return 0;
	}
	if (parse_u32(s, &v) || v < 1 || v > 255)
		return -EINVAL;
	*out = v;
	return 0;
}

static int v_bwm_proto(const struct cmd_arg *a, const char *s)
{
	uint8_t p;

	(void)a;
	if (parse_proto(s, &p)) {
		vg_err("bad protocol \"%s\" (tcp, udp, icmp, ... or 1-255)", s);
		return -EINVAL;
	}
	return 0;
}

static int addr_any(const char *s, struct in6_addr *a, uint8_t *family)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

/* ADDR, ADDR/LEN or ADDR-ADDR */
static int parse_arange(const char *s, struct vg_bwm_range *r)
{
	char buf[128], *sep;
	uint8_t f2;
	int len, i, bits;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	if ((sep = strchr(buf, '-'))) {
		*sep++ = '\0';
		if (addr_any(buf, &r->min, &r->family) ||
		    addr_any(sep, &r->max, &f2) || f2 != r->family)
			return -EINVAL;
		return memcmp(&r->min, &r->max, r->family == AF_INET ? 4 : 16) >
		       0 ? -ERANGE : 0;
	}
	len = -1;
	if ((sep = strchr(buf, '/'))) {
		uint32_t v;

		*sep++ = '\0';
		if (parse_u32(sep, &v) || v > 128)
			return -EINVAL;
		len = v;
	}
	if (addr_any(buf, &r->min, &r->family))
		return -EINVAL;
	bits = r->family == AF_INET ? 32 : 128;
	if (len < 0)
		len = bits;
	if (len > bits)
		return -EINVAL;
	r->max = r->min;
	for (i = len; i < bits; i++) {
		r->min.s6_addr[i / 8] &= ~(0x80 >> (i % 8));
		r->max.s6_addr[i / 8] |= 0x80 >> (i % 8);
	}
	return 0;
}

static int v_arange(const struct cmd_arg *a, const char *s)
{
	struct vg_bwm_range r;

	if (parse_arange(s, &r)) {
		vg_err("bad %s \"%s\" (ADDR, ADDR/LEN or ADDR-ADDR)", a->kw, s);
		return -EINVAL;
	}
	return 0;
}

static int parse_prange(const char *s, uint16_t *p)
{
	uint32_t a, b;
	char buf[32], *sep;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	sep = strchr(buf, '-');
	if (sep)
		*sep++ = '\0';
	if (parse_u32(buf, &a) || a > 65535)
		return -EINVAL;
	b = a;
	if (sep && (parse_u32(sep, &b) || b > 65535 || b < a))
		return -EINVAL;
	p[0] = a;
	p[1] = b;
	return 0;
}

static int v_prange(const struct cmd_arg *a, const char *s)
{
	uint16_t p[2];

	if (parse_prange(s, p)) {
		vg_err("bad %s \"%s\" (PORT or PORT-PORT, 0-65535)", a->kw, s);
		return -EINVAL;
	}
	return 0;
}

static int v_name(const struct cmd_arg *a, const char *s)
{
	(void)a;
	if (!*s || strlen(s) >= VGATE_BWM_NAME_MAX) {
		vg_err("bad name \"%s\" (1-%d characters)", s,
		       VGATE_BWM_NAME_MAX - 1);
		return -EINVAL;
	}
	return 0;
}

/* ---- grammar ---- */

/* Indexes into the arg tables, shared by the commands that have them. */
enum {
	IE_BANDWIDTH, IE_FAIRNESS, IE_PRIORITY, IE_OVERHEAD, IE_ESP, IE_LIMIT,
	IE_DEFAULT,
};

static const struct cmd_arg bwm_if_enable_args[] = {
	[IE_BANDWIDTH] = { "bandwidth", "RATE", NULL,
		"total bandwidth, bit/s (100k, 10m, 1g)", ARG_REQ, v_rate },
	[IE_FAIRNESS] = { "fairness", "fairness", NULL,
		"spare bandwidth shared in proportion to the classes' rates (default)",
		ARG_FLAG, NULL },
	[IE_PRIORITY] = { "priority", "priority", NULL,
		"spare bandwidth to the highest priority first", ARG_FLAG, NULL },
	[IE_OVERHEAD] = { "overhead", "BYTES", NULL,
		"bytes added to every packet's length (e.g. 24: Ethernet framing)",
		0, v_overhead },
	[IE_ESP] = { "esp", "none|tunnel|udp", esp_choices,
		"count the ESP tunnel (or ESP-in-UDP) encapsulation packets will get",
		0, v_bwm_choice },
	[IE_LIMIT] = { "limit", "PACKETS", NULL,
		"queue length of each class (default 1000)", 0, v_limit },
	[IE_DEFAULT] = { "default", "CLASS", NULL,
		"class of unmatched traffic (default: the built-in one)", 0,
		v_classid },
	{ 0 },
};

static const struct cmd_arg bwm_no_args[] = { { 0 } };

enum {
	CA_ID, CA_BANDWIDTH, CA_PARENT, CA_PRIORITY, CA_BORROW, CA_CEILING,
	CA_NAME,
};

#define CLASS_ARGS(req, ceil_choices)					\
	[CA_ID] = { NULL, "ID", NULL, "class ID, 1-65534", ARG_POS | ARG_REQ, \
		    v_classid },						\
	[CA_BANDWIDTH] = { "bandwidth", "RATE", NULL,			\
		"guaranteed bandwidth, bit/s", req, v_rate },		\
	[CA_PARENT] = { "parent", "ID", NULL,				\
		"parent class (0: the interface, default)", 0, v_classid }, \
	[CA_PRIORITY] = { "priority", "0-7", NULL,			\
		"priority, 7 highest (default 0)", 0, v_prio },		\
	[CA_BORROW] = { "borrow", "on|off", onoff_choices,		\
		"may use bandwidth its parent does not (default on)", 0,	\
		v_bwm_choice },						\
	[CA_CEILING] = { "ceiling", "RATE", ceil_choices,		\
		"most it may reach by borrowing (default: the parent's)", \
		0, v_rate },						\
	[CA_NAME] = { "name", "NAME", NULL, "a name, for show", 0, v_name }, \
	{ 0 }

static const char *const default_choices[] = { "default", NULL };

static const struct cmd_arg bwm_class_add_args[] = {
	CLASS_ARGS(ARG_REQ, NULL),
};

static const struct cmd_arg bwm_class_set_args[] = {
	CLASS_ARGS(0, default_choices),
};

static const struct cmd_arg bwm_id_args[] = {
	{ NULL, "ID", NULL, "class or filter ID", ARG_POS | ARG_REQ, v_bwm_id },
	{ 0 },
};

enum {
	FA_ID, FA_CLASS, FA_SERVICE, FA_PROTOCOL, FA_SRC, FA_DST, FA_SPORT,
	FA_DPORT,
};

static const struct cmd_arg bwm_filter_add_args[] = {
	[FA_ID] = { NULL, "ID", NULL, "filter ID, 1-65535", ARG_POS | ARG_REQ,
		    v_bwm_id },
	[FA_CLASS] = { "class", "CLASS", NULL, "the class it puts packets in",
		       ARG_REQ, v_classid },
	[FA_SERVICE] = { "service", "ftp|h323|sip|http|https|dns",
			 svc_choices, "a service: its protocol and port",
			 0, v_bwm_choice },
	[FA_PROTOCOL] = { "protocol", "PROTO", proto_choices,
			  "IP protocol: name or 1-255", ARG_OPEN, v_bwm_proto },
	[FA_SRC] = { "src", "ADDR", NULL,
		     "source host, ADDR/LEN net or ADDR-ADDR range", 0,
		     v_arange },
	[FA_DST] = { "dst", "ADDR", NULL,
		     "destination host, ADDR/LEN net or ADDR-ADDR range", 0,
		     v_arange },
	[FA_SPORT] = { "sport", "PORT", NULL, "source port or PORT-PORT", 0,
		       v_prange },
	[FA_DPORT] = { "dport", "PORT", NULL,
		       "destination port or PORT-PORT (user-defined services)",
		       0, v_prange },
	{ 0 },
};

static const struct cmd_arg bwm_show_if_args[] = {
	{ NULL, "IF", NULL, "one interface (default: every enabled one)",
	  ARG_POS | ARG_IFACE, v_ifname },
	{ 0 },
};

static const struct cmd_arg bwm_show_args[] = {
	{ NULL, "IF", NULL, "the interface", ARG_POS | ARG_REQ | ARG_IFACE,
	  v_ifname },
	{ 0 },
};

static int get_num(const char *what, const char *s, uint32_t min, uint32_t max,
		   uint16_t *out)
{
	uint32_t v;
	int r = parse_num32(what, s, min, max, &v);

	if (!r)
		*out = v;
	return r;
}

static int bwm_parse(const struct cmd *c, const struct cmd_vals *v,
	      struct vg_req *req)
{
	struct vg_bwm_req *b = &req->bwm;
	const char *w1 = c->words[1], *w3 = c->words[3];
	const char *const *val = v->val;
	uint32_t u;
	int r = 0;

	req->obj = VG_OBJ_NONE;
	req->cmd = 0;
	memset(b, 0, sizeof(*b));
	if (!strcmp(w1, "flush")) {
		b->op = VG_BWM_OP_FLUSH;
		return 0;
	}
	if (!strcmp(w1, "show")) {
		const char *what = c->words[2];

		b->op = !strcmp(what, "interface") ? VG_BWM_OP_SHOW_IF :
			!strcmp(what, "class") ? VG_BWM_OP_SHOW_CLASS :
						 VG_BWM_OP_SHOW_FILTER;
		if (val[0])
			snprintf(b->o.ifname, sizeof(b->o.ifname), "%s", val[0]);
		return 0;
	}
	snprintf(b->o.ifname, sizeof(b->o.ifname), "%s", v->word[2]);
	if (!strcmp(w1, "interface")) {
		if (!strcmp(w3, "disable")) {
			b->op = VG_BWM_OP_IF_DISABLE;
			return 0;
		}
		b->op = VG_BWM_OP_IF_ENABLE;
		if (val[IE_FAIRNESS] && val[IE_PRIORITY]) {
			vg_err("fairness and priority: one or the other");
			return -EINVAL;
		}
		bwm_parse_rate(val[IE_BANDWIDTH], &b->o.rate);
		b->o.has |= VG_BWM_RATE;
		snprintf(b->what, sizeof(b->what), "bandwidth %s",
			 val[IE_BANDWIDTH]);
		b->o.has |= VG_BWM_MODE;
		b->o.mode = val[IE_PRIORITY] ? VGATE_BWM_MODE_PRIORITY :
					     VGATE_BWM_MODE_FAIRNESS;
		if (val[IE_OVERHEAD]) {
			parse_u32(val[IE_OVERHEAD], &u);
			b->o.overhead = u;
			b->o.has |= VG_BWM_OVERHEAD;
		}
		if (val[IE_ESP]) {
			b->o.esp = !strcmp(val[IE_ESP], "tunnel") ? VGATE_BWM_ESP :
				 !strcmp(val[IE_ESP], "udp") ? VGATE_BWM_ESP_UDP :
							       VGATE_BWM_ESP_NONE;
			b->o.has |= VG_BWM_ESP;
		}
		if (val[IE_LIMIT]) {
			parse_u32(val[IE_LIMIT], &b->o.limit);
			b->o.has |= VG_BWM_LIMIT;
		}
		if (val[IE_DEFAULT]) {
			r = get_num("default", val[IE_DEFAULT], 0,
				    VGATE_BWM_CLASS_ID_MAX, &b->o.defcls);
			b->o.has |= VG_BWM_DEFAULT;
		}
		return r;
	}
	if (!strcmp(w1, "class")) {
		b->op = !strcmp(w3, "add") ? VG_BWM_OP_CLASS_ADD :
			!strcmp(w3, "set") ? VG_BWM_OP_CLASS_SET :
					     VG_BWM_OP_CLASS_DEL;
		r = get_num("class ID", val[CA_ID], 1, VGATE_BWM_CLASS_ID_MAX,
			    &b->o.id);
		if (r || b->op == VG_BWM_OP_CLASS_DEL)
			return r;
		snprintf(b->what, sizeof(b->what), "class %u", b->o.id);
		if (val[CA_BANDWIDTH]) {
			bwm_parse_rate(val[CA_BANDWIDTH], &b->o.rate);
			b->o.has |= VG_BWM_RATE;
		}
		if (val[CA_PARENT]) {
			r = get_num("parent", val[CA_PARENT], 0,
				    VGATE_BWM_CLASS_ID_MAX, &b->o.parent);
			b->o.has |= VG_BWM_PARENT;
		}
		if (val[CA_PRIORITY]) {
			parse_u32(val[CA_PRIORITY], &u);
			b->o.prio = u;
			b->o.has |= VG_BWM_PRIO;
		}
		if (val[CA_BORROW]) {
			b->o.borrow = !strcmp(val[CA_BORROW], "on");
			b->o.has |= VG_BWM_BORROW;
		}
		if (val[CA_CEILING]) {
			if (strcmp(val[CA_CEILING], "default"))
				bwm_parse_rate(val[CA_CEILING], &b->o.ceil);
			b->o.has |= VG_BWM_CEIL;
		}
		if (val[CA_NAME]) {
			snprintf(b->o.name, sizeof(b->o.name), "%s", val[CA_NAME]);
			b->o.has |= VG_BWM_NAME;
		}
		return r;
	}
	/* filter */
	b->op = !strcmp(w3, "add") ? VG_BWM_OP_FILTER_ADD : VG_BWM_OP_FILTER_DEL;
	r = get_num("filter ID", val[FA_ID], 1, 65535, &b->o.id);
	if (r || b->op == VG_BWM_OP_FILTER_DEL)
		return r;
	snprintf(b->what, sizeof(b->what), "filter %u", b->o.id);
	if (!strcmp(val[FA_CLASS], "default"))
		b->o.classid = VGATE_BWM_CLASS_DEFAULT;
	else
		r = get_num("class", val[FA_CLASS], 1, VGATE_BWM_CLASS_ID_MAX,
			    &b->o.classid);
	if (r)
		return r;
	if (val[FA_SERVICE]) {
		const struct vg_name *svc = vg_name_find(vg_bwm_services,
							 vg_n_bwm_services,
							 val[FA_SERVICE]);

		if (svc)
			b->o.service = svc->value;
		b->o.has |= VG_BWM_SERVICE;
	}
	if (val[FA_PROTOCOL]) {
		parse_proto(val[FA_PROTOCOL], &b->o.proto);
		b->o.has |= VG_BWM_PROTO;
	}
	if (val[FA_SRC]) {
		parse_arange(val[FA_SRC], &b->o.src);
		b->o.has |= VG_BWM_SRC;
	}
	if (val[FA_DST]) {
		parse_arange(val[FA_DST], &b->o.dst);
		b->o.has |= VG_BWM_DST;
	}
	if (b->o.has & VG_BWM_SRC && b->o.has & VG_BWM_DST &&
	    b->o.src.family != b->o.dst.family) {
		vg_err("src and dst of different address families");
		return -EINVAL;
	}
	if (val[FA_SPORT]) {
		parse_prange(val[FA_SPORT], b->o.sport);
		b->o.has |= VG_BWM_SPORT;
	}
	if (val[FA_DPORT]) {
		parse_prange(val[FA_DPORT], b->o.dport);
		b->o.has |= VG_BWM_DPORT;
	}
	return 0;
}

/* ---- replies ---- */

/* The replies of a GET: interfaces, or classes or filters with theirs. */
struct items {
	struct vg_bwm_item *v;
	size_t n;
};

static int fetch(uint8_t cmd, const char *ifname, bool dump,
		 struct items *iv, const char *what)
{
	return cli_bwm_fetch(cmd, ifname, dump, &iv->v, &iv->n, what);
}

/* ---- show ---- */

static const char *bwm_mode_name(uint8_t m)
{
	return m == VGATE_BWM_MODE_PRIORITY ? "priority" : "fairness";
}

static const char *bwm_esp_name(uint8_t e)
{
	return e == VGATE_BWM_ESP ? "tunnel" : e == VGATE_BWM_ESP_UDP ? "udp" :
								       "none";
}

/* The counters; rate in text as a rate ("33936k"). */
static void bwm_stats_print(struct pr *p, const uint64_t *st, bool direct)
{
	char buf[32];

	pr_obj_open(p, "stats");
	pr_u64(p, PR_ANY, "bytes", st[VGATE_BWM_STAT_BYTES]);
	pr_u64(p, PR_ANY, "packets", st[VGATE_BWM_STAT_PACKETS]);
	pr_u64(p, PR_ANY, "drops", st[VGATE_BWM_STAT_DROPS]);
	pr_u64(p, PR_ANY, "backlog", st[VGATE_BWM_STAT_BACKLOG]);
	pr_u64(p, PR_ANY, "backlog_bytes", st[VGATE_BWM_STAT_BACKLOG_BYTES]);
	pr_u64(p, PR_JSON, "rate", st[VGATE_BWM_STAT_RATE]);
	pr_str(p, PR_TEXT, "rate",
	       bwm_fmt_rate(st[VGATE_BWM_STAT_RATE], buf, sizeof(buf)));
	pr_u64(p, PR_ANY, "borrowed", st[VGATE_BWM_STAT_BORROWED]);
	pr_u64(p, PR_ANY, "stall_ns", st[VGATE_BWM_STAT_STALL_NS]);
	if (direct)
		pr_u64(p, PR_ANY, "direct", st[VGATE_BWM_STAT_DIRECT]);
	pr_u64(p, PR_ANY, "time_ns", st[VGATE_BWM_STAT_TIME]);
	pr_close(p);
}

/* A rate: JSON bits per second, text as bm takes it ("100m"). */
static void pr_rate(struct pr *p, const char *key, uint64_t v)
{
	char buf[32];

	pr_u64(p, PR_JSON, key, v);
	pr_str(p, PR_TEXT, key, bwm_fmt_rate(v, buf, sizeof(buf)));
}

static const struct pr_col if_cols[] = {
	{ "Interface", "name" }, { "State", "enabled" },
	{ "Bandwidth", "bandwidth" }, { "Mode", "mode" },
	{ "Overhead", "overhead" }, { "ESP", "esp" }, { "Classes", "classes" },
	{ "Filters", "filters" }, { "Bytes", "stats.bytes" },
	{ "Packets", "stats.packets" }, { "Drops", "stats.drops" },
	{ "Backlog", "stats.backlog" }, { "Rate", "stats.rate" },
	{ NULL, NULL }
};
static const int if_widths[] = {
	-15, -8, -10, -9, -8, -6, 7, 7, 12, 10, 8, 8, 10
};

/*
 * One table of "bm show": the items' GET command, whether it is one
 * interface's (classes, filters: the JSON member "interface" before it)
 * or the interfaces' (all of them, or the one named), its columns, the
 * JSON array that holds its rows and how one item prints (the members of
 * its row object).
 */
struct bwm_table {
	uint8_t cmd;
	bool per_if;
	const struct pr_col *cols;
	const int *widths;
	const char *array;
	void (*row)(struct pr *p, const struct vg_bwm_item *x);
};

/* iv as the table t; with ifname, the JSON member "interface" before it. */
static int bwm_table_print(const struct bwm_table *t, const struct items *iv,
			   const char *ifname)
{
	struct pr p;
	size_t i;
	int r;

	pr_init(&p, show_json, false);
	pr_obj_open(&p, NULL);
	if (ifname)
		pr_str(&p, PR_JSON, "interface", ifname);
	pr_table(&p, PR_FIXED, t->cols);
	pr_table_widths(&p, t->widths);
	pr_arr_open(&p, t->array);
	for (i = 0; i < iv->n; i++) {
		pr_obj_open(&p, NULL);
		t->row(&p, &iv->v[i]);
		pr_close(&p);
	}
	pr_close(&p);
	r = pr_table_end(&p, NULL);
	pr_close(&p);
	pr_end(&p);
	return r;
}

/* Fetch the items of t for the interface ifname ("": every one), print them. */
static int bwm_show(const struct bwm_table *t, const char *ifname)
{
	struct items iv = { 0 };
	int r;

	if (t->per_if)
		r = fetch(t->cmd, ifname, true, &iv, ifname);
	else
		r = fetch(t->cmd, ifname, !ifname[0], &iv,
			  ifname[0] ? ifname : NULL);
	if (!r && !vg_dry_run)
		r = bwm_table_print(t, &iv, t->per_if ? ifname : NULL);
	free(iv.v);
	return r;
}

static void if_row(struct pr *p, const struct vg_bwm_item *x)
{
	pr_str(p, PR_ANY, "name", x->ifname);
	pr_bool(p, PR_ANY, "enabled", x->enabled, "enabled", "disabled");
	pr_u64(p, PR_ANY, "link_speed", x->link_speed);
	if (x->enabled) {
		pr_rate(p, "bandwidth", x->rate);
		pr_str(p, PR_ANY, "mode", bwm_mode_name(x->mode));
		pr_u64(p, PR_ANY, "overhead", x->overhead);
		pr_str(p, PR_ANY, "esp", bwm_esp_name(x->esp));
		pr_u64(p, PR_ANY, "limit", x->limit);
		pr_u64(p, PR_ANY, "default_class", x->defcls);
		pr_u64(p, PR_ANY, "classes", x->nclasses);
		pr_u64(p, PR_ANY, "filters", x->nfilters);
		bwm_stats_print(p, x->st, true);
	}
}

static const struct bwm_table if_table = {
	.cmd = VGATE_BWM_CMD_IF_GET, .per_if = false,
	.cols = if_cols, .widths = if_widths,
	.array = "interfaces", .row = if_row
};

static const struct pr_col class_cols[] = {
	{ "ID", "id" }, { "Parent", "parent" }, { "Name", "name" },
	{ "Bandwidth", "bandwidth" }, { "Ceiling", "ceiling" },
	{ "Prio", "priority" }, { "Borrow", "borrow" },
	{ "Bytes", "stats.bytes" }, { "Packets", "stats.packets" },
	{ "Drops", "stats.drops" }, { "Backlog", "stats.backlog" },
	{ "Rate", "stats.rate" }, { NULL, NULL }
};
static const int class_widths[] = {
	-5, -6, -12, -10, -10, -4, -6, 12, 10, 8, 8, 10
};

/* The root (ID 0) has no parent and does not borrow: "-". */
static void class_row(struct pr *p, const struct vg_bwm_item *x)
{
	pr_u64(p, PR_ANY, "id", x->id);
	pr_str(p, PR_ANY, "name", x->name);
	pr_u64(p, x->id ? PR_ANY : PR_JSON, "parent", x->parent);
	pr_rate(p, "bandwidth", x->crate);
	pr_rate(p, "ceiling", x->ceil);
	pr_u64(p, PR_ANY, "priority", x->prio);
	pr_bool(p, x->id ? PR_ANY : PR_JSON, "borrow", x->borrow, "on", "off");
	pr_bool(p, PR_ANY, "leaf", x->leaf, "yes", "no");
	bwm_stats_print(p, x->st, false);
}

static const struct bwm_table class_table = {
	.cmd = VGATE_BWM_CMD_CLASS_GET, .per_if = true,
	.cols = class_cols, .widths = class_widths,
	.array = "classes", .row = class_row
};

static void bwm_fmt_range(const struct in6_addr *a, uint8_t family, char *out,
		      size_t n)
{
	char x[INET6_ADDRSTRLEN], y[INET6_ADDRSTRLEN];
	size_t alen = family == AF_INET ? 4 : 16;

	inet_ntop(family, &a[0], x, sizeof(x));
	inet_ntop(family, &a[1], y, sizeof(y));
	if (!memcmp(&a[0], &a[1], alen))
		snprintf(out, n, "%s", x);
	else
		snprintf(out, n, "%s-%s", x, y);
}

static void fmt_ports(const uint16_t *p, char *out, size_t n)
{
	if (p[0] == p[1])
		snprintf(out, n, "%u", p[0]);
	else
		snprintf(out, n, "%u-%u", p[0], p[1]);
}

static const char *bwm_proto_str(uint8_t p, char *buf, size_t n)
{
	const char *s = bwm_proto_name(p);

	if (s)
		return s;
	snprintf(buf, n, "%u", p);
	return buf;
}

/*
 * One filter as the words of "bm filter IF add" after the class, each
 * " KEYWORD VALUE"; with p, each also a JSON member of that name.
 */
static void filter_words(const struct vg_bwm_item *x, char *out, size_t n,
			 struct pr *p)
{
	char a[100];
	size_t l = 0;

	out[0] = '\0';
#define ADD(key, val) do {						\
		l += snprintf(out + l, l < n ? n - l : 0, " %s %s", key, val); \
		if (p)							\
			pr_str(p, PR_JSON, key, val);			\
	} while (0)
	if (x->has & VG_BWM_SERVICE && x->service <= VGATE_BWM_SVC_MAX)
		ADD("service", svc_name(x->service));
	if (x->has & VG_BWM_PROTO)
		ADD("protocol", bwm_proto_str(x->proto, a, sizeof(a)));
	if (x->has & VG_BWM_SRC) {
		bwm_fmt_range(x->src, x->family, a, sizeof(a));
		ADD("src", a);
	}
	if (x->has & VG_BWM_DST) {
		bwm_fmt_range(x->dst, x->family, a, sizeof(a));
		ADD("dst", a);
	}
	if (x->has & VG_BWM_SPORT) {
		fmt_ports(x->sport, a, sizeof(a));
		ADD("sport", a);
	}
	if (x->has & VG_BWM_DPORT) {
		fmt_ports(x->dport, a, sizeof(a));
		ADD("dport", a);
	}
#undef ADD
}

/* " Criteria": the words' leading space puts two before the column. */
static const struct pr_col filter_cols[] = {
	{ "ID", "id" }, { "Class", "class" }, { "Matches", "matches" },
	{ " Criteria", "criteria" }, { NULL, NULL }
};
static const int filter_widths[] = { -5, -6, 12, 0 };

static void filter_row(struct pr *p, const struct vg_bwm_item *x)
{
	char words[400];

	pr_u64(p, PR_ANY, "id", x->id);
	pr_u64(p, PR_ANY, "class", x->classid);
	filter_words(x, words, sizeof(words), p);
	pr_str(p, PR_TEXT, "criteria", words[0] ? words : " any");
	pr_u64(p, PR_ANY, "matches", x->matches);
}

static const struct bwm_table filter_table = {
	.cmd = VGATE_BWM_CMD_FILTER_GET, .per_if = true,
	.cols = filter_cols, .widths = filter_widths,
	.array = "filters", .row = filter_row
};

/* ---- run ---- */

static int bwm_run(const struct cmd *c, struct vg_req *req)
{
	struct vg_bwm_req *b = &req->bwm;
	char what[200];
	int cmd;

	(void)c;
	switch (b->op) {
	case VG_BWM_OP_SHOW_IF:
		return bwm_show(&if_table, b->o.ifname);
	case VG_BWM_OP_SHOW_CLASS:
		return bwm_show(&class_table, b->o.ifname);
	case VG_BWM_OP_SHOW_FILTER:
		return bwm_show(&filter_table, b->o.ifname);
	case VG_BWM_OP_FLUSH:
		return cli_bwm_flush();
	case VG_BWM_OP_IF_ENABLE:
	case VG_BWM_OP_IF_DISABLE:
		b->o.enabled = b->op == VG_BWM_OP_IF_ENABLE;
		snprintf(what, sizeof(what), "interface %s%s%s", b->o.ifname,
			 b->what[0] ? " " : "", b->what);
		return cli_bwm_request(VGATE_BWM_CMD_IF_SET, &b->o, what);
	case VG_BWM_OP_CLASS_ADD:
	case VG_BWM_OP_CLASS_SET:
	case VG_BWM_OP_CLASS_DEL:
		cmd = b->op == VG_BWM_OP_CLASS_ADD ? VGATE_BWM_CMD_CLASS_NEW :
		      b->op == VG_BWM_OP_CLASS_SET ? VGATE_BWM_CMD_CLASS_SET :
						     VGATE_BWM_CMD_CLASS_DEL;
		snprintf(what, sizeof(what), "class %s %u", b->o.ifname, b->o.id);
		return cli_bwm_request(cmd, &b->o, what);
	case VG_BWM_OP_FILTER_ADD:
	case VG_BWM_OP_FILTER_DEL:
		snprintf(what, sizeof(what), "filter %s %u", b->o.ifname, b->o.id);
		return cli_bwm_request(b->op == VG_BWM_OP_FILTER_ADD ?
				       VGATE_BWM_CMD_FILTER_NEW :
				       VGATE_BWM_CMD_FILTER_DEL, &b->o, what);
	}
	return 0;
}

/* ---- config save ---- */

static void print_classes(FILE *f, const char *ifname, struct vg_bwm_item *c,
			  size_t n)
{
	char r1[32], q[2 * VGATE_BWM_NAME_MAX + 4];
	size_t i, done = 0, pass;
	bool *out = calloc(n ? n : 1, sizeof(*out));

	if (!out)
		return;
	/* parents first: a class is written once its parent is */
	for (pass = 0; done < n && pass <= n; pass++) {
		for (i = 0; i < n; i++) {
			size_t k;
			bool ready = !c[i].parent;

			if (out[i])
				continue;
			for (k = 0; k < n && !ready; k++)
				ready = out[k] && c[k].id == c[i].parent;
			if (!ready)
				continue;
			fprintf(f, "bm class %s add %u bandwidth %s", ifname,
				c[i].id, bwm_fmt_rate(c[i].crate, r1, sizeof(r1)));
			if (c[i].parent)
				fprintf(f, " parent %u", c[i].parent);
			if (c[i].prio)
				fprintf(f, " priority %u", c[i].prio);
			fprintf(f, " borrow %s", c[i].borrow ? "on" : "off");
			if (c[i].borrow && c[i].user_ceil)
				fprintf(f, " ceiling %s",
					bwm_fmt_rate(c[i].user_ceil, r1,
						     sizeof(r1)));
			if (c[i].name[0])	/* may have spaces: quoted */
				fprintf(f, " name %s",
					fmt_word(c[i].name, q, sizeof(q)));
			fputc('\n', f);
			out[i] = true;
			done++;
		}
	}
	free(out);
}

int bwm_config_print(FILE *f)
{
	struct items ifs = { 0 };
	char r1[32];
	size_t i, k;
	int r;

	r = cli_bwm_present();
	if (r <= 0 || vg_dry_run)
		return r < 0 ? r : 0;
	r = fetch(VGATE_BWM_CMD_IF_GET, NULL, true, &ifs, NULL);
	if (r)
		goto out;
	/* flush first: the file re-applies on a box already shaping */
	if (ifs.n)
		fprintf(f, "# Bandwidth manager (vgate_bwm): its own transaction,\n"
			"# committed with the others.\n"
			"bm flush\n");
	for (i = 0; i < ifs.n && !r; i++) {
		struct vg_bwm_item *x = &ifs.v[i];
		struct items cl = { 0 }, fl = { 0 };
		size_t nuser = 0;

		fprintf(f, "bm interface %s enable bandwidth %s %s", x->ifname,
			bwm_fmt_rate(x->rate, r1, sizeof(r1)), bwm_mode_name(x->mode));
		if (x->overhead)
			fprintf(f, " overhead %u", x->overhead);
		if (x->esp)
			fprintf(f, " esp %s", bwm_esp_name(x->esp));
		if (x->limit != VGATE_BWM_LIMIT_DEFAULT)
			fprintf(f, " limit %u", x->limit);
		fputc('\n', f);
		r = fetch(VGATE_BWM_CMD_CLASS_GET, x->ifname, true, &cl,
			  x->ifname);
		if (!r)
			r = fetch(VGATE_BWM_CMD_FILTER_GET, x->ifname, true, &fl,
				  x->ifname);
		if (!r) {
			/* user classes only: not the root or the built-in */
			for (k = 0; k < cl.n; k++)
				if (cl.v[k].id && cl.v[k].id != VGATE_BWM_CLASS_DEFAULT)
					cl.v[nuser++] = cl.v[k];
			print_classes(f, x->ifname, cl.v, nuser);
			if (x->defcls)
				fprintf(f, "bm interface %s enable bandwidth %s %s default %u\n",
					x->ifname,
					bwm_fmt_rate(x->rate, r1, sizeof(r1)),
					bwm_mode_name(x->mode), x->defcls);
			for (k = 0; k < fl.n; k++) {
				char words[400], cls[16];

				filter_words(&fl.v[k], words, sizeof(words), NULL);
				if (fl.v[k].classid == VGATE_BWM_CLASS_DEFAULT)
					snprintf(cls, sizeof(cls), "default");
				else
					snprintf(cls, sizeof(cls), "%u",
						 fl.v[k].classid);
				fprintf(f, "bm filter %s add %u class %s%s\n",
					x->ifname, fl.v[k].id, cls, words);
			}
		}
		free(cl.v);
		free(fl.v);
	}
out:
	free(ifs.v);	/* whatever fetch() left, on every path */
	return r;
}

static const struct cmd bwm_cmds[] = {
	{ { "bm", "interface", CMD_W_IF, "enable" }, bwm_if_enable_args,
	  bwm_parse, bwm_run,
	  "shape IF: its total bandwidth, the mode, packet overhead", 0, CMD_TXN },

	{ { "bm", "interface", CMD_W_IF, "disable" }, bwm_no_args, bwm_parse,
	  bwm_run, "stop shaping IF: its classes and filters go, its previous qdisc is back",
	  0, CMD_TXN },

	{ { "bm", "class", CMD_W_IF, "add" }, bwm_class_add_args, bwm_parse,
	  bwm_run,
	  "add a class: guaranteed bandwidth, parent, priority, borrowing, ceiling",
	  0, CMD_TXN },

	{ { "bm", "class", CMD_W_IF, "set" }, bwm_class_set_args, bwm_parse,
	  bwm_run, "change a class", 0, CMD_TXN },

	{ { "bm", "class", CMD_W_IF, "del" }, bwm_id_args, bwm_parse, bwm_run,
	  "delete a class (no subclasses, no filters naming it)", 0, CMD_TXN },

	{ { "bm", "filter", CMD_W_IF, "add" }, bwm_filter_add_args, bwm_parse,
	  bwm_run, "add a filter: which packets go to a class", 0, CMD_TXN },

	{ { "bm", "filter", CMD_W_IF, "del" }, bwm_id_args, bwm_parse, bwm_run,
	  "delete a filter", 0, CMD_TXN },

	{ { "bm", "flush" }, cmd_no_args, bwm_parse, bwm_run,
	  "stop shaping every interface of the namespace (as disable on each)",
	  0, CMD_TXN },

	{ { "bm", "show", "interface" }, bwm_show_if_args, bwm_parse, bwm_run,
	  "shaped interfaces: settings and totals", 0, 0 },

	{ { "bm", "show", "class" }, bwm_show_args, bwm_parse, bwm_run,
	  "classes of an interface with their statistics", 0, 0 },

	{ { "bm", "show", "filter" }, bwm_show_args, bwm_parse, bwm_run,
	  "filters of an interface with their match counts", 0, 0 },
};

static const struct cmd_group bwm_groups[] = {
	{ "bm", "bandwidth manager (vgate_bwm): interfaces, classes, filters" },
	{ "interface", "shaping of one interface: enable with its bandwidth, or disable" },
	{ "class", "bandwidth classes of an interface" },
	{ "filter", "filters putting packets into classes" },
	{ "show", "show interfaces, classes, filters and their counters" },
};

/* Not part of a vgate -f transaction: the lines run after the commit. */
const struct cmd_subsys bwm_subsys = {
	.name = "bwm",
	.cmds = bwm_cmds,
	.ncmds = ARRAY_SIZE(bwm_cmds),
	.groups = bwm_groups,
	.ngroups = ARRAY_SIZE(bwm_groups),
	.config = bwm_config_print,
	.txn = &vg_family_bwm,
};

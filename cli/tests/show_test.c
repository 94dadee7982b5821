// SPDX-License-Identifier: GPL-2.0
/*
 * show-test [-j] [-e|-P] WHAT: show.c, config.c and check.c on canned data
 * (tests/fake_nl.c); -e: the kernel has no SAs, rules, peers, interfaces
 * or NAT-T socket; -P: no peers (their entries remain).  WHAT:
 *   sa|sad|rule|global|natt|peer [NAME]|KNOB   a show command
 *   config                                config save's formatter
 *   explain                               every verdict reason, one line each
 *   check                                 the warnings on the canned policy
 *   self                                  check_self_rule() cases ("FAIL" lines)
 *   shadow N KIND                         check_shadow() on N generated rules:
 *                                         prints "shadowed S cpu SECONDS", S -1
 *                                         when it gave up (see shadow_gen())
 *   escape                                JSON string escaping
 *   garp [IF]                             ip arp show [interface IF]
 *   garp-get SETTING [IF]                 ip arp ackGratuitous [interface IF]
 *                                         SETTING (no value)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../check.h"
#include "../config.h"
#include "../json.h"
#include "../show.h"

static int explain_all(void)
{
	static const struct {
		uint8_t reason, action, stage;
		uint32_t id;
		const char *peer;
	} cases[] = {
		{ VGATE_WHY_PRE_RULE, VGATE_ACTION_PASS, VGATE_STAGE_PRE, 5, NULL },
		{ VGATE_WHY_PEER_ENTRY, VGATE_ACTION_PROTECT, VGATE_STAGE_PEER, 20, "branch1" },
		{ VGATE_WHY_OVERLAP_SKIP, VGATE_ACTION_PASS, VGATE_STAGE_PEER, 20, "branch1" },
		{ VGATE_WHY_SELF_BYPASS, VGATE_ACTION_PASS, 0, 0, NULL },
		{ VGATE_WHY_POST_RULE, VGATE_ACTION_DROP, VGATE_STAGE_POST, 90, NULL },
		{ VGATE_WHY_POST_DEFAULT, VGATE_ACTION_DROP, 0, 0, NULL },
		{ VGATE_WHY_PEER_BLOCKED, VGATE_ACTION_DROP, VGATE_STAGE_PEER, 20, "branch1" },
	};
	struct vg_flow f = { 0 };
	struct vg_verdict v;
	size_t i;

	parse_addr_quiet("10.1.0.5", &f.src);
	parse_addr_quiet("10.1.2.250", &f.dst);
	f.family = AF_INET;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&v, 0, sizeof(v));
		v.reason = cases[i].reason;
		v.action = cases[i].action;
		v.has = VG_VERDICT_REASON | VG_VERDICT_ACTION;
		if (cases[i].id) {
			v.rule_id = cases[i].id;
			v.stage = cases[i].stage;
			v.has |= VG_VERDICT_RULE_ID | VG_VERDICT_STAGE;
		}
		if (cases[i].peer) {
			strcpy(v.peer_name, cases[i].peer);
			v.has |= VG_VERDICT_PEER_NAME;
		}
		if (i == 0) {
			v.iterations = 1000;
			v.ns = 123456;
			v.has |= VG_VERDICT_ITERATIONS | VG_VERDICT_NS;
		}
		if (show_json && i)
			break;
		show_explain(&f, &v);
	}
	return 0;
}

static void print_warning(const struct vg_rule *a, const struct vg_rule *b,
			  const char *msg, void *arg)
{
	(void)a;
	(void)b;
	(void)arg;
	printf("warning: %s\n", msg);
}

static void print_self(const struct vg_rule *a, const struct vg_ifaddr *i,
		       const char *msg, void *arg)
{
	(void)a;
	(void)i;
	(void)arg;
	printf("warning: %s\n", msg);
}

static int check_all(void)
{
	struct vg_ifaddr ifs[3] = {
		{ "eth1", { 0 }, 24, false }, { "eth0", { 0 }, 24, false },
		{ "eth1", { 0 }, 64, false },
	};
	struct vg_rule *rules;
	struct vg_peer *peers;
	size_t nr, np;

	parse_addr_quiet("10.1.0.1", &ifs[0].addr);
	parse_addr_quiet("192.0.2.1", &ifs[1].addr);
	parse_addr_quiet("fe80::1", &ifs[2].addr);
	vg_nl_dump_rules(&rules, &nr);
	vg_nl_dump_peers(&peers, &np);
	check_shadow(rules, nr, peers, np, print_warning, NULL);
	check_self(rules, nr, ifs, 3, print_self, NULL);
	free(rules);
	free(peers);
	return 0;
}

static void count_shadow(const struct vg_rule *a, const struct vg_rule *b,
			 const char *msg, void *arg)
{
	(void)a;
	(void)b;
	(void)msg;
	(*(int *)arg)++;
}

static void set4(struct vg_range *r, int kind, uint32_t lo, uint32_t hi,
		 uint8_t plen)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->plen = plen;
	r->addr.family = r->end.family = AF_INET;
	r->addr.len = r->end.len = 4;
	lo = htonl(lo);
	hi = htonl(hi);
	memcpy(r->addr.a, &lo, 4);
	memcpy(r->end.a, &hi, 4);
}

/*
 * Policies for the shadow check's cost, n rules of peer gwB, IDs 1..n:
 *   nets   local 10.1.0.0/24, remote 10.128.0.0/24 + k (what "config save"
 *          of a big site-to-site policy looks like); every 1000th rule k
 *          is followed by a post rule with half of its remote /24: shadowed
 *   ports  remote any, proto tcp, rport 1 + k: nothing shadowed
 *   wide   remote 10.0.0.0 + [w - k, 2^20 - 1 - w + k]: every range wider
 *          than the ones before, all in 10.0.0.0/12: nothing shadowed, but
 *          every pair looks alike to the index (the check may give up)
 */
static int shadow_gen(int n, const char *kind)
{
	struct vg_rule *r = calloc(n + n / 1000 + 1, sizeof(*r));
	struct vg_peer p = { .id = 1, .name = "gwB",
			     .admin = VGATE_PEER_ADMIN_UP };
	const uint32_t net = 0x0a000000, w = 1U << 19;
	int i, m = 0, found = 0, ret;
	clock_t t;

	if (!r)
		return 1;
	for (i = 0; i < n; i++) {
		struct vg_rule *ru = &r[m++];

		ru->id = i + 1;
		ru->family = AF_INET;
		ru->stage = VGATE_STAGE_PEER;
		strcpy(ru->peer_name, "gwB");
		ru->action = VGATE_ACTION_PROTECT;
		set4(&ru->local, VG_RANGE_NET, 0x0a010000, 0, 24);
		if (!strcmp(kind, "nets")) {
			set4(&ru->remote, VG_RANGE_NET,
			     0x0a800000 + ((uint32_t)i << 8), 0, 24);
			if (i % 1000 == 0) {
				struct vg_rule *sh = &r[m++];

				*sh = *ru;
				sh->id = n + 1 + i / 1000;
				sh->stage = VGATE_STAGE_POST;
				sh->peer_name[0] = '\0';
				sh->remote.plen = 25;
			}
		} else if (!strcmp(kind, "ports")) {
			ru->proto = 6;
			ru->has |= VG_RULE_RPORT;
			ru->rport.min = ru->rport.max = 1 + i % 65535;
		} else if (!strcmp(kind, "wide")) {
			set4(&ru->remote, VG_RANGE_RANGE, net + w - i,
			     net + (1U << 20) - 1 - w + i, 0);
		} else {
			free(r);
			return 1;
		}
	}
	t = clock();
	ret = check_shadow(r, m, &p, 1, count_shadow, &found);
	printf("shadowed %d cpu %.3f\n", ret < 0 ? ret == -E2BIG ? -1 : ret :
	       found, (double)(clock() - t) / CLOCKS_PER_SEC);
	free(r);
	return 0;
}

/*
 * check_self_rule() against a fixed address list: a rule warns exactly
 * when its local range holds an own address and its remote range overlaps
 * a directly attached network.  Prints a FAIL line per wrong case and
 * returns how many failed.
 */
static int self_cases(void)
{
	static const struct {
		const char *name, *addr;
		uint8_t plen;
		bool loopback;
	} ifdef[] = {
		{ "eth1", "10.1.0.1", 24, false },
		{ "eth0", "192.0.2.1", 24, false },
		{ "lo", "127.0.0.1", 8, true },
		{ "lo", "10.255.0.1", 32, true },
		{ "tun0", "198.51.100.7", 0, false },
		{ "eth1", "fe80::1", 64, false },
		{ "eth1", "fd00:1::1", 64, false },
		{ "eth0", "fd00:99::1", 64, false },
		{ "lo", "::1", 128, true },
	};
	static const struct {
		const char *local, *remote;	/* NULL: any */
		int family;
		uint8_t action;
		uint32_t flags;
		const char *own;		/* expected address, NULL: none */
	} cases[] = {
		/* Remote not attached: no self traffic can match. */
		{ "10.1.0.0/24", "10.2.0.0/24", AF_INET, VGATE_ACTION_PROTECT, 0, NULL },
		{ "10.1.0.0/16", "10.2.0.0/16", AF_INET, VGATE_ACTION_DROP, 0, NULL },
		/* local any, remote any: passes over self traffic. */
		{ NULL, NULL, AF_INET, VGATE_ACTION_DROP, 0, "10.1.0.1" },
		{ NULL, NULL, AF_INET, VGATE_ACTION_PROTECT, 0, "10.1.0.1" },
		{ NULL, NULL, AF_INET, VGATE_ACTION_PASS, 0, NULL },
		{ NULL, NULL, AF_INET, VGATE_ACTION_DROP, VGATE_RULE_F_SELF, NULL },
		/* selftests/self_bypass.sh's entry. */
		{ NULL, "10.1.0.0/16", AF_INET, VGATE_ACTION_PROTECT, 0, "10.1.0.1" },
		{ NULL, "192.0.2.128/25", AF_INET, VGATE_ACTION_DROP, 0, "192.0.2.1" },
		{ NULL, "10.9.0.0/16", AF_INET, VGATE_ACTION_DROP, 0, NULL },
		{ "10.1.0.0/24", NULL, AF_INET, VGATE_ACTION_DROP, 0, "10.1.0.1" },
		{ "10.1.0.1", "10.1.0.200-10.1.0.210", AF_INET, VGATE_ACTION_DROP, 0, "10.1.0.1" },
		/* Own address with another interface's attached network. */
		{ "10.1.0.0/24", "192.0.2.0/24", AF_INET, VGATE_ACTION_DROP, 0, "10.1.0.1" },
		/* The local range misses every own address. */
		{ "10.1.0.2-10.1.0.99", "10.1.0.0/24", AF_INET, VGATE_ACTION_DROP, 0, NULL },
		/* Loopback: 127/8 is no own address, lo has no attached network. */
		{ "127.0.0.0/8", NULL, AF_INET, VGATE_ACTION_DROP, 0, NULL },
		{ NULL, "127.0.0.0/8", AF_INET, VGATE_ACTION_DROP, 0, NULL },
		{ "10.255.0.1", "10.1.0.0/24", AF_INET, VGATE_ACTION_DROP, 0, "10.255.0.1" },
		{ NULL, "10.255.0.0/16", AF_INET, VGATE_ACTION_DROP, 0, NULL },
		/* Prefix 0: an own address without an attached network. */
		{ NULL, "198.51.100.0/24", AF_INET, VGATE_ACTION_DROP, 0, NULL },
		{ "198.51.100.7", "10.1.0.0/24", AF_INET, VGATE_ACTION_DROP, 0, "198.51.100.7" },
		/* IPv6 equivalents. */
		{ "fd00:1::/64", "fd00:2::/64", AF_INET6, VGATE_ACTION_PROTECT, 0, NULL },
		{ NULL, NULL, AF_INET6, VGATE_ACTION_DROP, 0, "fd00:1::1" },
		{ NULL, NULL, AF_INET6, VGATE_ACTION_PASS, 0, NULL },
		{ NULL, NULL, AF_INET6, VGATE_ACTION_DROP, VGATE_RULE_F_SELF, NULL },
		{ NULL, "fd00::/16", AF_INET6, VGATE_ACTION_PROTECT, 0, "fd00:1::1" },
		{ NULL, "fd00:99::8000-fd00:99::8fff", AF_INET6, VGATE_ACTION_DROP, 0, "fd00:99::1" },
		{ "fd00:1::1", NULL, AF_INET6, VGATE_ACTION_DROP, 0, "fd00:1::1" },
		{ "fd00:1::2-fd00:1::ff", "fd00:1::/64", AF_INET6, VGATE_ACTION_DROP, 0, NULL },
		{ NULL, "fd00:2::/48", AF_INET6, VGATE_ACTION_DROP, 0, NULL },
		/* Link-local IPv6 never meets the policy; ::1 is loopback. */
		{ "fe80::/10", NULL, AF_INET6, VGATE_ACTION_DROP, 0, NULL },
		{ NULL, "fe80::/10", AF_INET6, VGATE_ACTION_DROP, 0, NULL },
		{ "::1", NULL, AF_INET6, VGATE_ACTION_DROP, 0, NULL },
	};
	struct vg_ifaddr ifs[sizeof(ifdef) / sizeof(ifdef[0])];
	size_t i, nif = sizeof(ifdef) / sizeof(ifdef[0]), own, net;
	int fails = 0;

	memset(ifs, 0, sizeof(ifs));
	for (i = 0; i < nif; i++) {
		snprintf(ifs[i].name, sizeof(ifs[i].name), "%s", ifdef[i].name);
		parse_addr_quiet(ifdef[i].addr, &ifs[i].addr);
		ifs[i].plen = ifdef[i].plen;
		ifs[i].loopback = ifdef[i].loopback;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vg_rule ru;
		char a[64] = "none";
		bool hit;

		memset(&ru, 0, sizeof(ru));
		ru.id = i + 1;
		ru.family = cases[i].family;
		ru.action = cases[i].action;
		ru.flags = cases[i].flags;
		if ((cases[i].local &&
		     parse_range("local", cases[i].local, &ru.local)) ||
		    (cases[i].remote &&
		     parse_range("remote", cases[i].remote, &ru.remote))) {
			printf("FAIL: case %zu: bad range\n", i + 1);
			fails++;
			continue;
		}
		hit = check_self_rule(&ru, ifs, nif, &own, &net);
		if (hit)
			fmt_addr(&ifs[own].addr, a, sizeof(a));
		if (hit != !!cases[i].own ||
		    (hit && strcmp(a, cases[i].own))) {
			printf("FAIL: case %zu: local %s remote %s action %u flags %u: got %s, want %s\n",
			       i + 1, cases[i].local ? cases[i].local : "any",
			       cases[i].remote ? cases[i].remote : "any",
			       cases[i].action, cases[i].flags, a,
			       cases[i].own ? cases[i].own : "none");
			fails++;
		}
	}
	printf("%zu cases, %d failed\n", i, fails);
	return fails;
}

/* ip arp ackGratuitous [interface IF] SETTING, as parse_garp() fills it. */
static int garp_get(const char *setting, const char *ifname)
{
	struct vg_garp_req g;
	size_t i;

	memset(&g, 0, sizeof(g));
	g.op = VG_GARP_OP_GET;
	for (i = 0; i < n_garp_settings; i++)
		if (!strcmp(garp_settings[i].name, setting))
			g.setting = garp_settings[i].bit;
	if (!g.setting)
		return 1;
	if (ifname) {
		g.iface = true;
		snprintf(g.ifc.ifname, sizeof(g.ifc.ifname), "%s", ifname);
		g.ifc.has = VG_GARP_IFNAME;
	}
	return -show_garp_setting(&g);
}

extern bool fake_empty, fake_no_peers;

int main(int argc, char **argv)
{
	int i = 1;

	if (argc > 1 && !strcmp(argv[1], "-j")) {
		show_json = true;
		i++;
	}
	if (i < argc && !strcmp(argv[i], "-e")) {
		fake_empty = true;
		i++;
	} else if (i < argc && !strcmp(argv[i], "-P")) {
		fake_no_peers = true;
		i++;
	}
	if (i >= argc)
		return 1;
	if (!strcmp(argv[i], "sa"))
		return -show_sa();
	if (!strcmp(argv[i], "sad"))
		return -show_sad();
	if (!strcmp(argv[i], "rule"))
		return -show_rule();
	if (!strcmp(argv[i], "global"))
		return -show_global();
	if (!strcmp(argv[i], "natt"))
		return -show_natt();
	if (!strcmp(argv[i], "peer"))
		return -show_peer(i + 1 < argc ? argv[i + 1] : NULL);
	if (!strcmp(argv[i], "config"))
		return -config_print(stdout);
	if (!strcmp(argv[i], "explain"))
		return explain_all();
	if (!strcmp(argv[i], "check"))
		return check_all();
	if (!strcmp(argv[i], "shadow") && i + 2 < argc)
		return shadow_gen(atoi(argv[i + 1]), argv[i + 2]);
	if (!strcmp(argv[i], "garp"))
		return -show_garp(i + 1 < argc ? argv[i + 1] : NULL);
	if (!strcmp(argv[i], "garp-get") && i + 1 < argc)
		return garp_get(argv[i + 1], i + 2 < argc ? argv[i + 2] : NULL);
	if (!strcmp(argv[i], "self"))
		return self_cases() ? 1 : 0;
	if (!strcmp(argv[i], "escape")) {
		/* Every control character, quote, backslash and UTF-8. */
		char s[64];
		struct json j;
		int k;

		for (k = 1; k < 32; k++)
			s[k - 1] = k;
		strcpy(s + 31, "\"\\/\x7f\xc3\xa9");
		json_init(&j, stdout, false);
		json_obj_open(&j, NULL);
		json_str(&j, "s", s);
		json_arr_open(&j, "empty");
		json_close(&j);
		json_obj_open(&j, "o");
		json_close(&j);
		json_close(&j);
		json_end(&j);
		return 0;
	}
	return -show_knob(argv[i]);
}

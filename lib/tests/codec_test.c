// SPDX-License-Identifier: GPL-2.0
/*
 * Codec round trips: every object of the three families put into a
 * message and read back field by field, has-bits included.
 */
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "codec.h"
#include "fields.h"
#include "msgbuild.h"
#include "tap.h"

static void addr4(struct vg_addr *a, const char *s)
{
	a->family = AF_INET;
	a->len = 4;
	inet_pton(AF_INET, s, a->a);
}

static void addr6(struct vg_addr *a, const char *s)
{
	a->family = AF_INET6;
	a->len = 16;
	inet_pton(AF_INET6, s, a->a);
}

static void test_sa(void)
{
	struct nl_msg *m = tmsg(&vg_family_vgate, VGATE_CMD_SA_NEW);
	struct vg_sa in = { 0 }, out;
	int i;

	in.has = VG_SA_SPI | VG_SA_PROTO | VG_SA_FAMILY | VG_SA_SRC |
		 VG_SA_DST | VG_SA_MODE | VG_SA_ENC | VG_SA_ENC_KEY |
		 VG_SA_AUTH | VG_SA_AUTH_KEY | VG_SA_REPLAY | VG_SA_LIFETIME |
		 VG_SA_FLAGS | VG_SA_REQID | VG_SA_ENCAP | VG_SA_NATOA |
		 VG_SA_OSEQ | VG_SA_ISEQ;
	in.spi = 0x1000;
	in.proto = 50;
	in.family = AF_INET6;
	addr6(&in.src, "fd00::1");
	addr6(&in.dst, "fd00::2");
	in.mode = VGATE_MODE_TUNNEL;
	in.enc = VGATE_ENC_AES_GCM_16;
	in.enc_key_len = 28;
	for (i = 0; i < 28; i++)
		in.enc_key[i] = i;
	in.auth = VGATE_AUTH_HMAC_SHA256_128;
	in.auth_key_len = 32;
	memset(in.auth_key, 0xab, 32);
	in.replay_window = 4096;
	in.lt_has = 1U << VGATE_LT_A_HARD_SECONDS | 1U << VGATE_LT_A_SOFT_BYTES;
	in.lt[VGATE_LT_A_HARD_SECONDS] = 3600;
	in.lt[VGATE_LT_A_SOFT_BYTES] = 1ULL << 40;
	in.flags = VGATE_SA_F_ESN;
	in.reqid = 7;
	in.encap_sport = 4500;
	in.encap_dport = 4501;
	addr4(&in.oa, "10.9.9.9");
	in.oseq = 0x100000005ULL;
	in.iseq = 42;
	CHECK(!vg_sa_put(m, &in), "sa: put");
	CHECK(!vg_sa_get(tnest(m, VGATE_A_SA), &out), "sa: get");
	CHECK(out.has == (in.has & ~(VG_SA_ENC_KEY | VG_SA_AUTH_KEY)),
	      "sa: has bits %#x (keys excepted)", out.has);
	CHECK(out.spi == in.spi && out.proto == 50 && out.family == AF_INET6,
	      "sa: spi, proto, family");
	CHECK(!memcmp(&out.src, &in.src, sizeof(in.src)) &&
	      !memcmp(&out.dst, &in.dst, sizeof(in.dst)), "sa: addresses");
	CHECK(out.mode == in.mode && out.enc == in.enc && out.auth == in.auth,
	      "sa: mode and algorithms");
	CHECK(out.replay_window == 4096 && out.flags == VGATE_SA_F_ESN &&
	      out.reqid == 7, "sa: window, flags, reqid");
	CHECK(out.lt_has == in.lt_has &&
	      out.lt[VGATE_LT_A_HARD_SECONDS] == 3600 &&
	      out.lt[VGATE_LT_A_SOFT_BYTES] == 1ULL << 40, "sa: lifetimes");
	CHECK(out.encap_sport == 4500 && out.encap_dport == 4501 &&
	      !memcmp(&out.oa, &in.oa, sizeof(in.oa)), "sa: encap and NAT-OA");
	CHECK(out.oseq == in.oseq && out.iseq == 42, "sa: sequence numbers");
	/* Keys are write-only: the kernel never sends them, we never read. */
	CHECK(out.enc_key_len == 0 && out.auth_key_len == 0,
	      "sa: keys are not read back");
	nlmsg_free(m);
}

static void test_rule(void)
{
	struct nl_msg *m = tmsg(&vg_family_vgate, VGATE_CMD_RULE_NEW);
	struct vg_rule in = { 0 }, out;

	in.has = VG_RULE_ID | VG_RULE_FAMILY | VG_RULE_PROTO | VG_RULE_LPORT |
		 VG_RULE_RPORT | VG_RULE_ACTION | VG_RULE_SPI_OUT |
		 VG_RULE_SPI_IN | VG_RULE_STAGE | VG_RULE_PEER_NAME |
		 VG_RULE_FLAGS | VG_RULE_DESCR | VG_RULE_AH_SPI_OUT |
		 VG_RULE_AH_SPI_IN | VG_RULE_CPI_OUT | VG_RULE_CPI_IN;
	in.id = 10;
	in.family = AF_INET;
	in.local.kind = VG_RANGE_NET;
	addr4(&in.local.addr, "10.1.0.0");
	in.local.plen = 16;
	in.remote.kind = VG_RANGE_RANGE;
	addr4(&in.remote.addr, "10.2.0.1");
	addr4(&in.remote.end, "10.2.0.9");
	in.proto = 17;
	in.lport.min = in.lport.max = 500;
	in.rport.min = 1000;
	in.rport.max = 2000;
	in.action = VGATE_ACTION_PROTECT;
	in.stage = VGATE_STAGE_PEER;
	strcpy(in.peer_name, "branch1");
	strcpy(in.descr, "a description");
	in.spi_out = 1;
	in.spi_in = 2;
	in.ah_spi_out = 3;
	in.ah_spi_in = 4;
	in.cpi_out = 300;
	in.cpi_in = 301;
	in.flags = VGATE_RULE_F_SELF;
	CHECK(!vg_rule_put(m, &in), "rule: put");
	CHECK(!vg_rule_get(tnest(m, VGATE_A_RULE), &out), "rule: get");
	CHECK(out.has == in.has, "rule: has bits %#x == %#x", out.has, in.has);
	CHECK(out.local.kind == VG_RANGE_NET && out.local.plen == 16 &&
	      !memcmp(out.local.addr.a, in.local.addr.a, 4), "rule: local net");
	CHECK(out.remote.kind == VG_RANGE_RANGE &&
	      !memcmp(out.remote.end.a, in.remote.end.a, 4), "rule: remote range");
	CHECK(out.lport.min == 500 && out.lport.max == 500 &&
	      out.rport.min == 1000 && out.rport.max == 2000, "rule: ports");
	CHECK(!strcmp(out.peer_name, "branch1") &&
	      !strcmp(out.descr, "a description"), "rule: strings");
	CHECK(out.spi_out == 1 && out.spi_in == 2 && out.ah_spi_out == 3 &&
	      out.ah_spi_in == 4 && out.cpi_out == 300 && out.cpi_in == 301,
	      "rule: bundle SPIs and CPIs");
	CHECK(out.action == in.action && out.stage == in.stage &&
	      out.flags == in.flags && out.proto == 17 && out.id == 10,
	      "rule: action, stage, flags, proto, id");
	nlmsg_free(m);
}

/* A protect entry with SPIs, as a RULE_GET reply gives it. */
static void protect_entry(struct vg_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->has = VG_RULE_ID | VG_RULE_FAMILY | VG_RULE_PROTO | VG_RULE_LPORT |
		 VG_RULE_RPORT | VG_RULE_ACTION | VG_RULE_SPI_OUT |
		 VG_RULE_SPI_IN | VG_RULE_STAGE | VG_RULE_PEER_NAME |
		 VG_RULE_FLAGS | VG_RULE_DESCR | VG_RULE_PEER | VG_RULE_STATS;
	r->id = 10;
	r->family = AF_INET;
	r->local.kind = VG_RANGE_NET;
	addr4(&r->local.addr, "10.1.0.0");
	r->local.plen = 16;
	r->remote.kind = VG_RANGE_HOST;
	addr4(&r->remote.addr, "10.2.0.1");
	r->proto = 6;
	r->lport.min = r->lport.max = 22;
	r->rport.max = 65535;
	r->action = VGATE_ACTION_PROTECT;
	r->stage = VGATE_STAGE_PEER;
	strcpy(r->peer_name, "gwB");
	addr4(&r->peer, "192.0.2.2");
	strcpy(r->descr, "ssh to B");
	r->spi_out = 0x1000;
	r->spi_in = 0x1001;
	r->st[VGATE_RULE_STATS_A_PACKETS_OUT] = 5;
}

/* The peer gwB (ID 3, "branch B", 192.0.2.2): the rest is the test's. */
static void peer_gwb(struct vg_peer *p)
{
	memset(p, 0, sizeof(*p));
	p->has = VG_PEER_ID | VG_PEER_NAME | VG_PEER_DESCR | VG_PEER_FAMILY |
		 VG_PEER_ADDR;
	p->id = 3;
	strcpy(p->name, "gwB");
	strcpy(p->descr, "branch B");
	p->family = AF_INET;
	addr4(&p->addr, "192.0.2.2");
}

/* vg_rule_overlay() and vg_peer_overlay(): only the given fields change. */
static void test_overlay(void)
{
	struct vg_rule base, want, set = { 0 };
	struct vg_peer pb, ps = { 0 }, pw;

	protect_entry(&base);
	set.has = VG_RULE_ID | VG_RULE_ACTION;
	set.id = 10;
	set.action = VGATE_ACTION_DROP;
	vg_rule_overlay(&base, &set, VG_RULE_ACTION);
	protect_entry(&want);
	want.action = VGATE_ACTION_DROP;
	want.has &= VG_RULE_CONFIG;
	memset(&want.peer, 0, sizeof(want.peer));
	memset(want.st, 0, sizeof(want.st));
	CHECK(!memcmp(&base, &want, sizeof(base)),
	      "overlay: action drop onto a protect entry changes only the action (stage, peer, selectors, SPIs, descr kept; reply-only fields dropped)");

	/* Cleared: given, not in set->has. */
	memset(&set, 0, sizeof(set));
	set.has = VG_RULE_ID;
	set.id = 10;
	protect_entry(&base);
	vg_rule_overlay(&base, &set, VG_RULE_SPI_OUT | VG_RULE_SPI_IN |
			VG_RULE_DESCR | VG_RULE_LOCAL | VG_RULE_LPORT);
	CHECK(!(base.has & (VG_RULE_SPI_OUT | VG_RULE_SPI_IN | VG_RULE_DESCR |
			    VG_RULE_LPORT)) && !base.spi_out && !base.spi_in &&
	      !base.descr[0] && base.local.kind == VG_RANGE_ANY &&
	      !base.lport.min && !base.lport.max &&
	      base.remote.kind == VG_RANGE_HOST && base.proto == 6 &&
	      (base.has & VG_RULE_RPORT) && base.action == VGATE_ACTION_PROTECT &&
	      !strcmp(base.peer_name, "gwB"),
	      "overlay: given fields absent from the set are cleared, the others kept");

	/* Stage: a new peer, or none. */
	memset(&set, 0, sizeof(set));
	set.has = VG_RULE_STAGE;
	set.stage = VGATE_STAGE_POST;
	protect_entry(&base);
	vg_rule_overlay(&base, &set, VG_RULE_STAGE | VG_RULE_PEER_NAME);
	CHECK(base.stage == VGATE_STAGE_POST && !base.peer_name[0] &&
	      !(base.has & VG_RULE_PEER_NAME) && (base.has & VG_RULE_STAGE),
	      "overlay: stage post drops the peer name");

	peer_gwb(&pb);
	pb.has |= VG_PEER_ADMIN | VG_PEER_OPER | VG_PEER_VIRTUAL |
		  VG_PEER_PMTU | VG_PEER_IPCOMP | VG_PEER_ENTRIES;
	pb.admin = VGATE_PEER_ADMIN_UP;
	pb.oper = VGATE_PEER_OPER_UP;
	pb.pmtu = 1;
	pb.entries = 4;
	pw = pb;
	ps.has = VG_PEER_NAME | VG_PEER_ADMIN;
	strcpy(ps.name, "gwB");
	ps.admin = VGATE_PEER_ADMIN_DOWN;
	vg_peer_overlay(&pb, &ps, VG_PEER_ADMIN);
	pw.admin = VGATE_PEER_ADMIN_DOWN;
	pw.has &= VG_PEER_CONFIG;
	CHECK(!memcmp(&pb, &pw, sizeof(pb)) && !(pb.has & VG_PEER_OPER),
	      "overlay: peer admin down keeps descr, address and the rest (state not resent)");

	memset(&ps, 0, sizeof(ps));
	ps.has = VG_PEER_OPER | VG_PEER_BLOCK;
	ps.oper = VGATE_PEER_OPER_BLOCKED;
	ps.block_seconds = 300;
	vg_peer_overlay(&pb, &ps, VG_PEER_OPER | VG_PEER_BLOCK);
	CHECK((pb.has & (VG_PEER_OPER | VG_PEER_BLOCK)) &&
	      pb.block_seconds == 300 && !strcmp(pb.descr, "branch B") &&
	      pb.admin == VGATE_PEER_ADMIN_DOWN,
	      "overlay: peer block onto the configuration");
}

static void test_peer(void)
{
	struct nl_msg *m = tmsg(&vg_family_vgate, VGATE_CMD_PEER_NEW);
	struct vg_peer in, out;

	peer_gwb(&in);
	in.has |= VG_PEER_HOSTNAME | VG_PEER_ADMIN | VG_PEER_OPER |
		  VG_PEER_BLOCK | VG_PEER_VIRTUAL | VG_PEER_PMTU |
		  VG_PEER_IPCOMP | VG_PEER_SPI_OUT | VG_PEER_SPI_IN;
	strcpy(in.hostname, "gwb.example");
	in.admin = VGATE_PEER_ADMIN_DIALUP;
	in.oper = VGATE_PEER_OPER_BLOCKED;
	in.block_seconds = 60;
	in.virt = 1;
	in.pmtu = 1;
	in.ipcomp = VGATE_IPCOMP_FORCE;
	in.spi_out = 0x10;
	in.spi_in = 0x11;
	CHECK(!vg_peer_put(m, &in), "peer: put");
	CHECK(!vg_peer_get(tnest(m, VGATE_A_PEER), &out), "peer: get");
	CHECK(out.has == in.has, "peer: has bits %#x == %#x", out.has, in.has);
	CHECK(!strcmp(out.name, "gwB") && !strcmp(out.descr, "branch B") &&
	      !strcmp(out.hostname, "gwb.example"), "peer: strings");
	CHECK(out.admin == in.admin && out.oper == in.oper &&
	      out.block_seconds == 60 && out.virt && out.pmtu &&
	      out.ipcomp == in.ipcomp && out.spi_out == 0x10 &&
	      out.spi_in == 0x11 && out.id == 3 &&
	      !memcmp(&out.addr, &in.addr, sizeof(in.addr)), "peer: values");
	nlmsg_free(m);
}

static void test_cfg_flow_encap(void)
{
	struct nl_msg *m = tmsg(&vg_family_vgate, VGATE_CMD_CONFIG_SET);
	struct vg_cfg c = { 0 }, co;
	struct vg_flow f = { 0 }, fo;
	struct vg_encap_sock es = { 0 }, eo;

	c.has = VG_CFG_REPLAY_WINDOW | VG_CFG_MAX_SAS | VG_CFG_DROP_LOG |
		VG_CFG_SWSKIP_OVERLAP | VG_CFG_POST_DEFAULT |
		VG_CFG_ACQUIRE_TIMEOUT | VG_CFG_ACQUIRE_QUEUE |
		VG_CFG_NATT_KEEPALIVE;
	c.replay_window = 64;
	c.max_sas = VGATE_MAX_SAS_MAX;
	c.drop_log = 1;
	c.swskip_overlap = 1;
	c.post_default = VGATE_ACTION_DROP;
	c.acquire_timeout = 30;
	c.acquire_queue = 32;
	c.natt_keepalive = 20;
	f.has = VG_FLOW_PROTO | VG_FLOW_SPORT | VG_FLOW_DPORT | VG_FLOW_DIR |
		VG_FLOW_ITERATIONS;
	f.family = AF_INET;
	addr4(&f.src, "10.1.0.5");
	addr4(&f.dst, "10.2.0.9");
	f.proto = 6;
	f.sport = 1234;
	f.dport = 80;
	f.dir = VGATE_DIR_IN;
	f.iterations = 1000;
	es.has = VG_ENCAP_SOCK_PORT | VG_ENCAP_SOCK_FD;
	es.port = 4500;
	es.fd = 5;
	CHECK(!vg_cfg_put(m, &c) && !vg_flow_put(m, &f) &&
	      !vg_encap_sock_put(m, &es), "config, flow, encap sock: put");
	CHECK(!vg_cfg_get(tnest(m, VGATE_A_CONFIG), &co) &&
	      !memcmp(&c, &co, sizeof(c)), "config: round trip");
	CHECK(!vg_flow_get(tnest(m, VGATE_A_FLOW), &fo) &&
	      !memcmp(&f, &fo, sizeof(f)), "flow: round trip");
	CHECK(!vg_encap_sock_get(tnest(m, VGATE_A_ENCAP_SOCK), &eo) &&
	      !memcmp(&es, &eo, sizeof(es)), "encap sock: round trip");
	nlmsg_free(m);
}

static void test_stats_verdict(void)
{
	struct nl_msg *m = tmsg(&vg_family_vgate, VGATE_CMD_STATS_GET);
	struct nlattr *n, *d;
	struct vg_stats st;
	struct vg_verdict v;

	n = nla_nest_start(m, VGATE_A_STATS);
	nla_put_u32(m, VGATE_STATS_A_SAS, 4);
	nla_put_u64(m, VGATE_STATS_A_DROPPED, 9);
	d = nla_nest_start(m, VGATE_STATS_A_DROPS);
	nla_put_u64(m, VGATE_DROP_MTU, 5);
	nla_put_u64(m, VGATE_DROP_NO_NEXT_HEADER, 4);
	nla_nest_end(m, d);
	nla_nest_end(m, n);
	n = nla_nest_start(m, VGATE_A_VERDICT);
	nla_put_u8(m, VGATE_VERDICT_A_ACTION, VGATE_ACTION_PASS);
	nla_put_u32(m, VGATE_VERDICT_A_RULE_ID, 5);
	nla_put_string(m, VGATE_VERDICT_A_PEER_NAME, "gwB");
	nla_put_u64(m, VGATE_VERDICT_A_NANOSECONDS, 77);
	nla_nest_end(m, n);
	CHECK(!vg_stats_get(tnest(m, VGATE_A_STATS), &st) &&
	      st.v[VGATE_STATS_A_SAS] == 4 &&
	      st.v[VGATE_STATS_A_DROPPED] == 9 &&
	      st.has == (1ULL << VGATE_STATS_A_SAS |
			 1ULL << VGATE_STATS_A_DROPPED),
	      "stats: u32 and u64 counters");
	CHECK(st.drops[VGATE_DROP_MTU] == 5 &&
	      st.drops[VGATE_DROP_NO_NEXT_HEADER] == 4 &&
	      st.drops_has == (1ULL << VGATE_DROP_MTU |
			       1ULL << VGATE_DROP_NO_NEXT_HEADER),
	      "stats: drop reasons");
	CHECK(!vg_verdict_get(tnest(m, VGATE_A_VERDICT), &v) &&
	      v.action == VGATE_ACTION_PASS && v.rule_id == 5 && v.ns == 77 &&
	      !strcmp(v.peer_name, "gwB") &&
	      v.has == (VG_VERDICT_ACTION | VG_VERDICT_RULE_ID |
			VG_VERDICT_PEER_NAME | VG_VERDICT_NS), "verdict");
	nlmsg_free(m);
}

static void test_bad_length(void)
{
	struct nl_msg *m = tmsg(&vg_family_vgate, VGATE_CMD_SA_GET);
	struct nlattr *n = nla_nest_start(m, VGATE_A_SA);
	struct vg_sa sa;

	nla_put_u16(m, VGATE_SA_A_SPI, 1);	/* u32 expected */
	nla_put_u32(m, 250, 1);			/* unknown: skipped */
	nla_nest_end(m, n);
	CHECK(vg_sa_get(tnest(m, VGATE_A_SA), &sa) == -EPROTO,
	      "a known attribute of the wrong size is -EPROTO");
	nlmsg_free(m);
	m = tmsg(&vg_family_vgate, VGATE_CMD_SA_GET);
	n = nla_nest_start(m, VGATE_A_SA);
	nla_put_u32(m, VGATE_SA_A_SPI, 1);
	nla_put_u32(m, 250, 1);
	nla_nest_end(m, n);
	CHECK(!vg_sa_get(tnest(m, VGATE_A_SA), &sa) && sa.has == VG_SA_SPI,
	      "an unknown attribute (newer kernel) is skipped");
	nlmsg_free(m);
}

static void test_garp(void)
{
	struct nl_msg *m = tmsg(&vg_family_garp, VGATE_GARP_CMD_SET);
	struct vg_garp_cfg c = { 0 }, co;
	struct vg_garp_if i = { 0 }, io;
	struct nlattr *n, *cn;

	c.has = VG_GARP_ACTIVE | VG_GARP_FORCE_UPDATE | VG_GARP_RATE_LIMIT |
		VG_GARP_VERIFY_TIMEOUT;
	c.active = 1;
	c.force_update = 1;
	c.rate_limit = VGATE_GARP_RATE_LIMIT_MAX;
	c.verify_timeout = VGATE_GARP_VERIFY_TIMEOUT_MIN;
	i.has = VG_GARP_IFNAME | VG_GARP_IFINDEX | VG_GARP_ACTIVE |
		VG_GARP_RATE_LIMIT;
	strcpy(i.ifname, "eth0");
	i.ifindex = 2;
	i.active = VGATE_GARP_INHERIT;
	i.rate_limit = VGATE_GARP_RATE_INHERIT;
	CHECK(!vg_garp_cfg_put(m, &c) && !vg_garp_if_put(m, &i), "garp: put");
	CHECK(!vg_garp_cfg_get(tnest(m, VGATE_GARP_A_GLOBAL), &co) &&
	      !memcmp(&c, &co, sizeof(c)), "garp: global round trip");
	CHECK(!vg_garp_if_get(tnest(m, VGATE_GARP_A_IF), &io) &&
	      !memcmp(&i, &io, sizeof(i)), "garp: interface round trip");
	nlmsg_free(m);
	/* A reply's counters nest. */
	m = tmsg(&vg_family_garp, VGATE_GARP_CMD_IF_GET);
	n = nla_nest_start(m, VGATE_GARP_A_IF);
	nla_put_string(m, VGATE_GARP_IF_A_IFNAME, "eth1");
	nla_put_u8(m, VGATE_GARP_IF_A_EFF_ACTIVE, 1);
	cn = nla_nest_start(m, VGATE_GARP_IF_A_COUNTERS);
	nla_put_u64(m, VGATE_GARP_CNT_SEEN, 12);
	nla_put_u64(m, VGATE_GARP_CNT_REQUESTS, 3);
	nla_nest_end(m, cn);
	nla_nest_end(m, n);
	CHECK(!vg_garp_if_get(tnest(m, VGATE_GARP_A_IF), &io) &&
	      io.cnt[VGATE_GARP_CNT_SEEN] == 12 &&
	      io.cnt[VGATE_GARP_CNT_REQUESTS] == 3 && io.eff_active == 1 &&
	      (io.has & VG_GARP_COUNTERS), "garp: counters of a reply");
	nlmsg_free(m);
}

static void test_bwm(void)
{
	struct nl_msg *m = tmsg(&vg_family_bwm, VGATE_BWM_CMD_IF_SET);
	struct vg_bwm_obj b = { 0 };
	struct vg_bwm_item x;
	struct nlattr **tb;

	strcpy(b.ifname, "eth0");
	b.has = VG_BWM_RATE | VG_BWM_MODE | VG_BWM_OVERHEAD | VG_BWM_ESP |
		VG_BWM_LIMIT | VG_BWM_DEFAULT;
	b.enabled = 1;
	b.rate = 10000000;
	b.mode = VGATE_BWM_MODE_PRIORITY;
	b.overhead = 14;
	b.esp = VGATE_BWM_ESP_UDP;
	b.limit = 500;
	b.defcls = 3;
	CHECK(!vg_bwm_if_put(m, &b, 1), "bwm: interface put");
	tb = ttop(&vg_family_bwm, m);
	CHECK(tb && !vg_bwm_item_get(tb, &x) && !strcmp(x.ifname, "eth0") &&
	      x.enabled == 1 && x.rate == 10000000 &&
	      x.mode == VGATE_BWM_MODE_PRIORITY && x.overhead == 14 &&
	      x.esp == VGATE_BWM_ESP_UDP && x.limit == 500 && x.defcls == 3,
	      "bwm: interface round trip");
	nlmsg_free(m);

	m = tmsg(&vg_family_bwm, VGATE_BWM_CMD_CLASS_NEW);
	memset(&b, 0, sizeof(b));
	strcpy(b.ifname, "eth0");
	b.has = VG_BWM_RATE | VG_BWM_PARENT | VG_BWM_CEIL | VG_BWM_PRIO |
		VG_BWM_BORROW | VG_BWM_NAME;
	b.id = 2;
	b.rate = 500000;
	b.parent = 1;
	b.ceil = 1000000;
	b.prio = 7;
	b.borrow = 1;
	strcpy(b.name, "voice");
	CHECK(!vg_bwm_if_put(m, &b, 0) && !vg_bwm_class_put(m, &b),
	      "bwm: class put");
	tb = ttop(&vg_family_bwm, m);
	CHECK(tb && !vg_bwm_item_get(tb, &x) && x.id == 2 && x.crate == 500000 &&
	      x.parent == 1 && x.user_ceil == 1000000 && x.prio == 7 &&
	      x.borrow == 1 && !strcmp(x.name, "voice") && x.rate == 0,
	      "bwm: class round trip (and only IFNAME in its IF nest)");
	nlmsg_free(m);

	m = tmsg(&vg_family_bwm, VGATE_BWM_CMD_FILTER_NEW);
	memset(&b, 0, sizeof(b));
	strcpy(b.ifname, "eth0");
	b.has = VG_BWM_SERVICE | VG_BWM_PROTO | VG_BWM_SRC | VG_BWM_DPORT;
	b.id = 9;
	b.classid = 2;
	b.service = VGATE_BWM_SVC_SIP;
	b.proto = 17;
	b.src.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.1", &b.src.min);
	inet_pton(AF_INET, "10.0.0.9", &b.src.max);
	b.dport[0] = 5060;
	b.dport[1] = 5061;
	CHECK(!vg_bwm_if_put(m, &b, 0) && !vg_bwm_filter_put(m, &b, 1),
	      "bwm: filter put");
	tb = ttop(&vg_family_bwm, m);
	CHECK(tb && !vg_bwm_item_get(tb, &x) && x.id == 9 && x.classid == 2 &&
	      x.service == VGATE_BWM_SVC_SIP && x.proto == 17 &&
	      x.family == AF_INET && !memcmp(&x.src[0], &b.src.min, 4) &&
	      !memcmp(&x.src[1], &b.src.max, 4) && x.dport[0] == 5060 &&
	      x.dport[1] == 5061 &&
	      x.has == (VG_BWM_SERVICE | VG_BWM_PROTO | VG_BWM_SRC |
			VG_BWM_DPORT), "bwm: filter round trip");
	nlmsg_free(m);
}

/*
 * The field tables against the schema: an integer member has the size of
 * its attribute's type, strings and addresses are such attributes, no
 * attribute or has-bit is listed twice in an object.
 */
static void test_field_tables(const struct vg_field_table *t)
{
	const struct vg_field *f;
	size_t i, j;
	int type;
	bool ok;

	for (; t->name; t++) {
		ok = true;
		for (i = 0; i < t->n; i++) {
			f = &t->f[i];
			if (f->attr > t->max) {
				ok = false;
				printf("# %s: attribute %u > max %d\n", t->name,
				       f->attr, t->max);
				continue;
			}
			type = t->desc[f->attr].type;
			if ((f->kind == VG_F_INT &&
			     (vg_attr_type_len(type) != f->size ||
			      type == VG_AT_ADDR || type == VG_AT_KEY)) ||
			    (f->kind == VG_F_STR && type != VG_AT_STR) ||
			    (f->kind == VG_F_ADDR && type != VG_AT_ADDR)) {
				ok = false;
				printf("# %s: %s: member of %u bytes, kind %u, schema type %d\n",
				       t->name, t->desc[f->attr].name, f->size,
				       f->kind, type);
			}
			for (j = 0; j < i; j++)
				if (t->f[j].attr == f->attr ||
				    (f->has && t->f[j].has == f->has)) {
					ok = false;
					printf("# %s: %s listed twice\n", t->name,
					       t->desc[f->attr].name);
				}
		}
		CHECK(ok, "field table %s (%zu fields) matches the schema",
		      t->name, t->n);
	}
}

int main(void)
{
	test_field_tables(vg_vgate_field_tables);
	test_field_tables(vg_garp_field_tables);
	test_sa();
	test_rule();
	test_peer();
	test_overlay();
	test_cfg_flow_encap();
	test_stats_verdict();
	test_bad_length();
	test_garp();
	test_bwm();
	return tap_done();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for nl.c with canned kernel replies, to test show.c, json.c,
 * config.c and check.c without the module: two SA pairs (one 3DES), two
 * peers, seven rules in all stages (one PROTECT entry whose inbound SA is
 * missing, one dynamic), global statistics and knobs; and for garp.c the
 * gratuitous-ARP policy: global settings and three interfaces (one
 * inheriting everything, two with overrides).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../config.h"
#include "../grammar.h"
#include "../nl.h"

bool vg_dry_run;
/* show-test -e: no SAs, rules, peers, interfaces, no NAT-T socket; -P: no peers. */
bool fake_empty, fake_no_peers;

static void addr(struct vg_addr *a, const char *s)
{
	parse_addr_quiet(s, a);
}

int vg_nl_dump_sas(struct vg_sa **sas, size_t *n)
{
	struct vg_sa *s;

	if (fake_empty) {
		*sas = NULL;
		*n = 0;
		return 0;
	}
	s = calloc(8, sizeof(*s));

	s[0].spi = 0x1000;
	addr(&s[0].src, "192.0.2.1");
	addr(&s[0].dst, "198.51.100.2");
	s[0].mode = VGATE_MODE_TUNNEL;
	s[0].enc = VGATE_ENC_AES_GCM_16;
	s[0].auth = VGATE_AUTH_NONE;
	s[0].replay_window = 64;
	s[0].seq = 7;
	s[0].age = 12;
	s[0].st[VGATE_SA_STATS_A_PACKETS] = 7;
	s[0].st[VGATE_SA_STATS_A_BYTES] = 588;
	s[0].lt[VGATE_LT_A_HARD_SECONDS] = 3600;
	s[0].lt_has = 1U << VGATE_LT_A_HARD_SECONDS;

	s[1] = s[0];
	s[1].spi = 0x1001;
	addr(&s[1].src, "198.51.100.2");
	addr(&s[1].dst, "192.0.2.1");
	s[1].st[VGATE_SA_STATS_A_PACKETS] = 5;
	s[1].st[VGATE_SA_STATS_A_BYTES] = 420;
	s[1].st[VGATE_SA_STATS_A_REPLAY] = 1;
	s[1].flags = VGATE_SA_F_SOFT_EXPIRED;

	s[2] = s[0];
	s[2].spi = 0x2000;
	s[2].enc = VGATE_ENC_DES3_CBC;
	s[2].auth = VGATE_AUTH_HMAC_SHA1_96;
	addr(&s[2].dst, "198.51.100.3");
	s[2].flags = VGATE_SA_F_WEAK | VGATE_SA_F_EXPIRED;

	s[3] = s[0];
	s[3].spi = 0x3000;
	addr(&s[3].dst, "203.0.113.7");
	s[3].reqid = 30;
	s[3].has |= VG_SA_ENCAP | VG_SA_NATOA;
	s[3].encap_sport = 4500;
	s[3].encap_dport = 4501;
	addr(&s[3].oa, "10.9.9.9");
	s[3].flags = VGATE_SA_F_ESN;
	s[3].oseq = 0x100000005ULL;
	s[3].seq = s[3].oseq;
	s[3].st[VGATE_SA_STATS_A_PACKETS_OUT] = 7;
	s[3].st[VGATE_SA_STATS_A_BYTES_OUT] = 588;

	/* The AH SAs of entry 10's AH+ESP bundle, transport mode. */
	s[4] = s[0];
	s[4].spi = 0x4000;
	s[4].proto = IPPROTO_AH;
	s[4].has |= VG_SA_PROTO;
	s[4].mode = VGATE_MODE_TRANSPORT;
	s[4].enc = 0;
	s[4].auth = VGATE_AUTH_HMAC_SHA256_128;
	s[4].st[VGATE_SA_STATS_A_PACKETS] = 9;
	s[5] = s[4];
	s[5].spi = 0x4001;
	addr(&s[5].src, "198.51.100.2");
	addr(&s[5].dst, "192.0.2.1");

	/* IPComp SAs of entry 10 (cpiOut 0x1100, cpiIn 0x1101) */
	memset(&s[6], 0, sizeof(s[6]));
	s[6].spi = 0x1100;
	s[6].proto = IPPROTO_COMP;
	s[6].comp = VGATE_COMP_DEFLATE;
	s[6].has = VG_SA_COMP;
	addr(&s[6].src, "192.0.2.1");
	addr(&s[6].dst, "198.51.100.2");
	s[6].mode = VGATE_MODE_TUNNEL;
	s[6].st[VGATE_SA_STATS_A_PACKETS] = 7;
	s[6].st[VGATE_SA_STATS_A_PACKETS_OUT] = 7;
	s[6].st[VGATE_SA_STATS_A_COMP_OUT] = 4;
	s[6].st[VGATE_SA_STATS_A_COMP_SMALL_OUT] = 2;
	s[6].st[VGATE_SA_STATS_A_COMP_INCOMPRESSIBLE_OUT] = 1;
	s[6].st[VGATE_SA_STATS_A_COMP_BYTES_BEFORE] = 5600;
	s[6].st[VGATE_SA_STATS_A_COMP_BYTES_AFTER] = 1400;
	s[7] = s[6];
	s[7].spi = 0x1101;
	addr(&s[7].src, "198.51.100.2");
	addr(&s[7].dst, "192.0.2.1");
	s[7].st[VGATE_SA_STATS_A_COMP_OUT] = 0;
	s[7].st[VGATE_SA_STATS_A_COMP_SMALL_OUT] = 0;
	s[7].st[VGATE_SA_STATS_A_COMP_INCOMPRESSIBLE_OUT] = 0;
	s[7].st[VGATE_SA_STATS_A_COMP_BYTES_BEFORE] = 0;
	s[7].st[VGATE_SA_STATS_A_COMP_BYTES_AFTER] = 0;
	s[7].st[VGATE_SA_STATS_A_PACKETS_OUT] = 0;
	s[7].st[VGATE_SA_STATS_A_DECOMP_IN] = 3;
	*sas = s;
	*n = 8;
	return 0;
}

static void range(struct vg_range *r, int kind, const char *a,
		  const char *b, int plen)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	if (kind == VG_RANGE_ANY)
		return;
	addr(&r->addr, a);
	if (kind == VG_RANGE_RANGE)
		addr(&r->end, b);
	r->plen = kind == VG_RANGE_NET ? plen : r->addr.len * 8;
}

/* A PROTECT entry of the peer named peer, at the address ip. */
static void fake_entry(struct vg_rule *r, uint32_t id, const char *peer,
		       const char *ip)
{
	r->id = id;
	r->stage = VGATE_STAGE_PEER;
	r->action = VGATE_ACTION_PROTECT;
	strcpy(r->peer_name, peer);
	addr(&r->peer, ip);
	r->has |= VG_RULE_PEER | VG_RULE_PEER_NAME;
}

/*
 * The policy: pre rule 5 (pass udp 500), peer branch1 (ID 1) with
 * entries 10 (static SAs, 10.1.0.0/16 <-> 10.2.0.0/16) and 20 (tcp
 * 8000-8080, 3DES SA, inbound SA missing, shadowed by 10), peer branch2
 * (ID 2, hostname, dynamic entry 30 with a range), post rule 100 (drop
 * GRE), post rule 110 (drop 10.1.0.0/16 -> any, IPv6 rule 120).
 */
int vg_nl_dump_rules(struct vg_rule **rules, size_t *n)
{
	struct vg_rule *r;
	int i;

	if (fake_empty) {
		*rules = NULL;
		*n = 0;
		return 0;
	}
	r = calloc(7, sizeof(*r));

	for (i = 0; i < 7; i++) {
		r[i].family = AF_INET;
		r[i].has = VG_RULE_ID | VG_RULE_FAMILY | VG_RULE_ACTION |
			   VG_RULE_STAGE;
	}
	fake_entry(&r[0], 20, "branch1", "198.51.100.3");
	r[0].has |= VG_RULE_PROTO | VG_RULE_RPORT | VG_RULE_SPI_OUT |
		    VG_RULE_SPI_IN;
	range(&r[0].local, VG_RANGE_NET, "10.1.0.0", NULL, 16);
	range(&r[0].remote, VG_RANGE_NET, "10.2.0.0", NULL, 16);
	r[0].proto = 6;
	r[0].rport.min = 8000;
	r[0].rport.max = 8080;
	r[0].spi_out = 0x2000;
	r[0].spi_in = 0x2001;

	fake_entry(&r[1], 10, "branch1", "198.51.100.2");
	strcpy(r[1].descr, "LAN to \"HQ\"");
	r[1].has |= VG_RULE_SPI_OUT | VG_RULE_SPI_IN | VG_RULE_DESCR;
	range(&r[1].local, VG_RANGE_NET, "10.1.0.0", NULL, 16);
	range(&r[1].remote, VG_RANGE_NET, "10.2.0.0", NULL, 16);
	r[1].spi_out = 0x1000;
	r[1].spi_in = 0x1001;
	r[1].has |= VG_RULE_AH_SPI_OUT | VG_RULE_AH_SPI_IN;
	r[1].ah_spi_out = 0x4000;
	r[1].ah_spi_in = 0x4001;
	r[1].has |= VG_RULE_CPI_OUT | VG_RULE_CPI_IN;
	r[1].cpi_out = 0x1100;
	r[1].cpi_in = 0x1101;
	r[1].st[VGATE_RULE_STATS_A_PACKETS_OUT] = 7;
	r[1].st[VGATE_RULE_STATS_A_BYTES_OUT] = 588;

	r[2].id = 100;
	r[2].stage = VGATE_STAGE_POST;
	r[2].action = VGATE_ACTION_DROP;
	/* a newer kernel's action or stage this CLI does not know */
	if (getenv("FAKE_RULE100_ACTION"))
		r[2].action = atoi(getenv("FAKE_RULE100_ACTION"));
	if (getenv("FAKE_RULE100_STAGE"))
		r[2].stage = atoi(getenv("FAKE_RULE100_STAGE"));
	r[2].proto = 47;
	r[2].has |= VG_RULE_PROTO;

	r[3].id = 5;
	r[3].stage = VGATE_STAGE_PRE;
	r[3].action = VGATE_ACTION_PASS;
	r[3].proto = 17;
	r[3].lport.min = r[3].lport.max = 500;
	r[3].has |= VG_RULE_PROTO | VG_RULE_LPORT;
	range(&r[3].local, VG_RANGE_HOST, "192.0.2.1", NULL, 0);

	fake_entry(&r[4], 30, "branch2", "203.0.113.7");
	r[4].flags = VGATE_RULE_F_SELF;
	r[4].has |= VG_RULE_FLAGS;
	range(&r[4].local, VG_RANGE_RANGE, "10.1.0.1", "10.1.0.99", 0);
	range(&r[4].remote, VG_RANGE_NET, "10.3.0.0", NULL, 16);

	r[5].id = 110;
	r[5].stage = VGATE_STAGE_POST;
	r[5].action = VGATE_ACTION_DROP;
	range(&r[5].local, VG_RANGE_NET, "10.1.0.0", NULL, 16);

	r[6].id = 120;
	r[6].stage = VGATE_STAGE_POST;
	r[6].action = VGATE_ACTION_PASS;
	r[6].family = AF_INET6;
	*rules = r;
	*n = 7;
	return 0;
}

/* An IPv4 peer with the fields every fake one has. */
static void fake_peer(struct vg_peer *p, uint32_t id, const char *name,
		      const char *ip, uint8_t admin, uint8_t oper,
		      uint32_t entries)
{
	p->id = id;
	strcpy(p->name, name);
	addr(&p->addr, ip);
	p->family = AF_INET;
	p->admin = admin;
	p->oper = oper;
	p->entries = entries;
	p->has = VG_PEER_ID | VG_PEER_NAME | VG_PEER_ADDR | VG_PEER_FAMILY |
		 VG_PEER_ADMIN | VG_PEER_OPER | VG_PEER_ENTRIES;
}

int vg_nl_dump_peers(struct vg_peer **peers, size_t *n)
{
	struct vg_peer *p;

	if (fake_empty || fake_no_peers) {
		*peers = NULL;
		*n = 0;
		return 0;
	}
	p = calloc(2, sizeof(*p));
	fake_peer(&p[0], 2, "branch2", "203.0.113.7", VGATE_PEER_ADMIN_DIALUP,
		  VGATE_PEER_OPER_BLOCKED, 1);
	strcpy(p[0].hostname, "gw2.example.net");
	p[0].has |= VG_PEER_HOSTNAME;

	fake_peer(&p[1], 1, "branch1", "198.51.100.2", VGATE_PEER_ADMIN_UP,
		  VGATE_PEER_OPER_UP, 2);
	strcpy(p[1].descr, "Branch office 1");
	p[1].pmtu = 1;
	p[1].ipcomp = VGATE_IPCOMP_FORCE;
	p[1].has |= VG_PEER_DESCR | VG_PEER_PMTU | VG_PEER_IPCOMP;
	*peers = p;
	*n = 2;
	return 0;
}

int vg_nl_get_peer(const char *name, uint32_t id, struct vg_peer *out)
{
	struct vg_peer *p;
	size_t n, i;
	int r = -ENOENT;

	vg_nl_dump_peers(&p, &n);
	for (i = 0; i < n; i++) {
		if (name ? !strcmp(p[i].name, name) : p[i].id == id) {
			*out = p[i];
			r = 0;
		}
	}
	free(p);
	return r;
}

int vg_nl_explain(const struct vg_req *req, struct vg_verdict *v)
{
	(void)req;
	memset(v, 0, sizeof(*v));
	return 0;
}

int vg_nl_get_stats(struct vg_stats *st)
{
	int i;

	memset(st, 0, sizeof(*st));
	for (i = 1; i <= VGATE_STATS_A_MAX; i++)
		st->v[i] = i * 10;
	for (i = 1; i <= VGATE_DROP_MAX; i++)
		st->drops[i] = i;
	return 0;
}

int vg_nl_get_config(struct vg_cfg *cfg)
{
	cfg->has = VG_CFG_REPLAY_WINDOW | VG_CFG_MAX_SAS | VG_CFG_DROP_LOG |
		   VG_CFG_SWSKIP_OVERLAP | VG_CFG_POST_DEFAULT |
		   VG_CFG_ACQUIRE_TIMEOUT | VG_CFG_ACQUIRE_QUEUE |
		   VG_CFG_NATT_KEEPALIVE;
	cfg->replay_window = 64;
	cfg->max_sas = 1024;
	cfg->drop_log = 1;
	cfg->swskip_overlap = 1;
	cfg->post_default = VGATE_ACTION_DROP;
	cfg->acquire_timeout = 30;
	cfg->acquire_queue = 32;
	cfg->natt_keepalive = 20;
	return 0;
}

int vg_nl_get_encap_sock(uint16_t *port, uint8_t *owner)
{
	if (fake_empty) {
		*port = 0;
		*owner = 0;
		return 0;
	}
	*port = 4500;
	*owner = VGATE_ENCAP_OWNER_KERNEL;
	return 0;
}

int vg_nl_do(const struct vg_req *req)
{
	(void)req;
	return 0;
}

void vg_nl_close(void)
{
}

const char *vg_cmd_name(int cmd)
{
	(void)cmd;
	return "?";
}

/* ---- garp.c: the gratuitous-ARP policy ---- */

int cli_garp_present(void)
{
	return 1;
}

int cli_garp_set_global(const struct vg_garp_cfg *cfg)
{
	(void)cfg;
	return 0;
}

int cli_garp_set_if(const struct vg_garp_if *ifc)
{
	(void)ifc;
	return 0;
}

/* active no, forceUpdate off (defaults), rateLimit 20, verifyTimeout 500. */
int cli_garp_get_global(struct vg_garp_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->has = VG_GARP_ACTIVE | VG_GARP_FORCE_UPDATE | VG_GARP_RATE_LIMIT |
		   VG_GARP_VERIFY_TIMEOUT | VG_GARP_PENDING;
	cfg->rate_limit = 20;
	cfg->verify_timeout = 500;
	cfg->pending = 1;
	return 0;
}

/*
 * lan (2): inherits everything, 5 announcements refused by the policy, one
 * malformed frame; wan (3): active yes, forceUpdate on, rateLimit
 * inherited, counters 1..10; dmz (4): active no, rateLimit 0.
 */
int cli_garp_dump_ifs(struct vg_garp_if **ifs, size_t *n)
{
	static const uint32_t all = VG_GARP_IFINDEX | VG_GARP_IFNAME |
		VG_GARP_ACTIVE | VG_GARP_FORCE_UPDATE | VG_GARP_RATE_LIMIT |
		VG_GARP_EFF_ACTIVE | VG_GARP_EFF_FORCE_UPDATE |
		VG_GARP_EFF_RATE_LIMIT | VG_GARP_COUNTERS;
	struct vg_garp_if *f;
	int i, c;

	if (fake_empty) {
		*ifs = NULL;
		*n = 0;
		return 0;
	}
	f = calloc(3, sizeof(*f));

	for (i = 0; i < 3; i++) {
		f[i].has = all;
		f[i].ifindex = i + 2;
		f[i].active = f[i].force_update = VGATE_GARP_INHERIT;
		f[i].rate_limit = VGATE_GARP_RATE_INHERIT;
		f[i].eff_rate_limit = 20;
	}
	strcpy(f[0].ifname, "lan");
	f[0].cnt[VGATE_GARP_CNT_SEEN] = 5;
	f[0].cnt[VGATE_GARP_CNT_REFUSED_POLICY] = 5;
	f[0].cnt[VGATE_GARP_CNT_MALFORMED] = 1;

	strcpy(f[1].ifname, "wan");
	f[1].active = f[1].eff_active = 1;
	f[1].force_update = f[1].eff_force_update = 1;
	for (c = VGATE_GARP_CNT_ACCEPTED_NEW; c <= VGATE_GARP_CNT_PROBES_SENT; c++)
		f[1].cnt[c] = c - 1;
	f[1].cnt[VGATE_GARP_CNT_SEEN] = 36;	/* 1 + 2 + ... + 8 */
	f[1].cnt[VGATE_GARP_CNT_REQUESTS] = 3;	/* of the 36 */

	strcpy(f[2].ifname, "dmz");
	f[2].active = 0;
	f[2].rate_limit = f[2].eff_rate_limit = 0;
	*ifs = f;
	*n = 3;
	return 0;
}

int cli_garp_get_if(const char *ifname, struct vg_garp_if *out)
{
	struct vg_garp_if *f;
	size_t n, i;
	int r = -ENODEV;

	cli_garp_dump_ifs(&f, &n);
	for (i = 0; i < n; i++) {
		if (!strcmp(f[i].ifname, ifname)) {
			*out = f[i];
			r = 0;
		}
	}
	free(f);
	if (r)
		vg_err("unknown interface \"%s\" (no such device in this network namespace)",
		       ifname);
	return r;
}

/* The bandwidth manager is not part of these tests: nothing to save. */
int bwm_config_print(FILE *f)
{
	(void)f;
	return 0;
}

/*
 * config_print()'s sections (core.c lists the real subsystems, whose
 * command tables these tests do not link): the same writers, in the
 * same order.
 */
static const struct cmd_subsys test_ipsec = {
	.name = "ipsec", .config = config_print_ipsec,
};
static const struct cmd_subsys test_garp = {
	.name = "garp", .config = config_print_garp,
};
static const struct cmd_subsys test_bwm = {
	.name = "bwm", .config = bwm_config_print,
};

const struct cmd_subsys *const cmd_subsystems[] = {
	&test_ipsec, &test_garp, &test_bwm, NULL
};

// SPDX-License-Identifier: GPL-2.0
/*
 * libvgate codec for the family "vgate": struct <-> netlink attributes.
 * No I/O, no printing, no global state: *_put() append one nest to a
 * message under construction, *_get() fill a struct from a nest of a
 * reply or event (unknown attributes of newer kernels are skipped, a
 * known one of the wrong size is -EPROTO).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "codec.h"
#include "fields.h"
#include "schema_tables.h"

#define F VG_FIELD

static const struct vg_field sa_fields[] = {
	F(struct vg_sa, spi, VGATE_SA_A_SPI, VG_F_INT, VG_SA_SPI, VG_F_BOTH),
	F(struct vg_sa, proto, VGATE_SA_A_PROTO, VG_F_INT, VG_SA_PROTO, VG_F_BOTH),
	F(struct vg_sa, family, VGATE_SA_A_FAMILY, VG_F_INT, VG_SA_FAMILY, VG_F_BOTH),
	F(struct vg_sa, src, VGATE_SA_A_SRC, VG_F_ADDR, VG_SA_SRC, VG_F_BOTH),
	F(struct vg_sa, dst, VGATE_SA_A_DST, VG_F_ADDR, VG_SA_DST, VG_F_BOTH),
	F(struct vg_sa, mode, VGATE_SA_A_MODE, VG_F_INT, VG_SA_MODE, VG_F_BOTH),
	F(struct vg_sa, comp, VGATE_SA_A_COMP, VG_F_INT, VG_SA_COMP, VG_F_BOTH),
	F(struct vg_sa, enc, VGATE_SA_A_ENC, VG_F_INT, VG_SA_ENC, VG_F_BOTH),
	F(struct vg_sa, enc_key_bits, VGATE_SA_A_ENC_KEY_BITS, VG_F_INT, 0, VG_F_GET),
	F(struct vg_sa, auth, VGATE_SA_A_AUTH, VG_F_INT, VG_SA_AUTH, VG_F_BOTH),
	F(struct vg_sa, replay_window, VGATE_SA_A_REPLAY_WINDOW, VG_F_INT,
	  VG_SA_REPLAY, VG_F_BOTH),
	F(struct vg_sa, flags, VGATE_SA_A_FLAGS, VG_F_INT, VG_SA_FLAGS, VG_F_BOTH),
	F(struct vg_sa, seq, VGATE_SA_A_SEQ, VG_F_INT, VG_SA_SEQ, VG_F_GET),
	F(struct vg_sa, age, VGATE_SA_A_AGE, VG_F_INT, VG_SA_AGE, VG_F_GET),
	F(struct vg_sa, reqid, VGATE_SA_A_REQID, VG_F_INT, VG_SA_REQID, VG_F_BOTH),
	F(struct vg_sa, oseq, VGATE_SA_A_OSEQ, VG_F_INT, VG_SA_OSEQ, VG_F_BOTH),
	F(struct vg_sa, iseq, VGATE_SA_A_REPLAY_SEQ, VG_F_INT, VG_SA_ISEQ, VG_F_BOTH),
};

static const struct vg_field rule_fields[] = {
	F(struct vg_rule, id, VGATE_RULE_A_ID, VG_F_INT, VG_RULE_ID, VG_F_BOTH),
	F(struct vg_rule, family, VGATE_RULE_A_FAMILY, VG_F_INT, VG_RULE_FAMILY,
	  VG_F_BOTH),
	F(struct vg_rule, stage, VGATE_RULE_A_STAGE, VG_F_INT, VG_RULE_STAGE,
	  VG_F_BOTH),
	F(struct vg_rule, peer_name, VGATE_RULE_A_PEER_NAME, VG_F_STR,
	  VG_RULE_PEER_NAME, VG_F_BOTH),
	F(struct vg_rule, descr, VGATE_RULE_A_DESCR, VG_F_STR, VG_RULE_DESCR,
	  VG_F_BOTH),
	F(struct vg_rule, proto, VGATE_RULE_A_PROTO, VG_F_INT, VG_RULE_PROTO,
	  VG_F_BOTH),
	F(struct vg_rule, action, VGATE_RULE_A_ACTION, VG_F_INT, VG_RULE_ACTION,
	  VG_F_BOTH),
	F(struct vg_rule, peer, VGATE_RULE_A_PEER, VG_F_ADDR, VG_RULE_PEER,
	  VG_F_GET),
	F(struct vg_rule, spi_out, VGATE_RULE_A_SPI_OUT, VG_F_INT, VG_RULE_SPI_OUT,
	  VG_F_BOTH),
	F(struct vg_rule, spi_in, VGATE_RULE_A_SPI_IN, VG_F_INT, VG_RULE_SPI_IN,
	  VG_F_BOTH),
	F(struct vg_rule, ah_spi_out, VGATE_RULE_A_AH_SPI_OUT, VG_F_INT,
	  VG_RULE_AH_SPI_OUT, VG_F_BOTH),
	F(struct vg_rule, ah_spi_in, VGATE_RULE_A_AH_SPI_IN, VG_F_INT,
	  VG_RULE_AH_SPI_IN, VG_F_BOTH),
	F(struct vg_rule, cpi_out, VGATE_RULE_A_CPI_OUT, VG_F_INT, VG_RULE_CPI_OUT,
	  VG_F_BOTH),
	F(struct vg_rule, cpi_in, VGATE_RULE_A_CPI_IN, VG_F_INT, VG_RULE_CPI_IN,
	  VG_F_BOTH),
	F(struct vg_rule, flags, VGATE_RULE_A_FLAGS, VG_F_INT, VG_RULE_FLAGS,
	  VG_F_BOTH),
};

static const struct vg_field peer_fields[] = {
	F(struct vg_peer, id, VGATE_PEER_A_ID, VG_F_INT, VG_PEER_ID, VG_F_BOTH),
	F(struct vg_peer, name, VGATE_PEER_A_NAME, VG_F_STR, VG_PEER_NAME, VG_F_BOTH),
	F(struct vg_peer, descr, VGATE_PEER_A_DESCR, VG_F_STR, VG_PEER_DESCR,
	  VG_F_BOTH),
	F(struct vg_peer, family, VGATE_PEER_A_FAMILY, VG_F_INT, VG_PEER_FAMILY,
	  VG_F_BOTH),
	F(struct vg_peer, addr, VGATE_PEER_A_ADDR, VG_F_ADDR, VG_PEER_ADDR,
	  VG_F_BOTH),
	F(struct vg_peer, hostname, VGATE_PEER_A_HOSTNAME, VG_F_STR,
	  VG_PEER_HOSTNAME, VG_F_BOTH),
	F(struct vg_peer, admin, VGATE_PEER_A_ADMIN, VG_F_INT, VG_PEER_ADMIN,
	  VG_F_BOTH),
	F(struct vg_peer, oper, VGATE_PEER_A_OPER, VG_F_INT, VG_PEER_OPER, VG_F_BOTH),
	F(struct vg_peer, block_seconds, VGATE_PEER_A_BLOCK_SECONDS, VG_F_INT,
	  VG_PEER_BLOCK, VG_F_BOTH),
	F(struct vg_peer, virt, VGATE_PEER_A_VIRTUAL, VG_F_INT, VG_PEER_VIRTUAL,
	  VG_F_BOTH),
	F(struct vg_peer, pmtu, VGATE_PEER_A_PROPAGATE_PMTU, VG_F_INT,
	  VG_PEER_PMTU, VG_F_BOTH),
	F(struct vg_peer, ipcomp, VGATE_PEER_A_IPCOMP, VG_F_INT, VG_PEER_IPCOMP,
	  VG_F_BOTH),
	F(struct vg_peer, ifindex, VGATE_PEER_A_IFINDEX, VG_F_INT, VG_PEER_IFINDEX,
	  VG_F_GET),
	F(struct vg_peer, ifname, VGATE_PEER_A_IFNAME, VG_F_STR, VG_PEER_IFNAME,
	  VG_F_GET),
	F(struct vg_peer, spi_out, VGATE_PEER_A_SPI_OUT, VG_F_INT, VG_PEER_SPI_OUT,
	  VG_F_BOTH),
	F(struct vg_peer, spi_in, VGATE_PEER_A_SPI_IN, VG_F_INT, VG_PEER_SPI_IN,
	  VG_F_BOTH),
	F(struct vg_peer, entries, VGATE_PEER_A_ENTRIES, VG_F_INT, VG_PEER_ENTRIES,
	  VG_F_GET),
};

/* Family and addresses: always sent, no has-bits. */
static const struct vg_field flow_fields[] = {
	F(struct vg_flow, family, VGATE_FLOW_A_FAMILY, VG_F_INT, 0, VG_F_BOTH),
	F(struct vg_flow, src, VGATE_FLOW_A_SRC, VG_F_ADDR, 0, VG_F_BOTH),
	F(struct vg_flow, dst, VGATE_FLOW_A_DST, VG_F_ADDR, 0, VG_F_BOTH),
	F(struct vg_flow, proto, VGATE_FLOW_A_PROTO, VG_F_INT, VG_FLOW_PROTO,
	  VG_F_BOTH),
	F(struct vg_flow, sport, VGATE_FLOW_A_SPORT, VG_F_INT, VG_FLOW_SPORT,
	  VG_F_BOTH),
	F(struct vg_flow, dport, VGATE_FLOW_A_DPORT, VG_F_INT, VG_FLOW_DPORT,
	  VG_F_BOTH),
	F(struct vg_flow, dir, VGATE_FLOW_A_DIR, VG_F_INT, VG_FLOW_DIR, VG_F_BOTH),
	F(struct vg_flow, iterations, VGATE_FLOW_A_ITERATIONS, VG_F_INT,
	  VG_FLOW_ITERATIONS, VG_F_BOTH),
};

static const struct vg_field cfg_fields[] = {
	F(struct vg_cfg, replay_window, VGATE_CFG_A_REPLAY_WINDOW, VG_F_INT,
	  VG_CFG_REPLAY_WINDOW, VG_F_BOTH),
	F(struct vg_cfg, max_sas, VGATE_CFG_A_MAX_SAS, VG_F_INT, VG_CFG_MAX_SAS,
	  VG_F_BOTH),
	F(struct vg_cfg, drop_log, VGATE_CFG_A_DROP_LOG, VG_F_INT, VG_CFG_DROP_LOG,
	  VG_F_BOTH),
	F(struct vg_cfg, swskip_overlap, VGATE_CFG_A_SWSKIP_OVERLAP, VG_F_INT,
	  VG_CFG_SWSKIP_OVERLAP, VG_F_BOTH),
	F(struct vg_cfg, post_default, VGATE_CFG_A_POST_DEFAULT, VG_F_INT,
	  VG_CFG_POST_DEFAULT, VG_F_BOTH),
	F(struct vg_cfg, acquire_timeout, VGATE_CFG_A_ACQUIRE_TIMEOUT, VG_F_INT,
	  VG_CFG_ACQUIRE_TIMEOUT, VG_F_BOTH),
	F(struct vg_cfg, acquire_queue, VGATE_CFG_A_ACQUIRE_QUEUE, VG_F_INT,
	  VG_CFG_ACQUIRE_QUEUE, VG_F_BOTH),
	F(struct vg_cfg, natt_keepalive, VGATE_CFG_A_NATT_KEEPALIVE, VG_F_INT,
	  VG_CFG_NATT_KEEPALIVE, VG_F_BOTH),
};

static const struct vg_field verdict_fields[] = {
	F(struct vg_verdict, action, VGATE_VERDICT_A_ACTION, VG_F_INT,
	  VG_VERDICT_ACTION, VG_F_GET),
	F(struct vg_verdict, reason, VGATE_VERDICT_A_REASON, VG_F_INT,
	  VG_VERDICT_REASON, VG_F_GET),
	F(struct vg_verdict, rule_id, VGATE_VERDICT_A_RULE_ID, VG_F_INT,
	  VG_VERDICT_RULE_ID, VG_F_GET),
	F(struct vg_verdict, stage, VGATE_VERDICT_A_STAGE, VG_F_INT,
	  VG_VERDICT_STAGE, VG_F_GET),
	F(struct vg_verdict, peer_name, VGATE_VERDICT_A_PEER_NAME, VG_F_STR,
	  VG_VERDICT_PEER_NAME, VG_F_GET),
	F(struct vg_verdict, self, VGATE_VERDICT_A_SELF, VG_F_INT,
	  VG_VERDICT_SELF, VG_F_GET),
	F(struct vg_verdict, ns, VGATE_VERDICT_A_NANOSECONDS, VG_F_INT,
	  VG_VERDICT_NS, VG_F_GET),
	F(struct vg_verdict, iterations, VGATE_VERDICT_A_ITERATIONS, VG_F_INT,
	  VG_VERDICT_ITERATIONS, VG_F_GET),
};

static const struct vg_field encap_sock_fields[] = {
	F(struct vg_encap_sock, fd, VGATE_ENCAP_SOCK_A_FD, VG_F_INT,
	  VG_ENCAP_SOCK_FD, VG_F_BOTH),
	F(struct vg_encap_sock, port, VGATE_ENCAP_SOCK_A_PORT, VG_F_INT,
	  VG_ENCAP_SOCK_PORT, VG_F_BOTH),
	F(struct vg_encap_sock, owner, VGATE_ENCAP_SOCK_A_OWNER, VG_F_INT,
	  VG_ENCAP_SOCK_OWNER, VG_F_GET),
};

#undef F
#define N(f) (sizeof(f) / sizeof(f[0]))


#define T(name, f, desc, max) { name, f, sizeof(f) / sizeof(f[0]), desc, max }
const struct vg_field_table vg_vgate_field_tables[] = {
	T("sa", sa_fields, vgate_sa_desc, VGATE_SA_A_MAX),
	T("rule", rule_fields, vgate_rule_desc, VGATE_RULE_A_MAX),
	T("peer", peer_fields, vgate_peer_desc, VGATE_PEER_A_MAX),
	T("flow", flow_fields, vgate_flow_desc, VGATE_FLOW_A_MAX),
	T("config", cfg_fields, vgate_cfg_desc, VGATE_CFG_A_MAX),
	T("verdict", verdict_fields, vgate_verdict_desc, VGATE_VERDICT_A_MAX),
	T("encap sock", encap_sock_fields, vgate_encap_sock_desc,
	  VGATE_ENCAP_SOCK_A_MAX),
	{ NULL }
};
#undef T

static int put_addr(struct nl_msg *m, int type, const struct vg_addr *a)
{
	return nla_put(m, type, a->len, a->a);
}

int vg_sa_put(struct nl_msg *m, const struct vg_sa *sa)
{
	struct nlattr *nest, *en;
	int e = 0;

	nest = vg_fields_nest_start(m, VGATE_A_SA, sa_fields, N(sa_fields), sa, sa->has);
	if (!nest)
		return -EMSGSIZE;
	if (sa->has & VG_SA_ENC_KEY)
		e |= nla_put(m, VGATE_SA_A_ENC_KEY, sa->enc_key_len, sa->enc_key);
	if (sa->has & VG_SA_AUTH_KEY)
		e |= nla_put(m, VGATE_SA_A_AUTH_KEY, sa->auth_key_len, sa->auth_key);
	if (sa->has & VG_SA_LIFETIME)
		e |= vg_u64s_put(m, VGATE_SA_A_LIFETIME, sa->lt, VGATE_LT_A_MAX,
			      sa->lt_has);
	if (sa->has & VG_SA_ENCAP) {
		en = nla_nest_start(m, VGATE_SA_A_ENCAP);
		if (!en)
			return -EMSGSIZE;
		e |= nla_put_u8(m, VGATE_ENCAP_A_TYPE, VGATE_ENCAP_ESPINUDP);
		e |= nla_put_u16(m, VGATE_ENCAP_A_SPORT, sa->encap_sport);
		e |= nla_put_u16(m, VGATE_ENCAP_A_DPORT, sa->encap_dport);
		if (sa->has & VG_SA_NATOA)
			e |= put_addr(m, VGATE_ENCAP_A_OA, &sa->oa);
		nla_nest_end(m, en);
	}
	if (e)
		return -EMSGSIZE;
	return nla_nest_end(m, nest);
}

static int put_range(struct nl_msg *m, int a, int plen, int end,
		     const struct vg_range *r)
{
	int e = 0;

	switch (r->kind) {
	case VG_RANGE_HOST:
		e |= put_addr(m, a, &r->addr);
		break;
	case VG_RANGE_NET:
		e |= put_addr(m, a, &r->addr);
		e |= nla_put_u8(m, plen, r->plen);
		break;
	case VG_RANGE_RANGE:
		e |= put_addr(m, a, &r->addr);
		e |= put_addr(m, end, &r->end);
		break;
	}
	return e;
}

static int put_ports(struct nl_msg *m, int min, int max,
		     const struct vg_ports *p)
{
	return nla_put_u16(m, min, p->min) || nla_put_u16(m, max, p->max);
}

int vg_rule_put(struct nl_msg *m, const struct vg_rule *r)
{
	struct nlattr *nest;
	int e = 0;

	nest = vg_fields_nest_start(m, VGATE_A_RULE, rule_fields, N(rule_fields), r, r->has);
	if (!nest)
		return -EMSGSIZE;
	e |= put_range(m, VGATE_RULE_A_LOCAL, VGATE_RULE_A_LOCAL_PLEN,
		       VGATE_RULE_A_LOCAL_END, &r->local);
	e |= put_range(m, VGATE_RULE_A_REMOTE, VGATE_RULE_A_REMOTE_PLEN,
		       VGATE_RULE_A_REMOTE_END, &r->remote);
	if (r->has & VG_RULE_LPORT)
		e |= put_ports(m, VGATE_RULE_A_LPORT_MIN, VGATE_RULE_A_LPORT_MAX,
			       &r->lport);
	if (r->has & VG_RULE_RPORT)
		e |= put_ports(m, VGATE_RULE_A_RPORT_MIN, VGATE_RULE_A_RPORT_MAX,
			       &r->rport);
	if (e)
		return -EMSGSIZE;
	return nla_nest_end(m, nest);
}

int vg_peer_put(struct nl_msg *m, const struct vg_peer *p)
{
	return vg_fields_put_nest(m, VGATE_A_PEER, peer_fields, N(peer_fields), p, p->has);
}

void vg_rule_overlay(struct vg_rule *base, const struct vg_rule *set,
		     uint32_t given)
{
	given &= VG_RULE_CONFIG;
	base->has &= VG_RULE_CONFIG;
	vg_fields_overlay(rule_fields, N(rule_fields), base, &base->has, set,
			  set->has, given);
	if (given & VG_RULE_LOCAL)
		base->local = set->local;
	if (given & VG_RULE_REMOTE)
		base->remote = set->remote;
	if (given & VG_RULE_LPORT)
		base->lport = set->lport;
	if (given & VG_RULE_RPORT)
		base->rport = set->rport;
	memset(&base->peer, 0, sizeof(base->peer));
	memset(base->st, 0, sizeof(base->st));
}

void vg_peer_overlay(struct vg_peer *base, const struct vg_peer *set,
		     uint32_t given)
{
	base->has &= VG_PEER_CONFIG;
	vg_fields_overlay(peer_fields, N(peer_fields), base, &base->has, set,
			  set->has, given);
}

int vg_flow_put(struct nl_msg *m, const struct vg_flow *f)
{
	return vg_fields_put_nest(m, VGATE_A_FLOW, flow_fields, N(flow_fields), f, f->has);
}

int vg_cfg_put(struct nl_msg *m, const struct vg_cfg *cfg)
{
	return vg_fields_put_nest(m, VGATE_A_CONFIG, cfg_fields, N(cfg_fields), cfg,
			 cfg->has);
}

int vg_encap_sock_put(struct nl_msg *m, const struct vg_encap_sock *es)
{
	return vg_fields_put_nest(m, VGATE_A_ENCAP_SOCK, encap_sock_fields,
			 N(encap_sock_fields), es, es->has);
}

int vg_sa_get(struct nlattr *nest, struct vg_sa *sa)
{
	struct nlattr *tb[VGATE_SA_A_MAX + 1];
	struct nlattr *e[VGATE_ENCAP_A_MAX + 1];
	int r;

	memset(sa, 0, sizeof(*sa));
	r = vg_nest_index(nest, vgate_sa_desc, VGATE_SA_A_MAX, tb);
	if (r)
		return r;
	vg_fields_get(tb, sa_fields, N(sa_fields), sa, &sa->has);
	if (tb[VGATE_SA_A_ENCAP]) {
		r = vg_nest_index(tb[VGATE_SA_A_ENCAP], vgate_encap_desc,
				  VGATE_ENCAP_A_MAX, e);
		if (r)
			return r;
		if (e[VGATE_ENCAP_A_SPORT])
			sa->encap_sport = nla_get_u16(e[VGATE_ENCAP_A_SPORT]);
		if (e[VGATE_ENCAP_A_DPORT])
			sa->encap_dport = nla_get_u16(e[VGATE_ENCAP_A_DPORT]);
		if (e[VGATE_ENCAP_A_OA])
			vg_get_addr(e[VGATE_ENCAP_A_OA], &sa->oa),
			sa->has |= VG_SA_NATOA;
		sa->has |= VG_SA_ENCAP;
	}
	if (tb[VGATE_SA_A_EXPIRE_LIMIT] && tb[VGATE_SA_A_EXPIRE_HARD]) {
		sa->expire_limit = nla_get_u8(tb[VGATE_SA_A_EXPIRE_LIMIT]);
		sa->expire_hard = nla_get_u8(tb[VGATE_SA_A_EXPIRE_HARD]);
		sa->has |= VG_SA_EXPIRE;
	}
	if (tb[VGATE_SA_A_LIFETIME]) {
		r = vg_u64s_get(tb[VGATE_SA_A_LIFETIME], vgate_lt_desc,
			     VGATE_LT_A_MAX, sa->lt, &sa->lt_has);
		if (r)
			return r;
		sa->has |= VG_SA_LIFETIME;
	}
	if (tb[VGATE_SA_A_STATS]) {
		r = vg_u64s_get(tb[VGATE_SA_A_STATS], vgate_sa_stats_desc,
			     VGATE_SA_STATS_A_MAX, sa->st, NULL);
		if (r)
			return r;
		sa->has |= VG_SA_STATS;
	}
	return 0;
}

void vg_get_str(struct nlattr *a, char *out, size_t size)
{
	size_t n = strnlen(nla_data(a), nla_len(a));

	if (n >= size)
		n = size - 1;
	memcpy(out, nla_data(a), n);
	out[n] = '\0';
}

static void get_range(struct nlattr **tb, int a, int plen, int end,
		      struct vg_range *r)
{
	memset(r, 0, sizeof(*r));
	if (!tb[a])
		return;
	vg_get_addr(tb[a], &r->addr);
	r->kind = VG_RANGE_HOST;
	r->plen = r->addr.len * 8;
	if (tb[end]) {
		vg_get_addr(tb[end], &r->end);
		r->kind = VG_RANGE_RANGE;
	} else if (tb[plen]) {
		r->plen = nla_get_u8(tb[plen]);
		if (r->plen == 0)
			r->kind = VG_RANGE_ANY;
		else if (r->plen < r->addr.len * 8)
			r->kind = VG_RANGE_NET;
	}
}

/* A port range: a missing minimum is 0, a missing maximum the minimum. */
static bool get_ports(struct nlattr **tb, int min, int max,
		      struct vg_ports *p)
{
	if (!tb[min] && !tb[max])
		return false;
	p->min = tb[min] ? nla_get_u16(tb[min]) : 0;
	p->max = tb[max] ? nla_get_u16(tb[max]) : tb[min] ? p->min : 65535;
	return true;
}

int vg_rule_get(struct nlattr *nest, struct vg_rule *ru)
{
	struct nlattr *tb[VGATE_RULE_A_MAX + 1];
	int r;

	memset(ru, 0, sizeof(*ru));
	r = vg_nest_index(nest, vgate_rule_desc, VGATE_RULE_A_MAX, tb);
	if (r)
		return r;
	vg_fields_get(tb, rule_fields, N(rule_fields), ru, &ru->has);
	get_range(tb, VGATE_RULE_A_LOCAL, VGATE_RULE_A_LOCAL_PLEN,
		  VGATE_RULE_A_LOCAL_END, &ru->local);
	get_range(tb, VGATE_RULE_A_REMOTE, VGATE_RULE_A_REMOTE_PLEN,
		  VGATE_RULE_A_REMOTE_END, &ru->remote);
	if (get_ports(tb, VGATE_RULE_A_LPORT_MIN, VGATE_RULE_A_LPORT_MAX,
		      &ru->lport))
		ru->has |= VG_RULE_LPORT;
	if (get_ports(tb, VGATE_RULE_A_RPORT_MIN, VGATE_RULE_A_RPORT_MAX,
		      &ru->rport))
		ru->has |= VG_RULE_RPORT;
	/* Older kernels send no stage: a peer's entry or a pre rule. */
	if (!(ru->has & VG_RULE_STAGE))
		ru->stage = ru->has & VG_RULE_PEER_NAME ? VGATE_STAGE_PEER :
			    VGATE_STAGE_PRE;
	if (tb[VGATE_RULE_A_STATS]) {
		r = vg_u64s_get(tb[VGATE_RULE_A_STATS], vgate_rule_stats_desc,
			     VGATE_RULE_STATS_A_MAX, ru->st, NULL);
		if (r)
			return r;
		ru->has |= VG_RULE_STATS;
	}
	return 0;
}

int vg_peer_get(struct nlattr *nest, struct vg_peer *p)
{
	return vg_fields_get_nest(nest, vgate_peer_desc, VGATE_PEER_A_MAX, peer_fields,
			 N(peer_fields), p, sizeof(*p), &p->has);
}

int vg_stats_get(struct nlattr *nest, struct vg_stats *st)
{
	struct nlattr *sub[VGATE_STATS_A_MAX + 1];
	struct nlattr *a;
	int r, t, rem;

	memset(st, 0, sizeof(*st));
	r = vg_nest_index(nest, vgate_stats_desc, VGATE_STATS_A_MAX, sub);
	if (r)
		return r;
	for (t = 1; t <= VGATE_STATS_A_MAX; t++) {
		if (!sub[t] || t == VGATE_STATS_A_DROPS)
			continue;
		st->v[t] = vg_attr_type_len(vgate_stats_desc[t].type) == 4 ?
			nla_get_u32(sub[t]) : nla_get_u64(sub[t]);
		st->has |= 1ULL << t;
	}
	if (sub[VGATE_STATS_A_DROPS]) {
		/* Type 0 is no reason; it can only be padding. */
		nla_for_each_nested(a, sub[VGATE_STATS_A_DROPS], rem) {
			t = nla_type(a);
			if (t <= 0 || t > VGATE_DROP_MAX || nla_len(a) < 8)
				continue;
			st->drops[t] = nla_get_u64(a);
			st->drops_has |= 1ULL << t;
		}
	}
	return 0;
}

int vg_cfg_get(struct nlattr *nest, struct vg_cfg *cfg)
{
	return vg_fields_get_nest(nest, vgate_cfg_desc, VGATE_CFG_A_MAX, cfg_fields,
			 N(cfg_fields), cfg, sizeof(*cfg), &cfg->has);
}

int vg_verdict_get(struct nlattr *nest, struct vg_verdict *v)
{
	return vg_fields_get_nest(nest, vgate_verdict_desc, VGATE_VERDICT_A_MAX,
			 verdict_fields, N(verdict_fields), v, sizeof(*v),
			 &v->has);
}

int vg_encap_sock_get(struct nlattr *nest, struct vg_encap_sock *es)
{
	return vg_fields_get_nest(nest, vgate_encap_sock_desc, VGATE_ENCAP_SOCK_A_MAX,
			 encap_sock_fields, N(encap_sock_fields), es, sizeof(*es),
			 &es->has);
}

int vg_flow_get(struct nlattr *nest, struct vg_flow *f)
{
	return vg_fields_get_nest(nest, vgate_flow_desc, VGATE_FLOW_A_MAX, flow_fields,
			 N(flow_fields), f, sizeof(*f), &f->has);
}

/* ---- indexing ---- */

int vg_attrs_index(struct nlattr *head, int len, const struct vg_attr_desc *d,
		   int max, struct nlattr **tb)
{
	struct nlattr *a;
	int rem, t, want;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	nla_for_each_attr(a, head, len, rem) {
		t = nla_type(a);
		if (t <= 0 || t > max || d[t].type == VG_AT_NONE ||
		    d[t].type == VG_AT_PAD)
			continue;
		want = vg_attr_type_len(d[t].type);
		if ((want && nla_len(a) < want) ||
		    (d[t].type == VG_AT_ADDR && nla_len(a) != 4 &&
		     nla_len(a) != 16))
			return -EPROTO;
		tb[t] = a;
	}
	return 0;
}

int vg_nest_index(struct nlattr *nest, const struct vg_attr_desc *d, int max,
		  struct nlattr **tb)
{
	return vg_attrs_index(nla_data(nest), nla_len(nest), d, max, tb);
}

int vg_genl_index(const struct vg_family_desc *f, struct nlmsghdr *nlh,
		  struct nlattr **tb)
{
	struct genlmsghdr *g = nlmsg_data(nlh);

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -EPROTO;
	return vg_attrs_index(genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0),
			      f->top, f->top_max, tb);
}

/* ---- events ---- */

int vg_event_decode(struct nlmsghdr *nlh, struct vg_event *ev)
{
	struct nlattr *tb[VGATE_A_MAX + 1];
	struct genlmsghdr *g = nlmsg_data(nlh);
	int r;

	memset(ev, 0, sizeof(*ev));
	r = vg_genl_index(&vg_family_vgate, nlh, tb);
	if (r)
		return r;
	ev->cmd = g->cmd;
	switch (g->cmd) {
	case VGATE_CMD_ACQUIRE:
		if (!tb[VGATE_A_RULE] || !tb[VGATE_A_FLOW])
			return -EPROTO;
		r = vg_rule_get(tb[VGATE_A_RULE], &ev->acquire.rule);
		if (!r)
			r = vg_flow_get(tb[VGATE_A_FLOW], &ev->acquire.flow);
		if (!r && tb[VGATE_A_PEER])
			r = vg_peer_get(tb[VGATE_A_PEER], &ev->acquire.peer);
		return r;
	case VGATE_CMD_SA_EXPIRE:
		if (!tb[VGATE_A_SA])
			return -EPROTO;
		r = vg_sa_get(tb[VGATE_A_SA], &ev->expire);
		if (!r && !(ev->expire.has & VG_SA_EXPIRE))
			r = -EPROTO;
		return r;
	}
	return -EOPNOTSUPP;	/* an event of a newer kernel */
}

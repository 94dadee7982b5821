// SPDX-License-Identifier: GPL-2.0
/*
 * libvgate codec for the family "vgate": struct <-> netlink attributes.
 * No I/O, no printing, no global state: *_put() append one nest to a
 * message under construction, *_get() fill a struct from a nest of a
 * reply or event (unknown attributes of newer kernels are skipped, a
 * known one of the wrong size is -EPROTO).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "codec.h"
#include "schema_tables.h"

static int put_addr(struct nl_msg *m, int type, const struct vg_addr *a)
{
	return nla_put(m, type, a->len, a->a);
}

int vg_sa_put(struct nl_msg *m, const struct vg_sa *sa)
{
	struct nlattr *nest, *lt;
	int t, e = 0;

	nest = nla_nest_start(m, VGATE_A_SA);
	if (!nest)
		return -EMSGSIZE;
	if (sa->has & VG_SA_SPI)
		e |= nla_put_u32(m, VGATE_SA_A_SPI, sa->spi);
	if (sa->has & VG_SA_PROTO)
		e |= nla_put_u8(m, VGATE_SA_A_PROTO, sa->proto);
	if (sa->has & VG_SA_FAMILY)
		e |= nla_put_u16(m, VGATE_SA_A_FAMILY, sa->family);
	if (sa->has & VG_SA_SRC)
		e |= put_addr(m, VGATE_SA_A_SRC, &sa->src);
	if (sa->has & VG_SA_DST)
		e |= put_addr(m, VGATE_SA_A_DST, &sa->dst);
	if (sa->has & VG_SA_MODE)
		e |= nla_put_u8(m, VGATE_SA_A_MODE, sa->mode);
	if (sa->has & VG_SA_COMP)
		e |= nla_put_u16(m, VGATE_SA_A_COMP, sa->comp);
	if (sa->has & VG_SA_ENC)
		e |= nla_put_u16(m, VGATE_SA_A_ENC, sa->enc);
	if (sa->has & VG_SA_ENC_KEY)
		e |= nla_put(m, VGATE_SA_A_ENC_KEY, sa->enc_key_len, sa->enc_key);
	if (sa->has & VG_SA_AUTH)
		e |= nla_put_u16(m, VGATE_SA_A_AUTH, sa->auth);
	if (sa->has & VG_SA_AUTH_KEY)
		e |= nla_put(m, VGATE_SA_A_AUTH_KEY, sa->auth_key_len, sa->auth_key);
	if (sa->has & VG_SA_REPLAY)
		e |= nla_put_u32(m, VGATE_SA_A_REPLAY_WINDOW, sa->replay_window);
	if (sa->has & VG_SA_LIFETIME) {
		lt = nla_nest_start(m, VGATE_SA_A_LIFETIME);
		if (!lt)
			return -EMSGSIZE;
		for (t = 1; t <= VGATE_LT_A_MAX; t++)
			if (sa->lt_has & (1U << t))
				e |= nla_put_u64(m, t, sa->lt[t]);
		nla_nest_end(m, lt);
	}
	if (sa->has & VG_SA_FLAGS)
		e |= nla_put_u32(m, VGATE_SA_A_FLAGS, sa->flags);
	if (sa->has & VG_SA_REQID)
		e |= nla_put_u32(m, VGATE_SA_A_REQID, sa->reqid);
	if (sa->has & VG_SA_ENCAP) {
		lt = nla_nest_start(m, VGATE_SA_A_ENCAP);
		if (!lt)
			return -EMSGSIZE;
		e |= nla_put_u8(m, VGATE_ENCAP_A_TYPE, VGATE_ENCAP_ESPINUDP);
		e |= nla_put_u16(m, VGATE_ENCAP_A_SPORT, sa->encap_sport);
		e |= nla_put_u16(m, VGATE_ENCAP_A_DPORT, sa->encap_dport);
		if (sa->has & VG_SA_NATOA)
			e |= put_addr(m, VGATE_ENCAP_A_OA, &sa->oa);
		nla_nest_end(m, lt);
	}
	if (sa->has & VG_SA_OSEQ)
		e |= nla_put_u64(m, VGATE_SA_A_OSEQ, sa->oseq);
	if (sa->has & VG_SA_ISEQ)
		e |= nla_put_u64(m, VGATE_SA_A_REPLAY_SEQ, sa->iseq);
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

int vg_rule_put(struct nl_msg *m, const struct vg_rule *r)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_A_RULE);
	int e = 0;

	if (!nest)
		return -EMSGSIZE;
	if (r->has & VG_RULE_ID)
		e |= nla_put_u32(m, VGATE_RULE_A_ID, r->id);
	if (r->has & VG_RULE_FAMILY)
		e |= nla_put_u16(m, VGATE_RULE_A_FAMILY, r->family);
	if (r->has & VG_RULE_STAGE)
		e |= nla_put_u8(m, VGATE_RULE_A_STAGE, r->stage);
	if (r->has & VG_RULE_PEER_NAME)
		e |= nla_put_string(m, VGATE_RULE_A_PEER_NAME, r->peer_name);
	if (r->has & VG_RULE_DESCR)
		e |= nla_put_string(m, VGATE_RULE_A_DESCR, r->descr);
	e |= put_range(m, VGATE_RULE_A_LOCAL, VGATE_RULE_A_LOCAL_PLEN,
		  VGATE_RULE_A_LOCAL_END, &r->local);
	e |= put_range(m, VGATE_RULE_A_REMOTE, VGATE_RULE_A_REMOTE_PLEN,
		  VGATE_RULE_A_REMOTE_END, &r->remote);
	if (r->has & VG_RULE_PROTO)
		e |= nla_put_u8(m, VGATE_RULE_A_PROTO, r->proto);
	if (r->has & VG_RULE_LPORT) {
		e |= nla_put_u16(m, VGATE_RULE_A_LPORT_MIN, r->lport.min);
		e |= nla_put_u16(m, VGATE_RULE_A_LPORT_MAX, r->lport.max);
	}
	if (r->has & VG_RULE_RPORT) {
		e |= nla_put_u16(m, VGATE_RULE_A_RPORT_MIN, r->rport.min);
		e |= nla_put_u16(m, VGATE_RULE_A_RPORT_MAX, r->rport.max);
	}
	if (r->has & VG_RULE_ACTION)
		e |= nla_put_u8(m, VGATE_RULE_A_ACTION, r->action);
	if (r->has & VG_RULE_SPI_OUT)
		e |= nla_put_u32(m, VGATE_RULE_A_SPI_OUT, r->spi_out);
	if (r->has & VG_RULE_SPI_IN)
		e |= nla_put_u32(m, VGATE_RULE_A_SPI_IN, r->spi_in);
	if (r->has & VG_RULE_AH_SPI_OUT)
		e |= nla_put_u32(m, VGATE_RULE_A_AH_SPI_OUT, r->ah_spi_out);
	if (r->has & VG_RULE_AH_SPI_IN)
		e |= nla_put_u32(m, VGATE_RULE_A_AH_SPI_IN, r->ah_spi_in);
	if (r->has & VG_RULE_CPI_OUT)
		e |= nla_put_u16(m, VGATE_RULE_A_CPI_OUT, r->cpi_out);
	if (r->has & VG_RULE_CPI_IN)
		e |= nla_put_u16(m, VGATE_RULE_A_CPI_IN, r->cpi_in);
	if (r->has & VG_RULE_FLAGS)
		e |= nla_put_u32(m, VGATE_RULE_A_FLAGS, r->flags);
	if (e)
		return -EMSGSIZE;
	return nla_nest_end(m, nest);
}

int vg_peer_put(struct nl_msg *m, const struct vg_peer *p)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_A_PEER);
	int e = 0;

	if (!nest)
		return -EMSGSIZE;
	if (p->has & VG_PEER_ID)
		e |= nla_put_u32(m, VGATE_PEER_A_ID, p->id);
	if (p->has & VG_PEER_NAME)
		e |= nla_put_string(m, VGATE_PEER_A_NAME, p->name);
	if (p->has & VG_PEER_DESCR)
		e |= nla_put_string(m, VGATE_PEER_A_DESCR, p->descr);
	if (p->has & VG_PEER_FAMILY)
		e |= nla_put_u16(m, VGATE_PEER_A_FAMILY, p->family);
	if (p->has & VG_PEER_ADDR)
		e |= put_addr(m, VGATE_PEER_A_ADDR, &p->addr);
	if (p->has & VG_PEER_HOSTNAME)
		e |= nla_put_string(m, VGATE_PEER_A_HOSTNAME, p->hostname);
	if (p->has & VG_PEER_ADMIN)
		e |= nla_put_u8(m, VGATE_PEER_A_ADMIN, p->admin);
	if (p->has & VG_PEER_OPER)
		e |= nla_put_u8(m, VGATE_PEER_A_OPER, p->oper);
	if (p->has & VG_PEER_BLOCK)
		e |= nla_put_u32(m, VGATE_PEER_A_BLOCK_SECONDS, p->block_seconds);
	if (p->has & VG_PEER_VIRTUAL)
		e |= nla_put_u8(m, VGATE_PEER_A_VIRTUAL, p->virt);
	if (p->has & VG_PEER_PMTU)
		e |= nla_put_u8(m, VGATE_PEER_A_PROPAGATE_PMTU, p->pmtu);
	if (p->has & VG_PEER_IPCOMP)
		e |= nla_put_u8(m, VGATE_PEER_A_IPCOMP, p->ipcomp);
	if (p->has & VG_PEER_SPI_OUT)
		e |= nla_put_u32(m, VGATE_PEER_A_SPI_OUT, p->spi_out);
	if (p->has & VG_PEER_SPI_IN)
		e |= nla_put_u32(m, VGATE_PEER_A_SPI_IN, p->spi_in);
	if (e)
		return -EMSGSIZE;
	return nla_nest_end(m, nest);
}

int vg_flow_put(struct nl_msg *m, const struct vg_flow *f)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_A_FLOW);
	int e = 0;

	if (!nest)
		return -EMSGSIZE;
	e |= nla_put_u16(m, VGATE_FLOW_A_FAMILY, f->family);
	e |= put_addr(m, VGATE_FLOW_A_SRC, &f->src);
	e |= put_addr(m, VGATE_FLOW_A_DST, &f->dst);
	if (f->has & VG_FLOW_PROTO)
		e |= nla_put_u8(m, VGATE_FLOW_A_PROTO, f->proto);
	if (f->has & VG_FLOW_SPORT)
		e |= nla_put_u16(m, VGATE_FLOW_A_SPORT, f->sport);
	if (f->has & VG_FLOW_DPORT)
		e |= nla_put_u16(m, VGATE_FLOW_A_DPORT, f->dport);
	if (f->has & VG_FLOW_DIR)
		e |= nla_put_u8(m, VGATE_FLOW_A_DIR, f->dir);
	if (f->has & VG_FLOW_ITERATIONS)
		e |= nla_put_u32(m, VGATE_FLOW_A_ITERATIONS, f->iterations);
	if (e)
		return -EMSGSIZE;
	return nla_nest_end(m, nest);
}

int vg_cfg_put(struct nl_msg *m, const struct vg_cfg *cfg)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_A_CONFIG);
	int e = 0;

	if (!nest)
		return -EMSGSIZE;
	if (cfg->has & VG_CFG_REPLAY_WINDOW)
		e |= nla_put_u32(m, VGATE_CFG_A_REPLAY_WINDOW, cfg->replay_window);
	if (cfg->has & VG_CFG_MAX_SAS)
		e |= nla_put_u32(m, VGATE_CFG_A_MAX_SAS, cfg->max_sas);
	if (cfg->has & VG_CFG_DROP_LOG)
		e |= nla_put_u8(m, VGATE_CFG_A_DROP_LOG, cfg->drop_log);
	if (cfg->has & VG_CFG_SWSKIP_OVERLAP)
		e |= nla_put_u8(m, VGATE_CFG_A_SWSKIP_OVERLAP, cfg->swskip_overlap);
	if (cfg->has & VG_CFG_POST_DEFAULT)
		e |= nla_put_u8(m, VGATE_CFG_A_POST_DEFAULT, cfg->post_default);
	if (cfg->has & VG_CFG_ACQUIRE_TIMEOUT)
		e |= nla_put_u32(m, VGATE_CFG_A_ACQUIRE_TIMEOUT, cfg->acquire_timeout);
	if (cfg->has & VG_CFG_ACQUIRE_QUEUE)
		e |= nla_put_u32(m, VGATE_CFG_A_ACQUIRE_QUEUE, cfg->acquire_queue);
	if (cfg->has & VG_CFG_NATT_KEEPALIVE)
		e |= nla_put_u32(m, VGATE_CFG_A_NATT_KEEPALIVE, cfg->natt_keepalive);
	if (e)
		return -EMSGSIZE;
	return nla_nest_end(m, nest);
}

static void get_addr(struct nlattr *a, struct vg_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->len = nla_len(a);
	out->family = out->len == 16 ? AF_INET6 : AF_INET;
	memcpy(out->a, nla_data(a), out->len);
}

int vg_sa_get(struct nlattr *nest, struct vg_sa *sa)
{
	struct nlattr *tb[VGATE_SA_A_MAX + 1];
	struct nlattr *sub[VGATE_SA_STATS_A_MAX + 1 > VGATE_LT_A_MAX + 1 ?
			   VGATE_SA_STATS_A_MAX + 1 : VGATE_LT_A_MAX + 1];
	int r, t;

	memset(sa, 0, sizeof(*sa));
	r = vg_nest_index(nest, vgate_sa_desc, VGATE_SA_A_MAX, tb);
	if (r)
		return r;
	if (tb[VGATE_SA_A_SPI])
		sa->spi = nla_get_u32(tb[VGATE_SA_A_SPI]), sa->has |= VG_SA_SPI;
	if (tb[VGATE_SA_A_PROTO])
		sa->proto = nla_get_u8(tb[VGATE_SA_A_PROTO]), sa->has |= VG_SA_PROTO;
	if (tb[VGATE_SA_A_FAMILY])
		sa->family = nla_get_u16(tb[VGATE_SA_A_FAMILY]),
		sa->has |= VG_SA_FAMILY;
	if (tb[VGATE_SA_A_SRC])
		get_addr(tb[VGATE_SA_A_SRC], &sa->src), sa->has |= VG_SA_SRC;
	if (tb[VGATE_SA_A_DST])
		get_addr(tb[VGATE_SA_A_DST], &sa->dst), sa->has |= VG_SA_DST;
	if (tb[VGATE_SA_A_MODE])
		sa->mode = nla_get_u8(tb[VGATE_SA_A_MODE]), sa->has |= VG_SA_MODE;
	if (tb[VGATE_SA_A_ENC])
		sa->enc = nla_get_u16(tb[VGATE_SA_A_ENC]), sa->has |= VG_SA_ENC;
	if (tb[VGATE_SA_A_COMP])
		sa->comp = nla_get_u16(tb[VGATE_SA_A_COMP]), sa->has |= VG_SA_COMP;
	if (tb[VGATE_SA_A_ENC_KEY_BITS])
		sa->enc_key_bits = nla_get_u16(tb[VGATE_SA_A_ENC_KEY_BITS]);
	if (tb[VGATE_SA_A_AUTH])
		sa->auth = nla_get_u16(tb[VGATE_SA_A_AUTH]), sa->has |= VG_SA_AUTH;
	if (tb[VGATE_SA_A_REPLAY_WINDOW])
		sa->replay_window = nla_get_u32(tb[VGATE_SA_A_REPLAY_WINDOW]),
		sa->has |= VG_SA_REPLAY;
	if (tb[VGATE_SA_A_FLAGS])
		sa->flags = nla_get_u32(tb[VGATE_SA_A_FLAGS]), sa->has |= VG_SA_FLAGS;
	if (tb[VGATE_SA_A_SEQ])
		sa->seq = nla_get_u64(tb[VGATE_SA_A_SEQ]), sa->has |= VG_SA_SEQ;
	if (tb[VGATE_SA_A_AGE])
		sa->age = nla_get_u64(tb[VGATE_SA_A_AGE]), sa->has |= VG_SA_AGE;
	if (tb[VGATE_SA_A_REQID])
		sa->reqid = nla_get_u32(tb[VGATE_SA_A_REQID]), sa->has |= VG_SA_REQID;
	if (tb[VGATE_SA_A_ENCAP]) {
		struct nlattr *e[VGATE_ENCAP_A_MAX + 1];

		r = vg_nest_index(tb[VGATE_SA_A_ENCAP], vgate_encap_desc,
			       VGATE_ENCAP_A_MAX, e);
		if (r)
			return r;
		if (e[VGATE_ENCAP_A_SPORT])
			sa->encap_sport = nla_get_u16(e[VGATE_ENCAP_A_SPORT]);
		if (e[VGATE_ENCAP_A_DPORT])
			sa->encap_dport = nla_get_u16(e[VGATE_ENCAP_A_DPORT]);
		if (e[VGATE_ENCAP_A_OA])
			get_addr(e[VGATE_ENCAP_A_OA], &sa->oa),
			sa->has |= VG_SA_NATOA;
		sa->has |= VG_SA_ENCAP;
	}
	if (tb[VGATE_SA_A_OSEQ])
		sa->oseq = nla_get_u64(tb[VGATE_SA_A_OSEQ]), sa->has |= VG_SA_OSEQ;
	if (tb[VGATE_SA_A_REPLAY_SEQ])
		sa->iseq = nla_get_u64(tb[VGATE_SA_A_REPLAY_SEQ]),
		sa->has |= VG_SA_ISEQ;
	if (tb[VGATE_SA_A_EXPIRE_LIMIT] && tb[VGATE_SA_A_EXPIRE_HARD]) {
		sa->expire_limit = nla_get_u8(tb[VGATE_SA_A_EXPIRE_LIMIT]);
		sa->expire_hard = nla_get_u8(tb[VGATE_SA_A_EXPIRE_HARD]);
		sa->has |= VG_SA_EXPIRE;
	}
	if (tb[VGATE_SA_A_LIFETIME]) {
		r = vg_nest_index(tb[VGATE_SA_A_LIFETIME], vgate_lt_desc, VGATE_LT_A_MAX,
			       sub);
		if (r)
			return r;
		for (t = 1; t <= VGATE_LT_A_MAX; t++)
			if (sub[t]) {
				sa->lt[t] = nla_get_u64(sub[t]);
				sa->lt_has |= 1U << t;
			}
		sa->has |= VG_SA_LIFETIME;
	}
	if (tb[VGATE_SA_A_STATS]) {
		r = vg_nest_index(tb[VGATE_SA_A_STATS], vgate_sa_stats_desc,
			       VGATE_SA_STATS_A_MAX, sub);
		if (r)
			return r;
		for (t = 1; t <= VGATE_SA_STATS_A_MAX; t++)
			if (sub[t])
				sa->st[t] = nla_get_u64(sub[t]);
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
	get_addr(tb[a], &r->addr);
	r->kind = VG_RANGE_HOST;
	r->plen = r->addr.len * 8;
	if (tb[end]) {
		get_addr(tb[end], &r->end);
		r->kind = VG_RANGE_RANGE;
	} else if (tb[plen]) {
		r->plen = nla_get_u8(tb[plen]);
		if (r->plen == 0)
			r->kind = VG_RANGE_ANY;
		else if (r->plen < r->addr.len * 8)
			r->kind = VG_RANGE_NET;
	}
}

int vg_rule_get(struct nlattr *nest, struct vg_rule *ru)
{
	struct nlattr *tb[VGATE_RULE_A_MAX + 1];
	struct nlattr *sub[VGATE_RULE_STATS_A_MAX + 1];
	int r, t;

	memset(ru, 0, sizeof(*ru));
	r = vg_nest_index(nest, vgate_rule_desc, VGATE_RULE_A_MAX, tb);
	if (r)
		return r;
	if (tb[VGATE_RULE_A_ID])
		ru->id = nla_get_u32(tb[VGATE_RULE_A_ID]), ru->has |= VG_RULE_ID;
	if (tb[VGATE_RULE_A_FAMILY])
		ru->family = nla_get_u16(tb[VGATE_RULE_A_FAMILY]),
		ru->has |= VG_RULE_FAMILY;
	get_range(tb, VGATE_RULE_A_LOCAL, VGATE_RULE_A_LOCAL_PLEN,
		  VGATE_RULE_A_LOCAL_END, &ru->local);
	get_range(tb, VGATE_RULE_A_REMOTE, VGATE_RULE_A_REMOTE_PLEN,
		  VGATE_RULE_A_REMOTE_END, &ru->remote);
	if (tb[VGATE_RULE_A_PROTO])
		ru->proto = nla_get_u8(tb[VGATE_RULE_A_PROTO]),
		ru->has |= VG_RULE_PROTO;
	if (tb[VGATE_RULE_A_LPORT_MIN] || tb[VGATE_RULE_A_LPORT_MAX]) {
		ru->lport.min = tb[VGATE_RULE_A_LPORT_MIN] ?
			nla_get_u16(tb[VGATE_RULE_A_LPORT_MIN]) : 0;
		ru->lport.max = tb[VGATE_RULE_A_LPORT_MAX] ?
			nla_get_u16(tb[VGATE_RULE_A_LPORT_MAX]) :
			tb[VGATE_RULE_A_LPORT_MIN] ? ru->lport.min : 65535;
		ru->has |= VG_RULE_LPORT;
	}
	if (tb[VGATE_RULE_A_RPORT_MIN] || tb[VGATE_RULE_A_RPORT_MAX]) {
		ru->rport.min = tb[VGATE_RULE_A_RPORT_MIN] ?
			nla_get_u16(tb[VGATE_RULE_A_RPORT_MIN]) : 0;
		ru->rport.max = tb[VGATE_RULE_A_RPORT_MAX] ?
			nla_get_u16(tb[VGATE_RULE_A_RPORT_MAX]) :
			tb[VGATE_RULE_A_RPORT_MIN] ? ru->rport.min : 65535;
		ru->has |= VG_RULE_RPORT;
	}
	if (tb[VGATE_RULE_A_ACTION])
		ru->action = nla_get_u8(tb[VGATE_RULE_A_ACTION]),
		ru->has |= VG_RULE_ACTION;
	if (tb[VGATE_RULE_A_PEER])
		get_addr(tb[VGATE_RULE_A_PEER], &ru->peer), ru->has |= VG_RULE_PEER;
	if (tb[VGATE_RULE_A_SPI_OUT])
		ru->spi_out = nla_get_u32(tb[VGATE_RULE_A_SPI_OUT]),
		ru->has |= VG_RULE_SPI_OUT;
	if (tb[VGATE_RULE_A_SPI_IN])
		ru->spi_in = nla_get_u32(tb[VGATE_RULE_A_SPI_IN]),
		ru->has |= VG_RULE_SPI_IN;
	if (tb[VGATE_RULE_A_AH_SPI_OUT])
		ru->ah_spi_out = nla_get_u32(tb[VGATE_RULE_A_AH_SPI_OUT]),
		ru->has |= VG_RULE_AH_SPI_OUT;
	if (tb[VGATE_RULE_A_AH_SPI_IN])
		ru->ah_spi_in = nla_get_u32(tb[VGATE_RULE_A_AH_SPI_IN]),
		ru->has |= VG_RULE_AH_SPI_IN;
	if (tb[VGATE_RULE_A_CPI_OUT])
		ru->cpi_out = nla_get_u16(tb[VGATE_RULE_A_CPI_OUT]),
		ru->has |= VG_RULE_CPI_OUT;
	if (tb[VGATE_RULE_A_CPI_IN])
		ru->cpi_in = nla_get_u16(tb[VGATE_RULE_A_CPI_IN]),
		ru->has |= VG_RULE_CPI_IN;
	if (tb[VGATE_RULE_A_STAGE])
		ru->stage = nla_get_u8(tb[VGATE_RULE_A_STAGE]),
		ru->has |= VG_RULE_STAGE;
	if (tb[VGATE_RULE_A_PEER_NAME]) {
		vg_get_str(tb[VGATE_RULE_A_PEER_NAME], ru->peer_name,
			sizeof(ru->peer_name));
		ru->has |= VG_RULE_PEER_NAME;
	}
	if (!(ru->has & VG_RULE_STAGE)) {
		ru->stage = ru->has & VG_RULE_PEER_NAME ? VGATE_STAGE_PEER :
			    VGATE_STAGE_PRE;
	}
	if (tb[VGATE_RULE_A_FLAGS])
		ru->flags = nla_get_u32(tb[VGATE_RULE_A_FLAGS]),
		ru->has |= VG_RULE_FLAGS;
	if (tb[VGATE_RULE_A_DESCR]) {
		vg_get_str(tb[VGATE_RULE_A_DESCR], ru->descr, sizeof(ru->descr));
		ru->has |= VG_RULE_DESCR;
	}
	if (tb[VGATE_RULE_A_STATS]) {
		r = vg_nest_index(tb[VGATE_RULE_A_STATS], vgate_rule_stats_desc,
			       VGATE_RULE_STATS_A_MAX, sub);
		if (r)
			return r;
		for (t = 1; t <= VGATE_RULE_STATS_A_MAX; t++)
			if (sub[t])
				ru->st[t] = nla_get_u64(sub[t]);
		ru->has |= VG_RULE_STATS;
	}
	return 0;
}

int vg_peer_get(struct nlattr *nest, struct vg_peer *p)
{
	struct nlattr *tb[VGATE_PEER_A_MAX + 1];
	int r;

	memset(p, 0, sizeof(*p));
	r = vg_nest_index(nest, vgate_peer_desc, VGATE_PEER_A_MAX, tb);
	if (r)
		return r;
	if (tb[VGATE_PEER_A_ID])
		p->id = nla_get_u32(tb[VGATE_PEER_A_ID]), p->has |= VG_PEER_ID;
	if (tb[VGATE_PEER_A_NAME])
		vg_get_str(tb[VGATE_PEER_A_NAME], p->name, sizeof(p->name)),
		p->has |= VG_PEER_NAME;
	if (tb[VGATE_PEER_A_DESCR])
		vg_get_str(tb[VGATE_PEER_A_DESCR], p->descr, sizeof(p->descr)),
		p->has |= VG_PEER_DESCR;
	if (tb[VGATE_PEER_A_FAMILY])
		p->family = nla_get_u16(tb[VGATE_PEER_A_FAMILY]),
		p->has |= VG_PEER_FAMILY;
	if (tb[VGATE_PEER_A_ADDR])
		get_addr(tb[VGATE_PEER_A_ADDR], &p->addr), p->has |= VG_PEER_ADDR;
	if (tb[VGATE_PEER_A_HOSTNAME])
		vg_get_str(tb[VGATE_PEER_A_HOSTNAME], p->hostname,
			sizeof(p->hostname)), p->has |= VG_PEER_HOSTNAME;
	if (tb[VGATE_PEER_A_ADMIN])
		p->admin = nla_get_u8(tb[VGATE_PEER_A_ADMIN]),
		p->has |= VG_PEER_ADMIN;
	if (tb[VGATE_PEER_A_OPER])
		p->oper = nla_get_u8(tb[VGATE_PEER_A_OPER]), p->has |= VG_PEER_OPER;
	if (tb[VGATE_PEER_A_BLOCK_SECONDS])
		p->block_seconds = nla_get_u32(tb[VGATE_PEER_A_BLOCK_SECONDS]),
		p->has |= VG_PEER_BLOCK;
	if (tb[VGATE_PEER_A_VIRTUAL])
		p->virt = nla_get_u8(tb[VGATE_PEER_A_VIRTUAL]),
		p->has |= VG_PEER_VIRTUAL;
	if (tb[VGATE_PEER_A_PROPAGATE_PMTU])
		p->pmtu = nla_get_u8(tb[VGATE_PEER_A_PROPAGATE_PMTU]),
		p->has |= VG_PEER_PMTU;
	if (tb[VGATE_PEER_A_IPCOMP])
		p->ipcomp = nla_get_u8(tb[VGATE_PEER_A_IPCOMP]),
		p->has |= VG_PEER_IPCOMP;
	if (tb[VGATE_PEER_A_IFINDEX])
		p->ifindex = nla_get_u32(tb[VGATE_PEER_A_IFINDEX]),
		p->has |= VG_PEER_IFINDEX;
	if (tb[VGATE_PEER_A_IFNAME])
		vg_get_str(tb[VGATE_PEER_A_IFNAME], p->ifname, sizeof(p->ifname)),
		p->has |= VG_PEER_IFNAME;
	if (tb[VGATE_PEER_A_SPI_OUT])
		p->spi_out = nla_get_u32(tb[VGATE_PEER_A_SPI_OUT]),
		p->has |= VG_PEER_SPI_OUT;
	if (tb[VGATE_PEER_A_SPI_IN])
		p->spi_in = nla_get_u32(tb[VGATE_PEER_A_SPI_IN]),
		p->has |= VG_PEER_SPI_IN;
	if (tb[VGATE_PEER_A_ENTRIES])
		p->entries = nla_get_u32(tb[VGATE_PEER_A_ENTRIES]),
		p->has |= VG_PEER_ENTRIES;
	return 0;
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
	struct nlattr *sub[VGATE_CFG_A_MAX + 1];
	int r;

	memset(cfg, 0, sizeof(*cfg));
	r = vg_nest_index(nest, vgate_cfg_desc, VGATE_CFG_A_MAX, sub);
	if (r)
		return r;
	if (sub[VGATE_CFG_A_REPLAY_WINDOW])
		cfg->replay_window = nla_get_u32(sub[VGATE_CFG_A_REPLAY_WINDOW]),
		cfg->has |= VG_CFG_REPLAY_WINDOW;
	if (sub[VGATE_CFG_A_MAX_SAS])
		cfg->max_sas = nla_get_u32(sub[VGATE_CFG_A_MAX_SAS]),
		cfg->has |= VG_CFG_MAX_SAS;
	if (sub[VGATE_CFG_A_DROP_LOG])
		cfg->drop_log = nla_get_u8(sub[VGATE_CFG_A_DROP_LOG]),
		cfg->has |= VG_CFG_DROP_LOG;
	if (sub[VGATE_CFG_A_SWSKIP_OVERLAP])
		cfg->swskip_overlap = nla_get_u8(sub[VGATE_CFG_A_SWSKIP_OVERLAP]),
		cfg->has |= VG_CFG_SWSKIP_OVERLAP;
	if (sub[VGATE_CFG_A_POST_DEFAULT])
		cfg->post_default = nla_get_u8(sub[VGATE_CFG_A_POST_DEFAULT]),
		cfg->has |= VG_CFG_POST_DEFAULT;
	if (sub[VGATE_CFG_A_ACQUIRE_TIMEOUT])
		cfg->acquire_timeout = nla_get_u32(sub[VGATE_CFG_A_ACQUIRE_TIMEOUT]),
		cfg->has |= VG_CFG_ACQUIRE_TIMEOUT;
	if (sub[VGATE_CFG_A_ACQUIRE_QUEUE])
		cfg->acquire_queue = nla_get_u32(sub[VGATE_CFG_A_ACQUIRE_QUEUE]),
		cfg->has |= VG_CFG_ACQUIRE_QUEUE;
	if (sub[VGATE_CFG_A_NATT_KEEPALIVE])
		cfg->natt_keepalive = nla_get_u32(sub[VGATE_CFG_A_NATT_KEEPALIVE]),
		cfg->has |= VG_CFG_NATT_KEEPALIVE;
	return 0;
}

int vg_verdict_get(struct nlattr *nest, struct vg_verdict *v)
{
	struct nlattr *sub[VGATE_VERDICT_A_MAX + 1];
	int r;

	memset(v, 0, sizeof(*v));
	r = vg_nest_index(nest, vgate_verdict_desc, VGATE_VERDICT_A_MAX,
		       sub);
	if (r)
		return r;
	if (sub[VGATE_VERDICT_A_ACTION])
		v->action = nla_get_u8(sub[VGATE_VERDICT_A_ACTION]),
		v->has |= VG_VERDICT_ACTION;
	if (sub[VGATE_VERDICT_A_REASON])
		v->reason = nla_get_u8(sub[VGATE_VERDICT_A_REASON]),
		v->has |= VG_VERDICT_REASON;
	if (sub[VGATE_VERDICT_A_RULE_ID])
		v->rule_id = nla_get_u32(sub[VGATE_VERDICT_A_RULE_ID]),
		v->has |= VG_VERDICT_RULE_ID;
	if (sub[VGATE_VERDICT_A_STAGE])
		v->stage = nla_get_u8(sub[VGATE_VERDICT_A_STAGE]),
		v->has |= VG_VERDICT_STAGE;
	if (sub[VGATE_VERDICT_A_PEER_NAME])
		vg_get_str(sub[VGATE_VERDICT_A_PEER_NAME], v->peer_name,
			sizeof(v->peer_name)), v->has |= VG_VERDICT_PEER_NAME;
	if (sub[VGATE_VERDICT_A_SELF])
		v->self = nla_get_u8(sub[VGATE_VERDICT_A_SELF]),
		v->has |= VG_VERDICT_SELF;
	if (sub[VGATE_VERDICT_A_NANOSECONDS])
		v->ns = nla_get_u64(sub[VGATE_VERDICT_A_NANOSECONDS]),
		v->has |= VG_VERDICT_NS;
	if (sub[VGATE_VERDICT_A_ITERATIONS])
		v->iterations = nla_get_u32(sub[VGATE_VERDICT_A_ITERATIONS]),
		v->has |= VG_VERDICT_ITERATIONS;
	return 0;
}


int vg_encap_sock_put(struct nl_msg *m, const struct vg_encap_sock *es)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_A_ENCAP_SOCK);
	int e = 0;

	if (!nest)
		return -EMSGSIZE;
	if (es->has & VG_ENCAP_SOCK_FD)
		e |= nla_put_u32(m, VGATE_ENCAP_SOCK_A_FD, es->fd);
	if (es->has & VG_ENCAP_SOCK_PORT)
		e |= nla_put_u16(m, VGATE_ENCAP_SOCK_A_PORT, es->port);
	if (e)
		return -EMSGSIZE;
	return nla_nest_end(m, nest);
}

int vg_encap_sock_get(struct nlattr *nest, struct vg_encap_sock *es)
{
	struct nlattr *tb[VGATE_ENCAP_SOCK_A_MAX + 1];
	int r;

	memset(es, 0, sizeof(*es));
	r = vg_nest_index(nest, vgate_encap_sock_desc, VGATE_ENCAP_SOCK_A_MAX,
			  tb);
	if (r)
		return r;
	if (tb[VGATE_ENCAP_SOCK_A_FD])
		es->fd = nla_get_u32(tb[VGATE_ENCAP_SOCK_A_FD]),
		es->has |= VG_ENCAP_SOCK_FD;
	if (tb[VGATE_ENCAP_SOCK_A_PORT])
		es->port = nla_get_u16(tb[VGATE_ENCAP_SOCK_A_PORT]),
		es->has |= VG_ENCAP_SOCK_PORT;
	if (tb[VGATE_ENCAP_SOCK_A_OWNER])
		es->owner = nla_get_u8(tb[VGATE_ENCAP_SOCK_A_OWNER]),
		es->has |= VG_ENCAP_SOCK_OWNER;
	return 0;
}

int vg_flow_get(struct nlattr *nest, struct vg_flow *f)
{
	struct nlattr *tb[VGATE_FLOW_A_MAX + 1];
	int r;

	memset(f, 0, sizeof(*f));
	r = vg_nest_index(nest, vgate_flow_desc, VGATE_FLOW_A_MAX, tb);
	if (r)
		return r;
	if (tb[VGATE_FLOW_A_FAMILY])
		f->family = nla_get_u16(tb[VGATE_FLOW_A_FAMILY]);
	if (tb[VGATE_FLOW_A_SRC])
		get_addr(tb[VGATE_FLOW_A_SRC], &f->src);
	if (tb[VGATE_FLOW_A_DST])
		get_addr(tb[VGATE_FLOW_A_DST], &f->dst);
	if (tb[VGATE_FLOW_A_PROTO])
		f->proto = nla_get_u8(tb[VGATE_FLOW_A_PROTO]),
		f->has |= VG_FLOW_PROTO;
	if (tb[VGATE_FLOW_A_SPORT])
		f->sport = nla_get_u16(tb[VGATE_FLOW_A_SPORT]),
		f->has |= VG_FLOW_SPORT;
	if (tb[VGATE_FLOW_A_DPORT])
		f->dport = nla_get_u16(tb[VGATE_FLOW_A_DPORT]),
		f->has |= VG_FLOW_DPORT;
	if (tb[VGATE_FLOW_A_DIR])
		f->dir = nla_get_u8(tb[VGATE_FLOW_A_DIR]), f->has |= VG_FLOW_DIR;
	if (tb[VGATE_FLOW_A_ITERATIONS])
		f->iterations = nla_get_u32(tb[VGATE_FLOW_A_ITERATIONS]),
		f->has |= VG_FLOW_ITERATIONS;
	return 0;
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

// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink commands of the policy: rules, peers, knobs, transactions and
 * EXPLAIN.  Every editing command works on a transaction (policy.h): the
 * socket's open one, or an implicit one committed when the request ends,
 * so a failed request changes nothing.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ctype.h>
#include <linux/ktime.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <linux/inetdevice.h>

#include "netns.h"
#include "netlink.h"
#include "config.h"
#include "policy.h"
#include "ownaddr.h"

#define DESCR_MAX	255
#define HOSTNAME_MAX	255

static struct netlink_range_validation block_range = {
	.min = VGATE_BLOCK_SECONDS_MIN, .max = VGATE_BLOCK_SECONDS_MAX,
};

static struct netlink_range_validation iterations_range = {
	.min = VGATE_ITERATIONS_MIN, .max = VGATE_ITERATIONS_MAX,
};

const struct nla_policy vgate_rule_policy[VGATE_RULE_A_MAX + 1] = {
	[VGATE_RULE_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[VGATE_RULE_A_FAMILY] = { .type = NLA_U16 },
	[VGATE_RULE_A_LOCAL] = { .type = NLA_BINARY, .len = 16 },
	[VGATE_RULE_A_LOCAL_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[VGATE_RULE_A_REMOTE] = { .type = NLA_BINARY, .len = 16 },
	[VGATE_RULE_A_REMOTE_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[VGATE_RULE_A_PROTO] = { .type = NLA_U8 },
	[VGATE_RULE_A_LPORT_MIN] = { .type = NLA_U16 },
	[VGATE_RULE_A_LPORT_MAX] = { .type = NLA_U16 },
	[VGATE_RULE_A_RPORT_MIN] = { .type = NLA_U16 },
	[VGATE_RULE_A_RPORT_MAX] = { .type = NLA_U16 },
	[VGATE_RULE_A_ACTION] = NLA_POLICY_RANGE(NLA_U8, 1, VGATE_ACTION_MAX),
	[VGATE_RULE_A_PEER] = { .type = NLA_REJECT },
	[VGATE_RULE_A_SPI_OUT] = { .type = NLA_U32 },
	[VGATE_RULE_A_SPI_IN] = { .type = NLA_U32 },
	[VGATE_RULE_A_STATS] = { .type = NLA_REJECT },
	[VGATE_RULE_A_STAGE] = NLA_POLICY_RANGE(NLA_U8, 1, VGATE_STAGE_MAX),
	[VGATE_RULE_A_PEER_NAME] = { .type = NLA_NUL_STRING, .len = 31 },
	[VGATE_RULE_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, VGATE_RULE_F_SETTABLE),
	[VGATE_RULE_A_DESCR] = { .type = NLA_NUL_STRING, .len = DESCR_MAX },
	[VGATE_RULE_A_LOCAL_END] = { .type = NLA_BINARY, .len = 16 },
	[VGATE_RULE_A_REMOTE_END] = { .type = NLA_BINARY, .len = 16 },
	[VGATE_RULE_A_AH_SPI_OUT] = { .type = NLA_U32 },
	[VGATE_RULE_A_AH_SPI_IN] = { .type = NLA_U32 },
	[VGATE_RULE_A_CPI_OUT] = NLA_POLICY_MIN(NLA_U16, 256),
	[VGATE_RULE_A_CPI_IN] = NLA_POLICY_MIN(NLA_U16, 256),
};

const struct nla_policy vgate_peer_policy[VGATE_PEER_A_MAX + 1] = {
	[VGATE_PEER_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[VGATE_PEER_A_NAME] = { .type = NLA_NUL_STRING, .len = 31 },
	[VGATE_PEER_A_DESCR] = { .type = NLA_NUL_STRING, .len = DESCR_MAX },
	[VGATE_PEER_A_FAMILY] = { .type = NLA_U16 },
	[VGATE_PEER_A_ADDR] = { .type = NLA_BINARY, .len = 16 },
	[VGATE_PEER_A_HOSTNAME] = { .type = NLA_NUL_STRING,
				    .len = HOSTNAME_MAX },
	[VGATE_PEER_A_ADMIN] = NLA_POLICY_RANGE(NLA_U8, 1,
						VGATE_PEER_ADMIN_MAX),
	[VGATE_PEER_A_OPER] = NLA_POLICY_RANGE(NLA_U8, VGATE_PEER_OPER_BLOCKED,
					       VGATE_PEER_OPER_BLOCKED),
	[VGATE_PEER_A_BLOCK_SECONDS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							     &block_range),
	[VGATE_PEER_A_VIRTUAL] = NLA_POLICY_MAX(NLA_U8, 1),
	[VGATE_PEER_A_IFINDEX] = { .type = NLA_REJECT },
	[VGATE_PEER_A_IFNAME] = { .type = NLA_REJECT },
	[VGATE_PEER_A_SPI_OUT] = { .type = NLA_U32 },
	[VGATE_PEER_A_SPI_IN] = { .type = NLA_U32 },
	[VGATE_PEER_A_ENTRIES] = { .type = NLA_REJECT },
	[VGATE_PEER_A_PROPAGATE_PMTU] = NLA_POLICY_MAX(NLA_U8, 1),
	[VGATE_PEER_A_IPCOMP] = NLA_POLICY_RANGE(NLA_U8, 1, VGATE_IPCOMP_MAX),
};

const struct nla_policy vgate_flow_policy[VGATE_FLOW_A_MAX + 1] = {
	[VGATE_FLOW_A_FAMILY] = { .type = NLA_U16 },
	[VGATE_FLOW_A_SRC] = { .type = NLA_BINARY, .len = 16 },
	[VGATE_FLOW_A_DST] = { .type = NLA_BINARY, .len = 16 },
	[VGATE_FLOW_A_PROTO] = { .type = NLA_U8 },
	[VGATE_FLOW_A_SPORT] = { .type = NLA_U16 },
	[VGATE_FLOW_A_DPORT] = { .type = NLA_U16 },
	[VGATE_FLOW_A_DIR] = NLA_POLICY_RANGE(NLA_U8, VGATE_DIR_OUT,
					      VGATE_DIR_IN),
	[VGATE_FLOW_A_ITERATIONS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &iterations_range),
};

static int addr_len(u8 family)
{
	return family == AF_INET ? 4 : 16;
}

static int parse_addr(struct nlattr *a, u8 family, union vgate_addr *addr,
		      struct netlink_ext_ack *extack)
{
	if (nla_len(a) != addr_len(family)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "address length does not match the family");
		return -EINVAL;
	}
	memset(addr, 0, sizeof(*addr));
	nla_memcpy(addr, a, addr_len(family));
	return 0;
}

/* Set @lo..@hi to the prefix @plen of @lo. */
static void prefix_range(u8 family, union vgate_addr *lo, union vgate_addr *hi,
			 u8 plen)
{
	int i;

	if (family == AF_INET) {
		__be32 mask = plen ? inet_make_mask(plen) : 0;

		lo->a4 &= mask;
		hi->a4 = lo->a4 | ~mask;
		return;
	}
	*hi = *lo;
	for (i = 0; i < 16; i++) {
		int bits = clamp_t(int, plen - i * 8, 0, 8);
		u8 mask = bits ? (u8)(0xff << (8 - bits)) : 0;

		lo->a6.s6_addr[i] &= mask;
		hi->a6.s6_addr[i] = lo->a6.s6_addr[i] | (u8)~mask;
	}
}

static int parse_sel(struct nlattr *nest, struct nlattr *addr,
		     struct nlattr *plen, struct nlattr *end, u8 family,
		     struct vgate_sel *sel, struct netlink_ext_ack *extack)
{
	u8 maxlen = family == AF_INET ? 32 : 128;
	int err;

	memset(sel, 0, sizeof(*sel));
	if (!addr) {
		if (plen || end) {
			NL_SET_ERR_MSG_ATTR(extack, plen ?: end,
					    "prefix length or range end without address");
			return -EINVAL;
		}
		sel->kind = VGATE_SEL_ANY;
		prefix_range(family, &sel->lo, &sel->hi, 0);
		return 0;
	}
	if (plen && end) {
		NL_SET_ERR_MSG_ATTR(extack, end,
				    "a selector is a net or a range, not both");
		return -EINVAL;
	}
	err = parse_addr(addr, family, &sel->lo, extack);
	if (err)
		return err;
	if (end) {
		err = parse_addr(end, family, &sel->hi, extack);
		if (err)
			return err;
		if (vgate_addr_cmp(family, &sel->lo, &sel->hi) > 0) {
			NL_SET_ERR_MSG_ATTR(extack, end,
					    "range ends before it starts");
			return -EINVAL;
		}
		sel->kind = VGATE_SEL_RANGE;
		return 0;
	}
	sel->plen = plen ? nla_get_u8(plen) : maxlen;
	if (sel->plen > maxlen) {
		NL_SET_ERR_MSG_ATTR(extack, plen, "prefix length too long");
		return -EINVAL;
	}
	sel->kind = sel->plen == maxlen ? VGATE_SEL_HOST :
		    sel->plen ? VGATE_SEL_NET : VGATE_SEL_ANY;
	prefix_range(family, &sel->lo, &sel->hi, sel->plen);
	return 0;
}

static bool proto_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP;
}

static int parse_ports(struct nlattr *amin, struct nlattr *amax,
		       u16 *min, u16 *max, struct netlink_ext_ack *extack)
{
	*min = amin ? nla_get_u16(amin) : 0;
	*max = amax ? nla_get_u16(amax) : (amin ? *min : 65535);
	if (*min > *max) {
		NL_SET_ERR_MSG_ATTR(extack, amax, "port range ends before it starts");
		return -EINVAL;
	}
	return 0;
}

static int dup_string(struct nlattr *a, char **out)
{
	*out = NULL;
	if (!a)
		return 0;
	*out = nla_strdup(a, GFP_KERNEL);
	return *out ? 0 : -ENOMEM;
}

/*
 * Can the entry @r belong to a peer with IPComp option @ipcomp (enum
 * vgate_peer_ipcomp)?  If not, say why at @attr and return -EINVAL.
 */
static int ipcomp_conflict(const struct vgate_rule *r, u8 ipcomp,
			   const struct nlattr *attr,
			   struct netlink_ext_ack *extack)
{
	if (r->action != VGATE_ACTION_PROTECT)
		return 0;
	if (ipcomp == VGATE_IPCOMP_NO && r->cpi_out) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the peer has ipcomp no: its entries name no IPComp SAs (CPI_OUT, CPI_IN)");
		return -EINVAL;
	}
	if (ipcomp == VGATE_IPCOMP_FORCE && vgate_rule_static(r) &&
	    !r->cpi_out) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the peer has ipcomp force: its entries with SPIs need CPI_OUT and CPI_IN");
		return -EINVAL;
	}
	return 0;
}

static int rule_parse(struct vgate_store *st, struct nlattr *nest,
		      struct vgate_rule *r, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VGATE_RULE_A_MAX + 1];
	u8 ipcomp = VGATE_IPCOMP_ACCEPT;
	int err;

	/*
	 * Generic netlink validated every VGATE_A_RULE nest of the request
	 * against vgate_rule_policy already (vgate_policy): only sort the
	 * attributes here, which counts for 100k-rule batches.
	 */
	err = nla_parse_nested(tb, VGATE_RULE_A_MAX, nest, NULL, extack);
	if (err)
		return err;
	if (vgate_nl_attr_missing(extack, nest, tb, VGATE_RULE_A_ID,
				  "missing rule ID") ||
	    vgate_nl_attr_missing(extack, nest, tb, VGATE_RULE_A_FAMILY,
				  "missing address family") ||
	    vgate_nl_attr_missing(extack, nest, tb, VGATE_RULE_A_ACTION,
				  "missing action"))
		return -EINVAL;
	err = vgate_nl_parse_family(tb[VGATE_RULE_A_FAMILY], &r->family,
				    extack);
	if (err)
		return err;
	r->id = nla_get_u32(tb[VGATE_RULE_A_ID]);
	r->action = nla_get_u8(tb[VGATE_RULE_A_ACTION]);
	if (tb[VGATE_RULE_A_FLAGS])
		r->flags = nla_get_u32(tb[VGATE_RULE_A_FLAGS]);
	if (tb[VGATE_RULE_A_STAGE])
		r->stage = nla_get_u8(tb[VGATE_RULE_A_STAGE]);
	else
		r->stage = tb[VGATE_RULE_A_PEER_NAME] ? VGATE_STAGE_PEER :
			   VGATE_STAGE_PRE;
	if (r->stage == VGATE_STAGE_PEER) {
		struct vgate_peer *peer;

		if (vgate_nl_attr_missing(extack, nest, tb,
					  VGATE_RULE_A_PEER_NAME,
					  "a traffic list entry needs its peer"))
			return -EINVAL;
		peer = vgate_store_peer_by_name(st,
						nla_data(tb[VGATE_RULE_A_PEER_NAME]));
		if (!peer) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_RULE_A_PEER_NAME],
					    "unknown peer");
			return -ENOENT;
		}
		if (peer->virtual) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_RULE_A_PEER_NAME],
					    "a virtual interface peer has no traffic list");
			return -EINVAL;
		}
		r->peer_id = peer->id;
		ipcomp = peer->ipcomp;
	} else if (tb[VGATE_RULE_A_PEER_NAME]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_RULE_A_PEER_NAME],
				    "only traffic list entries name a peer");
		return -EINVAL;
	}
	err = parse_sel(nest, tb[VGATE_RULE_A_LOCAL],
			tb[VGATE_RULE_A_LOCAL_PLEN], tb[VGATE_RULE_A_LOCAL_END],
			r->family, &r->local, extack);
	if (err)
		return err;
	err = parse_sel(nest, tb[VGATE_RULE_A_REMOTE],
			tb[VGATE_RULE_A_REMOTE_PLEN],
			tb[VGATE_RULE_A_REMOTE_END], r->family, &r->remote,
			extack);
	if (err)
		return err;
	r->proto = tb[VGATE_RULE_A_PROTO] ? nla_get_u8(tb[VGATE_RULE_A_PROTO]) : 0;
	r->has_ports = tb[VGATE_RULE_A_LPORT_MIN] || tb[VGATE_RULE_A_LPORT_MAX] ||
		       tb[VGATE_RULE_A_RPORT_MIN] || tb[VGATE_RULE_A_RPORT_MAX];
	if (r->has_ports && !proto_has_ports(r->proto)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_RULE_A_PROTO] ?: nest,
				    "ports need protocol TCP, UDP, UDP-Lite or SCTP");
		return -EINVAL;
	}
	err = parse_ports(tb[VGATE_RULE_A_LPORT_MIN], tb[VGATE_RULE_A_LPORT_MAX],
			  &r->lport_min, &r->lport_max, extack);
	if (!err)
		err = parse_ports(tb[VGATE_RULE_A_RPORT_MIN],
				  tb[VGATE_RULE_A_RPORT_MAX], &r->rport_min,
				  &r->rport_max, extack);
	if (err)
		return err;

	if (r->action == VGATE_ACTION_PROTECT && r->stage != VGATE_STAGE_PEER) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_RULE_A_ACTION],
				    "only traffic list entries protect");
		return -EINVAL;
	}
	if (r->action != VGATE_ACTION_PROTECT &&
	    (tb[VGATE_RULE_A_SPI_OUT] || tb[VGATE_RULE_A_SPI_IN] ||
	     tb[VGATE_RULE_A_AH_SPI_OUT] || tb[VGATE_RULE_A_AH_SPI_IN])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_RULE_A_SPI_OUT] ?:
				    tb[VGATE_RULE_A_SPI_IN] ?:
				    tb[VGATE_RULE_A_AH_SPI_OUT] ?:
				    tb[VGATE_RULE_A_AH_SPI_IN],
				    "only PROTECT entries take SPIs");
		return -EINVAL;
	}
	if (!!tb[VGATE_RULE_A_AH_SPI_OUT] != !!tb[VGATE_RULE_A_AH_SPI_IN]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_RULE_A_AH_SPI_OUT] ?:
				    tb[VGATE_RULE_A_AH_SPI_IN],
				    "AH_SPI_OUT and AH_SPI_IN go together");
		return -EINVAL;
	}
	if (tb[VGATE_RULE_A_AH_SPI_OUT]) {
		err = vgate_nl_parse_spi(tb[VGATE_RULE_A_AH_SPI_OUT],
					 &r->ah_spi_out, extack);
		if (!err)
			err = vgate_nl_parse_spi(tb[VGATE_RULE_A_AH_SPI_IN],
						 &r->ah_spi_in, extack);
		if (err)
			return err;
	}
	if (!!tb[VGATE_RULE_A_SPI_OUT] != !!tb[VGATE_RULE_A_SPI_IN]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_RULE_A_SPI_OUT] ?:
				    tb[VGATE_RULE_A_SPI_IN],
				    "SPI_OUT and SPI_IN go together");
		return -EINVAL;
	}
	if (tb[VGATE_RULE_A_SPI_OUT]) {
		err = vgate_nl_parse_spi(tb[VGATE_RULE_A_SPI_OUT], &r->spi_out,
					 extack);
		if (!err)
			err = vgate_nl_parse_spi(tb[VGATE_RULE_A_SPI_IN],
						 &r->spi_in, extack);
		if (err)
			return err;
	}
	if (r->action != VGATE_ACTION_PROTECT &&
	    (tb[VGATE_RULE_A_CPI_OUT] || tb[VGATE_RULE_A_CPI_IN])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_RULE_A_CPI_OUT] ?:
				    tb[VGATE_RULE_A_CPI_IN],
				    "only PROTECT entries take CPIs");
		return -EINVAL;
	}
	if (!!tb[VGATE_RULE_A_CPI_OUT] != !!tb[VGATE_RULE_A_CPI_IN]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_RULE_A_CPI_OUT] ?:
				    tb[VGATE_RULE_A_CPI_IN],
				    "CPI_OUT and CPI_IN go together");
		return -EINVAL;
	}
	if (tb[VGATE_RULE_A_CPI_OUT] && !r->spi_out) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_RULE_A_CPI_OUT],
				    "IPComp SAs come with ESP SAs: CPIs need SPI_OUT and SPI_IN");
		return -EINVAL;
	}
	if (tb[VGATE_RULE_A_CPI_OUT]) {
		r->cpi_out = nla_get_u16(tb[VGATE_RULE_A_CPI_OUT]);
		r->cpi_in = nla_get_u16(tb[VGATE_RULE_A_CPI_IN]);
	}
	err = ipcomp_conflict(r, ipcomp, tb[VGATE_RULE_A_CPI_OUT] ?:
			      tb[VGATE_RULE_A_SPI_OUT], extack);
	if (err)
		return err;
	return dup_string(tb[VGATE_RULE_A_DESCR], &r->descr);
}

/* Run @edit on the transaction of this request. */
static int txn_do(struct genl_info *info,
		  int (*edit)(struct vgate_net *vn, struct vgate_txn *txn,
			      struct genl_info *info))
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	struct vgate_txn *txn;
	bool implicit;
	int err;

	mutex_lock(&vn->lock);
	txn = vgate_txn_get(vn, info->snd_portid, &implicit, info->extack);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
		goto out;
	}
	err = edit(vn, txn, info);
	err = vgate_txn_end(vn, txn, implicit, err, info->extack);
	if (!err && implicit)
		err = vgate_net_enable(vn);
out:
	mutex_unlock(&vn->lock);
	return err;
}

static int rule_put_one(struct vgate_txn *txn, struct nlattr *nest,
			struct genl_info *info, bool replace)
{
	struct vgate_rule *rule;
	int err;

	rule = vgate_rule_alloc();
	if (!rule)
		return -ENOMEM;
	err = rule_parse(txn->st, nest, rule, info->extack);
	if (err) {
		vgate_rule_free(rule);
		return err;
	}
	return vgate_store_rule_put(txn->st, rule, replace, info->extack);
}

/* The ID of a rule nest that rule_put_one() accepted. */
static u32 nest_rule_id(const struct nlattr *nest)
{
	const struct nlattr *a = nla_find_nested(nest, VGATE_RULE_A_ID);

	return a ? nla_get_u32(a) : 0;
}

/*
 * RULE_NEW takes one or more VGATE_A_RULE nests (a batch, for big
 * policies), all or none: on an error the rules this request added to the
 * transaction are taken out again.
 */
static int rule_new(struct vgate_net *vn, struct vgate_txn *txn,
		    struct genl_info *info)
{
	const struct nlattr *a, *b;
	int rem, rem2, err = 0;
	bool any = false;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != VGATE_A_RULE)
			continue;
		any = true;
		err = rule_put_one(txn, (struct nlattr *)a, info, false);
		if (err)
			break;
	}
	if (!any)
		return vgate_nl_get_nest(info, VGATE_A_RULE) ? 0 : -EINVAL;
	if (!err)
		return 0;
	nlmsg_for_each_attr(b, info->nlhdr, GENL_HDRLEN, rem2) {
		if (b == a)
			break;
		if (nla_type(b) == VGATE_A_RULE)
			vgate_rule_free(xa_erase(&txn->st->rules,
						 nest_rule_id(b)));
	}
	return err;
}

static int rule_set(struct vgate_net *vn, struct vgate_txn *txn,
		    struct genl_info *info)
{
	struct nlattr *nest = vgate_nl_get_nest(info, VGATE_A_RULE);

	return nest ? rule_put_one(txn, nest, info, true) : -EINVAL;
}

int vgate_nl_rule_new(struct sk_buff *skb, struct genl_info *info)
{
	return txn_do(info, rule_new);
}

int vgate_nl_rule_set(struct sk_buff *skb, struct genl_info *info)
{
	return txn_do(info, rule_set);
}

static int put_addr(struct sk_buff *skb, int type, u8 family,
		    const union vgate_addr *a)
{
	return nla_put(skb, type, addr_len(family), a);
}

static int put_sel(struct sk_buff *skb, u8 family, const struct vgate_sel *sel,
		   int a_addr, int a_plen, int a_end)
{
	switch (sel->kind) {
	case VGATE_SEL_HOST:
	case VGATE_SEL_NET:
		return put_addr(skb, a_addr, family, &sel->lo) ||
		       nla_put_u8(skb, a_plen, sel->plen);
	case VGATE_SEL_RANGE:
		return put_addr(skb, a_addr, family, &sel->lo) ||
		       put_addr(skb, a_end, family, &sel->hi);
	}
	return 0;
}

static int rule_fill(struct sk_buff *skb, struct vgate_store *st,
		     struct vgate_rule *r)
{
	u64 c[VGATE_RULE_CNT_NR];
	struct nlattr *nest, *n;
	struct vgate_peer *peer = NULL;

	nest = nla_nest_start(skb, VGATE_A_RULE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VGATE_RULE_A_ID, r->id) ||
	    nla_put_u16(skb, VGATE_RULE_A_FAMILY, r->family) ||
	    nla_put_u8(skb, VGATE_RULE_A_STAGE, r->stage) ||
	    nla_put_u8(skb, VGATE_RULE_A_ACTION, r->action) ||
	    nla_put_u8(skb, VGATE_RULE_A_PROTO, r->proto) ||
	    nla_put_u32(skb, VGATE_RULE_A_FLAGS, r->flags))
		goto cancel;
	if (r->descr && nla_put_string(skb, VGATE_RULE_A_DESCR, r->descr))
		goto cancel;
	if (put_sel(skb, r->family, &r->local, VGATE_RULE_A_LOCAL,
		    VGATE_RULE_A_LOCAL_PLEN, VGATE_RULE_A_LOCAL_END) ||
	    put_sel(skb, r->family, &r->remote, VGATE_RULE_A_REMOTE,
		    VGATE_RULE_A_REMOTE_PLEN, VGATE_RULE_A_REMOTE_END))
		goto cancel;
	if (r->has_ports &&
	    (nla_put_u16(skb, VGATE_RULE_A_LPORT_MIN, r->lport_min) ||
	     nla_put_u16(skb, VGATE_RULE_A_LPORT_MAX, r->lport_max) ||
	     nla_put_u16(skb, VGATE_RULE_A_RPORT_MIN, r->rport_min) ||
	     nla_put_u16(skb, VGATE_RULE_A_RPORT_MAX, r->rport_max)))
		goto cancel;
	if (r->stage == VGATE_STAGE_PEER)
		peer = xa_load(&st->peers, r->peer_id);
	if (peer &&
	    (nla_put_string(skb, VGATE_RULE_A_PEER_NAME, peer->name) ||
	     put_addr(skb, VGATE_RULE_A_PEER, peer->family, &peer->addr)))
		goto cancel;
	if (r->spi_out &&
	    (nla_put_u32(skb, VGATE_RULE_A_SPI_OUT, r->spi_out) ||
	     nla_put_u32(skb, VGATE_RULE_A_SPI_IN, r->spi_in)))
		goto cancel;
	if (r->ah_spi_out &&
	    (nla_put_u32(skb, VGATE_RULE_A_AH_SPI_OUT, r->ah_spi_out) ||
	     nla_put_u32(skb, VGATE_RULE_A_AH_SPI_IN, r->ah_spi_in)))
		goto cancel;
	if (r->cpi_out &&
	    (nla_put_u16(skb, VGATE_RULE_A_CPI_OUT, r->cpi_out) ||
	     nla_put_u16(skb, VGATE_RULE_A_CPI_IN, r->cpi_in)))
		goto cancel;
	vgate_rule_read_stats(r, c);
	n = nla_nest_start(skb, VGATE_RULE_A_STATS);
	if (!n ||
	    vgate_nl_put_u64(skb, VGATE_RULE_STATS_A_PACKETS_OUT,
			     c[VGATE_RULE_CNT_PACKETS_OUT],
			     VGATE_RULE_STATS_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_RULE_STATS_A_BYTES_OUT,
			     c[VGATE_RULE_CNT_BYTES_OUT],
			     VGATE_RULE_STATS_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_RULE_STATS_A_PACKETS_IN,
			     c[VGATE_RULE_CNT_PACKETS_IN],
			     VGATE_RULE_STATS_A_PAD) ||
	    vgate_nl_put_u64(skb, VGATE_RULE_STATS_A_BYTES_IN,
			     c[VGATE_RULE_CNT_BYTES_IN],
			     VGATE_RULE_STATS_A_PAD))
		goto cancel;
	nla_nest_end(skb, n);
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int rule_id_from(struct genl_info *info, u32 *id)
{
	struct nlattr *tb[VGATE_RULE_A_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *nest;
	int err;

	nest = vgate_nl_get_nest(info, VGATE_A_RULE);
	if (!nest)
		return -EINVAL;
	err = nla_parse_nested(tb, VGATE_RULE_A_MAX, nest, vgate_rule_policy,
			       extack);
	if (err)
		return err;
	if (vgate_nl_attr_missing(extack, nest, tb, VGATE_RULE_A_ID,
				  "missing rule ID"))
		return -EINVAL;
	*id = nla_get_u32(tb[VGATE_RULE_A_ID]);
	return 0;
}

int vgate_nl_rule_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	struct vgate_rule *rule;
	struct sk_buff *msg;
	void *hdr;
	int err;
	u32 id;

	err = rule_id_from(info, &id);
	if (err)
		return err;
	msg = vgate_nl_reply_alloc(info, VGATE_CMD_RULE_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vn->lock);
	rule = xa_load(&vn->store->rules, id);
	err = rule ? rule_fill(msg, vn->store, rule) : -ENOENT;
	mutex_unlock(&vn->lock);
	if (err) {
		if (err == -ENOENT)
			NL_SET_ERR_MSG(info->extack, "no rule with this ID");
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Dump the xarray @which of the running store, from ID cb->args[0]. */
static int store_dump(struct sk_buff *skb, struct netlink_callback *cb,
		      bool rules)
{
	struct vgate_net *vn = vgate_net(sock_net(skb->sk));
	unsigned long id;
	void *obj, *hdr;
	int err = 0;

	mutex_lock(&vn->lock);
	cb->seq = vn->generation + 1;
	xa_for_each_start(rules ? &vn->store->rules : &vn->store->peers, id,
			  obj, cb->args[0]) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &vgate_family,
				  NLM_F_MULTI, rules ? VGATE_CMD_RULE_GET :
				  VGATE_CMD_PEER_GET);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		err = rules ? rule_fill(skb, vn->store, obj) :
			      vgate_peer_fill(vn, skb, obj);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = id + 1;
	}
	mutex_unlock(&vn->lock);
	if (err && skb->len == 0)
		return err;
	return skb->len;
}

int vgate_nl_rule_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return store_dump(skb, cb, true);
}

static int rule_del(struct vgate_net *vn, struct vgate_txn *txn,
		    struct genl_info *info)
{
	u32 id;
	int err = rule_id_from(info, &id);

	return err ?: vgate_store_rule_del(txn->st, id, info->extack);
}

int vgate_nl_rule_del(struct sk_buff *skb, struct genl_info *info)
{
	return txn_do(info, rule_del);
}

static int rule_flush(struct vgate_net *vn, struct vgate_txn *txn,
		      struct genl_info *info)
{
	vgate_store_rule_flush(txn->st);
	return 0;
}

int vgate_nl_rule_flush(struct sk_buff *skb, struct genl_info *info)
{
	return txn_do(info, rule_flush);
}

/* Peers */

static bool name_valid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum(*s) && *s != '_' && *s != '.' && *s != '-')
			return false;
	return true;
}

static u8 peer_oper(struct vgate_net *vn, struct vgate_peer *peer)
{
	if (vgate_peer_blocked(peer))
		return VGATE_PEER_OPER_BLOCKED;
	if (peer->admin != VGATE_PEER_ADMIN_DOWN &&
	    vgate_sad_has_dst(vn, peer->family, &peer->addr))
		return VGATE_PEER_OPER_UP;
	return VGATE_PEER_OPER_DORMANT;
}

void vgate_peer_counts(struct vgate_net *vn, u32 *n, u32 *up, u32 *dormant,
		       u32 *blocked)
{
	struct vgate_peer *peer;
	unsigned long id;

	lockdep_assert_held(&vn->lock);
	*n = *up = *dormant = *blocked = 0;
	xa_for_each(&vn->store->peers, id, peer) {
		(*n)++;
		switch (peer_oper(vn, peer)) {
		case VGATE_PEER_OPER_UP:
			(*up)++;
			break;
		case VGATE_PEER_OPER_BLOCKED:
			(*blocked)++;
			break;
		default:
			(*dormant)++;
		}
	}
}

int vgate_peer_fill(struct vgate_net *vn, struct sk_buff *skb,
		    struct vgate_peer *peer)
{
	struct nlattr *nest = nla_nest_start(skb, VGATE_A_PEER);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VGATE_PEER_A_ID, peer->id) ||
	    nla_put_string(skb, VGATE_PEER_A_NAME, peer->name) ||
	    nla_put_u16(skb, VGATE_PEER_A_FAMILY, peer->family) ||
	    put_addr(skb, VGATE_PEER_A_ADDR, peer->family, &peer->addr) ||
	    nla_put_u8(skb, VGATE_PEER_A_ADMIN, peer->admin) ||
	    nla_put_u8(skb, VGATE_PEER_A_OPER, peer_oper(vn, peer)) ||
	    nla_put_u8(skb, VGATE_PEER_A_VIRTUAL, peer->virtual) ||
	    nla_put_u8(skb, VGATE_PEER_A_PROPAGATE_PMTU, peer->propagate_pmtu) ||
	    nla_put_u8(skb, VGATE_PEER_A_IPCOMP, peer->ipcomp) ||
	    nla_put_u32(skb, VGATE_PEER_A_ENTRIES,
			vgate_store_peer_entries(vn->store, peer->id)))
		goto cancel;
	if (peer->descr && nla_put_string(skb, VGATE_PEER_A_DESCR, peer->descr))
		goto cancel;
	if (peer->hostname &&
	    nla_put_string(skb, VGATE_PEER_A_HOSTNAME, peer->hostname))
		goto cancel;
	if (peer->spi_out &&
	    (nla_put_u32(skb, VGATE_PEER_A_SPI_OUT, peer->spi_out) ||
	     nla_put_u32(skb, VGATE_PEER_A_SPI_IN, peer->spi_in)))
		goto cancel;
	if (peer->dev &&
	    (nla_put_u32(skb, VGATE_PEER_A_IFINDEX, peer->dev->ifindex) ||
	     nla_put_string(skb, VGATE_PEER_A_IFNAME, peer->dev->name)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int peer_parse(struct nlattr *nest, struct vgate_peer *p,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VGATE_PEER_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, VGATE_PEER_A_MAX, nest, vgate_peer_policy,
			       extack);
	if (err)
		return err;
	if (vgate_nl_attr_missing(extack, nest, tb, VGATE_PEER_A_ID,
				  "missing peer ID") ||
	    vgate_nl_attr_missing(extack, nest, tb, VGATE_PEER_A_NAME,
				  "missing peer name") ||
	    vgate_nl_attr_missing(extack, nest, tb, VGATE_PEER_A_FAMILY,
				  "missing address family") ||
	    vgate_nl_attr_missing(extack, nest, tb, VGATE_PEER_A_ADDR,
				  "missing peer address"))
		return -EINVAL;
	p->id = nla_get_u32(tb[VGATE_PEER_A_ID]);
	nla_strscpy(p->name, tb[VGATE_PEER_A_NAME], sizeof(p->name));
	if (!name_valid(p->name)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_PEER_A_NAME],
				    "peer names use letters, digits, _ . -");
		return -EINVAL;
	}
	err = vgate_nl_parse_family(tb[VGATE_PEER_A_FAMILY], &p->family,
				    extack);
	if (!err)
		err = parse_addr(tb[VGATE_PEER_A_ADDR], p->family, &p->addr,
				 extack);
	if (err)
		return err;
	p->admin = tb[VGATE_PEER_A_ADMIN] ? nla_get_u8(tb[VGATE_PEER_A_ADMIN]) :
		   VGATE_PEER_ADMIN_UP;
	p->virtual = tb[VGATE_PEER_A_VIRTUAL] &&
		     nla_get_u8(tb[VGATE_PEER_A_VIRTUAL]);
	p->propagate_pmtu = tb[VGATE_PEER_A_PROPAGATE_PMTU] &&
			    nla_get_u8(tb[VGATE_PEER_A_PROPAGATE_PMTU]);
	p->ipcomp = tb[VGATE_PEER_A_IPCOMP] ?
		    nla_get_u8(tb[VGATE_PEER_A_IPCOMP]) : VGATE_IPCOMP_ACCEPT;
	if (!!tb[VGATE_PEER_A_OPER] != !!tb[VGATE_PEER_A_BLOCK_SECONDS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_PEER_A_OPER] ?:
				    tb[VGATE_PEER_A_BLOCK_SECONDS],
				    "OPER BLOCKED and BLOCK_SECONDS go together");
		return -EINVAL;
	}
	if (tb[VGATE_PEER_A_BLOCK_SECONDS])
		p->blocked_until = jiffies + HZ *
			nla_get_u32(tb[VGATE_PEER_A_BLOCK_SECONDS]) ?: 1;
	if (!!tb[VGATE_PEER_A_SPI_OUT] != !!tb[VGATE_PEER_A_SPI_IN]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_PEER_A_SPI_OUT] ?:
				    tb[VGATE_PEER_A_SPI_IN],
				    "SPI_OUT and SPI_IN go together");
		return -EINVAL;
	}
	if (tb[VGATE_PEER_A_SPI_OUT] && !p->virtual) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_PEER_A_SPI_OUT],
				    "only virtual interface peers take SPIs");
		return -EINVAL;
	}
	if (tb[VGATE_PEER_A_SPI_OUT]) {
		err = vgate_nl_parse_spi(tb[VGATE_PEER_A_SPI_OUT], &p->spi_out,
					 extack);
		if (!err)
			err = vgate_nl_parse_spi(tb[VGATE_PEER_A_SPI_IN],
						 &p->spi_in, extack);
		if (err)
			return err;
	}
	err = dup_string(tb[VGATE_PEER_A_DESCR], &p->descr);
	if (!err)
		err = dup_string(tb[VGATE_PEER_A_HOSTNAME], &p->hostname);
	return err;
}

static int peer_put(struct vgate_txn *txn, struct genl_info *info,
		    bool replace)
{
	struct nlattr *nest = vgate_nl_get_nest(info, VGATE_A_PEER);
	struct vgate_peer *peer, *prev;
	int err;

	if (!nest)
		return -EINVAL;
	peer = vgate_peer_alloc();
	if (!peer)
		return -ENOMEM;
	err = peer_parse(nest, peer, info->extack);
	if (err) {
		vgate_peer_free(peer);
		return err;
	}
	prev = xa_load(&txn->st->peers, peer->id);
	if (prev && vgate_store_peer_entries(txn->st, peer->id) &&
	    peer->virtual) {
		NL_SET_ERR_MSG(info->extack,
			       "the peer's traffic list needs it to have no virtual interface");
		vgate_peer_free(peer);
		return -EBUSY;
	}
	if (prev) {
		struct nlattr *tb[VGATE_PEER_A_MAX + 1];
		struct vgate_rule *rule;
		unsigned long id;

		/* peer_parse() validated the nest already. */
		if (nla_parse_nested(tb, VGATE_PEER_A_MAX, nest, NULL, NULL))
			tb[VGATE_PEER_A_IPCOMP] = NULL;
		xa_for_each(&txn->st->rules, id, rule) {
			if (rule->stage != VGATE_STAGE_PEER ||
			    rule->peer_id != peer->id)
				continue;
			err = ipcomp_conflict(rule, peer->ipcomp,
					      tb[VGATE_PEER_A_IPCOMP] ?: nest,
					      info->extack);
			if (err) {
				vgate_peer_free(peer);
				return err;
			}
		}
	}
	return vgate_store_peer_put(txn->st, peer, replace, info->extack);
}

static int peer_new(struct vgate_net *vn, struct vgate_txn *txn,
		    struct genl_info *info)
{
	return peer_put(txn, info, false);
}

static int peer_set(struct vgate_net *vn, struct vgate_txn *txn,
		    struct genl_info *info)
{
	return peer_put(txn, info, true);
}

int vgate_nl_peer_new(struct sk_buff *skb, struct genl_info *info)
{
	return txn_do(info, peer_new);
}

int vgate_nl_peer_set(struct sk_buff *skb, struct genl_info *info)
{
	return txn_do(info, peer_set);
}

/* The peer a GET or DEL names by ID or NAME. */
static struct vgate_peer *peer_from(struct vgate_store *st,
				    struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[VGATE_PEER_A_MAX + 1];
	struct vgate_peer *peer = NULL;
	struct nlattr *nest;
	int err;

	nest = vgate_nl_get_nest(info, VGATE_A_PEER);
	if (!nest)
		return ERR_PTR(-EINVAL);
	err = nla_parse_nested(tb, VGATE_PEER_A_MAX, nest, vgate_peer_policy,
			       extack);
	if (err)
		return ERR_PTR(err);
	if (tb[VGATE_PEER_A_ID])
		peer = xa_load(&st->peers, nla_get_u32(tb[VGATE_PEER_A_ID]));
	else if (tb[VGATE_PEER_A_NAME])
		peer = vgate_store_peer_by_name(st,
						nla_data(tb[VGATE_PEER_A_NAME]));
	else if (vgate_nl_attr_missing(extack, nest, tb, VGATE_PEER_A_ID,
				       "missing peer ID or name"))
		return ERR_PTR(-EINVAL);
	if (!peer) {
		NL_SET_ERR_MSG(extack, "no such peer");
		return ERR_PTR(-ENOENT);
	}
	return peer;
}

int vgate_nl_peer_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	struct vgate_peer *peer;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = vgate_nl_reply_alloc(info, VGATE_CMD_PEER_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vn->lock);
	peer = peer_from(vn->store, info);
	err = IS_ERR(peer) ? PTR_ERR(peer) : vgate_peer_fill(vn, msg, peer);
	mutex_unlock(&vn->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int vgate_nl_peer_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return store_dump(skb, cb, false);
}

static int peer_del(struct vgate_net *vn, struct vgate_txn *txn,
		    struct genl_info *info)
{
	struct vgate_peer *peer = peer_from(txn->st, info);

	if (IS_ERR(peer))
		return PTR_ERR(peer);
	return vgate_store_peer_del(txn->st, peer->id, info->extack);
}

int vgate_nl_peer_del(struct sk_buff *skb, struct genl_info *info)
{
	return txn_do(info, peer_del);
}

static int peer_flush(struct vgate_net *vn, struct vgate_txn *txn,
		      struct genl_info *info)
{
	return vgate_store_peer_flush(txn->st, info->extack);
}

int vgate_nl_peer_flush(struct sk_buff *skb, struct genl_info *info)
{
	return txn_do(info, peer_flush);
}

/* Knobs */

static int config_set(struct vgate_net *vn, struct vgate_txn *txn,
		      struct genl_info *info)
{
	struct nlattr *nest = vgate_nl_get_nest(info, VGATE_A_CONFIG);
	struct vgate_config cfg = txn->cfg;
	u32 mask = 0;
	int err;

	if (!nest)
		return -EINVAL;
	err = vgate_config_set(&cfg, &mask, nest, info->extack);
	if (err)
		return err;
	txn->cfg = cfg;
	txn->cfg_mask |= mask;
	return 0;
}

int vgate_nl_config_set(struct sk_buff *skb, struct genl_info *info)
{
	return txn_do(info, config_set);
}

/* Transactions */

int vgate_nl_txn_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	int err;

	mutex_lock(&vn->lock);
	err = vgate_txn_begin(vn, info->snd_portid, info->extack);
	mutex_unlock(&vn->lock);
	return err;
}

static struct vgate_txn *own_txn(struct vgate_net *vn, struct genl_info *info)
{
	if (vn->txn && vn->txn->portid == info->snd_portid)
		return vn->txn;
	NL_SET_ERR_MSG(info->extack, "this socket has no open transaction");
	return NULL;
}

int vgate_nl_txn_commit(struct sk_buff *skb, struct genl_info *info)
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	struct vgate_txn *txn;
	int err = -ENOENT;

	mutex_lock(&vn->lock);
	txn = own_txn(vn, info);
	if (txn)
		err = vgate_txn_commit(vn, txn, info->extack);
	if (!err)
		err = vgate_net_enable(vn);
	mutex_unlock(&vn->lock);
	return err;
}

int vgate_nl_txn_abort(struct sk_buff *skb, struct genl_info *info)
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	struct vgate_txn *txn;

	mutex_lock(&vn->lock);
	txn = own_txn(vn, info);
	if (txn)
		vgate_txn_abort(vn, txn);
	mutex_unlock(&vn->lock);
	return txn ? 0 : -ENOENT;
}

/* EXPLAIN */

static int flow_parse(struct nlattr *nest, struct vgate_flow *f, bool *inbound,
		      u32 *iterations, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VGATE_FLOW_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, VGATE_FLOW_A_MAX, nest, vgate_flow_policy,
			       extack);
	if (err)
		return err;
	if (vgate_nl_attr_missing(extack, nest, tb, VGATE_FLOW_A_FAMILY,
				  "missing address family") ||
	    vgate_nl_attr_missing(extack, nest, tb, VGATE_FLOW_A_SRC,
				  "missing source address") ||
	    vgate_nl_attr_missing(extack, nest, tb, VGATE_FLOW_A_DST,
				  "missing destination address"))
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	err = vgate_nl_parse_family(tb[VGATE_FLOW_A_FAMILY], &f->family,
				    extack);
	if (!err)
		err = parse_addr(tb[VGATE_FLOW_A_SRC], f->family, &f->src,
				 extack);
	if (!err)
		err = parse_addr(tb[VGATE_FLOW_A_DST], f->family, &f->dst,
				 extack);
	if (err)
		return err;
	if (tb[VGATE_FLOW_A_PROTO])
		f->proto = nla_get_u8(tb[VGATE_FLOW_A_PROTO]);
	if ((tb[VGATE_FLOW_A_SPORT] || tb[VGATE_FLOW_A_DPORT]) &&
	    !proto_has_ports(f->proto)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_FLOW_A_SPORT] ?:
				    tb[VGATE_FLOW_A_DPORT],
				    "ports need protocol TCP, UDP, UDP-Lite or SCTP");
		return -EINVAL;
	}
	if (proto_has_ports(f->proto)) {
		f->has_ports = true;
		if (tb[VGATE_FLOW_A_SPORT])
			f->sport = htons(nla_get_u16(tb[VGATE_FLOW_A_SPORT]));
		if (tb[VGATE_FLOW_A_DPORT])
			f->dport = htons(nla_get_u16(tb[VGATE_FLOW_A_DPORT]));
	}
	*inbound = tb[VGATE_FLOW_A_DIR] &&
		   nla_get_u8(tb[VGATE_FLOW_A_DIR]) == VGATE_DIR_IN;
	*iterations = tb[VGATE_FLOW_A_ITERATIONS] ?
		      nla_get_u32(tb[VGATE_FLOW_A_ITERATIONS]) : 0;
	return 0;
}

int vgate_nl_explain(struct sk_buff *skb, struct genl_info *info)
{
	struct vgate_net *vn = vgate_net(genl_info_net(info));
	struct nlattr *nest = vgate_nl_get_nest(info, VGATE_A_FLOW);
	struct vgate_verdict v;
	struct vgate_spd *spd;
	struct vgate_flow f;
	u32 iterations, i;
	struct sk_buff *msg;
	bool inbound, self;
	u64 ns = 0;
	void *hdr;
	int err;

	if (!nest)
		return -EINVAL;
	err = flow_parse(nest, &f, &inbound, &iterations, info->extack);
	if (err)
		return err;
	msg = vgate_nl_reply_alloc(info, VGATE_CMD_EXPLAIN, &hdr);
	if (!msg)
		return -ENOMEM;
	/* Timed in batches: never hold the RCU read side for long. */
	for (i = 0; i < iterations; i += 1000) {
		u32 j, n = min(iterations - i, 1000U);
		u64 t0;

		rcu_read_lock();
		spd = rcu_dereference(vn->spd);
		t0 = ktime_get_ns();
		for (j = 0; j < n; j++)
			vgate_classify(vn, spd, &f, inbound, &v);
		ns += ktime_get_ns() - t0;
		rcu_read_unlock();
		cond_resched();
	}
	rcu_read_lock();
	spd = rcu_dereference(vn->spd);
	vgate_classify(vn, spd, &f, inbound, &v);
	self = vgate_ownaddr_is_self(vn, &f, inbound);
	nest = nla_nest_start(msg, VGATE_A_VERDICT);
	err = -EMSGSIZE;
	if (!nest ||
	    nla_put_u8(msg, VGATE_VERDICT_A_ACTION, v.action) ||
	    nla_put_u8(msg, VGATE_VERDICT_A_REASON, v.why) ||
	    nla_put_u8(msg, VGATE_VERDICT_A_SELF, self))
		goto fail;
	if (v.rule &&
	    (nla_put_u32(msg, VGATE_VERDICT_A_RULE_ID, v.rule->id) ||
	     nla_put_u8(msg, VGATE_VERDICT_A_STAGE, v.rule->stage)))
		goto fail;
	if (v.peer && nla_put_string(msg, VGATE_VERDICT_A_PEER_NAME,
				     v.peer->name))
		goto fail;
	if (iterations &&
	    (nla_put_u32(msg, VGATE_VERDICT_A_ITERATIONS, iterations) ||
	     vgate_nl_put_u64(msg, VGATE_VERDICT_A_NANOSECONDS, ns,
			      VGATE_VERDICT_A_PAD)))
		goto fail;
	rcu_read_unlock();
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
fail:
	rcu_read_unlock();
	nlmsg_free(msg);
	return err;
}

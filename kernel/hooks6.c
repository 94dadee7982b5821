// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 packet path.  The SAs are IPv4 only so far, so IPv6 traffic meets
 * the rules (pre rules, traffic lists, post rules, the post default) for
 * pass and drop only; a packet that a PROTECT entry covers cannot be sent
 * and is dropped as NO_SA (outbound) or POLICY (cleartext inbound).
 *
 * Link-local traffic (fe80::/10, ff02::/16: neighbour discovery, router
 * advertisements, DHCPv6) never leaves the link and is never subject to
 * rules, as ARP is not for IPv4.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6.h>
#include <linux/ipv6.h>
#include <net/ipv6.h>

#include "netns.h"
#include "hooks.h"
#include "policy.h"
#include "stats.h"

static void drop6(struct vgate_net *vn, struct sk_buff *skb,
		  enum vgate_drop_reason reason)
{
	vgate_count_drop(vn, reason);
	if (READ_ONCE(vn->cfg.drop_log))
		net_info_ratelimited("dropped %pI6c -> %pI6c: %s\n",
				     &ipv6_hdr(skb)->saddr,
				     &ipv6_hdr(skb)->daddr,
				     vgate_drop_reason_name(reason));
	kfree_skb(skb);
}

static bool link_scope(const struct in6_addr *a)
{
	int type = ipv6_addr_type(a);

	return (type & IPV6_ADDR_LINKLOCAL) ||
	       ((type & IPV6_ADDR_MULTICAST) &&
		IPV6_ADDR_MC_SCOPE(a) <= IPV6_ADDR_SCOPE_LINKLOCAL);
}

/* Classify; false (and pass) for link-local traffic or no policy. */
static int classify6(struct vgate_net *vn, struct sk_buff *skb, bool inbound,
		     struct vgate_verdict *v)
{
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);
	struct vgate_spd *spd = rcu_dereference(vn->spd);
	struct vgate_flow flow;

	memset(v, 0, sizeof(*v));
	if (!spd || link_scope(&ip6->saddr) || link_scope(&ip6->daddr))
		return 0;
	if (!vgate_flow_from_skb(skb, &flow))
		return -EINVAL;
	return vgate_classify(vn, spd, &flow, inbound, v);
}

static unsigned int vgate_output6(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct vgate_net *vn = priv;
	struct vgate_verdict v;
	int err;

	if (state->out->flags & IFF_LOOPBACK)
		return NF_ACCEPT;
	vgate_count(vn, VGATE_CNT_PACKETS_OUT);
	err = classify6(vn, skb, false, &v);
	/* A reply of a pass or drop rule, mirrored: see hooks.c. */
	if (!err && v.action == VGATE_ACTION_DROP) {
		struct vgate_verdict m;

		if (classify6(vn, skb, true, &m) > 0 &&
		    m.action != VGATE_ACTION_PROTECT) {
			v = m;
			err = 1;
		}
	}
	if (err < 0) {
		drop6(vn, skb, VGATE_DROP_MALFORMED);
		return NF_STOLEN;
	}
	if (v.rule)
		vgate_rule_count(v.rule, false, skb->len);
	if (!v.action || vgate_verdict_passes(vn, &v))
		goto pass;
	if (v.action == VGATE_ACTION_DROP)
		drop6(vn, skb, vgate_verdict_drop_reason(&v));
	else
		drop6(vn, skb, VGATE_DROP_NO_SA);
	return NF_STOLEN;
pass:
	vgate_count(vn, VGATE_CNT_PASSED);
	return NF_ACCEPT;
}

static unsigned int vgate_input_check6(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct vgate_net *vn = priv;
	struct vgate_verdict v;
	int err;

	if (state->in->flags & IFF_LOOPBACK)
		return NF_ACCEPT;
	vgate_count(vn, VGATE_CNT_PACKETS_IN);
	err = classify6(vn, skb, true, &v);
	if (err < 0) {
		drop6(vn, skb, VGATE_DROP_MALFORMED);
		return NF_STOLEN;
	}
	/* Unmatched: judged where it leaves or is delivered, as for IPv4. */
	if (!err || vgate_verdict_passes(vn, &v)) {
		vgate_count(vn, VGATE_CNT_PASSED);
		return NF_ACCEPT;
	}
	drop6(vn, skb, v.action == VGATE_ACTION_PROTECT ? VGATE_DROP_POLICY :
		  vgate_verdict_drop_reason(&v));
	return NF_STOLEN;
}

static unsigned int vgate_local_in6(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct vgate_net *vn = priv;
	struct vgate_verdict v;

	if (READ_ONCE(vn->cfg.post_default) != VGATE_ACTION_DROP ||
	    (state->in->flags & IFF_LOOPBACK))
		return NF_ACCEPT;
	if (classify6(vn, skb, true, &v) || !v.action)
		return NF_ACCEPT;
	drop6(vn, skb, VGATE_DROP_RULE);
	return NF_STOLEN;
}

void vgate_hooks6_fill(struct vgate_net *vn, struct nf_hook_ops *ops)
{
	const struct nf_hook_ops ops6[VGATE_HOOKS6] = {
		{
			.hook = vgate_input_check6,
			.pf = NFPROTO_IPV6,
			.hooknum = NF_INET_PRE_ROUTING,
			.priority = NF_IP6_PRI_NAT_DST - 1,
			.priv = vn,
		}, {
			.hook = vgate_local_in6,
			.pf = NFPROTO_IPV6,
			.hooknum = NF_INET_LOCAL_IN,
			.priority = NF_IP6_PRI_FILTER + 1,
			.priv = vn,
		}, {
			.hook = vgate_output6,
			.pf = NFPROTO_IPV6,
			.hooknum = NF_INET_POST_ROUTING,
			.priority = NF_IP6_PRI_LAST,
			.priv = vn,
		},
	};

	memcpy(ops, ops6, sizeof(ops6));
}

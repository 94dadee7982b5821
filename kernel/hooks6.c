// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 packet path: the same rules and steps as IPv4 (hooks.c).  A PROTECT
 * entry sends through its SA whatever the SA's outer family (6in6 or 6in4;
 * an IPv4 entry of a peer with an IPv6 address sends 4in6).  ESP over IPv6
 * addressed to the gateway is taken at LOCAL_IN, also after any number of
 * extension headers (hop-by-hop, destination options, a routing header with
 * no segments left): fragments are reassembled before that, by
 * nf_defrag_ipv6, which vgate enables in the namespace with its hooks; ESP
 * or AH in a fragment it skipped is dropped (fragment), never left to the
 * stack's own reassembly after LOCAL_IN.
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
#include "../drivers/tunnel.h"

/*
 * The offset of an ESP or AH header (*@proto) in @skb that the gateway
 * should process now, and of the next header field naming it, behind any
 * number of extension headers (the packet's length bounds them, as it
 * does for the IPv6 stack); -ENOENT if there is none (another protocol, a
 * routing header with segments left, a fragment other than the first, or
 * headers too short, which the IPv6 stack then handles); -EPROTO for ESP
 * or AH behind a Fragment header of offset 0.  nf_defrag_ipv6 reassembles
 * fragments, atomic ones too, before vgate's hooks; one that still has a
 * Fragment header skipped it (notrack before -400) and would be
 * reassembled by the stack after LOCAL_IN, past vgate: the caller drops it.
 */
static int esp6_offset(const struct sk_buff *skb, unsigned int *nh_off,
		       u8 *proto)
{
	unsigned int off = sizeof(struct ipv6hdr);
	unsigned int nh = offsetof(struct ipv6hdr, nexthdr);
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	bool frag = false;

	for (;;) {
		const struct frag_hdr *h;
		struct frag_hdr _h;	/* the first 8 bytes of any of them */
		u8 cur = nexthdr;

		if (cur == IPPROTO_ESP || cur == IPPROTO_AH) {
			if (frag)
				return -EPROTO;
			*nh_off = nh;
			*proto = cur;
			return off;
		}
		if (cur != NEXTHDR_HOP && cur != NEXTHDR_DEST &&
		    cur != NEXTHDR_ROUTING && cur != NEXTHDR_FRAGMENT)
			return -ENOENT;
		h = skb_header_pointer(skb, skb_network_offset(skb) + off,
				       sizeof(_h), &_h);
		if (!h)
			return -ENOENT;
		if ((cur == NEXTHDR_FRAGMENT &&
		     (h->frag_off & htons(IP6_OFFSET))) ||
		    (cur == NEXTHDR_ROUTING &&
		     ((const struct ipv6_rt_hdr *)h)->segments_left))
			return -ENOENT;
		frag |= cur == NEXTHDR_FRAGMENT;
		nh = off;
		nexthdr = h->nexthdr;
		off += cur == NEXTHDR_FRAGMENT ? sizeof(*h) :
		       ipv6_optlen((const struct ipv6_opt_hdr *)h);
	}
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

	if (vgate_skb_is_sent(skb))
		return NF_ACCEPT;
	/* Routed into a virtual peer's device: the device protects it. */
	if (vgate_tunnel_is_dev(state->out) ||
	    (state->out->flags & IFF_LOOPBACK))
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
	return vgate_output_verdict(vn, skb, err, &v);
}

static unsigned int vgate_input_check6(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct vgate_net *vn = priv;
	struct vgate_verdict v;
	unsigned int nh_off;
	u8 proto;
	int err;

	if (vgate_skb_is_decrypted(skb) || (state->in->flags & IFF_LOOPBACK))
		return NF_ACCEPT;
	vgate_count(vn, VGATE_CNT_PACKETS_IN);
	/* ESP and AH are vgate's own business at LOCAL_IN. */
	if (esp6_offset(skb, &nh_off, &proto) != -ENOENT)
		return NF_ACCEPT;
	err = classify6(vn, skb, true, &v);
	if (err < 0) {
		vgate_drop(vn, skb, VGATE_DROP_MALFORMED);
		return NF_STOLEN;
	}
	/* Unmatched: judged where it leaves or is delivered, as for IPv4. */
	if (!err || vgate_verdict_passes(vn, &v)) {
		vgate_count(vn, VGATE_CNT_PASSED);
		return NF_ACCEPT;
	}
	vgate_drop_verdict(vn, skb, v.action == VGATE_ACTION_PROTECT ?
			   VGATE_DROP_POLICY : vgate_verdict_drop_reason(&v),
			   &v);
	return NF_STOLEN;
}

static unsigned int vgate_local_in6(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct vgate_net *vn = priv;
	struct vgate_verdict v;
	unsigned int nh_off;
	__be16 frag_off;
	u8 nexthdr, proto;
	int off;

	if (state->in->flags & IFF_LOOPBACK)
		return NF_ACCEPT;
	/* ESP or AH inside a decrypted packet too: nesting is bounded there. */
	off = esp6_offset(skb, &nh_off, &proto);
	if (off >= 0)
		return vgate_xf_rcv(vn, skb, off, nh_off, proto, 0);
	if (off == -EPROTO) {
		vgate_drop(vn, skb, VGATE_DROP_FRAGMENT);
		return NF_STOLEN;
	}
	if (vgate_skb_is_decrypted(skb))
		return NF_ACCEPT;
	nexthdr = ipv6_hdr(skb)->nexthdr;
	off = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
			       sizeof(struct ipv6hdr), &nexthdr, &frag_off);
	if (off > 0 && nexthdr == IPPROTO_ICMPV6 && !frag_off)
		vgate_pmtu_learn6(vn, skb, off - skb_network_offset(skb));
	if (READ_ONCE(vn->cfg.post_default) != VGATE_ACTION_DROP)
		return NF_ACCEPT;
	if (classify6(vn, skb, true, &v) || !v.action)
		return NF_ACCEPT;
	vgate_drop_verdict(vn, skb, VGATE_DROP_RULE, &v);
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

// SPDX-License-Identifier: GPL-2.0
/*
 * Packet path, IPv4 hooks and what both families share (the IPv6 hooks are
 * in hooks6.c).  An SA's outer family (IPv4 or IPv6) is independent of the
 * family of the packets it carries in tunnel mode: 4in4, 6in6, 4in6, 6in4.
 *
 * Outbound (POST_ROUTING, last): the first matching rule decides; PROTECT
 * looks up the SA (SPI_OUT, PEER), checks the MTU, encrypts and sends the
 * result with ip_local_out() or ip6_local_out().
 *
 * Inbound: ESP addressed to this host is taken at LOCAL_IN (after the
 * filter table, after reassembly), decrypted, checked against the rule set
 * and fed back through PRE_ROUTING as the inner packet, as xfrm does.  At
 * PRE_ROUTING a cleartext packet that a PROTECT rule covers is dropped.
 *
 * Path MTU: an inner packet that does not fit once encapsulated is refused
 * with ICMP "fragmentation needed" (IPv4 with DF) or ICMPv6 "packet too
 * big" (IPv6) carrying the largest inner size that fits.  What it must fit
 * is the outer route's path MTU when the peer propagates the PMTU, else the
 * outgoing interface's MTU.  ICMP errors about vgate's own ESP packets
 * (pmtu_learn4/6) update the kernel's path MTU towards the peer.
 *
 * Packets vgate itself re-injects must not meet the hook that would take
 * them again: the re-injecting CPU marks the skb in a per-CPU slot for the
 * synchronous hook traversal.  ESP that vgate sends skips the output hook;
 * a decrypted packet skips only the clear-text check, so that a forwarded
 * one still meets the outbound rules (hub and spoke).
 *
 * Nesting: a decrypted packet may carry ESP or AH for vgate again (an
 * AH+ESP bundle, a tunnel inside a tunnel, or an attacker holding a key
 * who nests ESP a thousand times).  Each layer is one more trip through
 * vgate_xf_rcv(); the per-CPU slot also holds the depth of the packet
 * being re-injected, so the next layer knows its own, and a packet more
 * than vgate_max_nesting layers deep is dropped and counted (nesting).  A
 * layer decrypted while this CPU is already re-injecting a packet does not
 * recurse: it goes to a per-CPU backlog that a tasklet feeds to the stack
 * once the outer traversal has returned, so the stack stays as deep as
 * one layer, whatever the bound.
 */
#include <linux/interrupt.h>
#include <linux/moduleparam.h>
#include <linux/stringify.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/ip.h>
#include <net/icmp.h>
#include <net/ipv6.h>
#include <net/ip6_route.h>
#include <net/dsfield.h>
#include <net/route.h>
#include <net/dst.h>
#include <net/esp.h>
#include <net/inet_ecn.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "netns.h"
#include "hooks.h"
#include "policy.h"
#include "esp.h"
#include "ah.h"
#include "ipcomp.h"
#include "replay.h"
#include "stats.h"
#include "acquire.h"
#include "natt.h"
#include "../drivers/tunnel.h"

static DEFINE_PER_CPU(struct sk_buff *, vgate_sent);
static DEFINE_PER_CPU(struct sk_buff *, vgate_decrypted);
/* The depth (struct vgate_skb_cb) of the packet in vgate_decrypted. */
static DEFINE_PER_CPU(u8, vgate_decrypted_depth);

/* Decrypted packets waiting for this CPU's re-injection to return. */
struct rcv_backlog {
	struct sk_buff_head queue;
	struct tasklet_struct tasklet;
};

static DEFINE_PER_CPU(struct rcv_backlog, vgate_rcv_backlog);

/* As netdev_max_backlog's default: more is a flood, dropped as nomem. */
#define RCV_BACKLOG_MAX	1000

static unsigned int vgate_max_nesting = VGATE_MAX_NESTING_DEFAULT;

static int max_nesting_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, VGATE_MAX_NESTING_MIN,
				     VGATE_MAX_NESTING_MAX);
}

static const struct kernel_param_ops max_nesting_ops = {
	.set = max_nesting_set,
	.get = param_get_uint,
};

module_param_cb(max_nesting, &max_nesting_ops, &vgate_max_nesting, 0644);
MODULE_PARM_DESC(max_nesting,
		 "ESP/AH layers vgate removes from one packet at most, "
		 __stringify(VGATE_MAX_NESTING_MIN) ".."
		 __stringify(VGATE_MAX_NESTING_MAX) " (default "
		 __stringify(VGATE_MAX_NESTING_DEFAULT) ", as XFRM)");

bool vgate_skb_is_sent(const struct sk_buff *skb)
{
	return this_cpu_read(vgate_sent) == skb;
}

bool vgate_skb_is_decrypted(const struct sk_buff *skb)
{
	return this_cpu_read(vgate_decrypted) == skb;
}

/*
 * vgate takes packets at the last POST_ROUTING priority, which conntrack's
 * confirm hook shares; if conntrack registered first, it would run after
 * vgate and never see the packet, leaving the connection unconfirmed.
 * Confirm a new connection here, as ipv4_confirm() does.  A connection
 * confirmed earlier needs nothing, unless it has a helper (an ALG), which
 * vgate then cannot run for this packet.
 */
static unsigned int ct_confirm(struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	if (!ct || nf_ct_is_confirmed(ct))
		return NF_ACCEPT;
	if (ctinfo == IP_CT_RELATED_REPLY)
		return nf_conntrack_confirm(skb);
	if (ip_hdr(skb)->version == 6) {
		u8 pnum = ipv6_hdr(skb)->nexthdr;
		__be16 frag_off;
		int protoff;

		protoff = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
					   sizeof(struct ipv6hdr), &pnum,
					   &frag_off);
		if (protoff < 0 || (frag_off & htons(~0x7)))
			return nf_conntrack_confirm(skb);
		return nf_confirm(skb, protoff, ct, ctinfo);
	}
	return nf_confirm(skb, skb_network_offset(skb) + ip_hdrlen(skb), ct,
			  ctinfo);
#else
	return NF_ACCEPT;
#endif
}

static bool addr_equal(u8 family, const union vgate_addr *a,
		       const union vgate_addr *b)
{
	return family == AF_INET ? a->a4 == b->a4 :
	       ipv6_addr_equal(&a->a6, &b->a6);
}

/* The peer whose address is @addr, for the log; under rcu_read_lock(). */
static const struct vgate_peer *peer_by_addr(struct vgate_net *vn, u8 family,
					     const union vgate_addr *addr)
{
	const struct vgate_spd *spd = rcu_dereference(vn->spd);
	u32 i;

	for (i = 0; spd && i < spd->npeers; i++)
		if (spd->peers[i]->family == family &&
		    addr_equal(family, &spd->peers[i]->addr, addr))
			return spd->peers[i];
	return NULL;
}

/*
 * The drop log line: addresses, protocol, then what the drop site knew
 * (SPI, peer, rule) and the reason.  Never a key.
 */
static void drop_log(struct vgate_net *vn, const struct sk_buff *skb,
		     enum vgate_drop_reason reason,
		     const struct vgate_drop_ctx *ctx)
{
	const struct vgate_peer *peer = ctx ? ctx->peer : NULL;
	const struct vgate_sa *sa = ctx ? ctx->sa : NULL;
	__be32 spi = sa ? sa->key.spi : ctx ? ctx->spi : 0;
	char what[80] = "";
	int n = 0;

	rcu_read_lock();
	if (!peer && sa)
		peer = peer_by_addr(vn, sa->key.family, ctx->inbound ?
				    &sa->saddr : &sa->key.daddr);
	if (spi)
		n += scnprintf(what + n, sizeof(what) - n, " spi 0x%08x",
			       ntohl(spi));
	if (peer)
		n += scnprintf(what + n, sizeof(what) - n, " peer %s",
			       peer->name);
	if (ctx && ctx->rule)
		n += scnprintf(what + n, sizeof(what) - n, " rule %u",
			       ctx->rule->id);
	rcu_read_unlock();
	if (ip_hdr(skb)->version == 6 &&
	    skb_headlen(skb) >= skb_network_offset(skb) + sizeof(struct ipv6hdr))
		pr_info("dropped %pI6c -> %pI6c proto %u%s: %s\n",
			&ipv6_hdr(skb)->saddr, &ipv6_hdr(skb)->daddr,
			ipv6_hdr(skb)->nexthdr, what,
			vgate_drop_reason_name(reason));
	else
		pr_info("dropped %pI4 -> %pI4 proto %u%s: %s\n",
			&ip_hdr(skb)->saddr, &ip_hdr(skb)->daddr,
			ip_hdr(skb)->protocol, what,
			vgate_drop_reason_name(reason));
}

void vgate_drop_ctx(struct vgate_net *vn, struct sk_buff *skb,
		    enum vgate_drop_reason reason,
		    const struct vgate_drop_ctx *ctx)
{
	vgate_count_drop(vn, reason);
	if (unlikely(READ_ONCE(vn->cfg.drop_log)) && net_ratelimit())
		drop_log(vn, skb, reason, ctx);
	kfree_skb(skb);
}

void vgate_drop(struct vgate_net *vn, struct sk_buff *skb,
		enum vgate_drop_reason reason)
{
	vgate_drop_ctx(vn, skb, reason, NULL);
}

void vgate_drop_sa(struct vgate_net *vn, struct sk_buff *skb,
		   enum vgate_drop_reason reason, const struct vgate_sa *sa,
		   bool inbound)
{
	const struct vgate_drop_ctx ctx = { .sa = sa, .inbound = inbound };

	vgate_drop_ctx(vn, skb, reason, &ctx);
}

void vgate_drop_verdict(struct vgate_net *vn, struct sk_buff *skb,
			enum vgate_drop_reason reason,
			const struct vgate_verdict *v)
{
	const struct vgate_drop_ctx ctx = { .peer = v->peer, .rule = v->rule };

	vgate_drop_ctx(vn, skb, reason, &ctx);
}

void vgate_send_local(struct vgate_net *vn, struct sk_buff *skb)
{
	local_bh_disable();
	this_cpu_write(vgate_sent, skb);
	ip_local_out(vn->net, NULL, skb);
	this_cpu_write(vgate_sent, NULL);
	local_bh_enable();
}

/* Drop a packet the SA @sa was to carry; releases the caller's SA reference. */
static void sa_drop(struct vgate_net *vn, struct vgate_sa *sa,
		    struct sk_buff *skb, enum vgate_drop_reason reason)
{
	vgate_sa_count(sa, VGATE_SA_CNT_ERRORS, 1);
	vgate_drop_sa(vn, skb, reason, sa, false);
	vgate_sa_put(sa);
}

/* The route to the peer of a tunnel mode SA, cached per CPU. */
static struct dst_entry *sa_route(struct net *net, struct vgate_sa *sa)
{
	struct flowi6 fl6 = {};
	struct in6_addr saddr6;
	struct dst_entry *dst;

	if (sa->key.family == AF_INET) {
		struct flowi4 fl4 = {};
		struct rtable *rt;
		__be32 saddr;

		local_bh_disable();
		rt = dst_cache_get_ip4(&sa->dst_cache, &saddr);
		local_bh_enable();
		if (rt)
			return &rt->dst;
		fl4.daddr = sa->key.daddr.a4;
		fl4.saddr = sa->saddr.a4;
		fl4.flowi4_proto = sa->key.proto;
		rt = ip_route_output_key(net, &fl4);
		if (IS_ERR(rt))
			return NULL;
		local_bh_disable();
		dst_cache_set_ip4(&sa->dst_cache, &rt->dst, fl4.saddr);
		local_bh_enable();
		return &rt->dst;
	}
	local_bh_disable();
	dst = dst_cache_get_ip6(&sa->dst_cache, &saddr6);
	local_bh_enable();
	if (dst)
		return dst;
	fl6.daddr = sa->key.daddr.a6;
	fl6.saddr = sa->saddr.a6;
	fl6.flowi6_proto = sa->key.proto;
	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error) {
		dst_release(dst);
		return NULL;
	}
	local_bh_disable();
	dst_cache_set_ip6(&sa->dst_cache, dst, &fl6.saddr);
	local_bh_enable();
	return dst;
}

/*
 * Transport mode protects traffic to the peer itself: the packet's family
 * and destination must be the SA's.
 */
static bool transport_dst_ok(const struct vgate_sa *sa,
			     const struct sk_buff *skb)
{
	if (ip_hdr(skb)->version == 4)
		return sa->key.family == AF_INET &&
		       ip_hdr(skb)->daddr == sa->key.daddr.a4;
	return sa->key.family == AF_INET6 &&
	       ipv6_addr_equal(&ipv6_hdr(skb)->daddr, &sa->key.daddr.a6);
}

/*
 * The path MTU check.  Returns 0 if @skb may be sent (setting how the outer
 * packet may be fragmented), else the drop reason after the ICMP error.
 */
static int check_mtu(struct vgate_sa *comp, struct vgate_sa *sa,
		     struct vgate_sa *next, struct vgate_sa *outer,
		     struct sk_buff *skb, struct dst_entry *dst, bool pmtu)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	bool inner6 = ip_hdr(skb)->version == 6;
	unsigned int mtu, hlen = 0, nh_off, imtu;
	bool df, fits;
	int off;

	if (outer->mode == VGATE_MODE_TRANSPORT) {
		off = vgate_esp_transport_off(skb, &nh_off);
		if (off < 0)
			return VGATE_DROP_MALFORMED;
		/*
		 * The gateway's own packet shares its route with the ESP
		 * packet that will carry it: lowering that route's path MTU
		 * to the inner MTU would only make the ESP packet too big for
		 * it in turn.  It is never refused: its ESP packet is
		 * fragmented here if it must be.
		 */
		if (skb->sk) {
			skb->ignore_df = 1;
			return 0;
		}
		hlen = off;
	}
	mtu = pmtu ? dst_mtu(dst) : READ_ONCE(dst->dev->mtu);
	/* A bundle's outer AH adds the same to every packet. */
	if (next)
		mtu -= min(mtu, vgate_xf_overhead(next, 0));
	/*
	 * IPComp never makes a packet bigger (RFC 3173 2.2: a payload that
	 * does not shrink, header included, is sent uncompressed); in tunnel
	 * mode it adds the outer header in front of the transport ESP.
	 */
	if (comp)
		mtu -= min(mtu, vgate_ipcomp_overhead(comp));
	fits = skb->len + vgate_xf_overhead(sa, skb->len - hlen) <= mtu;
	imtu = vgate_xf_inner_mtu(sa, mtu, hlen);
	df = inner6 || (ip_hdr(skb)->frag_off & htons(IP_DF));
	if (!fits && inner6 && imtu < IPV6_MIN_MTU &&
	    skb->len <= IPV6_MIN_MTU)
		df = false;	/* RFC 8200 5: fragment the outer packet */
	if (!fits && df && !skb->ignore_df) {
		if (inner6)
			imtu = max_t(unsigned int, imtu, IPV6_MIN_MTU);
		if (skb->sk)
			skb_dst_update_pmtu_no_confirm(skb, imtu);
		if (inner6)
			icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, imtu);
		else
			icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
				  htonl(imtu));
		return VGATE_DROP_MTU;
	}
	/*
	 * The outer packet: with PMTU propagation it carries DF (IPv4) or
	 * may not be fragmented here (IPv6) whenever the inner one could not
	 * be, so that the path reports a smaller MTU to us; without it, it
	 * may be fragmented on the way (IPv4) or here (IPv6).
	 */
	cb->outer_df = pmtu && df;
	if (outer->mode == VGATE_MODE_TUNNEL && outer->key.family == AF_INET6)
		skb->ignore_df = !(pmtu && df);
	return 0;
}

/* Start the transform of cb->sa (ESP or AH). */
static void xf_output(struct sk_buff *skb)
{
	if (VGATE_SKB_CB(skb)->sa->key.proto == IPPROTO_AH)
		vgate_ah_output(skb);
	else
		vgate_esp_output(skb);
}

/*
 * The outer SA of a bundle: its sequence number and charge; false (and
 * the reason) if it cannot take the packet.
 */
static bool next_prepare(struct vgate_sa *next, struct sk_buff *skb,
			 enum vgate_drop_reason *reason)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);

	cb->seq = vgate_sa_next_seq(next);
	if (unlikely(!cb->seq)) {
		*reason = VGATE_DROP_SEQ_OVERFLOW;
		return false;
	}
	if (!vgate_sa_charge(next, skb->len, true)) {
		*reason = VGATE_DROP_EXPIRED;
		return false;
	}
	return true;
}

/*
 * Consumes @skb and the references to @comp, @sa and @next (@comp and
 * @next may be NULL).  IPComp @comp compresses first (synchronously), then
 * @sa (ESP) and @next (AH) run.  IPComp bundles are XFRM's (and
 * strongSwan's): IPComp in tunnel mode (it adds the outer header) with ESP
 * in transport mode, or both in transport mode; IPComp with ESP in tunnel
 * mode, or without ESP, is dropped as POLICY.
 */
static void output_one(struct vgate_net *vn, struct vgate_sa *comp,
		       struct vgate_sa *sa, struct vgate_sa *next,
		       struct sk_buff *skb, bool pmtu)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	enum vgate_drop_reason reason;
	struct dst_entry *dst = NULL;
	struct vgate_sa *outer = sa;
	u64 seq;

	memset(cb, 0, sizeof(*cb));
	if (comp) {
		reason = VGATE_DROP_POLICY;
		if (sa->key.proto != IPPROTO_ESP ||
		    sa->mode == VGATE_MODE_TUNNEL)
			goto drop;
		if (comp->mode == VGATE_MODE_TUNNEL)
			outer = comp;
	}
	if (outer->mode == VGATE_MODE_TUNNEL) {
		dst = sa_route(vn->net, outer);
		if (!dst) {
			reason = VGATE_DROP_NO_ROUTE;
			goto drop;
		}
	} else if (!transport_dst_ok(sa, skb)) {
		reason = VGATE_DROP_POLICY;
		goto drop;
	}
	reason = check_mtu(comp, sa, next, outer, skb, dst ?: skb_dst(skb),
			   pmtu);
	if (reason)
		goto drop;
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) {
		reason = VGATE_DROP_NOMEM;
		goto drop;
	}
	seq = vgate_sa_next_seq(sa);
	if (unlikely(!seq)) {
		/* The SA must not wrap (RFC 4303 3.3.3): it is stopped. */
		reason = VGATE_DROP_SEQ_OVERFLOW;
		goto drop;
	}
	if (!vgate_sa_charge(sa, skb->len, true) ||
	    (comp && !vgate_sa_charge(comp, skb->len, true))) {
		reason = VGATE_DROP_EXPIRED;
		goto drop;
	}
	if (dst) {
		skb_dst_drop(skb);
		skb_dst_set(skb, dst);
		dst = NULL;
	}
	nf_reset_ct(skb);
	if (comp) {
		reason = vgate_ipcomp_output(skb, comp);
		if (reason)
			goto drop;
		/* As vgate_xmit_done() does for ESP's own outer header. */
		if (comp->mode == VGATE_MODE_TUNNEL && ip_hdr(skb)->version == 4)
			ip_hdr(skb)->ttl = ip4_dst_hoplimit(skb_dst(skb));
		else if (comp->mode == VGATE_MODE_TUNNEL)
			ipv6_hdr(skb)->hop_limit =
				ip6_dst_hoplimit(skb_dst(skb));
		vgate_sa_put(comp);
		comp = NULL;
	}
	cb->sa = sa;
	cb->seq = seq;
	cb->next = next;
	xf_output(skb);
	return;
drop:
	dst_release(dst);
	if (comp) {
		vgate_sa_count(comp, VGATE_SA_CNT_ERRORS, 1);
		vgate_sa_put(comp);
	}
	vgate_sa_put(next);
	sa_drop(vn, sa, skb, reason);
}

void vgate_xmit_done(struct sk_buff *skb, int reason)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	struct vgate_sa *sa = cb->sa, *next = cb->next;
	struct vgate_net *vn = sa->vn;
	bool tunnel = sa->mode == VGATE_MODE_TUNNEL;
	enum vgate_drop_reason why;

	if (!reason && sa->encap_hlen && vgate_natt_push(skb, sa))
		reason = VGATE_DROP_NOMEM;
	if (reason) {
		vgate_sa_put(next);
		sa_drop(vn, sa, skb, reason);
		return;
	}
	if (next) {
		/*
		 * A bundle goes on with its next stage (AH over the ESP
		 * packet), from this completion.
		 */
		vgate_sa_put(sa);
		cb->next = NULL;
		if (!next_prepare(next, skb, &why)) {
			sa_drop(vn, next, skb, why);
			return;
		}
		cb->sa = next;
		xf_output(skb);
		return;
	}
	skb->ip_summed = CHECKSUM_NONE;
	vgate_count(vn, VGATE_CNT_PROTECTED_OUT);
	if (sa->key.family == AF_INET) {
		if (tunnel)
			ip_hdr(skb)->ttl = ip4_dst_hoplimit(skb_dst(skb));
		/* AH covers the identification: chosen before its ICV. */
		if (sa->key.proto != IPPROTO_AH)
			ip_select_ident(vn->net, skb, NULL);
		memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
		skb->protocol = htons(ETH_P_IP);
	} else {
		if (tunnel)
			ipv6_hdr(skb)->hop_limit =
				ip6_dst_hoplimit(skb_dst(skb));
		memset(IP6CB(skb), 0, sizeof(struct inet6_skb_parm));
		skb->protocol = htons(ETH_P_IPV6);
	}

	local_bh_disable();
	this_cpu_write(vgate_sent, skb);
	if (sa->key.family == AF_INET)
		ip_local_out(vn->net, skb->sk, skb);
	else
		ip6_local_out(vn->net, skb->sk, skb);
	this_cpu_write(vgate_sent, NULL);
	local_bh_enable();
	vgate_sa_put(sa);
}

/*
 * Classify @skb leaving (@inbound false) or arriving into @v; false if
 * nothing decided (see vgate_classify()).  -EINVAL when the ports cannot
 * be read, which the caller drops as malformed rather than let it bypass
 * port rules.
 */
static int classify(struct vgate_net *vn, const struct sk_buff *skb,
		    bool inbound, struct vgate_verdict *v)
{
	struct vgate_spd *spd = rcu_dereference(vn->spd);
	struct vgate_flow flow;

	if (!spd || !vgate_flow_from_skb(skb, &flow)) {
		memset(v, 0, sizeof(*v));
		return spd ? -EINVAL : 0;
	}
	return vgate_classify(vn, spd, &flow, inbound, v);
}

/*
 * A packet leaving that no rule matches may be going the other way of a
 * pass or drop rule: a reply from the remote side being forwarded to the
 * local side.  Before the post default drops it, match it mirrored (as if
 * arriving), which a rule covers by definition; a PROTECT entry matching
 * cleartext that way was judged at PRE_ROUTING already.
 */
static int classify_out(struct vgate_net *vn, const struct sk_buff *skb,
			struct vgate_verdict *v)
{
	struct vgate_verdict m;
	int err = classify(vn, skb, false, v);

	if (err || v->action != VGATE_ACTION_DROP)
		return err;
	if (classify(vn, skb, true, &m) > 0 &&
	    m.action != VGATE_ACTION_PROTECT) {
		*v = m;
		return 1;
	}
	return 0;
}

struct vgate_sa *vgate_bundle_reqid(struct vgate_net *vn, u32 reqid,
				    u8 family, const union vgate_addr *addr,
				    struct vgate_sa **next)
{
	struct vgate_sa *esp, *ah;

	esp = vgate_sa_lookup_reqid(vn, reqid, family, addr, IPPROTO_ESP);
	ah = vgate_sa_lookup_reqid(vn, reqid, family, addr, IPPROTO_AH);
	*next = esp ? ah : NULL;
	return esp ?: ah;
}

static struct vgate_sa *sa_by_spi(struct vgate_net *vn,
				  const struct vgate_peer *peer, u8 proto,
				  u32 spi)
{
	struct vgate_sa_key key = {};

	key.family = peer->family;
	key.proto = proto;
	key.spi = htonl(spi);
	key.daddr = peer->addr;
	return vgate_sa_lookup(vn, &key);
}

/*
 * The outbound SAs of a PROTECT verdict, with references: the first one
 * applied (ESP, or AH alone) and *@next, the outer AH of an AH+ESP
 * bundle.  NULL if an SA the entry names is missing.
 */
static struct vgate_sa *verdict_sa(struct vgate_net *vn,
				   const struct vgate_verdict *v,
				   struct vgate_sa **next)
{
	const struct vgate_rule *r = v->rule;
	struct vgate_sa *esp = NULL, *ah = NULL;

	*next = NULL;
	if (!vgate_rule_static(r))	/* dynamic entry: REQID = ID */
		return vgate_bundle_reqid(vn, r->id, v->peer->family,
					  &v->peer->addr, next);
	if (r->spi_out) {
		esp = sa_by_spi(vn, v->peer, IPPROTO_ESP, r->spi_out);
		if (!esp)
			return NULL;
	}
	if (r->ah_spi_out) {
		ah = sa_by_spi(vn, v->peer, IPPROTO_AH, r->ah_spi_out);
		if (!ah) {
			vgate_sa_put(esp);
			return NULL;
		}
	}
	*next = esp ? ah : NULL;
	return esp ?: ah;
}

/*
 * The outbound IPComp SA of a PROTECT verdict, with a reference: CPI_OUT,
 * or for a dynamic entry the one with its REQID; none for a peer with
 * ipcomp no.  *@missing: the entry needs one and there is none.
 */
static struct vgate_sa *verdict_comp(struct vgate_net *vn,
				     const struct vgate_verdict *v,
				     bool *missing)
{
	struct vgate_sa *comp;

	*missing = false;
	if (v->peer->ipcomp == VGATE_IPCOMP_NO)
		return NULL;
	if (!vgate_rule_static(v->rule)) {
		comp = vgate_sa_lookup_reqid(vn, v->rule->id, v->peer->family,
					     &v->peer->addr, IPPROTO_COMP);
		*missing = !comp && v->peer->ipcomp == VGATE_IPCOMP_FORCE;
		return comp;
	}
	if (!v->rule->cpi_out)
		return NULL;
	comp = sa_by_spi(vn, v->peer, IPPROTO_COMP, v->rule->cpi_out);
	*missing = !comp;
	return comp;
}

/*
 * Send @skb through @comp (IPComp, may be NULL), @sa and @next (may be
 * NULL), segmenting GSO packets; consumes the packet and the caller's
 * references.  From the output hook, or from process context with BHs
 * disabled and under rcu_read_lock (held packets).
 */
static void output_segs(struct vgate_net *vn, struct vgate_sa *comp,
			struct vgate_sa *sa, struct vgate_sa *next,
			struct sk_buff *skb, bool pmtu)
{
	struct sk_buff *segs, *seg, *tmp;

	if (!skb_is_gso(skb)) {
		output_one(vn, comp, sa, next, skb, pmtu);
		return;
	}
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		vgate_drop_sa(vn, skb, VGATE_DROP_NOMEM, sa, false);
		vgate_sa_put(comp);
		vgate_sa_put(next);
		vgate_sa_put(sa);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, tmp) {
		skb_mark_not_on_list(seg);
		refcount_inc(&sa->refcnt);
		if (next)
			refcount_inc(&next->refcnt);
		if (comp)
			refcount_inc(&comp->refcnt);
		output_one(vn, comp, sa, next, seg, pmtu);
	}
	vgate_sa_put(comp);
	vgate_sa_put(next);
	vgate_sa_put(sa);
}

void vgate_output_bundle(struct vgate_net *vn, struct vgate_sa *sa,
			 struct vgate_sa *next, struct sk_buff *skb, bool pmtu)
{
	output_segs(vn, NULL, sa, next, skb, pmtu);
}

void vgate_output_sa(struct vgate_net *vn, struct vgate_sa *sa,
		     struct sk_buff *skb, bool pmtu)
{
	vgate_output_bundle(vn, sa, NULL, skb, pmtu);
}

unsigned int vgate_protect(struct vgate_net *vn, const struct vgate_verdict *v,
			   struct sk_buff *skb)
{
	struct vgate_sa *next, *sa = verdict_sa(vn, v, &next), *comp = NULL;
	bool missing = false;

	if (sa)
		comp = verdict_comp(vn, v, &missing);
	if ((!sa && vgate_rule_static(v->rule)) || missing) {
		vgate_sa_put(next);
		vgate_sa_put(sa);
		vgate_drop_verdict(vn, skb, VGATE_DROP_NO_SA, v);
		return NF_STOLEN;
	}
	if (ct_confirm(skb) != NF_ACCEPT) {
		vgate_sa_put(comp);
		vgate_sa_put(next);
		vgate_sa_put(sa);
		kfree_skb(skb);
		return NF_STOLEN;
	}
	if (!sa)		/* dynamic entry without its SA yet */
		vgate_acquire_hold(vn, v, skb);
	else
		output_segs(vn, comp, sa, next, skb, v->peer->propagate_pmtu);
	return NF_STOLEN;
}

static unsigned int vgate_output(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct vgate_net *vn = priv;
	struct vgate_verdict v;
	int err;

	if (this_cpu_read(vgate_sent) == skb)
		return NF_ACCEPT;
	/*
	 * Routed into a virtual peer's device: the device protects it.
	 * Loopback traffic never leaves the gateway.
	 */
	if (vgate_tunnel_is_dev(state->out) ||
	    (state->out->flags & IFF_LOOPBACK) ||
	    vgate_natt_is_encap(vn, skb, true))
		return NF_ACCEPT;
	vgate_count(vn, VGATE_CNT_PACKETS_OUT);
	err = classify_out(vn, skb, &v);
	return vgate_output_verdict(vn, skb, err, &v);
}

static int vgate_rcv_finish(struct net *net, struct sock *sk,
			    struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);

	/* vgate_rcv_done() dropped the outer route: route the inner packet. */
	if (ip_route_input_noref(skb, iph->daddr, iph->saddr, iph->tos,
				 skb->dev)) {
		vgate_drop(vgate_net(net), skb, VGATE_DROP_NO_ROUTE);
		return NET_RX_DROP;
	}
	return dst_input(skb);
}

/* As ip6_route_input(), which is not exported. */
static int vgate_rcv_finish6(struct net *net, struct sock *sk,
			     struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct flowi6 fl6 = {
		.flowi6_iif = skb->dev->ifindex,
		.daddr = ip6h->daddr,
		.saddr = ip6h->saddr,
		.flowlabel = ip6_flowinfo(ip6h),
		.flowi6_mark = skb->mark,
		.flowi6_proto = ip6h->nexthdr,
	};
	struct dst_entry *dst;

	dst = ip6_route_input_lookup(net, skb->dev, &fl6, skb,
				     RT6_LOOKUP_F_HAS_SADDR);
	skb_dst_set(skb, dst);
	if (dst->error) {
		vgate_drop(vgate_net(net), skb, VGATE_DROP_NO_ROUTE);
		return NET_RX_DROP;
	}
	return dst_input(skb);
}

/* Tunnel mode: the inner packet, now at skb->data, must be sound. */
static int decap_inner(struct sk_buff *skb, u8 nexthdr, u8 outer_ds)
{
	unsigned int len;

	skb_reset_network_header(skb);
	if (nexthdr == IPPROTO_IPIP) {
		struct iphdr *iph;

		if (!pskb_may_pull(skb, sizeof(*iph)))
			return -VGATE_DROP_MALFORMED;
		iph = ip_hdr(skb);
		if (iph->version != 4 || iph->ihl < 5 ||
		    !pskb_may_pull(skb, iph->ihl * 4))
			return -VGATE_DROP_MALFORMED;
		iph = ip_hdr(skb);
		len = ntohs(iph->tot_len);
		if (ip_fast_csum(iph, iph->ihl) || len < iph->ihl * 4 ||
		    len > skb->len || pskb_trim(skb, len))
			return -VGATE_DROP_MALFORMED;
		if (INET_ECN_is_ce(outer_ds))
			IP_ECN_set_ce(ip_hdr(skb));
		skb->protocol = htons(ETH_P_IP);
		skb_set_transport_header(skb, ip_hdrlen(skb));
		return 0;
	}
	if (nexthdr == IPPROTO_IPV6) {
		struct ipv6hdr *ip6h;

		if (!pskb_may_pull(skb, sizeof(*ip6h)))
			return -VGATE_DROP_MALFORMED;
		ip6h = ipv6_hdr(skb);
		len = sizeof(*ip6h) + ntohs(ip6h->payload_len);
		/* payload length 0 would be a jumbogram: not through ESP */
		if (ip6h->version != 6 || len == sizeof(*ip6h) ||
		    len > skb->len || pskb_trim(skb, len))
			return -VGATE_DROP_MALFORMED;
		if (INET_ECN_is_ce(outer_ds))
			IP6_ECN_set_ce(skb, ipv6_hdr(skb));
		skb->protocol = htons(ETH_P_IPV6);
		skb_set_transport_header(skb, sizeof(*ip6h));
		return 0;
	}
	return -VGATE_DROP_MALFORMED;
}

/*
 * Strip the outer header (tunnel) or the ESP header (transport, where the
 * headers in front of ESP stay and the one that named ESP now names the
 * decrypted payload).
 */
static int decap(struct vgate_sa *sa, struct sk_buff *skb, u8 nexthdr)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	unsigned int hdrlen = cb->xf_hlen;
	unsigned int off = cb->esp_off;

	if (!pskb_may_pull(skb, off + hdrlen))
		return -VGATE_DROP_MALFORMED;
	if (sa->mode == VGATE_MODE_TUNNEL) {
		u8 outer_ds = ip_hdr(skb)->version == 4 ? ip_hdr(skb)->tos :
			      ipv6_get_dsfield(ipv6_hdr(skb));

		__skb_pull(skb, off + hdrlen);
		return decap_inner(skb, nexthdr, outer_ds);
	}
	memmove(skb->data + hdrlen, skb->data, off);
	__skb_pull(skb, hdrlen);
	skb_reset_network_header(skb);
	skb->data[sa->key.family == AF_INET ?
		  offsetof(struct iphdr, protocol) : cb->nh_off] = nexthdr;
	if (sa->key.family == AF_INET) {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = htons(skb->len);
		ip_send_check(iph);
	} else {
		ipv6_hdr(skb)->payload_len =
			htons(skb->len - sizeof(struct ipv6hdr));
	}
	skb_set_transport_header(skb, off);
	return 0;
}

/* The REQID of the inbound AH SA @spi to @sa's destination; 0 if gone. */
static u32 via_reqid(struct vgate_net *vn, const struct vgate_sa *sa,
		     __be32 spi)
{
	struct vgate_sa_key key = sa->key;
	struct vgate_sa *ah;
	u32 reqid = 0;

	key.proto = IPPROTO_AH;
	key.spi = spi;
	ah = vgate_sa_lookup(vn, &key);
	if (ah) {
		reqid = ah->reqid;
		vgate_sa_put(ah);
	}
	return reqid;
}

/*
 * A dynamic entry's bundle is what it sends through: the protocols of
 * the outbound SAs with its REQID.  Did the packet come through SAs of
 * exactly those (@sa, and @via_ah if not 0), all with its REQID?
 */
static bool dynamic_bundle_ok(struct vgate_net *vn, const struct vgate_rule *r,
			      const struct vgate_peer *peer,
			      const struct vgate_sa *sa, __be32 via_ah)
{
	struct vgate_sa *next, *out;
	bool ok;

	if (sa->reqid != r->id ||
	    (via_ah && via_reqid(vn, sa, via_ah) != r->id))
		return false;
	out = vgate_bundle_reqid(vn, r->id, peer->family, &peer->addr, &next);
	if (!out)	/* no outbound SA yet: any bundle of its REQID */
		return true;
	ok = out->key.proto == sa->key.proto && !next == !via_ah;
	vgate_sa_put(next);
	vgate_sa_put(out);
	return ok;
}

/*
 * The decrypted packet must be one the entry bound to this SA allows, and
 * have come through exactly the SAs of the entry's bundle: @sa (ESP, or
 * AH alone) and, for AH+ESP, the AH SA @via_ah authenticated it first.
 * @comp: the IPComp SA that decompressed it; @plain: it came as the
 * uncompressed packet of an IPComp tunnel (IP-in-IP inside ESP in
 * transport mode, RFC 3173 2.2).  Either needs an entry whose peer allows
 * IPComp and that names IPComp SAs (CPI_IN, that of @comp), or a dynamic
 * one (@comp then has its REQID); uncompressed packets are accepted
 * without IPComp too.
 */
static bool inbound_allowed(struct vgate_net *vn, struct vgate_sa *sa,
			    struct sk_buff *skb, __be32 via_ah,
			    struct vgate_sa *comp, bool plain)
{
	struct vgate_verdict v;
	struct vgate_rule *r;
	u32 esp_in, ah_in;

	if (classify(vn, skb, true, &v) <= 0 ||
	    v.action != VGATE_ACTION_PROTECT ||
	    v.peer->family != sa->key.family ||
	    !addr_equal(sa->key.family, &v.peer->addr, &sa->saddr))
		return false;
	r = v.rule;
	if (!vgate_rule_static(r)) {
		if (!dynamic_bundle_ok(vn, r, v.peer, sa, via_ah))
			return false;
	} else {
		esp_in = sa->key.proto == IPPROTO_ESP ? ntohl(sa->key.spi) : 0;
		ah_in = sa->key.proto == IPPROTO_AH ? ntohl(sa->key.spi) :
						      ntohl(via_ah);
		if (esp_in != r->spi_in || ah_in != r->ah_spi_in)
			return false;
	}
	if ((comp || plain) &&
	    (v.peer->ipcomp == VGATE_IPCOMP_NO ||
	     (vgate_rule_static(r) && !r->cpi_in) ||
	     (comp && (vgate_rule_static(r) ?
		       htonl(r->cpi_in) != comp->key.spi :
		       comp->reqid != r->id)) ||
	     (comp && !addr_equal(sa->key.family, &comp->saddr, &sa->saddr))))
		return false;
	vgate_rule_count(r, true, skb->len);
	return true;
}

/*
 * ESP in transport mode carrying IP-in-IP that no entry accepts as it is:
 * the uncompressed packet of an IPComp tunnel, as XFRM sends a packet
 * below the threshold or that did not compress.  Strip the outer header
 * and judge the inner packet; false (the caller drops) if it is not one.
 */
static bool inbound_plain(struct vgate_net *vn, struct vgate_sa *sa,
			  struct sk_buff *skb, __be32 via_ah, u8 nexthdr)
{
	u8 outer_ds = ip_hdr(skb)->version == 4 ? ip_hdr(skb)->tos :
		      ipv6_get_dsfield(ipv6_hdr(skb));

	if (nexthdr != IPPROTO_IPIP && nexthdr != IPPROTO_IPV6)
		return false;
	__skb_pull(skb, skb_transport_offset(skb));
	return !decap_inner(skb, nexthdr, outer_ds) &&
	       inbound_allowed(vn, sa, skb, via_ah, NULL, true);
}

/*
 * IPComp after ESP in transport mode (the packet's IP header names it):
 * decompress, and strip the outer header too if the IPComp SA is in tunnel
 * mode.  Returns 0 or a negative drop reason; *@comp as
 * vgate_ipcomp_input().
 */
static int decomp(struct vgate_net *vn, struct vgate_sa *sa,
		  struct sk_buff *skb, struct vgate_sa **comp, u16 *nhoff)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	unsigned int off = cb->esp_off;
	u8 outer_ds;
	int res;

	res = vgate_ipcomp_input(vn, skb, off, sa->key.family == AF_INET ?
				 offsetof(struct iphdr, protocol) : cb->nh_off,
				 comp);
	if (res < 0)
		return res;
	if ((*comp)->mode != VGATE_MODE_TUNNEL) {
		skb_set_transport_header(skb, off);
		return 0;
	}
	outer_ds = ip_hdr(skb)->version == 4 ? ip_hdr(skb)->tos :
		   ipv6_get_dsfield(ipv6_hdr(skb));
	*nhoff = offsetof(struct ipv6hdr, nexthdr);
	__skb_pull(skb, off);
	return decap_inner(skb, res, outer_ds);
}

static unsigned int xf_rcv(struct vgate_net *vn, struct sk_buff *skb,
			   unsigned int esp_off, unsigned int nh_off, u8 proto,
			   __be32 via_ah, unsigned int depth);

/*
 * Feed the decrypted @skb to PRE_ROUTING, marked for the hooks as
 * decrypted and @depth layers deep (a nested layer found on its way takes
 * depth + 1).  BHs off, in an RCU read-side section.
 */
static void rcv_reinject(struct vgate_net *vn, struct sk_buff *skb, u16 nhoff,
			 u8 depth)
{
	this_cpu_write(vgate_decrypted, skb);
	this_cpu_write(vgate_decrypted_depth, depth);
	if (skb->protocol == htons(ETH_P_IP)) {
		memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
		NF_HOOK(NFPROTO_IPV4, NF_INET_PRE_ROUTING, vn->net, NULL, skb,
			skb->dev, NULL, vgate_rcv_finish);
	} else {
		/*
		 * ip6_input_finish() goes on from the transport header with
		 * the next header at nhoff (after the headers in front of ESP
		 * in transport mode, which were handled before ESP).
		 */
		memset(IP6CB(skb), 0, sizeof(struct inet6_skb_parm));
		IP6CB(skb)->nhoff = nhoff;
		IP6CB(skb)->iif = skb->dev->ifindex;
		NF_HOOK(NFPROTO_IPV6, NF_INET_PRE_ROUTING, vn->net, NULL, skb,
			skb->dev, NULL, vgate_rcv_finish6);
	}
	this_cpu_write(vgate_decrypted, NULL);
}

/*
 * A nested layer, decrypted while this CPU re-injects the packet that
 * carried it: queue it for the tasklet rather than recurse.  The queued
 * skb keeps the reference to @sa (the namespace's exit waits for it) and
 * holds its device.  BHs off.
 */
static bool rcv_backlog_add(struct sk_buff *skb, struct vgate_sa *sa,
			    u16 nhoff, u8 depth)
{
	struct rcv_backlog *bl = this_cpu_ptr(&vgate_rcv_backlog);
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);

	if (skb_queue_len(&bl->queue) >= RCV_BACKLOG_MAX)
		return false;
	cb->sa = sa;
	cb->nh_off = nhoff;
	cb->depth = depth;
	dev_hold(skb->dev);
	__skb_queue_tail(&bl->queue, skb);
	tasklet_schedule(&bl->tasklet);
	return true;
}

static void rcv_backlog_run(struct tasklet_struct *t)
{
	struct rcv_backlog *bl = from_tasklet(bl, t, tasklet);
	struct sk_buff_head list;
	struct sk_buff *skb;

	__skb_queue_head_init(&list);
	skb_queue_splice_init(&bl->queue, &list);
	while ((skb = __skb_dequeue(&list))) {
		struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
		struct net_device *dev = skb->dev;
		struct vgate_sa *sa = cb->sa;

		rcu_read_lock();
		rcv_reinject(sa->vn, skb, cb->nh_off, cb->depth);
		rcu_read_unlock();
		dev_put(dev);
		vgate_sa_put(sa);
	}
}

void vgate_hooks_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct rcv_backlog *bl = per_cpu_ptr(&vgate_rcv_backlog, cpu);

		__skb_queue_head_init(&bl->queue);
		tasklet_setup(&bl->tasklet, rcv_backlog_run);
	}
}

/*
 * Module exit, after every namespace's exit: those waited for their SAs,
 * so no backlog holds a packet; wait for a tasklet still finishing.
 */
void vgate_hooks_uninit(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		tasklet_kill(&per_cpu_ptr(&vgate_rcv_backlog, cpu)->tasklet);
}

void vgate_rcv_done(struct sk_buff *skb, int res)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	struct vgate_sa *sa = cb->sa, *comp = NULL;
	struct vgate_net *vn = sa->vn;
	struct net_device *dev = skb->dev;
	u16 nhoff = offsetof(struct ipv6hdr, nexthdr);
	__be32 via_ah = cb->via_ah_spi;
	u8 depth = cb->depth;
	int reason, tun;
	bool ok;

	if (res < 0) {
		reason = -res;
		/*
		 * ESN: low bits left of the window are read as a number of a
		 * later 2^32 block (RFC 4303 A2.1); failing the ICV there,
		 * the packet is counted as one left of the window.
		 */
		if (reason == VGATE_DROP_AUTH && cb->ahead)
			reason = VGATE_DROP_REPLAY;
		goto drop;
	}
	if (vgate_replay_advance(sa->replay, cb->seq)) {
		reason = VGATE_DROP_REPLAY;
		goto drop;
	}
	if (res == IPPROTO_NONE && sa->key.proto == IPPROTO_ESP) {
		/* RFC 4303 2.6: dummy packet, discarded (and counted). */
		vgate_count(vn, VGATE_CNT_DUMMY_IN);
		consume_skb(skb);
		goto out;
	}
	if (res == IPPROTO_NONE) {
		/* AH has no dummy packets: authentic, but nothing inside. */
		reason = VGATE_DROP_NO_NEXT_HEADER;
		goto drop;
	}
	if (sa->mode == VGATE_MODE_TRANSPORT)
		nhoff = cb->nh_off;	/* cb is gone once IP6CB is set */
	reason = -decap(sa, skb, res);
	if (reason)
		goto drop;
	if (sa->encap_hlen)
		vgate_natt_fixup(sa, skb);
	if (!vgate_sa_charge(sa, skb->len, false)) {
		reason = VGATE_DROP_EXPIRED;
		goto drop;
	}
	/*
	 * AH+ESP bundle: AH (transport mode, outermost) is verified and
	 * stripped; the ESP inside goes on, remembering the AH SA for the
	 * inbound policy check.
	 */
	if (sa->key.proto == IPPROTO_AH && sa->mode == VGATE_MODE_TRANSPORT &&
	    res == IPPROTO_ESP) {
		xf_rcv(vn, skb, skb_transport_offset(skb), nhoff,
		       IPPROTO_ESP, sa->key.spi, depth + 1);
		goto out;
	}
	if (sa->key.proto == IPPROTO_ESP &&
	    sa->mode == VGATE_MODE_TRANSPORT && res == IPPROTO_COMP) {
		reason = -decomp(vn, sa, skb, &comp, &nhoff);
		if (reason)
			goto drop;
		if (!vgate_sa_charge(comp, skb->len, false)) {
			reason = VGATE_DROP_EXPIRED;
			goto drop;
		}
	}

	rcu_read_lock();
	/* A virtual peer's packets arrive on its device, without entries. */
	tun = vgate_tunnel_rx(vn, rcu_dereference(vn->spd), sa, skb);
	ok = tun > 0 ? !via_ah && !comp :
	     !tun && inbound_allowed(vn, sa, skb, via_ah, comp, false);
	if (!ok && !tun && !comp && sa->key.proto == IPPROTO_ESP &&
	    sa->mode == VGATE_MODE_TRANSPORT) {
		ok = inbound_plain(vn, sa, skb, via_ah, res);
		nhoff = offsetof(struct ipv6hdr, nexthdr);
	}
	if (!ok) {
		rcu_read_unlock();
		reason = VGATE_DROP_POLICY;
		goto drop;
	}
	vgate_count(vn, VGATE_CNT_PROTECTED_IN);
	skb->pkt_type = PACKET_HOST;
	skb_dst_drop(skb);
	nf_reset_ct(skb);

	local_bh_disable();
	if (!this_cpu_read(vgate_decrypted)) {
		rcv_reinject(vn, skb, nhoff, depth);
	} else if (rcv_backlog_add(skb, sa, nhoff, depth)) {
		sa = NULL;	/* the backlog holds the reference */
	} else {
		local_bh_enable();
		rcu_read_unlock();
		reason = VGATE_DROP_NOMEM;
		goto drop;
	}
	local_bh_enable();
	rcu_read_unlock();
	goto out;

drop:
	if (reason == VGATE_DROP_AUTH)
		vgate_sa_count(sa, VGATE_SA_CNT_AUTH, 1);
	else if (reason == VGATE_DROP_REPLAY)
		vgate_sa_count(sa, VGATE_SA_CNT_REPLAY, 1);
	else
		vgate_sa_count(sa, VGATE_SA_CNT_ERRORS, 1);
	if (comp)
		vgate_sa_count(comp, VGATE_SA_CNT_ERRORS, 1);
	vgate_drop_sa(vn, skb, reason, sa, true);
out:
	dev_put(dev);
	vgate_sa_put(comp);
	vgate_sa_put(sa);
}

/*
 * Cleartext delivered to the gateway itself that no rule matched meets the
 * post default here; decrypted packets have passed their entry already.
 */
static unsigned int local_default(struct vgate_net *vn, struct sk_buff *skb)
{
	struct vgate_verdict v;
	int err;

	if (this_cpu_read(vgate_decrypted) == skb ||
	    READ_ONCE(vn->cfg.post_default) != VGATE_ACTION_DROP)
		return NF_ACCEPT;
	rcu_read_lock();
	err = classify(vn, skb, true, &v);
	rcu_read_unlock();
	if (err || !v.action)
		return NF_ACCEPT;
	vgate_drop_verdict(vn, skb, VGATE_DROP_RULE, &v);
	return NF_STOLEN;
}

unsigned int vgate_xf_rcv(struct vgate_net *vn, struct sk_buff *skb,
			  unsigned int esp_off, unsigned int nh_off, u8 proto,
			  __be32 via_ah)
{
	unsigned int depth = 0;

	/* A layer inside a packet vgate decrypted and is re-injecting. */
	if (this_cpu_read(vgate_decrypted) == skb)
		depth = this_cpu_read(vgate_decrypted_depth) + 1;
	return xf_rcv(vn, skb, esp_off, nh_off, proto, via_ah, depth);
}

static unsigned int xf_rcv(struct vgate_net *vn, struct sk_buff *skb,
			   unsigned int esp_off, unsigned int nh_off, u8 proto,
			   __be32 via_ah, unsigned int depth)
{
	const struct ip_auth_hdr *ah = NULL;
	struct vgate_sa_key key = {};
	struct vgate_skb_cb *cb;
	unsigned int hlen, min;
	struct vgate_sa *sa;
	__be32 seq_lo;
	bool ahead;
	u64 seq;

	if (depth >= READ_ONCE(vgate_max_nesting)) {
		vgate_drop(vn, skb, VGATE_DROP_NESTING);
		return NF_STOLEN;
	}
	min = proto == IPPROTO_AH ? sizeof(*ah) : sizeof(struct ip_esp_hdr);
	if (!pskb_may_pull(skb, esp_off + min)) {
		vgate_drop(vn, skb, VGATE_DROP_MALFORMED);
		return NF_STOLEN;
	}
	if (proto == IPPROTO_AH) {
		ah = (const struct ip_auth_hdr *)(skb_network_header(skb) +
						  esp_off);
		key.spi = ah->spi;
		seq_lo = ah->seq_no;
	} else {
		const struct ip_esp_hdr *esph;

		esph = (const struct ip_esp_hdr *)(skb_network_header(skb) +
						   esp_off);
		key.spi = esph->spi;
		seq_lo = esph->seq_no;
	}
	key.proto = proto;
	if (ip_hdr(skb)->version == 4) {
		key.family = AF_INET;
		key.daddr.a4 = ip_hdr(skb)->daddr;
	} else {
		key.family = AF_INET6;
		key.daddr.a6 = ipv6_hdr(skb)->daddr;
	}
	sa = vgate_sa_lookup(vn, &key);
	if (!sa) {
		const struct vgate_drop_ctx ctx = { .spi = key.spi };

		vgate_drop_ctx(vn, skb, VGATE_DROP_NO_SA, &ctx);
		return NF_STOLEN;
	}
	seq = vgate_replay_infer(sa->replay, ntohl(seq_lo), &ahead);
	if (vgate_replay_check(sa->replay, seq)) {
		vgate_sa_count(sa, VGATE_SA_CNT_REPLAY, 1);
		vgate_drop_sa(vn, skb, VGATE_DROP_REPLAY, sa, true);
		vgate_sa_put(sa);
		return NF_STOLEN;
	}
	/* AH: the payload length must be the SA's (RFC 4302 2.2). */
	hlen = ah ? (ah->hdrlen + 2) << 2 :
		    sizeof(struct ip_esp_hdr) + sa->ivlen;
	if (test_bit(VGATE_SA_BIT_EXPIRED, &sa->state) ||
	    (ah && !vgate_ah_hlen_ok(sa, hlen)) ||
	    !pskb_may_pull(skb, esp_off + hlen)) {
		vgate_sa_count(sa, VGATE_SA_CNT_ERRORS, 1);
		vgate_drop_sa(vn, skb, test_bit(VGATE_SA_BIT_EXPIRED,
						&sa->state) ?
			      VGATE_DROP_EXPIRED : VGATE_DROP_MALFORMED, sa, true);
		vgate_sa_put(sa);
		return NF_STOLEN;
	}
	if (ct_confirm(skb) != NF_ACCEPT) {
		vgate_sa_put(sa);
		kfree_skb(skb);
		return NF_STOLEN;
	}
	nf_reset_ct(skb);
	cb = VGATE_SKB_CB(skb);
	memset(cb, 0, sizeof(*cb));
	cb->sa = sa;
	cb->seq = seq;
	cb->esp_off = esp_off;
	cb->xf_hlen = hlen;
	cb->nh_off = nh_off;
	cb->ahead = ahead;
	cb->depth = depth;
	cb->via_ah_spi = via_ah;
	dev_hold(skb->dev);
	if (ah)
		vgate_ah_input(skb);
	else
		vgate_esp_input(skb);
	return NF_STOLEN;
}

unsigned int vgate_esp_rcv(struct vgate_net *vn, struct sk_buff *skb,
			   unsigned int esp_off, unsigned int nh_off)
{
	return vgate_xf_rcv(vn, skb, esp_off, nh_off, IPPROTO_ESP, 0);
}

/*
 * An ICMP error about an ESP packet of one of our outbound SAs: the path
 * to the peer is narrower than the packet was.  Record it in the route
 * towards the peer, as the ESP protocol handler of XFRM would; whether
 * tunnelled traffic honours it is the peer's propagatePmtu.
 */
static void pmtu_learn4(struct vgate_net *vn, struct sk_buff *skb)
{
	unsigned int ihl = ip_hdrlen(skb), need;
	const struct icmphdr *icmph;
	const struct ip_esp_hdr *esph;
	struct vgate_sa_key key = {};
	const struct iphdr *inner;
	struct vgate_sa *sa;
	u32 mtu;

	need = ihl + sizeof(*icmph) + sizeof(*inner);
	if (!pskb_may_pull(skb, need))
		return;
	icmph = (const struct icmphdr *)(skb->data + ihl);
	inner = (const struct iphdr *)(icmph + 1);
	if (icmph->type != ICMP_DEST_UNREACH ||
	    icmph->code != ICMP_FRAG_NEEDED ||
	    (inner->protocol != IPPROTO_ESP && inner->protocol != IPPROTO_AH) ||
	    inner->ihl < 5 ||
	    !pskb_may_pull(skb, ihl + sizeof(*icmph) + inner->ihl * 4 + 8))
		return;
	icmph = (const struct icmphdr *)(skb->data + ihl);
	inner = (const struct iphdr *)(icmph + 1);
	esph = (const struct ip_esp_hdr *)((u8 *)inner + inner->ihl * 4);
	key.family = AF_INET;
	key.proto = inner->protocol;
	/* The first 8 bytes quoted: AH has its SPI in the second word. */
	key.spi = inner->protocol == IPPROTO_AH ?
		  ((const struct ip_auth_hdr *)esph)->spi : esph->spi;
	key.daddr.a4 = inner->daddr;
	mtu = ntohs(icmph->un.frag.mtu);
	sa = vgate_sa_lookup(vn, &key);
	if (!sa)
		return;
	if (sa->saddr.a4 == inner->saddr && mtu >= 68) {
		/* ipv4_update_pmtu() reads the quoted header at skb->data. */
		__skb_pull(skb, ihl + sizeof(*icmph));
		ipv4_update_pmtu(skb, vn->net, mtu, 0, inner->protocol);
		__skb_push(skb, ihl + sizeof(*icmph));
		vgate_count(vn, VGATE_CNT_PMTU_LEARNT);
	}
	vgate_sa_put(sa);
}

void vgate_pmtu_learn6(struct vgate_net *vn, struct sk_buff *skb,
		       unsigned int icmp_off)
{
	const struct icmp6hdr *icmph;
	const struct ipv6hdr *inner;
	const struct ip_esp_hdr *esph;
	struct vgate_sa_key key = {};
	struct vgate_sa *sa;
	u32 mtu;

	/* No extension headers between the quoted header and ESP or AH. */
	if (!pskb_may_pull(skb, icmp_off + sizeof(*icmph) + sizeof(*inner) +
			   sizeof(struct ip_auth_hdr)))
		return;
	icmph = (const struct icmp6hdr *)(skb_network_header(skb) + icmp_off);
	inner = (const struct ipv6hdr *)(icmph + 1);
	if (icmph->icmp6_type != ICMPV6_PKT_TOOBIG ||
	    (inner->nexthdr != IPPROTO_ESP && inner->nexthdr != IPPROTO_AH))
		return;
	esph = (const struct ip_esp_hdr *)(inner + 1);
	key.family = AF_INET6;
	key.proto = inner->nexthdr;
	key.spi = inner->nexthdr == IPPROTO_AH ?
		  ((const struct ip_auth_hdr *)esph)->spi : esph->spi;
	key.daddr.a6 = inner->daddr;
	mtu = ntohl(icmph->icmp6_mtu);
	sa = vgate_sa_lookup(vn, &key);
	if (!sa)
		return;
	if (ipv6_addr_equal(&sa->saddr.a6, &inner->saddr) &&
	    mtu >= IPV6_MIN_MTU) {
		unsigned int n = icmp_off + sizeof(*icmph);

		/* ip6_update_pmtu() reads the quoted header at skb->data. */
		__skb_pull(skb, n);
		ip6_update_pmtu(skb, vn->net, icmph->icmp6_mtu, 0, 0,
				sock_net_uid(vn->net, NULL));
		__skb_push(skb, n);
		vgate_count(vn, VGATE_CNT_PMTU_LEARNT);
	}
	vgate_sa_put(sa);
}

static unsigned int vgate_esp_in(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct vgate_net *vn = priv;

	if (ip_hdr(skb)->protocol == IPPROTO_ICMP &&
	    !(state->in->flags & IFF_LOOPBACK))
		pmtu_learn4(vn, skb);
	if (ip_hdr(skb)->protocol != IPPROTO_ESP &&
	    ip_hdr(skb)->protocol != IPPROTO_AH)
		return state->in->flags & IFF_LOOPBACK ||
		       vgate_natt_is_encap(vn, skb, false) ? NF_ACCEPT :
		       local_default(vn, skb);
	return vgate_xf_rcv(vn, skb, ip_hdrlen(skb), 0, ip_hdr(skb)->protocol,
			    0);
}

static unsigned int vgate_input_check(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	struct vgate_net *vn = priv;
	struct vgate_verdict v;
	int err;

	if (this_cpu_read(vgate_decrypted) == skb ||
	    (state->in->flags & IFF_LOOPBACK))
		return NF_ACCEPT;
	vgate_count(vn, VGATE_CNT_PACKETS_IN);
	/* ESP (in UDP too) and AH are vgate's own business at LOCAL_IN. */
	if (ip_hdr(skb)->protocol == IPPROTO_ESP ||
	    ip_hdr(skb)->protocol == IPPROTO_AH ||
	    vgate_natt_is_encap(vn, skb, false))
		return NF_ACCEPT;
	err = classify(vn, skb, true, &v);
	if (err < 0) {
		vgate_drop(vn, skb, VGATE_DROP_MALFORMED);
		return NF_STOLEN;
	}
	/*
	 * Unmatched traffic is not judged here: where it goes is not known
	 * yet.  The post default applies when it leaves (vgate_output) or
	 * is delivered locally (vgate_esp_in).
	 */
	if (!err || vgate_verdict_passes(vn, &v))
		goto pass;
	vgate_drop_verdict(vn, skb, v.action == VGATE_ACTION_DROP ?
			   vgate_verdict_drop_reason(&v) : VGATE_DROP_POLICY,
			   &v);
	return NF_STOLEN;
pass:
	vgate_count(vn, VGATE_CNT_PASSED);
	return NF_ACCEPT;
}

int vgate_hooks_register(struct vgate_net *vn)
{
	struct nf_hook_ops ops[] = {
		{
			.hook = vgate_input_check,
			.pf = NFPROTO_IPV4,
			.hooknum = NF_INET_PRE_ROUTING,
			.priority = NF_IP_PRI_NAT_DST - 1,
			.priv = vn,
		}, {
			.hook = vgate_esp_in,
			.pf = NFPROTO_IPV4,
			.hooknum = NF_INET_LOCAL_IN,
			.priority = NF_IP_PRI_FILTER + 1,
			.priv = vn,
		}, {
			.hook = vgate_output,
			.pf = NFPROTO_IPV4,
			.hooknum = NF_INET_POST_ROUTING,
			.priority = NF_IP_PRI_LAST,
			.priv = vn,
		},
	};
	int err;

	BUILD_BUG_ON(sizeof(struct vgate_skb_cb) >
		     sizeof_field(struct sk_buff, cb));
	BUILD_BUG_ON(ARRAY_SIZE(ops) != VGATE_HOOKS4 ||
		     ARRAY_SIZE(vn->hook_ops) != VGATE_HOOKS4 + VGATE_HOOKS6);
	memcpy(vn->hook_ops, ops, sizeof(ops));
	vgate_hooks6_fill(vn, vn->hook_ops + VGATE_HOOKS4);
	/* ESP over IPv6 must be whole at LOCAL_IN (hooks6.c). */
	err = nf_defrag_ipv6_enable(vn->net);
	if (err)
		return err;
	err = nf_register_net_hooks(vn->net, vn->hook_ops,
				    ARRAY_SIZE(vn->hook_ops));
	if (err) {
		nf_defrag_ipv6_disable(vn->net);
		return err;
	}
	vn->hooks_registered = true;
	return 0;
}

void vgate_hooks_unregister(struct vgate_net *vn)
{
	if (!vn->hooks_registered)
		return;
	nf_unregister_net_hooks(vn->net, vn->hook_ops, ARRAY_SIZE(vn->hook_ops));
	nf_defrag_ipv6_disable(vn->net);
	vn->hooks_registered = false;
}

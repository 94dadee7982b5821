// SPDX-License-Identifier: GPL-2.0
/*
 * Packet path.
 *
 * Outbound (POST_ROUTING, last): the first matching rule decides; PROTECT
 * looks up the SA (SPI_OUT, PEER), checks the path MTU, encrypts and sends
 * the result with ip_local_out().
 *
 * Inbound: ESP addressed to this host is taken at LOCAL_IN (after the
 * filter table, after reassembly), decrypted, checked against the rule set
 * and fed back through PRE_ROUTING as the inner packet, as xfrm does.  At
 * PRE_ROUTING a cleartext packet that a PROTECT rule covers is dropped.
 *
 * Packets vgate itself re-injects must not meet the hook that would take
 * them again: the re-injecting CPU marks the skb in a per-CPU slot for the
 * synchronous hook traversal.  ESP that vgate sends skips the output hook;
 * a decrypted packet skips only the clear-text check, so that a forwarded
 * one still meets the outbound rules (hub and spoke).
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/icmp.h>
#include <net/ip.h>
#include <net/icmp.h>
#include <net/route.h>
#include <net/dst.h>
#include <net/esp.h>
#include <net/inet_ecn.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>

#include "netns.h"
#include "hooks.h"
#include "policy.h"
#include "esp.h"
#include "replay.h"
#include "stats.h"
#include "acquire.h"
#include "natt.h"
#include "../drivers/tunnel.h"

static DEFINE_PER_CPU(struct sk_buff *, vgate_sent);
static DEFINE_PER_CPU(struct sk_buff *, vgate_decrypted);

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
	return nf_confirm(skb, skb_network_offset(skb) + ip_hdrlen(skb), ct,
			  ctinfo);
#else
	return NF_ACCEPT;
#endif
}

static void drop(struct vgate_net *vn, struct sk_buff *skb,
		 enum vgate_drop_reason reason)
{
	vgate_count_drop(vn, reason);
	if (READ_ONCE(vn->cfg.drop_log))
		net_info_ratelimited("dropped %pI4 -> %pI4 proto %u: %s\n",
				     &ip_hdr(skb)->saddr, &ip_hdr(skb)->daddr,
				     ip_hdr(skb)->protocol,
				     vgate_drop_reason_name(reason));
	kfree_skb(skb);
}

void vgate_drop(struct vgate_net *vn, struct sk_buff *skb, int reason)
{
	drop(vn, skb, reason);
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
	vgate_sa_put(sa);
	drop(vn, skb, reason);
}

/* The route to the peer of a tunnel mode SA, cached per CPU. */
static struct rtable *sa_route(struct net *net, struct vgate_sa *sa)
{
	struct flowi4 fl4 = {};
	struct rtable *rt;
	__be32 saddr;

	local_bh_disable();
	rt = dst_cache_get_ip4(&sa->dst_cache, &saddr);
	local_bh_enable();
	if (rt)
		return rt;
	fl4.daddr = sa->key.daddr.a4;
	fl4.saddr = sa->saddr.a4;
	fl4.flowi4_proto = IPPROTO_ESP;
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return NULL;
	local_bh_disable();
	dst_cache_set_ip4(&sa->dst_cache, &rt->dst, fl4.saddr);
	local_bh_enable();
	return rt;
}

/* Largest inner packet that still fits @mtu once encapsulated. */
static unsigned int inner_mtu(const struct vgate_sa *sa, unsigned int mtu,
			      unsigned int ihl)
{
	unsigned int fixed = sa->encap_hlen + sizeof(struct ip_esp_hdr) +
			     sa->ivlen + sa->icvlen;
	unsigned int avail;

	if (sa->mode == VGATE_MODE_TUNNEL)
		fixed += sizeof(struct iphdr);
	else
		fixed += ihl;
	if (mtu < fixed + sa->blksize + 68)
		return 68;
	avail = round_down(mtu - fixed, sa->blksize) - 2;
	return sa->mode == VGATE_MODE_TUNNEL ? avail : avail + ihl;
}

static void output_one(struct vgate_net *vn, struct vgate_sa *sa,
		       struct sk_buff *skb)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int ihl = iph->ihl * 4, mtu, len;
	enum vgate_drop_reason reason;
	struct rtable *rt = NULL;
	s64 seq;

	if (sa->mode == VGATE_MODE_TUNNEL) {
		rt = sa_route(vn->net, sa);
		if (!rt) {
			sa_drop(vn, sa, skb, VGATE_DROP_NO_ROUTE);
			return;
		}
		mtu = dst_mtu(&rt->dst);
		len = sizeof(struct iphdr) + skb->len +
		      vgate_esp_overhead(sa, skb->len);
	} else {
		/* Transport mode protects traffic to the peer itself. */
		if (iph->daddr != sa->key.daddr.a4) {
			sa_drop(vn, sa, skb, VGATE_DROP_POLICY);
			return;
		}
		mtu = dst_mtu(skb_dst(skb));
		len = skb->len + vgate_esp_overhead(sa, skb->len - ihl);
	}
	if (len > mtu && (iph->frag_off & htons(IP_DF)) && !skb->ignore_df) {
		unsigned int imtu = inner_mtu(sa, mtu, ihl);

		if (skb->sk)
			skb_dst_update_pmtu_no_confirm(skb, imtu);
		icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(imtu));
		reason = VGATE_DROP_MTU;
		goto drop;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) {
		reason = VGATE_DROP_NOMEM;
		goto drop;
	}
	seq = atomic64_inc_return(&sa->seq_out);
	if (unlikely(seq > U32_MAX)) {
		/* No ESN: the SA must not wrap (RFC 4303 3.3.3). */
		set_bit(VGATE_SA_BIT_EXPIRED, &sa->state);
		reason = VGATE_DROP_SEQ_OVERFLOW;
		goto drop;
	}
	if (!vgate_sa_charge(sa, skb->len)) {
		reason = VGATE_DROP_EXPIRED;
		goto drop;
	}
	if (rt) {
		skb_dst_drop(skb);
		skb_dst_set(skb, &rt->dst);
	}
	nf_reset_ct(skb);
	memset(cb, 0, sizeof(*cb));
	cb->sa = sa;
	cb->seq = seq;
	vgate_esp_output(skb);
	return;
drop:
	if (rt)
		ip_rt_put(rt);
	sa_drop(vn, sa, skb, reason);
}

void vgate_xmit_done(struct sk_buff *skb, int reason)
{
	struct vgate_sa *sa = VGATE_SKB_CB(skb)->sa;
	struct vgate_net *vn = sa->vn;
	struct iphdr *iph;

	if (!reason && sa->encap_hlen && vgate_natt_push(skb, sa))
		reason = VGATE_DROP_NOMEM;
	if (reason) {
		sa_drop(vn, sa, skb, reason);
		return;
	}
	iph = ip_hdr(skb);
	if (sa->mode == VGATE_MODE_TUNNEL)
		iph->ttl = ip4_dst_hoplimit(skb_dst(skb));
	ip_select_ident(vn->net, skb, NULL);
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	skb->ip_summed = CHECKSUM_NONE;
	skb->protocol = htons(ETH_P_IP);
	vgate_count(vn, VGATE_CNT_PROTECTED_OUT);

	local_bh_disable();
	this_cpu_write(vgate_sent, skb);
	ip_local_out(vn->net, skb->sk, skb);
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

/* The outbound SA of a PROTECT verdict, with a reference. */
static struct vgate_sa *verdict_sa(struct vgate_net *vn,
				   const struct vgate_verdict *v)
{
	struct vgate_sa_key key = {};

	if (v->peer->family != AF_INET)
		return NULL;
	if (!v->rule->spi_out)	/* dynamic entry: REQID = ID */
		return vgate_sa_lookup_reqid(vn, v->rule->id, &v->peer->addr);
	key.family = AF_INET;
	key.proto = IPPROTO_ESP;
	key.spi = htonl(v->rule->spi_out);
	key.daddr = v->peer->addr;
	return vgate_sa_lookup(vn, &key);
}

/*
 * Send @skb through @sa, segmenting GSO packets; consumes both the packet
 * and the caller's reference to @sa.  From the output hook, or from process
 * context with BHs disabled and under rcu_read_lock (held packets).
 */
void vgate_output_sa(struct vgate_net *vn, struct vgate_sa *sa,
		     struct sk_buff *skb)
{
	struct sk_buff *segs, *seg, *next;

	if (!skb_is_gso(skb)) {
		output_one(vn, sa, skb);
		return;
	}
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		vgate_sa_put(sa);
		drop(vn, skb, VGATE_DROP_NOMEM);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		refcount_inc(&sa->refcnt);
		output_one(vn, sa, seg);
	}
	vgate_sa_put(sa);
}

static unsigned int vgate_output(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct vgate_net *vn = priv;
	struct vgate_verdict v;
	struct vgate_sa *sa;
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
	if (err < 0) {
		drop(vn, skb, VGATE_DROP_MALFORMED);
		return NF_STOLEN;
	}
	if (!v.action)		/* no policy at all */
		goto pass;
	/*
	 * A decrypted packet being forwarded was accepted by the entry that
	 * decrypted it; only another peer's entry may take it on (hub and
	 * spoke): pre and post rules and the post default do not apply.
	 */
	if (this_cpu_read(vgate_decrypted) == skb &&
	    v.action != VGATE_ACTION_PROTECT)
		goto pass;
	if (v.rule)
		vgate_rule_count(v.rule, false, skb->len);
	if (vgate_verdict_passes(vn, &v))
		goto pass;
	if (v.action == VGATE_ACTION_DROP) {
		drop(vn, skb, vgate_verdict_drop_reason(&v));
		return NF_STOLEN;
	}
	sa = verdict_sa(vn, &v);
	if (!sa && (v.rule->spi_out || v.peer->family != AF_INET)) {
		drop(vn, skb, VGATE_DROP_NO_SA);
		return NF_STOLEN;
	}
	if (ct_confirm(skb) != NF_ACCEPT) {
		vgate_sa_put(sa);
		kfree_skb(skb);
		return NF_STOLEN;
	}
	if (!sa)		/* dynamic entry without its SA yet */
		vgate_acquire_hold(vn, &v, skb);
	else
		vgate_output_sa(vn, sa, skb);
	return NF_STOLEN;
pass:
	vgate_count(vn, VGATE_CNT_PASSED);
	return NF_ACCEPT;
}

static int vgate_rcv_finish(struct net *net, struct sock *sk,
			    struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);

	/* vgate_rcv_done() dropped the outer route: route the inner packet. */
	if (ip_route_input_noref(skb, iph->daddr, iph->saddr, iph->tos,
				 skb->dev)) {
		drop(vgate_net(net), skb, VGATE_DROP_NO_ROUTE);
		return NET_RX_DROP;
	}
	return dst_input(skb);
}

/* Strip the outer header (tunnel) or the ESP header (transport). */
static int decap(struct vgate_sa *sa, struct sk_buff *skb, u8 nexthdr)
{
	unsigned int ihl = ip_hdrlen(skb);
	unsigned int hdrlen = sizeof(struct ip_esp_hdr) + sa->ivlen;
	struct iphdr *iph;

	if (sa->mode == VGATE_MODE_TUNNEL) {
		u8 outer_tos = ip_hdr(skb)->tos;
		unsigned int len;

		if (nexthdr != IPPROTO_IPIP)
			return -VGATE_DROP_MALFORMED;
		if (!pskb_may_pull(skb, ihl + hdrlen + sizeof(*iph)))
			return -VGATE_DROP_MALFORMED;
		__skb_pull(skb, ihl + hdrlen);
		skb_reset_network_header(skb);
		iph = ip_hdr(skb);
		if (iph->version != 4 || iph->ihl < 5 ||
		    !pskb_may_pull(skb, iph->ihl * 4))
			return -VGATE_DROP_MALFORMED;
		iph = ip_hdr(skb);
		len = ntohs(iph->tot_len);
		if (ip_fast_csum(iph, iph->ihl) || len < iph->ihl * 4 ||
		    len > skb->len || pskb_trim(skb, len))
			return -VGATE_DROP_MALFORMED;
		if (INET_ECN_is_ce(outer_tos))
			IP_ECN_set_ce(ip_hdr(skb));
	} else {
		if (!pskb_may_pull(skb, ihl + hdrlen))
			return -VGATE_DROP_MALFORMED;
		memmove(skb->data + hdrlen, skb->data, ihl);
		__skb_pull(skb, hdrlen);
		skb_reset_network_header(skb);
		iph = ip_hdr(skb);
		iph->protocol = nexthdr;
		iph->tot_len = htons(skb->len);
		ip_send_check(iph);
	}
	skb_set_transport_header(skb, ip_hdrlen(skb));
	return 0;
}

/* The decrypted packet must be one the entry bound to this SA allows. */
static bool inbound_allowed(struct vgate_net *vn, struct vgate_sa *sa,
			    struct sk_buff *skb)
{
	struct vgate_verdict v;

	if (classify(vn, skb, true, &v) <= 0 ||
	    v.action != VGATE_ACTION_PROTECT ||
	    (v.rule->spi_in ? htonl(v.rule->spi_in) != sa->key.spi :
			      sa->reqid != v.rule->id) ||
	    v.peer->family != AF_INET || v.peer->addr.a4 != sa->saddr.a4)
		return false;
	vgate_rule_count(v.rule, true, skb->len);
	return true;
}

void vgate_rcv_done(struct sk_buff *skb, int res)
{
	struct vgate_skb_cb *cb = VGATE_SKB_CB(skb);
	struct vgate_sa *sa = cb->sa;
	struct vgate_net *vn = sa->vn;
	struct net_device *dev = skb->dev;
	int reason, tun;

	if (res < 0) {
		reason = -res;
		goto drop;
	}
	if (vgate_replay_advance(sa->replay, cb->seq)) {
		reason = VGATE_DROP_REPLAY;
		goto drop;
	}
	if (res == IPPROTO_NONE) {
		/* RFC 4303 2.6: dummy packet, discard silently. */
		consume_skb(skb);
		goto out;
	}
	reason = -decap(sa, skb, res);
	if (reason)
		goto drop;
	vgate_natt_fixup(sa, skb);
	if (!vgate_sa_charge(sa, skb->len)) {
		reason = VGATE_DROP_EXPIRED;
		goto drop;
	}

	rcu_read_lock();
	/* A virtual peer's packets arrive on its device, without entries. */
	tun = vgate_tunnel_rx(vn, rcu_dereference(vn->spd), sa, skb);
	if (tun < 0 || (!tun && !inbound_allowed(vn, sa, skb))) {
		rcu_read_unlock();
		reason = VGATE_DROP_POLICY;
		goto drop;
	}
	vgate_count(vn, VGATE_CNT_PROTECTED_IN);
	skb->protocol = htons(ETH_P_IP);
	skb->pkt_type = PACKET_HOST;
	skb_dst_drop(skb);
	nf_reset_ct(skb);
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));

	local_bh_disable();
	this_cpu_write(vgate_decrypted, skb);
	NF_HOOK(NFPROTO_IPV4, NF_INET_PRE_ROUTING, vn->net, NULL, skb,
		skb->dev, NULL, vgate_rcv_finish);
	this_cpu_write(vgate_decrypted, NULL);
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
	drop(vn, skb, reason);
out:
	dev_put(dev);
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
	drop(vn, skb, VGATE_DROP_RULE);
	return NF_STOLEN;
}

/* ESP (IPv4 header at skb->data): always consumed, NF_STOLEN. */
static unsigned int esp_rcv(struct vgate_net *vn, struct sk_buff *skb)
{
	const struct ip_esp_hdr *esph;
	struct vgate_sa_key key = {};
	struct vgate_skb_cb *cb;
	struct vgate_sa *sa;
	unsigned int ihl;
	u32 seq;

	ihl = ip_hdrlen(skb);
	if (!pskb_may_pull(skb, ihl + sizeof(*esph))) {
		drop(vn, skb, VGATE_DROP_MALFORMED);
		return NF_STOLEN;
	}
	esph = (const struct ip_esp_hdr *)(skb->data + ihl);
	key.family = AF_INET;
	key.proto = IPPROTO_ESP;
	key.spi = esph->spi;
	key.daddr.a4 = ip_hdr(skb)->daddr;
	seq = ntohl(esph->seq_no);
	sa = vgate_sa_lookup(vn, &key);
	if (!sa) {
		drop(vn, skb, VGATE_DROP_NO_SA);
		return NF_STOLEN;
	}
	if (vgate_replay_check(sa->replay, seq)) {
		vgate_sa_count(sa, VGATE_SA_CNT_REPLAY, 1);
		vgate_sa_put(sa);
		drop(vn, skb, VGATE_DROP_REPLAY);
		return NF_STOLEN;
	}
	if (test_bit(VGATE_SA_BIT_EXPIRED, &sa->state) ||
	    !pskb_may_pull(skb, ihl + sizeof(*esph) + sa->ivlen)) {
		vgate_sa_count(sa, VGATE_SA_CNT_ERRORS, 1);
		vgate_sa_put(sa);
		drop(vn, skb, test_bit(VGATE_SA_BIT_EXPIRED, &sa->state) ?
			 VGATE_DROP_EXPIRED : VGATE_DROP_MALFORMED);
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
	dev_hold(skb->dev);
	vgate_esp_input(skb);
	return NF_STOLEN;
}

void vgate_esp_rcv(struct vgate_net *vn, struct sk_buff *skb)
{
	esp_rcv(vn, skb);
}

static unsigned int vgate_esp_in(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct vgate_net *vn = priv;

	if (ip_hdr(skb)->protocol != IPPROTO_ESP)
		return state->in->flags & IFF_LOOPBACK ||
		       vgate_natt_is_encap(vn, skb, false) ? NF_ACCEPT :
		       local_default(vn, skb);
	return esp_rcv(vn, skb);
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
	/* ESP, in UDP too, is vgate's own business at LOCAL_IN. */
	if (ip_hdr(skb)->protocol == IPPROTO_ESP ||
	    vgate_natt_is_encap(vn, skb, false))
		return NF_ACCEPT;
	err = classify(vn, skb, true, &v);
	if (err < 0) {
		drop(vn, skb, VGATE_DROP_MALFORMED);
		return NF_STOLEN;
	}
	/*
	 * Unmatched traffic is not judged here: where it goes is not known
	 * yet.  The post default applies when it leaves (vgate_output) or
	 * is delivered locally (vgate_esp_in).
	 */
	if (!err || vgate_verdict_passes(vn, &v))
		goto pass;
	drop(vn, skb, v.action == VGATE_ACTION_DROP ? vgate_verdict_drop_reason(&v) :
						      VGATE_DROP_POLICY);
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

	BUILD_BUG_ON(ARRAY_SIZE(ops) != VGATE_HOOKS4 ||
		     ARRAY_SIZE(vn->hook_ops) != VGATE_HOOKS4 + VGATE_HOOKS6);
	memcpy(vn->hook_ops, ops, sizeof(ops));
	vgate_hooks6_fill(vn, vn->hook_ops + VGATE_HOOKS4);
	err = nf_register_net_hooks(vn->net, vn->hook_ops,
				    ARRAY_SIZE(vn->hook_ops));
	if (!err)
		vn->hooks_registered = true;
	return err;
}

void vgate_hooks_unregister(struct vgate_net *vn)
{
	if (!vn->hooks_registered)
		return;
	nf_unregister_net_hooks(vn->net, vn->hook_ops, ARRAY_SIZE(vn->hook_ops));
	vn->hooks_registered = false;
}

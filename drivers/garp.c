// SPDX-License-Identifier: GPL-2.0
/*
 * vgate_garp.ko: what a gratuitous ARP may do to the neighbour table.
 *
 * Stock Linux lets a gratuitous ARP override an existing entry at once and
 * creates entries from one only with arp_accept.  Here, per namespace and
 * interface (include/uapi/linux/vgate.h has the contract):
 *
 *   active no                    never create or change an entry (default)
 *   active yes, forceUpdate off  may create an entry, never change one
 *   active yes, forceUpdate on   may change an entry's MAC too
 *
 * With active yes nothing is applied as it arrives.  The announcement is
 * held, the gateway broadcasts its own ARP request for the address (the
 * seed's backup-gateway case) and, when verify_timeout has passed, applies
 * the announced MAC only if a reply to that request carried it and nothing
 * carried another MAC.  A spoofer that cannot answer, or that the real
 * owner contradicts, does not win.
 *
 * The decision is taken at NF_ARP_IN, before arp_process(): a refused
 * announcement never reaches the neighbour code; an accepted one is
 * applied with neigh_update(), like arp_process() would.  Frames that
 * arp_rcv() drops before that hook (truncated, bad address lengths) are
 * seen by a packet tap, only to count them.
 *
 * An ARP request is no announcement, but arp_process() merges its sender
 * into the table at once (neigh_event_ns() for a request to us, after
 * locktime for others): "who has GW? tell VICTIM" from the attacker's MAC
 * would move VICTIM's entry whatever the policy says.  So a request whose
 * sender would change the MAC of an existing entry is judged like an
 * announcement of that sender (and counted REQUESTS too): it never
 * reaches arp_process(), and it is answered here as arp_process() would
 * answer it (garp_answer()).  Requests that create an entry or repeat
 * the MAC it holds go on to the kernel unchanged.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_arp.h>
#include <linux/ratelimit.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/arp.h>
#include <net/dst_metadata.h>
#include <net/ip.h>
#include <net/l3mdev.h>
#include <net/neighbour.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/route.h>

#include "garp.h"
#include "../kernel/fault.h"

struct garp_pending {
	struct list_head list;
	unsigned long deadline;
	int ifindex;
	__be32 ip;		/* the announced address */
	__be32 saddr;		/* source of our request: replies go to it */
	u8 mac[ETH_ALEN];	/* the announced MAC */
	u8 other[ETH_ALEN];	/* first MAC that contradicted it */
	bool confirmed;
	bool conflict;
	bool request;		/* the claim came from an ARP request */
};

static unsigned int garp_net_id __read_mostly;

/* MAC changes and refused verifications; shared by all namespaces. */
static DEFINE_RATELIMIT_STATE(garp_log_rs, 5 * HZ, 10);

struct garp_net *garp_net(const struct net *net)
{
	return net_generic(net, garp_net_id);
}

/* Under RCU, or with RTNL held (the notifier adds and removes them). */
struct garp_if *garp_if_get(struct garp_net *gn, int ifindex)
{
	return xa_load(&gn->ifs, ifindex);
}

bool garp_eff_active(const struct garp_net *gn, const struct garp_if *gi)
{
	s8 v = READ_ONCE(gi->active);

	return v == GARP_INHERIT ? READ_ONCE(gn->cfg.active) : v;
}

bool garp_eff_force(const struct garp_net *gn, const struct garp_if *gi)
{
	s8 v = READ_ONCE(gi->force_update);

	return v == GARP_INHERIT ? READ_ONCE(gn->cfg.force_update) : v;
}

u32 garp_eff_rate(const struct garp_net *gn, const struct garp_if *gi)
{
	u32 v = READ_ONCE(gi->rate_limit);

	return v == VGATE_GARP_RATE_INHERIT ? READ_ONCE(gn->cfg.rate_limit) : v;
}

int garp_cfg_check(int attr, u32 val)
{
	switch (attr) {
	case VGATE_GARP_CFG_A_ACTIVE:
	case VGATE_GARP_CFG_A_FORCE_UPDATE:
		return val <= 1 ? 0 : -ERANGE;
	case VGATE_GARP_CFG_A_RATE_LIMIT:
		return val <= VGATE_GARP_RATE_LIMIT_MAX ? 0 : -ERANGE;
	case VGATE_GARP_CFG_A_VERIFY_TIMEOUT:
		return val >= VGATE_GARP_VERIFY_TIMEOUT_MIN &&
		       val <= VGATE_GARP_VERIFY_TIMEOUT_MAX ? 0 : -ERANGE;
	}
	return -EINVAL;
}

static void garp_count(struct garp_if *gi, int c)
{
	atomic64_inc(&gi->cnt[c]);
}

/* Token bucket: @rate announcements per second, bursts of @rate. */
static bool garp_rate_ok(struct garp_net *gn, struct garp_if *gi)
{
	u32 rate = garp_eff_rate(gn, gi);
	unsigned long now = jiffies;
	bool ok = false;
	u64 cap;

	if (!rate)
		return true;
	cap = (u64)rate * HZ;
	spin_lock_bh(&gi->bucket_lock);
	gi->tokens = min_t(u64, cap,
			   gi->tokens + (u64)(now - gi->bucket_stamp) * rate);
	gi->bucket_stamp = now;
	if (gi->tokens >= HZ) {
		gi->tokens -= HZ;
		ok = true;
	}
	spin_unlock_bh(&gi->bucket_lock);
	return ok;
}

static bool garp_on_subnet(struct in_device *in_dev, __be32 ip)
{
	const struct in_ifaddr *ifa;

	in_dev_for_each_ifa_rcu(ifa, in_dev)
		if (inet_ifa_match(ip, ifa))
			return true;
	return false;
}

/*
 * What holds whatever the settings: the address is a unicast one on a
 * subnet of the interface and not ours, and, for an announcement
 * (!@request), the interface does not drop gratuitous ARP
 * (drop_gratuitous_arp).  The counter to charge, or 0.
 */
static int garp_addr_refused(struct net_device *dev, __be32 ip, bool request)
{
	struct in_device *in_dev = __in_dev_get_rcu(dev);
	int type;

	if (!in_dev || !garp_on_subnet(in_dev, ip))
		return VGATE_GARP_CNT_REFUSED_OFFSUBNET;
	type = inet_addr_type_dev_table(dev_net(dev), dev, ip);
	if (type == RTN_LOCAL)	/* someone claims our own address */
		return VGATE_GARP_CNT_REFUSED_POLICY;
	if (type != RTN_UNICAST)	/* the subnet's broadcast address */
		return VGATE_GARP_CNT_REFUSED_OFFSUBNET;
	if (!request && IN_DEV_ORCONF(in_dev, DROP_GRATUITOUS_ARP))
		return VGATE_GARP_CNT_REFUSED_POLICY;
	return 0;
}

/*
 * The neighbour entry of @ip on @dev: its NUD state (0 if there is none)
 * and, if it has a valid address, that address in @mac.
 */
static u8 garp_neigh_state(struct net_device *dev, __be32 ip, u8 *mac)
{
	struct neighbour *n = neigh_lookup(&arp_tbl, &ip, dev);
	u8 state;

	if (!n)
		return 0;
	state = READ_ONCE(n->nud_state);
	if (state & NUD_VALID)
		neigh_ha_snapshot(mac, n, dev);
	neigh_release(n);
	return state;
}

/* ---- verification ---- */

static struct garp_pending *garp_pending_find(struct garp_net *gn,
					      int ifindex, __be32 ip)
{
	struct garp_pending *p;

	list_for_each_entry(p, &gn->pending, list)
		if (p->ifindex == ifindex && p->ip == ip)
			return p;
	return NULL;
}

/*
 * Another announcement for an address under verification: the same MAC
 * is folded into it, another MAC contradicts it (neither wins).
 */
static int garp_pending_join(struct garp_pending *p, const u8 *mac)
{
	if (ether_addr_equal(p->mac, mac))
		return VGATE_GARP_CNT_COALESCED;
	if (!p->conflict)
		ether_addr_copy(p->other, mac);
	p->conflict = true;
	return VGATE_GARP_CNT_REFUSED_VERIFY;
}

/* The counter for an announcement joining a running verification, or 0. */
static int garp_join(struct garp_net *gn, int ifindex, __be32 ip,
		     const u8 *mac)
{
	struct garp_pending *p;
	int c = 0;

	if (!READ_ONCE(gn->npending))
		return 0;
	spin_lock_bh(&gn->lock);
	p = garp_pending_find(gn, ifindex, ip);
	if (p)
		c = garp_pending_join(p, mac);
	spin_unlock_bh(&gn->lock);
	return c;
}

static void garp_log_change(struct net_device *dev, __be32 ip,
			    const u8 *old, const u8 *new, bool request)
{
	if (__ratelimit(&garp_log_rs))
		pr_info("%s: %pI4 moved from %pM to %pM (verified %s, netns %u)\n",
			dev->name, &ip, old, new,
			request ? "ARP request" : "gratuitous ARP",
			dev_net(dev)->ns.inum);
}

/* Apply a verified announcement, under the policy in force now. */
static int garp_apply(struct garp_net *gn, struct garp_if *gi,
		      struct net_device *dev, const struct garp_pending *p)
{
	u8 old[ETH_ALEN];
	struct neighbour *n;
	u8 state;
	int c;

	/* The interface's addresses or settings may have changed since. */
	c = garp_addr_refused(dev, p->ip, p->request);
	if (c)
		return c;
	if (!garp_eff_active(gn, gi))
		return VGATE_GARP_CNT_REFUSED_POLICY;
	state = garp_neigh_state(dev, p->ip, old);
	if (state & NUD_VALID) {
		if (ether_addr_equal(old, p->mac))
			return VGATE_GARP_CNT_UNCHANGED;
		if (state & (NUD_PERMANENT | NUD_NOARP) ||
		    !garp_eff_force(gn, gi))
			return VGATE_GARP_CNT_REFUSED_POLICY;
	}
	n = __neigh_lookup(&arp_tbl, &p->ip, dev, 1);
	if (!n)
		return VGATE_GARP_CNT_REFUSED_VERIFY;
	/* A unicast reply confirmed it: reachable, as arp_process() says. */
	neigh_update(n, p->mac, NUD_REACHABLE, NEIGH_UPDATE_F_OVERRIDE, 0);
	neigh_release(n);
	if (!(state & NUD_VALID))
		return VGATE_GARP_CNT_ACCEPTED_NEW;
	garp_log_change(dev, p->ip, old, p->mac, p->request);
	return VGATE_GARP_CNT_ACCEPTED_CHANGED;
}

static void garp_decide(struct garp_net *gn, struct garp_pending *p)
{
	struct net_device *dev;
	struct garp_if *gi;
	int c;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(gn->net, p->ifindex);
	gi = dev ? garp_if_get(gn, p->ifindex) : NULL;
	if (!gi)
		goto out;
	if (p->confirmed && !p->conflict) {
		c = garp_apply(gn, gi, dev, p);
	} else {
		c = VGATE_GARP_CNT_REFUSED_VERIFY;
		if (__ratelimit(&garp_log_rs)) {
			if (p->conflict)
				pr_info("%s: %pI4 claimed by %pM, refused: %pM answered too (netns %u)\n",
					dev->name, &p->ip, p->mac, p->other,
					gn->net->ns.inum);
			else
				pr_info("%s: %pI4 claimed by %pM, refused: no reply confirmed it (netns %u)\n",
					dev->name, &p->ip, p->mac,
					gn->net->ns.inum);
		}
	}
	garp_count(gi, c);
out:
	rcu_read_unlock();
}

static void garp_timer_fn(struct timer_list *t)
{
	struct garp_net *gn = from_timer(gn, t, timer);
	struct garp_pending *p, *tmp;
	unsigned long next = 0;
	LIST_HEAD(done);

	spin_lock_bh(&gn->lock);
	list_for_each_entry_safe(p, tmp, &gn->pending, list) {
		if (time_after_eq(jiffies, p->deadline))
			list_move_tail(&p->list, &done);
		else if (!next || time_before(p->deadline, next))
			next = p->deadline;
	}
	if (next && !gn->dying)
		mod_timer(&gn->timer, next);
	spin_unlock_bh(&gn->lock);

	list_for_each_entry_safe(p, tmp, &done, list) {
		garp_decide(gn, p);
		kfree(p);
		/* Only now: PENDING 0 means every outcome is counted. */
		spin_lock_bh(&gn->lock);
		gn->npending--;
		spin_unlock_bh(&gn->lock);
	}
}

/*
 * Hold an announcement and send our own request for its address.  Returns
 * the counter to charge now, or -1 when the verification decides later.
 */
static int garp_verify(struct garp_net *gn, struct garp_if *gi,
		       struct net_device *dev, __be32 ip, const u8 *mac,
		       bool request)
{
	struct garp_pending *p;
	__be32 saddr;

	saddr = inet_select_addr(dev, ip, RT_SCOPE_LINK);
	if (!saddr)
		return VGATE_GARP_CNT_REFUSED_VERIFY;

	spin_lock_bh(&gn->lock);
	p = garp_pending_find(gn, dev->ifindex, ip);
	if (p) {		/* started since garp_join() looked */
		int c = garp_pending_join(p, mac);

		spin_unlock_bh(&gn->lock);
		return c;
	}
	if (gn->dying || gn->npending >= GARP_MAX_PENDING) {
		spin_unlock_bh(&gn->lock);
		return VGATE_GARP_CNT_RATE_LIMITED;
	}
	p = vgate_fault_ptr(kzalloc(sizeof(*p), GFP_ATOMIC));
	if (!p) {
		spin_unlock_bh(&gn->lock);
		return VGATE_GARP_CNT_RATE_LIMITED;
	}
	p->ifindex = dev->ifindex;
	p->ip = ip;
	p->saddr = saddr;
	p->request = request;
	ether_addr_copy(p->mac, mac);
	p->deadline = jiffies +
		      msecs_to_jiffies(READ_ONCE(gn->cfg.verify_timeout));
	list_add_tail(&p->list, &gn->pending);
	gn->npending++;
	timer_reduce(&gn->timer, p->deadline);
	spin_unlock_bh(&gn->lock);

	/* Broadcast "who has ip?", like the LAN-Cell does. */
	arp_send(ARPOP_REQUEST, ETH_P_ARP, ip, dev, saddr, NULL,
		 dev->dev_addr, NULL);
	garp_count(gi, VGATE_GARP_CNT_PROBES_SENT);
	return -1;
}

/*
 * A reply to one of our requests: note what it says.  True if it was one
 * (the caller consumes it unless the kernel is resolving the address too).
 */
static bool garp_note_reply(struct garp_net *gn, int ifindex, __be32 sip,
			    __be32 tip, const u8 *sha)
{
	struct garp_pending *p;
	bool ours = false;

	if (!READ_ONCE(gn->npending))
		return false;
	spin_lock_bh(&gn->lock);
	p = garp_pending_find(gn, ifindex, sip);
	if (p && p->saddr == tip) {
		ours = true;
		if (ether_addr_equal(p->mac, sha)) {
			p->confirmed = true;
		} else {
			if (!p->conflict)
				ether_addr_copy(p->other, sha);
			p->conflict = true;
		}
	}
	spin_unlock_bh(&gn->lock);
	return ours;
}

/* ---- the hook ---- */

/*
 * The policy for one gratuitous announcement, or for the sender of a
 * request (@request) that would change an entry.  Returns the counter to
 * charge, or -1 if it is held for verification.  *@pass tells whether the
 * packet goes on to arp_process().
 */
static int garp_judge(struct garp_net *gn, struct garp_if *gi,
		      struct net_device *dev, __be32 sip, const u8 *sha,
		      bool request, bool *pass)
{
	u8 old[ETH_ALEN];
	u8 state;
	int c;

	*pass = false;
	if (!garp_rate_ok(gn, gi))
		return VGATE_GARP_CNT_RATE_LIMITED;
	c = garp_addr_refused(dev, sip, request);
	if (c)
		return c;
	if (!garp_eff_active(gn, gi))
		return VGATE_GARP_CNT_REFUSED_POLICY;
	/* Even a claim for the MAC in the entry contradicts a verification. */
	c = garp_join(gn, dev->ifindex, sip, sha);
	if (c)
		return c;

	state = garp_neigh_state(dev, sip, old);
	if (state & NUD_VALID) {
		if (ether_addr_equal(old, sha)) {
			*pass = true;	/* a refresh: stock handling */
			return VGATE_GARP_CNT_UNCHANGED;
		}
		if (state & (NUD_PERMANENT | NUD_NOARP) ||
		    !garp_eff_force(gn, gi))
			return VGATE_GARP_CNT_REFUSED_POLICY;
	}
	return garp_verify(gn, gi, dev, sip, sha, request);
}

/* arp_ignore as arp_process() applies it (net/ipv4/arp.c, 6.1). */
static bool garp_arp_ignore(struct in_device *in_dev, __be32 sip, __be32 tip)
{
	struct net *net = dev_net(in_dev->dev);
	int scope;

	switch (IN_DEV_ARP_IGNORE(in_dev)) {
	case 1:	/* only for an address of the incoming interface */
		sip = 0;
		scope = RT_SCOPE_HOST;
		break;
	case 2:	/* ... in the sender's subnet */
		scope = RT_SCOPE_HOST;
		break;
	case 3:	/* not for scope host addresses */
		sip = 0;
		scope = RT_SCOPE_LINK;
		in_dev = NULL;
		break;
	case 8:	/* never */
		return true;
	default:	/* 0 and the reserved 4..7: always */
		return false;
	}
	return !inet_confirm_addr(net, in_dev, sip, tip, scope);
}

/* arp_filter as arp_process() applies it (net/ipv4/arp.c, 6.1). */
static bool garp_arp_filter(__be32 sip, __be32 tip, struct net_device *dev)
{
	struct net *net = dev_net(dev);
	struct rtable *rt;
	bool flag = false;

	rt = ip_route_output(net, sip, tip, 0, l3mdev_master_ifindex_rcu(dev));
	if (IS_ERR(rt))
		return true;
	if (rt->dst.dev != dev) {
		__NET_INC_STATS(net, LINUX_MIB_ARPFILTER);
		flag = true;
	}
	ip_rt_put(rt);
	return flag;
}

/*
 * Answer a request kept from arp_process() as it would have: "TIP is at
 * our MAC" to the asker, when TIP is a local address as the routing table
 * sees it from this link, under arp_ignore and arp_filter.  Requests it
 * would answer by proxy ARP, and those that came with tunnel metadata,
 * go unanswered.
 */
static void garp_answer(struct net_device *dev, struct sk_buff *skb,
			__be32 sip, __be32 tip, const u8 *sha)
{
	struct in_device *in_dev = __in_dev_get_rcu(dev);
	u8 hw[ETH_ALEN];

	if (!in_dev || skb_metadata_dst(skb) || ipv4_is_multicast(tip) ||
	    (!IN_DEV_ROUTE_LOCALNET(in_dev) && ipv4_is_loopback(tip)))
		return;
	if (ip_route_input_noref(skb, tip, sip, 0, dev) ||
	    skb_rtable(skb)->rt_type != RTN_LOCAL)
		return;
	if (garp_arp_ignore(in_dev, sip, tip) ||
	    (IN_DEV_ARPFILTER(in_dev) && garp_arp_filter(sip, tip, dev)))
		return;
	ether_addr_copy(hw, sha);	/* sha points into skb */
	arp_send(ARPOP_REPLY, ETH_P_ARP, sip, dev, tip, hw, dev->dev_addr, hw);
}

/* Neither an announcement nor a request may name these as its sender. */
static bool garp_sender_bad(const u8 *sha, __be32 sip)
{
	return !is_valid_ether_addr(sha) || ipv4_is_multicast(sip) ||
	       ipv4_is_lbcast(sip) || ipv4_is_loopback(sip) ||
	       ipv4_is_zeronet(sip);
}

/*
 * An ARP request whose sender would change the MAC of an existing,
 * non-permanent entry: judged like an announcement of its sender,
 * answered here, never passed to arp_process() (which would merge the
 * sender) unless the judgement says so.
 */
static unsigned int garp_request(struct garp_net *gn, struct garp_if *gi,
				 struct net_device *dev, struct sk_buff *skb,
				 __be32 sip, __be32 tip, const u8 *sha)
{
	bool pass;
	int c;

	if (garp_sender_bad(sha, sip)) {
		garp_count(gi, VGATE_GARP_CNT_MALFORMED);
		return NF_DROP;
	}
	garp_count(gi, VGATE_GARP_CNT_SEEN);
	garp_count(gi, VGATE_GARP_CNT_REQUESTS);
	c = garp_judge(gn, gi, dev, sip, sha, true, &pass);
	if (c >= 0)
		garp_count(gi, c);
	if (pass)
		return NF_ACCEPT;
	garp_answer(dev, skb, sip, tip, sha);
	if (c < 0 || c == VGATE_GARP_CNT_COALESCED) {
		consume_skb(skb);	/* held, not an error */
		return NF_STOLEN;
	}
	return NF_DROP;
}

/*
 * Would arp_process() change the MAC of @sip's entry to @sha?  Permanent
 * and noarp entries it never changes; unresolved ones it may fill in.
 */
static bool garp_changes_entry(struct net_device *dev, __be32 sip,
			       const u8 *sha)
{
	u8 cur[ETH_ALEN];
	u8 st = garp_neigh_state(dev, sip, cur);

	return (st & NUD_VALID) && !(st & (NUD_PERMANENT | NUD_NOARP)) &&
	       !ether_addr_equal(cur, sha);
}

static unsigned int garp_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	struct net_device *dev = skb->dev;
	struct garp_net *gn = garp_net(state->net);
	const struct arphdr *arp;
	struct in_device *in_dev;
	const u8 *sha, *tha, *p;
	struct garp_if *gi;
	__be32 sip, tip;
	u8 cur[ETH_ALEN];
	bool garp, pass;
	int c;

	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN)
		return NF_ACCEPT;
	gi = garp_if_get(gn, dev->ifindex);
	in_dev = __in_dev_get_rcu(dev);
	if (!gi || !in_dev)
		return NF_ACCEPT;
	/* arp_rcv() pulled the header and both addresses of each kind. */
	arp = arp_hdr(skb);
	if ((arp->ar_hrd != htons(ARPHRD_ETHER) &&
	     arp->ar_hrd != htons(ARPHRD_IEEE802)) ||
	    arp->ar_pro != htons(ETH_P_IP) ||
	    (arp->ar_op != htons(ARPOP_REQUEST) &&
	     arp->ar_op != htons(ARPOP_REPLY))) {
		/* arp_process() ignores these; count them, let it. */
		garp_count(gi, VGATE_GARP_CNT_MALFORMED);
		return NF_ACCEPT;
	}
	p = (const u8 *)(arp + 1);
	sha = p;
	memcpy(&sip, p + ETH_ALEN, 4);
	tha = p + ETH_ALEN + 4;
	memcpy(&tip, tha + ETH_ALEN, 4);

	if (!sip)		/* address probe (RFC 5227): not a claim */
		return NF_ACCEPT;

	if (arp->ar_op == htons(ARPOP_REPLY) && sip != tip &&
	    garp_note_reply(gn, dev->ifindex, sip, tip, sha)) {
		if (garp_neigh_state(dev, sip, cur) &
		    (NUD_INCOMPLETE | NUD_PROBE))
			return NF_ACCEPT;	/* the kernel asked too */
		consume_skb(skb);
		return NF_STOLEN;
	}

	garp = sip == tip;
	if (!garp && arp->ar_op == htons(ARPOP_REPLY)) {
		u8 st = garp_neigh_state(dev, sip, cur);

		/*
		 * A reply nobody is waiting for is an announcement too,
		 * unless it repeats what the entry holds.
		 */
		garp = !(st & (NUD_INCOMPLETE | NUD_PROBE)) &&
		       !((st & NUD_VALID) && ether_addr_equal(cur, sha));
	}
	if (!garp) {
		if (arp->ar_op == htons(ARPOP_REQUEST) &&
		    garp_changes_entry(dev, sip, sha))
			return garp_request(gn, gi, dev, skb, sip, tip, sha);
		return NF_ACCEPT;
	}

	if (garp_sender_bad(sha, sip)) {
		garp_count(gi, VGATE_GARP_CNT_MALFORMED);
		return NF_DROP;
	}

	garp_count(gi, VGATE_GARP_CNT_SEEN);
	c = garp_judge(gn, gi, dev, sip, sha, false, &pass);
	if (c >= 0)
		garp_count(gi, c);
	if (pass)
		return NF_ACCEPT;
	if (c < 0 || c == VGATE_GARP_CNT_COALESCED) {
		consume_skb(skb);	/* held, not an error */
		return NF_STOLEN;
	}
	return NF_DROP;
}

static const struct nf_hook_ops garp_nf_ops = {
	.hook = garp_hook,
	.pf = NFPROTO_ARP,
	.hooknum = NF_ARP_IN,
	.priority = 0,
};

/*
 * arp_rcv() drops truncated frames and wrong address lengths before
 * NF_ARP_IN; this tap sees them first and only counts them.
 */
static int garp_tap_rcv(struct sk_buff *skb, struct net_device *dev,
			struct packet_type *pt, struct net_device *orig_dev)
{
	struct arphdr _arp;
	const struct arphdr *arp;
	struct garp_if *gi;

	if (dev->type != ARPHRD_ETHER || dev->flags & IFF_NOARP ||
	    skb->pkt_type == PACKET_OTHERHOST ||
	    skb->pkt_type == PACKET_LOOPBACK)
		goto out;
	gi = garp_if_get(garp_net(dev_net(dev)), dev->ifindex);
	if (!gi)
		goto out;
	arp = skb_header_pointer(skb, 0, sizeof(_arp), &_arp);
	if (skb->len < arp_hdr_len(dev) || !arp ||
	    arp->ar_hln != dev->addr_len || arp->ar_pln != 4)
		garp_count(gi, VGATE_GARP_CNT_MALFORMED);
out:
	consume_skb(skb);
	return NET_RX_SUCCESS;
}

static struct packet_type garp_tap __read_mostly = {
	.type = cpu_to_be16(ETH_P_ARP),
	.func = garp_tap_rcv,
};

/* ---- interfaces ---- */

static int garp_if_add(struct net_device *dev)
{
	struct garp_net *gn = garp_net(dev_net(dev));
	struct garp_if *gi;
	int err;

	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN)
		return 0;
	gi = vgate_fault_ptr(kzalloc(sizeof(*gi), GFP_KERNEL));
	if (!gi)
		return -ENOMEM;
	gi->ifindex = dev->ifindex;
	gi->active = GARP_INHERIT;
	gi->force_update = GARP_INHERIT;
	gi->rate_limit = VGATE_GARP_RATE_INHERIT;
	spin_lock_init(&gi->bucket_lock);
	gi->tokens = (u64)VGATE_GARP_RATE_LIMIT_MAX * HZ;
	gi->bucket_stamp = jiffies;
	err = xa_insert(&gn->ifs, dev->ifindex, gi, GFP_KERNEL);
	if (err) {
		kfree(gi);
		return err == -EBUSY ? 0 : err;
	}
	/* Without its files the interface still follows the policy. */
	gi->sysfs = !garp_sysfs_add_if(dev);
	return 0;
}

static void garp_if_del(struct net_device *dev)
{
	struct garp_net *gn = garp_net(dev_net(dev));
	struct garp_if *gi = xa_erase(&gn->ifs, dev->ifindex);
	struct garp_pending *p, *tmp;

	if (!gi)
		return;
	/* Its verifications die with it: the ifindex may be reused. */
	spin_lock_bh(&gn->lock);
	list_for_each_entry_safe(p, tmp, &gn->pending, list) {
		if (p->ifindex != dev->ifindex)
			continue;
		list_del(&p->list);
		gn->npending--;
		kfree(p);
	}
	spin_unlock_bh(&gn->lock);
	if (gi->sysfs)
		garp_sysfs_del_if(dev);
	kfree_rcu(gi, rcu);
}

static int garp_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	switch (event) {
	case NETDEV_REGISTER:
		return notifier_from_errno(garp_if_add(dev));
	case NETDEV_UNREGISTER:
		garp_if_del(dev);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block garp_netdev_nb = {
	.notifier_call = garp_netdev_event,
};

/* ---- namespaces ---- */

static int __net_init garp_net_init(struct net *net)
{
	struct garp_net *gn = garp_net(net);

	gn->net = net;
	mutex_init(&gn->cfg_lock);
	gn->cfg.active = 0;	/* the safe default: nothing changes */
	gn->cfg.force_update = 0;
	gn->cfg.rate_limit = VGATE_GARP_RATE_LIMIT_DEFAULT;
	gn->cfg.verify_timeout = VGATE_GARP_VERIFY_TIMEOUT_DEFAULT;
	gn->txn = NULL;
	xa_init(&gn->ifs);
	spin_lock_init(&gn->lock);
	INIT_LIST_HEAD(&gn->pending);
	timer_setup(&gn->timer, garp_timer_fn, 0);
	return nf_register_net_hook(net, &garp_nf_ops);
}

static void __net_exit garp_net_exit(struct net *net)
{
	struct garp_net *gn = garp_net(net);
	struct garp_pending *p, *tmp;

	nf_unregister_net_hook(net, &garp_nf_ops);	/* waits for readers */
	spin_lock_bh(&gn->lock);
	gn->dying = true;
	spin_unlock_bh(&gn->lock);
	del_timer_sync(&gn->timer);
	list_for_each_entry_safe(p, tmp, &gn->pending, list)
		kfree(p);
	mutex_lock(&gn->cfg_lock);
	garp_txn_free(gn);
	mutex_unlock(&gn->cfg_lock);
	/*
	 * Empty: a dying namespace's devices are unregistered before the
	 * subsystems exit, and module unload replays NETDEV_UNREGISTER.
	 */
	xa_destroy(&gn->ifs);
}

static struct pernet_operations garp_net_ops = {
	.init = garp_net_init,
	.exit = garp_net_exit,
	.id = &garp_net_id,
	.size = sizeof(struct garp_net),
};

VGATE_FAULT_DEFINE;

static int __init garp_init(void)
{
	int err;

	err = register_pernet_subsys(&garp_net_ops);
	if (err)
		return err;
	/* Replays NETDEV_REGISTER for the devices that exist already. */
	err = register_netdevice_notifier(&garp_netdev_nb);
	if (err)
		goto err_notifier;
	err = garp_genl_init();
	if (err)
		goto err_genl;
	/* Last: its files reach every namespace's state. */
	err = garp_sysfs_init();
	if (err)
		goto err_sysfs;
	dev_add_pack(&garp_tap);
	vgate_fault_init();
	pr_info("gratuitous-ARP policy loaded (default: active no)\n");
	return 0;

err_sysfs:
	garp_genl_uninit();
err_genl:
	unregister_netdevice_notifier(&garp_netdev_nb);
err_notifier:
	unregister_pernet_subsys(&garp_net_ops);
	return err;
}

static void __exit garp_exit(void)
{
	vgate_fault_exit();
	dev_remove_pack(&garp_tap);
	garp_sysfs_uninit();	/* waits for readers and writers */
	garp_genl_uninit();
	/* Replays NETDEV_UNREGISTER: interface state and files go. */
	unregister_netdevice_notifier(&garp_netdev_nb);
	unregister_pernet_subsys(&garp_net_ops);	/* hooks, timers */
	rcu_barrier();	/* kfree_rcu() of interface state */
}

module_init(garp_init);
module_exit(garp_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("vgate developers");
MODULE_DESCRIPTION("vgate gratuitous-ARP acceptance policy");
MODULE_VERSION(VGATE_VERSION);

// SPDX-License-Identifier: GPL-2.0
/*
 * The "vgate_bwm" queueing discipline: a class tree of token buckets.
 *
 * Every class has two buckets, kept like HTB's as time credit in ns: the
 * rate bucket (its guaranteed rate) and the ceiling bucket.  A packet of L
 * bytes costs L * 8e9 / rate ns; both refill at one ns per ns up to the
 * bucket depth.  Costs come from a 32-bit multiplier and a shift chosen
 * for the rate (relative error below 2^-31) and time is ktime_get_ns(),
 * so a backlogged class's long-run rate is its configured rate exactly;
 * the depth (10 ms, at least two packets; up to a second more while the
 * class is backlogged, see bwm_refill()) absorbs timer latency.  L is
 * what the device sends (qdisc_pkt_len(), so the L2 header on Ethernet)
 * plus the configured overhead and ESP expansion;
 * GSO packets longer than a millisecond at the interface rate are split
 * when queued, so a 64 KB TSO packet never turns into seconds of debt
 * at a low rate.
 *
 * Dequeue, with the root (the interface) a hard limit:
 *   1. the root's rate bucket must not be in debt;
 *   2. a leaf within its rate and ceiling (green) sends; among several,
 *      deficit round robin (priority mode: highest priority first);
 *   3. otherwise a leaf with borrowing on, within its ceiling, sends if an
 *      ancestor lends: the nearest green one, every class between them
 *      borrowing and within its ceiling.  The leaf's ceiling and the
 *      classes up to the lender are charged; the lender and above are
 *      charged rate and ceiling.  Among borrowers, deficit round robin
 *      with quanta proportional to the guaranteed rates (fairness), or
 *      highest priority first (priority mode).
 *   4. nothing can send: the watchdog fires when the first bucket that
 *      blocks a backlogged leaf is out of debt.
 * Packets already shaped on another vgate_bwm interface with ESP
 * accounting (the tunnel interface) go first and are charged to nothing.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/math64.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/pkt_sched.h>
#include <net/sch_generic.h>
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
#include <net/netfilter/nf_conntrack.h>
#endif

#include "bwm.h"
#include "../kernel/fault.h"

#define BWM_MIN_BUFFER_NS	(10 * NSEC_PER_MSEC)
#define BWM_STALL_NS		(1000 * NSEC_PER_MSEC)
#define BWM_MAX_DEBT_NS		(60LL * NSEC_PER_SEC)
#define BWM_EST_INTERVAL_NS	(250 * NSEC_PER_MSEC)
#define BWM_MASTER_DEPTH	4

static void bwm_qh_init(struct qdisc_skb_head *qh)
{
	qh->head = NULL;
	qh->tail = NULL;
	qh->qlen = 0;
}

bool bwm_creating;

struct bwm_sched {
	struct bwm_tree *t;
	struct bwm_bind *bind;
	struct qdisc_watchdog wd;
	struct qdisc_skb_head direct;
};

/* ---- rates ---- */

/*
 * Like psched_ratecfg_precompute(), in bit/s: l2t = (len * mult) >> shift.
 * Rates are VGATE_BWM_RATE_MIN..VGATE_BWM_RATE_MAX (checked by
 * bwm_cfg_check(); clamped here all the same): 8e9 / bps is then at most
 * 1e9, so the 32-bit mult holds it, and len * mult stays below 2^62 for
 * any 32-bit len; at the maximum, mult is still about 2^20 (precision).
 */
static void bwm_rate_set(struct psched_ratecfg *r, u64 bps)
{
	u64 factor = 8ULL * NSEC_PER_SEC;

	bps = clamp_t(u64, bps, VGATE_BWM_RATE_MIN, VGATE_BWM_RATE_MAX);
	memset(r, 0, sizeof(*r));
	r->rate_bytes_ps = div64_u64(bps, 8);
	for (;;) {
		r->mult = div64_u64(factor, bps);
		if (r->mult & (1U << 31) || factor & (1ULL << 63))
			break;
		factor <<= 1;
		r->shift++;
	}
}

static s64 bwm_l2t(const struct psched_ratecfg *r, unsigned int len)
{
	return ((u64)len * r->mult) >> r->shift;
}

/*
 * A bucket holds at most its depth (10 ms, two packets at least) of
 * credit, except while the class has packets waiting: then up to a
 * second, so that a stall of the whole machine (seen under emulation:
 * hundreds of ms without a timer) delays a backlogged class's packets
 * instead of losing its rate.  An idle class starts again with no more
 * than its depth: no burst from idleness.  Inner classes and the root
 * are refilled only with packets queued somewhere (dequeue), and count
 * as backlogged, except that they too start again from their depth when
 * the whole tree was idle (bwm_wake()).
 */
static void __bwm_refill(struct bwm_cls *c, u64 now, bool busy)
{
	s64 dt = now - c->t_c;

	if (dt <= 0)
		return;
	/*
	 * A backlogged leaf, and the root while anything is queued, are
	 * looked at on every dequeue: a gap this long is the machine not
	 * running us, and the rate owed beyond the bucket is lost.  Counted
	 * so that a shortfall can be told from an error of the shaper.
	 * (Inner classes count as busy even when their subtree is idle.)
	 */
	if (busy && dt > BWM_STALL_NS && (c->leaf || c->parent < 0))
		c->stall_ns += dt - BWM_STALL_NS;
	c->tokens = min(c->tokens + dt, busy ? BWM_STALL_NS + c->buffer :
					       c->buffer);
	c->ctokens = min(c->ctokens + dt, busy ? BWM_STALL_NS + c->cbuffer :
						 c->cbuffer);
	c->t_c = now;
}

static void bwm_refill(struct bwm_cls *c, u64 now)
{
	__bwm_refill(c, now, !c->leaf || c->q.qlen);
}

/*
 * A class that was idle until an enqueue starts again with credit of its
 * depth at most: no burst from idleness.  When the whole tree was idle,
 * so do the inner classes and the root, which always count as backlogged
 * (or the first second of traffic after idleness would exceed the
 * interface rate).  Done by the next dequeue, with its clock, rather than
 * at enqueue: one clock read per packet.  The enqueue-to-dequeue gap is
 * at most the root's debt, within the class's depth.
 */
static void bwm_wake(struct bwm_tree *t, u64 now)
{
	int i;

	for (i = 0; i < t->ncls; i++) {
		struct bwm_cls *c = &t->cls[i];

		if (c->woke || (t->idle && !c->leaf))
			__bwm_refill(c, now, false);
		c->woke = false;
	}
	t->woke = false;
	t->idle = false;
}

static void bwm_est(struct bwm_cls *c, u64 now)
{
	u64 dt = now - c->est_stamp, inst;

	if (dt < BWM_EST_INTERVAL_NS)
		return;
	inst = mul_u64_u64_div_u64(c->bytes - c->est_bytes,
				   8ULL * NSEC_PER_SEC, dt);
	/* Weight 1/4 per 250 ms: about a second's memory. */
	c->rate_est = c->est_stamp ? c->rate_est - (c->rate_est >> 2) +
				     (inst >> 2) : inst;
	c->est_bytes = c->bytes;
	c->est_stamp = now;
}

/* ---- the tree ---- */

/* Packets on the wire: a GSO packet that was not split is several. */
static u32 bwm_segs(const struct sk_buff *skb)
{
	return skb_is_gso(skb) ? max_t(u32, skb_shinfo(skb)->gso_segs, 1) : 1;
}

static bool bwm_green(struct bwm_cls *c, u64 now)
{
	bwm_refill(c, now);
	return c->tokens >= 0 && c->ctokens >= 0;
}

/*
 * The class that lends to leaf i when it is not green: its nearest green
 * ancestor with every class on the way borrowing and within its ceiling;
 * -1 if none.
 */
static int bwm_lender(struct bwm_tree *t, int i, u64 now)
{
	struct bwm_cls *c = &t->cls[i];

	for (;;) {
		if (!c->borrow || c->parent < 0)
			return -1;
		bwm_refill(c, now);
		if (c->ctokens < 0)
			return -1;
		i = c->parent;
		c = &t->cls[i];
		if (bwm_green(c, now))
			return i;
	}
}

static u32 bwm_head_len(struct bwm_cls *c)
{
	return qdisc_pkt_len(c->q.head);
}

/*
 * Deficit round robin over the leaves marked in elig (and in band): the
 * class to send from, its deficit already charged.
 */
static struct bwm_cls *bwm_drr(struct bwm_tree *t, int phase,
			       const unsigned long *elig, const int *band,
			       int best)
{
	int n = t->nleaves, cur = t->rr[phase], iter;
	struct bwm_cls *c;
	u32 len;

	for (iter = 0; iter < n * 64; iter++, cur = (cur + 1) % n) {
		if (!test_bit(cur, elig) || band[cur] != best)
			continue;
		c = &t->cls[t->leaves[cur]];
		len = bwm_head_len(c);
		if (c->deficit[phase] >= (s32)len) {
			c->deficit[phase] -= len;
			t->rr[phase] = cur;
			return c;
		}
		/* its turn is over: one quantum more for the next round */
		c->deficit[phase] += c->quantum;
	}
	/* Quanta are at least a packet: not reached; serve the first one. */
	for (cur = 0; cur < n; cur++)
		if (test_bit(cur, elig) && band[cur] == best) {
			t->rr[phase] = cur;
			return &t->cls[t->leaves[cur]];
		}
	return NULL;
}

/* ns until the first bucket blocking a backlogged leaf is out of debt */
static s64 bwm_next_event(struct bwm_tree *t, u64 now)
{
	s64 d = S64_MAX;
	struct bwm_cls *c;
	int i, j;

	for (i = 0; i < t->nleaves; i++) {
		j = t->leaves[i];
		if (!t->cls[j].q.qlen)
			continue;
		for (; j >= 0; j = c->parent) {
			c = &t->cls[j];
			bwm_refill(c, now);
			if (c->tokens < 0)
				d = min(d, -c->tokens);
			if (c->ctokens < 0)
				d = min(d, -c->ctokens);
		}
	}
	return d == S64_MAX ? NSEC_PER_MSEC : max_t(s64, d, 1000);
}

static void bwm_charge(struct bwm_tree *t, struct bwm_cls *leaf, int lender,
		       u32 len, u32 segs, u64 now)
{
	bool rate = false;
	struct bwm_cls *c;
	int j = leaf - t->cls;

	if (lender != j)
		leaf->borrowed += len;
	for (; j >= 0; j = c->parent) {
		c = &t->cls[j];
		if (j == lender)
			rate = true;
		if (rate)
			c->tokens = max(c->tokens - bwm_l2t(&c->rate, len),
					-BWM_MAX_DEBT_NS);
		c->ctokens = max(c->ctokens - bwm_l2t(&c->ceil, len),
				 -BWM_MAX_DEBT_NS);
		c->bytes += len;
		c->packets += segs;
		bwm_est(c, now);
	}
}

static struct sk_buff *bwm_dequeue(struct Qdisc *sch)
{
	struct bwm_sched *q = qdisc_priv(sch);
	int band[VGATE_BWM_MAX_CLASSES + 1];
	DECLARE_BITMAP(elig, VGATE_BWM_MAX_CLASSES + 1);
	struct bwm_tree *t = q->t;
	struct bwm_cls *c = NULL, *root;
	int i, phase, best, lender = -1;
	struct sk_buff *skb;
	u64 now;

	skb = __qdisc_dequeue_head(&q->direct);
	if (skb)
		goto out;
	if (!t || !sch->q.qlen)
		return NULL;
	now = ktime_get_ns();
	if (t->woke)
		bwm_wake(t, now);
	root = &t->cls[0];
	bwm_refill(root, now);
	if (root->tokens < 0) {
		qdisc_watchdog_schedule_ns(&q->wd, now - root->tokens);
		return NULL;
	}
	for (phase = 0; phase < 2 && !c; phase++) {
		best = -1;
		bitmap_zero(elig, t->nleaves);
		for (i = 0; i < t->nleaves; i++) {
			int j = t->leaves[i];
			struct bwm_cls *l = &t->cls[j];
			bool ok;

			if (!l->q.qlen)
				continue;
			ok = phase ? bwm_lender(t, j, now) >= 0 :
				     bwm_green(l, now);
			if (!ok)
				continue;
			__set_bit(i, elig);
			band[i] = t->mode == VGATE_BWM_MODE_PRIORITY ? l->prio : 0;
			best = max(best, band[i]);
		}
		if (best >= 0)
			c = bwm_drr(t, phase, elig, band, best);
	}
	if (!c) {
		qdisc_watchdog_schedule_ns(&q->wd, now + bwm_next_event(t, now));
		return NULL;
	}
	/* phase is one past the phase that found c */
	lender = phase == 1 ? c - t->cls : bwm_lender(t, c - t->cls, now);
	skb = __qdisc_dequeue_head(&c->q);
	bwm_charge(t, c, lender, qdisc_pkt_len(skb), bwm_segs(skb), now);
	if (!c->q.qlen) {
		c->deficit[0] = 0;
		c->deficit[1] = 0;
	}
out:
	sch->q.qlen--;
	qdisc_qstats_backlog_dec(sch, skb);
	qdisc_bstats_update(sch, skb);
	if (t && t->esp)
		skb->tc_index |= VGATE_BWM_TC_INDEX_SHAPED;
	return skb;
}

/* ---- classification ---- */

struct bwm_key {
	u8 family;
	u8 proto;
	bool ports;
	struct in6_addr src, dst;
	u16 sport, dport;
};

static bool bwm_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE;
}

static bool bwm_key_skb(struct sk_buff *skb, struct bwm_key *k)
{
	int off = skb_network_offset(skb);
	__be16 pbuf[2], *ports = NULL;

	memset(k, 0, sizeof(*k));
	switch (skb_protocol(skb, true)) {
	case htons(ETH_P_IP): {
		struct iphdr _iph, *iph;

		iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
		if (!iph || iph->ihl < 5)
			return false;
		k->family = AF_INET;
		k->proto = iph->protocol;
		k->src.s6_addr32[0] = iph->saddr;
		k->dst.s6_addr32[0] = iph->daddr;
		if (bwm_has_ports(k->proto) && !ip_is_fragment(iph))
			ports = skb_header_pointer(skb, off + iph->ihl * 4,
						   sizeof(pbuf), pbuf);
		break;
	}
	case htons(ETH_P_IPV6): {
		struct ipv6hdr _ip6h, *ip6h;
		__be16 frag_off;
		u8 nexthdr;
		int hoff;

		ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
		if (!ip6h)
			return false;
		k->family = AF_INET6;
		k->src = ip6h->saddr;
		k->dst = ip6h->daddr;
		nexthdr = ip6h->nexthdr;
		hoff = ipv6_skip_exthdr(skb, off + sizeof(*ip6h), &nexthdr,
					&frag_off);
		if (hoff < 0)
			return true;
		k->proto = nexthdr;
		if (bwm_has_ports(nexthdr) && !(frag_off & htons(IP6_OFFSET)))
			ports = skb_header_pointer(skb, hoff, sizeof(pbuf), pbuf);
		break;
	}
	default:
		return false;
	}
	if (ports) {
		k->ports = true;
		k->sport = ntohs(ports[0]);
		k->dport = ntohs(ports[1]);
	}
	return true;
}

/* An expected connection (FTP data, H.323/SIP media): its control one. */
static bool bwm_key_master(struct sk_buff *skb, struct bwm_key *k)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	const struct nf_conntrack_tuple *tp;
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);
	int depth;

	if (!ct || !ct->master)
		return false;
	for (depth = 0; ct->master && depth < BWM_MASTER_DEPTH; depth++)
		ct = ct->master;
	tp = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	memset(k, 0, sizeof(*k));
	k->family = tp->src.l3num;
	k->proto = tp->dst.protonum;
	if (k->family == AF_INET) {
		k->src.s6_addr32[0] = tp->src.u3.ip;
		k->dst.s6_addr32[0] = tp->dst.u3.ip;
	} else {
		k->src = tp->src.u3.in6;
		k->dst = tp->dst.u3.in6;
	}
	if (bwm_has_ports(k->proto)) {
		k->ports = true;
		k->sport = ntohs(tp->src.u.all);
		k->dport = ntohs(tp->dst.u.all);
	}
	return true;
#else
	return false;
#endif
}

static const struct {
	u8 proto;
	u16 port;
} bwm_svc_ports[][2] = {
	[VGATE_BWM_SVC_FTP] = { { IPPROTO_TCP, 21 } },
	[VGATE_BWM_SVC_H323] = { { IPPROTO_TCP, 1720 }, { IPPROTO_UDP, 1719 } },
	[VGATE_BWM_SVC_SIP] = { { IPPROTO_UDP, 5060 }, { IPPROTO_TCP, 5060 } },
	[VGATE_BWM_SVC_HTTP] = { { IPPROTO_TCP, 80 } },
	[VGATE_BWM_SVC_HTTPS] = { { IPPROTO_TCP, 443 } },
	[VGATE_BWM_SVC_DNS] = { { IPPROTO_UDP, 53 }, { IPPROTO_TCP, 53 } },
};

static bool bwm_svc_match(u8 svc, const struct bwm_key *k)
{
	int i;

	if (!k->ports || svc > VGATE_BWM_SVC_MAX)
		return false;
	for (i = 0; i < 2; i++) {
		u8 p = bwm_svc_ports[svc][i].proto;
		u16 port = bwm_svc_ports[svc][i].port;

		if (p && p == k->proto && (k->sport == port || k->dport == port))
			return true;
	}
	return false;
}

static bool bwm_addr_in(const struct in6_addr *a, const struct in6_addr *min,
			const struct in6_addr *max, u8 family)
{
	size_t n = family == AF_INET ? 4 : 16;

	return memcmp(a, min, n) >= 0 && memcmp(a, max, n) <= 0;
}

static bool bwm_match(const struct bwm_filter_cfg *f, const struct bwm_key *k)
{
	if (f->has & BWM_F_PROTO && k->proto != f->proto)
		return false;
	if (f->has & (BWM_F_SRC | BWM_F_DST) && k->family != f->family)
		return false;
	if (f->has & BWM_F_SRC &&
	    !bwm_addr_in(&k->src, &f->src_min, &f->src_max, f->family))
		return false;
	if (f->has & BWM_F_DST &&
	    !bwm_addr_in(&k->dst, &f->dst_min, &f->dst_max, f->family))
		return false;
	if (f->has & BWM_F_SPORT &&
	    (!k->ports || k->sport < f->sport_min || k->sport > f->sport_max))
		return false;
	if (f->has & BWM_F_DPORT &&
	    (!k->ports || k->dport < f->dport_min || k->dport > f->dport_max))
		return false;
	if (f->has & BWM_F_SERVICE && !bwm_svc_match(f->service, k))
		return false;
	return true;
}

static int bwm_classify(struct bwm_tree *t, struct sk_buff *skb)
{
	struct bwm_key k;
	int i;

	if (!t->nflt)
		return t->defidx;
	if (!bwm_key_master(skb, &k) && !bwm_key_skb(skb, &k))
		return t->defidx;
	for (i = 0; i < t->nflt; i++)
		if (bwm_match(&t->flt[i].c, &k)) {
			t->flt[i].matches++;
			return t->flt[i].cls;
		}
	return t->defidx;
}

/* ---- enqueue ---- */

/*
 * Bytes the packet will take on the wire: overhead and ESP expansion per
 * segment (a GSO packet that is not split is several packets on the
 * wire; qdisc_pkt_len() already counts their headers).
 */
static u32 bwm_wire_len(const struct bwm_tree *t, const struct sk_buff *skb,
			u32 len)
{
	u32 segs = bwm_segs(skb), l2, ip;

	if (!t->esp)
		return len + segs * t->overhead;
	l2 = min_t(u32, skb->len, skb_network_offset(skb));
	ip = DIV_ROUND_UP(len - min(len, segs * l2), segs);
	/* outer IPv4 20, SPI+seq 8, IV 8, pad to 4, pad length+next 2, ICV 16 */
	return len + segs * (t->overhead + 20 + 8 + 8 +
			     ((4 - ((ip + 2) & 3)) & 3) + 2 + 16 +
			     (t->esp == VGATE_BWM_ESP_UDP ? 8 : 0));
}

static int bwm_enqueue_one(struct sk_buff *skb, struct Qdisc *sch,
			   struct sk_buff **to_free)
{
	struct bwm_sched *q = qdisc_priv(sch);
	struct bwm_tree *t = q->t;
	struct bwm_cls *c;

	if (!t)
		return qdisc_drop(skb, sch, to_free);
	if (skb->tc_index & VGATE_BWM_TC_INDEX_SHAPED) {
		/* shaped and charged on the tunnel interface already */
		skb->tc_index &= ~VGATE_BWM_TC_INDEX_SHAPED;
		t->direct++;
		__qdisc_enqueue_tail(skb, &q->direct);
		goto queued;
	}
	qdisc_skb_cb(skb)->pkt_len = bwm_wire_len(t, skb, qdisc_pkt_len(skb));
	c = &t->cls[bwm_classify(t, skb)];
	if (unlikely(c->q.qlen >= c->limit)) {
		c->drops++;
		return qdisc_drop(skb, sch, to_free);
	}
	if (!c->q.qlen) {	/* idle until now: see bwm_wake() */
		c->woke = true;
		t->woke = true;
		if (!sch->q.qlen)
			t->idle = true;
	}
	__qdisc_enqueue_tail(skb, &c->q);
queued:
	sch->q.qlen++;
	qdisc_qstats_backlog_inc(sch, skb);
	return NET_XMIT_SUCCESS;
}

static int bwm_enqueue(struct sk_buff *skb, struct Qdisc *sch,
		       struct sk_buff **to_free)
{
	struct bwm_sched *q = qdisc_priv(sch);
	netdev_features_t features;
	struct sk_buff *segs, *nskb;
	int nb = 0;

	if (!skb_is_gso(skb) || !q->t ||
	    qdisc_pkt_len(skb) <= q->t->seg_thresh)
		return bwm_enqueue_one(skb, sch, to_free);
	features = netif_skb_features(skb);
	segs = skb_gso_segment(skb, features & ~NETIF_F_GSO_MASK);
	if (IS_ERR_OR_NULL(segs))
		return qdisc_drop(skb, sch, to_free);
	skb_list_walk_safe(segs, segs, nskb) {
		skb_mark_not_on_list(segs);
		qdisc_skb_cb(segs)->pkt_len = segs->len;
		if (bwm_enqueue_one(segs, sch, to_free) == NET_XMIT_SUCCESS)
			nb++;
	}
	consume_skb(skb);
	return nb ? NET_XMIT_SUCCESS : NET_XMIT_DROP;
}

/* ---- building and replacing the tree ---- */

static int bwm_cfg_idx(const struct bwm_cfg *cfg, u16 id)
{
	unsigned int i;

	for (i = 0; i < cfg->ncls; i++)
		if (cfg->cls[i].id == id)
			return i;
	return -1;
}

static int bwm_tree_idx(const struct bwm_tree *t, u16 id)
{
	int i;

	for (i = 0; i < t->ncls; i++)
		if (t->cls[i].id == id)
			return i;
	return -1;
}

/* Leading bits min and max share: the larger, the narrower the range. */
static int bwm_prefix(const struct in6_addr *a, const struct in6_addr *b,
		      u8 family)
{
	int n = family == AF_INET ? 1 : 4, i;

	for (i = 0; i < n; i++) {
		u32 x = ntohl(a->s6_addr32[i] ^ b->s6_addr32[i]);

		if (x)
			return i * 32 + 32 - fls(x);
	}
	return n * 32 + (family == AF_INET ? 96 : 0);
}

/* A service counts as a protocol and a destination port of its own. */
static void bwm_specificity(const struct bwm_filter_cfg *f, int *fields,
			    int *addr, u32 *ports)
{
	u32 has = f->has;

	if (has & BWM_F_SERVICE)
		has = (has & ~BWM_F_SERVICE) | BWM_F_PROTO | BWM_F_DPORT;
	*fields = hweight32(has);
	*addr = 0;
	if (has & BWM_F_SRC)
		*addr += bwm_prefix(&f->src_min, &f->src_max, f->family);
	if (has & BWM_F_DST)
		*addr += bwm_prefix(&f->dst_min, &f->dst_max, f->family);
	*ports = has & BWM_F_SPORT ? f->sport_max - f->sport_min : 65535;
	if (!(f->has & BWM_F_SERVICE))	/* a service: one port, span 0 */
		*ports += has & BWM_F_DPORT ? f->dport_max - f->dport_min :
					      65535;
}

/* Most specific first; the order they were added in plays no part. */
static int bwm_filter_cmp(const void *a, const void *b)
{
	const struct bwm_filter_cfg *x = &((const struct bwm_filter *)a)->c;
	const struct bwm_filter_cfg *y = &((const struct bwm_filter *)b)->c;
	int fx, fy, ax, ay;
	u32 px, py;

	bwm_specificity(x, &fx, &ax, &px);
	bwm_specificity(y, &fy, &ay, &py);
	if (fx != fy)
		return fy - fx;
	if (ax != ay)
		return ay - ax;
	if (px != py)
		return px < py ? -1 : 1;
	return (int)x->id - (int)y->id;
}

static void bwm_cls_init(struct bwm_cls *c, u16 id, int parent, u64 rate,
			 u64 ceil, u32 mtu, u64 now)
{
	c->id = id;
	c->parent = parent;
	c->cfg_rate = rate;
	c->cfg_ceil = ceil;
	bwm_rate_set(&c->rate, rate);
	bwm_rate_set(&c->ceil, ceil);
	c->buffer = max_t(s64, BWM_MIN_BUFFER_NS, bwm_l2t(&c->rate, 2 * mtu));
	c->cbuffer = max_t(s64, BWM_MIN_BUFFER_NS, bwm_l2t(&c->ceil, 2 * mtu));
	/* empty: a new class starts at its rate, not with a burst */
	c->tokens = 0;
	c->ctokens = 0;
	c->t_c = now;
	c->est_stamp = now;
	bwm_qh_init(&c->q);
}

void bwm_tree_free(struct bwm_tree *t)
{
	if (!t)
		return;
	kvfree(t->cls);
	kvfree(t->leaves);
	kvfree(t->flt);
	kfree(t);
}

/*
 * The ceiling in force: for a borrowing class its own or its parent's;
 * without borrowing its rate.  A loop, not a recursion: a chain of
 * VGATE_BWM_MAX_CLASSES nested classes would take that many stack frames.
 */
static u64 bwm_eff_ceil(const struct bwm_cfg *cfg, int i)
{
	u64 m = U64_MAX;
	unsigned int steps;

	for (steps = 0; i >= 0 && steps <= cfg->ncls; steps++) {
		const struct bwm_class_cfg *c = &cfg->cls[i];

		if (!c->borrow)
			return min(m, c->rate);
		if (c->ceil)
			m = min(m, c->ceil);
		if (!c->parent)
			break;
		i = bwm_cfg_idx(cfg, c->parent);
	}
	return min(m, cfg->rate);
}

/*
 * The DRR quantum of a leaf: one MTU for the slowest leaf, in proportion
 * to the rate for the others, at most 64 MTUs.  The ratio is taken first:
 * mul_u64_u64_div_u64() traps on x86-64 when the quotient does not fit 64
 * bits (rates differ by up to 2^40), and the product is only computed when
 * the result is below 64 MTUs.
 */
static u32 bwm_quantum(u32 mtu, u64 rate, u64 minrate)
{
	if (!minrate)
		minrate = 1;
	if (div64_u64(rate, minrate) >= 64)
		return 64 * mtu;
	return clamp_t(u64, mul_u64_u64_div_u64(mtu, rate, minrate), mtu,
		       64ULL * mtu);
}

struct bwm_tree *bwm_tree_build(const struct bwm_cfg *cfg,
				const struct net_device *dev)
{
	/*
	 * Devices without a maximum (dummy) take MTUs up to INT_MAX: beyond
	 * IP_MAX_MTU no packet is that long, and 2 * mtu and 64 * mtu stay
	 * far within 32 bits.
	 */
	u32 mtu = min_t(u32, dev->mtu, IP_MAX_MTU) + dev->hard_header_len +
		  cfg->overhead + (cfg->esp ? 64 : 0);
	u64 now = ktime_get_ns(), top = 0, minrate = U64_MAX;
	struct bwm_tree *t;
	unsigned int i, j;
	int n;

	t = vgate_fault_ptr(kzalloc(sizeof(*t), GFP_KERNEL));
	if (!t)
		return NULL;
	t->mode = cfg->mode;
	t->esp = cfg->esp;
	t->overhead = cfg->overhead;
	t->seg_thresh = min_t(u64, U32_MAX,
			      max_t(u64, 2 * mtu,
				    div64_u64(cfg->rate, 8 * 1000)));
	t->ncls = cfg->ncls + 2;
	t->cls = vgate_fault_ptr(kvcalloc(t->ncls, sizeof(*t->cls), GFP_KERNEL));
	t->leaves = vgate_fault_ptr(kvcalloc(t->ncls, sizeof(*t->leaves), GFP_KERNEL));
	t->flt = vgate_fault_ptr(kvcalloc(max(cfg->nflt, 1U), sizeof(*t->flt), GFP_KERNEL));
	if (!t->cls || !t->leaves || !t->flt)
		goto err;

	/* [0] root, [1..ncls] user classes, [ncls + 1] built-in default */
	bwm_cls_init(&t->cls[0], VGATE_BWM_CLASS_ROOT, -1, cfg->rate,
		     cfg->rate, mtu, now);
	strscpy(t->cls[0].name, "root", sizeof(t->cls[0].name));
	for (i = 0; i < cfg->ncls; i++) {
		const struct bwm_class_cfg *cc = &cfg->cls[i];
		struct bwm_cls *c = &t->cls[i + 1];
		int p = cc->parent ? bwm_cfg_idx(cfg, cc->parent) + 1 : 0;

		bwm_cls_init(c, cc->id, p, cc->rate, bwm_eff_ceil(cfg, i), mtu,
			     now);
		c->prio = cc->prio;
		c->borrow = cc->borrow;
		strscpy(c->name, cc->name, sizeof(c->name));
		if (!cc->parent)
			top += cc->rate;
	}
	n = cfg->ncls + 1;
	bwm_cls_init(&t->cls[n], VGATE_BWM_CLASS_DEFAULT, 0,
		     max3(cfg->rate > top ? cfg->rate - top : 0,
			  div64_u64(cfg->rate, 100), VGATE_BWM_RATE_MIN),
		     cfg->rate, mtu, now);
	t->cls[n].borrow = true;
	strscpy(t->cls[n].name, "default", sizeof(t->cls[n].name));
	t->defidx = cfg->defcls ? bwm_tree_idx(t, cfg->defcls) : n;
	if (t->defidx < 0)
		t->defidx = n;

	for (i = 1; i < t->ncls; i++)
		t->cls[i].leaf = true;
	for (i = 1; i < t->ncls; i++)
		if (t->cls[i].parent > 0)
			t->cls[t->cls[i].parent].leaf = false;
	for (i = 1; i < t->ncls; i++) {
		struct bwm_cls *c = &t->cls[i];

		c->limit = cfg->limit;
		if (!c->leaf)
			continue;
		t->leaves[t->nleaves++] = i;
		minrate = min(minrate, c->cfg_rate);
	}
	for (i = 0; i < t->nleaves; i++) {
		struct bwm_cls *c = &t->cls[t->leaves[i]];

		c->quantum = bwm_quantum(mtu, c->cfg_rate, minrate);
	}

	for (i = 0; i < cfg->nflt; i++) {
		struct bwm_filter *f = &t->flt[i];

		f->c = cfg->flt[i];
		f->cls = t->defidx;
		for (j = 1; j < t->ncls; j++)
			if (t->cls[j].id == f->c.classid && t->cls[j].leaf)
				f->cls = j;
	}
	t->nflt = cfg->nflt;
	sort(t->flt, t->nflt, sizeof(*t->flt), bwm_filter_cmp, NULL);
	return t;
err:
	bwm_tree_free(t);
	return NULL;
}

static void bwm_drop_queue(struct Qdisc *sch, struct qdisc_skb_head *qh,
			   struct sk_buff **to_free)
{
	struct sk_buff *skb;

	while ((skb = __qdisc_dequeue_head(qh))) {
		sch->q.qlen--;
		qdisc_qstats_backlog_dec(sch, skb);
		__qdisc_drop(skb, to_free);
		qdisc_qstats_drop(sch);
	}
}

static void bwm_migrate(struct bwm_cls *n, struct bwm_cls *o)
{
	n->q = o->q;
	bwm_qh_init(&o->q);
	n->tokens = min(o->tokens, n->buffer);
	n->ctokens = min(o->ctokens, n->cbuffer);
	n->t_c = o->t_c;
	n->deficit[0] = o->deficit[0];
	n->deficit[1] = o->deficit[1];
	n->bytes = o->bytes;
	n->packets = o->packets;
	n->drops = o->drops;
	n->borrowed = o->borrowed;
	n->stall_ns = o->stall_ns;
	n->est_bytes = o->est_bytes;
	n->est_stamp = o->est_stamp;
	n->rate_est = o->rate_est;
}

void bwm_sched_swap(struct Qdisc *sch, struct bwm_tree *nt)
{
	struct bwm_sched *q = qdisc_priv(sch);
	struct sk_buff *to_free = NULL;
	struct bwm_tree *ot;
	int i, j;

	sch_tree_lock(sch);
	ot = q->t;
	if (ot) {
		for (i = 0; i < nt->ncls; i++) {
			j = bwm_tree_idx(ot, nt->cls[i].id);
			if (j < 0)
				continue;
			if (!nt->cls[i].leaf && ot->cls[j].q.qlen) {
				ot->cls[j].drops += ot->cls[j].q.qlen;
				bwm_drop_queue(sch, &ot->cls[j].q, &to_free);
			}
			bwm_migrate(&nt->cls[i], &ot->cls[j]);
		}
		/* classes that are gone: their packets with them */
		for (j = 0; j < ot->ncls; j++)
			bwm_drop_queue(sch, &ot->cls[j].q, &to_free);
		for (i = 0; i < nt->nflt; i++)
			for (j = 0; j < ot->nflt; j++)
				if (ot->flt[j].c.id == nt->flt[i].c.id)
					nt->flt[i].matches = ot->flt[j].matches;
		nt->direct = ot->direct;
	}
	q->t = nt;
	if (sch->q.qlen)
		qdisc_watchdog_cancel(&q->wd);
	sch_tree_unlock(sch);
	kfree_skb_list(to_free);
	if (sch->q.qlen)
		__netif_schedule(qdisc_root(sch));
	bwm_tree_free(ot);
}

void bwm_sched_set_bind(struct Qdisc *sch, struct bwm_bind *b)
{
	struct bwm_sched *q = qdisc_priv(sch);

	q->bind = b;
}

int bwm_sched_stats(struct Qdisc *sch, u16 id, struct bwm_stats *st,
		    u64 *rate, u64 *ceil, bool *leaf)
{
	struct bwm_sched *q = qdisc_priv(sch);
	struct bwm_tree *t;
	struct bwm_cls *c;
	int i, err = 0;

	memset(st, 0, sizeof(*st));
	sch_tree_lock(sch);
	t = q->t;
	i = t ? bwm_tree_idx(t, id) : -1;
	if (i < 0) {
		err = -ENOENT;
		goto out;
	}
	c = &t->cls[i];
	st->v[VGATE_BWM_STAT_TIME] = ktime_get_ns();
	bwm_est(c, st->v[VGATE_BWM_STAT_TIME]);
	st->v[VGATE_BWM_STAT_BYTES] = c->bytes;
	st->v[VGATE_BWM_STAT_PACKETS] = c->packets;
	st->v[VGATE_BWM_STAT_DROPS] = c->drops;
	st->v[VGATE_BWM_STAT_RATE] = c->rate_est;
	st->v[VGATE_BWM_STAT_BORROWED] = c->borrowed;
	st->v[VGATE_BWM_STAT_STALL_NS] = c->stall_ns;
	if (i == 0) {
		st->v[VGATE_BWM_STAT_BACKLOG] = sch->q.qlen;
		st->v[VGATE_BWM_STAT_BACKLOG_BYTES] = sch->qstats.backlog;
		st->v[VGATE_BWM_STAT_DROPS] = sch->qstats.drops;
		st->v[VGATE_BWM_STAT_DIRECT] = t->direct;
	} else {
		struct sk_buff *skb;
		u64 bytes = 0;

		st->v[VGATE_BWM_STAT_BACKLOG] = c->q.qlen;
		for (skb = c->q.head; skb; skb = skb->next)
			bytes += qdisc_pkt_len(skb);
		st->v[VGATE_BWM_STAT_BACKLOG_BYTES] = bytes;
	}
	if (rate)
		*rate = c->cfg_rate;
	if (ceil)
		*ceil = c->cfg_ceil;
	if (leaf)
		*leaf = c->leaf;
out:
	sch_tree_unlock(sch);
	return err;
}

int bwm_sched_filter_matches(struct Qdisc *sch, u16 id, u64 *matches)
{
	struct bwm_sched *q = qdisc_priv(sch);
	int i, err = -ENOENT;

	*matches = 0;
	sch_tree_lock(sch);
	for (i = 0; q->t && i < q->t->nflt; i++)
		if (q->t->flt[i].c.id == id) {
			*matches = q->t->flt[i].matches;
			err = 0;
		}
	sch_tree_unlock(sch);
	return err;
}

/* ---- Qdisc_ops ---- */

static int bwm_init(struct Qdisc *sch, struct nlattr *opt,
		    struct netlink_ext_ack *extack)
{
	struct bwm_sched *q = qdisc_priv(sch);

	qdisc_watchdog_init(&q->wd, sch);
	bwm_qh_init(&q->direct);
	if (!bwm_creating) {
		NL_SET_ERR_MSG(extack,
			       "vgate_bwm is attached with \"vgate bm interface IF enable\", not with tc");
		return -EOPNOTSUPP;
	}
	return 0;
}

static void bwm_reset(struct Qdisc *sch)
{
	struct bwm_sched *q = qdisc_priv(sch);
	struct sk_buff *to_free = NULL;
	int i;

	bwm_drop_queue(sch, &q->direct, &to_free);
	for (i = 0; q->t && i < q->t->ncls; i++)
		bwm_drop_queue(sch, &q->t->cls[i].q, &to_free);
	kfree_skb_list(to_free);
	sch->q.qlen = 0;
	sch->qstats.backlog = 0;
	qdisc_watchdog_cancel(&q->wd);
}

static void bwm_destroy(struct Qdisc *sch)
{
	struct bwm_sched *q = qdisc_priv(sch);

	qdisc_watchdog_cancel(&q->wd);
	bwm_reset(sch);
	bwm_tree_free(q->t);
	q->t = NULL;
	/* tc deleted or replaced it: the binding learns it is gone */
	if (q->bind)
		bwm_bind_qdisc_gone(q->bind, sch);
}

struct Qdisc_ops bwm_qdisc_ops __read_mostly = {
	.id = "vgate_bwm",
	.priv_size = sizeof(struct bwm_sched),
	.enqueue = bwm_enqueue,
	.dequeue = bwm_dequeue,
	.peek = qdisc_peek_dequeued,
	.init = bwm_init,
	.reset = bwm_reset,
	.destroy = bwm_destroy,
	/*
	 * No .owner: a qdisc holding the module would make rmmod impossible
	 * while shaping; module exit restores every device first instead,
	 * and init refuses instances that tc would create.
	 */
};

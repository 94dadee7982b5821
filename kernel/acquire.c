// SPDX-License-Identifier: GPL-2.0
/*
 * ACQUIRE: the slow path of dynamic PROTECT entries.
 *
 * Each namespace has a small table of pending entries keyed by REQID (the
 * entry's rule ID), under one spinlock.  An entry is created by the first
 * packet that finds no SA, which also sends the ACQUIRE event; it holds up
 * to acquire_queue packets and lives until an outbound SA with its REQID
 * is added (vgate_acquire_release() sends the packets through it) or its
 * timer fires (the packets are dropped as ACQUIRE_TIMEOUT).
 *
 * Ownership: whoever unhashes an entry (release, the timer, namespace
 * exit) owns it and frees it, after timer_shutdown_sync().  The timer runs
 * in softirq context and must not sleep or free its own timer, so it only
 * moves the entry to the expired list; a work item drops the packets.
 */
#include <linux/hash.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <net/dst.h>
#include <net/genetlink.h>

#include "netns.h"
#include "netlink.h"
#include "policy.h"
#include "hooks.h"
#include "acquire.h"
#include "fault.h"

#define ACQ_HSIZE	64

struct vgate_acq_table {
	spinlock_t lock;			/* hash, expired, entries, queues */
	struct hlist_head hash[ACQ_HSIZE];	/* pending, by REQID */
	struct list_head expired;		/* timed out, for work */
	unsigned int entries;			/* pending and expired */
	struct work_struct work;		/* drops expired entries */
	struct vgate_net *vn;
};

struct vgate_acq {
	struct hlist_node node;		/* table hash while pending */
	struct list_head list;		/* expired list, or an owner's list */
	struct vgate_acq_table *t;
	u32 reqid;
	bool unhashed;			/* under t->lock */
	union vgate_addr peer;		/* the outbound SA's destination */
	u8 family;			/* of peer */
	bool pmtu;			/* the peer's propagatePmtu */
	struct sk_buff_head queue;	/* held packets, under t->lock */
	struct timer_list timer;
};

static struct hlist_head *acq_bucket(struct vgate_acq_table *t, u32 reqid)
{
	return &t->hash[hash_32(reqid, ilog2(ACQ_HSIZE))];
}

static struct vgate_acq *acq_find(struct vgate_acq_table *t, u32 reqid)
{
	struct vgate_acq *a;

	lockdep_assert_held(&t->lock);
	hlist_for_each_entry(a, acq_bucket(t, reqid), node)
		if (a->reqid == reqid)
			return a;
	return NULL;
}

static void acq_unhash(struct vgate_acq *a)
{
	lockdep_assert_held(&a->t->lock);
	hlist_del(&a->node);
	a->unhashed = true;
}

/*
 * Free an entry its caller owns (unhashed, timer shut down), dropping what
 * it still holds; counted as @reason unless that is VGATE_DROP_UNSPEC.
 */
static void acq_free(struct vgate_acq *a, enum vgate_drop_reason reason)
{
	struct vgate_acq_table *t = a->t;
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&a->queue))) {
		if (reason)
			vgate_count_drop(t->vn, reason);
		kfree_skb(skb);
	}
	spin_lock_bh(&t->lock);
	t->entries--;
	spin_unlock_bh(&t->lock);
	kfree(a);
}

static void acq_timer_fn(struct timer_list *timer)
{
	struct vgate_acq *a = from_timer(a, timer, timer);
	struct vgate_acq_table *t = a->t;

	spin_lock(&t->lock);
	if (!a->unhashed) {
		acq_unhash(a);
		list_add_tail(&a->list, &t->expired);
		queue_work(system_wq, &t->work);
	}
	spin_unlock(&t->lock);
}

static void acq_work_fn(struct work_struct *work)
{
	struct vgate_acq_table *t = container_of(work, struct vgate_acq_table,
						 work);
	struct vgate_acq *a, *tmp;
	LIST_HEAD(expired);

	spin_lock_bh(&t->lock);
	list_splice_init(&t->expired, &expired);
	spin_unlock_bh(&t->lock);
	list_for_each_entry_safe(a, tmp, &expired, list) {
		timer_shutdown_sync(&a->timer);
		acq_free(a, VGATE_DROP_ACQUIRE_TIMEOUT);
	}
}

int vgate_acquire_net_init(struct vgate_net *vn)
{
	struct vgate_acq_table *t = vgate_fault_ptr(kzalloc(sizeof(*t), GFP_KERNEL));
	unsigned int i;

	if (!t)
		return -ENOMEM;
	spin_lock_init(&t->lock);
	for (i = 0; i < ACQ_HSIZE; i++)
		INIT_HLIST_HEAD(&t->hash[i]);
	INIT_LIST_HEAD(&t->expired);
	INIT_WORK(&t->work, acq_work_fn);
	t->vn = vn;
	vn->acq = t;
	return 0;
}

void vgate_acquire_net_exit(struct vgate_net *vn)
{
	struct vgate_acq_table *t = vn->acq;
	struct vgate_acq *a, *tmp;
	struct hlist_node *n;
	LIST_HEAD(all);
	unsigned int i;

	spin_lock_bh(&t->lock);
	for (i = 0; i < ACQ_HSIZE; i++) {
		hlist_for_each_entry_safe(a, n, &t->hash[i], node) {
			acq_unhash(a);
			list_add_tail(&a->list, &all);
		}
	}
	list_splice_init(&t->expired, &all);
	spin_unlock_bh(&t->lock);
	list_for_each_entry_safe(a, tmp, &all, list) {
		timer_shutdown_sync(&a->timer);
		acq_free(a, VGATE_DROP_UNSPEC);
	}
	/* No timer is left to queue it again. */
	cancel_work_sync(&t->work);
	WARN_ON_ONCE(t->entries);
	kfree(t);
	vn->acq = NULL;
}

static int put_addr(struct sk_buff *msg, int type, u8 family,
		    const union vgate_addr *addr)
{
	return nla_put(msg, type, family == AF_INET ? sizeof(addr->a4) :
			sizeof(addr->a6), addr);
}

static int acq_fill(struct sk_buff *msg, const struct vgate_verdict *v,
		    const struct vgate_flow *f)
{
	const struct vgate_peer *peer = v->peer;
	struct nlattr *nest;

	nest = nla_nest_start(msg, VGATE_A_RULE);
	if (!nest ||
	    nla_put_u32(msg, VGATE_RULE_A_ID, v->rule->id) ||
	    nla_put_u8(msg, VGATE_RULE_A_STAGE, v->rule->stage) ||
	    nla_put_string(msg, VGATE_RULE_A_PEER_NAME, peer->name) ||
	    put_addr(msg, VGATE_RULE_A_PEER, peer->family, &peer->addr))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);

	nest = nla_nest_start(msg, VGATE_A_PEER);
	if (!nest ||
	    nla_put_u32(msg, VGATE_PEER_A_ID, peer->id) ||
	    nla_put_string(msg, VGATE_PEER_A_NAME, peer->name) ||
	    nla_put_u16(msg, VGATE_PEER_A_FAMILY, peer->family) ||
	    put_addr(msg, VGATE_PEER_A_ADDR, peer->family, &peer->addr))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);

	nest = nla_nest_start(msg, VGATE_A_FLOW);
	if (!nest ||
	    nla_put_u16(msg, VGATE_FLOW_A_FAMILY, f->family) ||
	    put_addr(msg, VGATE_FLOW_A_SRC, f->family, &f->src) ||
	    put_addr(msg, VGATE_FLOW_A_DST, f->family, &f->dst) ||
	    nla_put_u8(msg, VGATE_FLOW_A_PROTO, f->proto) ||
	    (f->has_ports &&
	     (nla_put_u16(msg, VGATE_FLOW_A_SPORT, ntohs(f->sport)) ||
	      nla_put_u16(msg, VGATE_FLOW_A_DPORT, ntohs(f->dport)))) ||
	    nla_put_u8(msg, VGATE_FLOW_A_DIR, VGATE_DIR_OUT))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* Multicast one ACQUIRE event on "events"; counted unless it failed. */
static void acq_notify(struct vgate_net *vn, const struct vgate_verdict *v,
		       const struct vgate_flow *f)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = vgate_fault_ptr(genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC));
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &vgate_family, 0, VGATE_CMD_ACQUIRE);
	if (!hdr || acq_fill(msg, v, f)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	/* -ESRCH: nobody listens, which is no failure of the event. */
	err = genlmsg_multicast_netns(&vgate_family, vn->net, msg, 0, 0,
				      GFP_ATOMIC);
	if (!err || err == -ESRCH)
		vgate_count(vn, VGATE_CNT_ACQUIRES);
}

void vgate_acquire_hold(struct vgate_net *vn, const struct vgate_verdict *v,
			struct sk_buff *skb)
{
	struct vgate_acq_table *t = vn->acq;
	enum vgate_drop_reason reason;
	u32 reqid = v->rule->id;
	struct vgate_flow flow;
	struct vgate_acq *a;
	bool first = false;

	/* The packet outlives the RCU section it arrived in. */
	skb_dst_force(skb);
	if (!skb_dst(skb) || !vgate_flow_from_skb(skb, &flow)) {
		vgate_count_drop(vn, VGATE_DROP_NO_ROUTE);
		kfree_skb(skb);
		return;
	}
	spin_lock_bh(&t->lock);
	a = acq_find(t, reqid);
	if (!a) {
		struct vgate_sa *sa, *next;

		/*
		 * The SA may have been added (and its release run) since the
		 * caller looked: release looks for entries under this lock
		 * after adding the SA, so one of the two sees the other.
		 */
		sa = vgate_bundle_reqid(vn, reqid, v->peer->family,
					&v->peer->addr, &next);
		if (sa) {
			spin_unlock_bh(&t->lock);
			vgate_output_bundle(vn, sa, next, skb,
					    v->peer->propagate_pmtu);
			return;
		}
		reason = VGATE_DROP_ACQUIRE_OVERFLOW;
		if (t->entries >= VGATE_ACQUIRE_MAX_ENTRIES)
			goto drop;
		reason = VGATE_DROP_NOMEM;
		a = vgate_fault_ptr(kzalloc(sizeof(*a), GFP_ATOMIC));
		if (!a)
			goto drop;
		a->t = t;
		a->reqid = reqid;
		a->peer = v->peer->addr;
		a->family = v->peer->family;
		a->pmtu = v->peer->propagate_pmtu;
		__skb_queue_head_init(&a->queue);
		timer_setup(&a->timer, acq_timer_fn, 0);
		hlist_add_head(&a->node, acq_bucket(t, reqid));
		t->entries++;
		mod_timer(&a->timer, jiffies +
			  READ_ONCE(vn->cfg.acquire_timeout) * HZ);
		first = true;
	}
	reason = VGATE_DROP_ACQUIRE_OVERFLOW;
	if (skb_queue_len(&a->queue) >= READ_ONCE(vn->cfg.acquire_queue))
		goto drop;
	__skb_queue_tail(&a->queue, skb);
	spin_unlock_bh(&t->lock);
	if (first)
		acq_notify(vn, v, &flow);
	return;
drop:
	spin_unlock_bh(&t->lock);
	if (first)
		acq_notify(vn, v, &flow);
	vgate_count_drop(vn, reason);
	kfree_skb(skb);
}

void vgate_acquire_release(struct vgate_net *vn, u32 reqid)
{
	struct vgate_acq_table *t = vn->acq;
	struct vgate_sa *sa = NULL, *next = NULL;
	struct sk_buff *skb;
	struct vgate_acq *a;

	lockdep_assert_held(&vn->lock);
	spin_lock_bh(&t->lock);
	a = acq_find(t, reqid);
	if (a)
		sa = vgate_bundle_reqid(vn, reqid, a->family, &a->peer, &next);
	if (!sa) {
		/* No entry, or an inbound SA: wait for the outbound one. */
		spin_unlock_bh(&t->lock);
		return;
	}
	acq_unhash(a);
	spin_unlock_bh(&t->lock);
	timer_shutdown_sync(&a->timer);

	/* In arrival order, as the output hook would have sent them. */
	rcu_read_lock();
	local_bh_disable();
	while ((skb = __skb_dequeue(&a->queue))) {
		refcount_inc(&sa->refcnt);
		if (next)
			refcount_inc(&next->refcnt);
		vgate_output_bundle(vn, sa, next, skb, a->pmtu);
	}
	local_bh_enable();
	rcu_read_unlock();
	vgate_sa_put(next);
	vgate_sa_put(sa);
	acq_free(a, VGATE_DROP_UNSPEC);
}

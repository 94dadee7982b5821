// SPDX-License-Identifier: GPL-2.0
/*
 * vgate_bwm.ko: the bandwidth manager.  This file attaches the shaper to
 * devices and keeps their configuration.
 *
 * Attaching needs no tc: "bm interface IF enable" creates a vgate_bwm
 * qdisc with qdisc_create_dflt() and grafts it as the root on every
 * transmit queue, as tc does for a root qdisc (sch_api.c qdisc_graft()):
 * one instance and one lock for the whole device, so the interface's
 * bandwidth is one limit on a multi-queue device too.  The qdiscs it
 * replaces (the root, and the per-queue ones, which differ under mq) are
 * kept with their references and grafted back by "disable", when the
 * device unregisters and when the module unloads.  Devices without a
 * queue (IFF_NO_QUEUE: veth, vgate's route-based interfaces) shape like
 * any other: a root qdisc with an enqueue function is all
 * __dev_queue_xmit() needs.
 *
 * A change of classes or filters copies the configuration, changes the
 * copy, checks it as a whole, builds a new tree and swaps it in
 * (bwm_sched_swap()); a refused change leaves everything as it was.
 * Bindings and configurations are under RTNL.
 */
#include <linux/ethtool.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/sch_generic.h>

#include "bwm.h"
#include "../kernel/fault.h"

#define BWM_HANDLE TC_H_MAKE(0x7b0dU << 16, 0)

static LIST_HEAD(bwm_bind_list);

struct list_head *bwm_binds(void)
{
	return &bwm_bind_list;
}

/*
 * 6.1 has no NL_SET_ERR_MSG_FMT, and extack keeps only a pointer: the
 * message must outlive the handler, since netlink_ack() copies it after
 * the handler returned, in the sending task's own sendmsg().  So each task
 * that gets a formatted message has one buffer of its own: the task's next
 * message can only be formatted after its previous ack was built (the
 * messages of one sendmsg() are handled and acked one after the other),
 * and no other task ever writes it.  (A ring shared by all tasks gave
 * concurrent requests each other's messages.)  A buffer is freed once its
 * task has exited, when the table grows, and at module unload.
 */
#define BWM_MSG_LEN 160
#define BWM_MSG_GC 64		/* look for exited tasks beyond this many */

struct bwm_msgbuf {
	struct list_head list;
	struct pid *pid;		/* the task's, with a reference */
	char text[BWM_MSG_LEN];
};

static LIST_HEAD(bwm_msgbufs);
static unsigned int bwm_nmsgbufs;
static DEFINE_MUTEX(bwm_msg_lock);

static void bwm_msgbuf_free(struct bwm_msgbuf *m)
{
	list_del(&m->list);
	put_pid(m->pid);
	kfree(m);
	bwm_nmsgbufs--;
}

/* Under bwm_msg_lock: this task's buffer, made if need be; NULL if no memory. */
static struct bwm_msgbuf *bwm_msgbuf_get(void)
{
	struct pid *pid = task_pid(current);
	struct bwm_msgbuf *m, *tmp;

	list_for_each_entry(m, &bwm_msgbufs, list)
		if (m->pid == pid)
			return m;
	if (bwm_nmsgbufs >= BWM_MSG_GC) {
		rcu_read_lock();
		list_for_each_entry_safe(m, tmp, &bwm_msgbufs, list)
			if (!pid_task(m->pid, PIDTYPE_PID))
				bwm_msgbuf_free(m);
		rcu_read_unlock();
	}
	m = vgate_fault_ptr(kzalloc(sizeof(*m), GFP_KERNEL));
	if (!m)
		return NULL;
	m->pid = get_pid(pid);
	list_add(&m->list, &bwm_msgbufs);
	bwm_nmsgbufs++;
	return m;
}

void bwm_errmsg(struct netlink_ext_ack *extack, const char *fmt, ...)
{
	struct bwm_msgbuf *m;
	va_list ap;

	if (!extack)
		return;
	mutex_lock(&bwm_msg_lock);
	m = bwm_msgbuf_get();
	if (m) {
		va_start(ap, fmt);
		vsnprintf(m->text, BWM_MSG_LEN, fmt, ap);
		va_end(ap);
		extack->_msg = m->text;
	} else {
		extack->_msg = fmt;	/* unformatted, but static */
	}
	mutex_unlock(&bwm_msg_lock);
}

/* Module unload: no request can be running any more. */
static void bwm_msgbufs_free(void)
{
	struct bwm_msgbuf *m, *tmp;

	list_for_each_entry_safe(m, tmp, &bwm_msgbufs, list)
		bwm_msgbuf_free(m);
}

struct bwm_bind *bwm_bind_find(const struct net_device *dev)
{
	struct bwm_bind *b;

	ASSERT_RTNL();
	list_for_each_entry(b, &bwm_bind_list, list)
		if (b->dev == dev)
			return b;
	return NULL;
}

u64 bwm_link_speed(struct net_device *dev)
{
	struct ethtool_link_ksettings ks;

	memset(&ks, 0, sizeof(ks));
	if (__ethtool_get_link_ksettings(dev, &ks) ||
	    ks.base.speed == (u32)SPEED_UNKNOWN || !ks.base.speed)
		return 0;
	return (u64)ks.base.speed * 1000000;
}

static int bwm_idx(const struct bwm_cfg *cfg, u16 id)
{
	unsigned int i;

	for (i = 0; i < cfg->ncls; i++)
		if (cfg->cls[i].id == id)
			return i;
	return -1;
}

static bool bwm_has_children(const struct bwm_cfg *cfg, u16 id)
{
	unsigned int i;

	for (i = 0; i < cfg->ncls; i++)
		if (cfg->cls[i].parent == id)
			return true;
	return false;
}

/* The whole configuration, as it would be after a change. */
int bwm_cfg_check(const struct net_device *dev, const struct bwm_cfg *cfg,
		  struct netlink_ext_ack *extack)
{
	u64 link = bwm_link_speed((struct net_device *)dev);
	unsigned int i, steps;
	int j;

	if (!cfg->rate) {
		bwm_errmsg(extack, "%s: bandwidth 0: must be above 0",
			   dev->name);
		return -ERANGE;
	}
	if (cfg->rate < VGATE_BWM_RATE_MIN || cfg->rate > VGATE_BWM_RATE_MAX) {
		bwm_errmsg(extack,
			   "%s: bandwidth %llu bit/s: must be %llu-%llu bit/s",
			   dev->name, cfg->rate, VGATE_BWM_RATE_MIN,
			   VGATE_BWM_RATE_MAX);
		return -ERANGE;
	}
	if (link && cfg->rate > link) {
		bwm_errmsg(extack,
			   "%s: bandwidth %llu bit/s above the link speed %llu bit/s",
			   dev->name, cfg->rate, link);
		return -ERANGE;
	}
	for (i = 0; i < cfg->ncls; i++) {
		const struct bwm_class_cfg *c = &cfg->cls[i];
		u64 sum = 0, prate;
		u16 p;

		if (!c->rate) {
			bwm_errmsg(extack, "class %u: bandwidth 0: must be above 0",
				   c->id);
			return -ERANGE;
		}
		if (c->rate > cfg->rate) {
			bwm_errmsg(extack,
				   "class %u: bandwidth %llu bit/s above the bandwidth of %s (%llu bit/s)",
				   c->id, c->rate, dev->name, cfg->rate);
			return -ERANGE;
		}
		if (c->ceil && c->ceil < c->rate) {
			bwm_errmsg(extack,
				   "class %u: ceiling %llu bit/s below its bandwidth %llu bit/s",
				   c->id, c->ceil, c->rate);
			return -ERANGE;
		}
		if (c->ceil > cfg->rate) {
			bwm_errmsg(extack,
				   "class %u: ceiling %llu bit/s above the bandwidth of %s (%llu bit/s)",
				   c->id, c->ceil, dev->name, cfg->rate);
			return -ERANGE;
		}
		if (c->parent && bwm_idx(cfg, c->parent) < 0) {
			bwm_errmsg(extack, "class %u: parent class %u does not exist",
				   c->id, c->parent);
			return -ENOENT;
		}
		/* a parent chain longer than the classes is a loop */
		for (p = c->parent, steps = 0; p; steps++) {
			if (p == c->id || steps > cfg->ncls) {
				bwm_errmsg(extack,
					   "class %u: parent %u is the class itself or one of its subclasses",
					   c->id, c->parent);
				return -ELOOP;
			}
			j = bwm_idx(cfg, p);
			/* a missing ancestor: reported at its own class */
			if (j < 0)
				break;
			p = cfg->cls[j].parent;
		}
		/* the children of this class */
		for (j = 0; j < (int)cfg->ncls; j++)
			if (cfg->cls[j].parent == c->id)
				sum += cfg->cls[j].rate;
		prate = c->rate;
		if (sum > prate) {
			bwm_errmsg(extack,
				   "subclasses of class %u: bandwidths sum to %llu bit/s, above its %llu bit/s",
				   c->id, sum, prate);
			return -ERANGE;
		}
	}
	{
		u64 sum = 0;

		for (j = 0; j < (int)cfg->ncls; j++)
			if (!cfg->cls[j].parent)
				sum += cfg->cls[j].rate;
		if (sum > cfg->rate) {
			bwm_errmsg(extack,
				   "classes of %s: bandwidths sum to %llu bit/s, above its %llu bit/s",
				   dev->name, sum, cfg->rate);
			return -ERANGE;
		}
	}
	if (cfg->defcls) {
		if (bwm_idx(cfg, cfg->defcls) < 0) {
			bwm_errmsg(extack, "default class %u does not exist",
				   cfg->defcls);
			return -ENOENT;
		}
		if (bwm_has_children(cfg, cfg->defcls)) {
			bwm_errmsg(extack,
				   "default class %u has subclasses: only a class without subclasses holds packets",
				   cfg->defcls);
			return -EBUSY;
		}
	}
	for (i = 0; i < cfg->nflt; i++) {
		const struct bwm_filter_cfg *f = &cfg->flt[i];

		if (f->classid == VGATE_BWM_CLASS_DEFAULT)
			continue;
		if (bwm_idx(cfg, f->classid) < 0) {
			bwm_errmsg(extack, "filter %u: class %u does not exist",
				   f->id, f->classid);
			return -ENOENT;
		}
		if (bwm_has_children(cfg, f->classid)) {
			bwm_errmsg(extack,
				   "filter %u: class %u has subclasses: only a class without subclasses holds packets",
				   f->id, f->classid);
			return -EBUSY;
		}
	}
	return 0;
}

/* ---- attaching and detaching ---- */

static void bwm_bind_free(struct bwm_bind *b)
{
	unsigned int i;

	for (i = 0; i < b->nq; i++)
		if (b->old[i])
			qdisc_put(b->old[i]);
	if (b->old_root)
		qdisc_put(b->old_root);
	netdev_put(b->dev, &b->tracker);
	kfree(b->old);
	kfree(b->hashed);
	kvfree(b->cfg);
	kfree(b);
}

void bwm_bind_qdisc_gone(struct bwm_bind *b, struct Qdisc *sch)
{
	if (b->q == sch)
		b->q = NULL;
}

/* Put the previous qdiscs back, if ours is still the root; free b. */
void bwm_unbind(struct bwm_bind *b)
{
	struct net_device *dev = b->dev;
	struct Qdisc *sch = b->q;
	unsigned int i;
	bool up;

	ASSERT_RTNL();
	list_del(&b->list);
	if (sch)
		bwm_sched_set_bind(sch, NULL);
	if (sch && rtnl_dereference(dev->qdisc) == sch &&
	    dev->reg_state == NETREG_REGISTERED) {
		up = dev->flags & IFF_UP;
		if (up)
			dev_deactivate(dev);
		for (i = 0; i < b->nq; i++) {
			struct Qdisc *cur;

			cur = dev_graft_qdisc(netdev_get_tx_queue(dev, i),
					      b->old[i]);
			if (b->hashed[i])
				qdisc_hash_add(b->old[i], false);
			b->old[i] = NULL;
			qdisc_put(cur);
		}
		rcu_assign_pointer(dev->qdisc, b->old_root);
		b->old_root = NULL;
		qdisc_put(sch);
		if (up)
			dev_activate(dev);
	}
	bwm_bind_free(b);
}

/*
 * Everything a binding needs before it can be attached, our qdisc
 * included; nothing on the device changes yet.  NULL: out of memory.
 */
struct bwm_bind *bwm_bind_prepare(struct net_device *dev,
				  struct netlink_ext_ack *extack)
{
	struct bwm_bind *b;
	struct Qdisc *sch;

	ASSERT_RTNL();
	b = vgate_fault_ptr(kzalloc(sizeof(*b), GFP_KERNEL));
	if (!b)
		return NULL;
	INIT_LIST_HEAD(&b->list);
	b->nq = dev->num_tx_queues;
	b->old = vgate_fault_ptr(kcalloc(b->nq, sizeof(*b->old), GFP_KERNEL));
	b->hashed = vgate_fault_ptr(kcalloc(b->nq, sizeof(*b->hashed), GFP_KERNEL));
	if (!b->old || !b->hashed)
		goto nomem;
	bwm_creating = true;
	sch = qdisc_create_dflt(netdev_get_tx_queue(dev, 0), &bwm_qdisc_ops,
				TC_H_ROOT, extack);
	bwm_creating = false;
	if (!sch)
		goto nomem;
	/* tc shows and deletes it as 7b0d: (tc refuses handle 0) */
	sch->handle = BWM_HANDLE;
	b->dev = dev;
	netdev_hold(dev, &b->tracker, GFP_KERNEL);
	b->q = sch;
	return b;
nomem:
	kfree(b->old);
	kfree(b->hashed);
	kfree(b);
	return NULL;
}

/* A prepared binding that will not be attached. */
void bwm_bind_discard(struct bwm_bind *b)
{
	ASSERT_RTNL();
	qdisc_put(b->q);
	b->q = NULL;
	bwm_bind_free(b);
}

/* Attach a prepared binding with cfg and its tree t (both its own now). */
void bwm_bind_attach(struct bwm_bind *b, struct bwm_cfg *cfg,
		     struct bwm_tree *t)
{
	struct net_device *dev = b->dev;
	struct Qdisc *sch = b->q;
	unsigned int i;
	bool up;

	ASSERT_RTNL();
	bwm_sched_swap(sch, t);
	bwm_sched_set_bind(sch, b);
	b->cfg = cfg;
	up = dev->flags & IFF_UP;
	if (up)
		dev_deactivate(dev);
	for (i = 0; i < b->nq; i++) {
		struct Qdisc *old;

		old = dev_graft_qdisc(netdev_get_tx_queue(dev, i), sch);
		if (i > 0)
			qdisc_refcount_inc(sch);
		/* mq's children: out of "tc qdisc show" while we shape */
		if (old && !(old->flags & TCQ_F_BUILTIN) &&
		    !hlist_unhashed(&old->hash)) {
			qdisc_hash_del(old);
			b->hashed[i] = true;
		}
		b->old[i] = old;
	}
	b->old_root = rtnl_dereference(dev->qdisc);
	qdisc_refcount_inc(sch);
	rcu_assign_pointer(dev->qdisc, sch);
	if (up)
		dev_activate(dev);
	list_add_tail(&b->list, &bwm_bind_list);
}

static int bwm_bind(struct net_device *dev, struct bwm_cfg *cfg,
		    struct bwm_tree *t, struct netlink_ext_ack *extack)
{
	struct bwm_bind *b = bwm_bind_prepare(dev, extack);

	if (!b) {
		bwm_tree_free(t);
		return -ENOMEM;
	}
	bwm_bind_attach(b, cfg, t);
	return 0;
}

int bwm_cfg_apply(struct bwm_bind *b, struct bwm_cfg *cfg,
		  struct netlink_ext_ack *extack)
{
	struct bwm_tree *t;
	int err;

	err = bwm_cfg_check(b->dev, cfg, extack);
	if (err)
		return err;
	t = bwm_tree_build(cfg, b->dev);
	if (!t)
		return -ENOMEM;
	if (b->q)
		bwm_sched_swap(b->q, t);
	else
		bwm_tree_free(t);
	kvfree(b->cfg);
	b->cfg = cfg;
	return 0;
}

/*
 * Enable (or change) with cfg (ours from here on, freed on error), or
 * disable.
 */
int bwm_if_set(struct net_device *dev, struct bwm_cfg *cfg, bool enable,
	       struct netlink_ext_ack *extack)
{
	struct bwm_bind *b = bwm_bind_find(dev);
	struct bwm_tree *t;
	int err;

	ASSERT_RTNL();
	if (!enable) {
		kvfree(cfg);
		if (!b) {
			bwm_errmsg(extack,
				   "%s: bandwidth management is not enabled",
				   dev->name);
			return -ENOENT;
		}
		bwm_unbind(b);
		return 0;
	}
	if (b) {
		err = bwm_cfg_apply(b, cfg, extack);
		if (err)
			kvfree(cfg);
		return err;
	}
	err = bwm_cfg_check(dev, cfg, extack);
	if (err)
		goto err;
	err = -ENOMEM;
	t = bwm_tree_build(cfg, dev);
	if (!t)
		goto err;
	err = bwm_bind(dev, cfg, t, extack);
	if (err)
		goto err;
	return 0;
err:
	kvfree(cfg);
	return err;
}

static int bwm_netdev_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct bwm_bind *b;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	b = bwm_bind_find(dev);
	if (b)
		bwm_unbind(b);
	/* A transaction's pending changes of the device go with it. */
	bwm_txn_dev_gone(dev);
	return NOTIFY_DONE;
}

static struct notifier_block bwm_netdev_nb = {
	.notifier_call = bwm_netdev_event,
};

/* The transaction of a namespace dies with it. */
static void __net_exit bwm_net_exit(struct net *net)
{
	bwm_txn_net_exit(net);
}

static struct pernet_operations bwm_net_ops = {
	.exit = bwm_net_exit,
};

VGATE_FAULT_DEFINE;

static int __init bwm_init(void)
{
	int err;

	err = register_qdisc(&bwm_qdisc_ops);
	if (err)
		return err;
	err = register_pernet_subsys(&bwm_net_ops);
	if (err)
		goto err_pernet;
	err = register_netdevice_notifier(&bwm_netdev_nb);
	if (err)
		goto err_notifier;
	err = bwm_genl_init();
	if (err)
		goto err_genl;
	vgate_fault_init();
	pr_info("bandwidth manager loaded\n");
	return 0;

err_genl:
	unregister_netdevice_notifier(&bwm_netdev_nb);
err_notifier:
	unregister_pernet_subsys(&bwm_net_ops);
err_pernet:
	unregister_qdisc(&bwm_qdisc_ops);
	return err;
}

static void __exit bwm_exit(void)
{
	struct bwm_bind *b, *tmp;

	vgate_fault_exit();
	bwm_genl_uninit();
	bwm_msgbufs_free();
	/*
	 * Replays NETDEV_UNREGISTER for every device: each shaped one gets
	 * its previous qdisc back.  Anything left (none expected) after.
	 */
	unregister_netdevice_notifier(&bwm_netdev_nb);
	rtnl_lock();
	list_for_each_entry_safe(b, tmp, &bwm_bind_list, list)
		bwm_unbind(b);
	rtnl_unlock();
	/* Transactions: their devices' unregistration dropped their changes. */
	unregister_pernet_subsys(&bwm_net_ops);
	unregister_qdisc(&bwm_qdisc_ops);
	/* no CPU is still in our enqueue, dequeue or destroy */
	synchronize_net();
	rcu_barrier();
}

module_init(bwm_init);
module_exit(bwm_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("vgate developers");
MODULE_DESCRIPTION("vgate bandwidth manager");
MODULE_VERSION(VGATE_VERSION);

// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace's own addresses.  The snapshot is rebuilt from scratch by
 * walking every device of the namespace under RTNL: synchronously from the
 * IPv4 address notifier (a blocking chain called under RTNL), from a work
 * item of the namespace for the IPv6 one (an atomic chain).  Writers are
 * serialised by RTNL; readers only need RCU.
 */
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>
#include <net/ipv6.h>

#include "ownaddr.h"
#include "netns.h"
#include "policy.h"
#include "fault.h"

struct vgate_own4 {
	__be32 addr;		/* ifa_local */
	__be32 prefix;		/* attached network (peer's on point to point) */
	__be32 mask;
	__be32 bcast;		/* ifa_broadcast, 0 if none */
	__be32 net_bcast;	/* prefix | ~mask below /31, else 0 */
	bool attached;		/* prefix counts as a directly attached network */
};

struct vgate_own6 {
	struct in6_addr addr;
	struct in6_addr prefix;	/* peer address if set, else addr */
	u8 plen;
	bool attached;
};

struct vgate_ownaddr {
	struct rcu_head rcu;
	unsigned int n4, n6;
	struct vgate_own4 *v4;	/* after v6[] in the same allocation */
	struct vgate_own6 v6[];
};

static void vgate_own4_set(struct vgate_own4 *e, const struct in_ifaddr *ifa,
			   bool loopback)
{
	e->addr = ifa->ifa_local;
	e->mask = ifa->ifa_mask;
	e->prefix = ifa->ifa_address & ifa->ifa_mask;
	e->bcast = ifa->ifa_broadcast;
	e->net_bcast = ifa->ifa_prefixlen < 31 ? e->prefix | ~e->mask : 0;
	e->attached = !loopback && ifa->ifa_prefixlen;
}

static void vgate_own6_set(struct vgate_own6 *e,
			   const struct inet6_ifaddr *ifp, bool loopback)
{
	e->addr = ifp->addr;
	e->prefix = ipv6_addr_any(&ifp->peer_addr) ? ifp->addr : ifp->peer_addr;
	e->plen = ifp->prefix_len;
	e->attached = !loopback && ifp->prefix_len;
}

/*
 * Count the addresses of @net into @n4 and @n6 and, if @own is given, store
 * as many as it has room for.  IPv4 lists only change under RTNL; IPv6 ones
 * may also change under idev->lock alone, so a second walk may find more.
 */
static void vgate_ownaddr_walk(struct net *net, struct vgate_ownaddr *own,
			       unsigned int *n4, unsigned int *n6)
{
	struct net_device *dev;

	ASSERT_RTNL();
	*n4 = 0;
	*n6 = 0;
	for_each_netdev(net, dev) {
		bool loopback = dev->flags & IFF_LOOPBACK;
		struct in_device *in_dev = __in_dev_get_rtnl(dev);
		struct inet6_dev *idev = __in6_dev_get(dev);
		struct inet6_ifaddr *ifp;
		struct in_ifaddr *ifa;

		if (in_dev) {
			in_dev_for_each_ifa_rtnl(ifa, in_dev) {
				if (own && *n4 < own->n4)
					vgate_own4_set(&own->v4[*n4], ifa,
						       loopback);
				++*n4;
			}
		}
		if (idev) {
			read_lock_bh(&idev->lock);
			list_for_each_entry(ifp, &idev->addr_list, if_list) {
				if (own && *n6 < own->n6)
					vgate_own6_set(&own->v6[*n6], ifp,
						       loopback);
				++*n6;
			}
			read_unlock_bh(&idev->lock);
		}
	}
}

static struct vgate_ownaddr *vgate_ownaddr_alloc(unsigned int n4,
						 unsigned int n6)
{
	struct vgate_ownaddr *own;
	size_t size;

	size = size_add(struct_size(own, v6, n6),
			array_size(n4, sizeof(struct vgate_own4)));
	own = vgate_fault_ptr(kzalloc(size, GFP_KERNEL));
	if (!own)
		return NULL;
	own->n4 = n4;
	own->n6 = n6;
	own->v4 = (struct vgate_own4 *)&own->v6[n6];
	return own;
}

/* Replace the snapshot of @vn with a fresh one; the old one stays on error. */
static int vgate_ownaddr_rebuild(struct vgate_net *vn)
{
	struct vgate_ownaddr *own = NULL, *old;
	unsigned int n4, n6;
	bool again = false;

	ASSERT_RTNL();
	vgate_ownaddr_walk(vn->net, NULL, &n4, &n6);
	if (n4 || n6) {
		own = vgate_ownaddr_alloc(n4, n6);
		if (!own)
			return -ENOMEM;
		vgate_ownaddr_walk(vn->net, own, &n4, &n6);
		/* IPv6 addresses added between the walks: take them later. */
		again = n6 > own->n6;
		own->n6 = min(n6, own->n6);
	}
	old = rcu_replace_pointer(vn->own, own, lockdep_rtnl_is_held());
	if (old)
		kfree_rcu(old, rcu);
	if (again)
		schedule_work(&vn->own_work);
	pr_debug("netns %u: %u IPv4 and %u IPv6 own addresses\n",
		 vn->net->ns.inum, own ? own->n4 : 0, own ? own->n6 : 0);
	return 0;
}

static void vgate_ownaddr_work(struct work_struct *work)
{
	struct vgate_net *vn = container_of(work, struct vgate_net, own_work);

	rtnl_lock();
	if (vgate_ownaddr_rebuild(vn))
		pr_warn_ratelimited("netns %u: out of memory, own addresses not updated\n",
				    vn->net->ns.inum);
	rtnl_unlock();
}

/*
 * The address notifiers are global.  They are registered after the pernet
 * ops, so every namespace they report on has its vgate_net set up, and a
 * namespace only goes away after its devices did.
 */
static int vgate_inetaddr_event(struct notifier_block *nb,
				unsigned long event, void *ptr)
{
	const struct in_ifaddr *ifa = ptr;
	struct vgate_net *vn = vgate_net(dev_net(ifa->ifa_dev->dev));

	/* Called under RTNL, the address already (un)linked. */
	if (vgate_ownaddr_rebuild(vn))
		schedule_work(&vn->own_work);
	return NOTIFY_DONE;
}

static int vgate_inet6addr_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	const struct inet6_ifaddr *ifp = ptr;

	schedule_work(&vgate_net(dev_net(ifp->idev->dev))->own_work);
	return NOTIFY_DONE;
}

static struct notifier_block vgate_inetaddr_nb = {
	.notifier_call = vgate_inetaddr_event,
};

static struct notifier_block vgate_inet6addr_nb = {
	.notifier_call = vgate_inet6addr_event,
};

int vgate_ownaddr_net_init(struct vgate_net *vn)
{
	int err;

	INIT_WORK(&vn->own_work, vgate_ownaddr_work);
	RCU_INIT_POINTER(vn->own, NULL);
	rtnl_lock();
	err = vgate_ownaddr_rebuild(vn);
	rtnl_unlock();
	return err;
}

void vgate_ownaddr_net_exit(struct vgate_net *vn)
{
	struct vgate_ownaddr *own;

	/* The namespace has no devices left: nothing schedules the work. */
	cancel_work_sync(&vn->own_work);
	own = rcu_replace_pointer(vn->own, NULL, true);
	if (own)
		kfree_rcu(own, rcu);
}

int vgate_ownaddr_init(void)
{
	struct net *net;
	int err;

	err = register_inetaddr_notifier(&vgate_inetaddr_nb);
	if (err)
		return err;
	err = register_inet6addr_notifier(&vgate_inet6addr_nb);
	if (err) {
		unregister_inetaddr_notifier(&vgate_inetaddr_nb);
		return err;
	}
	/* Catch the changes made since the pernet ops took their snapshots. */
	down_read(&net_rwsem);
	for_each_net(net)
		schedule_work(&vgate_net(net)->own_work);
	up_read(&net_rwsem);
	return 0;
}

void vgate_ownaddr_uninit(void)
{
	unregister_inet6addr_notifier(&vgate_inet6addr_nb);
	unregister_inetaddr_notifier(&vgate_inetaddr_nb);
	/* Pending work items are cancelled by vgate_ownaddr_net_exit(). */
}

static bool vgate_v4_is_bcast(const struct vgate_own4 *e, __be32 a)
{
	return (e->bcast && a == e->bcast) ||
	       (e->net_bcast && a == e->net_bcast);
}

static bool vgate_own4_local(const struct vgate_ownaddr *own, __be32 a,
			     bool is_dst)
{
	unsigned int i, n = own ? own->n4 : 0;

	if (is_dst ? a == htonl(INADDR_BROADCAST) : a == htonl(INADDR_ANY))
		return true;
	for (i = 0; i < n; i++) {
		const struct vgate_own4 *e = &own->v4[i];

		if (a == e->addr || (is_dst && vgate_v4_is_bcast(e, a)))
			return true;
	}
	return false;
}

static bool vgate_own4_remote(const struct vgate_ownaddr *own, __be32 a,
			      bool is_dst)
{
	unsigned int i, n = own ? own->n4 : 0;

	if (is_dst ? a == htonl(INADDR_BROADCAST) : a == htonl(INADDR_ANY))
		return true;
	for (i = 0; i < n; i++) {
		const struct vgate_own4 *e = &own->v4[i];

		if (e->attached && (a & e->mask) == e->prefix)
			return true;
		if (is_dst && vgate_v4_is_bcast(e, a))
			return true;
	}
	return false;
}

static bool vgate_v6_is_ll_mcast(const struct in6_addr *a)
{
	return (a->s6_addr32[0] & htonl(0xffff0000)) == htonl(0xff020000);
}

static bool vgate_v6_is_ll(const struct in6_addr *a)
{
	return (a->s6_addr32[0] & htonl(0xffc00000)) == htonl(0xfe800000);
}

static bool vgate_own6_local(const struct vgate_ownaddr *own,
			     const struct in6_addr *a, bool is_dst)
{
	unsigned int i, n = own ? own->n6 : 0;

	if (is_dst ? vgate_v6_is_ll_mcast(a) : ipv6_addr_any(a))
		return true;
	for (i = 0; i < n; i++)
		if (ipv6_addr_equal(a, &own->v6[i].addr))
			return true;
	return false;
}

static bool vgate_own6_remote(const struct vgate_ownaddr *own,
			      const struct in6_addr *a, bool is_dst)
{
	unsigned int i, n = own ? own->n6 : 0;

	if (is_dst ? vgate_v6_is_ll_mcast(a) : ipv6_addr_any(a))
		return true;
	if (vgate_v6_is_ll(a))
		return true;
	for (i = 0; i < n; i++) {
		const struct vgate_own6 *e = &own->v6[i];

		if (e->attached && ipv6_prefix_equal(a, &e->prefix, e->plen))
			return true;
	}
	return false;
}

bool vgate_ownaddr_is_self(struct vgate_net *vn, const struct vgate_flow *f,
			   bool inbound)
{
	const struct vgate_ownaddr *own = rcu_dereference(vn->own);
	const union vgate_addr *local = inbound ? &f->dst : &f->src;
	const union vgate_addr *remote = inbound ? &f->src : &f->dst;

	switch (f->family) {
	case AF_INET:
		return vgate_own4_local(own, local->a4, inbound) &&
		       vgate_own4_remote(own, remote->a4, !inbound);
	case AF_INET6:
		return vgate_own6_local(own, &local->a6, inbound) &&
		       vgate_own6_remote(own, &remote->a6, !inbound);
	}
	return false;
}

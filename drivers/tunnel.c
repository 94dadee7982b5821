// SPDX-License-Identifier: GPL-2.0
/*
 * Route-based peers: one net device (vgateN, kind "vgate") per virtual peer.
 *
 * Life cycle.  A device belongs to the virtual peer that holds it in the
 * running store; it is made when a commit first publishes a virtual peer
 * with that ID, handed on to the replacing peer object on PEER_SET (same
 * device, ifindex, addresses, routes), and unregistered by the commit that
 * publishes a store without a virtual peer of that ID, or when the
 * namespace (or the module) goes away.  Users cannot create one with
 * "ip link add" nor delete one with "ip link del" (no ->setup, so no
 * ->dellink), and NETIF_F_NETNS_LOCAL keeps it in its namespace: nothing
 * but vgate unregisters it, except the namespace teardown, which is why
 * vgate_tunnel_net_pre_exit() removes them first.
 *
 * Locking: commits run under vn->lock and take RTNL inside it; no device
 * callback takes vn->lock.
 *
 * Why no reference is held for peer->dev: the datapath reads peer->dev
 * (inbound) under rcu_read_lock from a published spd.  A device is only
 * unregistered after the spd and store that reference it are replaced (or,
 * at namespace exit, after peer->dev is cleared), and
 * unregister_netdevice_many() waits for an RCU grace period
 * (synchronize_net) before tearing the device down and for every
 * dev_hold() before freeing it.  So no reader can still see a device that
 * is gone; the old peer objects keep a stale pointer that nobody follows
 * (they are freed after a grace period and never dereference it).
 *
 * The device keeps what it needs in its private area: the namespace and the
 * peer ID.  Outbound it looks the current peer up in the published spd, so
 * a peer replaced by PEER_SET (new SPIs, new address) takes effect at once.
 */
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/rtnetlink.h>

#include "../kernel/netns.h"
#include "../kernel/policy.h"
#include "../kernel/sad.h"
#include "../kernel/hooks.h"
#include "tunnel.h"
#include "../kernel/fault.h"

/*
 * Worst case ESP tunnel overhead over IPv4: outer header 20, ESP header 8,
 * IV 16 (AES-CBC), ICV 32 (HMAC-SHA-512/256), padding up to 15 plus the
 * 2-byte trailer: 93.  The default MTU is 1420: with 16-byte blocks, 1420
 * bytes plus the trailer pad to 1424, and 20 + 8 + 16 + 1424 + 32 = 1500,
 * so a full-size inner packet fits a 1500-byte path with every algorithm
 * vgate offers (AES-GCM and ChaCha20-Poly1305 need 36 bytes less).
 */
#define TUNNEL_OVERHEAD		93
#define TUNNEL_MTU		1420
/*
 * Over IPv6 the outer header is 20 bytes longer: 40 + 8 + 16 + 1392 + 32 =
 * 1488 for a 1380-byte inner packet (1382 bytes pad to 1392).
 */
#define TUNNEL_MTU6		1380
#define TUNNEL_HEADROOM		(LL_MAX_HEADER + sizeof(struct ipv6hdr) + 8 + 16)
#define TUNNEL_TAILROOM		(15 + 2 + 32)

#define TUNNEL_FEATURES (NETIF_F_HW_CSUM | NETIF_F_RXCSUM | NETIF_F_SG | \
			 NETIF_F_GSO | NETIF_F_GSO_SOFTWARE | NETIF_F_HIGHDMA)

struct vgate_tunnel {
	struct vgate_net *vn;
	u32 peer_id;
};

static struct rtnl_link_ops tunnel_link_ops;

static int tunnel_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static void tunnel_destruct(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static void tunnel_tx_drop(struct net_device *dev, struct vgate_net *vn,
			   struct sk_buff *skb, enum vgate_drop_reason reason)
{
	DEV_STATS_INC(dev, tx_dropped);
	vgate_count_drop(vn, reason);
	kfree_skb(skb);
}

/* The outbound SA of the device's peer, with a reference. */
static struct vgate_sa *tunnel_sa(struct net_device *dev, struct sk_buff *skb,
				  enum vgate_drop_reason *reason, bool *pmtu)
{
	struct vgate_tunnel *t = netdev_priv(dev);
	struct vgate_sa_key key = {};
	struct vgate_peer *peer;
	struct vgate_sa *sa;

	*reason = VGATE_DROP_NO_SA;
	rcu_read_lock();
	peer = vgate_spd_peer(rcu_dereference(t->vn->spd), t->peer_id);
	if (!peer || !peer->virtual || READ_ONCE(peer->dev) != dev ||
	    !peer->spi_out) {
		rcu_read_unlock();
		return NULL;
	}
	/* An admin-down peer carries nothing; a blocked one neither. */
	if (peer->admin == VGATE_PEER_ADMIN_DOWN || vgate_peer_blocked(peer)) {
		*reason = peer->admin == VGATE_PEER_ADMIN_DOWN ?
			  VGATE_DROP_PEER_DOWN : VGATE_DROP_PEER_BLOCKED;
		rcu_read_unlock();
		return NULL;
	}
	/* The ESP to the peer routed into its own tunnel would loop. */
	if (peer->family == AF_INET ?
	    skb->protocol == htons(ETH_P_IP) &&
	    ip_hdr(skb)->daddr == peer->addr.a4 :
	    skb->protocol == htons(ETH_P_IPV6) &&
	    ipv6_addr_equal(&ipv6_hdr(skb)->daddr, &peer->addr.a6)) {
		rcu_read_unlock();
		net_dbg_ratelimited("%s: the route to the peer loops\n",
				    dev->name);
		*reason = VGATE_DROP_NO_ROUTE;
		return NULL;
	}
	*pmtu = peer->propagate_pmtu;
	key.family = peer->family;
	key.proto = IPPROTO_ESP;
	key.spi = htonl(peer->spi_out);
	key.daddr = peer->addr;
	rcu_read_unlock();
	sa = vgate_sa_lookup(t->vn, &key);
	if (sa && sa->mode != VGATE_MODE_TUNNEL) {
		vgate_sa_put(sa);
		*reason = VGATE_DROP_POLICY;
		return NULL;
	}
	return sa;
}

static netdev_tx_t tunnel_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vgate_tunnel *t = netdev_priv(dev);
	enum vgate_drop_reason reason = VGATE_DROP_MALFORMED;
	const struct iphdr *iph;
	struct vgate_sa *sa;
	bool pmtu = false;

	skb_reset_network_header(skb);
	if (skb->protocol == htons(ETH_P_IP)) {
		if (!pskb_may_pull(skb, sizeof(*iph)))
			goto drop;
		iph = ip_hdr(skb);
		if (iph->version != 4 || iph->ihl < 5 ||
		    !pskb_may_pull(skb, iph->ihl * 4))
			goto drop;
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)) ||
		    ipv6_hdr(skb)->version != 6)
			goto drop;
	} else {
		goto drop;
	}
	sa = tunnel_sa(dev, skb, &reason, &pmtu);
	if (!sa)
		goto drop;
	dev_sw_netstats_tx_add(dev, skb_is_gso(skb) ?
			       skb_shinfo(skb)->gso_segs : 1, skb->len);
	vgate_output_sa(t->vn, sa, skb, pmtu);
	return NETDEV_TX_OK;
drop:
	tunnel_tx_drop(dev, t->vn, skb, reason);
	return NETDEV_TX_OK;
}

static const struct net_device_ops tunnel_netdev_ops = {
	.ndo_init = tunnel_init,
	.ndo_start_xmit = tunnel_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
};

static void tunnel_setup(struct net_device *dev)
{
	dev->netdev_ops = &tunnel_netdev_ops;
	dev->rtnl_link_ops = &tunnel_link_ops;
	dev->header_ops = NULL;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = TUNNEL_HEADROOM;
	dev->needed_tailroom = TUNNEL_TAILROOM;
	dev->mtu = TUNNEL_MTU;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - TUNNEL_OVERHEAD;
	dev->features |= TUNNEL_FEATURES | NETIF_F_LLTX | NETIF_F_NETNS_LOCAL;
	dev->hw_features |= TUNNEL_FEATURES;
	dev->hw_enc_features |= TUNNEL_FEATURES;
	/* Keep the route: ICMP "fragmentation needed" answers need it. */
	netif_keep_dst(dev);
	dev->needs_free_netdev = true;
	dev->priv_destructor = tunnel_destruct;
}

static int tunnel_validate(struct nlattr *tb[], struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack,
		       "create a virtual peer with: vgate ipsec peer add NAME ... virtual yes");
	return -EOPNOTSUPP;
}

/*
 * No ->setup or ->alloc: rtnetlink then refuses "ip link add type vgate"
 * (after ->validate explained why) and "ip link del", which would pull the
 * device from under its peer.
 */
static struct rtnl_link_ops tunnel_link_ops __read_mostly = {
	.kind = "vgate",
	.validate = tunnel_validate,
};

bool vgate_tunnel_is_dev(const struct net_device *dev)
{
	return dev && dev->netdev_ops == &tunnel_netdev_ops;
}

int vgate_tunnel_rx(struct vgate_net *vn, const struct vgate_spd *spd,
		    const struct vgate_sa *sa, struct sk_buff *skb)
{
	struct net_device *dev;
	u32 i;

	if (!spd)
		return 0;
	for (i = 0; i < spd->nvpeers; i++) {
		const struct vgate_peer *peer = spd->vpeers[i];

		if (peer->family != sa->key.family ||
		    sa->key.proto != IPPROTO_ESP ||
		    htonl(peer->spi_in) != sa->key.spi ||
		    (peer->family == AF_INET ? peer->addr.a4 != sa->saddr.a4 :
		     !ipv6_addr_equal(&peer->addr.a6, &sa->saddr.a6)))
			continue;
		dev = READ_ONCE(peer->dev);
		if (!dev || !(dev->flags & IFF_UP)) {
			if (dev)
				DEV_STATS_INC(dev, rx_dropped);
			return -ENETDOWN;
		}
		skb->dev = dev;
		skb->skb_iif = dev->ifindex;
		dev_sw_netstats_rx_add(dev, skb->len);
		return 1;
	}
	return 0;
}

static struct net_device *tunnel_create(struct vgate_net *vn, u32 peer_id,
					u8 family)
{
	struct vgate_tunnel *t;
	struct net_device *dev;
	int err;

	ASSERT_RTNL();
	dev = vgate_fault_ptr(alloc_netdev(sizeof(*t), "vgate%d",
					   NET_NAME_ENUM, tunnel_setup));
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev_net_set(dev, vn->net);
	t = netdev_priv(dev);
	t->vn = vn;
	t->peer_id = peer_id;
	if (family == AF_INET6)
		dev->mtu = TUNNEL_MTU6;
	err = register_netdevice(dev);
	if (err) {
		free_netdev(dev);
		return ERR_PTR(err);
	}
	return dev;
}

/* Does @st have a peer holding @dev under @id? */
static bool store_holds(struct vgate_store *st, unsigned long id,
			struct net_device *dev)
{
	struct vgate_peer *peer = xa_load(&st->peers, id);

	return peer && peer->virtual && peer->dev == dev;
}

/* Virtual peers of @new that are not yet published, i.e. need a device. */
static bool needs_device(struct vgate_store *old, struct vgate_peer *peer,
			 unsigned long id)
{
	return peer->virtual && !peer->dev && xa_load(&old->peers, id) != peer;
}

int vgate_tunnel_commit(struct vgate_net *vn, struct vgate_store *old,
			struct vgate_store *new, struct netlink_ext_ack *extack)
{
	struct vgate_peer *peer, *prev;
	struct net_device *dev;
	LIST_HEAD(kill);
	unsigned long id;
	bool any = false;
	int err = 0;

	lockdep_assert_held(&vn->lock);
	xa_for_each(&new->peers, id, peer)
		any |= needs_device(old, peer, id);
	if (!any)
		return 0;
	rtnl_lock();
	xa_for_each(&new->peers, id, peer) {
		if (!needs_device(old, peer, id))
			continue;
		prev = xa_load(&old->peers, id);
		if (prev && prev->virtual && prev->dev) {
			WRITE_ONCE(peer->dev, prev->dev);
			continue;
		}
		dev = tunnel_create(vn, peer->id, peer->family);
		if (IS_ERR(dev)) {
			err = PTR_ERR(dev);
			NL_SET_ERR_MSG(extack,
				       "cannot create the virtual peer's interface");
			goto undo;
		}
		WRITE_ONCE(peer->dev, dev);
	}
	rtnl_unlock();
	return 0;

undo:
	/* Nothing was published: take back what this call handed out. */
	xa_for_each(&new->peers, id, peer) {
		if (!peer->dev || xa_load(&old->peers, id) == peer)
			continue;
		if (!store_holds(old, id, peer->dev))
			unregister_netdevice_queue(peer->dev, &kill);
		WRITE_ONCE(peer->dev, NULL);
	}
	unregister_netdevice_many(&kill);
	rtnl_unlock();
	return err;
}

void vgate_tunnel_release(struct vgate_net *vn, struct vgate_store *old,
			  struct vgate_store *new)
{
	struct vgate_peer *peer;
	unsigned long id;
	LIST_HEAD(kill);
	bool any = false;

	lockdep_assert_held(&vn->lock);
	xa_for_each(&old->peers, id, peer)
		any |= peer->dev && !store_holds(new, id, peer->dev);
	if (!any)
		return;
	rtnl_lock();
	xa_for_each(&old->peers, id, peer)
		if (peer->dev && !store_holds(new, id, peer->dev))
			unregister_netdevice_queue(peer->dev, &kill);
	/* Waits for the readers of the spd that was just replaced. */
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}

void vgate_tunnel_net_pre_exit(struct vgate_net *vn)
{
	struct vgate_peer *peer;
	unsigned long id;
	LIST_HEAD(kill);

	mutex_lock(&vn->lock);
	rtnl_lock();
	/*
	 * The one change to a published peer: readers that load NULL drop
	 * the packet; unregister_netdevice_many() waits out the others.
	 */
	xa_for_each(&vn->store->peers, id, peer) {
		if (!peer->dev)
			continue;
		unregister_netdevice_queue(peer->dev, &kill);
		WRITE_ONCE(peer->dev, NULL);
	}
	unregister_netdevice_many(&kill);
	rtnl_unlock();
	mutex_unlock(&vn->lock);
}

int vgate_tunnel_init(void)
{
	return rtnl_link_register(&tunnel_link_ops);
}

void vgate_tunnel_uninit(void)
{
	rtnl_link_unregister(&tunnel_link_ops);
}

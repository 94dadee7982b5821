/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Route-based peers (Bintec "virtual interface: yes"): a peer with VIRTUAL
 * set owns a net device vgateN in its namespace.  What is routed into the
 * device leaves through the peer's outbound SA (SPI_OUT, ADDR); what the
 * peer's inbound SA (SPI_IN from ADDR) decrypts arrives on the device.
 */
#ifndef _VGATE_TUNNEL_H
#define _VGATE_TUNNEL_H

#include <linux/types.h>

struct net_device;
struct netlink_ext_ack;
struct sk_buff;
struct vgate_net;
struct vgate_sa;
struct vgate_spd;
struct vgate_store;

int vgate_tunnel_init(void);
void vgate_tunnel_uninit(void);

/*
 * Commit, under vn->lock: vgate_tunnel_commit() gives every virtual peer of
 * @new a device (the one of the peer with that ID in @old, or a new one)
 * before @new is published; on error nothing changed.  After publishing,
 * vgate_tunnel_release() unregisters the devices no peer of @new holds.
 */
int vgate_tunnel_commit(struct vgate_net *vn, struct vgate_store *old,
			struct vgate_store *new, struct netlink_ext_ack *extack);
void vgate_tunnel_release(struct vgate_net *vn, struct vgate_store *old,
			  struct vgate_store *new);
/* The namespace is going away: unregister all of its devices. */
void vgate_tunnel_net_pre_exit(struct vgate_net *vn);

bool vgate_tunnel_is_dev(const struct net_device *dev);

/*
 * Inbound, under rcu_read_lock: 0 if @sa is not a virtual peer's inbound
 * SA; 1 if it is: @skb now arrives on the peer's device (skb->dev set, rx
 * counted); -ENETDOWN if that device cannot take it (drop @skb).
 */
int vgate_tunnel_rx(struct vgate_net *vn, const struct vgate_spd *spd,
		    const struct vgate_sa *sa, struct sk_buff *skb);

#endif /* _VGATE_TUNNEL_H */

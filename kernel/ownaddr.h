/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The namespace's own addresses, for the self bypass: rules do not capture,
 * unless they opt in, the gateway's own traffic with the hosts of its
 * directly attached networks (management, DHCP, neighbour discovery).
 *
 * Every namespace keeps an immutable snapshot of the IPv4 and IPv6 addresses
 * of all its devices, published with RCU and rebuilt from scratch under RTNL
 * on every address event.
 */
#ifndef _VGATE_OWNADDR_H
#define _VGATE_OWNADDR_H

#include <linux/types.h>

struct vgate_net;
struct vgate_flow;
union vgate_addr;

int vgate_ownaddr_init(void);
void vgate_ownaddr_uninit(void);
int vgate_ownaddr_net_init(struct vgate_net *vn);
void vgate_ownaddr_net_exit(struct vgate_net *vn);

/*
 * Under rcu_read_lock (softirq ok, no allocation): is @f self traffic?
 * @inbound: the packet arrives (local end = dst, remote end = src), else
 * it leaves (local end = src, remote end = dst).
 *
 * Both ends must qualify:
 *   IPv4 local:  an own address; as destination also 255.255.255.255 or a
 *                broadcast address of an own address; as source 0.0.0.0.
 *   IPv4 remote: inside the prefix of an own address (not of a loopback
 *                device); as source 0.0.0.0; as destination
 *                255.255.255.255 or a broadcast address of an own address.
 *   IPv6 local:  an own address; as destination ff02::/16; as source ::.
 *   IPv6 remote: fe80::/10 or inside the on-link prefix of an own address
 *                (not of a loopback device); as source ::; as destination
 *                ff02::/16.
 * So DHCP (0.0.0.0 -> 255.255.255.255 and the broadcast or unicast
 * replies), DAD and neighbour discovery, and management sessions with
 * attached hosts are self traffic.  An address with prefix length 0 makes
 * no network directly attached.
 */
bool vgate_ownaddr_is_self(struct vgate_net *vn, const struct vgate_flow *f,
			   bool inbound);

#endif /* _VGATE_OWNADDR_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACQUIRE: a packet that hits a dynamic PROTECT entry (no SPI_OUT) while no
 * SA with the entry's ID as REQID exists is held, and one multicast event
 * asks a keying daemon for that SA.  Adding the SA sends the held packets;
 * acquire_timeout drops them.
 */
#ifndef _VGATE_ACQUIRE_H
#define _VGATE_ACQUIRE_H

#include <linux/types.h>

struct vgate_net;
struct vgate_verdict;
struct sk_buff;

/* Entries (REQIDs with held packets) per namespace at most. */
#define VGATE_ACQUIRE_MAX_ENTRIES	1024

int vgate_acquire_net_init(struct vgate_net *vn);
/* After the hooks are gone: drops every held packet, frees every entry. */
void vgate_acquire_net_exit(struct vgate_net *vn);

/*
 * Hold @skb (conntrack confirmed) for the dynamic entry of the
 * PROTECT verdict @v, raising an ACQUIRE event if it is the entry's first
 * packet; or drop it (ACQUIRE_OVERFLOW).  Consumes @skb.  Output hook only.
 */
void vgate_acquire_hold(struct vgate_net *vn, const struct vgate_verdict *v,
			struct sk_buff *skb);

/*
 * An SA with @reqid was added: if an outbound one now exists for the held
 * packets of @reqid, send them through it.  Process context, vn->lock held.
 */
void vgate_acquire_release(struct vgate_net *vn, u32 reqid);

#endif /* _VGATE_ACQUIRE_H */

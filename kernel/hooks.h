/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netfilter hooks of one namespace: outbound protection at POST_ROUTING,
 * ESP input at LOCAL_IN, the cleartext check at PRE_ROUTING; for IPv6 the
 * rules alone (hooks6.c).
 */
#ifndef _VGATE_HOOKS_H
#define _VGATE_HOOKS_H

struct vgate_net;
struct nf_hook_ops;

#define VGATE_HOOKS4	3
#define VGATE_HOOKS6	3

/* hooks6.c: the IPv6 hooks, into @ops[VGATE_HOOKS6]. */
void vgate_hooks6_fill(struct vgate_net *vn, struct nf_hook_ops *ops);

int vgate_hooks_register(struct vgate_net *vn);
void vgate_hooks_unregister(struct vgate_net *vn);

struct vgate_sa;
struct sk_buff;
/* Encrypt and send @skb through @sa; consumes both (see hooks.c). */
void vgate_output_sa(struct vgate_net *vn, struct vgate_sa *sa,
		     struct sk_buff *skb);

/*
 * For natt.c.  vgate_esp_rcv(): take the inbound ESP @skb (IPv4 header at
 * data, ESP after it) as the LOCAL_IN hook does; consumes it.
 * vgate_send_local(): send a packet vgate built (routed, IPv4 header
 * complete but the checksum) past vgate's own output hook.
 * vgate_drop(): drop and count @skb.
 */
void vgate_esp_rcv(struct vgate_net *vn, struct sk_buff *skb);
void vgate_send_local(struct vgate_net *vn, struct sk_buff *skb);
void vgate_drop(struct vgate_net *vn, struct sk_buff *skb, int reason);

#endif /* _VGATE_HOOKS_H */

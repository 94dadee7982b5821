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

#endif /* _VGATE_HOOKS_H */

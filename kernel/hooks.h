/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netfilter hooks of one namespace: outbound protection at POST_ROUTING,
 * ESP input at LOCAL_IN, the cleartext check at PRE_ROUTING.
 */
#ifndef _VGATE_HOOKS_H
#define _VGATE_HOOKS_H

struct vgate_net;

int vgate_hooks_register(struct vgate_net *vn);
void vgate_hooks_unregister(struct vgate_net *vn);

#endif /* _VGATE_HOOKS_H */

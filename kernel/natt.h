/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NAT traversal (RFC 3948): UDP encapsulation of ESP per SA, the
 * namespace's NAT-T socket (ESP-in-UDP in, IKE left to its owner), NAT
 * keepalives and the NAT-OA checksum fix-up of transport mode.
 */
#ifndef _VGATE_NATT_H
#define _VGATE_NATT_H

#include <linux/skbuff.h>
#include <net/genetlink.h>
#include <uapi/linux/vgate.h>

struct vgate_net;
struct vgate_sa;
struct vgate_sa_config;

extern const struct nla_policy vgate_encap_policy[VGATE_ENCAP_A_MAX + 1];
extern const struct nla_policy vgate_encap_sock_policy[VGATE_ENCAP_SOCK_A_MAX + 1];

void vgate_natt_net_init(struct vgate_net *vn);
/* Stops the keepalives and lets go of the socket; not under vn->lock. */
void vgate_natt_net_exit(struct vgate_net *vn);

/* VGATE_SA_A_ENCAP into @cfg; @mode is known already. */
int vgate_natt_parse_sa(struct nlattr *nest, struct vgate_sa_config *cfg,
			struct netlink_ext_ack *extack);
int vgate_natt_fill_sa(struct sk_buff *skb, const struct vgate_sa *sa);
void vgate_natt_sa_init(struct vgate_sa *sa, const struct vgate_sa_config *cfg);
/* Keepalive list membership; under vn->lock. */
void vgate_natt_sa_link(struct vgate_net *vn, struct vgate_sa *sa);
void vgate_natt_sa_unlink(struct vgate_sa *sa);

/*
 * Output: put the UDP header between the outer IPv4 header and ESP of the
 * encrypted @skb of a UDP-encapsulated SA.  0 or -ENOMEM.
 */
int vgate_natt_push(struct sk_buff *skb, struct vgate_sa *sa);
/*
 * Is @skb (network header at data) UDP for the NAT-T socket: arriving to
 * its port at a local address, or (@out) leaving through it?
 */
bool vgate_natt_is_encap(struct vgate_net *vn, const struct sk_buff *skb,
			 bool out);
/* Input, transport mode: the NAT-OA checksum fix-up of the inner packet. */
void vgate_natt_fixup(const struct vgate_sa *sa, struct sk_buff *skb);

int vgate_nl_encap_sock_set(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_encap_sock_get(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_encap_sock_del(struct sk_buff *skb, struct genl_info *info);

#endif /* _VGATE_NATT_H */

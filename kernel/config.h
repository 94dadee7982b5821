/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Knobs: one table drives netlink (VGATE_A_CONFIG) and sysfs
 * (/sys/kernel/vgate/<name>), so both validate the same way.
 */
#ifndef _VGATE_CONFIG_H
#define _VGATE_CONFIG_H

#include <linux/types.h>
#include <net/netlink.h>
#include <uapi/linux/vgate.h>

struct kobject;
struct vgate_net;
struct vgate_config;
struct nlattr;
struct sk_buff;
struct net;
struct netlink_ext_ack;

extern const struct nla_policy vgate_config_policy[VGATE_CFG_A_MAX + 1];
extern unsigned int vgate_default_replay_window;
extern unsigned int vgate_default_max_sas;

void vgate_config_defaults(struct vgate_config *cfg);
/*
 * Validate every knob in @nest, then set them all in @cfg and their bits in
 * @mask; under vn->lock.
 */
int vgate_config_set(struct vgate_config *cfg, u32 *mask,
		     const struct nlattr *nest, struct netlink_ext_ack *extack);
/* Copy the knobs whose bits are set in @mask. */
void vgate_config_apply(struct vgate_config *dst,
			const struct vgate_config *src, u32 mask);
int vgate_config_fill(struct vgate_net *vn, struct sk_buff *skb);

/*
 * Exported: 0 if the sender of @skb may configure vgate (or, through
 * vgate_garp.ko and vgate_bwm.ko, the others) in @net; -EPERM with an
 * extack message when @net belongs to a user namespace other than the
 * initial one, userns_admin is off and the sender lacks CAP_NET_ADMIN in
 * the initial user namespace.
 */
int vgate_userns_check(struct sk_buff *skb, struct net *net,
		       struct netlink_ext_ack *extack);

int vgate_sysfs_init(void);
void vgate_sysfs_uninit(void);
/* Exported: the /sys/kernel/vgate kobject, for vgate_garp.ko. */
struct kobject *vgate_sysfs_root(void);

#endif /* _VGATE_CONFIG_H */

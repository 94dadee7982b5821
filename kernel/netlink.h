/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family: netlink.c holds the family, the SA, stats
 * and knob commands; nl_policy.c the rule, peer, transaction and EXPLAIN
 * commands; acquire.c sends the ACQUIRE event.
 */
#ifndef _VGATE_NETLINK_H
#define _VGATE_NETLINK_H

#include <net/genetlink.h>
#include <uapi/linux/vgate.h>

union vgate_addr;
struct vgate_net;

extern struct genl_family vgate_family;
extern const struct nla_policy vgate_rule_policy[VGATE_RULE_A_MAX + 1];
extern const struct nla_policy vgate_peer_policy[VGATE_PEER_A_MAX + 1];
extern const struct nla_policy vgate_flow_policy[VGATE_FLOW_A_MAX + 1];

int vgate_genl_init(void);
void vgate_genl_uninit(void);

/*
 * Report a missing attribute: its type in NLMSGERR_ATTR_MISS_TYPE and @msg,
 * which must be a string literal (extack keeps the pointer).
 */
bool vgate_nl_attr_missing(struct netlink_ext_ack *extack, struct nlattr *nest,
			   struct nlattr **tb, int type, const char *msg);
/* An address family attribute (u16): AF_INET or AF_INET6, else an error. */
int vgate_nl_parse_family(struct nlattr *a, u8 *family,
			  struct netlink_ext_ack *extack);
int vgate_nl_parse_addr4(struct nlattr *a, union vgate_addr *addr,
			 struct netlink_ext_ack *extack);
int vgate_nl_parse_spi(struct nlattr *a, u32 *spi,
		       struct netlink_ext_ack *extack);
struct nlattr *vgate_nl_get_nest(struct genl_info *info, int type);
int vgate_nl_put_u64(struct sk_buff *skb, int type, u64 v, int pad);
struct sk_buff *vgate_nl_reply_alloc(struct genl_info *info, u8 cmd,
				     void **hdr);

struct vgate_sa;
/* Multicast one SA_EXPIRE event (process context). */
void vgate_nl_sa_expire(struct vgate_net *vn, struct vgate_sa *sa, bool hard,
			u8 limit);

/* nl_policy.c */
int vgate_nl_rule_new(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_rule_set(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_rule_get(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_rule_dump(struct sk_buff *skb, struct netlink_callback *cb);
int vgate_nl_rule_del(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_rule_flush(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_peer_new(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_peer_set(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_peer_get(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_peer_dump(struct sk_buff *skb, struct netlink_callback *cb);
int vgate_nl_peer_del(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_peer_flush(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_txn_begin(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_txn_commit(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_txn_abort(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_explain(struct sk_buff *skb, struct genl_info *info);
int vgate_nl_config_set(struct sk_buff *skb, struct genl_info *info);
struct vgate_peer;
int vgate_peer_fill(struct vgate_net *vn, struct sk_buff *skb,
		    struct vgate_peer *peer);
/* Peer counts by oper status for the global statistics; under vn->lock. */
void vgate_peer_counts(struct vgate_net *vn, u32 *n, u32 *up, u32 *dormant,
		       u32 *blocked);

#endif /* _VGATE_NETLINK_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Traffic rules.  A rule set is an array of immutable rules sorted by ID,
 * published with RCU and replaced whole on every change, so a packet always
 * sees one consistent set.  First match wins.
 */
#ifndef _VGATE_POLICY_H
#define _VGATE_POLICY_H

#include <linux/types.h>
#include "sad.h"

struct vgate_net;
struct sk_buff;
struct netlink_ext_ack;

struct vgate_flow {
	union vgate_addr src, dst;
	u8 family;
	u8 proto;
	bool has_ports;
	__be16 sport, dport;
};

enum vgate_rule_counter {
	VGATE_RULE_CNT_PACKETS_OUT,
	VGATE_RULE_CNT_BYTES_OUT,
	VGATE_RULE_CNT_PACKETS_IN,
	VGATE_RULE_CNT_BYTES_IN,
	VGATE_RULE_CNT_NR
};

struct vgate_rule {
	u32 id;
	u8 family;
	u8 action;
	u8 proto;			/* 0 = any */
	u8 local_plen, remote_plen;
	union vgate_addr local, remote;	/* already masked */
	u16 lport_min, lport_max;
	u16 rport_min, rport_max;
	bool has_ports;
	union vgate_addr peer;
	u32 spi_out, spi_in;
	struct vgate_counters __percpu *stats;	/* VGATE_RULE_CNT_NR */
	struct rcu_head rcu;
};

struct vgate_ruleset {
	unsigned int n;
	struct rcu_head rcu;
	struct vgate_rule *rules[];
};

struct vgate_rule *vgate_rule_alloc(void);
void vgate_rule_free(struct vgate_rule *rule);
/* Insert @rule, or replace the rule with the same ID; takes @rule. */
int vgate_rules_insert(struct vgate_net *vn, struct vgate_rule *rule,
		       bool replace, struct netlink_ext_ack *extack);
int vgate_rules_delete(struct vgate_net *vn, u32 id);
void vgate_rules_flush(struct vgate_net *vn);
struct vgate_rule *vgate_rules_find(struct vgate_ruleset *rs, u32 id);

bool vgate_flow_from_skb(const struct sk_buff *skb, struct vgate_flow *f);
/* First rule matching @f leaving (@inbound false) or arriving. */
struct vgate_rule *vgate_rules_match(const struct vgate_ruleset *rs,
				     const struct vgate_flow *f, bool inbound);
void vgate_rule_count(struct vgate_rule *rule, bool inbound,
		      unsigned int bytes);
void vgate_rule_read_stats(struct vgate_rule *rule,
			   u64 out[VGATE_RULE_CNT_NR]);

#endif /* _VGATE_POLICY_H */

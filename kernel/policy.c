// SPDX-License-Identifier: GPL-2.0
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/slab.h>
#include <linux/skbuff.h>
#include <linux/netlink.h>
#include <net/ip.h>
#include <linux/inetdevice.h>

#include "netns.h"
#include "policy.h"

struct vgate_rule *vgate_rule_alloc(void)
{
	struct vgate_rule *rule = kzalloc(sizeof(*rule), GFP_KERNEL);

	if (!rule)
		return NULL;
	rule->stats = vgate_counters_alloc(VGATE_RULE_CNT_NR);
	if (!rule->stats) {
		kfree(rule);
		return NULL;
	}
	return rule;
}

void vgate_rule_free(struct vgate_rule *rule)
{
	vgate_counters_free(rule->stats);
	kfree(rule);
}

static void rule_free_rcu(struct rcu_head *rcu)
{
	vgate_rule_free(container_of(rcu, struct vgate_rule, rcu));
}

static struct vgate_ruleset *ruleset_alloc(unsigned int n)
{
	struct vgate_ruleset *rs;

	rs = kvzalloc(struct_size(rs, rules, n), GFP_KERNEL);
	if (rs)
		rs->n = n;
	return rs;
}

static void ruleset_free_rcu(struct rcu_head *rcu)
{
	kvfree(container_of(rcu, struct vgate_ruleset, rcu));
}

static void ruleset_publish(struct vgate_net *vn, struct vgate_ruleset *rs)
{
	struct vgate_ruleset *old;

	old = rcu_replace_pointer(vn->rules, rs, lockdep_is_held(&vn->lock));
	vn->generation++;
	if (old)
		call_rcu(&old->rcu, ruleset_free_rcu);
}

struct vgate_rule *vgate_rules_find(struct vgate_ruleset *rs, u32 id)
{
	unsigned int lo = 0, hi = rs ? rs->n : 0;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (rs->rules[mid]->id == id)
			return rs->rules[mid];
		if (rs->rules[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int vgate_rules_insert(struct vgate_net *vn, struct vgate_rule *rule,
		       bool replace, struct netlink_ext_ack *extack)
{
	struct vgate_ruleset *old, *rs;
	struct vgate_rule *prev;
	unsigned int i, j, n;
	bool placed = false;

	old = rcu_dereference_protected(vn->rules, lockdep_is_held(&vn->lock));
	n = old ? old->n : 0;
	prev = vgate_rules_find(old, rule->id);
	if (replace && !prev) {
		NL_SET_ERR_MSG(extack, "no rule with this ID");
		goto err_noent;
	}
	if (!replace && prev) {
		NL_SET_ERR_MSG(extack, "a rule with this ID exists");
		vgate_rule_free(rule);
		return -EEXIST;
	}
	rs = ruleset_alloc(prev ? n : n + 1);
	if (!rs) {
		vgate_rule_free(rule);
		return -ENOMEM;
	}
	for (i = 0, j = 0; i < n; i++) {
		struct vgate_rule *r = old->rules[i];

		if (r == prev)
			continue;
		if (!placed && r->id > rule->id) {
			rs->rules[j++] = rule;
			placed = true;
		}
		rs->rules[j++] = r;
	}
	if (!placed)
		rs->rules[j++] = rule;
	ruleset_publish(vn, rs);
	if (prev)
		call_rcu(&prev->rcu, rule_free_rcu);
	return 0;
err_noent:
	vgate_rule_free(rule);
	return -ENOENT;
}

int vgate_rules_delete(struct vgate_net *vn, u32 id)
{
	struct vgate_ruleset *old, *rs;
	struct vgate_rule *victim;
	unsigned int i, j;

	old = rcu_dereference_protected(vn->rules, lockdep_is_held(&vn->lock));
	victim = vgate_rules_find(old, id);
	if (!victim)
		return -ENOENT;
	rs = ruleset_alloc(old->n - 1);
	if (!rs)
		return -ENOMEM;
	for (i = 0, j = 0; i < old->n; i++)
		if (old->rules[i] != victim)
			rs->rules[j++] = old->rules[i];
	ruleset_publish(vn, rs);
	call_rcu(&victim->rcu, rule_free_rcu);
	return 0;
}

void vgate_rules_flush(struct vgate_net *vn)
{
	struct vgate_ruleset *old;
	unsigned int i;

	old = rcu_dereference_protected(vn->rules, lockdep_is_held(&vn->lock));
	if (!old)
		return;
	ruleset_publish(vn, NULL);
	for (i = 0; i < old->n; i++)
		call_rcu(&old->rules[i]->rcu, rule_free_rcu);
}

bool vgate_flow_from_skb(const struct sk_buff *skb, struct vgate_flow *f)
{
	const struct iphdr *iph = ip_hdr(skb);
	__be16 _ports[2];
	const __be16 *ports;

	f->family = AF_INET;
	f->src.a4 = iph->saddr;
	f->dst.a4 = iph->daddr;
	f->proto = iph->protocol;
	f->has_ports = false;
	if (iph->frag_off & htons(IP_OFFSET))
		return true;
	switch (f->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
		ports = skb_header_pointer(skb, skb_network_offset(skb) +
					   iph->ihl * 4, sizeof(_ports),
					   _ports);
		if (!ports)
			return false;
		f->sport = ports[0];
		f->dport = ports[1];
		f->has_ports = true;
	}
	return true;
}

static bool addr_match4(__be32 addr, __be32 net, u8 plen)
{
	return !plen || !((addr ^ net) & inet_make_mask(plen));
}

static bool port_match(__be16 port, u16 min, u16 max)
{
	u16 p = ntohs(port);

	return p >= min && p <= max;
}

static bool rule_match(const struct vgate_rule *r, const struct vgate_flow *f,
		       bool inbound)
{
	__be32 local = inbound ? f->dst.a4 : f->src.a4;
	__be32 remote = inbound ? f->src.a4 : f->dst.a4;
	__be16 lport = inbound ? f->dport : f->sport;
	__be16 rport = inbound ? f->sport : f->dport;

	if (r->family != f->family)
		return false;
	if (r->proto && r->proto != f->proto)
		return false;
	if (!addr_match4(local, r->local.a4, r->local_plen) ||
	    !addr_match4(remote, r->remote.a4, r->remote_plen))
		return false;
	if (!r->has_ports)
		return true;
	return f->has_ports && port_match(lport, r->lport_min, r->lport_max) &&
	       port_match(rport, r->rport_min, r->rport_max);
}

struct vgate_rule *vgate_rules_match(const struct vgate_ruleset *rs,
				     const struct vgate_flow *f, bool inbound)
{
	unsigned int i;

	for (i = 0; i < rs->n; i++)
		if (rule_match(rs->rules[i], f, inbound))
			return rs->rules[i];
	return NULL;
}

void vgate_rule_count(struct vgate_rule *rule, bool inbound,
		      unsigned int bytes)
{
	if (inbound)
		vgate_counters_add2(rule->stats, VGATE_RULE_CNT_PACKETS_IN, 1,
				    VGATE_RULE_CNT_BYTES_IN, bytes);
	else
		vgate_counters_add2(rule->stats, VGATE_RULE_CNT_PACKETS_OUT, 1,
				    VGATE_RULE_CNT_BYTES_OUT, bytes);
}

void vgate_rule_read_stats(struct vgate_rule *rule, u64 out[VGATE_RULE_CNT_NR])
{
	vgate_counters_read(rule->stats, VGATE_RULE_CNT_NR, out);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The "vgate_bwm" generic netlink family: interfaces, classes, filters and
 * their statistics.  The contract is documented in
 * include/uapi/linux/vgate.h.  Every request runs under RTNL: the
 * bindings, the configurations and the device's qdiscs change together.
 */
#include <linux/if.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "bwm.h"
#include "../kernel/fault.h"

/*
 * The ranges the code can take.  Rates below VGATE_BWM_RATE_MIN (0
 * included) pass the policy and are refused by bwm_nl_rate() with a
 * message that names the value; above VGATE_BWM_RATE_MAX the policy
 * refuses them.  u16 limits above S16_MAX need a range pointer.
 */
static struct netlink_range_validation rate_range = {
	.min = 0, .max = VGATE_BWM_RATE_MAX,
};

static struct netlink_range_validation class_id_range = {
	.min = 1, .max = VGATE_BWM_CLASS_ID_MAX,
};

static struct netlink_range_validation parent_range = {
	.min = 0, .max = VGATE_BWM_CLASS_ID_MAX,
};

static struct netlink_range_validation filter_class_range = {
	.min = 1, .max = VGATE_BWM_CLASS_DEFAULT,
};

static struct netlink_range_validation filter_id_range = {
	.min = 1, .max = VGATE_BWM_FILTER_ID_MAX,
};

static const struct nla_policy if_policy[VGATE_BWM_IF_A_MAX + 1] = {
	[VGATE_BWM_IF_A_IFINDEX] = { .type = NLA_U32 },
	[VGATE_BWM_IF_A_IFNAME] = { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
	[VGATE_BWM_IF_A_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[VGATE_BWM_IF_A_RATE] = NLA_POLICY_FULL_RANGE(NLA_U64, &rate_range),
	[VGATE_BWM_IF_A_MODE] = NLA_POLICY_MAX(NLA_U8, VGATE_BWM_MODE_PRIORITY),
	[VGATE_BWM_IF_A_OVERHEAD] = NLA_POLICY_MAX(NLA_U16,
						   VGATE_BWM_OVERHEAD_MAX),
	[VGATE_BWM_IF_A_ESP] = NLA_POLICY_MAX(NLA_U8, VGATE_BWM_ESP_UDP),
	[VGATE_BWM_IF_A_LIMIT] = NLA_POLICY_RANGE(NLA_U32, 1,
						  VGATE_BWM_LIMIT_MAX),
	[VGATE_BWM_IF_A_DEFAULT_CLASS] = NLA_POLICY_FULL_RANGE(NLA_U16,
							       &parent_range),
	[VGATE_BWM_IF_A_NUM_CLASSES] = { .type = NLA_REJECT },
	[VGATE_BWM_IF_A_NUM_FILTERS] = { .type = NLA_REJECT },
	[VGATE_BWM_IF_A_LINK_SPEED] = { .type = NLA_REJECT },
	[VGATE_BWM_IF_A_STATS] = { .type = NLA_REJECT },
};

static const struct nla_policy class_policy[VGATE_BWM_CLASS_A_MAX + 1] = {
	[VGATE_BWM_CLASS_A_ID] = NLA_POLICY_FULL_RANGE(NLA_U16,
						       &class_id_range),
	[VGATE_BWM_CLASS_A_PARENT] = NLA_POLICY_FULL_RANGE(NLA_U16,
							   &parent_range),
	[VGATE_BWM_CLASS_A_RATE] = NLA_POLICY_FULL_RANGE(NLA_U64, &rate_range),
	[VGATE_BWM_CLASS_A_CEIL] = NLA_POLICY_FULL_RANGE(NLA_U64, &rate_range),
	[VGATE_BWM_CLASS_A_PRIO] = NLA_POLICY_MAX(NLA_U8, VGATE_BWM_PRIO_MAX),
	[VGATE_BWM_CLASS_A_BORROW] = NLA_POLICY_MAX(NLA_U8, 1),
	[VGATE_BWM_CLASS_A_NAME] = { .type = NLA_NUL_STRING,
				     .len = VGATE_BWM_NAME_MAX - 1 },
	[VGATE_BWM_CLASS_A_LEAF] = { .type = NLA_REJECT },
	[VGATE_BWM_CLASS_A_STATS] = { .type = NLA_REJECT },
	[VGATE_BWM_CLASS_A_EFF_CEIL] = { .type = NLA_REJECT },
};

static const struct nla_policy filter_policy[VGATE_BWM_FILTER_A_MAX + 1] = {
	[VGATE_BWM_FILTER_A_ID] = NLA_POLICY_FULL_RANGE(NLA_U16,
							&filter_id_range),
	[VGATE_BWM_FILTER_A_CLASS] = NLA_POLICY_FULL_RANGE(NLA_U16,
							   &filter_class_range),
	[VGATE_BWM_FILTER_A_SERVICE] = NLA_POLICY_RANGE(NLA_U8, 1,
							VGATE_BWM_SVC_MAX),
	[VGATE_BWM_FILTER_A_PROTO] = NLA_POLICY_MIN(NLA_U8, 1),
	[VGATE_BWM_FILTER_A_SRC_MIN] = { .type = NLA_BINARY, .len = 16 },
	[VGATE_BWM_FILTER_A_SRC_MAX] = { .type = NLA_BINARY, .len = 16 },
	[VGATE_BWM_FILTER_A_DST_MIN] = { .type = NLA_BINARY, .len = 16 },
	[VGATE_BWM_FILTER_A_DST_MAX] = { .type = NLA_BINARY, .len = 16 },
	[VGATE_BWM_FILTER_A_SPORT_MIN] = { .type = NLA_U16 },
	[VGATE_BWM_FILTER_A_SPORT_MAX] = { .type = NLA_U16 },
	[VGATE_BWM_FILTER_A_DPORT_MIN] = { .type = NLA_U16 },
	[VGATE_BWM_FILTER_A_DPORT_MAX] = { .type = NLA_U16 },
	[VGATE_BWM_FILTER_A_MATCHES] = { .type = NLA_REJECT },
};

static const struct nla_policy bwm_policy[VGATE_BWM_A_MAX + 1] = {
	[VGATE_BWM_A_IF] = NLA_POLICY_NESTED(if_policy),
	[VGATE_BWM_A_CLASS] = NLA_POLICY_NESTED(class_policy),
	[VGATE_BWM_A_FILTER] = NLA_POLICY_NESTED(filter_policy),
};

static struct genl_family bwm_family;

/* ---- helpers ---- */

/* The device named in an IF nest; under RTNL. */
static struct net_device *bwm_nl_dev(struct net *net, struct nlattr *nest,
				     struct nlattr **tb,
				     struct netlink_ext_ack *extack)
{
	struct net_device *dev = NULL;
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(extack, "IF required");
		return ERR_PTR(-EINVAL);
	}
	err = nla_parse_nested(tb, VGATE_BWM_IF_A_MAX, nest, if_policy,
			       extack);
	if (err)
		return ERR_PTR(err);
	if (tb[VGATE_BWM_IF_A_IFINDEX]) {
		dev = __dev_get_by_index(net,
					 nla_get_u32(tb[VGATE_BWM_IF_A_IFINDEX]));
		if (!dev)
			bwm_errmsg(extack, "interface index %u: no such interface",
				   nla_get_u32(tb[VGATE_BWM_IF_A_IFINDEX]));
	} else if (tb[VGATE_BWM_IF_A_IFNAME]) {
		dev = __dev_get_by_name(net,
					nla_data(tb[VGATE_BWM_IF_A_IFNAME]));
		if (!dev)
			bwm_errmsg(extack, "interface \"%s\": no such interface",
				   (char *)nla_data(tb[VGATE_BWM_IF_A_IFNAME]));
	} else {
		NL_SET_ERR_ATTR_MISS(extack, nest, VGATE_BWM_IF_A_IFINDEX);
		NL_SET_ERR_MSG(extack, "IFINDEX or IFNAME required");
		return ERR_PTR(-EINVAL);
	}
	return dev ?: ERR_PTR(-ENODEV);
}

/*
 * A rate attribute below VGATE_BWM_RATE_MIN (the policy has refused any
 * above VGATE_BWM_RATE_MAX).  0 is left to bwm_cfg_check(), whose message
 * says so; CEIL 0 means the default ceiling.
 */
static int bwm_nl_rate(struct nlattr *a, const char *who, const char *what,
		       bool zero_ok, struct netlink_ext_ack *extack)
{
	u64 v;

	if (!a)
		return 0;
	v = nla_get_u64(a);
	if (v >= VGATE_BWM_RATE_MIN || !v)
		return 0;
	bwm_errmsg(extack, "%s: %s %llu bit/s: must be %llu-%llu bit/s%s",
		   who, what, v, VGATE_BWM_RATE_MIN, VGATE_BWM_RATE_MAX,
		   zero_ok ? " or 0" : "");
	NL_SET_BAD_ATTR(extack, a);
	return -ERANGE;
}

static struct bwm_bind *bwm_nl_bind(struct net_device *dev,
				    struct netlink_ext_ack *extack)
{
	struct bwm_bind *b = bwm_bind_find(dev);

	if (!b)
		bwm_errmsg(extack, "%s: bandwidth management is not enabled",
			   dev->name);
	return b;
}

static struct bwm_cfg *bwm_cfg_dup(const struct bwm_cfg *old)
{
	struct bwm_cfg *cfg = vgate_fault_ptr(kvmalloc(sizeof(*cfg), GFP_KERNEL));

	if (!cfg)
		return NULL;
	if (old) {
		memcpy(cfg, old, sizeof(*cfg));
	} else {
		memset(cfg, 0, sizeof(*cfg));
		cfg->mode = VGATE_BWM_MODE_FAIRNESS;
		cfg->limit = VGATE_BWM_LIMIT_DEFAULT;
	}
	return cfg;
}

static int bwm_put_stats(struct sk_buff *skb, int type,
			 const struct bwm_stats *st)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i <= VGATE_BWM_STAT_MAX; i++)
		if (nla_put_u64_64bit(skb, i, st->v[i], VGATE_BWM_STAT_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* IF nest: the device, and with full its settings and statistics. */
static int bwm_fill_if(struct sk_buff *skb, struct net_device *dev,
		       struct bwm_bind *b, bool full)
{
	struct nlattr *nest = nla_nest_start(skb, VGATE_BWM_A_IF);
	struct bwm_cfg *cfg = b ? b->cfg : NULL;
	struct bwm_stats st;

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VGATE_BWM_IF_A_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, VGATE_BWM_IF_A_IFNAME, dev->name))
		goto cancel;
	if (!full)
		goto end;
	if (nla_put_u8(skb, VGATE_BWM_IF_A_ENABLED, !!b) ||
	    nla_put_u64_64bit(skb, VGATE_BWM_IF_A_LINK_SPEED,
			      bwm_link_speed(dev), VGATE_BWM_IF_A_PAD))
		goto cancel;
	if (!cfg)
		goto end;
	if (nla_put_u64_64bit(skb, VGATE_BWM_IF_A_RATE, cfg->rate,
			      VGATE_BWM_IF_A_PAD) ||
	    nla_put_u8(skb, VGATE_BWM_IF_A_MODE, cfg->mode) ||
	    nla_put_u16(skb, VGATE_BWM_IF_A_OVERHEAD, cfg->overhead) ||
	    nla_put_u8(skb, VGATE_BWM_IF_A_ESP, cfg->esp) ||
	    nla_put_u32(skb, VGATE_BWM_IF_A_LIMIT, cfg->limit) ||
	    nla_put_u16(skb, VGATE_BWM_IF_A_DEFAULT_CLASS, cfg->defcls) ||
	    nla_put_u32(skb, VGATE_BWM_IF_A_NUM_CLASSES, cfg->ncls) ||
	    nla_put_u32(skb, VGATE_BWM_IF_A_NUM_FILTERS, cfg->nflt))
		goto cancel;
	memset(&st, 0, sizeof(st));
	if (b->q)
		bwm_sched_stats(b->q, VGATE_BWM_CLASS_ROOT, &st, NULL, NULL,
				NULL);
	if (bwm_put_stats(skb, VGATE_BWM_IF_A_STATS, &st))
		goto cancel;
end:
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/*
 * Class number pos of b: 0 the root, 1..ncls the user classes, ncls + 1
 * the built-in default.
 */
static int bwm_fill_class(struct sk_buff *skb, struct bwm_bind *b, int pos)
{
	const struct bwm_cfg *cfg = b->cfg;
	const struct bwm_class_cfg *cc = NULL;
	u64 rate = 0, ceil = 0;
	struct bwm_stats st;
	struct nlattr *nest;
	bool leaf = false;
	u16 id, parent = 0;
	const char *name;

	if (pos == 0) {
		id = VGATE_BWM_CLASS_ROOT;
		name = "root";
		rate = cfg->rate;
		ceil = cfg->rate;
	} else if (pos <= cfg->ncls) {
		cc = &cfg->cls[pos - 1];
		id = cc->id;
		parent = cc->parent;
		name = cc->name;
		rate = cc->rate;
	} else {
		id = VGATE_BWM_CLASS_DEFAULT;
		name = "default";
		leaf = true;
	}
	memset(&st, 0, sizeof(st));
	if (b->q)
		bwm_sched_stats(b->q, id, &st, pos ? &rate : NULL, &ceil,
				&leaf);
	if (bwm_fill_if(skb, b->dev, b, false))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, VGATE_BWM_A_CLASS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, VGATE_BWM_CLASS_A_ID, id) ||
	    nla_put_u16(skb, VGATE_BWM_CLASS_A_PARENT, parent) ||
	    nla_put_u64_64bit(skb, VGATE_BWM_CLASS_A_RATE, rate,
			      VGATE_BWM_CLASS_A_PAD) ||
	    nla_put_u64_64bit(skb, VGATE_BWM_CLASS_A_CEIL, cc ? cc->ceil : 0,
			      VGATE_BWM_CLASS_A_PAD) ||
	    nla_put_u64_64bit(skb, VGATE_BWM_CLASS_A_EFF_CEIL, ceil,
			      VGATE_BWM_CLASS_A_PAD) ||
	    nla_put_u8(skb, VGATE_BWM_CLASS_A_PRIO, cc ? cc->prio : 0) ||
	    nla_put_u8(skb, VGATE_BWM_CLASS_A_BORROW,
		       cc ? cc->borrow : pos != 0) ||
	    nla_put_string(skb, VGATE_BWM_CLASS_A_NAME, name) ||
	    nla_put_u8(skb, VGATE_BWM_CLASS_A_LEAF, pos && leaf) ||
	    bwm_put_stats(skb, VGATE_BWM_CLASS_A_STATS, &st))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int bwm_put_addr(struct sk_buff *skb, int type, u8 family,
			const struct in6_addr *a)
{
	return nla_put(skb, type, family == AF_INET ? 4 : 16, a);
}

static int bwm_fill_filter(struct sk_buff *skb, struct bwm_bind *b, int i)
{
	const struct bwm_filter_cfg *f = &b->cfg->flt[i];
	struct nlattr *nest;
	u64 matches = 0;

	if (b->q)
		bwm_sched_filter_matches(b->q, f->id, &matches);
	if (bwm_fill_if(skb, b->dev, b, false))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, VGATE_BWM_A_FILTER);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, VGATE_BWM_FILTER_A_ID, f->id) ||
	    nla_put_u16(skb, VGATE_BWM_FILTER_A_CLASS, f->classid) ||
	    (f->has & BWM_F_SERVICE &&
	     nla_put_u8(skb, VGATE_BWM_FILTER_A_SERVICE, f->service)) ||
	    (f->has & BWM_F_PROTO &&
	     nla_put_u8(skb, VGATE_BWM_FILTER_A_PROTO, f->proto)) ||
	    (f->has & BWM_F_SRC &&
	     (bwm_put_addr(skb, VGATE_BWM_FILTER_A_SRC_MIN, f->family,
			   &f->src_min) ||
	      bwm_put_addr(skb, VGATE_BWM_FILTER_A_SRC_MAX, f->family,
			   &f->src_max))) ||
	    (f->has & BWM_F_DST &&
	     (bwm_put_addr(skb, VGATE_BWM_FILTER_A_DST_MIN, f->family,
			   &f->dst_min) ||
	      bwm_put_addr(skb, VGATE_BWM_FILTER_A_DST_MAX, f->family,
			   &f->dst_max))) ||
	    (f->has & BWM_F_SPORT &&
	     (nla_put_u16(skb, VGATE_BWM_FILTER_A_SPORT_MIN, f->sport_min) ||
	      nla_put_u16(skb, VGATE_BWM_FILTER_A_SPORT_MAX, f->sport_max))) ||
	    (f->has & BWM_F_DPORT &&
	     (nla_put_u16(skb, VGATE_BWM_FILTER_A_DPORT_MIN, f->dport_min) ||
	      nla_put_u16(skb, VGATE_BWM_FILTER_A_DPORT_MAX, f->dport_max))) ||
	    nla_put_u64_64bit(skb, VGATE_BWM_FILTER_A_MATCHES, matches,
			      VGATE_BWM_FILTER_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* ---- transactions ---- */

static LIST_HEAD(bwm_txns);	/* under RTNL */
static unsigned int bwm_ntxns;	/* READ_ONCE() without it */

static struct bwm_txn *bwm_txn_of(struct net *net)
{
	struct bwm_txn *txn;

	ASSERT_RTNL();
	list_for_each_entry(txn, &bwm_txns, list)
		if (net_eq(txn->net, net))
			return txn;
	return NULL;
}

/*
 * The transaction a change from @portid edits: the open one if @portid
 * owns it, NULL if none is open (the change is applied at once), -EBUSY
 * if another socket holds one.
 */
static struct bwm_txn *bwm_txn_owned(struct net *net, u32 portid,
				     struct netlink_ext_ack *extack)
{
	struct bwm_txn *txn = bwm_txn_of(net);

	if (txn && txn->portid != portid) {
		NL_SET_ERR_MSG(extack, "another socket has a transaction open");
		return ERR_PTR(-EBUSY);
	}
	return txn;
}

static void bwm_txn_if_free(struct bwm_txn_if *ti)
{
	list_del(&ti->list);
	kvfree(ti->cfg);
	bwm_tree_free(ti->tree);
	if (ti->nb)
		bwm_bind_discard(ti->nb);
	netdev_put(ti->dev, &ti->tracker);
	kfree(ti);
}

static void bwm_txn_free(struct bwm_txn *txn)
{
	struct bwm_txn_if *ti, *tmp;

	list_for_each_entry_safe(ti, tmp, &txn->ifs, list)
		bwm_txn_if_free(ti);
	list_del(&txn->list);
	WRITE_ONCE(bwm_ntxns, bwm_ntxns - 1);
	kfree(txn);
}

static struct bwm_txn_if *bwm_txn_if_find(struct bwm_txn *txn,
					  const struct net_device *dev)
{
	struct bwm_txn_if *ti;

	list_for_each_entry(ti, &txn->ifs, list)
		if (ti->dev == dev)
			return ti;
	return NULL;
}

/* The interface's record in @txn, made (as it runs now) if need be. */
static struct bwm_txn_if *bwm_txn_if_get(struct bwm_txn *txn,
					 struct net_device *dev)
{
	struct bwm_txn_if *ti = bwm_txn_if_find(txn, dev);
	struct bwm_bind *b;

	if (ti)
		return ti;
	ti = vgate_fault_ptr(kzalloc(sizeof(*ti), GFP_KERNEL));
	if (!ti)
		return NULL;
	b = bwm_bind_find(dev);
	ti->dev = dev;
	netdev_hold(dev, &ti->tracker, GFP_KERNEL);
	ti->enabled = !!b;
	list_add_tail(&ti->list, &txn->ifs);
	return ti;
}

/*
 * The configuration of @dev as the transaction sees it (NULL: not
 * enabled); @txn NULL: the running one.
 */
static const struct bwm_cfg *bwm_txn_cfg(struct bwm_txn *txn,
					 struct net_device *dev)
{
	struct bwm_txn_if *ti = txn ? bwm_txn_if_find(txn, dev) : NULL;
	struct bwm_bind *b;

	if (ti)
		return ti->enabled ? ti->cfg : NULL;
	b = bwm_bind_find(dev);
	return b ? b->cfg : NULL;
}

/*
 * Make @cfg (checked: ours, freed on error) the pending configuration of
 * @dev in @txn: its tree is built, and a binding prepared if the
 * interface must be attached at the commit.
 */
static int bwm_txn_put(struct bwm_txn *txn, struct net_device *dev,
		       struct bwm_cfg *cfg, struct netlink_ext_ack *extack)
{
	bool had = !!bwm_txn_if_find(txn, dev);
	struct bwm_bind *b = bwm_bind_find(dev);
	struct bwm_bind *nb = NULL;
	struct bwm_txn_if *ti;
	struct bwm_tree *t;

	ti = bwm_txn_if_get(txn, dev);
	if (!ti)
		goto nomem;
	t = bwm_tree_build(cfg, dev);
	if (!t)
		goto nomem;
	/* Disabled in the transaction, or not running: attach anew. */
	if (!ti->enabled && b)
		ti->fresh = true;
	if ((!b || ti->fresh) && !ti->nb) {
		nb = bwm_bind_prepare(dev, extack);
		if (!nb) {
			bwm_tree_free(t);
			goto nomem;
		}
		ti->nb = nb;
	}
	kvfree(ti->cfg);
	bwm_tree_free(ti->tree);
	ti->cfg = cfg;
	ti->tree = t;
	ti->enabled = true;
	return 0;
nomem:
	if (ti && !had)
		bwm_txn_if_free(ti);
	kvfree(cfg);
	return -ENOMEM;
}

/* IF_SET ENABLED 0 in a transaction. */
static int bwm_txn_disable(struct bwm_txn *txn, struct net_device *dev,
			   struct netlink_ext_ack *extack)
{
	struct bwm_txn_if *ti;

	if (!bwm_txn_cfg(txn, dev)) {
		bwm_errmsg(extack, "%s: bandwidth management is not enabled",
			   dev->name);
		return -ENOENT;
	}
	ti = bwm_txn_if_get(txn, dev);
	if (!ti)
		return -ENOMEM;
	ti->enabled = false;
	ti->fresh = !!bwm_bind_find(dev);
	kvfree(ti->cfg);
	ti->cfg = NULL;
	bwm_tree_free(ti->tree);
	ti->tree = NULL;
	if (ti->nb)
		bwm_bind_discard(ti->nb);
	ti->nb = NULL;
	return 0;
}

/* Install everything; cannot fail. */
static void bwm_txn_apply(struct bwm_txn *txn)
{
	struct bwm_txn_if *ti, *tmp;
	struct bwm_bind *b;

	list_for_each_entry_safe(ti, tmp, &txn->ifs, list) {
		b = bwm_bind_find(ti->dev);
		if (b && (!ti->enabled || ti->fresh)) {
			bwm_unbind(b);
			b = NULL;
		}
		if (ti->enabled && b) {
			if (b->q)
				bwm_sched_swap(b->q, ti->tree);
			else
				bwm_tree_free(ti->tree);
			kvfree(b->cfg);
			b->cfg = ti->cfg;
			ti->cfg = NULL;
			ti->tree = NULL;
		} else if (ti->enabled && ti->nb) {
			bwm_bind_attach(ti->nb, ti->cfg, ti->tree);
			ti->nb = NULL;
			ti->cfg = NULL;
			ti->tree = NULL;
		}
		bwm_txn_if_free(ti);
	}
}

static int bwm_nl_txn_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct bwm_txn *txn;
	int err = 0;

	txn = vgate_fault_ptr(kzalloc(sizeof(*txn), GFP_KERNEL));
	if (!txn)
		return -ENOMEM;
	txn->net = net;
	txn->portid = info->snd_portid;
	INIT_LIST_HEAD(&txn->ifs);
	rtnl_lock();
	if (bwm_txn_of(net)) {
		NL_SET_ERR_MSG(info->extack, "a transaction is already open");
		err = -EBUSY;
	} else {
		list_add(&txn->list, &bwm_txns);
		WRITE_ONCE(bwm_ntxns, bwm_ntxns + 1);
		txn = NULL;
	}
	rtnl_unlock();
	kfree(txn);
	return err;
}

/* TXN_COMMIT and TXN_ABORT. */
static int bwm_nl_txn_end(struct sk_buff *skb, struct genl_info *info)
{
	struct bwm_txn *txn;
	int err = 0;

	rtnl_lock();
	txn = bwm_txn_of(genl_info_net(info));
	if (!txn || txn->portid != info->snd_portid) {
		NL_SET_ERR_MSG(info->extack, "this socket has no open transaction");
		err = -ENOENT;
	} else {
		if (info->genlhdr->cmd == VGATE_BWM_CMD_TXN_COMMIT)
			bwm_txn_apply(txn);
		bwm_txn_free(txn);
	}
	rtnl_unlock();
	return err;
}

void bwm_txn_dev_gone(struct net_device *dev)
{
	struct bwm_txn *txn = bwm_txn_of(dev_net(dev));
	struct bwm_txn_if *ti;

	ti = txn ? bwm_txn_if_find(txn, dev) : NULL;
	if (ti)
		bwm_txn_if_free(ti);
}

void bwm_txn_net_exit(struct net *net)
{
	struct bwm_txn *txn;

	rtnl_lock();
	txn = bwm_txn_of(net);
	if (txn)
		bwm_txn_free(txn);
	rtnl_unlock();
}

/* A transaction dies with the socket that opened it. */
static int bwm_nl_notify(struct notifier_block *nb, unsigned long event,
			 void *ptr)
{
	struct netlink_notify *n = ptr;
	struct bwm_txn *txn;

	/* Every generic netlink socket ends here: skip RTNL if we can. */
	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid || !READ_ONCE(bwm_ntxns))
		return NOTIFY_DONE;
	rtnl_lock();
	txn = bwm_txn_of(n->net);
	if (txn && txn->portid == n->portid)
		bwm_txn_free(txn);
	rtnl_unlock();
	return NOTIFY_DONE;
}

static struct notifier_block bwm_nl_notifier = {
	.notifier_call = bwm_nl_notify,
};

/* ---- interfaces ---- */

/* The configuration an enabling IF_SET makes of @base (NULL: none yet). */
static struct bwm_cfg *bwm_nl_if_cfg(struct net_device *dev,
				     const struct bwm_cfg *base,
				     struct nlattr **tb,
				     struct netlink_ext_ack *extack)
{
	struct bwm_cfg *cfg;
	int err;

	if (!base && !tb[VGATE_BWM_IF_A_RATE]) {
		bwm_errmsg(extack, "%s: a bandwidth is required to enable it",
			   dev->name);
		return ERR_PTR(-EINVAL);
	}
	err = bwm_nl_rate(tb[VGATE_BWM_IF_A_RATE], dev->name, "bandwidth",
			  false, extack);
	if (err)
		return ERR_PTR(err);
	cfg = bwm_cfg_dup(base);
	if (!cfg)
		return ERR_PTR(-ENOMEM);
	if (tb[VGATE_BWM_IF_A_RATE])
		cfg->rate = nla_get_u64(tb[VGATE_BWM_IF_A_RATE]);
	if (tb[VGATE_BWM_IF_A_MODE])
		cfg->mode = nla_get_u8(tb[VGATE_BWM_IF_A_MODE]);
	if (tb[VGATE_BWM_IF_A_OVERHEAD])
		cfg->overhead = nla_get_u16(tb[VGATE_BWM_IF_A_OVERHEAD]);
	if (tb[VGATE_BWM_IF_A_ESP])
		cfg->esp = nla_get_u8(tb[VGATE_BWM_IF_A_ESP]);
	if (tb[VGATE_BWM_IF_A_LIMIT])
		cfg->limit = nla_get_u32(tb[VGATE_BWM_IF_A_LIMIT]);
	if (tb[VGATE_BWM_IF_A_DEFAULT_CLASS])
		cfg->defcls = nla_get_u16(tb[VGATE_BWM_IF_A_DEFAULT_CLASS]);
	return cfg;
}

static int bwm_nl_if_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VGATE_BWM_IF_A_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	struct net_device *dev;
	struct bwm_txn *txn;
	struct bwm_cfg *cfg;
	bool enable;
	int err;

	rtnl_lock();
	txn = bwm_txn_owned(genl_info_net(info), info->snd_portid, extack);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
		goto out;
	}
	dev = bwm_nl_dev(genl_info_net(info), info->attrs[VGATE_BWM_A_IF],
			 tb, extack);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto out;
	}
	enable = tb[VGATE_BWM_IF_A_ENABLED] ?
		 nla_get_u8(tb[VGATE_BWM_IF_A_ENABLED]) : true;
	if (!enable) {
		err = txn ? bwm_txn_disable(txn, dev, extack) :
			    bwm_if_set(dev, NULL, false, extack);
		goto out;
	}
	cfg = bwm_nl_if_cfg(dev, bwm_txn_cfg(txn, dev), tb, extack);
	if (IS_ERR(cfg)) {
		err = PTR_ERR(cfg);
		goto out;
	}
	if (!txn) {
		err = bwm_if_set(dev, cfg, true, extack);
		goto out;
	}
	err = bwm_cfg_check(dev, cfg, extack);
	if (err)
		kvfree(cfg);
	else
		err = bwm_txn_put(txn, dev, cfg, extack);
out:
	rtnl_unlock();
	return err;
}

/*
 * FLUSH: every interface of the namespace that is enabled (in the
 * transaction's view if one is open) is disabled.
 */
static int bwm_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct bwm_bind *b, *tmp;
	struct bwm_txn_if *ti;
	struct bwm_txn *txn;
	int err = 0;

	rtnl_lock();
	txn = bwm_txn_owned(net, info->snd_portid, info->extack);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
		goto out;
	}
	list_for_each_entry_safe(b, tmp, bwm_binds(), list) {
		if (!net_eq(dev_net(b->dev), net))
			continue;
		if (!txn)
			bwm_unbind(b);
		else if (bwm_txn_cfg(txn, b->dev))
			err = bwm_txn_disable(txn, b->dev, info->extack);
		if (err)
			goto out;
	}
	/* Interfaces the transaction enables that do not run yet. */
	if (txn)
		list_for_each_entry(ti, &txn->ifs, list) {
			if (!ti->enabled)
				continue;
			err = bwm_txn_disable(txn, ti->dev, info->extack);
			if (err)
				break;
		}
out:
	rtnl_unlock();
	return err;
}

static int bwm_nl_if_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VGATE_BWM_IF_A_MAX + 1];
	struct net_device *dev;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = vgate_fault_ptr(nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL));
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &bwm_family, 0,
				VGATE_BWM_CMD_IF_GET);
	if (!hdr) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	rtnl_lock();
	dev = bwm_nl_dev(genl_info_net(info), info->attrs[VGATE_BWM_A_IF],
			 tb, info->extack);
	err = IS_ERR(dev) ? PTR_ERR(dev) :
	      bwm_fill_if(msg, dev, bwm_bind_find(dev), true);
	rtnl_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: how many bindings of this namespace were sent. */
static int bwm_nl_if_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct bwm_bind *b;
	long n = 0;
	void *hdr;

	rtnl_lock();
	list_for_each_entry(b, bwm_binds(), list) {
		if (!net_eq(dev_net(b->dev), net))
			continue;
		if (n++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &bwm_family, NLM_F_MULTI,
				  VGATE_BWM_CMD_IF_GET);
		if (!hdr || bwm_fill_if(skb, b->dev, b, true)) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			n--;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = n;
	rtnl_unlock();
	return skb->len;
}

/* ---- classes ---- */

static int bwm_class_find(const struct bwm_cfg *cfg, u16 id)
{
	unsigned int i;

	for (i = 0; i < cfg->ncls; i++)
		if (cfg->cls[i].id == id)
			return i;
	return -1;
}

static int bwm_class_edit(struct bwm_cfg *cfg, u8 cmd, struct nlattr **ct,
			  struct nlattr *nest, struct netlink_ext_ack *extack)
{
	struct bwm_class_cfg *c;
	unsigned int i;
	char who[16];
	int idx, err;
	u16 id;

	if (!ct[VGATE_BWM_CLASS_A_ID]) {
		NL_SET_ERR_ATTR_MISS(extack, nest, VGATE_BWM_CLASS_A_ID);
		NL_SET_ERR_MSG(extack, "class ID required");
		return -EINVAL;
	}
	id = nla_get_u16(ct[VGATE_BWM_CLASS_A_ID]);
	snprintf(who, sizeof(who), "class %u", id);
	err = bwm_nl_rate(ct[VGATE_BWM_CLASS_A_RATE], who, "bandwidth", false,
			  extack) ?:
	      bwm_nl_rate(ct[VGATE_BWM_CLASS_A_CEIL], who, "ceiling", true,
			  extack);
	if (err)
		return err;
	idx = bwm_class_find(cfg, id);
	if (cmd == VGATE_BWM_CMD_CLASS_NEW) {
		if (idx >= 0) {
			bwm_errmsg(extack, "class %u already exists", id);
			return -EEXIST;
		}
		if (cfg->ncls >= VGATE_BWM_MAX_CLASSES) {
			bwm_errmsg(extack, "class %u: at most %u classes", id,
				   VGATE_BWM_MAX_CLASSES);
			return -ENOSPC;
		}
		if (!ct[VGATE_BWM_CLASS_A_RATE]) {
			bwm_errmsg(extack, "class %u: a bandwidth is required",
				   id);
			return -EINVAL;
		}
		c = &cfg->cls[cfg->ncls++];
		memset(c, 0, sizeof(*c));
		c->id = id;
		c->borrow = 1;
	} else {
		if (idx < 0) {
			bwm_errmsg(extack, "class %u does not exist", id);
			return -ENOENT;
		}
		c = &cfg->cls[idx];
	}
	if (cmd == VGATE_BWM_CMD_CLASS_DEL) {
		for (i = 0; i < cfg->ncls; i++)
			if (cfg->cls[i].parent == id) {
				bwm_errmsg(extack, "class %u has subclass %u",
					   id, cfg->cls[i].id);
				return -EBUSY;
			}
		for (i = 0; i < cfg->nflt; i++)
			if (cfg->flt[i].classid == id) {
				bwm_errmsg(extack, "class %u is used by filter %u",
					   id, cfg->flt[i].id);
				return -EBUSY;
			}
		if (cfg->defcls == id) {
			bwm_errmsg(extack, "class %u is the default class", id);
			return -EBUSY;
		}
		memmove(c, c + 1, (cfg->ncls - idx - 1) * sizeof(*c));
		cfg->ncls--;
		return 0;
	}
	if (ct[VGATE_BWM_CLASS_A_PARENT])
		c->parent = nla_get_u16(ct[VGATE_BWM_CLASS_A_PARENT]);
	if (ct[VGATE_BWM_CLASS_A_RATE])
		c->rate = nla_get_u64(ct[VGATE_BWM_CLASS_A_RATE]);
	if (ct[VGATE_BWM_CLASS_A_CEIL])
		c->ceil = nla_get_u64(ct[VGATE_BWM_CLASS_A_CEIL]);
	if (ct[VGATE_BWM_CLASS_A_PRIO])
		c->prio = nla_get_u8(ct[VGATE_BWM_CLASS_A_PRIO]);
	if (ct[VGATE_BWM_CLASS_A_BORROW])
		c->borrow = nla_get_u8(ct[VGATE_BWM_CLASS_A_BORROW]);
	if (ct[VGATE_BWM_CLASS_A_NAME])
		nla_strscpy(c->name, ct[VGATE_BWM_CLASS_A_NAME],
			    sizeof(c->name));
	return 0;
}

/* ---- filters ---- */

static int bwm_get_range(struct nlattr **ft, int lo, int hi, u8 *family,
			 struct in6_addr *min, struct in6_addr *max,
			 const char *what, u16 id,
			 struct netlink_ext_ack *extack)
{
	int len;

	if (!ft[lo] && !ft[hi])
		return 0;
	if (!ft[lo] || !ft[hi] || nla_len(ft[lo]) != nla_len(ft[hi]) ||
	    (nla_len(ft[lo]) != 4 && nla_len(ft[lo]) != 16)) {
		bwm_errmsg(extack,
			   "filter %u: %s range needs MIN and MAX of 4 or 16 bytes",
			   id, what);
		return -EINVAL;
	}
	len = nla_len(ft[lo]);
	if (*family && *family != (len == 4 ? AF_INET : AF_INET6)) {
		bwm_errmsg(extack,
			   "filter %u: source and destination of different families",
			   id);
		return -EINVAL;
	}
	*family = len == 4 ? AF_INET : AF_INET6;
	memset(min, 0, sizeof(*min));
	memset(max, 0, sizeof(*max));
	nla_memcpy(min, ft[lo], len);
	nla_memcpy(max, ft[hi], len);
	if (memcmp(min, max, len) > 0) {
		bwm_errmsg(extack, "filter %u: %s range ends below its start",
			   id, what);
		return -ERANGE;
	}
	return 1;
}

static int bwm_get_ports(struct nlattr **ft, int lo, int hi, u16 *min,
			 u16 *max, const char *what, u16 id,
			 struct netlink_ext_ack *extack)
{
	if (!ft[lo] && !ft[hi])
		return 0;
	*min = ft[lo] ? nla_get_u16(ft[lo]) : 0;
	*max = ft[hi] ? nla_get_u16(ft[hi]) : *min;
	if (*min > *max) {
		bwm_errmsg(extack, "filter %u: %s ports %u-%u: range ends below its start",
			   id, what, *min, *max);
		return -ERANGE;
	}
	return 1;
}

static int bwm_filter_edit(struct bwm_cfg *cfg, u8 cmd, struct nlattr **ft,
			   struct nlattr *nest, struct netlink_ext_ack *extack)
{
	struct bwm_filter_cfg f;
	unsigned int i;
	int idx = -1, r;
	u16 id;

	if (!ft[VGATE_BWM_FILTER_A_ID]) {
		NL_SET_ERR_ATTR_MISS(extack, nest, VGATE_BWM_FILTER_A_ID);
		NL_SET_ERR_MSG(extack, "filter ID required");
		return -EINVAL;
	}
	id = nla_get_u16(ft[VGATE_BWM_FILTER_A_ID]);
	for (i = 0; i < cfg->nflt; i++)
		if (cfg->flt[i].id == id)
			idx = i;
	if (cmd == VGATE_BWM_CMD_FILTER_DEL) {
		if (idx < 0) {
			bwm_errmsg(extack, "filter %u does not exist", id);
			return -ENOENT;
		}
		memmove(&cfg->flt[idx], &cfg->flt[idx + 1],
			(cfg->nflt - idx - 1) * sizeof(cfg->flt[0]));
		cfg->nflt--;
		return 0;
	}
	if (idx >= 0) {
		bwm_errmsg(extack, "filter %u already exists", id);
		return -EEXIST;
	}
	if (cfg->nflt >= VGATE_BWM_MAX_FILTERS) {
		bwm_errmsg(extack, "filter %u: at most %u filters", id,
			   VGATE_BWM_MAX_FILTERS);
		return -ENOSPC;
	}
	if (!ft[VGATE_BWM_FILTER_A_CLASS]) {
		bwm_errmsg(extack, "filter %u: a class is required", id);
		return -EINVAL;
	}
	memset(&f, 0, sizeof(f));
	f.id = id;
	f.classid = nla_get_u16(ft[VGATE_BWM_FILTER_A_CLASS]);
	if (ft[VGATE_BWM_FILTER_A_SERVICE]) {
		f.has |= BWM_F_SERVICE;
		f.service = nla_get_u8(ft[VGATE_BWM_FILTER_A_SERVICE]);
	}
	if (ft[VGATE_BWM_FILTER_A_PROTO]) {
		f.has |= BWM_F_PROTO;
		f.proto = nla_get_u8(ft[VGATE_BWM_FILTER_A_PROTO]);
	}
	r = bwm_get_range(ft, VGATE_BWM_FILTER_A_SRC_MIN,
			  VGATE_BWM_FILTER_A_SRC_MAX, &f.family, &f.src_min,
			  &f.src_max, "source", id, extack);
	if (r < 0)
		return r;
	if (r)
		f.has |= BWM_F_SRC;
	r = bwm_get_range(ft, VGATE_BWM_FILTER_A_DST_MIN,
			  VGATE_BWM_FILTER_A_DST_MAX, &f.family, &f.dst_min,
			  &f.dst_max, "destination", id, extack);
	if (r < 0)
		return r;
	if (r)
		f.has |= BWM_F_DST;
	r = bwm_get_ports(ft, VGATE_BWM_FILTER_A_SPORT_MIN,
			  VGATE_BWM_FILTER_A_SPORT_MAX, &f.sport_min,
			  &f.sport_max, "source", id, extack);
	if (r < 0)
		return r;
	if (r)
		f.has |= BWM_F_SPORT;
	r = bwm_get_ports(ft, VGATE_BWM_FILTER_A_DPORT_MIN,
			  VGATE_BWM_FILTER_A_DPORT_MAX, &f.dport_min,
			  &f.dport_max, "destination", id, extack);
	if (r < 0)
		return r;
	if (r)
		f.has |= BWM_F_DPORT;
	cfg->flt[cfg->nflt++] = f;
	return 0;
}

/* CLASS_NEW/SET/DEL and FILTER_NEW/DEL: edit a copy, apply it whole. */
static int bwm_nl_edit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[VGATE_BWM_IF_A_MAX + 1];
	struct nlattr *ct[VGATE_BWM_CLASS_A_MAX + 1];
	struct nlattr *ft[VGATE_BWM_FILTER_A_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	u8 cmd = info->genlhdr->cmd;
	bool is_class = cmd <= VGATE_BWM_CMD_CLASS_DEL;
	int type = is_class ? VGATE_BWM_A_CLASS : VGATE_BWM_A_FILTER;
	struct nlattr *nest = info->attrs[type];
	const struct bwm_cfg *base;
	struct net_device *dev;
	struct bwm_txn *txn;
	struct bwm_cfg *cfg;
	int err;

	if (!nest) {
		if (is_class)
			NL_SET_ERR_MSG(extack, "CLASS required");
		else
			NL_SET_ERR_MSG(extack, "FILTER required");
		return -EINVAL;
	}
	err = is_class ?
	      nla_parse_nested(ct, VGATE_BWM_CLASS_A_MAX, nest, class_policy,
			       extack) :
	      nla_parse_nested(ft, VGATE_BWM_FILTER_A_MAX, nest, filter_policy,
			       extack);
	if (err)
		return err;
	rtnl_lock();
	txn = bwm_txn_owned(genl_info_net(info), info->snd_portid, extack);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
		goto out;
	}
	dev = bwm_nl_dev(genl_info_net(info), info->attrs[VGATE_BWM_A_IF],
			 tb, extack);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto out;
	}
	err = -ENOENT;
	base = bwm_txn_cfg(txn, dev);
	if (!base) {
		bwm_errmsg(extack, "%s: bandwidth management is not enabled",
			   dev->name);
		goto out;
	}
	err = -ENOMEM;
	cfg = bwm_cfg_dup(base);
	if (!cfg)
		goto out;
	err = is_class ? bwm_class_edit(cfg, cmd, ct, nest, extack) :
			 bwm_filter_edit(cfg, cmd, ft, nest, extack);
	if (err) {
		kvfree(cfg);
	} else if (txn) {
		err = bwm_cfg_check(dev, cfg, extack);
		if (err)
			kvfree(cfg);
		else
			err = bwm_txn_put(txn, dev, cfg, extack);
	} else {
		err = bwm_cfg_apply(bwm_bind_find(dev), cfg, extack);
		if (err)
			kvfree(cfg);
	}
out:
	rtnl_unlock();
	return err;
}

/*
 * CLASS_GET and FILTER_GET dumps of one interface (IF in the request).
 * cb->args[0]: the next position (classes: bwm_fill_class()).
 */
static int bwm_nl_dump_items(struct sk_buff *skb, struct netlink_callback *cb,
			     bool classes)
{
	const struct genl_dumpit_info *di = genl_dumpit_info(cb);
	struct nlattr *tb[VGATE_BWM_IF_A_MAX + 1];
	struct net_device *dev;
	struct bwm_bind *b;
	int err = 0, n;
	long pos;
	void *hdr;

	rtnl_lock();
	dev = bwm_nl_dev(sock_net(skb->sk), di->attrs[VGATE_BWM_A_IF], tb,
			 cb->extack);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto out;
	}
	b = bwm_nl_bind(dev, cb->extack);
	if (!b) {
		err = -ENOENT;
		goto out;
	}
	n = classes ? b->cfg->ncls + 2 : b->cfg->nflt;
	for (pos = cb->args[0]; pos < n; pos++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &bwm_family, NLM_F_MULTI,
				  classes ? VGATE_BWM_CMD_CLASS_GET :
					    VGATE_BWM_CMD_FILTER_GET);
		if (!hdr)
			break;
		if (classes ? bwm_fill_class(skb, b, pos) :
			      bwm_fill_filter(skb, b, pos)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = pos;
	if (pos < n && !skb->len)
		err = -EMSGSIZE;
out:
	rtnl_unlock();
	return err ?: skb->len;
}

static int bwm_nl_class_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return bwm_nl_dump_items(skb, cb, true);
}

static int bwm_nl_filter_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return bwm_nl_dump_items(skb, cb, false);
}

/*
 * vgate.ko's userns_admin setting, for every request (reads included),
 * read through vgate_userns_check() while vgate.ko is loaded: vgate_bwm.ko
 * does not need it otherwise.  Without vgate.ko, the default applies: a
 * namespace of another user namespace needs CAP_NET_ADMIN in the initial
 * one.
 */
static int bwm_userns_check(struct sk_buff *skb, struct net *net,
			    struct netlink_ext_ack *extack)
{
	int (*check)(struct sk_buff *skb, struct net *net,
		     struct netlink_ext_ack *extack);
	int err;

	if (net->user_ns == &init_user_ns)
		return 0;
	check = symbol_get(vgate_userns_check);
	if (check) {
		err = check(skb, net, extack);
		symbol_put(vgate_userns_check);
		return err;
	}
	if (netlink_capable(skb, CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG(extack,
		       "network namespace of a user namespace: needs CAP_NET_ADMIN in the initial user namespace (vgate.ko's userns_admin)");
	return -EPERM;
}

static int bwm_nl_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	return bwm_userns_check(skb, genl_info_net(info), info->extack);
}

static int bwm_nl_dump_start(struct netlink_callback *cb)
{
	return bwm_userns_check(cb->skb, sock_net(cb->skb->sk), cb->extack);
}

static const struct genl_ops bwm_ops[] = {
	{ .cmd = VGATE_BWM_CMD_IF_SET, .doit = bwm_nl_if_set,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_BWM_CMD_IF_GET, .doit = bwm_nl_if_get,
	  .dumpit = bwm_nl_if_dump, .start = bwm_nl_dump_start,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_BWM_CMD_CLASS_NEW, .doit = bwm_nl_edit,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_BWM_CMD_CLASS_SET, .doit = bwm_nl_edit,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_BWM_CMD_CLASS_DEL, .doit = bwm_nl_edit,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_BWM_CMD_CLASS_GET, .dumpit = bwm_nl_class_dump,
	  .start = bwm_nl_dump_start,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_BWM_CMD_FILTER_NEW, .doit = bwm_nl_edit,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_BWM_CMD_FILTER_DEL, .doit = bwm_nl_edit,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_BWM_CMD_FILTER_GET, .dumpit = bwm_nl_filter_dump,
	  .start = bwm_nl_dump_start,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_BWM_CMD_TXN_BEGIN, .doit = bwm_nl_txn_begin,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_BWM_CMD_TXN_COMMIT, .doit = bwm_nl_txn_end,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_BWM_CMD_TXN_ABORT, .doit = bwm_nl_txn_end,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_BWM_CMD_FLUSH, .doit = bwm_nl_flush,
	  .flags = GENL_UNS_ADMIN_PERM },
};

static struct genl_family bwm_family __ro_after_init = {
	.name = VGATE_BWM_GENL_NAME,
	.version = VGATE_BWM_GENL_VERSION,
	.maxattr = VGATE_BWM_A_MAX,
	.policy = bwm_policy,
	.netnsok = true,
	.pre_doit = bwm_nl_pre_doit,
	.module = THIS_MODULE,
	.ops = bwm_ops,
	.n_ops = ARRAY_SIZE(bwm_ops),
};

int __init bwm_genl_init(void)
{
	int err = genl_register_family(&bwm_family);

	if (err)
		return err;
	err = netlink_register_notifier(&bwm_nl_notifier);
	if (err)
		genl_unregister_family(&bwm_family);
	return err;
}

void bwm_genl_uninit(void)
{
	netlink_unregister_notifier(&bwm_nl_notifier);
	genl_unregister_family(&bwm_family);
}

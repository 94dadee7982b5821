// SPDX-License-Identifier: GPL-2.0
/*
 * The "vgate_garp" generic netlink family: settings and per-interface
 * counters of the gratuitous-ARP policy.  The contract is documented in
 * include/uapi/linux/vgate.h.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "garp.h"
#include "../kernel/config.h"
#include "../kernel/fault.h"

static const struct nla_policy cfg_policy[VGATE_GARP_CFG_A_MAX + 1] = {
	[VGATE_GARP_CFG_A_ACTIVE] = NLA_POLICY_MAX(NLA_U8, 1),
	[VGATE_GARP_CFG_A_FORCE_UPDATE] = NLA_POLICY_MAX(NLA_U8, 1),
	[VGATE_GARP_CFG_A_RATE_LIMIT] = NLA_POLICY_MAX(NLA_U32,
						       VGATE_GARP_RATE_LIMIT_MAX),
	[VGATE_GARP_CFG_A_VERIFY_TIMEOUT] =
		NLA_POLICY_RANGE(NLA_U32, VGATE_GARP_VERIFY_TIMEOUT_MIN,
				 VGATE_GARP_VERIFY_TIMEOUT_MAX),
	[VGATE_GARP_CFG_A_PENDING] = { .type = NLA_REJECT },
};

static const struct nla_policy if_policy[VGATE_GARP_IF_A_MAX + 1] = {
	[VGATE_GARP_IF_A_IFINDEX] = { .type = NLA_U32 },
	[VGATE_GARP_IF_A_IFNAME] = { .type = NLA_NUL_STRING,
				     .len = IFNAMSIZ - 1 },
	[VGATE_GARP_IF_A_ACTIVE] = NLA_POLICY_MAX(NLA_U8, VGATE_GARP_INHERIT),
	[VGATE_GARP_IF_A_FORCE_UPDATE] =
		NLA_POLICY_MAX(NLA_U8, VGATE_GARP_INHERIT),
	/* 0..VGATE_GARP_RATE_LIMIT_MAX or VGATE_GARP_RATE_INHERIT: garp_set_if() */
	[VGATE_GARP_IF_A_RATE_LIMIT] = { .type = NLA_U32 },
	[VGATE_GARP_IF_A_EFF_ACTIVE] = { .type = NLA_REJECT },
	[VGATE_GARP_IF_A_EFF_FORCE_UPDATE] = { .type = NLA_REJECT },
	[VGATE_GARP_IF_A_EFF_RATE_LIMIT] = { .type = NLA_REJECT },
	[VGATE_GARP_IF_A_COUNTERS] = { .type = NLA_REJECT },
};

static const struct nla_policy garp_policy[VGATE_GARP_A_MAX + 1] = {
	[VGATE_GARP_A_GLOBAL] = NLA_POLICY_NESTED(cfg_policy),
	[VGATE_GARP_A_IF] = NLA_POLICY_NESTED(if_policy),
};

static struct genl_family garp_family;

/* ---- replies ---- */

static int garp_fill_global(struct sk_buff *skb, struct garp_net *gn)
{
	struct nlattr *nest = nla_nest_start(skb, VGATE_GARP_A_GLOBAL);
	unsigned int npending;

	if (!nest)
		return -EMSGSIZE;
	spin_lock_bh(&gn->lock);
	npending = gn->npending;
	spin_unlock_bh(&gn->lock);
	if (nla_put_u8(skb, VGATE_GARP_CFG_A_ACTIVE, READ_ONCE(gn->cfg.active)) ||
	    nla_put_u8(skb, VGATE_GARP_CFG_A_FORCE_UPDATE,
		       READ_ONCE(gn->cfg.force_update)) ||
	    nla_put_u32(skb, VGATE_GARP_CFG_A_RATE_LIMIT,
			READ_ONCE(gn->cfg.rate_limit)) ||
	    nla_put_u32(skb, VGATE_GARP_CFG_A_VERIFY_TIMEOUT,
			READ_ONCE(gn->cfg.verify_timeout)) ||
	    nla_put_u32(skb, VGATE_GARP_CFG_A_PENDING, npending)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static u8 garp_switch_attr(s8 v)
{
	return v == GARP_INHERIT ? VGATE_GARP_INHERIT : v;
}

/* Under RCU. */
static int garp_fill_if(struct sk_buff *skb, struct garp_net *gn,
			struct garp_if *gi, const struct net_device *dev)
{
	struct nlattr *nest, *cnt;
	int c;

	nest = nla_nest_start(skb, VGATE_GARP_A_IF);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VGATE_GARP_IF_A_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, VGATE_GARP_IF_A_IFNAME, dev->name) ||
	    nla_put_u8(skb, VGATE_GARP_IF_A_ACTIVE,
		       garp_switch_attr(READ_ONCE(gi->active))) ||
	    nla_put_u8(skb, VGATE_GARP_IF_A_FORCE_UPDATE,
		       garp_switch_attr(READ_ONCE(gi->force_update))) ||
	    nla_put_u32(skb, VGATE_GARP_IF_A_RATE_LIMIT,
			READ_ONCE(gi->rate_limit)) ||
	    nla_put_u8(skb, VGATE_GARP_IF_A_EFF_ACTIVE,
		       garp_eff_active(gn, gi)) ||
	    nla_put_u8(skb, VGATE_GARP_IF_A_EFF_FORCE_UPDATE,
		       garp_eff_force(gn, gi)) ||
	    nla_put_u32(skb, VGATE_GARP_IF_A_EFF_RATE_LIMIT,
			garp_eff_rate(gn, gi)))
		goto cancel;
	cnt = nla_nest_start(skb, VGATE_GARP_IF_A_COUNTERS);
	if (!cnt)
		goto cancel;
	for (c = VGATE_GARP_CNT_SEEN; c <= VGATE_GARP_CNT_MAX; c++)
		if (nla_put_u64_64bit(skb, c, garp_cnt_read(gi, c),
				      VGATE_GARP_CNT_PAD))
			goto cancel;
	nla_nest_end(skb, cnt);
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* ---- requests ---- */

static int garp_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct garp_net *gn = garp_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = vgate_fault_ptr(nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL));
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &garp_family, 0,
				VGATE_GARP_CMD_GET);
	err = -EMSGSIZE;
	if (!hdr || garp_fill_global(msg, gn))
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return err;
}

/* ---- transactions ---- */

/*
 * The transaction a SET from @portid edits, under cfg_lock: the open one
 * if @portid owns it, NULL if none is open (the SET writes the running
 * settings), -EBUSY if another socket holds one.
 */
static struct garp_txn *garp_txn_owned(struct garp_net *gn, u32 portid,
				       struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&gn->cfg_lock);
	if (gn->txn && gn->txn->portid != portid) {
		NL_SET_ERR_MSG(extack, "another socket has a transaction open");
		return ERR_PTR(-EBUSY);
	}
	return gn->txn;
}

void garp_txn_free(struct garp_net *gn)
{
	struct garp_txn *txn = gn->txn;
	struct garp_txn_if *ti, *tmp;

	lockdep_assert_held(&gn->cfg_lock);
	if (!txn)
		return;
	list_for_each_entry_safe(ti, tmp, &txn->ifs, list)
		kfree(ti);
	kfree(txn);
	gn->txn = NULL;
}

/* Write what the transaction set; cannot fail. */
static void garp_txn_apply(struct garp_net *gn, struct garp_txn *txn)
{
	struct garp_txn_if *ti;
	struct garp_if *gi;

	if (txn->cfg_set & BIT(VGATE_GARP_CFG_A_ACTIVE))
		WRITE_ONCE(gn->cfg.active, txn->cfg.active);
	if (txn->cfg_set & BIT(VGATE_GARP_CFG_A_FORCE_UPDATE))
		WRITE_ONCE(gn->cfg.force_update, txn->cfg.force_update);
	if (txn->cfg_set & BIT(VGATE_GARP_CFG_A_RATE_LIMIT))
		WRITE_ONCE(gn->cfg.rate_limit, txn->cfg.rate_limit);
	if (txn->cfg_set & BIT(VGATE_GARP_CFG_A_VERIFY_TIMEOUT))
		WRITE_ONCE(gn->cfg.verify_timeout, txn->cfg.verify_timeout);
	rcu_read_lock();
	list_for_each_entry(ti, &txn->ifs, list) {
		gi = garp_if_get(gn, ti->ifindex);
		if (!gi)
			continue;	/* unregistered since: nothing to set */
		if (ti->set & BIT(VGATE_GARP_IF_A_ACTIVE))
			WRITE_ONCE(gi->active, ti->active);
		if (ti->set & BIT(VGATE_GARP_IF_A_FORCE_UPDATE))
			WRITE_ONCE(gi->force_update, ti->force_update);
		if (ti->set & BIT(VGATE_GARP_IF_A_RATE_LIMIT))
			WRITE_ONCE(gi->rate_limit, ti->rate_limit);
	}
	rcu_read_unlock();
}

static int garp_nl_txn_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct garp_net *gn = garp_net(genl_info_net(info));
	struct garp_txn *txn;
	int err = 0;

	txn = vgate_fault_ptr(kzalloc(sizeof(*txn), GFP_KERNEL));
	if (!txn)
		return -ENOMEM;
	txn->portid = info->snd_portid;
	INIT_LIST_HEAD(&txn->ifs);
	mutex_lock(&gn->cfg_lock);
	if (gn->txn) {
		NL_SET_ERR_MSG(info->extack, "a transaction is already open");
		err = -EBUSY;
	} else {
		txn->cfg = gn->cfg;
		gn->txn = txn;
		txn = NULL;
	}
	mutex_unlock(&gn->cfg_lock);
	kfree(txn);
	return err;
}

/* TXN_COMMIT and TXN_ABORT. */
static int garp_nl_txn_end(struct sk_buff *skb, struct genl_info *info)
{
	struct garp_net *gn = garp_net(genl_info_net(info));
	int err = 0;

	mutex_lock(&gn->cfg_lock);
	if (!gn->txn || gn->txn->portid != info->snd_portid) {
		NL_SET_ERR_MSG(info->extack, "this socket has no open transaction");
		err = -ENOENT;
	} else {
		if (info->genlhdr->cmd == VGATE_GARP_CMD_TXN_COMMIT)
			garp_txn_apply(gn, gn->txn);
		garp_txn_free(gn);
	}
	mutex_unlock(&gn->cfg_lock);
	return err;
}

/* A transaction dies with the socket that opened it. */
static int garp_nl_notify(struct notifier_block *nb, unsigned long event,
			  void *ptr)
{
	struct netlink_notify *n = ptr;
	struct garp_net *gn;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	gn = garp_net(n->net);
	/* Every generic netlink socket ends here: skip the lock if we can. */
	if (!READ_ONCE(gn->txn))
		return NOTIFY_DONE;
	mutex_lock(&gn->cfg_lock);
	if (gn->txn && gn->txn->portid == n->portid)
		garp_txn_free(gn);
	mutex_unlock(&gn->cfg_lock);
	return NOTIFY_DONE;
}

static struct notifier_block garp_nl_notifier = {
	.notifier_call = garp_nl_notify,
};

/* ---- SET ---- */

static int garp_set_global(struct garp_net *gn, u32 portid,
			   struct nlattr *nest, struct netlink_ext_ack *extack)
{
	static const int attrs[] = {
		VGATE_GARP_CFG_A_ACTIVE, VGATE_GARP_CFG_A_FORCE_UPDATE,
		VGATE_GARP_CFG_A_RATE_LIMIT, VGATE_GARP_CFG_A_VERIFY_TIMEOUT,
	};
	struct nlattr *tb[VGATE_GARP_CFG_A_MAX + 1];
	u32 val[ARRAY_SIZE(attrs)];
	struct garp_txn *txn;
	struct garp_cfg *cfg;
	int i, err;

	err = nla_parse_nested(tb, VGATE_GARP_CFG_A_MAX, nest, cfg_policy,
			       extack);
	if (err)
		return err;
	/* Check everything first: a bad value changes nothing. */
	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		struct nlattr *a = tb[attrs[i]];

		if (!a)
			continue;
		val[i] = nla_len(a) == sizeof(u8) ? nla_get_u8(a) :
						    nla_get_u32(a);
		if (garp_cfg_check(attrs[i], val[i])) {
			NL_SET_ERR_MSG_ATTR(extack, a, "value out of range");
			return -ERANGE;
		}
	}
	mutex_lock(&gn->cfg_lock);
	txn = garp_txn_owned(gn, portid, extack);
	if (IS_ERR(txn)) {
		mutex_unlock(&gn->cfg_lock);
		return PTR_ERR(txn);
	}
	cfg = txn ? &txn->cfg : &gn->cfg;
	{
		u32 *fields[] = {
			&cfg->active, &cfg->force_update, &cfg->rate_limit,
			&cfg->verify_timeout,
		};

		for (i = 0; i < ARRAY_SIZE(attrs); i++) {
			if (!tb[attrs[i]])
				continue;
			WRITE_ONCE(*fields[i], val[i]);
			if (txn)
				txn->cfg_set |= BIT(attrs[i]);
		}
	}
	mutex_unlock(&gn->cfg_lock);
	return 0;
}

/* The device named by IFINDEX or IFNAME in @tb; under RCU. */
static struct net_device *garp_nl_dev(struct net *net, struct nlattr **tb,
				      struct nlattr *nest,
				      struct netlink_ext_ack *extack)
{
	struct net_device *dev = NULL;

	if (tb[VGATE_GARP_IF_A_IFINDEX]) {
		dev = dev_get_by_index_rcu(net,
					   nla_get_u32(tb[VGATE_GARP_IF_A_IFINDEX]));
		if (!dev)
			NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_GARP_IF_A_IFINDEX],
					    "no such interface");
	} else if (tb[VGATE_GARP_IF_A_IFNAME]) {
		dev = dev_get_by_name_rcu(net,
					  nla_data(tb[VGATE_GARP_IF_A_IFNAME]));
		if (!dev)
			NL_SET_ERR_MSG_ATTR(extack, tb[VGATE_GARP_IF_A_IFNAME],
					    "no such interface");
	} else {
		NL_SET_ERR_ATTR_MISS(extack, nest, VGATE_GARP_IF_A_IFINDEX);
		NL_SET_ERR_MSG(extack, "IFINDEX or IFNAME required");
		return ERR_PTR(-EINVAL);
	}
	return dev ?: ERR_PTR(-ENODEV);
}

/* The garp_if of an interface named in @nest, or an ERR_PTR; under RCU. */
static struct garp_if *garp_nl_if(struct garp_net *gn, struct nlattr **tb,
				  struct nlattr *nest,
				  struct net_device **devp,
				  struct netlink_ext_ack *extack)
{
	struct net_device *dev = garp_nl_dev(gn->net, tb, nest, extack);
	struct garp_if *gi;

	if (IS_ERR(dev))
		return ERR_CAST(dev);
	gi = garp_if_get(gn, dev->ifindex);
	if (!gi) {
		NL_SET_ERR_MSG(extack, "not an Ethernet interface");
		return ERR_PTR(-EOPNOTSUPP);
	}
	*devp = dev;
	return gi;
}

static s8 garp_switch_val(u8 v)
{
	return v == VGATE_GARP_INHERIT ? GARP_INHERIT : v;
}

/* The transaction's record of interface @ifindex, or @spare made it. */
static struct garp_txn_if *garp_txn_if(struct garp_txn *txn, int ifindex,
				       struct garp_txn_if **spare)
{
	struct garp_txn_if *ti;

	list_for_each_entry(ti, &txn->ifs, list)
		if (ti->ifindex == ifindex)
			return ti;
	ti = *spare;
	if (!ti)
		return NULL;
	*spare = NULL;
	ti->ifindex = ifindex;
	list_add_tail(&ti->list, &txn->ifs);
	return ti;
}

static int garp_set_if(struct garp_net *gn, u32 portid, struct nlattr *nest,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VGATE_GARP_IF_A_MAX + 1];
	struct garp_txn_if *spare, *ti;
	struct nlattr *active, *force, *rate;
	struct garp_txn *txn;
	struct net_device *dev;
	struct garp_if *gi;
	int err;

	err = nla_parse_nested(tb, VGATE_GARP_IF_A_MAX, nest, if_policy,
			       extack);
	if (err)
		return err;
	active = tb[VGATE_GARP_IF_A_ACTIVE];
	force = tb[VGATE_GARP_IF_A_FORCE_UPDATE];
	rate = tb[VGATE_GARP_IF_A_RATE_LIMIT];
	if (rate && nla_get_u32(rate) != VGATE_GARP_RATE_INHERIT &&
	    garp_cfg_check(VGATE_GARP_CFG_A_RATE_LIMIT, nla_get_u32(rate))) {
		NL_SET_ERR_MSG_ATTR(extack, rate, "value out of range");
		return -ERANGE;
	}
	/* For a transaction: its record of the interface, made here. */
	spare = vgate_fault_ptr(kzalloc(sizeof(*spare), GFP_KERNEL));
	mutex_lock(&gn->cfg_lock);
	rcu_read_lock();
	txn = garp_txn_owned(gn, portid, extack);
	if (IS_ERR(txn)) {
		err = PTR_ERR(txn);
		goto out;
	}
	gi = garp_nl_if(gn, tb, nest, &dev, extack);
	if (IS_ERR(gi)) {
		err = PTR_ERR(gi);
		goto out;
	}
	if (txn) {
		ti = garp_txn_if(txn, dev->ifindex, &spare);
		if (!ti) {
			err = -ENOMEM;
			goto out;
		}
		if (active)
			ti->active = garp_switch_val(nla_get_u8(active));
		if (force)
			ti->force_update = garp_switch_val(nla_get_u8(force));
		if (rate)
			ti->rate_limit = nla_get_u32(rate);
		ti->set |= (active ? BIT(VGATE_GARP_IF_A_ACTIVE) : 0) |
			   (force ? BIT(VGATE_GARP_IF_A_FORCE_UPDATE) : 0) |
			   (rate ? BIT(VGATE_GARP_IF_A_RATE_LIMIT) : 0);
		goto out;
	}
	if (active)
		WRITE_ONCE(gi->active, garp_switch_val(nla_get_u8(active)));
	if (force)
		WRITE_ONCE(gi->force_update, garp_switch_val(nla_get_u8(force)));
	if (rate)
		WRITE_ONCE(gi->rate_limit, nla_get_u32(rate));
out:
	rcu_read_unlock();
	mutex_unlock(&gn->cfg_lock);
	kfree(spare);
	return err;
}

static int garp_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct garp_net *gn = garp_net(genl_info_net(info));
	struct nlattr **attrs = info->attrs;

	if (!!attrs[VGATE_GARP_A_GLOBAL] == !!attrs[VGATE_GARP_A_IF]) {
		NL_SET_ERR_MSG(info->extack,
			       "exactly one of GLOBAL and IF required");
		return -EINVAL;
	}
	if (attrs[VGATE_GARP_A_GLOBAL])
		return garp_set_global(gn, info->snd_portid,
				       attrs[VGATE_GARP_A_GLOBAL], info->extack);
	return garp_set_if(gn, info->snd_portid, attrs[VGATE_GARP_A_IF],
			   info->extack);
}

static int garp_nl_if_get(struct sk_buff *skb, struct genl_info *info)
{
	struct garp_net *gn = garp_net(genl_info_net(info));
	struct nlattr *nest = info->attrs[VGATE_GARP_A_IF];
	struct nlattr *tb[VGATE_GARP_IF_A_MAX + 1];
	struct net_device *dev;
	struct garp_if *gi;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (!nest) {
		GENL_SET_ERR_MSG(info, "IF required (or NLM_F_DUMP)");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, VGATE_GARP_IF_A_MAX, nest, if_policy,
			       info->extack);
	if (err)
		return err;
	msg = vgate_fault_ptr(nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL));
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &garp_family, 0,
				VGATE_GARP_CMD_IF_GET);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err;
	}
	rcu_read_lock();
	gi = garp_nl_if(gn, tb, nest, &dev, info->extack);
	err = IS_ERR(gi) ? PTR_ERR(gi) : garp_fill_if(msg, gn, gi, dev);
	rcu_read_unlock();
	if (err)
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return err;
}

/* cb->args[0]: the next ifindex to report. */
static int garp_nl_if_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct garp_net *gn = garp_net(sock_net(skb->sk));
	unsigned long idx = cb->args[0];
	struct net_device *dev;
	struct garp_if *gi;
	int err = 0;
	void *hdr;

	rcu_read_lock();
	xa_for_each_start(&gn->ifs, idx, gi, cb->args[0]) {
		dev = dev_get_by_index_rcu(gn->net, idx);
		if (!dev)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &garp_family, NLM_F_MULTI,
				  VGATE_GARP_CMD_IF_GET);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		err = garp_fill_if(skb, gn, gi, dev);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = idx + 1;
	}
	rcu_read_unlock();
	/* A full message: more next time; an empty one: it does not fit. */
	if (err && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/* vgate.ko's userns_admin setting: for every request, reads included. */
static int garp_nl_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			    struct genl_info *info)
{
	return vgate_userns_check(skb, genl_info_net(info), info->extack);
}

static int garp_nl_dump_start(struct netlink_callback *cb)
{
	return vgate_userns_check(cb->skb, sock_net(cb->skb->sk), cb->extack);
}

static const struct genl_ops garp_ops[] = {
	{ .cmd = VGATE_GARP_CMD_GET, .doit = garp_nl_get,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_GARP_CMD_SET, .doit = garp_nl_set,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_GARP_CMD_IF_GET, .doit = garp_nl_if_get,
	  .dumpit = garp_nl_if_dump, .start = garp_nl_dump_start,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_GARP_CMD_TXN_BEGIN, .doit = garp_nl_txn_begin,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_GARP_CMD_TXN_COMMIT, .doit = garp_nl_txn_end,
	  .flags = GENL_UNS_ADMIN_PERM },
	{ .cmd = VGATE_GARP_CMD_TXN_ABORT, .doit = garp_nl_txn_end,
	  .flags = GENL_UNS_ADMIN_PERM },
};

static struct genl_family garp_family __ro_after_init = {
	.name = VGATE_GARP_GENL_NAME,
	.version = VGATE_GARP_GENL_VERSION,
	.maxattr = VGATE_GARP_A_MAX,
	.policy = garp_policy,
	.netnsok = true,
	.pre_doit = garp_nl_pre_doit,
	.module = THIS_MODULE,
	.ops = garp_ops,
	.n_ops = ARRAY_SIZE(garp_ops),
};

int __init garp_genl_init(void)
{
	int err = genl_register_family(&garp_family);

	if (err)
		return err;
	err = netlink_register_notifier(&garp_nl_notifier);
	if (err)
		genl_unregister_family(&garp_family);
	return err;
}

void garp_genl_uninit(void)
{
	netlink_unregister_notifier(&garp_nl_notifier);
	genl_unregister_family(&garp_family);
}

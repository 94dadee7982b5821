// SPDX-License-Identifier: GPL-2.0
/*
 * The knobs of a namespace.  sysfs is not namespaced, so a file under
 * /sys/kernel/vgate/ acts on the network namespace of the process that
 * reads or writes it (ip netns exec NAME cat /sys/kernel/vgate/...).
 */
#include <linux/kobject.h>
#include <linux/export.h>
#include <linux/sysfs.h>
#include <linux/capability.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/moduleparam.h>
#include <linux/user_namespace.h>
#include <linux/netlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "netns.h"
#include "config.h"

unsigned int vgate_default_replay_window = VGATE_REPLAY_WINDOW_DEFAULT;
unsigned int vgate_default_max_sas = VGATE_MAX_SAS_DEFAULT;

/*
 * Every knob is a u32 in struct vgate_config; on the wire u8 or u32.  A
 * knob with @names shows its value's name in sysfs and takes the name or
 * the number; a u8 switch (0..1) without names also takes on/off.
 */
struct knob {
	const char *name;
	int attr;
	bool nla_u8;
	u32 min, max;
	size_t offset;
	const char *const *names;	/* indexed by value */
};

static const char *const post_default_names[] = {
	[0] = "-",	/* a NULL would end sysfs_match_string()'s search */
	[VGATE_ACTION_PASS] = "pass",
	[VGATE_ACTION_DROP] = "drop",
};

static const struct knob knobs[] = {
	{ "replay_window", VGATE_CFG_A_REPLAY_WINDOW, false,
	  VGATE_REPLAY_WINDOW_MIN, VGATE_REPLAY_WINDOW_MAX,
	  offsetof(struct vgate_config, replay_window) },
	{ "max_sas", VGATE_CFG_A_MAX_SAS, false,
	  VGATE_MAX_SAS_MIN, VGATE_MAX_SAS_MAX,
	  offsetof(struct vgate_config, max_sas) },
	{ "drop_log", VGATE_CFG_A_DROP_LOG, true, 0, 1,
	  offsetof(struct vgate_config, drop_log) },
	{ "swskip_overlap", VGATE_CFG_A_SWSKIP_OVERLAP, true, 0, 1,
	  offsetof(struct vgate_config, swskip_overlap) },
	{ "post_default", VGATE_CFG_A_POST_DEFAULT, true, VGATE_ACTION_PASS,
	  VGATE_ACTION_DROP, offsetof(struct vgate_config, post_default),
	  post_default_names },
	{ "acquire_timeout", VGATE_CFG_A_ACQUIRE_TIMEOUT, false,
	  VGATE_ACQUIRE_TIMEOUT_MIN, VGATE_ACQUIRE_TIMEOUT_MAX,
	  offsetof(struct vgate_config, acquire_timeout) },
	{ "acquire_queue", VGATE_CFG_A_ACQUIRE_QUEUE, false,
	  VGATE_ACQUIRE_QUEUE_MIN, VGATE_ACQUIRE_QUEUE_MAX,
	  offsetof(struct vgate_config, acquire_queue) },
	{ "natt_keepalive", VGATE_CFG_A_NATT_KEEPALIVE, false,
	  VGATE_NATT_KEEPALIVE_MIN, VGATE_NATT_KEEPALIVE_MAX,
	  offsetof(struct vgate_config, natt_keepalive) },
};

static u32 *knob_ptr(struct vgate_config *cfg, const struct knob *k)
{
	return (u32 *)((u8 *)cfg + k->offset);
}

static u32 knob_get(struct vgate_config *cfg, const struct knob *k)
{
	return READ_ONCE(*knob_ptr(cfg, k));
}

static void knob_set(struct vgate_config *cfg, const struct knob *k, u32 v)
{
	WRITE_ONCE(*knob_ptr(cfg, k), v);
}

void vgate_config_defaults(struct vgate_config *cfg)
{
	cfg->replay_window = clamp_t(u32, vgate_default_replay_window,
				     VGATE_REPLAY_WINDOW_MIN,
				     VGATE_REPLAY_WINDOW_MAX);
	cfg->max_sas = clamp_t(u32, vgate_default_max_sas, VGATE_MAX_SAS_MIN,
			       VGATE_MAX_SAS_MAX);
	cfg->drop_log = 0;
	cfg->swskip_overlap = 0;
	cfg->post_default = VGATE_ACTION_PASS;
	cfg->acquire_timeout = VGATE_ACQUIRE_TIMEOUT_DEFAULT;
	cfg->acquire_queue = VGATE_ACQUIRE_QUEUE_DEFAULT;
	cfg->natt_keepalive = VGATE_NATT_KEEPALIVE_DEFAULT;
}

const struct nla_policy vgate_config_policy[VGATE_CFG_A_MAX + 1] = {
	[VGATE_CFG_A_REPLAY_WINDOW] = { .type = NLA_U32 },
	[VGATE_CFG_A_MAX_SAS] = { .type = NLA_U32 },
	[VGATE_CFG_A_DROP_LOG] = { .type = NLA_U8 },
	[VGATE_CFG_A_SWSKIP_OVERLAP] = { .type = NLA_U8 },
	[VGATE_CFG_A_POST_DEFAULT] = { .type = NLA_U8 },
	[VGATE_CFG_A_ACQUIRE_TIMEOUT] = { .type = NLA_U32 },
	[VGATE_CFG_A_ACQUIRE_QUEUE] = { .type = NLA_U32 },
	[VGATE_CFG_A_NATT_KEEPALIVE] = { .type = NLA_U32 },
};

void vgate_config_apply(struct vgate_config *dst,
			const struct vgate_config *src, u32 mask)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		if (mask & BIT(i))
			knob_set(dst, &knobs[i],
				 *knob_ptr((struct vgate_config *)src,
					   &knobs[i]));
}

int vgate_config_set(struct vgate_config *cfg, u32 *mask,
		     const struct nlattr *nest, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VGATE_CFG_A_MAX + 1];
	u32 val[ARRAY_SIZE(knobs)];
	int i, err;

	err = nla_parse_nested(tb, VGATE_CFG_A_MAX, nest, vgate_config_policy,
			       extack);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		const struct nlattr *a = tb[knobs[i].attr];

		if (!a)
			continue;
		val[i] = knobs[i].nla_u8 ? nla_get_u8(a) : nla_get_u32(a);
		if (val[i] < knobs[i].min || val[i] > knobs[i].max) {
			NL_SET_ERR_MSG_ATTR(extack, a, "knob value out of range");
			return -ERANGE;
		}
	}
	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		if (!tb[knobs[i].attr])
			continue;
		knob_set(cfg, &knobs[i], val[i]);
		*mask |= BIT(i);
	}
	return 0;
}

int vgate_config_fill(struct vgate_net *vn, struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, VGATE_A_CONFIG);
	int i, err = 0;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(knobs) && !err; i++) {
		u32 v = knob_get(&vn->cfg, &knobs[i]);

		err = knobs[i].nla_u8 ?
		      nla_put_u8(skb, knobs[i].attr, v) :
		      nla_put_u32(skb, knobs[i].attr, v);
	}
	if (err) {
		nla_nest_cancel(skb, nest);
		return err;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Who may configure vgate in a network namespace owned by a user namespace
 * other than the initial one (a container, "unshare -Urn").  Off by
 * default: then only a process with CAP_NET_ADMIN in the initial user
 * namespace may (as GENL_ADMIN_PERM), because everything vgate parses and
 * computes from a request would otherwise be reachable by any user who
 * can create a user namespace.  On: CAP_NET_ADMIN in the user namespace
 * that owns the network namespace suffices (GENL_UNS_ADMIN_PERM).  One
 * setting for the machine, not per namespace: the module parameter
 * userns_admin at load time, /sys/kernel/vgate/userns_admin later; both
 * take 0, 1, off, on.  vgate_garp.ko and vgate_bwm.ko follow it.
 */
static bool vgate_userns_admin;

static int userns_admin_parse(const char *buf, bool *v)
{
	u32 n;

	if (sysfs_streq(buf, "on") || sysfs_streq(buf, "off")) {
		*v = sysfs_streq(buf, "on");
		return 0;
	}
	if (kstrtou32(buf, 10, &n))
		return -EINVAL;
	if (n > 1)
		return -ERANGE;
	*v = n;
	return 0;
}

static int userns_admin_param_set(const char *val,
				  const struct kernel_param *kp)
{
	bool v;
	int err = userns_admin_parse(val, &v);

	if (!err)
		WRITE_ONCE(vgate_userns_admin, v);
	return err;
}

static int userns_admin_param_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(vgate_userns_admin));
}

static const struct kernel_param_ops userns_admin_ops = {
	.set = userns_admin_param_set,
	.get = userns_admin_param_get,
};

module_param_cb(userns_admin, &userns_admin_ops, NULL, 0444);
MODULE_PARM_DESC(userns_admin,
		 "Let CAP_NET_ADMIN in the user namespace owning a network namespace configure vgate there (0, default: only CAP_NET_ADMIN in the initial user namespace); also /sys/kernel/vgate/userns_admin");

int vgate_userns_check(struct sk_buff *skb, struct net *net,
		       struct netlink_ext_ack *extack)
{
	if (net->user_ns == &init_user_ns || READ_ONCE(vgate_userns_admin) ||
	    netlink_capable(skb, CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG(extack,
		       "network namespace of a user namespace: needs CAP_NET_ADMIN in the initial user namespace (userns_admin is off)");
	return -EPERM;
}
EXPORT_SYMBOL_GPL(vgate_userns_check);

/* sysfs */

static struct kobject *vgate_kobj;

static ssize_t userns_admin_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(vgate_userns_admin));
}

static ssize_t userns_admin_store(struct kobject *kobj,
				  struct kobj_attribute *attr,
				  const char *buf, size_t count)
{
	bool v;
	int err;

	/* a setting for every namespace: the initial user namespace's */
	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	err = userns_admin_parse(buf, &v);
	if (err)
		return err;
	WRITE_ONCE(vgate_userns_admin, v);
	return count;
}

static struct kobj_attribute userns_admin_attr =
	__ATTR(userns_admin, 0644, userns_admin_show, userns_admin_store);

static const struct knob *attr_knob(const struct kobj_attribute *attr)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		if (!strcmp(attr->attr.name, knobs[i].name))
			return &knobs[i];
	return NULL;
}

static ssize_t knob_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	const struct knob *k = attr_knob(attr);
	struct vgate_net *vn = vgate_net(current->nsproxy->net_ns);
	u32 v = knob_get(&vn->cfg, k);

	if (k->names)
		return sysfs_emit(buf, "%s\n", k->names[v]);
	return sysfs_emit(buf, "%u\n", v);
}

static ssize_t knob_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	const struct knob *k = attr_knob(attr);
	struct net *net = current->nsproxy->net_ns;
	struct vgate_net *vn = vgate_net(net);
	int err = 0;
	u32 v;

	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	/* Decimal, like netlink's integers; switches also take on/off. */
	if (k->names && __sysfs_match_string(k->names, k->max + 1, buf) >= 0)
		v = __sysfs_match_string(k->names, k->max + 1, buf);
	else if (!k->names && k->nla_u8 && k->max == 1 &&
		 (sysfs_streq(buf, "on") || sysfs_streq(buf, "off")))
		v = sysfs_streq(buf, "on");
	else if (kstrtou32(buf, 10, &v))
		return -EINVAL;
	if (v < k->min || v > k->max)
		return -ERANGE;
	mutex_lock(&vn->lock);
	/* A transaction being built elsewhere would overwrite the knob. */
	if (vn->txn)
		err = -EBUSY;
	else
		knob_set(&vn->cfg, k, v);
	mutex_unlock(&vn->lock);
	return err ?: count;
}

static struct kobj_attribute knob_attrs[ARRAY_SIZE(knobs)];
static struct attribute *vgate_attrs[ARRAY_SIZE(knobs) + 2];
static const struct attribute_group vgate_attr_group = {
	.attrs = vgate_attrs,
};

int vgate_sysfs_init(void)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		sysfs_attr_init(&knob_attrs[i].attr);
		knob_attrs[i].attr.name = knobs[i].name;
		knob_attrs[i].attr.mode = 0644;
		knob_attrs[i].show = knob_show;
		knob_attrs[i].store = knob_store;
		vgate_attrs[i] = &knob_attrs[i].attr;
	}
	vgate_attrs[i] = &userns_admin_attr.attr;
	vgate_kobj = kobject_create_and_add("vgate", kernel_kobj);
	if (!vgate_kobj)
		return -ENOMEM;
	err = sysfs_create_group(vgate_kobj, &vgate_attr_group);
	if (err)
		kobject_put(vgate_kobj);
	return err;
}

void vgate_sysfs_uninit(void)
{
	kobject_put(vgate_kobj);
}

/*
 * /sys/kernel/vgate, for the modules beside vgate.ko (vgate_garp.ko puts
 * its knobs in garp/ below it).  Lives as long as vgate.ko, which every
 * user depends on.
 */
struct kobject *vgate_sysfs_root(void)
{
	return vgate_kobj;
}
EXPORT_SYMBOL_GPL(vgate_sysfs_root);

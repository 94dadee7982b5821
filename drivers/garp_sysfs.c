// SPDX-License-Identifier: GPL-2.0
/*
 * The gratuitous-ARP settings as files:
 *
 *   /sys/kernel/vgate/garp/{active,force_update,rate_limit,verify_timeout}
 *	the namespace of the process that reads or writes (like vgate.ko's
 *	knobs: ip netns exec NAME ...)
 *   /sys/class/net/IF/vgate_garp/{active,force_update,rate_limit}
 *	that interface's overrides; "inherit" drops one
 *
 * Values are validated like netlink's (garp_cfg_check()); a bad one is
 * refused with -EINVAL or -ERANGE and changes nothing.
 */
#include <linux/capability.h>
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>

#include "garp.h"
#include "../kernel/config.h"

#define GARP_PARSED_INHERIT	U32_MAX

static const char *const active_words[] = { "no", "yes" };
static const char *const force_words[] = { "off", "on" };

/* The netlink attribute a file name stands for. */
static int garp_file_attr(const char *name)
{
	if (!strcmp(name, "active"))
		return VGATE_GARP_CFG_A_ACTIVE;
	if (!strcmp(name, "force_update"))
		return VGATE_GARP_CFG_A_FORCE_UPDATE;
	if (!strcmp(name, "rate_limit"))
		return VGATE_GARP_CFG_A_RATE_LIMIT;
	return VGATE_GARP_CFG_A_VERIFY_TIMEOUT;
}

static const char *const *garp_words(int attr)
{
	if (attr == VGATE_GARP_CFG_A_ACTIVE)
		return active_words;
	if (attr == VGATE_GARP_CFG_A_FORCE_UPDATE)
		return force_words;
	return NULL;
}

/* yes/no (on/off for force_update), a number, or, per interface, inherit. */
static int garp_parse(int attr, const char *buf, bool inherit, u32 *val)
{
	const char *const *words = garp_words(attr);
	int i;

	if (inherit && sysfs_streq(buf, "inherit")) {
		*val = GARP_PARSED_INHERIT;
		return 0;
	}
	if (words) {
		i = __sysfs_match_string(words, 2, buf);
		if (i >= 0) {
			*val = i;
			return 0;
		}
	}
	if (kstrtou32(buf, 10, val))
		return -EINVAL;
	return garp_cfg_check(attr, *val);
}

static ssize_t garp_emit(char *buf, int attr, u32 v)
{
	const char *const *words = garp_words(attr);

	return words ? sysfs_emit(buf, "%s\n", words[v]) :
		       sysfs_emit(buf, "%u\n", v);
}

/* ---- global ---- */

static u32 *garp_cfg_field(struct garp_cfg *cfg, int attr)
{
	switch (attr) {
	case VGATE_GARP_CFG_A_ACTIVE:
		return &cfg->active;
	case VGATE_GARP_CFG_A_FORCE_UPDATE:
		return &cfg->force_update;
	case VGATE_GARP_CFG_A_RATE_LIMIT:
		return &cfg->rate_limit;
	}
	return &cfg->verify_timeout;
}

static ssize_t global_show(struct kobject *kobj, struct kobj_attribute *a,
			   char *buf)
{
	struct garp_net *gn = garp_net(current->nsproxy->net_ns);
	int attr = garp_file_attr(a->attr.name);

	return garp_emit(buf, attr, READ_ONCE(*garp_cfg_field(&gn->cfg, attr)));
}

static ssize_t global_store(struct kobject *kobj, struct kobj_attribute *a,
			    const char *buf, size_t count)
{
	struct net *net = current->nsproxy->net_ns;
	struct garp_net *gn = garp_net(net);
	int attr = garp_file_attr(a->attr.name);
	u32 v;
	int err;

	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	err = garp_parse(attr, buf, false, &v);
	if (err)
		return err;
	mutex_lock(&gn->cfg_lock);
	/* A transaction owns the settings until it ends. */
	if (gn->txn)
		err = -EBUSY;
	else
		WRITE_ONCE(*garp_cfg_field(&gn->cfg, attr), v);
	mutex_unlock(&gn->cfg_lock);
	return err ?: count;
}

static struct kobj_attribute global_active =
	__ATTR(active, 0644, global_show, global_store);
static struct kobj_attribute global_force =
	__ATTR(force_update, 0644, global_show, global_store);
static struct kobj_attribute global_rate =
	__ATTR(rate_limit, 0644, global_show, global_store);
static struct kobj_attribute global_verify =
	__ATTR(verify_timeout, 0644, global_show, global_store);

static struct attribute *global_attrs[] = {
	&global_active.attr,
	&global_force.attr,
	&global_rate.attr,
	&global_verify.attr,
	NULL,
};

static const struct attribute_group global_group = {
	.attrs = global_attrs,
};

static struct kobject *garp_kobj;

int garp_sysfs_init(void)
{
	int err;

	garp_kobj = kobject_create_and_add("garp", vgate_sysfs_root());
	if (!garp_kobj)
		return -ENOMEM;
	err = sysfs_create_group(garp_kobj, &global_group);
	if (err)
		kobject_put(garp_kobj);
	return err;
}

void garp_sysfs_uninit(void)
{
	kobject_put(garp_kobj);
}

/* ---- per interface ---- */

static ssize_t if_show(struct device *d, struct device_attribute *a,
		       char *buf)
{
	struct net_device *dev = to_net_dev(d);
	int attr = garp_file_attr(a->attr.name);
	struct garp_if *gi;
	ssize_t ret = -ENODEV;
	s64 v;

	rcu_read_lock();
	gi = garp_if_get(garp_net(dev_net(dev)), dev->ifindex);
	if (gi) {
		if (attr == VGATE_GARP_CFG_A_ACTIVE)
			v = READ_ONCE(gi->active);
		else if (attr == VGATE_GARP_CFG_A_FORCE_UPDATE)
			v = READ_ONCE(gi->force_update);
		else if (READ_ONCE(gi->rate_limit) == VGATE_GARP_RATE_INHERIT)
			v = GARP_INHERIT;
		else
			v = READ_ONCE(gi->rate_limit);
		ret = v == GARP_INHERIT ? sysfs_emit(buf, "inherit\n") :
					  garp_emit(buf, attr, v);
	}
	rcu_read_unlock();
	return ret;
}

static ssize_t if_store(struct device *d, struct device_attribute *a,
			const char *buf, size_t count)
{
	struct net_device *dev = to_net_dev(d);
	struct net *net = dev_net(dev);
	struct garp_net *gn = garp_net(net);
	int attr = garp_file_attr(a->attr.name);
	struct garp_if *gi;
	int err;
	u32 v;

	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	err = garp_parse(attr, buf, true, &v);
	if (err)
		return err;
	mutex_lock(&gn->cfg_lock);
	rcu_read_lock();
	gi = garp_if_get(gn, dev->ifindex);
	if (!gi)
		err = -ENODEV;
	else if (gn->txn)
		err = -EBUSY;	/* a transaction owns the settings */
	else if (attr == VGATE_GARP_CFG_A_ACTIVE)
		WRITE_ONCE(gi->active,
			   v == GARP_PARSED_INHERIT ? GARP_INHERIT : v);
	else if (attr == VGATE_GARP_CFG_A_FORCE_UPDATE)
		WRITE_ONCE(gi->force_update,
			   v == GARP_PARSED_INHERIT ? GARP_INHERIT : v);
	else
		WRITE_ONCE(gi->rate_limit, v == GARP_PARSED_INHERIT ?
			   VGATE_GARP_RATE_INHERIT : v);
	rcu_read_unlock();
	mutex_unlock(&gn->cfg_lock);
	return err ?: count;
}

static struct device_attribute if_active =
	__ATTR(active, 0644, if_show, if_store);
static struct device_attribute if_force =
	__ATTR(force_update, 0644, if_show, if_store);
static struct device_attribute if_rate =
	__ATTR(rate_limit, 0644, if_show, if_store);

static struct attribute *if_attrs[] = {
	&if_active.attr,
	&if_force.attr,
	&if_rate.attr,
	NULL,
};

static const struct attribute_group if_group = {
	.name = "vgate_garp",
	.attrs = if_attrs,
};

/* Under RTNL, from the netdevice notifier. */
int garp_sysfs_add_if(struct net_device *dev)
{
	return sysfs_create_group(&dev->dev.kobj, &if_group);
}

void garp_sysfs_del_if(struct net_device *dev)
{
	sysfs_remove_group(&dev->dev.kobj, &if_group);
}

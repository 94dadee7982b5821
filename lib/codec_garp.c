// SPDX-License-Identifier: GPL-2.0
/*
 * libvgate codec for the family "vgate_garp": the global settings and an
 * interface's overrides and counters.  No I/O, no printing.
 */
#include <errno.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>

#include "codec.h"
#include "schema_tables.h"

int vg_garp_cfg_put(struct nl_msg *m, const struct vg_garp_cfg *cfg)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_GARP_A_GLOBAL);

	if (!nest ||
	    (cfg->has & VG_GARP_ACTIVE &&
	     nla_put_u8(m, VGATE_GARP_CFG_A_ACTIVE, cfg->active)) ||
	    (cfg->has & VG_GARP_FORCE_UPDATE &&
	     nla_put_u8(m, VGATE_GARP_CFG_A_FORCE_UPDATE, cfg->force_update)) ||
	    (cfg->has & VG_GARP_RATE_LIMIT &&
	     nla_put_u32(m, VGATE_GARP_CFG_A_RATE_LIMIT, cfg->rate_limit)) ||
	    (cfg->has & VG_GARP_VERIFY_TIMEOUT &&
	     nla_put_u32(m, VGATE_GARP_CFG_A_VERIFY_TIMEOUT,
			 cfg->verify_timeout)))
		return -EMSGSIZE;
	return nla_nest_end(m, nest);
}

int vg_garp_if_put(struct nl_msg *m, const struct vg_garp_if *ifc)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_GARP_A_IF);

	if (!nest)
		return -EMSGSIZE;
	if ((ifc->has & VG_GARP_IFINDEX &&
	     nla_put_u32(m, VGATE_GARP_IF_A_IFINDEX, ifc->ifindex)) ||
	    (ifc->has & VG_GARP_IFNAME &&
	     nla_put_string(m, VGATE_GARP_IF_A_IFNAME, ifc->ifname)) ||
	    (ifc->has & VG_GARP_ACTIVE &&
	     nla_put_u8(m, VGATE_GARP_IF_A_ACTIVE, ifc->active)) ||
	    (ifc->has & VG_GARP_FORCE_UPDATE &&
	     nla_put_u8(m, VGATE_GARP_IF_A_FORCE_UPDATE, ifc->force_update)) ||
	    (ifc->has & VG_GARP_RATE_LIMIT &&
	     nla_put_u32(m, VGATE_GARP_IF_A_RATE_LIMIT, ifc->rate_limit)))
		return -EMSGSIZE;
	return nla_nest_end(m, nest);
}

int vg_garp_cfg_get(struct nlattr *nest, struct vg_garp_cfg *cfg)
{
	struct nlattr *tb[VGATE_GARP_CFG_A_MAX + 1];
	int r;

	memset(cfg, 0, sizeof(*cfg));
	r = vg_nest_index(nest, garp_cfg_desc, VGATE_GARP_CFG_A_MAX, tb);
	if (r)
		return r;
	if (tb[VGATE_GARP_CFG_A_ACTIVE])
		cfg->active = nla_get_u8(tb[VGATE_GARP_CFG_A_ACTIVE]),
		cfg->has |= VG_GARP_ACTIVE;
	if (tb[VGATE_GARP_CFG_A_FORCE_UPDATE])
		cfg->force_update = nla_get_u8(tb[VGATE_GARP_CFG_A_FORCE_UPDATE]),
		cfg->has |= VG_GARP_FORCE_UPDATE;
	if (tb[VGATE_GARP_CFG_A_RATE_LIMIT])
		cfg->rate_limit = nla_get_u32(tb[VGATE_GARP_CFG_A_RATE_LIMIT]),
		cfg->has |= VG_GARP_RATE_LIMIT;
	if (tb[VGATE_GARP_CFG_A_VERIFY_TIMEOUT])
		cfg->verify_timeout =
			nla_get_u32(tb[VGATE_GARP_CFG_A_VERIFY_TIMEOUT]),
		cfg->has |= VG_GARP_VERIFY_TIMEOUT;
	if (tb[VGATE_GARP_CFG_A_PENDING])
		cfg->pending = nla_get_u32(tb[VGATE_GARP_CFG_A_PENDING]),
		cfg->has |= VG_GARP_PENDING;
	return 0;
}

int vg_garp_if_get(struct nlattr *nest, struct vg_garp_if *ifc)
{
	struct nlattr *tb[VGATE_GARP_IF_A_MAX + 1];
	struct nlattr *cnt[VGATE_GARP_CNT_MAX + 1];
	int r, t;

	memset(ifc, 0, sizeof(*ifc));
	r = vg_nest_index(nest, garp_if_desc, VGATE_GARP_IF_A_MAX, tb);
	if (r)
		return r;
	if (tb[VGATE_GARP_IF_A_IFINDEX])
		ifc->ifindex = nla_get_u32(tb[VGATE_GARP_IF_A_IFINDEX]),
		ifc->has |= VG_GARP_IFINDEX;
	if (tb[VGATE_GARP_IF_A_IFNAME])
		vg_get_str(tb[VGATE_GARP_IF_A_IFNAME], ifc->ifname,
			   sizeof(ifc->ifname)), ifc->has |= VG_GARP_IFNAME;
	if (tb[VGATE_GARP_IF_A_ACTIVE])
		ifc->active = nla_get_u8(tb[VGATE_GARP_IF_A_ACTIVE]),
		ifc->has |= VG_GARP_ACTIVE;
	if (tb[VGATE_GARP_IF_A_FORCE_UPDATE])
		ifc->force_update = nla_get_u8(tb[VGATE_GARP_IF_A_FORCE_UPDATE]),
		ifc->has |= VG_GARP_FORCE_UPDATE;
	if (tb[VGATE_GARP_IF_A_RATE_LIMIT])
		ifc->rate_limit = nla_get_u32(tb[VGATE_GARP_IF_A_RATE_LIMIT]),
		ifc->has |= VG_GARP_RATE_LIMIT;
	if (tb[VGATE_GARP_IF_A_EFF_ACTIVE])
		ifc->eff_active = nla_get_u8(tb[VGATE_GARP_IF_A_EFF_ACTIVE]),
		ifc->has |= VG_GARP_EFF_ACTIVE;
	if (tb[VGATE_GARP_IF_A_EFF_FORCE_UPDATE])
		ifc->eff_force_update =
			nla_get_u8(tb[VGATE_GARP_IF_A_EFF_FORCE_UPDATE]),
		ifc->has |= VG_GARP_EFF_FORCE_UPDATE;
	if (tb[VGATE_GARP_IF_A_EFF_RATE_LIMIT])
		ifc->eff_rate_limit =
			nla_get_u32(tb[VGATE_GARP_IF_A_EFF_RATE_LIMIT]),
		ifc->has |= VG_GARP_EFF_RATE_LIMIT;
	if (tb[VGATE_GARP_IF_A_COUNTERS]) {
		r = vg_nest_index(tb[VGATE_GARP_IF_A_COUNTERS], garp_cnt_desc,
				  VGATE_GARP_CNT_MAX, cnt);
		if (r)
			return r;
		for (t = 1; t <= VGATE_GARP_CNT_MAX; t++)
			if (cnt[t])
				ifc->cnt[t] = nla_get_u64(cnt[t]);
		ifc->has |= VG_GARP_COUNTERS;
	}
	return 0;
}

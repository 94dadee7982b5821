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
#include "fields.h"
#include "schema_tables.h"

#define F VG_FIELD

static const struct vg_field cfg_fields[] = {
	F(struct vg_garp_cfg, active, VGATE_GARP_CFG_A_ACTIVE, VG_F_INT,
	  VG_GARP_ACTIVE, VG_F_BOTH),
	F(struct vg_garp_cfg, force_update, VGATE_GARP_CFG_A_FORCE_UPDATE,
	  VG_F_INT, VG_GARP_FORCE_UPDATE, VG_F_BOTH),
	F(struct vg_garp_cfg, rate_limit, VGATE_GARP_CFG_A_RATE_LIMIT, VG_F_INT,
	  VG_GARP_RATE_LIMIT, VG_F_BOTH),
	F(struct vg_garp_cfg, verify_timeout, VGATE_GARP_CFG_A_VERIFY_TIMEOUT,
	  VG_F_INT, VG_GARP_VERIFY_TIMEOUT, VG_F_BOTH),
	F(struct vg_garp_cfg, pending, VGATE_GARP_CFG_A_PENDING, VG_F_INT,
	  VG_GARP_PENDING, VG_F_GET),
};

static const struct vg_field if_fields[] = {
	F(struct vg_garp_if, ifindex, VGATE_GARP_IF_A_IFINDEX, VG_F_INT,
	  VG_GARP_IFINDEX, VG_F_BOTH),
	F(struct vg_garp_if, ifname, VGATE_GARP_IF_A_IFNAME, VG_F_STR,
	  VG_GARP_IFNAME, VG_F_BOTH),
	F(struct vg_garp_if, active, VGATE_GARP_IF_A_ACTIVE, VG_F_INT,
	  VG_GARP_ACTIVE, VG_F_BOTH),
	F(struct vg_garp_if, force_update, VGATE_GARP_IF_A_FORCE_UPDATE, VG_F_INT,
	  VG_GARP_FORCE_UPDATE, VG_F_BOTH),
	F(struct vg_garp_if, rate_limit, VGATE_GARP_IF_A_RATE_LIMIT, VG_F_INT,
	  VG_GARP_RATE_LIMIT, VG_F_BOTH),
	F(struct vg_garp_if, eff_active, VGATE_GARP_IF_A_EFF_ACTIVE, VG_F_INT,
	  VG_GARP_EFF_ACTIVE, VG_F_GET),
	F(struct vg_garp_if, eff_force_update, VGATE_GARP_IF_A_EFF_FORCE_UPDATE,
	  VG_F_INT, VG_GARP_EFF_FORCE_UPDATE, VG_F_GET),
	F(struct vg_garp_if, eff_rate_limit, VGATE_GARP_IF_A_EFF_RATE_LIMIT,
	  VG_F_INT, VG_GARP_EFF_RATE_LIMIT, VG_F_GET),
};

#undef F
#define N(f) (sizeof(f) / sizeof(f[0]))

const struct vg_field_table vg_garp_field_tables[] = {
	{ "garp global", cfg_fields, N(cfg_fields), garp_cfg_desc,
	  VGATE_GARP_CFG_A_MAX },
	{ "garp interface", if_fields, N(if_fields), garp_if_desc,
	  VGATE_GARP_IF_A_MAX },
	{ NULL }
};

int vg_garp_cfg_put(struct nl_msg *m, const struct vg_garp_cfg *cfg)
{
	return vg_fields_put_nest(m, VGATE_GARP_A_GLOBAL, cfg_fields,
				  N(cfg_fields), cfg, cfg->has);
}

int vg_garp_if_put(struct nl_msg *m, const struct vg_garp_if *ifc)
{
	return vg_fields_put_nest(m, VGATE_GARP_A_IF, if_fields, N(if_fields),
				  ifc, ifc->has);
}

int vg_garp_cfg_get(struct nlattr *nest, struct vg_garp_cfg *cfg)
{
	return vg_fields_get_nest(nest, garp_cfg_desc, VGATE_GARP_CFG_A_MAX,
				  cfg_fields, N(cfg_fields), cfg, sizeof(*cfg),
				  &cfg->has);
}

int vg_garp_if_get(struct nlattr *nest, struct vg_garp_if *ifc)
{
	struct nlattr *tb[VGATE_GARP_IF_A_MAX + 1];
	int r;

	memset(ifc, 0, sizeof(*ifc));
	r = vg_nest_index(nest, garp_if_desc, VGATE_GARP_IF_A_MAX, tb);
	if (r)
		return r;
	vg_fields_get(tb, if_fields, N(if_fields), ifc, &ifc->has);
	if (tb[VGATE_GARP_IF_A_COUNTERS]) {
		r = vg_u64s_get(tb[VGATE_GARP_IF_A_COUNTERS], garp_cnt_desc,
				VGATE_GARP_CNT_MAX, ifc->cnt, NULL);
		if (r)
			return r;
		ifc->has |= VG_GARP_COUNTERS;
	}
	return 0;
}

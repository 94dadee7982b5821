// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink transport for the family "vgate_garp" (vgate_garp.ko,
 * the gratuitous-ARP policy), on the shared socket of genl.h.  It is
 * resolved on its own: "ip arp" commands neither need nor touch the
 * "vgate" family.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "garp.h"
#include "genl.h"
#include "nl.h"

#define DUMP_RETRIES 5

static const struct adesc cfg_desc[VGATE_GARP_CFG_A_MAX + 1] = {
	[VGATE_GARP_CFG_A_ACTIVE] = { "ACTIVE", AT_U8 },
	[VGATE_GARP_CFG_A_FORCE_UPDATE] = { "FORCE_UPDATE", AT_U8 },
	[VGATE_GARP_CFG_A_RATE_LIMIT] = { "RATE_LIMIT", AT_U32 },
	[VGATE_GARP_CFG_A_VERIFY_TIMEOUT] = { "VERIFY_TIMEOUT", AT_U32 },
	[VGATE_GARP_CFG_A_PENDING] = { "PENDING", AT_U32 },
};

/* Type 0 is the nest's padding: never indexed. */
static const struct adesc cnt_desc[VGATE_GARP_CNT_MAX + 1] = {
	[VGATE_GARP_CNT_SEEN] = { "SEEN", AT_U64 },
	[VGATE_GARP_CNT_ACCEPTED_NEW] = { "ACCEPTED_NEW", AT_U64 },
	[VGATE_GARP_CNT_ACCEPTED_CHANGED] = { "ACCEPTED_CHANGED", AT_U64 },
	[VGATE_GARP_CNT_UNCHANGED] = { "UNCHANGED", AT_U64 },
	[VGATE_GARP_CNT_REFUSED_POLICY] = { "REFUSED_POLICY", AT_U64 },
	[VGATE_GARP_CNT_REFUSED_VERIFY] = { "REFUSED_VERIFY", AT_U64 },
	[VGATE_GARP_CNT_REFUSED_OFFSUBNET] = { "REFUSED_OFFSUBNET", AT_U64 },
	[VGATE_GARP_CNT_RATE_LIMITED] = { "RATE_LIMITED", AT_U64 },
	[VGATE_GARP_CNT_COALESCED] = { "COALESCED", AT_U64 },
	[VGATE_GARP_CNT_MALFORMED] = { "MALFORMED", AT_U64 },
	[VGATE_GARP_CNT_PROBES_SENT] = { "PROBES_SENT", AT_U64 },
	[VGATE_GARP_CNT_REQUESTS] = { "REQUESTS", AT_U64 },
};

static const struct adesc if_desc[VGATE_GARP_IF_A_MAX + 1] = {
	[VGATE_GARP_IF_A_IFINDEX] = { "IFINDEX", AT_U32 },
	[VGATE_GARP_IF_A_IFNAME] = { "IFNAME", AT_STR },
	[VGATE_GARP_IF_A_ACTIVE] = { "ACTIVE", AT_U8 },
	[VGATE_GARP_IF_A_FORCE_UPDATE] = { "FORCE_UPDATE", AT_U8 },
	[VGATE_GARP_IF_A_RATE_LIMIT] = { "RATE_LIMIT", AT_U32 },
	[VGATE_GARP_IF_A_EFF_ACTIVE] = { "EFF_ACTIVE", AT_U8 },
	[VGATE_GARP_IF_A_EFF_FORCE_UPDATE] = { "EFF_FORCE_UPDATE", AT_U8 },
	[VGATE_GARP_IF_A_EFF_RATE_LIMIT] = { "EFF_RATE_LIMIT", AT_U32 },
	[VGATE_GARP_IF_A_COUNTERS] = { "COUNTERS", AT_NEST, cnt_desc,
				       VGATE_GARP_CNT_MAX },
};

static const struct adesc top_desc[VGATE_GARP_A_MAX + 1] = {
	[VGATE_GARP_A_GLOBAL] = { "GLOBAL", AT_NEST, cfg_desc,
				  VGATE_GARP_CFG_A_MAX },
	[VGATE_GARP_A_IF] = { "IF", AT_NEST, if_desc, VGATE_GARP_IF_A_MAX },
};

static const char *const cmd_names[VGATE_GARP_CMD_MAX + 1] = {
	[VGATE_GARP_CMD_GET] = "GARP_GET",
	[VGATE_GARP_CMD_SET] = "GARP_SET",
	[VGATE_GARP_CMD_IF_GET] = "GARP_IF_GET",
};

/* The interface the request being sent names, for garp_error(). */
static const char *cur_ifname;

static bool garp_error(int err, const char *extack)
{
	(void)extack;
	if (!cur_ifname)
		return false;
	if (err == -ENODEV) {
		vg_err("unknown interface \"%s\" (no such device in this network namespace)",
		       cur_ifname);
		return true;
	}
	if (err == -EOPNOTSUPP) {
		vg_err("interface \"%s\" is not an Ethernet interface (the gratuitous-ARP policy applies to Ethernet interfaces only)",
		       cur_ifname);
		return true;
	}
	return false;
}

static struct vg_family garp_family = {
	.name = VGATE_GARP_GENL_NAME,
	.version = VGATE_GARP_GENL_VERSION,
	.missing = "gratuitous-ARP policy module not loaded (modprobe vgate_garp)",
	.top = top_desc,
	.top_max = VGATE_GARP_A_MAX,
	.cmds = cmd_names,
	.cmd_max = VGATE_GARP_CMD_MAX,
	.error = garp_error,
};

static struct nl_msg *garp_msg(uint8_t cmd, int flags)
{
	return vg_genl_msg(&garp_family, cmd, flags);
}

static int transact(struct nl_msg *m, const char *ifname,
		    int (*parse)(struct nlattr **, void *), void *arg,
		    bool *intr)
{
	int r;

	cur_ifname = ifname;
	r = vg_genl_transact(&garp_family, m, parse, arg, intr);
	cur_ifname = NULL;
	return r;
}

/* ---- requests ---- */

int vg_garp_set_global(const struct vg_garp_cfg *cfg)
{
	struct nl_msg *m = garp_msg(VGATE_GARP_CMD_SET, NLM_F_ACK);
	struct nlattr *nest;

	if (!m || !(nest = nla_nest_start(m, VGATE_GARP_A_GLOBAL)))
		return vg_genl_nomem(m);
	if ((cfg->has & VG_GARP_ACTIVE &&
	     nla_put_u8(m, VGATE_GARP_CFG_A_ACTIVE, cfg->active)) ||
	    (cfg->has & VG_GARP_FORCE_UPDATE &&
	     nla_put_u8(m, VGATE_GARP_CFG_A_FORCE_UPDATE, cfg->force_update)) ||
	    (cfg->has & VG_GARP_RATE_LIMIT &&
	     nla_put_u32(m, VGATE_GARP_CFG_A_RATE_LIMIT, cfg->rate_limit)) ||
	    (cfg->has & VG_GARP_VERIFY_TIMEOUT &&
	     nla_put_u32(m, VGATE_GARP_CFG_A_VERIFY_TIMEOUT,
			 cfg->verify_timeout)) ||
	    nla_nest_end(m, nest) < 0)
		return vg_genl_nomem(m);
	return transact(m, NULL, NULL, NULL, NULL);
}

/* VGATE_GARP_A_IF naming the interface (by name), plus its overrides. */
static int put_if(struct nl_msg *m, const struct vg_garp_if *ifc)
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

int vg_garp_set_if(const struct vg_garp_if *ifc)
{
	struct nl_msg *m = garp_msg(VGATE_GARP_CMD_SET, NLM_F_ACK);

	if (!m || put_if(m, ifc) < 0)
		return vg_genl_nomem(m);
	return transact(m, ifc->ifname, NULL, NULL, NULL);
}

/* ---- replies ---- */

static int cfg_from_attrs(struct nlattr *nest, struct vg_garp_cfg *cfg)
{
	struct nlattr *tb[VGATE_GARP_CFG_A_MAX + 1];
	int r;

	memset(cfg, 0, sizeof(*cfg));
	r = vg_nest_index(nest, cfg_desc, VGATE_GARP_CFG_A_MAX, tb);
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

static int if_from_attrs(struct nlattr *nest, struct vg_garp_if *ifc)
{
	struct nlattr *tb[VGATE_GARP_IF_A_MAX + 1];
	struct nlattr *cnt[VGATE_GARP_CNT_MAX + 1];
	int r, t;

	memset(ifc, 0, sizeof(*ifc));
	r = vg_nest_index(nest, if_desc, VGATE_GARP_IF_A_MAX, tb);
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
		r = vg_nest_index(tb[VGATE_GARP_IF_A_COUNTERS], cnt_desc,
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

static int parse_global_msg(struct nlattr **tb, void *arg)
{
	if (!tb[VGATE_GARP_A_GLOBAL])
		return 0;
	return cfg_from_attrs(tb[VGATE_GARP_A_GLOBAL], arg);
}

int vg_garp_get_global(struct vg_garp_cfg *cfg)
{
	struct nl_msg *m = garp_msg(VGATE_GARP_CMD_GET, NLM_F_ACK);

	memset(cfg, 0, sizeof(*cfg));
	if (!m)
		return vg_genl_nomem(m);
	return transact(m, NULL, parse_global_msg, cfg, NULL);
}

/* A growing array of interfaces filled by IF_GET replies. */
struct ifvec {
	struct vg_garp_if *v;
	size_t n, cap;
};

static int parse_if_msg(struct nlattr **tb, void *arg)
{
	struct ifvec *iv = arg;

	if (!tb[VGATE_GARP_A_IF])
		return 0;
	if (iv->n == iv->cap) {
		size_t cap = iv->cap ? iv->cap * 2 : 16;
		struct vg_garp_if *p = realloc(iv->v, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		iv->v = p;
		iv->cap = cap;
	}
	return if_from_attrs(tb[VGATE_GARP_A_IF], &iv->v[iv->n++]);
}

int vg_garp_get_if(const char *ifname, struct vg_garp_if *out)
{
	struct nl_msg *m = garp_msg(VGATE_GARP_CMD_IF_GET, NLM_F_ACK);
	struct vg_garp_if key = { .has = VG_GARP_IFNAME };
	struct ifvec iv = { 0 };
	int r;

	memset(out, 0, sizeof(*out));
	snprintf(key.ifname, sizeof(key.ifname), "%s", ifname);
	if (!m || put_if(m, &key) < 0)
		return vg_genl_nomem(m);
	r = transact(m, ifname, parse_if_msg, &iv, NULL);
	if (!r && iv.n) {
		*out = iv.v[0];
	} else if (!r && !vg_dry_run) {
		vg_err("GARP_IF_GET: the kernel's reply names no interface");
		r = -EPROTO;
	}
	free(iv.v);
	return r;
}

int vg_garp_dump_ifs(struct vg_garp_if **ifs, size_t *n)
{
	struct ifvec iv = { 0 };
	bool intr = false;
	int i, r = 0;

	*ifs = NULL;
	*n = 0;
	for (i = 0; i < DUMP_RETRIES; i++) {
		struct nl_msg *m = garp_msg(VGATE_GARP_CMD_IF_GET, NLM_F_DUMP);

		if (!m) {
			free(iv.v);
			return vg_genl_nomem(m);
		}
		iv.n = 0;
		r = transact(m, NULL, parse_if_msg, &iv, &intr);
		if (r || !intr)
			break;
	}
	if (!r && intr) {
		vg_err("GARP_IF_GET: the interfaces kept changing during %d dumps, giving up",
		       DUMP_RETRIES);
		r = -EAGAIN;
	}
	if (r) {
		free(iv.v);
		return r;
	}
	*ifs = iv.v;
	*n = iv.n;
	return 0;
}

int vg_garp_present(void)
{
	return vg_genl_present(&garp_family);
}

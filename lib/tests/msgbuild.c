// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include <netlink/genl/genl.h>

#include "codec.h"
#include "msgbuild.h"

struct nl_msg *tmsg(const struct vg_family_desc *f, int cmd)
{
	struct nl_msg *m = nlmsg_alloc();

	if (!m || !genlmsg_put(m, 0, 1, 0x20, 0, 0, cmd, f->version))
		exit(2);
	return m;
}

struct nlattr *tnest(struct nl_msg *m, int t)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(m));

	return nla_find(genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), t);
}

struct nlattr **ttop(const struct vg_family_desc *f, struct nl_msg *m)
{
	static struct nlattr *tb[VG_TOP_MAX + 1];

	if (vg_genl_index(f, nlmsg_hdr(m), tb))
		return NULL;
	return tb;
}

// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include <netlink/errno.h>
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

static struct nl_msg *queue[64];
static int queued, taken;

void tq_push(struct nl_msg *m, uint32_t seq)
{
	nlmsg_hdr(m)->nlmsg_seq = seq;
	if (queued == (int)(sizeof(queue) / sizeof(queue[0])))
		exit(2);
	queue[queued++] = m;
}

int tq_recv(void *arg, unsigned char **buf)
{
	struct nlmsghdr *nlh;
	int len;

	(void)arg;
	if (taken >= queued)
		return -NLE_BAD_SOCK;
	nlh = nlmsg_hdr(queue[taken]);
	len = nlh->nlmsg_len;
	*buf = malloc(len);
	if (!*buf)
		return -NLE_NOMEM;
	memcpy(*buf, nlh, len);
	nlmsg_free(queue[taken++]);
	return len;
}

int tq_taken(void)
{
	return taken;
}

void tq_reset(void)
{
	while (taken < queued)
		nlmsg_free(queue[taken++]);
	queued = taken = 0;
}

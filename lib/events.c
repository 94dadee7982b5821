// SPDX-License-Identifier: GPL-2.0
/* libvgate events (events.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "codec.h"
#include "events.h"

/* Events are small; a datagram never holds more than this. */
#define EVENTS_BUF 16384

struct vg_events {
	struct nl_sock *sock;
	int family;
	unsigned char buf[EVENTS_BUF];
	int len, pos;
};

static int nlerr_errno(int nlerr)
{
	return nlerr == -NLE_OBJ_NOTFOUND ? -ENOENT : -EIO;
}

struct vg_events *vg_events_open(int *err)
{
	struct vg_events *ev = calloc(1, sizeof(*ev));
	int r, grp;

	if (!ev) {
		*err = -ENOMEM;
		return NULL;
	}
	ev->sock = nl_socket_alloc();
	if (!ev->sock) {
		r = -ENOMEM;
		goto fail;
	}
	nl_socket_disable_seq_check(ev->sock);
	r = genl_connect(ev->sock);
	if (r < 0) {
		r = -EIO;
		goto fail;
	}
	ev->family = genl_ctrl_resolve(ev->sock, VGATE_GENL_NAME);
	grp = genl_ctrl_resolve_grp(ev->sock, VGATE_GENL_NAME,
				    VGATE_MCGRP_EVENTS);
	if (ev->family < 0 || grp < 0) {
		r = nlerr_errno(ev->family < 0 ? ev->family : grp);
		goto fail;
	}
	r = nl_socket_add_membership(ev->sock, grp);
	if (r < 0) {
		r = -EIO;
		goto fail;
	}
	fcntl(nl_socket_get_fd(ev->sock), F_SETFL, O_NONBLOCK);
	return ev;
fail:
	vg_events_close(ev);
	*err = r;
	return NULL;
}

void vg_events_close(struct vg_events *ev)
{
	if (!ev)
		return;
	if (ev->sock)
		nl_socket_free(ev->sock);
	free(ev);
}

int vg_events_fd(const struct vg_events *ev)
{
	return nl_socket_get_fd(ev->sock);
}

int vg_events_next(struct vg_events *ev, struct vg_event *out)
{
	struct nlmsghdr *nlh;
	ssize_t n;

	for (;;) {
		if (ev->pos >= ev->len) {
			ev->pos = ev->len = 0;
			n = recv(vg_events_fd(ev), ev->buf, sizeof(ev->buf), 0);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return 0;
			if (n < 0)
				return -errno;	/* ENOBUFS: events lost */
			ev->len = n;
		}
		nlh = (struct nlmsghdr *)(ev->buf + ev->pos);
		if (!nlmsg_ok(nlh, ev->len - ev->pos)) {
			ev->pos = ev->len;
			continue;
		}
		ev->pos += NLMSG_ALIGN(nlh->nlmsg_len);
		if (nlh->nlmsg_type != ev->family)
			continue;
		switch (vg_event_decode(nlh, out)) {
		case 0:
			return 1;
		case -EOPNOTSUPP:
			continue;
		default:
			return -EPROTO;
		}
	}
}

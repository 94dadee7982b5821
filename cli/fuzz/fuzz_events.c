// SPDX-License-Identifier: GPL-2.0
/*
 * libvgate's event decoding: what an IKE helper reads from the "events"
 * multicast group of "vgate" (ACQUIRE, SA_EXPIRE), from raw bytes.  The
 * input is one datagram, walked message by message as vg_events_next()
 * walks what it reads (nlmsg_ok(), NLMSG_ALIGN()), each message handed to
 * vg_event_decode(): the generic netlink header, the top level index and
 * the rule, flow, peer and SA nests.  Links libvgate alone.
 *
 * Beyond the sanitizers, a decoded event must keep the codec's promises:
 * its command is the one asked for, addresses fit their array and match
 * their family, names end within their buffers, and an SA_EXPIRE has its
 * expire fields.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "lib/codec.h"
#include "lib/objects.h"
#include "fuzz.h"

static void addr_ok(const struct vg_addr *a)
{
	if (a->len > VG_ADDR_MAX)
		abort();
	if (a->len && !((a->family == AF_INET && a->len == 4) ||
			(a->family == AF_INET6 && a->len == 16)))
		abort();
}

static void str_ok(const char *s, size_t size)
{
	if (strnlen(s, size) >= size)
		abort();
}

static void check(const struct nlmsghdr *nlh, const struct vg_event *ev)
{
	const struct genlmsghdr *g = nlmsg_data(nlh);

	if (ev->cmd != g->cmd)
		abort();
	if (ev->cmd == VGATE_CMD_ACQUIRE) {
		const struct vg_acquire *a = &ev->acquire;

		addr_ok(&a->flow.src);
		addr_ok(&a->flow.dst);
		addr_ok(&a->peer.addr);
		addr_ok(&a->rule.peer);
		addr_ok(&a->rule.local.addr);
		addr_ok(&a->rule.local.end);
		addr_ok(&a->rule.remote.addr);
		addr_ok(&a->rule.remote.end);
		str_ok(a->rule.peer_name, sizeof(a->rule.peer_name));
		str_ok(a->rule.descr, sizeof(a->rule.descr));
		str_ok(a->peer.name, sizeof(a->peer.name));
		str_ok(a->peer.descr, sizeof(a->peer.descr));
		str_ok(a->peer.hostname, sizeof(a->peer.hostname));
	} else if (ev->cmd == VGATE_CMD_SA_EXPIRE) {
		if (!(ev->expire.has & VG_SA_EXPIRE))
			abort();
		addr_ok(&ev->expire.src);
		addr_ok(&ev->expire.dst);
	} else {
		abort();	/* only the two events decode */
	}
}

static void one(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, aligned as a datagram is. */
	unsigned char *buf = malloc(size ? size : 1);
	struct nlmsghdr *nlh;
	struct vg_event ev;
	size_t pos = 0;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	while (pos < size) {
		nlh = (struct nlmsghdr *)(buf + pos);
		if (!nlmsg_ok(nlh, size - pos))
			break;
		pos += NLMSG_ALIGN(nlh->nlmsg_len);
		if (vg_event_decode(nlh, &ev) == 0)
			check(nlh, &ev);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_each(data, size, one);
	return 0;
}

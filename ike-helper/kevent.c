// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel backend's events (kernel.h, struct kernel_event): vgate's
 * ACQUIRE (a packet hit a PROTECT entry that has no SA) starts the IKE SA
 * of the peer whose `protect` is that entry when its role is `dialup` and
 * none is up or under way (`initiate` peers come back by their retry
 * timer, `respond` peers wait for the peer); SA_EXPIRE of one of our CHILD
 * SAs: soft rekeys it now (child.c), hard (vgate has removed the SA)
 * deletes the IKE SA when it was the SA in use, so that both sides start
 * again (`initiate` after `retry`, `dialup` on the next packet).
 */
#include <string.h>

#include "iked.h"
#include "log.h"

static void acquire(struct iked *d, uint32_t reqid)
{
	struct conf_peer *p;
	struct iked_sa *sa;

	for (p = d->conf.peers; p; p = p->next)
		if (p->has_protect && p->reqid == reqid)
			break;
	if (!p) {
		log_debug("ACQUIRE for PROTECT entry %u: no peer serves it",
			  reqid);
		return;
	}
	if (!p->dialup) {
		log_info("peer %s: traffic for PROTECT entry %u held: role %s does not start on traffic",
			 p->name, reqid, p->initiate ? "initiate (retry timer)" :
			 "respond (the peer initiates)");
		return;
	}
	for (sa = d->sas; sa && sa->peer != p; sa = sa->next)
		;
	if (sa || d->shutting_down)
		return;			/* up or under way */
	log_info("peer %s: traffic for PROTECT entry %u (ACQUIRE): initiating",
		 p->name, reqid);
	p->retry_at = 0;
	ikev2_initiate(d, p);
}

static int same_ip(const struct sockaddr_storage *a,
		   const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       16);
	return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
	       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

static void expire(struct iked *d, const struct kernel_event *ev)
{
	struct iked_sa *sa;

	for (sa = d->sas; sa; sa = sa->next) {
		if (same_ip(&sa->local, &ev->dst) &&
		    child_expired(d, sa, ev->spi, 0, ev->hard, ev->what))
			return;
		if (same_ip(&sa->remote, &ev->dst) &&
		    child_expired(d, sa, ev->spi, 1, ev->hard, ev->what))
			return;
	}
}

void kevent_handle(struct iked *d, const struct kernel_event *ev)
{
	if (ev->type == KERNEL_EV_ACQUIRE)
		acquire(d, ev->reqid);
	else if (ev->type == KERNEL_EV_EXPIRE)
		expire(d, ev);
}

// SPDX-License-Identifier: GPL-2.0
/* Policy checks behind the CLI's warnings (see check.h). */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"

static const struct vg_rule *sort_rules;

static int cmp_idx(const void *a, const void *b)
{
	uint32_t x = sort_rules[*(const size_t *)a].id;
	uint32_t y = sort_rules[*(const size_t *)b].id;

	return x < y ? -1 : x > y;
}

static int cmp_peer(const void *a, const void *b)
{
	const struct vg_peer *x = *(const struct vg_peer *const *)a;
	const struct vg_peer *y = *(const struct vg_peer *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static const struct vg_peer *find_peer(const struct vg_peer *peers, size_t np,
				       const char *name)
{
	size_t i;

	for (i = 0; i < np; i++)
		if (!strcmp(peers[i].name, name))
			return &peers[i];
	return NULL;
}

size_t check_order(const struct vg_rule *rules, size_t n,
		   const struct vg_peer *peers, size_t np, size_t *order)
{
	const struct vg_peer **sorted;
	size_t *byid, i, k, o = 0;

	byid = malloc((n + 1) * sizeof(*byid));
	sorted = malloc((np + 1) * sizeof(*sorted));
	if (!byid || !sorted) {
		free(byid);
		free(sorted);
		return 0;
	}
	for (i = 0; i < n; i++)
		byid[i] = i;
	sort_rules = rules;
	qsort(byid, n, sizeof(*byid), cmp_idx);
	for (i = 0; i < np; i++)
		sorted[i] = &peers[i];
	qsort(sorted, np, sizeof(*sorted), cmp_peer);

	for (i = 0; i < n; i++)
		if (rules[byid[i]].stage == VGATE_STAGE_PRE)
			order[o++] = byid[i];
	for (k = 0; k < np; k++) {
		if (sorted[k]->admin == VGATE_PEER_ADMIN_DOWN)
			continue;
		for (i = 0; i < n; i++) {
			const struct vg_rule *ru = &rules[byid[i]];

			if (ru->stage == VGATE_STAGE_PEER &&
			    !strcmp(ru->peer_name, sorted[k]->name))
				order[o++] = byid[i];
		}
	}
	for (i = 0; i < n; i++) {
		const struct vg_rule *ru = &rules[byid[i]];

		if (ru->stage == VGATE_STAGE_PEER &&
		    !find_peer(peers, np, ru->peer_name))
			order[o++] = byid[i];
	}
	for (i = 0; i < n; i++)
		if (rules[byid[i]].stage == VGATE_STAGE_POST)
			order[o++] = byid[i];
	free(byid);
	free(sorted);
	return o;
}

static bool ports_cover(bool ahas, const struct vg_ports *a, bool bhas,
			const struct vg_ports *b)
{
	if (!ahas)
		return true;
	return bhas && a->min <= b->min && b->max <= a->max;
}

static bool covers(const struct vg_rule *a, const struct vg_rule *b)
{
	if (a->family != b->family)
		return false;
	if (!range_covers(&a->local, &b->local, a->family) ||
	    !range_covers(&a->remote, &b->remote, a->family))
		return false;
	if (a->proto && a->proto != b->proto)
		return false;
	return ports_cover(a->has & VG_RULE_LPORT, &a->lport,
			   b->has & VG_RULE_LPORT, &b->lport) &&
	       ports_cover(a->has & VG_RULE_RPORT, &a->rport,
			   b->has & VG_RULE_RPORT, &b->rport);
}

static const char *where(const struct vg_rule *ru, char *buf, size_t len)
{
	switch (ru->stage) {
	case VGATE_STAGE_PEER:
		snprintf(buf, len, "entry %u of peer %s", ru->id, ru->peer_name);
		break;
	case VGATE_STAGE_POST:
		snprintf(buf, len, "post rule %u", ru->id);
		break;
	default:
		snprintf(buf, len, "pre rule %u", ru->id);
	}
	return buf;
}

int check_shadow(const struct vg_rule *rules, size_t n,
		 const struct vg_peer *peers, size_t np,
		 void (*fn)(const struct vg_rule *shadowed,
			    const struct vg_rule *by, const char *msg,
			    void *arg),
		 void *arg)
{
	size_t *order = malloc((n + 1) * sizeof(*order));
	size_t no, i, j;
	char msg[256], w1[64], w2[64];
	int found = 0;

	if (!order)
		return -ENOMEM;
	no = check_order(rules, n, peers, np, order);
	for (j = 1; j < no; j++) {
		const struct vg_rule *b = &rules[order[j]];

		for (i = 0; i < j; i++) {
			const struct vg_rule *a = &rules[order[i]];

			/*
			 * Without a flag of b (selfTraffic), a passes over
			 * traffic that b still captures.
			 */
			if ((a->flags & b->flags) != b->flags || !covers(a, b))
				continue;
			snprintf(msg, sizeof(msg),
				 "rule %u is shadowed by rule %u (never matches): %s comes after %s, which covers it",
				 b->id, a->id, where(b, w1, sizeof(w1)),
				 where(a, w2, sizeof(w2)));
			fn(b, a, msg, arg);
			found++;
			break;
		}
	}
	free(order);
	return found;
}

static bool link_local6(const struct vg_addr *a)
{
	return a->family == AF_INET6 && a->a[0] == 0xfe &&
	       (a->a[1] & 0xc0) == 0x80;
}

static bool loopback_addr(const struct vg_addr *a)
{
	static const uint8_t lo6[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->a[0] == 127;
	return a->family == AF_INET6 && !memcmp(a->a, lo6, 16);
}

/*
 * An address of the gateway that self traffic can have as its local end:
 * not loopback (never classified), not IPv6 link-local (link-local IPv6
 * never meets the policy).
 */
static bool own_usable(const struct vg_ifaddr *ifa, int family)
{
	return ifa->addr.family == family && !loopback_addr(&ifa->addr) &&
	       !link_local6(&ifa->addr);
}

bool check_self_rule(const struct vg_rule *ru, const struct vg_ifaddr *ifs,
		     size_t nif, size_t *own, size_t *net)
{
	bool found = false;
	size_t j, k;

	if (ru->action == VGATE_ACTION_PASS || (ru->flags & VGATE_RULE_F_SELF))
		return false;
	for (k = 0; k < nif; k++) {
		struct vg_range attached = { .kind = VG_RANGE_NET };

		/* A directly attached network (prefix 0 is none). */
		if (!own_usable(&ifs[k], ru->family) || ifs[k].loopback ||
		    !ifs[k].plen)
			continue;
		attached.addr = ifs[k].addr;
		attached.plen = ifs[k].plen;
		if (!range_overlaps(&ru->remote, &attached, ru->family))
			continue;
		for (j = 0; j < nif; j++) {
			if (!own_usable(&ifs[j], ru->family) ||
			    !range_holds(&ru->local, &ifs[j].addr))
				continue;
			/* Prefer naming the address of the network itself. */
			if (j == k) {
				*own = j;
				*net = k;
				return true;
			}
			if (!found) {
				found = true;
				*own = j;
				*net = k;
			}
		}
	}
	return found;
}

int check_self(const struct vg_rule *rules, size_t n,
	       const struct vg_ifaddr *ifs, size_t nif,
	       void (*fn)(const struct vg_rule *ru, const struct vg_ifaddr *ifa,
			  const char *msg, void *arg),
	       void *arg)
{
	char msg[320], a[64];
	size_t i, own, net;
	int found = 0;

	for (i = 0; i < n; i++) {
		const struct vg_rule *ru = &rules[i];

		if (!check_self_rule(ru, ifs, nif, &own, &net))
			continue;
		snprintf(msg, sizeof(msg),
			 "rule %u covers the gateway's own address %s (%s): its management/DHCP traffic with directly attached hosts bypasses the rule (selfTraffic on to capture it)",
			 ru->id, fmt_addr(&ifs[own].addr, a, sizeof(a)),
			 ifs[own].name);
		fn(ru, &ifs[own], msg, arg);
		found++;
	}
	return found;
}

static int plen_of(const struct sockaddr *sa)
{
	const uint8_t *p;
	int len, i, n = 0;

	if (!sa)
		return -1;
	if (sa->sa_family == AF_INET) {
		p = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
		len = 4;
	} else {
		p = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
		len = 16;
	}
	for (i = 0; i < len; i++)
		n += __builtin_popcount(p[i]);
	return n;
}

int check_ifaddrs(struct vg_ifaddr **ifs, size_t *n)
{
	struct ifaddrs *all, *i;
	struct vg_ifaddr *v = NULL;
	size_t k = 0, cap = 0;

	*ifs = NULL;
	*n = 0;
	if (getifaddrs(&all))
		return -errno;
	for (i = all; i; i = i->ifa_next) {
		struct vg_ifaddr *x;
		int pl;

		if (!i->ifa_addr ||
		    (i->ifa_addr->sa_family != AF_INET &&
		     i->ifa_addr->sa_family != AF_INET6))
			continue;
		if (k == cap) {
			cap = cap ? cap * 2 : 8;
			x = realloc(v, cap * sizeof(*v));
			if (!x)
				break;
			v = x;
		}
		x = &v[k++];
		memset(x, 0, sizeof(*x));
		snprintf(x->name, sizeof(x->name), "%s", i->ifa_name);
		x->loopback = i->ifa_flags & IFF_LOOPBACK;
		x->addr.family = i->ifa_addr->sa_family;
		if (x->addr.family == AF_INET) {
			x->addr.len = 4;
			memcpy(x->addr.a,
			       &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
		} else {
			x->addr.len = 16;
			memcpy(x->addr.a,
			       &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
		}
		pl = plen_of(i->ifa_netmask);
		x->plen = pl < 0 ? x->addr.len * 8 : pl;
	}
	freeifaddrs(all);
	*ifs = v;
	*n = k;
	return 0;
}

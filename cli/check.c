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

/* Sort keys of check_order(): group, peer rank, rule ID. */
struct okey {
	uint32_t group;		/* 0 pre, 1 known peer, 2 unknown peer, 3 post */
	uint32_t rank;		/* position of the peer in peer ID order */
	uint32_t id;
	size_t idx;
};

static int cmp_okey(const void *a, const void *b)
{
	const struct okey *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_peer(const void *a, const void *b)
{
	const struct vg_peer *x = *(const struct vg_peer *const *)a;
	const struct vg_peer *y = *(const struct vg_peer *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_peer_name(const void *a, const void *b)
{
	const struct vg_peer *x = *(const struct vg_peer *const *)a;
	const struct vg_peer *y = *(const struct vg_peer *const *)b;

	return strcmp(x->name, y->name);
}

static int cmp_name_key(const void *key, const void *b)
{
	return strcmp(key, (*(const struct vg_peer *const *)b)->name);
}

/*
 * O((n + np) log(n + np)): one sort of the rules by (group, peer rank, ID);
 * peers are found by name with a binary search.
 */
size_t check_order(const struct vg_rule *rules, size_t n,
		   const struct vg_peer *peers, size_t np, size_t *order)
{
	const struct vg_peer **byid, **byname;
	uint32_t *rank;
	struct okey *k;
	size_t i, o = 0;

	k = malloc((n + 1) * sizeof(*k));
	byid = malloc((np + 1) * sizeof(*byid));
	byname = malloc((np + 1) * sizeof(*byname));
	rank = malloc((np + 1) * sizeof(*rank));
	if (!k || !byid || !byname || !rank) {
		free(k);
		free(byid);
		free(byname);
		free(rank);
		return 0;
	}
	for (i = 0; i < np; i++)
		byid[i] = byname[i] = &peers[i];
	qsort(byid, np, sizeof(*byid), cmp_peer);
	qsort(byname, np, sizeof(*byname), cmp_peer_name);
	/* rank: the peer's position in ID order */
	for (i = 0; i < np; i++)
		rank[byid[i] - peers] = (uint32_t)i;

	for (i = 0; i < n; i++) {
		const struct vg_rule *ru = &rules[i];
		const struct vg_peer *const *p;
		struct okey *x = &k[o];

		x->rank = 0;
		x->id = ru->id;
		x->idx = i;
		switch (ru->stage) {
		case VGATE_STAGE_PRE:
			x->group = 0;
			break;
		case VGATE_STAGE_PEER:
			p = np ? bsearch(ru->peer_name, byname, np,
					 sizeof(*byname), cmp_name_key) : NULL;
			if (!p) {
				x->group = 2;
				break;
			}
			if ((*p)->admin == VGATE_PEER_ADMIN_DOWN)
				continue;	/* the kernel skips them */
			x->group = 1;
			x->rank = rank[*p - peers];
			break;
		case VGATE_STAGE_POST:
			x->group = 3;
			break;
		default:
			continue;
		}
		o++;
	}
	qsort(k, o, sizeof(*k), cmp_okey);
	for (i = 0; i < o; i++)
		order[i] = k[i].idx;
	free(k);
	free(byid);
	free(byname);
	free(rank);
	return o;
}

static bool ports_cover(bool ahas, const struct vg_ports *a, bool bhas,
			const struct vg_ports *b)
{
	if (!ahas)
		return true;
	return bhas && a->min <= b->min && b->max <= a->max;
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

/*
 * The shadow index.  Every rule's local and remote range is summed up by
 * its enclosing prefix: the longest prefix holding the whole range (the
 * range itself for any, a host or a net; the common prefix of its ends for
 * ADDR-ADDR).  A range can only cover another if its enclosing prefix is
 * the other's enclosing prefix or one of its ancestors, so the rules that
 * may cover rule b are found by looking up, for every (local length,
 * remote length) pair present in the policy that is not longer than b's,
 * b's own addresses cut to those lengths: a sorted array and binary
 * searches instead of a comparison with every earlier rule.
 */
struct skey {
	/* the tuple: which prefix lengths; a segment of the sorted index */
	uint8_t family;		/* 4 or 6 */
	uint8_t llen, rlen;	/* local, remote enclosing prefix lengths */
	uint8_t plen;		/* protocol: 0 any, 8 that one */
	uint8_t lplen, rplen;	/* ports, likewise (16 bits; 0: no ports) */
	uint8_t pad[2];
	/* the prefixes, bits beyond their lengths clear */
	uint8_t l[16], r[16];
	uint8_t proto, pad2;
	uint16_t lp, rp;
};

#define SKEY_TUPLE 6	/* bytes of struct skey naming the tuple */

struct sent {
	struct skey k;
	uint32_t pos;		/* position in evaluation order */
};

/* Per rule (by position): bounds of its ranges, left-aligned. */
struct sbounds {
	uint8_t llo[16], lhi[16], rlo[16], rhi[16];
	struct skey own;	/* its own enclosing prefixes */
};

static int cmp_sent(const void *a, const void *b)
{
	const struct sent *x = a, *y = b;
	int c = memcmp(&x->k, &y->k, sizeof(x->k));

	if (c)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Length of the common prefix of lo and hi (len bytes). */
static uint8_t common_len(const uint8_t *lo, const uint8_t *hi, int len)
{
	int i;

	for (i = 0; i < len; i++) {
		uint8_t d = lo[i] ^ hi[i];

		if (d)
			return (uint8_t)(i * 8 + __builtin_clz(d) - 24);
	}
	return (uint8_t)(len * 8);
}

static void cut(uint8_t *out, const uint8_t *a, unsigned int bits)
{
	unsigned int i;

	memset(out, 0, 16);
	for (i = 0; i < 16 && bits; i++) {
		if (bits >= 8) {
			out[i] = a[i];
			bits -= 8;
		} else {
			out[i] = a[i] & (uint8_t)(0xff << (8 - bits));
			bits = 0;
		}
	}
}

static uint16_t cut16(uint16_t v, unsigned int bits)
{
	return bits ? (uint16_t)(v & (0xffffU << (16 - bits))) : 0;
}

static uint8_t common_len16(uint16_t lo, uint16_t hi)
{
	uint16_t d = lo ^ hi;

	return d ? (uint8_t)(__builtin_clz(d) - 16) : 16;
}

/* A rule's own key: the enclosing prefix of every dimension. */
static void own_key(struct skey *k, const struct vg_rule *ru,
		    const struct sbounds *b)
{
	int len = addr_family_len(ru->family);

	memset(k, 0, sizeof(*k));
	k->family = ru->family == AF_INET6 ? 6 : 4;
	k->llen = common_len(b->llo, b->lhi, len);
	k->rlen = common_len(b->rlo, b->rhi, len);
	cut(k->l, b->llo, k->llen);
	cut(k->r, b->rlo, k->rlen);
	if (ru->proto) {
		k->plen = 8;
		k->proto = ru->proto;
	}
	if (ru->has & VG_RULE_LPORT) {
		k->lplen = common_len16(ru->lport.min, ru->lport.max);
		k->lp = cut16(ru->lport.min, k->lplen);
	}
	if (ru->has & VG_RULE_RPORT) {
		k->rplen = common_len16(ru->rport.min, ru->rport.max);
		k->rp = cut16(ru->rport.min, k->rplen);
	}
}

/* own cut to the lengths of tuple t: the key of its ancestor there. */
static void ancestor_key(struct skey *k, const struct skey *own,
			 const struct skey *t)
{
	memset(k, 0, sizeof(*k));
	memcpy(k, t, SKEY_TUPLE);
	cut(k->l, own->l, t->llen);
	cut(k->r, own->r, t->rlen);
	k->proto = t->plen ? own->proto : 0;
	k->lp = cut16(own->lp, t->lplen);
	k->rp = cut16(own->rp, t->rplen);
}

/* Can tuple t hold ancestors of own (no length longer)? */
static bool tuple_above(const struct skey *t, const struct skey *own)
{
	return t->family == own->family && t->llen <= own->llen &&
	       t->rlen <= own->rlen && t->plen <= own->plen &&
	       t->lplen <= own->lplen && t->rplen <= own->rplen;
}

/* Does a (bounds ba) cover b (bounds bb)?  Flags aside. */
static bool covers(const struct vg_rule *a, const struct sbounds *ba,
		   const struct vg_rule *b, const struct sbounds *bb)
{
	if (a->family != b->family)
		return false;
	if (memcmp(ba->llo, bb->llo, 16) > 0 || memcmp(bb->lhi, ba->lhi, 16) > 0 ||
	    memcmp(ba->rlo, bb->rlo, 16) > 0 || memcmp(bb->rhi, ba->rhi, 16) > 0)
		return false;
	if (a->proto && a->proto != b->proto)
		return false;
	return ports_cover(a->has & VG_RULE_LPORT, &a->lport,
			   b->has & VG_RULE_LPORT, &b->lport) &&
	       ports_cover(a->has & VG_RULE_RPORT, &a->rport,
			   b->has & VG_RULE_RPORT, &b->rport);
}

/* Segment of e[] with one tuple. */
struct sseg {
	size_t start, end;
	struct skey t;		/* the tuple bytes only */
};

int check_shadow_budget(const struct vg_rule *rules, size_t n,
			const struct vg_peer *peers, size_t np,
			unsigned long budget, check_shadow_fn *fn, void *arg)
{
	size_t *order = malloc((n + 1) * sizeof(*order));
	struct sbounds *bd = malloc((n + 1) * sizeof(*bd));
	struct sent *e = malloc((n + 1) * sizeof(*e));
	struct sseg *seg = malloc((n + 1) * sizeof(*seg));
	uint32_t *by = malloc((n + 1) * sizeof(*by));
	size_t no, i, j, s, nseg = 0;
	unsigned long work = 0;
	char msg[256], w1[64], w2[64];
	int found = 0;

	if (!order || !bd || !e || !seg || !by) {
		found = -ENOMEM;
		goto out;
	}
	no = check_order(rules, n, peers, np, order);
	for (j = 0; j < no; j++) {
		const struct vg_rule *ru = &rules[order[j]];

		range_bounds(&ru->local, ru->family, bd[j].llo, bd[j].lhi);
		range_bounds(&ru->remote, ru->family, bd[j].rlo, bd[j].rhi);
		own_key(&bd[j].own, ru, &bd[j]);
		e[j].k = bd[j].own;
		e[j].pos = (uint32_t)j;
	}
	qsort(e, no, sizeof(*e), cmp_sent);
	for (i = 0; i < no; i++) {
		if (!nseg || memcmp(&e[i].k, &seg[nseg - 1].t, SKEY_TUPLE)) {
			seg[nseg].start = i;
			memset(&seg[nseg].t, 0, sizeof(seg[nseg].t));
			memcpy(&seg[nseg].t, &e[i].k, SKEY_TUPLE);
			nseg++;
		}
		seg[nseg - 1].end = i + 1;
	}

	for (j = 0; j < no; j++) {
		const struct vg_rule *b = &rules[order[j]];
		uint32_t best = UINT32_MAX;
		struct sent key;

		for (s = 0; s < nseg; s++) {
			size_t lo = seg[s].start, hi = seg[s].end, k;

			work++;
			if (!tuple_above(&seg[s].t, &bd[j].own))
				continue;
			ancestor_key(&key.k, &bd[j].own, &seg[s].t);
			key.pos = 0;
			/* first entry >= (key, pos 0) */
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (cmp_sent(&e[mid], &key) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			work += 8;
			/* same key, ascending position: the first that covers */
			for (k = lo; k < seg[s].end && e[k].pos < best &&
			     e[k].pos < j &&
			     !memcmp(&e[k].k, &key.k, sizeof(key.k)); k++) {
				const struct vg_rule *a = &rules[order[e[k].pos]];

				work++;
				/*
				 * Without a flag of b (selfTraffic), a passes
				 * over traffic that b still captures.
				 */
				if ((a->flags & b->flags) == b->flags &&
				    covers(a, &bd[e[k].pos], b, &bd[j])) {
					best = e[k].pos;
					break;
				}
			}
		}
		by[j] = best;
		if (budget && work > budget) {
			found = -E2BIG;
			goto out;
		}
	}
	for (j = 0; j < no; j++) {
		const struct vg_rule *a, *b = &rules[order[j]];

		if (by[j] == UINT32_MAX)
			continue;
		a = &rules[order[by[j]]];
		snprintf(msg, sizeof(msg),
			 "rule %u is shadowed by rule %u (never matches): %s comes after %s, which covers it",
			 b->id, a->id, where(b, w1, sizeof(w1)),
			 where(a, w2, sizeof(w2)));
		fn(b, a, msg, arg);
		found++;
	}
out:
	free(order);
	free(bd);
	free(e);
	free(seg);
	free(by);
	return found;
}

int check_shadow(const struct vg_rule *rules, size_t n,
		 const struct vg_peer *peers, size_t np, check_shadow_fn *fn,
		 void *arg)
{
	return check_shadow_budget(rules, n, peers, np, CHECK_SHADOW_BUDGET,
				   fn, arg);
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

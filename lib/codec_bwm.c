// SPDX-License-Identifier: GPL-2.0
/*
 * libvgate codec for the family "vgate_bwm": an interface's shaper, a
 * class, a filter.  No I/O, no printing.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>

#include "codec.h"
#include "schema_tables.h"

int vg_bwm_if_put(struct nl_msg *m, const struct vg_bwm_obj *b, int full)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_BWM_A_IF);

	if (!nest || nla_put_string(m, VGATE_BWM_IF_A_IFNAME, b->ifname))
		return -EMSGSIZE;
	if (full &&
	    ((nla_put_u8(m, VGATE_BWM_IF_A_ENABLED,
			 b->enabled)) ||
	     (b->has & VG_BWM_RATE &&
	      nla_put_u64(m, VGATE_BWM_IF_A_RATE, b->rate)) ||
	     (b->has & VG_BWM_MODE &&
	      nla_put_u8(m, VGATE_BWM_IF_A_MODE, b->mode)) ||
	     (b->has & VG_BWM_OVERHEAD &&
	      nla_put_u16(m, VGATE_BWM_IF_A_OVERHEAD, b->overhead)) ||
	     (b->has & VG_BWM_ESP && nla_put_u8(m, VGATE_BWM_IF_A_ESP, b->esp)) ||
	     (b->has & VG_BWM_LIMIT &&
	      nla_put_u32(m, VGATE_BWM_IF_A_LIMIT, b->limit)) ||
	     (b->has & VG_BWM_DEFAULT &&
	      nla_put_u16(m, VGATE_BWM_IF_A_DEFAULT_CLASS, b->defcls))))
		return -EMSGSIZE;
	return nla_nest_end(m, nest);
}

int vg_bwm_class_put(struct nl_msg *m, const struct vg_bwm_obj *b)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_BWM_A_CLASS);

	if (!nest || nla_put_u16(m, VGATE_BWM_CLASS_A_ID, b->id) ||
	    (b->has & VG_BWM_RATE &&
	     nla_put_u64(m, VGATE_BWM_CLASS_A_RATE, b->rate)) ||
	    (b->has & VG_BWM_PARENT &&
	     nla_put_u16(m, VGATE_BWM_CLASS_A_PARENT, b->parent)) ||
	    (b->has & VG_BWM_CEIL &&
	     nla_put_u64(m, VGATE_BWM_CLASS_A_CEIL, b->ceil)) ||
	    (b->has & VG_BWM_PRIO &&
	     nla_put_u8(m, VGATE_BWM_CLASS_A_PRIO, b->prio)) ||
	    (b->has & VG_BWM_BORROW &&
	     nla_put_u8(m, VGATE_BWM_CLASS_A_BORROW, b->borrow)) ||
	    (b->has & VG_BWM_NAME &&
	     nla_put_string(m, VGATE_BWM_CLASS_A_NAME, b->name)))
		return -EMSGSIZE;
	return nla_nest_end(m, nest);
}

static int put_range(struct nl_msg *m, int lo, const struct vg_bwm_range *r)
{
	int len = r->family == AF_INET ? 4 : 16;

	if (nla_put(m, lo, len, &r->min) || nla_put(m, lo + 1, len, &r->max))
		return -EMSGSIZE;
	return 0;
}

int vg_bwm_filter_put(struct nl_msg *m, const struct vg_bwm_obj *b, int full)
{
	struct nlattr *nest = nla_nest_start(m, VGATE_BWM_A_FILTER);

	if (!nest || nla_put_u16(m, VGATE_BWM_FILTER_A_ID, b->id))
		return -EMSGSIZE;
	if (full &&
	    (nla_put_u16(m, VGATE_BWM_FILTER_A_CLASS, b->classid) ||
	     (b->has & VG_BWM_SERVICE &&
	      nla_put_u8(m, VGATE_BWM_FILTER_A_SERVICE, b->service)) ||
	     (b->has & VG_BWM_PROTO &&
	      nla_put_u8(m, VGATE_BWM_FILTER_A_PROTO, b->proto)) ||
	     (b->has & VG_BWM_SRC &&
	      put_range(m, VGATE_BWM_FILTER_A_SRC_MIN, &b->src)) ||
	     (b->has & VG_BWM_DST &&
	      put_range(m, VGATE_BWM_FILTER_A_DST_MIN, &b->dst)) ||
	     (b->has & VG_BWM_SPORT &&
	      (nla_put_u16(m, VGATE_BWM_FILTER_A_SPORT_MIN, b->sport[0]) ||
	       nla_put_u16(m, VGATE_BWM_FILTER_A_SPORT_MAX, b->sport[1]))) ||
	     (b->has & VG_BWM_DPORT &&
	      (nla_put_u16(m, VGATE_BWM_FILTER_A_DPORT_MIN, b->dport[0]) ||
	       nla_put_u16(m, VGATE_BWM_FILTER_A_DPORT_MAX, b->dport[1])))))
		return -EMSGSIZE;
	return nla_nest_end(m, nest);
}

static uint64_t get_u(struct nlattr *a)
{
	switch (nla_len(a)) {
	case 1:
		return nla_get_u8(a);
	case 2:
		return nla_get_u16(a);
	case 4:
		return nla_get_u32(a);
	default:
		return nla_get_u64(a);
	}
}

static int get_stats(struct nlattr *nest, uint64_t *st)
{
	struct nlattr *tb[VGATE_BWM_STAT_MAX + 1];
	int r, t;

	r = vg_nest_index(nest, bwm_stat_desc, VGATE_BWM_STAT_MAX, tb);
	if (r)
		return r;
	for (t = 1; t <= VGATE_BWM_STAT_MAX; t++)
		if (tb[t])
			st[t] = nla_get_u64(tb[t]);
	return 0;
}

int vg_bwm_item_get(struct nlattr **top, struct vg_bwm_item *x)
{
	struct nlattr *tb[VGATE_BWM_FILTER_A_MAX + VGATE_BWM_CLASS_A_MAX + 2];
	int r;

	memset(x, 0, sizeof(*x));
	if (!top[VGATE_BWM_A_IF])
		return -EPROTO;
	r = vg_nest_index(top[VGATE_BWM_A_IF], bwm_if_desc, VGATE_BWM_IF_A_MAX, tb);
	if (r)
		return r;
	if (tb[VGATE_BWM_IF_A_IFNAME])
		vg_get_str(tb[VGATE_BWM_IF_A_IFNAME], x->ifname,
			   sizeof(x->ifname));
#define U(field, attr) do { if (tb[attr]) x->field = get_u(tb[attr]); } while (0)
	U(enabled, VGATE_BWM_IF_A_ENABLED);
	U(rate, VGATE_BWM_IF_A_RATE);
	U(mode, VGATE_BWM_IF_A_MODE);
	U(overhead, VGATE_BWM_IF_A_OVERHEAD);
	U(esp, VGATE_BWM_IF_A_ESP);
	U(limit, VGATE_BWM_IF_A_LIMIT);
	U(defcls, VGATE_BWM_IF_A_DEFAULT_CLASS);
	U(nclasses, VGATE_BWM_IF_A_NUM_CLASSES);
	U(nfilters, VGATE_BWM_IF_A_NUM_FILTERS);
	U(link_speed, VGATE_BWM_IF_A_LINK_SPEED);
	if (tb[VGATE_BWM_IF_A_STATS] &&
	    (r = get_stats(tb[VGATE_BWM_IF_A_STATS], x->st)))
		return r;
	if (top[VGATE_BWM_A_CLASS]) {
		r = vg_nest_index(top[VGATE_BWM_A_CLASS], bwm_class_desc,
				  VGATE_BWM_CLASS_A_MAX, tb);
		if (r)
			return r;
		U(id, VGATE_BWM_CLASS_A_ID);
		U(parent, VGATE_BWM_CLASS_A_PARENT);
		U(crate, VGATE_BWM_CLASS_A_RATE);
		U(user_ceil, VGATE_BWM_CLASS_A_CEIL);
		U(ceil, VGATE_BWM_CLASS_A_EFF_CEIL);
		U(prio, VGATE_BWM_CLASS_A_PRIO);
		U(borrow, VGATE_BWM_CLASS_A_BORROW);
		U(leaf, VGATE_BWM_CLASS_A_LEAF);
		if (tb[VGATE_BWM_CLASS_A_NAME])
			vg_get_str(tb[VGATE_BWM_CLASS_A_NAME], x->name,
				   sizeof(x->name));
		if (tb[VGATE_BWM_CLASS_A_STATS] &&
		    (r = get_stats(tb[VGATE_BWM_CLASS_A_STATS], x->st)))
			return r;
	}
	if (top[VGATE_BWM_A_FILTER]) {
		r = vg_nest_index(top[VGATE_BWM_A_FILTER], bwm_filter_desc,
				  VGATE_BWM_FILTER_A_MAX, tb);
		if (r)
			return r;
		U(id, VGATE_BWM_FILTER_A_ID);
		U(classid, VGATE_BWM_FILTER_A_CLASS);
		U(matches, VGATE_BWM_FILTER_A_MATCHES);
		if (tb[VGATE_BWM_FILTER_A_SERVICE])
			x->service = get_u(tb[VGATE_BWM_FILTER_A_SERVICE]),
			x->has |= VG_BWM_SERVICE;
		if (tb[VGATE_BWM_FILTER_A_PROTO])
			x->proto = get_u(tb[VGATE_BWM_FILTER_A_PROTO]),
			x->has |= VG_BWM_PROTO;
		if (tb[VGATE_BWM_FILTER_A_SRC_MIN] &&
		    tb[VGATE_BWM_FILTER_A_SRC_MAX]) {
			x->family = nla_len(tb[VGATE_BWM_FILTER_A_SRC_MIN]) == 4 ?
				    AF_INET : AF_INET6;
			nla_memcpy(&x->src[0], tb[VGATE_BWM_FILTER_A_SRC_MIN], 16);
			nla_memcpy(&x->src[1], tb[VGATE_BWM_FILTER_A_SRC_MAX], 16);
			x->has |= VG_BWM_SRC;
		}
		if (tb[VGATE_BWM_FILTER_A_DST_MIN] &&
		    tb[VGATE_BWM_FILTER_A_DST_MAX]) {
			x->family = nla_len(tb[VGATE_BWM_FILTER_A_DST_MIN]) == 4 ?
				    AF_INET : AF_INET6;
			nla_memcpy(&x->dst[0], tb[VGATE_BWM_FILTER_A_DST_MIN], 16);
			nla_memcpy(&x->dst[1], tb[VGATE_BWM_FILTER_A_DST_MAX], 16);
			x->has |= VG_BWM_DST;
		}
		if (tb[VGATE_BWM_FILTER_A_SPORT_MIN]) {
			U(sport[0], VGATE_BWM_FILTER_A_SPORT_MIN);
			U(sport[1], VGATE_BWM_FILTER_A_SPORT_MAX);
			x->has |= VG_BWM_SPORT;
		}
		if (tb[VGATE_BWM_FILTER_A_DPORT_MIN]) {
			U(dport[0], VGATE_BWM_FILTER_A_DPORT_MIN);
			U(dport[1], VGATE_BWM_FILTER_A_DPORT_MAX);
			x->has |= VG_BWM_DPORT;
		}
	}
#undef U
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgate_bwm.ko: the bandwidth manager ("bm ...").  Shared between the
 * interface bindings and configuration (bwm.c), the queueing discipline
 * that shapes (bwm_sched.c) and the netlink family (bwm_netlink.c).
 * include/uapi/linux/vgate.h documents the model.
 */
#ifndef _VGATE_BWM_H
#define _VGATE_BWM_H

#include <linux/in6.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <net/pkt_sched.h>
#include <uapi/linux/vgate.h>

/* ---- configuration: what the user set, copied and checked per change ---- */

struct bwm_class_cfg {
	u16 id;
	u16 parent;
	u64 rate;		/* bit/s */
	u64 ceil;		/* bit/s, 0: default */
	u8 prio;
	u8 borrow;
	char name[VGATE_BWM_NAME_MAX];
};

enum {
	BWM_F_PROTO = 1U << 0,
	BWM_F_SRC = 1U << 1,
	BWM_F_DST = 1U << 2,
	BWM_F_SPORT = 1U << 3,
	BWM_F_DPORT = 1U << 4,
	BWM_F_SERVICE = 1U << 5,
};

struct bwm_filter_cfg {
	u16 id;
	u16 classid;
	u32 has;		/* BWM_F_x */
	u8 service;
	u8 proto;
	u8 family;		/* AF_INET or AF_INET6 when SRC or DST */
	struct in6_addr src_min, src_max, dst_min, dst_max;	/* IPv4: s6_addr32[0] */
	u16 sport_min, sport_max, dport_min, dport_max;
};

struct bwm_cfg {
	u64 rate;		/* bit/s */
	u8 mode;		/* enum vgate_bwm_mode */
	u8 esp;			/* enum vgate_bwm_esp */
	u16 overhead;
	u32 limit;		/* packets per class */
	u16 defcls;		/* 0: built-in */
	unsigned int ncls, nflt;
	struct bwm_class_cfg cls[VGATE_BWM_MAX_CLASSES];
	struct bwm_filter_cfg flt[VGATE_BWM_MAX_FILTERS];
};

/* ---- the shaper's runtime tree, built from a bwm_cfg ---- */

struct bwm_cls {
	u16 id;
	s16 parent;		/* index, -1 for the root */
	u8 prio;
	bool borrow;
	bool leaf;
	bool woke;		/* idle until an enqueue: see bwm_wake() */
	struct psched_ratecfg rate, ceil;
	s64 buffer, cbuffer;	/* bucket depths, ns */
	s64 tokens, ctokens;	/* ns */
	u64 t_c;		/* last token update, ns */
	u32 quantum;		/* bytes, proportional to rate */
	s32 deficit[2];		/* DRR: guaranteed, borrowing */
	struct qdisc_skb_head q;
	u32 limit;
	/* counters */
	u64 bytes, packets, drops, borrowed, stall_ns;
	u64 est_bytes, est_stamp, rate_est;
	char name[VGATE_BWM_NAME_MAX];
	u64 cfg_rate, cfg_ceil;	/* bit/s as in force */
};

struct bwm_filter {
	struct bwm_filter_cfg c;
	int cls;		/* index */
	u64 matches;
};

struct bwm_tree {
	u8 mode;
	u8 esp;
	u16 overhead;
	int ncls;		/* [0] root, then user classes, then default */
	int defidx;		/* unmatched traffic */
	int nleaves;
	int rr[2];		/* DRR cursors into leaves[] */
	bool woke;		/* a class woke since the last dequeue */
	bool idle;		/* and before it, the whole tree was idle */
	int nflt;
	u32 seg_thresh;	/* GSO packets longer than this are split */
	u64 direct;		/* packets shaped elsewhere, sent directly */
	struct bwm_cls *cls;
	int *leaves;
	struct bwm_filter *flt;	/* most specific first */
};

/* Per shaped device; the list and the fields are under RTNL. */
struct bwm_bind {
	struct list_head list;
	struct net_device *dev;
	netdevice_tracker tracker;
	struct Qdisc *q;		/* ours, NULL once tc deleted it */
	struct Qdisc *old_root;		/* dev->qdisc before, referenced */
	unsigned int nq;
	struct Qdisc **old;		/* per tx queue, referenced */
	bool *hashed;			/* old[i] was in the device's qdisc hash */
	struct bwm_cfg *cfg;
};

/*
 * A transaction (bwm_netlink.c): one per namespace, opened by the netlink
 * socket portid; under RTNL.  Each interface it changes has a pending
 * configuration, checked and built (tree, and a binding prepared for an
 * interface to enable) when the request came; the commit only installs.
 */
struct bwm_txn_if {
	struct list_head list;
	struct net_device *dev;
	netdevice_tracker tracker;
	bool enabled;		/* as the transaction leaves the interface */
	bool fresh;		/* the running binding, if any, goes first */
	struct bwm_cfg *cfg;	/* enabled: the configuration... */
	struct bwm_tree *tree;	/* ...and its tree */
	struct bwm_bind *nb;	/* prepared binding to attach, or NULL */
};

struct bwm_txn {
	struct list_head list;	/* all transactions */
	struct net *net;
	u32 portid;
	struct list_head ifs;	/* struct bwm_txn_if */
};

/* bwm.c: bindings and changes; all under RTNL. */
struct bwm_bind *bwm_bind_find(const struct net_device *dev);
struct bwm_bind *bwm_bind_prepare(struct net_device *dev,
				  struct netlink_ext_ack *extack);
void bwm_bind_attach(struct bwm_bind *b, struct bwm_cfg *cfg,
		     struct bwm_tree *t);
void bwm_bind_discard(struct bwm_bind *b);
void bwm_unbind(struct bwm_bind *b);
int bwm_if_set(struct net_device *dev, struct bwm_cfg *cfg,
	       bool enable, struct netlink_ext_ack *extack);
/* Apply a modified copy of the configuration (classes, filters). */
int bwm_cfg_apply(struct bwm_bind *b, struct bwm_cfg *cfg,
		  struct netlink_ext_ack *extack);
int bwm_cfg_check(const struct net_device *dev, const struct bwm_cfg *cfg,
		  struct netlink_ext_ack *extack);
u64 bwm_link_speed(struct net_device *dev);
/* From the qdisc's destroy: tc deleted or replaced it. */
void bwm_bind_qdisc_gone(struct bwm_bind *b, struct Qdisc *sch);
struct list_head *bwm_binds(void);
/* Formatted extack messages (6.1 has no NL_SET_ERR_MSG_FMT). */
__printf(2, 3) void bwm_errmsg(struct netlink_ext_ack *extack,
			       const char *fmt, ...);

/* bwm_sched.c */
extern struct Qdisc_ops bwm_qdisc_ops;
struct bwm_tree *bwm_tree_build(const struct bwm_cfg *cfg,
				const struct net_device *dev);
void bwm_tree_free(struct bwm_tree *t);
/* Replace the tree of our qdisc (under its tree lock); frees the old one. */
void bwm_sched_swap(struct Qdisc *sch, struct bwm_tree *t);
void bwm_sched_set_bind(struct Qdisc *sch, struct bwm_bind *b);
/* Who may create a vgate_bwm qdisc: set under RTNL around the creation. */
extern bool bwm_creating;

struct bwm_stats {
	u64 v[VGATE_BWM_STAT_MAX + 1];
};

/* A class's statistics and rates in force, copied under the tree lock. */
int bwm_sched_stats(struct Qdisc *sch, u16 id, struct bwm_stats *st,
		    u64 *rate, u64 *ceil, bool *leaf);
int bwm_sched_filter_matches(struct Qdisc *sch, u16 id, u64 *matches);

/* vgate.ko's (kernel/config.h), reached with symbol_get() only */
int vgate_userns_check(struct sk_buff *skb, struct net *net,
		       struct netlink_ext_ack *extack);

/* bwm_netlink.c */
int bwm_genl_init(void);
void bwm_genl_uninit(void);
/* Under RTNL: drop the pending changes of a device that unregisters. */
void bwm_txn_dev_gone(struct net_device *dev);
/* Drop the transaction of a dying namespace. */
void bwm_txn_net_exit(struct net *net);

#endif /* _VGATE_BWM_H */

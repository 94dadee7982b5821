/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace state: every namespace has its own configuration,
 * SA database, rule set and counters.
 */
#ifndef _VGATE_NETNS_H
#define _VGATE_NETNS_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/rhashtable-types.h>
#include <linux/list.h>
#include <linux/netfilter.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "counters.h"
#include "stats.h"

struct vgate_spd;
struct vgate_txn;
struct vgate_store;
struct vgate_acq_table;

#define VGATE_REQID_HSIZE	64

struct vgate_config {
	u32 replay_window;
	u32 max_sas;
	u32 drop_log;
	u32 swskip_overlap;
	u32 post_default;
	u32 acquire_timeout;
	u32 acquire_queue;
	u32 natt_keepalive;
};

struct vgate_net {
	struct net *net;
	/* Serialises every configuration change of this namespace. */
	struct mutex lock;
	/* Bumped on every SAD or rule change; dumps check it (DUMP_INTR). */
	u32 generation;
	bool hooks_registered;
	struct nf_hook_ops hook_ops[6];	/* VGATE_HOOKS4 + VGATE_HOOKS6 */

	struct vgate_config cfg;

	struct rhashtable sad;		/* (SPI, dst, proto) -> vgate_sa */
	struct list_head sa_list;	/* under lock, in insertion order */
	atomic_t sa_count;		/* SAs in the SAD */
	atomic_t sa_live;		/* SAs not yet freed */
	/* REQID -> SAs with it, newest first; RCU, written under lock. */
	struct hlist_head sa_reqid[VGATE_REQID_HSIZE];

	/* The running policy: its store, its compiled form, a transaction. */
	struct vgate_store *store;
	struct vgate_spd __rcu *spd;
	struct vgate_txn *txn;

	struct vgate_counters __percpu *stats;	/* VGATE_NS_COUNTERS */

	struct vgate_acq_table *acq;	/* held packets (acquire.c) */

	/* Own addresses for the self bypass (ownaddr.c), written under RTNL. */
	struct vgate_ownaddr __rcu *own;
	struct work_struct own_work;		/* rebuilds own */

	/* NAT traversal (natt.c) */
	spinlock_t natt_lock;		/* natt_sk against its destructor */
	struct sock *natt_sk;		/* the NAT-T socket, held */
	struct socket *natt_ksock;	/* vgate's own socket, if natt_sk is */
	u16 natt_port;			/* its port, 0 = none (READ_ONCE) */
	struct list_head natt_sas;	/* SAs with encap, under lock */
	struct delayed_work natt_ka;	/* keepalives */
};

extern unsigned int vgate_net_id;

static inline struct vgate_net *vgate_net(const struct net *net)
{
	return net_generic(net, vgate_net_id);
}

int vgate_netns_init(void);
void vgate_netns_uninit(void);
int vgate_net_enable(struct vgate_net *vn);

static inline void vgate_count(struct vgate_net *vn, enum vgate_counter c)
{
	vgate_counters_add(vn->stats, c, 1);
}

static inline void vgate_count_drop(struct vgate_net *vn,
				    enum vgate_drop_reason reason)
{
	vgate_counters_add(vn->stats, VGATE_CNT_DROP(reason), 1);
}

#endif /* _VGATE_NETNS_H */

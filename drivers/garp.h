/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgate_garp.ko: the gratuitous-ARP acceptance policy (Appendix 7 of the
 * LAN-Cell manual, "ip arp ackGratuitous ...").  Shared between the
 * policy (garp.c), its netlink family (garp_netlink.c) and its sysfs files
 * (garp_sysfs.c).
 */
#ifndef _VGATE_GARP_H
#define _VGATE_GARP_H

#include <linux/atomic.h>
#include <linux/if_ether.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/xarray.h>
#include <uapi/linux/vgate.h>

/* A switch of an interface that follows the namespace's setting. */
#define GARP_INHERIT		(-1)

/* Verifications running at once in a namespace; more are rate limited. */
#define GARP_MAX_PENDING	64

/* The namespace-wide settings; written under garp_net.cfg_lock. */
struct garp_cfg {
	u32 active;		/* 0..1 */
	u32 force_update;	/* 0..1 */
	u32 rate_limit;		/* per second and interface, 0 = unlimited */
	u32 verify_timeout;	/* ms */
};

/*
 * Per Ethernet interface: overrides, rate limit state, counters.  Created
 * when the device registers, freed (RCU) when it unregisters; looked up by
 * ifindex in garp_net.ifs under RCU.
 */
struct garp_if {
	int ifindex;
	s8 active;		/* 0, 1 or GARP_INHERIT */
	s8 force_update;
	u32 rate_limit;		/* or VGATE_GARP_RATE_INHERIT */
	bool sysfs;		/* /sys/class/net/IF/vgate_garp exists */

	spinlock_t bucket_lock;	/* the token bucket below */
	u64 tokens;		/* in 1/HZ units of an announcement */
	unsigned long bucket_stamp;

	atomic64_t cnt[__VGATE_GARP_CNT_LAST];
	struct rcu_head rcu;
};

/* An interface's overrides as a transaction set them. */
struct garp_txn_if {
	struct list_head list;
	int ifindex;
	u8 set;			/* BIT(VGATE_GARP_IF_A_x) of those set */
	s8 active;		/* 0, 1 or GARP_INHERIT */
	s8 force_update;
	u32 rate_limit;		/* or VGATE_GARP_RATE_INHERIT */
};

/*
 * An open transaction (TXN_BEGIN of the socket portid), under cfg_lock:
 * what TXN_COMMIT will write.  Everything is checked and allocated when
 * the SET arrives; the commit only writes.
 */
struct garp_txn {
	u32 portid;
	struct garp_cfg cfg;	/* the settings the transaction set */
	u32 cfg_set;		/* BIT(VGATE_GARP_CFG_A_x) of those set */
	struct list_head ifs;	/* struct garp_txn_if */
};

struct garp_net {
	struct net *net;
	struct mutex cfg_lock;	/* settings and overrides writers */
	struct garp_cfg cfg;
	struct garp_txn *txn;	/* under cfg_lock */
	struct xarray ifs;	/* ifindex -> struct garp_if */

	spinlock_t lock;	/* pending, npending, dying, timer arming */
	struct list_head pending;
	unsigned int npending;
	bool dying;
	struct timer_list timer;	/* earliest verification deadline */
};

struct garp_net *garp_net(const struct net *net);
struct garp_if *garp_if_get(struct garp_net *gn, int ifindex);

/* Effective settings of an interface. */
bool garp_eff_active(const struct garp_net *gn, const struct garp_if *gi);
bool garp_eff_force(const struct garp_net *gn, const struct garp_if *gi);
u32 garp_eff_rate(const struct garp_net *gn, const struct garp_if *gi);

static inline u64 garp_cnt_read(const struct garp_if *gi, int c)
{
	return atomic64_read(&gi->cnt[c]);
}

/* Validation shared by netlink and sysfs; -ERANGE when out of range. */
int garp_cfg_check(int attr, u32 val);

/* garp_netlink.c */
int garp_genl_init(void);
void garp_genl_uninit(void);
/* Drop the namespace's transaction (namespace exit), under cfg_lock. */
void garp_txn_free(struct garp_net *gn);

/* garp_sysfs.c */
int garp_sysfs_init(void);
void garp_sysfs_uninit(void);
int garp_sysfs_add_if(struct net_device *dev);
void garp_sysfs_del_if(struct net_device *dev);

#endif /* _VGATE_GARP_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The security policy: rules (pre IPsec, traffic list entries of peers,
 * post IPsec) and peers, in the Bintec model.
 *
 * Configuration lives in a store (two xarrays keyed by ID) that only the
 * namespace's mutex holder touches.  Every change is made to a copy of the
 * store (a transaction: one request, or a TXN_BEGIN..TXN_COMMIT batch) and
 * committed by compiling the copy into an immutable struct vgate_spd (rules
 * in evaluation order plus a lookup index per family) that is published
 * with RCU.  The packet path only ever reads a published spd, so it sees
 * either the old or the new policy, never a mix.  Rule and peer objects are
 * immutable once published (apart from counters and a peer's block time)
 * and shared between stores; one that leaves the running store is freed
 * after a grace period.
 */
#ifndef _VGATE_POLICY_H
#define _VGATE_POLICY_H

#include <linux/types.h>
#include <linux/xarray.h>
#include <uapi/linux/vgate.h>
#include "sad.h"
#include "netns.h"

struct vgate_net;
struct sk_buff;
struct netlink_ext_ack;
struct vgate_spd_index;
struct net_device;

struct vgate_flow {
	union vgate_addr src, dst;
	u8 family;
	u8 proto;
	bool has_ports;
	__be16 sport, dport;
};

enum vgate_rule_counter {
	VGATE_RULE_CNT_PACKETS_OUT,
	VGATE_RULE_CNT_BYTES_OUT,
	VGATE_RULE_CNT_PACKETS_IN,
	VGATE_RULE_CNT_BYTES_IN,
	VGATE_RULE_CNT_NR
};

/* How a selector was given, kept for display. */
enum vgate_sel_kind {
	VGATE_SEL_ANY,
	VGATE_SEL_HOST,
	VGATE_SEL_NET,
	VGATE_SEL_RANGE,
};

/* An inclusive address range, network byte order. */
struct vgate_sel {
	union vgate_addr lo, hi;
	u8 kind;	/* enum vgate_sel_kind */
	u8 plen;	/* VGATE_SEL_NET */
};

struct vgate_rule {
	u32 id;
	u8 family;
	u8 stage;			/* enum vgate_rule_stage */
	u8 action;
	u8 proto;			/* 0 = any */
	u32 flags;			/* enum vgate_rule_flags */
	u32 peer_id;			/* stage PEER */
	struct vgate_sel local, remote;
	u16 lport_min, lport_max;
	u16 rport_min, rport_max;
	bool has_ports;
	/*
	 * The entry's bundle: ESP SAs (spi_*), AH SAs (ah_spi_*); all 0:
	 * dynamic (REQID = id).
	 */
	u32 spi_out, spi_in;
	u32 ah_spi_out, ah_spi_in;
	u16 cpi_out, cpi_in;		/* IPComp SAs; 0: none */
	char *descr;
	struct vgate_counters __percpu *stats;	/* VGATE_RULE_CNT_NR */
	struct vgate_counters_chunk *stats_chunk;
	struct rcu_head rcu;
};

/* Does the entry name its SAs (else: dynamic, by REQID)? */
static inline bool vgate_rule_static(const struct vgate_rule *r)
{
	return r->spi_out || r->ah_spi_out;
}

struct vgate_peer {
	u32 id;
	char name[32];
	u8 family;
	u8 admin;			/* enum vgate_peer_admin */
	bool virtual;
	bool propagate_pmtu;		/* Bintec "Propagate PMTU" */
	u8 ipcomp;			/* enum vgate_peer_ipcomp */
	union vgate_addr addr;
	u32 spi_out, spi_in;		/* virtual peers */
	char *descr;
	char *hostname;
	/* jiffies until which a keying daemon blocked the peer; 0: not */
	unsigned long blocked_until;
	/*
	 * Virtual peers: their device, owned by tunnel.c; set before the peer
	 * is published, cleared only at namespace exit (READ_ONCE).
	 */
	struct net_device *dev;
	struct rcu_head rcu;
};

/* The configuration being edited: IDs to rules and to peers. */
struct vgate_store {
	struct xarray rules;
	struct xarray peers;
	/*
	 * A transaction's store: the running store it was cloned from, which
	 * holds every object published so far (NULL once it runs).  An
	 * object the transaction drops that the base does not hold was never
	 * published and is freed at once; the others at commit.
	 */
	struct vgate_store *base;
};

/* An open transaction: the store, knobs and SA changes it will install. */
struct vgate_txn {
	u32 portid;			/* 0: implicit, one request */
	struct vgate_store *st;
	struct vgate_config cfg;
	u32 cfg_mask;			/* knobs the transaction set */
	struct vgate_sa_stage sas;	/* SA requests of the owner (sad.c) */
};

/* A rule as the compiled policy sees it. */
struct vgate_spd_entry {
	struct vgate_rule *rule;
	struct vgate_peer *peer;	/* stage PEER */
};

struct vgate_spd_family {
	u32 n;
	struct vgate_spd_entry *entries;	/* in evaluation order */
	struct vgate_spd_index *index;		/* remote ranges of entries */
};

/* The compiled, published policy. */
struct vgate_spd {
	struct vgate_spd_family fam[2];		/* IPv4, IPv6 */
	u32 nrules;
	u32 npeers;
	struct vgate_peer **peers;		/* ID order */
	u32 nvpeers;
	struct vgate_peer **vpeers;		/* virtual peers (tunnel.c) */
	struct rcu_head rcu;
};

struct vgate_verdict {
	u8 action;			/* enum vgate_rule_action */
	u8 why;				/* enum vgate_verdict_reason */
	bool self;
	struct vgate_rule *rule;	/* NULL for defaults */
	struct vgate_peer *peer;
};

void vgate_policy_init(void);
/* After the last rule is freed (rcu_barrier()). */
void vgate_policy_uninit(void);
int vgate_policy_net_init(struct vgate_net *vn);
void vgate_policy_net_exit(struct vgate_net *vn);

/*
 * Transactions, under vn->lock.  vgate_txn_get() returns the transaction a
 * request from @portid edits: the open one if @portid owns it (@implicit
 * false), or a new implicit one (@implicit true) that the caller must end
 * with vgate_txn_commit() or vgate_txn_abort().  -EBUSY if another socket
 * holds a transaction.
 */
struct vgate_txn *vgate_txn_get(struct vgate_net *vn, u32 portid,
				bool *implicit, struct netlink_ext_ack *extack);
/*
 * For SA requests, which are staged only in an open transaction: the open
 * transaction if @portid owns it, NULL if there is none (the request acts
 * on the SAD), -EBUSY if another socket holds one.
 */
struct vgate_txn *vgate_txn_owned(struct vgate_net *vn, u32 portid,
				  struct netlink_ext_ack *extack);
int vgate_txn_begin(struct vgate_net *vn, u32 portid,
		    struct netlink_ext_ack *extack);
int vgate_txn_commit(struct vgate_net *vn, struct vgate_txn *txn,
		     struct netlink_ext_ack *extack);
void vgate_txn_abort(struct vgate_net *vn, struct vgate_txn *txn);
/* Drop the transaction of a closed socket. */
void vgate_txn_release(struct vgate_net *vn, u32 portid);
/* End a request's transaction: commit if @err is 0, else abort. */
int vgate_txn_end(struct vgate_net *vn, struct vgate_txn *txn, bool implicit,
		  int err, struct netlink_ext_ack *extack);

struct vgate_rule *vgate_rule_alloc(void);
void vgate_rule_free(struct vgate_rule *rule);
struct vgate_peer *vgate_peer_alloc(void);
void vgate_peer_free(struct vgate_peer *peer);

/* Store edits; each takes (or frees) @rule/@peer. */
int vgate_store_rule_put(struct vgate_store *st, struct vgate_rule *rule,
			 bool replace, struct netlink_ext_ack *extack);
int vgate_store_rule_del(struct vgate_store *st, u32 id,
			 struct netlink_ext_ack *extack);
void vgate_store_rule_flush(struct vgate_store *st);
int vgate_store_peer_put(struct vgate_store *st, struct vgate_peer *peer,
			 bool replace, struct netlink_ext_ack *extack);
int vgate_store_peer_del(struct vgate_store *st, u32 id,
			 struct netlink_ext_ack *extack);
int vgate_store_peer_flush(struct vgate_store *st,
			   struct netlink_ext_ack *extack);
struct vgate_peer *vgate_store_peer_by_name(struct vgate_store *st,
					    const char *name);
u32 vgate_store_peer_entries(struct vgate_store *st, u32 peer_id);

bool vgate_flow_from_skb(const struct sk_buff *skb, struct vgate_flow *f);
/*
 * Classify @f leaving (@inbound false) or arriving, under rcu_read_lock.
 * Returns false when nothing decided (no rule matched and the flow is not
 * self traffic): the caller applies post_default where that makes sense.
 */
bool vgate_classify(struct vgate_net *vn, const struct vgate_spd *spd,
		    const struct vgate_flow *f, bool inbound,
		    struct vgate_verdict *v);
/* Count a verdict that lets the packet pass; true if it does. */
bool vgate_verdict_passes(struct vgate_net *vn, const struct vgate_verdict *v);
/* Why a DROP verdict drops: a rule (or post default), or a blocked peer. */
enum vgate_drop_reason vgate_verdict_drop_reason(const struct vgate_verdict *v);

/*
 * Whether @v is a peer's PROTECT entry speaking: it protects, or drops
 * because its peer is down or blocked (fail closed).  Only such a verdict
 * applies to a decrypted packet being forwarded.
 */
static inline bool vgate_verdict_is_peer_entry(const struct vgate_verdict *v)
{
	return v->action == VGATE_ACTION_PROTECT ||
	       v->why == VGATE_WHY_PEER_DOWN ||
	       v->why == VGATE_WHY_PEER_BLOCKED;
}

/* Order of two addresses of @family, as numbers. */
int vgate_addr_cmp(u8 family, const union vgate_addr *a,
		   const union vgate_addr *b);
bool vgate_peer_blocked(const struct vgate_peer *peer);
struct vgate_peer *vgate_spd_peer(const struct vgate_spd *spd, u32 id);

void vgate_rule_count(struct vgate_rule *rule, bool inbound,
		      unsigned int bytes);
void vgate_rule_read_stats(struct vgate_rule *rule,
			   u64 out[VGATE_RULE_CNT_NR]);

#endif /* _VGATE_POLICY_H */

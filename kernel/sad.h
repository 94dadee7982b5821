/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Security association database: one rhashtable per namespace keyed by
 * (SPI, destination, protocol), RCU lookups, refcounted SAs.
 */
#ifndef _VGATE_SAD_H
#define _VGATE_SAD_H

#include <linux/in6.h>
#include <linux/rhashtable.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>
#include <uapi/linux/vgate.h>

#include "counters.h"

struct crypto_aead;
struct crypto_ahash;
struct vgate_net;
struct vgate_replay;
struct netlink_ext_ack;
struct nlattr;

union vgate_addr {
	__be32 a4;
	struct in6_addr a6;
};

struct vgate_sa_key {
	union vgate_addr daddr;
	__be32 spi;
	u8 proto;
	u8 family;
	u16 pad;
};

struct vgate_lifetime {
	u64 soft_bytes, hard_bytes;
	u64 soft_packets, hard_packets;
	u64 soft_seconds, hard_seconds;
};

enum vgate_sa_counter {
	VGATE_SA_CNT_PACKETS_IN,
	VGATE_SA_CNT_BYTES_IN,
	VGATE_SA_CNT_PACKETS_OUT,
	VGATE_SA_CNT_BYTES_OUT,
	VGATE_SA_CNT_ERRORS,
	VGATE_SA_CNT_REPLAY,
	VGATE_SA_CNT_AUTH,
	/* IPComp SAs (ipcomp.c) */
	VGATE_SA_CNT_COMP_OUT,
	VGATE_SA_CNT_COMP_SMALL_OUT,
	VGATE_SA_CNT_COMP_INCOMPRESSIBLE_OUT,
	VGATE_SA_CNT_COMP_BYTES_BEFORE,
	VGATE_SA_CNT_COMP_BYTES_AFTER,
	VGATE_SA_CNT_DECOMP_IN,
	VGATE_SA_CNT_DECOMP_BYTES_IN,
	VGATE_SA_CNT_NR
};

/* Everything a netlink request says about an SA, validated. */
struct vgate_sa_config {
	struct vgate_sa_key key;
	union vgate_addr saddr;
	u8 mode;
	u16 enc, auth;
	u16 comp;			/* IPComp SAs: enum vgate_comp_alg */
	u8 enc_key[VGATE_KEY_MAX_LEN];
	u8 auth_key[VGATE_KEY_MAX_LEN];
	u32 enc_key_len, auth_key_len;
	u32 replay_window;
	u32 reqid;			/* 0: none */
	u32 flags;			/* VGATE_SA_F_SETTABLE bits */
	u64 oseq, replay_seq;		/* start state */
	struct vgate_lifetime lt;
	/* UDP encapsulation (natt.c): encap 0 = none */
	u8 encap;
	bool has_oa;
	__be16 encap_sport, encap_dport;
	union vgate_addr oa;		/* NAT-OA, transport mode */
};

struct vgate_sa {
	struct rhash_head node;
	struct vgate_sa_key key;	/* hash key: never changes */
	struct list_head list;		/* vn->sa_list, under vn->lock */
	struct hlist_node reqid_node;	/* vn->sa_reqid, if reqid */
	u32 reqid;			/* 0: none */
	refcount_t refcnt;
	struct vgate_net *vn;
	struct rcu_head rcu;
	struct work_struct free_work;

	union vgate_addr saddr;
	u8 mode;
	u16 enc, auth;
	u16 comp;			/* IPComp SAs: enum vgate_comp_alg */
	u16 enc_key_bits;
	unsigned long state;		/* bit n = UAPI flag 1 << n, and the
					 * VGATE_SA_BIT_*_NOTIFIED bits
					 */
	bool esn;
	bool linked;			/* in the SAD; under vn->lock */
	u8 soft_limit, hard_limit;	/* enum vgate_expire_limit */
	struct work_struct expire_work;	/* sends events, removes */

	struct crypto_aead *aead;	/* ESP */
	struct crypto_ahash *ahash;	/* AH */
	unsigned int ivlen, icvlen, blksize;
	unsigned int ahlen;		/* AH: header length with the ICV */

	atomic64_t seq_out;		/* last sequence number sent */
	struct vgate_replay *replay;	/* inbound window */
	struct vgate_lifetime lt;
	bool lt_volume;			/* byte or packet limits set */
	atomic64_t lt_bytes, lt_packets;
	time64_t added;			/* ktime_get_seconds() */
	struct timer_list timer;	/* time based lifetimes */

	/* NAT-T (natt.c): encap_hlen bytes of UDP header, 0 = none */
	u8 encap_hlen;
	bool has_oa;
	__be16 encap_sport, encap_dport;
	union vgate_addr oa;
	unsigned long natt_last_tx;	/* jiffies: last packet sent */
	struct list_head natt_node;	/* vn->natt_sas, under vn->lock */

	struct dst_cache dst_cache;	/* route to the peer (outbound) */
	struct vgate_counters __percpu *stats;	/* VGATE_SA_CNT_NR */
};

int vgate_sad_init(void);
void vgate_sad_uninit(void);
int vgate_sad_net_init(struct vgate_net *vn);
void vgate_sad_net_uninit(struct vgate_net *vn);
void vgate_sad_net_destroy(struct vgate_net *vn);

struct vgate_sa *vgate_sa_lookup(struct vgate_net *vn,
				 const struct vgate_sa_key *key);
void vgate_sa_put(struct vgate_sa *sa);
/*
 * The newest live (not hard expired) SA of @proto (IPPROTO_ESP or
 * IPPROTO_AH) with @reqid whose destination is @peer_addr of @family (an
 * outbound SA to that peer), with a reference.
 */
struct vgate_sa *vgate_sa_lookup_reqid(struct vgate_net *vn, u32 reqid,
				       u8 family,
				       const union vgate_addr *peer_addr,
				       u8 proto);
u32 vgate_sa_flags(const struct vgate_sa *sa);

#define VGATE_SA_BIT_WEAK		0
#define VGATE_SA_BIT_EXPIRED		1
#define VGATE_SA_BIT_SOFT_EXPIRED	2
#define VGATE_SA_BIT_ESN		3
#define VGATE_SA_BIT_SOFT_NOTIFIED	16
#define VGATE_SA_BIT_HARD_NOTIFIED	17

int vgate_sa_add(struct vgate_net *vn, struct vgate_sa_config *cfg,
		 bool replace, struct netlink_ext_ack *extack);
int vgate_sa_del(struct vgate_net *vn, const struct vgate_sa_key *key);
void vgate_sa_flush(struct vgate_net *vn);

/*
 * SA changes staged by a transaction (policy.h struct vgate_txn), under
 * vn->lock.  Each request is checked against the SAD as the transaction
 * sees it (the running SAD with the staged changes on top) and its SA is
 * built completely, crypto transforms included, at request time; staged
 * SAs are not in the SAD and see no packet.  The commit installs them:
 * vgate_sa_stage_prepare() inserts the SAs of new keys into the hash table
 * (the one step that can fail; vgate_sa_stage_undo() takes them out
 * again), vgate_sa_stage_apply() does the rest and cannot fail.
 */
struct vgate_sa_stage {
	struct hlist_head *hash;	/* of struct vgate_sa_op; at first use */
	struct list_head ops;		/* in the order the SAs join the list */
	bool flushed;			/* the running SAs are gone */
	int delta;			/* SAs added minus deleted (max_sas) */
};

void vgate_sa_stage_init(struct vgate_sa_stage *st);
/* Drop every staged change (abort). */
void vgate_sa_stage_free(struct vgate_sa_stage *st);
int vgate_sa_stage_add(struct vgate_net *vn, struct vgate_sa_stage *st,
		       struct vgate_sa_config *cfg, bool replace, u32 max_sas,
		       struct netlink_ext_ack *extack);
int vgate_sa_stage_del(struct vgate_net *vn, struct vgate_sa_stage *st,
		       const struct vgate_sa_key *key);
void vgate_sa_stage_flush(struct vgate_sa_stage *st);
int vgate_sa_stage_prepare(struct vgate_net *vn, struct vgate_sa_stage *st,
			   struct netlink_ext_ack *extack);
void vgate_sa_stage_undo(struct vgate_net *vn, struct vgate_sa_stage *st);
void vgate_sa_stage_apply(struct vgate_net *vn, struct vgate_sa_stage *st);

bool vgate_sad_has_dst(struct vgate_net *vn, u8 family,
		       const union vgate_addr *addr);

void vgate_sa_count(struct vgate_sa *sa, enum vgate_sa_counter c, u64 n);
/* Add @a to @c and @b to @d (neither of them REPLAY nor AUTH). */
static inline void vgate_sa_count2(struct vgate_sa *sa,
				   enum vgate_sa_counter c, u64 a,
				   enum vgate_sa_counter d, u64 b)
{
	vgate_counters_add2(sa->stats, c, a, d, b);
}

void vgate_sa_read_stats(struct vgate_sa *sa, u64 out[VGATE_SA_CNT_NR]);
/*
 * Charge one packet of @bytes, received (@out false) or to be sent; false
 * if the SA is past its hard limit.
 */
bool vgate_sa_charge(struct vgate_sa *sa, unsigned int bytes, bool out);
/*
 * The next outbound sequence number, or 0 if the SA has none left: it is
 * then stopped (hard expiry, limit SEQ) instead of wrapping.
 */
u64 vgate_sa_next_seq(struct vgate_sa *sa);

#endif /* _VGATE_SAD_H */

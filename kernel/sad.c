// SPDX-License-Identifier: GPL-2.0
/*
 * SA database.  Lookups are RCU plus refcount_inc_not_zero(); writers hold
 * vn->lock.  An SA is freed once its last reference is gone and an RCU
 * grace period has passed, from a workqueue because freeing a crypto
 * transform may sleep.  Keys only live inside the crypto transform, whose
 * memory the crypto API wipes when it is freed.
 */
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/wait_bit.h>
#include <crypto/aead.h>
#include <linux/hash.h>
#include <linux/jhash.h>
#include <net/ipv6.h>

#include "netns.h"
#include "sad.h"
#include "esp.h"
#include "ah.h"
#include "ipcomp.h"
#include "replay.h"
#include "natt.h"
#include "netlink.h"
#include "acquire.h"
#include "fault.h"

static struct kmem_cache *sa_cache;
static struct workqueue_struct *sa_wq;
static atomic_t sa_live = ATOMIC_INIT(0);

static const struct rhashtable_params sad_params = {
	.key_len = sizeof(struct vgate_sa_key),
	.key_offset = offsetof(struct vgate_sa, key),
	.head_offset = offsetof(struct vgate_sa, node),
	.automatic_shrinking = true,
};

int vgate_sad_init(void)
{
	sa_cache = KMEM_CACHE(vgate_sa, 0);
	if (!sa_cache)
		return -ENOMEM;
	sa_wq = alloc_workqueue("vgate_sa", WQ_UNBOUND, 0);
	if (!sa_wq) {
		kmem_cache_destroy(sa_cache);
		return -ENOMEM;
	}
	return 0;
}

void vgate_sad_uninit(void)
{
	/* Packets still in the crypto layer hold references: wait for them. */
	wait_var_event(&sa_live, !atomic_read(&sa_live));
	rcu_barrier();
	destroy_workqueue(sa_wq);
	kmem_cache_destroy(sa_cache);
}

int vgate_sad_net_init(struct vgate_net *vn)
{
	unsigned int i;

	for (i = 0; i < VGATE_REQID_HSIZE; i++)
		INIT_HLIST_HEAD(&vn->sa_reqid[i]);
	INIT_LIST_HEAD(&vn->sa_list);
	atomic_set(&vn->sa_count, 0);
	return rhashtable_init(&vn->sad, &sad_params);
}

/*
 * The namespace's exit empties the SAD under vn->lock (vgate_sa_flush()),
 * waits for the packets still in the crypto layer (vgate_sa_put() of the
 * last one), and only then frees the table: a completion may still look an
 * SA up (the ESP inside an AH bundle, an IPComp SA), and
 * rhashtable_destroy() frees the bucket table at once, not after a grace
 * period.
 */
void vgate_sad_net_destroy(struct vgate_net *vn)
{
	rhashtable_destroy(&vn->sad);
}

void vgate_sad_net_uninit(struct vgate_net *vn)
{
	vgate_sa_flush(vn);
	vgate_sad_net_destroy(vn);
}

struct vgate_sa *vgate_sa_lookup(struct vgate_net *vn,
				 const struct vgate_sa_key *key)
{
	struct vgate_sa *sa;

	rcu_read_lock();
	sa = rhashtable_lookup(&vn->sad, key, sad_params);
	if (sa && !refcount_inc_not_zero(&sa->refcnt))
		sa = NULL;
	rcu_read_unlock();
	return sa;
}

static struct hlist_head *reqid_bucket(struct vgate_net *vn, u32 reqid)
{
	return &vn->sa_reqid[hash_32(reqid, ilog2(VGATE_REQID_HSIZE))];
}

struct vgate_sa *vgate_sa_lookup_reqid(struct vgate_net *vn, u32 reqid,
				       u8 family,
				       const union vgate_addr *peer_addr,
				       u8 proto)
{
	struct vgate_sa *sa, *found = NULL;

	if (!reqid)
		return NULL;
	rcu_read_lock();
	hlist_for_each_entry_rcu(sa, reqid_bucket(vn, reqid), reqid_node) {
		if (sa->reqid != reqid || sa->key.family != family ||
		    sa->key.proto != proto ||
		    (family == AF_INET ? sa->key.daddr.a4 != peer_addr->a4 :
		     !ipv6_addr_equal(&sa->key.daddr.a6, &peer_addr->a6)) ||
		    test_bit(VGATE_SA_BIT_EXPIRED, &sa->state))
			continue;
		if (refcount_inc_not_zero(&sa->refcnt)) {
			found = sa;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/* Newest first: an SA added (or replaced) later wins the REQID lookup. */
static void reqid_link(struct vgate_net *vn, struct vgate_sa *sa)
{
	if (sa->reqid)
		hlist_add_head_rcu(&sa->reqid_node,
				   reqid_bucket(vn, sa->reqid));
}

static void reqid_unlink(struct vgate_sa *sa)
{
	if (sa->reqid)
		hlist_del_rcu(&sa->reqid_node);
}

static void sa_free_work(struct work_struct *work)
{
	struct vgate_sa *sa = container_of(work, struct vgate_sa, free_work);
	struct vgate_net *vn = sa->vn;

	del_timer_sync(&sa->timer);
	/* expire_work holds a reference while queued: it is not pending. */
	if (sa->key.proto == IPPROTO_AH)
		vgate_ah_destroy_sa(sa);
	else if (sa->key.proto == IPPROTO_COMP)
		vgate_ipcomp_destroy_sa(sa);
	else
		vgate_esp_destroy_sa(sa);
	vgate_replay_free(sa->replay);
	dst_cache_destroy(&sa->dst_cache);
	vgate_counters_free(sa->stats);
	kmem_cache_free(sa_cache, sa);
	if (atomic_dec_and_test(&vn->sa_live))
		wake_up_var(&vn->sa_live);
	if (atomic_dec_and_test(&sa_live))
		wake_up_var(&sa_live);
}

static void sa_free_rcu(struct rcu_head *rcu)
{
	struct vgate_sa *sa = container_of(rcu, struct vgate_sa, rcu);

	queue_work(sa_wq, &sa->free_work);
}

void vgate_sa_put(struct vgate_sa *sa)
{
	if (sa && refcount_dec_and_test(&sa->refcnt))
		call_rcu(&sa->rcu, sa_free_rcu);
}

u32 vgate_sa_flags(const struct vgate_sa *sa)
{
	return READ_ONCE(sa->state) & (VGATE_SA_F_WEAK | VGATE_SA_F_EXPIRED |
				       VGATE_SA_F_SOFT_EXPIRED |
				       VGATE_SA_F_ESN);
}

/* Let expire_work send the events (and remove a hard expired SA). */
static void sa_schedule_expire(struct vgate_sa *sa)
{
	if (!refcount_inc_not_zero(&sa->refcnt))
		return;		/* being freed: nobody to tell */
	if (!queue_work(sa_wq, &sa->expire_work))
		vgate_sa_put(sa);
}

static void sa_soft_expire(struct vgate_sa *sa, u8 limit)
{
	if (test_bit(VGATE_SA_BIT_SOFT_EXPIRED, &sa->state))
		return;
	WRITE_ONCE(sa->soft_limit, limit);
	if (!test_and_set_bit(VGATE_SA_BIT_SOFT_EXPIRED, &sa->state))
		sa_schedule_expire(sa);
}

static void sa_hard_expire(struct vgate_sa *sa, u8 limit)
{
	if (test_bit(VGATE_SA_BIT_EXPIRED, &sa->state))
		return;
	WRITE_ONCE(sa->hard_limit, limit);
	if (!test_and_set_bit(VGATE_SA_BIT_EXPIRED, &sa->state))
		sa_schedule_expire(sa);
}

static void sa_unlink(struct vgate_net *vn, struct vgate_sa *sa);

static void sa_expire_work(struct work_struct *work)
{
	struct vgate_sa *sa = container_of(work, struct vgate_sa, expire_work);
	struct vgate_net *vn = sa->vn;

	mutex_lock(&vn->lock);
	/* An SA deleted or replaced in the meantime sends nothing. */
	if (sa->linked && test_bit(VGATE_SA_BIT_SOFT_EXPIRED, &sa->state) &&
	    !test_and_set_bit(VGATE_SA_BIT_SOFT_NOTIFIED, &sa->state))
		vgate_nl_sa_expire(vn, sa, false, READ_ONCE(sa->soft_limit));
	if (sa->linked && test_bit(VGATE_SA_BIT_EXPIRED, &sa->state) &&
	    !test_and_set_bit(VGATE_SA_BIT_HARD_NOTIFIED, &sa->state)) {
		/* Our reference keeps it alive past the unlink. */
		sa_unlink(vn, sa);
		vgate_nl_sa_expire(vn, sa, true, READ_ONCE(sa->hard_limit));
	}
	mutex_unlock(&vn->lock);
	vgate_sa_put(sa);
}

/* A timer never waits longer than this; it re-arms for the rest. */
#define SA_TIMER_MAX_SECONDS	86400

/*
 * Time based lifetimes: arm for the next limit not yet reached.  Limits
 * are any u64 (0: none): compared with the SA's age, never added to the
 * time it was added (2^64 - 1 seconds would wrap to the past and fire the
 * timer on every tick), and the wait is capped so that seconds * HZ fits.
 */
static void sa_arm_timer(struct vgate_sa *sa)
{
	u64 age = max_t(time64_t, ktime_get_seconds() - sa->added, 0);
	u64 left = U64_MAX;

	if (sa->lt.soft_seconds &&
	    !test_bit(VGATE_SA_BIT_SOFT_EXPIRED, &sa->state))
		left = sa->lt.soft_seconds > age ?
		       sa->lt.soft_seconds - age : 0;
	if (sa->lt.hard_seconds &&
	    !test_bit(VGATE_SA_BIT_EXPIRED, &sa->state))
		left = min(left, sa->lt.hard_seconds > age ?
				 sa->lt.hard_seconds - age : 0);
	if (left != U64_MAX)
		mod_timer(&sa->timer, jiffies +
			  min_t(u64, left, SA_TIMER_MAX_SECONDS) * HZ);
}

static void sa_timer_fn(struct timer_list *t)
{
	struct vgate_sa *sa = from_timer(sa, t, timer);
	u64 age = max_t(time64_t, ktime_get_seconds() - sa->added, 0);

	if (sa->lt.soft_seconds && age >= sa->lt.soft_seconds)
		sa_soft_expire(sa, VGATE_EXPIRE_SECONDS);
	if (sa->lt.hard_seconds && age >= sa->lt.hard_seconds)
		sa_hard_expire(sa, VGATE_EXPIRE_SECONDS);
	sa_arm_timer(sa);
}

static struct vgate_sa *sa_create(struct vgate_net *vn,
				  struct vgate_sa_config *cfg,
				  struct netlink_ext_ack *extack)
{
	struct vgate_sa *sa;
	int err = -ENOMEM;

	sa = vgate_fault_ptr(kmem_cache_zalloc(sa_cache, GFP_KERNEL));
	if (!sa)
		return ERR_PTR(-ENOMEM);
	atomic_inc(&sa_live);
	atomic_inc(&vn->sa_live);
	INIT_WORK(&sa->free_work, sa_free_work);
	INIT_WORK(&sa->expire_work, sa_expire_work);
	timer_setup(&sa->timer, sa_timer_fn, 0);
	refcount_set(&sa->refcnt, 1);
	sa->vn = vn;
	sa->key = cfg->key;
	sa->reqid = cfg->reqid;
	sa->saddr = cfg->saddr;
	sa->mode = cfg->mode;
	sa->enc = cfg->enc;
	sa->auth = cfg->auth;
	sa->comp = cfg->comp;
	sa->enc_key_bits = vgate_esp_key_bits(cfg);
	sa->lt = cfg->lt;
	vgate_natt_sa_init(sa, cfg);
	sa->esn = cfg->flags & VGATE_SA_F_ESN;
	if (sa->esn)
		set_bit(VGATE_SA_BIT_ESN, &sa->state);
	atomic64_set(&sa->seq_out, cfg->oseq);
	sa->lt_volume = sa->lt.soft_bytes || sa->lt.hard_bytes ||
			sa->lt.soft_packets || sa->lt.hard_packets;
	sa->added = ktime_get_seconds();
	if (vgate_esp_alg_weak(sa->enc))
		set_bit(VGATE_SA_BIT_WEAK, &sa->state);

	sa->stats = vgate_counters_alloc(VGATE_SA_CNT_NR);
	if (!sa->stats)
		goto fail;
	if (dst_cache_init(&sa->dst_cache, GFP_KERNEL))
		goto fail;
	sa->replay = vgate_replay_alloc(cfg->replay_window, sa->esn,
					cfg->replay_seq, GFP_KERNEL);
	if (!sa->replay)
		goto fail;
	if (sa->key.proto == IPPROTO_AH)
		err = vgate_ah_init_sa(sa, cfg, extack);
	else if (sa->key.proto == IPPROTO_COMP)
		err = vgate_ipcomp_init_sa(sa, extack);
	else
		err = vgate_esp_init_sa(sa, cfg, extack);
	if (err)
		goto fail;
	/* The lifetime clock starts when the SA enters the SAD (sa_link()). */
	return sa;
fail:
	/* Not published: free at once, through the same path. */
	refcount_set(&sa->refcnt, 0);
	if (sa->replay)
		vgate_replay_free(sa->replay);
	sa->replay = NULL;
	if (sa->stats && sa->dst_cache.cache)
		dst_cache_destroy(&sa->dst_cache);
	vgate_counters_free(sa->stats);
	kmem_cache_free(sa_cache, sa);
	atomic_dec(&vn->sa_live);
	if (atomic_dec_and_test(&sa_live))
		wake_up_var(&sa_live);
	return ERR_PTR(err);
}

/* @sa takes the place of @old in the lists; @sa's hash node already did. */
static void sa_take_place(struct vgate_sa *old, struct vgate_sa *sa)
{
	list_replace(&old->list, &sa->list);
	reqid_unlink(old);
	vgate_natt_sa_unlink(old);
	old->linked = false;
	vgate_sa_put(old);
}

/* The rest of linking @sa, in the hash table already; @sa starts its life. */
static void sa_link(struct vgate_net *vn, struct vgate_sa *sa)
{
	reqid_link(vn, sa);
	vgate_natt_sa_link(vn, sa);
	sa->linked = true;
	sa->added = ktime_get_seconds();
	sa_arm_timer(sa);
	vn->generation++;
}

int vgate_sa_add(struct vgate_net *vn, struct vgate_sa_config *cfg,
		 bool replace, struct netlink_ext_ack *extack)
{
	struct vgate_sa *sa, *old;
	int err;

	lockdep_assert_held(&vn->lock);
	old = rhashtable_lookup_fast(&vn->sad, &cfg->key, sad_params);
	if (replace && !old) {
		NL_SET_ERR_MSG(extack, "no SA with this SPI, destination and protocol");
		return -ENOENT;
	}
	if (!replace && old) {
		NL_SET_ERR_MSG(extack, "an SA with this SPI, destination and protocol exists");
		return -EEXIST;
	}
	if (!replace && atomic_read(&vn->sa_count) >= vn->cfg.max_sas) {
		NL_SET_ERR_MSG(extack, "SA database full (max_sas)");
		return -ENOSPC;
	}

	sa = sa_create(vn, cfg, extack);
	if (IS_ERR(sa))
		return PTR_ERR(sa);

	if (old) {
		err = rhashtable_replace_fast(&vn->sad, &old->node, &sa->node,
					      sad_params);
		if (err)
			goto fail;
		sa_take_place(old, sa);
	} else {
		err = rhashtable_insert_fast(&vn->sad, &sa->node, sad_params);
		if (err)
			goto fail;
		list_add_tail(&sa->list, &vn->sa_list);
		atomic_inc(&vn->sa_count);
	}
	sa_link(vn, sa);
	return 0;
fail:
	vgate_sa_put(sa);
	return err;
}

static void sa_unlink(struct vgate_net *vn, struct vgate_sa *sa)
{
	rhashtable_remove_fast(&vn->sad, &sa->node, sad_params);
	list_del(&sa->list);
	reqid_unlink(sa);
	vgate_natt_sa_unlink(sa);
	sa->linked = false;
	atomic_dec(&vn->sa_count);
	vn->generation++;
	vgate_sa_put(sa);
}

int vgate_sa_del(struct vgate_net *vn, const struct vgate_sa_key *key)
{
	struct vgate_sa *sa;

	lockdep_assert_held(&vn->lock);
	sa = rhashtable_lookup_fast(&vn->sad, key, sad_params);
	if (!sa)
		return -ENOENT;
	sa_unlink(vn, sa);
	return 0;
}

void vgate_sa_flush(struct vgate_net *vn)
{
	struct vgate_sa *sa, *tmp;

	list_for_each_entry_safe(sa, tmp, &vn->sa_list, list)
		sa_unlink(vn, sa);
}

/* Transactions: staged SA changes (sad.h struct vgate_sa_stage). */

#define SA_STAGE_HBITS	10

/* One key a transaction changed: its SA to install, or NULL to delete. */
struct vgate_sa_op {
	struct hlist_node hnode;
	struct list_head list;
	struct vgate_sa_key key;
	struct vgate_sa *sa;
	bool tail;		/* added: goes to the end of the list */
	bool inserted;		/* sa is in the hash table (commit) */
};

void vgate_sa_stage_init(struct vgate_sa_stage *st)
{
	st->hash = NULL;
	INIT_LIST_HEAD(&st->ops);
	st->flushed = false;
	st->delta = 0;
}

static struct hlist_head *stage_bucket(struct vgate_sa_stage *st,
				       const struct vgate_sa_key *key)
{
	return &st->hash[jhash2((const u32 *)key, sizeof(*key) / sizeof(u32),
				0) & ((1U << SA_STAGE_HBITS) - 1)];
}

static struct vgate_sa_op *stage_find(struct vgate_sa_stage *st,
				      const struct vgate_sa_key *key)
{
	struct vgate_sa_op *op;

	if (!st->hash)
		return NULL;
	hlist_for_each_entry(op, stage_bucket(st, key), hnode)
		if (!memcmp(&op->key, key, sizeof(*key)))
			return op;
	return NULL;
}

static void stage_op_free(struct vgate_sa_op *op)
{
	hlist_del(&op->hnode);
	list_del(&op->list);
	/* Never published: the usual path frees it and its keys. */
	vgate_sa_put(op->sa);
	kfree(op);
}

void vgate_sa_stage_free(struct vgate_sa_stage *st)
{
	struct vgate_sa_op *op, *tmp;

	list_for_each_entry_safe(op, tmp, &st->ops, list)
		stage_op_free(op);
	kvfree(st->hash);
	vgate_sa_stage_init(st);
}

/* The running SA of @key, if the transaction has not flushed it. */
static struct vgate_sa *stage_running(struct vgate_net *vn,
				      struct vgate_sa_stage *st,
				      const struct vgate_sa_key *key)
{
	if (st->flushed)
		return NULL;
	return rhashtable_lookup_fast(&vn->sad, key, sad_params);
}

/* Is there an SA of @key in the SAD as the transaction sees it? */
static bool stage_has(struct vgate_net *vn, struct vgate_sa_stage *st,
		      const struct vgate_sa_key *key)
{
	struct vgate_sa_op *op = stage_find(st, key);

	return op ? !!op->sa : !!stage_running(vn, st, key);
}

static struct vgate_sa_op *stage_op_new(struct vgate_sa_stage *st,
					const struct vgate_sa_key *key)
{
	struct vgate_sa_op *op;

	if (!st->hash) {
		st->hash = vgate_fault_ptr(kvcalloc(1U << SA_STAGE_HBITS,
						    sizeof(*st->hash),
						    GFP_KERNEL));
		if (!st->hash)
			return NULL;
	}
	op = vgate_fault_ptr(kzalloc(sizeof(*op), GFP_KERNEL));
	if (!op)
		return NULL;
	op->key = *key;
	hlist_add_head(&op->hnode, stage_bucket(st, key));
	list_add_tail(&op->list, &st->ops);
	return op;
}

int vgate_sa_stage_add(struct vgate_net *vn, struct vgate_sa_stage *st,
		       struct vgate_sa_config *cfg, bool replace, u32 max_sas,
		       struct netlink_ext_ack *extack)
{
	bool exists = stage_has(vn, st, &cfg->key);
	struct vgate_sa_op *op;
	struct vgate_sa *sa;

	lockdep_assert_held(&vn->lock);
	if (replace && !exists) {
		NL_SET_ERR_MSG(extack, "no SA with this SPI, destination and protocol");
		return -ENOENT;
	}
	if (!replace && exists) {
		NL_SET_ERR_MSG(extack, "an SA with this SPI, destination and protocol exists");
		return -EEXIST;
	}
	if (!replace &&
	    (st->flushed ? 0 : atomic_read(&vn->sa_count)) + st->delta >=
	    (long long)max_sas) {
		NL_SET_ERR_MSG(extack, "SA database full (max_sas)");
		return -ENOSPC;
	}
	sa = sa_create(vn, cfg, extack);
	if (IS_ERR(sa))
		return PTR_ERR(sa);
	op = stage_find(st, &cfg->key);
	if (!op) {
		op = stage_op_new(st, &cfg->key);
		if (!op) {
			vgate_sa_put(sa);
			return -ENOMEM;
		}
	}
	vgate_sa_put(op->sa);
	op->sa = sa;
	if (!replace) {
		/* A new SA: after those that exist, as outside a transaction. */
		op->tail = true;
		list_move_tail(&op->list, &st->ops);
		st->delta++;
	}
	return 0;
}

int vgate_sa_stage_del(struct vgate_net *vn, struct vgate_sa_stage *st,
		       const struct vgate_sa_key *key)
{
	struct vgate_sa_op *op;

	lockdep_assert_held(&vn->lock);
	if (!stage_has(vn, st, key))
		return -ENOENT;
	op = stage_find(st, key);
	if (!stage_running(vn, st, key)) {
		stage_op_free(op);	/* an SA of this transaction */
	} else if (op) {
		vgate_sa_put(op->sa);
		op->sa = NULL;
	} else if (!stage_op_new(st, key)) {
		return -ENOMEM;
	}
	st->delta--;
	return 0;
}

void vgate_sa_stage_flush(struct vgate_sa_stage *st)
{
	struct vgate_sa_op *op, *tmp;

	list_for_each_entry_safe(op, tmp, &st->ops, list)
		stage_op_free(op);
	st->flushed = true;
	st->delta = 0;
}

void vgate_sa_stage_undo(struct vgate_net *vn, struct vgate_sa_stage *st)
{
	struct vgate_sa_op *op;

	list_for_each_entry(op, &st->ops, list) {
		if (!op->inserted)
			continue;
		rhashtable_remove_fast(&vn->sad, &op->sa->node, sad_params);
		op->inserted = false;
	}
}

/*
 * Insert the SAs of keys the SAD does not hold: the only step of a commit
 * that can fail.  Packets could find them from here on; the policy and
 * everything else change after the last step that can fail.
 */
int vgate_sa_stage_prepare(struct vgate_net *vn, struct vgate_sa_stage *st,
			   struct netlink_ext_ack *extack)
{
	struct vgate_sa_op *op;
	int err;

	lockdep_assert_held(&vn->lock);
	list_for_each_entry(op, &st->ops, list) {
		if (!op->sa ||
		    rhashtable_lookup_fast(&vn->sad, &op->key, sad_params))
			continue;
		err = vgate_fault_int(rhashtable_insert_fast(&vn->sad,
							     &op->sa->node,
							     sad_params));
		if (err) {
			vgate_sa_stage_undo(vn, st);
			NL_SET_ERR_MSG(extack, "cannot insert an SA into the SA database");
			return err;
		}
		op->inserted = true;
	}
	return 0;
}

void vgate_sa_stage_apply(struct vgate_net *vn, struct vgate_sa_stage *st)
{
	struct vgate_sa_op *op, *tmp;
	struct vgate_sa *sa, *old;

	lockdep_assert_held(&vn->lock);
	if (st->flushed) {
		list_for_each_entry_safe(sa, old, &vn->sa_list, list)
			if (!stage_find(st, &sa->key))
				sa_unlink(vn, sa);
	}
	list_for_each_entry_safe(op, tmp, &st->ops, list) {
		sa = op->sa;
		op->sa = NULL;
		if (op->inserted) {
			list_add_tail(&sa->list, &vn->sa_list);
			atomic_inc(&vn->sa_count);
		} else {
			/* Gone since (hard expired): deleting it is done. */
			old = rhashtable_lookup_fast(&vn->sad, &op->key,
						     sad_params);
			if (!sa) {
				if (old)
					sa_unlink(vn, old);
			} else {
				/* Cannot fail: the key is the same. */
				rhashtable_replace_fast(&vn->sad, &old->node,
							&sa->node, sad_params);
				sa_take_place(old, sa);
				if (op->tail)
					list_move_tail(&sa->list, &vn->sa_list);
			}
		}
		if (sa) {
			sa_link(vn, sa);
			/* Packets held for this REQID leave if it is outbound. */
			if (sa->reqid)
				vgate_acquire_release(vn, sa->reqid);
		}
		stage_op_free(op);
	}
	kvfree(st->hash);
	vgate_sa_stage_init(st);
	vn->generation++;
}

u64 vgate_sa_next_seq(struct vgate_sa *sa)
{
	u64 seq = atomic64_inc_return(&sa->seq_out);

	/* RFC 4303 3.3.3: never cycle; ESN: 2^64 - 1 is the last one. */
	if (likely(sa->esn ? seq != 0 : seq <= U32_MAX))
		return seq;
	atomic64_dec(&sa->seq_out);	/* stays at the last one sent */
	sa_hard_expire(sa, VGATE_EXPIRE_SEQ);
	return 0;
}

void vgate_sa_count(struct vgate_sa *sa, enum vgate_sa_counter c, u64 n)
{
	/* replay and auth failures are errors too */
	vgate_counters_add2(sa->stats, c, n, VGATE_SA_CNT_ERRORS,
			    c == VGATE_SA_CNT_REPLAY || c == VGATE_SA_CNT_AUTH ?
			    n : 0);
}

bool vgate_sa_charge(struct vgate_sa *sa, unsigned int bytes, bool out)
{
	u64 b, p;

	if (unlikely(test_bit(VGATE_SA_BIT_EXPIRED, &sa->state)))
		return false;
	if (likely(!sa->lt_volume))
		goto count;

	b = atomic64_add_return(bytes, &sa->lt_bytes);
	p = atomic64_inc_return(&sa->lt_packets);
	/* Soft first: a packet crossing both sends both events. */
	if (sa->lt.soft_bytes && b >= sa->lt.soft_bytes)
		sa_soft_expire(sa, VGATE_EXPIRE_BYTES);
	else if (sa->lt.soft_packets && p >= sa->lt.soft_packets)
		sa_soft_expire(sa, VGATE_EXPIRE_PACKETS);
	if (sa->lt.hard_bytes && b > sa->lt.hard_bytes) {
		sa_hard_expire(sa, VGATE_EXPIRE_BYTES);
		return false;
	}
	if (sa->lt.hard_packets && p > sa->lt.hard_packets) {
		sa_hard_expire(sa, VGATE_EXPIRE_PACKETS);
		return false;
	}
count:
	if (out)
		vgate_counters_add2(sa->stats, VGATE_SA_CNT_PACKETS_OUT, 1,
				    VGATE_SA_CNT_BYTES_OUT, bytes);
	else
		vgate_counters_add2(sa->stats, VGATE_SA_CNT_PACKETS_IN, 1,
				    VGATE_SA_CNT_BYTES_IN, bytes);
	return true;
}

void vgate_sa_read_stats(struct vgate_sa *sa, u64 out[VGATE_SA_CNT_NR])
{
	vgate_counters_read(sa->stats, VGATE_SA_CNT_NR, out);
}

/* Is there a live outbound SA to @addr?  Under vn->lock. */
bool vgate_sad_has_dst(struct vgate_net *vn, u8 family,
		       const union vgate_addr *addr)
{
	struct vgate_sa *sa;

	lockdep_assert_held(&vn->lock);
	list_for_each_entry(sa, &vn->sa_list, list) {
		if (sa->key.family != family ||
		    test_bit(VGATE_SA_BIT_EXPIRED, &sa->state))
			continue;
		if (family == AF_INET ? sa->key.daddr.a4 == addr->a4 :
		    ipv6_addr_equal(&sa->key.daddr.a6, &addr->a6))
			return true;
	}
	return false;
}

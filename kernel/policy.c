// SPDX-License-Identifier: GPL-2.0
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/skbuff.h>
#include <linux/netlink.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "netns.h"
#include "config.h"
#include "policy.h"
#include "spd_index.h"
#include "ownaddr.h"
#include "../drivers/tunnel.h"
#include "fault.h"

static inline int fam_idx(u8 family)
{
	return family == AF_INET6;
}

/* Rules come by the hundred thousand: their counters come from a pool. */
static struct vgate_counters_pool rule_counters;

void vgate_policy_init(void)
{
	vgate_counters_pool_init(&rule_counters, VGATE_RULE_CNT_NR);
}

void vgate_policy_uninit(void)
{
	vgate_counters_pool_uninit(&rule_counters);
}

struct vgate_rule *vgate_rule_alloc(void)
{
	struct vgate_rule *rule = vgate_fault_ptr(kzalloc(sizeof(*rule), GFP_KERNEL));

	if (!rule)
		return NULL;
	rule->stats = vgate_counters_pool_get(&rule_counters,
					      &rule->stats_chunk);
	if (!rule->stats) {
		kfree(rule);
		return NULL;
	}
	return rule;
}

void vgate_rule_free(struct vgate_rule *rule)
{
	if (!rule)
		return;
	vgate_counters_pool_put(rule->stats_chunk);
	kfree(rule->descr);
	kfree(rule);
}

static void rule_free_rcu(struct rcu_head *rcu)
{
	vgate_rule_free(container_of(rcu, struct vgate_rule, rcu));
}

struct vgate_peer *vgate_peer_alloc(void)
{
	return vgate_fault_ptr(kzalloc(sizeof(struct vgate_peer), GFP_KERNEL));
}

void vgate_peer_free(struct vgate_peer *peer)
{
	if (!peer)
		return;
	kfree(peer->descr);
	kfree(peer->hostname);
	kfree(peer);
}

static void peer_free_rcu(struct rcu_head *rcu)
{
	vgate_peer_free(container_of(rcu, struct vgate_peer, rcu));
}

/* Store */

static void store_init(struct vgate_store *st)
{
	xa_init(&st->rules);
	xa_init(&st->peers);
	st->base = NULL;
}

/* Forget the entries; the objects belong to someone else. */
static void store_destroy(struct vgate_store *st)
{
	xa_destroy(&st->rules);
	xa_destroy(&st->peers);
}

static struct vgate_store *store_new(void)
{
	struct vgate_store *st = vgate_fault_ptr(kmalloc(sizeof(*st), GFP_KERNEL));

	if (st)
		store_init(st);
	return st;
}

static void store_put(struct vgate_store *st)
{
	if (!st)
		return;
	store_destroy(st);
	kfree(st);
}

static int store_clone(struct vgate_store *dst, struct vgate_store *src)
{
	unsigned long id;
	void *p;
	int err;

	xa_for_each(&src->rules, id, p) {
		err = xa_err(xa_store(&dst->rules, id, p, GFP_KERNEL));
		if (err)
			goto fail;
	}
	xa_for_each(&src->peers, id, p) {
		err = xa_err(xa_store(&dst->peers, id, p, GFP_KERNEL));
		if (err)
			goto fail;
	}
	return 0;
fail:
	store_destroy(dst);
	return err;
}

struct vgate_peer *vgate_store_peer_by_name(struct vgate_store *st,
					    const char *name)
{
	struct vgate_peer *peer;
	unsigned long id;

	xa_for_each(&st->peers, id, peer)
		if (!strcmp(peer->name, name))
			return peer;
	return NULL;
}

u32 vgate_store_peer_entries(struct vgate_store *st, u32 peer_id)
{
	struct vgate_rule *rule;
	unsigned long id;
	u32 n = 0;

	xa_for_each(&st->rules, id, rule)
		if (rule->stage == VGATE_STAGE_PEER && rule->peer_id == peer_id)
			n++;
	return n;
}

/*
 * Objects replaced or removed from a transaction's store: those the
 * running store (@st->base) holds are freed at commit, when they are no
 * longer in the store that runs (store_free_unshared()); those the
 * transaction itself created were never published and are freed here.
 */
static void store_drop_rule(struct vgate_store *st, struct vgate_rule *rule)
{
	if (!st->base || xa_load(&st->base->rules, rule->id) != rule)
		vgate_rule_free(rule);
}

static void store_drop_peer(struct vgate_store *st, struct vgate_peer *peer)
{
	if (!st->base || xa_load(&st->base->peers, peer->id) != peer)
		vgate_peer_free(peer);
}

int vgate_store_rule_put(struct vgate_store *st, struct vgate_rule *rule,
			 bool replace, struct netlink_ext_ack *extack)
{
	struct vgate_rule *prev = xa_load(&st->rules, rule->id);
	int err;

	if (replace && !prev) {
		NL_SET_ERR_MSG(extack, "no rule with this ID");
		err = -ENOENT;
		goto fail;
	}
	if (!replace && prev) {
		NL_SET_ERR_MSG(extack, "a rule with this ID exists");
		err = -EEXIST;
		goto fail;
	}
	if (rule->stage == VGATE_STAGE_PEER &&
	    !xa_load(&st->peers, rule->peer_id)) {
		NL_SET_ERR_MSG(extack, "unknown peer");
		err = -ENOENT;
		goto fail;
	}
	err = xa_err(xa_store(&st->rules, rule->id, rule, GFP_KERNEL));
	if (err)
		goto fail;
	if (prev)
		store_drop_rule(st, prev);
	return 0;
fail:
	vgate_rule_free(rule);
	return err;
}

int vgate_store_rule_del(struct vgate_store *st, u32 id,
			 struct netlink_ext_ack *extack)
{
	struct vgate_rule *rule = xa_erase(&st->rules, id);

	if (!rule) {
		NL_SET_ERR_MSG(extack, "no rule with this ID");
		return -ENOENT;
	}
	store_drop_rule(st, rule);
	return 0;
}

void vgate_store_rule_flush(struct vgate_store *st)
{
	struct vgate_rule *rule;
	unsigned long id;

	xa_for_each(&st->rules, id, rule)
		store_drop_rule(st, rule);
	xa_destroy(&st->rules);
}

int vgate_store_peer_put(struct vgate_store *st, struct vgate_peer *peer,
			 bool replace, struct netlink_ext_ack *extack)
{
	struct vgate_peer *prev = xa_load(&st->peers, peer->id);
	struct vgate_peer *same = vgate_store_peer_by_name(st, peer->name);
	int err;

	if (replace && !prev) {
		NL_SET_ERR_MSG(extack, "no peer with this ID");
		err = -ENOENT;
		goto fail;
	}
	if (!replace && prev) {
		NL_SET_ERR_MSG(extack, "a peer with this ID exists");
		err = -EEXIST;
		goto fail;
	}
	if (same && same != prev) {
		NL_SET_ERR_MSG(extack, "a peer with this name exists");
		err = -EEXIST;
		goto fail;
	}
	if (prev && !peer->blocked_until)
		peer->blocked_until = READ_ONCE(prev->blocked_until);
	err = xa_err(xa_store(&st->peers, peer->id, peer, GFP_KERNEL));
	if (err)
		goto fail;
	if (prev)
		store_drop_peer(st, prev);
	return 0;
fail:
	vgate_peer_free(peer);
	return err;
}

int vgate_store_peer_del(struct vgate_store *st, u32 id,
			 struct netlink_ext_ack *extack)
{
	if (!xa_load(&st->peers, id)) {
		NL_SET_ERR_MSG(extack, "no such peer");
		return -ENOENT;
	}
	if (vgate_store_peer_entries(st, id)) {
		NL_SET_ERR_MSG(extack, "the peer's traffic list is not empty");
		return -EBUSY;
	}
	store_drop_peer(st, xa_erase(&st->peers, id));
	return 0;
}

int vgate_store_peer_flush(struct vgate_store *st,
			   struct netlink_ext_ack *extack)
{
	struct vgate_rule *rule;
	struct vgate_peer *peer;
	unsigned long id;

	xa_for_each(&st->rules, id, rule) {
		if (rule->stage == VGATE_STAGE_PEER) {
			NL_SET_ERR_MSG(extack, "traffic list entries exist");
			return -EBUSY;
		}
	}
	xa_for_each(&st->peers, id, peer)
		store_drop_peer(st, peer);
	xa_destroy(&st->peers);
	return 0;
}

/* Compilation */

static void spd_free(struct vgate_spd *spd)
{
	int f;

	if (!spd)
		return;
	for (f = 0; f < 2; f++) {
		vgate_spd_index_free(spd->fam[f].index);
		kvfree(spd->fam[f].entries);
	}
	kvfree(spd->peers);
	kfree(spd->vpeers);
	kfree(spd);
}

static void spd_free_rcu(struct rcu_head *rcu)
{
	spd_free(container_of(rcu, struct vgate_spd, rcu));
}

/* Evaluation order: stage, then peer ID for traffic lists, then rule ID. */
static int entry_cmp(const void *a, const void *b)
{
	const struct vgate_spd_entry *x = a, *y = b;
	const struct vgate_rule *r = x->rule, *s = y->rule;

	if (r->stage != s->stage)
		return r->stage < s->stage ? -1 : 1;
	if (x->peer && y->peer && x->peer->id != y->peer->id)
		return x->peer->id < y->peer->id ? -1 : 1;
	if (r->id != s->id)
		return r->id < s->id ? -1 : 1;
	return 0;
}

static struct vgate_spd *spd_build(struct vgate_store *st)
{
	struct vgate_key_range *ranges = NULL;
	struct vgate_spd *spd;
	struct vgate_rule *rule;
	struct vgate_peer *peer;
	unsigned long id;
	u32 n[2] = {}, i = 0, v = 0;
	int f;

	spd = vgate_fault_ptr(kzalloc(sizeof(*spd), GFP_KERNEL));
	if (!spd)
		return NULL;
	xa_for_each(&st->peers, id, peer)
		spd->npeers++;
	xa_for_each(&st->rules, id, rule)
		n[fam_idx(rule->family)]++;
	spd->nrules = n[0] + n[1];
	spd->peers = vgate_fault_ptr(kvcalloc(max(spd->npeers, 1U),
					      sizeof(*spd->peers), GFP_KERNEL));
	if (!spd->peers)
		goto fail;
	xa_for_each(&st->peers, id, peer) {
		spd->peers[i++] = peer;
		spd->nvpeers += peer->virtual;
	}
	if (spd->nvpeers) {
		spd->vpeers = vgate_fault_ptr(kcalloc(spd->nvpeers,
						      sizeof(*spd->vpeers),
						      GFP_KERNEL));
		if (!spd->vpeers)
			goto fail;
		for (i = 0; i < spd->npeers; i++)
			if (spd->peers[i]->virtual)
				spd->vpeers[v++] = spd->peers[i];
	}
	for (f = 0; f < 2; f++) {
		spd->fam[f].entries =
			vgate_fault_ptr(kvcalloc(max(n[f], 1U),
						 sizeof(struct vgate_spd_entry),
						 GFP_KERNEL));
		if (!spd->fam[f].entries)
			goto fail;
	}
	xa_for_each(&st->rules, id, rule) {
		struct vgate_spd_family *fam = &spd->fam[fam_idx(rule->family)];
		struct vgate_spd_entry *e = &fam->entries[fam->n++];

		e->rule = rule;
		if (rule->stage == VGATE_STAGE_PEER)
			e->peer = xa_load(&st->peers, rule->peer_id);
	}
	ranges = vgate_fault_ptr(kvcalloc(max(spd->nrules, 1U), sizeof(*ranges), GFP_KERNEL));
	if (!ranges)
		goto fail;
	for (f = 0; f < 2; f++) {
		struct vgate_spd_family *fam = &spd->fam[f];
		u8 family = f ? AF_INET6 : AF_INET;

		/* The store yields ID order: often the evaluation order. */
		for (i = 1; i < fam->n; i++)
			if (entry_cmp(&fam->entries[i - 1],
				      &fam->entries[i]) > 0)
				break;
		if (i < fam->n)
			sort(fam->entries, fam->n, sizeof(*fam->entries),
			     entry_cmp, NULL);
		for (i = 0; i < fam->n; i++) {
			const struct vgate_sel *sel = &fam->entries[i].rule->remote;

			vgate_key_from_addr(&ranges[i].lo, family, &sel->lo);
			vgate_key_from_addr(&ranges[i].hi, family, &sel->hi);
		}
		fam->index = vgate_spd_index_build(ranges, fam->n);
		if (IS_ERR(fam->index)) {
			fam->index = NULL;
			goto fail;
		}
	}
	kvfree(ranges);
	return spd;
fail:
	kvfree(ranges);
	spd_free(spd);
	return NULL;
}

/* Transactions */

static struct vgate_txn *txn_new(struct vgate_net *vn, u32 portid)
{
	struct vgate_txn *txn = vgate_fault_ptr(kzalloc(sizeof(*txn), GFP_KERNEL));

	if (!txn)
		return NULL;
	txn->st = store_new();
	if (!txn->st || store_clone(txn->st, vn->store)) {
		kfree(txn->st);
		kfree(txn);
		return NULL;
	}
	txn->st->base = vn->store;
	txn->portid = portid;
	txn->cfg = vn->cfg;
	vgate_sa_stage_init(&txn->sas);
	return txn;
}

struct vgate_txn *vgate_txn_get(struct vgate_net *vn, u32 portid,
				bool *implicit, struct netlink_ext_ack *extack)
{
	struct vgate_txn *txn;

	lockdep_assert_held(&vn->lock);
	if (vn->txn) {
		if (vn->txn->portid != portid) {
			NL_SET_ERR_MSG(extack, "another socket has a transaction open");
			return ERR_PTR(-EBUSY);
		}
		*implicit = false;
		return vn->txn;
	}
	txn = txn_new(vn, 0);
	if (!txn)
		return ERR_PTR(-ENOMEM);
	*implicit = true;
	return txn;
}

struct vgate_txn *vgate_txn_owned(struct vgate_net *vn, u32 portid,
				  struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&vn->lock);
	if (vn->txn && vn->txn->portid != portid) {
		NL_SET_ERR_MSG(extack, "another socket has a transaction open");
		return ERR_PTR(-EBUSY);
	}
	return vn->txn;
}

int vgate_txn_begin(struct vgate_net *vn, u32 portid,
		    struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&vn->lock);
	if (vn->txn) {
		NL_SET_ERR_MSG(extack, "a transaction is already open");
		return -EBUSY;
	}
	vn->txn = txn_new(vn, portid);
	return vn->txn ? 0 : -ENOMEM;
}

/* Free what @st holds that @keep does not (both may share objects). */
static void store_free_unshared(struct vgate_store *st,
				struct vgate_store *keep, bool published)
{
	struct vgate_rule *rule;
	struct vgate_peer *peer;
	unsigned long id;

	xa_for_each(&st->rules, id, rule) {
		if (keep && xa_load(&keep->rules, id) == rule)
			continue;
		if (published)
			call_rcu(&rule->rcu, rule_free_rcu);
		else
			vgate_rule_free(rule);
	}
	xa_for_each(&st->peers, id, peer) {
		if (keep && xa_load(&keep->peers, id) == peer)
			continue;
		if (published)
			call_rcu(&peer->rcu, peer_free_rcu);
		else
			vgate_peer_free(peer);
	}
}

static void txn_free(struct vgate_net *vn, struct vgate_txn *txn)
{
	if (vn->txn == txn)
		vn->txn = NULL;
	store_put(txn->st);
	kfree(txn);
}

void vgate_txn_abort(struct vgate_net *vn, struct vgate_txn *txn)
{
	lockdep_assert_held(&vn->lock);
	store_free_unshared(txn->st, vn->store, false);
	vgate_sa_stage_free(&txn->sas);
	txn_free(vn, txn);
}

int vgate_txn_commit(struct vgate_net *vn, struct vgate_txn *txn,
		     struct netlink_ext_ack *extack)
{
	struct vgate_store *old = vn->store;
	struct vgate_spd *spd, *old_spd;
	int err;

	lockdep_assert_held(&vn->lock);
	spd = spd_build(txn->st);
	if (!spd) {
		NL_SET_ERR_MSG(extack, "out of memory building the policy");
		return -ENOMEM;
	}
	/* SAs of new keys into the SAD's hash table; taken out on failure. */
	err = vgate_sa_stage_prepare(vn, &txn->sas, extack);
	if (err) {
		spd_free(spd);
		return err;
	}
	/* The last step that can fail: devices of new virtual peers. */
	err = vgate_tunnel_commit(vn, old, txn->st, extack);
	if (err) {
		vgate_sa_stage_undo(vn, &txn->sas);
		spd_free(spd);
		return err;
	}
	/* The SAs first: the new policy's entries find theirs. */
	vgate_sa_stage_apply(vn, &txn->sas);
	/* The running store becomes the transaction's. */
	vn->store = txn->st;
	vn->store->base = NULL;
	txn->st = NULL;
	vgate_config_apply(&vn->cfg, &txn->cfg, txn->cfg_mask);
	old_spd = rcu_replace_pointer(vn->spd, spd, lockdep_is_held(&vn->lock));
	vn->generation++;
	if (old_spd)
		call_rcu(&old_spd->rcu, spd_free_rcu);
	vgate_tunnel_release(vn, old, vn->store);
	store_free_unshared(old, vn->store, true);
	store_put(old);
	txn_free(vn, txn);
	return 0;
}

int vgate_txn_end(struct vgate_net *vn, struct vgate_txn *txn, bool implicit,
		  int err, struct netlink_ext_ack *extack)
{
	if (!implicit)
		return err;
	if (err) {
		vgate_txn_abort(vn, txn);
		return err;
	}
	err = vgate_txn_commit(vn, txn, extack);
	if (err)
		vgate_txn_abort(vn, txn);
	return err;
}

void vgate_txn_release(struct vgate_net *vn, u32 portid)
{
	/* Every generic netlink socket ends here: skip the lock if we can. */
	if (!READ_ONCE(vn->txn))
		return;
	mutex_lock(&vn->lock);
	if (vn->txn && vn->txn->portid == portid)
		vgate_txn_abort(vn, vn->txn);
	mutex_unlock(&vn->lock);
}

int vgate_policy_net_init(struct vgate_net *vn)
{
	vn->store = store_new();
	if (!vn->store)
		return -ENOMEM;
	RCU_INIT_POINTER(vn->spd, NULL);
	vn->txn = NULL;
	return 0;
}

/* Under vn->lock, with the hooks gone. */
void vgate_policy_net_exit(struct vgate_net *vn)
{
	struct vgate_spd *spd;

	if (vn->txn)
		vgate_txn_abort(vn, vn->txn);
	spd = rcu_replace_pointer(vn->spd, NULL, lockdep_is_held(&vn->lock));
	if (spd)
		call_rcu(&spd->rcu, spd_free_rcu);
	store_free_unshared(vn->store, NULL, true);
	store_put(vn->store);
	vn->store = NULL;
}

/* Classification */

bool vgate_flow_from_skb(const struct sk_buff *skb, struct vgate_flow *f)
{
	unsigned int thoff;
	__be16 _ports[2];
	const __be16 *ports;

	memset(f, 0, sizeof(*f));
	if (skb->protocol == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6 = ipv6_hdr(skb);
		__be16 frag_off = 0;
		u8 nexthdr = ip6->nexthdr;
		int off;

		f->family = AF_INET6;
		f->src.a6 = ip6->saddr;
		f->dst.a6 = ip6->daddr;
		off = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
				       sizeof(*ip6), &nexthdr, &frag_off);
		if (off < 0)
			return false;
		f->proto = nexthdr;
		if (frag_off & htons(IP6_OFFSET))
			return true;
		thoff = off;
	} else {
		const struct iphdr *iph = ip_hdr(skb);

		f->family = AF_INET;
		f->src.a4 = iph->saddr;
		f->dst.a4 = iph->daddr;
		f->proto = iph->protocol;
		if (iph->frag_off & htons(IP_OFFSET))
			return true;
		thoff = skb_network_offset(skb) + iph->ihl * 4;
	}
	switch (f->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
		ports = skb_header_pointer(skb, thoff, sizeof(_ports), _ports);
		if (!ports)
			return false;
		f->sport = ports[0];
		f->dport = ports[1];
		f->has_ports = true;
	}
	return true;
}

int vgate_addr_cmp(u8 family, const union vgate_addr *a,
		   const union vgate_addr *b)
{
	if (family == AF_INET) {
		u32 x = ntohl(a->a4), y = ntohl(b->a4);

		return x < y ? -1 : x > y;
	}
	return memcmp(a->a6.s6_addr, b->a6.s6_addr, 16);
}

static bool sel_match(const struct vgate_sel *sel, u8 family,
		      const union vgate_addr *a)
{
	if (sel->kind == VGATE_SEL_ANY)
		return true;
	return vgate_addr_cmp(family, a, &sel->lo) >= 0 &&
	       vgate_addr_cmp(family, a, &sel->hi) <= 0;
}

static bool port_match(__be16 port, u16 min, u16 max)
{
	u16 p = ntohs(port);

	return p >= min && p <= max;
}

static bool rule_match(const struct vgate_rule *r, const struct vgate_flow *f,
		       bool inbound)
{
	const union vgate_addr *local = inbound ? &f->dst : &f->src;
	const union vgate_addr *remote = inbound ? &f->src : &f->dst;
	__be16 lport = inbound ? f->dport : f->sport;
	__be16 rport = inbound ? f->sport : f->dport;

	if (r->proto && r->proto != f->proto)
		return false;
	if (!sel_match(&r->remote, f->family, remote) ||
	    !sel_match(&r->local, f->family, local))
		return false;
	if (!r->has_ports)
		return true;
	return f->has_ports && port_match(lport, r->lport_min, r->lport_max) &&
	       port_match(rport, r->rport_min, r->rport_max);
}

bool vgate_peer_blocked(const struct vgate_peer *peer)
{
	unsigned long until = READ_ONCE(peer->blocked_until);

	return until && time_before(jiffies, until);
}

struct vgate_peer *vgate_spd_peer(const struct vgate_spd *spd, u32 id)
{
	u32 lo = 0, hi = spd ? spd->npeers : 0;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (spd->peers[mid]->id == id)
			return spd->peers[mid];
		if (spd->peers[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const u8 stage_why[] = {
	[VGATE_STAGE_PRE] = VGATE_WHY_PRE_RULE,
	[VGATE_STAGE_PEER] = VGATE_WHY_PEER_ENTRY,
	[VGATE_STAGE_POST] = VGATE_WHY_POST_RULE,
};

/* swskip_overlap: does PROTECT entry @r let @remote pass in the clear? */
static bool overlap_skips(struct vgate_net *vn, const struct vgate_rule *r,
			  u8 family, const union vgate_addr *remote)
{
	return READ_ONCE(vn->cfg.swskip_overlap) &&
	       r->local.kind != VGATE_SEL_ANY &&
	       sel_match(&r->local, family, remote);
}

/*
 * An admin down peer's traffic list is skipped, but what its PROTECT
 * entries cover never ends up passed in the clear: a later entry
 * of another peer (a backup peer) or a DROP rule may still take the
 * packet; a POST pass rule, the post default or the self bypass may not,
 * and the packet is dropped as peer down.  (A PRE pass rule comes before
 * every peer and so still passes it: the explicit exception.)
 */
bool vgate_classify(struct vgate_net *vn, const struct vgate_spd *spd,
		    const struct vgate_flow *f, bool inbound,
		    struct vgate_verdict *v)
{
	const struct vgate_spd_entry *down = NULL;
	const struct vgate_spd_family *fam;
	const union vgate_addr *remote = inbound ? &f->src : &f->dst;
	struct vgate_spd_iter it;
	struct vgate_key key;
	int self = -1;		/* not known yet */
	u32 prio;

	memset(v, 0, sizeof(*v));
	if (!spd) {
		/* No policy yet: the packet path lets everything pass. */
		v->action = VGATE_ACTION_PASS;
		v->why = VGATE_WHY_POST_DEFAULT;
		return false;
	}
	fam = &spd->fam[fam_idx(f->family)];
	if (!fam->n)
		goto nomatch;
	vgate_key_from_addr(&key, f->family, remote);
	vgate_spd_iter_init(&it, fam->index, &key);
	while (vgate_spd_iter_next(&it, &prio)) {
		const struct vgate_spd_entry *e = &fam->entries[prio];
		struct vgate_rule *r = e->rule;

		if (!rule_match(r, f, inbound))
			continue;
		if (!(r->flags & VGATE_RULE_F_SELF)) {
			if (self < 0)
				self = vgate_ownaddr_is_self(vn, f, inbound);
			if (self)
				continue;
		}
		if (e->peer && e->peer->admin == VGATE_PEER_ADMIN_DOWN) {
			if (!down && r->action == VGATE_ACTION_PROTECT &&
			    !overlap_skips(vn, r, f->family, remote))
				down = e;
			continue;
		}
		if (down && r->stage == VGATE_STAGE_POST &&
		    r->action == VGATE_ACTION_PASS)
			goto fail_closed;
		v->rule = r;
		v->peer = e->peer;
		v->action = r->action;
		v->why = stage_why[r->stage];
		if (r->action != VGATE_ACTION_PROTECT)
			return true;
		if (overlap_skips(vn, r, f->family, remote)) {
			v->action = VGATE_ACTION_PASS;
			v->why = VGATE_WHY_OVERLAP_SKIP;
		} else if (e->peer && vgate_peer_blocked(e->peer)) {
			v->action = VGATE_ACTION_DROP;
			v->why = VGATE_WHY_PEER_BLOCKED;
		}
		return true;
	}
nomatch:
	if (down)
		goto fail_closed;
	if (self < 0)
		self = vgate_ownaddr_is_self(vn, f, inbound);
	v->self = self;
	if (self) {
		v->action = VGATE_ACTION_PASS;
		v->why = VGATE_WHY_SELF_BYPASS;
		return true;
	}
	v->action = READ_ONCE(vn->cfg.post_default);
	v->why = VGATE_WHY_POST_DEFAULT;
	return false;

fail_closed:
	v->rule = down->rule;
	v->peer = down->peer;
	v->action = VGATE_ACTION_DROP;
	v->why = VGATE_WHY_PEER_DOWN;
	v->self = self > 0;
	return true;
}

bool vgate_verdict_passes(struct vgate_net *vn, const struct vgate_verdict *v)
{
	if (v->action != VGATE_ACTION_PASS)
		return false;
	if (v->why == VGATE_WHY_OVERLAP_SKIP)
		vgate_count(vn, VGATE_CNT_OVERLAP_SKIPPED);
	else if (v->why == VGATE_WHY_SELF_BYPASS)
		vgate_count(vn, VGATE_CNT_SELF_BYPASSED);
	return true;
}

enum vgate_drop_reason vgate_verdict_drop_reason(const struct vgate_verdict *v)
{
	switch (v->why) {
	case VGATE_WHY_PEER_BLOCKED:
		return VGATE_DROP_PEER_BLOCKED;
	case VGATE_WHY_PEER_DOWN:
		return VGATE_DROP_PEER_DOWN;
	default:
		return VGATE_DROP_RULE;
	}
}

void vgate_rule_count(struct vgate_rule *rule, bool inbound,
		      unsigned int bytes)
{
	if (inbound)
		vgate_counters_add2(rule->stats, VGATE_RULE_CNT_PACKETS_IN, 1,
				    VGATE_RULE_CNT_BYTES_IN, bytes);
	else
		vgate_counters_add2(rule->stats, VGATE_RULE_CNT_PACKETS_OUT, 1,
				    VGATE_RULE_CNT_BYTES_OUT, bytes);
}

void vgate_rule_read_stats(struct vgate_rule *rule, u64 out[VGATE_RULE_CNT_NR])
{
	vgate_counters_read(rule->stats, VGATE_RULE_CNT_NR, out);
}

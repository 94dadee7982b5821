// SPDX-License-Identifier: GPL-2.0
/*
 * Elementary-interval index of the remote ranges of the SPD; see
 * spd_index.h for the design.  Building uses scratch arrays sized for all
 * n rules once, shared by the levels; each level then keeps one exact-sized
 * allocation holding its boundaries, offsets and lists.
 */
#include <linux/bits.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "spd_index.h"

/* Bounds every count and offset below well inside u32. */
#define SPD_MAX_RULES	BIT(24)

struct spd_level {
	u32 nseg;		/* segments, >= 1; segment 0 starts at key 0 */
	u32 nb32;		/* boundaries in b32: nseg, or nseg - 1 if 2^32 was one */
	u32 *b32;		/* narrow boundaries (all <= 2^32), or NULL */
	struct vgate_key *b;	/* 128-bit boundaries when b32 is NULL */
	u32 *off;		/* nseg + 1 offsets into prio */
	u32 *prio;		/* each segment's list, ascending */
	void *mem;		/* the one allocation behind the arrays */
	size_t bytes;
};

struct spd_wide {
	struct vgate_key_range r;
	u32 prio;
};

struct vgate_spd_index {
	u32 nlevels;
	u32 nwide;
	struct spd_wide *wide;	/* ascending priorities */
	size_t bytes;
	struct spd_level level[VGATE_SPD_LEVELS];
};

#define SPD_WIDE	VGATE_SPD_LEVELS	/* the wide list's cursor */

void vgate_key_from_addr(struct vgate_key *k, u16 family, const void *addr)
{
	if (family == AF_INET6) {
		k->hi = get_unaligned_be64(addr);
		k->lo = get_unaligned_be64((const u8 *)addr + 8);
	} else if (family == AF_INET) {
		k->hi = 0;
		k->lo = get_unaligned_be32(addr);
	} else {
		k->hi = 0;
		k->lo = 0;
	}
}

static bool key_is_ones(const struct vgate_key *k)
{
	return k->hi == U64_MAX && k->lo == U64_MAX;
}

static void key_inc(struct vgate_key *k)
{
	if (!++k->lo)
		k->hi++;
}

static bool range_contains(const struct vgate_key_range *r,
			   const struct vgate_key *k)
{
	return vgate_key_cmp(&r->lo, k) <= 0 && vgate_key_cmp(k, &r->hi) <= 0;
}

/* The largest j < nb with b[j] <= k; b[0] is key 0. */
static u32 seg_find(const struct vgate_key *b, u32 nb,
		    const struct vgate_key *k)
{
	u32 lo = 0, hi = nb;

	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (vgate_key_cmp(&b[mid], k) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static u32 seg_find32(const u32 *b, u32 nb, u32 k)
{
	u32 lo = 0, hi = nb;

	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (b[mid] <= k)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static u32 level_seg(const struct spd_level *l, const struct vgate_key *k)
{
	if (!l->b32)
		return seg_find(l->b, l->nseg, k);
	/* Keys at or past 2^32 are in the last segment (see level_store()). */
	if (k->hi || k->lo > U32_MAX)
		return l->nseg - 1;
	return seg_find32(l->b32, l->nb32, k->lo);
}

/* A range endpoint to sort: rule ids[i]'s lo (tag 2i) or hi + 1 (2i + 1). */
struct spd_ev {
	struct vgate_key k;
	u32 tag;
};

#define SPD_EV_NONE	U32_MAX	/* key 0, always a boundary */

/* Scratch for building, sized for all n rules and shared by the levels. */
struct spd_build {
	const struct vgate_key_range *r;
	u32 *ids;		/* this level's rules, ascending */
	u32 *next;		/* the rules moved out to the next level */
	u32 m;			/* rules in ids */
	u32 nnext;		/* rules in next */
	u32 nb;			/* boundaries (= segments) */
	struct vgate_key *keys;	/* 2n + 1 boundaries */
	struct spd_ev *ev;	/* 2n + 1 endpoints */
	struct spd_ev *tmp;	/* 2n + 1, for the radix sort */
	u32 *s, *e;		/* rule ids[i] covers segments [s[i], e[i]) */
	u32 *cnt;		/* 2n + 2: difference counts, then fill cursors */
	u32 *off;		/* 2n + 2 */
	u32 *prio;		/* list slots, spd_budget(n) */
	u32 radix[256];
};

static u64 spd_budget(u32 m)
{
	return 8ULL * m + 4096;
}

static u32 key_byte(const struct vgate_key *k, u32 d)
{
	return ((d < 8 ? k->lo : k->hi) >> (8 * (d % 8))) & 0xff;
}

/* LSD radix sort of sb->ev[0..n), skipping the bytes that never vary. */
static void ev_sort(struct spd_build *sb, u32 n)
{
	struct spd_ev *src = sb->ev, *dst = sb->tmp;
	u64 dlo = 0, dhi = 0;
	u32 i, d;

	for (i = 1; i < n; i++) {
		dlo |= src[i].k.lo ^ src[0].k.lo;
		dhi |= src[i].k.hi ^ src[0].k.hi;
	}
	for (d = 0; d < 16; d++) {
		u64 diff = d < 8 ? dlo : dhi;
		u32 sum = 0;

		if (!((diff >> (8 * (d % 8))) & 0xff))
			continue;
		memset(sb->radix, 0, sizeof(sb->radix));
		for (i = 0; i < n; i++)
			sb->radix[key_byte(&src[i].k, d)]++;
		for (i = 0; i < 256; i++) {
			u32 c = sb->radix[i];

			sb->radix[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[sb->radix[key_byte(&src[i].k, d)]++] = src[i];
		swap(src, dst);
	}
	if (src != sb->ev)
		memcpy(sb->ev, src, n * sizeof(*src));
}

/* Cut the key space by the endpoints of ids[0..m) and find their segments. */
static u64 level_cut(struct spd_build *sb)
{
	u32 i, nev = 0, nb = 0;
	u64 slots = 0;

	sb->ev[nev++] = (struct spd_ev){ .tag = SPD_EV_NONE };
	for (i = 0; i < sb->m; i++) {
		const struct vgate_key_range *r = &sb->r[sb->ids[i]];

		sb->ev[nev++] = (struct spd_ev){ .k = r->lo, .tag = 2 * i };
		/* Ending at the top: through the last segment, fixed below. */
		sb->e[i] = U32_MAX;
		if (!key_is_ones(&r->hi)) {
			sb->ev[nev] = (struct spd_ev){ .k = r->hi, .tag = 2 * i + 1 };
			key_inc(&sb->ev[nev++].k);
		}
	}
	ev_sort(sb, nev);
	for (i = 0; i < nev; i++) {
		const struct spd_ev *ev = &sb->ev[i];

		if (!nb || vgate_key_cmp(&ev->k, &sb->keys[nb - 1]))
			sb->keys[nb++] = ev->k;
		if (ev->tag == SPD_EV_NONE)
			continue;
		if (ev->tag & 1)
			sb->e[ev->tag / 2] = nb - 1;
		else
			sb->s[ev->tag / 2] = nb - 1;
	}
	sb->nb = nb;

	for (i = 0; i < sb->m; i++) {
		if (sb->e[i] == U32_MAX)
			sb->e[i] = nb;
		slots += sb->e[i] - sb->s[i];
	}
	return slots;
}

/*
 * Over budget: move the rules covering the most segments to sb->next until
 * the others need at most @budget slots.  Both lists stay ascending.
 */
static void level_shed(struct spd_build *sb, u64 slots, u64 budget)
{
	u64 need = slots - budget, freed = 0;
	u32 *hist = sb->cnt;	/* rules by segments covered, 1..nb */
	u32 i, w = 0, t, quota;

	memset(hist, 0, (sb->nb + 1) * sizeof(*hist));
	for (i = 0; i < sb->m; i++)
		hist[sb->e[i] - sb->s[i]]++;
	for (t = sb->nb; (u64)hist[t] * t + freed < need; t--)
		freed += (u64)hist[t] * t;
	/* All rules covering more than t segments go, and quota of those at t. */
	quota = DIV_ROUND_UP_ULL(need - freed, t);

	sb->nnext = 0;
	for (i = 0; i < sb->m; i++) {
		u32 c = sb->e[i] - sb->s[i];

		if (c > t || (c == t && quota)) {
			sb->next[sb->nnext++] = sb->ids[i];
			if (c == t)
				quota--;
		} else {
			sb->ids[w] = sb->ids[i];
			sb->s[w] = sb->s[i];
			sb->e[w++] = sb->e[i];
		}
	}
	sb->m = w;
}

/* Fill the segments' lists, merge equal neighbours; returns the slots used. */
static u32 level_fill(struct spd_build *sb)
{
	u32 i, j, nb = sb->nb, sum = 0, w = 0, woff = 0;
	u32 prev_off = 0, prev_len = 0;

	memset(sb->cnt, 0, (nb + 1) * sizeof(*sb->cnt));
	for (i = 0; i < sb->m; i++) {
		sb->cnt[sb->s[i]]++;
		sb->cnt[sb->e[i]]--;
	}
	for (j = 0; j < nb; j++) {
		u32 depth = sum + sb->cnt[j];

		sb->off[j] = j ? sb->off[j - 1] + sum : 0;
		sb->cnt[j] = sb->off[j];
		sum = depth;
	}
	sb->off[nb] = sb->off[nb - 1] + sum;

	/* ids[] is ascending, so every list comes out ascending. */
	for (i = 0; i < sb->m; i++)
		for (j = sb->s[i]; j < sb->e[i]; j++)
			sb->prio[sb->cnt[j]++] = sb->ids[i];

	/* Writes only ever go to indices at or below the ones being read. */
	for (j = 0; j < nb; j++) {
		u32 start = sb->off[j], len = sb->off[j + 1] - start;

		if (w && len == prev_len &&
		    !memcmp(&sb->prio[prev_off], &sb->prio[start],
			    len * sizeof(u32)))
			continue;
		memmove(&sb->prio[woff], &sb->prio[start], len * sizeof(u32));
		sb->keys[w] = sb->keys[j];
		sb->off[w++] = woff;
		prev_off = woff;
		prev_len = len;
		woff += len;
	}
	sb->off[w] = woff;
	sb->nb = w;
	return woff;
}

/* Copy the level out of the scratch into one exact-sized allocation. */
static int level_store(struct spd_level *l, const struct spd_build *sb,
		       u32 nslots)
{
	u32 i, nb = sb->nb, nb32 = nb;
	bool narrow = true;
	size_t bsize;
	void *mem;

	for (i = 0; i < nb && narrow; i++)
		narrow = !sb->keys[i].hi && sb->keys[i].lo <= 1ULL << 32;
	/*
	 * With narrow boundaries the last segment is the only one reaching
	 * past 2^32 - 1, so a boundary at 2^32 need not be stored: level_seg()
	 * sends the keys beyond to the last segment.
	 */
	if (narrow && sb->keys[nb - 1].lo == 1ULL << 32)
		nb32--;
	bsize = narrow ? ALIGN(nb32 * sizeof(u32), 16) :
			 nb * sizeof(struct vgate_key);

	l->bytes = bsize + (nb + 1 + (size_t)nslots) * sizeof(u32);
	mem = kvmalloc(l->bytes, GFP_KERNEL);
	if (!mem)
		return -ENOMEM;
	l->mem = mem;
	l->nseg = nb;
	l->nb32 = nb32;
	if (narrow) {
		l->b32 = mem;
		l->b = NULL;
		for (i = 0; i < nb32; i++)
			l->b32[i] = sb->keys[i].lo;
	} else {
		l->b32 = NULL;
		l->b = mem;
		memcpy(l->b, sb->keys, bsize);
	}
	l->off = mem + bsize;
	memcpy(l->off, sb->off, (nb + 1) * sizeof(u32));
	l->prio = l->off + nb + 1;
	memcpy(l->prio, sb->prio, nslots * sizeof(u32));
	return 0;
}

static int level_build(struct spd_level *l, struct spd_build *sb)
{
	u64 budget = spd_budget(sb->m);
	u64 slots;

	sb->nnext = 0;
	slots = level_cut(sb);
	cond_resched();
	/*
	 * The cuts made only by the rules shed are left in: the lists on
	 * either side of them are equal, so level_fill() merges them away.
	 */
	if (slots > budget)
		level_shed(sb, slots, budget);
	return level_store(l, sb, level_fill(sb));
}

static void spd_build_free(struct spd_build *sb)
{
	kvfree(sb->ids);
	kvfree(sb->next);
	kvfree(sb->keys);
	kvfree(sb->ev);
	kvfree(sb->tmp);
	kvfree(sb->s);
	kvfree(sb->e);
	kvfree(sb->cnt);
	kvfree(sb->off);
	kvfree(sb->prio);
	kfree(sb);
}

static struct spd_build *spd_build_alloc(const struct vgate_key_range *r,
					 u32 n)
{
	struct spd_build *sb = kzalloc(sizeof(*sb), GFP_KERNEL);

	if (!sb)
		return NULL;
	sb->r = r;
	sb->ids = kvmalloc_array(n, sizeof(u32), GFP_KERNEL);
	sb->next = kvmalloc_array(n, sizeof(u32), GFP_KERNEL);
	sb->keys = kvmalloc_array(2 * n + 1, sizeof(*sb->keys), GFP_KERNEL);
	sb->ev = kvmalloc_array(2 * n + 1, sizeof(*sb->ev), GFP_KERNEL);
	sb->tmp = kvmalloc_array(2 * n + 1, sizeof(*sb->tmp), GFP_KERNEL);
	sb->s = kvmalloc_array(n, sizeof(u32), GFP_KERNEL);
	sb->e = kvmalloc_array(n, sizeof(u32), GFP_KERNEL);
	sb->cnt = kvmalloc_array(2 * n + 2, sizeof(u32), GFP_KERNEL);
	sb->off = kvmalloc_array(2 * n + 2, sizeof(u32), GFP_KERNEL);
	sb->prio = kvmalloc_array(spd_budget(n), sizeof(u32), GFP_KERNEL);
	if (!sb->ids || !sb->next || !sb->keys || !sb->ev || !sb->tmp || !sb->s ||
	    !sb->e || !sb->cnt || !sb->off || !sb->prio) {
		spd_build_free(sb);
		return NULL;
	}
	return sb;
}

void vgate_spd_index_free(struct vgate_spd_index *idx)
{
	u32 l;

	if (!idx)
		return;
	for (l = 0; l < idx->nlevels; l++)
		kvfree(idx->level[l].mem);
	kvfree(idx->wide);
	kfree(idx);
}

struct vgate_spd_index *vgate_spd_index_build(const struct vgate_key_range *r,
					      u32 n)
{
	struct vgate_spd_index *idx;
	struct spd_build *sb;
	u32 i, l;
	int ret = -ENOMEM;

	BUILD_BUG_ON(sizeof(struct vgate_spd_iter) > 64);
	if (n > SPD_MAX_RULES)
		return ERR_PTR(-E2BIG);
	idx = kzalloc(sizeof(*idx), GFP_KERNEL);
	if (!idx)
		return ERR_PTR(-ENOMEM);
	idx->bytes = sizeof(*idx);
	if (!n)
		return idx;
	sb = spd_build_alloc(r, n);
	if (!sb)
		goto err_idx;

	/* Empty ranges (lo > hi) match nothing and are left out. */
	for (i = 0; i < n; i++)
		if (vgate_key_cmp(&r[i].lo, &r[i].hi) <= 0)
			sb->ids[sb->m++] = i;

	for (l = 0; l < VGATE_SPD_LEVELS && sb->m > VGATE_SPD_WIDE_MAX; l++) {
		ret = level_build(&idx->level[l], sb);
		if (ret)
			goto err_sb;
		idx->nlevels++;
		idx->bytes += idx->level[l].bytes;
		swap(sb->ids, sb->next);
		sb->m = sb->nnext;
	}

	if (sb->m) {
		idx->wide = kvmalloc_array(sb->m, sizeof(*idx->wide),
					   GFP_KERNEL);
		if (!idx->wide) {
			ret = -ENOMEM;
			goto err_sb;
		}
		for (i = 0; i < sb->m; i++) {
			idx->wide[i].r = r[sb->ids[i]];
			idx->wide[i].prio = sb->ids[i];
		}
		idx->nwide = sb->m;
		idx->bytes += sb->m * sizeof(*idx->wide);
	}
	spd_build_free(sb);
	return idx;

err_sb:
	spd_build_free(sb);
err_idx:
	vgate_spd_index_free(idx);
	return ERR_PTR(ret);
}

size_t vgate_spd_index_bytes(const struct vgate_spd_index *idx)
{
	return idx ? idx->bytes : 0;
}

void vgate_spd_iter_init(struct vgate_spd_iter *it,
			 const struct vgate_spd_index *idx,
			 const struct vgate_key *key)
{
	u32 l;

	it->idx = idx;
	it->key = *key;
	memset(it->pos, 0, sizeof(it->pos));
	memset(it->end, 0, sizeof(it->end));
	if (!idx)
		return;
	for (l = 0; l < idx->nlevels; l++) {
		const struct spd_level *lv = &idx->level[l];
		u32 j = level_seg(lv, key);

		it->pos[l] = lv->off[j];
		it->end[l] = lv->off[j + 1];
	}
	it->end[SPD_WIDE] = idx->nwide;
}

bool vgate_spd_iter_next(struct vgate_spd_iter *it, u32 *prio)
{
	const struct vgate_spd_index *idx = it->idx;
	u32 l, from = SPD_WIDE + 1, best = 0;

	if (!idx)
		return false;
	for (l = 0; l < idx->nlevels; l++) {
		u32 v;

		if (it->pos[l] == it->end[l])
			continue;
		v = idx->level[l].prio[it->pos[l]];
		if (from > SPD_WIDE || v < best) {
			best = v;
			from = l;
		}
	}
	while (it->pos[SPD_WIDE] < it->end[SPD_WIDE] &&
	       !range_contains(&idx->wide[it->pos[SPD_WIDE]].r, &it->key))
		it->pos[SPD_WIDE]++;
	if (it->pos[SPD_WIDE] < it->end[SPD_WIDE]) {
		u32 v = idx->wide[it->pos[SPD_WIDE]].prio;

		if (from > SPD_WIDE || v < best) {
			best = v;
			from = SPD_WIDE;
		}
	}
	if (from > SPD_WIDE)
		return false;
	it->pos[from]++;
	*prio = best;
	return true;
}

#ifdef DEBUG
#include <linux/ktime.h>
#include <linux/prandom.h>

struct spd_test {
	struct rnd_state rs;
	bool v6;
	bool low;	/* IPv6 rules with IPv4-sized keys: narrow boundaries */
	u32 n;
	struct vgate_key_range *r;
};

static u32 st_rand(struct spd_test *t, u32 bound)
{
	return prandom_u32_state(&t->rs) % bound;
}

static u64 st_rand64(struct spd_test *t)
{
	return (u64)prandom_u32_state(&t->rs) << 32 | prandom_u32_state(&t->rs);
}

static struct vgate_key st_ones(const struct spd_test *t)
{
	return t->v6 ? (struct vgate_key){ U64_MAX, U64_MAX } :
		       (struct vgate_key){ 0, U32_MAX };
}

static void st_add(struct vgate_key *k, u64 d)
{
	k->lo += d;
	if (k->lo < d)
		k->hi++;
}

static void st_sub(struct vgate_key *k, u64 d)
{
	if (k->lo < d)
		k->hi--;
	k->lo -= d;
}

/* Keys crowd near 0, the top and a base, so that the rules overlap a lot. */
static void st_key(struct spd_test *t, struct vgate_key *k)
{
	switch (st_rand(t, 8)) {
	case 0:
		*k = (struct vgate_key){ 0, st_rand(t, 16) };
		break;
	case 1:
		/* Low: around 2^32, the last narrow boundary. */
		*k = t->low ? (struct vgate_key){ 0, 1ULL << 32 } : st_ones(t);
		st_add(k, t->low ? st_rand(t, 16) : 0);
		st_sub(k, st_rand(t, 16));
		break;
	case 2:
	case 3:
	case 4:
		/* IPv6: around a 64-bit carry, to test both halves. */
		if (t->v6 && !t->low)
			*k = (struct vgate_key){ 0x20010db800000001ULL, 0 };
		else
			*k = (struct vgate_key){ 0, 0x0a000000 };
		st_add(k, st_rand(t, 4096));
		st_sub(k, 2048);
		break;
	default:
		if (t->v6 && !t->low)
			*k = (struct vgate_key){ st_rand64(t), st_rand64(t) };
		else
			*k = (struct vgate_key){ 0, prandom_u32_state(&t->rs) };
		break;
	}
}

static void st_prefix(struct spd_test *t, struct vgate_key_range *r)
{
	u32 bits = t->v6 && !t->low ? 128 : 32;
	u32 host = st_rand(t, 2) ? st_rand(t, 9) : st_rand(t, bits + 1);
	u64 *lo = &r->lo.lo, *hi = &r->hi.lo;
	u64 mask;

	st_key(t, &r->lo);
	r->hi = r->lo;
	if (host >= 64) {
		r->lo.lo = 0;
		r->hi.lo = U64_MAX;
		host -= 64;
		lo = &r->lo.hi;
		hi = &r->hi.hi;
	}
	mask = host == 64 ? U64_MAX : (1ULL << host) - 1;
	*lo &= ~mask;
	*hi |= mask;
}

static void st_rule(struct spd_test *t, u32 i)
{
	struct vgate_key_range *r = &t->r[i];
	struct vgate_key a, b;

	st_key(t, &a);
	st_key(t, &b);
	if (vgate_key_cmp(&a, &b) > 0)
		swap(a, b);
	switch (i ? st_rand(t, 16) : 15) {
	case 0:
		r->lo = (struct vgate_key){ 0, 0 };
		r->hi = st_ones(t);
		break;
	case 1:
	case 2:
		*r = t->r[st_rand(t, i)];
		break;
	case 3:
	case 4:
		/* Nested in (or equal to) an earlier rule. */
		*r = t->r[st_rand(t, i)];
		a = r->lo;
		st_add(&a, st_rand(t, 4));
		if (vgate_key_cmp(&a, &r->lo) >= 0 &&
		    vgate_key_cmp(&a, &r->hi) <= 0)
			r->lo = a;
		b = r->hi;
		st_sub(&b, st_rand(t, 4));
		if (vgate_key_cmp(&b, &r->lo) >= 0 &&
		    vgate_key_cmp(&b, &r->hi) <= 0)
			r->hi = b;
		break;
	case 5:
	case 6:
		r->lo = a;
		r->hi = b;
		break;
	case 7:
		r->lo = a;
		r->hi = a;
		break;
	case 8:
		r->lo = (struct vgate_key){ 0, 0 };
		r->hi = a;
		break;
	case 9:
		r->lo = a;
		r->hi = st_ones(t);
		break;
	case 10:
		/* Empty unless a == b. */
		r->lo = b;
		r->hi = a;
		break;
	default:
		st_prefix(t, r);
		break;
	}
}

/* The iterator must yield exactly the matching rules, in order. */
static int st_check(const struct spd_test *t, const struct vgate_spd_index *idx,
		    const struct vgate_key *k)
{
	struct vgate_spd_iter it;
	u32 p, want = 0;

	vgate_spd_iter_init(&it, idx, k);
	while (vgate_spd_iter_next(&it, &p)) {
		while (want < t->n && !range_contains(&t->r[want], k))
			want++;
		if (p != want)
			goto fail;
		want++;
	}
	while (want < t->n && !range_contains(&t->r[want], k))
		want++;
	if (want == t->n)
		return 0;
	p = U32_MAX;
fail:
	pr_err("spd_index self-test: n %u v6 %d key %016llx:%016llx: got %d, want %d\n",
	       t->n, t->v6, k->hi, k->lo, (int)p, want < t->n ? (int)want : -1);
	return -EINVAL;
}

static int st_queries(struct spd_test *t, const struct vgate_spd_index *idx,
		      u32 nq)
{
	struct vgate_key k;
	u32 q;
	int ret;

	k = (struct vgate_key){ 0, 0 };
	ret = st_check(t, idx, &k);
	k = st_ones(t);
	ret = ret ?: st_check(t, idx, &k);
	for (q = 0; q < nq && !ret; q++) {
		const struct vgate_key_range *r = t->n ? &t->r[st_rand(t, t->n)] : NULL;
		struct vgate_key ones = st_ones(t);

		switch (r ? st_rand(t, 6) : 5) {
		case 0:
			k = r->lo;
			break;
		case 1:
			k = r->hi;
			break;
		case 2:
			k = r->lo;
			if (k.lo || k.hi)
				st_sub(&k, 1);
			break;
		case 3:
			k = r->hi;
			if (vgate_key_cmp(&k, &ones) < 0)
				st_add(&k, 1);
			break;
		case 4:
			if (t->low) {
				k = (struct vgate_key){ st_rand64(t), st_rand64(t) };
				k.hi >>= st_rand(t, 64);
				break;
			}
			fallthrough;
		default:
			st_key(t, &k);
			break;
		}
		ret = st_check(t, idx, &k);
	}
	return ret;
}

static int st_run(struct spd_test *t, u32 nq)
{
	struct vgate_spd_index *idx;
	int ret;

	idx = vgate_spd_index_build(t->r, t->n);
	if (IS_ERR(idx)) {
		pr_err("spd_index self-test: build of %u: %ld\n", t->n,
		       PTR_ERR(idx));
		return PTR_ERR(idx);
	}
	ret = st_queries(t, idx, nq);
	vgate_spd_index_free(idx);
	return ret;
}

/* Nested ranges and hosts under them: all but a few must leave level 0. */
static int st_overflow(struct spd_test *t)
{
	struct vgate_spd_index *idx;
	u32 i, half = t->n / 2;
	int ret;

	for (i = 0; i < t->n; i++) {
		struct vgate_key_range *r = &t->r[i];
		u32 x = st_rand(t, half);

		r->lo = (struct vgate_key){ 0x20010db800000001ULL, 0 };
		st_sub(&r->lo, 2 * half);
		r->hi = r->lo;
		if (st_rand(t, 2)) {
			st_add(&r->lo, 2 * x);
			st_add(&r->hi, 4 * half - 2 * x);
		} else {
			st_add(&r->lo, 4 * x + 1);
			r->hi = r->lo;
		}
	}
	idx = vgate_spd_index_build(t->r, t->n);
	if (IS_ERR(idx))
		return PTR_ERR(idx);
	ret = idx->nlevels == VGATE_SPD_LEVELS ? 0 : -EINVAL;
	ret = ret ?: st_queries(t, idx, 200);
	vgate_spd_index_free(idx);
	return ret;
}

/* 100k IPv4 prefixes: build time, footprint, lookup cost against 10 rules. */
static int st_scale(struct spd_test *t)
{
	static const u8 plen[] = { 32, 32, 32, 30, 28, 24, 24, 24, 20, 16 };
	struct vgate_spd_index *idx[2] = { };
	u64 t0, t1, ns[2];
	struct vgate_key k;
	u32 i, j, p, sum = 0;
	int ret = 0;

	for (i = 0; i < t->n; i++) {
		u32 len = plen[st_rand(t, ARRAY_SIZE(plen))];
		u32 a = 0x0a000000 | (prandom_u32_state(&t->rs) & 0xffffff);
		u32 mask;

		if (!st_rand(t, 10000))
			len = st_rand(t, 2) ? 8 : 0;
		mask = len ? (u32)(U32_MAX << (32 - len)) : 0;
		t->r[i].lo = (struct vgate_key){ 0, a & mask };
		t->r[i].hi = (struct vgate_key){ 0, a | ~mask };
	}
	t0 = ktime_get_ns();
	idx[0] = vgate_spd_index_build(t->r, t->n);
	t1 = ktime_get_ns();
	idx[1] = vgate_spd_index_build(t->r, 10);
	if (IS_ERR(idx[0]) || IS_ERR(idx[1])) {
		ret = -ENOMEM;
		goto out;
	}
	pr_info("spd_index self-test: %u IPv4 prefixes: built in %llu us, %zu bytes, %u levels, %u wide\n",
		t->n, (t1 - t0) / 1000, vgate_spd_index_bytes(idx[0]),
		idx[0]->nlevels, idx[0]->nwide);
	for (j = 0; j < 2; j++) {
		t0 = ktime_get_ns();
		for (i = 0; i < 20000; i++) {
			struct vgate_spd_iter it;

			k = (struct vgate_key){ 0, t->r[i % 10].lo.lo + i };
			vgate_spd_iter_init(&it, idx[j], &k);
			if (vgate_spd_iter_next(&it, &p))
				sum += p;
		}
		ns[j] = ktime_get_ns() - t0;
	}
	pr_info("spd_index self-test: first candidate in %llu ns with %u rules, %llu ns with 10 (%u)\n",
		ns[0] / 20000, t->n, ns[1] / 20000, sum & 1);
	ret = st_queries(t, idx[0], 20);
out:
	for (j = 0; j < 2; j++)
		if (!IS_ERR(idx[j]))
			vgate_spd_index_free(idx[j]);
	return ret;
}

int vgate_spd_index_selftest(void)
{
	struct spd_test t = { };
	u32 round;
	int ret = -ENOMEM;

	prandom_seed_state(&t.rs, 0x5bd1e995);
	t.r = kvmalloc_array(100000, sizeof(*t.r), GFP_KERNEL);
	if (!t.r)
		return -ENOMEM;

	for (round = 0; round < 96; round++) {
		u32 i;

		t.v6 = round & 1;
		t.low = t.v6 && round % 3 == 2;
		t.n = round < 24 ? round / 2 : st_rand(&t, round % 4 ? 100 : 1500);
		for (i = 0; i < t.n; i++)
			st_rule(&t, i);
		ret = st_run(&t, 200);
		if (ret)
			goto out;
	}
	for (round = 0; round < 2; round++) {
		t.v6 = true;
		t.low = false;
		t.n = 3000;
		ret = st_overflow(&t);
		if (ret) {
			pr_err("spd_index self-test: overflow set failed\n");
			goto out;
		}
	}
	t.v6 = false;
	t.low = false;
	t.n = 100000;
	ret = st_scale(&t);
	if (!ret)
		pr_info("spd_index self-test: pass\n");
out:
	kvfree(t.r);
	return ret;
}
#endif

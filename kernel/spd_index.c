// SPDX-License-Identifier: GPL-2.0
/*
 * Elementary-interval index of the remote ranges of the SPD; see
 * spd_index.h for the design.  Building uses scratch arrays sized for all
 * n rules once, shared by the levels; each level then keeps one exact-sized
 * allocation holding its boundaries, direct table, offsets and lists.
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
#include "fault.h"

/* Bounds every count and offset below well inside u32. */
#define SPD_MAX_RULES	BIT(24)

/*
 * A level with at least SPD_TAB_MIN boundaries gets a direct table of at
 * most 2^SPD_TAB_BITS buckets; smaller ones keep the plain binary search,
 * which is cheaper there.
 */
#define SPD_TAB_MIN	64
#define SPD_TAB_BITS	16

struct spd_level {
	u32 nseg;		/* segments, >= 1; segment 0 starts at key 0 */
	u32 nb32;		/* boundaries in b32: nseg, or nseg - 1 if 2^32 was one */
	u32 *b32;		/* narrow boundaries (all <= 2^32), or NULL */
	struct vgate_key *b;	/* 128-bit boundaries when b32 is NULL */
	u32 *off;		/* nseg + 1 offsets into prio */
	u32 *prio;		/* each segment's list, ascending */
	/*
	 * Direct table, or NULL.  The stored boundaries after b[0], b[1] up
	 * to b[last], share their top tpre bits; a key strictly between b[1]
	 * and b[last] shares them too, and its next tbits bits are its bucket
	 * i.  tab[i] is the number of those boundaries in buckets below i, so
	 * the key's segment is in [tab[i], tab[i + 1]].
	 */
	u32 *tab;		/* 2^tbits + 1 entries */
	u32 tpre, tbits, last;
	struct vgate_key tmin, tmax;	/* b[1] and b[last] */
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

/* The 64 bits of @k that follow its top @pre bits (pre < 128). */
static u64 key_bits(const struct vgate_key *k, u32 pre)
{
	if (pre >= 64)
		return k->lo << (pre - 64);
	if (!pre)
		return k->hi;
	return k->hi << pre | k->lo >> (64 - pre);
}

/* The largest j in [lo, hi) with b[j] <= k, given b[lo] <= k. */
static u32 seg_find(const struct vgate_key *b, u32 lo, u32 hi,
		    const struct vgate_key *k)
{
	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (vgate_key_cmp(&b[mid], k) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static u32 seg_find32(const u32 *b, u32 lo, u32 hi, u32 k)
{
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
	u32 i, x;

	if (!l->b32) {
		if (!l->tab)
			return seg_find(l->b, 0, l->nseg, k);
		if (vgate_key_cmp(k, &l->tmin) < 0)
			return 0;
		if (vgate_key_cmp(k, &l->tmax) >= 0)
			return l->last;
		i = key_bits(k, l->tpre) >> (64 - l->tbits);
		return seg_find(l->b, l->tab[i], l->tab[i + 1] + 1, k);
	}
	/* Keys at or past 2^32 are in the last segment (see level_store()). */
	if (k->hi || k->lo > U32_MAX)
		return l->nseg - 1;
	x = k->lo;
	if (!l->tab)
		return seg_find32(l->b32, 0, l->nb32, x);
	if (x < l->tmin.lo)
		return 0;
	if (x >= l->tmax.lo)
		return l->last;
	i = (u32)(x << l->tpre) >> (32 - l->tbits);
	return seg_find32(l->b32, l->tab[i], l->tab[i + 1] + 1, x);
}

/*
 * Endpoints to sort: rule ids[i]'s lo (tag 2i) or hi + 1 (2i + 1).  When
 * every key is below 2^32 ("narrow"), an endpoint is packed in a u64, the
 * key (at most 2^32, 33 bits) above the tag.
 */
struct spd_ev {
	struct vgate_key k;
	u32 tag;
};

#define SPD_EV_SHIFT	31
#define SPD_EV_TAG	(BIT_ULL(SPD_EV_SHIFT) - 1)

/* Scratch for building, sized for all n rules and shared by the levels. */
struct spd_build {
	const struct vgate_key_range *r;
	bool narrow;		/* every key below 2^32: u64 endpoints and keys */
	u32 n;			/* the scratch is sized for n rules */
	u32 *ids;		/* this level's rules, ascending */
	u32 *next;		/* the rules moved out to the next level */
	u32 m;			/* rules in ids */
	u32 nnext;		/* rules in next */
	u32 nb;			/* boundaries (= segments) */
	/*
	 * 2n + 1 endpoints (u64 or struct spd_ev) and as many for the radix
	 * sort.  Once sorted, the boundaries go to the other buffer (k64 or
	 * keys), and the lists to the sorted one when they fit.
	 */
	void *ev, *tmp;
	size_t evbytes;
	u64 *k64;		/* narrow boundaries */
	struct vgate_key *keys;	/* boundaries otherwise */
	u32 *s, *e;		/* rule ids[i] covers segments [s[i], e[i]) */
	u32 *cnt;		/* 2n + 2: difference counts, then fill cursors */
	u32 *off;		/* 2n + 2 */
	u32 *prio;		/* list slots */
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

static void radix_prefix(u32 *radix, u32 size)
{
	u32 i, sum = 0;

	for (i = 0; i < size; i++) {
		u32 c = radix[i];

		radix[i] = sum;
		sum += c;
	}
}

/*
 * LSD radix sort of n endpoints in sb->ev, skipping the bytes that never
 * vary; returns the buffer holding the result (sb->ev or sb->tmp).
 */
static void *ev_sort(struct spd_build *sb, u32 n)
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

		if (!((diff >> (8 * (d % 8))) & 0xff))
			continue;
		memset(sb->radix, 0, sizeof(sb->radix));
		for (i = 0; i < n; i++)
			sb->radix[key_byte(&src[i].k, d)]++;
		radix_prefix(sb->radix, 256);
		for (i = 0; i < n; i++)
			dst[sb->radix[key_byte(&src[i].k, d)]++] = src[i];
		swap(src, dst);
	}
	return src;
}

/*
 * The same over packed endpoints, by their key bits only.  Big sets take
 * 16-bit digits, half the passes, counted in sb->cnt (free until the
 * segments are known, and then at least 2^16 long).
 */
static void *ev_sort64(struct spd_build *sb, u32 n)
{
	bool big = n >= BIT(15) && 2 * sb->n + 2 >= BIT(16);
	u32 *radix = big ? sb->cnt : sb->radix;
	u32 bits = big ? 16 : 8, i, sh;
	u64 *src = sb->ev, *dst = sb->tmp, diff = 0;

	for (i = 1; i < n; i++)
		diff |= src[i] ^ src[0];
	for (sh = SPD_EV_SHIFT; sh < 64; sh += bits) {
		u32 mask = BIT(min(bits, 64 - sh)) - 1;

		if (!((diff >> sh) & mask))
			continue;
		memset(radix, 0, (mask + 1) * sizeof(u32));
		for (i = 0; i < n; i++)
			radix[(src[i] >> sh) & mask]++;
		radix_prefix(radix, mask + 1);
		for (i = 0; i < n; i++)
			dst[radix[(src[i] >> sh) & mask]++] = src[i];
		swap(src, dst);
	}
	return src;
}

static void seg_mark(struct spd_build *sb, u32 tag, u32 seg)
{
	if (tag & 1)
		sb->e[tag / 2] = seg;
	else
		sb->s[tag / 2] = seg;
}

/* Narrow level_cut(): returns the buffer of the sorted endpoints. */
static void *level_cut64(struct spd_build *sb)
{
	u64 *ev = sb->ev, *sorted;
	u32 i, nev = 0, nb = 1;

	for (i = 0; i < sb->m; i++) {
		const struct vgate_key_range *r = &sb->r[sb->ids[i]];

		ev[nev++] = r->lo.lo << SPD_EV_SHIFT | 2 * i;
		ev[nev++] = (r->hi.lo + 1) << SPD_EV_SHIFT | (2 * i + 1);
	}
	sorted = ev_sort64(sb, nev);
	sb->k64 = sorted == sb->ev ? sb->tmp : sb->ev;
	sb->k64[0] = 0;
	for (i = 0; i < nev; i++) {
		u64 k = sorted[i] >> SPD_EV_SHIFT;

		if (k != sb->k64[nb - 1])
			sb->k64[nb++] = k;
		seg_mark(sb, sorted[i] & SPD_EV_TAG, nb - 1);
	}
	sb->nb = nb;
	return sorted;
}

static void *level_cut128(struct spd_build *sb)
{
	struct spd_ev *ev = sb->ev, *sorted;
	u32 i, nev = 0, nb = 1;

	for (i = 0; i < sb->m; i++) {
		const struct vgate_key_range *r = &sb->r[sb->ids[i]];

		ev[nev++] = (struct spd_ev){ .k = r->lo, .tag = 2 * i };
		/* Ending at the top: through the last segment, fixed below. */
		sb->e[i] = U32_MAX;
		if (!key_is_ones(&r->hi)) {
			ev[nev] = (struct spd_ev){ .k = r->hi, .tag = 2 * i + 1 };
			key_inc(&ev[nev++].k);
		}
	}
	sorted = ev_sort(sb, nev);
	sb->keys = sorted == sb->ev ? sb->tmp : sb->ev;
	sb->keys[0] = (struct vgate_key){ };
	for (i = 0; i < nev; i++) {
		if (vgate_key_cmp(&sorted[i].k, &sb->keys[nb - 1]))
			sb->keys[nb++] = sorted[i].k;
		seg_mark(sb, sorted[i].tag, nb - 1);
	}
	sb->nb = nb;
	return sorted;
}

/*
 * Cut the key space by the endpoints of ids[0..m) (and key 0) and find
 * their segments; returns the slots the rules need, and in @spare the
 * buffer no longer needed.
 */
static u64 level_cut(struct spd_build *sb, void **spare)
{
	u64 slots = 0;
	u32 i;

	*spare = sb->narrow ? level_cut64(sb) : level_cut128(sb);
	for (i = 0; i < sb->m; i++) {
		if (sb->e[i] == U32_MAX)
			sb->e[i] = sb->nb;
		slots += sb->e[i] - sb->s[i];
	}
	return slots;
}

/*
 * Over budget: move the rules covering the most segments to sb->next until
 * the others need at most @budget slots.  Both lists stay ascending.
 * Returns the slots the others need.
 */
static u64 level_shed(struct spd_build *sb, u64 slots, u64 budget)
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
			slots -= c;
			if (c == t)
				quota--;
		} else {
			sb->ids[w] = sb->ids[i];
			sb->s[w] = sb->s[i];
			sb->e[w++] = sb->e[i];
		}
	}
	sb->m = w;
	return slots;
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
		/* Nothing moves until the first merge. */
		if (w != j) {
			memmove(&sb->prio[woff], &sb->prio[start],
				len * sizeof(u32));
			if (sb->narrow)
				sb->k64[w] = sb->k64[j];
			else
				sb->keys[w] = sb->keys[j];
		}
		sb->off[w++] = woff;
		prev_off = woff;
		prev_len = len;
		woff += len;
	}
	sb->off[w] = woff;
	sb->nb = w;
	return woff;
}

static struct vgate_key sb_key(const struct spd_build *sb, u32 j)
{
	if (sb->narrow)
		return (struct vgate_key){ .lo = sb->k64[j] };
	return sb->keys[j];
}

/* Bits shared at the top by @a and @b (a != b), of @width. */
static u32 key_common(const struct vgate_key *a, const struct vgate_key *b,
		      u32 width)
{
	if (width == 32)
		return 32 - fls((u32)(a->lo ^ b->lo));
	if (a->hi != b->hi)
		return 64 - fls64(a->hi ^ b->hi);
	return 128 - fls64(a->lo ^ b->lo);
}

static u32 level_tab_bits(u32 nb)
{
	return nb < SPD_TAB_MIN ? 0 : min_t(u32, ilog2(nb), SPD_TAB_BITS);
}

/* Fill l->tab (sized for @tbits) over the level's stored boundaries. */
static void level_table(struct spd_level *l, u32 nb, u32 tbits)
{
	u32 width = l->b32 ? 32 : 128, i, j = 1;

	l->last = nb - 1;
	if (l->b32) {
		l->tmin = (struct vgate_key){ .lo = l->b32[1] };
		l->tmax = (struct vgate_key){ .lo = l->b32[l->last] };
	} else {
		l->tmin = l->b[1];
		l->tmax = l->b[l->last];
	}
	l->tpre = key_common(&l->tmin, &l->tmax, width);
	l->tbits = min(tbits, width - l->tpre);
	for (i = 0; i <= BIT(l->tbits); i++) {
		for (; j <= l->last; j++) {
			u32 bkt;

			if (l->b32)
				bkt = (u32)(l->b32[j] << l->tpre) >>
				      (32 - l->tbits);
			else
				bkt = key_bits(&l->b[j], l->tpre) >>
				      (64 - l->tbits);
			if (bkt >= i)
				break;
		}
		l->tab[i] = j - 1;
	}
}

/* Copy the level out of the scratch into one exact-sized allocation. */
static int level_store(struct spd_level *l, const struct spd_build *sb,
		       u32 nslots)
{
	u32 i, nb = sb->nb, nb32 = nb, tbits;
	bool narrow = sb->narrow;
	size_t bsize, tsize;
	void *mem;

	for (i = 0; i < nb && !narrow; i++)
		if (sb->keys[i].hi || sb->keys[i].lo > 1ULL << 32)
			break;
	narrow = narrow || i == nb;
	/*
	 * With narrow boundaries the last segment is the only one reaching
	 * past 2^32 - 1, so a boundary at 2^32 need not be stored: level_seg()
	 * sends the keys beyond to the last segment.
	 */
	if (narrow && sb_key(sb, nb - 1).lo == 1ULL << 32)
		nb32--;
	bsize = narrow ? ALIGN(nb32 * sizeof(u32), 16) :
			 nb * sizeof(struct vgate_key);
	tbits = level_tab_bits(narrow ? nb32 : nb);
	tsize = tbits ? (BIT(tbits) + 1) * sizeof(u32) : 0;

	l->bytes = bsize + tsize + (nb + 1 + (size_t)nslots) * sizeof(u32);
	mem = vgate_fault_ptr(kvmalloc(l->bytes, GFP_KERNEL));
	if (!mem)
		return -ENOMEM;
	l->mem = mem;
	l->nseg = nb;
	l->nb32 = nb32;
	if (narrow) {
		l->b32 = mem;
		l->b = NULL;
		for (i = 0; i < nb32; i++)
			l->b32[i] = sb_key(sb, i).lo;
	} else {
		l->b32 = NULL;
		l->b = mem;
		memcpy(l->b, sb->keys, bsize);
	}
	l->off = mem + bsize;
	memcpy(l->off, sb->off, (nb + 1) * sizeof(u32));
	l->prio = l->off + nb + 1;
	memcpy(l->prio, sb->prio, nslots * sizeof(u32));
	l->tab = NULL;
	if (tbits) {
		l->tab = l->prio + nslots;
		level_table(l, narrow ? nb32 : nb, tbits);
	}
	return 0;
}

static int level_build(struct spd_level *l, struct spd_build *sb)
{
	u64 budget = spd_budget(sb->m);
	void *spare;
	u64 slots;
	int ret;

	sb->nnext = 0;
	slots = level_cut(sb, &spare);
	cond_resched();
	/*
	 * The cuts made only by the rules shed are left in: the lists on
	 * either side of them are equal, so level_fill() merges them away.
	 */
	if (slots > budget)
		slots = level_shed(sb, slots, budget);
	/* The sorted endpoints are spent: the lists go there if they fit. */
	if (slots * sizeof(u32) <= sb->evbytes) {
		sb->prio = spare;
	} else {
		sb->prio = kvmalloc_array(slots, sizeof(u32), GFP_KERNEL);
		if (!sb->prio)
			return -ENOMEM;
	}
	ret = level_store(l, sb, level_fill(sb));
	if (sb->prio != spare)
		kvfree(sb->prio);
	sb->prio = NULL;
	return ret;
}

static void spd_build_free(struct spd_build *sb)
{
	kvfree(sb->ids);
	kvfree(sb->next);
	kvfree(sb->ev);
	kvfree(sb->tmp);
	kvfree(sb->s);
	kvfree(sb->e);
	kvfree(sb->cnt);
	kvfree(sb->off);
	kfree(sb);
}

static struct spd_build *spd_build_alloc(const struct vgate_key_range *r,
					 u32 n)
{
	struct spd_build *sb = vgate_fault_ptr(kzalloc(sizeof(*sb), GFP_KERNEL));
	u32 i;

	if (!sb)
		return NULL;
	sb->r = r;
	sb->n = n;
	sb->ids = kvmalloc_array(n, sizeof(u32), GFP_KERNEL);
	if (!sb->ids)
		goto err;
	/* Empty ranges (lo > hi) match nothing and are left out. */
	sb->narrow = true;
	for (i = 0; i < n; i++) {
		if (vgate_key_cmp(&r[i].lo, &r[i].hi) > 0)
			continue;
		sb->ids[sb->m++] = i;
		if (r[i].hi.hi || r[i].hi.lo > U32_MAX)
			sb->narrow = false;
	}
	sb->evbytes = (2 * (size_t)n + 1) *
		      (sb->narrow ? sizeof(u64) : sizeof(struct spd_ev));
	sb->next = kvmalloc_array(n, sizeof(u32), GFP_KERNEL);
	sb->ev = vgate_fault_ptr(kvmalloc(sb->evbytes, GFP_KERNEL));
	sb->tmp = vgate_fault_ptr(kvmalloc(sb->evbytes, GFP_KERNEL));
	sb->s = kvmalloc_array(n, sizeof(u32), GFP_KERNEL);
	sb->e = kvmalloc_array(n, sizeof(u32), GFP_KERNEL);
	sb->cnt = kvmalloc_array(2 * n + 2, sizeof(u32), GFP_KERNEL);
	sb->off = kvmalloc_array(2 * n + 2, sizeof(u32), GFP_KERNEL);
	if (sb->next && sb->ev && sb->tmp && sb->s && sb->e && sb->cnt &&
	    sb->off)
		return sb;
err:
	spd_build_free(sb);
	return NULL;
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
	idx = vgate_fault_ptr(kzalloc(sizeof(*idx), GFP_KERNEL));
	if (!idx)
		return ERR_PTR(-ENOMEM);
	idx->bytes = sizeof(*idx);
	if (!n)
		return idx;
	sb = spd_build_alloc(r, n);
	if (!sb)
		goto err_idx;

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

	/* Only the cursors of idx's levels and the wide list are read. */
	it->idx = idx;
	it->key = *key;
	it->pos[SPD_WIDE] = 0;
	it->end[SPD_WIDE] = 0;
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

/* Each level's segment search must agree with a plain binary search. */
static int st_levels(const struct vgate_spd_index *idx)
{
	u32 l, j, d;

	for (l = 0; l < idx->nlevels; l++) {
		const struct spd_level *lv = &idx->level[l];
		u32 nb = lv->b32 ? lv->nb32 : lv->nseg;

		for (j = 1; j < nb; j++) {
			struct vgate_key k;
			u32 got, want;

			for (d = 0; d < 3; d++) {
				k = lv->b32 ? (struct vgate_key){ .lo = lv->b32[j] } :
					      lv->b[j];
				if (d == 1)
					st_sub(&k, 1);
				if (d == 2)
					st_add(&k, 1);
				got = level_seg(lv, &k);
				if (lv->b32)
					want = k.lo > U32_MAX ? lv->nseg - 1 :
					       seg_find32(lv->b32, 0, nb, k.lo);
				else
					want = seg_find(lv->b, 0, nb, &k);
				if (got != want) {
					pr_err("spd_index self-test: level %u of %u segments, table %u bits: key %016llx:%016llx in %u, want %u\n",
					       l, lv->nseg, lv->tab ? lv->tbits : 0,
					       k.hi, k.lo, got, want);
					return -EINVAL;
				}
			}
		}
	}
	return 0;
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
	ret = st_levels(idx) ?: st_queries(t, idx, nq);
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
	ret = ret ?: st_levels(idx) ?: st_queries(t, idx, 200);
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
	ret = st_levels(idx[0]) ?: st_levels(idx[1]) ?:
	      st_queries(t, idx[0], 20);
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

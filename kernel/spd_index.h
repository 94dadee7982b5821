/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Classification index of the security policy database over the REMOTE
 * address dimension.  Rules are ordered (entry i has priority i, lower
 * wins); the index yields, in ascending priority, the entries whose remote
 * range contains a key, and the caller matches each candidate in full.
 * Ranges are first-class: nothing is ever expanded into prefixes.
 *
 * Design: elementary intervals in up to VGATE_SPD_LEVELS levels, plus a
 * short "wide" list.
 *
 * - A level is built over a set of rules.  Their endpoints (lo, and hi + 1
 *   unless hi is the all-ones key), plus key 0, sorted and deduplicated,
 *   cut the key space into segments [b[j], b[j + 1]).  Each segment owns the
 *   ascending list of the priorities of the level's rules that cover it,
 *   stored in one flat u32 array with per-segment offsets; adjacent
 *   segments with identical lists are merged.  A lookup finds the segment
 *   of the key and the list found is exact.  Boundaries are kept as u32
 *   when they all fit (IPv4), as 128-bit keys otherwise.  A level of 64
 *   segments or more also has a direct table on up to 16 bits of the key,
 *   taken just below the top bits that all its boundaries share (a /16 of
 *   IPv4 when the rules span the address space, finer when they crowd
 *   into a smaller block): each bucket holds the range of segments
 *   starting in it, so the binary search is over a handful of them.
 *   Smaller levels keep the plain binary search.
 *
 * - A rule that covers c segments costs c list slots, so a level has a
 *   budget of 8 * m + 4096 slots for m rules.  When the rules' total is
 *   over it, the rules covering the most segments (remote "any", big ranges
 *   spanning many small ones) are moved out, widest first, until the rest
 *   fits; the moved rules form the next level, whose segments are cut only
 *   by their own endpoints, so they are again indexed exactly.
 *
 * - What is left after the last level, or a remainder of at most
 *   VGATE_SPD_WIDE_MAX rules, is the wide list: ascending priorities with
 *   their ranges, which the iterator tests one by one, so candidates stay
 *   exact there too.
 *
 * The iterator merges the (at most VGATE_SPD_LEVELS) segment lists and the
 * wide list with one cursor each; every rule is in exactly one of them, so
 * the output is strictly ascending and without duplicates.
 *
 * Cost: building is linear per level: a radix sort of the endpoints (only
 * the digits that vary: for IPv4, key and rule packed in a u64 and, for
 * big sets, two or three 16-bit passes) tagged with their rules, one pass
 * to number the segments, then the list slots, at most 8 * m + 4096 per
 * level, so memory is O(n) (peak scratch ~70 bytes per IPv4 rule, ~130
 * for IPv6, while building).
 * For sets that nest as prefixes do, a rule costs 2 * (rules nested inside
 * it) + 1 slots, which fits the budget unless a few rules contain nearly
 * everything; those move to the next level.  A lookup is, per level, one
 * table probe and a binary search of the bucket (a few segments for
 * evenly spread rules, log2 of twice the rules at worst), then O(1) per
 * candidate yielded, plus one range test per wide rule; the wide list is
 * empty or short unless the rules overlap pathologically (thousands of
 * mutually overlapping, non-nested ranges).
 */
#ifndef _VGATE_SPD_INDEX_H
#define _VGATE_SPD_INDEX_H

#include <linux/types.h>

/*
 * An address as an ordered key: IPv4 in lo (host byte order, hi = 0);
 * IPv6 as two host-order u64 halves.
 */
struct vgate_key {
	u64 hi, lo;
};

static inline int vgate_key_cmp(const struct vgate_key *a,
				const struct vgate_key *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

/* @addr in network byte order, 4 (AF_INET) or 16 (AF_INET6) bytes. */
void vgate_key_from_addr(struct vgate_key *k, u16 family, const void *addr);

struct vgate_key_range {
	struct vgate_key lo, hi;	/* inclusive; lo > hi matches nothing */
};

struct vgate_spd_index;		/* opaque, immutable once built */

#define VGATE_SPD_LEVELS	3
#define VGATE_SPD_WIDE_MAX	8

/*
 * Build an index over @n entries; entry i has priority i (lower wins) and
 * remote range r[i].  @n may be 0.  Process context, may sleep.  Returns an
 * ERR_PTR on failure.
 */
struct vgate_spd_index *vgate_spd_index_build(const struct vgate_key_range *r,
					      u32 n);
/* NULL is fine.  Not RCU-deferred: the caller defers. */
void vgate_spd_index_free(struct vgate_spd_index *idx);
/* Memory footprint in bytes, for stats. */
size_t vgate_spd_index_bytes(const struct vgate_spd_index *idx);

/*
 * Candidate iteration: yields, in strictly ascending priority and without
 * duplicates, every entry whose remote range contains the key, and only
 * those.  Never allocates or sleeps; called under rcu_read_lock() in
 * softirq.  @key is copied.
 */
struct vgate_spd_iter {
	const struct vgate_spd_index *idx;
	struct vgate_key key;
	u32 pos[VGATE_SPD_LEVELS + 1];	/* the last one is the wide list */
	u32 end[VGATE_SPD_LEVELS + 1];
};

void vgate_spd_iter_init(struct vgate_spd_iter *it,
			 const struct vgate_spd_index *idx,
			 const struct vgate_key *key);
bool vgate_spd_iter_next(struct vgate_spd_iter *it, u32 *prio);

#ifdef DEBUG
int vgate_spd_index_selftest(void);
#else
static inline int vgate_spd_index_selftest(void)
{
	return 0;
}
#endif

#endif /* _VGATE_SPD_INDEX_H */

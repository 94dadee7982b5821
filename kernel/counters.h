/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU u64 counter blocks: lock free on the packet path, summed over the
 * CPUs on read.  SAs, rules and namespaces each own one block of n counters.
 */
#ifndef _VGATE_COUNTERS_H
#define _VGATE_COUNTERS_H

#include <linux/percpu.h>
#include <linux/mutex.h>
#include <linux/u64_stats_sync.h>

struct vgate_counters {
	struct u64_stats_sync syncp;
	u64_stats_t cnt[];
};

struct vgate_counters __percpu *vgate_counters_alloc(unsigned int n);
void vgate_counters_free(struct vgate_counters __percpu *c);

/*
 * Blocks carved out of shared per-CPU chunks, for objects that come by the
 * hundred thousand (rules): one __alloc_percpu() per VGATE_POOL_BLOCKS
 * blocks instead of one each.  A chunk is freed with its last block; a
 * freed block is not reused.
 */
struct vgate_counters_chunk;

struct vgate_counters_pool {
	struct mutex lock;			/* guards cur and used */
	unsigned int n;				/* counters per block */
	struct vgate_counters_chunk *cur;
	unsigned int used;			/* blocks handed out of cur */
};

void vgate_counters_pool_init(struct vgate_counters_pool *pool,
			      unsigned int n);
/* Drop the pool's hold on its current chunk; blocks still out stay valid. */
void vgate_counters_pool_uninit(struct vgate_counters_pool *pool);
struct vgate_counters __percpu *
vgate_counters_pool_get(struct vgate_counters_pool *pool,
			struct vgate_counters_chunk **chunk);
void vgate_counters_pool_put(struct vgate_counters_chunk *chunk);
/* out[i] = sum over the CPUs of counter i, for i < n */
void vgate_counters_read(struct vgate_counters __percpu *c, unsigned int n,
			 u64 *out);

/* Add @a to counter @i and @b to counter @j in one update (@b may be 0). */
static inline void vgate_counters_add2(struct vgate_counters __percpu *c,
				       unsigned int i, u64 a,
				       unsigned int j, u64 b)
{
	struct vgate_counters *s = get_cpu_ptr(c);
	unsigned long flags = u64_stats_update_begin_irqsave(&s->syncp);

	u64_stats_add(&s->cnt[i], a);
	if (b)
		u64_stats_add(&s->cnt[j], b);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(c);
}

static inline void vgate_counters_add(struct vgate_counters __percpu *c,
				      unsigned int i, u64 n)
{
	vgate_counters_add2(c, i, n, i, 0);
}

#endif /* _VGATE_COUNTERS_H */

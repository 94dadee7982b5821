// SPDX-License-Identifier: GPL-2.0
#include <linux/overflow.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "counters.h"
#include "fault.h"

struct vgate_counters __percpu *vgate_counters_alloc(unsigned int n)
{
	struct vgate_counters __percpu *c;
	struct vgate_counters *s;
	int cpu;

	c = vgate_fault_ptr(__alloc_percpu(struct_size(s, cnt, n), __alignof__(*s)));
	if (!c)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(c, cpu)->syncp);
	return c;
}

void vgate_counters_free(struct vgate_counters __percpu *c)
{
	free_percpu(c);
}

#define VGATE_POOL_BLOCKS	512

struct vgate_counters_chunk {
	refcount_t ref;		/* blocks handed out, plus the pool's hold */
	void __percpu *base;
};

static size_t block_size(unsigned int n)
{
	struct vgate_counters *s;

	return ALIGN(struct_size(s, cnt, n), __alignof__(*s));
}

void vgate_counters_pool_init(struct vgate_counters_pool *pool,
			      unsigned int n)
{
	mutex_init(&pool->lock);
	pool->n = n;
	pool->cur = NULL;
	pool->used = 0;
}

void vgate_counters_pool_put(struct vgate_counters_chunk *chunk)
{
	if (chunk && refcount_dec_and_test(&chunk->ref)) {
		free_percpu(chunk->base);
		kfree(chunk);
	}
}

void vgate_counters_pool_uninit(struct vgate_counters_pool *pool)
{
	vgate_counters_pool_put(pool->cur);
	pool->cur = NULL;
}

struct vgate_counters __percpu *
vgate_counters_pool_get(struct vgate_counters_pool *pool,
			struct vgate_counters_chunk **chunk)
{
	size_t size = block_size(pool->n);
	struct vgate_counters __percpu *c;
	int cpu;

	mutex_lock(&pool->lock);
	if (!pool->cur || pool->used == VGATE_POOL_BLOCKS) {
		struct vgate_counters_chunk *fresh;

		fresh = vgate_fault_ptr(kmalloc(sizeof(*fresh), GFP_KERNEL));
		if (fresh)
			fresh->base = vgate_fault_ptr(__alloc_percpu(size * VGATE_POOL_BLOCKS,
								     __alignof__(*c)));
		if (!fresh || !fresh->base) {
			kfree(fresh);
			mutex_unlock(&pool->lock);
			return NULL;
		}
		refcount_set(&fresh->ref, 1);
		vgate_counters_pool_put(pool->cur);
		pool->cur = fresh;
		pool->used = 0;
	}
	/* Per-CPU pointers may be offset within their allocation. */
	c = (struct vgate_counters __percpu *)
		((u8 __percpu *)pool->cur->base + pool->used * size);
	pool->used++;
	refcount_inc(&pool->cur->ref);
	*chunk = pool->cur;
	mutex_unlock(&pool->lock);
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(c, cpu)->syncp);
	return c;
}

void vgate_counters_read(struct vgate_counters __percpu *c, unsigned int n,
			 u64 *out)
{
	unsigned int start, i;
	int cpu;

	memset(out, 0, n * sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct vgate_counters *s = per_cpu_ptr(c, cpu);
		u64 v;

		for (i = 0; i < n; i++) {
			do {
				start = u64_stats_fetch_begin(&s->syncp);
				v = u64_stats_read(&s->cnt[i]);
			} while (u64_stats_fetch_retry(&s->syncp, start));
			out[i] += v;
		}
	}
}

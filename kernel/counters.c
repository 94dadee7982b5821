// SPDX-License-Identifier: GPL-2.0
#include <linux/overflow.h>
#include <linux/string.h>

#include "counters.h"

struct vgate_counters __percpu *vgate_counters_alloc(unsigned int n)
{
	struct vgate_counters __percpu *c;
	struct vgate_counters *s;
	int cpu;

	c = __alloc_percpu(struct_size(s, cnt, n), __alignof__(*s));
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

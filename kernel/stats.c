// SPDX-License-Identifier: GPL-2.0
#include "netns.h"
#include "stats.h"

static const char * const drop_names[__VGATE_DROP_LAST] = {
	[VGATE_DROP_UNSPEC]		= "unspec",
	[VGATE_DROP_NO_SA]		= "no-sa",
	[VGATE_DROP_REPLAY]		= "replay",
	[VGATE_DROP_AUTH]		= "auth",
	[VGATE_DROP_BAD_PADDING]	= "bad-padding",
	[VGATE_DROP_MALFORMED]		= "malformed",
	[VGATE_DROP_POLICY]		= "policy",
	[VGATE_DROP_RULE]		= "rule",
	[VGATE_DROP_EXPIRED]		= "expired",
	[VGATE_DROP_SEQ_OVERFLOW]	= "seq-overflow",
	[VGATE_DROP_MTU]		= "mtu",
	[VGATE_DROP_NOMEM]		= "nomem",
	[VGATE_DROP_CRYPTO]		= "crypto",
	[VGATE_DROP_NO_ROUTE]		= "no-route",
};

const char *vgate_drop_reason_name(enum vgate_drop_reason reason)
{
	if (reason >= __VGATE_DROP_LAST)
		return "unknown";
	return drop_names[reason];
}

int vgate_stats_init(struct vgate_net *vn)
{
	vn->stats = netdev_alloc_pcpu_stats(struct vgate_pcpu_stats);
	return vn->stats ? 0 : -ENOMEM;
}

void vgate_stats_uninit(struct vgate_net *vn)
{
	free_percpu(vn->stats);
}

void vgate_stats_read(struct vgate_net *vn, struct vgate_stats_snapshot *snap)
{
	int cpu, i;

	memset(snap, 0, sizeof(*snap));
	for_each_possible_cpu(cpu) {
		const struct vgate_pcpu_stats *s = per_cpu_ptr(vn->stats, cpu);
		u64 cnt[VGATE_CNT_NR], drops[__VGATE_DROP_LAST];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < VGATE_CNT_NR; i++)
				cnt[i] = u64_stats_read(&s->cnt[i]);
			for (i = 0; i < __VGATE_DROP_LAST; i++)
				drops[i] = u64_stats_read(&s->drops[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		for (i = 0; i < VGATE_CNT_NR; i++)
			snap->cnt[i] += cnt[i];
		for (i = 0; i < __VGATE_DROP_LAST; i++)
			snap->drops[i] += drops[i];
	}
	for (i = 0; i < __VGATE_DROP_LAST; i++) {
		snap->dropped += snap->drops[i];
		if (!vgate_drop_is_policy(i))
			snap->errors += snap->drops[i];
	}
}

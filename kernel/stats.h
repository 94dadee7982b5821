/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-namespace packet counters: per-CPU, lock free, summed on read.
 */
#ifndef _VGATE_STATS_H
#define _VGATE_STATS_H

#include <linux/types.h>
#include <uapi/linux/vgate.h>

struct vgate_net;
struct sk_buff;

enum vgate_counter {
	VGATE_CNT_PACKETS_IN,
	VGATE_CNT_PACKETS_OUT,
	VGATE_CNT_PASSED,
	VGATE_CNT_PROTECTED_IN,
	VGATE_CNT_PROTECTED_OUT,
	VGATE_CNT_OVERLAP_SKIPPED,
	VGATE_CNT_SELF_BYPASSED,
	VGATE_CNT_ACQUIRES,
	VGATE_CNT_NATT_ESP_IN,
	VGATE_CNT_NATT_IKE_IN,
	VGATE_CNT_NATT_KEEPALIVES_IN,
	VGATE_CNT_NATT_KEEPALIVES_OUT,
	VGATE_CNT_PMTU_LEARNT,
	VGATE_CNT_DUMMY_IN,
	VGATE_CNT_NR
};

/* The namespace's counter block: the counters, then one per drop reason. */
#define VGATE_CNT_DROP(reason)	(VGATE_CNT_NR + (reason))
#define VGATE_NS_COUNTERS	VGATE_CNT_DROP(__VGATE_DROP_LAST)

struct vgate_stats_snapshot {
	u64 cnt[VGATE_CNT_NR];
	u64 drops[__VGATE_DROP_LAST];
	u64 dropped;
	u64 errors;
};

int vgate_stats_init(struct vgate_net *vn);
void vgate_stats_uninit(struct vgate_net *vn);
void vgate_stats_read(struct vgate_net *vn, struct vgate_stats_snapshot *snap);
const char *vgate_drop_reason_name(enum vgate_drop_reason reason);

/* True for drops that are policy decisions rather than errors. */
static inline bool vgate_drop_is_policy(enum vgate_drop_reason reason)
{
	return reason == VGATE_DROP_POLICY || reason == VGATE_DROP_RULE ||
	       reason == VGATE_DROP_PEER_BLOCKED ||
	       reason == VGATE_DROP_PEER_DOWN;
}

#endif /* _VGATE_STATS_H */

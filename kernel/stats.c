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
	[VGATE_DROP_ACQUIRE_OVERFLOW]	= "acquire-overflow",
	[VGATE_DROP_ACQUIRE_TIMEOUT]	= "acquire-timeout",
	[VGATE_DROP_PEER_BLOCKED]	= "peer-blocked",
	[VGATE_DROP_EXPIRED]		= "expired",
	[VGATE_DROP_SEQ_OVERFLOW]	= "seq-overflow",
	[VGATE_DROP_MTU]		= "mtu",
	[VGATE_DROP_NOMEM]		= "nomem",
	[VGATE_DROP_CRYPTO]		= "crypto",
	[VGATE_DROP_NO_ROUTE]		= "no-route",
	[VGATE_DROP_NATT_MALFORMED]	= "natt-malformed",
	[VGATE_DROP_NATT_NO_DAEMON]	= "natt-no-daemon",
	[VGATE_DROP_IPCOMP_MALFORMED]	= "ipcomp-malformed",
	[VGATE_DROP_DECOMPRESS]		= "decompress",
	[VGATE_DROP_DECOMPRESS_OVERSIZE] = "decompress-oversize",
	[VGATE_DROP_PEER_DOWN]		= "peer-down",
	[VGATE_DROP_NESTING]		= "nesting",
	[VGATE_DROP_FRAGMENT]		= "fragment",
	[VGATE_DROP_NO_NEXT_HEADER]	= "no-next-header",
};

const char *vgate_drop_reason_name(enum vgate_drop_reason reason)
{
	if (reason >= __VGATE_DROP_LAST)
		return "unknown";
	return drop_names[reason];
}

int vgate_stats_init(struct vgate_net *vn)
{
	vn->stats = vgate_counters_alloc(VGATE_NS_COUNTERS);
	return vn->stats ? 0 : -ENOMEM;
}

void vgate_stats_uninit(struct vgate_net *vn)
{
	vgate_counters_free(vn->stats);
}

void vgate_stats_read(struct vgate_net *vn, struct vgate_stats_snapshot *snap)
{
	u64 v[VGATE_NS_COUNTERS];
	int i;

	memset(snap, 0, sizeof(*snap));
	vgate_counters_read(vn->stats, VGATE_NS_COUNTERS, v);
	memcpy(snap->cnt, v, sizeof(snap->cnt));
	memcpy(snap->drops, v + VGATE_CNT_DROP(0), sizeof(snap->drops));
	for (i = 0; i < __VGATE_DROP_LAST; i++) {
		snap->dropped += snap->drops[i];
		if (!vgate_drop_is_policy(i))
			snap->errors += snap->drops[i];
	}
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Anti-replay window (RFC 4303 3.4.3, RFC 6479 style bitmap ring).
 */
#ifndef _VGATE_REPLAY_H
#define _VGATE_REPLAY_H

#include <linux/spinlock.h>
#include <linux/types.h>

struct vgate_replay {
	spinlock_t lock;	/* the only lock on the packet path */
	u32 window;		/* in packets, 0 = no replay protection */
	u32 top;		/* highest sequence number accepted */
	u32 nwords;		/* bitmap size in u32 words */
	u32 bitmap[];		/* bit (seq % (nwords * 32)) */
};

struct vgate_replay *vgate_replay_alloc(u32 window, gfp_t gfp);
void vgate_replay_free(struct vgate_replay *r);
/* 0 if @seq may be accepted, -EEXIST if replayed, -ERANGE if too old. */
int vgate_replay_check(struct vgate_replay *r, u32 seq);
/* Check again and record @seq after the packet has been authenticated. */
int vgate_replay_advance(struct vgate_replay *r, u32 seq);
u32 vgate_replay_top(struct vgate_replay *r);

#endif /* _VGATE_REPLAY_H */

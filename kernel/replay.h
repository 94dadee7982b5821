/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Anti-replay window (RFC 4303 3.4.3, RFC 6479 style bitmap ring) over
 * 64-bit sequence numbers; with ESN the high 32 bits of a received packet
 * are inferred as in RFC 4303 appendix A.
 */
#ifndef _VGATE_REPLAY_H
#define _VGATE_REPLAY_H

#include <linux/spinlock.h>
#include <linux/types.h>

struct vgate_replay {
	spinlock_t lock;	/* the only lock on the packet path */
	u32 window;		/* in packets, 0 = no replay protection */
	u64 top;		/* highest sequence number accepted */
	bool esn;		/* 64-bit sequence numbers (RFC 4303 2.2.1) */
	u32 mask;		/* bits in the ring - 1: a power of two - 1 */
	u32 bitmap[];		/* bit (seq & mask) */
};

/* @top: the highest sequence number already received (start state). */
struct vgate_replay *vgate_replay_alloc(u32 window, bool esn, u64 top,
					gfp_t gfp);
void vgate_replay_free(struct vgate_replay *r);
/*
 * The full sequence number of a packet whose header carries @seq_lo: @seq_lo
 * itself without ESN; with ESN the high half is inferred from the window
 * (RFC 4303 A2.1).  *@ahead is set (ESN only) when the result lies more
 * than 2^31 beyond the window's top: @seq_lo most likely lies left of the
 * window and was read as a number of a later 2^32 block.  0 (never valid)
 * when the inferred number would lie before the first one.
 */
u64 vgate_replay_infer(const struct vgate_replay *r, u32 seq_lo, bool *ahead);
/* 0 if @seq may be accepted, -EEXIST if replayed, -ERANGE if too old. */
int vgate_replay_check(struct vgate_replay *r, u64 seq);
/* Check again and record @seq after the packet has been authenticated. */
int vgate_replay_advance(struct vgate_replay *r, u64 seq);
u64 vgate_replay_top(struct vgate_replay *r);

#endif /* _VGATE_REPLAY_H */
